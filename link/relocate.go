package link

import (
	"debug/elf"
	"math"

	"gold/pic"
)

// applyRelocs patches one input section's bytes (already copied into dst,
// its place in the output) and emits its dynamic relocations.
func (ctx *Context) applyRelocs(sec *InputSection, dst []byte) {
	n := sec.NumRels()
	for i := 0; i < n; i++ {
		i += ctx.applyReloc(sec, i, sec.Rel(i), dst, sec.Rel(i).Off)
	}
}

// applyReloc applies relocation i of sec, whose field is at loc in dst. It
// returns how many following relocations it consumed (a relaxed TLS
// sequence swallows its call to __tls_get_addr).
func (ctx *Context) applyReloc(sec *InputSection, i int, r rela, dst []byte, loc uint64) int {
	s := sec.File.Symbols[r.Sym]
	if s == nil || r.Type == elf.R_X86_64_NONE {
		return 0
	}
	if !sec.isAlloc() {
		ctx.applyNonAlloc(sec, r, s, dst, loc)
		return 0
	}
	P := sec.Addr() + loc
	A := r.Addend
	S := ctx.symbolValue(s, &A)
	out := ctx.outputKind()
	t := ctx.target(s)
	put32 := func(v int64, signed bool) {
		if signed && (v < math.MinInt32 || v > math.MaxInt32) || !signed && (v < math.MinInt32 || v > math.MaxUint32) {
			ctx.errorf("%s: relocation %v against %s out of range: %s does not fit in 32 bits", ctx.where(sec, r.Off), relocName(r.Type), symDisplay(s), signedHex(v))
		}
		le.PutUint32(dst[loc:], uint32(v))
	}
	pcrel := func(target uint64) int64 { return int64(target) + A - int64(P) }
	gotBase := ctx.gotPlt.Addr

	switch r.Type {
	case elf.R_X86_64_64:
		switch pic.Absolute64(out, t, sec.Flags&elf.SHF_WRITE != 0) {
		case pic.Relative:
			ctx.relaDyn.add(P, elf.R_X86_64_RELATIVE, nil, int64(S)+A)
			le.PutUint64(dst[loc:], uint64(int64(S)+A))
		case pic.Dynamic:
			ctx.relaDyn.add(P, elf.R_X86_64_64, s, A)
			le.PutUint64(dst[loc:], 0)
		default:
			le.PutUint64(dst[loc:], uint64(int64(S)+A))
		}
	case elf.R_X86_64_32:
		v := int64(S) + A
		if v < 0 || v > math.MaxUint32 {
			ctx.errorf("%s: relocation R_X86_64_32 against %s out of range: %s", ctx.where(sec, r.Off), symDisplay(s), signedHex(v))
		}
		le.PutUint32(dst[loc:], uint32(v))
	case elf.R_X86_64_32S:
		put32(int64(S)+A, true)
	case elf.R_X86_64_16:
		le.PutUint16(dst[loc:], uint16(int64(S)+A))
	case elf.R_X86_64_8:
		dst[loc] = byte(int64(S) + A)
	case elf.R_X86_64_PC32:
		put32(pcrel(S), true)
	case elf.R_X86_64_PC64:
		le.PutUint64(dst[loc:], uint64(pcrel(S)))
	case elf.R_X86_64_PC16:
		le.PutUint16(dst[loc:], uint16(pcrel(S)))
	case elf.R_X86_64_PC8:
		dst[loc] = byte(pcrel(S))
	case elf.R_X86_64_PLT32:
		if s.PltIdx >= 0 && !s.canonicalPLT {
			put32(pcrel(ctx.plt.entryAddr(s)), true)
		} else {
			put32(pcrel(S), true)
		}
	case elf.R_X86_64_GOTPCRELX, elf.R_X86_64_REX_GOTPCRELX:
		if s.GotIdx < 0 {
			field, ok := pic.RelaxGOTPCRELX(dst, loc, r.Type == elf.R_X86_64_REX_GOTPCRELX)
			if !ok {
				ctx.errorf("%s: internal error: cannot relax %v", ctx.where(sec, r.Off), relocName(r.Type))
				return 0
			}
			v := int64(S) + A - int64(P-loc+field) // the field may have moved (jmp)
			if v < math.MinInt32 || v > math.MaxInt32 {
				ctx.errorf("%s: relaxed %v against %s out of range", ctx.where(sec, r.Off), relocName(r.Type), symDisplay(s))
			}
			le.PutUint32(dst[field:], uint32(v))
			return 0
		}
		put32(pcrel(ctx.got.slotAddr(s.GotIdx)), true)
	case elf.R_X86_64_GOTPCREL:
		put32(pcrel(ctx.got.slotAddr(s.GotIdx)), true)
	case elf.R_X86_64_GOTPCREL64:
		le.PutUint64(dst[loc:], uint64(pcrel(ctx.got.slotAddr(s.GotIdx))))
	case elf.R_X86_64_GOT32:
		put32(int64(ctx.got.slotAddr(s.GotIdx))-int64(gotBase)+A, true)
	case elf.R_X86_64_GOT64:
		le.PutUint64(dst[loc:], uint64(int64(ctx.got.slotAddr(s.GotIdx))-int64(gotBase)+A))
	case elf.R_X86_64_GOTOFF64:
		le.PutUint64(dst[loc:], uint64(int64(S)+A-int64(gotBase)))
	case elf.R_X86_64_GOTPC32:
		put32(pcrel(gotBase), true)
	case elf.R_X86_64_GOTPC64:
		le.PutUint64(dst[loc:], uint64(pcrel(gotBase)))
	case elf.R_X86_64_SIZE32:
		put32(int64(s.Size)+A, false)
	case elf.R_X86_64_SIZE64:
		le.PutUint64(dst[loc:], uint64(int64(s.Size)+A))
	case elf.R_X86_64_TLSGD:
		switch {
		case out == pic.Shared:
			put32(pcrel(ctx.got.slotAddr(s.TLSGDIdx)), true)
		case t == pic.Local:
			field, ok := pic.GDToLE(dst, loc)
			if !ok {
				ctx.errorf("%s: unexpected instruction sequence for R_X86_64_TLSGD", ctx.where(sec, r.Off))
				return 1
			}
			le.PutUint32(dst[field:], uint32(ctx.tpOffset(S)))
			return 1
		default:
			field, ok := pic.GDToIE(dst, loc)
			if !ok {
				ctx.errorf("%s: unexpected instruction sequence for R_X86_64_TLSGD", ctx.where(sec, r.Off))
				return 1
			}
			le.PutUint32(dst[field:], uint32(int64(ctx.got.slotAddr(s.GotTPIdx))-int64(P-loc+field)-4))
			return 1
		}
	case elf.R_X86_64_TLSLD:
		if out == pic.Shared {
			put32(pcrel(ctx.got.slotAddr(ctx.got.tlsldIdx)), true)
			return 0
		}
		if !pic.LDToLE(dst, loc) {
			ctx.errorf("%s: unexpected instruction sequence for R_X86_64_TLSLD", ctx.where(sec, r.Off))
		}
		return 1
	case elf.R_X86_64_DTPOFF32:
		if out == pic.Shared {
			put32(int64(S)+A-int64(ctx.tlsStart), true)
		} else {
			put32(ctx.tpOffset(S)+A, true)
		}
	case elf.R_X86_64_DTPOFF64:
		if out == pic.Shared {
			le.PutUint64(dst[loc:], uint64(int64(S)+A-int64(ctx.tlsStart)))
		} else {
			le.PutUint64(dst[loc:], uint64(ctx.tpOffset(S)+A))
		}
	case elf.R_X86_64_GOTTPOFF:
		if s.GotTPIdx >= 0 {
			put32(pcrel(ctx.got.slotAddr(s.GotTPIdx)), true)
			return 0
		}
		if !pic.IEToLE(dst, loc) {
			ctx.errorf("%s: unexpected instruction for R_X86_64_GOTTPOFF", ctx.where(sec, r.Off))
		}
		le.PutUint32(dst[loc:], uint32(ctx.tpOffset(S)))
	case elf.R_X86_64_TPOFF32:
		put32(ctx.tpOffset(S)+A, true)
	case elf.R_X86_64_TPOFF64:
		le.PutUint64(dst[loc:], uint64(ctx.tpOffset(S)+A))
	case elf.R_X86_64_GOTPC32_TLSDESC:
		switch {
		case out == pic.Shared:
			put32(pcrel(ctx.got.slotAddr(s.TLSDescIdx)), true)
		case t == pic.Local:
			if !pic.TLSDescToLE(dst, loc) {
				ctx.errorf("%s: unexpected instruction for R_X86_64_GOTPC32_TLSDESC", ctx.where(sec, r.Off))
			}
			le.PutUint32(dst[loc:], uint32(ctx.tpOffset(S)))
		default:
			if !pic.TLSDescToIE(dst, loc) {
				ctx.errorf("%s: unexpected instruction for R_X86_64_GOTPC32_TLSDESC", ctx.where(sec, r.Off))
			}
			put32(pcrel(ctx.got.slotAddr(s.GotTPIdx)), true)
		}
	case elf.R_X86_64_TLSDESC_CALL:
		if out != pic.Shared && !pic.TLSDescCallToNop(dst, loc) {
			ctx.errorf("%s: unexpected instruction for R_X86_64_TLSDESC_CALL", ctx.where(sec, r.Off))
		}
	default:
		ctx.errorf("%s: unsupported relocation type %v", ctx.where(sec, r.Off), relocName(r.Type))
	}
	return 0
}

