# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""The charts of doc/perf/README.md, drawn from the CSV's rows with
matplotlib (Debian: python3-matplotlib). perf_report.py calls draw()."""

import os
import re

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import ticker  # noqa: E402

COLOUR = {
    'flat_bulk': '#000000', 'flat_single': '#888888',
    'tenant_hash_bulk': '#e69f00', 'tenant_lpm_single': '#56b4e9',
    'mim_aot_hash_bulk': '#d55e00', 'mim_hot_hash_bulk': '#cc79a7',
    'mim_aot_lpm_bulk': '#0072b2', 'whatif_xt_nested_bulk': '#009e73'}
RATIO_VARIANTS = ('mim_aot_hash_bulk', 'mim_hot_hash_bulk',
                  'tenant_hash_bulk', 'mim_aot_lpm_bulk',
                  'whatif_xt_nested_bulk')
CYCLE_VARIANTS = ('flat_bulk', 'flat_single', 'tenant_hash_bulk',
                  'mim_aot_hash_bulk', 'mim_hot_hash_bulk',
                  'mim_aot_lpm_bulk', 'tenant_lpm_single',
                  'whatif_xt_nested_bulk')
PANEL_TENANTS = ('10', '1000')


def save(fig, out, name):
    # No creation date or version in the file: a rerun on the same CSV
    # gives the same bytes.
    fig.savefig(os.path.join(out, name), dpi=100,
                metadata={'Software': None})
    plt.close(fig)


def series(rows, column, variant, tenants, dist):
    pts = sorted((int(r['entries']), float(r[column])) for r in rows
                 if r['figure'] == 'lookup' and r['variant'] == variant and
                 r['tenants'] == tenants and r['dist'] == dist and
                 r[column] != '')
    return [p[0] for p in pts], [p[1] for p in pts]


def lookup_targets(rows):
    """The lookup ratio's limit by total entries."""
    limits = {}
    for r in rows:
        m = re.match(r'^[<>]=?\s*([0-9.]+)x', r['target'])
        if r['figure'] == 'lookup' and m:
            limits[int(r['entries'])] = float(m.group(1))
    return sorted(limits), [limits[k] for k in sorted(limits)]


def lookup_chart(rows, out, name, column, dists, variants, title, ylabel):
    fig, axes = plt.subplots(1, 2, figsize=(15, 6.2))
    fig.suptitle(title)
    for ax, t in zip(axes, PANEL_TENANTS):
        for v in variants:
            for d in dists:
                x, y = series(rows, column, v, t, d)
                if x:
                    ax.plot(x, y, marker='o', lw=2, color=COLOUR[v],
                            ls='--' if d == 'zipf' else '-',
                            label=v if len(dists) == 1 else f'{v} {d}')
        x, y = lookup_targets(rows)
        if column == 'ratio' and x:
            ax.plot(x, y, color='red', lw=2, drawstyle='steps-post',
                    label='target')
        ax.set_xscale('log')
        ax.set_yscale('log')
        ax.yaxis.set_major_formatter(ticker.ScalarFormatter())
        ax.yaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_title(f'{t} tenants')
        ax.set_xlabel('total entries')
        ax.set_ylabel(ylabel)
        ax.grid(True, which='both', alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc='upper left', fontsize=8)
    save(fig, out, name)


def bar_chart(out, name, bars, title, ylabel, line=None, log=True):
    if not bars:
        return
    fig, ax = plt.subplots(figsize=(10, 5.6))
    labels = [b[0] for b in bars]
    ax.bar(range(len(bars)), [b[1] for b in bars], color='#4477aa')
    ax.set_xticks(range(len(bars)), labels, rotation=30, ha='right')
    if line is not None:
        ax.axhline(line[0], color='red', ls='--', label=line[1])
        ax.legend(loc='best')
    if log:
        ax.set_yscale('log')
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.grid(True, axis='y', alpha=0.3)
    fig.tight_layout()
    save(fig, out, name)


