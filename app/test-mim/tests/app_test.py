#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Tests of the test-mim application (meson test --suite app).

    app_test.py TEST-MIM-EXECUTABLE TEST

TEST is one of: script, stdin, json, bad_input, prompt, telemetry, workers,
btf.
Each test starts test-mim without hugepages or PCI devices, with its own
--file-prefix, and bounds every wait (no timing assertion: a bound that
runs out is a failure to make progress, reported as such).

Exit status: 0 passed, 1 failed, 77 skipped.
"""

import json
import os
import pty
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 30  # seconds for one test-mim run

EXE = None


class Failure(Exception):
    """A check failed."""


def check(cond, msg):
    """Fail the test with msg unless cond holds."""
    if not cond:
        raise Failure(msg)


def eal_args(name, shconf=False):
    """EAL arguments: no hugepages, no PCI, a file prefix of our own."""
    args = ['--no-huge', '--no-pci', '-m', '512', '-l', '0-1',
            '--file-prefix=mim_app_%s_%d' % (name, os.getpid()),
            '--log-level=lib.eal:warning', '--log-level=lib.telemetry:error']
    if not shconf:
        args.append('--no-shconf')
    return args


def run(name, app_args, stdin=None, shconf=False):
    """Run test-mim to completion; returns (status, stdout, stderr)."""
    p = subprocess.run([EXE] + eal_args(name, shconf) + ['--'] + app_args,
                       input=stdin, capture_output=True, text=True,
                       timeout=TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def script_path(name):
    return os.path.join(HERE, name)


def command_lines(path):
    """(line number, text) of the lines of a script that are commands."""
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            s = line.strip()
            if s and not s.startswith('#'):
                out.append((n, s))
    return out


def json_docs(text):
    """The documents of --json output: one per line, each must parse."""
    docs = []
    for i, line in enumerate(text.splitlines(), 1):
        try:
            docs.append(json.loads(line))
        except ValueError as e:
            raise Failure('output line %d is not JSON (%s): %r' % (i, e, line))
    return docs


# ---- (a) a script of good commands, from a file and from stdin -------------

SESSION_LINES = [
    "created hash table 'tmpl' (id 1)",
    "created hash_of_tables table 'vnis' (id 2)",
    "created hash table 'tenant_a' (id 3)",
    "created hash table 'tenant_b' (id 4)",
    "slot 64000000: inner table 'tenant_a' (id 3)",
    "slot c8000000: inner table 'tenant_b' (id 4)",
    "error (expected): update 'vnis' (id 2): inner table 'wide' (id 5): "
    "key_size 8 != template key_size 4 (EINVAL)",
    "closed a handle of table 'tenant_a' (id 3): still held by 1 reference (0 handles)",
    "slot 64000000: inner table 'tenant_a2' (id 6), replacing 'tenant_a' (id 3) "
    "(its last reference: released after a grace period)",
    "key: 64000000  inner: 'tenant_a2' (id 6), hash, 1 entry",
    "key: 0a000001  value: 0900000000000000",
    "2: hash_of_tables  name vnis  flags 0x0",
    "\ttemplate hash  key 4B  value 8B  max_entries 1024  flags 0x0  (from id 1)",
    "\tsocket any  updates 3  deletes 0  replacements 1",
    "table 'vnis' (id 2): hash_of_tables  key 4B  value 4B  max_entries 64  entries 2",
    "Found 2 inner tables holding 2 elements",
    "released 1, pending 0",
]


def check_session_text(out):
    """The text output of session.cmd."""
    lines = out.splitlines()
    for want in SESSION_LINES:
        check(want in lines, 'missing output line: %r\n--- output:\n%s' % (want, out))
    # tenant_a (id 3) is gone from the list once replaced: it had no handle.
    check(not any(l.startswith('3: hash') for l in lines),
          'table 3 still listed after its replacement:\n' + out)
    # The recursive dump: each slot followed by its inner table's elements,
    # in rte_hash order (whichever slot comes first).
    i = lines.index("table 'vnis' (id 2): hash_of_tables  key 4B  value 4B  "
                    "max_entries 64  entries 2")
    dump = lines[i + 1:i + 5]
    pairs = {dump[0]: dump[1], dump[2]: dump[3]}
    check(pairs == {
        "key: 64000000  inner: 'tenant_a2' (id 6), hash, 1 entry":
            "    key: 0a000001  value: 0900000000000000",
        "key: c8000000  inner: 'tenant_b' (id 4), hash, 1 entry":
            "    key: 0a000001  value: 0300000000000000",
    }, 'recursive dump:\n' + '\n'.join(dump))
    # Before reclaim the replaced table waits for readers.
    check(any(l.startswith('rcu: mode dq  vars 1') and ' pending 1 (' in l
              for l in lines), 'show stats does not show 1 pending release:\n' + out)


def failing_script():
    """A script whose third command fails: the run must stop there."""
    return ('create hash t key 4 value 4 entries 8\n'
            'update t 01000000 02000000\n'
            'update t 01000000 0200\n'
            'create hash after key 4 value 4 entries 8\n')


def test_script():
    st, out, err = run('script', ['--cmdline-file', script_path('session.cmd')])
    check(st == 0, 'session.cmd: status %d\n%s%s' % (st, out, err))
    check('error:' not in err, 'unexpected error: ' + err)
    check_session_text(out)

    path = os.path.join(os.environ.get('TMPDIR', '/tmp'),
                        'mim_app_fail_%d.cmd' % os.getpid())
    with open(path, 'w') as f:
        f.write(failing_script())
    try:
        st, out, err = run('script_fail', ['--cmdline-file', path])
    finally:
        os.unlink(path)
    check(st == 1, 'a failing script exits with %d, not 1' % st)
    check('%s:3: error: value \'0200\': 2 bytes, but table \'t\' (id 1) has value_size 4'
          % path in err, 'reason of the failure missing: ' + err)
    check("'after'" not in out, 'the script ran on after its failure:\n' + out)


def test_stdin():
    with open(script_path('session.cmd')) as f:
        session = f.read()
    st, out, err = run('stdin', [], stdin=session)
    check(st == 0, 'session on stdin: status %d\n%s%s' % (st, out, err))
    check_session_text(out)
    st2, out2, _ = run('stdin_file', ['--cmdline-file', script_path('session.cmd')])
    check(st2 == 0 and out2 == out,
          'stdin and --cmdline-file outputs differ:\n%s\n---\n%s' % (out, out2))

    st, out, err = run('stdin_fail', [], stdin=failing_script())
    check(st == 1, 'a failing stdin script exits with %d, not 1' % st)
    check("<stdin>:3: error: value '0200'" in err, 'reason missing: ' + err)
    check("'after'" not in out, 'the script ran on after its failure')


# ---- (b) --json ------------------------------------------------------------

def test_json():
    path = script_path('session.cmd')
    st, out, err = run('json', ['--json', '--cmdline-file', path])
    check(st == 0, 'session --json: status %d\n%s' % (st, err))
    docs = json_docs(out)
    cmds = command_lines(path)
    check(len(docs) == len(cmds), '%d documents for %d commands' % (len(docs), len(cmds)))
    by_cmd = dict(zip((c for _, c in cmds), docs))

    check(by_cmd['create hash_of_tables vnis key 4 value 4 entries 64 template tmpl']
          == {'id': 2, 'name': 'vnis', 'type': 'hash_of_tables'}, 'create document')
    rej = by_cmd['expect-error update vnis 2c010000 wide']
    check(rej.get('expected') is True and
          'key_size 8 != template key_size 4' in rej.get('error', ''),
          'template rejection document: %r' % rej)
    rep = by_cmd['update vnis 64000000 tenant_a2']
    check(rep['inner']['name'] == 'tenant_a2' and rep['replaced']['id'] == 3
          and rep['replaced_released'] is True, 'replacement document: %r' % rep)
    look = by_cmd['lookup vnis 64000000']
    check(look == {'key': '64000000', 'value': 6,
                   'inner': {'id': 6, 'name': 'tenant_a2', 'type': 'hash'}},
          'outer lookup document: %r' % look)
    tables = by_cmd['show tables']
    check([t['id'] for t in tables] == [1, 2, 4, 5, 6], 'show tables ids')
    vnis = [t for t in tables if t['name'] == 'vnis'][0]
    check(vnis['template'] == {'type': 'hash', 'key_size': 4, 'value_size': 8,
                               'max_entries': 1024, 'map_flags': 0,
                               'btf_key_type_id': 0, 'btf_value_type_id': 0}
          and vnis['inner_id'] == 1 and vnis['entries'] == 2,
          'template in show tables: %r' % vnis)
    check(by_cmd['show table vnis']['replacements'] == 1, 'show table counters')
    dump = by_cmd['dump vnis']
    slots = {e['key']: e['inner'] for e in dump['elements']}
    check(set(slots) == {'64000000', 'c8000000'}, 'dump slots %r' % slots)
    check(slots['64000000']['name'] == 'tenant_a2' and
          slots['64000000']['elements'] == [{'key': '0a000001',
                                             'value': '0900000000000000'}],
          'dump of tenant_a2: %r' % slots['64000000'])
    check(slots['c8000000']['elements'] == [{'key': '0a000001',
                                             'value': '0300000000000000'}],
          'dump of tenant_b')
    stats = by_cmd['show stats']
    check(stats['rcu']['pending'] == 1 and stats['replacements'] == 1,
          'stats: %r' % stats)
    check(by_cmd['reclaim'] == {'released': 1, 'pending': 0}, 'reclaim document')
    check(by_cmd['update tenant_a 0a000001 0100000000000000'] is None,
          'a command with nothing to say prints null')

    # Every type's key and value formats.
    path = script_path('formats.cmd')
    st, out, err = run('json_formats', ['--json', '--cmdline-file', path])
    check(st == 0, 'formats --json: status %d\n%s' % (st, err))
    docs = json_docs(out)
    cmds = command_lines(path)
    check(len(docs) == len(cmds), '%d documents for %d commands' % (len(docs), len(cmds)))
    d = dict(zip((c for _, c in cmds), docs))
    check(d['lookup arr 2'] == {'key': 2, 'value': 'deadbeef'}, 'array lookup')
    check(d['iterate arr'] == {'id': 1, 'keys': [0, 1, 2, 3]}, 'array iterate')
    ports = d['dump ports']
    check([e['key'] for e in ports['elements']] == [3, 5] and
          ports['empty_slots'] == 6, 'array of tables dump: %r' % ports)
    check(ports['elements'][0]['inner']['elements'][15] ==
          {'key': 15, 'value': 'cafef00d'}, 'inner array element')
    # Commands that appear twice: in order.
    twice = [doc for (_, c), doc in zip(cmds, docs) if c == 'lookup routes 10.1.2.3']
    check([t['value'] for t in twice] == ['02000000', '01000000'],
          'lpm lookups before and after the delete of 10.1.0.0/16: %r' % twice)
    check(d['lookup routes 192.168.0.1'] == {'key': '192.168.0.1/32',
                                             'value': 'ff000000'}, 'lpm /0')
    check(d['lookup routes 10.1.0.0/8']['value'] == '01000000',
          'lpm lookup bounded by prefixlen')
    check(sorted(e['key'] for e in d['dump routes']['elements']) ==
          ['0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16'], 'lpm dump')
    check(d['create hash - key 2 value 2 entries 4']['name'] == '',
          'anonymous table')
    check(d['open arr']['handles'] == 2 and d['close arr']['handles'] == 1 and
          d['close arr']['released'] is False, 'open/close')
    check(d['delete ports 5']['removed']['name'] == 'arr', 'delete from outer')
    check(d['help create']['commands'][0].startswith('create <type>'), 'help')

    # --pretty: several lines per document, still a valid stream.
    st, out, err = run('json_pretty', ['--pretty', '--cmdline-file',
                                       script_path('session.cmd')])
    check(st == 0, 'session --pretty: status %d' % st)
    dec, pos, n = json.JSONDecoder(), 0, 0
    while pos < len(out):
        while pos < len(out) and out[pos].isspace():
            pos += 1
        if pos == len(out):
            break
        _, pos = dec.raw_decode(out, pos)
        n += 1
    check(n == len(command_lines(script_path('session.cmd'))),
          '--pretty: %d documents' % n)


# ---- (c) bad input ---------------------------------------------------------

def test_bad_input():
    path = script_path('bad_input.cmd')
    st, out, err = run('bad_input', ['--json', '--continue-on-error',
                                     '--cmdline-file', path])
    check(st == 1, 'bad input: status %d, not 1' % st)
    docs = json_docs(out)
    lines = command_lines(path)
    with open(path) as f:
        text = f.read().splitlines()
    first = text.index('# BAD lines from here') + 1
    last = text.index('# BAD lines end here') + 1
    bad = {n: s for n, s in lines if first < n < last}
    check(len(bad) > 50, 'only %d bad lines' % len(bad))

    errors = [d for d in docs if isinstance(d, dict) and 'error' in d]
    got = [e['line'] for e in errors]
    check(sorted(got) == sorted(bad), 'lines rejected %r, expected %r' %
          (sorted(set(got) ^ set(bad)), 'each bad line once'))
    for e in errors:
        check(len(e['error']) > 10, 'line %d: no reason: %r' % (e['line'], e))
    # The text of stderr names each line too.
    for n in bad:
        check(re.search(r'bad_input\.cmd:%d: error: \S' % n, err),
              'stderr has no error for line %d' % n)
    # Nothing changed: the state after equals the state before.
    nstate = 5
    i = docs.index(errors[0])
    before = docs[i - nstate:i]
    after = docs[-nstate:]
    check(before == after, 'state changed:\n%s\n---\n%s' %
          (json.dumps(before), json.dumps(after)))
    check(before[0] and before[1]['elements'] and before[3]['elements'],
          'the state shown is empty')


# ---- (d) the interactive prompt through a pseudo terminal ------------------

class Prompt:
    """test-mim on a pseudo terminal."""

    def __init__(self):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execv(EXE, [EXE] + eal_args('prompt') + ['--'])
        self.out = b''

    def expect(self, text, timeout=15):
        """Read until text appears after the current mark."""
        end = time.time() + timeout
        while text.encode() not in self.out[self.mark:]:
            left = end - time.time()
            check(left > 0, 'no %r on the terminal; got:\n%s' %
                  (text, self.out[self.mark:].decode(errors='replace')))
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    data = b''
                check(data, 'test-mim exited; got:\n' +
                      self.out.decode(errors='replace'))
                self.out += data
        self.mark = self.out.index(text.encode(), self.mark) + len(text)

    def type(self, keys):
        os.write(self.fd, keys.encode())

    mark = 0


def test_prompt():
    p = Prompt()
    try:
        p.expect('test-mim> ')
        # TAB completes a command, then the help of the next token.
        p.type('cre\t')
        p.expect('create ')
        p.type('hash t1 key 4 value 8 entries 8\r')
        p.expect("created hash table 't1' (id 1)")
        p.expect('test-mim> ')
        # Table names complete too.
        p.type('update t\t')
        p.expect('update t1 ')
        p.type('01000000 0200000000000000\r')
        p.expect('test-mim> ')
        p.type('lookup t1 01000000\r')
        p.expect('key: 01000000  value: 0200000000000000')
        p.expect('test-mim> ')
        # '?' lists the choices with their help.
        p.type('show ?')
        p.expect('show stats: library counters')
        p.type('tables\r')
        p.expect('1: hash  name t1  flags 0x0')
        p.expect('test-mim> ')
        # help lists every command.
        p.type('help\r')
        for cmd in ('create <type>', 'update <table>', 'show tables',
                    'dump <table>', 'workers start', 'reclaim', 'quit'):
            p.expect(cmd)
        p.expect('test-mim> ')
        # A malformed line: the library's cmdline says so, test-mim adds usage.
        p.type('update t1 01\r')
        p.expect('Bad arguments')
        p.expect('usage:')
        p.expect('update <table> <key> <value>')
        p.expect('test-mim> ')
        # A bad value: the reason.
        p.type('update t1 01000000 zz\r')
        p.expect("error: value 'zz': 'z' (character 1) is not a hex digit")
        p.expect('test-mim> ')
        # History: five lines back is the lookup.
        p.type('\x1b[A' * 5)
        p.expect('lookup t1 01000000')
        p.type('\r')
        p.expect('key: 01000000  value: 0200000000000000')
        p.expect('test-mim> ')
        p.type('quit\r')
        end = time.time() + TIMEOUT
        while True:
            pid, status = os.waitpid(p.pid, os.WNOHANG)
            if pid:
                break
            check(time.time() < end, 'test-mim did not quit')
            try:
                os.read(p.fd, 4096)
            except OSError:
                pass
            time.sleep(0.05)
        check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0,
              'prompt exit status %r' % status)
    finally:
        try:
            os.kill(p.pid, signal.SIGKILL)
            os.waitpid(p.pid, 0)
        except OSError:
            pass


# ---- (e) telemetry ---------------------------------------------------------

def runtime_dir(prefix):
    """DPDK's runtime directory of a file prefix."""
    if os.geteuid() == 0:
        base = '/var/run/dpdk'
    else:
        base = os.path.join(os.environ.get('XDG_RUNTIME_DIR', '/tmp'), 'dpdk')
    return os.path.join(base, prefix)


