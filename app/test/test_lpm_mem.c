/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * LPM tables: what they cost in DPDK heap (empty, 1,000 routes of a
 * BGP-like mix, IPv6, many small tenant tables), that mim_get_info()
 * follows it as routes come and go, and, in fault-injection builds, that a
 * failed allocation anywhere on the update and delete paths leaves the
 * table as it was.
 */

#include <errno.h>
#include <stdlib.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>

#include <mim.h>
#include "mim_fault.h"

#include "autotest.h"
#include "autotest_util.h"
#include "lpm_model.h"

static uint64_t
heap(void)
{
	struct autotest_snap s;

	autotest_snapshot(&s);
	return s.heap;
}

static uint64_t
mem_bytes(int id)
{
	struct mim_table_info info;

	if (mim_get_info(id, &info) != 0)
		return UINT64_MAX;
	return info.mem_bytes;
}

/* Fill table id with n distinct random routes, nh distinct values. */
static int
fill(int id, uint32_t alen, uint32_t n, uint32_t nh)
{
	uint8_t addr[16], key[LPM_KEY_MAX];
	uint32_t plen, live = 0, tries = 0;
	uint64_t v;
	int ret;

	while (live < n && tries++ < 100 * n) {
		lpm_random_prefix(addr, alen, &plen);
		lpm_key(key, addr, alen, plen);
		v = 1 + lpm_rnd() % nh;
		ret = mim_update_elem(id, key, &v, MIM_NOEXIST);
		if (ret == -EEXIST)
			continue;
		TEST_ASSERT_OK(ret);
		live++;
	}
	TEST_ASSERT_EQUAL(live, n, "");
	return TEST_SUCCESS;
}

/* Bytes of a table of n routes: mim_get_info() and the heap agree. */
static int
measure(const char *what, uint32_t alen, uint32_t n, uint64_t limit)
{
	uint64_t h0 = heap(), h1, h2, m1, m2;
	uint8_t key[LPM_KEY_MAX];
	int id;

	id = mim_create(MIM_TYPE_LPM, NULL, 4 + alen, 8, RTE_MAX(n, 1U), NULL);
	TEST_ASSERT_OK(id);
	if (n != 0)
		TEST_ASSERT_EQUAL(fill(id, alen, n, 16), TEST_SUCCESS, "");
	h1 = heap() - h0;
	m1 = mem_bytes(id);
	printf("    %-34s %8" PRIu64 " bytes (heap %" PRIu64 "), limit %" PRIu64 "\n",
	       what, m1, h1, limit);
	TEST_ASSERT(m1 <= limit && h1 <= limit, "");
	/* The library's count is within 2% (and 1 KiB) of the heap's. */
	TEST_ASSERT(m1 + m1 / 50 + 1024 >= h1 && h1 + h1 / 50 + 1024 >= m1, "");
	/* Emptied, the table gives back its ranges (not its value slots). */
	while (n != 0 && mim_get_next_key(id, NULL, key) == 0)
		TEST_ASSERT_OK(mim_delete_elem(id, key));
	mim_reclaim();
	h2 = heap() - h0;
	m2 = mem_bytes(id);
	if (n != 0)
		printf("    %-34s %8" PRIu64 " bytes (heap %" PRIu64 ")\n",
		       "  emptied again", m2, h2);
	TEST_ASSERT(m2 <= m1 && m2 + m2 / 50 + 1024 >= h2 &&
		    h2 + h2 / 50 + 1024 >= m2, "");
	TEST_ASSERT_OK(mim_close(id));
	mim_reclaim();
	return TEST_SUCCESS;
}

int
test_lpm_memory(void)
{
	lpm_seed();
	TEST_ASSERT_EQUAL(measure("IPv4, empty", 4, 0, 4096), TEST_SUCCESS, "");
	TEST_ASSERT_EQUAL(measure("IPv6, empty", 16, 0, 4096), TEST_SUCCESS,
			  "");
	TEST_ASSERT_EQUAL(measure("IPv4, 1,000 routes (16 next hops)", 4, 1000,
				  64 * 1024), TEST_SUCCESS, "");
	TEST_ASSERT_EQUAL(measure("IPv6, 1,000 routes (16 next hops)", 16,
				  1000, 128 * 1024), TEST_SUCCESS, "");
	TEST_ASSERT_EQUAL(measure("IPv4, 10,000 routes", 4, 10000, 1U << 20),
			  TEST_SUCCESS, "");
	return TEST_SUCCESS;
}

#define MANY 10000
#define MANY_ROUTES 100

