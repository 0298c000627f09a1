/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Data-path writes (mim_dp_write.h) from several threads: capacity
 * exactness under concurrent inserters, and a stress run where two writer
 * lcores and the control plane insert, update and delete in the same
 * tables (keys of 4 and of 16 bytes) while each verifies what it reads.
 *
 * The stress run lasts MIM_STRESS_SECONDS (default 10) and at least until
 * 10^7 writes were made (10^6 in sanitizer builds, which run several times
 * slower); it ends on counts, never on a timing assertion. It wants three
 * lcores (two writers and the main one), which meson gives it on the two
 * cores with --lcores '(0-2)@(0-1)'.
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

#if defined(__SANITIZE_ADDRESS__)
#define MIN_WRITES 1000000ULL
#else
#define MIN_WRITES 10000000ULL
#endif

#include "test_dp_write.h"

/* ---- concurrency -------------------------------------------------------- */

#define NB_WRITERS 2
#define OWN_KEYS 4096          /* keys only one thread writes */
#define SHARED_KEYS 1024       /* keys every thread races for */
#define SHARED_BASE 0x100000U

static struct {
	const struct mim_table *t;
	int id;
	struct rte_rcu_qsbr *v;
	volatile bool stop;
	uint32_t key_size;
} sh;

struct wstats {
	uint64_t writes, checked, bad, wrong;   /* wrong: a result not the model's */
	uint64_t sh_ins, sh_del;                /* shared keys: successes */
	uint64_t e2big, other, busy, done;   /* done: not -EBUSY */
	uint32_t present;                       /* own keys present at the end */
	int first_wrong;
} __rte_cache_aligned;

static struct wstats wst[RTE_MAX_LCORE + 1];

