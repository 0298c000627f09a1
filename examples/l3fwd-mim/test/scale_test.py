#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""l3fwd-mim at scale: 10,000 tenants, each on private tables of its own
(a few IPv4 and IPv6 routes each), in EAL's -m 2048 without hugepages.
It must start, print what its tables take, forward a pcap through a
sample of the tenants (single- and double-tagged, both families) exactly
as the model says, count every frame, and exit cleanly with every table
released.

Usage: scale_test.py BINARY [--tenants N] [--keep]
"""

import argparse
import os
import random
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import l3fwd_test  # noqa: E402  (skips without scapy)
import model  # noqa: E402
import pcapfile  # noqa: E402
import traffic  # noqa: E402

Failure = l3fwd_test.Failure
NEXTHOPS = {i: (1 + i % 2, f'02:00:00:00:0b:{i:02x}', None) for i in range(8)}
SAMPLE = 200
EAL_MEMORY = '2048'
# The memory a tenant's two tables may take: a few routes each (the
# compact LPM's empty table is under 1 KiB, a route a few dozen bytes).
MAX_BYTES_PER_TENANT = 8192


def tenant_ids(n):
    """n tenant IDs: VLANs 1 to 4094, then double-tagged ones."""
    ids = list(range(1, min(n, 4094) + 1))
    t = 4096
    while len(ids) < n:
        if t & 4095 not in (0, 4095):
            ids.append(t)
        t += 1
    return ids


def tenant_routes(i):
    """Routes of the i-th tenant's table: its own prefixes, overlapping
    within the table, different next hops."""
    a, b = i >> 8 & 255, i & 255
    return [(f'10.{a}.{b}.0/24', i % 8), (f'10.{a}.{b}.128/25', (i + 1) % 8),
            (f'10.{a}.0.0/16', (i + 2) % 8),
            (f'2001:db8:{i:x}::/48', (i + 3) % 8),
            (f'2001:db8:{i:x}:1::/64', (i + 4) % 8)]


def scale_config(n):
    ids = tenant_ids(n)
    tenants = {t: f't{t}' for t in ids}
    tables = {f't{t}': tenant_routes(k) for k, t in enumerate(ids)}
    return model.Config(NEXTHOPS, tenants, tables), ids


def sample_frames(rng, ids):
    """Frames for a sample of tenants (the first, the last, the first
    double-tagged and random ones), to every route and to none; and the
    number of tenants."""
    pick = {ids[0], ids[-1], next((t for t in ids if t > 4095), ids[-1])}
    pick.update(rng.sample(ids, min(SAMPLE, len(ids))))
    frames, flow = [], 1
    for t in sorted(pick):
        k = ids.index(t)
        a, b = k >> 8 & 255, k & 255
        for dst in (f'10.{a}.{b}.7', f'10.{a}.{b}.200', f'10.{a}.77.1',
                    f'10.{(a + 1) & 255}.{b}.1'):
            frames.append(traffic.ipv4(t, dst, flow))
            flow += 1
        for dst in (f'2001:db8:{k:x}::9', f'2001:db8:{k:x}:1::9',
                    f'2001:db8:{k + 1:x}::9'):
            frames.append(traffic.ipv6(t, dst, flow))
            flow += 1
        frames.append(traffic.ipv6(t, f'2001:db8:{k:x}::9', flow, hlim=1))
        flow += 1
    rng.shuffle(frames)
    return frames, len(pick)


def test_scale(binary, workdir, n):
    rng = random.Random(10000)
    cfg, ids = scale_config(n)
    cfg.write(os.path.join(workdir, 'l3fwd.conf'))
    frames, nb_sampled = sample_frames(rng, ids)
    pcapfile.write(os.path.join(workdir, 'in0.pcap'), frames)
    # -m 2048 in place of the fwd tests' -m 1024.
    common = l3fwd_test.EAL_COMMON
    i = common.index('-m')
    l3fwd_test.EAL_COMMON = common[:i + 1] + [EAL_MEMORY] + common[i + 2:]
    eal = ['-l', '0-1',
           '--vdev=net_pcap0,rx_pcap=in0.pcap,tx_pcap=out0_q0.pcap',
           '--vdev=net_pcap1,tx_pcap=out1_q0.pcap',
           '--vdev=net_pcap2,tx_pcap=out2_q0.pcap']
    app = l3fwd_test.run_to_end(binary, workdir, eal,
                                ['-f', 'l3fwd.conf', '--config', '(0,0,1)',
                                 '--max-idle-ms', '300',
                                 '--stats-json', 'stats.json'])
    out = app.output()
    if f'l3fwd-mim: {n} tenants' not in out:
        raise Failure(f'not {n} tenants started')
    m = re.search(r'inner (\d+) \(([\d.]+) MiB, (\d+) bytes per tenant\)',
                  out)
    if m is None:
        raise Failure('no table memory line')
    per_tenant = int(m.group(3))
    if per_tenant > MAX_BYTES_PER_TENANT:
        raise Failure(f'{per_tenant} bytes per tenant, more than '
                      f'{MAX_BYTES_PER_TENANT}')

    mdl = model.Model(cfg, app.port_macs())
    counters, expected = model.Counters(), {}
    for idx, frame in enumerate(frames):
        v = mdl.forward(frame, 0)
        counters.add(frame, v)
        if v[0] == 'fwd':
            expected.setdefault(v[2], {}).setdefault(v[3], []).append(
                (0, idx))
    for reason in (model.DROP_NO_ROUTE, model.DROP_NO_ROUTE6,
                   model.DROP_HOP_LIMIT):
        if counters.drops[reason] == 0:
            raise Failure(f'test bug: no frame exercises drop {reason}')
    errors = l3fwd_test.check_outputs(workdir, expected, 3, 1, {0: frames},
                                      mdl)
    stats = l3fwd_test.read_stats(workdir)
    errors += counters.compare(stats)
    tables = stats['tables']
    # The two outer tables and two tables a tenant, none released yet.
    if tables['live'] != 2 + 2 * n or tables['released'] != \
            tables['created'] - tables['live']:
        errors.append(f'tables: {tables}, expected {2 + 2 * n} live')
    if errors:
        raise Failure('\n'.join(errors[:40]) +
                      f'\n({len(errors)} differences)')
    print(f'scale: {n} tenants on {2 * n} private tables, inner tables '
          f'{m.group(1)} bytes ({m.group(2)} MiB, {per_tenant} bytes a '
          f'tenant); {counters.forwarded} of {len(frames)} frames of '
          f'{nb_sampled} tenants forwarded as the model says')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('binary')
    ap.add_argument('--tenants', type=int, default=10000)
    ap.add_argument('--keep', action='store_true')
    a = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix='l3fwd-mim-scale-')
    ok = False
    try:
        test_scale(os.path.abspath(a.binary), workdir, a.tenants)
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
