// SPDX-License-Identifier: BSD-3-Clause
/* Copyright(c) 2026 The mapinmap authors */

/*
 * A seed for fuzz_bpf_import: outer maps whose inner tables carry BTF of
 * every kind the template comparison walks (typedefs, nested structs and
 * unions, arrays, enums, bit fields, const), with static initial slots, so
 * that mutations of the .BTF and .maps sections reach that comparison.
 * Built with: clang -O2 -g -target bpf -c btf_kinds.bpf.c
 */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef __u32 tenant_t;

enum verdict { PASS, DROP, REDIRECT };

union addr {
	__u32 v4;
	__u8 b[4];
};

struct flow_key {
	union addr src;
	union addr dst;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct action {
	enum verdict verdict : 8;
	__u32 port : 24;
	const __u32 mark;
	struct {
		__u16 vlan;
		__u16 prio;
	} tag;
};

struct flows {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32);
	__type(key, struct flow_key);
	__type(value, struct action);
} flows_a SEC(".maps"), flows_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, tenant_t);
	__array(values, struct flows);
} tenants SEC(".maps") = {
	.values = { [0] = &flows_a, [2] = &flows_b },
};

struct counters {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64[2]);
} cnt_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct counters);
} by_vni SEC(".maps") = {
	.values = { [1] = &cnt_a },
};

SEC("xdp")
int seed(struct xdp_md *ctx)
{
	tenant_t t = 0;

	return bpf_map_lookup_elem(&tenants, &t) != 0 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
