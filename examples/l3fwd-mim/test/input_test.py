#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Hostile input to l3fwd-mim: its configuration file and its telemetry
commands. No NIC, no hugepages, no traffic (net_ring ports).

  config     files that must be refused, each quickly, with exit status 1
             and FILE:LINE and the reason (a directory, /dev/zero, NUL
             bytes, an over-long line, group source MACs, an empty file
             without --allow-empty, errors in the records, IPv4 and
             IPv6 routes alike); files that must start (4,097 /32 routes
             in distinct /24s and 4,097 /128s; an empty file with
             --allow-empty).
  telemetry  /l3fwd/reload, /l3fwd/tenant and /l3fwd/flows take plain
             digits only (no sign, no blank, no wrap-around); every reply is JSON in UTF-8
             whatever bytes the file holds; a reload whose file cannot be
             read, or is refused part-way, changes nothing.

Usage: input_test.py BINARY TEST
"""

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import telemetry  # noqa: E402

EAL = ['--no-huge', '--no-pci', '-m', '512', '-l', '0-1',
       '--log-level=lib.eal:warning', '--log-level=lib.telemetry:warning']
# Bounds for a process that hangs or grows: liveness, not performance.
RUN_TIMEOUT_S = 30
MEMORY_CAP = 4 << 30


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def cap_memory():
    """A file read without end must fail in the child, not exhaust the
    machine (EAL's -m 512 stays far below the cap)."""
    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_CAP, MEMORY_CAP))


def capped(binary):
    """Popen arguments that bound the child's memory. AddressSanitizer maps
    terabytes of shadow, beyond any RLIMIT_DATA: its own allocator is
    bounded instead."""
    with open(binary, 'rb') as f:
        asan = b'__asan_init' in f.read()
    if not asan:
        return {'preexec_fn': cap_memory}
    env = dict(os.environ)
    env['ASAN_OPTIONS'] = ':'.join(filter(None, [
        env.get('ASAN_OPTIONS'), 'allocator_may_return_null=1',
        'max_allocation_size_mb=1024']))
    return {'env': env}


def run(binary, name, args, ports=1):
    """Run l3fwd-mim to its end; (status, stdout, stderr)."""
    eal = EAL + [f'--file-prefix=l3fwd_input_{name}_{os.getpid()}',
                 '--no-shconf'] + [f'--vdev=net_ring{i}' for i in range(ports)]
    p = subprocess.run([binary] + eal + ['--'] + args, capture_output=True,
                       timeout=RUN_TIMEOUT_S, **capped(binary))
    return (p.returncode, p.stdout.decode(errors='replace'),
            p.stderr.decode(errors='replace'))


NH = b'N0 0 02:00:00:00:01:00\n'
GOOD = NH + b'T100 blue\nR10.0.0.0/8 0 blue\n'

