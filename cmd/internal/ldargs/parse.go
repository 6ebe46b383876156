package ldargs

import (
	"fmt"
	"strings"

	"gold/link"
)

// Parse parses ld-style arguments. own lists the long option names
// ("threads", "time-report", ...) that the calling command handles itself
// (through kong), each mapped to whether it takes a value; arguments that
// are such options (with their values: "--threads=2" or "--threads 2") are
// returned in rest, in order, for the caller to hand to kong.
//
// Parse is meant to see the whole command line at once: it starts cfg from
// ld's defaults for the fields ld has defaults for (Kind, HashStyle, ZRelro,
// ZSeparateCode), then applies the arguments; Inputs and the list fields are
// appended to. What Config cannot hold yet is dropped here; use ParseAll to
// get it.
func Parse(args []string, cfg *link.Config, own map[string]bool) (rest []string, err error) {
	ext, err := ParseAll(args, cfg, own)
	if err != nil {
		return nil, err
	}
	return ext.Rest, nil
}

// ParseAll is Parse returning, besides the caller's own options, everything
// the command line said that link.Config has no field for.
func ParseAll(args []string, cfg *link.Config, own map[string]bool) (*Extras, error) {
	expanded, err := ExpandResponseFiles(args)
	if err != nil {
		return nil, err
	}
	p := &parser{cfg: cfg, ext: &Extras{}, own: own, args: expanded}
	// ld's defaults on x86-64 GNU/Linux: relro and a separate code
	// segment are on unless switched off.
	cfg.ZRelro = true
	cfg.ZSeparateCode = true
	for p.pos < len(p.args) {
		if err := p.next(); err != nil {
			return nil, err
		}
	}
	p.finish()
	return p.ext, nil
}

// flags are the position-dependent switches that travel with each input.
type flags struct {
	wholeArchive, asNeeded, static bool
}

// outputMode is the last of -shared / -pie / -no-pie given: ld lets a later
// one override an earlier one.
type outputMode int

const (
	modeExec outputMode = iota
	modePIE
	modeShared
)

// parser holds the state of one walk over the command line.
type parser struct {
	cfg  *link.Config
	ext  *Extras
	own  map[string]bool
	args []string
	pos  int

	cur        flags
	stack      []flags // --push-state saves
	groupDepth int
	mode       outputMode
	staticLink bool // -static was given: no dynamic section
	endOfOpts  bool // after "--" everything is a file
}

// next consumes one argument (and its value, if it takes one).
func (p *parser) next() error {
	arg := p.args[p.pos]
	p.pos++
	// getopt treats "-" and anything not starting with '-' as an operand.
	if p.endOfOpts || arg == "-" || !strings.HasPrefix(arg, "-") {
		p.addInput(link.InputFile, arg)
		return nil
	}
	if arg == "--" {
		p.endOfOpts = true
		return nil
	}
	twoDash := strings.HasPrefix(arg, "--")
	body := arg[1:]
	if twoDash {
		body = arg[2:]
	}
	name, value, hasValue := strings.Cut(body, "=")
	spelled := arg[:len(arg)-len(body)] + name

	if takesValue, ok := p.own[name]; ok && name != "" {
		return p.ownOption(spelled, name, value, hasValue, takesValue)
	}
	// As ld (getopt_long_only), a single-dash argument is first tried as
	// a long option and only then as a short one with its value attached:
	// -soname is --soname, -lfoo is -l foo.
	if l, ok := longOptions[name]; ok && (twoDash || !l.twoDashOnly) {
		return p.longOption(l.opt, spelled, value, hasValue)
	}
	if !twoDash && body != "" {
		if o, ok := shortOptions[body[0]]; ok {
			return p.shortOption(o, arg, body)
		}
	}
	return fmt.Errorf("unknown option: %s", arg)
}

// ownOption hands a caller-owned option over, normalised to the
// "--name=value" form kong parses unambiguously (a value such as "-1"
// would otherwise look like a flag).
func (p *parser) ownOption(spelled, name, value string, hasValue, takesValue bool) error {
	if takesValue && !hasValue {
		v, err := p.value(spelled)
		if err != nil {
			return err
		}
		value, hasValue = v, true
	}
	if hasValue {
		p.ext.Rest = append(p.ext.Rest, "--"+name+"="+value)
	} else {
		p.ext.Rest = append(p.ext.Rest, "--"+name)
	}
	return nil
}

func (p *parser) longOption(o *option, spelled, value string, hasValue bool) error {
	switch o.arg {
	case noArg:
		if hasValue {
			return fmt.Errorf("option %s does not take a value", spelled)
		}
	case needsArg:
		if !hasValue {
			v, err := p.value(spelled)
			if err != nil {
				return err
			}
			value = v
		}
		if value == "" {
			return fmt.Errorf("option %s needs a value", spelled)
		}
	case optionalArg:
		// The value, if any, is only ever attached with '='.
	}
	return o.apply(p, value)
}

// shortOption handles -X, -XVALUE and -X VALUE.
func (p *parser) shortOption(o *option, arg, body string) error {
	spelled := "-" + body[:1]
	if o.arg == noArg {
		if len(body) > 1 {
			return fmt.Errorf("unknown option: %s", arg)
		}
		return o.apply(p, "")
	}
	value := body[1:]
	if value == "" {
		v, err := p.value(spelled)
		if err != nil {
			return err
		}
		value = v
	}
	if value == "" {
		return fmt.Errorf("option %s needs a value", spelled)
	}
	return o.apply(p, value)
}

// value takes the next argument as the value of option spelled.
func (p *parser) value(spelled string) (string, error) {
	if p.pos >= len(p.args) {
		return "", fmt.Errorf("option %s needs a value", spelled)
	}
	v := p.args[p.pos]
	p.pos++
	return v, nil
}

// addInput appends to the positional list with the flags now in force.
func (p *parser) addInput(kind link.InputKind, path string) {
	p.cfg.Inputs = append(p.cfg.Inputs, link.Input{
		Kind:         kind,
		Path:         path,
		WholeArchive: p.cur.wholeArchive,
		AsNeeded:     p.cur.asNeeded,
		Static:       p.cur.static,
	})
}

// finish settles what depends on the whole command line.
func (p *parser) finish() {
	if p.groupDepth > 0 {
		p.addInput(link.InputEndGroup, "")
		p.ext.Warnings = append(p.ext.Warnings, "missing --end-group; added as last command line option")
	}
	switch {
	case p.mode == modeShared:
		p.cfg.Kind = link.OutputShared
	case p.mode == modePIE && p.staticLink:
		p.cfg.Kind = link.OutputStaticPIE
	case p.mode == modePIE:
		p.cfg.Kind = link.OutputPIE
	case p.staticLink:
		p.cfg.Kind = link.OutputStaticExec
	default:
		p.cfg.Kind = link.OutputExec
	}
	if p.cfg.HashStyle == 0 {
		p.cfg.HashStyle = link.HashSysV // ld's built-in default
	}
}
