/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Adopted tables' lifetime: the release callback runs once, only after
 * the readers attached on a QSBR variable passed a quiescent state (a
 * reader held online keeps it from running; no timing is involved), on
 * every path by which the last reference goes; a reader lcore looks up
 * adopted tenants while the control plane replaces them; and every
 * allocation of the adopt calls fails in turn without a trace.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_rcu_qsbr.h>

#include <mim_datapath.h>
#include "mim_fault.h"

#include "autotest_util.h"
#include "test_adopt.h"

#define LF RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF

/* The value each tenant generation maps key 1 to. */
static uint32_t gen_val[512];

/* An adopted rte_hash holding key 1 -> &gen_val[g]. */
static int
tenant(struct rte_hash **h, unsigned int g, struct handback *hb)
{
	struct rte_hash_parameters p;
	char name[RTE_HASH_NAMESIZE];
	uint64_t key = 1;

	*h = adopt_mk_hash(&p, name, "alt", 16, 8, LF);
	if (*h == NULL)
		return -ENOMEM;
	gen_val[g] = 1000 + g;
	if (rte_hash_add_key_data(*h, &key, &gen_val[g]) != 0)
		return -EINVAL;
	return adopt_hash(NULL, *h, &p, sizeof(uint32_t), hb);
}

/* Replaced in its outer slot under a reader held online. */
static int
test_adopt_release_after_grace(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(1);
	struct handback hb1 = { 0 }, hb2 = { 0 };
	struct rte_hash *h1, *h2;
	const struct mim_table *in;
	const uint32_t *val;
	uint64_t key = 1;
	int a, b, outer;

	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	a = tenant(&h1, 1, &hb1);
	b = tenant(&h2, 2, &hb2);
	TEST_ASSERT_OK(a);
	TEST_ASSERT_OK(b);
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, a);
	TEST_ASSERT_OK(autotest_put(outer, 0, a));
	TEST_ASSERT_OK(mim_close(a));

	/* What the reader holds, found through the slot. */
	in = mim_lookup(mim_table(outer), &(uint32_t){0});
	val = mim_lookup(in, &key);
	TEST_ASSERT(val == &gen_val[1], "");

	TEST_ASSERT_OK(autotest_put(outer, 0, b));
	TEST_ASSERT_OK(mim_close(b));
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "the reader has not reported");
	TEST_ASSERT_EQUAL(hb1.calls, 0, "not handed back under a reader");
	TEST_ASSERT(mim_lookup(in, &key) == val, "a's table is intact");

	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	TEST_ASSERT_EQUAL(hb1.calls, 1, "");
	TEST_ASSERT(hb1.table == h1, "");
	rte_hash_free(h1);
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "");
	TEST_ASSERT_EQUAL(hb1.calls, 1, "exactly once");
	TEST_ASSERT_EQUAL(hb2.calls, 0, "b is in the slot");

	/* The outer table's death takes b with it, after the readers too. */
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_EQUAL(hb2.calls, 0, "");
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	TEST_ASSERT_EQUAL(hb2.calls, 1, "");
	TEST_ASSERT(hb2.table == h2, "");
	rte_hash_free(h2);
	return TEST_SUCCESS;
}

/* Every way the last reference goes: handle closed, slot deleted, handle
 * closed after the slot, an rte_lpm as well; each handed back once.
 */
