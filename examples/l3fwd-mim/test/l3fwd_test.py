#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""End-to-end tests of l3fwd-mim on pcap ports, no NIC, no hugepages.

  fwd-vlan  tenants by VLAN ID: scapy writes multi-tenant pcaps (overlapping
            prefixes, shared tables, unknown tenants, TTL edges, non-IP,
            truncated and broken frames); every output pcap must match the
            model (model.py) frame for frame, and the counters too.
  fwd-port  the same with tenants by input port, two forwarding lcores.
  fwd-baseline  the fwd-vlan traffic with --baseline-lpm (the benchmark's
            single-table loop): every IPv4 frame routed by that one table,
            tenant ignored; exact output, counters, and the JSON's timing
            fields present (never judged).
  swap      tenants' IPv4 and IPv6 tables replaced many times through the
            telemetry reload command while traffic of both families loops;
            every frame must leave, forwarded by its tenant's old or new
            table, in order, and every replaced table must be released.

Usage: l3fwd_test.py BINARY TEST [--keep]
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import model  # noqa: E402
import pcapfile  # noqa: E402
import telemetry  # noqa: E402

try:
    import traffic  # noqa: E402
except ImportError as e:
    # meson shows 77 as SKIP.
    print(f'SKIP: {e}: install python3-scapy (apt-get install python3-scapy)')
    sys.exit(77)

EAL_COMMON = ['--no-huge', '--no-pci', '-m', '1024',
              '--log-level=lib.eal:warning', '--log-level=lib.telemetry:warning',
              '--log-level=pmd.net.pcap:error']
# Bounds for a process that hangs: liveness, not performance.
RUN_TIMEOUT_S = 50
PROGRESS_TIMEOUT_S = 20


class Failure(Exception):
    pass


