/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Stress: every worker lcore looks up without locks (single, bulk and
 * two-level bulk, through an array outer table, a hash outer table and a
 * third outer table that is created and destroyed over and over) and
 * reports a quiescent state after each burst, while the main lcore
 *   (a) replaces tenants' inner tables in the outer slots,
 *   (b) updates, deletes and re-adds values in inner hash tables,
 *   (c) creates and destroys whole outer tables,
 *   (d) puts one inner table into many slots and takes it out again.
 * Every value encodes its tenant, key, generation and a checksum: a reader
 * detects a torn value, another tenant's value, or memory that was
 * released (poison builds fill it with 0x6b, which fails the checksum).
 *
 * The run lasts MIM_STRESS_SECONDS (default 20) and at least until 2,000
 * tables were replaced and the readers checked 10^6 values; it ends
 * on counts, never on a timing assertion.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>
#include "mim_private.h"
#include "mim_fault.h"

#include "autotest.h"
#include "autotest_util.h"

#define TENANTS 16
#define SLOTS 32            /* slots TENANTS.. stay empty: unknown tenants */
#define KEYS 64
#define SHARED 0xffffU      /* tenant of the table shared by many slots */
#define BURST 32
#define MIN_REPLACED 2000
#define MIN_CHECKED 1000000

struct value {
	uint32_t tenant;
	uint32_t key;
	uint32_t gen;
	uint32_t csum;
};

static uint32_t
csum(uint32_t tenant, uint32_t key, uint32_t gen)
{
	uint64_t h = (uint64_t)tenant << 40 ^ (uint64_t)key << 20 ^ gen;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return (uint32_t)(h ^ h >> 33);
}

static struct value
mkval(uint32_t tenant, uint32_t key, uint32_t gen)
{
	struct value v = { tenant, key, gen, csum(tenant, key, gen) };

	return v;
}

/* Shared between the main lcore and the readers. */
static struct {
	const struct mim_table *outer[3];   /* [2] changes: acquire/release */
	struct rte_rcu_qsbr *v;
	volatile bool stop;
} g;

struct reader_stats {
	uint64_t checked;        /* values found and verified */
	uint64_t misses;         /* absent keys, empty slots */
	uint64_t bad;
	struct value first_bad;
	uint32_t bad_tenant, bad_key;
} __rte_cache_aligned;

static struct reader_stats rstats[RTE_MAX_LCORE];

static void
check(struct reader_stats *s, const struct value *v, uint32_t tenant,
      uint32_t key)
{
	if (v == NULL) {
		s->misses++;
		return;
	}
	if (v->csum == csum(v->tenant, v->key, v->gen) && v->key == key &&
	    (v->tenant == tenant || v->tenant == SHARED)) {
		s->checked++;
		return;
	}
	if (s->bad++ == 0) {
		s->first_bad = *v;
		s->bad_tenant = tenant;
		s->bad_key = key;
	}
}

