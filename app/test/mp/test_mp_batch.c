/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * mim_lookup_batch() from a secondary process: the primary digests its
 * own batch walk of each table and passes the digests to the child
 * ("batch"), whose batch walks (1, 7 and more elements than the table
 * per call) and one-by-one walk, each one request per call, must give the
 * same; then the errors, with the primary's reasons.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"
#include "mp_util.h"

#define NB_TABLES 4
#define STEP_MAX 100000

static uint64_t
fnv(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len-- > 0)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static size_t
vbuf(const struct mim_table_info *ti)
{
	if (ti->type == MIM_TYPE_PERCPU_ARRAY ||
	    ti->type == MIM_TYPE_PERCPU_HASH)
		return (size_t)mim_percpu_nb_copies() *
			RTE_ALIGN_CEIL(ti->value_size, 8);
	return ti->value_size;
}

/* Digest of a batch walk of step elements per call; *n elements. */
static int
digest_batch(int id, uint32_t step, uint32_t *n, uint64_t *h)
{
	struct mim_table_info ti;
	uint8_t cur[512], *k, *v;
	uint32_t cnt, calls = 0, i;
	int ret;

	if (mim_get_info(id, &ti) != 0)
		return -1;
	k = malloc((size_t)step * ti.key_size);
	v = malloc((size_t)step * vbuf(&ti));
	*n = 0;
	*h = 0xcbf29ce484222325ULL;
	do {
		cnt = step;
		ret = mim_lookup_batch(id, calls++ == 0 ? NULL : cur, cur, k,
				       v, &cnt, NULL);
		if (ret != 0 && ret != -ENOENT)
			break;
		for (i = 0; i < cnt; i++) {
			*h = fnv(*h, k + (size_t)i * ti.key_size, ti.key_size);
			*h = fnv(*h, v + i * vbuf(&ti), vbuf(&ti));
		}
		*n += cnt;
	} while (ret == 0 && calls < 100000);
	free(k);
	free(v);
	return ret == -ENOENT ? 0 : -1;
}

/* Digest of the walk by mim_get_next_key() and mim_lookup_elem(). */
static int
digest_one_by_one(int id, uint32_t *n, uint64_t *h)
{
	struct mim_table_info ti;
	uint8_t cur[512], next[512], *v;
	const void *prev = NULL;

	if (mim_get_info(id, &ti) != 0)
		return -1;
	v = malloc(vbuf(&ti));
	*n = 0;
	*h = 0xcbf29ce484222325ULL;
	while (mim_get_next_key(id, prev, next) == 0) {
		if (mim_lookup_elem(id, next, v) == 0) {
			*h = fnv(*h, next, ti.key_size);
			*h = fnv(*h, v, vbuf(&ti));
			++*n;
		}
		memcpy(cur, next, ti.key_size);
		prev = cur;
	}
	free(v);
	return 0;
}

static int
child_errors(int id)
{
	MIM_OPTS(mim_batch_opts, fl, .flags = 1);
	MIM_OPTS(mim_batch_opts, lock, .elem_flags = 4);
	uint32_t k[2], v[2], out, cnt = 2;

	TEST_ASSERT_ERR(mim_lookup_batch(9999999, NULL, &out, k, v, &cnt, NULL),
			EBADF, "no table with id");
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, k, v, &cnt, &fl),
			EINVAL, "reserved");
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, k, v, &cnt, &lock),
			EINVAL, "spin lock");
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, NULL, v, &cnt, NULL),
			EINVAL, "is NULL");
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, k, v, NULL, NULL),
			EINVAL, "count is NULL");
	TEST_ASSERT_EQUAL(cnt, 2, "count unchanged by the errors");
	cnt = 0;
	TEST_ASSERT_OK(mim_lookup_batch(id, NULL, NULL, NULL, NULL, &cnt, NULL));
	return 0;
}

/* The child: arg is "id:n:digest" for each table, space-separated. */
int mp_child_batch(const char *arg);

int
mp_child_batch(const char *arg)
{
	static const uint32_t steps[] = { 1, 7, STEP_MAX };
	uint32_t n, want_n, i;
	uint64_t h, want_h;
	const char *p = arg;
	int id = 0, used, t;

	for (t = 0; t < NB_TABLES; t++) {
		TEST_ASSERT(sscanf(p, "%d:%" SCNu32 ":%" SCNx64 "%n", &id,
				   &want_n, &want_h, &used) == 3, "arg %s", p);
		p += used;
		for (i = 0; i < RTE_DIM(steps); i++) {
			TEST_ASSERT_OK(digest_batch(id, steps[i], &n, &h));
			TEST_ASSERT(n == want_n && h == want_h,
				    "table %d, %u per call: %u elements, the primary's %u",
				    id, steps[i], n, want_n);
		}
		TEST_ASSERT_OK(digest_one_by_one(id, &n, &h));
		TEST_ASSERT(n == want_n && h == want_h,
			    "table %d one by one: %u elements", id, n);
	}
	return child_errors(id);
}

static int
test_mp_batch(void)
{
	int tmpl, ids[NB_TABLES], in[3], i;
	char arg[NB_TABLES * 48], *p = arg;
	uint8_t key[6] = { 0 }, val[10];
	struct mim_lpm_key lk;
	uint64_t h;
	uint32_t n;

	ids[0] = mim_create(MIM_TYPE_HASH, "b_hash", 6, 10, 256, NULL);
	ids[1] = mim_create(MIM_TYPE_PERCPU_ARRAY, "b_pcpu", 4, 8, 20, NULL);
	ids[2] = mim_create(MIM_TYPE_LPM, "b_lpm", 8, 10, 64, NULL);
	tmpl = mim_create(MIM_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	ids[3] = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "b_aot", 5000, tmpl);
	for (i = 0; i < NB_TABLES; i++)
		TEST_ASSERT_OK(ids[i]);
	for (i = 0; i < 200; i++) {
		key[0] = (uint8_t)i;
		key[5] = (uint8_t)(i * 7);
		memset(val, i, sizeof(val));
		TEST_ASSERT_OK(mim_update_elem(ids[0], key, val, MIM_ANY));
		lk.prefixlen = 16 + (uint32_t)i % 9;
		lk.addr = rte_cpu_to_be_32(0x0a000000U | (uint32_t)i << 16);
		if (i < 60)
			TEST_ASSERT_OK(mim_update_elem(ids[2], &lk, val,
						       MIM_ANY));
	}
	for (i = 0; i < 3; i++) {
		in[i] = mim_create(MIM_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
		TEST_ASSERT_OK(autotest_put(ids[3], 10 + (uint32_t)i * 2000,
					    in[i]));
	}
	for (i = 0; i < NB_TABLES; i++) {
		TEST_ASSERT_OK(digest_batch(ids[i], 3, &n, &h));
		p += snprintf(p, sizeof(arg) - (size_t)(p - arg),
			      "%d:%u:%" PRIx64 " ", ids[i], n, h);
	}
	TEST_ASSERT_EQUAL(mp_run("batch", arg), 0, "child failed");
	TEST_ASSERT_OK(mp_reap());
	for (i = 0; i < NB_TABLES; i++)
		TEST_ASSERT_OK(mim_close(ids[i]));
	for (i = 0; i < 3; i++)
		TEST_ASSERT_OK(mim_close(in[i]));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

const struct autotest_case mp_batch_cases[] = {
	TEST_CASE(test_mp_batch),
	TEST_CASES_END(),
};
