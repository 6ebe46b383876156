#!/bin/bash
# build.sh OUT — build the ldgo loader into OUT. This is the one place that
# knows how ldgo must be built:
#   -buildmode=pie                 ldgo is loaded at any address (ASLR), never
#                                  over a non-PIE program at 0x400000
#   -ldflags=-E=main.ldgoEntry     entry_amd64.s self-relocates, saves the
#                                  initial stack, signal mask and dispositions
#   -X=runtime.godebugDefault=asyncpreemptoff=1
#                                  no preemption signals at the program's threads
# and then turns the PT_INTERP header Go's linker always writes into PT_NULL:
# ldgo is itself the interpreter and must not be started by glibc's ld.so.
set -euo pipefail
out=${1:?usage: build.sh OUT}
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")/../.."
CGO_ENABLED=0 go build -trimpath -buildmode=pie \
  -ldflags='-E=main.ldgoEntry -X=runtime.godebugDefault=asyncpreemptoff=1' \
  -o "$out" ./runtime/ldgo
phoff=$(od -An -t u8 -j 32 -N 8 "$out" | tr -d ' ')
phnum=$(od -An -t u2 -j 56 -N 2 "$out" | tr -d ' ')
for ((i = 0; i < phnum; i++)); do
  off=$((phoff + i * 56))
  if [ "$(od -An -t u4 -j "$off" -N 4 "$out" | tr -d ' ')" = 3 ]; then
    printf '\0\0\0\0' | dd of="$out" bs=1 seek="$off" conv=notrunc status=none
  fi
done
