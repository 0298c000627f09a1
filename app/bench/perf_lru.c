/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * LRU lookups against HASH lookups: the same keys in a HASH and in an
 * LRU_HASH table of the same capacity (full, so nothing is evicted while
 * it is measured), looked up in the same stream (uniform over the keys),
 * in bursts of PERF_BURST (mim_lookup_bulk()) and one by one
 * (mim_lookup()). An LRU hit also reads the key's "referenced" byte and
 * stores it when not set: after the first pass every byte is set and a
 * hit costs one more load. Rounds alternate which table goes first; the
 * ratio is the median of the per-round ratios. The target: LRU at most
 * 1.1 times HASH.
 */

/* Measure the release data path, not its debug checks. */
#undef MIM_DATAPATH_DEBUG

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include <mim.h>

#include "autotest.h"
#include "perf_common.h"

#define LRU_ROUNDS_MAX 64U

struct lru_run {
	const uint32_t *keys;    /* the stream */
	const void **pk;         /* pointers to them, for the bulk calls */
	uint32_t n;
};

/* Cycles of one pass of the stream; hits counted into *hits. */
static uint64_t
lru_pass(const struct mim_table *t, const struct lru_run *s, bool bulk,
	 uint64_t *hits)
{
	void *vals[PERF_BURST];
	uint64_t t0 = rte_rdtsc_precise(), h = 0;
	uint32_t i;

	if (bulk) {
		for (i = 0; i + PERF_BURST <= s->n; i += PERF_BURST)
			h += mim_lookup_bulk(t, &s->pk[i], PERF_BURST, vals);
	} else {
		for (i = 0; i < s->n; i++)
			h += mim_lookup(t, &s->keys[i]) != NULL;
	}
	*hits += h;
	return rte_rdtsc_precise() - t0;
}

static void
lru_emit(uint64_t n, const char *variant, double cyc, const char *baseline,
	 double ratio, const char *note)
{
	struct perf_row r;

	perf_row_init(&r, "lookup_lru");
	r.inner = "hash";
	r.entries = n;
	r.tenants = 1;
	r.dist = "uniform";
	r.variant = variant;
	r.value = cyc;
	r.unit = "cycles/key";
	if (baseline != NULL) {
		r.baseline = baseline;
		r.ratio = ratio;
		r.target = "<= 1.1x";
		r.verdict = ratio <= 1.1 ? "met" : "MISSED";
	}
	snprintf(r.note, sizeof(r.note), "%s", note);
	perf_emit(&r);
}

/* Both tables with keys 0..n-1 (value = key). */
static int
lru_fill(int hash, int lru, uint32_t n)
{
	uint64_t v;
	uint32_t k;

	for (k = 0; k < n; k++) {
		v = k;
		if (mim_update_elem(hash, &k, &v, MIM_NOEXIST) != 0 ||
		    mim_update_elem(lru, &k, &v, MIM_NOEXIST) != 0)
			return -1;
	}
	return 0;
}

static int
lru_point(uint32_t n, const struct lru_run *s)
{
	double ch[2][LRU_ROUNDS_MAX], cl[2][LRU_ROUNDS_MAX], q[2][LRU_ROUNDS_MAX];
	uint32_t rounds = RTE_MIN(RTE_MAX(perf.rounds, 3U), LRU_ROUNDS_MAX);
	const struct mim_table *th, *tl;
	uint64_t hits = 0, want;
	uint32_t r, b;
	char note[160];
	int hash, lru, ret = TEST_FAILED;

	hash = mim_create(MIM_TYPE_HASH, NULL, 4, 8, n, NULL);
	lru = mim_create(MIM_TYPE_LRU_HASH, NULL, 4, 8, n, NULL);
	if (hash < 0 || lru < 0 || lru_fill(hash, lru, n) != 0) {
		printf("    lookup_lru: %s\n", mim_last_error());
		goto out;
	}
	th = mim_table(hash);
	tl = mim_table(lru);
	/* A first pass each: caches warm, every referenced byte set. */
	lru_pass(th, s, true, &hits);
	lru_pass(tl, s, true, &hits);
	hits = 0;
	for (r = 0; r < rounds; r++)
		for (b = 0; b < 2; b++) {
			uint64_t a, c;

			if (r % 2) {
				c = lru_pass(tl, s, b == 0, &hits);
				a = lru_pass(th, s, b == 0, &hits);
			} else {
				a = lru_pass(th, s, b == 0, &hits);
				c = lru_pass(tl, s, b == 0, &hits);
			}
			ch[b][r] = (double)a / s->n;
			cl[b][r] = (double)c / s->n;
			q[b][r] = (double)c / (double)a;
		}
	want = (uint64_t)rounds * 2 * (s->n / PERF_BURST * PERF_BURST + s->n);
	if (hits != want) {
		printf("    lookup_lru: %" PRIu64 " hits of %" PRIu64 "\n", hits,
		       want);
		goto out;
	}
	for (b = 0; b < 2; b++) {
		double ratio = perf_median(q[b], rounds);

		snprintf(note, sizeof(note),
			 "%u keys per pass, %u rounds, %s; the LRU table full, nothing evicted",
			 s->n, rounds, b == 0 ? "bursts of 32" : "one by one");
		lru_emit(n, b == 0 ? "hash_bulk" : "hash_single",
			 perf_median(ch[b], rounds), NULL, 0, note);
		lru_emit(n, b == 0 ? "lru_bulk" : "lru_single",
			 perf_median(cl[b], rounds),
			 b == 0 ? "hash_bulk" : "hash_single", ratio, note);
		printf("    lookup_lru %u keys, %s: LRU / HASH %.3f\n", n,
		       b == 0 ? "bulk" : "single", ratio);
	}
	ret = TEST_SUCCESS;
out:
	if (hash > 0)
		mim_close(hash);
	if (lru > 0)
		mim_close(lru);
	return ret;
}

int
perf_lookup_lru(void)
{
	const uint32_t sizes[] = { 1U << 12, perf.full ? 1U << 20 : 1U << 16 };
	struct lru_run s = { .n = perf.lookups };
	uint64_t seed = perf.seed;
	uint32_t *keys = malloc(sizeof(*keys) * s.n);
	const void **pk = malloc(sizeof(*pk) * s.n);
	uint32_t i, z;
	int ret = TEST_SUCCESS;

	if (keys == NULL || pk == NULL) {
		free(keys);
		free(pk);
		return TEST_FAILED;
	}
	s.keys = keys;
	s.pk = pk;
	for (z = 0; z < RTE_DIM(sizes) && ret == TEST_SUCCESS; z++) {
		for (i = 0; i < s.n; i++) {
			keys[i] = (uint32_t)perf_rand_below(&seed, sizes[z]);
			pk[i] = &keys[i];
		}
		ret = lru_point(sizes[z], &s);
	}
	free(keys);
	free(pk);
	return ret;
}
