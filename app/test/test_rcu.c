/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Deferred release (the kernel's bpf_map_fd_put_ptr with need_defer): what
 * is unpublished is released only after every reader on every attached
 * QSBR variable has reported a quiescent state.
 *
 * Most cases are deterministic: a reader is a QSBR thread ID that the test
 * puts online and reports quiescent for, from the main thread; no timing is
 * involved. The SYNC-mode and concurrent cases use a real worker lcore.
 */

#include <errno.h>
#include <stdbool.h>

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_byteorder.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"

/* A hash table holding key -> val, its handle closed if close_it. */
static int
tenant(const char *name, uint32_t key, uint32_t val)
{
	int id = mim_create(MIM_TYPE_HASH, name, 4, 4, 16, NULL);

	if (id > 0 && mim_update_elem(id, &key, &val, MIM_ANY) != 0)
		return -1;
	return id;
}

static struct mim_rcu_stats
rstats(void)
{
	struct mim_rcu_stats s;

	mim_rcu_get_stats(&s);
	return s;
}

static uint32_t
dying(void)
{
	struct mim_stats s;

	mim_get_stats(&s);
	return s.nb_dying;
}

static int
test_deferred_until_quiescent(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(1);
	const struct mim_table *pa;
	const uint32_t key = 1;
	const uint32_t *pv;
	int tmpl, outer, a, b;

	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	tmpl = mim_create(MIM_TYPE_HASH, "tmpl", 4, 4, 16, NULL);
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "outer", 4, tmpl);
	a = tenant("a", key, 111);
	b = tenant("b", key, 222);
	TEST_ASSERT_OK(autotest_put(outer, 0, a));
	TEST_ASSERT_OK(mim_close(a));

	/* What the reader holds, found through the slot. */
	pa = mim_lookup(mim_table(outer), &(uint32_t){0});
	pv = mim_lookup(pa, &key);
	TEST_ASSERT(pv != NULL && *pv == 111, "");

	/* Replace: a's ID goes at once, its memory does not. */
	TEST_ASSERT_OK(autotest_put(outer, 0, b));
	TEST_ASSERT_ERR(mim_get_by_id((uint32_t)a), ENOENT, "");
	TEST_ASSERT_EQUAL(rstats().pending, 1, "");
	TEST_ASSERT(rstats().pending_bytes > 0, "the backlog has a size");
	TEST_ASSERT_EQUAL(dying(), 1, "");
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "the reader has not reported");
	TEST_ASSERT(mim_lookup(pa, &key) == pv && *pv == 111,
		    "the old table is intact for the reader");
	TEST_ASSERT(*(uint32_t *)mim_lookup(mim_lookup(mim_table(outer),
						       &(uint32_t){0}), &key) == 222,
		    "new lookups see b");

	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	TEST_ASSERT_EQUAL(dying(), 0, "");
	TEST_ASSERT_EQUAL(rstats().pending, 0, "");
	TEST_ASSERT_EQUAL(rstats().pending_bytes, 0, "");
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(b));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

