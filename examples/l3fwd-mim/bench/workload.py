# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""The forwarding benchmark's workload: route tables, configuration files
and input pcaps (scapy, explicit MACs and addresses).

Every table holds the same prefixes (so every destination is routed in
every table, and a lookup does the same work whichever table it goes to);
tables differ by their next hops. Destinations are drawn inside the
prefixes, spread over the whole unicast space, so that the lookups touch
index entries and range arrays far apart.
The 1-tenant and the many-tenant pcaps carry the same IPv4 packets in the
same order; only their VLAN IDs differ. With v6, the same for IPv6:
prefixes of 2000::/3 with a mix of lengths around /48, IPv6/UDP
packets."""

import ipaddress
import logging
import os
import random
import struct
import sys

logging.getLogger('scapy.runtime').setLevel(logging.ERROR)

from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.packet import Raw  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'test'))
import pcapfile  # noqa: E402

SRC_MAC = '02:00:00:00:fe:01'
DST_MAC = '02:00:00:00:fe:02'
SRC_IP = '198.51.100.7'
SRC_IP6 = '2001:db8:ffff::7'
NEXTHOP_PORT = 1           # the net_null port
NB_NEXTHOPS = 16
FRAME_LEN = 64             # bytes, without FCS
FRAME_LEN6 = 66            # IPv6: the smallest 802.1Q IPv6/UDP frame

# Prefix lengths of the routes and their shares (the /0 comes on top).
DEPTH_MIX = ((8, 0.01), (12, 0.01), (16, 0.08), (20, 0.10), (24, 0.70),
             (28, 0.05), (32, 0.05))
DEPTH_MIX6 = ((16, 0.01), (24, 0.02), (32, 0.12), (40, 0.05), (48, 0.60),
              (56, 0.05), (64, 0.14), (128, 0.01))


def _mac(s):
    return bytes(int(x, 16) for x in s.split(':'))


def table_name(i):
    return f't{i:03d}'


def make_prefixes(rng, nb_routes, v6=False):
    """nb_routes distinct (network, depth) in 1.0.0.0-223.255.255.255
    (v6: 2000::/3), plus the /0."""
    seen, out = set(), [(0, 0)]
    left = nb_routes - 1
    mix, bits = (DEPTH_MIX6, 128) if v6 else (DEPTH_MIX, 32)
    for k, (depth, share) in enumerate(mix):
        # The last depth takes what rounding left.
        want = left if k == len(mix) - 1 else \
            min(left, max(1, round(share * (nb_routes - 1))))
        left -= want
        mask = ((1 << bits) - 1) ^ ((1 << (bits - depth)) - 1)
        n = 0
        while n < want:
            if v6:
                addr = (1 << 125 | rng.getrandbits(125)) & mask
            else:
                addr = rng.randrange(1 << 24, 224 << 24) & mask
            if (addr, depth) in seen:
                continue
            seen.add((addr, depth))
            out.append((addr, depth))
            n += 1
    return out


def make_destinations(rng, prefixes, count, v6=False):
    """count addresses, each inside a prefix drawn uniformly (not /0)."""
    bits = 128 if v6 else 32
    out = []
    for _ in range(count):
        addr, depth = prefixes[rng.randrange(1, len(prefixes))]
        host = rng.getrandbits(bits - depth) if depth < bits else 0
        out.append(addr | host)
    return out


def config_text(prefixes, tenants, nb_tables, v6=False):
    """tenants: {tenant: table index}. Route i of table j goes to next hop
    (i + j) % NB_NEXTHOPS, so tables differ by their next hops."""
    addr_of = ipaddress.IPv6Address if v6 else ipaddress.IPv4Address
    lines = ['# written by examples/l3fwd-mim/bench/workload.py']
    for h in range(NB_NEXTHOPS):
        lines.append(f'N{h} {NEXTHOP_PORT} 02:00:00:00:01:{h:02x} '
                     f'02:aa:00:00:01:{h:02x}')
    for t, j in sorted(tenants.items()):
        lines.append(f'T{t} {table_name(j)}')
    for j in range(nb_tables):
        for i, (addr, depth) in enumerate(prefixes):
            lines.append(f'R{addr_of(addr)}/{depth} '
                         f'{(i + j) % NB_NEXTHOPS} {table_name(j)}')
    return '\n'.join(lines) + '\n'


def l3_packets(dsts, v6=False):
    """IPv4/UDP packets (bytes, scapy) to dsts, FRAME_LEN - 18 bytes
    each (v6: IPv6/UDP, FRAME_LEN6 - 18)."""
    out = []
    for i, d in enumerate(dsts):
        udp = UDP(sport=1024 + i % 50000, dport=53)
        if v6:
            ip = IPv6(src=SRC_IP6, dst=str(ipaddress.IPv6Address(d)),
                      hlim=64, fl=i & 0xfffff) / udp
        else:
            ip = IP(src=SRC_IP, dst=str(ipaddress.IPv4Address(d)), ttl=64,
                    id=i & 0xffff) / udp
        pad = (FRAME_LEN6 if v6 else FRAME_LEN) - 18 - len(ip)
        out.append(bytes(ip / Raw(b'\0' * pad)))
    return out


def frames(l3, vlans, v6=False):
    """Ethernet + 802.1Q frames, VLAN ID vlans[i] for l3[i]."""
    eth = _mac(DST_MAC) + _mac(SRC_MAC)
    etype = 0x86dd if v6 else 0x0800
    return [eth + struct.pack('!HHH', 0x8100, v & 0xfff, etype) + p
            for p, v in zip(l3, vlans)]


def many_conf(nb_tables):
    return f'many_{nb_tables}tbl.conf'


def write(workdir, tenants, table_counts, nb_routes, nb_packets, seed=7,
          v6=False):
    """Write one.conf/one.pcap (tenant 1, table t000), many.pcap (tenants
    1..tenants, each frame's drawn uniformly) and, for each K of
    table_counts, many_conf(K): the tenants over K tables, tenant v using
    table v % K. Returns a description."""
    rng = random.Random(seed)
    prefixes = make_prefixes(rng, nb_routes, v6)
    dsts = make_destinations(rng, prefixes, nb_packets, v6)
    l3 = l3_packets(dsts, v6)
    many_vlans = [rng.randint(1, tenants) for _ in range(nb_packets)]
    with open(os.path.join(workdir, 'one.conf'), 'w') as f:
        f.write(config_text(prefixes, {1: 0}, 1, v6))
    for k in table_counts:
        with open(os.path.join(workdir, many_conf(k)), 'w') as f:
            f.write(config_text(prefixes, {v: v % k
                                           for v in range(1, tenants + 1)},
                                k, v6))
    pcapfile.write(os.path.join(workdir, 'one.pcap'),
                   frames(l3, [1] * nb_packets, v6))
    pcapfile.write(os.path.join(workdir, 'many.pcap'),
                   frames(l3, many_vlans, v6))
    return {
        'routes': len(prefixes),
        'tenants_seen': len(set(many_vlans)),
        'packets': nb_packets,
    }
