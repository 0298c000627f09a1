/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The `batch` suite: mim_lookup_batch() on every table type. A batch walk
 * (of 1, 3 and more elements than the table holds per call) must give the
 * keys and values, in the same order, that mim_get_next_key() and
 * mim_lookup_elem() give one by one; then every error.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"

#define MAXE 4096

struct walk {
	uint32_t n;
	uint8_t *keys, *vals;
};

static size_t
vbuf(enum mim_type type, uint32_t vs)
{
	if (type == MIM_TYPE_PERCPU_ARRAY || type == MIM_TYPE_PERCPU_HASH)
		return (size_t)mim_percpu_nb_copies() * RTE_ALIGN_CEIL(vs, 8);
	return type == MIM_TYPE_ARRAY_OF_TABLES ||
		type == MIM_TYPE_HASH_OF_TABLES ? 4 : vs;
}

static int
walk_alloc(struct walk *w, size_t ks, size_t vb)
{
	w->n = 0;
	w->keys = calloc(MAXE, ks);
	w->vals = calloc(MAXE, vb);
	return w->keys != NULL && w->vals != NULL ? 0 : -ENOMEM;
}

static void
walk_free(struct walk *w)
{
	free(w->keys);
	free(w->vals);
}

/* The one-by-one walk; keys whose lookup fails (empty slots) left out. */
static int
walk_ref(int id, size_t ks, size_t vb, struct walk *w)
{
	uint8_t cur[512], next[512];
	const void *prev = NULL;

	while (mim_get_next_key(id, prev, next) == 0 && w->n < MAXE) {
		if (mim_lookup_elem(id, next, w->vals + w->n * vb) == 0) {
			memcpy(w->keys + w->n * ks, next, ks);
			w->n++;
		}
		memcpy(cur, next, ks);
		prev = cur;
	}
	return 0;
}

/* The batch walk, step elements per call; -1 on an unexpected error. */
static int
walk_batch(int id, size_t ks, size_t vb, uint32_t step, struct walk *w)
{
	uint8_t cur[512];
	uint32_t cnt, calls = 0;
	int ret;

	do {
		cnt = RTE_MIN(step, MAXE - w->n);
		ret = mim_lookup_batch(id, calls++ == 0 ? NULL : cur, cur,
				       w->keys + w->n * ks,
				       w->vals + w->n * vb, &cnt, NULL);
		if (ret != 0 && ret != -ENOENT) {
			printf("    batch: %d (%s)\n", ret, mim_last_error());
			return -1;
		}
		if (cnt > step)
			return -1;
		w->n += cnt;
	} while (ret == 0 && calls < 2 * MAXE);
	return ret == -ENOENT ? 0 : -1;
}

/* Every batch size gives the one-by-one walk of table id. */
static int
check_walks(int id, enum mim_type type, size_t ks, uint32_t vs, uint32_t want)
{
	static const uint32_t steps[] = { 1, 3, 7, MAXE };
	size_t vb = vbuf(type, vs);
	struct walk ref, b;
	unsigned int i;

	TEST_ASSERT_OK(walk_alloc(&ref, ks, vb));
	TEST_ASSERT_OK(walk_ref(id, ks, vb, &ref));
	TEST_ASSERT_EQUAL(ref.n, want, "one-by-one walk of type %d", type);
	for (i = 0; i < RTE_DIM(steps); i++) {
		TEST_ASSERT_OK(walk_alloc(&b, ks, vb));
		TEST_ASSERT_OK(walk_batch(id, ks, vb, steps[i], &b));
		TEST_ASSERT_EQUAL(b.n, ref.n, "type %d, %u per call", type,
				  steps[i]);
		TEST_ASSERT(memcmp(b.keys, ref.keys, ref.n * ks) == 0,
			    "keys of type %d, %u per call", type, steps[i]);
		TEST_ASSERT(memcmp(b.vals, ref.vals, ref.n * vb) == 0,
			    "values of type %d, %u per call", type, steps[i]);
		walk_free(&b);
	}
	walk_free(&ref);
	return TEST_SUCCESS;
}

static void
fill(uint8_t *p, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7 + 1);
}

