/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Data-path writes (mim_dp_write.h): the errors of every rejection, the
 * value objects and slots a write retires and their back-pressure, and
 * fault injection on the allocations of a MIM_F_DP_WRITE table.
 * test_dp_write_mt.c has the concurrent cases.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>
#include "mim_private.h"
#include "mim_fault.h"

#include "autotest.h"
#include "autotest_util.h"

#include "test_dp_write.h"

/* ---- every rejection, and its reason ------------------------------------ */

static int
test_dpw_errors(void)
{
	MIM_OPTS(mim_create_opts, o, .map_flags = MIM_F_DP_WRITE);
	struct dval v = dmk(1, 0, 1), got;
	const void *keys[MIM_LOOKUP_BULK_MAX + 1];
	const void *vals[MIM_LOOKUP_BULK_MAX + 1];
	const struct mim_table *t, *plain;
	int id, pid, res[4], i;
	uint32_t k = 1;

	TEST_ASSERT_ERR(mim_create(MIM_TYPE_HASH_OF_TABLES, NULL, 4, 4, 8, &o),
			EINVAL, "not supported");
	o.map_flags |= MIM_F_NO_PREALLOC;
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_HASH, NULL, 4, 16, 8, &o),
			EINVAL, "MIM_F_NO_PREALLOC");
	id = dpw_create(4, 4, MIM_F_DP_WRITE);
	pid = dpw_create(4, 4, 0);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(pid);
	t = mim_table(id);
	plain = mim_table(pid);
	TEST_ASSERT_ERR(mim_dp_update(plain, &k, &v, MIM_ANY), EINVAL,
			"without MIM_F_DP_WRITE");
	TEST_ASSERT_ERR(mim_dp_delete(plain, &k), EINVAL,
			"without MIM_F_DP_WRITE");
	TEST_ASSERT_ERR(mim_dp_update(NULL, &k, &v, MIM_ANY), EINVAL,
			"table is NULL");
	TEST_ASSERT_ERR(mim_dp_update(t, NULL, &v, MIM_ANY), EINVAL,
			"key or value is NULL");
	TEST_ASSERT_ERR(mim_dp_delete(t, NULL), EINVAL, "key is NULL");
	TEST_ASSERT_ERR(mim_dp_update(t, &k, &v, 3), EINVAL,
			"unknown update flags");
	TEST_ASSERT_ERR(mim_dp_update(t, &k, &v, MIM_EXIST), ENOENT,
			"no such key");
	TEST_ASSERT_ERR(mim_dp_delete(t, &k), ENOENT, "no such key");
	TEST_ASSERT_OK(mim_dp_update(t, &k, &v, MIM_NOEXIST));
	TEST_ASSERT_ERR(mim_dp_update(t, &k, &v, MIM_NOEXIST), EEXIST,
			"key exists");
	v = dmk(1, 0, 2);
	TEST_ASSERT_OK(mim_dp_update(t, &k, &v, MIM_EXIST));
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, &got));
	TEST_ASSERT_EQUAL(got.gen, 2, "control plane sees the new value");
	TEST_ASSERT(mim_lookup(t, &k) != NULL, "reader finds it");
	/* The control plane's writes on the same table, and E2BIG. */
	for (k = 2; k <= 4; k++) {
		v = dmk(k, 0, 1);
		TEST_ASSERT_OK(mim_update_elem(id, &k, &v, MIM_NOEXIST));
	}
	v = dmk(5, 0, 1);
	TEST_ASSERT_ERR(mim_dp_update(t, &k, &v, MIM_ANY), E2BIG,
			"table is full");
	TEST_ASSERT_ERR(mim_update_elem(id, &k, &v, MIM_ANY), E2BIG,
			"table is full");
	k = 3;
	TEST_ASSERT_OK(mim_dp_delete(t, &k));
	TEST_ASSERT_ERR(mim_delete_elem(id, &k), ENOENT, "no such key");
	TEST_ASSERT(mim_lookup(t, &k) == NULL, "deleted");
	/* Bulk: per-key results, in order. */
	for (i = 0; i <= MIM_LOOKUP_BULK_MAX; i++) {
		keys[i] = &k;
		vals[i] = &v;
	}
	TEST_ASSERT_ERR(mim_dp_update_bulk(t, keys, vals,
					   MIM_LOOKUP_BULK_MAX + 1, MIM_ANY,
					   res),
			EINVAL, "above");
	TEST_ASSERT_ERR(mim_dp_update_bulk(t, NULL, vals, 1, MIM_ANY, res),
			EINVAL, "NULL");
	TEST_ASSERT_EQUAL(mim_dp_update_bulk(t, keys, vals, 3, MIM_NOEXIST,
					     res), 1, "%s", mim_last_error());
	TEST_ASSERT_EQUAL(res[0], 0, "");
	TEST_ASSERT_EQUAL(res[1], -EEXIST, "");
	TEST_ASSERT_EQUAL(res[2], -EEXIST, "");
	TEST_ASSERT_OK(mim_close(id));
	TEST_ASSERT_OK(mim_close(pid));
	mim_reclaim();
	return TEST_SUCCESS;
}

