#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Turn the benchmarks' CSV into doc/perf/README.md and its charts.

The CSV (doc/perf/results.csv) has one row per figure, as mim-bench
(figures lookup, kernel, limit, publish, reclaim, memory) and
examples/l3fwd-mim/bench/fwd_bench.py (figure forwarding) write it, and
the LPM rows (figures lpm_memory, lpm_lookup, lpm_update, lpm_scale),
"meta" rows that describe each part's run (inner column "suite" or
"forwarding"). Every number in the report is copied from the CSV as it
is; the only ones computed here are how far a missed target was missed.
A verdict that contradicts its own row's value is an error.

  perf_report.py CSV --merge NEW.csv   NEW's parts replace CSV's rows of
                                       the same parts; the others stay
  perf_report.py CSV --out DIR         write DIR/README.md and the charts
  perf_report.py CSV --out DIR --check README.md
                                       also fail if README.md differs

Charts need python3-matplotlib (Debian); without it only README.md is
written. The prose is doc/perf/analysis.md, written by hand.
"""

import argparse
import csv
import difflib
import os
import re
import sys
import textwrap

COLUMNS = ('figure,inner,entries,tenants,dist,variant,value,unit,baseline,'
           'ratio,target,verdict,note').split(',')
CHARTS = (('lookup ratio', 'lookup_ratio.png'),
          ('lookup cycles, uniform', 'lookup_cycles_uniform.png'),
          ('lookup cycles, Zipf', 'lookup_cycles_zipf.png'),
          ('publish', 'publish.png'), ('reclamation', 'reclaim.png'),
          ('memory', 'memory.png'), ('forwarding', 'forwarding.png'))
LOOKUP_VARIANTS = (
    'flat_bulk', 'flat_single', 'tenant_hash_bulk', 'tenant_hash_single',
    'mim_aot_hash_bulk', 'mim_hot_hash_bulk', 'mim_aot_hash_single',
    'mim_hot_hash_single', 'tenant_lpm_bulk', 'tenant_lpm_single',
    'mim_aot_lpm_bulk', 'mim_aot_lpm_single', 'whatif_xt_nested_bulk',
    'whatif_xt_flat_bulk')
META_LABELS = {
    'date': 'date', 'commit': 'commit', 'cpu': 'CPU', 'cpus': 'CPUs',
    'caches': 'caches', 'hypervisor': 'hypervisor', 'kernel': 'kernel',
    'dpdk': 'DPDK', 'libbpf': 'libbpf', 'compiler': 'compiler',
    'buildtype': 'meson buildtype', 'hugepages': 'hugepages',
    'cmdline': 'command line', 'eal': 'EAL', 'tsc_hz': 'TSC',
    'lcores': 'EAL lcores', 'scale': 'scale',
    'rounds': 'rounds', 'lookups': 'keys per timed lookup pass',
    'reps': 'replacement repetitions', 'duration_ms': 'one run',
    'tenants': 'tenants', 'tables': 'shared inner tables',
    'diag_tables': 'diagnostic table counts', 'routes': 'routes per table',
    'packets': 'frames in the pcap',
    'load_before': 'load average before (1/5/15 min)',
    'load_after': 'load average after'}
# The kernel section's columns: (variant, unit) of a figure "kernel" row,
# the header, and the kernel variant whose "not-run" row stands for it.
KERNEL_COLUMNS = (
    ('kernel_aom_hash', 'ns/lookup', 'kernel AOM ns', 'kernel_aom_hash'),
    ('kernel_aom_hash', 'cycles/lookup', 'kernel AOM cycles',
     'kernel_aom_hash'),
    ('mim_aot_hash_bulk', 'cycles/key', 'mim AOT cycles', 'kernel_aom_hash'),
    ('mim_aot_vs_kernel_aom', 'x', 'AOT faster', 'kernel_aom_hash'),
    ('kernel_hom_hash', 'ns/lookup', 'kernel HOM ns', 'kernel_hom_hash'),
    ('kernel_hom_hash', 'cycles/lookup', 'kernel HOM cycles',
     'kernel_hom_hash'),
    ('mim_hot_hash_bulk', 'cycles/key', 'mim HOT cycles', 'kernel_hom_hash'),
    ('mim_hot_vs_kernel_hom', 'x', 'HOT faster', 'kernel_hom_hash'))
TARGET_RE = re.compile(r'^(<=|>=|<|>)\s*([0-9.]+)\s*(x?)\s*(\S*)$')


class ReportError(Exception):
    pass


def read_csv(path):
    with open(path, newline='') as f:
        r = csv.DictReader(f)
        if r.fieldnames != COLUMNS:
            raise ReportError(f'{path}: columns {r.fieldnames}, expected '
                              f'{COLUMNS}')
        rows = list(r)
    for i, row in enumerate(rows):
        # DictReader fills a short row with None, keeps a long one's rest.
        if None in row or None in row.values():
            raise ReportError(f'{path}:{i + 2}: not {len(COLUMNS)} fields')
    return rows


def write_csv(path, rows):
    with open(path + '.tmp', 'w', newline='') as f:
        w = csv.DictWriter(f, COLUMNS, lineterminator='\n',
                           quoting=csv.QUOTE_NONE, escapechar='\\')
        w.writeheader()
        w.writerows(rows)
    os.replace(path + '.tmp', path)


def part(row):
    """Which run a row comes from: "suite" or "forwarding"."""
    if row['figure'] == 'meta':
        return row['inner']
    return 'forwarding' if row['figure'] == 'forwarding' else 'suite'


def merge(path, new_path):
    new = read_csv(new_path)
    parts = {part(r) for r in new}
    old = read_csv(path) if os.path.exists(path) else []
    kept = [r for r in old if part(r) not in parts]
    # The suite first, then the forwarding part, as a full run writes.
    rows = sorted(kept + new, key=lambda r: part(r) == 'forwarding')
    write_csv(path, rows)


def metas(rows):
    m = {'suite': {}, 'forwarding': {}}
    for r in rows:
        if r['figure'] == 'meta':
            m.setdefault(r['inner'], {})[r['variant']] = r
    return m


def meta_text(r):
    if r is None:
        return ''
    if r['value'] == '' or r['unit'] == 'bool':
        return r['note']
    unit = '' if r['unit'] in ('', 'count') else ' ' + r['unit']
    return r['value'] + unit


def target_parts(row):
    """(operator, limit, metric) of a row with a target."""
    m = TARGET_RE.match(row['target'])
    if m is None:
        raise ReportError(f'cannot read target "{row["target"]}" of '
                          f'{row["figure"]}/{row["variant"]}')
    op, limit, times, name = m.groups()
    on_ratio = times == 'x' and name != '' and name == row['baseline']
    metric = row['ratio'] if on_ratio else row['value']
    return op, float(limit), float(metric)


def miss(row):
    """How far a missed target was missed, and check the verdict."""
    op, limit, metric = target_parts(row)
    met = {'<=': metric <= limit, '<': metric < limit,
           '>=': metric >= limit, '>': metric > limit}[op]
    if metric != limit and met != (row['verdict'] == 'met'):
        raise ReportError(f'{row["figure"]}/{row["variant"]} '
                          f'{row["entries"]}/{row["tenants"]}/{row["dist"]}'
                          f': verdict {row["verdict"]} but {metric} '
                          f'{op} {limit}')
    if met:
        return ''
    if op.startswith('>'):
        return f'{limit / metric:.3g}x short' if metric > 0 else ''
    return f'{metric / limit:.3g}x over' if limit > 0 else ''


def para(text):
    return textwrap.fill(text, 72, break_on_hyphens=False) + '\n'


def md_table(header, rows):
    """A Markdown table; a header ending in ">" is right-aligned."""
    names = [h.rstrip('>') for h in header]
    align = ['---:' if h.endswith('>') else '---' for h in header]
    lines = ['| ' + ' | '.join(names) + ' |', '|' + '|'.join(align) + '|']
    for r in rows:
        lines.append('| ' + ' | '.join(str(c) for c in r) + ' |')
    return '\n'.join(lines) + '\n'


def ratio(r):
    return r['ratio'] + 'x' if r['ratio'] else ''


def verdict(r):
    return '**MISSED**' if r['verdict'] == 'MISSED' else r['verdict']


def config(r):
    if r['inner'] and r['figure'] != 'lookup':
        return f'{r["inner"]}/{r["variant"]}'
    return r['variant']


def section_runs(m):
    # The labels' order, then keys this script does not know.
    seen = list(m['suite']) + list(m['forwarding'])
    keys = [k for k in META_LABELS if k in seen]
    keys += [k for k in dict.fromkeys(seen) if k not in META_LABELS]
    rows = [(META_LABELS.get(k, k), meta_text(m['suite'].get(k)),
             meta_text(m['forwarding'].get(k))) for k in keys]
    return ('## The runs\n\n' +
            para('The suite (`mim-bench -- perf`) and the forwarding '
                 'benchmark run apart; each part of the CSV keeps the '
                 'metadata of its own run.') + '\n' +
            md_table(('', 'suite', 'forwarding'), rows))


def section_targets(rows):
    judged = [r for r in rows if r['target'] and r['verdict'] != 'not-run']
    count = {v: sum(r['verdict'] == v for r in rows)
             for v in ('met', 'MISSED', 'not-run')}
    table = [(r['figure'], config(r), r['entries'], r['tenants'], r['dist'],
              r['value'], r['unit'], ratio(r), r['target'], verdict(r),
              miss(r)) for r in judged]
    return ('## Results against the targets\n\n' +
            para(f'{count["met"]} figures met their target, '
                 f'{count["MISSED"]} missed; {count["not-run"]} rows could '
                 'not run (the reason is in their note). "miss" is metric / '
                 'limit, or limit / metric for "at least" targets; the metric '
                 'is the ratio when the target names the baseline.') + '\n' +
            md_table(('figure', 'configuration', 'entries>', 'tenants>',
                      'keys', 'value>', 'unit', 'ratio>', 'target',
                      'verdict', 'miss'), table))


def section_lookups(rows):
    cells, order = {}, []
    for r in rows:
        if r['figure'] != 'lookup':
            continue
        k = (r['entries'], r['tenants'], r['dist'])
        if k not in cells:
            cells[k] = {}
            order.append(k)
        cells[k][r['variant']] = r['value'] or '-'
    variants = [v for v in LOOKUP_VARIANTS if any(v in c for c in
                                                  cells.values())]
    table = [k + tuple(cells[k].get(v, '') for v in variants) for k in order]
    return ('## Lookups\n\n' +
            para('Cycles per key, median over rounds ("-": not run, the CSV '
                 'says why). Ratios, their spread and comparisons are in '
                 '`results.csv`.') + '\n' +
            md_table(('entries>', 'tenants>', 'keys') +
                     tuple(v + '>' for v in variants), table) +
            '\n![lookup ratio](lookup_ratio.png)\n')


def kernel_cell(r):
    if r['verdict'] == 'not-run' or not r['value']:
        return '-'
    if r['unit'] != 'x':
        return r['value']
    return r['value'] + 'x' + (' **MISSED**' if r['verdict'] == 'MISSED'
                               else '')


def section_kernel(rows):
    kern = [r for r in rows if r['figure'] == 'kernel']
    head = ('## The kernel\'s two-level lookup\n\n' +
            para('The kernel\'s ARRAY_OF_MAPS (AOM) and HASH_OF_MAPS (HOM) '
                 '-> HASH, holding the same entries, looked up by an XDP '
                 'program run with BPF_PROG_TEST_RUN (a bpf_loop over the '
                 'same key stream, the same loop without the lookups '
                 'subtracted), beside mapinmap\'s nested bulk lookups '
                 'through an ARRAY_OF_TABLES (AOT) / HASH_OF_TABLES (HOT) '
                 'over that stream, in the same rounds. "faster" is the '
                 'kernel\'s cycles per lookup over mapinmap\'s cycles per '
                 'key. Target: mapinmap\'s nested bulk at least 8x faster '
                 'per lookup than the kernel\'s at 1,000 tenants x 1,000 '
                 'keys (10^6 entries), and faster at every shape '
                 'measured.') + '\n')
    measured = [r for r in kern if r['verdict'] != 'not-run']
    if not measured:
        why = sorted({r['note'] for r in kern if r['note']})
        text = ('Not measured in this run: ' +
                ('; '.join(why) if why else 'the CSV has no kernel rows') +
                '.')
        return head + para(text)
    cells, order = {}, []
    for r in kern:
        k = (r['entries'], r['tenants'], r['dist'])
        if k not in cells:
            cells[k] = {}
            order.append(k)
        if r['verdict'] == 'not-run':
            for v, u, _, group in KERNEL_COLUMNS:
                if group == r['variant']:
                    cells[k].setdefault((v, u), r)
        else:
            cells[k][(r['variant'], r['unit'])] = r
    table = [k + tuple(kernel_cell(cells[k][(v, u)]) if (v, u) in cells[k]
                       else '' for v, u, _, _ in KERNEL_COLUMNS)
             for k in order]
    ratios = [r for r in measured if r['unit'] == 'x' and r['value']]
    text = ''
    if ratios:
        low = min(ratios, key=lambda r: float(r['value']))
        text = para(f'Smallest lead: {low["variant"]} {low["value"]}x at '
                    f'{low["entries"]} entries, {low["tenants"]} tenants, '
                    f'{low["dist"]} keys.') + '\n'
    return (head + text +
            md_table(('entries>', 'tenants>', 'keys') +
                     tuple(h + '>' for _, _, h, _ in KERNEL_COLUMNS), table))


def section_figures(rows, figure, title):
    table = [(config(r), r['entries'], r['tenants'], r['value'], r['unit'],
              r['target'], verdict(r), r['note'])
             for r in rows if r['figure'] == figure]
    if not table:
        return ''
    return (f'## {title}\n\n' +
            md_table(('configuration', 'entries>', 'tenants>', 'value>',
                      'unit', 'target', 'verdict', 'note'), table))


LPM_FIGURES = (('lpm_memory', 'memory'), ('lpm_update', 'build and updates'),
               ('lpm_lookup', 'lookups'), ('lpm_scale', 'many tenants'))


def section_lpm(rows):
    """The LPM rows, by figure, each with what it is measured against."""
    parts = []
    for fig, title in LPM_FIGURES:
        table = [(r['inner'], r['variant'], r['entries'], r['tenants'],
                  r['value'], r['unit'],
                  f'{ratio(r)} {r["baseline"]}' if r['ratio'] else '',
                  r['target'], verdict(r), r['note'])
                 for r in rows if r['figure'] == fig]
        if table:
            parts.append(f'### LPM {title}\n\n' + md_table(
                ('family', 'configuration', 'entries>', 'tenants>', 'value>',
                 'unit', 'ratio>', 'target', 'verdict', 'note'), table))
    if not parts:
        return ''
    return ('## LPM route tables\n\n' +
            para('MIM_TYPE_LPM (IPv4 and IPv6) beside rte_lpm and rte_lpm6 '
                 'holding the same BGP-like prefixes, in the same run: memory '
                 '(DPDK heap delta; mem_bytes from mim_get_info()), build '
                 'time and single-route updates, bulk lookup cycles per key '
                 '(ratios: mapinmap over the DPDK structure, median of '
                 'paired rounds), and many tenant tables in one process.') +
            '\n' + '\n'.join(parts) +
            '\n![LPM lookups](lpm_lookup.png)\n')


def section_forwarding(rows):
    fwd = [r for r in rows if r['figure'] == 'forwarding']
    if not fwd:
        return ('## Forwarding\n\nNot run yet: '
                '`BENCH_ONLY=forwarding devtools/bench.sh`.\n')
    table = [(r['variant'], r['tenants'], r['value'], r['unit'], ratio(r),
              r['target'], verdict(r)) for r in fwd]
    return ('## Forwarding\n\n' +
            para('`examples/l3fwd-mim/bench/fwd_bench.py`: l3fwd-mim, one '
                 'forwarding lcore; ratios to the same loop on one LPM table '
                 '(`single_lpm`); each row\'s note in the CSV says what it '
                 'ran.') + '\n' +
            md_table(('configuration', 'tenants>', 'value>', 'unit',
                      'ratio>', 'target', 'verdict'), table) +
            '\n![forwarding](forwarding.png)\n')


def readme(rows):
    m = metas(rows)
    links = ', '.join(f'[{t}]({f})' for t, f in CHARTS)
    parts = [
        '# mapinmap benchmarks\n\n' +
        para('Generated by `devtools/perf_report.py` from '
             '[`results.csv`](results.csv); every number below is copied '
             'from it. The method and what the figures mean: '
             '[analysis.md](analysis.md), written by hand. Measure and '
             'report: `devtools/bench.sh`; report only: '
             '`BENCH_REPORT_ONLY=1 devtools/bench.sh`.'),
        section_runs(m), section_targets(rows),
        para(f'Charts: {links}.'), section_lookups(rows),
        section_kernel(rows),
        section_figures(rows, 'publish', 'Replacement'),
        section_figures(rows, 'publish_step',
                        'Replacement, step by step (median per step)'),
        section_figures(rows, 'reclaim', 'Reclamation'),
        section_figures(rows, 'memory', 'Memory'),
        section_figures(rows, 'limit', 'Tenant limit'),
        section_lpm(rows),
        section_forwarding(rows)]
    return '\n'.join(p for p in parts if p)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('csv')
    ap.add_argument('--merge', metavar='NEW.csv')
    ap.add_argument('--out', metavar='DIR')
    ap.add_argument('--check', metavar='README.md')
    ap.add_argument('--no-charts', action='store_true')
    a = ap.parse_args()
    try:
        if a.merge:
            merge(a.csv, a.merge)
        if not a.out:
            return 0
        rows = read_csv(a.csv)
        text = readme(rows)
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, 'README.md'), 'w') as f:
            f.write(text)
        if not a.no_charts:
            charts(rows, a.out)
        if a.check:
            with open(a.check) as f:
                want = f.read()
            if want != text:
                sys.stdout.writelines(difflib.unified_diff(
                    want.splitlines(True), text.splitlines(True),
                    a.check, 'generated'))
                raise ReportError(f'{a.check} is not what {a.csv} '
                                  'generates: rerun devtools/bench.sh with '
                                  'BENCH_REPORT_ONLY=1')
    except (OSError, ReportError, ValueError, KeyError) as e:
        print(f'perf_report: {e}', file=sys.stderr)
        return 1
    return 0


def charts(rows, out):
    try:
        import perf_charts
    except ImportError as e:
        print(f'perf_report: no charts ({e}; Debian: python3-matplotlib)',
              file=sys.stderr)
        return
    perf_charts.draw(rows, out)


if __name__ == '__main__':
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
