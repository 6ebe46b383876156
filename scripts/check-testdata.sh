#!/usr/bin/env bash
# check-testdata.sh: build and run every testdata program with the SYSTEM
# toolchain (gcc -shared and GNU ld; ld.lld where GNU ld is known to be wrong;
# static archives where no system linker can build the shared library) and
# compare with the expected outputs. If this passes and an e2e test fails,
# the fault is gshared's or gold's, not the test's.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
td=$PWD/testdata
lib=/usr/lib/x86_64-linux-gnu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

pass=0 fail=0
# check NAME EXPECTED-STDOUT-FILE EXPECTED-STDERR-FILE-OR-- CMD...
check() {
	local name=$1 want=$2 wanterr=$3
	shift 3
	if "$@" >out.txt 2>err.txt && cmp -s out.txt "$want" &&
		{ [ "$wanterr" = - ] || cmp -s err.txt "$wanterr"; }; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name"
		diff out.txt "$want" || true
		cat err.txt
	fi
}
# regex NAME STREAM(out|err) REGEX CMD...: the whole stream (trailing
# newlines dropped) must match the extended regular expression.
regex() {
	local name=$1 stream=$2 re=$3
	shift 3
	if "$@" >out.txt 2>err.txt && [[ $(<"$stream.txt") =~ $re ]]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name"
		cat out.txt err.txt
	fi
}
empty=$tmp/empty
: >"$empty"

# vector: CSAPP's form, ./libvector.so recorded in DT_NEEDED.
gcc -O2 -fpic -c "$td/vector/addvec.c" "$td/vector/multvec.c"
gcc -shared -o libvector.so addvec.o multvec.o
gcc -o prog2l "$td/vector/main2.c" ./libvector.so
check vector "$td/vector/expected.txt" "$empty" ./prog2l
gcc -shared -o libvv.so addvec.o multvec.o -Wl,--version-script,"$td/vector/vector.map"
gcc -o prog2v "$td/vector/main2.c" ./libvv.so
check vector-versioned "$td/vector/expected.txt" "$empty" ./prog2v

# Whole archives in -Bsymbolic shared objects, as the e2e tests build them.
gcc -shared -Wl,-Bsymbolic -Wl,--whole-archive $lib/libsqlite3.a -Wl,--no-whole-archive -lm -o libsq.so
gcc -O2 -o sqlite "$td/sqlite/main.c" ./libsq.so
check sqlite "$td/sqlite/expected.txt" "$empty" ./sqlite
gcc -shared -Wl,-Bsymbolic -Wl,--whole-archive $lib/libz.a -Wl,--no-whole-archive -o libzz.so
gcc -O2 -o zlib "$td/zlib/main.c" ./libzz.so
regex zlib out '^compress2 ok in=10485760 compressed=[0-9]+
stream ok in=10485760 compressed=[0-9]+$' ./zlib
gcc -shared -Wl,-Bsymbolic -Wl,--whole-archive $lib/libcrypto.a -Wl,--no-whole-archive -o libcr.so
gcc -O2 -o crypto "$td/crypto/main.c" ./libcr.so
check crypto "$td/crypto/expected.txt" "$empty" ./crypto

# lua and zstd: no system linker makes a shared object of these archives
# (non-PIC stdio references), so check the programs with the archives linked
# statically and with Debian's shared libraries.
gcc -O2 -I/usr/include/lua5.4 -o lua-a "$td/lua/main.c" $lib/liblua5.4.a -lm
check lua-static "$td/lua/expected.txt" "$td/lua/expected_stderr.txt" ./lua-a
gcc -O2 -I/usr/include/lua5.4 -o lua-so "$td/lua/main.c" -llua5.4
check lua-distro-so "$td/lua/expected.txt" "$td/lua/expected_stderr.txt" ./lua-so
zre='^level 1: 10485760 -> [0-9]+
level 9: 10485760 -> [0-9]+
stream: 10485760 -> [0-9]+$'
gcc -O2 -o zstd-a "$td/zstd/main.c" $lib/libzstd.a
check zstd-static "$td/zstd/expected.txt" - ./zstd-a
regex zstd-static-stderr err "$zre" ./zstd-a
gcc -O2 -o zstd-so "$td/zstd/main.c" -lzstd
check zstd-distro-so "$td/zstd/expected.txt" - ./zstd-so

# C++: exceptions, COMDAT, ctor/dtor order; threads.
g++ -O2 -fpic -c "$td/cxx/lib.cpp" "$td/cxx/threads_lib.cpp"
g++ -shared -o libcxxtest.so lib.o
g++ -shared -o libcxxthreads.so threads_lib.o
for pie in -pie -no-pie; do
	g++ -O2 $pie -o cxx "$td/cxx/main.cpp" ./libcxxtest.so
	check "cxx$pie" "$td/cxx/expected.txt" "$empty" ./cxx
	g++ -O2 $pie -o threads "$td/cxx/threads_main.cpp" ./libcxxthreads.so
	check "cxx-threads$pie" "$td/cxx/threads_expected.txt" "$empty" ./threads
done

# TLS in every model and -O level.
for v in "" -ftls-model=initial-exec -mtls-dialect=gnu2 -ftls-model=local-dynamic; do
	for o in -O0 -O2; do
		gcc $o -fpic $v -c "$td/tls/tlslib.c"
		gcc -shared -o libtlstest.so tlslib.o
		gcc -O2 -o tls "$td/tls/main.c" ./libtlstest.so
		check "tls${v:-default}$o" "$td/tls/expected.txt" "$empty" ./tls
	done
done

# hello, and copyreloc for every output kind. GNU ld gets the IFUNC address
# equality wrong for -pie and -static-pie, so copyreloc uses ld.lld.
for k in -pie -no-pie -static -static-pie; do
	gcc -O2 $k -o hello "$td/hello/hello.c"
	check "hello$k" "$td/hello/expected_c.txt" "$empty" ./hello
	gcc -fuse-ld=lld -O2 $k -o copyreloc "$td/copyreloc/main.c" "$td/copyreloc/other.c"
	check "copyreloc$k" "$td/copyreloc/expected.txt" "$empty" ./copyreloc -a -b value rest
done
for k in -pie -no-pie; do
	g++ -O2 $k -o hellocc "$td/hello/hello.cpp"
	check "hello-c++$k" "$td/hello/expected_cpp.txt" "$empty" ./hellocc
done

echo "check-testdata: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
