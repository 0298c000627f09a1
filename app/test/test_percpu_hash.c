/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Per-lcore hash tables (MIM_TYPE_PERCPU_HASH): the kernel's creation
 * checks and update errno; the control plane reads and writes every
 * lcore's copy of a key's value, each rounded up to 8 bytes; the data path
 * finds the calling lcore's copy (none for a thread without an lcore ID),
 * so two lcores count without atomics and the sums come out exact; a
 * replaced value is a new object; the tables nest in a hash of tables;
 * a failed allocation leaves nothing behind.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include <mim.h>
#include <mim_datapath.h>
#include "mim_fault.h"

#include "autotest.h"
#include "autotest_util.h"

struct pch_val {
	uint64_t tag;
	uint64_t count;
};

#define NB_BUMPS 1000000
#define NB_KEYS 16

static size_t
buf_size(uint32_t vs)
{
	return (size_t)mim_percpu_nb_copies() * RTE_ALIGN_CEIL(vs, 8);
}

static int
test_pch_create(void)
{
	MIM_OPTS(mim_create_opts, numa, .map_flags = MIM_F_NUMA_NODE,
		 .socket_id = 0);
	MIM_OPTS(mim_create_opts, lru, .map_flags = MIM_F_NO_COMMON_LRU);
	MIM_OPTS(mim_create_opts, inner, .map_flags = MIM_F_INNER_MAP);
	MIM_OPTS(mim_create_opts, noprealloc, .map_flags = MIM_F_NO_PREALLOC);
	struct mim_table_info info;
	int id;

	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_HASH, NULL, 4, 8, 0, NULL),
			EINVAL, "max_entries is 0");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_HASH, NULL, 0, 8, 4, NULL),
			EINVAL, "key_size is 0");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_HASH, NULL, 4, 0, 4, NULL),
			EINVAL, "value_size is 0");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_HASH, NULL, 4, 8, 4, &numa),
			EINVAL, "MIM_F_NUMA_NODE with per-lcore values");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_HASH, NULL, 4, 8, 4, &lru),
			EINVAL, "not supported by percpu_hash");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_HASH, NULL, 4, 8, 4,
				   &inner), EINVAL, "not supported");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_HASH, NULL, 4, 32769, 1,
				   NULL), E2BIG, "largest per-lcore value");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_PERCPU_HASH, NULL, 513, 8, 1,
				   NULL), E2BIG, "key_size 513");
	id = mim_create(MIM_TYPE_PERCPU_HASH, NULL, 4, 8, 4, &noprealloc);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(mim_close(id));

	id = mim_create(MIM_TYPE_PERCPU_HASH, "pch", 4, 12, NB_KEYS, NULL);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.type, MIM_TYPE_PERCPU_HASH, "");
	TEST_ASSERT_EQUAL(info.value_size, 12, "the size of one copy");
	TEST_ASSERT_EQUAL(info.nb_entries, 0, "");
	TEST_ASSERT(strcmp(mim_type_name(MIM_TYPE_PERCPU_HASH),
			   "percpu_hash") == 0, "");
	/* Every key's object: a cache line per lcore, preallocated. */
	TEST_ASSERT(info.mem_bytes >= (uint64_t)NB_KEYS * RTE_MAX_LCORE *
		    RTE_CACHE_LINE_SIZE, "mem_bytes %" PRIu64, info.mem_bytes);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/* Fill buf with the pattern of seed, copy i's bytes differing by lcore. */
static void
fill(uint8_t *buf, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (uint8_t)(i * 7 + seed);
}

