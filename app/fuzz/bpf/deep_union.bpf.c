// SPDX-License-Identifier: BSD-3-Clause
/* Copyright(c) 2026 The mapinmap authors */

/*
 * A regression seed for fuzz_bpf_import: the inner table's value is 30
 * nested 4-byte unions whose two members repeat the type below, and the
 * outer map has a static initial slot, so the import compares that type
 * with the template's: 2^30 member pairs if pairs already compared are
 * compared again.
 * Built with: clang -O2 -g -target bpf -c deep_union.bpf.c
 */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

union u0 {
	__u32 a, b;
};

#define NEST(n, below) union u##n { union u##below a, b; }
NEST(1, 0); NEST(2, 1); NEST(3, 2); NEST(4, 3); NEST(5, 4); NEST(6, 5);
NEST(7, 6); NEST(8, 7); NEST(9, 8); NEST(10, 9); NEST(11, 10); NEST(12, 11);
NEST(13, 12); NEST(14, 13); NEST(15, 14); NEST(16, 15); NEST(17, 16);
NEST(18, 17); NEST(19, 18); NEST(20, 19); NEST(21, 20); NEST(22, 21);
NEST(23, 22); NEST(24, 23); NEST(25, 24); NEST(26, 25); NEST(27, 26);
NEST(28, 27); NEST(29, 28); NEST(30, 29);

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, union u30);
} in0 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { [1] = &in0 },
};

char LICENSE[] SEC("license") = "Dual BSD/GPL";
