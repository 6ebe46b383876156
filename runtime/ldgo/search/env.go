package search

// DefaultCachePath is LD_SO_CACHE as Debian builds ld.so. It only appears in
// the debug trace; the caller reads and parses the file.
const DefaultCachePath = "/etc/ld.so.cache"

// DSTLib is what $LIB expands to. Upstream uses the last component of
// slibdir ("lib64"), but Debian's local-ld-multiarch.diff makes it slibdir
// without its leading slash, so on Debian x86-64 it is the multiarch
// directory. Checked against ld.so with an RPATH of "$LIB".
const DSTLib = "lib/x86_64-linux-gnu"

// SystemDirs returns the default search directories in glibc's order
// (SYSTEM_DIRS from gen-trusted-dirs.awk: $(libdir) plus Debian's
// extra_libdir), each with the trailing slash glibc stores. These are also
// the "trusted" directories of secure mode and the prefixes DF_1_NODEFLIB
// rejects from the cache. A fresh slice so callers cannot alter it.
func SystemDirs() []string {
	return []string{
		"/lib/x86_64-linux-gnu/",
		"/usr/lib/x86_64-linux-gnu/",
		"/lib/",
		"/usr/lib/",
	}
}

// Env is what ld.so knows about the process when it searches. The caller
// fills it once per process; the package never reads the real environment.
type Env struct {
	// LibraryPath is LD_LIBRARY_PATH (or --library-path). Separators are
	// ':' and ';'; an empty element means the current directory. Ignored
	// when Secure, because rtld unsets it for AT_SECURE processes.
	LibraryPath string
	// LibraryPathSource names LibraryPath in the trace: "LD_LIBRARY_PATH"
	// (the default when empty) or "--library-path".
	LibraryPathSource string
	// Secure is AT_SECURE (setuid/setgid): LD_LIBRARY_PATH and
	// --inhibit-rpath are ignored and $ORIGIN is restricted.
	Secure bool
	// InhibitCache is --inhibit-cache: ld.so.cache is not consulted.
	InhibitCache bool
	// InhibitRPath is --inhibit-rpath: a ':' list of object names (l_name)
	// whose DT_RPATH and DT_RUNPATH are ignored. Ignored when Secure.
	InhibitRPath string
	// Caps is what ld.so derived from the CPU: $PLATFORM, the
	// glibc-hwcaps subdirectories and the legacy hwcaps bits. Use
	// DetectCaps for this machine. Embedded so env.Platform and
	// env.HWCaps read naturally.
	Caps
	// Cache is the parsed ld.so.cache, or nil when it is missing or
	// corrupt (glibc then silently skips it). Even when nil the trace
	// still shows " search cache=" unless InhibitCache, as ld.so's does.
	Cache *Cache
	// CachePath is the cache file name for the trace; DefaultCachePath
	// when empty.
	CachePath string
	// Main is the executable. Its DT_RPATH is searched after the loader
	// chain when the chain did not include it (objects opened by dlopen
	// have no loader), $ORIGIN in LD_LIBRARY_PATH is its directory, and
	// secure mode checks $ORIGIN expansions in its paths against the
	// trusted directories. Requesters must point at this same value.
	// May be nil.
	Main *Requester
	// ProgName is rtld_progname, argv[0] (the program path under
	// "ld.so prog"); the trace names objects with an empty Path by it
	// (DSO_FILENAME).
	ProgName string
	// Debug receives the LD_DEBUG=libs lines State.Find produces, without
	// the "pid:\t" prefix and without a trailing newline. May be nil.
	Debug func(format string, args ...any)
}

// Requester is the object whose DT_NEEDED is searched (glibc's "loader").
type Requester struct {
	// Path is l_name: the name the object was opened as (the path found
	// by the search). Empty for the executable: rtld clears the main
	// map's l_name even when run as "ld.so ./prog" (the trace then names
	// it by argv[0], Env.ProgName), so --inhibit-rpath "" matches it.
	Path string
	// Origin is l_origin, the directory $ORIGIN expands to. "" means
	// unknown, and then any path using $ORIGIN is dropped, as glibc does
	// when l_origin is -1. See Origin.
	Origin string
	// RPath and RunPath are the raw DT_RPATH and DT_RUNPATH strings, ""
	// when absent.
	RPath, RunPath string
	// HasRunPath is set when DT_RUNPATH exists even if it is empty: its
	// mere presence disables DT_RPATH (get-dynamic-info.h) and the RPATH
	// chain. RunPath != "" implies it.
	HasRunPath bool
	// NoDefLib is DF_1_NODEFLIB: cache hits in and the search of the
	// system directories are skipped for this object's dependencies.
	NoDefLib bool
	// Loader is l_loader, the object that loaded this one; nil for the
	// executable and for objects opened with dlopen.
	Loader *Requester
}

// runPathSet reports whether DT_RUNPATH is present.
func (r *Requester) runPathSet() bool { return r.HasRunPath || r.RunPath != "" }

// effectiveRPath is DT_RPATH as ld.so sees it: get-dynamic-info.h drops
// DT_RPATH when DT_RUNPATH is present.
func (r *Requester) effectiveRPath() string {
	if r.runPathSet() {
		return ""
	}
	return r.RPath
}

// Result is one place glibc looks for a library.
type Result struct {
	Path string
	// Rule says where the path came from: "RPATH from file X",
	// "LD_LIBRARY_PATH", "RUNPATH from file X", "ld.so.cache",
	// "system search path" or "direct" (the name had a slash).
	Rule string
}

// Rule names used in Result.
const (
	RuleCache  = "ld.so.cache"
	RuleSystem = "system search path"
	RuleDirect = "direct"
	ruleRPath  = "RPATH"
	ruleRun    = "RUNPATH"
	ruleLLP    = "LD_LIBRARY_PATH"
)

func (e *Env) llpSource() string {
	if e.LibraryPathSource != "" {
		return e.LibraryPathSource
	}
	return ruleLLP
}

func (e *Env) cachePath() string {
	if e.CachePath != "" {
		return e.CachePath
	}
	return DefaultCachePath
}

// dsoFilename is glibc's DSO_FILENAME: the executable has an empty l_name
// and is named by argv[0] instead.
func (e *Env) dsoFilename(name string) string {
	if name != "" {
		return name
	}
	if e.ProgName != "" {
		return e.ProgName
	}
	return "<program name unknown>"
}