static int
pch_elem(uint32_t key_size, uint64_t flags)
{
	MIM_OPTS(mim_create_opts, o, .map_flags = flags);
	size_t n = buf_size(12);
	uint8_t *in = malloc(n), *out = malloc(n);
	uint8_t key[32] = { 3 }, k2[32] = { 4 }, next[32];
	uint32_t i;
	void *v1, *v2;
	int id;

	TEST_ASSERT(in != NULL && out != NULL, "");
	id = mim_create(MIM_TYPE_PERCPU_HASH, NULL, key_size, 12, 2, &o);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	fill(in, n, 1);
	TEST_ASSERT_ERR(mim_lookup_elem(id, key, out), ENOENT, "");
	TEST_ASSERT_ERR(mim_update_elem(id, key, in, MIM_EXIST), ENOENT,
			"no such key");
	TEST_ASSERT_OK(mim_update_elem(id, key, in, MIM_NOEXIST));
	TEST_ASSERT_OK(mim_lookup_elem(id, key, out));
	TEST_ASSERT(memcmp(in, out, n) == 0, "every copy, padding included");
	/* The data path: lcore 0's copy is copy 0 of the buffer. */
	v1 = mim_lookup(mim_table(id), key);
	TEST_ASSERT(v1 != NULL && rte_lcore_id() == 0 &&
		    memcmp(v1, in, 12) == 0, "");
	TEST_ASSERT_ERR(mim_update_elem(id, key, in, MIM_NOEXIST), EEXIST,
			"key exists");
	TEST_ASSERT_ERR(mim_update_elem(id, key, in, 3), EINVAL,
			"unknown update flags");
	/* A replaced value is a new object; the old one waits for readers. */
	fill(in, n, 9);
	TEST_ASSERT_OK(mim_update_elem(id, key, in, MIM_EXIST));
	v2 = mim_lookup(mim_table(id), key);
	TEST_ASSERT(v2 != NULL && v2 != v1 && memcmp(v2, in, 12) == 0, "");
	TEST_ASSERT_OK(mim_lookup_elem(id, key, out));
	TEST_ASSERT(memcmp(in, out, n) == 0, "");
	TEST_ASSERT_OK(mim_update_elem(id, k2, in, MIM_ANY));
	for (i = 10; i < 12; i++) {
		key[1] = (uint8_t)i;
		TEST_ASSERT_ERR(mim_update_elem(id, key, in, MIM_ANY), E2BIG,
				"table is full");
	}
	key[1] = 0;
	/* get_next_key: both keys, then ENOENT; an absent key starts over. */
	TEST_ASSERT_OK(mim_get_next_key(id, NULL, next));
	TEST_ASSERT_OK(mim_get_next_key(id, next, next));
	TEST_ASSERT_ERR(mim_get_next_key(id, next, next), ENOENT, "");
	key[0] = 99;
	TEST_ASSERT_OK(mim_get_next_key(id, key, next));
	TEST_ASSERT_ERR(mim_delete_elem(id, key), ENOENT, "no such key");
	key[0] = 3;
	TEST_ASSERT_OK(mim_delete_elem(id, key));
	TEST_ASSERT(mim_lookup(mim_table(id), key) == NULL, "");
	/* The sized calls take the whole buffer, not one copy. */
	TEST_ASSERT_ERR(mim_lookup_elem_sz(id, k2, key_size, out, 12), EINVAL,
			"value buffer size");
	TEST_ASSERT_OK(mim_lookup_elem_sz(id, k2, key_size, out, n));
	TEST_ASSERT_OK(mim_close(id));
	free(in);
	free(out);
	return TEST_SUCCESS;
}

static int
test_pch_elem(void)
{
	TEST_ASSERT_OK(pch_elem(4, 0));
	TEST_ASSERT_OK(pch_elem(20, 0));
	TEST_ASSERT_OK(pch_elem(4, MIM_F_NO_PREALLOC));
	return pch_elem(20, MIM_F_NO_PREALLOC);
}

struct bump {
	const struct mim_table *t;
	uintptr_t first;   /* the worker's copy of key 0 */
};

