#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""IPv6 prefixes in test-mim (meson test --suite app).

    lpm6_test.py TEST-MIM-EXECUTABLE TEST

TEST is one of:
  ipv6   tests/ipv6.cmd in text and with --json (every line one JSON
         document): a key 20 LPM table's update, longest-match lookup,
         lookup bounded by a prefix length, delete, dump and iterate, a
         nested dump of IPv6 inner tables, and bad prefixes refused with
         their reasons.

Exit status: 0 passed, 1 failed.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import app_test  # noqa: E402
from app_test import check  # noqa: E402


IPV6_LINES = [
    "created lpm table 'r6' (id 1)",
    "key: 2001:db8:1:2::5/128  value: 02000000",
    "key: 2001:db8:1:2::1/128  value: 03000000",
    "key: 2001:db8:ffff::1/128  value: 01000000",
    "key: fe80::1/128  value: ff000000",
    "key: 2001:db8:1::/32  value: 01000000",
    "table 'r6' (id 1): lpm  key 20B  value 4B  max_entries 16  entries 4",
    "key: ::/0  value: ff000000",
    "key: 2001:db8::/32  value: 01000000",
    "key: 2001:db8:1::/48  value: 02000000",
    "key: 2001:db8:1:2::1/128  value: 03000000",
    "Found 4 elements",
    "key: ::/0",
    "key: 2001:db8:1:2::1/128",
    "Found 4 keys",
    "error (expected): key '2001:db8::/129': prefix length '129' is not 0 to 128",
    "error (expected): key 'zz::/3': 'zz::' is not an IPv6 address (as 2001:db8::1)",
    "error (expected): key '2001:db8::/': prefix length '' is not 0 to 128",
    "error (expected): key '10.0.0.0/8': '10.0.0.0' is not an IPv6 address",
    "error (expected): key '2001:db8::1/1x': prefix length '1x' is not 0 to 128",
    "error (expected): delete 'r6' (id 1): no such prefix (ENOENT)",
    "key: 2001:db8:1::9/128  value: 04000000",
    "key: 1  inner: 'r6' (id 1), lpm, 4 entries",
    "    key: 2001:db8:1::/48  value: 04000000",
    "key: 2  inner: 'r6b' (id 3), lpm, 1 entry",
    "    key: fd00::/8  value: 0a000000",
    "Found 2 inner tables holding 5 elements, 2 empty slots",
    "key: 2001:db8:1:2::5/128  value: 01000000",
    "key: 2001:db8:1::9/128  value: 01000000",
    "error (expected): lookup 'r6' (id 1): no such element in table 'r6' (id 1) (ENOENT)",
    "key: 2001:db8::/32  value: 01000000",
    "Found 2 elements",
]


def test_ipv6():
    path = app_test.script_path('ipv6.cmd')
    st, out, err = app_test.run('ipv6', ['--cmdline-file', path])
    check(st == 0, 'ipv6.cmd: status %d\n%s%s' % (st, out, err))
    check('error:' not in err, 'unexpected error: ' + err)
    pos = 0
    for want in IPV6_LINES:
        i = out.find(want, pos)
        check(i >= 0, 'ipv6.cmd: no %r (in order) in:\n%s' % (want, out[pos:]))
        pos = i + len(want)

    st, out, err = app_test.run('ipv6_json', ['--json', '--cmdline-file', path])
    check(st == 0, 'ipv6.cmd --json: status %d\n%s' % (st, err))
    docs = app_test.json_docs(out)
    cmds = app_test.command_lines(path)
    check(len(docs) == len(cmds), '%d documents for %d commands' % (len(docs), len(cmds)))
    seen = {}
    for (_, c), doc in zip(cmds, docs):
        seen.setdefault(c, []).append(doc)
    d = {c: v[0] for c, v in seen.items()}
    check(d['create lpm r6 key 20 value 4 entries 16'] ==
          {'id': 1, 'name': 'r6', 'type': 'lpm'}, 'create')
    check(d['lookup r6 2001:db8:1:2::5'] == {'key': '2001:db8:1:2::5/128',
                                            'value': '02000000'},
          'longest match /48 over /32 and /0: %r' % d['lookup r6 2001:db8:1:2::5'])
    check(d['lookup r6 2001:db8:1:2::1']['value'] == '03000000', '/128 match')
    check(d['lookup r6 2001:db8:ffff::1']['value'] == '01000000', '/32 match')
    check(d['lookup r6 fe80::1']['value'] == 'ff000000', '::/0 match')
    check(d['lookup r6 2001:db8:1::/32'] == {'key': '2001:db8:1::/32',
                                            'value': '01000000'},
          'lookup bounded by prefixlen: %r' % d['lookup r6 2001:db8:1::/32'])
    dump = seen['dump r6']
    check([(e['key'], e['value']) for e in dump[0]['elements']] ==
          [('::/0', 'ff000000'), ('2001:db8::/32', '01000000'),
           ('2001:db8:1::/48', '02000000'), ('2001:db8:1:2::1/128', '03000000')]
          and dump[0]['key_size'] == 20, 'dump: %r' % dump[0])
    check(d['iterate r6']['keys'] == ['::/0', '2001:db8::/32', '2001:db8:1::/48',
                                      '2001:db8:1:2::1/128'], 'iterate')
    bad = {
        'expect-error update r6 2001:db8::/129 01000000':
            "prefix length '129' is not 0 to 128",
        'expect-error update r6 zz::/3 01000000': "'zz::' is not an IPv6 address",
        'expect-error update r6 2001:db8::/ 01000000':
            "prefix length '' is not 0 to 128",
        'expect-error update r6 10.0.0.0/8 01000000':
            "'10.0.0.0' is not an IPv6 address",
        'expect-error lookup r6 2001:db8::1/1x': "prefix length '1x' is not 0 to 128",
        'expect-error delete r6 2001:db8:2::/48': 'no such prefix (ENOENT)',
    }
    for c, why in bad.items():
        check(d[c].get('expected') is True and why in d[c].get('error', ''),
              '%s: %r' % (c, d[c]))
    long6 = [doc for c, doc in d.items() if c.startswith('expect-error lookup r6 2001:0db8')]
    check(len(long6) == 1 and 'is not an IPv6 address' in long6[0]['error'],
          'over-long address: %r' % long6)
    check(d['lookup r6 2001:db8:1::9']['value'] == '04000000',
          'a prefix stored masked is replaced by an update of the same prefix')
    vrfs = d['dump vrfs']['elements']
    check([e['key'] for e in vrfs] == [1, 2] and
          [x['key'] for x in vrfs[0]['inner']['elements']] ==
          ['::/0', '2001:db8::/32', '2001:db8:1::/48', '2001:db8:1:2::1/128'] and
          vrfs[1]['inner']['elements'] == [{'key': 'fd00::/8', 'value': '0a000000'}],
          'nested dump: %r' % vrfs)
    after = seen['lookup r6 2001:db8:1:2::5']
    check(len(after) == 2 and after[1]['value'] == '01000000',
          'lookup after the delete of 2001:db8:1::/48: %r' % after)
    gone = d['expect-error lookup r6 fe80::1']
    check('ENOENT' in gone.get('error', ''), 'lookup after ::/0 deleted: %r' % gone)
    check([e['key'] for e in dump[1]['elements']] ==
          ['2001:db8::/32', '2001:db8:1:2::1/128'], 'dump after deletes: %r' % dump[1])


TESTS = {
    'ipv6': test_ipv6,
}


def main():
    return app_test.test_main('lpm6_test.py', TESTS)

if __name__ == '__main__':
    sys.exit(main())
