/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * What-if prototype for the lookup analysis; NOT part of mapinmap.
 *
 * The two-level bulk lookup through per-tenant rte_hash tables cannot keep
 * 32 cache misses in flight when a burst's keys belong to many tables:
 * rte_hash pipelines (hash, prefetch bucket, compare) only within one
 * rte_hash_lookup_bulk call, i.e. within one table. This prototype asks
 * what a table type designed for nesting would give: a bucketized
 * linear-probing hash (4 slots of key + value pointer per 64-byte bucket,
 * keys and value pointers inline, at most 75% full, heap memory and no memzone), whose bulk
 * lookup runs each stage for all 32 keys whatever table they belong to:
 * resolve and prefetch the inner tables' headers, hash and prefetch the
 * home buckets, then compare. The same code on one flat table with
 * (tenant, key) keys separates the gain of the table design from the cost
 * of nesting. Inserts only; enough to look up.
 */

#include <stdint.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "perf_common.h"

#define XT_SLOTS 4

struct xt_bucket {
	uint64_t key[XT_SLOTS];
	const void *val[XT_SLOTS];   /* NULL: free; slots fill in order */
} __rte_cache_aligned;

struct perf_xt {
	uint32_t mask;             /* buckets - 1 */
	uint32_t seed;
	struct xt_bucket *b;
} __rte_cache_aligned;

struct perf_xt *
perf_xt_create(uint32_t entries)
{
	uint32_t nb = rte_align32pow2(RTE_MAX((entries + 2) / 3, 1U));
	struct perf_xt *x = rte_zmalloc("perf_xt", sizeof(*x),
					RTE_CACHE_LINE_SIZE);

	if (x == NULL)
		return NULL;
	x->mask = nb - 1;
	x->seed = 0x5eed;
	x->b = rte_zmalloc("perf_xt_b", (size_t)nb * sizeof(*x->b),
			   RTE_CACHE_LINE_SIZE);
	if (x->b == NULL) {
		perf_xt_free(x);
		return NULL;
	}
	return x;
}

void
perf_xt_free(struct perf_xt *x)
{
	if (x == NULL)
		return;
	rte_free(x->b);
	rte_free(x);
}

static inline uint32_t
xt_hash(const struct perf_xt *x, uint64_t key)
{
	return rte_hash_crc_8byte(key, x->seed);
}

int
perf_xt_add(struct perf_xt *x, uint64_t key, const uint64_t *val)
{
	uint32_t i = xt_hash(x, key) & x->mask, n, s;

	for (n = 0; n <= x->mask; n++, i = (i + 1) & x->mask)
		for (s = 0; s < XT_SLOTS; s++)
			if (x->b[i].val[s] == NULL) {
				x->b[i].key[s] = key;
				x->b[i].val[s] = val;
				return 0;
			}
	return -1;
}

/* From the home bucket on; the first free slot ends the chain. */
static __rte_always_inline const void *
xt_find(const struct perf_xt *x, const struct xt_bucket *bk, uint64_t key)
{
	uint32_t i = (uint32_t)(bk - x->b), s;

	for (;;) {
		for (s = 0; s < XT_SLOTS; s++) {
			if (bk->val[s] == NULL)
				return NULL;
			if (bk->key[s] == key)
				return bk->val[s];
		}
		i = (i + 1) & x->mask;
		bk = &x->b[i];
	}
}

uint32_t
perf_run_xt_nested(const struct world *w, const struct stream *s, void **sink,
		   uint32_t step)
{
	const struct perf_xt *t[PERF_BURST];
	const struct xt_bucket *bk[PERF_BURST];
	uint64_t k[PERF_BURST];
	uint32_t j, i, hits = 0;

	for (j = 0; j < s->n; j += PERF_BURST, sink += step) {
		/* Outer level: the tenants' tables (a pointer array). */
		for (i = 0; i < PERF_BURST; i++) {
			t[i] = w->xt[*(const uint32_t *)s->p_tenant[j + i]];
			rte_prefetch0(t[i]);
		}
		/* Every key's home bucket, whatever its table. */
		for (i = 0; i < PERF_BURST; i++) {
			k[i] = *(const uint32_t *)s->p_key[j + i];
			bk[i] = &t[i]->b[xt_hash(t[i], k[i]) & t[i]->mask];
			rte_prefetch0(bk[i]);
		}
		for (i = 0; i < PERF_BURST; i++) {
			sink[i] = (void *)(uintptr_t)xt_find(t[i], bk[i], k[i]);
			hits += sink[i] != NULL;
		}
	}
	return hits;
}

uint32_t
perf_run_xt_flat(const struct world *w, const struct stream *s, void **sink,
		 uint32_t step)
{
	const struct perf_xt *x = w->xflat;
	const struct xt_bucket *bk[PERF_BURST];
	uint64_t k[PERF_BURST];
	uint32_t j, i, hits = 0;

	for (j = 0; j < s->n; j += PERF_BURST, sink += step) {
		for (i = 0; i < PERF_BURST; i++) {
			const struct flat_key *f = s->p_flat[j + i];

			k[i] = ((uint64_t)f->tenant << 32) | f->key;
			bk[i] = &x->b[xt_hash(x, k[i]) & x->mask];
			rte_prefetch0(bk[i]);
		}
		for (i = 0; i < PERF_BURST; i++) {
			sink[i] = (void *)(uintptr_t)xt_find(x, bk[i], k[i]);
			hits += sink[i] != NULL;
		}
	}
	return hits;
}
