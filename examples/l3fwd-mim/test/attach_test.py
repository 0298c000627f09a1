#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""test-mim attached to a running l3fwd-mim, as a DPDK secondary process.

l3fwd-mim runs as the primary on hugepages: a pcap port loops scapy-made
traffic of tenants 100 (table blue: to port 1) and 200 (table green: to
port 2) forever; ports 1 and 2 are net_null ports whose tx counters show
where the frames go. test-mim --proc-type=secondary then

  1. lists the tables and dumps the outer ones recursively (--json): every
     slot, inner table and route must be those of the configuration file;
  2. replaces tenant 100's IPv4 table: a new LPM table, one route to next
     hop 1 (port 2), put in slot 100 of l3fwd_tenants. Port 1 must stop
     sending while port 2 takes tenant 100's frames too;
  3. puts an empty LPM table in the slot: tenant 100's frames become
     no_route drops, tenant 200's are still forwarded;
  4. exits: only its own handles are dropped. The application's tables
     are untouched and a close of the application's table is refused;
  5. creates a table with BTF types and dumps it typed, and the table
     goes with the session's handle;
  6. starts lookup workers on the application's QSBR variable: stopped
     online (SIGSTOP), they hold back the release of a table replaced
     meanwhile; killed, the primary takes them offline and releases it;
  7. with a file prefix no primary has, fails with a clear error; so it
     does against a DPDK primary that does not link mapinmap;
  8. against l3fwd-mim --flows, dumps l3fwd_flows recursively: each
     tenant's LRU flow table must hold exactly its traffic's 5-tuples,
     each counted (packets and bytes of its frames) in the lcore's copy.

Every process is stopped on every path; the hugepages are the caller's
(app/test/mp/hugepages.sh, which exports MIM_HUGE_DIR and MIM_FILE_PREFIX).

Usage: attach_test.py L3FWD_MIM TEST_MIM BARE_PRIMARY [--keep]
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pcapfile  # noqa: E402
import telemetry  # noqa: E402

# test-mim's own tests write the raw BTF of a typed table.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', '..', 'app', 'test-mim', 'tests'))
from app_test import raw_btf  # noqa: E402

try:
    import traffic  # noqa: E402
except ImportError as e:
    print(f'SKIP: {e}: install python3-scapy (apt-get install python3-scapy)')
    sys.exit(77)

LOG = ['--log-level=lib.eal:warning', '--log-level=lib.telemetry:warning',
       '--log-level=pmd.net.pcap:error']
# The primary's memory far from where a secondary's libraries and
# sanitizer regions land, so that secondaries can map it at the same
# addresses (under AddressSanitizer too).
BASE_VA = '--base-virtaddr=0x200000000000'
# Bounds for a process that hangs: liveness, not performance.
RUN_TIMEOUT_S = 30
PROGRESS_TIMEOUT_S = 20
# Frames received between two samples of the counters: many bursts, so
# that every frame of a sample met the tables as they were.
SETTLE = 4096

CONFIG = """\
N0 1 02:00:00:00:01:00
N1 2 02:00:00:00:02:00
T100 blue
T200 green
R10.0.0.0/8 0 blue
R10.1.0.0/16 0 blue
R2001:db8::/32 0 blue
R10.0.0.0/8 1 green
"""
# What the dump must show: IPv4 and IPv6 routes of each tenant's table,
# next hop as the value's bytes (u32, little-endian on x86).
ROUTES4 = {100: {'10.0.0.0/8': 0, '10.1.0.0/16': 0}, 200: {'10.0.0.0/8': 1}}
ROUTES6 = {100: {'2001:db8::/32': 0}, 200: {}}


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def nh_hex(nh):
    return nh.to_bytes(4, sys.byteorder).hex()


