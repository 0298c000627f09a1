/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The LPM rows' lookup loops and their paired measurement: mapinmap's
 * bulk and nested bulk lookups, rte_lpm_lookup_bulk() on one table or per
 * tenant group of a burst, rte_lpm6_lookup_bulk_func(). Each loop reads
 * the next hop it finds (a pointer to a value for mapinmap, the next hop
 * itself for DPDK), as a forwarding loop would.
 */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>

#include <mim.h>

#include "perf_common.h"
#include "perf_lpm.h"

/* Where the timed loops leave their sum of next hops. */
static volatile uint64_t lpm_sink;

static inline void
put(uint32_t *out, uint32_t j, uint32_t nh)
{
	if (out != NULL)
		out[j] = nh;
}

static inline uint32_t
mim_values(void *const *v, uint32_t *out, uint32_t j, uint64_t *sum)
{
	uint32_t i, hits = 0;

	for (i = 0; i < PERF_BURST; i++) {
		uint64_t nh = v[i] != NULL ? *(const uint64_t *)v[i] :
			UINT32_MAX;

		hits += v[i] != NULL;
		*sum += nh;
		put(out, j + i, (uint32_t)nh);
	}
	return hits;
}

__rte_noinline uint32_t
lpm_run_mim_bulk(const void *ctx, const struct lpm_keys *k, uint32_t *out)
{
	const struct mim_table *t = ctx;
	void *v[PERF_BURST];
	uint64_t sum = 0;
	uint32_t j, hits = 0;

	for (j = 0; j < k->n; j += PERF_BURST) {
		mim_lookup_bulk(t, k->p_key + j, PERF_BURST, v);
		hits += mim_values(v, out, j, &sum);
	}
	lpm_sink = sum;
	return hits;
}

__rte_noinline uint32_t
lpm_run_mim_nested(const void *ctx, const struct lpm_keys *k, uint32_t *out)
{
	const struct mim_table *t = ctx;
	void *v[PERF_BURST];
	uint64_t sum = 0;
	uint32_t j, hits = 0;

	for (j = 0; j < k->n; j += PERF_BURST) {
		mim_lookup_nested_bulk(t, k->p_tenant + j, k->p_key + j,
				       PERF_BURST, v, NULL);
		hits += mim_values(v, out, j, &sum);
	}
	lpm_sink = sum;
	return hits;
}

__rte_noinline uint32_t
lpm_run_rte_bulk(const void *ctx, const struct lpm_keys *k, uint32_t *out)
{
	const struct rte_lpm *l = ctx;
	uint32_t nh[PERF_BURST], j, i, hits = 0;
	uint64_t sum = 0;

	for (j = 0; j < k->n; j += PERF_BURST) {
		rte_lpm_lookup_bulk(l, k->ip4 + j, nh, PERF_BURST);
		for (i = 0; i < PERF_BURST; i++) {
			bool hit = nh[i] & RTE_LPM_LOOKUP_SUCCESS;
			uint32_t v = hit ? nh[i] & 0x00ffffff : UINT32_MAX;

			hits += hit;
			sum += v;
			put(out, j + i, v);
		}
	}
	lpm_sink = sum;
	return hits;
}

/*
 * Per-tenant rte_lpm tables, as a user would look a mixed burst up:
 * rte_lpm_lookup_bulk() once per distinct tenant of the burst.
 */
__rte_noinline uint32_t
lpm_run_rte_tenants(const void *ctx, const struct lpm_keys *k, uint32_t *out)
{
	struct rte_lpm *const *tl = ctx;
	const struct rte_lpm *l[PERF_BURST];
	uint32_t gip[PERF_BURST], gnh[PERF_BURST], j, i, hits = 0;
	uint8_t gi[PERF_BURST];
	uint64_t sum = 0;

	for (j = 0; j < k->n; j += PERF_BURST) {
		uint64_t todo = (UINT64_C(1) << PERF_BURST) - 1;

		for (i = 0; i < PERF_BURST; i++)
			l[i] = tl[k->tenant[j + i]];
		while (todo != 0) {
			const struct rte_lpm *g = l[__builtin_ctzll(todo)];
			uint64_t rest = todo;
			uint32_t n = 0, b;

			while (rest != 0) {
				b = (uint32_t)__builtin_ctzll(rest);
				rest &= rest - 1;
				if (l[b] == g) {
					gip[n] = k->ip4[j + b];
					gi[n++] = (uint8_t)b;
					todo &= ~(UINT64_C(1) << b);
				}
			}
			rte_lpm_lookup_bulk(g, gip, gnh, n);
			for (i = 0; i < n; i++) {
				bool hit = gnh[i] & RTE_LPM_LOOKUP_SUCCESS;
				uint32_t v = hit ? gnh[i] & 0x00ffffff :
					UINT32_MAX;

				hits += hit;
				sum += v;
				put(out, j + gi[i], v);
			}
		}
	}
	lpm_sink = sum;
	return hits;
}

