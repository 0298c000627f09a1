# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""An independent model of l3fwd-mim's forwarding decision, written from
the README's description, not from the C code: where a frame must leave
and exactly which bytes it must carry, or why it must be dropped.

It also writes the configuration file, so that the application and the
model start from the same description (a Config object)."""

import ipaddress
import os
import struct

DROP_MALFORMED = 'malformed'
DROP_NOT_IP = 'not_ip'
DROP_UNKNOWN_TENANT = 'unknown_tenant'
DROP_TTL_EXPIRED = 'ttl_expired'
DROP_NO_ROUTE = 'no_route'
DROP_MALFORMED6 = 'malformed_ipv6'
DROP_HOP_LIMIT = 'hop_limit_expired'
DROP_NO_ROUTE6 = 'no_route_ipv6'
DROP_REASONS = (DROP_MALFORMED, DROP_NOT_IP, DROP_UNKNOWN_TENANT,
                DROP_TTL_EXPIRED, DROP_NO_ROUTE, DROP_MALFORMED6,
                DROP_HOP_LIMIT, DROP_NO_ROUTE6)



def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(':'))


class Config:
    """Next hops {id: (port, dst_mac, src_mac or None)}, tenants
    {tenant: table}, tables {table: [(prefix 'a.b.c.d/n' or an IPv6
    prefix, nexthop)]}."""

    def __init__(self, nexthops, tenants, tables):
        self.nexthops = dict(nexthops)
        self.tenants = dict(tenants)
        self.tables = {k: list(v) for k, v in tables.items()}

    def text(self):
        lines = ['# written by the l3fwd-mim tests']
        for i, (port, dst, src) in sorted(self.nexthops.items()):
            lines.append(f'N{i} {port} {dst}' + (f' {src}' if src else ''))
        for t, name in sorted(self.tenants.items()):
            lines.append(f'T{t} {name}')
        for name, routes in sorted(self.tables.items()):
            for prefix, nh in routes:
                lines.append(f'R{prefix} {nh} {name}')
        return '\n'.join(lines) + '\n'

    def write(self, path):
        # Readers (a reload) see the old file or the new one, whole.
        tmp = path + '.tmp'
        with open(tmp, 'w') as f:
            f.write(self.text())
        os.replace(tmp, path)


def ones_complement_sum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack(f'!{len(data) // 2}H', data))
    while s > 0xffff:
        s = (s & 0xffff) + (s >> 16)
    return s


def ipv4_checksum(header):
    """Checksum of an IPv4 header whose checksum field is zero."""
    return ~ones_complement_sum(header) & 0xffff


class Model:
    """baseline: the table of --baseline-lpm: every IPv4 frame is routed
    by it whatever its tenant, and counted as the lowest tenant bound to
    it."""

    def __init__(self, config, port_macs, tenant_by_port=False,
                 baseline=None):
        self.cfg = config
        self.port_macs = {p: mac_bytes(m) for p, m in port_macs.items()}
        self.by_port = tenant_by_port
        self.baseline = baseline
        if baseline is not None:
            self.baseline_tenant = min(t for t, name in
                                       config.tenants.items()
                                       if name == baseline)
        self.routes = {}
        for name, routes in config.tables.items():
            self.routes[name] = [(ipaddress.ip_network(p), nh)
                                 for p, nh in routes]

    def lookup(self, table, dst):
        """Longest prefix match, by brute force (dst: 4 or 16 bytes; a
        prefix of the other family never matches)."""
        best, best_len = None, -1
        addr = ipaddress.ip_address(dst)
        for net, nh in self.routes.get(table, []):
            if net.version == addr.version and addr in net and \
                    net.prefixlen > best_len:
                best, best_len = nh, net.prefixlen
        return best

    def l2(self, frame, in_port):
        """(tenant, EtherType, network header offset), or None if the
        frame ends inside its tags. An S-tag (0x88a8) counts only when a
        C-tag (0x8100) follows it; tags past those are not looked at."""
        n = len(frame)
        if n < 14:
            return None
        etype = struct.unpack_from('!H', frame, 12)[0]
        l2, vid = 14, 0
        if etype == 0x88a8:
            if n < 18:
                return None
            etype = struct.unpack_from('!H', frame, 16)[0]
            l2 = 18
            if etype != 0x8100:
                return (None, etype, l2)
            vid = (struct.unpack_from('!H', frame, 14)[0] & 0x0fff) << 12
        if etype == 0x8100:
            if n < l2 + 4:
                return None
            vid |= struct.unpack_from('!H', frame, l2)[0] & 0x0fff
            etype = struct.unpack_from('!H', frame, l2 + 2)[0]
            l2 += 4
        return (in_port if self.by_port else vid, etype, l2)

    def route(self, tenant):
        """(table, tenant counted) or None: unknown tenant."""
        if self.baseline is not None:
            return self.baseline, self.baseline_tenant
        table = self.cfg.tenants.get(tenant)
        return None if table is None else (table, tenant)

    def rewrite(self, frame, nh):
        port, dmac, smac = self.cfg.nexthops[nh]
        out = bytearray(frame)
        out[0:6] = mac_bytes(dmac)
        out[6:12] = mac_bytes(smac) if smac else self.port_macs[port]
        return port, out

    def forward6(self, frame, tenant, l2):
        n = len(frame)
        if n - l2 < 40 or frame[l2] >> 4 != 6:
            return ('drop', None, DROP_MALFORMED6)
        plen = struct.unpack_from('!H', frame, l2 + 4)[0]
        if plen > n - l2 - 40:
            return ('drop', None, DROP_MALFORMED6)
        r = self.route(tenant)
        if r is None:
            return ('drop', None, DROP_UNKNOWN_TENANT)
        table, tenant = r
        hlim = frame[l2 + 7]
        if hlim <= 1:
            return ('drop', tenant, DROP_HOP_LIMIT)
        nh = self.lookup(table, bytes(frame[l2 + 24:l2 + 40]))
        if nh is None:
            return ('drop', tenant, DROP_NO_ROUTE6)
        port, out = self.rewrite(frame, nh)
        out[l2 + 7] = hlim - 1
        return ('fwd', tenant, port, bytes(out))

    def forward(self, frame, in_port):
        """('fwd', tenant, out_port, out_bytes) or ('drop', tenant|None,
        reason)."""
        n = len(frame)
        hdr = self.l2(frame, in_port)
        if hdr is None:
            return ('drop', None, DROP_MALFORMED)
        tenant, etype, l2 = hdr
        if etype == 0x86dd and tenant is not None:
            return self.forward6(frame, tenant, l2)
        if etype != 0x0800 or tenant is None:
            return ('drop', None, DROP_NOT_IP)
        if n - l2 < 20:
            return ('drop', None, DROP_MALFORMED)
        version, ihl = frame[l2] >> 4, (frame[l2] & 0xf) * 4
        if version != 4 or ihl < 20 or n - l2 < ihl:
            return ('drop', None, DROP_MALFORMED)
        total = struct.unpack_from('!H', frame, l2 + 2)[0]
        if total < ihl or total > n - l2:
            return ('drop', None, DROP_MALFORMED)
        if ones_complement_sum(frame[l2:l2 + ihl]) != 0xffff:
            return ('drop', None, DROP_MALFORMED)
        r = self.route(tenant)
        if r is None:
            return ('drop', None, DROP_UNKNOWN_TENANT)
        table, tenant = r
        ttl = frame[l2 + 8]
        if ttl <= 1:
            return ('drop', tenant, DROP_TTL_EXPIRED)
        dst = bytes(frame[l2 + 16:l2 + 20])
        nh = self.lookup(table, dst)
        if nh is None:
            return ('drop', tenant, DROP_NO_ROUTE)
        port, out = self.rewrite(frame, nh)
        out[l2 + 8] = ttl - 1
        out[l2 + 10:l2 + 12] = b'\0\0'
        out[l2 + 10:l2 + 12] = struct.pack(
            '!H', ipv4_checksum(bytes(out[l2:l2 + ihl])))
        return ('fwd', tenant, port, bytes(out))


def is_ipv6(frame):
    """A forwarded frame's family: its last EtherType before the header."""
    off = 12
    while struct.unpack_from('!H', frame, off)[0] in (0x8100, 0x88a8):
        off += 4
    return struct.unpack_from('!H', frame, off)[0] == 0x86dd


