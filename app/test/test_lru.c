/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * LRU hash tables (MIM_TYPE_LRU_HASH): the kernel's creation checks (no
 * BPF_F_NO_PREALLOC, BPF_F_NO_COMMON_LRU and its rounding of max_entries);
 * a full table evicts instead of failing, oldest first; a key looked up on
 * the data path since the last sweep outlives those that were not; with
 * per-lcore lists an insert evicts from its own thread's list only;
 * evicted values stay readable until the readers' grace period; the
 * tables nest; the eviction counters; a failed allocation leaves nothing.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>
#include <mim_datapath.h>
#include "mim_fault.h"

#include "autotest.h"
#include "autotest_util.h"

#define NB 64
#define LISTS (RTE_MAX_LCORE + 1)

static uint64_t
evictions(int id)
{
	struct mim_lru_stats st = { .sz = sizeof(st) };

	if (mim_get_lru_stats(id, &st) != 0)
		return UINT64_MAX;
	return st.nb_evictions;
}

/* Insert keys [from, to) with value = key. */
static int
fill(int id, uint32_t from, uint32_t to)
{
	uint64_t v;
	uint32_t k;
	int ret;

	for (k = from; k < to; k++) {
		v = k;
		ret = mim_update_elem(id, &k, &v, MIM_ANY);
		if (ret != 0)
			return ret;
	}
	return 0;
}

/* Keys of [from, to) present (control plane: marks nothing). */
static uint32_t
present(int id, uint32_t from, uint32_t to)
{
	uint32_t k, n = 0;
	uint64_t v;

	for (k = from; k < to; k++)
		n += mim_lookup_elem(id, &k, &v) == 0 && v == k;
	return n;
}

