#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job: build, then run the demo end to end on virtual ports.
# Needs root for the Debian packages only: no NIC, no hugepages.
set -euo pipefail
cd "$(dirname "$0")/.."
bash devtools/deps.sh
if [ -d build ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build >/dev/null
exec build/examples/tenants/tenants --no-huge --no-pci -m 1024 --no-shconf \
	-l 0-1 --log-level=lib.eal:warning --file-prefix=mim_demo
