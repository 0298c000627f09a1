# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""The forwarding benchmark's workload: route tables, configuration files
and input pcaps (scapy, explicit MACs and addresses).

Every table holds the same prefixes (so every destination is routed in
every table, and a lookup does the same work whichever table it goes to);
tables differ by their next hops. Destinations are drawn inside the
prefixes, spread over the whole unicast space, so that the lookups touch
tbl24 entries far apart (and tbl8 groups, for routes longer than /24).
The 1-tenant and the many-tenant pcaps carry the same IPv4 packets in the
same order; only their VLAN IDs differ."""

import ipaddress
import logging
import os
import random
import struct
import sys

logging.getLogger('scapy.runtime').setLevel(logging.ERROR)

from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.packet import Raw  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'test'))
import pcapfile  # noqa: E402

SRC_MAC = '02:00:00:00:fe:01'
DST_MAC = '02:00:00:00:fe:02'
SRC_IP = '198.51.100.7'
NEXTHOP_PORT = 1           # the net_null port
NB_NEXTHOPS = 16
FRAME_LEN = 64             # bytes, without FCS

# Prefix lengths of the routes and their shares (the /0 comes on top).
DEPTH_MIX = ((8, 0.01), (12, 0.01), (16, 0.08), (20, 0.10), (24, 0.70),
             (28, 0.05), (32, 0.05))


def _mac(s):
    return bytes(int(x, 16) for x in s.split(':'))


def table_name(i):
    return f't{i:03d}'


def make_prefixes(rng, nb_routes):
    """nb_routes distinct (network, depth) in 1.0.0.0-223.255.255.255,
    plus 0.0.0.0/0."""
    seen, out = set(), [(0, 0)]
    left = nb_routes - 1
    for k, (depth, share) in enumerate(DEPTH_MIX):
        # The last depth takes what rounding left.
        want = left if k == len(DEPTH_MIX) - 1 else \
            min(left, max(1, round(share * (nb_routes - 1))))
        left -= want
        mask = (0xffffffff << (32 - depth)) & 0xffffffff
        n = 0
        while n < want:
            addr = rng.randrange(1 << 24, 224 << 24) & mask
            if (addr, depth) in seen:
                continue
            seen.add((addr, depth))
            out.append((addr, depth))
            n += 1
    return out


def make_destinations(rng, prefixes, count):
    """count addresses, each inside a prefix drawn uniformly (not /0)."""
    out = []
    for _ in range(count):
        addr, depth = prefixes[rng.randrange(1, len(prefixes))]
        host = rng.getrandbits(32 - depth) if depth < 32 else 0
        out.append(addr | host)
    return out


def config_text(prefixes, tenants, nb_tables):
    """tenants: {tenant: table index}. Route i of table j goes to next hop
    (i + j) % NB_NEXTHOPS, so tables differ by their next hops."""
    lines = ['# written by examples/l3fwd-mim/bench/workload.py']
    for h in range(NB_NEXTHOPS):
        lines.append(f'N{h} {NEXTHOP_PORT} 02:00:00:00:01:{h:02x} '
                     f'02:aa:00:00:01:{h:02x}')
    for t, j in sorted(tenants.items()):
        lines.append(f'T{t} {table_name(j)}')
    for j in range(nb_tables):
        for i, (addr, depth) in enumerate(prefixes):
            lines.append(f'R{ipaddress.IPv4Address(addr)}/{depth} '
                         f'{(i + j) % NB_NEXTHOPS} {table_name(j)}')
    return '\n'.join(lines) + '\n'


def l3_packets(dsts):
    """IPv4/UDP packets (bytes, scapy) to dsts, FRAME_LEN - 18 bytes
    each."""
    out = []
    for i, d in enumerate(dsts):
        ip = IP(src=SRC_IP, dst=str(ipaddress.IPv4Address(d)), ttl=64,
                id=i & 0xffff) / UDP(sport=1024 + i % 50000, dport=53)
        pad = FRAME_LEN - 18 - len(ip)
        out.append(bytes(ip / Raw(b'\0' * pad)))
    return out


def frames(l3, vlans):
    """Ethernet + 802.1Q frames, VLAN ID vlans[i] for l3[i]."""
    eth = _mac(DST_MAC) + _mac(SRC_MAC)
    return [eth + struct.pack('!HHH', 0x8100, v & 0xfff, 0x0800) + p
            for p, v in zip(l3, vlans)]


def many_conf(nb_tables):
    return f'many_{nb_tables}tbl.conf'


def write(workdir, tenants, table_counts, nb_routes, nb_packets, seed=7):
    """Write one.conf/one.pcap (tenant 1, table t000), many.pcap (tenants
    1..tenants, each frame's drawn uniformly) and, for each K of
    table_counts, many_conf(K): the tenants over K tables, tenant v using
    table v % K. Returns a description."""
    rng = random.Random(seed)
    prefixes = make_prefixes(rng, nb_routes)
    dsts = make_destinations(rng, prefixes, nb_packets)
    l3 = l3_packets(dsts)
    many_vlans = [rng.randint(1, tenants) for _ in range(nb_packets)]
    with open(os.path.join(workdir, 'one.conf'), 'w') as f:
        f.write(config_text(prefixes, {1: 0}, 1))
    for k in table_counts:
        with open(os.path.join(workdir, many_conf(k)), 'w') as f:
            f.write(config_text(prefixes, {v: v % k
                                           for v in range(1, tenants + 1)},
                                k))
    pcapfile.write(os.path.join(workdir, 'one.pcap'),
                   frames(l3, [1] * nb_packets))
    pcapfile.write(os.path.join(workdir, 'many.pcap'),
                   frames(l3, many_vlans))
    return {
        'routes': len(prefixes),
        'tenants_seen': len(set(many_vlans)),
        'packets': nb_packets,
    }
