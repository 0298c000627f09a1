/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Conformance of the hash types built on HASH with the kernel's:
 * BPF_MAP_TYPE_PERCPU_HASH (htab_percpu_map_ops). Creation checks
 * (htab_map_alloc_check()), then update, lookup, delete and get_next_key
 * with their flags and errno. The syscall's value buffer holds
 * num_possible_cpus() copies, mapinmap's mim_percpu_nb_copies(), each
 * value_size rounded up to 8 bytes: values are compared copy by copy up
 * to the smaller count. These checks are compared here and not tabulated
 * in the suite's report.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <rte_common.h>

#include <mim.h>

#include "autotest.h"
#include "conformance.h"

#define PCH MIM_TYPE_PERCPU_HASH
#define SPEC(...) .spec = { __VA_ARGS__ }
#define ROW(t, k, v, max, f) SPEC(.type = t, .key_size = k,		\
				  .value_size = v, .max_entries = max,	\
				  .flags = f, .numa_node = 0)

/* htab_map_alloc_check() for per-CPU values. */
static const struct conf_create_row pch_rows[] = {
	{ ROW(PCH, 4, 8, 4, 0), .what = "plain" },
	{ ROW(PCH, 4, 12, 4, 0), .what = "value_size 12 (16 per copy)" },
	{ ROW(PCH, 20, 8, 4, 0), .what = "key_size 20" },
	{ ROW(PCH, 4, 8, 0, 0), .what = "zero max_entries" },
	{ ROW(PCH, 0, 8, 4, 0), .what = "zero key_size" },
	{ ROW(PCH, 4, 0, 4, 0), .what = "zero value_size" },
	{ ROW(PCH, 4, 8, 4, BPF_F_NO_PREALLOC), .what = "BPF_F_NO_PREALLOC" },
	{ ROW(PCH, 4, 8, 4, BPF_F_NUMA_NODE),
	  .what = "BPF_F_NUMA_NODE with per-CPU values" },
	{ ROW(PCH, 4, 8, 4, BPF_F_NO_COMMON_LRU),
	  .what = "BPF_F_NO_COMMON_LRU on a non-LRU hash" },
	{ ROW(PCH, 4, 8, 4, BPF_F_INNER_MAP), .what = "BPF_F_INNER_MAP" },
	{ ROW(PCH, 4, 32768, 1, 0), .what = "value_size 32768" },
	{ ROW(PCH, 4, 32769, 1, 0),
	  .what = "value_size 32769, above PCPU_MIN_UNIT_SIZE" },
};

static int
test_conf_pch_create(void)
{
	CONF_BEGIN("percpu_hash_create");
	conf_create_rows(pch_rows, RTE_DIM(pch_rows), 0, NULL);
	return conf_end();
}

/* The two sides' value buffers: ncpu and nb_copies copies of stride. */
struct hx_bufs {
	uint32_t stride, kn, mn;
	uint8_t *k, *m;
};

static int
bufs_init(struct hx_bufs *b, uint32_t value_size)
{
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0)
		return -1;
	b->stride = RTE_ALIGN_CEIL(value_size, 8);
	b->kn = (uint32_t)ncpu;
	b->mn = mim_percpu_nb_copies();
	b->k = calloc(b->kn, b->stride);
	b->m = calloc(b->mn, b->stride);
	return b->k != NULL && b->m != NULL ? 0 : -1;
}

/* Copy i of both buffers set to a pattern of i and seed (padding too). */
static void
bufs_fill(struct hx_bufs *b, uint8_t seed)
{
	uint32_t i, j;

	memset(b->k, 0, (size_t)b->kn * b->stride);
	memset(b->m, 0, (size_t)b->mn * b->stride);
	for (i = 0; i < RTE_MAX(b->kn, b->mn); i++)
		for (j = 0; j < b->stride; j++) {
			uint8_t x = (uint8_t)(seed + i * 13 + j);

			if (i < b->kn)
				b->k[(size_t)i * b->stride + j] = x;
			if (i < b->mn)
				b->m[(size_t)i * b->stride + j] = x;
		}
}

static bool
bufs_agree(const struct hx_bufs *b)
{
	return memcmp(b->k, b->m,
		      (size_t)RTE_MIN(b->kn, b->mn) * b->stride) == 0;
}

/* One operation's results: both succeed, or fail with the same errno. */
#define HX_SAME(what, kret, mret) do {					\
	int _k = (kret) < 0 ? -errno : 0, _m = (mret);			\
	autotest_count_check();						\
	if (_k != _m) {							\
		printf("    FAIL %s: kernel %d, mapinmap %d (%s)\n", (what), \
		       _k, _m, mim_last_error());			\
		goto fail;						\
	}								\
} while (0)

