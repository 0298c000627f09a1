/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Lookup workers (workers.h): the key sample, the lcore loop, the QSBR
 * variable.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>
#include <mim_mp.h>

#include "cli.h"
#include "printer.h"
#include "session.h"
#include "workers.h"

/* Counters one worker publishes after each burst (read by the main lcore). */
struct worker {
	uint64_t lookups;
	uint64_t hits;
	uint64_t outer_misses;
	uint64_t tsc_start;
	uint64_t tsc_end;
	unsigned int lcore;
	unsigned int tid;  /* thread ID on the QSBR variable */
} __rte_cache_aligned;

static struct {
	/* test-mim's own variable, or in a secondary the primary's. */
	struct rte_rcu_qsbr *v;
	bool attached;
	bool running;
	bool ran;
	/* Set by workers_stop(), read by the workers. */
	uint32_t stop;

	/* The run: written before the launch, read-only while it runs. */
	int handle;                  /* handle reference on the table */
	const struct mim_table *t;
	struct mim_table_info ti;
	enum worker_mode mode;
	unsigned int burst;
	uint32_t pool_n;
	uint32_t sampled;            /* pool_n of the current or last run */
	uint32_t okey_size;
	uint32_t ikey_size;
	uint8_t *okeys;              /* pool_n keys of the table */
	uint8_t *ikeys;              /* nested: pool_n inner keys */

	unsigned int nb_workers;
	struct worker w[RTE_MAX_LCORE];
} wk;

const char *
worker_mode_name(enum worker_mode mode)
{
	switch (mode) {
	case WORKER_SINGLE:
		return "single";
	case WORKER_BULK:
		return "bulk";
	default:
		return "nested";
	}
}

int
workers_init(enum mim_rcu_mode mode)
{
	MIM_OPTS(mim_rcu_opts, o, .mode = mode);
	size_t sz;
	int ret;

	/* A secondary's workers would need the primary's QSBR variables,
	 * and the reclamation mode is the primary's choice.
	 */
	if (session_secondary())
		return 0;
	ret = mim_rcu_configure(&o);
	if (ret < 0) {
		fprintf(stderr, "test-mim: mim_rcu_configure: %s\n",
			mim_last_error());
		return ret;
	}
	sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	wk.v = rte_zmalloc("test_mim_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (wk.v == NULL) {
		fprintf(stderr, "test-mim: no memory for the QSBR variable\n");
		return -ENOMEM;
	}
	rte_rcu_qsbr_init(wk.v, RTE_MAX_LCORE);
	ret = mim_rcu_qsbr_add(wk.v);
	if (ret < 0) {
		fprintf(stderr, "test-mim: mim_rcu_qsbr_add: %s\n",
			mim_last_error());
		rte_free(wk.v);
		wk.v = NULL;
		return ret;
	}
	wk.attached = true;
	return 0;
}

void
workers_fini(void)
{
	int ret;

	if (wk.running)
		workers_stop();
	if (wk.attached) {
		/* No reader is registered any more: everything retired can
		 * go, and the variable can then be detached, unless LPM
		 * tables still use it (rte_lpm cannot let go of it, -EPERM):
		 * it then stays attached until the process ends.
		 */
		mim_reclaim();
		ret = mim_rcu_qsbr_remove(wk.v);
		if (ret == 0)
			wk.attached = false;
		else if (ret != -EPERM)
			fprintf(stderr, "test-mim: QSBR variable left attached: %s\n",
				mim_last_error());
	}
	if (!wk.attached && !session_secondary())
		rte_free(wk.v);  /* a secondary's is the primary's */
	wk.v = NULL;
}

/* ---- the key sample ------------------------------------------------------ */

/*
 * Walk up to want keys of table id into out (key_size bytes each) with
 * mim_get_next_key_sz(). Returns how many.
 */