static uint64_t
xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static int
reader_main(void *arg)
{
	unsigned int self = rte_lcore_id(), i;
	struct reader_stats local = { 0 }, *s = &local;
	uint64_t rng = 0x9e3779b97f4a7c15ULL ^ self;
	uint32_t tn[BURST], key[BURST];
	const void *ok[BURST], *ik[BURST];
	void *val[BURST];

	RTE_SET_USED(arg);
	for (i = 0; i < BURST; i++) {
		ok[i] = &tn[i];
		ik[i] = &key[i];
	}
	rte_rcu_qsbr_thread_register(g.v, self);
	rte_rcu_qsbr_thread_online(g.v, self);
	while (!g.stop) {
		uint64_t r = xorshift(&rng);
		unsigned int which = r % 3, mode = (r >> 8) % 3;
		/* Pairs with the release store that publishes outer[2]. */
		const struct mim_table *o =
			__atomic_load_n(&g.outer[which], __ATOMIC_ACQUIRE);
		const struct mim_table *in;

		for (i = 0; i < BURST; i++) {
			uint64_t x = xorshift(&rng);

			tn[i] = mode == 2 ? x % SLOTS : (uint32_t)(r >> 16) % SLOTS;
			key[i] = (x >> 16) % (KEYS + 4);   /* a few absent keys */
		}
		switch (mode) {
		case 0:         /* single lookups, both levels */
			for (i = 0; i < BURST; i++) {
				in = mim_lookup(o, &tn[i]);
				check(s, in ? mim_lookup(in, &key[i]) : NULL,
				      tn[i], key[i]);
			}
			break;
		case 1:         /* one tenant, bulk in its table */
			in = mim_lookup(o, &tn[0]);
			if (in == NULL) {
				s->misses += BURST;
				break;
			}
			mim_lookup_bulk(in, ik, BURST, val);
			for (i = 0; i < BURST; i++)
				check(s, val[i], tn[0], key[i]);
			break;
		default:        /* mixed tenants, two-level bulk */
			mim_lookup_nested_bulk(o, ok, ik, BURST, val, NULL);
			for (i = 0; i < BURST; i++)
				check(s, val[i], tn[i], key[i]);
			break;
		}
		/* No table or value pointer is held past this point. */
		rte_rcu_qsbr_quiescent(g.v, self);
		/* Progress for the main lcore, which reads it relaxed. */
		__atomic_store_n(&rstats[self].checked, local.checked,
				 __ATOMIC_RELAXED);
	}
	rte_rcu_qsbr_thread_offline(g.v, self);
	rte_rcu_qsbr_thread_unregister(g.v, self);
	rstats[self] = local;    /* read after rte_eal_mp_wait_lcore() */
	return 0;
}

/* ---- the main lcore ------------------------------------------------------- */

struct writer {
	int outer[3];            /* array of tables, hash of tables, churned */
	int cur[TENANTS];        /* each tenant's table (held by its slots) */
	int shared;              /* the shared table; a handle is kept */
	uint32_t gen;
	uint64_t rng;
	/* what was done */
	uint64_t replaced, updates, deletes, outers, shared_puts;
	uint32_t max_pending;
};

/* A fresh table for tenant, every key present. */
static int
new_table(struct writer *w, uint32_t tenant)
{
	int id = mim_create(MIM_TYPE_HASH, NULL, 4, sizeof(struct value),
			    KEYS, NULL);
	uint32_t k;

	if (id < 0)
		return id;
	w->gen++;
	for (k = 0; k < KEYS; k++) {
		struct value v = mkval(tenant, k, w->gen);
		int ret = mim_update_elem(id, &k, &v, MIM_NOEXIST);

		if (ret != 0)
			return ret;
	}
	return id;
}

/* (a): a tenant gets a new table in both long-lived outer tables. */
static int
replace_tenant(struct writer *w, uint32_t t)
{
	int id = new_table(w, t);

	if (id < 0 || autotest_put(w->outer[0], t, id) != 0 ||
	    autotest_put(w->outer[1], t, id) != 0 || mim_close(id) != 0)
		return TEST_FAILED;
	w->cur[t] = id;
	w->replaced++;
	return TEST_SUCCESS;
}

/* (b): values change under readers: overwritten, or deleted and re-added. */
static int
churn_values(struct writer *w, uint32_t t)
{
	uint32_t k = (uint32_t)(xorshift(&w->rng) % KEYS);
	struct value v;

	w->gen++;
	v = mkval(t, k, w->gen);
	if (xorshift(&w->rng) % 4 == 0) {
		if (mim_delete_elem(w->cur[t], &k) != 0)
			return TEST_FAILED;
		w->deletes++;
	}
	if (mim_update_elem(w->cur[t], &k, &v, MIM_ANY) != 0)
		return TEST_FAILED;
	w->updates++;
	return TEST_SUCCESS;
}

/* (c): a whole outer table is built, published, and the old one closed. */
static int
churn_outer(struct writer *w)
{
	MIM_OPTS(mim_create_opts, o, .inner_id = (uint32_t)w->shared);
	int id = mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4, SLOTS, &o);
	uint32_t t;

	if (id < 0)
		return TEST_FAILED;
	for (t = 0; t < TENANTS; t++)
		if (autotest_put(id, t, w->cur[t]) != 0)
			return TEST_FAILED;
	/* Readers find it from the next burst on: pairs with the
	 * acquire load in reader_main().
	 */
	__atomic_store_n(&g.outer[2], mim_table(id), __ATOMIC_RELEASE);
	if (w->outer[2] > 0 && mim_close(w->outer[2]) != 0)
		return TEST_FAILED;
	w->outer[2] = id;
	w->outers++;
	return TEST_SUCCESS;
}

