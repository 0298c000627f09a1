#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""LRU hash tables in test-mim (meson test --suite app).

    lru_test.py TEST-MIM-EXECUTABLE TEST

TEST is one of:
  lru      tests/lru.cmd in text and with --json: an lru_hash table of 2
           created by its type name takes a third key by evicting the
           oldest, show table prints its lists and evictions, a table
           with no_common_lru shows its per-lcore lists and rounded
           max_entries, and no_prealloc is refused with the kernel's
           ENOTSUPP.

Exit status: 0 passed, 1 failed.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import app_test  # noqa: E402
from app_test import check  # noqa: E402


def test_lru():
    path = app_test.script_path('lru.cmd')

    st, out, err = app_test.run('lru_json', ['--json', '--cmdline-file', path])
    check(st == 0, 'lru.cmd --json: status %d\n%s' % (st, err))
    docs = app_test.json_docs(out)
    cmds = app_test.command_lines(path)
    check(len(docs) == len(cmds), '%d documents for %d commands' % (len(docs), len(cmds)))
    d = {c: doc for (_, c), doc in zip(cmds, docs)}
    check(d['create lru_hash lru key 4 value 4 entries 2'] ==
          {'id': 1, 'name': 'lru', 'type': 'lru_hash'}, 'create by type name')
    check(sorted(d['iterate lru']['keys']) == ['02000000', '03000000'],
          'the oldest key evicted: %r' % d['iterate lru'])
    miss = d['expect-error lookup lru 01000000']
    check(miss.get('expected') is True and 'ENOENT' in miss.get('error', ''),
          'evicted key: %r' % miss)
    t = d['show table lru']
    check(t['type'] == 'lru_hash' and t['entries'] == 2 and
          t['lru'] == {'lists': 1, 'list_capacity': 2, 'evictions': 1},
          'show table: %r' % t)
    pl = d['show table pl']
    lists = pl['lru']['lists']
    check(lists >= 2 and pl['max_entries'] == lists and
          pl['lru']['list_capacity'] == 1, 'per-lcore lists: %r' % pl)
    np = d['expect-error create lru_hash np key 4 value 4 entries 2 flags no_prealloc']
    check(np.get('expected') is True and 'MIM_F_NO_PREALLOC' in np.get('error', ''),
          'no_prealloc refused: %r' % np)

    st, out, err = app_test.run('lru', ['--cmdline-file', path])
    check(st == 0, 'lru.cmd: status %d\n%s%s' % (st, out, err))
    for want in ["created lru_hash table 'lru' (id 1)",
                 'lru lists 1 of 2 keys  evictions 1',
                 'lru lists %d of 1 keys  evictions 0' % lists]:
        check(want in out, 'lru.cmd: no %r in:\n%s' % (want, out))


TESTS = {
    'lru': test_lru,
}


def main():
    return app_test.test_main('lru_test.py', TESTS)

if __name__ == '__main__':
    sys.exit(main())
