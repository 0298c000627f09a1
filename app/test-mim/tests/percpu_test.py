#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Per-lcore arrays in test-mim (meson test --suite app).

    percpu_test.py TEST-MIM-EXECUTABLE TEST

TEST is one of:
  percpu   tests/percpu.cmd in text and with --json (every line one JSON
           document): a percpu_array table created by its type name, its
           values read and dumped as every lcore's copy (text: runs of
           equal copies; JSON: one object per copy), an update of every
           copy and of one lcore's copy (value@lcore), bad updates refused
           with their reasons, and the table dumped as an inner table.
  percpu_hash
           tests/percpu_hash.cmd in text and with --json: a percpu_hash
           table, every copy of a key's value and one lcore's copy set,
           a full table and an absent key refused, and the table dumped
           as an inner table of a hash of tables.

Exit status: 0 passed, 1 failed.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import app_test  # noqa: E402
from app_test import check  # noqa: E402


def copies(n, runs):
    """The text of a value buffer: runs is [(first, last, hex)]."""
    items = []
    for first, last, v in runs:
        if first == last:
            items.append('lcore %d: %s' % (first, v))
        else:
            items.append('lcores %d-%d: %s' % (first, last, v))
    return 'values: ' + '; '.join(items)


def test_percpu():
    path = app_test.script_path('percpu.cmd')

    # JSON first: it tells how many copies a value has (RTE_MAX_LCORE).
    st, out, err = app_test.run('percpu_json', ['--json', '--cmdline-file', path])
    check(st == 0, 'percpu.cmd --json: status %d\n%s' % (st, err))
    docs = app_test.json_docs(out)
    cmds = app_test.command_lines(path)
    check(len(docs) == len(cmds), '%d documents for %d commands' % (len(docs), len(cmds)))
    seen = {}
    for (_, c), doc in zip(cmds, docs):
        seen.setdefault(c, []).append(doc)
    d = {c: v[0] for c, v in seen.items()}
    check(d['create percpu_array pc key 4 value 4 entries 4'] ==
          {'id': 1, 'name': 'pc', 'type': 'percpu_array'}, 'create by type name')
    zero = d['lookup pc 0']
    check(zero['key'] == 0 and 'value' not in zero, 'lookup of a fresh index: %r' % zero)
    n = len(zero['values'])
    check(n >= 5, 'only %d copies per value' % n)
    check(zero['values'] == [{'lcore': i, 'value': '00000000'} for i in range(n)],
          'fresh copies: %r' % zero['values'])
    one = seen['lookup pc 1']
    check(len(one) == 2, 'two lookups of index 1')
    check(one[0]['values'] == [{'lcore': i, 'value': '2a000000'} for i in range(n)],
          'update of every copy: %r' % one[0])
    want = ['07000000' if i == 3 else '2a000000' for i in range(n)]
    check([c['value'] for c in one[1]['values']] == want and
          [c['lcore'] for c in one[1]['values']] == list(range(n)),
          'update of lcore 3 only: %r' % one[1])
    dump = d['dump pc']
    check(dump['type'] == 'percpu_array' and
          [e['key'] for e in dump['elements']] == [0, 1, 2, 3],
          'dump keys: %r' % dump)
    check([c['value'] for c in dump['elements'][1]['values']] == want,
          'dump of index 1: %r' % dump['elements'][1])
    check([c['value'] for c in dump['elements'][2]['values']] ==
          ['01000000'] + ['00000000'] * (n - 1), 'dump of index 2')
    check(d['iterate pc']['keys'] == [0, 1, 2, 3], 'iterate')
    bad = {
        'expect-error update pc 1 07000000@100000':
            'lcore 100000: the table has copies for lcores 0 to %d' % (n - 1),
        'expect-error update pc 1 0700@3':
            "value '0700': 2 bytes, but table 'pc' (id 1) has value_size 4",
        'expect-error update pc 9 01000000': 'E2BIG',
        'expect-error update pc 1 2a000000 noexist': 'EEXIST',
    }
    for c, why in bad.items():
        check(d[c].get('expected') is True and why in d[c].get('error', ''),
              '%s: %r' % (c, d[c]))
    outer = d['dump outer']['elements']
    check([e['key'] for e in outer] == [0] and
          outer[0]['inner']['type'] == 'percpu_array' and
          [c['value'] for c in outer[0]['inner']['elements'][1]['values']] == want,
          'nested dump: %r' % outer)

    st, out, err = app_test.run('percpu', ['--cmdline-file', path])
    check(st == 0, 'percpu.cmd: status %d\n%s%s' % (st, out, err))
    check('error:' not in err, 'unexpected error: ' + err)
    mixed = copies(n, [(0, 2, '2a000000'), (3, 3, '07000000'),
                       (4, n - 1, '2a000000')])
    lines = [
        "created percpu_array table 'pc' (id 1)",
        'key: 0  ' + copies(n, [(0, n - 1, '00000000')]),
        'key: 1  ' + copies(n, [(0, n - 1, '2a000000')]),
        'key: 1  ' + mixed,
        "table 'pc' (id 1): percpu_array",
        'key: 0  ' + copies(n, [(0, n - 1, '00000000')]),
        'key: 1  ' + mixed,
        'key: 2  ' + copies(n, [(0, 0, '01000000'), (1, n - 1, '00000000')]),
        'key: 3  ' + copies(n, [(0, n - 1, '00000000')]),
        'Found 4 elements',
        'Found 4 keys',
        'error (expected): update: lcore 100000: the table has copies for '
        'lcores 0 to %d' % (n - 1),
        "error (expected): value '0700': 2 bytes, but table 'pc' (id 1) has "
        'value_size 4',
        "error (expected): update 'pc' (id 1): ",
        "error (expected): update 'pc' (id 1): ",
        "key: 0  inner: 'pc' (id 1), percpu_array, 4 entries",
        '    key: 1  ' + mixed,
    ]
    pos = 0
    for want_line in lines:
        i = out.find(want_line, pos)
        check(i >= 0, 'percpu.cmd: no %r (in order) in:\n%s' % (want_line, out[pos:]))
        pos = i + len(want_line)


