/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * LPM tables (IPv4 and IPv6) against a naive longest-prefix model:
 * thousands of random prefixes of a BGP-like length mix, replacements and
 * deletions across the index tiers, looked up through the control plane
 * (mim_lookup_elem, bounded by prefixlen), the single and the bulk data
 * path, and iterated; two-level bulk lookups of IPv6 tenants; what tables
 * cost in memory. The random seed is printed; set MIM_TEST_SEED to replay.
 */

#include <errno.h>
#include <stdlib.h>

#include <rte_malloc.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"
#include "lpm_model.h"

struct run {
	struct lpm_model m;
	int id;
	uint32_t alen;
	uint32_t vsize;
};

static uint32_t
width(const struct run *r)
{
	return r->alen * 8;
}

/* Value bytes of route value v: v repeated (vsize up to 16). */
static void
val_bytes(const struct run *r, uint64_t v, uint8_t *out)
{
	uint8_t tmp[16];

	memcpy(tmp, &v, 8);
	memcpy(tmp + 8, &v, 8);
	memcpy(out, tmp, r->vsize);
}

static int
put(struct run *r, const uint8_t *addr, uint32_t plen, uint64_t v)
{
	struct lpm_route *x = lpm_model_get(&r->m, addr, plen);
	uint8_t key[LPM_KEY_MAX], vb[16];

	TEST_ASSERT(x != NULL, "model full");
	lpm_key(key, x->addr, r->alen, plen);
	val_bytes(r, v, vb);
	TEST_ASSERT_OK(mim_update_elem(r->id, key, vb, MIM_ANY));
	r->m.live += !x->present;
	x->present = true;
	x->val = v;
	return TEST_SUCCESS;
}

static int
del(struct run *r, struct lpm_route *x)
{
	uint8_t key[LPM_KEY_MAX];

	lpm_key(key, x->addr, r->alen, x->plen);
	TEST_ASSERT_OK(mim_delete_elem(r->id, key));
	TEST_ASSERT_ERR(mim_delete_elem(r->id, key), ENOENT, "no such prefix");
	x->present = false;
	r->m.live--;
	return TEST_SUCCESS;
}

/* One address through every path: control plane, single, expected. */
static int
check_addr(const struct run *r, const uint8_t *addr, void **dp)
{
	const struct mim_table *t = mim_table(r->id);
	uint32_t plen = width(r) - (lpm_rnd() % 4 == 0 ? lpm_rnd() % 24 : 0);
	const struct lpm_route *full = lpm_model_lookup(&r->m, addr, width(r));
	const struct lpm_route *bound = lpm_model_lookup(&r->m, addr, plen);
	uint8_t key[LPM_KEY_MAX], exp[16], out[16];
	int ret;

	lpm_key(key, addr, r->alen, plen);
	ret = mim_lookup_elem(r->id, key, out);
	if (bound == NULL) {
		TEST_ASSERT_EQUAL(ret, -ENOENT, "control plane /%u", plen);
	} else {
		TEST_ASSERT_OK(ret);
		val_bytes(r, bound->val, exp);
		TEST_ASSERT(memcmp(out, exp, r->vsize) == 0,
			    "control plane /%u: route /%u", plen, bound->plen);
	}
	/* The data path ignores prefixlen: the longest of all. */
	*dp = mim_lookup(t, key);
	if (full == NULL) {
		TEST_ASSERT(*dp == NULL, "data path: a value for no route");
		return TEST_SUCCESS;
	}
	val_bytes(r, full->val, exp);
	TEST_ASSERT(*dp != NULL && memcmp(*dp, exp, r->vsize) == 0,
		    "data path: not the value of route /%u", full->plen);
	return TEST_SUCCESS;
}

/* Random addresses, singly and in bursts of every size. */
static int
check(const struct run *r, uint32_t nprobes)
{
	static uint8_t keys[MIM_LOOKUP_BULK_MAX][LPM_KEY_MAX];
	const void *kp[MIM_LOOKUP_BULK_MAX];
	void *one[MIM_LOOKUP_BULK_MAX], *v[MIM_LOOKUP_BULK_MAX];
	uint32_t done = 0, n, i, hits, exp;
	uint8_t addr[16];

	while (done < nprobes) {
		n = 1 + lpm_rnd() % MIM_LOOKUP_BULK_MAX;
		exp = 0;
		for (i = 0; i < n; i++) {
			lpm_random_addr(&r->m, addr);
			TEST_ASSERT_EQUAL(check_addr(r, addr, &one[i]),
					  TEST_SUCCESS, "");
			lpm_key(keys[i], addr, r->alen, width(r));
			kp[i] = keys[i];
			exp += one[i] != NULL;
		}
		hits = mim_lookup_bulk(mim_table(r->id), kp, n, v);
		TEST_ASSERT_EQUAL(hits, exp, "bulk of %u", n);
		for (i = 0; i < n; i++)
			TEST_ASSERT(v[i] == one[i], "bulk key %u of %u", i, n);
		done += n;
	}
	return TEST_SUCCESS;
}

