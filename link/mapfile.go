package link

import (
	"bufio"
	"fmt"
	"os"
)

// writeMapFile writes -Map FILE: every output section with its address and
// size, and the input sections it is made of, in ld's column layout.
func (ctx *Context) writeMapFile() error {
	if ctx.Cfg.MapFile == "" {
		return nil
	}
	f, err := os.Create(ctx.Cfg.MapFile)
	if err != nil {
		return Errors{fmt.Sprintf("cannot write map file: %v", unwrapPathError(err))}
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "%-16s %-18s %-10s %s\n", "Section", "Address", "Size", "Input")
	for _, c := range ctx.chunks {
		h := c.header()
		if h.Shndx == 0 {
			continue
		}
		fmt.Fprintf(w, "%-16s 0x%016x 0x%08x\n", h.Name, h.Addr, h.Size)
		if o, ok := c.(*OutputSection); ok {
			for _, m := range o.Members {
				name := "(merged constants and strings)"
				if m.File != nil {
					name = m.File.Name + ":(" + m.Name + ")"
				}
				fmt.Fprintf(w, " %-15s 0x%016x 0x%08x %s\n", "", m.Addr(), m.Size, name)
			}
		}
	}
	if err := w.Flush(); err != nil {
		return Errors{fmt.Sprintf("cannot write map file: %v", err)}
	}
	return nil
}