__rte_noinline uint32_t
lpm_run_rte6_bulk(const void *ctx, const struct lpm_keys *k, uint32_t *out)
{
	const struct rte_lpm6 *l = ctx;
	int32_t nh[PERF_BURST];
	uint32_t j, i, hits = 0;
	uint64_t sum = 0;

	for (j = 0; j < k->n; j += PERF_BURST) {
		rte_lpm6_lookup_bulk_func(l, k->ip6 + j, nh, PERF_BURST);
		for (i = 0; i < PERF_BURST; i++) {
			uint32_t v = nh[i] >= 0 ? (uint32_t)nh[i] : UINT32_MAX;

			hits += nh[i] >= 0;
			sum += v;
			put(out, j + i, v);
		}
	}
	lpm_sink = sum;
	return hits;
}

int
lpm_check(const struct lpm_keys *k, const struct lpm_side *a,
	  const struct lpm_side *b, bool all_hit)
{
	uint32_t *oa = malloc(k->n * sizeof(*oa));
	uint32_t *ob = malloc(k->n * sizeof(*ob));
	uint32_t j, ha, hb;
	int ret = 0;

	if (oa == NULL || ob == NULL) {
		free(oa);
		free(ob);
		return -1;
	}
	ha = a->run(a->ctx, k, oa);
	hb = b != NULL ? b->run(b->ctx, k, ob) : ha;
	if (ha != hb || (all_hit && ha != k->n)) {
		printf("    FAIL: %u (%s) and %u (%s) hits of %u keys\n", ha,
		       a->name, hb, b != NULL ? b->name : "-", k->n);
		ret = -1;
	}
	for (j = 0; b != NULL && j < k->n && ret == 0; j++)
		if (oa[j] != ob[j]) {
			printf("    FAIL: key %u: next hop %u (%s), %u (%s)\n",
			       j, oa[j], a->name, ob[j], b->name);
			ret = -1;
		}
	free(oa);
	free(ob);
	return ret;
}

static double
timed(const struct lpm_side *s, const struct lpm_keys *k, int *err)
{
	uint64_t t0, t1;
	uint32_t hits;

	t0 = rte_rdtsc_precise();
	hits = s->run(s->ctx, k, NULL);
	t1 = rte_rdtsc_precise();
	if (hits != k->n)
		*err = -1;
	return (double)(t1 - t0) / k->n;
}

int
lpm_measure(const struct lpm_keys *k, const struct lpm_side *a,
	    const struct lpm_side *b, struct lpm_pair *res)
{
	uint32_t rounds = RTE_MIN(perf.rounds, 64U), r;
	double ca[64], cb[64], q[64];
	int err = 0;

	if (lpm_check(k, a, b, true) != 0)
		return -1;
	for (r = 0; r < rounds; r++) {
		if (r & 1) {
			cb[r] = timed(b, k, &err);
			ca[r] = timed(a, k, &err);
		} else {
			ca[r] = timed(a, k, &err);
			cb[r] = timed(b, k, &err);
		}
		q[r] = ca[r] / cb[r];
	}
	if (err != 0) {
		printf("    FAIL: a timed pass missed keys\n");
		return -1;
	}
	res->ratio = perf_median(q, rounds);
	res->lo = perf_quantile(q, rounds, 0.25);
	res->hi = perf_quantile(q, rounds, 0.75);
	res->a = perf_median(ca, rounds);
	res->b = perf_median(cb, rounds);
	return 0;
}

int
lpm_measure_one(const struct lpm_keys *k, const struct lpm_side *a,
		double *cycles)
{
	uint32_t rounds = RTE_MIN(perf.rounds, 64U), r;
	double c[64];
	int err = 0;

	if (lpm_check(k, a, NULL, true) != 0)
		return -1;
	for (r = 0; r < rounds; r++)
		c[r] = timed(a, k, &err);
	if (err != 0) {
		printf("    FAIL: a timed pass missed keys\n");
		return -1;
	}
	*cycles = perf_median(c, rounds);
	return 0;
}

void
lpm_row(const char *figure, bool v6, uint64_t entries, uint32_t tenants,
	const char *variant, double value, const char *unit,
	const char *baseline, double ratio, const char *target,
	const char *verdict, const char *fmt, ...)
{
	struct perf_row r;
	va_list ap;

	perf_row_init(&r, figure);
	r.inner = v6 ? "ipv6" : "ipv4";
	r.entries = entries;
	r.tenants = tenants;
	r.variant = variant;
	r.value = value;
	r.unit = unit;
	r.baseline = baseline != NULL ? baseline : "";
	r.ratio = ratio;
	r.target = target != NULL ? target : "";
	r.verdict = verdict != NULL ? verdict : "info";
	va_start(ap, fmt);
	vsnprintf(r.note, sizeof(r.note), fmt, ap);
	va_end(ap);
	perf_emit(&r);
}

const char *
lpm_verdict(double v, double limit, bool at_most)
{
	if (isnan(v))
		return "failed";
	return (at_most ? v <= limit : v >= limit) ? "met" : "MISSED";
}

double
lpm_sec(uint64_t cycles)
{
	return (double)cycles / (double)perf.tsc_hz;
}