/* A table of type with n elements of keys (i * 13) and values (i). */
static int
mk_filled(enum mim_type type, uint32_t ks, uint32_t vs, uint32_t max,
	  uint32_t n)
{
	uint8_t key[32], val[4096 * 8];
	size_t vb = vbuf(type, vs);
	uint32_t i, k;
	int id = mim_create(type, NULL, ks, vs, max, NULL);

	if (id < 0 || vb > sizeof(val))
		return -1;
	for (i = 0; i < n; i++) {
		memset(key, 0, sizeof(key));
		k = type == MIM_TYPE_ARRAY || type == MIM_TYPE_PERCPU_ARRAY ?
			i : i * 13 + 5;
		memcpy(key, &k, sizeof(k));
		fill(val, vb, i);
		if (mim_update_elem(id, key, val, MIM_ANY) != 0)
			return -1;
	}
	return id;
}

static int
test_batch_plain(void)
{
	static const struct {
		enum mim_type type;
		uint32_t ks, vs, max, n;
	} t[] = {
		{ MIM_TYPE_ARRAY, 4, 12, 10, 10 },
		{ MIM_TYPE_ARRAY, 4, 3, 1, 1 },
		{ MIM_TYPE_HASH, 6, 10, 64, 50 },
		{ MIM_TYPE_HASH, 4, 4, 8, 0 },
		{ MIM_TYPE_LRU_HASH, 8, 16, 128, 40 },
		{ MIM_TYPE_PERCPU_ARRAY, 4, 8, 5, 5 },
		{ MIM_TYPE_PERCPU_HASH, 4, 12, 32, 20 },
	};
	unsigned int i;
	int id;

	for (i = 0; i < RTE_DIM(t); i++) {
		id = mk_filled(t[i].type, t[i].ks, t[i].vs, t[i].max, t[i].n);
		TEST_ASSERT(id > 0, "table %u: %s", i, mim_last_error());
		TEST_ASSERT_OK(check_walks(id, t[i].type, t[i].ks, t[i].vs,
					   t[i].n));
		TEST_ASSERT_OK(mim_close(id));
	}
	return TEST_SUCCESS;
}

static int
test_batch_lpm(void)
{
	struct mim_lpm6_key k6;
	struct mim_lpm_key k4;
	uint32_t i, v;
	int id4, id6;

	id4 = mim_create(MIM_TYPE_LPM, NULL, 8, 4, 64, NULL);
	id6 = mim_create(MIM_TYPE_LPM, NULL, 20, 4, 64, NULL);
	TEST_ASSERT_OK(id4);
	TEST_ASSERT_OK(id6);
	for (i = 0; i < 30; i++) {
		v = i;
		k4.prefixlen = 16 + i % 17;
		k4.addr = rte_cpu_to_be_32(0x0a000000U | i << 16 | i << 8);
		TEST_ASSERT_OK(mim_update_elem(id4, &k4, &v, MIM_ANY));
		memset(&k6, 0, sizeof(k6));
		k6.prefixlen = 16 + i * 3;
		k6.addr[0] = 0x20;
		k6.addr[1] = 0x01;
		k6.addr[2 + i % 14] = (uint8_t)(i + 1);
		TEST_ASSERT_OK(mim_update_elem(id6, &k6, &v, MIM_ANY));
	}
	TEST_ASSERT_OK(check_walks(id4, MIM_TYPE_LPM, 8, 4, 30));
	TEST_ASSERT_OK(check_walks(id6, MIM_TYPE_LPM, 20, 4, 30));
	TEST_ASSERT_OK(mim_close(id4));
	TEST_ASSERT_OK(mim_close(id6));
	return TEST_SUCCESS;
}