/* Count NB_BUMPS packets in the calling lcore's copies, without atomics. */
static void
bump_own(const struct mim_table *t)
{
	uint32_t key = 0;
	unsigned int i;

	for (i = 0; i < NB_BUMPS; i++) {
		const void *keys[1] = { &key };
		struct pch_val *c;
		void *v[1];

		if (i % 2) {
			c = mim_lookup(t, &key);
		} else {
			mim_lookup_bulk(t, keys, 1, v);
			c = v[0];
		}
		c->count++;
		key = (key + 1) % NB_KEYS;
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
test_pch_own_copy(void)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0), lcore;
	struct pch_val *all = calloc(RTE_MAX_LCORE, sizeof(*all));
	struct bump b = { .t = NULL };
	uint32_t key;
	uintptr_t mine;
	int id;

	TEST_ASSERT(all != NULL, "");
	if (worker >= RTE_MAX_LCORE) {
		free(all);
		printf("    needs a worker lcore (-l 0-1)\n");
		return TEST_SKIPPED;
	}
	id = mim_create(MIM_TYPE_PERCPU_HASH, NULL, 4, sizeof(*all), NB_KEYS,
			NULL);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	for (key = 0; key < NB_KEYS; key++)
		TEST_ASSERT_OK(mim_update_elem(id, &key, all, MIM_NOEXIST));
	b.t = mim_table(id);
	TEST_ASSERT_OK(rte_eal_remote_launch(bump_main, &b, worker));
	bump_own(b.t);
	rte_eal_wait_lcore(worker);
	key = 0;
	mine = (uintptr_t)mim_lookup(b.t, &key);
	TEST_ASSERT(b.first != 0, "the worker lcore has its copy");
	TEST_ASSERT(b.first / RTE_CACHE_LINE_SIZE !=
		    (mine + sizeof(*all) - 1) / RTE_CACHE_LINE_SIZE &&
		    mine / RTE_CACHE_LINE_SIZE !=
		    (b.first + sizeof(*all) - 1) / RTE_CACHE_LINE_SIZE,
		    "lcore %u's copy at %#" PRIxPTR ", lcore 0's at %#" PRIxPTR,
		    worker, b.first, mine);
	for (key = 0; key < NB_KEYS; key++) {
		TEST_ASSERT_OK(mim_lookup_elem(id, &key, all));
		for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++) {
			uint64_t want = lcore == 0 || lcore == worker ?
				NB_BUMPS / NB_KEYS : 0;

			if (all[lcore].count != want) {
				printf("    FAIL: key %u lcore %u counted %" PRIu64
				       ", not %" PRIu64 "\n", key, lcore,
				       all[lcore].count, want);
				free(all);
				mim_close(id);
				return TEST_FAILED;
			}
		}
	}
	free(all);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

struct noeal {
	const struct mim_table *t;
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

	n->one = mim_lookup(n->t, &key);
	n->bulk_hits = mim_lookup_bulk(n->t, keys, 1, vals);
	return NULL;
}

/* A thread without an lcore ID has no copy: it misses, as documented. */
static int
test_pch_non_eal(void)
{
	struct noeal n = { .one = &n, .bulk_hits = 1 };
	uint8_t *buf = calloc(1, buf_size(8));
	uint32_t key = 1;
	pthread_t th;
	int id;

	TEST_ASSERT(buf != NULL, "");
	id = mim_create(MIM_TYPE_PERCPU_HASH, NULL, 4, 8, 4, NULL);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(mim_update_elem(id, &key, buf, MIM_ANY));
	free(buf);
	n.t = mim_table(id);
	TEST_ASSERT_EQUAL(pthread_create(&th, NULL, noeal_main, &n), 0, "");
	pthread_join(th, NULL);
	TEST_ASSERT(n.one == NULL, "no copy for LCORE_ID_ANY");
	TEST_ASSERT_EQUAL(n.bulk_hits, 0, "");
	TEST_ASSERT(mim_lookup(n.t, &key) != NULL, "lcore 0 has its copy");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/* A table of keys 0..NB_KEYS-1, every copy tagged. */
static int
tagged(const char *name, uint64_t tag)
{
	struct pch_val *all = calloc(RTE_MAX_LCORE, sizeof(*all));
	unsigned int lcore;
	uint32_t key;
	int id = mim_create(MIM_TYPE_PERCPU_HASH, name, 4, sizeof(*all),
			    NB_KEYS, NULL);

	for (lcore = 0; all != NULL && lcore < RTE_MAX_LCORE; lcore++)
		all[lcore].tag = tag;
	for (key = 0; all != NULL && id > 0 && key < NB_KEYS; key++)
		if (mim_update_elem(id, &key, all, MIM_ANY) != 0)
			id = -EIO;
	free(all);
	return id;
}

/* Nested lookups through a hash of per-lcore hashes; the template. */
static int
test_pch_nested(void)
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
	a = tagged("pch-a", 1);
	b = tagged("pch-b", 2);
	TEST_ASSERT(a > 0 && b > 0, "%s", mim_last_error());
	outer = autotest_outer(MIM_TYPE_HASH_OF_TABLES, "pch-o", 4, a);
	TEST_ASSERT(outer > 0, "%s", mim_last_error());
	TEST_ASSERT_OK(autotest_put(outer, 0, a));
	TEST_ASSERT_OK(autotest_put(outer, 1, b));
	other = mim_create(MIM_TYPE_HASH, NULL, 4, sizeof(struct pch_val),
			   NB_KEYS, NULL);
	TEST_ASSERT(other > 0, "");
	TEST_ASSERT_ERR(autotest_put(outer, 2, other), EINVAL, "type");
	TEST_ASSERT_OK(mim_close(other));
	other = mim_create(MIM_TYPE_PERCPU_HASH, NULL, 4, 8, NB_KEYS, NULL);
	TEST_ASSERT(other > 0, "");
	TEST_ASSERT_ERR(autotest_put(outer, 2, other), EINVAL, "value_size");
	TEST_ASSERT_OK(mim_close(other));

	TEST_ASSERT_EQUAL(mim_lookup_nested_bulk(mim_table(outer), ok, ik, 4,
						 vals, &miss), 3, "");
	TEST_ASSERT_EQUAL(miss, 1U << 2, "slot 2 is empty");
	TEST_ASSERT(vals[0] == mim_lookup(mim_table(a), &ikey[0]), "");
	TEST_ASSERT(vals[1] == mim_lookup(mim_table(b), &ikey[1]), "");
	TEST_ASSERT(vals[3] == mim_lookup(mim_table(a), &ikey[3]), "");
	TEST_ASSERT_EQUAL(((struct pch_val *)vals[0])->tag, 1, "");
	TEST_ASSERT_EQUAL(((struct pch_val *)vals[1])->tag, 2, "");
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(a));
	TEST_ASSERT_OK(mim_close(b));
	return TEST_SUCCESS;
}