# (label, file contents, line, reason).
REFUSED = [
    ('a broadcast source MAC', b'N0 0 02:00:00:00:01:00 ff:ff:ff:ff:ff:ff\n'
     b'T100 blue\n', 1,
     'source MAC ff:ff:ff:ff:ff:ff: not a unicast address (broadcast)'),
    ('a multicast source MAC', NH + b'N1 0 02:00:00:00:01:01 '
     b'01:00:5e:00:00:01\nT100 blue\n', 2,
     'source MAC 01:00:5e:00:00:01: not a unicast address (multicast'),
    ('a zero source MAC', b'N0 0 02:00:00:00:01:00 00:00:00:00:00:00\n'
     b'T100 blue\n', 1,
     'source MAC 00:00:00:00:00:00: not a unicast address (all zero)'),
    ('text after a NUL byte', NH + b'T100 blue\x00 this text after a NUL\n',
     2, 'NUL byte at column 10'),
    ('an over-long line', NH + b'#' + b'x' * 5000 + b'\nT100 blue\n', 2,
     'line longer than 1024 characters'),
    ('a file without tenants', NH + b'R10.0.0.0/8 0 blue\n', None,
     'no tenant (T record)'),
    ('an empty file', b'', None, 'no tenant (T record)'),
    ('a route to an undefined next hop', GOOD + b'#\nR10.1.0.0/16 9 blue\n',
     5, 'route to undefined next hop 9 (no N9 record)'),
    ('a route given twice', GOOD + b'R10.1.0.0/16 0 blue\nR10.0.0.0/8 0 blue\n',
     5, 'route 10.0.0.0/8 of table blue given twice (first at line 3)'),
    ('a next hop given twice', NH + NH + b'T100 blue\n', 2,
     'next hop 0 defined twice (first at line 1)'),
    ('a next hop on a port that does not exist', GOOD +
     b'N1 5 02:00:00:00:01:01\n', 4, 'next hop 1: no port 5 (1 ports)'),
    ('a byte 0xff as record', GOOD + b'\xffT200 blue\n', 4,
     'unknown record: byte 0xff'),
    ('a non-ASCII table name', NH + b'T100 blu\xc3\xa9\n', 2, "table name 'blu"),
    ('an IPv4 prefix length of 33', GOOD + b'R10.0.0.0/33 0 blue\n', 4,
     "prefix length '33': 0 to 32"),
    # IPv6 routes: the same checks.
    ('two :: in an IPv6 address', GOOD + b'R2001:db8::1::/64 0 blue\n', 4,
     "route address '2001:db8::1::' malformed"),
    ('nine IPv6 groups', GOOD + b'R2001:db8:0:0:0:0:0:0:0/64 0 blue\n', 4,
     "route address '2001:db8:0:0:0:0:0:0:0' malformed"),
    ('an IPv6 zone index', GOOD + b'R2001:db8::%eth0/64 0 blue\n', 4,
     "route address '2001:db8::%eth0' malformed"),
    ('an IPv6 prefix length of 129', GOOD + b'R2001:db8::/129 0 blue\n', 4,
     "prefix length '129': 0 to 128"),
    ('a signed IPv6 prefix length', GOOD + b'R2001:db8::/-1 0 blue\n', 4,
     "prefix length '-1': 0 to 128"),
    ('no IPv6 prefix length', GOOD + b'R2001:db8::/ 0 blue\n', 4,
     "prefix length '': 0 to 128"),
    ('IPv6 host bits', GOOD + b'R2001:db8::1/64 0 blue\n', 4,
     'route 2001:db8::1/64 has host bits set'),
    ('IPv6 host bits inside a byte', GOOD + b'R2001:db8:1::/31 0 blue\n', 4,
     'route 2001:db8:1::/31 has host bits set'),
    ('an IPv6 route to an undefined next hop',
     GOOD + b'R2001:db8::/32 7 blue\n', 4,
     'route to undefined next hop 7 (no N7 record)'),
    ('an IPv6 route given twice', GOOD + b'R2001:db8::/32 0 blue\n'
     b'R2001:db8:0::/32 0 blue\n', 5,
     'route 2001:db8::/32 of table blue given twice (first at line 4)'),
    ('an IPv6 route without table', GOOD + b'R2001:db8::/32 0\n', 4,
     'route: R<addr>/<depth> <nexthop> <table>'),
]


def write(path, data):
    """Replace path atomically (a reload sees the old file or the new)."""
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, path)


def long_routes_config():
    """4,097 /32 routes, each in a /24 of its own, and as many /128s."""
    lines = [b'N0 0 02:00:00:00:01:00', b'T100 blue']
    for i in range(4097):
        lines.append(b'R10.%d.%d.1/32 0 blue' % (i >> 8, i & 255))
        lines.append(b'R2001:db8:%x::1/128 0 blue' % i)
    return b'\n'.join(lines) + b'\n'


