package archive

import "path/filepath"

// Thin archives ("!<thin>\n", made by `ar T`) store only the headers, the
// symbol index and the "//" name table; each regular member's name is the
// path of the object file, relative to the directory holding the archive,
// and its header size is that file's size. The linker reads the members
// itself, so this package only resolves their paths.
//
// GNU ar flattens a thin archive added to a thin archive, but a regular
// archive added to one becomes "/N:ORIGIN" names pointing inside it; that
// nesting is rejected in longName.

// maxThinName bounds a thin member's path. Linux cannot open a longer path
// (PATH_MAX), and without a bound a hostile archive could make every member
// a reference to one multi-megabyte long name, each joined into a new Path.
const maxThinName = 4096

// thinPath resolves a thin member name against the archive's directory.
func thinPath(archivePath, name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(filepath.Dir(archivePath), name)
}
