#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Forwarding benchmark of l3fwd-mim: packets per second
with 1 tenant and with many tenants, against the same loop on one LPM
table (--baseline-lpm), side by side.

Input: a pcap of VLAN-tagged IPv4/UDP (--ipv6: IPv6/UDP) frames looped
from memory by net_pcap (infinite_rx=1) on port 0; every frame is routed
and leaves on port 1, a net_null port (frames freed, no copy). One forwarding lcore
(lcore 1); the main lcore (0) only reclaims and stops the run. Each run
lasts --duration-ms; its rate is forwarded frames over the forwarding
loop's TSC time (l3fwd-mim's --stats-json).

Configurations, all on the same packets in the same order:
  one       1 tenant (VLAN 1) in the outer table, its LPM table
  many K    --tenants tenants (VLANs 1..N, each frame's drawn uniformly)
            over K inner LPM tables (tenant v uses table v % K; K = N:
            each tenant on its own table). K = --tables
            (the judged figure) and each of --diag-tables (diagnostics:
            with K = 1 only the outer level and per-tenant counters
            differ from the baseline)
  baseline  the many-tenant traffic and file with --baseline-lpm: every
            frame looked up in one mapinmap LPM table with
            mim_lookup_bulk(), tenant ignored
  flows     with --flows N: many --tables with l3fwd-mim's --flows N (every
            tenant's flows counted in its LRU flow table), the cost of the
            flow tables side by side with many --tables without them
Rounds run each configuration once, from a rotating start; a value is the
median over rounds, a ratio the median of the per-round ratios.

Writes CSV rows (doc/perf/results.csv's columns, figure "forwarding",
and the run's metadata as "meta" rows of inner "forwarding") and prints
every run. Each run's counters are checked (every frame received
was forwarded, none dropped, the tenants seen): a broken run fails the
benchmark; the timing is never judged here.

Usage: fwd_bench.py BINARY --csv OUT [--eal '...'] [options]
"""

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'test'))

from telemetry import runtime_dir  # noqa: E402

try:
    import workload  # noqa: E402
except ImportError as e:
    # meson shows 77 as SKIP.
    print(f'SKIP: {e}: install python3-scapy (apt-get install python3-scapy)')
    sys.exit(77)

TARGET = 0.90
BASELINE_TABLE = workload.table_name(0)
CSV_HEADER = ('figure,inner,entries,tenants,dist,variant,value,unit,'
              'baseline,ratio,target,verdict,note')
EAL_DEFAULT = '--no-huge -m 2048 --no-pci'


class Failure(Exception):
    pass


def run_once(a, workdir, name, conf, pcap, extra, seq, expect_tenants):
    prefix = f'fwdbench{os.getpid()}_{seq}'
    stats = os.path.join(workdir, f'{name}.json')
    cmd = [a.binary] + shlex.split(a.eal) + [
        '-l', '0-1', f'--file-prefix={prefix}',
        '--log-level=lib.eal:warning', '--log-level=lib.telemetry:warning',
        '--log-level=pmd.net.pcap:error',
        f'--vdev=net_pcap0,rx_pcap={pcap},infinite_rx=1',
        '--vdev=net_null0',
        '--', '-f', conf, '--config', '(0,0,1)',
        '--duration-ms', str(a.duration_ms), '--stats-json', stats,
        '--extra-mbufs', str(a.packets + 1024)] + extra
    if seq == 0:
        print('$ ' + ' '.join(cmd), flush=True)
    try:
        p = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True,
                           timeout=a.duration_ms / 1000 + 300)
    except subprocess.TimeoutExpired as e:
        raise Failure(f'{name}: l3fwd-mim did not stop') from e
    finally:
        shutil.rmtree(runtime_dir(prefix), ignore_errors=True)
    if p.returncode != 0:
        raise Failure(f'{name}: l3fwd-mim exited with {p.returncode}:\n'
                      f'{p.stdout}\n{p.stderr}')
    with open(stats) as f:
        s = json.load(f)
    # Every frame of the pcap is routed: anything else is a broken run.
    errors = []
    mode = 'baseline' if '--baseline-lpm' in extra else 'nested'
    if s.get('lookup') != mode:
        errors.append(f'lookup {s.get("lookup")}, expected {mode}')
    if s['rx'] == 0 or s['forwarded'] != s['rx'] or s['tx_dropped'] != 0 \
            or any(s['drops'].values()):
        errors.append(f'rx {s["rx"]}, forwarded {s["forwarded"]}, '
                      f'tx_dropped {s["tx_dropped"]}, drops {s["drops"]}')
    if len(s['tenants']) != expect_tenants:
        errors.append(f'{len(s["tenants"])} tenants counted, expected '
                      f'{expect_tenants}')
    if s['elapsed_tsc'] <= 0 or s['tsc_hz'] <= 0:
        errors.append(f'elapsed_tsc {s["elapsed_tsc"]}, tsc_hz '
                      f'{s["tsc_hz"]}')
    if errors:
        raise Failure(f'{name}: ' + '; '.join(errors) + '\n' + p.stdout)
    sec = s['elapsed_tsc'] / s['tsc_hz']
    return s['forwarded'] / sec, sec, s


def loadavg():
    with open('/proc/loadavg') as f:
        return ' '.join(f.read().split()[:3])


def meta_rows(a, start, load_before):
    """The run's metadata: what ran, with which sizes, when."""
    huge = 0 if '--no-huge' in shlex.split(a.eal) else 1
    rows = [('date', '', '', start), ('commit', '', '', a.commit),
            ('hugepages', huge, 'bool',
             'EAL memory on hugepages' if huge else '--no-huge'),
            ('eal', '', '', f'{a.eal} -l 0-1 (main 0; forwarding lcore 1)'),
            ('rounds', a.rounds, 'count', 'rounds of every configuration'),
            ('duration_ms', a.duration_ms, 'ms', 'length of one run'),
            ('tenants', a.tenants, 'count', 'tenants of the many-tenant runs'),
            ('tables', a.tables, 'count', 'inner LPM tables of the tenants'),
            ('diag_tables', '', '', a.diag_tables or 'none'),
            ('routes', a.routes, 'count', 'routes per table'),
            ('packets', a.packets, 'count', 'frames in the looped pcap'),
            ('family', 6 if a.ipv6 else 4, 'ip', 'routes and traffic'),
            ('load_before', '', '', load_before),
            ('load_after', '', '', loadavg())]
    return [','.join(str(x) for x in (
        'meta', 'forwarding', 0, 0, '', key, value, unit, '', '', '', 'info',
        text.replace(',', ';').replace('"', "'")))
        for key, value, unit, text in rows]


def quartiles(v):
    if len(v) < 4:
        return min(v), max(v)
    q = statistics.quantiles(v, n=4)
    return q[0], q[2]


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('binary')
    ap.add_argument('--csv', required=True, help='CSV rows out (-: stdout)')
    ap.add_argument('--eal', default=EAL_DEFAULT,
                    help=f'EAL memory options (default "{EAL_DEFAULT}"); '
                    '-l, --file-prefix and the vdevs are added')
    ap.add_argument('--rounds', type=int, default=7)
    ap.add_argument('--duration-ms', type=int, default=5000)
    ap.add_argument('--tenants', type=int, default=1000)
    ap.add_argument('--tables', type=int, default=32,
                    help='distinct inner LPM tables of the tenants (the '
                    'judged figure; = --tenants: a private table each)')
    ap.add_argument('--diag-tables', default='1',
                    help='comma-separated table counts run as diagnostics '
                    '(default 1; "" for none)')
    ap.add_argument('--routes', type=int, default=4096,
                    help='routes per table')
    ap.add_argument('--packets', type=int, default=16384,
                    help='frames in the pcap (looped)')
    ap.add_argument('--ipv6', action='store_true',
                    help='IPv6 routes and traffic instead of IPv4')
    ap.add_argument('--flows', type=int, default=0,
                    help='also run many --tables with l3fwd-mim --flows N')
    ap.add_argument('--note', default='', help='appended to every row note')
    ap.add_argument('--commit', default='unknown',
                    help='the source\'s commit, recorded in the metadata')
    ap.add_argument('--keep', action='store_true',
                    help='keep the work directory')
    a = ap.parse_args()
    a.binary = os.path.abspath(a.binary)
    diag = [int(x) for x in a.diag_tables.split(',') if x.strip()]
    counts = [a.tables] + [k for k in diag if k != a.tables]
    if not all(1 <= k <= a.tenants <= 4095 for k in counts):
        ap.error('need 1 <= tables <= --tenants <= 4095')

    start = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
    load_before = loadavg()
    workdir = tempfile.mkdtemp(prefix='l3fwd-mim-bench-')
    ok = False
    try:
        t0 = time.monotonic()
        w = workload.write(workdir, a.tenants, counts, a.routes, a.packets,
                           v6=a.ipv6)
        print(f'workload: {w}, tables {counts} '
              f'({time.monotonic() - t0:.1f} s to write)', flush=True)
        nt = w['tenants_seen']
        # name, configuration file, pcap, extra options, tenants counted
        configs = [('one', 'one.conf', 'one.pcap', [], 1)]
        for k in sorted(counts):
            configs.append((f'many_{k}tbl', workload.many_conf(k),
                            'many.pcap', [], nt))
        configs.append(('baseline', workload.many_conf(a.tables),
                        'many.pcap', ['--baseline-lpm', BASELINE_TABLE], 1))
        if a.flows:
            configs.append(('flows', workload.many_conf(a.tables),
                            'many.pcap', ['--flows', str(a.flows)], nt))
        pps = {c[0]: [] for c in configs}
        seq = 0
        for r in range(a.rounds):
            load = open('/proc/loadavg').read().split()[0]
            for j in range(len(configs)):
                name, conf, pcap, extra, ntc = \
                    configs[(r + j) % len(configs)]
                v, sec, s = run_once(a, workdir, name, conf, pcap, extra,
                                     seq, ntc)
                seq += 1
                pps[name].append(v)
                learn = f'; flows learned {s["flows_learned"]}, failed ' \
                    f'{s["flows_failed"]}' if name == 'flows' else ''
                print(f'round {r} (load {load}): {name:12s} {v / 1e6:8.3f} '
                      f'Mpps over {sec:.3f} s{learn}', flush=True)
        ratio = {n: [x / b for x, b in zip(v, pps['baseline'])]
                 for n, v in pps.items() if n != 'baseline'}
        many = f'many_{a.tables}tbl'
        if a.flows:
            ratio['flows_vs_many'] = [x / b for x, b in
                                      zip(pps['flows'], pps[many])]
        med = {n: statistics.median(v) for n, v in pps.items()}
        rmed = {n: statistics.median(v) for n, v in ratio.items()}
        common = (f'median of {a.rounds} rounds of {a.duration_ms} ms; '
                  f'net_pcap infinite_rx ({w["packets"]} VLAN '
                  f'{"IPv6" if a.ipv6 else "IPv4"}/UDP '
                  f'{workload.FRAME_LEN6 if a.ipv6 else workload.FRAME_LEN} '
                  f'B frames) to net_null; one '
                  f'forwarding lcore; {w["routes"]} routes per table')
        if a.note:
            common += '; ' + a.note
        rows = []

        def row(tenants, variant, value, base, rt, target, verdict, note):
            rows.append(','.join(str(x) for x in (
                'forwarding', 'lpm6' if a.ipv6 else 'lpm', w['routes'],
                tenants, 'uniform',
                variant, f'{value / 1e6:.4g}', 'Mpps', base,
                '' if rt is None else f'{rt:.4g}', target, verdict,
                # As mim-bench's CSV: no quoting, free text cleaned.
                note.replace(',', ';').replace('"', "'"))))

        def iqr(n):
            lo, hi = quartiles(ratio[n])
            return f'ratio IQR {lo:.3f}-{hi:.3f}; '

        row(1, 'mim_nested_1tbl', med['one'], 'single_lpm', rmed['one'], '',
            'info', '1 tenant: its outer ARRAY_OF_TABLES slot then its LPM '
            'table (mim_lookup_nested_bulk); ' + iqr('one') + common)
        for k in sorted(counts):
            n = f'many_{k}tbl'
            judged = k == a.tables
            what = (f'{nt} tenants in {a.tenants} outer slots over {k} '
                    f'inner LPM table{"s" if k > 1 else ""}')
            if judged:
                what += ((' (each on its own table)' if k == a.tenants
                          else '') + '; per-tenant counters; ')
            elif k == 1:
                what += (' (diagnostic: one table\'s footprint as the '
                         'baseline; only the outer level and per-tenant '
                         f'counters of {nt} tenants differ); ')
            else:
                what += f' (diagnostic: {k} tables\' footprint); '
            row(nt, f'mim_nested_{k}tbl', med[n], 'single_lpm', rmed[n],
                f'>={TARGET:.2f}x single_lpm' if judged else '',
                ('met' if rmed[n] >= TARGET else 'MISSED') if judged
                else 'info', what + iqr(n) + common)
        if a.flows:
            row(nt, f'mim_nested_{a.tables}tbl_flows', med['flows'],
                f'mim_nested_{a.tables}tbl', rmed['flows_vs_many'], '',
                'info', f'{many} with --flows {a.flows}: each frame also '
                'looked up (nested bulk) and counted in its tenant\'s LRU '
                'flow table; ratio to the same run without --flows; ' +
                iqr('flows_vs_many') + common)
        row(1, 'single_lpm', med['baseline'], '', None, '', 'info',
            'baseline: --baseline-lpm: mim_lookup_bulk() on one mapinmap '
            'LPM table instead of the nested lookup; the rest of the loop '
            'unchanged; tenant ignored; many-tenant traffic; ' + common)
        rows += meta_rows(a, start, load_before)
        text = CSV_HEADER + '\n' + '\n'.join(rows) + '\n'
        if a.csv == '-':
            print(text)
        else:
            with open(a.csv, 'w') as f:
                f.write(text)
        print(f'\nforwarding, Mpps (median of {a.rounds} rounds):')
        if a.flows:
            print(f'  flows / {many}: {rmed["flows_vs_many"]:.3f}')
        for n in pps:
            lo, hi = quartiles(pps[n])
            print(f'  {n:12s} {med[n] / 1e6:8.3f}  (IQR {lo / 1e6:.3f}-'
                  f'{hi / 1e6:.3f})' +
                  (f'  ratio to baseline {rmed[n]:.3f}' if n in rmed
                   else ''))
        judged = f'many_{a.tables}tbl'
        print(f'target: {judged} >= {TARGET:.2f}x baseline: '
              f'{"met" if rmed[judged] >= TARGET else "MISSED"}')
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
