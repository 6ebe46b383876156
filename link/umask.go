package link

import (
	"os"

	"golang.org/x/sys/unix"
)

// umask reads the process umask (setting it back at once) so the output's
// mode is what ld gives: 0777 less the umask for programs and libraries.
func umask() os.FileMode {
	m := unix.Umask(0)
	unix.Umask(m)
	return os.FileMode(m)
}
