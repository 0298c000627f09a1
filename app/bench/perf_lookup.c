/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Lookups: two-level bulk lookups through mapinmap
 * (ARRAY_OF_TABLES->HASH, HASH_OF_TABLES->HASH, ARRAY_OF_TABLES->LPM)
 * against (a) one flat rte_hash keyed by (tenant, key), (b) per-tenant
 * rte_hash (rte_lpm) tables behind a plain pointer array, looked up in bulk
 * per tenant, and (c) single lookups of each; cycles per key, uniform and
 * Zipf key choice.
 *
 * Method. For each (total entries N, tenants T) every structure holds the
 * same N entries (N/T per tenant) at the same load factor (rte_hash sized
 * 1.25x its entries, as mapinmap sizes its inner tables). A stream of
 * lookups (entry indexes, uniform or Zipf(0.99) over the N entries, ranks
 * scattered by a fixed permutation) is prepared once with every key format
 * precomputed, including the flat table's composite key, so no
 * configuration pays for key building. Each configuration then runs the
 * whole stream in bursts of 32 between two rte_rdtsc_precise(), in rounds;
 * each round runs every configuration once, starting from a different one.
 * A value is the median over rounds; a ratio is the median of the per-round
 * ratios (pairs measured seconds apart, so machine noise mostly cancels).
 * Every lookup must hit: the first pass of each configuration checks every
 * value found against the expected one, and every timed pass counts hits.
 * Lookups return value pointers and do not read the values; no QSBR
 * variable is attached (reporting quiescence costs ~2 cycles per burst).
 */

/* Measure the release data path, not its debug checks. */
#undef MIM_DATAPATH_DEBUG

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_config.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_memzone.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"
#include "mim_private.h"
#include "perf_common.h"

/* ---- streams ------------------------------------------------------------ */

static void
stream_free(struct stream *s)
{
	free(s->e);
	free(s->tenant);
	free(s->key);
	free(s->ip);
	free(s->flat);
	free(s->lpm);
	free(s->p_tenant);
	free(s->p_key);
	free(s->p_flat);
	free(s->p_lpm);
	memset(s, 0, sizeof(*s));
}

static int
stream_alloc(struct stream *s, uint32_t n)
{
	s->n = n;
	s->e = malloc(n * sizeof(*s->e));
	s->tenant = malloc(n * sizeof(*s->tenant));
	s->key = malloc(n * sizeof(*s->key));
	s->ip = malloc(n * sizeof(*s->ip));
	s->flat = malloc(n * sizeof(*s->flat));
	s->lpm = malloc(n * sizeof(*s->lpm));
	s->p_tenant = malloc(n * sizeof(void *));
	s->p_key = malloc(n * sizeof(void *));
	s->p_flat = malloc(n * sizeof(void *));
	s->p_lpm = malloc(n * sizeof(void *));
	if (s->e == NULL || s->tenant == NULL || s->key == NULL ||
	    s->ip == NULL || s->flat == NULL || s->lpm == NULL ||
	    s->p_tenant == NULL || s->p_key == NULL || s->p_flat == NULL ||
	    s->p_lpm == NULL) {
		stream_free(s);
		return -1;
	}
	return 0;
}

static uint64_t
gcd(uint64_t a, uint64_t b)
{
	while (b != 0) {
		uint64_t r = a % b;

		a = b;
		b = r;
	}
	return a;
}

