/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Conformance of mim_lookup_batch() with the kernel's BPF_MAP_LOOKUP_BATCH
 * (libbpf's bpf_map_lookup_batch()). ARRAY: the kernel's generic walk,
 * compared call by call (return, count, keys, values, cursor). HASH: the
 * kernel's own walk, whose cursor is a bucket number and whose order
 * differs, compared as the set of elements a whole walk gives, and call
 * by call for the errors and the end. An ARRAY_OF_MAPS with empty
 * slots: both pass over them. These checks are compared here and not
 * tabulated in the suite's report.
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
#include "autotest_util.h"
#include "conformance.h"

#define NB 10

/* Both results: the same errno (or success), and the same count. */
#define B_SAME(what, kret, kcnt, mret, mcnt) do {			\
	int _k = (kret) < 0 ? -errno : 0, _m = (mret);			\
	autotest_count_check();						\
	if (_k != _m || (kcnt) != (mcnt)) {				\
		printf("    FAIL %s: kernel %d count %u, mapinmap %d count %u (%s)\n", \
		       (what), _k, (kcnt), _m, (mcnt), mim_last_error()); \
		goto fail;						\
	}								\
} while (0)

/* The kernel refuses batch operations here: the reason, or NULL. */
static const char *
batch_refused(int kfd)
{
	uint32_t k, out, cnt = 1;
	uint64_t v;
	int ret;

	/* The maps here have 4-byte keys and 8-byte values; 524 is the
	 * kernel's ENOTSUPP.
	 */
	ret = bpf_map_lookup_batch(kfd, NULL, &out, &k, &v, &cnt, NULL);
	if (ret < 0 && (errno == 524 || errno == EINVAL ||
			errno == EPERM || errno == ENOSYS))
		return strerror(errno);
	return NULL;
}

static int
fill_both(int kfd, int mid, uint32_t n, uint32_t key_mul)
{
	uint64_t v;
	uint32_t i, k;

	for (i = 0; i < n; i++) {
		k = i * key_mul;
		v = 0x1000ULL * i + 7;
		if (bpf_map_update_elem(kfd, &k, &v, BPF_ANY) != 0 ||
		    mim_update_elem(mid, &k, &v, MIM_ANY) != 0)
			return -1;
	}
	return 0;
}

static int
test_conf_batch_array(void)
{
	LIBBPF_OPTS(bpf_map_batch_opts, kflags, .flags = 1);
	LIBBPF_OPTS(bpf_map_batch_opts, kef, .elem_flags = 1);
	MIM_OPTS(mim_batch_opts, mflags, .flags = 1);
	MIM_OPTS(mim_batch_opts, mef, .elem_flags = 1);
	uint32_t kk[NB + 2], mk[NB + 2], kc, mc, kcur = 0, mcur = 0, step;
	uint64_t kv[NB + 2], mv[NB + 2];
	int kfd, mid = -1, ret = TEST_FAILED, kr, mr, calls;
	const char *why;

	if (!conf_kernel_available()) {
		printf("    bpf() refused here (needs root): skipped\n");
		return TEST_SKIPPED;
	}
	kfd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, NB, NULL);
	if (kfd < 0)
		goto fail;
	why = batch_refused(kfd);
	if (why != NULL) {
		printf("    bpf(BPF_MAP_LOOKUP_BATCH) refused (%s): skipped\n", why);
		close(kfd);
		return TEST_SKIPPED;
	}
	mid = mim_create(MIM_TYPE_ARRAY, NULL, 4, 8, NB, NULL);
	if (mid <= 0 || fill_both(kfd, mid, NB - 2, 1) != 0)
		goto fail;
	/* Walks of 1, 3, NB and more per call, call by call. */
	for (step = 1; step <= NB + 2; step += step < 3 ? 2 : NB - 3) {
		calls = 0;
		do {
			kc = mc = step;
			memset(kk, 0, sizeof(kk));
			memset(mk, 0xff, sizeof(mk));
			kr = bpf_map_lookup_batch(kfd, calls ? &kcur : NULL,
						  &kcur, kk, kv, &kc, NULL);
			mr = mim_lookup_batch(mid, calls ? &mcur : NULL, &mcur,
					      mk, mv, &mc, NULL);
			B_SAME("array walk", kr, kc, mr, mc);
			TEST_ASSERT(memcmp(kk, mk, kc * 4) == 0 &&
				    memcmp(kv, mv, kc * 8) == 0 &&
				    (kc == 0 || kcur == mcur),
				    "array walk of %u: call %d differs", step,
				    calls);
			calls++;
		} while (kr == 0 && calls < 2 * NB);
	}
	kc = mc = 0;
	B_SAME("count 0", bpf_map_lookup_batch(kfd, NULL, NULL, NULL, NULL,
					       &kc, NULL), kc,
	       mim_lookup_batch(mid, NULL, NULL, NULL, NULL, &mc, NULL), mc);
	kc = mc = 2;
	B_SAME("elem_flags 1", bpf_map_lookup_batch(kfd, NULL, &kcur, kk, kv,
						    &kc, &kef), kc,
	       mim_lookup_batch(mid, NULL, &mcur, mk, mv, &mc, &mef), mc);
	/* A documented difference: the kernel's generic walk ignores
	 * batch.flags; mapinmap reserves them.
	 */
	kr = bpf_map_lookup_batch(kfd, NULL, &kcur, kk, kv, &kc, &kflags);
	printf("    flags 1 on an ARRAY: kernel %d (ignored), mapinmap -EINVAL\n",
	       kr < 0 ? -errno : kr);
	TEST_ASSERT_ERR(mim_lookup_batch(mid, NULL, &mcur, mk, mv, &mc, &mflags),
			EINVAL, "reserved");
	ret = TEST_SUCCESS;
