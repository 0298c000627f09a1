#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Write fuzz_api's seed inputs (corpus/fuzz_api/*.bin), each a short
program in the target's bytecode (fuzz_api_ops.c, fuzz_api_rcu.c,
fuzz_api_btf.c) that reaches a group of calls. The seeds only give the
fuzzer a start: what it mutates them into is decoded the same way.

Run from anywhere: python3 app/fuzz/mkcorpus.py
"""

import os
import struct

OP = {n: i for i, n in enumerate([
    'create', 'update', 'lookup', 'delete', 'next_key', 'close',
    'get_by_id', 'find', 'info', 'rcu_configure', 'qsbr_add',
    'qsbr_remove', 'reader', 'reclaim', 'btf', 'datapath', 'nest'])}

# Indexes into the tables of fuzz_api_ops.c.
T_ARRAY, T_HASH, T_LPM, T_AOT, T_HOT = 0, 1, 2, 3, 4
KS = {4: 0, 8: 1, 16: 5}
VS = {4: 0, 8: 1, 16: 3, 256: 5}


def u16(v):
    return struct.pack('<H', v)


def name(k):
    """"t<k>" (k < 4): one of four names, so that they can collide."""
    return bytes([5 | (k << 3)])


def create(typ, ks=4, vs=8, max_entries=16, nm=None, inner=None, btf=None):
    shape = 0x01                       # the sizes the type needs
    if btf is not None:
        shape |= 0x04
    b = bytes([OP['create'], shape, typ, KS[ks], VS[vs]])
    b += u16(max_entries - 1)
    b += name(nm) if nm is not None else bytes([0])
    b += bytes([0, 0, 0, 0])           # sz exact, flags 0, socket -1
    if typ in (T_AOT, T_HOT):
        b += bytes([inner])            # template: handle number inner
    b += bytes([0])                    # lpm_tbl8_groups 0
    if btf is not None:
        b += bytes(btf)                # (BTF slot, key type, value type)
    return b


def key_index(i):
    return bytes([0, i])


def key_lpm(plen, addr):
    return bytes([1, plen]) + bytes(addr)


def elem(op, handle, key, value=None, flags=0, sized=None):
    """value: a byte to fill the value with, or ('id', handle) for an
    outer table's value. sized: the call with buffer sizes, with this
    mode byte (bits 0-1 for the key, 2-3 for the value: 0 the table's
    size, 1 one byte less, 2 one more)."""
    b = bytes([OP[op], 0 if sized is None else 0x10, handle]) + key
    if isinstance(value, tuple):
        b += bytes([value[1]])
    else:
        b += bytes([0, value or 0])
    if op == 'update':
        b += bytes([0, flags])
    if sized is not None:
        b += bytes([sized])
    return b


def datapath(handle, key, bulk=0, outer=False):
    """The value operand: an ID on outer tables, else fill and byte."""
    val = bytes([0]) if outer else bytes([0, 0])
    return bytes([OP['datapath'], 1 if bulk else 0, handle]) + key + val


def simple(op, *args):
    return bytes([OP[op]]) + bytes(args)


def raw_btf():
    """A BTF with one type: int, 4 bytes."""
    strs = b'\0int\0'
    types = struct.pack('<III', 1, 1 << 24, 4) + struct.pack('<I', 32)
    hdr = struct.pack('<HBBIIIII', 0xeb9f, 1, 0, 24, 0, len(types),
                      len(types), len(strs))
    return hdr + types + strs


def btf_raw_op(slot, data):
    return bytes([OP['btf'], 0x40 | slot]) + u16(len(data)) + data


def raw_btf_nested(depth):
    """int, then depth unions of 4 bytes, each with two members of the one
    before (type depth + 1 is the outermost): compared naively, 2^depth
    member pairs."""
    strs = b'\0int\0a\0b\0u\0'
    a_off, b_off, u_off = 5, 7, 9
    types = struct.pack('<III', 1, 1 << 24, 4) + struct.pack('<I', 32)
    for i in range(depth):
        prev = 1 + i                   # the int, then the union before
        types += struct.pack('<III', u_off, (5 << 24) | 2, 4)
        types += struct.pack('<III', a_off, prev, 0)
        types += struct.pack('<III', b_off, prev, 0)
    hdr = struct.pack('<HBBIIIII', 0xeb9f, 1, 0, 24, 0, len(types),
                      len(types), len(strs))
    return hdr + types + strs


# Inputs that crashed or hung the library before it checked BTF type ids,
# bounded the BTF comparison and bounded dq_size: regression seeds.
REGRESSION = {
    # A template's BTF key is struct k { void x; }: the comparison of an
    # inner table with it met a NULL type.
    'regress_btf_void.bin':
        bytes([OP['btf'], 0, 1, 1, 3, 0, 0, 1, 5, 0, 0]) +
        create(T_ARRAY, vs=8, btf=(0, 1, 0)) +
        create(T_ARRAY, vs=8, btf=(0, 1, 0)) +
        create(T_AOT, vs=4, max_entries=4, inner=0) +
        elem('update', 2, key_index(0), ('id', 1)),
    # 25 nested unions of two members each: 2^25 member comparisons.
    'regress_btf_deep.bin':
        btf_raw_op(0, raw_btf_nested(25)) +
        create(T_ARRAY, vs=4, btf=(0, 0, 26)) +
        create(T_ARRAY, vs=4, btf=(0, 0, 26)) +
        create(T_AOT, vs=4, max_entries=4, inner=0) +
        elem('update', 2, key_index(0), ('id', 1)),
    # dq_size 2^31: DPDK's defer queue ring size overflowed, and
    # retirements were written past it.
    'regress_dq_size.bin':
        simple('rcu_configure', 1, 0, 0, 11, 0, 0) +
        simple('qsbr_add', 0, 0) +
        create(T_HASH, ks=8, vs=8, max_entries=16) +
        elem('update', 0, key_index(1), 1) +
        elem('update', 0, key_index(1), 2) +
        simple('close', 0) + simple('reclaim'),
}

SEEDS = {
    # ARRAY and HASH: every element call, handles, names, info.
    'array_hash.bin':
        create(T_ARRAY, nm=0) +
        elem('update', 0, key_index(3), 0x42) +
        elem('lookup', 0, key_index(3)) +
        datapath(0, key_index(3), bulk=1) +
        elem('next_key', 0, key_index(3)) +
        elem('delete', 0, key_index(3)) +
        create(T_HASH, ks=8, vs=16, max_entries=64, nm=1) +
        elem('update', 1, key_index(5), 0x11) +
        elem('update', 1, key_index(5), 0x12, flags=2) +
        elem('update', 1, key_index(5), 0x13, flags=1) +
        datapath(1, key_index(5), bulk=1) +
        elem('next_key', 1, key_index(0)) +
        elem('delete', 1, key_index(5)) +
        simple('find', 5) + simple('info', 1, 0, 0, 1) +
        simple('get_by_id', 1) + simple('close', 1) + simple('close', 0),
    # LPM routes, then an array of LPM tables with a template.
    'lpm_aot.bin':
        create(T_LPM, ks=8, vs=4, max_entries=64, nm=0) +
        create(T_LPM, ks=8, vs=4, max_entries=64) +
        elem('update', 1, key_lpm(24, [10, 1, 2, 0]), 7) +
        elem('update', 1, key_lpm(32, [10, 1, 2, 3]), 8) +
        elem('lookup', 1, key_lpm(32, [10, 1, 2, 3])) +
        datapath(1, key_lpm(32, [10, 1, 2, 9])) +
        create(T_AOT, vs=4, max_entries=8, inner=0) +
        elem('update', 2, key_index(1), ('id', 1)) +
        datapath(2, key_index(1), bulk=1, outer=True) +
        elem('lookup', 2, key_index(1), ('id', 0)) +
        elem('delete', 2, key_index(1), ('id', 0)) +
        elem('delete', 1, key_lpm(24, [10, 1, 2, 0])),
    # The calls with buffer sizes: right, a key one byte short, a value
    # buffer one byte long.
    'sized.bin':
        create(T_HASH, ks=8, vs=16, max_entries=16) +
        elem('update', 0, key_index(1), 0x31, sized=0) +
        elem('update', 0, key_index(2), 0x32, sized=1) +
        elem('lookup', 0, key_index(1), sized=0) +
        elem('lookup', 0, key_index(1), sized=8) +
        elem('next_key', 0, key_index(1), sized=0) +
        elem('delete', 0, key_index(1), sized=2) +
        elem('delete', 0, key_index(1), sized=0),
    # A hash of hash tables: template, inner tables, replacement.
    'hot.bin':
        create(T_HASH, ks=8, vs=8, max_entries=16) +
        create(T_HASH, ks=8, vs=8, max_entries=16) +
        create(T_HOT, ks=4, vs=4, max_entries=8, inner=0) +
        elem('update', 1, key_index(1), 0x21) +
        elem('update', 2, key_index(2), ('id', 1)) +
        elem('update', 2, key_index(2), ('id', 0)) +
        datapath(2, key_index(2), bulk=1, outer=True) +
        elem('next_key', 2, key_index(9), ('id', 0)) +
        simple('close', 0) + simple('close', 0) + simple('reclaim'),
    # A reader online on a small defer queue: retirements wait, then go.
    'rcu_dq.bin':
        simple('rcu_configure', 1, 0, 0, 4, 1, 1) +
        simple('qsbr_add', 0, 0) +
        simple('reader', 0x00, 0) +
        create(T_HASH, ks=8, vs=8, max_entries=16) +
        elem('update', 0, key_index(1), 1) +
        elem('update', 0, key_index(1), 2) +
        elem('update', 0, key_index(1), 3) +
        simple('reclaim') +
        simple('reader', 0x10, 0) + simple('reclaim') +
        simple('close', 0) +
        simple('reader', 0x20, 0) + simple('reclaim') +
        simple('qsbr_add', 1, 0) + simple('qsbr_remove', 1) +
        simple('qsbr_remove', 0),
    # SYNC mode with two variables and no reader online.
    'rcu_sync.bin':
        simple('rcu_configure', 1, 0, 1, 0, 0, 0) +
        simple('qsbr_add', 0, 0) + simple('qsbr_add', 1, 1) +
        create(T_HASH, ks=8, vs=8, max_entries=16) +
        elem('update', 0, key_index(1), 1) +
        elem('update', 0, key_index(1), 2) +
        elem('delete', 0, key_index(1)) +
        simple('close', 0) + simple('qsbr_remove', 0) +
        simple('qsbr_remove', 1) + simple('rcu_configure', 0),
    # Tables with BTF key and value types, compared by an outer table: the
    # same types, then a copy whose member "b" is renamed "c".
    'btf.bin':
        # int "a" (4 bytes); struct "k" { a a; a b; } (8 bytes)
        bytes([OP['btf'], 0, 2, 0, 1, 2, 0, 1, 3, 0, 1, 2,
               1, 1, 0, 2, 1, 0]) +
        create(T_ARRAY, vs=8, btf=(0, 1, 2)) +
        create(T_ARRAY, vs=8, btf=(0, 1, 2)) +
        create(T_AOT, vs=4, max_entries=4, inner=0) +
        elem('update', 2, key_index(0), ('id', 1)) +
        simple('info', 1, 0, 0, 0) +
        # slot 2: slot 0's 83 bytes, byte 81 ('b') xor 1
        bytes([OP['btf'], 0x82]) + u16(81) + bytes([1]) +
        create(T_ARRAY, vs=4, btf=(0x82, 1, 2)) +
        elem('update', 2, key_index(1), ('id', 3)) +
        btf_raw_op(1, raw_btf()) +
        create(T_HASH, ks=4, vs=4, btf=(1, 1, 1)),
    # The same in one operation each: template and inner table from BTF
    # slots 0 and 1 (a copy of 0 with member "b" renamed), an outer table,
    # the update; then a hash of hash tables with the same BTF for both.
    'nest.bin':
        bytes([OP['btf'], 0, 2, 0, 1, 2, 0, 1, 3, 0, 1, 2,
               1, 1, 0, 2, 1, 0]) +
        bytes([OP['btf'], 0x81]) + u16(81) + bytes([1]) +
        bytes([OP['nest'], 0x08, 1, 2]) +
        bytes([OP['nest'], 0x41, 2, 2]),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       'corpus', 'fuzz_api')
    os.makedirs(out, exist_ok=True)
    for fname, data in {**SEEDS, **REGRESSION}.items():
        with open(os.path.join(out, fname), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