static uint64_t
xs(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
mkkey(uint8_t *key, uint32_t k)
{
	memset(key, 0xa5, sh.key_size);
	memcpy(key, &k, sizeof(k));
}

static int
do_update(bool cp, const void *key, const struct dval *v, uint64_t flags)
{
	return cp ? mim_update_elem(sh.id, key, v, flags) :
		mim_dp_update(sh.t, key, v, flags);
}

static int
do_delete(bool cp, const void *key)
{
	return cp ? mim_delete_elem(sh.id, key) : mim_dp_delete(sh.t, key);
}

/*
 * A thread's writes: its own keys against a model (each result must be
 * the model's), and the shared keys every thread races for (each success
 * is counted: inserts less deletes are the keys left).
 */
static void
write_step(struct wstats *s, uint32_t owner, uint8_t *model, uint32_t *gen,
	   uint64_t *rng, bool cp)
{
	uint64_t r = xs(rng);
	uint32_t i = (uint32_t)(r >> 8) % OWN_KEYS, k = owner * OWN_KEYS + i;
	uint8_t key[16];
	struct dval v;
	int ret, want;

	s->writes++;
	if (r % 4 == 0) {
		k = SHARED_BASE + (uint32_t)(r >> 32) % SHARED_KEYS;
		mkkey(key, k);
		v = dmk(k, owner, 0);
		if ((r >> 4) % 2 == 0) {
			ret = do_update(cp, key, &v, MIM_NOEXIST);
			s->sh_ins += ret == 0;
			s->done += ret != -EBUSY;
			s->busy += ret == -EBUSY;
			s->other += ret != 0 && ret != -EEXIST &&
				ret != -EBUSY;
		} else {
			ret = do_delete(cp, key);
			s->sh_del += ret == 0;
			s->done++;
			s->other += ret != 0 && ret != -ENOENT;
		}
		return;
	}
	mkkey(key, k);
	v = dmk(k, owner, ++*gen);
	switch ((r >> 4) % 3) {
	case 0:
		ret = do_update(cp, key, &v, MIM_NOEXIST);
		want = model[i] ? -EEXIST : 0;
		if (ret == 0)
			model[i] = 1;
		break;
	case 1:
		ret = do_update(cp, key, &v, MIM_EXIST);
		want = model[i] ? 0 : -ENOENT;
		break;
	default:
		ret = do_delete(cp, key);
		want = model[i] ? 0 : -ENOENT;
		if (ret == 0)
			model[i] = 0;
		break;
	}
	/* -EBUSY (no spare value free: back-pressure) changes nothing. */
	if (ret == -EBUSY && want == 0 && (r >> 4) % 3 != 2) {
		s->busy++;
		return;
	}
	s->done++;
	if (ret != want && s->wrong++ == 0)
		s->first_wrong = ret;
}

/*
 * Read a few keys of anyone's and check their values: as a reader (bulk
 * lookup), or as the control plane (mim_lookup_elem(): the main lcore is
 * not a registered reader, so it must not hold value pointers).
 */
static void
read_step(struct wstats *s, uint64_t *rng, bool cp)
{
	uint8_t kb[32][16];
	const void *keys[32];
	void *vals[32];
	uint32_t k[32];
	unsigned int i;

	for (i = 0; i < 32; i++) {
		uint64_t r = xs(rng);

		k[i] = r % 8 == 0 ? SHARED_BASE + (uint32_t)(r >> 8) % SHARED_KEYS :
			(uint32_t)(r >> 8) % ((NB_WRITERS + 1) * OWN_KEYS);
		mkkey(kb[i], k[i]);
		keys[i] = kb[i];
	}
	if (!cp)
		mim_lookup_bulk(sh.t, keys, 32, vals);
	for (i = 0; i < 32; i++) {
		struct dval copy;

		if (cp) {
			vals[i] = mim_lookup_elem(sh.id, keys[i], &copy) == 0 ?
				&copy : NULL;
		}
		if (vals[i] == NULL)
			continue;
		if (dok(vals[i], k[i]))
			s->checked++;
		else
			s->bad++;
	}
}

static int
writer_main(void *arg)
{
	uint32_t owner = (uint32_t)(uintptr_t)arg, gen = 0;
	unsigned int self = rte_lcore_id(), i;
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (owner + 1);
	struct wstats local = { 0 };
	uint8_t *model = calloc(OWN_KEYS, 1);

	if (model == NULL)
		return -1;
	rte_rcu_qsbr_thread_register(sh.v, self);
	rte_rcu_qsbr_thread_online(sh.v, self);
	while (!sh.stop) {
		for (i = 0; i < 64; i++)
			write_step(&local, owner, model, &gen, &rng, false);
		read_step(&local, &rng, false);
		rte_rcu_qsbr_quiescent(sh.v, self);
		__atomic_store_n(&wst[owner].done, local.done,
				 __ATOMIC_RELAXED);
	}
	rte_rcu_qsbr_thread_offline(sh.v, self);
	rte_rcu_qsbr_thread_unregister(sh.v, self);
	for (i = 0; i < OWN_KEYS; i++)
		local.present += model[i];
	free(model);
	wst[owner] = local;   /* read after rte_eal_mp_wait_lcore() */
	return 0;
}

/* Count the keys by iteration: each once. */
static int
count_keys(int id, uint32_t *n)
{
	uint8_t key[16], next[16];
	int ret = mim_get_next_key(id, NULL, next);

	*n = 0;
	while (ret == 0) {
		(*n)++;
		memcpy(key, next, sizeof(key));
		ret = mim_get_next_key(id, key, next);
	}
	return ret == -ENOENT ? 0 : ret;
}

static int
run_concurrent(uint32_t key_size, uint64_t seconds)
{
	/* The control plane writes as owner NB_WRITERS. */
	struct wstats *cs = &wst[NB_WRITERS];
	uint64_t rng = rte_rdtsc() | 1, end, writes = 0, sh_live = 0;
	uint8_t *model = calloc(OWN_KEYS, 1);
	unsigned int lcore, w = 0, i;
	struct mim_table_info info;
	uint32_t gen = 0, present = 0, n;
	int id;

	TEST_ASSERT(model != NULL, "");
	memset(wst, 0, sizeof(wst));
	sh.key_size = key_size;
	/* Sized so that the buckets are half full: keys move. */
	id = dpw_create((NB_WRITERS + 1) * OWN_KEYS + SHARED_KEYS, key_size,
			MIM_F_DP_WRITE);
	TEST_ASSERT_OK(id);
	sh.t = mim_table(id);
	sh.id = id;
	sh.stop = false;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (w == NB_WRITERS)
			break;
		rte_eal_remote_launch(writer_main, (void *)(uintptr_t)w, lcore);
		w++;
	}
	end = rte_get_timer_cycles() + seconds * rte_get_timer_hz();
	for (;;) {
		for (i = 0; i < 64; i++)
			write_step(cs, NB_WRITERS, model, &gen, &rng, true);
		read_step(cs, &rng, true);
		mim_reclaim();
		writes = cs->done;
		for (i = 0; i < NB_WRITERS; i++)
			writes += __atomic_load_n(&wst[i].done,
						  __ATOMIC_RELAXED);
		if (rte_get_timer_cycles() >= end && writes >= MIN_WRITES)
			break;
	}
	sh.stop = true;
	rte_eal_mp_wait_lcore();
	for (i = 0; i < OWN_KEYS; i++)
		cs->present += model[i];
	free(model);
	writes = 0;
	for (i = 0; i <= NB_WRITERS; i++) {
		struct wstats *s = &wst[i];

		printf("    %s %u: %" PRIu64 " writes (%" PRIu64 " -EBUSY), %" PRIu64 " values checked, %" PRIu64 " bad, %" PRIu64 " wrong results (first %d), %" PRIu64 " other errors\n",
		       i == NB_WRITERS ? "control plane" : "writer", i,
		       s->writes, s->busy, s->checked, s->bad, s->wrong,
		       s->first_wrong, s->other);
		TEST_ASSERT_EQUAL(s->bad, 0, "torn, foreign or released values");
		TEST_ASSERT_EQUAL(s->wrong, 0, "results differ from the model");
		TEST_ASSERT_EQUAL(s->other, 0, "unexpected errors: %s",
				  mim_last_error());
		writes += s->done;
		present += s->present;
		sh_live += s->sh_ins - s->sh_del;
	}
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_OK(count_keys(id, &n));
	printf("    key_size %u: %" PRIu64 " writes not -EBUSY, %u + %" PRIu64 " keys expected, %u counted, %u in nb_entries, %" PRIu64 " keys moved\n",
	       key_size, writes, present, sh_live, n, info.nb_entries,
	       mim_hash_nb_moves(mim_obj_of(sh.t)));
	TEST_ASSERT(writes >= MIN_WRITES, "");
	TEST_ASSERT_EQUAL(n, present + sh_live, "keys lost or duplicated");
	TEST_ASSERT_EQUAL(info.nb_entries, n, "count differs from the keys");
	TEST_ASSERT_OK(mim_close(id));
	mim_reclaim();
	return TEST_SUCCESS;
}