/*
 * Retirements wait for readers: with a reader that never reports, every
 * replacement holds a spare value object until -EBUSY; deletes still
 * succeed. Once the reader reports, mim_reclaim() gives them all back.
 */
static int
test_dpw_retire(void)
{
	struct rte_rcu_qsbr *qv = autotest_qsbr(RTE_MAX_LCORE);
	unsigned int self = rte_lcore_id(), n = 0;
	const struct mim_table *t;
	struct mim_rcu_stats rs;
	uint32_t k = 7, k2;
	struct dval v;
	int id, ret;

	TEST_ASSERT(qv != NULL, "");
	id = dpw_create(64, 4, MIM_F_DP_WRITE);
	TEST_ASSERT_OK(id);
	t = mim_table(id);
	autotest_reader_online(qv, self);
	for (;;) {
		v = dmk(k, 0, n);
		ret = mim_dp_update(t, &k, &v, MIM_ANY);
		if (ret != 0)
			break;
		n++;
		mim_reclaim();     /* nothing can go: this thread holds it */
		TEST_ASSERT(n < 1000, "no back-pressure");
	}
	TEST_ASSERT_EQUAL(ret, -EBUSY, "%s", mim_last_error());
	TEST_ASSERT(strstr(mim_last_error(), "spare value") != NULL, "%s",
		    mim_last_error());
	/* max_entries + 16 spares (64 / 4 is 16): one is live. */
	TEST_ASSERT_EQUAL(n, 64 + 16, "objects taken before -EBUSY");
	TEST_ASSERT_OK(mim_dp_delete(t, &k));
	for (k2 = 100; k2 < 104; k2++)
		TEST_ASSERT_ERR(mim_dp_update(t, &k2, &v, MIM_ANY), EBUSY,
				"spare value");
	mim_rcu_get_stats(&rs);
	TEST_ASSERT(rs.pending > 0, "the retirements reached the queue");
	rte_rcu_qsbr_quiescent(qv, self);
	TEST_ASSERT(mim_reclaim() > 0, "released after the reader reported");
	TEST_ASSERT_OK(mim_dp_update(t, &k, &v, MIM_NOEXIST));
	/* A reader still writes to a table closed under it: what that
	 * retires goes with the table, after its grace period.
	 */
	TEST_ASSERT_OK(mim_close(id));
	TEST_ASSERT_OK(mim_dp_update(t, &k, &v, MIM_EXIST));
	TEST_ASSERT_OK(mim_dp_delete(t, &k));
	mim_reclaim();
	TEST_ASSERT_EQUAL(mim_lookup(t, &k), NULL, "the table is still there");
	rte_rcu_qsbr_quiescent(qv, self);
	rte_rcu_qsbr_thread_offline(qv, self);
	rte_rcu_qsbr_thread_unregister(qv, self);
	TEST_ASSERT(mim_reclaim() > 0, "the table is released");
	return TEST_SUCCESS;
}

#ifdef MIM_FAULT_INJECTION
/* Every allocation of a MIM_F_DP_WRITE table's creation fails in turn. */
static int
test_dpw_fault(void)
{
	struct autotest_snap before, after;
	uint64_t n, points;
	int id;

	for (n = 1;; n++) {
		autotest_snapshot(&before);
		mim_fault_arm(n);
		id = dpw_create(100, 16, MIM_F_DP_WRITE);
		points = mim_fault_points();
		mim_fault_arm(0);
		if (points < n)
			break;
		TEST_ASSERT_EQUAL(id, -ENOMEM, "fault %" PRIu64 ": %s", n,
				  mim_last_error());
		mim_reclaim();
		autotest_snapshot(&after);
		TEST_ASSERT_EQUAL(autotest_snap_diff(&before, &after), 0,
				  "fault %" PRIu64 " changed the state", n);
	}
	TEST_ASSERT_OK(id);
	printf("    %" PRIu64 " allocation points, each failed once\n", n - 1);
	TEST_ASSERT_OK(mim_close(id));
	mim_reclaim();
	return TEST_SUCCESS;
}
#endif

static const struct autotest_case dp_write_cases[] = {
	TEST_CASE(test_dpw_errors),
	TEST_CASE(test_dpw_retire),
#ifdef MIM_FAULT_INJECTION
	TEST_CASE(test_dpw_fault),
#endif
	TEST_CASES_END(),
};

static struct autotest_suite dp_write_suite = {
	.name = "dp_write",
	.help = "inserts, updates and deletes from readers: errors, retirement, faults",
	.cases = dp_write_cases,
};
REGISTER_AUTOTEST(dp_write_suite);
