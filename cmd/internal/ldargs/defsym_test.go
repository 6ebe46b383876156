package ldargs

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"gold/link"
)

func TestParseDefsym(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want link.Defsym
	}{
		{"a=0", link.Defsym{Name: "a"}},
		{"a=42", link.Defsym{Name: "a", Addend: 42}},
		{"a=0x401000", link.Defsym{Name: "a", Addend: 0x401000}},
		{"a=0XFF", link.Defsym{Name: "a", Addend: 255}},
		{"a=4K", link.Defsym{Name: "a", Addend: 4096}},
		{"a=2M", link.Defsym{Name: "a", Addend: 2 << 20}},
		{"a=0xffffffffffffffff", link.Defsym{Name: "a", Addend: -1}},
		{"a=b", link.Defsym{Name: "a", Symbol: "b"}},
		{"a=b+8", link.Defsym{Name: "a", Symbol: "b", Addend: 8}},
		{"a = b - 0x10", link.Defsym{Name: "a", Symbol: "b", Addend: -16}},
		{"__wrap_x=_Z3foov", link.Defsym{Name: "__wrap_x", Symbol: "_Z3foov"}},
		{"a=.text.start$x@v", link.Defsym{Name: "a", Symbol: ".text.start$x@v"}},
	} {
		got, err := parseDefsym(tc.in)
		if assert.NoError(t, err, tc.in) {
			assert.Equal(t, tc.want, got, tc.in)
		}
	}
	for _, bad := range []string{"a", "=1", "a=", "a=1+b", "a=b*2", "a=b+", "a=b+c", "a=-1", "a=1x", "a=0x", "a=0x1K", "a=99999999999999999999"} {
		_, err := parseDefsym(bad)
		assert.Error(t, err, bad)
	}
}
