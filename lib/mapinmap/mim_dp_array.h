/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_DP_ARRAY_H
#define MIM_DP_ARRAY_H

/**
 * @file
 * mapinmap data path, internal: lookups in ARRAY and ARRAY_OF_TABLES
 * tables.
 *
 * Not an API of its own: included by mim_datapath.h only, after struct
 * mim_table and the key readers it defines. Programs include
 * mim_datapath.h (or mim.h).
 */

#ifndef MIM_DATAPATH_H
#error "mim_dp_array.h is internal: include <mim_datapath.h> instead"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** @internal */
static __rte_always_inline void *
__mim_array_lookup(const struct mim_table *t, const void *key)
{
	uint32_t i = __mim_key_u32(key);

	if (unlikely(i >= t->max_entries))
		return NULL;
	/* Masked as the kernel's array map does: no out-of-bounds address
	 * even under a mispredicted bound check.
	 */
	return t->u.values + (size_t)(i & t->index_mask) * t->elem_size;
}

/** @internal */
static __rte_always_inline struct mim_table **
__mim_aot_slot(const struct mim_table *t, const void *key)
{
	uint32_t i = __mim_key_u32(key);

	if (unlikely(i >= t->max_entries))
		return NULL;
	return &t->u.slots[i & t->index_mask];
}

/** @internal */
static __rte_always_inline void *
__mim_aot_load(struct mim_table **slot)
{
	if (slot == NULL)
		return NULL;
	/* Pairs with the release store that publishes a slot in
	 * mim_array.c (aot_publish()): the inner table is initialised.
	 */
	return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}

/** @internal Bulk lookup in an array of tables: prefetch slots, then load. */
static __rte_always_inline unsigned int
__mim_aot_lookup_bulk(const struct mim_table *t, const void *keys[],
		      unsigned int n, void *values[])
{
	struct mim_table **slot[MIM_LOOKUP_BULK_MAX];
	unsigned int i, hits = 0;

	for (i = 0; i < n; i++) {
		slot[i] = __mim_aot_slot(t, keys[i]);
		if (slot[i] != NULL)
			rte_prefetch0(slot[i]);
	}
	for (i = 0; i < n; i++) {
		values[i] = __mim_aot_load(slot[i]);
		hits += values[i] != NULL;
	}
	return hits;
}

#ifdef __cplusplus
}
#endif

#endif /* MIM_DP_ARRAY_H */
