package driver

import "gold/link"

// The sequences below are what gcc 12's specs (as Debian builds them)
// produce; `gcc -### [-no-pie|-shared|-static|-static-pie] x.o` and g++ show
// them. They are written as ld arguments, so that ldargs interprets them
// exactly as it interprets gcc's own command line.

// linkFlags are the options gcc's *link: spec passes ahead of the inputs,
// less -dynamic-linker: gold's programs name the interpreter the interp
// package picks.
func linkFlags(kind link.OutputKind, asNeeded bool) []string {
	f := []string{"--build-id"}
	if kind != link.OutputStaticExec {
		f = append(f, "--eh-frame-hdr") // %{!static|static-pie:--eh-frame-hdr}
	}
	f = append(f, "-m", "elf_x86_64", "--hash-style=gnu")
	if asNeeded {
		f = append(f, "--as-needed")
	}
	switch kind {
	case link.OutputShared:
		f = append(f, "-shared")
	case link.OutputPIE:
		f = append(f, "-pie")
	case link.OutputStaticExec:
		f = append(f, "-static")
	case link.OutputStaticPIE:
		f = append(f, "-static", "-pie", "--no-dynamic-linker", "-z", "text")
	}
	return f
}

// startFiles are the objects gcc puts before the user's inputs (%S).
func startFiles(kind link.OutputKind) []string {
	switch kind {
	case link.OutputShared:
		return []string{"crti.o", "crtbeginS.o"}
	case link.OutputPIE:
		return []string{"Scrt1.o", "crti.o", "crtbeginS.o"}
	case link.OutputStaticExec:
		return []string{"crt1.o", "crti.o", "crtbeginT.o"}
	case link.OutputStaticPIE:
		return []string{"rcrt1.o", "crti.o", "crtbeginS.o"}
	default:
		return []string{"crt1.o", "crti.o", "crtbegin.o"}
	}
}

// endFiles are the objects gcc puts after everything (%E).
func endFiles(kind link.OutputKind) []string {
	if kind == link.OutputExec || kind == link.OutputStaticExec {
		return []string{"crtend.o", "crtn.o"}
	}
	return []string{"crtendS.o", "crtn.o"}
}

// libraries is gcc's link_gcc_c_sequence (and, for g++, the -lstdc++ -lm
// it adds in front, with libgcc_s always linked since g++ implies
// -shared-libgcc).
func libraries(kind link.OutputKind, cxx bool) []string {
	static := kind == link.OutputStaticExec || kind == link.OutputStaticPIE
	var l []string
	if cxx {
		l = append(l, "-lstdc++", "-lm")
	}
	switch {
	case static:
		l = append(l, "--start-group", "-lgcc", "-lgcc_eh", "-lc", "--end-group")
	case cxx && kind == link.OutputShared:
		l = append(l, "-lgcc_s", "-lc", "-lgcc_s")
	case cxx:
		l = append(l, "-lgcc_s", "-lgcc", "-lc", "-lgcc_s", "-lgcc")
	default:
		libgcc := []string{"-lgcc", "--push-state", "--as-needed", "-lgcc_s", "--pop-state"}
		l = append(l, libgcc...)
		l = append(l, "-lc")
		l = append(l, libgcc...)
	}
	return l
}
