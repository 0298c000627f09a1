/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_DP_LRU_H
#define MIM_DP_LRU_H

/**
 * @file
 * mapinmap data path, internal: lookups in LRU_HASH tables, the HASH
 * lookups of mim_dp_hash.h where a hit marks its key used.
 *
 * Not an API of its own: included by mim_datapath.h only, after struct
 * mim_table and mim_dp_hash.h. Programs include mim_datapath.h (or mim.h).
 */

#ifndef MIM_DATAPATH_H
#error "mim_dp_lru.h is internal: include <mim_datapath.h> instead"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @internal LRU_HASH: mark the key of a value found (NULL: a miss) used.
 * Each preallocated value object has a "referenced" byte in lru_refs, a
 * dense array (one byte per object, so that it stays in cache where the
 * objects would not), found from the value's address with a subtraction
 * and a shift. The byte is written only when it is not set yet, with a
 * plain store: a key in use costs one load, and no cache line is written
 * again and again by every lcore that looks it up. The writer reads and
 * clears it when it looks for a key to evict (mim_lru.c); a store racing
 * with that clearing is seen on the writer's next pass, or lost, which at
 * worst evicts a key that was just used.
 */
static __rte_always_inline void *
__mim_lru_mark(const struct mim_table *t, void *v)
{
	uintptr_t i;

	if (v == NULL)
		return NULL;
	i = ((uintptr_t)v - t->lru_base) >> t->lru_shift;
	/* Relaxed, pairs with nothing: a hint, not a synchronisation. */
	if (likely(i < t->lru_nb_objs) &&
	    __atomic_load_n(&t->lru_refs[i], __ATOMIC_RELAXED) == 0)
		__atomic_store_n(&t->lru_refs[i], 1, __ATOMIC_RELAXED);
	return v;
}

/** @internal LRU_HASH: one key. */
static __rte_always_inline void *
__mim_lru_lookup(const struct mim_table *t, const void *key)
{
	return __mim_lru_mark(t, __mim_hash_lookup(t, key));
}

/**
 * @internal LRU_HASH bulk, one table: HASH's bulk lookup, then every hit
 * marked, in a loop of its own (the marks do not wait for the probes).
 */
static __rte_always_inline unsigned int
__mim_lru_lookup_bulk(const struct mim_table *t, const void *keys[],
		      unsigned int n, void *values[])
{
	unsigned int hits, i;

	if (t->key_size <= 8)
		hits = __mim_hash_lookup_multi(&t, 0, keys, n, values, 0, 1);
	else
		hits = __mim_hash_lookup_multi(&t, 0, keys, n, values, 0, 0);
	for (i = 0; i < n; i++)
		__mim_lru_mark(t, values[i]);
	return hits;
}

/** @internal LRU_HASH: the inner level of a two-level lookup. */
static __rte_always_inline unsigned int
__mim_lru_lookup_inner(const struct mim_table *const inner[], int same,
		       const void *keys[], unsigned int n, void *values[])
{
	unsigned int hits = __mim_hash_lookup_inner(inner, same, keys, n,
						     values), i;

	for (i = 0; i < n; i++)
		__mim_lru_mark(inner[i], values[i]);
	return hits;
}

#ifdef __cplusplus
}
#endif

#endif /* MIM_DP_LRU_H */
