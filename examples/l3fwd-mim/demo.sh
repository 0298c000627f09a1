#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
#
# l3fwd-mim end to end, without NICs or hugepages:
#   1. scapy writes multi-tenant IPv4 and IPv6 traffic (VLANs 100, 200,
#      300, an unknown tenant, an expiring TTL and hop limit, ARP) to a
#      pcap file;
#   2. l3fwd-mim forwards it once through the tenants' IPv4 and IPv6 LPM
#      tables (l3fwd-mim.conf) and prints per-tenant statistics; the
#      frames that left each port are listed;
#   3. l3fwd-mim loops the same traffic and tenant 100's tables are rebuilt
#      and swapped under traffic with the telemetry command
#      /l3fwd/reload,100 (tenant 300 shares them, so they are swapped too).
#
# Usage: examples/l3fwd-mim/demo.sh [BUILD_DIR]    (default: build)
# Needs Debian's python3-scapy; runs as any user.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
app="$build/examples/l3fwd-mim/l3fwd-mim"
py=/usr/bin/python3

if [ ! -x "$app" ]; then
	echo "demo: $app not found; build first: meson setup $build && ninja -C $build" >&2
	exit 1
fi
if ! "$py" -c 'import scapy' 2>/dev/null; then
	echo "demo: needs Debian's python3-scapy: apt-get install python3-scapy" >&2
	exit 1
fi
app=$(cd "$(dirname "$app")" && pwd)/l3fwd-mim
work=$(mktemp -d "${TMPDIR:-/tmp}/l3fwd-mim-demo.XXXXXX")
pid=
rundir=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" || true; fi
	rm -rf "$work"
	if [ -n "$rundir" ]; then rm -rf "$rundir"; fi
}
trap cleanup EXIT
cd "$work"
cp "$here/l3fwd-mim.conf" l3fwd.conf

prefix="l3fwd_mim_demo_$$"
# EAL's runtime directory (telemetry socket), left behind at exit.
if [ "$(id -u)" = 0 ]; then
	rundir="/var/run/dpdk/$prefix"
else
	rundir="${XDG_RUNTIME_DIR:-/tmp}/dpdk/$prefix"
fi
# The LPM tables (blue and green of each family, and new blue ones during
# the swap) take a few KiB each: 512 MiB is for the mbufs and the outer
# tables; --no-huge: no hugepages needed.
eal=(--no-huge --no-pci -m 512 --file-prefix="$prefix" -l 0-1
     --log-level=lib.eal:warning --log-level=lib.telemetry:warning
     --log-level=pmd.net.pcap:error)

echo "== 1. Traffic: scapy writes in.pcap"
"$py" - <<'EOF'
import logging
logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import ARP, Dot1Q, Ether
from scapy.utils import wrpcap

# Explicit MACs and addresses: scapy must not ask the host's network.
def frame(vlan, dst, ttl=64):
    if ':' in dst:
        ip = IPv6(src='2001:db8:ffff::7', dst=dst, hlim=ttl)
    else:
        ip = IP(src='198.51.100.7', dst=dst, ttl=ttl)
    return (Ether(src='02:00:00:00:fe:01', dst='02:00:00:00:fe:02') /
            Dot1Q(vlan=vlan) / ip / UDP(sport=1024, dport=53) /
            (b'mapinmap' * 4))

frames = []
for _ in range(5):
    for vlan in (100, 200, 300):
        for dst in ('10.1.2.9', '10.1.9.9', '10.9.9.9', '192.0.2.1',
                    '2001:db8:1:2::9', '2001:db8:1:9::9', '2001:db8:9::9',
                    '3fff::1'):
            frames.append(frame(vlan, dst))
    frames.append(frame(999, '10.1.2.9'))            # unknown tenant
    frames.append(frame(100, '10.1.2.9', ttl=1))     # TTL expires
    frames.append(frame(100, '2001:db8:1:2::9', ttl=1))  # hop limit
    frames.append(Ether(src='02:00:00:00:fe:01', dst='ff:ff:ff:ff:ff:ff') /
                  Dot1Q(vlan=100) /
                  ARP(hwsrc='02:00:00:00:fe:01', psrc='10.1.2.1',
                      pdst='10.1.2.9'))              # not IP
wrpcap('in.pcap', frames)
print(f'{len(frames)} frames, IPv4 and IPv6: tenants (VLANs) 100, 200, '
      '300; unknown tenant 999; TTL 1; hop limit 1; ARP')
EOF

echo
echo "== 2. Forward in.pcap once (ports: 0 in, 1 and 2 out)"
"$app" "${eal[@]}" \
	--vdev=net_pcap0,rx_pcap=in.pcap,tx_pcap=out0.pcap \
	--vdev=net_pcap1,tx_pcap=out1.pcap \
	--vdev=net_pcap2,tx_pcap=out2.pcap \
	-- -f l3fwd.conf --config '(0,0,1)' --max-idle-ms 100 2>&1 |
	grep -v '^TELEMETRY: No legacy'

echo
echo "== Where each tenant's frames left (first of each kind)"
"$py" - <<'EOF'
import logging
logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from scapy.layers.inet import IP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Dot1Q, Ether
from scapy.utils import rdpcap

seen = set()
for port in (0, 1, 2):
    for p in rdpcap(f'out{port}.pcap'):
        ip = p[IP] if IP in p else p[IPv6]
        key = (p[Dot1Q].vlan, ip.dst)
        if key in seen:
            continue
        seen.add(key)
        ttl = f'TTL {ip.ttl}' if IP in p else f'hop limit {ip.hlim}'
        print(f'  tenant {key[0]:3} dst {key[1]:<15} -> port {port} '
              f'dst MAC {p[Ether].dst} src MAC {p[Ether].src} {ttl}')
EOF

echo
echo "== 3. Live swap: in.pcap loops (infinite_rx), tenant 100's tables are replaced"
"$app" "${eal[@]}" \
	--vdev=net_pcap0,rx_pcap=in.pcap,infinite_rx=1 \
	--vdev=net_pcap1,tx_pcap=/dev/null \
	--vdev=net_pcap2,tx_pcap=/dev/null \
	-- -f l3fwd.conf --config '(0,0,1)' >run.log 2>&1 &
pid=$!
for _ in $(seq 300); do
	grep -q 'reload a tenant' run.log && break
	kill -0 "$pid" 2>/dev/null || { cat run.log; exit 1; }
	sleep 0.1
done
tel=("$py" "$here/test/telemetry.py" "$prefix")
echo "-- before: tenant 100"
"${tel[@]}" /l3fwd/tenant,100
echo "-- l3fwd.conf: blue's 10.1.2.0/24 and 2001:db8:1:2::/64 now go to next hop 3"
sed -i -e 's|^R10.1.2.0/24   2 blue|R10.1.2.0/24   3 blue|' \
	-e 's|^R2001:db8:1:2::/64  2 blue|R2001:db8:1:2::/64  3 blue|' l3fwd.conf
grep -E '^R(10.1.2.0/24|2001:db8:1:2::/64) ' l3fwd.conf
echo "-- reload, then tenants 100 and 300 (both use blue) and the totals"
"${tel[@]}" /l3fwd/reload,100 /l3fwd/tenant,100 /l3fwd/tenant,300
sleep 0.5
"${tel[@]}" /l3fwd/stats
kill -INT "$pid"
wait "$pid"
pid=
grep -v '^TELEMETRY: No legacy' run.log | sed -n '/^Packets:/,$p'
echo
echo "The old blue tables were released once the forwarding lcore had passed a"
echo "quiescent state: 'released' counts them (and the two templates)."
