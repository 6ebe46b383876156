package search

import (
	"strings"

	"golang.org/x/sys/unix"
)

// Find searches for name on behalf of req the way _dl_map_object does,
// opening candidates through fs and stopping at the first usable one. name
// is a DT_NEEDED string already passed through ExpandNeeded (or a dlopen
// argument); req is the object that needs it, nil when there is none (the
// executable's RPATH and LD_LIBRARY_PATH still apply). Preloads take
// FindPreload. Find updates s with what it learned about directories,
// exactly as ld.so does, so later searches skip the same paths. Env.Debug
// receives the LD_DEBUG=libs trace.
//
// The error is a *LoadError: "cannot open shared object file" with the
// last errno, "wrong ELF class: ELFCLASS32" when only 32-bit files were
// seen, or the fatal verdict of a broken candidate, which glibc does not
// skip.
func (s *State) Find(name string, req *Requester, fs FS) (Result, error) {
	sr := &searcher{s: s, env: s.env, fs: fs, debug: s.env.Debug}
	return sr.find(name, req)
}

// FindPreload is Find for an LD_PRELOAD, --preload or /etc/ld.so.preload
// entry, which glibc's do_preload maps with __RTLD_SECURE. In a secure
// process (Env.Secure) that mode adds two rules, so that nobody can make
// a setuid program preload an ordinary library, with bugs to exploit,
// from a trusted directory: ld.so.cache is not consulted, and a file a
// search path yields (RPATH, RUNPATH, the system directories) is taken
// only if it has the set-user-ID bit; one without it is skipped as if
// open had failed with ENOENT (open_path). A name with a slash is opened
// as Find does: the caller drops those from LD_PRELOAD in secure mode,
// and glibc loads those of /etc/ld.so.preload unchecked.
func (s *State) FindPreload(name string, req *Requester, fs FS) (Result, error) {
	sr := &searcher{s: s, env: s.env, fs: fs, debug: s.env.Debug, setuidOnly: s.env.Secure}
	return sr.find(name, req)
}

// Candidates lists every path glibc would try for name (as for Find), in
// order, for the first search of a process: it assumes none of them is
// usable and every directory exists, so nothing is pruned, and reads no
// files. The cache entry appears in its place when env.Cache has one. For
// a name containing '/' the result is the name after DST expansion, or
// nothing when the expansion is not allowed.
//
// A loader may open the candidates in order and take the first ELF64
// x86-64 object, skipping missing files and other classes or machines. To
// be exact it must also stop at a file that exists but is broken (glibc
// fails the load rather than skip it) and honour the list-abandoning
// errno rule; State.Find with OSFS does all of that.
func Candidates(name string, req *Requester, env *Env) []Result {
	var out []Result
	sr := &searcher{s: NewState(env), env: env, fs: assumeMissing{},
		onTry: func(r Result) { out = append(out, r) }}
	_, _ = sr.find(name, req)
	return out
}

// assumeMissing is the FS behind Candidates.
type assumeMissing struct{}

func (assumeMissing) Verify(string) Verdict          { return Verdict{Errno: unix.ENOENT} }
func (assumeMissing) Stat(string) (bool, unix.Errno) { return true, 0 }

// searcher is one _dl_map_object call.
type searcher struct {
	s          *State
	env        *Env
	fs         FS
	debug      func(format string, args ...any)
	onTry      func(Result)
	errno      unix.Errno // glibc's errno as the search leaves it
	otherClass bool       // found_other_class
	setuidOnly bool       // a preload in a secure process (FindPreload)
}

func (sr *searcher) printf(format string, args ...any) {
	if sr.debug != nil {
		sr.debug(format, args...)
	}
}

// try reports and opens one candidate, keeping errno and the other-class
// flag as glibc's globals would be after open_verify.
func (sr *searcher) try(path, rule string) (v Verdict) {
	if sr.onTry != nil {
		sr.onTry(Result{Path: path, Rule: rule})
	}
	v = sr.fs.Verify(path)
	if v.OtherClass {
		sr.otherClass = true
	}
	if !v.OK {
		sr.errno = v.Errno
	}
	return v
}

