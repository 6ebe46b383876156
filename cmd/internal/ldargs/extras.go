// Package ldargs is the one place that understands ld's command-line syntax.
// Both gold (when gcc runs it as ld) and gshared feed their arguments through
// it; it fills a link.Config and leaves the options the calling command owns
// (its kong flags) for the caller.
package ldargs

// Extras is what the command line said that link.Config has no field for.
// Parse keeps it so that nothing given is silently lost; each field names
// the Config field it is waiting for.
type Extras struct {
	// Rest holds the caller's own options (see ParseAll), normalised to
	// "--name" or "--name=value", in command-line order.
	Rest []string

	// Plugin is -plugin PATH. gold has no LTO, so the plugin is never
	// loaded; a link whose inputs are LTO IR must fail later with a clear
	// message, which needs to know a plugin was asked for.
	// TODO(link.Config): Plugin string.
	Plugin string
	// PluginOpts are the -plugin-opt values, in order.
	// TODO(link.Config): PluginOpts []string.
	PluginOpts []string

	// NoStdlib is ld's -nostdlib: search only the -L directories given on
	// the command line (and not the built-in ones or those of linker
	// scripts' SEARCH_DIR).
	// TODO(link.Config): NoStdlib bool.
	NoStdlib bool

	// Version is -v / -V / --version: the caller prints its version text
	// (ld then links on if there are inputs, except for --version).
	// TODO(link.Config): PrintVersion bool.
	Version bool
	// VersionOnly is --version: print the version and exit, as ld does.
	VersionOnly bool

	// PrintMap is -M: write the link map to standard output.
	// TODO(link.Config): PrintMap bool (or MapFile "-").
	PrintMap bool

	// FatalWarnings is --fatal-warnings.
	// TODO(link.Config): FatalWarnings bool.
	FatalWarnings bool

	// MaxPageSize and CommonPageSize are -z max-page-size=N and
	// -z common-page-size=N; zero when not given.
	// TODO(link.Config): MaxPageSize, CommonPageSize uint64.
	MaxPageSize, CommonPageSize uint64

	// ZIBT and ZShstk are -z ibt / -z shstk: mark the output as requiring
	// Intel CET indirect-branch tracking / shadow stacks.
	// TODO(link.Config): ZIBT, ZShstk bool.
	ZIBT, ZShstk bool
	// CETReport is -z cet-report=none|warning|error ("" when not given).
	// TODO(link.Config): CETReport string.
	CETReport string

	// ColorDiagnostics is --color-diagnostics[=WHEN]: "always", "never",
	// "auto"; "" when not given.
	// TODO(link.Config): ColorDiagnostics string.
	ColorDiagnostics string

	// Warnings are ld's non-fatal complaints about the command line (such
	// as a missing --end-group); the caller prints them.
	Warnings []string
}
