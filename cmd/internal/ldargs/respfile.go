package ldargs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

const (
	// maxResponseDepth stops a response file that names itself.
	maxResponseDepth = 32
	// maxResponseSize keeps "@/dev/zero" from eating all memory.
	maxResponseSize = 64 << 20
)

// ExpandResponseFiles replaces every "@FILE" argument by the arguments
// FILE holds, recursively, as GNU tools do through libiberty's expandargv:
// gcc's collect2 hands ld its command line this way when it is long. As
// there, an @FILE that cannot be opened stays a literal argument.
func ExpandResponseFiles(args []string) ([]string, error) {
	return expand(args, 0)
}

func expand(args []string, depth int) ([]string, error) {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(a, "@") || len(a) == 1 {
			out = append(out, a)
			continue
		}
		data, err := readResponseFile(a[1:])
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			out = append(out, a)
			continue
		}
		if err != nil {
			return nil, err
		}
		if depth >= maxResponseDepth {
			return nil, fmt.Errorf("%s: response files nested too deeply", a)
		}
		inner, err := expand(splitResponseFile(data), depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, inner...)
	}
	return out, nil
}

func readResponseFile(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return "", fmt.Errorf("@%s: response file is a directory", name)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxResponseSize+1))
	if err != nil {
		return "", fmt.Errorf("@%s: %w", name, err)
	}
	if len(data) > maxResponseSize {
		return "", fmt.Errorf("@%s: response file larger than %d bytes", name, maxResponseSize)
	}
	return string(data), nil
}

// splitResponseFile splits the text of a response file the way libiberty's
// buildargv does: arguments are separated by white space; single and double
// quotes group, without nesting; a backslash takes the next character
// literally, even inside quotes.
func splitResponseFile(s string) []string {
	var (
		args  []string
		cur   strings.Builder
		inArg bool // an argument has started (so "" yields an empty one)
		sq    bool
		dq    bool
		bs    bool
	)
	// Bytes, not runes: arguments are file names, which need not be UTF-8.
	for i := 0; i < len(s); i++ {
		r := s[i]
		switch {
		case bs:
			bs = false
			cur.WriteByte(r)
		case r == '\\':
			bs, inArg = true, true
		case sq:
			if r == '\'' {
				sq = false
			} else {
				cur.WriteByte(r)
			}
		case dq:
			if r == '"' {
				dq = false
			} else {
				cur.WriteByte(r)
			}
		case r == '\'':
			sq, inArg = true, true
		case r == '"':
			dq, inArg = true, true
		case r == ' ' || (r >= '\t' && r <= '\r'): // C isspace
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteByte(r)
			inArg = true
		}
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args
}