/* Outer tables: an array with holes (first and last slots empty too). */
static int
test_batch_outer(void)
{
	int tmpl, aot, hot, in[4], i;
	uint32_t key;

	tmpl = mim_create(MIM_TYPE_ARRAY, NULL, 4, 4, 2, NULL);
	TEST_ASSERT_OK(tmpl);
	aot = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, NULL, 40, tmpl);
	hot = autotest_outer(MIM_TYPE_HASH_OF_TABLES, NULL, 40, tmpl);
	TEST_ASSERT_OK(aot);
	TEST_ASSERT_OK(hot);
	TEST_ASSERT_OK(check_walks(aot, MIM_TYPE_ARRAY_OF_TABLES, 4, 4, 0));
	for (i = 0; i < 4; i++) {
		in[i] = mim_create(MIM_TYPE_ARRAY, NULL, 4, 4, 2, NULL);
		TEST_ASSERT_OK(in[i]);
		TEST_ASSERT_OK(autotest_put(aot, 3 + (uint32_t)i * i * 2, in[i]));
		key = (uint32_t)i * 1000;
		TEST_ASSERT_OK(mim_update_elem(hot, &key, &(uint32_t){ (uint32_t)in[i] },
					       MIM_ANY));
	}
	TEST_ASSERT_OK(check_walks(aot, MIM_TYPE_ARRAY_OF_TABLES, 4, 4, 4));
	TEST_ASSERT_OK(check_walks(hot, MIM_TYPE_HASH_OF_TABLES, 4, 4, 4));
	TEST_ASSERT_OK(mim_close(aot));
	TEST_ASSERT_OK(mim_close(hot));
	for (i = 0; i < 4; i++)
		TEST_ASSERT_OK(mim_close(in[i]));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

/*
 * A call passes over at most 65536 empty slots: a sparse outer array
 * takes several calls that copy nothing and return 0, the cursor moving.
 */
