/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Conformance of per-lcore arrays with the kernel's
 * BPF_MAP_TYPE_PERCPU_ARRAY: creation checks (array_map_alloc_check()),
 * then update, lookup, delete and get_next_key with their flags and errno
 * (bpf_percpu_array_update(), bpf_percpu_array_copy()). The syscall's
 * value buffer holds num_possible_cpus() copies, mapinmap's
 * mim_percpu_nb_copies(), each value_size rounded up to 8 bytes: the
 * values are compared copy by copy up to the smaller count. These checks
 * are compared here and not tabulated in the suite's report.
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

struct pc_spec {
	uint32_t key_size, value_size, max_entries, flags;
	const char *what;
};

static const struct pc_spec create_rows[] = {
	{ 4, 8, 4, 0, "plain" },
	{ 4, 12, 4, 0, "value_size 12 (rounded to 16 per copy)" },
	{ 4, 8, 0, 0, "zero max_entries" },
	{ 8, 8, 4, 0, "key_size 8" },
	{ 4, 0, 4, 0, "zero value_size" },
	{ 4, 8, 4, BPF_F_INNER_MAP, "BPF_F_INNER_MAP" },
	{ 4, 8, 4, BPF_F_NUMA_NODE, "BPF_F_NUMA_NODE (node 0)" },
	{ 4, 8, 4, BPF_F_NO_PREALLOC, "BPF_F_NO_PREALLOC" },
	{ 4, 32768, 1, 0, "value_size 32768" },
	{ 4, 32769, 1, 0, "value_size 32769" },
};

/* Both sides' table, or -errno each. */
static void
pc_create(const struct pc_spec *s, int *kfd, int *mid)
{
	LIBBPF_OPTS(bpf_map_create_opts, ko, .map_flags = s->flags,
		    .numa_node = 0);
	MIM_OPTS(mim_create_opts, mo, .map_flags = s->flags, .socket_id = 0);

	*kfd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, NULL, s->key_size,
			      s->value_size, s->max_entries, &ko);
	if (*kfd < 0)
		*kfd = -errno;
	*mid = mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, s->key_size,
			  s->value_size, s->max_entries, &mo);
}

static void
pc_close(int kfd, int mid)
{
	if (kfd >= 0)
		close(kfd);
	if (mid > 0)
		mim_close(mid);
}

static int
test_conf_percpu_create(void)
{
	unsigned int i;
	int kfd, mid;

	if (!conf_kernel_available()) {
		printf("    bpf() refused here (needs root): skipped\n");
		return TEST_SKIPPED;
	}
	for (i = 0; i < RTE_DIM(create_rows); i++) {
		const struct pc_spec *s = &create_rows[i];

		pc_create(s, &kfd, &mid);
		pc_close(kfd, mid);
		if ((kfd >= 0) != (mid > 0) ||
		    (kfd < 0 && kfd != mid)) {
			printf("    FAIL create %s: kernel %d, mapinmap %d (%s)\n",
			       s->what, kfd < 0 ? kfd : 0, mid < 0 ? mid : 0,
			       mim_last_error());
			return TEST_FAILED;
		}
		TEST_ASSERT(true, "");
	}
	return TEST_SUCCESS;
}

/* The two sides' value buffers: ncpu and nb_copies copies of stride. */
struct pc_bufs {
	uint32_t stride, kn, mn;
	uint8_t *k, *m;
};

static int
bufs_init(struct pc_bufs *b, uint32_t value_size)
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
bufs_fill(struct pc_bufs *b, uint8_t seed)
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

/* The copies both sides have agree. */
static bool
bufs_agree(const struct pc_bufs *b)
{
	return memcmp(b->k, b->m,
		      (size_t)RTE_MIN(b->kn, b->mn) * b->stride) == 0;
}

/* One operation's results: both succeed, or fail with the same errno. */
#define PC_SAME(what, kret, mret) do {					\
	int _k = (kret) < 0 ? -errno : 0, _m = (mret);			\
	autotest_count_check();						\
	if (_k != _m) {							\
		printf("    FAIL %s: kernel %d, mapinmap %d (%s)\n", (what), \
		       _k, _m, mim_last_error());			\
		goto fail;						\
	}								\
} while (0)