/* (d): the shared table goes into several tenants' slots; they get
 * tables of their own back with their next replacement.
 */
static int
share(struct writer *w)
{
	unsigned int i, n = 1 + xorshift(&w->rng) % 4;

	for (i = 0; i < n; i++) {
		uint32_t t = (uint32_t)(xorshift(&w->rng) % TENANTS);

		if (autotest_put(w->outer[0], t, w->shared) != 0 ||
		    autotest_put(w->outer[1], t, w->shared) != 0)
			return TEST_FAILED;
		w->cur[t] = w->shared;
		w->shared_puts++;
	}
	return TEST_SUCCESS;
}

static int
writer_step(struct writer *w)
{
	uint64_t r = xorshift(&w->rng);
	uint32_t t = (uint32_t)((r >> 8) % TENANTS);
	struct mim_rcu_stats rs;

	mim_rcu_get_stats(&rs);
	w->max_pending = RTE_MAX(w->max_pending, rs.pending);
	switch (r % 16) {
	case 0:
		return churn_outer(w);
	case 1:
		return share(w);
	case 2: case 3: case 4: case 5: case 6: case 7:
		return replace_tenant(w, t);
	default:
		/* The shared table's values are its own: leave them. */
		return w->cur[t] == w->shared ? TEST_SUCCESS :
			churn_values(w, t);
	}
}

static int
setup_tables(struct writer *w)
{
	MIM_OPTS(mim_create_opts, o);
	uint32_t t;

	w->shared = new_table(w, SHARED);
	TEST_ASSERT_OK(w->shared);
	o.inner_id = (uint32_t)w->shared;    /* the template */
	w->outer[0] = mim_create(MIM_TYPE_ARRAY_OF_TABLES, "stress-aot", 4, 4,
				 SLOTS, &o);
	w->outer[1] = mim_create(MIM_TYPE_HASH_OF_TABLES, "stress-hot", 4, 4,
				 SLOTS, &o);
	TEST_ASSERT_OK(w->outer[0]);
	TEST_ASSERT_OK(w->outer[1]);
	for (t = 0; t < TENANTS; t++)
		TEST_ASSERT_EQUAL(replace_tenant(w, t), TEST_SUCCESS, "%s",
				  mim_last_error());
	TEST_ASSERT_EQUAL(churn_outer(w), TEST_SUCCESS, "");
	g.outer[0] = mim_table(w->outer[0]);
	g.outer[1] = mim_table(w->outer[1]);
	return TEST_SUCCESS;
}

