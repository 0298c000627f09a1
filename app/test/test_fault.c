/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Fault injection: every allocation a create or update path makes is made
 * to fail, one after the other (the n-th point of the call, for n = 1, 2,
 * ... until the call passes fewer points than n). After each injected
 * failure the call must have returned -ENOMEM and left everything as it
 * was: tables, references, contents, pending releases, DPDK heap and
 * memzones. Needs a build with -Dfault_injection=true; skipped otherwise.
 */

#include <errno.h>

#include <bpf/btf.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>
#include "mim_fault.h"

#include "autotest.h"
#include "autotest_util.h"

#ifdef MIM_FAULT_INJECTION

struct ctx {
	int id;             /* table the operation works on, or created */
	int tmpl;
	uint32_t key;
	struct rte_rcu_qsbr *v;
	struct btf *btf;
	uint8_t lkey[20];   /* an LPM key (u32 prefixlen, then the address) */
	uint64_t lval;
};

/* Set around loops of many calls: fault_loop() prints only failures. */
static bool fault_quiet;

typedef int (*op_fn)(struct ctx *c);

/*
 * Run op with each of its allocation points failing in turn, then once
 * with none failing; returns the number of points, or -1 on a failure.
 */
static int
fault_loop(const char *what, op_fn op, op_fn undo, struct ctx *c)
{
	struct autotest_snap before, after;
	uint64_t n, points;
	int ret;

	for (n = 1; ; n++) {
		autotest_snapshot(&before);
		mim_fault_arm(n);
		ret = op(c);
		points = mim_fault_points();
		mim_fault_arm(0);
		if (points < n) {
			if (ret < 0) {
				printf("    FAIL %s: failed with no fault injected: %s\n",
				       what, mim_last_error());
				return -1;
			}
			if (!fault_quiet)
				printf("    %-44s %" PRIu64 " allocation points, each failed once\n",
				       what, n - 1);
			if (undo != NULL && undo(c) < 0) {
				printf("    FAIL %s: undo: %s\n", what,
				       mim_last_error());
				return -1;
			}
			return (int)(n - 1);
		}
		if (ret != -ENOMEM) {
			printf("    FAIL %s: fault %" PRIu64 " gave %d, not -ENOMEM (%s)\n",
			       what, n, ret, mim_last_error());
			return -1;
		}
		autotest_snapshot(&after);
		if (autotest_snap_diff(&before, &after)) {
			printf("    FAIL %s: fault %" PRIu64 " (%s) changed the state\n",
			       what, n, mim_last_error());
			return -1;
		}
	}
}

static int
op_close(struct ctx *c)
{
	return mim_close(c->id);
}

static int
op_create_array(struct ctx *c)
{
	return c->id = mim_create(MIM_TYPE_ARRAY, NULL, 4, 24, 100, NULL);
}

static int
op_create_hash(struct ctx *c)
{
	/* A value size no other table uses: its value pool class is new. */
	return c->id = mim_create(MIM_TYPE_HASH, "fault-h", 8, 77, 100, NULL);
}

static int
op_create_lpm(struct ctx *c)
{
	return c->id = mim_create(MIM_TYPE_LPM, "fault-l", 8, 4, 100, NULL);
}

static int
op_create_typed(struct ctx *c)
{
	MIM_OPTS(mim_create_opts, o, .btf = c->btf,
		 .btf_value_type_id = c->key);

	return c->id = mim_create(MIM_TYPE_HASH, "fault-t", 4, 4, 100, &o);
}

static int
op_create_aot(struct ctx *c)
{
	MIM_OPTS(mim_create_opts, o, .inner_id = (uint32_t)c->tmpl);

	return c->id = mim_create(MIM_TYPE_ARRAY_OF_TABLES, "fault-aot", 4, 4,
				  64, &o);
}

static int
op_create_hot(struct ctx *c)
{
	MIM_OPTS(mim_create_opts, o, .inner_id = (uint32_t)c->tmpl);

	return c->id = mim_create(MIM_TYPE_HASH_OF_TABLES, "fault-hot", 4, 4,
				  64, &o);
}