class App:
    """l3fwd-mim running in workdir; stdout and stderr go to app.log."""

    def __init__(self, binary, workdir, eal, args):
        self.prefix = f'l3fwd_mim_{os.path.basename(workdir)}'
        cmd = [binary] + EAL_COMMON + [f'--file-prefix={self.prefix}'] + \
            eal + ['--'] + args
        self.log_path = os.path.join(workdir, 'app.log')
        self.log = open(self.log_path, 'w+')
        print('$ ' + ' '.join(cmd), flush=True)
        self.proc = subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        self.out = []

    def wait_ready(self):
        """Read stdout up to the line printed once setup is complete."""
        for line in self.proc.stdout:
            self.out.append(line)
            if 'reload a tenant' in line:
                return
        self.finish()
        raise Failure('l3fwd-mim exited during setup:\n' + self.output())

    def port_macs(self):
        macs = {}
        for line in self.out:
            m = re.match(r'\s*port (\d+): MAC ([0-9A-Fa-f:]{17})', line)
            if m:
                macs[int(m.group(1))] = m.group(2)
        return macs

    def finish(self, stop=False):
        if stop:
            self.proc.send_signal(signal.SIGINT)
        try:
            rest, _ = self.proc.communicate(timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rest, _ = self.proc.communicate()
            self.out.append(rest)
            raise Failure('l3fwd-mim did not stop:\n' + self.output())
        self.out.append(rest)
        shutil.rmtree(telemetry.runtime_dir(self.prefix), ignore_errors=True)
        return self.proc.returncode

    def output(self):
        self.log.seek(0)
        return ''.join(self.out) + self.log.read()


def run_to_end(binary, workdir, eal, args):
    app = App(binary, workdir, eal, args)
    app.wait_ready()
    rc = app.finish()
    print(app.output())
    if rc != 0:
        raise Failure(f'l3fwd-mim exited with {rc}')
    return app


def read_stats(workdir):
    with open(os.path.join(workdir, 'stats.json')) as f:
        return json.load(f)


# ---- fwd: exact output -------------------------------------------------------

NEXTHOPS = {
    0: (1, '02:00:00:00:01:00', None),
    1: (1, '02:00:00:00:01:01', '02:aa:00:00:00:01'),
    2: (2, '02:00:00:00:02:00', None),
    3: (2, '02:00:00:00:02:01', '02:aa:00:00:00:03'),
    4: (0, '02:00:00:00:00:04', None),
    7: (2, '02:00:00:00:02:07', None),
}
# Overlapping prefixes across tables, different next hops; depth > 24,
# /32, /0; IPv6 likewise (/128, ::/0, prefixes not on byte boundaries).
# v4only and v6only have routes of one family: the other's packets find
# no route.
TABLES = {
    'red': [('10.0.0.0/8', 0), ('10.1.0.0/16', 1), ('10.1.2.0/24', 2),
            ('10.1.2.128/25', 3), ('10.1.2.200/32', 4),
            ('172.16.0.0/12', 7),
            ('2001:db8::/32', 0), ('2001:db8:1::/48', 1),
            ('2001:db8:1:2::/64', 2), ('2001:db8:1:2::80/121', 3),
            ('2001:db8:1:2::c8/128', 4), ('fd00::/8', 7)],
    'blue': [('10.0.0.0/8', 2), ('10.1.0.0/16', 3), ('10.1.2.0/24', 0),
             ('10.1.2.200/31', 4), ('192.168.0.0/16', 1),
             ('2001:db8::/32', 2), ('2001:db8::/47', 3),
             ('2001:db8:1:2::c8/127', 4)],
    'green': [('0.0.0.0/0', 1), ('10.1.2.0/24', 2), ('10.1.2.128/25', 3),
              ('::/0', 1), ('2001:db8:1:2::/64', 2),
              ('2001:db8:1:2:8000::/65', 3)],
    'native': [('192.168.0.0/16', 4), ('192.168.1.0/24', 0),
               ('2001:db8:c0a8::/48', 4)],
    'v4only': [('10.0.0.0/8', 7), ('10.1.2.0/24', 1)],
    'v6only': [('2001:db8::/32', 7), ('2001:db8:1:2::/64', 1)],
    'unused': [('10.0.0.0/8', 0), ('2001:db8::/32', 0)],
}


def all_prefixes():
    return sorted({p for routes in TABLES.values() for p, _ in routes})


def fwd_vlan_setup():
    # 0: untagged and priority-tagged frames. 30 shares red, 4094 blue.
    # 50's table has no route; 60 and 70 routes of one family. 99 and 4095
    # are unknown. Above 4095, double-tagged: 5 * 4096 + 10 uses green,
    # 65535 (the last) red; 7 * 4096 + 10 and 16 * 4096 (beyond the
    # tenants) are unknown.
    tenants = {0: 'native', 10: 'red', 20: 'blue', 30: 'red', 40: 'green',
               50: 'empty', 60: 'v4only', 70: 'v6only', 4094: 'blue',
               5 * 4096 + 10: 'green', 65535: 'red'}
    tables = dict(TABLES, empty=[])
    vlans = [None, 0, 10, 20, 30, 40, 50, 60, 70, 4094, 99, 4095,
             5 * 4096 + 10, 65535, 7 * 4096 + 10, 16 * 4096]
    eal = ['-l', '0-1',
           '--vdev=net_pcap0,rx_pcap=in0.pcap,tx_pcap=out0_q0.pcap',
           '--vdev=net_pcap1,rx_pcap=in1.pcap,tx_pcap=out1_q0.pcap',
           '--vdev=net_pcap2,tx_pcap=out2_q0.pcap']
    args = ['--config', '(0,0,1),(1,0,1)']
    return model.Config(NEXTHOPS, tenants, tables), vlans, 2, 1, eal, args


def fwd_port_setup():
    # Tenants are ports 0 and 1; port 2 is nobody's: unknown tenant. Two
    # forwarding lcores sharing CPU 1, so a tx queue (file) per lcore.
    tenants = {0: 'red', 1: 'blue'}
    vlans = [None, 0, 10, 20, 99]
    eal = ['--lcores', '0@0,1@1,2@1']
    for p in range(3):
        eal.append(f'--vdev=net_pcap{p},rx_pcap=in{p}.pcap,'
                   f'tx_pcap=out{p}_q0.pcap,tx_pcap=out{p}_q1.pcap')
    args = ['--config', '(0,0,1),(1,0,2),(2,0,1)', '--tenant-by-port']
    return model.Config(NEXTHOPS, tenants, TABLES), vlans, 3, 2, eal, args


def describe(frame):
    try:
        return traffic.Ether(frame).summary()
    except Exception:  # noqa: BLE001 - any frame, any garbage
        return frame.hex()


def check_outputs(workdir, expected, nb_ports, nb_queues, inputs, mdl):
    """expected[port]: {frame bytes: [(in_port, index), ...]} (several
    inputs may leave as the same bytes: the baseline ignores tenants)."""
    errors, seen = [], set()
    for port in range(nb_ports):
        want = expected.get(port, {})
        for q in range(nb_queues):
            path = os.path.join(workdir, f'out{port}_q{q}.pcap')
            last = {}
            for n, frame in enumerate(pcapfile.read(path)):
                key = next((k for k in want.get(frame, ()) if k not in seen),
                           None)
                if key is None:
                    errors.append(f'{path} #{n}: unexpected frame '
                                  f'{describe(frame)} {frame.hex()}')
                    continue
                seen.add(key)
                in_port, idx = key
                # Order within one input port is kept on each tx queue.
                if last.get(in_port, -1) > idx:
                    errors.append(f'{path} #{n}: frame {idx} of port '
                                  f'{in_port} after frame {last[in_port]}')
                last[in_port] = idx
        for in_port, idx in (k for keys in want.values() for k in keys):
            if (in_port, idx) not in seen:
                fr = inputs[in_port][idx]
                errors.append(f'port {port}: frame {idx} of input port '
                              f'{in_port} missing: {describe(fr)} '
                              f'(model: {mdl.forward(fr, in_port)[:3]})')
    return errors


BASELINE_TABLE = 'red'


def check_run_fields(stats, baseline):
    """The fields a benchmark reads (values sane, never timed)."""
    errors = []
    want = {'lookup': 'baseline' if baseline else 'nested'}
    if baseline:
        want['baseline_table'] = baseline
    for k, v in want.items():
        if stats.get(k) != v:
            errors.append(f'JSON {k}: {stats.get(k)!r}, expected {v!r}')
    for k in ('tsc_hz', 'elapsed_tsc', 'lcores'):
        if not isinstance(stats.get(k), int) or stats[k] <= 0:
            errors.append(f'JSON {k}: {stats.get(k)!r}, expected > 0')
    return errors


def test_fwd(binary, workdir, by_port, baseline=None):
    cfg, vlans, nb_in, nb_queues, eal, args = \
        fwd_port_setup() if by_port else fwd_vlan_setup()
    if baseline:
        args = args + ['--baseline-lpm', baseline]
    rng = random.Random(6 + by_port)
    dsts = traffic.interesting_addresses(all_prefixes())
    inputs, ip_id = {}, 1
    for p in range(nb_in):
        frames = traffic.random_frames(rng, vlans, dsts, 1500, ip_id)
        ip_id += 1500
        for vlan in vlans:
            odd = traffic.odd_frames(vlan, 99, '10.1.2.130', ip_id)
            ip_id += 20
            frames.extend(odd)
            frames.extend(traffic.odd_frames6(vlan, 99, '2001:db8:1:2::82',
                                              ip_id))
            ip_id += 20
        rng.shuffle(frames)
        inputs[p] = frames
        pcapfile.write(os.path.join(workdir, f'in{p}.pcap'), frames)
    cfg.write(os.path.join(workdir, 'l3fwd.conf'))

    app = run_to_end(binary, workdir, eal,
                     ['-f', 'l3fwd.conf', '--max-idle-ms', '200',
                      '--stats-json', 'stats.json'] + args)
    mdl = model.Model(cfg, app.port_macs(), tenant_by_port=by_port,
                      baseline=baseline)

    counters, expected = model.Counters(), {}
    for p, frames in inputs.items():
        for idx, frame in enumerate(frames):
            v = mdl.forward(frame, p)
            counters.add(frame, v)
            if v[0] == 'fwd':
                want = expected.setdefault(v[2], {})
                if v[3] in want and not baseline:
                    raise Failure(f'test bug: two inputs give {v[3].hex()}')
                want.setdefault(v[3], []).append((p, idx))
    print(f'model: {counters.rx} frames, {counters.forwarded} forwarded, '
          f'drops {counters.drops}')
    for reason, n in counters.drops.items():
        # The baseline looks up no tenant: none is unknown.
        if n == 0 and not (baseline and reason == model.DROP_UNKNOWN_TENANT):
            raise Failure(f'test bug: no frame exercises drop {reason}')

    errors = check_outputs(workdir, expected, 3, nb_queues, inputs, mdl)
    errors += counters.compare(read_stats(workdir))
    errors += check_run_fields(read_stats(workdir), baseline)
    if errors:
        raise Failure('\n'.join(errors[:40]) +
                      f'\n({len(errors)} differences)')
    print(f'fwd: {counters.forwarded} frames forwarded exactly as the model '
          f'says, {counters.rx - counters.forwarded} dropped as it says')


# ---- swap: live table replacement --------------------------------------------

# Next hops: table a uses 0-3 in even generations and 4-7 in odd ones; b
# uses 8-15 likewise; c never changes. All leave on port 1, told apart by
# their MACs.
SWAP_NEXTHOPS = {i: (1, f'02:00:00:00:0a:{i:02x}', f'02:aa:00:00:0a:{i:02x}')
                 for i in range(18)}
SWAP_TENANTS = {10: 'a', 30: 'a', 20: 'b', 40: 'c'}
SWAP_DSTS = ['10.1.2.130', '10.1.2.10', '10.1.3.5', '10.1.2.70',
             '10.200.0.1', '10.5.5.5', '10.1.200.1', '10.1.2.255',
             # The same in IPv6 (10.x.y.z as 2001:db8:x:y::z).
             '2001:db8:1:2::82', '2001:db8:1:2::a', '2001:db8:1:3::5',
             '2001:db8:1:2::46', '2001:db8:c800::1', '2001:db8:5::5',
             '2001:db8:1:c8::1', '2001:db8:1:2::ff']


def swap_routes(base, gen):
    """Different shapes in even and odd generations, all of 10/8 covered
    by both, and no next hop in common."""
    if gen % 2 == 0:
        return [('10.0.0.0/8', base), ('10.1.0.0/16', base + 1),
                ('10.1.2.0/24', base + 2), ('10.1.2.128/25', base + 3),
                ('2001:db8::/32', base), ('2001:db8:1::/48', base + 1),
                ('2001:db8:1:2::/64', base + 2),
                ('2001:db8:1:2::80/121', base + 3)]
    return [('10.0.0.0/9', base + 4), ('10.128.0.0/9', base + 5),
            ('10.1.2.0/23', base + 6), ('10.1.2.64/26', base + 7),
            ('10.1.2.255/32', base + 4),
            ('2001:db8::/33', base + 4), ('2001:db8:8000::/33', base + 5),
            ('2001:db8:1:2::/63', base + 6),
            ('2001:db8:1:2::40/122', base + 7),
            ('2001:db8:1:2::ff/128', base + 4)]


def swap_config(gen, extra_tenants=None):
    tables = {'a': swap_routes(0, gen['a']), 'b': swap_routes(8, gen['b']),
              'c': [('10.0.0.0/8', 16), ('10.1.0.0/16', 17),
                    ('2001:db8::/32', 16), ('2001:db8:1::/48', 17)]}
    tenants = dict(SWAP_TENANTS)
    tenants.update(extra_tenants or {})
    return model.Config(SWAP_NEXTHOPS, tenants, tables)


def swap_traffic():
    """One loop: 64 frames to forward (IPv4 and IPv6), each followed by 31
    dropped ones (the same way in every generation), so the output stays
    small while the lookups run at full rate."""
    fwd = [(t, d) for d in SWAP_DSTS for t in (10, 20, 30, 40)]
    fillers = []
    for n in range(31):
        i = 60000 + n
        kind = n % 6
        if kind == 0:
            fillers.append(traffic.ipv4(99, '10.1.2.3', i))
        elif kind == 1:
            fillers.append(traffic.ipv4((10, 20, 30)[n // 6 % 3],
                                        '10.1.2.3', i, ttl=1))
        elif kind == 2:
            fillers.append(traffic.ipv4(20, '11.0.0.1', i))     # no route
        elif kind == 3:
            fillers.append(traffic.ipv4((30, 10)[n // 6 % 2], '10.1.2.3', i,
                                        chksum=1))
        elif kind == 4:
            fillers.append(bytes(traffic.ether(10) / traffic.ARP(
                hwsrc=traffic.SRC_MAC, psrc=traffic.SRC_IP, pdst='10.1.2.3')))
        else:
            fillers.append(traffic.ipv4(40, '10.1.2.3', i, ttl=0))
    frames, forwardable = [], []
    for k, (tenant, dst) in enumerate(fwd):
        forwardable.append((len(frames), tenant, ':' in dst))
        make = traffic.ipv6 if ':' in dst else traffic.ipv4
        frames.append(make(tenant, dst, k, payload=b'%04d' % k))
        frames.extend(fillers)
    return frames, forwardable


class Loop:
    """Counters of n whole loops plus a prefix of the next one."""

    def __init__(self, frames, mdl):
        self.frames = frames
        self.verdicts = [mdl.forward(f, 0) for f in frames]

    def counters(self, rx):
        loops, rest = divmod(rx, len(self.frames))
        one, part = model.Counters(), model.Counters()
        for i, (f, v) in enumerate(zip(self.frames, self.verdicts)):
            one.add(f, v)
            if i < rest:
                part.add(f, v)
        total = model.Counters()
        total.rx = rx
        total.forwarded = loops * one.forwarded + part.forwarded
        total.forwarded6 = loops * one.forwarded6 + part.forwarded6
        for r in model.DROP_REASONS:
            total.drops[r] = loops * one.drops[r] + part.drops[r]
        for t in set(one.tenants) | set(part.tenants):
            a = one.tenants.get(t, {'packets': 0, 'bytes': 0, 'dropped': 0})
            b = part.tenants.get(t, {'packets': 0, 'bytes': 0, 'dropped': 0})
            total.tenants[t] = {k: loops * a[k] + b[k] for k in a}
        return total


def wait_progress(tel, app, frames):
    """Until at least `frames` more frames were received."""
    start = tel.cmd('/l3fwd/stats')['rx']
    deadline = time.monotonic() + PROGRESS_TIMEOUT_S
    while tel.cmd('/l3fwd/stats')['rx'] < start + frames:
        if app.proc.poll() is not None or time.monotonic() > deadline:
            raise Failure('traffic stopped:\n' + app.output())
        time.sleep(0.001)


def test_swap(binary, workdir, nb_reloads=100):
    rng = random.Random(66)
    gen = {'a': 0, 'b': 0}
    conf = os.path.join(workdir, 'l3fwd.conf')
    swap_config(gen).write(conf)
    frames, forwardable = swap_traffic()
    pcapfile.write(os.path.join(workdir, 'in.pcap'), frames)

    app = App(binary, workdir,
              ['-l', '0-1',
               '--vdev=net_pcap0,rx_pcap=in.pcap,infinite_rx=1',
               '--vdev=net_pcap1,tx_pcap=out.pcap'],
              ['-f', 'l3fwd.conf', '--config', '(0,0,1)',
               '--stats-json', 'stats.json'])
    reloads = {t: 0 for t in SWAP_TENANTS}
    try:
        app.wait_ready()
        tel = telemetry.Telemetry(app.prefix,
                                  alive=lambda: app.proc.poll() is None)
        # Let every frame of a loop meet the tables in place before and
        # after each swap: two loops and a burst.
        settle = 2 * len(frames) + 64
        wait_progress(tel, app, settle)
        plan = [rng.choice((10, 20, 30)) for _ in range(nb_reloads)]
        plan.insert(rng.randrange(len(plan)), 'bad-nexthop')
        plan.insert(rng.randrange(len(plan)), 'unknown-tenant')
        # Tenant 50 (no traffic) joins table a, then leaves: a reload
        # that adds a slot (and rebuilds a for 10 and 30), one that
        # empties a slot (and touches no other).
        add = rng.randrange(len(plan))
        plan.insert(add, 'add-50')
        plan.insert(rng.randrange(add + 1, len(plan) + 1), 'remove-50')
        extra = {}
        for step in plan:
            if step == 'bad-nexthop':
                # A route to an undefined next hop: refused, nothing swapped.
                bad = swap_config({'a': gen['a'] + 1, 'b': gen['b']}, extra)
                bad.tables['a'].append(('10.9.0.0/16', 99))
                bad.write(conf)
                r = tel.cmd('/l3fwd/reload,10')
                swap_config(gen, extra).write(conf)
                if r is None or r['status'] != 'error' or \
                        'next hop 99' not in r['error']:
                    raise Failure(f'bad file not refused: {r}')
            elif step == 'add-50':
                extra = {50: 'a'}
                gen['a'] += 1
                swap_config(gen, extra).write(conf)
                r = tel.cmd('/l3fwd/reload,50')
                if r is None or r['status'] != 'ok' or \
                        r['slots_updated'] != 3 or not r['present'] or \
                        r['old_table_id'] != 0:
                    raise Failure(f'tenant 50 not added: {r}')
                reloads[10] += 1
                reloads[30] += 1
            elif step == 'remove-50':
                before = tel.cmd('/l3fwd/tenant,50')
                extra = {}
                swap_config(gen, extra).write(conf)
                r = tel.cmd('/l3fwd/reload,50')
                if r is None or r['status'] != 'ok' or \
                        r['slots_updated'] != 1 or r['present'] or \
                        r['old_table_id'] != before['table_id']:
                    raise Failure(f'tenant 50 not removed: {r}')
            elif step == 'unknown-tenant':
                r = tel.cmd('/l3fwd/reload,77')
                if r is None or r['status'] != 'error':
                    raise Failure(f'reload of tenant 77 not refused: {r}')
            else:
                table = SWAP_TENANTS[step]
                before = tel.cmd(f'/l3fwd/tenant,{step}')
                gen[table] += 1
                cfg = swap_config(gen, extra)
                cfg.write(conf)
                r = tel.cmd(f'/l3fwd/reload,{step}')
                sharing = [t for t, x in cfg.tenants.items() if x == table]
                if r is None or r['status'] != 'ok' or \
                        r['slots_updated'] != len(sharing) or \
                        r['old_table_id'] != before['table_id'] or \
                        r['old_table6_id'] != before['table6_id'] or \
                        r['table_id'] == before['table_id'] or \
                        r['table6_id'] == before['table6_id']:
                    raise Failure(f'reload of {step}: {r} (before: {before})')
                for t in sharing:
                    if t in reloads:
                        reloads[t] += 1
            wait_progress(tel, app, settle)
        tel.close()
    finally:
        rc = app.finish(stop=True)
    print(app.output())
    if rc != 0:
        raise Failure(f'l3fwd-mim exited with {rc}')

    stats = read_stats(workdir)
    rx = stats['rx']
    mdl = model.Model(swap_config({'a': 0, 'b': 0}), app.port_macs())
    errors = Loop(frames, mdl).counters(rx).compare(stats)

    # What each forwardable frame must look like in even and odd
    # generations of its tenant's table.
    expect = []
    for idx, tenant, v6 in forwardable:
        v = [model.Model(swap_config({'a': g, 'b': g}), app.port_macs())
             .forward(frames[idx], 0) for g in (0, 1)]
        if v[0][0] != 'fwd' or v[1][0] != 'fwd' or \
                (tenant != 40) != (v[0][3] != v[1][3]):
            raise Failure(f'test bug: frame {idx} verdicts {v}')
        expect.append(((tenant, v6), v[0][3], v[1][3]))

    out = pcapfile.read(os.path.join(workdir, 'out.pcap'))
    want = Loop(frames, mdl).counters(rx).forwarded
    if len(out) != want:
        errors.append(f'{len(out)} frames out, {want} expected')
    # Walk the output in order: each tenant's table of each family starts
    # in generation 0 and may only move forward, one generation per reload.
    # The families are followed apart: a reload installs the IPv4 table,
    # then the IPv6 one, and a burst looks its IPv4 frames up before its
    # IPv6 ones, but writes them out in arrival order, so an IPv6 frame
    # of the new table may come out before an IPv4 frame of the old one.
    gen_seen = {key: 0 for key, _, _ in expect}
    for j, frame in enumerate(out):
        key, even, odd = expect[j % len(expect)]
        tenant, v6 = key
        now = (even, odd)[gen_seen[key] % 2]
        nxt = (even, odd)[(gen_seen[key] + 1) % 2]
        if frame == now:
            continue
        if frame == nxt and gen_seen[key] < reloads[tenant]:
            gen_seen[key] += 1
            continue
        errors.append(f'out.pcap #{j}: tenant {tenant} '
                      f'(IPv{6 if v6 else 4}) in generation '
                      f'{gen_seen[key]} of {reloads[tenant]}: '
                      f'{describe(frame)}, expected {describe(now)}')
        if len(errors) > 20:
            break
    if any(n != reloads[t] for (t, _), n in gen_seen.items()):
        errors.append(f'generations seen per (tenant, IPv6) {gen_seen}, '
                      f'reloads {reloads}')
    tables = stats['tables']
    if tables['live'] != 8 or \
            tables['released'] != tables['created'] - tables['live']:
        errors.append(f'tables not released: {tables} (live: the two '
                      f'outer tables and a, b, c of each family)')
    if errors:
        raise Failure('\n'.join(errors))
    print(f'swap: {sum(reloads.values())} slot swaps in {nb_reloads} '
          f'reloads under traffic; {rx} frames received, {len(out)} '
          f'forwarded, each by its old or new table, none lost; '
          f'{tables["released"]} tables released')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('binary')
    ap.add_argument('test', choices=('fwd-vlan', 'fwd-port', 'fwd-baseline',
                                     'swap'))
    ap.add_argument('--keep', action='store_true',
                    help='keep the work directory')
    a = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix=f'l3fwd-mim-{a.test}-')
    ok = False
    try:
        if a.test == 'swap':
            test_swap(os.path.abspath(a.binary), workdir)
        elif a.test == 'fwd-baseline':
            test_fwd(os.path.abspath(a.binary), workdir, by_port=False,
                     baseline=BASELINE_TABLE)
        else:
            test_fwd(os.path.abspath(a.binary), workdir,
                     by_port=a.test == 'fwd-port')
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
