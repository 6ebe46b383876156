// Command gold links programs. Under its own name it adds the C runtime as
// gcc's driver would (gold -o prog main.o ./libvector.so); invoked as ld
// (scripts/install.sh makes DIR/libexec/gold/ld, for gcc -B) it behaves
// exactly as ld.
package main

import (
	"os"
	"path/filepath"

	"gold/cmd/internal/frontend"
)

func main() {
	mode := frontend.ModeGold
	if name := filepath.Base(os.Args[0]); name == "ld" || name == "ld.gold-go" {
		mode = frontend.ModeLD
	}
	prog := "gold"
	os.Exit(frontend.Run(prog, mode, os.Args[1:], os.Stdout, os.Stderr))
}
