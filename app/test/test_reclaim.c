/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Reclamation bounds, deterministic (the reader is a QSBR thread ID the
 * test reports for): the backlog of a stuck reader is visible by count
 * and bytes; a million replacements bring the heap and every counter back
 * to where they started; the backlog never exceeds what the thresholds
 * allow; the front of the first queue keeps each retirement's token; a
 * released table's large blocks are freed in steps off the mutex, all of
 * them by mim_reclaim(). (A full queue failing cleanly is test_queue_full
 * in the rcu suite; an offline reader holding nothing back is
 * test_offline_reader.)
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_common.h>
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

/*
 * The front of the first queue keeps each retirement's own token: a
 * reader that reported between a retirement and the reclamation lets that
 * retirement go, not the ones made after its report.
 */
static int
test_front_tokens(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(1);
	uint8_t val[40] = { 0 };
	uint32_t k = 1;
	int id;

	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	id = mim_create(MIM_TYPE_HASH, "h", 4, 40, 8, NULL);
	TEST_ASSERT_OK(mim_update_elem(id, &k, val, MIM_ANY));
	TEST_ASSERT_OK(mim_update_elem(id, &k, val, MIM_ANY));   /* r1 */
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_OK(mim_update_elem(id, &k, val, MIM_ANY));   /* r2 */
	TEST_ASSERT_EQUAL(rstats().pending, 2, "");
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "r1: the reader reported after it");
	TEST_ASSERT_EQUAL(rstats().pending, 1, "r2 waits");
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "r2: no report since");
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	TEST_ASSERT_EQUAL(rstats().pending, 0, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/*
 * More replacements than the front holds, the reader never reporting:
 * nothing is released, and the reader still reads the first table it
 * found (poison builds would show a freed one); one report lets all go.
 */
static int
test_front_full(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(1);
	const uint32_t key = 5, n = 80;
	const uint32_t *pv;
	const struct mim_table *first = NULL;
	uint32_t i, val, slot = 0;
	int tmpl, outer, t;

	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	tmpl = mim_create(MIM_TYPE_HASH, NULL, 4, 4, 4, NULL);
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, NULL, 1, tmpl);
	TEST_ASSERT_OK(mim_close(tmpl));
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "the template table");
	for (i = 0; i <= n; i++) {
		t = mim_create(MIM_TYPE_HASH, NULL, 4, 4, 4, NULL);
		val = 1000 + i;
		TEST_ASSERT_OK(mim_update_elem(t, &key, &val, MIM_ANY));
		TEST_ASSERT_OK(autotest_put(outer, slot, t));
		TEST_ASSERT_OK(mim_close(t));
		if (i == 0)
			first = mim_lookup(mim_table(outer), &slot);
	}
	pv = mim_lookup(first, &key);
	TEST_ASSERT(pv != NULL && *pv == 1000, "");
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "the reader has not reported");
	TEST_ASSERT_EQUAL(rstats().pending, n, "");
	TEST_ASSERT(mim_lookup(first, &key) == pv && *pv == 1000,
		    "the first table is intact for the reader");
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), (int)n, "");
	TEST_ASSERT_EQUAL(rstats().pending, 0, "");
	TEST_ASSERT_EQUAL(rstats().pending_bytes, 0, "");
	TEST_ASSERT_OK(mim_close(outer));
	return TEST_SUCCESS;
}

/* What the deferred frees' steps saw. */
static struct {
	uint32_t steps;
	uint32_t locked;       /* steps run with the library mutex held */
	uint32_t bad_heap;     /* steps after which the heap did not drop by one block */
	uint64_t bytes;
	uint64_t max_step;
	uint64_t heap_next;    /* heap expected at the next step, or 0 */
} fs;

static void
free_step(size_t len)
{
	uint64_t heap = mim_heap_allocated();

	if (!mim_lock_free())
		fs.locked++;
	/* The heap counts a block with its header: up to a page more. */
	if (fs.heap_next != 0 &&
	    (heap > fs.heap_next || heap + 4096 < fs.heap_next))
		fs.bad_heap++;
	fs.heap_next = heap - len;
	fs.steps++;
	fs.bytes += len;
	fs.max_step = RTE_MAX(fs.max_step, (uint64_t)len);
}

/* A table of large blocks (several MB of buckets and values). */
static int
big_table(void)
{
	return mim_create(MIM_TYPE_HASH, NULL, 4, 8, 100000, NULL);
}

