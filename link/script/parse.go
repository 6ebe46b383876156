package script

import (
	"fmt"
	"strings"
)

// Script is what a library-standing-in script asks for.
type Script struct {
	Inputs       []ScriptInput
	SearchDirs   []string // SEARCH_DIR, in order
	OutputFormat []string // OUTPUT_FORMAT's one or three BFD names
}

// ScriptInput is one file named by INPUT or GROUP.
type ScriptInput struct {
	// Path is the file as written; for Lib it is NAME of -lNAME (or
	// ":FILE" of -l:FILE), to be searched like a command-line -l.
	Path     string
	Lib      bool // written as -lNAME
	AsNeeded bool // inside AS_NEEDED(...)
	Group    bool // inside GROUP(...): rescanned with its siblings
}

// Parse reads the linker script data, which came from the file name (used in
// messages as name:line).
func Parse(name string, data []byte) (*Script, error) {
	p := &parser{lx: lexer{name: name, src: string(data), line: 1}}
	s := &Script{}
	for {
		t, err := p.lx.next()
		if err != nil {
			return nil, err
		}
		switch {
		case t.kind == tokEOF:
			return s, nil
		case t.kind == tokPunct && t.text == ";":
			continue
		case t.kind != tokWord:
			return nil, p.errorf(t, "unexpected %q", t.text)
		}
		if err := p.command(s, t); err != nil {
			return nil, err
		}
	}
}

type parser struct {
	lx lexer
}

// command parses one top-level command, whose name is t.
func (p *parser) command(s *Script, t token) error {
	switch t.text {
	case "GROUP", "INPUT":
		if err := p.expect("("); err != nil {
			return err
		}
		return p.inputList(s, t.text == "GROUP", false)
	case "AS_NEEDED":
		return p.errorf(t, "AS_NEEDED outside INPUT or GROUP")
	case "OUTPUT_FORMAT":
		args, err := p.argList()
		if err != nil {
			return err
		}
		if len(args) != 1 && len(args) != 3 {
			return p.errorf(t, "OUTPUT_FORMAT takes 1 or 3 names, not %d", len(args))
		}
		s.OutputFormat = append(s.OutputFormat[:0], args...)
		return nil
	case "SEARCH_DIR", "OUTPUT_ARCH":
		args, err := p.argList()
		if err != nil {
			return err
		}
		if len(args) != 1 {
			return p.errorf(t, "%s takes one name, not %d", t.text, len(args))
		}
		if t.text == "SEARCH_DIR" {
			s.SearchDirs = append(s.SearchDirs, args[0])
		}
		// OUTPUT_ARCH only restates the machine, which the inputs decide.
		return nil
	}
	if !ldCommands[t.text] {
		// Most likely not a script at all: say what the file is not.
		return p.errorf(t, "unknown linker script command %q (not an ELF file, archive or linker script)", t.text)
	}
	return p.errorf(t, "linker script command %s is not supported yet", commandName(t.text))
}

// ldCommands are the other commands of GNU ld's script language: real
// scripts gold cannot handle yet, as opposed to files that are no script.
var ldCommands = map[string]bool{
	"SECTIONS": true, "MEMORY": true, "PHDRS": true, "ENTRY": true, "VERSION": true, "INCLUDE": true,
	"PROVIDE": true, "PROVIDE_HIDDEN": true, "HIDDEN": true, "ASSERT": true, "EXTERN": true, "INSERT": true,
	"OUTPUT": true, "STARTUP": true, "TARGET": true, "REGION_ALIAS": true, "NOCROSSREFS": true,
	"NOCROSSREFS_TO": true, "FORCE_COMMON_ALLOCATION": true, "INHIBIT_COMMON_ALLOCATION": true,
	"FORCE_GROUP_ALLOCATION": true, "LD_FEATURE": true, "SECTIONS_ALIGN": true, "CONSTRUCTORS": true,
}

// inputList parses the files of INPUT/GROUP up to the closing parenthesis,
// including AS_NEEDED(...) sublists (which ld lets nest).
func (p *parser) inputList(s *Script, group, asNeeded bool) error {
	for {
		t, err := p.lx.next()
		if err != nil {
			return err
		}
		switch {
		case t.kind == tokEOF:
			return p.errorf(t, "missing )")
		case t.kind == tokPunct && t.text == ")":
			return nil
		case t.kind == tokPunct && t.text == ",":
			continue
		case t.kind == tokPunct:
			return p.errorf(t, "unexpected %q in file list", t.text)
		case t.text == "AS_NEEDED":
			if err := p.expect("("); err != nil {
				return err
			}
			if err := p.inputList(s, group, true); err != nil {
				return err
			}
			continue
		}
		in := ScriptInput{Path: t.text, AsNeeded: asNeeded, Group: group}
		if lib, ok := strings.CutPrefix(t.text, "-l"); ok {
			if lib == "" || lib == ":" {
				return p.errorf(t, "%s needs a library name", t.text)
			}
			in.Path, in.Lib = lib, true
		}
		s.Inputs = append(s.Inputs, in)
	}
}

// argList parses "( name [, name]... )".
func (p *parser) argList() ([]string, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var args []string
	for {
		t, err := p.lx.next()
		if err != nil {
			return nil, err
		}
		switch {
		case t.kind == tokEOF:
			return nil, p.errorf(t, "missing )")
		case t.kind == tokPunct && t.text == ")":
			return args, nil
		case t.kind == tokPunct && t.text == ",":
			continue
		case t.kind == tokPunct:
			return nil, p.errorf(t, "unexpected %q", t.text)
		}
		args = append(args, t.text)
	}
}

// expect consumes the punctuation want.
func (p *parser) expect(want string) error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	if t.kind != tokPunct || t.text != want {
		if t.kind == tokEOF {
			return p.errorf(t, "expected %q, found end of file", want)
		}
		return p.errorf(t, "expected %q, found %q", want, t.text)
	}
	return nil
}

func (p *parser) errorf(t token, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.lx.name, t.line, fmt.Sprintf(format, args...))
}

// commandName trims a word to its leading identifier, so that "sym=1"
// reports "sym" and a long garbage word does not flood the message.
func commandName(w string) string {
	end := 0
	for end < len(w) {
		c := w[end]
		if !(c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			break
		}
		end++
	}
	if end == 0 {
		end = min(len(w), 40)
		return fmt.Sprintf("%q", w[:end])
	}
	return w[:end]
}
