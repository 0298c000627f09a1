#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install the Debian packages that building, testing and the demos need.
# Idempotent: does nothing when everything is present. Needs root.
set -euo pipefail

pkgs=(
	gcc make pkg-config meson ninja-build   # build
	libdpdk-dev libbpf-dev libelf-dev       # DPDK 22.11, libbpf 1.1
	clang                                   # BPF objects; the clang build (CI)
	libpcap-dev                             # net_pcap virtual ports
	python3 python3-scapy                   # test traffic (l3fwd-mim)
	tmux                                    # drives test-mim's prompt in tests
	python3-sphinx python3-myst-parser      # the programmer's guide, man pages
	doxygen graphviz                        # the API reference, diagrams
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