static int
test_stress(void)
{
	const char *env = getenv("MIM_STRESS_SECONDS");
	uint64_t seconds = env != NULL ? strtoull(env, NULL, 0) : 20;
	uint64_t heap0 = mim_heap_allocated(), end, checked = 0, bad = 0;
	struct writer w = { .rng = rte_rdtsc() | 1 };
	struct mim_rcu_stats rs;
	unsigned int lcore, readers = 0;
	int ret = TEST_SUCCESS;

	if (rte_lcore_count() < 2) {
		printf("    needs worker lcores (-l 0-1 or more)\n");
		return TEST_SKIPPED;
	}
	printf("    seed %" PRIu64 ", %" PRIu64 " s\n", w.rng, seconds);
	g.v = autotest_qsbr(RTE_MAX_LCORE);
	TEST_ASSERT(g.v != NULL, "");
	g.stop = false;
	memset(rstats, 0, sizeof(rstats));
	TEST_ASSERT_EQUAL(setup_tables(&w), TEST_SUCCESS, "");
	RTE_LCORE_FOREACH_WORKER(lcore) {
		rte_eal_remote_launch(reader_main, NULL, lcore);
		readers++;
	}

	end = rte_get_timer_cycles() + seconds * rte_get_timer_hz();
	for (;;) {
		if (writer_step(&w) != TEST_SUCCESS) {
			printf("    writer: %s\n", mim_last_error());
			ret = TEST_FAILED;
			break;
		}
		checked = 0;
		RTE_LCORE_FOREACH_WORKER(lcore)
			checked += __atomic_load_n(&rstats[lcore].checked,
						   __ATOMIC_RELAXED);
		if (rte_get_timer_cycles() >= end && w.replaced >= MIN_REPLACED &&
		    checked >= MIN_CHECKED)
			break;
	}
	g.stop = true;
	rte_eal_mp_wait_lcore();

	checked = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct reader_stats *s = &rstats[lcore];

		checked += s->checked;
		bad += s->bad;
		if (s->bad != 0)
			printf("    lcore %u: %" PRIu64 " bad values; first: slot %u key %u gave tenant %u key %u gen %u csum %08x\n",
			       lcore, s->bad, s->bad_tenant, s->bad_key,
			       s->first_bad.tenant, s->first_bad.key,
			       s->first_bad.gen, s->first_bad.csum);
	}
	mim_rcu_get_stats(&rs);
	printf("    %u readers: %" PRIu64 " values checked, %" PRIu64 " bad\n",
	       readers, checked, bad);
	printf("    writer: %" PRIu64 " tables replaced, %" PRIu64 " value updates (%" PRIu64
	       " after a delete), %" PRIu64 " outer tables rebuilt, %" PRIu64 " shared puts\n",
	       w.replaced, w.updates, w.deletes, w.outers, w.shared_puts);
	printf("    releases: %" PRIu64 " done, at most %u pending at once\n",
	       rs.nb_released, w.max_pending);

	TEST_ASSERT_OK(mim_close(w.outer[0]));
	TEST_ASSERT_OK(mim_close(w.outer[1]));
	TEST_ASSERT_OK(mim_close(w.outer[2]));
	TEST_ASSERT_OK(mim_close(w.shared));
	autotest_qsbr_release_all();
	printf("    DPDK heap: %" PRIu64 " bytes before, %" PRIu64 " after\n",
	       heap0, mim_heap_allocated());
	TEST_ASSERT_EQUAL(ret, TEST_SUCCESS, "");
	TEST_ASSERT_EQUAL(bad, 0, "readers saw torn, foreign or released values");
	return TEST_SUCCESS;
}

/*
 * Keys moving between buckets (cuckoo insertion into a table kept full)
 * while a reader looks up keys that never leave: it must find every one,
 * every time, with its value. Ends on counts: 100,000 churn operations and
 * at least 100 keys moved.
 */
struct moves_arg {
	const struct mim_table *t;
	uint32_t key_size;
	volatile bool stop;
	uint64_t checked;
	uint64_t bad;
};

#define STABLE 64

static void
stable_key(uint8_t *key, uint32_t key_size, uint32_t i)
{
	memset(key, 0x5a, key_size);
	memcpy(key, &i, sizeof(i));
}

static int
moves_reader(void *p)
{
	struct moves_arg *a = p;
	unsigned int self = rte_lcore_id(), i;
	uint8_t keys[STABLE][16];
	const void *kp[32];
	void *v[32];

	for (i = 0; i < STABLE; i++)
		stable_key(keys[i], a->key_size, i);
	rte_rcu_qsbr_thread_register(g.v, self);
	rte_rcu_qsbr_thread_online(g.v, self);
	while (!a->stop) {
		for (i = 0; i < STABLE; i++) {
			const uint64_t *x = mim_lookup(a->t, keys[i]);

			if (x == NULL || *x != i * 3 + 1)
				a->bad++;
		}
		for (i = 0; i < 32; i++)
			kp[i] = keys[(i * 7) % STABLE];
		mim_lookup_bulk(a->t, kp, 32, v);
		for (i = 0; i < 32; i++)
			if (v[i] == NULL ||
			    *(uint64_t *)v[i] != ((i * 7) % STABLE) * 3 + 1)
				a->bad++;
		a->checked += STABLE + 32;
		rte_rcu_qsbr_quiescent(g.v, self);
	}
	rte_rcu_qsbr_thread_offline(g.v, self);
	rte_rcu_qsbr_thread_unregister(g.v, self);
	return 0;
}