static int
test_adopt_close_paths(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(1);
	struct handback hb[3] = { { 0 } };
	struct rte_hash *h[2];
	struct rte_lpm_config c;
	struct rte_lpm *l = adopt_mk_lpm("adopt_close", &c, 8);
	uint32_t vals[2] = { 7, 8 }, slot = 0;
	int a, b, lid, outer;

	TEST_ASSERT(v != NULL && l != NULL, "");
	autotest_reader_online(v, 0);
	a = tenant(&h[0], 3, &hb[0]);
	b = tenant(&h[1], 4, &hb[1]);
	lid = adopt_lpm(NULL, l, "adopt_close", &c, vals, 2, 4, &hb[2]);
	TEST_ASSERT_OK(a);
	TEST_ASSERT_OK(b);
	TEST_ASSERT_OK(lid);

	/* A handle alone. */
	TEST_ASSERT_OK(mim_close(lid));
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "");
	TEST_ASSERT_EQUAL(hb[2].calls, 0, "");
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	TEST_ASSERT_EQUAL(hb[2].calls, 1, "");
	TEST_ASSERT(hb[2].table == l, "");

	/* The slot is the last reference: deleting it releases. */
	outer = autotest_outer(MIM_TYPE_HASH_OF_TABLES, NULL, 4, a);
	TEST_ASSERT_OK(autotest_put(outer, 0, a));
	TEST_ASSERT_OK(mim_close(a));
	TEST_ASSERT_OK(mim_delete_elem(outer, &slot));
	TEST_ASSERT_EQUAL(hb[0].calls, 0, "");
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	TEST_ASSERT_EQUAL(hb[0].calls, 1, "");

	/* The handle outlives the slot: closing it releases. */
	TEST_ASSERT_OK(autotest_put(outer, 0, b));
	TEST_ASSERT_OK(mim_delete_elem(outer, &slot));
	rte_rcu_qsbr_quiescent(v, 0);
	mim_reclaim();
	TEST_ASSERT_EQUAL(hb[1].calls, 0, "the handle still holds it");
	TEST_ASSERT_OK(mim_close(b));
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	TEST_ASSERT_EQUAL(hb[1].calls, 1, "");
	TEST_ASSERT_OK(mim_close(outer));
	rte_rcu_qsbr_quiescent(v, 0);
	mim_reclaim();
	TEST_ASSERT(hb[0].calls == 1 && hb[1].calls == 1 && hb[2].calls == 1,
		    "each once");
	rte_hash_free(h[0]);
	rte_hash_free(h[1]);
	rte_lpm_free(l);
	return TEST_SUCCESS;
}

/* A reader lcore: nested lookups of key 1 in slot 0's tenant. */
struct reader_arg {
	struct rte_rcu_qsbr *v;
	const struct mim_table *outer;
	volatile bool stop;
	uint64_t lookups;
	volatile uint64_t found;
	uint64_t bad;
};

static int
reader_main(void *p)
{
	struct reader_arg *a = p;
	const uint32_t slot = 0;
	const uint64_t key = 1;
	const void *ok[1] = { &slot }, *ik[1] = { &key };
	unsigned int id = rte_lcore_id();
	void *val[1];

	rte_rcu_qsbr_thread_register(a->v, id);
	rte_rcu_qsbr_thread_online(a->v, id);
	while (!a->stop) {
		/* Every generation maps key 1 to 1000 + g; a table freed
		 * under the reader would give anything else or crash.
		 */
		if (mim_lookup_nested_bulk(a->outer, ok, ik, 1, val, NULL) == 1) {
			uint32_t x = *(volatile uint32_t *)val[0];

			a->found++;
			if (x < 1000 || x >= 1000 + RTE_DIM(gen_val))
				a->bad++;
		}
		a->lookups++;
		rte_rcu_qsbr_quiescent(a->v, id);
	}
	rte_rcu_qsbr_thread_offline(a->v, id);
	rte_rcu_qsbr_thread_unregister(a->v, id);
	return 0;
}

/* The callback frees the table, as an application would. */
static void
free_cb(void *table, void *arg)
{
	unsigned int *n = arg;

	rte_hash_free(table);
	(*n)++;
}

#define GENERATIONS 300

static int
test_adopt_concurrent_reader(void)
{
	struct reader_arg arg = { 0 };
	unsigned int worker = rte_get_next_lcore(-1, 1, 0), g, freed = 0;
	struct rte_hash_parameters p;
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash *h;
	uint64_t key = 1;
	int t, outer = -1, ret = TEST_SUCCESS;

	if (rte_lcore_count() < 2) {
		printf("    needs a worker lcore (-l 0-1)\n");
		return TEST_SKIPPED;
	}
	arg.v = autotest_qsbr(RTE_MAX_LCORE);
	TEST_ASSERT(arg.v != NULL, "");
	for (g = 0; g < GENERATIONS && ret == TEST_SUCCESS; g++) {
		MIM_OPTS(mim_adopt_rte_hash_opts, o, .params = &p,
			 .value_size = 4, .release = free_cb,
			 .release_arg = &freed);

		h = adopt_mk_hash(&p, name, "acr", 16, 8, LF);
		gen_val[g] = 1000 + g;
		if (h == NULL || rte_hash_add_key_data(h, &key, &gen_val[g]) != 0) {
			ret = TEST_FAILED;
			break;
		}
		t = mim_adopt_rte_hash(NULL, h, &o);
		if (g == 0) {
			outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, NULL, 1, t);
			if (outer < 0) {
				ret = TEST_FAILED;
				break;
			}
			arg.outer = mim_table(outer);
			rte_eal_remote_launch(reader_main, &arg, worker);
		}
		if (t < 0 || autotest_put(outer, 0, t) != 0 || mim_close(t) != 0)
			ret = TEST_FAILED;
		if (g % 16 == 0)
			mim_reclaim();
	}
	/* Let the reader see the last generation before it stops. */
	while (arg.found == 0 && ret == TEST_SUCCESS)
		rte_pause();
	arg.stop = true;
	rte_eal_wait_lcore(worker);
	TEST_ASSERT_EQUAL(ret, TEST_SUCCESS, "generation %u: %s", g,
			  mim_last_error());
	TEST_ASSERT_EQUAL(arg.bad, 0, "readers saw only live tables");
	TEST_ASSERT_OK(mim_close(outer));
	mim_reclaim();
	TEST_ASSERT_EQUAL(freed, GENERATIONS, "every table handed back once");
	printf("    %" PRIu64 " lookups (%" PRIu64 " hits) during %u replacements\n",
	       arg.lookups, arg.found, GENERATIONS);
	return TEST_SUCCESS;
}