def target_of(rows, figure, unit):
    """(limit, target text) of the figure's first target in @unit."""
    for r in rows:
        m = re.match(r'^[<>]=?\s*([0-9.]+)', r['target'])
        if r['figure'] == figure and r['unit'] == unit and m:
            return float(m.group(1)), r['target']
    return None, None


def value_of(rows, figure, variant):
    for r in rows:
        if r['figure'] == figure and r['variant'] == variant and r['value']:
            return float(r['value'])
    return None


def draw_bars(rows, out):
    def bars(figure, keep):
        return [(r['variant'], float(r['value'])) for r in rows
                if r['figure'] == figure and r['value'] and keep(r)]

    publish = bars('publish', lambda r: r['unit'] == 'us')
    entries = next((r['entries'] for r in rows if r['figure'] == 'publish'),
                   '?')
    limit, text = target_of(rows, 'publish', 'us')
    bar_chart(out, 'publish.png', publish,
              f'Replacing a tenant of {entries} entries (median, log scale)',
              'us', (limit, f'target: {text}') if limit else None)
    hz = value_of(rows, 'meta', 'tsc_hz')
    burst = value_of(rows, 'reclaim', 'reader_burst')
    limit, text = target_of(rows, 'reclaim', 'bursts')
    line = None
    if hz and burst and limit:
        us = limit * burst / hz * 1e6
        line = (us, f'target: memory free {text} ({us:.3g} us)')
    bar_chart(out, 'reclaim.png', bars('reclaim', lambda r: r['unit'] == 'us'),
              'Replacing a tenant with a reader running: us from the '
              'return of the publish (median, log scale)', 'us', line)
    memory = [(f'{r["inner"]} {r["variant"]} ({r["entries"]})',
               float(r['value'])) for r in rows
              if r['figure'] == 'memory' and r['value'] and
              r['variant'] != 'mim_info']
    bar_chart(out, 'memory.png', memory,
              'Bytes per tenant, DPDK heap: empty (0) and with 1000 entries '
              '(log scale)', 'bytes per tenant')


def draw_forwarding(rows, out):
    fwd = [r for r in rows if r['figure'] == 'forwarding' and r['value']]
    base = value_of(rows, 'forwarding', 'single_lpm')
    limit, text = target_of(rows, 'forwarding', 'Mpps')
    bars = []
    for r in fwd:
        label = f'{r["variant"]}, {r["tenants"]} tenant(s)'
        if r['ratio']:
            label += f' ({r["ratio"]}x)'
        if r['target']:
            label += ' [target]'
        bars.append((label, float(r['value'])))
    line = None
    if base and limit:
        line = (limit * base, f'target: {text} ({limit * base:.4g} Mpps)')
    bar_chart(out, 'forwarding.png', bars,
              'l3fwd-mim forwarding, one lcore: Mpps (median of rounds)',
              'Mpps', line, log=False)


def draw_lpm(rows, out):
    """LPM lookups, each configuration beside its DPDK baseline."""
    bars = [(f'{r["inner"]} {r["variant"]}, {r["entries"]} routes / '
             f'{r["tenants"]} tenant(s)', float(r['value'])) for r in rows
            if r['figure'] == 'lpm_lookup' and r['value']]
    bar_chart(out, 'lpm_lookup.png', bars,
              'LPM bulk lookups (bursts of 32): cycles per key, median of '
              'rounds (log scale)', 'cycles per key')


def draw(rows, out):
    lookup_chart(rows, out, 'lookup_ratio.png', 'ratio', ('uniform', 'zipf'),
                 RATIO_VARIANTS,
                 'Bulk lookup (bursts of 32) / flat rte_hash bulk, cycles '
                 'per key: median of paired rounds. Solid uniform, dashed '
                 'Zipf(0.99).', 'ratio to flat rte_hash bulk (lower is '
                 'better)')
    for d in ('uniform', 'zipf'):
        lookup_chart(rows, out, f'lookup_cycles_{d}.png', 'value', (d,),
                     CYCLE_VARIANTS,
                     f'Lookup cost, {d} keys: cycles per key (median over '
                     'rounds)', 'cycles per key')
    draw_bars(rows, out)
    draw_lpm(rows, out)
    draw_forwarding(rows, out)
