// SPDX-License-Identifier: BSD-3-Clause
/* Copyright(c) 2026 The mapinmap authors */

/*
 * Map declarations as an XDP program's tables would have them, for the
 * bpf_import suite: every type mapinmap imports, map-in-map with
 * templates and static initial slots, and maps it must skip.
 * Built with: clang -O2 -g -target bpf -c import.bpf.c
 */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct nexthop {
	__u16 port;
	__u8 mac[6];
	__u16 vlan;
	__u16 pad;
};

struct lpm_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct nexthop);
} nexthops SEC(".maps");

struct vrf {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, __u32);
} vrf_a SEC(".maps"), vrf_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct vrf);
} vrfs SEC(".maps") = {
	.values = { [1] = &vrf_a, [5] = &vrf_b },
};

struct flows {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u64);
	__type(value, struct nexthop);
} flows_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct flows);
} vnis SEC(".maps") = {
	.values = { [3] = &flows_a },
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

__u32 packets = 0;   /* a global: libbpf makes it a .bss map */

SEC("xdp")
int fwd(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct nexthop *nh = bpf_map_lookup_elem(&nexthops, &key);
	void *vrf = bpf_map_lookup_elem(&vrfs, &key);
	void *vni = bpf_map_lookup_elem(&vnis, &key);
	__u64 *c = bpf_map_lookup_elem(&counters, &key);

	packets++;
	if (c != 0)
		(*c)++;
	return nh != 0 && vrf != 0 && vni != 0 ? XDP_TX : XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