static int
test_conf_percpu_elem(void)
{
	const struct pc_spec s = { 4, 12, 4, 0, "elem" };
	struct pc_bufs b = { .k = NULL, .m = NULL };
	uint32_t key = 1, bad = 4, next, mnext;
	int kfd = -1, mid = -1, ret = TEST_FAILED;

	if (!conf_kernel_available()) {
		printf("    bpf() refused here (needs root): skipped\n");
		return TEST_SKIPPED;
	}
	if (bufs_init(&b, s.value_size) != 0)
		goto fail;
	printf("    %u possible CPUs, %u lcore copies: compared up to %u\n",
	       b.kn, b.mn, RTE_MIN(b.kn, b.mn));
	pc_create(&s, &kfd, &mid);
	if (kfd < 0 || mid <= 0)
		goto fail;
	bufs_fill(&b, 0x11);
	PC_SAME("update ANY", bpf_map_update_elem(kfd, &key, b.k, BPF_ANY),
		mim_update_elem(mid, &key, b.m, MIM_ANY));
	PC_SAME("update NOEXIST",
		bpf_map_update_elem(kfd, &key, b.k, BPF_NOEXIST),
		mim_update_elem(mid, &key, b.m, MIM_NOEXIST));
	PC_SAME("update flags 3", bpf_map_update_elem(kfd, &key, b.k, 3),
		mim_update_elem(mid, &key, b.m, 3));
	PC_SAME("update index 4", bpf_map_update_elem(kfd, &bad, b.k, BPF_ANY),
		mim_update_elem(mid, &bad, b.m, MIM_ANY));
	bufs_fill(&b, 0x5a);
	PC_SAME("update EXIST", bpf_map_update_elem(kfd, &key, b.k, BPF_EXIST),
		mim_update_elem(mid, &key, b.m, MIM_EXIST));
	memset(b.k, 0, (size_t)b.kn * b.stride);
	memset(b.m, 0xff, (size_t)b.mn * b.stride);
	PC_SAME("lookup", bpf_map_lookup_elem(kfd, &key, b.k),
		mim_lookup_elem(mid, &key, b.m));
	if (!bufs_agree(&b)) {
		printf("    FAIL lookup: the copies differ\n");
		goto fail;
	}
	/* Another index: every copy zero on both sides. */
	key = 2;
	memset(b.m, 0xff, (size_t)b.mn * b.stride);
	PC_SAME("lookup untouched", bpf_map_lookup_elem(kfd, &key, b.k),
		mim_lookup_elem(mid, &key, b.m));
	if (!bufs_agree(&b) || b.m[0] != 0) {
		printf("    FAIL lookup untouched: the copies differ\n");
		goto fail;
	}
	PC_SAME("lookup index 4", bpf_map_lookup_elem(kfd, &bad, b.k),
		mim_lookup_elem(mid, &bad, b.m));
	PC_SAME("delete", bpf_map_delete_elem(kfd, &key),
		mim_delete_elem(mid, &key));
	PC_SAME("get_next_key NULL", bpf_map_get_next_key(kfd, NULL, &next),
		mim_get_next_key(mid, NULL, &mnext));
	TEST_ASSERT_EQUAL(next, mnext, "");
	key = 3;
	PC_SAME("get_next_key last", bpf_map_get_next_key(kfd, &key, &next),
		mim_get_next_key(mid, &key, &mnext));
	PC_SAME("get_next_key past the end",
		bpf_map_get_next_key(kfd, &bad, &next),
		mim_get_next_key(mid, &bad, &mnext));
	TEST_ASSERT_EQUAL(next, mnext, "");
	ret = TEST_SUCCESS;
fail:
	pc_close(kfd, mid);
	free(b.k);
	free(b.m);
	return ret;
}

const struct autotest_case conf_percpu_cases[] = {
	TEST_CASE(test_conf_percpu_create),
	TEST_CASE(test_conf_percpu_elem),
	TEST_CASES_END(),
};