def test_percpu_hash():
    path = app_test.script_path('percpu_hash.cmd')

    st, out, err = app_test.run('percpu_hash_json',
                                ['--json', '--cmdline-file', path])
    check(st == 0, 'percpu_hash.cmd --json: status %d\n%s' % (st, err))
    docs = app_test.json_docs(out)
    cmds = app_test.command_lines(path)
    check(len(docs) == len(cmds), '%d documents for %d commands' % (len(docs), len(cmds)))
    seen = {}
    for (_, c), doc in zip(cmds, docs):
        seen.setdefault(c, []).append(doc)
    d = {c: v[0] for c, v in seen.items()}
    check(d['create percpu_hash ph key 4 value 4 entries 2'] ==
          {'id': 1, 'name': 'ph', 'type': 'percpu_hash'}, 'create by type name')
    one = seen['lookup ph 0a000001']
    n = len(one[0]['values'])
    check(n >= 5, 'only %d copies per value' % n)
    check(one[0]['values'] == [{'lcore': i, 'value': '2a000000'} for i in range(n)],
          'update of every copy: %r' % one[0])
    want = ['07000000' if i == 3 else '2a000000' for i in range(n)]
    check([c['value'] for c in one[1]['values']] == want,
          'update of lcore 3 only: %r' % one[1])
    dump = d['dump ph']
    check(dump['type'] == 'percpu_hash' and
          sorted(e['key'] for e in dump['elements']) == ['0a000001', '0a000002'],
          'dump keys: %r' % dump)
    by_key = {e['key']: e for e in dump['elements']}
    check([c['value'] for c in by_key['0a000002']['values']] ==
          ['01000000'] + ['00000000'] * (n - 1), 'a new key set on lcore 0 only')
    bad = {
        'expect-error update ph 0a000003 01000000': 'E2BIG',
        'expect-error lookup ph 0a000009': 'ENOENT',
    }
    for c, why in bad.items():
        check(d[c].get('expected') is True and why in d[c].get('error', ''),
              '%s: %r' % (c, d[c]))
    outer = d['dump outer']['elements']
    check(len(outer) == 1 and outer[0]['inner']['type'] == 'percpu_hash',
          'nested dump: %r' % outer)

    st, out, err = app_test.run('percpu_hash', ['--cmdline-file', path])
    check(st == 0, 'percpu_hash.cmd: status %d\n%s%s' % (st, out, err))
    mixed = copies(n, [(0, 2, '2a000000'), (3, 3, '07000000'),
                       (4, n - 1, '2a000000')])
    lines = [
        "created percpu_hash table 'ph' (id 1)",
        'key: 0a000001  ' + copies(n, [(0, n - 1, '2a000000')]),
        'key: 0a000001  ' + mixed,
        "table 'ph' (id 1): percpu_hash",
    ]
    pos = 0
    for want_line in lines:
        i = out.find(want_line, pos)
        check(i >= 0, 'percpu_hash.cmd: no %r (in order) in:\n%s' % (want_line, out[pos:]))
        pos = i + len(want_line)


TESTS = {
    'percpu': test_percpu,
    'percpu_hash': test_percpu_hash,
}


def main():
    return app_test.test_main('percpu_test.py', TESTS)

if __name__ == '__main__':
    sys.exit(main())