/* Fill the stream: uniform, or Zipf ranks scattered over the entries. */
static void
stream_fill(struct stream *s, const struct world *w, bool zipf,
	    uint64_t seed)
{
	struct perf_zipf z;
	uint64_t rng = seed, mul = 1000003, add, e;
	uint32_t j, t, i;

	if (zipf) {
		perf_zipf_init(&z, w->n, 0.99);
		while (gcd(mul, w->n) != 1)
			mul += 2;
	}
	add = perf_rand_below(&rng, w->n);
	for (j = 0; j < s->n; j++) {
		if (zipf)
			e = (perf_zipf_next(&z, &rng) * mul + add) % w->n;
		else
			e = perf_rand_below(&rng, w->n);
		t = (uint32_t)(e / w->per);
		i = (uint32_t)(e % w->per);
		s->e[j] = (uint32_t)e;
		s->tenant[j] = t;
		s->key[j] = hkey(t, i);
		s->ip[j] = (lpm_prefix(t, i) << 8) |
			(uint32_t)(perf_rand(&rng) & 0xff);
		s->flat[j].tenant = t;
		s->flat[j].key = s->key[j];
		s->lpm[j].prefixlen = 32;
		s->lpm[j].addr = rte_cpu_to_be_32(s->ip[j]);
		s->p_tenant[j] = &s->tenant[j];
		s->p_key[j] = &s->key[j];
		s->p_flat[j] = &s->flat[j];
		s->p_lpm[j] = &s->lpm[j];
	}
}

/* MIM_PERF_ONLY=a,b: run only configurations whose name contains a or b. */
bool
perf_selected(const char *name)
{
	return perf_words_match("MIM_PERF_ONLY", name);
}

static bool
have(const struct world *w, enum need n)
{
	switch (n) {
	case N_FLAT: return w->have_flat;
	case N_TH: return w->have_th;
	case N_MH: return w->have_mh;
	case N_TL: return w->have_tl;
	case N_ML: return w->have_ml;
	case N_XT: return w->have_xt;
	}
	return false;
}

static const char *
why_not(const struct world *w, enum need n)
{
	switch (n) {
	case N_TH: return w->why_th;
	case N_MH: return w->why_mh;
	case N_TL: return w->why_tl;
	case N_ML: return w->why_ml;
	default: return "not built";
	}
}

/* Every value found must be the one stored for its key. */
static int
check_values(const struct world *w, const struct stream *s,
	     const struct cfg *c, void **vals)
{
	uint32_t j, t, i;

	for (j = 0; j < s->n; j++) {
		uint64_t exp, got;

		t = s->e[j] / w->per;
		i = s->e[j] % w->per;
		if (vals[j] == NULL) {
			printf("    FAIL %s: key %u (tenant %u, entry %u) not found\n",
			       c->name, j, t, i);
			return -1;
		}
		switch (c->kind) {
		case V_HASH:
			exp = hval(t, i);
			got = *(const uint64_t *)vals[j];
			break;
		case V_LPM_SLOT:
			exp = lpm_val(t, i);
			got = *(const uint64_t *)vals[j];
			break;
		default:
			exp = lpm_val(t, i) + 1;
			got = (uintptr_t)vals[j];
			break;
		}
		if (got != exp) {
			printf("    FAIL %s: key %u (tenant %u, entry %u): value %#" PRIx64 ", expected %#" PRIx64 "\n",
			       c->name, j, t, i, got, exp);
			return -1;
		}
	}
	return 0;
}

static const char *
target_of(uint64_t n)
{
	return n >= 1000000 ? "<1.00x flat_bulk" : "<=1.10x flat_bulk";
}

static bool
target_met(uint64_t n, double ratio)
{
	return n >= 1000000 ? ratio < 1.0 : ratio <= 1.10;
}