static uint32_t
walk_keys(mim_id_t id, uint32_t key_size, uint8_t *out, uint32_t want)
{
	uint32_t n = 0;
	int ret;

	if (want == 0)
		return 0;
	ret = mim_get_next_key_sz(id, NULL, out, key_size);
	while (ret == 0 && ++n < want)
		ret = mim_get_next_key_sz(id, out + (size_t)(n - 1) * key_size,
					  out + (size_t)n * key_size, key_size);
	return n;
}

/*
 * Up to want keys of table ti into out (ti->key_size bytes each); returns
 * how many. Arrays: random indexes below max_entries. Hashes: stored keys,
 * in iteration order. LPM: random addresses inside stored prefixes (IPv4),
 * the stored prefixes themselves (IPv6).
 */
static uint32_t
sample_keys(const struct mim_table_info *ti, uint8_t *out, uint32_t want)
{
	struct mim_lpm_key *prefixes, k;
	uint32_t i, n;

	switch (ti->type) {
	case MIM_TYPE_ARRAY:
	case MIM_TYPE_ARRAY_OF_TABLES:
	case MIM_TYPE_PERCPU_ARRAY:
		for (i = 0; i < want; i++) {
			uint32_t idx = (uint32_t)rte_rand_max(ti->max_entries);

			memcpy(out + (size_t)i * ti->key_size, &idx, sizeof(idx));
		}
		return want;
	case MIM_TYPE_LPM:
		if (ti->key_size != sizeof(*prefixes))  /* IPv6: the prefixes */
			return walk_keys((int)ti->id, ti->key_size, out, want);
		prefixes = calloc(want, sizeof(*prefixes));
		if (prefixes == NULL)
			return 0;
		n = walk_keys((int)ti->id, sizeof(*prefixes),
			      (uint8_t *)prefixes, want);
		for (i = 0; n > 0 && i < want; i++) {
			uint32_t host;

			k = prefixes[rte_rand_max(n)];
			host = k.prefixlen >= 32 ? 0 :
				(uint32_t)rte_rand() & (UINT32_MAX >> k.prefixlen);
			k.addr |= rte_cpu_to_be_32(host);
			k.prefixlen = 32;
			memcpy(out + (size_t)i * ti->key_size, &k, sizeof(k));
		}
		free(prefixes);
		return n > 0 ? want : 0;
	default:
		return walk_keys((int)ti->id, ti->key_size, out, want);
	}
}

/* An outer slot and the table it holds, while sampling. */
struct outer_slot {
	mim_id_t inner_id;
	struct mim_table_info inner;
};

/*
 * Nested sample: pairs (outer key, inner key) over every occupied slot of
 * outer table ti, each inner table contributing an equal share. Fills
 * wk.okeys, wk.ikeys; returns the number of pairs.
 */
static uint32_t
sample_pairs(const struct mim_table_info *ti)
{
	uint32_t nslots, nkeys, i, j, n = 0, share, got;
	struct outer_slot *slots;
	uint8_t *okeys, *ikeys;

	okeys = malloc((size_t)WORKER_POOL_MAX * ti->key_size);
	slots = calloc(WORKER_POOL_MAX, sizeof(*slots));
	ikeys = malloc((size_t)WORKER_POOL_MAX * ti->inner.key_size);
	if (okeys == NULL || slots == NULL || ikeys == NULL)
		goto fail;
	/* Occupied slots (outer arrays also iterate their empty ones). */
	nkeys = walk_keys((int)ti->id, ti->key_size, okeys, WORKER_POOL_MAX);
	for (i = 0, nslots = 0; i < nkeys; i++) {
		struct outer_slot *s = &slots[nslots];

		if (mim_lookup_elem_sz((int)ti->id,
				       okeys + (size_t)i * ti->key_size,
				       ti->key_size, &s->inner_id,
				       sizeof(s->inner_id)) != 0 ||
		    mim_get_info(s->inner_id, &s->inner) != 0)
			continue;
		memmove(okeys + (size_t)nslots * ti->key_size,
			okeys + (size_t)i * ti->key_size, ti->key_size);
		nslots++;
	}
	if (nslots == 0)
		goto fail;
	wk.okeys = malloc((size_t)WORKER_POOL_MAX * ti->key_size);
	wk.ikeys = ikeys;
	if (wk.okeys == NULL)
		goto fail;
	share = RTE_MAX(WORKER_POOL_MAX / nslots, 1U);
	for (i = 0; i < nslots && n < WORKER_POOL_MAX; i++) {
		got = sample_keys(&slots[i].inner,
				  ikeys + (size_t)n * ti->inner.key_size,
				  RTE_MIN(share, WORKER_POOL_MAX - n));
		for (j = 0; j < got; j++)
			memcpy(wk.okeys + (size_t)(n + j) * ti->key_size,
			       okeys + (size_t)i * ti->key_size, ti->key_size);
		n += got;
	}
	free(okeys);
	free(slots);
	return n;
fail:
	free(okeys);
	free(slots);
	free(ikeys);
	wk.ikeys = NULL;
	return 0;
}