class Primary:
    """l3fwd-mim as the primary process; stdout and stderr go to app.log."""

    def __init__(self, binary, workdir, huge_dir, prefix, extra=()):
        self.prefix = prefix
        cmd = [binary, '-l', '0-1', '--no-pci', '--huge-dir', huge_dir,
               f'--file-prefix={prefix}', BASE_VA] + LOG + \
              ['--vdev=net_pcap0,rx_pcap=in.pcap,infinite_rx=1',
               '--vdev=net_null1', '--vdev=net_null2',
               '--', '-f', 'l3fwd.conf', '--config', '(0,0,1)'] + list(extra)
        print('$ ' + ' '.join(cmd), flush=True)
        self.log = open(os.path.join(workdir, 'app.log'), 'w+')
        self.proc = subprocess.Popen(cmd, cwd=workdir, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.tel = None

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def wait_ready(self):
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while 'reload a tenant' not in self.output():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise Failure('l3fwd-mim did not start:\n' + self.output())
            time.sleep(0.05)
        self.tel = telemetry.Telemetry(
            self.prefix, alive=lambda: self.proc.poll() is None)

    def counters(self):
        """One sample: l3fwd-mim's counters, tenant 100's, ports' tx."""
        s = self.tel.cmd('/l3fwd/stats')
        s['t100'] = self.tel.cmd('/l3fwd/tenant,100')
        s['t200'] = self.tel.cmd('/l3fwd/tenant,200')
        for p in (1, 2):
            s[f'port{p}'] = self.tel.cmd(f'/ethdev/stats,{p}')['opackets']
        return s

    def settle(self, frames=SETTLE):
        """Until at least `frames` more frames were received."""
        start = self.tel.cmd('/l3fwd/stats')['rx']
        deadline = time.monotonic() + PROGRESS_TIMEOUT_S
        while self.tel.cmd('/l3fwd/stats')['rx'] < start + frames:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise Failure('traffic stopped:\n' + self.output())
            time.sleep(0.005)

    def delta(self):
        """Counters over SETTLE frames, after SETTLE frames of settling."""
        self.settle()
        a = self.counters()
        self.settle()
        b = self.counters()
        d = {k: b[k] - a[k] for k in ('rx', 'forwarded', 'drop_no_route',
                                      'port1', 'port2')}
        for t in ('t100', 't200'):
            d[t] = {k: b[t][k] - a[t][k] for k in ('packets', 'dropped')}
        print(f'counters over {d["rx"]} frames: {d}', flush=True)
        return d

    def stop(self):
        if self.tel is not None:
            self.tel.close()
            self.tel = None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failure('l3fwd-mim did not stop:\n' + self.output())
        return self.proc.returncode


def secondary_env(workdir):
    """The environment of a secondary: under LeakSanitizer, DPDK 22.11's
    vdev bus leaks the entries it makes for the primary's virtual devices
    in a secondary (not freed by rte_eal_cleanup()); that is not ours."""
    supp = os.path.join(workdir, 'lsan.supp')
    with open(supp, 'w') as f:
        f.write('leak:librte_bus_vdev.so\n')
    env = dict(os.environ)
    opts = env.get('LSAN_OPTIONS', '')
    env['LSAN_OPTIONS'] = (opts + ':' if opts else '') + \
        f'suppressions={supp}:print_suppressions=0'
    return env


def test_mim(binary, workdir, huge_dir, prefix, script, json_out=True,
             extra_eal=()):
    """Run a test-mim script as a secondary; (status, stdout, stderr)."""
    cmd = [binary, '--proc-type=secondary', f'--file-prefix={prefix}',
           '--huge-dir', huge_dir, '-l', '0', '--no-pci'] + LOG + \
        list(extra_eal) + ['--'] + (['--json'] if json_out else [])
    print('$ ' + ' '.join(cmd) + ' <<EOF\n' + script + 'EOF', flush=True)
    try:
        p = subprocess.run(cmd, cwd=workdir, input=script, text=True,
                           capture_output=True, timeout=RUN_TIMEOUT_S,
                           env=secondary_env(workdir))
    except subprocess.TimeoutExpired as e:
        raise Failure(f'test-mim did not finish: {e}')
    print(p.stdout + p.stderr, flush=True)
    return p.returncode, p.stdout, p.stderr


def docs(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def check_dump(dump, routes):
    """A recursive dump of an outer table against the configuration."""
    got = {}
    for e in dump['elements']:
        inner = e['inner']
        got[e['key']] = {x['key']: x['value'] for x in inner['elements']}
        check(inner['type'] == 'lpm' and inner['entries'] ==
              len(inner['elements']) and e['value'] == inner['id'],
              f'slot {e["key"]}: {e}')
    want = {t: {p: nh_hex(nh) for p, nh in r.items()}
            for t, r in routes.items()}
    check(got == want, f'dump of {dump["name"]}: {got}, expected {want}')
    check(dump['empty_slots'] == dump['max_entries'] - len(routes),
          f'{dump["name"]}: {dump["empty_slots"]} empty slots')


def inspect(app, a):
    rc, out, _ = test_mim(a.test_mim, a.workdir, a.huge_dir, a.prefix,
                          'show tables\ndump l3fwd_tenants\n'
                          'dump l3fwd_tenants6\nshow stats\n')
    check(rc == 0, f'test-mim exited with {rc}')
    tables, dump4, dump6, stats = docs(out)
    by_name = {t['name']: t for t in tables}
    outer = by_name.get('l3fwd_tenants')
    check(outer is not None and outer['type'] == 'array_of_tables' and
          outer['entries'] == 2 and outer['handles'] == 1,
          f'l3fwd_tenants in show tables: {outer}')
    # Two outer tables, blue and green of each family.
    check(len(tables) == 6 and stats['tables'] == 6,
          f'{len(tables)} tables listed, {stats["tables"]} counted')
    check_dump(dump4, ROUTES4)
    check_dump(dump6, ROUTES6)
    return {e['key']: e['inner']['name'] for e in dump4['elements']}


def pending(app):
    return app.tel.cmd('/mim/stats')['rcu']['pending']


def test_liveness(app, a, table):
    """Lookup workers of a secondary read the application's tables on its
    QSBR variable; stopped (SIGSTOP) while online they hold back the
    release of a table replaced meanwhile; killed, the primary takes them
    offline and the table is released."""
    cmd = [a.test_mim, '--proc-type=secondary', f'--file-prefix={a.prefix}',
           '--huge-dir', a.huge_dir, '-l', '0-1', '--no-pci'] + LOG + ['--']
    # A small table: the key sample is read through the primary, one call
    # a key.
    script = f'workers start {table} single\n'
    print('$ ' + ' '.join(cmd) + ' <<EOF\n' + script +
          '(show workers, until they have looked keys up)\nEOF', flush=True)
    log = open(os.path.join(a.workdir, 'workers.log'), 'w+')
    p = subprocess.Popen(cmd, cwd=a.workdir, stdin=subprocess.PIPE,
                         stdout=log, stderr=subprocess.STDOUT, text=True,
                         env=secondary_env(a.workdir))
    try:
        p.stdin.write(script)
        p.stdin.flush()
        # Until a worker is online and has found keys: the script goes on
        # as the lines come (a bounded wait: liveness, not speed).
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while not re.search(r'total: lookups [1-9]\d*  hits [1-9]',
                            open(log.name).read()):
            check(p.poll() is None and time.monotonic() < deadline,
                  'secondary workers found nothing:\n' +
                  open(log.name).read())
            p.stdin.write('show workers\n')
            p.stdin.flush()
            time.sleep(0.1)
        print(open(log.name).read(), flush=True)
        p.send_signal(signal.SIGSTOP)
        rc, out, _ = test_mim(a.test_mim, a.workdir, a.huge_dir, a.prefix,
                              'create lpm t100_late key 8 value 4 '
                              'entries 1\nupdate l3fwd_tenants 100 '
                              't100_late\n')
        check(rc == 0, f'test-mim exited with {rc}')
        # The primary reclaims every millisecond; a reader stopped online
        # lets nothing replaced after it stopped go.
        app.settle()
        check(pending(app) >= 1,
              f'replaced table released past a stopped reader: '
              f'{pending(app)} pending')
        p.kill()
        p.wait()
        deadline = time.monotonic() + PROGRESS_TIMEOUT_S
        while pending(app) != 0:
            check(time.monotonic() < deadline,
                  f'killed reader not taken offline: {pending(app)} pending\n'
                  + app.output())
            time.sleep(0.05)
        print('liveness: a stopped secondary reader held the release back; '
              'killed, it was taken offline and the table released',
              flush=True)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        log.close()


def test_bare_primary(a):
    """A primary without mapinmap: test-mim attaches (EAL does) but gets
    no answer from the library, and says so."""
    cmd = [a.bare_primary, '-l', '0', '--no-pci', '--huge-dir', a.huge_dir,
           f'--file-prefix={a.prefix}', BASE_VA] + LOG
    print('$ ' + ' '.join(cmd), flush=True)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    try:
        seen = ''
        while 'bare-primary: ready' not in seen:
            line = p.stdout.readline()
            check(line != '', f'bare primary did not start: {seen}')
            seen += line
        rc, _, err = test_mim(a.test_mim, a.workdir, a.huge_dir, a.prefix,
                              'show tables\n')
        check(rc == 2 and 'does not answer' in err and '(ENOTCONN)' in err,
              f'primary without mapinmap: status {rc}, {err!r}')
    finally:
        p.terminate()
        try:
            p.wait(timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def test_attach(a):
    with open(os.path.join(a.workdir, 'l3fwd.conf'), 'w') as f:
        f.write(CONFIG)
    frames = []
    for i in range(32):
        frames.append(traffic.ipv4(100, '10.1.2.3', i))
        frames.append(traffic.ipv4(200, '10.1.2.3', i))
    pcapfile.write(os.path.join(a.workdir, 'in.pcap'), frames)

    app = Primary(a.l3fwd, a.workdir, a.huge_dir, a.prefix)
    try:
        app.wait_ready()
        d = app.delta()
        check(d['port1'] > 0 and d['port2'] > 0 and d['drop_no_route'] == 0,
              f'before any change: {d}')
        inner = inspect(app, a)
        print(f'tenant tables: {inner}')

        # 2. Tenant 100 to port 2: a new table, filled, then the slot.
        script = ('create lpm t100_port2 key 8 value 4 entries 4\n'
                  f'update t100_port2 10.0.0.0/8 {nh_hex(1)}\n'
                  'update l3fwd_tenants 100 t100_port2\n')
        rc, out, _ = test_mim(a.test_mim, a.workdir, a.huge_dir, a.prefix,
                              script)
        check(rc == 0, f'test-mim exited with {rc}')
        upd = docs(out)[2]
        check(upd.get('inner', {}).get('name') == 't100_port2' and
              upd.get('replaced', {}).get('name') == inner[100],
              f'slot update: {upd}')
        d = app.delta()
        check(d['port1'] == 0 and d['port2'] > 0 and
              d['t100']['packets'] > 0 and d['t100']['dropped'] == 0 and
              d['drop_no_route'] == 0,
              f'tenant 100 still sent to port 1 or dropped: {d}')

        # 3. An empty table: tenant 100 finds no route.
        script = ('create lpm t100_empty key 8 value 4 entries 1\n'
                  'update l3fwd_tenants 100 t100_empty\n')
        rc, out, _ = test_mim(a.test_mim, a.workdir, a.huge_dir, a.prefix,
                              script)
        check(rc == 0, f'test-mim exited with {rc}')
        d = app.delta()
        check(d['port1'] == 0 and d['drop_no_route'] > 0 and
              d['t100']['dropped'] > 0 and d['t200']['dropped'] == 0 and
              d['t200']['packets'] > 0 and d['port2'] > 0,
              f'tenant 100 not dropped as no_route, or tenant 200 hit: {d}')

        # 4. The application's tables are not the session's to close; its
        # handles stayed; the previous sessions' tables are held by their
        # slot only (t100_port2 was released when it left the slot).
        script = ('expect-error close l3fwd_tenants\n'
                  'show table l3fwd_tenants\nshow table t100_empty\n'
                  'expect-error show table t100_port2\n')
        rc, out, _ = test_mim(a.test_mim, a.workdir, a.huge_dir, a.prefix,
                              script)
        check(rc == 0, f'test-mim exited with {rc}')
        refused, outer, empty, gone = docs(out)
        check('(EBADF)' in refused.get('error', ''),
              f'close of the application\'s table: {refused}')
        check(outer['handles'] == 1 and empty['handles'] == 0 and
              empty['refcnt'] == 1 and gone.get('expected'),
              f'handles after the sessions: {outer}, {empty}, {gone}')

        # A typed table made from a secondary (its BTF goes to the primary
        # as raw bytes), dumped typed from the primary's BTF, released with
        # the session's handle.
        btf = os.path.join(a.workdir, 'flow.btf')
        with open(btf, 'wb') as f:
            f.write(raw_btf())
        script = (f'create hash flows key 4 value 8 entries 16 btf {btf} '
                  'key_type u32 value_type flow\n'
                  'update flows 01000000 0a00000150000100\n'
                  'dump flows\nshow stats\n')
        rc, out, _ = test_mim(a.test_mim, a.workdir, a.huge_dir, a.prefix,
                              script)
        check(rc == 0, f'test-mim exited with {rc}')
        dump, stats = docs(out)[2:]
        typed = ('(struct flow){.ip = (u32)16777226,.port = (u16)80,'
                 '.vlan = (u16)1,}')
        check(dump['elements'] == [{'key': '01000000',
                                    'value': '0a00000150000100',
                                    'formatted': {'key': '(u32)1',
                                                  'value': typed}}],
              f'typed dump from a secondary: {dump}')
        rc, out, _ = test_mim(a.test_mim, a.workdir, a.huge_dir, a.prefix,
                              'expect-error show table flows\nshow stats\n')
        check(rc == 0 and docs(out)[1]['tables'] == stats['tables'] - 1,
              f'flows not released with the session\'s handle: {out}')

        test_liveness(app, a, inner[200])

        rc, _, err = test_mim(a.test_mim, a.workdir, a.huge_dir,
                              a.prefix + '_none', 'show tables\n')
        check(rc != 0 and 'is a primary process running' in err,
              f'no primary: status {rc}, {err!r}')
        check(app.proc.poll() is None, 'l3fwd-mim died:\n' + app.output())
    finally:
        rc = app.stop()
        print(app.output())
    check(rc == 0, f'l3fwd-mim exited with {rc}')
    test_bare_primary(a)
    print('attach: tables listed and dumped as configured; tenant 100 '
          'moved to port 2, then to no_route drops, from a secondary '
          'test-mim; the application\'s handles untouched')


def flow_key_hex(frame):
    """l3fwd-mim's struct flow_key of an IPv4/UDP frame, as hex."""
    ip = traffic.Ether(frame).getlayer(traffic.IP)
    key = bytes([4, ip.proto, 0, 0]) + \
        ip.payload.sport.to_bytes(2, 'big') + \
        ip.payload.dport.to_bytes(2, 'big') + \
        bytes(map(int, ip.src.split('.'))) + bytes(12) + \
        bytes(map(int, ip.dst.split('.'))) + bytes(12)
    return key.hex()


def test_flows_dump(a):
    """l3fwd-mim --flows, its flow tables dumped from a secondary."""
    frames = {100: [], 200: []}
    for i in range(8):
        for t in frames:
            frames[t].append(traffic.ipv4(t, '10.1.2.3', i + t))
    pcapfile.write(os.path.join(a.workdir, 'in.pcap'),
                   frames[100] + frames[200])
    app = Primary(a.l3fwd, a.workdir, a.huge_dir, a.prefix,
                  ['--flows', '64'])
    try:
        app.wait_ready()
        app.settle()
        rc, out, _ = test_mim(a.test_mim, a.workdir, a.huge_dir, a.prefix,
                              'dump l3fwd_flows\n')
        check(rc == 0, f'test-mim exited with {rc}')
        dump = docs(out)[0]
    finally:
        rc = app.stop()
        print(app.output())
    check(rc == 0, f'l3fwd-mim exited with {rc}')
    got = {e['key']: e['inner'] for e in dump['elements']}
    check(sorted(got) == [100, 200],
          f'flow tables of {sorted(got)}')
    for t, fr in frames.items():
        inner = got[t]
        want = {flow_key_hex(f): len(f) for f in fr}
        have = {e['key']: bytes.fromhex(e['value']) for e in
                inner['elements']}
        check(inner['type'] == 'lru_hash' and set(have) == set(want),
              f'tenant {t}: flows {sorted(have)}, expected {sorted(want)}')
        for k, v in have.items():
            # The lcore's copy (the only one), read while it counts.
            pk = int.from_bytes(v[0:8], sys.byteorder)
            by = int.from_bytes(v[8:16], sys.byteorder)
            check(len(v) == 24 and pk > 0 and
                  abs(by - pk * want[k]) <= want[k],
                  f'tenant {t} flow {k}: {pk} packets, {by} bytes')
    print(f'flows: {len(frames[100]) + len(frames[200])} flows dumped from '
          'a secondary, each counted')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('l3fwd')
    ap.add_argument('test_mim')
    ap.add_argument('bare_primary')
    ap.add_argument('--keep', action='store_true',
                    help='keep the work directory')
    a = ap.parse_args()
    a.huge_dir = os.environ.get('MIM_HUGE_DIR')
    a.prefix = os.environ.get('MIM_FILE_PREFIX')
    if not a.huge_dir or not a.prefix:
        print('SKIP: no MIM_HUGE_DIR and MIM_FILE_PREFIX: run under '
              'app/test/mp/hugepages.sh')
        return 77
    a.l3fwd = os.path.abspath(a.l3fwd)
    a.test_mim = os.path.abspath(a.test_mim)
    a.bare_primary = os.path.abspath(a.bare_primary)
    a.workdir = tempfile.mkdtemp(prefix='l3fwd-mim-attach-')
    ok = False
    try:
        test_attach(a)
        test_flows_dump(a)
        ok = True
    except Failure as e:
        print(f'FAIL: {e}', file=sys.stderr)
    finally:
        shutil.rmtree(telemetry.runtime_dir(a.prefix), ignore_errors=True)
        if a.keep or not ok:
            print(f'work directory kept: {a.workdir}')
        else:
            shutil.rmtree(a.workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
