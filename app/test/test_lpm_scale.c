/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Tenant route tables at scale (the `lpm_scale` suite): one array of
 * tables with a slot per tenant, each tenant its own IPv4 LPM table of 100
 * routes, all in one process. Every tenant's routes are looked up through
 * the two-level bulk data path (tenants mixed in every burst) and checked
 * against what that tenant was given; then everything is closed and the
 * DPDK heap must be back where it was.
 *
 * Tenants: MIM_LPM_SCALE_TENANTS (default 100,000, the scale the library
 * is sized for; meson's CI suite sets a smaller count). Run the full size
 * with EAL's -m 4096 --no-huge.
 */

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include <rte_common.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"

#define SCALE_TENANTS 100000U
#define SCALE_ROUTES 100U
#define SCALE_NEXT_HOPS 8U
/* Slots beyond the tenants: looked up as unknown tenants. */
#define SCALE_SPARE 16U

/* struct mim_lpm_key with its address as bytes. */
struct skey {
	uint32_t prefixlen;
	uint8_t addr[4];
};

static uint32_t
scale_tenants(void)
{
	const char *s = getenv("MIM_LPM_SCALE_TENANTS");
	char *end;
	unsigned long n;

	if (s == NULL || s[0] == '\0')
		return SCALE_TENANTS;
	n = strtoul(s, &end, 0);
	if (*end != '\0' || n == 0 || n > 1000000) {
		printf("    MIM_LPM_SCALE_TENANTS=%s: not 1 to 1000000, using %u\n",
		       s, SCALE_TENANTS);
		return SCALE_TENANTS;
	}
	return (uint32_t)n;
}

static uint32_t
mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

/*
 * Route j of tenant t: pairs of routes share a first byte (1 + j / 2), the
 * even one a /16, the odd one a /24 inside it; the second and third bytes
 * depend on the tenant, so that no two tenants have the same table.
 */
static void
scale_route(uint32_t t, uint32_t j, struct skey *k)
{
	uint32_t h = mix(t * 131 + j / 2);

	k->prefixlen = j % 2 == 0 ? 16 : 24;
	k->addr[0] = (uint8_t)(1 + j / 2);
	k->addr[1] = (uint8_t)h;
	k->addr[2] = j % 2 == 0 ? 0 : (uint8_t)(h >> 8);
	k->addr[3] = 0;
}

/* A tenant's few next hops, distinct between neighbouring tenants. */
static uint32_t
scale_value(uint32_t t, uint32_t j)
{
	return (t % 251) << 8 | j % SCALE_NEXT_HOPS;
}

/*
 * Probe p of tenant t, and the route j it must find (or UINT32_MAX: no
 * route). p 0: inside the /24 of route 2i+1; p 1: in its /16 outside the
 * /24 (route 2i); p 2: beyond every route's first byte.
 */
static uint32_t
scale_probe(uint32_t t, uint32_t p, struct skey *k)
{
	uint32_t j = 1 + 2 * (mix(t ^ 0x5bd1e995U) % (SCALE_ROUTES / 2));

	scale_route(t, j, k);
	k->prefixlen = 32;
	k->addr[3] = (uint8_t)(7 + t);
	if (p == 1) {
		k->addr[2] ^= 1;
		return j - 1;
	}
	if (p == 2) {
		k->addr[0] = 250;
		return UINT32_MAX;
	}
	return j;
}

static int
scale_fill(int id, uint32_t t)
{
	struct skey k;
	uint32_t j, v;
	int ret;

	for (j = 0; j < SCALE_ROUTES; j++) {
		scale_route(t, j, &k);
		v = scale_value(t, j);
		ret = mim_update_elem(id, &k, &v, MIM_NOEXIST);
		if (ret != 0) {
			printf("    tenant %u route %u: %s\n", t, j,
			       mim_last_error());
			return TEST_FAILED;
		}
	}
	return TEST_SUCCESS;
}

/* Bursts of 64 probes over tenants taken in a scattered order. */
static int
scale_check(int outer, uint32_t n)
{
	uint32_t okeys[MIM_LOOKUP_BULK_MAX], exp[MIM_LOOKUP_BULK_MAX];
	struct skey ikeys[MIM_LOOKUP_BULK_MAX];
	const void *ok[MIM_LOOKUP_BULK_MAX], *ik[MIM_LOOKUP_BULK_MAX];
	const struct mim_table *o = mim_table(outer);
	uint32_t i, t, p, nb, total = 3 * (n + SCALE_SPARE), done, hits, want;
	void *v[MIM_LOOKUP_BULK_MAX];
	uint64_t miss;

	TEST_ASSERT(o != NULL, "");
	for (done = 0; done < total; done += nb) {
		nb = RTE_MIN((uint32_t)MIM_LOOKUP_BULK_MAX, total - done);
		want = 0;
		for (i = 0; i < nb; i++) {
			/* Probe (done + i) % 3 of a tenant 7919 apart. */
			t = (uint32_t)(((uint64_t)(done + i) / 3 * 7919) %
				       (n + SCALE_SPARE));
			p = (done + i) % 3;
			okeys[i] = t;
			exp[i] = t < n ? scale_probe(t, p, &ikeys[i]) :
				(scale_probe(0, 0, &ikeys[i]), UINT32_MAX);
			ok[i] = &okeys[i];
			ik[i] = &ikeys[i];
			want += exp[i] != UINT32_MAX;
		}
		hits = mim_lookup_nested_bulk(o, ok, ik, nb, v, &miss);
		TEST_ASSERT_EQUAL(hits, want, "burst at probe %u", done);
		for (i = 0; i < nb; i++) {
			t = okeys[i];
			TEST_ASSERT_EQUAL((miss >> i) & 1, t >= n,
					  "tenant %u: outer miss", t);
			if (exp[i] == UINT32_MAX) {
				TEST_ASSERT(v[i] == NULL, "tenant %u, probe %u",
					    t, (done + i) % 3);
				continue;
			}
			TEST_ASSERT(v[i] != NULL &&
				    *(uint32_t *)v[i] == scale_value(t, exp[i]),
				    "tenant %u, probe %u: route %u's value expected",
				    t, (done + i) % 3, exp[i]);
		}
	}
	return TEST_SUCCESS;
}

/* One tenant through the control plane, as a reader of its routes. */
static int
scale_check_elem(int outer, uint32_t t)
{
	struct skey k;
	uint32_t id, v, j;

	TEST_ASSERT_OK(mim_lookup_elem(outer, &t, &id));
	j = scale_probe(t, 0, &k);
	TEST_ASSERT_OK(mim_lookup_elem((int)id, &k, &v));
	TEST_ASSERT_EQUAL(v, scale_value(t, j), "tenant %u", t);
	return TEST_SUCCESS;
}

static double
seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
		(double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static int
scale_run(uint32_t n, int *ids, int outer)
{
	struct mim_table_info info;
	uint64_t mem = 0;
	uint32_t t;

	for (t = 0; t < n; t++) {
		ids[t] = mim_create(MIM_TYPE_LPM, NULL, 8, 4, 128, NULL);
		if (ids[t] < 0) {
			printf("    tenant %u: %s\n", t, mim_last_error());
			return TEST_FAILED;
		}
		if (scale_fill(ids[t], t) != TEST_SUCCESS)
			return TEST_FAILED;
		TEST_ASSERT_OK(autotest_put(outer, t, ids[t]));
		TEST_ASSERT_OK(mim_get_info(ids[t], &info));
		mem += info.mem_bytes;
	}
	printf("    %u tenant tables of %u routes: %" PRIu64 " bytes per table (mem_bytes)\n",
	       n, SCALE_ROUTES, mem / n);
	TEST_ASSERT_EQUAL(scale_check(outer, n), TEST_SUCCESS, "");
	TEST_ASSERT_EQUAL(scale_check_elem(outer, 0), TEST_SUCCESS, "");
	TEST_ASSERT_EQUAL(scale_check_elem(outer, n - 1), TEST_SUCCESS, "");
	return TEST_SUCCESS;
}

static int
test_lpm_scale_tenants(void)
{
	struct autotest_snap before, full, after;
	struct timespec t0, t1, t2;
	uint32_t n = scale_tenants(), t, built = 0;
	int outer = -1, tmpl, *ids, ret;

	ids = calloc(n, sizeof(*ids));
	TEST_ASSERT(ids != NULL, "");
	autotest_snapshot(&before);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tmpl = mim_create(MIM_TYPE_LPM, NULL, 8, 4, 128, NULL);
	if (tmpl > 0)
		outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, NULL,
				       n + SCALE_SPARE, tmpl);
	if (tmpl > 0)
		mim_close(tmpl);
	ret = outer > 0 ? scale_run(n, ids, outer) : TEST_FAILED;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	autotest_snapshot(&full);
	/* The outer table holds every tenant: drop the handles first. */
	for (t = 0; t < n && ids[t] != 0; t++)
		if (ids[t] > 0) {
			mim_close(ids[t]);
			built++;
		}
	if (outer > 0)
		mim_close(outer);
	mim_reclaim();
	clock_gettime(CLOCK_MONOTONIC, &t2);
	autotest_snapshot(&after);
	free(ids);
	printf("    %u tenants: built and checked in %.1f s, closed in %.1f s; DPDK heap %" PRIu64 " bytes per tenant\n",
	       built, seconds(&t0, &t1), seconds(&t1, &t2),
	       (full.heap - before.heap) / RTE_MAX(built, 1U));
	TEST_ASSERT_EQUAL(ret, TEST_SUCCESS, "");
	TEST_ASSERT_EQUAL(after.tables, before.tables, "tables left open");
	TEST_ASSERT_EQUAL(after.heap, before.heap, "DPDK heap not back");
	TEST_ASSERT_EQUAL(after.memzones, before.memzones, "");
	return TEST_SUCCESS;
}

static const struct autotest_case lpm_scale_cases[] = {
	TEST_CASE(test_lpm_scale_tenants),
	TEST_CASES_END(),
};

static struct autotest_suite lpm_scale_suite = {
	.name = "lpm_scale",
	.help = "100,000 tenant LPM tables of 100 routes in one array of tables (-m 4096)",
	.cases = lpm_scale_cases,
};
REGISTER_AUTOTEST(lpm_scale_suite);
