package link

import (
	"debug/elf"
	"os"
	"path/filepath"
	"strings"

	"gold/dynsym"
)

// versionDef is a version node the output defines (.gnu.version_d).
type versionDef struct {
	name    string
	index   uint16
	parents []string
}

// computeImportExport decides, for every global symbol, whether the output
// exports it, imports it, and whether references to it may be preempted at
// run time. It runs after resolution and before the relocation scan.
func (ctx *Context) computeImportExport() error {
	cfg := ctx.Cfg
	shared := cfg.Kind == OutputShared
	if err := ctx.applyVersionScripts(); err != nil {
		return err
	}
	dynList, err := ctx.readDynamicLists()
	if err != nil {
		return err
	}
	for _, s := range ctx.symbolOrder {
		if s.rank == rankLazy {
			s.rank, s.lazy = rankUndefined, nil // never extracted: it stays undefined
		}
		switch {
		case s.Shared != nil:
			s.Imported, s.Preemptible = true, true
		case s.File != nil || s.linkerDef:
			local := s.Vis == elf.STV_HIDDEN || s.excludeExport || s.File != nil && s.File.excludeLibs
			switch {
			case local:
			case shared:
				s.Exported = true
			default:
				s.Exported = cfg.ExportDynamic || s.RefByDSO || matchesAny(dynList, s.Name)
			}
			if shared && s.Exported && s.Vis == elf.STV_DEFAULT {
				s.Preemptible = !cfg.Bsymbolic && !(cfg.BsymbolicFunctions && s.isFunc())
				if len(dynList) > 0 {
					s.Preemptible = matchesAny(dynList, s.Name)
				}
			}
		case s.Referenced && shared:
			s.Imported, s.Preemptible = true, true
		}
	}
	return nil
}

func matchesAny(ps []dynsym.Pattern, name string) bool {
	for _, p := range ps {
		if p.Match(name) {
			return true
		}
	}
	return false
}

func (ctx *Context) readDynamicLists() ([]dynsym.Pattern, error) {
	var all []dynsym.Pattern
	for _, path := range ctx.Cfg.DynamicLists {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, Errors{"cannot read dynamic list: " + err.Error()}
		}
		ps, err := dynsym.ParseDynamicList(path, src)
		if err != nil {
			return nil, Errors{err.Error()}
		}
		all = append(all, ps...)
	}
	return all, nil
}

// applyVersionScripts gives every defined symbol its version and makes the
// symbols a script calls local unexported. Exact names take precedence
// over wildcards, and global over local, as in ld.
func (ctx *Context) applyVersionScripts() error {
	var nodes []dynsym.VersionNode
	for _, path := range ctx.Cfg.VersionScripts {
		src, err := os.ReadFile(path)
		if err != nil {
			return Errors{"cannot read version script: " + err.Error()}
		}
		vs, err := dynsym.ParseVersionScript(path, src)
		if err != nil {
			return Errors{err.Error()}
		}
		nodes = append(nodes, vs.Nodes...)
	}
	if len(nodes) == 0 {
		return ctx.versionsFromSymver()
	}
	base := ctx.Cfg.Soname
	if base == "" {
		base = filepath.Base(ctx.Cfg.Output)
	}
	idx := map[string]uint16{}
	ctx.verDefs = []versionDef{{name: base, index: 1}}
	for _, n := range nodes {
		if n.Name == "" {
			continue
		}
		if _, dup := idx[n.Name]; dup {
			return Errors{"duplicate version node " + n.Name + " in version script"}
		}
		i := uint16(len(ctx.verDefs) + 1)
		idx[n.Name] = i
		ctx.verDefs = append(ctx.verDefs, versionDef{name: n.Name, index: i, parents: n.Parents})
	}
	if len(ctx.verDefs) == 1 {
		ctx.verDefs = nil // an anonymous script: no version sections
	}
	for _, s := range ctx.symbolOrder {
		if s.File == nil || s.IsUndefined() {
			continue
		}
		if s.VerName != "" { // .symver in the object decides
			if i, ok := idx[s.VerName]; ok {
				s.VerIdx = i
			} else {
				ctx.errorf("%s: symbol %s has undefined version %s", s.File.Name, s.Name, s.VerName)
			}
			continue
		}
		node, global, found := matchVersion(nodes, s.Name)
		switch {
		case !found:
			s.VerIdx = 1
		case !global:
			s.excludeExport = true
		case node == "":
			s.VerIdx = 1
		default:
			s.VerIdx = idx[node]
		}
	}
	return ctx.checkpoint()
}

// versionsFromSymver handles objects that define foo@@V with no version
// script: ld then refuses, and so do we, naming the symbol.
func (ctx *Context) versionsFromSymver() error {
	for _, s := range ctx.symbolOrder {
		if s.File != nil && s.VerName != "" && !s.IsUndefined() {
			ctx.errorf("%s: symbol %s@%s has a version but no version script defines %s", s.File.Name, strings.SplitN(s.Name, "@", 2)[0], s.VerName, s.VerName)
		}
	}
	return ctx.checkpoint()
}

// matchVersion finds the node a symbol belongs to: exact names first
// (global before local), then wildcards (global before local, a lone "*"
// last).
func matchVersion(nodes []dynsym.VersionNode, name string) (node string, global, found bool) {
	for pass := 0; pass < 3; pass++ {
		for _, n := range nodes {
			for _, g := range []struct {
				ps     []dynsym.Pattern
				global bool
			}{{n.Global, true}, {n.Local, false}} {
				for _, p := range g.ps {
					if p.Lang == "C++" {
						continue // demangled matching is not supported yet
					}
					var ok bool
					switch pass {
					case 0:
						ok = !p.Glob && p.Text == name
					case 1:
						ok = p.Glob && p.Text != "*" && p.Match(name)
					case 2:
						ok = p.Text == "*"
					}
					if ok {
						return n.Name, g.global, true
					}
				}
			}
		}
	}
	return "", false, false
}
