package ldargs

import (
	"strings"
	"testing"

	"gold/link"
)

// FuzzParse feeds NUL-separated argument lists to Parse: it must return an
// error or a Config, never panic. Response files are left out so that the
// fuzzer does not read arbitrary files (say @/dev/stdin).
func FuzzParse(f *testing.F) {
	for _, line := range []string{gccPIE, gccStatic, gccStaticPIE, gxxShared, gccHardened, gccASan} {
		f.Add(strings.Join(strings.Fields(line), "\x00"))
	}
	f.Add("-o\x00out\x00-z\x00max-page-size=4K\x00--defsym=a=b+1\x00-(\x00-lfoo\x00-)")
	f.Add("--push-state\x00--pop-state\x00--pop-state")
	f.Add("--threads\x00--threads=2\x00-time-report")
	own := map[string]bool{"threads": true, "time-report": false}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		for _, a := range args {
			if strings.HasPrefix(a, "@") {
				return
			}
		}
		var cfg link.Config
		rest, err := Parse(args, &cfg, own)
		if err != nil {
			return
		}
		for _, r := range rest {
			if !strings.HasPrefix(r, "--") {
				t.Fatalf("rest entry %q is not a long option", r)
			}
		}
		depth := 0
		for _, in := range cfg.Inputs {
			switch in.Kind {
			case link.InputStartGroup:
				depth++
			case link.InputEndGroup:
				depth--
			}
			if depth < 0 || depth > 1 {
				t.Fatalf("unbalanced groups in %q", args)
			}
		}
		if depth != 0 {
			t.Fatalf("unterminated group in %q", args)
		}
	})
}
