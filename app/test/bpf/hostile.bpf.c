// SPDX-License-Identifier: BSD-3-Clause
/* Copyright(c) 2026 The mapinmap authors */

/*
 * Map declarations whose BTF is hard on a comparison, for the hostile
 * suite: an inner array whose value is 30 nested unions, each naming the
 * one below twice (2^30 paths through 31 types), in an outer array with a
 * static slot; and an inner array whose value union v0 the suite rewrites
 * to members of type void (a one-field change libbpf accepts).
 * Built with: clang -O2 -g -target bpf -c hostile.bpf.c
 */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

union u0 { __u32 a; __u32 b; };
union u1 { union u0 a; union u0 b; };
union u2 { union u1 a; union u1 b; };
union u3 { union u2 a; union u2 b; };
union u4 { union u3 a; union u3 b; };
union u5 { union u4 a; union u4 b; };
union u6 { union u5 a; union u5 b; };
union u7 { union u6 a; union u6 b; };
union u8 { union u7 a; union u7 b; };
union u9 { union u8 a; union u8 b; };
union u10 { union u9 a; union u9 b; };
union u11 { union u10 a; union u10 b; };
union u12 { union u11 a; union u11 b; };
union u13 { union u12 a; union u12 b; };
union u14 { union u13 a; union u13 b; };
union u15 { union u14 a; union u14 b; };
union u16 { union u15 a; union u15 b; };
union u17 { union u16 a; union u16 b; };
union u18 { union u17 a; union u17 b; };
union u19 { union u18 a; union u18 b; };
union u20 { union u19 a; union u19 b; };
union u21 { union u20 a; union u20 b; };
union u22 { union u21 a; union u21 b; };
union u23 { union u22 a; union u22 b; };
union u24 { union u23 a; union u23 b; };
union u25 { union u24 a; union u24 b; };
union u26 { union u25 a; union u25 b; };
union u27 { union u26 a; union u26 b; };
union u28 { union u27 a; union u27 b; };
union u29 { union u28 a; union u28 b; };
union u30 { union u29 a; union u29 b; };

struct deep {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, union u30);
} deep0 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct deep);
} deep_outer SEC(".maps") = {
	.values = { [0] = &deep0 },
};

union v0 { __u32 a; __u32 b; };

struct voidish {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, union v0);
} void0 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct voidish);
} void_outer SEC(".maps") = {
	.values = { [1] = &void0 },
};

char LICENSE[] SEC("license") = "GPL";