static uint64_t
stress_seconds(void)
{
	const char *env = getenv("MIM_STRESS_SECONDS");

	return env != NULL ? strtoull(env, NULL, 0) : 10;
}

static int
test_dpw_concurrent(void)
{
	if (rte_lcore_count() < NB_WRITERS + 1) {
		printf("    needs %u worker lcores (--lcores '(0-2)@(0-1)')\n",
		       NB_WRITERS);
		return TEST_SKIPPED;
	}
	sh.v = autotest_qsbr(RTE_MAX_LCORE);
	TEST_ASSERT(sh.v != NULL, "");
	TEST_ASSERT_EQUAL(run_concurrent(4, stress_seconds() / 2), TEST_SUCCESS,
			  "");
	TEST_ASSERT_EQUAL(run_concurrent(16, stress_seconds() / 2),
			  TEST_SUCCESS, "");
	return TEST_SUCCESS;
}

/*
 * Capacity: two writer lcores (one of them in bursts) and the control
 * plane insert distinct keys until the table is full: exactly max_entries
 * succeed, and every thread stops on -E2BIG.
 */
#define CAP 5000

/* Bursts of 8 new keys until one is refused: its error (all -E2BIG). */
static int
cap_bulk(struct wstats *s, uint32_t owner)
{
	uint8_t kb[8][16];
	struct dval vb[8];
	const void *keys[8], *vals[8];
	int res[8], done, ret = 0;
	uint32_t k = owner << 24, i;

	while (ret == 0) {
		for (i = 0; i < 8; i++, k++) {
			mkkey(kb[i], k);
			vb[i] = dmk(k, owner, 1);
			keys[i] = kb[i];
			vals[i] = &vb[i];
		}
		done = mim_dp_update_bulk(sh.t, keys, vals, 8, MIM_NOEXIST,
					  res);
		s->writes += (uint64_t)done;
		for (i = 0; i < 8; i++)
			if (res[i] != 0 && ret == 0)
				ret = res[i];
			else if (res[i] != 0 && res[i] != ret)
				s->other++;
	}
	return ret;
}

