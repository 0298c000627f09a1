/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_DP_PERCPU_H
#define MIM_DP_PERCPU_H

/**
 * @file
 * mapinmap data path, internal: lookups in PERCPU_ARRAY tables, built
 * on the array lookups of mim_dp_array.h.
 *
 * Not an API of its own: included by mim_datapath.h only, after struct
 * mim_table and the key readers it defines. Programs include
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

#ifdef __cplusplus
}
#endif

#endif /* MIM_DP_PERCPU_H */
