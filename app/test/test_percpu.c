/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Per-lcore arrays (MIM_TYPE_PERCPU_ARRAY): each lcore finds its own copy
 * of a value on the data path, so two lcores count without atomics and
 * the sums come out exact; the control plane reads and writes every
 * lcore's copy, each rounded up to 8 bytes; a thread without an lcore ID
 * finds none; the tables nest in an array of tables and are replaced
 * under readers; a failed allocation of the create path leaves nothing.
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

/* A per-lcore value: a tag the control plane writes, a counter. */
struct pc_val {
	uint64_t tag;
	uint64_t count;
};

#define NB_BUMPS 1000000
#define NB_ENTRIES 16

/* Bytes of a control-plane value buffer for values of vs bytes. */
static size_t
buf_size(uint32_t vs)
{
	return (size_t)mim_percpu_nb_copies() * RTE_ALIGN_CEIL(vs, 8);
}

static int
test_percpu_create(void)
{
	MIM_OPTS(mim_create_opts, inner, .map_flags = MIM_F_INNER_MAP);
	MIM_OPTS(mim_create_opts, numa, .map_flags = MIM_F_NUMA_NODE,
		 .socket_id = 0);
	struct mim_table_info info;
	size_t stride;
	int id;

	TEST_ASSERT(mim_percpu_nb_copies() == RTE_MAX_LCORE, "");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 4, 8, 0, NULL),
			EINVAL, "max_entries is 0");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 8, 8, 4, NULL),
			EINVAL, "key_size 8");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 4, 0, 4, NULL),
			EINVAL, "value_size is 0");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 4, 8, 4, &inner),
			EINVAL, "not supported by percpu_array");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 4, 8, 4, &numa),
			EINVAL, "not supported by percpu_array");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 4, 32769, 1,
				   NULL), E2BIG, "largest per-lcore value");
	id = mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 4, 32768, 1, NULL);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(mim_close(id));

	/* 16 values of 12 bytes: 16 strides of 16 bytes, 256 bytes a copy. */
	id = mim_create(MIM_TYPE_PERCPU_ARRAY, "pc", 4, 12, NB_ENTRIES, NULL);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.type, MIM_TYPE_PERCPU_ARRAY, "");
	TEST_ASSERT_EQUAL(info.value_size, 12, "the size of one copy");
	TEST_ASSERT_EQUAL(info.max_entries, NB_ENTRIES, "");
	TEST_ASSERT(strcmp(mim_type_name(MIM_TYPE_PERCPU_ARRAY),
			   "percpu_array") == 0, "");
	stride = RTE_ALIGN_CEIL(NB_ENTRIES * 16, RTE_CACHE_LINE_SIZE);
	/* Measured: the copies, the table object and the heap's headers. */
	TEST_ASSERT(info.mem_bytes >= RTE_MAX_LCORE * stride &&
		    info.mem_bytes < RTE_MAX_LCORE * stride + 4096,
		    "mem_bytes %" PRIu64 " for %u copies of %zu bytes",
		    info.mem_bytes, RTE_MAX_LCORE, stride);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/* Control plane: every lcore's copy in, every lcore's copy out. */
static int
test_percpu_elem(void)
{
	size_t n = buf_size(12), i;
	uint8_t *in = malloc(n), *out = malloc(n);
	uint32_t key = 3, bad = NB_ENTRIES;
	const uint8_t *v;
	int id, ret = TEST_FAILED;

	if (in == NULL || out == NULL)
		goto out;
	id = mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 4, 12, NB_ENTRIES, NULL);
	if (id <= 0)
		goto out;
	for (i = 0; i < n; i++)
		in[i] = (uint8_t)(i * 7 + 1);
	ret = mim_update_elem(id, &key, in, MIM_ANY);
	if (ret == 0)
		ret = mim_lookup_elem(id, &key, out);
	if (ret == 0 && memcmp(in, out, n) != 0)
		ret = -EIO;
	/* The data path's copy on lcore 0: copy 0 of the buffer. */
	v = mim_lookup(mim_table(id), &key);
	if (ret == 0 && (v == NULL || rte_lcore_id() != 0 ||
			 memcmp(v, in, 12) != 0))
		ret = -EFAULT;
	if (ret != 0) {
		printf("    FAIL: round trip of all copies: %d (%s)\n", ret,
		       mim_last_error());
		mim_close(id);
		ret = TEST_FAILED;
		goto out;
	}
	ret = TEST_FAILED;
	TEST_ASSERT_ERR(mim_update_elem(id, &key, in, MIM_NOEXIST), EEXIST,
			"every index exists");
	TEST_ASSERT_ERR(mim_update_elem(id, &key, in, 3), EINVAL,
			"unknown update flags");
	TEST_ASSERT_ERR(mim_update_elem(id, &bad, in, MIM_ANY), E2BIG,
			"max_entries");
	TEST_ASSERT_ERR(mim_lookup_elem(id, &bad, out), ENOENT, "");
	TEST_ASSERT_ERR(mim_delete_elem(id, &key), EINVAL, "cannot be deleted");
	TEST_ASSERT_OK(mim_update_elem(id, &key, in, MIM_EXIST));
	/* The sized calls take the whole buffer, not one copy. */
	TEST_ASSERT_ERR(mim_lookup_elem_sz(id, &key, 4, out, 12), EINVAL,
			"value buffer size");
	TEST_ASSERT_ERR(mim_update_elem_sz(id, &key, 4, in, 16, MIM_ANY),
			EINVAL, "value buffer size");
	TEST_ASSERT_OK(mim_lookup_elem_sz(id, &key, 4, out, n));
	TEST_ASSERT(memcmp(in, out, n) == 0, "");
	TEST_ASSERT_OK(mim_close(id));
	ret = TEST_SUCCESS;