def test_config(binary, workdir):
    conf = os.path.join(workdir, 'l3fwd.conf')
    errors = []
    for label, data, line, reason in REFUSED:
        write(conf, data)
        st, out, err = run(binary, 'config', ['-f', conf, '--max-idle-ms', '50'])
        where = f'{conf}:{line}: ' if line else f'{conf}: '
        if st != 1 or f'l3fwd-mim: {where}{reason}' not in err:
            errors.append(f'{label}: status {st}, stderr {err.strip()!r}, '
                          f'expected {where}{reason}')
    # Files that cannot be read as text: a read error is no end of file.
    for label, path, reason in (
            ('a directory', workdir, f'{workdir}:1: cannot read: Is a directory'),
            ('/dev/zero', '/dev/zero', '/dev/zero:1: NUL byte at column 1')):
        st, out, err = run(binary, 'config', ['-f', path, '--max-idle-ms', '50'])
        if st != 1 or reason not in err:
            errors.append(f'{label}: status {st}, stderr {err.strip()!r}, '
                          f'expected {reason}')
    # An empty file is a choice: --allow-empty.
    write(conf, NH)
    st, out, err = run(binary, 'config', ['-f', conf, '--max-idle-ms', '50',
                                          '--allow-empty'])
    if st != 0 or '0 tenants' not in out:
        errors.append(f'--allow-empty: status {st}, {out!r} {err!r}')
    # Long prefixes spread wide: no fixed-size second level to run out of.
    write(conf, long_routes_config())
    st, out, err = run(binary, 'config', ['-f', conf, '--max-idle-ms', '50'])
    if st != 0 or '1 tenants' not in out:
        errors.append(f'4097 /32 routes in distinct /24s and 4097 /128s: '
                      f'status {st}, {err.strip()!r}')
    check(not errors, '\n'.join(errors))
    print(f'config: {len(REFUSED) + 2} files refused with their line, '
          f'2 started')


class App:
    """l3fwd-mim with telemetry, forwarding nothing, until stopped."""

    def __init__(self, binary, workdir, conf):
        self.prefix = f'l3fwd_input_tel_{os.getpid()}'
        cmd = [binary] + EAL + [f'--file-prefix={self.prefix}',
                                '--vdev=net_ring0', '--', '-f', conf]
        self.log = open(os.path.join(workdir, 'app.log'), 'w+')
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log,
                                     **capped(binary))
        self.tel = telemetry.Telemetry(self.prefix,
                                       alive=lambda: self.proc.poll() is None)
        # The commands are registered once setup is complete.
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while self.cmd('/l3fwd/stats') is None:
            check(time.monotonic() < deadline and self.proc.poll() is None,
                  'l3fwd-mim did not start:\n' + self.output())
            time.sleep(0.05)

    def raw(self, command):
        """The reply's bytes, which must be JSON in UTF-8."""
        self.tel.sock.send(command.encode())
        data = self.tel.sock.recv(self.tel.max_output)
        try:
            reply = json.loads(data.decode('utf-8'))
        except ValueError as e:
            raise Failure(f'reply to {command!r} is not JSON in UTF-8 ({e}): '
                          f'{data!r}')
        return reply[command.split(',', 1)[0]]

    cmd = raw

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        self.tel.close()
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failure('l3fwd-mim did not stop')
        finally:
            shutil.rmtree(telemetry.runtime_dir(self.prefix),
                          ignore_errors=True)


TEL_CONF = NH + b'T100 blue\nT200 green\nR10.0.0.0/8 0 blue\n' \
    b'R10.0.0.0/8 0 green\n'

# Parameters that are not plain digits of a tenant: each must be refused.
BAD_TENANTS = ['-18446744073709551516', ' 100', '+100', '100 ', '0x64',
               '65536', '18446744073709551716', '99999999999999999999', '',
               '1e2', '100\t']

