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

// versionMessage is one line of glibc's start-up version check.
type versionMessage struct {
	text  string // "LIB: ..." without the program name
	fatal bool   // an error (exit 1 once all are printed), else a warning
}

// checkVersions is glibc's _dl_check_all_versions at start-up, which runs
// verbose: every version an object needs from a loaded library must be
// defined there, and the misses that are not errors are still reported (a
// library without DT_VERDEF: "no version information available"; a weak
// need: "weak version `V' not found"). It returns glibc's messages in its
// order and, where glibc stops (its messages so far printed), a load
// error: a version-need record of an unknown format, or one naming a file
// that is not loaded (glibc asserts that find_needed finds it).
func (l *loader) checkVersions() ([]versionMessage, error) {
	var msgs []versionMessage
	for _, o := range l.objs {
		if o.badVerneed != 0 {
			return msgs, &loadError{name: o.dsoFilename(), err: fmt.Errorf("unsupported version %d of Verneed record", o.badVerneed)}
		}
		for _, n := range o.needs {
			dep := l.byName[n.file]
			if dep == nil {
				return msgs, &loadError{name: o.dsoFilename(), err: fmt.Errorf("needs versions from %s, which is not loaded", n.file)}
			}
			if m, ok := matchVersion(dep, n, o); !ok {
				m.text = dep.path + ": " + m.text
				msgs = append(msgs, m)
			}
		}
	}
	return msgs, nil
}

// matchVersion is glibc's match_symbol, verbose: dep's definitions are
// searched in chain order for n, which requirer needs from dep, and a
// record of an unsupported version met on the way is an error even for a
// weak need. ok means n is satisfied silently.
func matchVersion(dep *Object, n versionNeed, requirer *Object) (m versionMessage, ok bool) {
	by := requirer.dsoFilename()
	if !dep.hasVerdef {
		return versionMessage{text: fmt.Sprintf("no version information available (required by %s)", by)}, false
	}
	for _, d := range dep.verdefs {
		if d.version != 1 {
			return versionMessage{text: fmt.Sprintf("unsupported version %d of Verdef record", d.version), fatal: true}, false
		}
		if d.hash == n.hash && d.named && d.name == n.name {
			return versionMessage{}, true
		}
	}
	if n.weak {
		return versionMessage{text: fmt.Sprintf("weak version `%s' not found (required by %s)", n.name, by)}, false
	}
	return versionMessage{text: fmt.Sprintf("version `%s' not found (required by %s)", n.name, by), fatal: true}, false
}

// printVersionMessages prints the version check's messages as glibc's
// ld.so does ("PROG: LIB: version `V' not found (required by X)") and
// reports whether one is an error: glibc then exits 1.
func printVersionMessages(msgs []versionMessage) (failed bool) {
	for _, m := range msgs {
		fmt.Fprintf(os.Stderr, "%s: %s\n", progName, m.text)
		failed = failed || m.fatal
	}
	return failed
}
