package frontend

import (
	"debug/elf"
	"strings"

	"gold/link"
)

// isCxx reports whether any object given directly is C++ (references the
// C++ runtime), so the C++ runtime libraries are added as g++ would.
func isCxx(cfg *link.Config) bool {
	for _, in := range cfg.Inputs {
		if in.Kind != link.InputFile || !strings.HasSuffix(in.Path, ".o") {
			continue
		}
		f, err := elf.Open(in.Path)
		if err != nil {
			continue
		}
		syms, _ := f.Symbols()
		f.Close()
		for _, s := range syms {
			if s.Section == elf.SHN_UNDEF && (strings.HasPrefix(s.Name, "_Z") || strings.HasPrefix(s.Name, "__cxa_") ||
				s.Name == "__gxx_personality_v0") {
				return true
			}
		}
	}
	return false
}