static int
op_update(struct ctx *c)
{
	uint8_t val[77] = { 1 };

	return mim_update_elem(c->id, &c->key, val, MIM_ANY);
}

static int
op_delete(struct ctx *c)
{
	return mim_delete_elem(c->id, &c->key);
}

static int
op_rcu_add(struct ctx *c)
{
	return mim_rcu_qsbr_add(c->v);
}

static int
op_rcu_remove(struct ctx *c)
{
	return mim_rcu_qsbr_remove(c->v);
}

static int
test_fault_create(void)
{
	struct ctx c = { 0 };

	/* Nothing else alive: the registry allocates its ID page too. */
	TEST_ASSERT(fault_loop("create array", op_create_array, op_close,
			       &c) >= 3, "");
	TEST_ASSERT(fault_loop("create hash (values preallocated)",
			       op_create_hash, op_close, &c) >= 3, "");
	TEST_ASSERT(fault_loop("create lpm", op_create_lpm, op_close, &c) >= 3,
		    "");
	/* A table with BTF types keeps a copy of them. */
	c.btf = btf__new_empty();
	c.key = (uint32_t)btf__add_int(c.btf, "u32", 4, 0);
	TEST_ASSERT(fault_loop("create typed hash (BTF copy)", op_create_typed,
			       op_close, &c) >= 5, "");
	btf__free(c.btf);
	c.tmpl = mim_create(MIM_TYPE_HASH, "tmpl", 4, 4, 8, NULL);
	TEST_ASSERT(fault_loop("create array of tables", op_create_aot,
			       op_close, &c) >= 2, "");
	TEST_ASSERT(fault_loop("create hash of tables", op_create_hot,
			       op_close, &c) >= 2, "");
	TEST_ASSERT_OK(mim_close(c.tmpl));
	return TEST_SUCCESS;
}

static int
op_create_named(struct ctx *c)
{
	char name[MIM_NAMESIZE];

	snprintf(name, sizeof(name), "n%u", c->key);
	return c->id = mim_create(MIM_TYPE_ARRAY, name, 4, 4, 1, NULL);
}

/* The name index grows (doubles) as tables are created: every creation
 * runs through the fault loop, the ones that grow it have a point more.
 */
static int
test_fault_name_index_growth(void)
{
	static int ids[300];
	struct ctx c = { 0 };
	int n, points, most = 0, ret = TEST_SUCCESS;

	fault_quiet = true;
	for (n = 0; n < 300; n++) {
		c.key = (uint32_t)n;
		points = fault_loop("create named", op_create_named, NULL, &c);
		if (points < 0) {
			ret = TEST_FAILED;
			break;
		}
		ids[n] = c.id;
		most = RTE_MAX(most, points);
	}
	fault_quiet = false;
	while (n-- > 0)
		mim_close(ids[n]);
	TEST_ASSERT_EQUAL(ret, TEST_SUCCESS, "");
	printf("    300 named creations: up to %d allocation points, each failed once\n",
	       most);
	TEST_ASSERT(most >= 3, "some creation grew the name index");
	return TEST_SUCCESS;
}

static int
test_fault_update(void)
{
	struct ctx c = { .key = 1 };

	/* Without preallocation, the first value of a size makes its pool. */
	c.id = mim_create(MIM_TYPE_HASH, "h", 4, 77, 100,
			  &(struct mim_create_opts){
				.sz = sizeof(struct mim_create_opts),
				.map_flags = MIM_F_NO_PREALLOC });
	TEST_ASSERT(fault_loop("update hash, no prealloc (first pool)", op_update,
			       op_delete, &c) >= 1, "");
	/* Later updates, of every type, allocate nothing. */
	TEST_ASSERT_EQUAL(fault_loop("update hash (pool exists)", op_update,
				     NULL, &c), 0, "");
	TEST_ASSERT_EQUAL(fault_loop("update hash, existing key", op_update,
				     op_delete, &c), 0, "");
	TEST_ASSERT_OK(mim_close(c.id));
	return TEST_SUCCESS;
}

static int
op_lpm_update(struct ctx *c)
{
	return mim_update_elem(c->id, c->lkey, &c->lval, MIM_ANY);
}

