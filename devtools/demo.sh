#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job: build, then run the demo end to end on virtual ports.
# Needs root for the Debian packages only: no NIC, no hugepages.
set -euo pipefail
cd "$(dirname "$0")/.."
bash devtools/deps.sh
if [ -d build ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build >/dev/null
# examples/l3fwd-mim: multi-tenant forwarding on generated traffic (net_pcap),
# per-tenant statistics, then a tenant's table swapped live under traffic.
exec bash examples/l3fwd-mim/demo.sh build
