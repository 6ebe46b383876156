package search

// ExpandNeeded is what dl-deps.c does to a DT_NEEDED string before searching
// for it (its expand_dst macro). DSTs are substituted in every name, with
// or without a slash, using the requester's origin. It returns:
//   - the name to pass to Find;
//   - skip=true when a DST has no value: glibc then quietly ignores the
//     dependency (the macro is used with fatal=0 for DT_NEEDED) after a
//     trace line;
//   - an error when the process is Secure, where any DST in a DT_NEEDED
//     entry is refused.
func ExpandNeeded(needed string, req *Requester, env *Env) (name string, skip bool, err error) {
	if !HasDST(needed) {
		return needed, false, nil
	}
	if env.Secure {
		return "", false, &LoadError{Name: needed, Msg: "DST not allowed in SUID/SGID programs"}
	}
	origin := ""
	executable := false
	if req != nil {
		origin, executable = req.Origin, req == env.Main
	}
	out, ok := ExpandDST(needed, origin, executable, env)
	if !ok || out == "" {
		if env.Debug != nil {
			env.Debug("cannot load auxiliary `%s' because of empty dynamic string token substitution", needed)
		}
		return "", true, nil
	}
	return out, false, nil
}