static int
test_hash_value_deferred(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(1);
	const uint32_t key = 7, v1 = 1, v2 = 2;
	const uint32_t *p1, *p2;
	struct mim_table *t;
	int id;

	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	id = mim_create(MIM_TYPE_HASH, "h", 4, 4, 16, NULL);
	t = mim_table(id);
	TEST_ASSERT_OK(mim_update_elem(id, &key, &v1, MIM_ANY));
	p1 = mim_lookup(t, &key);
	TEST_ASSERT_OK(mim_update_elem(id, &key, &v2, MIM_ANY));
	p2 = mim_lookup(t, &key);
	TEST_ASSERT(p1 != p2 && *p1 == 1 && *p2 == 2,
		    "a new slot: the old value stays readable");
	TEST_ASSERT_EQUAL(rstats().pending, 1, "");
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "");
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	/* Delete retires the key slot and the value together. */
	TEST_ASSERT_OK(mim_delete_elem(id, &key));
	TEST_ASSERT(mim_lookup(t, &key) == NULL && *p2 == 2, "");
	TEST_ASSERT_EQUAL(rstats().pending, 1, "");
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_hash_key_slots_held(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(1);
	uint32_t i, val = 5, out;
	int id, ret = 0;

	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	id = mim_create(MIM_TYPE_HASH, "h", 4, 4, 8, NULL);
	/* Deleted keys keep their slot until readers let go;
	 * churn runs out of spare slots, and says why.
	 */
	for (i = 0; i < 100; i++) {
		ret = mim_update_elem(id, &i, &val, MIM_NOEXIST);
		if (ret != 0)
			break;
		TEST_ASSERT_OK(mim_delete_elem(id, &i));
	}
	TEST_ASSERT(i > 0 && i < 100, "churn stopped after %u", i);
	TEST_ASSERT_ERR(ret, EBUSY, "deleted keys' slots are waiting for readers");
	TEST_ASSERT_ERR(mim_lookup_elem(id, &i, &out), ENOENT, "");
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_OK(mim_update_elem(id, &i, &val, MIM_NOEXIST));
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_lpm_value_slots_held(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(1);
	struct mim_lpm_key k = { .prefixlen = 8, .addr = rte_cpu_to_be_32(10U << 24) };
	uint32_t i, out;
	int id, ret = 0;

	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	id = mim_create(MIM_TYPE_LPM, "l", 8, 4, 16, NULL);
	/* Each new value takes a slot; the old one waits for readers. */
	for (i = 0; i < 100; i++) {
		ret = mim_update_elem(id, &k, &i, MIM_ANY);
		if (ret != 0)
			break;
	}
	TEST_ASSERT(i > 16 && i < 100, "stopped after %u values", i);
	TEST_ASSERT_ERR(ret, EBUSY, "no free value slot");
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, &out));
	TEST_ASSERT_EQUAL(out, i - 1, "the route kept its last value");
	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_OK(mim_update_elem(id, &k, &i, MIM_ANY));
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_offline_reader(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(2);
	int tmpl, outer, a, b;

	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	rte_rcu_qsbr_thread_offline(v, 0);
	rte_rcu_qsbr_thread_register(v, 1);    /* registered, never online */
	tmpl = mim_create(MIM_TYPE_ARRAY, "tmpl", 4, 4, 4, NULL);
	outer = autotest_outer(MIM_TYPE_HASH_OF_TABLES, "outer", 4, tmpl);
	a = mim_create(MIM_TYPE_ARRAY, "a", 4, 4, 4, NULL);
	b = mim_create(MIM_TYPE_ARRAY, "b", 4, 4, 4, NULL);
	TEST_ASSERT_OK(autotest_put(outer, 0, a));
	TEST_ASSERT_OK(mim_close(a));
	TEST_ASSERT_OK(autotest_put(outer, 0, b));
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "offline readers hold nothing back");
	TEST_ASSERT_EQUAL(dying(), 0, "");
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(b));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

