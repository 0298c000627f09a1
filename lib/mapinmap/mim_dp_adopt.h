/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_DP_ADOPT_H
#define MIM_DP_ADOPT_H

/**
 * @file
 * mapinmap data path, internal: lookups in adopted tables (RTE_HASH
 * and RTE_LPM, mim_adopt.h), with DPDK's own functions.
 *
 * Not an API of its own: included by mim_datapath.h only, after struct
 * mim_table and the key readers it defines. Programs include
 * mim_datapath.h (or mim.h).
 */

#ifndef MIM_DATAPATH_H
#error "mim_dp_adopt.h is internal: include <mim_datapath.h> instead"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Adopted tables (mim_adopt.h): the application's rte_hash and rte_lpm,
 * looked up with DPDK's own functions. Bulk and nested lookups take the
 * keys of the burst that go to one table together: one
 * rte_hash_lookup_bulk_data() or rte_lpm_lookup_bulk() per table of the
 * burst.
 */

/** @internal rte_hash: the data pointer of the key (NULL data: a miss). */
static __rte_always_inline void *
__mim_adopt_hash_lookup(const struct mim_table *t, const void *key)
{
	void *data = NULL;

	/* Lock-free readers (RW_CONCURRENCY_LF, checked at adoption):
	 * rte_hash orders the data pointer after the key for us.
	 */
	if (rte_hash_lookup_data(t->u.rte_hash, key, &data) < 0)
		return NULL;
	return data;
}

/** @internal rte_lpm: the value of a next hop, or NULL. */
static __rte_always_inline void *
__mim_adopt_nh_value(const struct mim_table *t, uint32_t nh)
{
	if (unlikely(nh >= t->nb_nh_values))
		return NULL;
	return t->lpm_values + (size_t)nh * t->value_size;
}

/** @internal rte_lpm: the value of the longest prefix of the address. */
static __rte_always_inline void *
__mim_adopt_lpm_lookup(const struct mim_table *t, const void *key)
{
	uint32_t nh;

	if (rte_lpm_lookup(t->u.rte_lpm, __mim_lpm_key_ip(key), &nh) != 0)
		return NULL;
	return __mim_adopt_nh_value(t, nh);
}

/**
 * @internal The keys of the burst still to look up (bits of todo) whose
 * table is the first one's: their indexes in idx, the table returned.
 */
static __rte_always_inline const struct mim_table *
__mim_adopt_group(const struct mim_table *const tbl[], size_t tstride,
		  uint64_t *todo, uint8_t idx[], unsigned int *m)
{
	const struct mim_table *t = tbl[rte_bsf64(*todo) * tstride];
	uint64_t rest;
	unsigned int j;

	*m = 0;
	for (rest = *todo; rest != 0; rest &= rest - 1) {
		j = rte_bsf64(rest);
		if (tbl[j * tstride] == t) {
			idx[(*m)++] = (uint8_t)j;
			*todo &= ~(UINT64_C(1) << j);
		}
	}
	return t;
}

/** @internal Keys whose table is not NULL, as a mask; values cleared. */
static __rte_always_inline uint64_t
__mim_adopt_todo(const struct mim_table *const tbl[], size_t tstride,
		 unsigned int n, void *values[])
{
	uint64_t todo = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		values[i] = NULL;
		if (tbl[i * tstride] != NULL)
			todo |= UINT64_C(1) << i;
	}
	return todo;
}

/**
 * @internal rte_hash lookups of keys in any tables (tbl[i * tstride] for
 * key i, NULL: miss): one rte_hash_lookup_bulk_data() per table.
 */
static __rte_always_inline unsigned int
__mim_adopt_hash_lookup_multi(const struct mim_table *const tbl[],
			      size_t tstride, const void *keys[],
			      unsigned int n, void *values[])
{
	const void *k[MIM_LOOKUP_BULK_MAX];
	void *data[MIM_LOOKUP_BULK_MAX];
	uint8_t idx[MIM_LOOKUP_BULK_MAX];
	uint64_t todo = __mim_adopt_todo(tbl, tstride, n, values), hit;
	unsigned int j, m, hits = 0;

	while (todo != 0) {
		const struct mim_table *t =
			__mim_adopt_group(tbl, tstride, &todo, idx, &m);

		for (j = 0; j < m; j++)
			k[j] = keys[idx[j]];
		hit = 0;
		if (rte_hash_lookup_bulk_data(t->u.rte_hash, k, m, &hit,
					      data) < 0)
			continue;
		for (j = 0; j < m; j++) {
			if (!(hit >> j & 1) || data[j] == NULL)
				continue;
			values[idx[j]] = data[j];
			hits++;
		}
	}
	return hits;
}

/**
 * @internal rte_lpm lookups of keys in any tables, as
 * __mim_adopt_hash_lookup_multi(): one rte_lpm_lookup_bulk() per table.
 */
static __rte_always_inline unsigned int
__mim_adopt_lpm_lookup_multi(const struct mim_table *const tbl[],
			     size_t tstride, const void *keys[],
			     unsigned int n, void *values[])
{
	uint32_t ip[MIM_LOOKUP_BULK_MAX], nh[MIM_LOOKUP_BULK_MAX];
	uint8_t idx[MIM_LOOKUP_BULK_MAX];
	uint64_t todo = __mim_adopt_todo(tbl, tstride, n, values);
	unsigned int j, m, hits = 0;

	while (todo != 0) {
		const struct mim_table *t =
			__mim_adopt_group(tbl, tstride, &todo, idx, &m);

		for (j = 0; j < m; j++)
			ip[j] = __mim_lpm_key_ip(keys[idx[j]]);
		rte_lpm_lookup_bulk(t->u.rte_lpm, ip, nh, m);
		for (j = 0; j < m; j++) {
			/* Raw entries: the flag, then 24 bits of next hop. */
			if (!(nh[j] & RTE_LPM_LOOKUP_SUCCESS))
				continue;
			values[idx[j]] = __mim_adopt_nh_value(t,
							      nh[j] & 0x00ffffff);
			hits += values[idx[j]] != NULL;
		}
	}
	return hits;
}

#ifdef __cplusplus
}
#endif

#endif /* MIM_DP_ADOPT_H */
