/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Back-pressure on the memory of replaced tables (pending_bytes_max of
 * mim_rcu_configure()), deterministic: the reader is a QSBR thread ID that
 * stays online and reports only when the test says so. Tenants' tables are
 * replaced in an outer slot until the bound refuses one; the refusal says
 * why, changes nothing and is counted; once the reader reports, the next
 * replacement goes through.
 */

#include <errno.h>
#include <stddef.h>

#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"

static struct mim_rcu_stats
rstats(void)
{
	struct mim_rcu_stats s;

	mim_rcu_get_stats(&s);
	return s;
}

/* Heap bytes of a tenant's table, as a retirement counts them. */
static uint64_t
tenant_bytes(void)
{
	struct mim_table_info info;
	int t = mim_create(MIM_TYPE_ARRAY, NULL, 4, 64, 256, NULL);

	if (t < 0 || mim_get_info(t, &info) != 0)
		return 0;
	mim_close(t);
	return info.mem_bytes;
}

static int
test_replace_until_refused(void)
{
	MIM_OPTS(mim_rcu_opts, o);
	struct autotest_snap before, after;
	struct mim_table_info info;
	struct rte_rcu_qsbr *v;
	uint32_t slot = 0, k = 7, out, n;
	uint64_t b = tenant_bytes(), val = 1;
	int tmpl, outer, h, cur, next;
	uint64_t busy0 = rstats().nb_busy, bbusy0 = rstats().nb_bytes_busy;

	TEST_ASSERT(b > 0, "cannot measure a tenant table");
	/* Room for a little more than two tables: the third is accepted
	 * (2b pending is below the bound), the fourth is refused.
	 */
	o.pending_bytes_max = 2 * b + b / 2;
	TEST_ASSERT_OK(mim_rcu_configure(&o));
	v = autotest_qsbr(1);
	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	TEST_ASSERT_EQUAL(rstats().pending_bytes_max, o.pending_bytes_max, "");

	tmpl = mim_create(MIM_TYPE_ARRAY, "tmpl", 4, 64, 256, NULL);
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "vrfs", 4, tmpl);
	h = mim_create(MIM_TYPE_HASH, "flows", 4, 8, 8, NULL);
	TEST_ASSERT_OK(outer);
	TEST_ASSERT_OK(mim_update_elem(h, &k, &val, MIM_ANY));
	cur = mim_create(MIM_TYPE_ARRAY, NULL, 4, 64, 256, NULL);
	TEST_ASSERT_OK(autotest_put(outer, slot, cur));
	TEST_ASSERT_OK(mim_close(cur));

	/* The reader never reports: each replacement retires b bytes. */
	for (n = 0; n < 10; n++) {
		int ret;

		next = mim_create(MIM_TYPE_ARRAY, NULL, 4, 64, 256, NULL);
		TEST_ASSERT_OK(next);
		ret = autotest_put(outer, slot, next);
		if (ret != 0) {
			TEST_ASSERT_ERR(ret, EBUSY, "reached pending_bytes_max");
			break;
		}
		TEST_ASSERT_OK(mim_close(next));
		cur = next;
	}
	TEST_ASSERT_EQUAL(n, 3, "three replacements fit under the bound");
	TEST_ASSERT_EQUAL(rstats().pending, 3, "");
	TEST_ASSERT_EQUAL(rstats().pending_bytes, 3 * b, "");
	TEST_ASSERT_EQUAL(rstats().nb_bytes_busy - bbusy0, 1, "");
	TEST_ASSERT_EQUAL(rstats().nb_busy - busy0, 0, "the queue is not full");

	/* The refusal changed nothing, and so does every other retiring
	 * call; a call that retires nothing still works.
	 */
	autotest_snapshot(&before);
	TEST_ASSERT_OK(mim_lookup_elem(outer, &slot, &out));
	TEST_ASSERT_EQUAL(out, cur, "the slot still holds the old table");
	TEST_ASSERT_OK(mim_get_info(next, &info));
	TEST_ASSERT_EQUAL(info.refcnt, 1, "no reference was taken");
	TEST_ASSERT_ERR(mim_update_elem(h, &k, &val, MIM_ANY), EBUSY,
			"pending bytes (3 releases are waiting for readers)");
	TEST_ASSERT_ERR(mim_delete_elem(outer, &slot), EBUSY,
			"reached pending_bytes_max");
	TEST_ASSERT_ERR(mim_close(outer), EBUSY, "a reader has not reported");
	autotest_snapshot(&after);
	TEST_ASSERT(!autotest_snap_diff(&before, &after), "nothing changed");
	TEST_ASSERT_EQUAL(rstats().nb_bytes_busy - bbusy0, 4, "");
	TEST_ASSERT_OK(autotest_put(outer, 1, next));   /* empty slot */
	TEST_ASSERT_EQUAL(rstats().nb_bytes_busy - bbusy0, 4, "");

	/* The reader reports: the next replacement reclaims, then works. */
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_OK(autotest_put(outer, slot, next));
	TEST_ASSERT_EQUAL(rstats().pending, 1, "");
	TEST_ASSERT_EQUAL(rstats().pending_bytes, b, "");
	TEST_ASSERT_OK(mim_lookup_elem(outer, &slot, &out));
	TEST_ASSERT_EQUAL(out, next, "");

	/* Going offline holds nothing back: everything goes at once. */
	rte_rcu_qsbr_thread_offline(v, 0);
	TEST_ASSERT_OK(mim_close(next));
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(h));
	TEST_ASSERT_OK(mim_close(tmpl));
	mim_reclaim();
	TEST_ASSERT_EQUAL(rstats().pending, 0, "");
	TEST_ASSERT_EQUAL(rstats().pending_bytes, 0, "");
	return TEST_SUCCESS;
}

