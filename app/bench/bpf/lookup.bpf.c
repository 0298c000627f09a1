// SPDX-License-Identifier: BSD-3-Clause
/* Copyright(c) 2026 The mapinmap authors */

/*
 * The kernel's two-level lookup, for the lookup benchmark (perf_kernel.c):
 * XDP programs run with BPF_PROG_TEST_RUN, each a bpf_loop() over the
 * stream's (tenant, key) pairs in the keys array. lookup_aom and
 * lookup_hom look each pair up through ARRAY_OF_MAPS or HASH_OF_MAPS ->
 * HASH and add up the values found; lookup_empty runs the same loop with
 * the two lookups replaced by a load of the pair, and its time is
 * subtracted. The outer maps are created by the benchmark (their fds are
 * reused at load time); every map is sized there.
 * Built with: clang -O2 -g -target bpf -c lookup.bpf.c
 */

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pair {
	__u32 tenant;
	__u32 key;
};

/* What a run did: n pairs asked for, hits and the values' sum found. */
struct run {
	__u32 n;
	__u32 pad;
	__u64 hits;
	__u64 sum;
};

/* The inner maps' shape (a type only: no map of its own). */
struct inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct inner);
} aom SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct inner);
} hom SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pair);
} keys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct run);
} runs SEC(".maps");

struct acc {
	__u64 hits;
	__u64 sum;
};

static __always_inline const struct pair *
pair_at(__u64 i)
{
	__u32 k = (__u32)i;

	return bpf_map_lookup_elem(&keys, &k);
}

static long
step_empty(__u64 i, void *ctx)
{
	const struct pair *p = pair_at(i);
	struct acc *a = ctx;

	if (p == NULL)
		return 1;
	a->hits++;
	a->sum += p->tenant + p->key;
	return 0;
}

static __always_inline long
step_two(void *outer, __u64 i, struct acc *a)
{
	const struct pair *p = pair_at(i);
	const __u64 *v;
	void *in;

	if (p == NULL)
		return 1;
	in = bpf_map_lookup_elem(outer, &p->tenant);
	if (in == NULL)
		return 0;
	v = bpf_map_lookup_elem(in, &p->key);
	if (v == NULL)
		return 0;
	a->hits++;
	a->sum += *v;
	return 0;
}

static long
step_aom(__u64 i, void *ctx)
{
	return step_two(&aom, i, ctx);
}

static long
step_hom(__u64 i, void *ctx)
{
	return step_two(&hom, i, ctx);
}

static __always_inline int
run(void *step)
{
	struct acc a = { 0, 0 };
	struct run *r;
	__u32 zero = 0;

	r = bpf_map_lookup_elem(&runs, &zero);
	if (r == NULL)
		return XDP_ABORTED;
	bpf_loop(r->n, step, &a, 0);
	r->hits = a.hits;
	r->sum = a.sum;
	return XDP_PASS;
}

SEC("xdp")
int lookup_empty(struct xdp_md *ctx)
{
	return run(step_empty);
}

SEC("xdp")
int lookup_aom(struct xdp_md *ctx)
{
	return run(step_aom);
}

SEC("xdp")
int lookup_hom(struct xdp_md *ctx)
{
	return run(step_hom);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