out:
	free(in);
	free(out);
	TEST_ASSERT(ret == TEST_SUCCESS, "");
	return ret;
}

struct bump {
	const struct mim_table *t;
	uintptr_t first;   /* the worker's copy of index 0 */
};

/* Count NB_BUMPS packets in the calling lcore's copy, without atomics. */
static void
bump_own(const struct mim_table *t)
{
	uint32_t key = 0;
	unsigned int i;

	for (i = 0; i < NB_BUMPS; i++) {
		struct pc_val *c = mim_lookup(t, &key);

		c->count++;
		key = (key + 1) % NB_ENTRIES;
	}
}

static int
bump_main(void *p)
{
	struct bump *b = p;
	uint32_t key = 0;

	b->first = (uintptr_t)mim_lookup(b->t, &key);
	if (b->first != 0)
		bump_own(b->t);
	return 0;
}

static int
test_percpu_own_copy(void)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0), lcore;
	struct pc_val *all = calloc(RTE_MAX_LCORE, sizeof(*all));
	struct bump b = { .t = NULL };
	uint32_t key, last = NB_ENTRIES - 1;
	uintptr_t mine;
	uint64_t sum;
	int id;

	TEST_ASSERT(all != NULL, "");
	if (worker >= RTE_MAX_LCORE) {
		free(all);
		printf("    needs a worker lcore (-l 0-1)\n");
		return TEST_SKIPPED;
	}
	id = mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 4, sizeof(*all),
			NB_ENTRIES, NULL);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	b.t = mim_table(id);
	TEST_ASSERT_OK(rte_eal_remote_launch(bump_main, &b, worker));
	bump_own(b.t);   /* at the same time, on the main lcore */
	rte_eal_wait_lcore(worker);

	/* The main lcore's last value and the worker's first do not share
	 * a cache line.
	 */
	mine = (uintptr_t)mim_lookup(b.t, &last) + sizeof(*all) - 1;
	TEST_ASSERT(b.first != 0, "the worker lcore has its copy");
	TEST_ASSERT(b.first / RTE_CACHE_LINE_SIZE > mine / RTE_CACHE_LINE_SIZE,
		    "lcore %u's copy at %#" PRIxPTR ", lcore 0's ends at %#" PRIxPTR,
		    worker, b.first, mine);
	for (key = 0; key < NB_ENTRIES; key++) {
		TEST_ASSERT_OK(mim_lookup_elem(id, &key, all));
		sum = 0;
		for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++) {
			uint64_t want = lcore == 0 || lcore == worker ?
				NB_BUMPS / NB_ENTRIES : 0;

			if (all[lcore].count != want) {
				printf("    FAIL: key %u lcore %u counted %" PRIu64
				       ", not %" PRIu64 "\n", key, lcore,
				       all[lcore].count, want);
				free(all);
				mim_close(id);
				return TEST_FAILED;
			}
			sum += all[lcore].count;
		}
		TEST_ASSERT_EQUAL(sum, 2 * NB_BUMPS / NB_ENTRIES, "key %u", key);
	}
	free(all);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

struct noeal {
	const struct mim_table *t;
	unsigned int lcore;
	void *one;
	unsigned int bulk_hits;
};

static void *
noeal_main(void *p)
{
	struct noeal *n = p;
	uint32_t key = 1;
	const void *keys[1] = { &key };
	void *vals[1];

	n->lcore = rte_lcore_id();
	n->one = mim_lookup(n->t, &key);
	n->bulk_hits = mim_lookup_bulk(n->t, keys, 1, vals);
	return NULL;
}