/* The row of configuration c at one point: its median, ratios, verdict. */
static void
emit_cfg(const struct world *w, const char *dist, uint32_t c,
	 const bool *on, double (*cyc)[64], uint32_t rounds)
{
	const struct cfg *cf = &perf_cfgs[c];
	struct perf_row row;
	double tmp[64];
	uint32_t r;

	perf_row_init(&row, "lookup");
	row.inner = cf->inner;
	row.entries = w->n;
	row.tenants = w->t;
	row.dist = dist;
	row.variant = cf->name;
	row.unit = "cycles/key";
	if (!perf_selected(cf->name))
		return;
	if (!on[c]) {
		row.verdict = "not-run";
		snprintf(row.note, sizeof(row.note), "%s",
			 why_not(w, cf->need));
		perf_emit(&row);
		return;
	}
	memcpy(tmp, cyc[c], rounds * sizeof(double));
	row.value = perf_median(tmp, rounds);
	if (cf->baseline >= 0 && on[cf->baseline]) {
		for (r = 0; r < rounds; r++)
			tmp[r] = cyc[c][r] / cyc[cf->baseline][r];
		row.ratio = perf_median(tmp, rounds);
		row.baseline = perf_cfgs[cf->baseline].name;
		snprintf(row.note, sizeof(row.note),
			 "ratio IQR %.2f-%.2f",
			 perf_quantile(tmp, rounds, 0.25),
			 perf_quantile(tmp, rounds, 0.75));
	}
	if (cf->peer >= 0 && on[cf->peer]) {
		size_t len = strlen(row.note);

		for (r = 0; r < rounds; r++)
			tmp[r] = cyc[c][r] / cyc[cf->peer][r];
		snprintf(row.note + len, sizeof(row.note) - len,
			 "; %.2fx %s", perf_median(tmp, rounds),
			 perf_cfgs[cf->peer].name);
	}
	if (cf->judged && !isnan(row.ratio) && w->t == 1) {
		size_t len = strlen(row.note);

		snprintf(row.note + len, sizeof(row.note) - len,
			 "; diagnostic (one tenant), not judged");
	} else if (cf->judged && !isnan(row.ratio)) {
		row.target = target_of(w->n);
		row.verdict = target_met(w->n, row.ratio) ?
			"met" : "MISSED";
	}
	perf_emit(&row);
}

/* Measure every configuration built, in rounds; emit one row each. */
static int
measure(const struct world *w, const struct stream *s, const char *dist)
{
	double cyc[C_MAX][64];
	bool on[C_MAX];
	void **vals, *sink[PERF_BURST];
	uint32_t rounds = RTE_MIN(perf.rounds, 64U), r, k, c;

	vals = malloc(s->n * sizeof(void *));
	if (vals == NULL)
		return -1;
	/* First pass of each: the check, and a warm-up. */
	for (c = 0; c < C_MAX; c++) {
		on[c] = have(w, perf_cfgs[c].need) &&
			perf_selected(perf_cfgs[c].name);
		if (!on[c])
			continue;
		memset(vals, 0, s->n * sizeof(void *));
		perf_cfgs[c].run(w, s, vals, PERF_BURST);
		if (check_values(w, s, &perf_cfgs[c], vals) != 0) {
			free(vals);
			return -1;
		}
	}
	free(vals);
	for (r = 0; r < rounds; r++)
		for (k = 0; k < C_MAX; k++) {
			uint64_t t0, t1;
			uint32_t hits;

			c = (k + r) % C_MAX;
			if (!on[c])
				continue;
			t0 = rte_rdtsc_precise();
			hits = perf_cfgs[c].run(w, s, sink, 0);
			t1 = rte_rdtsc_precise();
			if (hits != s->n) {
				printf("    FAIL %s: %u hits of %u\n",
				       perf_cfgs[c].name, hits, s->n);
				return -1;
			}
			cyc[c][r] = (double)(t1 - t0) / s->n;
		}
	for (c = 0; c < C_MAX; c++)
		emit_cfg(w, dist, c, on, cyc, rounds);
	return 0;
}

