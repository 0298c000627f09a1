#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The whole test suite, as CI runs it (.ci/run calls this script):
#   1. build with warnings as errors, run every meson test;
#   2. the same tests built with AddressSanitizer + UBSan;
#   3. the documentation (Sphinx guide, Doxygen reference, man pages);
#   4. meson install into a scratch prefix, then build and run an
#      out-of-tree program with nothing but pkg-config libmapinmap.
# Needs root for the Debian packages (devtools/deps.sh) and nothing else:
# no NIC, no hugepages.
set -euo pipefail
cd "$(dirname "$0")/.."
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

echo "== documentation: guide, API reference, man pages (warnings are errors)"
setup build-doc -Denable_docs=true -Dtests=false
ninja -C build-doc

echo "== install, then an out-of-tree build with pkg-config only"
prefix=$(mktemp -d /tmp/mim-prefix.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
setup build-install --prefix="$prefix" -Dtests=false -Dexamples=true
ninja -C build-install
meson install -C build-install --quiet
pcdir=$(dirname "$(find "$prefix" -name libmapinmap.pc)")
libdir=$(dirname "$(find "$prefix" -name 'libmapinmap.so' | head -1)")
cp -r examples/tenants "$prefix/src"
PKG_CONFIG_PATH=$pcdir make -s -C "$prefix/src"
LD_LIBRARY_PATH=$libdir "$prefix/src/tenants" --no-huge --no-pci -m 1024 \
	--no-shconf -l 0-1 --log-level=lib.eal:warning \
	--file-prefix=mim_install >/dev/null
echo "out-of-tree build against $pcdir/libmapinmap.pc: ok"

echo "== all tests passed"