static int
test_batch_sparse(void)
{
	uint32_t cnt, cur = 0, key, val, calls = 0, found = 0, zero = 0;
	int tmpl, aot, in, ret;

	tmpl = mim_create(MIM_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	aot = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, NULL, 200000, tmpl);
	in = mim_create(MIM_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	TEST_ASSERT_OK(aot);
	TEST_ASSERT_OK(autotest_put(aot, 150000, in));
	do {
		cnt = 8;
		ret = mim_lookup_batch(aot, calls++ == 0 ? NULL : &cur, &cur,
				       &key, &val, &cnt, NULL);
		TEST_ASSERT(ret == 0 || ret == -ENOENT, "%d: %s", ret,
			    mim_last_error());
		TEST_ASSERT(cnt <= 1, "count %u", cnt);
		if (cnt == 1) {
			TEST_ASSERT_EQUAL(key, 150000, "the key");
			TEST_ASSERT_EQUAL((int)val, in, "the value");
		}
		zero += ret == 0 && cnt == 0;
		found += cnt;
	} while (ret == 0 && calls < 100);
	TEST_ASSERT_EQUAL(found, 1, "the one slot held");
	TEST_ASSERT(zero >= 2, "%u calls copied nothing", zero);
	TEST_ASSERT(calls >= 4 && calls < 10, "%u calls", calls);
	TEST_ASSERT_OK(mim_close(aot));
	TEST_ASSERT_OK(mim_close(in));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

/* The cursor: continue, the end, *count unchanged by argument errors. */
static int
test_batch_cursor(void)
{
	uint32_t keys[8], vals[8], in, out, cnt;
	int id = mk_filled(MIM_TYPE_ARRAY, 4, 4, 5, 5);

	TEST_ASSERT(id > 0, "%s", mim_last_error());
	cnt = 2;
	TEST_ASSERT_OK(mim_lookup_batch(id, NULL, &out, keys, vals, &cnt, NULL));
	TEST_ASSERT(cnt == 2 && keys[0] == 0 && keys[1] == 1 && out == 1,
		    "first two: %u, cursor %u", cnt, out);
	in = out;
	cnt = 2;
	/* out_batch may be in_batch. */
	TEST_ASSERT_OK(mim_lookup_batch(id, &in, &in, keys, vals, &cnt, NULL));
	TEST_ASSERT(cnt == 2 && keys[0] == 2 && keys[1] == 3 && in == 3,
		    "next two: %u, cursor %u", cnt, in);
	cnt = 8;
	TEST_ASSERT_ERR(mim_lookup_batch(id, &in, &out, keys, vals, &cnt, NULL),
			ENOENT, "end of table");
	TEST_ASSERT(cnt == 1 && keys[0] == 4 && out == 4,
		    "the last one with -ENOENT: %u", cnt);
	cnt = 8;
	TEST_ASSERT_ERR(mim_lookup_batch(id, &out, &out, keys, vals, &cnt, NULL),
			ENOENT, "0 elements copied");
	TEST_ASSERT_EQUAL(cnt, 0, "nothing after the last key");
	/* As the kernel's: room for exactly the table returns 0, the
	 * next call -ENOENT.
	 */
	cnt = 5;
	TEST_ASSERT_OK(mim_lookup_batch(id, NULL, &out, keys, vals, &cnt, NULL));
	TEST_ASSERT(cnt == 5 && out == 4, "exactly the table: %u", cnt);
	TEST_ASSERT_ERR(mim_lookup_batch(id, &out, &out, keys, vals, &cnt, NULL),
			ENOENT, "0 elements copied");
	TEST_ASSERT_EQUAL(cnt, 0, "then its end");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_batch_errors(void)
{
	MIM_OPTS(mim_batch_opts, lock, .elem_flags = 4);
	MIM_OPTS(mim_batch_opts, ef, .elem_flags = 1);
	MIM_OPTS(mim_batch_opts, fl, .flags = 2);
	MIM_OPTS(mim_batch_opts, ok);
	uint32_t k[4], v[4], out, cnt = 4;
	struct {
		struct mim_batch_opts o;
		uint64_t more;
	} big = { .o = { .sz = sizeof(big) }, .more = 1 };
	int id = mk_filled(MIM_TYPE_ARRAY, 4, 4, 3, 3);

	TEST_ASSERT(id > 0, "%s", mim_last_error());
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, k, v, NULL, NULL),
			EINVAL, "count is NULL");
	TEST_ASSERT_ERR(mim_lookup_batch(777, NULL, &out, k, v, &cnt, NULL),
			EBADF, "no table with id 777");
	TEST_ASSERT_EQUAL(cnt, 4, "count unchanged by EBADF");
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, k, v, &cnt, &lock),
			EINVAL, "no table has a spin lock");
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, k, v, &cnt, &ef),
			EINVAL, "unknown elem_flags");
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, k, v, &cnt, &fl),
			EINVAL, "reserved");
	ok.sz = 4;
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, k, v, &cnt, &ok),
			EINVAL, "malformed struct mim_batch_opts");
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, k, v, &cnt, &big.o),
			EINVAL, "beyond the");
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, NULL, k, v, &cnt, NULL),
			EINVAL, "is NULL");
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, NULL, v, &cnt, NULL),
			EINVAL, "is NULL");
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, k, NULL, &cnt, NULL),
			EINVAL, "is NULL");
	TEST_ASSERT_EQUAL(cnt, 4, "count unchanged by EINVAL");
	/* As the kernel: a count of 0 returns 0 before the buffers. */
	cnt = 0;
	TEST_ASSERT_OK(mim_lookup_batch(id, NULL, NULL, NULL, NULL, &cnt, NULL));
	TEST_ASSERT_ERR(mim_lookup_batch(777, NULL, NULL, NULL, NULL, &cnt,
					 NULL), EBADF, "no table");
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, NULL, NULL, NULL, &cnt,
					 &fl), EINVAL, "reserved");
	big.more = 0;
	cnt = 4;
	TEST_ASSERT_ERR(mim_lookup_batch(id, NULL, &out, k, v, &cnt, &big.o),
			ENOENT, "end of table");
	TEST_ASSERT_EQUAL(cnt, 3, "a longer zeroed struct is accepted");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static const struct autotest_case batch_cases[] = {
	TEST_CASE(test_batch_plain),
	TEST_CASE(test_batch_lpm),
	TEST_CASE(test_batch_outer),
	TEST_CASE(test_batch_sparse),
	TEST_CASE(test_batch_cursor),
	TEST_CASE(test_batch_errors),
	TEST_CASES_END(),
};

static struct autotest_suite batch_suite = {
	.name = "batch",
	.help = "mim_lookup_batch() on every table type",
	.cases = batch_cases,
};

REGISTER_AUTOTEST(batch_suite);