class Running:
    """test-mim reading commands from a pipe, one JSON document per command."""

    def __init__(self, name):
        args = eal_args(name, shconf=True)
        self.prefix = [a for a in args if a.startswith('--file-prefix=')][0][14:]
        self.p = subprocess.Popen([EXE] + args + ['--', '--json'],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.buf = b''

    def cmd(self, line):
        """Run one command; returns its JSON document (one output line)."""
        os.write(self.p.stdin.fileno(), (line + '\n').encode())
        end = time.time() + TIMEOUT
        while b'\n' not in self.buf:
            left = end - time.time()
            check(left > 0, 'no answer to %r' % line)
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                data = os.read(self.p.stdout.fileno(), 65536)
                check(data, 'test-mim exited at %r (status %r)' %
                      (line, self.p.poll()))
                self.buf += data
        out, self.buf = self.buf.split(b'\n', 1)
        return json.loads(out)

    def quit(self):
        os.write(self.p.stdin.fileno(), b'quit\n')
        self.p.stdin.close()
        st = self.p.wait(TIMEOUT)
        check(st == 0, 'exit status %d' % st)


class Telemetry:
    """A client of DPDK's telemetry socket (dpdk-telemetry.py's protocol)."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.settimeout(TIMEOUT)
        self.s.connect(path)
        self.info = json.loads(self.s.recv(16384))

    def query(self, cmd):
        self.s.send(cmd.encode())
        reply = json.loads(self.s.recv(16384))
        key = cmd.split(',')[0]
        check(list(reply) == [key], 'reply to %s: %r' % (cmd, reply))
        return reply[key]


def test_telemetry():
    app = Running('telemetry')
    try:
        app.cmd('create hash tmpl key 4 value 8 entries 1024')
        app.cmd('create hash_of_tables vnis key 4 value 4 entries 64 template tmpl')
        app.cmd('create hash tenant_a key 4 value 8 entries 16')
        app.cmd('update tenant_a 0a000001 0100000000000000')
        app.cmd('update vnis 64000000 tenant_a')
        app.cmd('create hash tenant_b key 4 value 8 entries 16')
        app.cmd('update vnis 64000000 tenant_b')   # a replacement, pending
        app.cmd('close tenant_a')

        path = os.path.join(runtime_dir(app.prefix), 'dpdk_telemetry.v2')
        end = time.time() + TIMEOUT
        while not os.path.exists(path):
            check(time.time() < end, 'no telemetry socket %s' % path)
            time.sleep(0.05)
        tel = Telemetry(path)
        check(tel.info.get('max_output_len', 0) > 0, 'telemetry hello %r' % tel.info)

        check(tel.query('/mim/list') ==
              {'1': 'tmpl', '2': 'vnis', '4': 'tenant_b'}, '/mim/list')
        check(tel.query('/mim/list,1') == {'2': 'vnis', '4': 'tenant_b'},
              '/mim/list,1')
        for ref in ('2', 'vnis'):
            info = tel.query('/mim/info,' + ref)
            mine = app.cmd('show table vnis')
            for field in ('id', 'type', 'name', 'key_size', 'value_size',
                          'max_entries', 'map_flags', 'socket_id', 'refcnt',
                          'handles', 'memzones', 'mem_bytes', 'inner_id'):
                check(info[field] == mine[field], '/mim/info,%s %s: %r != %r' %
                      (ref, field, info[field], mine[field]))
            check(info['nb_entries'] == 1 and info['nb_replacements'] == 1,
                  '/mim/info counters: %r' % info)
            check(info['template'] == mine['template'] and
                  info['btf_key_type_id'] == mine['btf_key_type_id'] == 0,
                  '/mim/info template: %r' % info)
        check(tel.query('/mim/info,99') is None, '/mim/info of no table')
        check(tel.query('/mim/info') is None, '/mim/info without a table')
        stats = tel.query('/mim/stats')
        mine = app.cmd('show stats')
        check(stats['nb_tables'] == 3 and stats['nb_created'] == 4 and
              stats['nb_replacements'] == 1, '/mim/stats: %r' % stats)
        check(stats['rcu']['pending'] == 1 == mine['rcu']['pending'] and
              stats['rcu']['mode'] == 'dq' and stats['rcu']['nb_vars'] == 1,
              '/mim/stats rcu: %r' % stats['rcu'])
        check(app.cmd('reclaim') == {'released': 1, 'pending': 0}, 'reclaim')
        stats = tel.query('/mim/stats')
        check(stats['rcu']['pending'] == 0 and stats['nb_destroyed'] == 1,
              '/mim/stats after reclaim: %r' % stats)
        # More tables than one reply holds: /mim/list pages with "next".
        for i in range(300):
            app.cmd('create array a%d key 4 value 4 entries 1' % i)
        listed, start, pages = {}, None, 0
        while True:
            page = tel.query('/mim/list' + ('' if start is None else ',%d' % start))
            pages += 1
            start = page.pop('next', None)
            check(len(page) <= 255, '/mim/list page of %d tables' % len(page))
            listed.update(page)
            if start is None:
                break
            check(pages < 10, '/mim/list does not end')
        check(pages == 2 and len(listed) == 303 and listed['304'] == 'a299',
              '/mim/list paging: %d pages, %d tables' % (pages, len(listed)))
        for cmd in ('/mim/list', '/mim/info', '/mim/stats'):
            h = tel.query('/help,' + cmd)
            check(len(h.get(cmd, '')) > 20, 'help of %s: %r' % (cmd, h))
        check('/mim/info' in tel.query('/'), 'commands listed by /')
        app.quit()
    finally:
        if app.p.poll() is None:
            app.p.kill()
            app.p.wait()


# ---- workers ---------------------------------------------------------------

def wait_lookups(app, n):
    """Poll show workers until the workers made n lookups (bounded)."""
    end = time.time() + TIMEOUT
    while True:
        st = app.cmd('show workers')
        if st['lookups'] >= n:
            return st
        check(time.time() < end, 'workers made no progress: %r' % st)
        time.sleep(0.02)


def wait_released(app):
    """Poll reclaim until nothing is pending: every reader passed a
    quiescent state after the last retirement (bounded)."""
    end = time.time() + TIMEOUT
    while app.cmd('reclaim')['pending'] != 0:
        check(time.time() < end, 'releases stay pending with workers running')
        time.sleep(0.02)


def test_workers():
    app = Running('workers')
    try:
        app.cmd('create hash tmpl key 4 value 8 entries 1024')
        app.cmd('create hash_of_tables vnis key 4 value 4 entries 64 template tmpl')
        for t, v in (('tenant_a', '01'), ('tenant_b', '02')):
            app.cmd('create hash %s key 4 value 8 entries 64' % t)
            for k in range(8):
                app.cmd('update %s 0a0000%02x %s00000000000000' % (t, k, v))
        app.cmd('update vnis 64000000 tenant_a')
        app.cmd('update vnis c8000000 tenant_b')

        for mode in ('single', 'bulk'):
            st = app.cmd('workers start tenant_a %s 16' % mode)
            check(st['running'] and st['keys_sampled'] == 8 and
                  st['mode'] == mode and st['burst'] == 16, 'start: %r' % st)
            wait_lookups(app, 1000)
            st = app.cmd('workers stop')
            check(not st['running'] and st['lookups'] >= 1000 and
                  st['hits'] == st['lookups'], '%s workers: %r' % (mode, st))

        # An IPv6 LPM table: the workers look its stored prefixes up.
        app.cmd('create lpm r6 key 20 value 4 entries 16')
        for k, v in (('2001:db8::/32', '01'), ('2001:db8:1::/48', '02'),
                     ('fd00::1', '03')):
            app.cmd('update r6 %s %s000000' % (k, v))
        st = app.cmd('workers start r6 bulk 16')
        check(st.get('running') and st.get('keys_sampled') == 3, 'IPv6 start: %r' % st)
        wait_lookups(app, 1000)
        st = app.cmd('workers stop')
        check(st['lookups'] >= 1000 and st['hits'] == st['lookups'],
              'IPv6 workers: %r' % st)

        # Nested lookups while tenant_a is replaced under the readers.
        st = app.cmd('workers start vnis nested')
        check(st['keys_sampled'] == 16 and st['mode'] == 'nested', 'nested: %r' % st)
        st = wait_lookups(app, 1000)
        check(st['hits'] == st['lookups'], 'nested hits before: %r' % st)
        app.cmd('create hash tenant_c key 4 value 8 entries 64')
        app.cmd('update tenant_c 0a000000 0300000000000000')
        app.cmd('close tenant_a')   # the slot holds its last reference
        rep = app.cmd('update vnis 64000000 tenant_c')
        check(rep['replaced']['name'] == 'tenant_a' and
              rep['replaced_released'] is True, 'replacement: %r' % rep)
        check(app.cmd('show stats')['rcu']['pending'] >= 1,
              'tenant_a released while readers may hold it')
        # Once released, every later burst sees tenant_c: 7 of its 8
        # sampled keys now miss.
        wait_released(app)
        before = app.cmd('show workers')
        st = wait_lookups(app, before['lookups'] + 64 * 1000)
        check(st['hits'] - before['hits'] < st['lookups'] - before['lookups'],
              'no misses after the replacement: %r then %r' % (before, st))
        # The workers hold a handle on vnis: closing ours keeps it alive.
        check(app.cmd('close vnis')['released'] is False, 'close under workers')
        st = app.cmd('workers stop')
        check(st['outer_misses'] == 0 and not st['running'], 'stop: %r' % st)
        # The workers' handle was the last: vnis went when they stopped.
        check(all(t['name'] != 'vnis' for t in app.cmd('show tables')),
              'vnis outlived the workers')
        app.cmd('reclaim')
        check(app.cmd('show stats')['rcu']['pending'] == 0, 'pending after stop')
        err = app.cmd('expect-error workers stop')
        check('no workers are running' in err.get('error', '') and
              err.get('expected') is True, 'second stop: %r' % err)
        app.quit()
    finally:
        if app.p.poll() is None:
            app.p.kill()
            app.p.wait()


# ---- typed output of tables with BTF ---------------------------------------

def raw_btf():
    """A raw BTF blob: u32, u16, struct flow {u32 ip; u16 port; u16 vlan;}
    and struct flow2 of the same layout with tos for vlan."""
    strs = bytearray(b'\0')

    def name(n):
        off = len(strs)
        strs.extend(n.encode() + b'\0')
        return off

    def btype(n, kind, vlen, size):
        return struct.pack('<III', name(n), kind << 24 | vlen, size)

    def member(n, type_id, bit_off):
        return struct.pack('<III', name(n), type_id, bit_off)

    types = btype('u32', 1, 0, 4) + struct.pack('<I', 32)    # 1: INT
    types += btype('u16', 1, 0, 2) + struct.pack('<I', 16)   # 2: INT
    types += btype('flow', 4, 3, 8) + member('ip', 1, 0) + \
        member('port', 2, 32) + member('vlan', 2, 48)        # 3: STRUCT
    types += btype('flow2', 4, 3, 8) + member('ip', 1, 0) + \
        member('port', 2, 32) + member('tos', 2, 48)         # 4: STRUCT
    hdr = struct.pack('<HBBIIIII', 0xeB9F, 1, 0, 24, 0, len(types),
                      len(types), len(strs))
    return hdr + types + bytes(strs)


def test_btf():
    path = os.path.join(os.environ.get('TMPDIR', '/tmp'),
                        'mim_app_%d.btf' % os.getpid())
    with open(path, 'wb') as f:
        f.write(raw_btf())
    typed = '(struct flow){.ip = (u32)16777226,.port = (u16)80,.vlan = (u16)1,}'
    script = '\n'.join([
        'create hash tmpl key 4 value 8 entries 16 btf %s key_type u32 value_type flow' % path,
        'create hash_of_tables vnis key 4 value 4 entries 4 template tmpl',
        'create hash t1 key 4 value 8 entries 16 btf %s key_type u32 value_type flow' % path,
        'update t1 01000000 0a00000150000100',
        'update vnis 64000000 t1',
        'create hash t2 key 4 value 8 entries 16 btf %s key_type u32 value_type flow2' % path,
        'expect-error update vnis c8000000 t2',
        'create hash t3 key 4 value 8 entries 16',
        'expect-error update vnis c8000000 t3',
        'dump vnis',
        'lookup t1 01000000',
        'show table t1',
        'expect-error create hash t4 key 4 value 8 entries 16 btf %s key_type u16' % path,
        'expect-error create hash t4 key 4 value 8 entries 16 btf %s key_type nosuch' % path,
        'expect-error create hash t4 key 4 value 8 entries 16 key_type u32',
    ]) + '\n'
    try:
        st, out, err = run('btf', [], stdin=script)
        check(st == 0, 'btf script: status %d\n%s%s' % (st, out, err))
        lines = out.splitlines()
        check("    key: (u32)1  value: " + typed in lines, 'typed dump:\n' + out)
        check("key: (u32)1  value: " + typed in lines, 'typed lookup:\n' + out)
        check("\tbtf  key_type 1  value_type 3" in lines, 'btf in show table:\n' + out)
        rej = [l for l in lines if l.startswith('error (expected): update')]
        check(len(rej) == 2 and "member 2 is 'tos', the template's is 'vlan'" in rej[0]
              and 't3' in rej[1], 'BTF template rejections: %r' % rej)
        check(sum(l.startswith('error (expected): create') for l in lines) == 3,
              'bad BTF options accepted:\n' + out)

        st, out, err = run('btf_json', ['--json'], stdin=script)
        check(st == 0, 'btf --json: status %d' % st)
        docs = json_docs(out)
        dump = docs[9]
        elem = dump['elements'][0]['inner']['elements'][0]
        check(elem == {'key': '01000000', 'value': '0a00000150000100',
                       'formatted': {'key': '(u32)1', 'value': typed}},
              'typed element in JSON: %r' % elem)
        check(docs[11]['btf_key_type_id'] == 1 and docs[11]['btf_value_type_id'] == 3,
              'show table btf ids: %r' % docs[11])
    finally:
        os.unlink(path)


TESTS = {
    'script': test_script,
    'stdin': test_stdin,
    'json': test_json,
    'bad_input': test_bad_input,
    'prompt': test_prompt,
    'telemetry': test_telemetry,
    'workers': test_workers,
    'btf': test_btf,
}


def test_main(prog, tests):
    """The main() of a test script: run the test argv[2] names against the
    test-mim binary argv[1]; 0 passed, 1 failed, 2 bad usage."""
    global EXE
    if len(sys.argv) != 3 or sys.argv[2] not in tests:
        print('usage: %s TEST-MIM {%s}' % (prog, ','.join(tests)), file=sys.stderr)
        return 2
    EXE = os.path.abspath(sys.argv[1])
    try:
        tests[sys.argv[2]]()
    except Failure as e:
        print('FAIL %s: %s' % (sys.argv[2], e))
        return 1
    print('PASS %s' % sys.argv[2])
    return 0


def main():
    return test_main('app_test.py', TESTS)

if __name__ == '__main__':
    sys.exit(main())