/* Free the key sample. */
static void
pool_free(void)
{
	free(wk.okeys);
	free(wk.ikeys);
	wk.okeys = NULL;
	wk.ikeys = NULL;
	wk.pool_n = 0;
}

/* ---- the lcore loop ------------------------------------------------------ */

/* xorshift64*: a cheap per-worker random sequence. */
static inline uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/*
 * A worker: online on the QSBR variable, bursts of lookups of random keys
 * of the sample, a quiescent state after each burst (no value or table
 * pointer is held across it), offline when told to stop.
 */
static int
worker_main(void *arg)
{
	struct worker *w = arg;
	const void *okeys[WORKER_BURST_MAX], *ikeys[WORKER_BURST_MAX];
	void *values[WORKER_BURST_MAX];
	const struct mim_table *t = wk.t;
	unsigned int burst = wk.burst, i;
	uint64_t lookups = 0, hits = 0, omiss = 0, miss, rnd;
	uint32_t n = wk.pool_n;

	rnd = rte_rand() | 1;
	rte_rcu_qsbr_thread_register(wk.v, w->tid);
	rte_rcu_qsbr_thread_online(wk.v, w->tid);
	__atomic_store_n(&w->tsc_start, rte_rdtsc(), __ATOMIC_RELAXED);
	/* Relaxed: the flag only ends the loop; rte_eal_wait_lcore()
	 * orders everything the worker wrote before it returned.
	 */
	while (!__atomic_load_n(&wk.stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < burst; i++) {
			uint32_t k = (uint32_t)(((next_rand(&rnd) >> 32) * n) >> 32);

			okeys[i] = wk.okeys + (size_t)k * wk.okey_size;
			if (wk.mode == WORKER_NESTED)
				ikeys[i] = wk.ikeys + (size_t)k * wk.ikey_size;
		}
		switch (wk.mode) {
		case WORKER_SINGLE:
			for (i = 0; i < burst; i++)
				hits += mim_lookup(t, okeys[i]) != NULL;
			break;
		case WORKER_BULK:
			hits += mim_lookup_bulk(t, okeys, burst, values);
			break;
		case WORKER_NESTED:
			hits += mim_lookup_nested_bulk(t, okeys, ikeys, burst,
						       values, &miss);
			omiss += (uint64_t)__builtin_popcountll(miss);
			break;
		}
		lookups += burst;
		/* Counters for the main lcore: relaxed, read as estimates. */
		__atomic_store_n(&w->lookups, lookups, __ATOMIC_RELAXED);
		__atomic_store_n(&w->hits, hits, __ATOMIC_RELAXED);
		__atomic_store_n(&w->outer_misses, omiss, __ATOMIC_RELAXED);
		rte_rcu_qsbr_quiescent(wk.v, w->tid);
	}
	__atomic_store_n(&w->tsc_end, rte_rdtsc(), __ATOMIC_RELAXED);
	rte_rcu_qsbr_thread_offline(wk.v, w->tid);
	rte_rcu_qsbr_thread_unregister(wk.v, w->tid);
	return 0;
}

