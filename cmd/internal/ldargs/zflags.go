package ldargs

import (
	"fmt"
	"strings"
)

// zKeywords are the plain -z KEYWORD forms. ld only warns about a keyword
// it does not know; gold refuses it, because each one changes the output.
var zKeywords = map[string]func(p *parser){
	"now":             func(p *parser) { p.cfg.ZNow = true },
	"lazy":            func(p *parser) { p.cfg.ZNow = false },
	"relro":           func(p *parser) { p.cfg.ZRelro = true },
	"norelro":         func(p *parser) { p.cfg.ZRelro = false },
	"execstack":       func(p *parser) { p.cfg.ZExecStack = true },
	"noexecstack":     func(p *parser) { p.cfg.ZExecStack = false },
	"text":            func(p *parser) { p.cfg.ZText = true },
	"notext":          func(p *parser) { p.cfg.ZText = false },
	"textoff":         func(p *parser) { p.cfg.ZText = false },
	"defs":            func(p *parser) { p.cfg.NoUndefined = true },
	"undefs":          func(p *parser) { p.cfg.NoUndefined = false },
	"origin":          func(p *parser) { p.cfg.ZOrigin = true },
	"nodelete":        func(p *parser) { p.cfg.ZNodelete = true },
	"nodlopen":        func(p *parser) { p.cfg.ZNodlopen = true },
	"interpose":       func(p *parser) { p.cfg.ZInterpose = true },
	"initfirst":       func(p *parser) { p.cfg.ZInitFirst = true },
	"separate-code":   func(p *parser) { p.cfg.ZSeparateCode = true },
	"noseparate-code": func(p *parser) { p.cfg.ZSeparateCode = false },
	// gold always sorts dynamic relocations the way combreloc asks for.
	"combreloc":   func(*parser) {},
	"nocombreloc": func(*parser) {},
	"ibt":         func(p *parser) { p.ext.ZIBT = true },
	"shstk":       func(p *parser) { p.ext.ZShstk = true },
}

// zKeyword is -z KEYWORD and -z KEYWORD=VALUE.
func (p *parser) zKeyword(v string) error {
	key, val, hasVal := strings.Cut(v, "=")
	switch {
	case hasVal && (key == "max-page-size" || key == "common-page-size"):
		n, ok := parseNumber(val)
		if !ok || n == 0 || n&(n-1) != 0 {
			return fmt.Errorf("-z %s: %q is not a power of two", key, val)
		}
		if key == "max-page-size" {
			p.ext.MaxPageSize = n
		} else {
			p.ext.CommonPageSize = n
		}
		return nil
	case hasVal && key == "cet-report":
		if val != "none" && val != "warning" && val != "error" {
			return fmt.Errorf("-z cet-report=%s: want none, warning or error", val)
		}
		p.ext.CETReport = val
		return nil
	}
	if f, ok := zKeywords[v]; ok {
		f(p)
		return nil
	}
	return fmt.Errorf("unknown -z option: %s", v)
}