#ifdef MIM_FAULT_INJECTION

/* Each allocation point of an adopt call fails in turn: -ENOMEM, nothing
 * changed, no callback; then it passes.
 */
static int
adopt_faults(const char *what, int (*adopt)(void *ctx), void *ctx,
	     struct handback *hb)
{
	struct autotest_snap before, after;
	uint64_t n, points;
	int ret;

	for (n = 1; ; n++) {
		autotest_snapshot(&before);
		mim_fault_arm(n);
		ret = adopt(ctx);
		points = mim_fault_points();
		mim_fault_arm(0);
		if (points < n)
			break;
		TEST_ASSERT_EQUAL(ret, -ENOMEM, "%s, fault %" PRIu64 ": %s",
				  what, n, mim_last_error());
		autotest_snapshot(&after);
		TEST_ASSERT(autotest_snap_diff(&before, &after) == 0,
			    "%s, fault %" PRIu64, what, n);
		TEST_ASSERT_EQUAL(hb->calls, 0, "");
	}
	TEST_ASSERT_OK(ret);
	printf("    %-30s %" PRIu64 " allocation points, each failed once\n",
	       what, n - 1);
	TEST_ASSERT(n - 1 >= 1, "the table object at least");
	TEST_ASSERT_OK(mim_close(ret));
	mim_reclaim();
	TEST_ASSERT_EQUAL(hb->calls, 1, "");
	return TEST_SUCCESS;
}

struct fault_ctx {
	struct rte_hash *h;
	struct rte_hash_parameters p;
	struct rte_lpm *l;
	struct rte_lpm_config c;
	uint32_t vals[2];
	struct handback hb;
};

static int
fault_hash(void *p)
{
	struct fault_ctx *c = p;

	return adopt_hash("fault-ah", c->h, &c->p, 4, &c->hb);
}

static int
fault_lpm(void *p)
{
	struct fault_ctx *c = p;

	return adopt_lpm("fault-al", c->l, "adopt_fault", &c->c, c->vals, 2, 4,
			 &c->hb);
}

static int
test_adopt_fault(void)
{
	static struct fault_ctx c;
	char name[RTE_HASH_NAMESIZE];

	memset(&c, 0, sizeof(c));
	c.h = adopt_mk_hash(&c.p, name, "afh", 16, 8, LF);
	c.l = adopt_mk_lpm("adopt_fault", &c.c, 8);
	TEST_ASSERT(c.h != NULL && c.l != NULL, "");
	if (adopt_faults("adopt rte_hash", fault_hash, &c, &c.hb) != 0)
		return TEST_FAILED;
	c.hb.calls = 0;
	if (adopt_faults("adopt rte_lpm", fault_lpm, &c, &c.hb) != 0)
		return TEST_FAILED;
	rte_hash_free(c.h);
	rte_lpm_free(c.l);
	return TEST_SUCCESS;
}

#else

static int
test_adopt_fault(void)
{
	printf("    needs -Dfault_injection=true\n");
	return TEST_SKIPPED;
}

#endif

const struct autotest_case adopt_life_cases[] = {
	TEST_CASE(test_adopt_release_after_grace),
	TEST_CASE(test_adopt_close_paths),
	TEST_CASE(test_adopt_concurrent_reader),
	TEST_CASE(test_adopt_fault),
	TEST_CASES_END()
};
