#!/bin/bash
# gen-layout.sh [-w runtime/ldgo/glibclayout.go] [-ldso F] [-libc F] [-debug DIR] [-func NAME] [-name S]
#
# Prints the glibcLayout entry (runtime/ldgo/glibclayout.go) of the glibc
# installed here — or of the ld.so/libc.so.6 named — computed from the DWARF
# of its debug files (Debian: apt-get install libc6-dbg; found by build-id
# under /usr/lib/debug/.build-id). With -w it replaces the entry of the same
# name in the file, or adds it and lists it in glibcLayouts. The offsets are
# those `gdb -batch -ex 'ptype/o struct rtld_global' /lib64/ld-linux-x86-64.so.2`
# prints (likewise rtld_global_ro, link_namespaces, link_map, and pthread
# against libc.so.6); the sizes and _thread_db_* descriptors ldgo checks at
# start-up are read from the binaries and must agree with the DWARF, and so
# must the few layout facts ldgo's code assumes (see
# internal/genlayout/genlayout.go).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(mktemp "${TMPDIR:-/tmp}/gen-layout.XXXXXX")
trap 'rm -f "$bin"' EXIT
go build -C "$repo" -o "$bin" ./runtime/ldgo/internal/genlayout/cmd
"$bin" "$@"
