package main

import (
	"fmt"
	"os"
)

// versionNeed is one version an object needs from a library (a vernaux).
type versionNeed struct {
	file, name string
	hash       uint32
	weak       bool // VER_FLG_WEAK: a missing version is not an error
}

const verFlagWeak = 2 // VER_FLG_WEAK

// checkVersions is glibc's _dl_check_all_versions at start-up: every version
// an object needs from a loaded library must be defined there. A library
// without DT_VERDEF satisfies every need (glibc only mentions it under
// LD_VERBOSE). It returns glibc's messages, or, for a version-need record
// of an unknown format, the load error glibc gives.
func (l *loader) checkVersions() ([]string, error) {
	var missing []string
	for _, o := range l.objs {
		if o.badVerneed != 0 {
			return nil, &loadError{name: versionRequirer(o), err: fmt.Errorf("unsupported version %d of Verneed record", o.badVerneed)}
		}
		for _, n := range o.needs {
			dep := l.byName[n.file]
			if dep == nil || !dep.hasVerdef {
				continue
			}
			if msg := matchVersion(dep, n, o); msg != "" {
				missing = append(missing, fmt.Sprintf("%s: %s", dep.path, msg))
			}
		}
	}
	return missing, nil
}

// matchVersion is glibc's match_symbol for a library with DT_VERDEF: its
// definitions are searched in chain order for n, which requirer needs from
// it, and a record of an unsupported version met on the way is an error
// even for a weak need. It returns glibc's message, or "" when n is
// satisfied.
func matchVersion(dep *Object, n versionNeed, requirer *Object) string {
	for _, d := range dep.verdefs {
		if d.version != 1 {
			return fmt.Sprintf("unsupported version %d of Verdef record", d.version)
		}
		if d.hash == n.hash && d.named && d.name == n.name {
			return ""
		}
	}
	if n.weak {
		return ""
	}
	return fmt.Sprintf("version `%s' not found (required by %s)", n.name, versionRequirer(requirer))
}

// versionRequirer names the object that needs a version as glibc does: the
// program by argv[0], a library by its path.
func versionRequirer(o *Object) string {
	if o.isMain {
		return progName
	}
	return o.path
}

// exitOnMissingVersions prints each missing version as glibc's ld.so does
// ("PROG: LIB: version `V' not found (required by X)") and exits 1, its
// status for this error.
func exitOnMissingVersions(missing []string) {
	if len(missing) == 0 {
		return
	}
	for _, m := range missing {
		fmt.Fprintf(os.Stderr, "%s: %s\n", progName, m)
	}
	os.Exit(1)
}
