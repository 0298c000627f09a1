#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The whole test suite, as CI runs it (.ci/run calls this script):
#   1. the commit messages from the baseline on (devtools/check-git-log.sh,
#      after its own test);
#   2. build with gcc, warnings as errors, run every meson test;
#   3. the same tests built with AddressSanitizer + UBSan;
#   4. build everything with clang, warnings as errors, and run the quick
#      suites under it;
#   5. the documentation (Sphinx guide, Doxygen reference, man pages), then
#      meson install into a scratch prefix: the installed test-mim runs,
#      its man page is there, and an out-of-tree program builds and runs
#      with nothing but pkg-config libmapinmap.
# Needs root for the Debian packages (devtools/deps.sh) and nothing else:
# no NIC, no hugepages.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== commit messages (CONTRIBUTING.md)"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	bash devtools/test-check-git-log.sh   # the checker itself
	bash devtools/check-git-log.sh
else
	echo "not a git checkout: no commits to check"
fi

bash devtools/deps.sh

setup() {   # setup DIR [meson options...]
	local dir=$1; shift
	if [ -d "$dir" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

echo "== build (warnings are errors) and test"
# -Dpoison: released memory is filled with 0x6b, so a reader that kept a
# pointer past its grace period fails the stress test's checksums.
setup build --werror -Dpoison=true
ninja -C build
meson test -C build --print-errorlogs

echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
# DPDK's inline hash functions load keys at any alignment (fine on
# x86): alignment checks would only report DPDK's own code.
setup build-asan --werror -Db_sanitize=address,undefined -Db_lundef=false \
	-Dpoison=true -Dfault_injection=true \
	-Dc_args="-fno-sanitize=alignment -fno-sanitize-recover=all"
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	meson test -C build-asan --print-errorlogs --timeout-multiplier 3

echo "== clang, warnings are errors"
# Every target, the fault-injection hooks included. The suites the gcc
# builds run at length, here the unit and doc suites only, with stress at
# its minimum counts (about 15 s in all).
CC=clang setup build-clang --werror -Dpoison=true -Dfault_injection=true \
	-Dtests=true -Dexamples=true
ninja -C build-clang
MIM_STRESS_SECONDS=1 meson test -C build-clang --print-errorlogs \
	--suite unit --suite doc

echo "== fuzz targets (libFuzzer), a short bounded run of each"
# The control-plane API, mim_bpf_import() and l3fwd-mim's configuration
# parser: the committed corpus first
# (regression inputs must pass), then a short mutation run of each, from a
# fixed seed (devtools/fuzz.sh with no FUZZ_SEED explores afresh).
FUZZ_SECONDS=${FUZZ_SECONDS:-15} FUZZ_SEED=${FUZZ_SEED:-1} bash devtools/fuzz.sh

echo "== documentation (warnings are errors), install, out-of-tree build"
# One build for both: the documentation is part of what meson install
# puts in the prefix (the guide, the API reference, the man pages).
prefix=$(mktemp -d /tmp/mim-prefix.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
setup build-doc --prefix="$prefix" -Denable_docs=true -Dtests=false \
	-Dexamples=true
ninja -C build-doc
meson install -C build-doc --quiet --no-rebuild
libdir=$(dirname "$(find "$prefix" -name 'libmapinmap.so' | head -1)")
pcdir=$(dirname "$(find "$prefix" -name libmapinmap.pc)")
for f in bin/test-mim share/man/man1/test-mim.1 share/man/man1/l3fwd-mim.1; do
	[ -e "$prefix/$f" ] || { echo "meson install did not install $f"; exit 1; }
done
usage=$(LD_LIBRARY_PATH=$libdir "$prefix/bin/test-mim" --no-huge --no-pci \
	-m 512 --no-shconf -l 0-1 --log-level=lib.eal:warning \
	--log-level=lib.telemetry:error --file-prefix=mim_install -- --help)
grep -q '^usage: ' <<<"$usage" ||
	{ echo "the installed test-mim did not print its usage"; exit 1; }
echo "installed test-mim runs; man pages test-mim.1, l3fwd-mim.1: ok"
cp -r examples/tenants "$prefix/src"
PKG_CONFIG_PATH=$pcdir make -s -C "$prefix/src"
LD_LIBRARY_PATH=$libdir "$prefix/src/tenants" --no-huge --no-pci -m 1024 \
	--no-shconf -l 0-1 --log-level=lib.eal:warning \
	--file-prefix=mim_install >/dev/null
echo "out-of-tree build against $pcdir/libmapinmap.pc: ok"

echo "== all tests passed"