static int
test_lru_create(void)
{
	MIM_OPTS(mim_create_opts, np, .map_flags = MIM_F_NO_PREALLOC);
	MIM_OPTS(mim_create_opts, numa, .map_flags = MIM_F_NUMA_NODE,
		 .socket_id = 0);
	MIM_OPTS(mim_create_opts, pl, .map_flags = MIM_F_NO_COMMON_LRU);
	MIM_OPTS(mim_create_opts, plnuma, .map_flags = MIM_F_NO_COMMON_LRU |
		 MIM_F_NUMA_NODE, .socket_id = 0);
	MIM_OPTS(mim_create_opts, inner, .map_flags = MIM_F_INNER_MAP);
	struct mim_lru_stats st = { .sz = sizeof(st) };
	struct mim_table_info info;
	int id, h;

	TEST_ASSERT_ERR(mim_create(MIM_TYPE_LRU_HASH, NULL, 4, 8, 4, &np),
			524, "MIM_F_NO_PREALLOC is not supported");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_LRU_HASH, NULL, 4, 8, 4, &plnuma),
			EINVAL, "per-lcore LRU lists");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_LRU_HASH, NULL, 4, 8, 4, &inner),
			EINVAL, "not supported by lru_hash");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_LRU_HASH, NULL, 4, 8, 0, NULL),
			EINVAL, "max_entries is 0");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_LRU_HASH, NULL, 0, 8, 4, NULL),
			EINVAL, "key_size is 0");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_LRU_HASH, NULL, 4, 0, 4, NULL),
			EINVAL, "value_size is 0");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_LRU_HASH, NULL, 513, 8, 4, NULL),
			E2BIG, "key_size 513");
	id = mim_create(MIM_TYPE_LRU_HASH, NULL, 4, 8, 4, &numa);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(mim_close(id));

	id = mim_create(MIM_TYPE_LRU_HASH, "lru", 4, 8, NB, NULL);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	TEST_ASSERT(strcmp(mim_type_name(MIM_TYPE_LRU_HASH), "lru_hash") == 0,
		    "");
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.max_entries, NB, "");
	TEST_ASSERT_OK(mim_get_lru_stats(id, &st));
	TEST_ASSERT(st.nb_evictions == 0 && st.nb_lists == 1 &&
		    st.list_capacity == NB, "");
	TEST_ASSERT_ERR(mim_get_lru_stats(id, NULL), EINVAL, "stats is NULL");
	st.sz = 4;
	TEST_ASSERT_ERR(mim_get_lru_stats(id, &st), EINVAL, "too small");
	st.sz = sizeof(st);
	TEST_ASSERT_ERR(mim_get_lru_stats(MIM_ID_MAX, &st), EBADF, "");
	h = mim_create(MIM_TYPE_HASH, NULL, 4, 8, NB, NULL);
	TEST_ASSERT(h > 0, "");
	TEST_ASSERT_ERR(mim_get_lru_stats(h, &st), EINVAL, "not lru_hash");
	TEST_ASSERT_OK(mim_close(h));
	TEST_ASSERT_OK(mim_close(id));

	/* Per-lcore lists: max_entries rounded up to a multiple of them. */
	id = mim_create(MIM_TYPE_LRU_HASH, NULL, 4, 8, 100, &pl);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.max_entries, LISTS, "100 rounded up");
	TEST_ASSERT_OK(mim_get_lru_stats(id, &st));
	TEST_ASSERT(st.nb_lists == LISTS && st.list_capacity == 1, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/* At and past capacity: no E2BIG, the oldest go first, counted. */
static int
test_lru_capacity(void)
{
	struct mim_table_info info;
	uint32_t k = 5;
	uint64_t v = 0;
	int id;

	id = mim_create(MIM_TYPE_LRU_HASH, NULL, 4, 8, NB, NULL);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(fill(id, 0, NB));
	TEST_ASSERT_EQUAL(present(id, 0, NB), NB, "full, nothing evicted");
	TEST_ASSERT_EQUAL(evictions(id), 0, "");
	TEST_ASSERT_ERR(mim_update_elem(id, &k, &v, MIM_NOEXIST), EEXIST, "");
	k = NB;
	TEST_ASSERT_ERR(mim_update_elem(id, &k, &v, MIM_EXIST), ENOENT, "");
	TEST_ASSERT_ERR(mim_update_elem(id, &k, &v, 3), EINVAL, "flags");
	/* Replacing a key of a full table evicts nothing. */
	k = 5;
	v = 5;
	TEST_ASSERT_OK(mim_update_elem(id, &k, &v, MIM_EXIST));
	TEST_ASSERT_EQUAL(evictions(id), 0, "");
	/* Past capacity: one key out per key in, the oldest first. */
	TEST_ASSERT_OK(fill(id, NB, NB + NB / 2));
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.nb_entries, NB, "");
	TEST_ASSERT_EQUAL(evictions(id), NB / 2, "");
	/* Key 5 was replaced, so it is younger than the others. */
	TEST_ASSERT_EQUAL(present(id, 0, NB / 2 + 1), 1, "the oldest went");
	TEST_ASSERT_EQUAL(present(id, 5, 6), 1, "the replaced key stayed");
	TEST_ASSERT_EQUAL(present(id, NB / 2 + 1, NB + NB / 2), NB - 1, "");
	/* A delete makes room: the next insert evicts nothing. */
	k = NB;
	TEST_ASSERT_OK(mim_delete_elem(id, &k));
	TEST_ASSERT_ERR(mim_delete_elem(id, &k), ENOENT, "no such key");
	TEST_ASSERT_OK(fill(id, 1000, 1001));
	TEST_ASSERT_EQUAL(evictions(id), NB / 2, "");
	/* Many times the capacity, through the grace periods. */
	TEST_ASSERT_OK(fill(id, 2000, 2000 + 10 * NB));
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.nb_entries, NB, "");
	TEST_ASSERT_EQUAL(present(id, 2000 + 9 * NB, 2000 + 10 * NB), NB,
			  "the last max_entries keys");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/* What the kernel documents: keys used since the sweep survive it. */
