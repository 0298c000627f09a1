# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Multi-tenant test traffic, built with scapy (explicit MACs and
addresses: scapy must not consult the host's network)."""

import ipaddress
import logging

logging.getLogger('scapy.runtime').setLevel(logging.ERROR)

from scapy.layers.inet import (ICMP, IP, TCP, UDP,  # noqa: E402
                               IPOption_EOL, IPOption_NOP)
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import ARP, Dot1Q, Ether  # noqa: E402
from scapy.packet import Padding, Raw  # noqa: E402

SRC_MAC = '02:00:00:00:fe:01'
DST_MAC = '02:00:00:00:fe:02'
SRC_IP = '198.51.100.7'


def ether(vlan, prio=0):
    """Ethernet header; vlan None: untagged."""
    e = Ether(src=SRC_MAC, dst=DST_MAC)
    if vlan is None:
        return e
    return e / Dot1Q(vlan=vlan, prio=prio)


def ipv4(vlan, dst, ip_id, ttl=64, proto='udp', payload=b'', options=False,
         prio=0, **ip_fields):
    """One IPv4 frame as bytes."""
    ip = IP(src=SRC_IP, dst=dst, id=ip_id, ttl=ttl, **ip_fields)
    if options:
        ip.options = [IPOption_NOP(), IPOption_NOP(), IPOption_NOP(),
                      IPOption_EOL()]
    if proto == 'udp':
        l4 = UDP(sport=1024 + ip_id % 50000, dport=53)
    elif proto == 'tcp':
        l4 = TCP(sport=1024 + ip_id % 50000, dport=80, flags='S')
    else:
        l4 = ICMP(type=8, id=ip_id)
    return bytes(ether(vlan, prio) / ip / l4 / Raw(payload))


def interesting_addresses(prefixes):
    """For each prefix: its first and last address, one inside and the
    neighbours just outside: where longest-prefix bugs show."""
    out = []
    for p in prefixes:
        net = ipaddress.ip_network(p)
        first, last = int(net.network_address), int(net.broadcast_address)
        for a in (first, last, (first + last) // 2, first - 1, last + 1):
            if 0 <= a <= 0xffffffff:
                out.append(str(ipaddress.ip_address(a)))
    return out


def random_frames(rng, vlans, dsts, count, ip_id_base):
    """count IPv4 frames: tenants from vlans (None: untagged), addresses
    from dsts (or random), TTLs around the expiry edge, options, odd
    sizes, Ethernet padding, now and then a bad header checksum."""
    frames = []
    for i in range(count):
        vlan = rng.choice(vlans)
        if rng.random() < 0.8:
            dst = rng.choice(dsts)
        else:
            dst = str(ipaddress.ip_address(rng.getrandbits(32)))
        ttl = rng.choice((0, 1, 2, 3, 64, 64, 64, 255))
        proto = rng.choice(('udp', 'tcp', 'icmp'))
        payload = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 90)))
        fields = {}
        if rng.random() < 0.03:
            fields['chksum'] = rng.getrandbits(16)
        if rng.random() < 0.2:
            fields['tos'] = rng.getrandbits(8)
        frame = ipv4(vlan, dst, ip_id_base + i, ttl=ttl, proto=proto,
                     payload=payload, options=rng.random() < 0.1,
                     prio=rng.randrange(8), **fields)
        if rng.random() < 0.1:
            frame += bytes(rng.randrange(1, 20))   # Ethernet padding
        frames.append(frame)
    return frames


def odd_frames(vlan, unknown_vlan, dst, ip_id_base):
    """Frames every router must cope with: not IPv4, truncated anywhere,
    broken headers. dst is routable for tenant vlan."""
    good = ipv4(vlan, dst, ip_id_base, payload=b'x' * 30)
    hdr = 18 if vlan is not None else 14
    i = ip_id_base
    frames = [
        # Not IPv4.
        bytes(ether(vlan) / ARP(hwsrc=SRC_MAC, psrc=SRC_IP, pdst=dst)),
        bytes(ether(None) / ARP(hwsrc=SRC_MAC, psrc=SRC_IP, pdst=dst)),
        bytes(ether(vlan) / IPv6(src='2001:db8::1', dst='2001:db8::2') /
              UDP()),
        bytes(ether(vlan) / Dot1Q(vlan=7) / IP(src=SRC_IP, dst=dst) / UDP()),
        bytes(Ether(src=SRC_MAC, dst=DST_MAC, type=0x88a8) /
              Dot1Q(vlan=vlan or 1) / IP(src=SRC_IP, dst=dst) / UDP()),
        bytes(ether(unknown_vlan) / ARP(hwsrc=SRC_MAC, psrc=SRC_IP, pdst=dst)),
        # Truncated: inside Ethernet, inside the tag, inside IPv4.
        good[:6], good[:13], good[:14], good[:16], good[:hdr + 1],
        good[:hdr + 19],
        # Total length beyond the frame: the payload was cut.
        good[:len(good) - 1],
        good[:hdr + 20],
        # Broken IPv4 headers (checksums correct unless said).
        ipv4(vlan, dst, i + 1, version=6),
        ipv4(vlan, dst, i + 2, ihl=4),
        ipv4(vlan, dst, i + 3, len=19),
        ipv4(vlan, dst, i + 4, len=300, payload=b'y' * 10),
        ipv4(vlan, dst, i + 5, chksum=0),
        ipv4(vlan, dst, i + 6, chksum=0xffff),
        # IHL 6 but only 20 header bytes in the frame.
        ipv4(vlan, dst, i + 7, options=True)[:hdr + 22],
        # Fine ones at the edges: TTL 2 leaves with 1, options, padding,
        # a smallest datagram.
        ipv4(vlan, dst, i + 8, ttl=2),
        ipv4(vlan, dst, i + 9, options=True, payload=b'o' * 7),
        bytes(ether(vlan) / IP(src=SRC_IP, dst=dst, id=i + 10) /
              UDP(sport=9, dport=9) / Padding(b'\0' * 20)),
        bytes(ether(vlan) / IP(src=SRC_IP, dst=dst, id=i + 11, proto=253)),
        # TTL 1 and 0 expire; so does a TTL 1 of an unknown tenant, which
        # counts as unknown tenant.
        ipv4(vlan, dst, i + 12, ttl=1),
        ipv4(vlan, dst, i + 13, ttl=0),
        ipv4(unknown_vlan, dst, i + 14, ttl=1),
        ipv4(unknown_vlan, dst, i + 15),
    ]
    return frames