/* One (entries, tenants) point: build, measure both streams, free. */
static int
point(uint64_t n, uint32_t t)
{
	static const char *const dists[] = { "uniform", "zipf" };
	struct world w = { .n = n, .t = t };
	struct perf_kernel *k = NULL;
	struct stream s = { 0 };
	uint64_t t0 = rte_rdtsc();
	uint32_t d;
	int ret = TEST_SUCCESS;

	if (stream_alloc(&s, perf.lookups) != 0) {
		printf("    out of memory for %u lookups\n", perf.lookups);
		return TEST_FAILED;
	}
	if (perf_world_build(&w, perf_selected("whatif")) != 0) {
		ret = TEST_FAILED;
		goto out;
	}
	printf("    %" PRIu64 " entries, %u tenants: built in %.1f s, DPDK heap %.0f MiB\n",
	       w.n, w.t, perf_us(rte_rdtsc() - t0) / 1e6,
	       mim_heap_allocated() / 1048576.0);
	k = perf_kernel_build(&w, s.n);
	for (d = 0; d < RTE_DIM(dists); d++) {
		stream_fill(&s, &w, d == 1, perf.seed + d);
		if (measure(&w, &s, dists[d]) != 0 ||
		    perf_kernel_measure(k, &w, &s, dists[d]) != 0) {
			ret = TEST_FAILED;
			break;
		}
	}
out:
	perf_kernel_free(k);
	stream_free(&s);
	perf_world_free(&w);
	return ret;
}

int
perf_lookup(void)
{
	uint32_t a, b, c;
	char why[160];

	for (a = 0; a < perf.nb_sizes; a++)
		for (b = 0; b < perf.nb_tenants; b++) {
			uint64_t n = perf.sizes[a];
			uint32_t t = perf.tenants[b];

			if (n < t) {
				snprintf(why, sizeof(why),
					 "fewer entries (%" PRIu64 ") than tenants (%u)",
					 n, t);
				for (c = 0; c < C_MAX; c++)
					perf_not_run("lookup", perf_cfgs[c].inner,
						     n, t, perf_cfgs[c].name, why);
				perf_kernel_not_run(n, t, why);
				continue;
			}
			if (point(n, t) != TEST_SUCCESS)
				return TEST_FAILED;
		}
	return TEST_SUCCESS;
}

/*
 * How many rte_hash tenants fit in one process: mapinmap HASH tables, then
 * bare rte_hash tables, created until the first failure.
 */
int
perf_tenant_limit(void)
{
	const uint32_t cap = 20000;
	struct rte_hash **h = calloc(cap, sizeof(*h));
	int *ids = calloc(cap, sizeof(*ids));
	unsigned int mz0 = mim_memzone_count(), mz;
	struct perf_row r;
	uint32_t i, n;

	if (h == NULL || ids == NULL) {
		free(h);
		free(ids);
		return TEST_FAILED;
	}
	for (n = 0; n < cap; n++) {
		ids[n] = mim_create(MIM_TYPE_HASH, NULL, 4, 8, 1000, NULL);
		if (ids[n] < 0)
			break;
	}
	mz = mim_memzone_count();
	perf_row_init(&r, "limit");
	r.inner = "hash";
	r.variant = "mim_hash_tables";
	r.value = n;
	r.unit = "tables";
	snprintf(r.note, sizeof(r.note),
		 "the target grid goes up to 10000 tenants; %s%s; memzones %u before, %u at failure, RTE_MAX_MEMZONE %u",
		 n < cap ? "next mim_create failed: " : "no failure",
		 n < cap ? mim_last_error() : "", mz0, mz, RTE_MAX_MEMZONE);
	perf_emit(&r);
	for (i = 0; i < n; i++)
		mim_close(ids[i]);

	for (n = 0; n < cap; n++) {
		h[n] = perf_raw_hash("lim", 1000, 4);
		if (h[n] == NULL)
			break;
	}
	mz = mim_memzone_count();
	perf_row_init(&r, "limit");
	r.inner = "hash";
	r.variant = "rte_hash_tables";
	r.value = n;
	r.unit = "tables";
	snprintf(r.note, sizeof(r.note),
		 "%s%s; memzones %u at failure (one per rte_hash: its free-slot ring)",
		 n < cap ? "next rte_hash_create failed: " : "no failure",
		 n < cap ? rte_strerror(rte_errno) : "", mz);
	perf_emit(&r);
	for (i = 0; i < n; i++)
		rte_hash_free(h[i]);
	free(h);
	free(ids);
	return TEST_SUCCESS;
}