fail:
	close(kfd);
	if (mid > 0)
		mim_close(mid);
	return ret;
}

/* A whole walk, step per call: n elements into k and v; the last ret. */
static int
walk(int kfd, int mid, uint32_t step, uint32_t *k, uint64_t *v, uint32_t *n)
{
	uint32_t kcur = 0, mcur[1] = { 0 }, c;
	int ret, calls = 0;

	*n = 0;
	do {
		c = step;
		if (kfd >= 0) {
			ret = bpf_map_lookup_batch(kfd, calls ? &kcur : NULL,
						   &kcur, k + *n, v + *n, &c,
						   NULL);
			ret = ret < 0 ? -errno : 0;
		} else {
			ret = mim_lookup_batch(mid, calls ? mcur : NULL, mcur,
					       k + *n, v + *n, &c, NULL);
		}
		*n += c;
		calls++;
	} while (ret == 0 && calls < 4 * NB);
	return ret;
}

/* Element i of (k, v) is an element of the other walk. */
static bool
same_set(const uint32_t *k1, const uint64_t *v1, const uint32_t *k2,
	 const uint64_t *v2, uint32_t n)
{
	uint32_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n && (k2[j] != k1[i] || v2[j] != v1[i]); j++)
			;
		if (j == n)
			return false;
	}
	return true;
}