/* A table larger than the bound passes alone, never after another. */
static int
test_larger_than_bound(void)
{
	MIM_OPTS(mim_rcu_opts, o, .pending_bytes_max = 1);
	uint64_t bbusy0 = rstats().nb_bytes_busy;
	struct rte_rcu_qsbr *v;
	int t[3], i;

	TEST_ASSERT_OK(mim_rcu_configure(&o));
	v = autotest_qsbr(1);
	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	for (i = 0; i < 3; i++) {
		t[i] = mim_create(MIM_TYPE_ARRAY, NULL, 4, 8, 64, NULL);
		TEST_ASSERT_OK(t[i]);
	}
	TEST_ASSERT_OK(mim_close(t[0]));
	TEST_ASSERT(rstats().pending_bytes > 1, "");
	TEST_ASSERT_ERR(mim_close(t[1]), EBUSY, "pending_bytes_max 1:");
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_OK(mim_close(t[1]));
	TEST_ASSERT_EQUAL(rstats().pending, 1, "");
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_OK(mim_close(t[2]));
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	TEST_ASSERT_EQUAL(rstats().nb_bytes_busy - bbusy0, 1, "");
	return TEST_SUCCESS;
}

/* The option: SYNC mode refuses it; an older, shorter struct has none. */
static int
test_bound_option(void)
{
	MIM_OPTS(mim_rcu_opts, o, .mode = MIM_RCU_MODE_SYNC,
		 .pending_bytes_max = 4096);

	TEST_ASSERT_ERR(mim_rcu_configure(&o), EINVAL,
			"pending_bytes_max 4096 applies to MIM_RCU_MODE_DQ only");
	TEST_ASSERT_EQUAL(rstats().pending_bytes_max, 0, "nothing changed");
	o.mode = MIM_RCU_MODE_DQ;
	TEST_ASSERT_OK(mim_rcu_configure(&o));
	TEST_ASSERT_EQUAL(rstats().pending_bytes_max, 4096, "");
	/* A program built before the field existed: default, no bound. */
	o.sz = offsetof(struct mim_rcu_opts, pending_bytes_max);
	TEST_ASSERT_OK(mim_rcu_configure(&o));
	TEST_ASSERT_EQUAL(rstats().pending_bytes_max, 0, "");
	TEST_ASSERT_OK(mim_rcu_configure(NULL));
	return TEST_SUCCESS;
}

static const struct autotest_case backpressure_cases[] = {
	TEST_CASE(test_replace_until_refused),
	TEST_CASE(test_larger_than_bound),
	TEST_CASE(test_bound_option),
	TEST_CASES_END(),
};

static struct autotest_suite backpressure_suite = {
	.name = "backpressure",
	.help = "pending_bytes_max: replacements refused while a reader lags, then accepted",
	.cases = backpressure_cases,
};

REGISTER_AUTOTEST(backpressure_suite);
