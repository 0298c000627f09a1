// SPDX-License-Identifier: BSD-3-Clause
/* Copyright(c) 2026 The mapinmap authors */

/*
 * The map declarations of an XDP router, as doc/examples/bpf_import.c
 * imports them (guide: btf.rst). Built by meson with
 *   clang -O2 -g -target bpf -c vrfs.bpf.c
 * Only the declarations matter: nothing is loaded into the kernel.
 */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* [maps] */
struct lpm_key {
	__u32 prefixlen;
	__u32 addr;          /* network byte order */
};

/* Every VRF's route table: an LPM trie of u32 next hops. */
struct vrf {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, __u32);
} vrf_blue SEC(".maps"), vrf_green SEC(".maps");

/* VRFs by number; slots 10 and 20 filled statically. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__array(values, struct vrf);
} vrfs SEC(".maps") = {
	.values = { [10] = &vrf_blue, [20] = &vrf_green },
};

/* No table equivalent: skipped, with the reason. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");
/* [maps end] */

char LICENSE[] SEC("license") = "Dual BSD/GPL";