static int
lru_survival(uint32_t key_size)
{
	uint8_t key[16] = { 0 };
	const void *keys[8];
	void *vals[8];
	uint32_t k, i;
	int id;

	id = mim_create(MIM_TYPE_LRU_HASH, NULL, key_size, 8, NB, NULL);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	for (k = 0; k < NB; k++) {
		uint64_t v = k;

		memcpy(key, &k, 4);
		TEST_ASSERT_OK(mim_update_elem(id, key, &v, MIM_ANY));
	}
	/* Use the first half: one by one, then in bursts of 8. */
	for (k = 0; k < NB / 4; k++) {
		memcpy(key, &k, 4);
		TEST_ASSERT(mim_lookup(mim_table(id), key) != NULL, "");
	}
	for (k = NB / 4; k < NB / 2; k += 8) {
		uint8_t bk[8][16] = { { 0 } };

		for (i = 0; i < 8; i++) {
			uint32_t x = k + i;

			memcpy(bk[i], &x, 4);
			keys[i] = bk[i];
		}
		TEST_ASSERT_EQUAL(mim_lookup_bulk(mim_table(id), keys, 8, vals),
				  8, "");
	}
	/* Half a table of new keys: the unused half goes. */
	for (k = NB; k < NB + NB / 2; k++) {
		uint64_t v = k;

		memcpy(key, &k, 4);
		TEST_ASSERT_OK(mim_update_elem(id, key, &v, MIM_ANY));
	}
	for (k = 0; k < NB + NB / 2; k++) {
		uint64_t v;
		int want = k < NB / 2 || k >= NB;

		memcpy(key, &k, 4);
		TEST_ASSERT_EQUAL(mim_lookup_elem(id, key, &v) == 0, want,
				  "key %u", k);
	}
	/* Their second chance is spent: the next half table evicts them. */
	for (k = 2 * NB; k < 2 * NB + NB / 2; k++) {
		uint64_t v = k;

		memcpy(key, &k, 4);
		TEST_ASSERT_OK(mim_update_elem(id, key, &v, MIM_ANY));
	}
	for (k = 0; k < NB / 2; k++) {
		uint64_t v;

		memcpy(key, &k, 4);
		TEST_ASSERT_ERR(mim_lookup_elem(id, key, &v), ENOENT, "");
	}
	TEST_ASSERT_EQUAL(evictions(id), NB, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_lru_survival(void)
{
	TEST_ASSERT_OK(lru_survival(4));
	return lru_survival(16);
}

struct other_writer {
	int id;
	uint32_t from;
	int ret;
};

static void *
noeal_fill(void *p)
{
	struct other_writer *w = p;

	w->ret = fill(w->id, w->from, w->from + 3);
	return NULL;
}

static int
lcore_fill(void *p)
{
	struct other_writer *w = p;

	w->ret = fill(w->id, w->from, w->from + 3);
	return 0;
}

/* Per-lcore lists: a writer evicts from its own thread's list only. */
static int
test_lru_per_lcore(void)
{
	MIM_OPTS(mim_create_opts, pl, .map_flags = MIM_F_NO_COMMON_LRU);
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	struct other_writer w = { .from = 100 };
	struct mim_table_info info;
	pthread_t th;
	int id;

	id = mim_create(MIM_TYPE_LRU_HASH, NULL, 4, 8, 2 * LISTS, &pl);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	w.id = id;
	/* Lcore 0's list holds 2: the third key evicts the first. */
	TEST_ASSERT_OK(fill(id, 0, 3));
	TEST_ASSERT_EQUAL(present(id, 0, 3), 2, "");
	TEST_ASSERT_EQUAL(present(id, 1, 3), 2, "the oldest went");
	/* A thread without an lcore ID: the control plane's own list. */
	TEST_ASSERT_EQUAL(pthread_create(&th, NULL, noeal_fill, &w), 0, "");
	pthread_join(th, NULL);
	TEST_ASSERT_OK(w.ret);
	TEST_ASSERT_EQUAL(present(id, 101, 103), 2, "");
	TEST_ASSERT_EQUAL(present(id, 1, 3), 2, "lcore 0's keys untouched");
	if (worker < RTE_MAX_LCORE) {
		w.from = 200;
		TEST_ASSERT_OK(rte_eal_remote_launch(lcore_fill, &w, worker));
		rte_eal_wait_lcore(worker);
		TEST_ASSERT_OK(w.ret);
		TEST_ASSERT_EQUAL(present(id, 201, 203), 2, "");
		TEST_ASSERT_EQUAL(present(id, 1, 3) + present(id, 101, 103), 4,
				  "the other lists untouched");
	}
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.nb_entries, worker < RTE_MAX_LCORE ? 6 : 4, "");
	TEST_ASSERT_EQUAL(evictions(id), worker < RTE_MAX_LCORE ? 3 : 2, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

struct evict_reader {
	struct rte_rcu_qsbr *v;
	const struct mim_table *t;
	uint32_t *newest;
	bool stop;
	uint64_t hits, bad;
};

/*
 * A reader lcore: look up recent keys and read their values until its
 * next quiescent state. An evicted value must stay intact until then
 * (poison builds fill released objects with 0x6b).
 */
static int
evict_main(void *p)
{
	struct evict_reader *r = p;
	unsigned int self = rte_lcore_id();

	autotest_reader_online(r->v, self);
	/* Pairs with the release store of stop by the main lcore. */
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		uint32_t top = __atomic_load_n(r->newest, __ATOMIC_RELAXED);
		uint32_t k;

		for (k = top > NB ? top - NB : 0; k < top; k++) {
			volatile uint64_t *v = mim_lookup(r->t, &k);

			if (v == NULL)
				continue;
			r->hits++;
			rte_pause();
			r->bad += *v != k;
		}
		rte_rcu_qsbr_quiescent(r->v, self);
	}
	rte_rcu_qsbr_thread_offline(r->v, self);
	rte_rcu_qsbr_thread_unregister(r->v, self);
	return 0;
}

static int
test_lru_evict_under_readers(void)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	struct evict_reader r = { .v = autotest_qsbr(RTE_MAX_LCORE) };
	uint32_t newest = 0, k;
	uint64_t busy = 0;
	int id, ret = 0;

	TEST_ASSERT(r.v != NULL, "");
	if (worker >= RTE_MAX_LCORE) {
		printf("    needs a worker lcore (-l 0-1)\n");
		return TEST_SKIPPED;
	}
	id = mim_create(MIM_TYPE_LRU_HASH, NULL, 4, 8, NB, NULL);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	r.t = mim_table(id);
	r.newest = &newest;
	TEST_ASSERT_OK(rte_eal_remote_launch(evict_main, &r, worker));
	for (k = 0; k < 200000 && ret == 0; k++) {
		uint64_t v = k;

		ret = mim_update_elem(id, &k, &v, MIM_ANY);
		/* As HASH: every slot of the key's buckets may hold an
		 * evicted key waiting for the reader (-EBUSY); wait.
		 */
		while (ret == -EBUSY) {
			busy++;
			rte_pause();
			mim_reclaim();
			ret = mim_update_elem(id, &k, &v, MIM_ANY);
		}
		__atomic_store_n(&newest, k + 1, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
	rte_eal_wait_lcore(worker);
	TEST_ASSERT_OK(ret);
	TEST_ASSERT_EQUAL(r.bad, 0, "a value changed under its reader");
	TEST_ASSERT(r.hits > 0, "the reader found keys");
	TEST_ASSERT_EQUAL(evictions(id), 200000 - NB, "");
	printf("    %" PRIu64 " hits while 200000 keys went through 64 entries (%" PRIu64 " inserts waited for the reader)\n",
	       r.hits, busy);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/* Nested in a hash of tables; the template tells LRU from HASH. */
static int
test_lru_nested(void)
{
	uint32_t okey[2] = { 7, 7 }, ikey[2] = { 1, 2 }, k;
	const void *ok[2] = { &okey[0], &okey[1] }, *ik[2] = { &ikey[0],
							     &ikey[1] };
	void *vals[2];
	int a, outer, h;

	a = mim_create(MIM_TYPE_LRU_HASH, "lru-a", 4, 8, 4, NULL);
	TEST_ASSERT(a > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(fill(a, 0, 4));
	outer = autotest_outer(MIM_TYPE_HASH_OF_TABLES, "lru-o", 4, a);
	TEST_ASSERT(outer > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(autotest_put(outer, 7, a));
	h = mim_create(MIM_TYPE_HASH, NULL, 4, 8, 4, NULL);
	TEST_ASSERT(h > 0, "");
	TEST_ASSERT_ERR(autotest_put(outer, 8, h), EINVAL, "type");
	TEST_ASSERT_OK(mim_close(h));
	TEST_ASSERT_EQUAL(mim_lookup_nested_bulk(mim_table(outer), ok, ik, 2,
						 vals, NULL), 2, "");
	TEST_ASSERT(vals[0] != NULL && *(uint64_t *)vals[0] == 1, "");
	/* Keys 1 and 2 were used through the outer table: 0 and 3 go. */
	TEST_ASSERT_OK(fill(a, 10, 12));
	TEST_ASSERT_EQUAL(present(a, 1, 3), 2, "the keys used nested stayed");
	k = 0;
	TEST_ASSERT(mim_lookup(mim_table(a), &k) == NULL, "");
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(a));
	return TEST_SUCCESS;
}

#ifdef MIM_FAULT_INJECTION
/* Each allocation point of create fails once: -ENOMEM, no trace. */
static int
test_lru_fault(void)
{
	MIM_OPTS(mim_create_opts, pl, .map_flags = MIM_F_NO_COMMON_LRU);
	struct autotest_snap before, after;
	uint64_t n, points = 0;
	unsigned int i;
	int id = -1;

	for (i = 0; i < 2; i++) {
		for (n = 1; ; n++) {
			autotest_snapshot(&before);
			mim_fault_arm(n);
			id = mim_create(MIM_TYPE_LRU_HASH, "lru-fault", 4, 8,
					300, i ? &pl : NULL);
			points = mim_fault_points();
			mim_fault_arm(0);
			if (points < n)
				break;
			TEST_ASSERT_EQUAL(id, -ENOMEM, "fault %" PRIu64 ": %s",
					  n, mim_last_error());
			autotest_snapshot(&after);
			TEST_ASSERT(!autotest_snap_diff(&before, &after),
				    "fault %" PRIu64 " changed the state", n);
		}
		TEST_ASSERT(id > 0 && n - 1 >= 4, "%" PRIu64 " points", n - 1);
		/* Inserts past capacity allocate nothing: no fault point. */
		mim_fault_arm(1);
		TEST_ASSERT_OK(fill(id, 0, 1000));
		points = mim_fault_points();
		mim_fault_arm(0);
		TEST_ASSERT_EQUAL(points, 0, "evicting inserts allocate");
		TEST_ASSERT_OK(mim_close(id));
	}
	return TEST_SUCCESS;
}
#else
static int
test_lru_fault(void)
{
	printf("    needs -Dfault_injection=true\n");
	return TEST_SKIPPED;
}
#endif

static const struct autotest_case lru_cases[] = {
	TEST_CASE(test_lru_create),
	TEST_CASE(test_lru_capacity),
	TEST_CASE(test_lru_survival),
	TEST_CASE(test_lru_per_lcore),
	TEST_CASE(test_lru_evict_under_readers),
	TEST_CASE(test_lru_nested),
	TEST_CASE(test_lru_fault),
	TEST_CASES_END(),
};

static struct autotest_suite lru_suite = {
	.name = "lru",
	.help = "LRU hash tables: eviction at capacity, survival of used keys, per-lcore lists",
	.cases = lru_cases,
};

REGISTER_AUTOTEST(lru_suite);
