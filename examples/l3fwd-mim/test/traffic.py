# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Multi-tenant test traffic, built with scapy (explicit MACs and
addresses: scapy must not consult the host's network)."""

import ipaddress
import logging

logging.getLogger('scapy.runtime').setLevel(logging.ERROR)

from scapy.layers.inet import (ICMP, IP, TCP, UDP,  # noqa: E402
                               IPOption_EOL, IPOption_NOP)
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6  # noqa: E402
from scapy.layers.l2 import ARP, Dot1Q, Ether  # noqa: E402
from scapy.packet import Padding, Raw  # noqa: E402

SRC_MAC = '02:00:00:00:fe:01'
DST_MAC = '02:00:00:00:fe:02'
SRC_IP = '198.51.100.7'
SRC_IP6 = '2001:db8:ffff::7'


def ether(vlan, prio=0):
    """Ethernet header; vlan None: untagged; above 4095: an 802.1ad S-tag
    (vlan >> 12) then a C-tag (vlan & 4095), as l3fwd-mim reads tenants."""
    e = Ether(src=SRC_MAC, dst=DST_MAC)
    if vlan is None:
        return e
    if vlan > 4095:
        return Ether(src=SRC_MAC, dst=DST_MAC, type=0x88a8) / \
            Dot1Q(vlan=vlan >> 12, prio=prio, type=0x8100) / \
            Dot1Q(vlan=vlan & 4095, prio=prio)
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


def ipv6(vlan, dst, flow, hlim=64, proto='udp', payload=b'', prio=0,
         **ip_fields):
    """One IPv6 frame as bytes (flow: the flow label, to tell frames
    apart)."""
    ip = IPv6(src=SRC_IP6, dst=dst, fl=flow & 0xfffff, hlim=hlim,
              **ip_fields)
    if proto == 'udp':
        l4 = UDP(sport=1024 + flow % 50000, dport=53)
    elif proto == 'tcp':
        l4 = TCP(sport=1024 + flow % 50000, dport=80, flags='S')
    else:
        l4 = ICMPv6EchoRequest(id=flow & 0xffff)
    return bytes(ether(vlan, prio) / ip / l4 / Raw(payload))


def interesting_addresses(prefixes):
    """For each prefix (IPv4 or IPv6): its first and last address, one
    inside and the neighbours just outside: where longest-prefix bugs
    show."""
    out = []
    for p in prefixes:
        net = ipaddress.ip_network(p)
        first, last = int(net.network_address), int(net.broadcast_address)
        top = (1 << net.max_prefixlen) - 1
        for a in (first, last, (first + last) // 2, first - 1, last + 1):
            if 0 <= a <= top:
                out.append(str(ipaddress.ip_address(
                    a.to_bytes(net.max_prefixlen // 8, 'big'))))
    return out


def random_frame6(rng, vlan, dsts6, flow):
    """An IPv6 frame: hop limits around the expiry edge, odd sizes,
    Ethernet padding."""
    if rng.random() < 0.8:
        dst = rng.choice(dsts6)
    else:
        dst = str(ipaddress.ip_address(rng.getrandbits(128).to_bytes(16,
                                                                     'big')))
    frame = ipv6(vlan, dst, flow, hlim=rng.choice((0, 1, 2, 3, 64, 64, 255)),
                 proto=rng.choice(('udp', 'tcp', 'icmp')),
                 payload=bytes(rng.getrandbits(8)
                               for _ in range(rng.randrange(0, 90))),
                 prio=rng.randrange(8), tc=rng.getrandbits(8))
    if rng.random() < 0.1:
        frame += bytes(rng.randrange(1, 20))   # Ethernet padding
    return frame


def random_frames(rng, vlans, dsts, count, ip_id_base):
    """count frames, IPv4 and IPv6 mixed (dsts of both families: about
    the IPv6 share of dsts is IPv6): tenants from vlans (None: untagged),
    addresses from dsts (or random), TTLs and hop limits around the expiry
    edge, options, odd sizes, Ethernet padding, now and then a bad IPv4
    header checksum."""
    dsts4 = [d for d in dsts if ':' not in d]
    dsts6 = [d for d in dsts if ':' in d]
    frames = []
    for i in range(count):
        vlan = rng.choice(vlans)
        if dsts6 and rng.random() < len(dsts6) / len(dsts):
            frames.append(random_frame6(rng, vlan, dsts6, ip_id_base + i))
            continue
        if rng.random() < 0.8:
            dst = rng.choice(dsts4)
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
    hdr = len(ether(vlan))
    i = ip_id_base
    frames = [
        # Not IPv4.
        bytes(ether(vlan) / ARP(hwsrc=SRC_MAC, psrc=SRC_IP, pdst=dst)),
        bytes(ether(None) / ARP(hwsrc=SRC_MAC, psrc=SRC_IP, pdst=dst)),
        bytes(ether(vlan) / Dot1Q(vlan=7) / IP(src=SRC_IP, dst=dst) / UDP()),
        # An S-tag without a C-tag, a C-tag then an S-tag.
        bytes(Ether(src=SRC_MAC, dst=DST_MAC, type=0x88a8) /
              Dot1Q(vlan=vlan or 1) / IP(src=SRC_IP, dst=dst) / UDP()),
        bytes(ether(vlan) / Dot1Q(vlan=3, type=0x88a8) /
              Dot1Q(vlan=7) / IP(src=SRC_IP, dst=dst) / UDP()),
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


def odd_frames6(vlan, unknown_vlan, dst, flow_base):
    """IPv6 frames at every check: truncated, not version 6, payload
    length beyond the frame, hop limit edges, unknown tenants. dst is
    routable for tenant vlan."""
    good = ipv6(vlan, dst, flow_base, payload=b'x' * 30)
    hdr = len(ether(vlan))
    f = flow_base
    bad_version = bytearray(ipv6(vlan, dst, f + 1))
    bad_version[hdr] = (4 << 4) | (bad_version[hdr] & 0xf)
    return [
        # Truncated inside the header, just at its end with a payload
        # length of 8, a payload cut short.
        good[:hdr + 1], good[:hdr + 39], good[:hdr + 40],
        good[:len(good) - 1],
        bytes(bad_version),
        ipv6(vlan, dst, f + 2, plen=300, payload=b'y' * 10),
        # Fine ones at the edges: hop limit 2 leaves with 1, a payload
        # length shorter than the frame (padding), no payload at all.
        ipv6(vlan, dst, f + 3, hlim=2),
        ipv6(vlan, dst, f + 4, plen=8, payload=b'z' * 12),
        bytes(ether(vlan) / IPv6(src=SRC_IP6, dst=dst, fl=f + 5, nh=59)),
        # Hop limit 1 and 0 expire; an unknown tenant's does not count
        # as expired.
        ipv6(vlan, dst, f + 6, hlim=1),
        ipv6(vlan, dst, f + 7, hlim=0),
        ipv6(unknown_vlan, dst, f + 8, hlim=1),
        ipv6(unknown_vlan, dst, f + 9),
    ]
