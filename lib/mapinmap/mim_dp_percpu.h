/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_DP_PERCPU_H
#define MIM_DP_PERCPU_H

/**
 * @file
 * mapinmap data path, internal: lookups in PERCPU_ARRAY tables, built
 * on the array lookups of mim_dp_array.h, and in PERCPU_HASH tables,
 * built on the hash lookups of mim_dp_hash.h.
 *
 * Not an API of its own: included by mim_datapath.h only, after struct
 * mim_table, the key readers it defines and mim_dp_hash.h. Programs include
 * mim_datapath.h (or mim.h).
 */

#ifndef MIM_DATAPATH_H
#error "mim_dp_percpu.h is internal: include <mim_datapath.h> instead"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @internal PERCPU_ARRAY: the calling lcore's copy of a value, or NULL
 * (index out of range; a thread without an lcore ID has no copy).
 */
static __rte_always_inline void *
__mim_percpu_lookup(const struct mim_table *t, const void *key)
{
	unsigned int lcore = rte_lcore_id();
	uint8_t *v = __mim_array_lookup(t, key);

	if (unlikely(lcore >= RTE_MAX_LCORE) || v == NULL)
		return NULL;
	return v + (size_t)lcore * t->percpu_stride;
}

/** @internal PERCPU_ARRAY bulk: the values prefetched, hits counted. */
static __rte_always_inline unsigned int
__mim_percpu_lookup_multi(const struct mim_table *const tbl[], size_t tstride,
			  const void *keys[], unsigned int n, void *values[])
{
	unsigned int i, hits = 0;

	for (i = 0; i < n; i++) {
		const struct mim_table *t = tbl[i * tstride];

		values[i] = t != NULL ? __mim_percpu_lookup(t, keys[i]) : NULL;
		if (values[i] != NULL) {
			rte_prefetch0(values[i]);
			hits++;
		}
	}
	return hits;
}

/**
 * @internal PERCPU_HASH: the calling lcore's copy in a value object found
 * (v NULL: a miss), or NULL for a thread without an lcore ID. The copies
 * are percpu_stride bytes apart (mim_percpu_hash.c).
 */
static __rte_always_inline void *
__mim_pch_copy(const struct mim_table *t, void *v, unsigned int lcore)
{
	if (unlikely(lcore >= RTE_MAX_LCORE) || v == NULL)
		return NULL;
	return (uint8_t *)v + (size_t)lcore * t->percpu_stride;
}

/** @internal PERCPU_HASH: one key. */
static __rte_always_inline void *
__mim_pch_lookup(const struct mim_table *t, const void *key)
{
	return __mim_pch_copy(t, __mim_hash_lookup(t, key), rte_lcore_id());
}

/**
 * @internal PERCPU_HASH, after a HASH bulk lookup in tables tbl[i *
 * tstride]: each hit turned into the calling lcore's copy.
 */
static __rte_always_inline unsigned int
__mim_pch_finish(const struct mim_table *const tbl[], size_t tstride,
		 unsigned int n, void *values[], unsigned int hits)
{
	unsigned int lcore = rte_lcore_id(), i;

	if (unlikely(lcore >= RTE_MAX_LCORE))
		hits = 0;
	for (i = 0; i < n; i++)
		values[i] = __mim_pch_copy(tbl[i * tstride], values[i], lcore);
	return hits;
}

/** @internal PERCPU_HASH bulk, one table. */
static __rte_always_inline unsigned int
__mim_pch_lookup_bulk(const struct mim_table *t, const void *keys[],
		      unsigned int n, void *values[])
{
	unsigned int hits;

	if (t->key_size <= 8)
		hits = __mim_hash_lookup_multi(&t, 0, keys, n, values, 0, 1);
	else
		hits = __mim_hash_lookup_multi(&t, 0, keys, n, values, 0, 0);
	return __mim_pch_finish(&t, 0, n, values, hits);
}

/** @internal PERCPU_HASH: the inner level of a two-level lookup. */
static __rte_always_inline unsigned int
__mim_pch_lookup_inner(const struct mim_table *const inner[], int same,
		       const void *keys[], unsigned int n, void *values[])
{
	unsigned int hits = __mim_hash_lookup_inner(inner, same, keys, n,
						     values);

	return __mim_pch_finish(inner, 1, n, values, hits);
}

#ifdef __cplusplus
}
#endif

#endif /* MIM_DP_PERCPU_H */