/* ---- readers of a secondary process -------------------------------------- */

/* Whether thread ID tid of v is registered (by one of the primary's
 * readers: the primary claims no ID). Acquire: pairs with the release of
 * the bitmap update in rte_rcu_qsbr_thread_register().
 */
static bool
tid_registered(struct rte_rcu_qsbr *v, unsigned int tid)
{
	/* The macro does not parenthesise its index. */
	const unsigned int word = tid >> __RTE_QSBR_THRID_INDEX_SHIFT;
	const uint64_t *bmap = __RTE_QSBR_THRID_ARRAY_ELM(v, word);

	return (__atomic_load_n(bmap, __ATOMIC_ACQUIRE) >>
		(tid & __RTE_QSBR_THRID_MASK)) & 1;
}

/*
 * Give workers from..to-1 their claims back (they have unregistered, or
 * never started).
 */
static void
mp_readers_unclaim(unsigned int from, unsigned int to)
{
	unsigned int i;

	for (i = from; i < to; i++)
		mim_mp_reader_unclaim(wk.v, wk.w[i].tid);
}

/*
 * In a secondary, the first n workers read on the primary's first QSBR
 * variable, each under a thread ID it claims (so that the primary takes
 * it offline should test-mim die): from the top of the variable down,
 * as the primary's readers usually take their lcore IDs, skipping those
 * registered or claimed by another process. Returns 0, or -1 (reported).
 */
static int
mp_readers_claim(unsigned int n)
{
	unsigned int i, tid;
	int ret;

	ret = mim_mp_rcu_qsbr_get(0, &wk.v);
	if (ret < 0)
		return cli_lib_err(ret, "workers start: the primary's QSBR variable");
	tid = wk.v->max_threads;
	for (i = 0; i < n; i++) {
		ret = -EBUSY;
		while (tid > 0 && ret != 0) {
			if (tid_registered(wk.v, --tid))
				continue;
			ret = mim_mp_reader_claim(wk.v, tid);
			if (ret < 0 && ret != -EBUSY && ret != -EEXIST)
				break;
		}
		if (ret < 0) {
			mp_readers_unclaim(0, i);
			if (tid == 0 && (ret == -EBUSY || ret == -EEXIST))
				return cli_err("workers start: no free thread ID on the primary's QSBR variable for %u workers",
					       n);
			return cli_lib_err(ret, "workers start: a thread ID of the primary's QSBR variable");
		}
		wk.w[i].tid = tid;
	}
	return 0;
}

/* ---- start, stop, status ------------------------------------------------- */