static int
op_lpm_delete(struct ctx *c)
{
	return mim_delete_elem(c->id, c->lkey);
}

/* Route i: 10.x.y.0/24 (IPv4) or 2001:db8:x:y::/64 (IPv6); every 7th a /12. */
static void
lpm_route(struct ctx *c, uint32_t alen, uint32_t i)
{
	uint32_t plen = i % 7 == 6 ? 12 : alen == 4 ? 24 : 64;

	memset(c->lkey, 0, sizeof(c->lkey));
	memcpy(c->lkey, &plen, 4);
	if (alen == 4) {
		c->lkey[4] = 10;
		c->lkey[5] = plen == 12 ? (uint8_t)(i & 0xf0) : (uint8_t)(i >> 8);
		c->lkey[6] = plen == 12 ? 0 : (uint8_t)i;
	} else {
		c->lkey[4] = 0x20;
		c->lkey[5] = plen == 12 ? 0 : 0x01;
		c->lkey[6] = plen == 12 ? 0 : 0x0d;
		c->lkey[7] = plen == 12 ? 0 : 0xb8;
		c->lkey[10] = (uint8_t)(i >> 8);
		c->lkey[11] = (uint8_t)i;
	}
	c->lval = 1 + i % 40;
}

/*
 * The first routes of a process, each update and some deletes with every
 * allocation point failing in turn: the writer's sort and build scratch
 * (one per process, grown by doubling and never shrunk, so only a process
 * that has built no large table yet meets its growth: the fault suite's
 * LPM routes start here), the value slots doubling from 8, range arrays.
 */
static int
fault_lpm_family(uint32_t alen, uint32_t n, int *total)
{
	struct ctx c = { 0 };
	uint32_t i;
	int points;

	c.id = mim_create(MIM_TYPE_LPM, NULL, 4 + alen, 8, 2 * n, NULL);
	TEST_ASSERT_OK(c.id);
	for (i = 0; i < n; i++) {
		lpm_route(&c, alen, i);
		points = fault_loop("add a route", op_lpm_update, NULL, &c);
		TEST_ASSERT(points >= 0, "IPv%u route %u", alen == 4 ? 4 : 6, i);
		*total += points;
		if (i % 5 != 4)
			continue;
		/* A new value for the route, then the route deleted and back. */
		c.lval += 1000;
		points = fault_loop("replace a route", op_lpm_update, NULL, &c);
		TEST_ASSERT(points >= 0, "");
		*total += points;
		points = fault_loop("delete a route", op_lpm_delete,
				    op_lpm_update, &c);
		TEST_ASSERT(points >= 0, "");
		*total += points;
	}
	TEST_ASSERT_OK(mim_close(c.id));
	return TEST_SUCCESS;
}

/*
 * Routes shorter than the direct index (IPv4 /6 above 1,024 routes, IPv6
 * /12 above 4,096) added and deleted with every allocation point failing
 * in turn: the writer's sorted array of short routes grows by doubling.
 */
static int
fault_lpm_short(uint32_t alen, int *total)
{
	uint32_t fill = alen == 4 ? 1100 : 4200, i, plen = alen == 4 ? 6 : 12;
	struct ctx c = { 0 };
	int points;

	c.id = mim_create(MIM_TYPE_LPM, NULL, 4 + alen, 8, fill + 100, NULL);
	TEST_ASSERT_OK(c.id);
	for (i = 0; i < fill; i++) {
		lpm_route(&c, alen, i / 6 * 7 + i % 6);   /* no /12 */
		TEST_ASSERT_OK(op_lpm_update(&c));
	}
	for (i = 0; i < 2 * 40; i++) {
		memset(c.lkey, 0, sizeof(c.lkey));
		memcpy(c.lkey, &plen, 4);
		c.lkey[4] = alen == 4 ? (uint8_t)((i % 40) << 2) :
			(uint8_t)((i % 40) >> 4);
		c.lkey[5] = alen == 4 ? 0 : (uint8_t)((i % 40) << 4);
		c.lval = 7;
		points = fault_loop(i < 40 ? "add a short route" :
				    "delete a short route",
				    i < 40 ? op_lpm_update : op_lpm_delete,
				    NULL, &c);
		TEST_ASSERT(points >= 0, "IPv%u short route %u",
			    alen == 4 ? 4 : 6, i);
		*total += points;
	}
	TEST_ASSERT_OK(mim_close(c.id));
	return TEST_SUCCESS;
}