/* A thread without an lcore ID has no copy: it misses, as documented. */
static int
test_percpu_non_eal(void)
{
	struct noeal n = { .one = &n, .bulk_hits = 1 };
	uint32_t key = 1;
	const void *keys[1] = { &key };
	void *vals[1];
	pthread_t th;
	int id;

	id = mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 4, 8, 4, NULL);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	n.t = mim_table(id);
	TEST_ASSERT_EQUAL(pthread_create(&th, NULL, noeal_main, &n), 0, "");
	pthread_join(th, NULL);
	TEST_ASSERT_EQUAL(n.lcore, LCORE_ID_ANY, "a thread DPDK does not know");
	TEST_ASSERT(n.one == NULL, "no copy for LCORE_ID_ANY");
	TEST_ASSERT_EQUAL(n.bulk_hits, 0, "");
	TEST_ASSERT_EQUAL(mim_lookup_bulk(n.t, keys, 1, vals), 1, "");
	TEST_ASSERT(vals[0] == mim_lookup(n.t, &key), "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/* Set the tag of every lcore's copy of every index of table id. */
static int
tag_all(int id, uint64_t tag)
{
	struct pc_val *all = calloc(RTE_MAX_LCORE, sizeof(*all));
	unsigned int lcore;
	uint32_t key;
	int ret = 0;

	if (all == NULL)
		return -ENOMEM;
	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++)
		all[lcore].tag = tag;
	for (key = 0; key < NB_ENTRIES && ret == 0; key++)
		ret = mim_update_elem(id, &key, all, MIM_ANY);
	free(all);
	return ret;
}

/* Nested lookups through an array of per-lcore arrays; the template. */
static int
test_percpu_nested(void)
{
	uint32_t okey[4] = { 0, 1, 2, 0 }, ikey[4] = { 5, 5, 6, 7 };
	const void *ok[4], *ik[4];
	void *vals[4];
	uint64_t miss;
	int a, b, outer, other, i;

	for (i = 0; i < 4; i++) {
		ok[i] = &okey[i];
		ik[i] = &ikey[i];
	}
	a = mim_create(MIM_TYPE_PERCPU_ARRAY, "pc-a", 4, sizeof(struct pc_val),
		       NB_ENTRIES, NULL);
	b = mim_create(MIM_TYPE_PERCPU_ARRAY, "pc-b", 4, sizeof(struct pc_val),
		       NB_ENTRIES, NULL);
	TEST_ASSERT(a > 0 && b > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(tag_all(a, 1));
	TEST_ASSERT_OK(tag_all(b, 2));
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "pc-o", 4, a);
	TEST_ASSERT(outer > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(autotest_put(outer, 0, a));
	TEST_ASSERT_OK(autotest_put(outer, 1, b));

	/* The template: type and max_entries as ARRAY's checks. */
	other = mim_create(MIM_TYPE_ARRAY, NULL, 4, sizeof(struct pc_val),
			   NB_ENTRIES, NULL);
	TEST_ASSERT(other > 0, "");
	TEST_ASSERT_ERR(autotest_put(outer, 2, other), EINVAL, "type");
	TEST_ASSERT_OK(mim_close(other));
	other = mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 4,
			   sizeof(struct pc_val), NB_ENTRIES * 2, NULL);
	TEST_ASSERT(other > 0, "");
	TEST_ASSERT_ERR(autotest_put(outer, 2, other), EINVAL, "max_entries");
	TEST_ASSERT_OK(mim_close(other));

	TEST_ASSERT_EQUAL(mim_lookup_nested_bulk(mim_table(outer), ok, ik, 4,
						 vals, &miss), 3, "");
	TEST_ASSERT_EQUAL(miss, 1U << 2, "slot 2 is empty");
	TEST_ASSERT(vals[0] == mim_lookup(mim_table(a), &ikey[0]), "");
	TEST_ASSERT(vals[1] == mim_lookup(mim_table(b), &ikey[1]), "");
	TEST_ASSERT(vals[2] == NULL, "");
	TEST_ASSERT(vals[3] == mim_lookup(mim_table(a), &ikey[3]), "");
	TEST_ASSERT_EQUAL(((struct pc_val *)vals[0])->tag, 1, "");
	TEST_ASSERT_EQUAL(((struct pc_val *)vals[1])->tag, 2, "");
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(a));
	TEST_ASSERT_OK(mim_close(b));
	return TEST_SUCCESS;
}

struct swap_reader {
	struct rte_rcu_qsbr *v;
	const struct mim_table *outer;
	bool stop;
	uint64_t rounds, bad;
};

/*
 * A reader lcore: find the slot's table, count in its own copy. Each count
 * lands in table A or B (both stay alive: the test holds them), so the
 * counts of the two add up to the rounds.
 */