static int
run_moves(uint32_t key_size)
{
	const uint32_t max = 256;
	struct moves_arg a = { .key_size = key_size };
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	uint32_t live[256], nlive = 0, next = 1000, i, ops;
	uint64_t rng = 0x1234567 + key_size, moves;
	uint8_t key[16];
	int id, ret = 0;

	id = mim_create(MIM_TYPE_HASH, NULL, key_size, 8, max, NULL);
	TEST_ASSERT_OK(id);
	a.t = mim_table(id);
	for (i = 0; i < STABLE; i++) {
		uint64_t val = i * 3 + 1;

		stable_key(key, key_size, i);
		TEST_ASSERT_OK(mim_update_elem(id, key, &val, MIM_NOEXIST));
	}
	rte_eal_remote_launch(moves_reader, &a, worker);
	for (ops = 0; ops < 100000 ||
	     mim_hash_nb_moves(mim_obj_of(mim_table(id))) < 100; ops++) {
		uint64_t val = 7;

		if (nlive + STABLE < max) {
			stable_key(key, key_size, next);
			live[nlive++] = next++;
		} else {
			uint32_t j = (uint32_t)(xorshift(&rng) % nlive);

			stable_key(key, key_size, live[j]);
			if (mim_delete_elem(id, key) != 0)
				break;
			stable_key(key, key_size, next);
			live[j] = next++;
		}
		/* A writer faster than the reader runs out of slots whose
		 * release waits for it (-EBUSY): let the reader go on.
		 */
		for (i = 0; i < 1000000; i++) {
			ret = mim_update_elem(id, key, &val, MIM_NOEXIST);
			if (ret != -EBUSY)
				break;
			rte_pause();
		}
		if (ret != 0 || ops > 1000000)
			break;
	}
	a.stop = true;
	rte_eal_wait_lcore(worker);
	moves = mim_hash_nb_moves(mim_obj_of(mim_table(id)));
	printf("    %u-byte keys: %u churn operations, %" PRIu64 " keys moved, %" PRIu64
	       " lookups of keys that never left, %" PRIu64 " missed\n",
	       key_size, ops, moves, a.checked, a.bad);
	TEST_ASSERT(ops >= 100000, "churn stopped at %u: %s", ops,
		    mim_last_error());
	TEST_ASSERT(moves >= 100, "");
	TEST_ASSERT_EQUAL(a.bad, 0, "a present key was not found");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_hash_moves(void)
{
	if (rte_lcore_count() < 2) {
		printf("    needs a worker lcore (-l 0-1)\n");
		return TEST_SKIPPED;
	}
	g.v = autotest_qsbr(RTE_MAX_LCORE);
	TEST_ASSERT(g.v != NULL, "");
	TEST_ASSERT_EQUAL(run_moves(8), TEST_SUCCESS, "");
	TEST_ASSERT_EQUAL(run_moves(16), TEST_SUCCESS, "");
#ifdef MIM_FAULT_INJECTION
	/* A writer stalled in the middle of its key moves, as if preempted:
	 * whole lookups then happen while one path is half done.
	 */
	mim_fault_set_stall(rte_get_tsc_hz() / 200000);     /* 5 us */
	printf("    the writer stalls 5 us at every step of a key move:\n");
	TEST_ASSERT_EQUAL(run_moves(8), TEST_SUCCESS, "");
	TEST_ASSERT_EQUAL(run_moves(16), TEST_SUCCESS, "");
	mim_fault_set_stall(0);
#endif
	return TEST_SUCCESS;
}

static const struct autotest_case stress_cases[] = {
	TEST_CASE(test_hash_moves),
	TEST_CASE(test_stress),
	TEST_CASES_END(),
};

static struct autotest_suite stress_suite = {
	.name = "stress",
	.help = "lock-free readers on every worker lcore while tables are replaced (MIM_STRESS_SECONDS)",
	.cases = stress_cases,
};
REGISTER_AUTOTEST(stress_suite);
