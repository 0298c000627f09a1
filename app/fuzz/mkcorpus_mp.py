#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Write fuzz_mp's seed inputs (corpus/fuzz_mp/*.bin): one request of
each kind the primary serves (struct mim_mp_req of mim_mp_private.h, then
the bounce buffer's bytes from MIM_MP_DATA), with spans that lie in the
buffer, so that the fuzzer starts past the checks. fuzz_mp.c folds the
op onto its list of operations and the ID onto its tables (index 0
array, 1 hash, 2 LPM, 3 LRU hash, 4 per-CPU hash, 5 the template, 6 an
array of tables).

Run from anywhere: python3 app/fuzz/mkcorpus_mp.py
"""

import os
import struct

DATA = 512
# Index in fuzz_mp.c's ops[] of each operation.
OPS = ['create', 'update', 'lookup', 'delete', 'next_key', 'update_sz',
       'lookup_sz', 'delete_sz', 'next_key_sz', 'get_by_id', 'close',
       'find', 'next_id', 'info', 'btf', 'table', 'stats', 'rcu_stats',
       'reclaim', 'qsbr_get', 'claim', 'unclaim', 'mp_stats', 'lru_stats',
       'lookup_batch']
SIZE_MAX = (1 << 64) - 1


def req(op, tid=0, arg=0, flags=0, key_sz=0, value_sz=0, nulls=0,
        key=(0, 0), val=(0, 0), sizes=(0, 0, 0), opts=(0, 0), btf=(0, 0),
        ibtf=(0, 0)):
    return struct.pack('<IIiIQQQQQI' + 'I' * 13, 0x6d696d70,
                       OPS.index(op), tid, arg, flags, 0, 0, key_sz,
                       value_sz, nulls, key[0], key[1], val[0], val[1],
                       sizes[0], sizes[1], sizes[2], opts[0], opts[1],
                       btf[0], btf[1], ibtf[0], ibtf[1])


def seeds():
    kv = (DATA, 4), (DATA + 8, 4)
    k8 = (DATA, 4), (DATA + 8, 8)
    one = struct.pack('<I', 1) + bytes(4)
    yield 'update_hash', req('update', 1, key=kv[0], val=kv[1]) + \
        one + struct.pack('<I', 9)
    yield 'lookup_array', req('lookup', 0, key=k8[0], val=k8[1]) + one
    yield 'lookup_lpm', req('lookup', 2, key=(DATA, 8), val=(DATA + 8, 4)) + \
        struct.pack('<I4B', 8, 10, 0, 0, 0)
    yield 'delete_lru', req('delete', 3, key=kv[0], nulls=2) + one
    yield 'next_key_hash', req('next_key', 1, nulls=1, val=kv[1])
    yield 'update_sz_outer', req('update_sz', 6, key=kv[0], val=kv[1],
                                 key_sz=4, value_sz=4) + one + \
        struct.pack('<I', 6)
    yield 'lookup_sz_pch', req('lookup_sz', 4, key=kv[0],
                               val=(DATA + 8, 16), key_sz=4,
                               value_sz=16) + one
    yield 'delete_sz', req('delete_sz', 1, key=kv[0], key_sz=4,
                           value_sz=SIZE_MAX, nulls=2) + one
    yield 'next_key_sz', req('next_key_sz', 0, key=kv[0], val=kv[1],
                             key_sz=4, value_sz=4) + one
    name = b'fz_new\0\0'
    yield 'create_hash', req('create', -1, arg=2, key=(DATA, 7),
                             sizes=(4, 4, 8), nulls=8) + name
    opts = struct.pack('<QIiI', 24, 0, -1, 0)
    yield 'create_opts', req('create', -1, arg=1, key=(DATA, 7),
                             sizes=(4, 4, 8), opts=(DATA + 8, len(opts))) + \
        name + opts
    for op in ('get_by_id', 'close', 'table', 'reclaim', 'btf'):
        yield op, req(op, 1)
    yield 'find', req('find', key=(DATA, 7)) + b'fz_hash\0'
    yield 'next_id', req('next_id', arg=0)
    yield 'info', req('info', 0, val=(DATA, 512))
    yield 'stats', req('stats', val=(DATA, 64))
    yield 'rcu_stats', req('rcu_stats', val=(DATA, 64))
    yield 'qsbr_get', req('qsbr_get', val=(DATA, 8))
    yield 'claim', req('claim', arg=1)
    yield 'mp_stats', req('mp_stats', val=(DATA, 72)) + \
        struct.pack('<Q', 72)
    yield 'lru_stats', req('lru_stats', 3, val=(DATA, 24)) + \
        struct.pack('<Q', 24)
    # Four elements of the array from index 1: the cursor, then the new
    # cursor, 4 keys and 4 values of 8 bytes.
    yield 'lookup_batch', req('lookup_batch', 0, key_sz=4, value_sz=8,
                              key=(DATA, 4), val=(DATA + 8, 56),
                              sizes=(0, 0, 4)) + one


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       'corpus', 'fuzz_mp')
    os.makedirs(out, exist_ok=True)
    for fname, data in seeds():
        with open(os.path.join(out, fname + '.bin'), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