/* Tenant tables of 100 routes: 100,000 of them must fit in 4 GiB. */
int
test_lpm_many_tables(void)
{
	static int ids[MANY];
	uint64_t h0 = heap(), h, m = 0;
	uint32_t i;
	int ret = TEST_SUCCESS;

	lpm_seed();
	for (i = 0; i < MANY && ret == TEST_SUCCESS; i++) {
		ids[i] = mim_create(MIM_TYPE_LPM, NULL, 8, 4, 128, NULL);
		if (ids[i] < 0) {
			printf("    table %u: %s\n", i, mim_last_error());
			ret = TEST_FAILED;
			break;
		}
		ret = fill(ids[i], 4, MANY_ROUTES, 4);
		m += mem_bytes(ids[i]);
	}
	h = heap() - h0;
	printf("    %u tables of %u routes: %" PRIu64 " bytes per table (heap %" PRIu64 ")\n",
	       i, MANY_ROUTES, m / RTE_MAX(i, 1U), h / RTE_MAX(i, 1U));
	while (i-- > 0)
		if (ids[i] > 0)
			mim_close(ids[i]);
	mim_reclaim();
	TEST_ASSERT_EQUAL(ret, TEST_SUCCESS, "");
	TEST_ASSERT(h / MANY <= (4ULL << 30) / 100000, "");
	return TEST_SUCCESS;
}

#define PACK_BLOCKS 3000
#define PACK_PER 20

/* Route i of the pool test: /24 number i % PACK_PER of /16 i / PACK_PER. */
static void
pack_key(struct mim_lpm_key *k, uint32_t i)
{
	k->prefixlen = 24;
	k->addr = rte_cpu_to_be_32((0x0a000000U + (i / PACK_PER << 16)) |
				   (i % PACK_PER * 7 % 256) << 8);
}

/* Every route of the pool test found with its value, or none if gone. */
static int
pack_check(int id, const uint64_t *val, uint32_t n)
{
	const struct mim_table *t = mim_table(id);
	struct mim_lpm_key k;
	const uint64_t *v;
	uint32_t i;

	for (i = 0; i < n; i++) {
		pack_key(&k, i);
		v = mim_lookup(t, &k);
		TEST_ASSERT(val[i] == 0 ? v == NULL : v != NULL && *v == val[i],
			    "route %u", i);
	}
	return TEST_SUCCESS;
}

/*
 * A 16-bit index built and thinned in random order, so that the writer
 * moves arrays out of sparse pool slabs (some thousands of moves): every
 * route is still found with its value, and every deleted one is gone.
 */
int
test_lpm_pool_compact(void)
{
	const uint32_t n = PACK_BLOCKS * PACK_PER;
	uint64_t *val = calloc(n, sizeof(*val));
	uint32_t *order = calloc(n, sizeof(*order)), i, j, tmp;
	struct mim_lpm_key k;
	int id;

	TEST_ASSERT(val != NULL && order != NULL, "");
	lpm_seed();
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = lpm_rnd() % (i + 1);
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	id = mim_create(MIM_TYPE_LPM, NULL, 8, 8, n, NULL);
	TEST_ASSERT_OK(id);
	for (i = 0; i < n; i++) {
		pack_key(&k, order[i]);
		val[order[i]] = 1 + order[i] % 1000;
		TEST_ASSERT_OK(mim_update_elem(id, &k, &val[order[i]], MIM_ANY));
	}
	/* A third goes, in another order (40,000 stay: still 16 bits). */
	for (i = 0; i < n; i++) {
		j = (order[i] * 7919U + 13) % n;
		if (j % 3 != 0)
			continue;
		pack_key(&k, j);
		TEST_ASSERT_OK(mim_delete_elem(id, &k));
		val[j] = 0;
	}
	mim_reclaim();
	TEST_ASSERT_EQUAL(pack_check(id, val, n), TEST_SUCCESS, "");
	printf("    %u routes after churn: %" PRIu64 " bytes\n", n - n / 3,
	       mem_bytes(id));
	mim_close(id);
	free(val);
	free(order);
	return TEST_SUCCESS;
}

#ifdef MIM_FAULT_INJECTION
struct fault_op {
	int id;
	uint8_t key[LPM_KEY_MAX];
	uint64_t val;
	bool del;
};

static int
op_run(const struct fault_op *o)
{
	return o->del ? mim_delete_elem(o->id, o->key) :
		mim_update_elem(o->id, o->key, &o->val, MIM_ANY);
}

/* Fail each allocation point of o in turn: -ENOMEM, nothing changed. */
static int
fault_each(const struct fault_op *o, uint64_t *points)
{
	struct autotest_snap before, after;
	uint64_t n;
	int ret;

	for (n = 1; ; n++) {
		autotest_snapshot(&before);
		mim_fault_arm(n);
		ret = op_run(o);
		*points = mim_fault_points();
		mim_fault_arm(0);
		if (*points < n) {
			TEST_ASSERT_OK(ret);
			*points = n - 1;
			return TEST_SUCCESS;
		}
		TEST_ASSERT_EQUAL(ret, -ENOMEM, "fault %" PRIu64 ": %s", n,
				  mim_last_error());
		autotest_snapshot(&after);
		TEST_ASSERT(!autotest_snap_diff(&before, &after),
			    "fault %" PRIu64 " changed the state", n);
	}
}