static int
swap_main(void *p)
{
	struct swap_reader *r = p;
	unsigned int self = rte_lcore_id();
	uint32_t slot = 0, key = 2;
	const void *ok[1] = { &slot }, *ik[1] = { &key };
	void *vals[1];

	autotest_reader_online(r->v, self);
	/* Pairs with the release store of stop by the main lcore. */
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE) ||
	       r->rounds < NB_BUMPS / 10) {
		struct pc_val *c;

		if (mim_lookup_nested_bulk(r->outer, ok, ik, 1, vals,
					   NULL) != 1) {
			r->bad++;
		} else {
			c = vals[0];
			r->bad += c->tag != 1 && c->tag != 2;
			c->count++;
		}
		r->rounds++;
		rte_rcu_qsbr_quiescent(r->v, self);
	}
	rte_rcu_qsbr_thread_offline(r->v, self);
	rte_rcu_qsbr_thread_unregister(r->v, self);
	return 0;
}

static int
test_percpu_replace_under_readers(void)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0), n;
	struct swap_reader r = { .v = autotest_qsbr(RTE_MAX_LCORE) };
	struct pc_val *all = calloc(RTE_MAX_LCORE, sizeof(*all));
	uint32_t key = 2;
	uint64_t counted = 0;
	int a, b, outer, ret = TEST_SUCCESS;

	TEST_ASSERT(r.v != NULL && all != NULL, "");
	if (worker >= RTE_MAX_LCORE) {
		free(all);
		printf("    needs a worker lcore (-l 0-1)\n");
		return TEST_SKIPPED;
	}
	a = mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 4, sizeof(*all),
		       NB_ENTRIES, NULL);
	b = mim_create(MIM_TYPE_PERCPU_ARRAY, NULL, 4, sizeof(*all),
		       NB_ENTRIES, NULL);
	TEST_ASSERT(a > 0 && b > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(tag_all(a, 1));
	TEST_ASSERT_OK(tag_all(b, 2));
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, NULL, 1, a);
	TEST_ASSERT(outer > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(autotest_put(outer, 0, a));
	r.outer = mim_table(outer);
	TEST_ASSERT_OK(rte_eal_remote_launch(swap_main, &r, worker));
	for (n = 0; n < 20000 && ret == TEST_SUCCESS; n++)
		if (autotest_put(outer, 0, n % 2 ? a : b) != 0)
			ret = TEST_FAILED;
	__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
	rte_eal_wait_lcore(worker);
	TEST_ASSERT_EQUAL(ret, TEST_SUCCESS, "%s", mim_last_error());
	TEST_ASSERT_EQUAL(r.bad, 0, "a miss or a foreign value");
	TEST_ASSERT_OK(mim_lookup_elem(a, &key, all));
	counted += all[worker].count;
	TEST_ASSERT_EQUAL(all[0].count, 0, "");
	TEST_ASSERT_OK(mim_lookup_elem(b, &key, all));
	counted += all[worker].count;
	free(all);
	TEST_ASSERT_EQUAL(counted, r.rounds, "every count in A or B");
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(a));
	TEST_ASSERT_OK(mim_close(b));
	return TEST_SUCCESS;
}

#ifdef MIM_FAULT_INJECTION
/* Each allocation point of the create path fails once: -ENOMEM, no trace. */
static int
test_percpu_fault_create(void)
{
	struct autotest_snap before, after;
	uint64_t n, points = 0;
	int id;

	for (n = 1; ; n++) {
		autotest_snapshot(&before);
		mim_fault_arm(n);
		id = mim_create(MIM_TYPE_PERCPU_ARRAY, "pc-fault", 4, 24, 100,
				NULL);
		points = mim_fault_points();
		mim_fault_arm(0);
		if (points < n)
			break;
		TEST_ASSERT_EQUAL(id, -ENOMEM, "fault %" PRIu64 ": %s", n,
				  mim_last_error());
		autotest_snapshot(&after);
		TEST_ASSERT(!autotest_snap_diff(&before, &after),
			    "fault %" PRIu64 " changed the state", n);
	}
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	TEST_ASSERT(n - 1 >= 2, "the table and its copies: %" PRIu64 " points",
		    n - 1);
	printf("    create percpu_array: %" PRIu64 " allocation points, each failed once\n",
	       n - 1);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}
#else
static int
test_percpu_fault_create(void)
{
	printf("    needs -Dfault_injection=true\n");
	return TEST_SKIPPED;
}
#endif

static const struct autotest_case percpu_cases[] = {
	TEST_CASE(test_percpu_create),
	TEST_CASE(test_percpu_elem),
	TEST_CASE(test_percpu_own_copy),
	TEST_CASE(test_percpu_non_eal),
	TEST_CASE(test_percpu_nested),
	TEST_CASE(test_percpu_replace_under_readers),
	TEST_CASE(test_percpu_fault_create),
	TEST_CASES_END(),
};

static struct autotest_suite percpu_suite = {
	.name = "percpu",
	.help = "per-lcore arrays: own copies, all copies on the control plane, nesting",
	.cases = percpu_cases,
};

REGISTER_AUTOTEST(percpu_suite);
