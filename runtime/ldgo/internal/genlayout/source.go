package genlayout

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
)

// Source is the entry as a gofmt'ed Go function returning *glibcLayout.
func (l *Layout) Source() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// %s is glibc %s", l.Func, l.Release)
	if l.Distro != "" {
		fmt.Fprintf(&b, " (%s)", l.Distro)
	}
	fmt.Fprintf(&b, ", generated from its DWARF by\n// runtime/ldgo/gen-layout.sh: ld.so build-id %s,\n// libc.so.6 build-id %s.\n", l.LdsoID, l.LibcID)
	fmt.Fprintf(&b, "func %s() *glibcLayout {\n\tl := &glibcLayout{name: %q", l.Func, l.Name)
	for _, f := range l.Fields {
		if f.Group == "" {
			fmt.Fprintf(&b, ", %s: %d", f.Name, f.Value)
		}
	}
	b.WriteString("}\n")
	vars := map[string]string{"ro": "r", "gl": "g", "ns": "n", "lm": "m", "pt": "p"}
	group := ""
	for _, f := range l.Fields {
		if f.Group == "" {
			continue
		}
		if f.Group != group {
			group = f.Group
			fmt.Fprintf(&b, "\t%s := &l.%s\n", vars[group], group)
		}
		fmt.Fprintf(&b, "\t%s.%s = %d // %s\n", vars[group], f.Name, f.Value, f.C)
	}
	b.WriteString("\tl.threadDB = map[string]uint32{\n")
	for _, f := range l.ThreadDB {
		fmt.Fprintf(&b, "\t\t%q: %d,\n", f.Name, f.Value)
	}
	b.WriteString("\t}\n\treturn l\n}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting the generated entry: %w\n%s", err, b.Bytes())
	}
	return out, nil
}

// Update puts the entry into glibclayout.go's source: it replaces the
// function of the same name (with its doc comment), or adds the function
// after the last entry and its call to the glibcLayouts list.
func (l *Layout) Update(src []byte) ([]byte, error) {
	entry, err := l.Source()
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "glibclayout.go", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	var list *ast.CompositeLit
	var last *ast.FuncDecl
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if v, ok := s.(*ast.ValueSpec); ok && len(v.Names) == 1 && v.Names[0].Name == "glibcLayouts" && len(v.Values) == 1 {
					list, _ = v.Values[0].(*ast.CompositeLit)
				}
			}
		case *ast.FuncDecl:
			if d.Recv != nil || d.Type.Results == nil || len(d.Type.Results.List) != 1 {
				continue
			}
			if star, ok := d.Type.Results.List[0].Type.(*ast.StarExpr); !ok || fmt.Sprint(star.X) != "glibcLayout" {
				continue
			}
			if d.Name.Name == l.Func {
				start := off(d.Pos())
				if d.Doc != nil {
					start = off(d.Doc.Pos())
				}
				return format.Source(concat(src[:start], bytes.TrimSuffix(entry, []byte("\n")), src[off(d.End()):]))
			}
			last = d
		}
	}
	if list == nil || last == nil {
		return nil, fmt.Errorf("glibclayout.go: no glibcLayouts list or no existing entry to add after")
	}
	at, rb := off(last.End()), off(list.Rbrace)
	if rb > at {
		return nil, fmt.Errorf("glibclayout.go: the glibcLayouts list must come before the entries")
	}
	// The later edit first, so the earlier offset stays valid.
	out := concat(src[:at], []byte("\n\n"), bytes.TrimSuffix(entry, []byte("\n")), src[at:])
	out = concat(out[:rb], []byte(", "+l.Func+"()"), out[rb:])
	return format.Source(out)
}

func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}