/*
 * A released table's large blocks are freed in steps of one block each,
 * without the library mutex, only after the grace period, and all of them
 * by the time mim_reclaim() returns: the heap is back where it was.
 */
static int
test_free_steps(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(1);
	uint64_t heap0 = mim_heap_allocated(), dropped;
	uint32_t slot = 0;
	int tmpl, outer, a, b;

	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	tmpl = big_table();
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, NULL, 1, tmpl);
	TEST_ASSERT_OK(mim_close(tmpl));
	mim_reclaim();
	rte_rcu_qsbr_quiescent(v, 0);
	mim_reclaim();
	heap0 = mim_heap_allocated();
	a = big_table();
	b = big_table();
	TEST_ASSERT_OK(autotest_put(outer, slot, a));
	TEST_ASSERT_OK(mim_close(a));
	memset(&fs, 0, sizeof(fs));
	mim_free_step_hook = free_step;
	TEST_ASSERT_OK(autotest_put(outer, slot, b));     /* retires a */
	TEST_ASSERT_OK(mim_close(b));
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "the reader has not reported");
	TEST_ASSERT_EQUAL(fs.steps, 0, "nothing freed before the grace period");
	rte_rcu_qsbr_quiescent(v, 0);
	dropped = mim_heap_allocated();
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	dropped -= mim_heap_allocated();
	mim_free_step_hook = NULL;
	TEST_ASSERT_EQUAL(mim_free_pending(), 0, "all freed when it returns");
	TEST_ASSERT(fs.steps >= 2, "a's buckets and values: %u steps", fs.steps);
	TEST_ASSERT_EQUAL(fs.locked, 0, "no step holds the library mutex");
	TEST_ASSERT_EQUAL(fs.bad_heap, 0, "each step frees one block, exactly");
	TEST_ASSERT(fs.max_step >= MIM_FREE_DEFER_MIN &&
		    fs.max_step < dropped, "one block per step, not the table");
	TEST_ASSERT(fs.bytes <= dropped, "");
	TEST_ASSERT_EQUAL(rstats().pending_bytes, 0, "");
	TEST_ASSERT_OK(mim_close(outer));
	rte_rcu_qsbr_quiescent(v, 0);
	mim_reclaim();
	TEST_ASSERT(mim_heap_allocated() < heap0, "the outer table went too");
	return TEST_SUCCESS;
}

/*
 * With no variable attached a close releases at once; the call frees at
 * most MIM_FREE_STEP_BYTES (one block, if larger) after the mutex, and the
 * next calls the rest: after mim_reclaim() the heap is back, exactly.
 */
static int
test_free_budget(void)
{
	uint64_t heap0 = mim_heap_allocated();
	int id = big_table();

	TEST_ASSERT_OK(id);
	TEST_ASSERT(mim_heap_allocated() > heap0 + 2 * MIM_FREE_STEP_BYTES,
		    "a table of several MB");
	memset(&fs, 0, sizeof(fs));
	mim_free_step_hook = free_step;
	TEST_ASSERT_OK(mim_close(id));
	TEST_ASSERT(fs.bytes != 0, "the close freed a step after the mutex");
	TEST_ASSERT(fs.bytes < MIM_FREE_STEP_BYTES || fs.steps == 1,
		    "%u steps, %" PRIu64 " bytes: at most the budget, or one block",
		    fs.steps, fs.bytes);
	TEST_ASSERT(mim_free_pending() != 0, "the rest waits for later calls");
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "nothing was pending a grace period");
	mim_free_step_hook = NULL;
	TEST_ASSERT_EQUAL(fs.locked, 0, "");
	TEST_ASSERT_EQUAL(fs.bad_heap, 0, "");
	TEST_ASSERT_EQUAL(mim_free_pending(), 0, "");
	TEST_ASSERT_EQUAL(mim_heap_allocated(), heap0, "every byte back");
	return TEST_SUCCESS;
}

static const struct autotest_case reclaim_cases[] = {
	TEST_CASE(test_backlog_visible),
	TEST_CASE(test_million_replacements),
	TEST_CASE(test_front_tokens),
	TEST_CASE(test_front_full),
	TEST_CASE(test_free_steps),
	TEST_CASE(test_free_budget),
	TEST_CASES_END(),
};

static struct autotest_suite reclaim_suite = {
	.name = "reclaim",
	.help = "reclamation bounds: visible backlog, a million replacements back to baseline, the defer queue's front, deferred frees",
	.cases = reclaim_cases,
};
REGISTER_AUTOTEST(reclaim_suite);