func (sr *searcher) find(name string, req *Requester) (Result, error) {
	if strings.IndexByte(name, '/') >= 0 {
		return sr.direct(name, req)
	}
	sr.printf("find library=%s [0]; searching", name)
	res, found, err := sr.searchAll(name, req)
	// ld.so ends every search trace with an empty line, found or not.
	sr.printf("")
	if err != nil {
		return Result{}, err
	}
	if !found {
		return Result{}, sr.notFound(name)
	}
	return res, nil
}

// direct handles a name with a slash: only DSTs are expanded, and only
// when there is a requester.
func (sr *searcher) direct(name string, req *Requester) (Result, error) {
	path := name
	if req != nil {
		p, ok := ExpandDST(name, req.Origin, req == sr.env.Main, sr.env)
		if !ok {
			// glibc then opens "", which fails with ENOENT.
			sr.errno = unix.ENOENT
			return Result{}, sr.notFound(name)
		}
		path = p
	}
	v := sr.try(path, RuleDirect)
	switch {
	case v.Fatal != nil:
		return Result{}, v.Fatal
	case v.OK:
		return Result{Path: path, Rule: RuleDirect}, nil
	}
	return Result{}, sr.notFound(name)
}

func (sr *searcher) notFound(name string) error {
	if sr.otherClass {
		return &LoadError{Name: name, Msg: "wrong ELF class: ELFCLASS32"}
	}
	e := sr.errno
	if e == 0 {
		e = unix.ENOENT
	}
	return &LoadError{Name: name, Msg: "cannot open shared object file", Errno: e}
}

// searchAll is the body of _dl_map_object for a bare name.
func (sr *searcher) searchAll(name string, req *Requester) (Result, bool, error) {
	s, env := sr.s, sr.env
	if req == nil || !req.runPathSet() {
		didMain := false
		for l := req; l != nil; l = l.Loader {
			if !s.rpathOf(l).ok {
				continue
			}
			if r, ok, err := sr.openList(name, l, ruleRPath); ok || err != nil {
				return r, ok, err
			}
			didMain = didMain || l == env.Main
		}
		// The executable's RPATH also applies to objects whose loader chain
		// does not reach it (dlopen).
		if m := env.Main; !didMain && m != nil && s.rpathOf(m).ok {
			if r, ok, err := sr.openList(name, m, ruleRPath); ok || err != nil {
				return r, ok, err
			}
		}
	}
	if s.llp.ok {
		rule := env.llpSource()
		if r, ok, err := sr.openPath(name, s.llp.dirs, rule); ok || err != nil {
			return r, ok, err
		}
	}
	if req != nil && s.runpathOf(req).ok {
		if r, ok, err := sr.openList(name, req, ruleRun); ok || err != nil {
			return r, ok, err
		}
	}
	// Objects marked DF_1_NODEFLIB (or, without a requester, the
	// executable) refuse the cache's system-directory hits and the system
	// directories themselves.
	owner := req
	if owner == nil {
		owner = env.Main
	}
	noDefLib := owner != nil && owner.NoDefLib
	if !env.InhibitCache && !sr.setuidOnly {
		sr.printf(" search cache=%s", env.cachePath())
		if env.Cache != nil {
			if p, hit := env.Cache.Lookup(name, &env.Caps); hit {
				sr.printf("  trying file=%s", p)
				if !(noDefLib && hasSystemPrefix(p)) {
					v := sr.try(p, RuleCache)
					if v.Fatal != nil {
						return Result{}, false, v.Fatal
					}
					if v.OK {
						return Result{Path: p, Rule: RuleCache}, true, nil
					}
				}
			}
		}
	}
	if !noDefLib {
		return sr.openPath(name, s.system.dirs, RuleSystem)
	}
	return Result{}, false, nil
}

