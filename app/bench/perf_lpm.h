/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_PERF_LPM_H
#define MIM_PERF_LPM_H

/*
 * The LPM rows of the perf suite (perf_lpm*.c): memory, build, route
 * updates, lookups and scale of MIM_TYPE_LPM, each beside rte_lpm or
 * rte_lpm6 on the same prefixes where a DPDK structure can hold them.
 * Every row comes from one deterministic generator of BGP-like prefix
 * sets (perf_lpm_gen.c), seeded from MIM_PERF_SEED. Sizes:
 *
 *   MIM_PERF_LPM_ROUTES    prefixes of the one-table rows (full: 10^6)
 *   MIM_PERF_LPM6_ROUTES   IPv6 prefixes of the IPv6 lookup (full: 10^5)
 *   MIM_PERF_LPM_TENANTS   tenants sharing the LPM_ROUTES (full: 32)
 *   MIM_PERF_LPM_SCALE     tenant tables of the scale rows (full: 10^5)
 */

#include <stdbool.h>
#include <stdint.h>

#include "perf_common.h"

struct rte_lpm;
struct rte_lpm6;
struct mim_table;

/*
 * Routes of one or more tenants: tenant t's are [t * per, (t + 1) * per),
 * distinct within the tenant, masked to their length. IPv4 addresses are
 * in host order (as rte_lpm takes them), IPv6 in network order.
 */
struct lpm_set {
	bool v6;
	uint32_t tenants;
	uint32_t per;
	uint64_t n;
	uint8_t *len;
	uint32_t *a4;
	uint8_t (*a6)[16];
	uint32_t nb_long;      /* IPv4 routes longer than /24 */
	uint64_t tbl8_v6;      /* rte_lpm6 tbl8 groups the set can need */
};

/* Generate @tenants x @per routes from @seed; -1 out of memory. */
int lpm_set_gen(struct lpm_set *s, bool v6, uint32_t tenants, uint32_t per,
		uint64_t seed);
void lpm_set_free(struct lpm_set *s);
/* The length mix, in words, for notes. */
const char *lpm_mix_text(bool v6);

/* A route's next hop: one of 1024, as routes share next hops. */
static inline uint32_t
lpm_nh(uint64_t i)
{
	return perf_mix32((uint32_t)i * 0x9e3779b1U + 0x6d696dU) & 1023U;
}

/*
 * A lookup stream: key j is in tenant[j]'s table (uniform over tenants),
 * an address inside one of its routes (uniform over routes) with random
 * host bits, so that every key has a route.
 */
struct lpm_keys {
	uint32_t n;
	uint32_t *tenant;
	uint32_t *ip4;                 /* host order */
	uint8_t (*ip6)[16];
	struct mim_lpm_key *k4;
	struct mim_lpm6_key *k6;
	const void **p_key, **p_tenant;
};

int lpm_keys_gen(struct lpm_keys *k, const struct lpm_set *s, uint32_t n,
		 uint64_t seed);
void lpm_keys_free(struct lpm_keys *k);

/* Room the tables are given beyond their routes (rules, tbl8 groups). */
#define LPM_SPARE 64

/* The set's routes into a mapinmap LPM table, tenant @t's; 0 or < 0. */
int lpm_fill_mim(int id, const struct lpm_set *s, uint32_t t);
/* The same into a new rte_lpm (rte_lpm6), sized for them; NULL on error. */
struct rte_lpm *lpm_fill_rte(const struct lpm_set *s, uint32_t t);
struct rte_lpm6 *lpm_fill_rte6(const struct lpm_set *s);

/*
 * One side of a paired lookup measurement: runs the whole stream in
 * bursts of 32 and returns the hits; writes each key's next hop to
 * out[j] (UINT32_MAX: none) when out is not NULL (the check pass).
 */
typedef uint32_t (*lpm_run_fn)(const void *ctx, const struct lpm_keys *k,
			       uint32_t *out);
struct lpm_side {
	const char *name;
	lpm_run_fn run;
	const void *ctx;
};

/* Medians of a paired measurement. */
struct lpm_pair {
	double a, b;           /* cycles per key */
	double ratio, lo, hi;  /* a / b per round: median and quartiles */
};

/*
 * The check pass: @a and @b (if not NULL) find the same next hop for
 * every key of @k, and (@all_hit) find one for every key: 0 or -1 with
 * the first difference printed.
 */
int lpm_check(const struct lpm_keys *k, const struct lpm_side *a,
	      const struct lpm_side *b, bool all_hit);
/*
 * Check that @a and @b answer every key of @k alike (and hit it), then
 * time them in alternating rounds: 0, or -1 with the reason printed.
 */
int lpm_measure(const struct lpm_keys *k, const struct lpm_side *a,
		const struct lpm_side *b, struct lpm_pair *res);
/* One side alone (no check but the hit count). */
int lpm_measure_one(const struct lpm_keys *k, const struct lpm_side *a,
		    double *cycles);

/* Runners. ctx: a const struct mim_table * (an LPM or an outer table). */
uint32_t lpm_run_mim_bulk(const void *ctx, const struct lpm_keys *k,
			  uint32_t *out);
uint32_t lpm_run_mim_nested(const void *ctx, const struct lpm_keys *k,
			    uint32_t *out);
/* ctx: a struct rte_lpm *; a struct rte_lpm ** per tenant; rte_lpm6 *. */
uint32_t lpm_run_rte_bulk(const void *ctx, const struct lpm_keys *k,
			  uint32_t *out);
uint32_t lpm_run_rte_tenants(const void *ctx, const struct lpm_keys *k,
			     uint32_t *out);
uint32_t lpm_run_rte6_bulk(const void *ctx, const struct lpm_keys *k,
			   uint32_t *out);

/* A row of an LPM figure; fmt: its note. */
void lpm_row(const char *figure, bool v6, uint64_t entries, uint32_t tenants,
	     const char *variant, double value, const char *unit,
	     const char *baseline, double ratio, const char *target,
	     const char *verdict, const char *fmt, ...)
	__attribute__((format(printf, 12, 13)));
/* "met" or "MISSED": value <= limit (at_most) or >= limit. */
const char *lpm_verdict(double v, double limit, bool at_most);

/* Seconds from TSC cycles. */
double lpm_sec(uint64_t cycles);

#endif /* MIM_PERF_LPM_H */
