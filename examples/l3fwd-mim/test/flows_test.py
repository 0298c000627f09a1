#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""l3fwd-mim --flows: the per-tenant flow tables, end to end on pcap ports.

Two forwarding lcores read two input ports; every flow's packets are
spread over both, so that each flow is counted in both lcores' copies.
Tenants (VLAN IDs) 10, 20 and 30 get IPv4 and IPv6 flows of UDP, TCP and
ICMP (no ports), two of them with four packets in the first burst, with packets that are forwarded, have no route or an
expiring TTL (all counted), and malformed ones (not counted); tenant 99 is
unknown (no flow table). /l3fwd/flows must show every flow of each tenant
with exactly the packets and bytes the model counts. Tenant 40 gets more
single-packet flows than its table holds: it must hold a full table and
count one eviction per flow beyond it (fewer evictions than spare value
objects, so that none waits for a grace period). No insert may fail.

Usage: flows_test.py BINARY [--keep]
"""

import argparse
import ipaddress
import json
import os
import random
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import model  # noqa: E402
import pcapfile  # noqa: E402
import telemetry  # noqa: E402

try:
    import traffic  # noqa: E402
    from l3fwd_test import NEXTHOPS, TABLES, App, Failure  # noqa: E402
except ImportError as e:
    print(f'SKIP: {e}: install python3-scapy (apt-get install python3-scapy)')
    sys.exit(77)

CAPACITY = 256
EVICT_TENANT = 40
# Evictions (EVICT_FLOWS - CAPACITY) within the table's spare value
# objects (CAPACITY / 4): evicted flows' objects wait for both lcores'
# quiescent states, and the lcores share a CPU, so that one of them may
# be descheduled online while the other evicts.
EVICT_FLOWS = 300
TENANTS = {10: 'red', 20: 'blue', 30: 'red', EVICT_TENANT: 'green'}
PROTO = {'udp': 17, 'tcp': 6, 'icmp': 1, 'icmp6': 58}


def frame(vlan, v6, src, dst, proto, sport, dport, ttl, size, ip_id):
    ip = traffic.IPv6(src=src, dst=dst, hlim=ttl) if v6 else \
        traffic.IP(src=src, dst=dst, ttl=ttl, id=ip_id)
    if proto == 'udp':
        l4 = traffic.UDP(sport=sport, dport=dport)
    elif proto == 'tcp':
        l4 = traffic.TCP(sport=sport, dport=dport, flags='A')
    elif v6:
        l4 = traffic.ICMPv6EchoRequest(id=ip_id & 0xffff)
    else:
        l4 = traffic.ICMP(type=8, id=ip_id & 0xffff)
    return bytes(traffic.ether(vlan) / ip / l4 / traffic.Raw(b'x' * size))


def make_traffic(rng):
    """Frames (shuffled), each with the flow key the model expects or
    None, and the key's wanted packets and bytes."""
    dsts = {False: ['10.1.2.130', '10.1.2.200', '11.0.0.1', '192.168.1.1'],
            True: ['2001:db8:1:2::82', '2001:db8:1:2::c8', 'fd00::1',
                   '3fff::1']}
    frames, ip_id = [], 1
    for tenant in (10, 20, 30, 99):
        for n in range(12):
            v6 = n % 2 == 1
            proto = ('udp', 'tcp', 'icmp')[n % 3]
            src = f'2001:db8:ff:{tenant}::{n + 1}' if v6 else \
                f'198.51.{tenant}.{n + 1}'
            dst = dsts[v6][n % 4]
            sport, dport = 1000 + n, 53 + tenant
            for _ in range(rng.randint(1, 9)):
                ttl = 1 if rng.random() < 0.1 else 64
                frames.append(frame(tenant, v6, src, dst, proto, sport,
                                    dport, ttl, rng.randint(0, 300), ip_id))
                ip_id += 1
        # Malformed (a bad IPv4 checksum): not a flow's packet.
        frames.append(traffic.ipv4(tenant, '10.1.2.130', ip_id, chksum=1))
        ip_id += 1
    for n in range(EVICT_FLOWS):
        frames.append(frame(EVICT_TENANT, n % 2 == 1,
                            f'2001:db8:40::{n + 1:x}' if n % 2 else
                            f'198.18.{n // 250}.{n % 250 + 1}',
                            '2001:db8:1:2::c8' if n % 2 else '10.1.2.130',
                            'udp', 2000 + n, 9, 64, 10, ip_id))
        ip_id += 1
    rng.shuffle(frames)
    return frames


def flow_of(frm, verdict):
    """(tenant, family, proto, src, sport, dst, dport), or None when the
    packet is no flow's (the model gives it no tenant)."""
    if verdict[1] is None:
        return None
    p = traffic.Ether(frm)
    ip = p.getlayer(traffic.IPv6) or p.getlayer(traffic.IP)
    v6 = ip.version == 6
    proto = ip.nh if v6 else ip.proto
    sport = dport = 0
    if proto in (6, 17):
        sport, dport = ip.payload.sport, ip.payload.dport
    return (verdict[1], 6 if v6 else 4, proto,
            ipaddress.ip_address(ip.src), sport,
            ipaddress.ip_address(ip.dst), dport)