// openList searches l's RPATH or RUNPATH and, as glibc does, forgets the
// list for good when none of its directories exists.
func (sr *searcher) openList(name string, l *Requester, kind string) (Result, bool, error) {
	lists := sr.s.rpath
	if kind == ruleRun {
		lists = sr.s.runpath
	}
	rule := kind + " from file " + sr.env.dsoFilename(l.Path)
	r, ok, anyDir, err := sr.openPathAny(name, lists[l].dirs, rule)
	if !ok && err == nil && !anyDir {
		lists[l] = pathList{}
	}
	return r, ok, err
}

// openPath is open_path for the lists glibc never drops (LD_LIBRARY_PATH
// and the system directories).
func (sr *searcher) openPath(name string, dirs []*dirEntry, rule string) (Result, bool, error) {
	r, ok, _, err := sr.openPathAny(name, dirs, rule)
	return r, ok, err
}

// openPathAny is open_path: every directory with every subdirectory not
// known to be missing. A failed open leads to a stat of the subdirectory
// so a missing one is skipped from then on, by every list. anyDir reports
// whether some directory exists. An errno other than ENOENT or EACCES in
// an existing directory abandons the rest of this list (not the search).
func (sr *searcher) openPathAny(name string, dirs []*dirEntry, rule string) (res Result, found, anyDir bool, err error) {
	currentWhat := ""
	for i, d := range dirs {
		if sr.debug != nil && currentWhat != d.what {
			currentWhat = d.what
			sr.printSearchPath(dirs[i:], d)
		}
		hereAny := false
		for cnt, sub := range sr.s.subdirs {
			if d.status[cnt] == statusNonexisting {
				continue
			}
			path := d.name + sub + name
			sr.printf("  trying file=%s", path)
			v := sr.try(path, rule)
			if v.Fatal != nil {
				return Result{}, false, true, v.Fatal
			}
			if d.status[cnt] == statusUnknown {
				d.status[cnt] = sr.probeDir(v.OK, d.name+sub)
			}
			hereAny = hereAny || d.status[cnt] != statusNonexisting
			if v.OK && sr.setuidOnly && !v.SetUID {
				// After the directory counted as existing, as in
				// glibc, which closes the file and sets errno.
				v, sr.errno = Verdict{Errno: unix.ENOENT}, unix.ENOENT
			}
			if v.OK {
				return Result{Path: path, Rule: rule}, true, true, nil
			}
		}
		if hereAny && sr.errno != unix.ENOENT && sr.errno != unix.EACCES {
			return Result{}, false, true, nil
		}
		anyDir = anyDir || hereAny
	}
	return Result{}, false, anyDir, nil
}

// probeDir settles an unknown subdirectory after an open: existing if the
// open worked, else whatever stat says. glibc stats the buffer cut one
// byte before the file name, i.e. without the trailing slash, which makes
// the root directory "" and so "missing".
func (sr *searcher) probeDir(opened bool, dirWithSlash string) dirStatus {
	if opened {
		return statusExisting
	}
	dir := ""
	if len(dirWithSlash) > 0 {
		dir = dirWithSlash[:len(dirWithSlash)-1]
	}
	isDir, errno := sr.fs.Stat(dir)
	if errno != 0 {
		sr.errno = errno
	}
	if errno != 0 || !isDir {
		return statusNonexisting
	}
	return statusExisting
}

// printSearchPath is print_search_path: the directories from dirs[0] on
// while they carry first's label, each with its subdirectories not known
// to be missing, without their trailing slash.
func (sr *searcher) printSearchPath(dirs []*dirEntry, first *dirEntry) {
	var b strings.Builder
	b.WriteString(" search path=")
	sep := false
	for _, d := range dirs {
		if d.what != first.what {
			break
		}
		for cnt, sub := range sr.s.subdirs {
			if d.status[cnt] == statusNonexisting {
				continue
			}
			p := d.name + sub
			if p != "" && p != "/" {
				p = p[:len(p)-1]
			}
			if sep {
				b.WriteByte(':')
			}
			b.WriteString(p)
			sep = true
		}
	}
	if first.hasWhere {
		sr.printf("%s\t\t(%s from file %s)", b.String(), first.what, sr.env.dsoFilename(first.where))
	} else {
		sr.printf("%s\t\t(%s)", b.String(), first.what)
	}
}