// symbolValue is S for a relocation. A reference to a section symbol of a
// mergeable section carries its offset in the addend; the piece is found
// from value+addend and the addend folded into the result.
func (ctx *Context) symbolValue(s *Symbol, addend *int64) uint64 {
	if s.Sec != nil && s.Sec.merge != nil && s.Type == elf.STT_SECTION {
		v := s.Sec.merge.addrOf(uint64(int64(s.Value) + *addend))
		*addend = 0
		return v
	}
	return s.Addr(ctx)
}

// applyNonAlloc handles relocations in sections that are not loaded
// (debug info): plain values, with a tombstone for discarded code.
func (ctx *Context) applyNonAlloc(sec *InputSection, r rela, s *Symbol, dst []byte, loc uint64) {
	A := r.Addend
	var v uint64
	if s.Sec != nil && !s.Sec.Live || s.Sec != nil && s.Sec.Out == nil && s.Sec.merge == nil {
		// Discarded code: 0, except in ranges/locations lists where 0
		// would end the list early (ld and lld write 1 there).
		v = 0
		if sec.Name == ".debug_ranges" || sec.Name == ".debug_loc" {
			v = 1
		}
		A = 0
	} else {
		v = ctx.symbolValue(s, &A)
	}
	switch r.Type {
	case elf.R_X86_64_64:
		le.PutUint64(dst[loc:], uint64(int64(v)+A))
	case elf.R_X86_64_32, elf.R_X86_64_32S:
		le.PutUint32(dst[loc:], uint32(int64(v)+A))
	case elf.R_X86_64_DTPOFF32:
		le.PutUint32(dst[loc:], uint32(int64(v)+A-int64(ctx.tlsStart)))
	case elf.R_X86_64_DTPOFF64:
		le.PutUint64(dst[loc:], uint64(int64(v)+A-int64(ctx.tlsStart)))
	case elf.R_X86_64_SIZE32:
		le.PutUint32(dst[loc:], uint32(int64(s.Size)+A))
	case elf.R_X86_64_SIZE64:
		le.PutUint64(dst[loc:], uint64(int64(s.Size)+A))
	case elf.R_X86_64_PC32:
		le.PutUint32(dst[loc:], uint32(int64(v)+A-int64(sec.Out.Offset+sec.Offset+loc)))
	case elf.R_X86_64_PC64:
		le.PutUint64(dst[loc:], uint64(int64(v)+A-int64(sec.Out.Offset+sec.Offset+loc)))
	default:
		ctx.errorf("%s: unsupported relocation type %v in non-allocated section", ctx.where(sec, r.Off), relocName(r.Type))
	}
}
