#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Hostile input to test-mim (meson test --suite app): what a user types
must never make the output lie.

    input_test.py TEST-MIM-EXECUTABLE TEST

TEST is one of:
  json_bytes   --json on scripts whose words are not ASCII (UTF-8 cut by a
               buffer, a raw 0xff, one byte of a multi-byte character, a
               message longer than its buffer): every output line must be
               valid JSON in valid UTF-8, characters kept whole.
  expect_doc   expect-error prints one document per line whether its
               command fails or succeeds (--json and --pretty).
  options      options that do not apply are refused (tbl8 on a non-LPM
               table), a file that is not BTF is named by libbpf's reason,
               help shows the optional BTF types as optional, a
               --cmdline-file that cannot be opened exits with status 2,
               and a script that cannot be read (a directory, /dev/zero)
               fails at its line instead of ending early or never.

Exit status: 0 passed, 1 failed.
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import app_test  # noqa: E402
from app_test import Failure, check  # noqa: E402


def run_bytes(name, app_args, script):
    """Run test-mim on script (bytes) given as --cmdline-file; returns
    (status, stdout bytes, stderr bytes)."""
    with tempfile.NamedTemporaryFile(suffix='.cmd', delete=False) as f:
        f.write(script)
        path = f.name
    try:
        p = subprocess.run([app_test.EXE] + app_test.eal_args(name) + ['--'] +
                           app_args + ['--cmdline-file', path],
                           capture_output=True, timeout=app_test.TIMEOUT)
    finally:
        os.unlink(path)
    return p.returncode, p.stdout, p.stderr


def strict_docs(out):
    """One JSON document per line, each line valid UTF-8."""
    docs = []
    for i, line in enumerate(out.splitlines(), 1):
        try:
            docs.append(json.loads(line.decode('utf-8')))
        except ValueError as e:  # UnicodeDecodeError is a ValueError
            raise Failure('output line %d is not JSON in UTF-8 (%s): %r' %
                          (i, e, line))
    return docs


def stream_docs(text):
    """The documents of --pretty output (a stream, several lines each)."""
    dec, pos, docs = json.JSONDecoder(), 0, []
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            break
        doc, pos = dec.raw_decode(text, pos)
        docs.append(doc)
    return docs


def is_utf8(b):
    try:
        b.decode('utf-8')
        return True
    except ValueError:
        return False


E_ACUTE = 'é'.encode()   # two bytes, c3 a9

# (label, script line, text the error must contain, as str). The first
# three: a command name cut by its buffer inside a character, a quoted
# byte of a character, a raw 0xff.
BYTE_CASES = [
    ('command name cut inside a character', b'a' * 30 + E_ACUTE,
     "unknown command '" + 'a' * 28 + "...'"),
    ('one byte of a character quoted', b'update h 0' + E_ACUTE + b' 0000',
     "'é' (character 2) is not a hex digit"),
    ('a raw 0xff table name', b'update \xff 1 2', "table '\ufffd'"),
    ('a lone continuation byte', b'update h 0\xa9 0000',
     'byte 0xa9 (character 2) is not a hex digit'),
    ('an overlong form', b'update h 0\xc0\xaf 0000',
     'byte 0xc0 (character 2) is not a hex digit'),
    ('a surrogate', b'update \xed\xa0\x80 1 2', "table '\ufffd\ufffd\ufffd'"),
    ('a control byte', b'update h 0\x01 0000',
     'byte 0x01 (character 2) is not a hex digit'),
    ('a name quote cut inside a character', b'update a' + E_ACUTE * 40 +
     b' 1 2', "table 'a" + 'é' * 23 + "...'"),
    # Longer than the 1 KiB message buffer, cut at either parity.
    ('a message cut inside a character (even)', b'create hash x key 4 '
     b'value 4 entries 4 flags ' + E_ACUTE * 600, "flags 'éé"),
    ('a message cut inside a character (odd)', b'create hash x key 4 '
     b'value 4 entries 4 flags a' + E_ACUTE * 600, "flags 'aé"),
]


def test_json_bytes():
    setup = b'create hash h key 2 value 2 entries 4\n'
    script = setup + b''.join(line + b'\n' for _, line, _ in BYTE_CASES)
    st, out, err = run_bytes('json_bytes', ['--json', '--continue-on-error'],
                             script)
    check(st == 1, 'status %d, not 1' % st)
    docs = strict_docs(out)
    check(len(docs) == 1 + len(BYTE_CASES), '%d documents for %d lines' %
          (len(docs), 1 + len(BYTE_CASES)))
    for (label, line, want), doc in zip(BYTE_CASES, docs[1:]):
        msg = doc.get('error', '')
        check(want in msg, '%s: %r does not say %r' % (label, msg, want))
        check('\ufffd' not in msg or not is_utf8(line),
              '%s: a valid character replaced: %r' % (label, msg))
    # The text on stderr is cut between characters too: the lines about
    # input in valid UTF-8 stay valid UTF-8.
    for n, (label, line, _) in enumerate(BYTE_CASES, 2):
        if not is_utf8(line):
            continue
        for e in err.splitlines():
            if (b'.cmd:%d: error:' % n) in e:
                try:
                    e.decode('utf-8')
                except ValueError:
                    raise Failure('%s: stderr cut inside a character: %r' %
                                  (label, e))
    # The same through --pretty: a valid stream in UTF-8.
    st, out, _ = run_bytes('json_bytes_pretty', ['--pretty',
                                                 '--continue-on-error'], script)
    check(len(stream_docs(out.decode('utf-8'))) == 1 + len(BYTE_CASES),
          '--pretty stream')


