#!/usr/bin/env bash
# deps.sh: install, with apt-get, what the end-to-end tests need on a fresh
# Debian 12 machine (Go itself is expected at /usr/local/go). Does nothing,
# quickly, when everything is already installed, so CI can run it every time.
set -euo pipefail

# Beyond the essential packages (bash, coreutils, perl-base, mawk, gzip,
# util-linux's setpriv): runtime/ldgo's acceptance tests also run
# /usr/bin/python3, /usr/bin/git and /usr/bin/xz under the loader, and no
# package above is sure to pull those in.
pkgs=(
	gcc g++ clang binutils elfutils mold lld file gdb libc6-dbg
	libsqlite3-dev zlib1g-dev libssl-dev liblua5.4-dev libzstd-dev
	libpython3.11-dev libexpat1-dev libpython3.11-testsuite
	python3 git xz-utils
)

missing=()
for p in "${pkgs[@]}"; do
	# dpkg-query prints the status even for removed-but-configured packages,
	# so match on "installed" rather than trusting the exit code alone.
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps.sh: all ${#pkgs[@]} packages already installed"
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	sudo=(sudo)
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