static int
test_multiple_vars(void)
{
	struct rte_rcu_qsbr *v1 = autotest_qsbr(1), *v2 = autotest_qsbr(1);
	int id;
	uint32_t k = 3, a = 1, b = 2;

	TEST_ASSERT(v1 != NULL && v2 != NULL, "");
	autotest_reader_online(v1, 0);
	autotest_reader_online(v2, 0);
	TEST_ASSERT_EQUAL(rstats().nb_vars, 2, "");
	id = mim_create(MIM_TYPE_HASH, "h", 4, 4, 16, NULL);
	TEST_ASSERT_OK(mim_update_elem(id, &k, &a, MIM_ANY));
	TEST_ASSERT_OK(mim_update_elem(id, &k, &b, MIM_ANY));

	/* Both variables' readers must let go. */
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "");
	rte_rcu_qsbr_quiescent(v1, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "v2's reader still holds it");
	TEST_ASSERT_EQUAL(rstats().pending, 1, "");
	rte_rcu_qsbr_quiescent(v2, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");

	/* One variable after the other: v2's grace period starts when
	 * v1's has ended, so a report on v2 made before does not count.
	 */
	TEST_ASSERT_OK(mim_update_elem(id, &k, &a, MIM_ANY));
	rte_rcu_qsbr_quiescent(v2, 0);
	rte_rcu_qsbr_quiescent(v1, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "");
	rte_rcu_qsbr_quiescent(v2, 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_queue_full(void)
{
	MIM_OPTS(mim_rcu_opts, o, .dq_size = 4, .reclaim_thd = 2,
		 .reclaim_max = 4);
	struct rte_rcu_qsbr *v;
	struct mim_table_info info;
	uint32_t i, k = 0, out;
	int tmpl, outer, t[6], h;

	TEST_ASSERT_OK(mim_rcu_configure(&o));
	v = autotest_qsbr(1);
	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	TEST_ASSERT_EQUAL(rstats().dq_size, 4, "");
	tmpl = mim_create(MIM_TYPE_ARRAY, "tmpl", 4, 4, 4, NULL);
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "outer", 4, tmpl);
	h = mim_create(MIM_TYPE_HASH, "h", 4, 4, 4, NULL);
	TEST_ASSERT_OK(mim_update_elem(h, &k, &k, MIM_ANY));
	for (i = 0; i < 6; i++) {
		t[i] = mim_create(MIM_TYPE_ARRAY, NULL, 4, 4, 4, NULL);
		TEST_ASSERT_OK(t[i]);
	}
	/* Each put releases the table before it: 4 fill the queue. */
	TEST_ASSERT_OK(autotest_put(outer, 0, t[0]));
	TEST_ASSERT_OK(mim_close(t[0]));
	for (i = 1; i <= 4; i++) {
		TEST_ASSERT_OK(autotest_put(outer, 0, t[i]));
		TEST_ASSERT_OK(mim_close(t[i]));
	}
	TEST_ASSERT_EQUAL(rstats().pending, 4, "");
	/* Full: every call that would retire fails cleanly, changing
	 * nothing; calls that retire nothing still work.
	 */
	TEST_ASSERT_ERR(autotest_put(outer, 0, t[5]), EBUSY,
			"defer queue (dq_size 4) is full");
	TEST_ASSERT_OK(mim_lookup_elem(outer, &k, &out));
	TEST_ASSERT_EQUAL(out, t[4], "the slot is unchanged");
	TEST_ASSERT_OK(mim_get_info(t[5], &info));
	TEST_ASSERT_EQUAL(info.refcnt, 1, "no reference was taken");
	TEST_ASSERT_ERR(mim_close(outer), EBUSY, "is full");
	TEST_ASSERT_OK(mim_get_info(outer, &info));
	TEST_ASSERT_ERR(mim_delete_elem(h, &k), EBUSY, "is full");
	TEST_ASSERT_ERR(mim_update_elem(h, &k, &k, MIM_ANY), EBUSY, "is full");
	TEST_ASSERT_OK(autotest_put(outer, 1, t[5]));     /* an empty slot: no retirement */
	TEST_ASSERT_EQUAL(rstats().nb_busy, 4, "");
	TEST_ASSERT_EQUAL(rstats().max_pending, 4, "");

	rte_rcu_qsbr_quiescent(v, 0);
	TEST_ASSERT_OK(mim_delete_elem(h, &k));   /* reclaims, then works */
	TEST_ASSERT_EQUAL(rstats().pending, 1, "");
	TEST_ASSERT_OK(mim_close(t[5]));
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(h));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

/* A reader lcore: looks up slot 0's table in a loop, reporting quiescent
 * states, checking that what it finds is a table it was given.
 */
struct reader_arg {
	struct rte_rcu_qsbr *v;
	const struct mim_table *outer;
	volatile bool stop;
	uint64_t lookups;
	uint64_t bad;
};

static int
reader_main(void *p)
{
	struct reader_arg *a = p;
	const uint32_t slot = 0, key = 1;
	unsigned int id = rte_lcore_id();

	rte_rcu_qsbr_thread_register(a->v, id);
	rte_rcu_qsbr_thread_online(a->v, id);
	while (!a->stop) {
		const struct mim_table *in = mim_lookup(a->outer, &slot);
		const uint32_t *val = in != NULL ? mim_lookup(in, &key) : NULL;

		/* Every table put in the slot maps key 1 to 1000 + its
		 * generation; anything else is a torn or freed read.
		 */
		if (val != NULL && (*val < 1000 || *val > 1000 + 100000))
			a->bad++;
		a->lookups++;
		rte_rcu_qsbr_quiescent(a->v, id);
	}
	rte_rcu_qsbr_thread_offline(a->v, id);
	rte_rcu_qsbr_thread_unregister(a->v, id);
	return 0;
}

static int
run_replacements(struct rte_rcu_qsbr *v, bool sync)
{
	struct reader_arg arg = { .v = v };
	unsigned int worker = rte_get_next_lcore(-1, 1, 0), i;
	struct mim_stats st0, st;
	int tmpl, outer, ret = TEST_SUCCESS;

	tmpl = mim_create(MIM_TYPE_HASH, "tmpl", 4, 4, 16, NULL);
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "outer", 4, tmpl);
	arg.outer = mim_table(outer);
	mim_get_stats(&st0);
	rte_eal_remote_launch(reader_main, &arg, worker);
	for (i = 0; i < 2000 && ret == TEST_SUCCESS; i++) {
		int t = tenant(NULL, 1, 1000 + i);

		if (t < 0 || autotest_put(outer, 0, t) != 0 || mim_close(t) != 0)
			ret = TEST_FAILED;
		/* SYNC mode: every replaced table is released on return. */
		if (sync && i > 0) {
			mim_get_stats(&st);
			if (st.nb_destroyed - st0.nb_destroyed != i ||
			    rstats().pending != 0)
				ret = TEST_FAILED;
		}
		if (!sync && i % 64 == 0)
			mim_reclaim();
	}
	arg.stop = true;
	rte_eal_wait_lcore(worker);
	TEST_ASSERT_EQUAL(ret, TEST_SUCCESS, "replacement %u", i);
	TEST_ASSERT_EQUAL(arg.bad, 0, "readers saw only live tables");
	printf("    %" PRIu64 " lookups during 2000 replacements\n",
	       arg.lookups);
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

static int
test_sync_mode(void)
{
	MIM_OPTS(mim_rcu_opts, o, .mode = MIM_RCU_MODE_SYNC);
	struct rte_rcu_qsbr *v;

	if (rte_lcore_count() < 2) {
		printf("    needs a worker lcore (-l 0-1)\n");
		return TEST_SKIPPED;
	}
	TEST_ASSERT_OK(mim_rcu_configure(&o));
	v = autotest_qsbr(RTE_MAX_LCORE);
	TEST_ASSERT(v != NULL, "");
	TEST_ASSERT_EQUAL(rstats().mode, MIM_RCU_MODE_SYNC, "");
	return run_replacements(v, true);
}

static int
test_concurrent_reader(void)
{
	struct rte_rcu_qsbr *v;

	if (rte_lcore_count() < 2) {
		printf("    needs a worker lcore (-l 0-1)\n");
		return TEST_SKIPPED;
	}
	v = autotest_qsbr(RTE_MAX_LCORE);
	TEST_ASSERT(v != NULL, "");
	return run_replacements(v, false);
}

static int
test_lpm_takes_first_var(void)
{
	struct mim_table_info info;
	struct rte_rcu_qsbr *v;
	uint32_t mz;
	int id;

	id = mim_create(MIM_TYPE_LPM, "l", 8, 4, 16, NULL);
	TEST_ASSERT_OK(mim_get_info(id, &info));
	mz = info.memzones;
	TEST_ASSERT_EQUAL(mz, 0, "an LPM table takes no memzone");
	/* The compact layout retires through the library's queues only:
	 * an LPM table holds on to no variable, before or after.
	 */
	v = autotest_qsbr(1);
	TEST_ASSERT(v != NULL, "");
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.memzones, mz, "");
	TEST_ASSERT_OK(mim_rcu_qsbr_remove(v));
	TEST_ASSERT_ERR(mim_rcu_qsbr_remove(v), ENOENT, "not attached");
	TEST_ASSERT_OK(mim_close(id));
	TEST_ASSERT_OK(mim_rcu_qsbr_add(v));
	id = mim_create(MIM_TYPE_LPM, "l", 8, 4, 16, NULL);
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.memzones, mz, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_rcu_api_errors(void)
{
	MIM_OPTS(mim_rcu_opts, o, .mode = 7);
	struct rte_rcu_qsbr *v[MIM_RCU_MAX_VARS], *extra;
	struct mim_rcu_opts small = { .sz = 2 };
	uint32_t k = 0, a = 1;
	unsigned int i;
	int id;

	TEST_ASSERT_ERR(mim_rcu_configure(&o), EINVAL, "unknown mode 7");
	o.mode = MIM_RCU_MODE_DQ;
	o.dq_size = 8;
	o.reclaim_max = 9;
	TEST_ASSERT_ERR(mim_rcu_configure(&o), EINVAL,
			"reclaim_max 9 above dq_size 8");
	TEST_ASSERT_ERR(mim_rcu_configure(&small), EINVAL, "malformed");
	TEST_ASSERT_ERR(mim_rcu_qsbr_add(NULL), EINVAL, "NULL");
	TEST_ASSERT_ERR(mim_rcu_qsbr_remove(NULL), EINVAL, "NULL");
	TEST_ASSERT_ERR(mim_rcu_get_stats(NULL), EINVAL, "NULL");
	for (i = 0; i < MIM_RCU_MAX_VARS; i++) {
		v[i] = autotest_qsbr(1);
		TEST_ASSERT(v[i] != NULL, "");
	}
	TEST_ASSERT_ERR(mim_rcu_qsbr_add(v[0]), EEXIST, "already attached");
	extra = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1), 64);
	rte_rcu_qsbr_init(extra, 1);
	TEST_ASSERT_ERR(mim_rcu_qsbr_add(extra), ENOSPC, "4 QSBR variables");
	TEST_ASSERT_ERR(mim_rcu_qsbr_remove(extra), ENOENT, "not attached");
	rte_free(extra);
	TEST_ASSERT_ERR(mim_rcu_configure(NULL), EBUSY, "is attached");

	autotest_reader_online(v[2], 0);
	id = mim_create(MIM_TYPE_HASH, "h", 4, 4, 4, NULL);
	TEST_ASSERT_OK(mim_update_elem(id, &k, &a, MIM_ANY));
	TEST_ASSERT_OK(mim_update_elem(id, &k, &a, MIM_ANY));
	TEST_ASSERT_ERR(mim_rcu_qsbr_remove(v[1]), EBUSY, "waiting for readers");
	rte_rcu_qsbr_quiescent(v[2], 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	/* Removing a middle variable keeps the others' order. */
	TEST_ASSERT_OK(mim_rcu_qsbr_remove(v[1]));
	TEST_ASSERT_EQUAL(rstats().nb_vars, MIM_RCU_MAX_VARS - 1, "");
	TEST_ASSERT_OK(mim_update_elem(id, &k, &a, MIM_ANY));
	TEST_ASSERT_EQUAL(mim_reclaim(), 0, "v[2]'s reader is online");
	rte_rcu_qsbr_quiescent(v[2], 0);
	TEST_ASSERT_EQUAL(mim_reclaim(), 1, "");
	TEST_ASSERT_OK(mim_rcu_qsbr_add(v[1]));
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static const struct autotest_case rcu_cases[] = {
	TEST_CASE(test_deferred_until_quiescent),
	TEST_CASE(test_hash_value_deferred),
	TEST_CASE(test_hash_key_slots_held),
	TEST_CASE(test_lpm_value_slots_held),
	TEST_CASE(test_offline_reader),
	TEST_CASE(test_multiple_vars),
	TEST_CASE(test_queue_full),
	TEST_CASE(test_lpm_takes_first_var),
	TEST_CASE(test_rcu_api_errors),
	TEST_CASE(test_sync_mode),
	TEST_CASE(test_concurrent_reader),
	TEST_CASES_END(),
};

static struct autotest_suite rcu_suite = {
	.name = "rcu",
	.help = "deferred release with rte_rcu_qsbr: held by readers, released after",
	.cases = rcu_cases,
};
REGISTER_AUTOTEST(rcu_suite);