/* get_next_key returns every present route once, masked. */
static int
check_walk(struct run *r)
{
	uint8_t key[LPM_KEY_MAX], next[LPM_KEY_MAX];
	struct mim_table_info info;
	uint32_t n = 0, plen;
	int ret;

	TEST_ASSERT_OK(mim_get_info(r->id, &info));
	TEST_ASSERT_EQUAL(info.nb_entries, r->m.live, "");
	ret = mim_get_next_key(r->id, NULL, next);
	while (ret == 0) {
		struct lpm_route *x;

		memcpy(&plen, next, sizeof(plen));
		x = lpm_model_get(&r->m, next + 4, plen);
		TEST_ASSERT(x != NULL && x->present &&
			    memcmp(x->addr, next + 4, r->alen) == 0,
			    "walk: /%u is not a present route (masked)", plen);
		n++;
		TEST_ASSERT(n <= r->m.live, "walk longer than the table");
		memcpy(key, next, sizeof(key));
		ret = mim_get_next_key(r->id, key, next);
	}
	TEST_ASSERT_EQUAL(ret, -ENOENT, "");
	TEST_ASSERT_EQUAL(n, r->m.live, "walk");
	return TEST_SUCCESS;
}

static struct lpm_route *
random_present(struct run *r)
{
	uint32_t i = lpm_rnd() % r->m.n;

	while (!r->m.r[i].present)
		i = (i + 1) % r->m.n;
	return &r->m.r[i];
}

static int
model_run(uint32_t alen, uint32_t vsize, uint32_t nroutes, uint32_t nprobes,
	  uint32_t nvals)
{
	struct run r = { .alen = alen, .vsize = vsize };
	uint8_t addr[16];
	uint32_t plen, i;
	int ret = TEST_FAILED;

	lpm_seed();
	TEST_ASSERT_OK(lpm_model_init(&r.m, alen, 2 * nroutes + 16));
	r.id = mim_create(MIM_TYPE_LPM, "model", 4 + alen, vsize, nroutes + 16,
			  NULL);
	if (r.id < 0)
		goto out;
	/* Grow through the tiers, checking on the way. */
	for (i = 0; i < nroutes; i++) {
		lpm_random_prefix(addr, alen, &plen);
		if (put(&r, addr, plen, 1 + lpm_rnd() % nvals) != 0)
			goto out;
		if ((i & (i - 1)) == 0 && check(&r, 64) != TEST_SUCCESS)
			goto out;
	}
	printf("    IPv%u: %u routes from %u insertions\n", alen == 4 ? 4 : 6,
	       r.m.live, nroutes);
	if (check(&r, nprobes) != 0 || check_walk(&r) != 0)
		goto out;
	/* Replace a quarter, delete three quarters, shrinking the tiers. */
	for (i = 0; i < r.m.live / 4; i++) {
		struct lpm_route *x = random_present(&r);

		if (put(&r, x->addr, x->plen, x->val + 1) != 0)
			goto out;
	}
	while (r.m.live > nroutes / 4) {
		if (del(&r, random_present(&r)) != 0)
			goto out;
		if (r.m.live % RTE_MAX(nroutes / 16, 256U) == 0 &&
		    check(&r, 64) != TEST_SUCCESS)
			goto out;
	}
	if (check(&r, nprobes) != 0 || check_walk(&r) != 0)
		goto out;
	while (r.m.live > 0)
		if (del(&r, random_present(&r)) != 0)
			goto out;
	if (check(&r, 256) != 0 || check_walk(&r) != 0)
		goto out;
	ret = TEST_SUCCESS;
out:
	if (ret != TEST_SUCCESS)
		printf("    (%u routes at the failure: %s)\n", r.m.live,
		       mim_last_error());
	if (r.id > 0)
		mim_close(r.id);
	lpm_model_fini(&r.m);
	return ret;
}

static int
test_lpm4_model(void)
{
	return model_run(4, 8, 4000, 20000, 4000 / 2);
}

static int
test_lpm6_model(void)
{
	return model_run(16, 12, 3000, 10000, 3000 / 2);
}