class Counters:
    """What the application's --stats-json must say."""

    def __init__(self):
        self.rx = 0
        self.forwarded = 0
        self.forwarded6 = 0
        self.drops = {r: 0 for r in DROP_REASONS}
        self.tenants = {}

    def add(self, frame, verdict):
        self.rx += 1
        tenant = verdict[1]
        if tenant is not None:
            t = self.tenants.setdefault(
                tenant, {'packets': 0, 'bytes': 0, 'dropped': 0})
        if verdict[0] == 'fwd':
            self.forwarded += 1
            self.forwarded6 += is_ipv6(verdict[3])
            t['packets'] += 1
            t['bytes'] += len(frame)
        else:
            self.drops[verdict[2]] += 1
            if tenant is not None:
                t['dropped'] += 1

    def compare(self, stats):
        """Differences with the application's JSON statistics."""
        errors = []
        for key, want in (('rx', self.rx), ('forwarded', self.forwarded),
                          ('forwarded_ipv6', self.forwarded6),
                          ('tx_dropped', 0)):
            if stats[key] != want:
                errors.append(f'{key}: {stats[key]}, expected {want}')
        for r in DROP_REASONS:
            if stats['drops'][r] != self.drops[r]:
                errors.append(f'drops {r}: {stats["drops"][r]}, '
                              f'expected {self.drops[r]}')
        got = {int(k): v for k, v in stats['tenants'].items()}
        for t in sorted(set(got) | set(self.tenants)):
            if got.get(t) != self.tenants.get(t):
                errors.append(f'tenant {t}: {got.get(t)}, '
                              f'expected {self.tenants.get(t)}')
        return errors
