/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Reclamation bounds, deterministic (the reader is a QSBR thread ID the
 * test reports for): the backlog of a stuck reader is visible by count
 * and bytes; a million replacements bring the heap and every counter back
 * to where they started; the backlog never exceeds what the thresholds
 * allow. (A full queue failing cleanly is test_queue_full in the rcu
 * suite; an offline reader holding nothing back is test_offline_reader.)
 */

#include <errno.h>

#include <rte_rcu_qsbr.h>

#include <mim.h>
#include "mim_private.h"

#include "autotest.h"
#include "autotest_util.h"

static struct mim_rcu_stats
rstats(void)
{
	struct mim_rcu_stats s;

	mim_rcu_get_stats(&s);
	return s;
}

static int
test_backlog_visible(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(1);
	const uint32_t obj = 40;   /* a preallocated 40-byte value */
	uint8_t val[40] = { 0 };
	uint32_t k = 1, i;
	int id;

	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	id = mim_create(MIM_TYPE_HASH, "h", 4, 40, 8, NULL);
	TEST_ASSERT_OK(mim_update_elem(id, &k, val, MIM_ANY));
	/* A reader that never reports holds back every release. */
	for (i = 0; i < 20; i++)
		TEST_ASSERT_OK(mim_update_elem(id, &k, val, MIM_ANY));
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "");
	TEST_ASSERT_EQUAL(rstats().pending, 20, "");
	TEST_ASSERT_EQUAL(rstats().pending_bytes, 20 * obj, "");
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 20, "");
	TEST_ASSERT_EQUAL(rstats().pending, 0, "");
	TEST_ASSERT_EQUAL(rstats().pending_bytes, 0, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/*
 * 10^6 replacements (value overwrites in a hash table, and tenants'
 * tables replaced in an outer array, half each); the reader reports every
 * 64 calls. Automatic reclamation alone keeps the backlog bounded.
 */
static int
test_million_replacements(void)
{
	MIM_OPTS(mim_rcu_opts, o, .dq_size = 1024, .reclaim_thd = 32,
		 .reclaim_max = 64);
	const uint32_t total = 1000000;
	struct autotest_snap s0, s1;
	struct mim_stats st0, st1;
	struct rte_rcu_qsbr *v;
	uint32_t i, k = 0, slot;
	int tmpl, outer, h;

	TEST_ASSERT_OK(mim_rcu_configure(&o));
	v = autotest_qsbr(1);
	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	autotest_snapshot(&s0);
	mim_get_stats(&st0);

	tmpl = mim_create(MIM_TYPE_ARRAY, NULL, 4, 8, 4, NULL);
	outer = mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4, 16,
			   &(struct mim_create_opts){
				.sz = sizeof(struct mim_create_opts),
				.inner_id = (uint32_t)tmpl });
	h = mim_create(MIM_TYPE_HASH, NULL, 4, 8, 16, NULL);
	TEST_ASSERT_OK(mim_close(tmpl));
	for (i = 0; i < total; i++) {
		if (i % 2 == 0) {
			uint64_t val = i;

			TEST_ASSERT_OK(mim_update_elem(h, &k, &val, MIM_ANY));
		} else {
			int t = mim_create(MIM_TYPE_ARRAY, NULL, 4, 8, 4, NULL);

			slot = i % 16;
			TEST_ASSERT_OK(t);
			TEST_ASSERT_OK(mim_update_elem(outer, &slot, &t, MIM_ANY));
			TEST_ASSERT_OK(mim_close(t));
		}
		if (i % 64 == 63)
			rte_rcu_qsbr_quiescent(v, 0);
	}
	/* At most: a threshold's worth plus one reporting interval. */
	TEST_ASSERT(rstats().max_pending <= 32 + 64 + 1, "max pending %u",
		    rstats().max_pending);
	printf("    %u replacements, at most %u releases pending at once\n",
	       total, rstats().max_pending);
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(h));
	rte_rcu_qsbr_quiescent(v, 0);
	mim_reclaim();

	/* Back at the baseline: heap, memzones, tables, pending, counters. */
	autotest_snapshot(&s1);
	TEST_ASSERT(!autotest_snap_diff(&s0, &s1), "");
	mim_get_stats(&st1);
	TEST_ASSERT_EQUAL(st1.nb_created - st0.nb_created,
			  st1.nb_destroyed - st0.nb_destroyed,
			  "every table created was destroyed");
	TEST_ASSERT_EQUAL(st1.nb_dying, 0, "");
	TEST_ASSERT_EQUAL(st1.value_pools, st0.value_pools, "");
	TEST_ASSERT_EQUAL(rstats().nb_retired, rstats().nb_released, "");
	return TEST_SUCCESS;
}

static const struct autotest_case reclaim_cases[] = {
	TEST_CASE(test_backlog_visible),
	TEST_CASE(test_million_replacements),
	TEST_CASES_END(),
};

static struct autotest_suite reclaim_suite = {
	.name = "reclaim",
	.help = "reclamation bounds: visible backlog, a million replacements back to baseline",
	.cases = reclaim_cases,
};
REGISTER_AUTOTEST(reclaim_suite);