# Files a reload must refuse, changing nothing: (label, contents, reason).
BAD_RELOADS = [
    ('a non-ASCII table name', NH + b'T100 blu\xc3\xa9\n', ':2: table name'),
    ('a 0xff record', b'\xff' + TEL_CONF, ':1: unknown record'),
    ('control bytes', NH + b'T100 b\x01l\x1bue\n', ':2: table name'),
    ('quotes and backslashes', NH + b'T100 "bl\\ue"\n', ':2: table name'),
    ('a NUL byte part-way', TEL_CONF + b'R10.9.0.0/16 0 blue\x00junk\n',
     ':6: NUL byte at column 20'),
    ('an over-long line part-way', TEL_CONF + b'#' + b'y' * 2000 + b'\n',
     ':6: line longer than 1024'),
    ('an empty file', b'', 'no tenant (T record)'),
]


def tenant_state(app):
    return {t: app.cmd(f'/l3fwd/tenant,{t}') for t in (100, 200)}


def test_telemetry(binary, workdir):
    conf = os.path.join(workdir, 'l3fwd.conf')
    write(conf, TEL_CONF)
    app = App(binary, workdir, conf)
    errors = []
    try:
        before = tenant_state(app)
        check(before[100]['present'] and before[200]['present'],
              f'tenants not loaded: {before}')
        for p in BAD_TENANTS:
            for c in ('/l3fwd/reload', '/l3fwd/tenant', '/l3fwd/flows'):
                r = app.cmd(f'{c},{p}')
                if r is not None:
                    errors.append(f'{c},{p!r} accepted: {r}')
        r = app.cmd('/l3fwd/flows,100')
        if r is None or r.get('status') != 'no flow tables (--flows)':
            errors.append(f'/l3fwd/flows without --flows: {r}')
        if tenant_state(app) != before:
            errors.append(f'a refused parameter changed a tenant: {before} '
                          f'then {tenant_state(app)}')
        for label, data, reason in BAD_RELOADS:
            write(conf, data)
            try:
                r = app.cmd('/l3fwd/reload,100')
            except Failure as e:
                errors.append(f'{label}: {e}')
                continue
            if r is None or r.get('status') != 'error' or \
                    reason not in r.get('error', ''):
                errors.append(f'{label}: reply {r}, expected an error '
                              f'saying {reason!r}')
        # The file replaced by a directory: a read error, not an end.
        os.unlink(conf)
        os.mkdir(conf)
        r = app.cmd('/l3fwd/reload,100')
        os.rmdir(conf)
        if r is None or r.get('status') != 'error' or \
                'cannot read: Is a directory' not in r.get('error', ''):
            errors.append(f'a directory: reply {r}')
        if tenant_state(app) != before:
            errors.append(f'a refused reload changed a tenant: {before} '
                          f'then {tenant_state(app)}')
        # The good file again: the reload goes through.
        write(conf, TEL_CONF)
        r = app.cmd('/l3fwd/reload,100')
        if r is None or r.get('status') != 'ok' or \
                r['table_id'] == before[100]['table_id']:
            errors.append(f'reload of the good file: {r}')
        r = app.cmd('/l3fwd/reload,0100')
        if r is None or r.get('status') != 'ok' or r['tenant'] != 100:
            errors.append(f'0100 is tenant 100: {r}')
    finally:
        st = app.stop()
    if st != 0:
        errors.append(f'l3fwd-mim exited with {st}:\n{app.output()}')
    check(not errors, '\n'.join(errors))
    print(f'telemetry: {2 * len(BAD_TENANTS)} parameters and '
          f'{len(BAD_RELOADS) + 1} files refused, every reply JSON, nothing '
          f'changed')


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ('config', 'telemetry'):
        print(__doc__, file=sys.stderr)
        return 2
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix=f'l3fwd-mim-input-{sys.argv[2]}-')
    try:
        (test_config if sys.argv[2] == 'config' else test_telemetry)(
            binary, workdir)
    except Failure as e:
        print(f'FAIL: {e}', file=sys.stderr)
        print(f'work directory kept: {workdir}')
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