def test_expect_doc():
    script = (b'create array a key 4 value 4 entries 2\n'
              b'expect-error lookup a 1\n'
              b'expect-error lookup a 7\n'
              b'expect-error frobnicate\n'
              b'expect-error show tables\n')
    st, out, _ = run_bytes('expect_doc', ['--json', '--continue-on-error'],
                           script)
    check(st == 1, 'status %d, not 1 (two expect-error lines succeed)' % st)
    docs = strict_docs(out)
    check(len(docs) == 5, '%d documents for 5 commands:\n%s' %
          (len(docs), out.decode()))
    check(docs[1] == {'error': "expect-error: 'lookup a 1' succeeded",
                      'output': {'key': 1, 'value': '00000000'}, 'line': 2},
          'expect-error on a command that succeeds: %r' % docs[1])
    check(docs[2].get('expected') is True and docs[2]['line'] == 3 and
          "lookup 'a' (id 1)" in docs[2]['error'],
          'expect-error on a command that fails: %r' % docs[2])
    check(docs[3].get('expected') is True and
          "unknown command 'frobnicate'" in docs[3]['error'],
          'expect-error on a line that does not parse: %r' % docs[3])
    check(docs[4]['output'][0]['name'] == 'a' and 'succeeded' in
          docs[4]['error'], 'expect-error show tables: %r' % docs[4])
    st, out, _ = run_bytes('expect_doc_pretty', ['--pretty',
                                                 '--continue-on-error'], script)
    pretty = stream_docs(out.decode('utf-8'))
    check(pretty == docs, '--pretty documents differ: %r' % pretty)


def test_options():
    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, 'notes.txt')
        with open(text, 'w') as f:
            f.write('not BTF\n')
        script = '\n'.join([
            'expect-error create array a key 4 value 4 entries 4 tbl8 5',
            'expect-error create hash h key 4 value 4 entries 4 tbl8 5',
            'expect-error create hash h key 4 value 8 entries 4 btf %s key_type 1' % text,
            'expect-error create hash h key 4 value 8 entries 4 btf /dev/zero',
            'expect-error create hash h key 4 value 8 entries 4 btf %s' % tmp,
            'expect-error create hash h key 4 value 8 entries 4 btf %s/none' % tmp,
            'create lpm l key 8 value 4 entries 4 tbl8 5',
            'help create',
        ]).encode() + b'\n'
        st, out, err = run_bytes('options', ['--json'], script)
    check(st == 0, 'status %d:\n%s' % (st, err.decode()))
    docs = strict_docs(out)
    for d in docs[0:2]:
        check(d.get('expected') is True and 'tbl8 applies to lpm tables only'
              in d['error'], 'tbl8 on a non-LPM table: %r' % d)
    btf = [d['error'] for d in docs[2:6]]
    check('BPF object format invalid' in btf[0] and 'Unknown error' not in
          btf[0], 'a text file as BTF: %r' % btf[0])
    check(all('not a regular file' in e for e in btf[1:3]),
          'a device or a directory as BTF: %r' % btf[1:3])
    check('No such file or directory' in btf[3], 'a missing file: %r' % btf[3])
    check(docs[6]['type'] == 'lpm', 'tbl8 on an LPM table: %r' % docs[6])
    help_create = docs[7]['commands'][0]
    check('[btf <file> [key_type <type>] [value_type <type>]]' in help_create,
          'help create: %r' % help_create)

    st, _, err = app_test.run('missing_file', ['--cmdline-file',
                                               '/nonexistent/x.cmd'])
    check(st == 2, '--cmdline-file of a missing file exits with %d, not 2' % st)
    check('/nonexistent/x.cmd: No such file or directory' in err,
          'reason: %r' % err)
    with tempfile.TemporaryDirectory() as tmp:
        st, _, err = app_test.run('dir_file', ['--cmdline-file', tmp])
    check(st == 2 and '%s: Is a directory' % tmp in err,
          '--cmdline-file of a directory: status %d, %r' % (st, err))
    # Bytes that are not text stop the script at once (no line without end).
    st, _, err = app_test.run('zero_file', ['--cmdline-file', '/dev/zero'])
    check(st == 1 and '/dev/zero:1: error: NUL byte at column 1' in err,
          '--cmdline-file /dev/zero: status %d, %r' % (st, err))
    # A read error on stdin is no end of the script either.
    with tempfile.TemporaryDirectory() as tmp:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            p = subprocess.run([app_test.EXE] + app_test.eal_args('dir_stdin') +
                               ['--'], stdin=fd, capture_output=True,
                               text=True, timeout=app_test.TIMEOUT)
        finally:
            os.close(fd)
    check(p.returncode == 1 and '<stdin>:1: error: cannot read: Is a directory'
          in p.stderr, 'a directory on stdin: status %d, %r' %
          (p.returncode, p.stderr))


TESTS = {
    'json_bytes': test_json_bytes,
    'expect_doc': test_expect_doc,
    'options': test_options,
}


def main():
    return app_test.test_main('input_test.py', TESTS)

if __name__ == '__main__':
    sys.exit(main())