static int
test_fault_lpm_routes(void)
{
	int total = 0, ret;

	fault_quiet = true;
	ret = fault_lpm_family(16, 300, &total);
	if (ret == TEST_SUCCESS)
		ret = fault_lpm_family(4, 300, &total);
	if (ret == TEST_SUCCESS)
		ret = fault_lpm_short(4, &total);
	if (ret == TEST_SUCCESS)
		ret = fault_lpm_short(16, &total);
	fault_quiet = false;
	TEST_ASSERT_EQUAL(ret, TEST_SUCCESS, "");
	printf("    IPv6 then IPv4, 300 routes each, then short routes: %d allocation points, each failed once\n",
	       total);
	TEST_ASSERT(total >= 600, "every route change allocates");
	return TEST_SUCCESS;
}

/*
 * A preallocated table whose spare values all wait for a reader takes the
 * next ones from the shared pools.
 */
static int
test_fault_overflow(void)
{
	struct ctx c = { .key = 1 };
	uint8_t val[77] = { 0 };
	int i;

	c.v = autotest_qsbr(1);
	TEST_ASSERT(c.v != NULL, "");
	autotest_reader_online(c.v, 0);
	c.id = mim_create(MIM_TYPE_HASH, "h", 4, 77, 16, NULL);
	TEST_ASSERT_OK(c.id);
	/* 16 entries + 16 spares: 1 live value, 31 replaced ones. */
	for (i = 0; i < 32; i++)
		TEST_ASSERT_OK(mim_update_elem(c.id, &c.key, val, MIM_ANY));
	TEST_ASSERT(fault_loop("update hash, spares all held (pool)",
			       op_update, NULL, &c) >= 2, "");
	TEST_ASSERT_OK(mim_close(c.id));
	return TEST_SUCCESS;
}

static int
test_fault_rcu(void)
{
	struct ctx c = { 0 };

	c.v = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(4), 64);
	rte_rcu_qsbr_init(c.v, 4);
	TEST_ASSERT(fault_loop("attach a QSBR variable (defer queue)",
			       op_rcu_add, op_rcu_remove, &c) >= 1, "");
	/* LPM tables created with a variable attached take nothing more. */
	TEST_ASSERT_OK(mim_rcu_qsbr_add(c.v));
	TEST_ASSERT(fault_loop("create lpm, variable attached", op_create_lpm,
			       op_close, &c) >= 3, "");
	TEST_ASSERT_OK(mim_rcu_qsbr_remove(c.v));
	rte_free(c.v);
	return TEST_SUCCESS;
}

#define FAULT_SKIP_OR_RUN(fn) fn
#else
#define FAULT_SKIP_OR_RUN(fn) fault_skipped

static int
fault_skipped(void)
{
	printf("    needs a build with -Dfault_injection=true\n");
	return TEST_SKIPPED;
}
#endif

static const struct autotest_case fault_cases[] = {
	{ "test_fault_create", FAULT_SKIP_OR_RUN(test_fault_create) },
	{ "test_fault_name_index_growth",
	  FAULT_SKIP_OR_RUN(test_fault_name_index_growth) },
	{ "test_fault_update", FAULT_SKIP_OR_RUN(test_fault_update) },
	{ "test_fault_lpm_routes", FAULT_SKIP_OR_RUN(test_fault_lpm_routes) },
	{ "test_fault_overflow", FAULT_SKIP_OR_RUN(test_fault_overflow) },
	{ "test_fault_rcu", FAULT_SKIP_OR_RUN(test_fault_rcu) },
	TEST_CASES_END(),
};

static struct autotest_suite fault_suite = {
	.name = "fault",
	.help = "every allocation of create and update paths fails in turn: nothing changes, nothing leaks",
	.cases = fault_cases,
};
REGISTER_AUTOTEST(fault_suite);