/* Past 4,096 IPv6 routes: the 16-bit index, and back. */
static int
test_lpm6_model_large(void)
{
	return model_run(16, 12, 6000, 4000, 6000 / 2);
}

/* Past 32,768 routes: the 16-bit index, and back; more than 65,534
 * values, so that both range layouts of its blocks are used.
 */
static int
test_lpm4_model_large(void)
{
	return model_run(4, 4, 150000, 2000, 150000 / 2);
}

/* The 16-bit index with few values: the writer keeps its blocks' routes
 * in the short form (one u32 each), which lookups through the control
 * plane, the walk and every change decode.
 */
static int
test_lpm4_model_short(void)
{
	return model_run(4, 4, 60000, 2000, 1500);
}

#define TENANTS 8

/* Two-level bulk lookups, IPv6 tenants mixed in every burst. */
static int
test_lpm6_nested(void)
{
	struct run r[TENANTS];
	uint8_t keys[MIM_LOOKUP_BULK_MAX][LPM_KEY_MAX], addr[16];
	uint32_t okeys[MIM_LOOKUP_BULK_MAX], i, j, plen, round, n, hits, exp;
	const void *ok[MIM_LOOKUP_BULK_MAX], *ik[MIM_LOOKUP_BULK_MAX];
	void *v[MIM_LOOKUP_BULK_MAX], *one;
	uint64_t miss;
	int outer;

	lpm_seed();
	for (i = 0; i < TENANTS; i++) {
		r[i].alen = 16;
		r[i].vsize = 8;
		TEST_ASSERT_OK(lpm_model_init(&r[i].m, 16, 400));
		r[i].id = mim_create(MIM_TYPE_LPM, NULL, 20, 8, 400, NULL);
		TEST_ASSERT_OK(r[i].id);
		for (j = 0; j < 50 + 40 * i; j++) {
			lpm_random_prefix(addr, 16, &plen);
			TEST_ASSERT_EQUAL(put(&r[i], addr, plen, i << 16 | j),
					  TEST_SUCCESS, "");
		}
	}
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "o6", TENANTS + 2,
			       r[0].id);
	TEST_ASSERT_OK(outer);
	for (i = 0; i < TENANTS; i++)
		TEST_ASSERT_OK(autotest_put(outer, i, r[i].id));
	for (round = 0; round < 500; round++) {
		n = 1 + lpm_rnd() % MIM_LOOKUP_BULK_MAX;
		exp = 0;
		for (i = 0; i < n; i++) {
			okeys[i] = lpm_rnd() % (TENANTS + 1);  /* one is empty */
			lpm_random_addr(&r[okeys[i] % TENANTS].m, addr);
			lpm_key(keys[i], addr, 16, 128);
			ok[i] = &okeys[i];
			ik[i] = keys[i];
		}
		hits = mim_lookup_nested_bulk(mim_table(outer), ok, ik, n, v,
					      &miss);
		for (i = 0; i < n; i++) {
			one = okeys[i] < TENANTS ?
				mim_lookup(mim_table(r[okeys[i]].id), ik[i]) :
				NULL;
			TEST_ASSERT(v[i] == one, "key %u of %u (tenant %u)", i,
				    n, okeys[i]);
			TEST_ASSERT_EQUAL((miss >> i) & 1, okeys[i] == TENANTS,
					  "");
			exp += one != NULL;
		}
		TEST_ASSERT_EQUAL(hits, exp, "");
	}
	TEST_ASSERT_OK(mim_close(outer));
	for (i = 0; i < TENANTS; i++) {
		TEST_ASSERT_OK(mim_close(r[i].id));
		lpm_model_fini(&r[i].m);
	}
	return TEST_SUCCESS;
}

static const struct autotest_case lpm_cases[] = {
	TEST_CASE(test_lpm4_model),
	TEST_CASE(test_lpm6_model),
	TEST_CASE(test_lpm4_model_large),
	TEST_CASE(test_lpm4_model_short),
	TEST_CASE(test_lpm6_model_large),
	TEST_CASE(test_lpm6_nested),
	TEST_CASE(test_lpm_memory),
	TEST_CASE(test_lpm_many_tables),
	TEST_CASE(test_lpm_pool_compact),
	TEST_CASE(test_lpm_fault),
	TEST_CASES_END(),
};

static struct autotest_suite lpm_suite = {
	.name = "lpm",
	.help = "LPM tables against a longest-prefix model; memory; faults",
	.cases = lpm_cases,
};
REGISTER_AUTOTEST(lpm_suite);
