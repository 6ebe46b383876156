package dynsym

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Reference values computed by glibc's own implementations
// (dl_new_hash and _dl_elf_hash in elf/dl-hash.h / elf/dl-new-hash.h).
func TestHashes(t *testing.T) {
	assert.Equal(t, uint32(0x1505), GNUHash(""))
	assert.Equal(t, uint32(0x156b2bb8), GNUHash("printf"))
	assert.Equal(t, uint32(0x0), SysVHash(""))
	assert.Equal(t, uint32(0x077905a6), SysVHash("printf"))
	assert.Equal(t, GNUHash("addvec"), GNUHashBytes([]byte("addvec")))
}
