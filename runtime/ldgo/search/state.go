package search

// dirStatus is glibc's r_dir_status for one subdirectory of a directory.
type dirStatus uint8

const (
	statusUnknown dirStatus = iota
	statusNonexisting
	statusExisting
)

// dirEntry is r_search_path_elem. One exists per distinct directory name
// in the process (GL(dl_all_dirs)), shared by every list naming it, so a
// directory found missing through one list is skipped in all of them. what
// and where come from the first list that named it, which is why ld.so's
// trace can label a directory of one list with another list's name.
type dirEntry struct {
	name     string // with trailing '/', or "" for the current directory
	what     string
	where    string // owner's l_name, when hasWhere
	hasWhere bool
	status   []dirStatus // per Caps.Subdirs element
}

// pathList is a decomposed search path; nil dirs with ok false is glibc's
// (void *) -1: nothing to search, now or later.
type pathList struct {
	dirs []*dirEntry
	ok   bool
}

// State is what ld.so remembers between searches within one process: the
// directory registry with what is known about each subdirectory, and each
// object's decomposed RPATH and RUNPATH. Make one per process with
// NewState and use it for every search, as ld.so does; it is not safe for
// concurrent use. Requesters are keyed by pointer, so use one value per
// loaded object.
type State struct {
	env     *Env
	subdirs []string
	all     map[string]*dirEntry
	system  pathList
	llp     pathList
	rpath   map[*Requester]pathList
	runpath map[*Requester]pathList
}

// NewState performs _dl_init_paths: the system directories, then the
// executable's RUNPATH (or, without one, its RPATH), then
// LD_LIBRARY_PATH, in that order, which fixes whose name a shared
// directory carries in the trace. env must not change afterwards.
func NewState(env *Env) *State {
	s := &State{
		env:     env,
		subdirs: env.Caps.Subdirs(),
		all:     map[string]*dirEntry{},
		rpath:   map[*Requester]pathList{},
		runpath: map[*Requester]pathList{},
	}
	for _, d := range SystemDirs() {
		e := s.dir(d, RuleSystem, "", false)
		s.system.dirs = append(s.system.dirs, e)
	}
	s.system.ok = true
	if m := env.Main; m != nil {
		if m.runPathSet() {
			s.runpath[m] = s.decompose(m.RunPath, m, ruleRun)
			s.rpath[m] = pathList{}
		} else {
			s.runpath[m] = pathList{}
			s.rpath[m] = s.decompose(m.RPath, m, ruleRPath)
		}
	}
	if !env.Secure && env.LibraryPath != "" {
		origin := ""
		if env.Main != nil {
			origin = env.Main.Origin
		}
		names := expandPathList(env.LibraryPath, ":;", origin, true, env)
		s.llp = s.list(names, env.llpSource(), "", false)
	}
	return s
}

// dir returns the registry entry for name, creating it with this list's
// what/where. Relative directories start as existing so they are never
// skipped: the current directory may change.
func (s *State) dir(name, what, where string, hasWhere bool) *dirEntry {
	if e := s.all[name]; e != nil {
		return e
	}
	e := &dirEntry{name: name, what: what, where: where, hasWhere: hasWhere,
		status: make([]dirStatus, len(s.subdirs))}
	if name == "" || name[0] != '/' {
		for i := range e.status {
			e.status[i] = statusExisting
		}
	}
	s.all[name] = e
	return e
}

// list registers names as one search list, dropping repeats within it.
func (s *State) list(names []string, what, where string, hasWhere bool) pathList {
	var pl pathList
	seen := map[*dirEntry]bool{}
	for _, n := range names {
		e := s.dir(n, what, where, hasWhere)
		if !seen[e] {
			seen[e] = true
			pl.dirs = append(pl.dirs, e)
		}
	}
	pl.ok = len(pl.dirs) > 0
	return pl
}

// decompose is decompose_rpath for l's RPATH or RUNPATH value.
func (s *State) decompose(value string, l *Requester, what string) pathList {
	if !s.env.Secure && inhibited(s.env.InhibitRPath, l.Path) {
		return pathList{}
	}
	if value == "" {
		return pathList{}
	}
	names := expandPathList(value, ":", l.Origin, l == s.env.Main, s.env)
	return s.list(names, what, l.Path, true)
}

// rpathOf is cache_rpath for DT_RPATH: decomposed on first use.
func (s *State) rpathOf(l *Requester) pathList {
	pl, done := s.rpath[l]
	if !done {
		pl = s.decompose(l.effectiveRPath(), l, ruleRPath)
		s.rpath[l] = pl
	}
	return pl
}

// runpathOf is cache_rpath for DT_RUNPATH.
func (s *State) runpathOf(l *Requester) pathList {
	pl, done := s.runpath[l]
	if !done {
		pl = s.decompose(l.RunPath, l, ruleRun)
		s.runpath[l] = pl
	}
	return pl
}