static int
cap_writer(void *arg)
{
	uint32_t owner = (uint32_t)(uintptr_t)arg, k;
	struct wstats *s = &wst[owner];
	unsigned int self = rte_lcore_id();
	uint8_t key[16];
	struct dval v;
	int ret;

	rte_rcu_qsbr_thread_register(sh.v, self);
	rte_rcu_qsbr_thread_online(sh.v, self);
	if (owner == 1) {       /* this one inserts in bursts */
		ret = cap_bulk(s, owner);
		goto out;
	}
	for (k = owner << 24;; k++) {
		mkkey(key, k);
		v = dmk(k, owner, 1);
		ret = do_update(owner == NB_WRITERS, key, &v, MIM_NOEXIST);
		if (ret != 0)
			break;
		s->writes++;
		if (k % 32 == 0)
			rte_rcu_qsbr_quiescent(sh.v, self);
	}
out:
	if (ret == -E2BIG)
		s->e2big++;
	else
		s->other++;
	rte_rcu_qsbr_thread_offline(sh.v, self);
	rte_rcu_qsbr_thread_unregister(sh.v, self);
	return 0;
}

static int
test_dpw_capacity(void)
{
	struct mim_table_info info;
	unsigned int lcore, w = 0, round;
	uint64_t total;

	if (rte_lcore_count() < NB_WRITERS + 1)
		return TEST_SKIPPED;
	sh.v = autotest_qsbr(RTE_MAX_LCORE);
	TEST_ASSERT(sh.v != NULL, "");
	sh.key_size = 4;
	for (round = 0; round < 20; round++) {
		memset(wst, 0, sizeof(wst));
		sh.id = dpw_create(CAP, 4, MIM_F_DP_WRITE);
		TEST_ASSERT_OK(sh.id);
		sh.t = mim_table(sh.id);
		w = 0;
		RTE_LCORE_FOREACH_WORKER(lcore) {
			if (w == NB_WRITERS)
				break;
			rte_eal_remote_launch(cap_writer, (void *)(uintptr_t)w,
					      lcore);
			w++;
		}
		cap_writer((void *)(uintptr_t)NB_WRITERS);
		rte_eal_mp_wait_lcore();
		total = 0;
		for (w = 0; w <= NB_WRITERS; w++) {
			total += wst[w].writes;
			TEST_ASSERT_EQUAL(wst[w].e2big, 1,
					  "thread %u stopped on another error", w);
			TEST_ASSERT_EQUAL(wst[w].other, 0,
					  "thread %u: other errors", w);
		}
		TEST_ASSERT_OK(mim_get_info(sh.id, &info));
		TEST_ASSERT_EQUAL(total, CAP, "inserts that succeeded");
		TEST_ASSERT_EQUAL(info.nb_entries, CAP, "");
		TEST_ASSERT_OK(mim_close(sh.id));
		mim_reclaim();
	}
	printf("    20 rounds: exactly %u inserts of 3 threads succeeded each time\n",
	       CAP);
	return TEST_SUCCESS;
}

static const struct autotest_case dp_write_mt_cases[] = {
	TEST_CASE(test_dpw_capacity),
	TEST_CASE(test_dpw_concurrent),
	TEST_CASES_END(),
};

static struct autotest_suite dp_write_mt_suite = {
	.name = "dp_write_mt",
	.help = "inserts, updates and deletes from two writer lcores and the control plane (MIM_STRESS_SECONDS)",
	.cases = dp_write_mt_cases,
};
REGISTER_AUTOTEST(dp_write_mt_suite);
