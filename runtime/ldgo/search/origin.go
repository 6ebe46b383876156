package search

import "strings"

// Origin is l_origin for an object opened under realname (dl-object.c): the
// name with its last component removed, "/" kept for objects at the root.
// A relative realname is taken relative to cwd. Nothing is normalized or
// resolved: an object found as /a/b/../c/libx.so has origin /a/b/../c,
// exactly as glibc computes it. An empty realname has no origin ("").
func Origin(realname, cwd string) string {
	if realname == "" {
		return ""
	}
	full := realname
	if realname[0] != '/' {
		if cwd == "" {
			return ""
		}
		if strings.HasSuffix(cwd, "/") {
			full = cwd + realname
		} else {
			full = cwd + "/" + realname
		}
	}
	i := strings.LastIndexByte(full, '/')
	if i <= 0 {
		return "/"
	}
	return full[:i]
}

// ExecOrigin is _dl_get_origin for an executable started by the kernel:
// the directory of the /proc/self/exe link target exe. When the link
// cannot be read (exe is "" or a "[...]" pseudo name), glibc falls back to
// LD_ORIGIN_PATH minus trailing slashes (pass "" when Secure: rtld ignores
// the variable then); "" means unknown.
func ExecOrigin(exe, originPath string) string {
	if exe != "" && exe[0] != '[' {
		return Origin(exe, "")
	}
	if originPath == "" {
		return ""
	}
	end := len(originPath)
	for end > 1 && originPath[end-1] == '/' {
		end--
	}
	return originPath[:end]
}
