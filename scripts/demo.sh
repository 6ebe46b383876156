#!/usr/bin/env bash
# demo.sh: the README's first example (CSAPP 7.10, "Dynamic linking with
# shared libraries"): build libvector.so with gshared, link prog2l against it
# with gold and run it. Expected output: z = [4 6]
#
# The loader is ldgo when out/bin/ldgo exists; DEMO_LOADER=system forces the
# system one (/lib64/ld-linux-x86-64.so.2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
out=$root/out
demo=$out/demo
src=$root/testdata/vector

scripts/install.sh "$out"
mkdir -p "$demo"

loader=/lib64/ld-linux-x86-64.so.2
if [ "${DEMO_LOADER:-}" != system ] && [ -x "$out/bin/ldgo" ]; then
	loader=$out/bin/ldgo
fi
echo "demo: dynamic linker $loader"

cd "$demo"
gcc -O2 -fpic -c "$src/addvec.c" "$src/multvec.c"
gcc -O2 -c "$src/main2.c"
"$out/bin/gshared" -o libvector.so addvec.o multvec.o
# As in CSAPP the library is named by path, so DT_NEEDED is "./libvector.so":
# it is found relative to the working directory, hence the cd above and the
# ./prog2l below.
"$out/bin/gold" -dynamic-linker "$loader" -o prog2l main2.o ./libvector.so
./prog2l
