#!/usr/bin/env bash
# install.sh DIR: build the toolchain into DIR.
#
#   DIR/bin/gshared         shared-library linker (cmd/gshared)
#   DIR/bin/gold            executable linker (cmd/gold)
#   DIR/bin/ldgo            dynamic loader (runtime/ldgo, built by its build.sh)
#   DIR/libexec/gold/ld ->  ../../bin/gold, so `gcc -B DIR/libexec/gold/` runs
#                           gold as its `ld` (gcc looks up "ld" in -B dirs)
#
# The symlink is relative so DIR can be moved or copied as a whole. Builds use
# -trimpath so the binaries do not depend on where the repo was checked out.
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi

mkdir -p "$1/bin" "$1/libexec/gold"
# Absolute, because we change directory to the repo root next.
dir=$(cd "$1" && pwd)
cd "$(dirname "${BASH_SOURCE[0]}")/.."

go build -trimpath -o "$dir/bin/gshared" ./cmd/gshared
go build -trimpath -o "$dir/bin/gold" ./cmd/gold
# The loader needs special build flags; its build.sh is the one place that
# knows them.
bash runtime/ldgo/build.sh "$dir/bin/ldgo"
ln -sfn ../../bin/gold "$dir/libexec/gold/ld"