int
workers_start(const struct mim_table_info *ti, enum worker_mode mode,
	      unsigned int burst)
{
	unsigned int lcore, nb = 0, i;
	char d[64];
	int ret;

	table_desc(ti, d, sizeof(d));
	if (wk.running)
		return cli_err("workers start: workers are running on table %s ('workers stop' first)",
			       table_desc(&wk.ti, d, sizeof(d)));
	if (!wk.attached && !session_secondary())
		return cli_err("workers start: no QSBR variable is attached");
	if (rte_lcore_count() < 2)
		return cli_err("workers start: no worker lcore (start test-mim with -l 0-N, N >= 1)");
	if (burst < 1 || burst > WORKER_BURST_MAX)
		return cli_err("workers start: burst %u is not 1 to %u", burst,
			       WORKER_BURST_MAX);
	if (mode == WORKER_NESTED && !table_is_outer(ti->type))
		return cli_err("workers start: nested lookups need an outer table; %s is a %s table",
			       d, table_type_name(ti->type));
	RTE_LCORE_FOREACH_WORKER(lcore)
		if (rte_eal_get_lcore_state(lcore) != WAIT)
			return cli_err("workers start: lcore %u is busy", lcore);

	pool_free();
	wk.ti = *ti;
	wk.mode = mode;
	wk.burst = burst;
	wk.okey_size = ti->key_size;
	wk.ikey_size = mode == WORKER_NESTED ? ti->inner.key_size : 0;
	if (mode == WORKER_NESTED) {
		wk.pool_n = sample_pairs(ti);
	} else {
		wk.okeys = malloc((size_t)WORKER_POOL_MAX * ti->key_size);
		wk.pool_n = wk.okeys == NULL ? 0 :
			sample_keys(ti, wk.okeys, WORKER_POOL_MAX);
	}
	if (wk.pool_n == 0) {
		pool_free();
		return cli_err("workers start: table %s has no %s to look up",
			       d, mode == WORKER_NESTED ?
			       "inner table holding keys" : "keys");
	}
	/* Hold the table while the workers use it. */
	ret = mim_get_by_id(ti->id);
	if (ret < 0) {
		pool_free();
		return cli_lib_err(ret, "workers start %s", d);
	}
	wk.handle = ret;
	wk.t = mim_table(wk.handle);
	if (wk.t == NULL) {
		mim_close(wk.handle);
		pool_free();
		return cli_lib_err(-ENOENT, "workers start %s", d);
	}
	__atomic_store_n(&wk.stop, 0, __ATOMIC_RELAXED);
	memset(wk.w, 0, sizeof(wk.w));
	RTE_LCORE_FOREACH_WORKER(lcore) {
		wk.w[nb].lcore = lcore;
		wk.w[nb++].tid = lcore;
	}
	if (session_secondary() && mp_readers_claim(nb) != 0) {
		mim_close(wk.handle);
		pool_free();
		return -1;
	}
	for (i = 0; i < nb; i++)
		/* The launch publishes everything written above. */
		if (rte_eal_remote_launch(worker_main, &wk.w[i],
					  wk.w[i].lcore) != 0)
			break;
	if (session_secondary())
		mp_readers_unclaim(i, nb);
	nb = i;
	wk.nb_workers = nb;
	wk.sampled = wk.pool_n;
	wk.running = true;
	wk.ran = true;
	return 0;
}

int
workers_stop(void)
{
	unsigned int i;
	int ret;

	if (!wk.running)
		return -1;
	__atomic_store_n(&wk.stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < wk.nb_workers; i++)
		rte_eal_wait_lcore(wk.w[i].lcore);
	if (session_secondary())
		mp_readers_unclaim(0, wk.nb_workers);
	wk.running = false;
	wk.t = NULL;
	ret = mim_close(wk.handle);
	if (ret < 0)
		fprintf(stderr, "test-mim: closing the workers' handle of table %u: %s\n",
			wk.ti.id, mim_last_error());
	pool_free();
	return 0;
}

void
workers_get(struct workers_status *st)
{
	uint64_t hz = rte_get_tsc_hz(), now = rte_rdtsc();
	unsigned int i;

	memset(st, 0, sizeof(*st));
	st->running = wk.running;
	st->ran = wk.ran;
	st->table = wk.ti;
	st->mode = wk.mode;
	st->burst = wk.burst;
	st->pool = wk.sampled;
	st->nb_workers = wk.nb_workers;
	for (i = 0; i < wk.nb_workers; i++) {
		const struct worker *w = &wk.w[i];
		uint64_t start = __atomic_load_n(&w->tsc_start, __ATOMIC_RELAXED);
		uint64_t end = wk.running ? now :
			__atomic_load_n(&w->tsc_end, __ATOMIC_RELAXED);

		st->w[i].lcore = w->lcore;
		st->w[i].lookups = __atomic_load_n(&w->lookups, __ATOMIC_RELAXED);
		st->w[i].hits = __atomic_load_n(&w->hits, __ATOMIC_RELAXED);
		st->w[i].outer_misses = __atomic_load_n(&w->outer_misses,
							__ATOMIC_RELAXED);
		st->w[i].seconds = start != 0 && end > start ?
			(double)(end - start) / (double)hz : 0.0;
	}
}
