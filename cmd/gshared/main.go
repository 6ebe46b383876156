// Command gshared builds ELF shared libraries from -fpic objects and
// archives: gshared -o libvector.so addvec.o multvec.o
package main

import (
	"os"

	"gold/cmd/internal/frontend"
)

func main() {
	os.Exit(frontend.Run("gshared", frontend.ModeGshared, os.Args[1:], os.Stdout, os.Stderr))
}