static int
test_conf_batch_hash(void)
{
	LIBBPF_OPTS(bpf_map_batch_opts, kflags, .flags = 1);
	MIM_OPTS(mim_batch_opts, mflags, .flags = 1);
	uint32_t kk[4 * NB], mk[4 * NB], kn, mn, kc, mc, out;
	uint64_t kv[4 * NB], mv[4 * NB];
	int kfd, mid = -1, ret = TEST_FAILED, kr, mr;
	const char *why;

	if (!conf_kernel_available()) {
		printf("    bpf() refused here (needs root): skipped\n");
		return TEST_SKIPPED;
	}
	kfd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 4, 8, 4 * NB, NULL);
	if (kfd < 0)
		goto fail;
	why = batch_refused(kfd);
	if (why != NULL) {
		printf("    bpf(BPF_MAP_LOOKUP_BATCH) refused (%s): skipped\n", why);
		close(kfd);
		return TEST_SKIPPED;
	}
	mid = mim_create(MIM_TYPE_HASH, NULL, 4, 8, 4 * NB, NULL);
	if (mid <= 0)
		goto fail;
	kc = mc = 4;
	B_SAME("empty", bpf_map_lookup_batch(kfd, NULL, &out, kk, kv, &kc,
					     NULL), kc,
	       mim_lookup_batch(mid, NULL, &out, mk, mv, &mc, NULL), mc);
	if (fill_both(kfd, mid, NB, 7) != 0)
		goto fail;
	/* Room for the whole table: all of it and the end, in one call. */
	kc = mc = 4 * NB;
	B_SAME("whole table", bpf_map_lookup_batch(kfd, NULL, &out, kk, kv,
						   &kc, NULL), kc,
	       mim_lookup_batch(mid, NULL, &out, mk, mv, &mc, NULL), mc);
	TEST_ASSERT(kc == NB && same_set(kk, kv, mk, mv, NB),
		    "the elements of a whole-table batch differ");
	/* Walks of 1 (mapinmap) and of the kernel's own: the same set. */
	kr = walk(kfd, -1, 4, kk, kv, &kn);
	mr = walk(-1, mid, 1, mk, mv, &mn);
	TEST_ASSERT(kr == -ENOENT && mr == -ENOENT && kn == NB && mn == NB &&
		    same_set(kk, kv, mk, mv, NB),
		    "walks: kernel %d (%u), mapinmap %d (%u)", kr, kn, mr, mn);
	kc = mc = 0;
	B_SAME("count 0", bpf_map_lookup_batch(kfd, NULL, NULL, NULL, NULL,
					       &kc, NULL), kc,
	       mim_lookup_batch(mid, NULL, NULL, NULL, NULL, &mc, NULL), mc);
	kc = mc = 2;
	B_SAME("flags 1", bpf_map_lookup_batch(kfd, NULL, &out, kk, kv, &kc,
					       &kflags), kc,
	       mim_lookup_batch(mid, NULL, &out, mk, mv, &mc, &mflags), mc);
	ret = TEST_SUCCESS;
fail:
	close(kfd);
	if (mid > 0)
		mim_close(mid);
	return ret;
}

/* An array of maps with empty slots: both pass over them. */
static int
test_conf_batch_outer_hole(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, o);
	uint32_t k[4], v[4], out = 0, c = 4, key;
	int inner, kfd, kr, tmpl, aot, in;

	if (!conf_kernel_available()) {
		printf("    bpf() refused here (needs root): skipped\n");
		return TEST_SKIPPED;
	}
	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	o.inner_map_fd = (uint32_t)inner;
	kfd = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, NULL, 4, 4, 4, &o);
	TEST_ASSERT(inner >= 0 && kfd >= 0, "kernel maps");
	for (key = 0; key < 4; key += 2)
		TEST_ASSERT_OK(bpf_map_update_elem(kfd, &key, &inner, BPF_ANY));
	memset(k, 0xff, sizeof(k));
	kr = bpf_map_lookup_batch(kfd, NULL, &out, k, v, &c, NULL);
	kr = kr < 0 ? -errno : kr;
	close(kfd);
	TEST_ASSERT(kr == -ENOENT && c == 2 && k[0] == 0 && k[1] == 2,
		    "ARRAY_OF_MAPS, slots 0 and 2 of 4 held: kernel %d, count %u",
		    kr, c);
	close(inner);
	tmpl = mim_create(MIM_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	aot = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, tmpl);
	in = mim_create(MIM_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	TEST_ASSERT_OK(autotest_put(aot, 0, in));
	TEST_ASSERT_OK(autotest_put(aot, 2, in));
	c = 4;
	TEST_ASSERT_ERR(mim_lookup_batch(aot, NULL, &out, k, v, &c, NULL),
			ENOENT, "end of table");
	TEST_ASSERT(c == 2 && k[0] == 0 && k[1] == 2 && v[0] == (uint32_t)in,
		    "the held slots: %u", c);
	TEST_ASSERT_OK(mim_close(aot));
	TEST_ASSERT_OK(mim_close(in));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

const struct autotest_case conf_batch_cases[] = {
	TEST_CASE(test_conf_batch_array),
	TEST_CASE(test_conf_batch_hash),
	TEST_CASE(test_conf_batch_outer_hole),
	TEST_CASES_END(),
};