def wait_rx(tel, app, total):
    deadline = time.monotonic() + 20
    while tel.cmd('/l3fwd/stats')['rx'] < total:
        if app.proc.poll() is not None or time.monotonic() > deadline:
            raise Failure('traffic stopped:\n' + app.output())
        time.sleep(0.01)


def shown(reply, tenant):
    got = {}
    for i in range(reply['shown']):
        f = reply[f'flow_{i}']
        key = (tenant, f['family'], f['proto'], ipaddress.ip_address(f['src']),
               f['sport'], ipaddress.ip_address(f['dst']), f['dport'])
        got[key] = (f['packets'], f['bytes'])
    return got


def check(binary, workdir):
    rng = random.Random(55)
    cfg = model.Config(NEXTHOPS, TENANTS, TABLES)
    cfg.write(os.path.join(workdir, 'l3fwd.conf'))
    frames = make_traffic(rng)
    split = {0: [], 1: []}
    for f in frames:
        split[rng.randrange(2)].append(f)
    # A new flow's packets in one burst: all miss the lookup, the first
    # is inserted, the others find it inserted (-EEXIST) and count in it.
    split[0][:0] = [frame(20, v6, src, dst, 'udp', 7, 7, 64, 50, 60000 + i)
                    for v6, src, dst in ((False, '198.51.20.99', '10.1.2.1'),
                                         (True, '2001:db8:ff:20::99',
                                          'fd00::7'))
                    for i in range(4)]
    frames = split[0] + split[1]
    for p in (0, 1):
        pcapfile.write(os.path.join(workdir, f'in{p}.pcap'), split[p])
    eal = ['--lcores', '0@0,1@1,2@1']
    for p in range(3):
        rx = f'rx_pcap=in{p}.pcap,' if p < 2 else ''
        eal.append(f'--vdev=net_pcap{p},{rx}tx_pcap=out{p}_q0.pcap,'
                   f'tx_pcap=out{p}_q1.pcap')
    app = App(binary, workdir, eal,
              ['-f', 'l3fwd.conf', '--config', '(0,0,1),(1,0,2)',
               '--flows', str(CAPACITY)])
    replies = {}
    try:
        app.wait_ready()
        tel = telemetry.Telemetry(app.prefix,
                                  alive=lambda: app.proc.poll() is None)
        wait_rx(tel, app, len(frames))
        stats = tel.cmd('/l3fwd/stats')
        for t in list(TENANTS) + [99]:
            replies[t] = tel.cmd(f'/l3fwd/flows,{t}')
        tel.close()
    finally:
        rc = app.finish(stop=True)
    print(app.output())
    if rc != 0:
        raise Failure(f'l3fwd-mim exited with {rc}')

    print('/l3fwd/flows,10: ' + json.dumps(replies[10])[:400] + ' ...')
    mdl = model.Model(cfg, app.port_macs())
    want = {}
    for p in (0, 1):
        for f in split[p]:
            key = flow_of(f, mdl.forward(f, p))
            if key is not None:
                pk, by = want.get(key, (0, 0))
                want[key] = (pk + 1, by + len(f))
    errors = []
    for t in (10, 20, 30):
        r = replies[t]
        w = {k: v for k, v in want.items() if k[0] == t}
        if r['status'] != 'ok' or r['flows'] != len(w) or \
                r['evictions'] != 0 or r['capacity'] != CAPACITY:
            errors.append(f'tenant {t}: {r}, expected {len(w)} flows')
        got = shown(r, t)
        for k in sorted(set(w) | set(got), key=str):
            if got.get(k) != w.get(k):
                errors.append(f'flow {k}: {got.get(k)}, expected {w.get(k)}')
        counts = [r[f'flow_{i}']['packets'] for i in range(r['shown'])]
        if counts != sorted(counts, reverse=True):
            errors.append(f'tenant {t}: not by packets: {counts}')
    r = replies[EVICT_TENANT]
    if r['status'] != 'ok' or r['flows'] != CAPACITY or \
            r['evictions'] != EVICT_FLOWS - CAPACITY or \
            r['shown'] != 16 or \
            any(r[f'flow_{i}']['packets'] != 1 for i in range(16)):
        errors.append(f'tenant {EVICT_TENANT}: {r}, expected {CAPACITY} '
                      f'flows, {EVICT_FLOWS - CAPACITY} evictions')
    if replies[99]['status'] != 'no flow table':
        errors.append(f'tenant 99: {replies[99]}')
    learned = len(want)  # no flow comes back after its eviction
    if stats['flows_failed'] != 0 or stats['flows_learned'] != learned:
        errors.append(f'learned {stats["flows_learned"]} (expected '
                      f'{learned}), failed {stats["flows_failed"]}')
    if errors:
        raise Failure('\n'.join(errors[:40]))
    print(f'flows: {len(want)} flows of {len(frames)} frames counted '
          f'exactly on two lcores; {EVICT_FLOWS - CAPACITY} evictions')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('binary')
    ap.add_argument('--keep', action='store_true')
    a = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix='l3fwd-mim-flows-')
    ok = False
    try:
        check(os.path.abspath(a.binary), workdir)
        ok = True
    except Failure as e:
        print(f'FAIL: {e}', file=sys.stderr)
    finally:
        if a.keep or not ok:
            print(f'work directory kept: {workdir}')
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