#ifdef MIM_FAULT_INJECTION
/* Each allocation point of create, then of an insert, fails once. */
static int
test_pch_fault(void)
{
	MIM_OPTS(mim_create_opts, np, .map_flags = MIM_F_NO_PREALLOC);
	uint8_t *buf = calloc(1, buf_size(24));
	struct autotest_snap before, after;
	uint64_t n, points = 0;
	uint32_t key = 7;
	int id, ret;

	TEST_ASSERT(buf != NULL, "");
	for (n = 1; ; n++) {
		autotest_snapshot(&before);
		mim_fault_arm(n);
		id = mim_create(MIM_TYPE_PERCPU_HASH, "pch-fault", 4, 24, 100,
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
	TEST_ASSERT(id > 0 && n - 1 >= 3, "%" PRIu64 " points", n - 1);
	TEST_ASSERT_OK(mim_close(id));
	/* Not preallocated: an insert takes its object from a pool. */
	id = mim_create(MIM_TYPE_PERCPU_HASH, NULL, 4, 24, 100, &np);
	TEST_ASSERT(id > 0, "%s", mim_last_error());
	for (n = 1; ; n++) {
		mim_fault_arm(n);
		ret = mim_update_elem(id, &key, buf, MIM_ANY);
		points = mim_fault_points();
		mim_fault_arm(0);
		if (points < n)
			break;
		TEST_ASSERT_EQUAL(ret, -ENOMEM, "fault %" PRIu64 ": %s", n,
				  mim_last_error());
		TEST_ASSERT_ERR(mim_lookup_elem(id, &key, buf), ENOENT, "");
	}
	TEST_ASSERT_OK(ret);
	TEST_ASSERT(n - 1 >= 1, "an insert allocates");
	free(buf);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}
#else
static int
test_pch_fault(void)
{
	printf("    needs -Dfault_injection=true\n");
	return TEST_SKIPPED;
}
#endif

static const struct autotest_case pch_cases[] = {
	TEST_CASE(test_pch_create),
	TEST_CASE(test_pch_elem),
	TEST_CASE(test_pch_own_copy),
	TEST_CASE(test_pch_non_eal),
	TEST_CASE(test_pch_nested),
	TEST_CASE(test_pch_fault),
	TEST_CASES_END(),
};

static struct autotest_suite pch_suite = {
	.name = "percpu_hash",
	.help = "per-lcore hash tables: own copies, all copies on the control plane, nesting",
	.cases = pch_cases,
};

REGISTER_AUTOTEST(pch_suite);