/* Route i of a table: /24s in 10/8 (or 2001:db8::/32 /48s), or a /4. */
static void
op_route(struct fault_op *o, uint32_t alen, uint32_t i, bool shorter)
{
	uint8_t addr[16] = { 0 };
	uint32_t plen;

	if (alen == 4) {
		addr[0] = 10;
		addr[1] = (uint8_t)(i >> 8);
		addr[2] = (uint8_t)i;
		plen = shorter ? 4 + i % 4 : 24;
	} else {
		addr[0] = 0x20;
		addr[1] = 0x01;
		addr[4] = (uint8_t)(i >> 8);
		addr[5] = (uint8_t)i;
		plen = shorter ? 4 + i % 4 : 48;
	}
	lpm_mask(addr, alen, plen);
	lpm_key(o->key, addr, alen, plen);
}

/* Every update and delete of a table growing past a tier and back. */
static int
fault_family(uint32_t alen, uint64_t *total)
{
	/* IPv4 tiers: 8 bits above 1,024 routes, 0 below 512; IPv6: 16
	 * bits above 4,096, 0 below 2,048.
	 */
	uint32_t up = alen == 4 ? 1024 : 4096, n = up + 76, down = up / 2;
	struct fault_op o = { .val = 1 };
	uint64_t points;
	uint32_t i;
	bool faulted;

	o.id = mim_create(MIM_TYPE_LPM, NULL, 4 + alen, 8, 2 * n, NULL);
	TEST_ASSERT_OK(o.id);
	for (i = 0; i < n; i++) {
		faulted = i < 40 || i % 397 == 0 || (i + 9 >= up && i <= up + 6);
		op_route(&o, alen, i, false);
		o.val = 1 + i % 50;
		if (!faulted) {
			TEST_ASSERT_OK(op_run(&o));
			continue;
		}
		TEST_ASSERT_EQUAL(fault_each(&o, &points), TEST_SUCCESS,
				  "add %u", i);
		*total += points;
		/* A replacement by a new value, and a short route. */
		o.val = 1000 + i;
		TEST_ASSERT_EQUAL(fault_each(&o, &points), TEST_SUCCESS, "");
		*total += points;
		op_route(&o, alen, i, true);
		TEST_ASSERT_EQUAL(fault_each(&o, &points), TEST_SUCCESS, "");
		*total += points;
	}
	/* Delete the short routes, then down through the tier below. */
	o.del = true;
	for (i = 0; i < 4; i++) {
		op_route(&o, alen, i, true);
		TEST_ASSERT_EQUAL(fault_each(&o, &points), TEST_SUCCESS,
				  "delete short %u", i);
		*total += points;
	}
	for (i = 0; i < n; i++) {
		faulted = i < 10 || i % 397 == 0 ||
			(n - i <= down + 6 && n - i + 6 >= down);
		op_route(&o, alen, i, false);
		if (faulted) {
			TEST_ASSERT_EQUAL(fault_each(&o, &points),
					  TEST_SUCCESS, "delete %u", i);
			*total += points;
		} else {
			TEST_ASSERT_OK(op_run(&o));
		}
	}
	TEST_ASSERT_OK(mim_close(o.id));
	return TEST_SUCCESS;
}

/* A 16-bit index: its first arrays from the table's pool, and more. */
static int
fault_pool(uint64_t *total)
{
	struct fault_op o = { .val = 1 };
	uint64_t points;
	uint32_t i, n = 32790;

	o.id = mim_create(MIM_TYPE_LPM, NULL, 8, 8, n + 100, NULL);
	TEST_ASSERT_OK(o.id);
	for (i = 0; i < n; i++) {
		op_route(&o, 4, i, false);
		o.val = 1 + i % 50;
		if (i <= 32768) {   /* the rebuild at 32,769 is not faulted */
			TEST_ASSERT_OK(op_run(&o));
			continue;
		}
		TEST_ASSERT_EQUAL(fault_each(&o, &points), TEST_SUCCESS,
				  "add %u", i);
		*total += points;
		o.val = 100 + i;
		TEST_ASSERT_EQUAL(fault_each(&o, &points), TEST_SUCCESS, "");
		*total += points;
	}
	TEST_ASSERT_OK(mim_close(o.id));
	return TEST_SUCCESS;
}

int
test_lpm_fault(void)
{
	uint64_t total = 0;

	TEST_ASSERT_EQUAL(fault_family(4, &total), TEST_SUCCESS, "IPv4");
	TEST_ASSERT_EQUAL(fault_family(16, &total), TEST_SUCCESS, "IPv6");
	TEST_ASSERT_EQUAL(fault_pool(&total), TEST_SUCCESS, "pool");
	printf("    %" PRIu64 " allocation points failed, one at a time\n",
	       total);
	TEST_ASSERT(total > 100, "");
	return TEST_SUCCESS;
}
#else
int
test_lpm_fault(void)
{
	printf("    needs a build with -Dfault_injection=true\n");
	return TEST_SKIPPED;
}
#endif