static int
pch_elem(uint32_t flags)
{
	const struct conf_spec *s = CONF_SPEC(.type = PCH, .key_size = 4,
					      .value_size = 12,
					      .max_entries = 2,
					      .flags = flags);
	struct hx_bufs b = { .k = NULL, .m = NULL };
	uint32_t key = 1, other = 2, third = 3, next, mnext;
	int kfd = -1, mid = -1, ret = TEST_FAILED;

	if (bufs_init(&b, s->value_size) != 0)
		goto fail;
	kfd = conf_create_k(s);
	mid = conf_create_m(s);
	if (kfd < 0 || mid <= 0)
		goto fail;
	bufs_fill(&b, 0x11);
	HX_SAME("lookup absent", bpf_map_lookup_elem(kfd, &key, b.k),
		mim_lookup_elem(mid, &key, b.m));
	HX_SAME("update EXIST absent",
		bpf_map_update_elem(kfd, &key, b.k, BPF_EXIST),
		mim_update_elem(mid, &key, b.m, MIM_EXIST));
	HX_SAME("update ANY", bpf_map_update_elem(kfd, &key, b.k, BPF_ANY),
		mim_update_elem(mid, &key, b.m, MIM_ANY));
	HX_SAME("update NOEXIST",
		bpf_map_update_elem(kfd, &key, b.k, BPF_NOEXIST),
		mim_update_elem(mid, &key, b.m, MIM_NOEXIST));
	HX_SAME("update flags 3", bpf_map_update_elem(kfd, &key, b.k, 3),
		mim_update_elem(mid, &key, b.m, 3));
	HX_SAME("update BPF_F_LOCK",
		bpf_map_update_elem(kfd, &key, b.k, BPF_F_LOCK),
		mim_update_elem(mid, &key, b.m, BPF_F_LOCK));
	bufs_fill(&b, 0x5a);
	HX_SAME("update EXIST", bpf_map_update_elem(kfd, &key, b.k, BPF_EXIST),
		mim_update_elem(mid, &key, b.m, MIM_EXIST));
	memset(b.k, 0, (size_t)b.kn * b.stride);
	memset(b.m, 0xff, (size_t)b.mn * b.stride);
	HX_SAME("lookup", bpf_map_lookup_elem(kfd, &key, b.k),
		mim_lookup_elem(mid, &key, b.m));
	if (!bufs_agree(&b)) {
		printf("    FAIL lookup: the copies differ\n");
		goto fail;
	}
	HX_SAME("update second", bpf_map_update_elem(kfd, &other, b.k, BPF_ANY),
		mim_update_elem(mid, &other, b.m, MIM_ANY));
	HX_SAME("update past max_entries",
		bpf_map_update_elem(kfd, &third, b.k, BPF_ANY),
		mim_update_elem(mid, &third, b.m, MIM_ANY));
	HX_SAME("replace when full",
		bpf_map_update_elem(kfd, &other, b.k, BPF_ANY),
		mim_update_elem(mid, &other, b.m, MIM_ANY));
	HX_SAME("get_next_key NULL", bpf_map_get_next_key(kfd, NULL, &next),
		mim_get_next_key(mid, NULL, &mnext));
	HX_SAME("get_next_key absent", bpf_map_get_next_key(kfd, &third, &next),
		mim_get_next_key(mid, &third, &mnext));
	HX_SAME("delete", bpf_map_delete_elem(kfd, &key),
		mim_delete_elem(mid, &key));
	HX_SAME("delete absent", bpf_map_delete_elem(kfd, &key),
		mim_delete_elem(mid, &key));
	HX_SAME("get_next_key last", bpf_map_get_next_key(kfd, &other, &next),
		mim_get_next_key(mid, &other, &mnext));
	ret = TEST_SUCCESS;
fail:
	if (kfd >= 0)
		close(kfd);
	if (mid > 0)
		mim_close(mid);
	free(b.k);
	free(b.m);
	return ret;
}

static int
test_conf_pch_elem(void)
{
	if (!conf_kernel_available()) {
		printf("    bpf() refused here (needs root): skipped\n");
		return TEST_SKIPPED;
	}
	if (pch_elem(0) != TEST_SUCCESS)
		return TEST_FAILED;
	return pch_elem(BPF_F_NO_PREALLOC);
}

const struct autotest_case conf_hashx_cases[] = {
	TEST_CASE(test_conf_pch_create),
	TEST_CASE(test_conf_pch_elem),
	TEST_CASES_END(),
};
