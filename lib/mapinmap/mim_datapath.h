/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_DATAPATH_H
#define MIM_DATAPATH_H

/**
 * @file
 * mapinmap data path: lock-free lookups, inline.
 *
 * **Who may call.** A thread that is registered and online on every QSBR
 * variable attached with mim_rcu_qsbr_add() (when none is attached: any
 * thread, while no control-plane call runs concurrently). These functions
 * take no lock, never block, never log, and allocate nothing.
 *
 * **Lifetime of what they return.** A value pointer, or an inner table
 * pointer found in an outer table, stays valid until the calling thread next
 * reports a quiescent state (rte_rcu_qsbr_quiescent()) or goes offline. The
 * table passed in must be held: by a handle reference of the application
 * (the pointer came from mim_table()), or, for an inner table, by the outer
 * slot it was just found in, under the rule above.
 *
 * **What they see.** Each lookup sees a table as some control-plane call
 * left it: an outer slot or a hash value is published with a release store
 * and read here with an acquire (or dependency-ordered) load, so a new inner
 * table or value is seen fully initialised. ARRAY values are written in
 * place, so a lookup racing with an update of the same index may read a mix
 * of old and new bytes.
 *
 * **Argument checks** (NULL pointers, n above #MIM_LOOKUP_BULK_MAX) compile
 * away unless MIM_DATAPATH_DEBUG is defined, as DPDK's fast paths do.
 *
 * The dispatch on the table type is a switch in this header: there are no
 * function pointers in table memory, so the functions can be inlined and
 * stay usable from a secondary process.
 */

#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_debug.h>
#include <rte_hash.h>
#include <rte_lpm.h>
#include <rte_prefetch.h>

#include <mim.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most keys per bulk lookup call. */
#define MIM_LOOKUP_BULK_MAX 64

/**
 * Data-path view of a table.
 *
 * The fields are private to the library: they are visible only so that the
 * lookups below can be inlined. Applications obtain a pointer with
 * mim_table() or from an outer table's lookup and never write through it.
 */
struct mim_table {
	uint32_t type;        /**< enum mim_type */
	uint32_t key_size;    /**< Key size in bytes. */
	uint32_t value_size;  /**< Value size in bytes. */
	uint32_t max_entries; /**< Capacity. */
	/** Arrays: roundup_pow2(max_entries) - 1, masks speculative indexes. */
	uint32_t index_mask;
	/** ARRAY and LPM: stride of value slots (value_size rounded up to 8). */
	uint32_t elem_size;
	/** Outer tables: type of every inner table (from the template). */
	uint32_t inner_type;
	/** LPM: 1 + value slot of the /0 route, or 0 (rte_lpm has no /0). */
	uint32_t lpm_default;
	/** Backing store, by type. */
	union {
		uint8_t *values;           /**< ARRAY: elements. */
		struct mim_table **slots;  /**< ARRAY_OF_TABLES: inner tables. */
		struct rte_hash *hash;     /**< HASH and HASH_OF_TABLES. */
		struct rte_lpm *lpm;       /**< LPM: next hop = value slot index. */
	} u;
	/** LPM: value slots, indexed by rte_lpm's next hop. */
	uint8_t *lpm_values;
};

#ifdef MIM_DATAPATH_DEBUG
#define __MIM_DP_CHECK(cond) RTE_VERIFY(cond)
#else
#define __MIM_DP_CHECK(cond) do { } while (0)
#endif

/** @internal u32 key at any alignment. */
static __rte_always_inline uint32_t
__mim_key_u32(const void *key)
{
	uint32_t v;

	memcpy(&v, key, sizeof(v));
	return v;
}

/** @internal IPv4 address of an LPM key, in host order. */
static __rte_always_inline uint32_t
__mim_lpm_key_ip(const void *key)
{
	const uint8_t *p = key;
	rte_be32_t a;

	/* Hide where key points (as the kernel's RELOC_HIDE): the type
	 * switch inlines this path into callers that pass 4-byte keys to
	 * tables of other types, and GCC's -Warray-bounds would flag this
	 * read that cannot happen for them.
	 */
	__asm__("" : "+r" (p));
	/* struct mim_lpm_key: u32 prefixlen, then the address. */
	memcpy(&a, p + 4, sizeof(a));
	return rte_be_to_cpu_32(a);
}

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

/** @internal */
static __rte_always_inline void *
__mim_hash_lookup(const struct mim_table *t, const void *key)
{
	void *data;

	/* rte_hash in RW_CONCURRENCY_LF mode loads the data pointer with
	 * acquire ordering, pairing with the release store of
	 * rte_hash_add_key_data() in mim_hash.c.
	 */
	if (rte_hash_lookup_data(t->u.hash, key, &data) < 0)
		return NULL;
	return data;
}

/** @internal */
static __rte_always_inline void *
__mim_lpm_lookup(const struct mim_table *t, const void *key)
{
	uint32_t nh;

	if (rte_lpm_lookup(t->u.lpm, __mim_lpm_key_ip(key), &nh) != 0) {
		/* Pairs with the release store of the /0 route in
		 * mim_lpm.c (lpm_set_default()): its slot is written.
		 */
		nh = __atomic_load_n(&t->lpm_default, __ATOMIC_ACQUIRE);
		if (nh == 0)
			return NULL;
		nh--;
	}
	return t->lpm_values + (size_t)nh * t->elem_size;
}

/**
 * Look up one key.
 *
 * On an LPM table the whole 32-bit address is matched (prefixlen is not
 * read): the data path always finds the longest prefix. Use
 * mim_lookup_elem() for a match bounded by prefixlen.
 *
 * @param t
 *   Table (held; see the file overview).
 * @param key
 *   Key of key_size bytes; u32 index for arrays, struct mim_lpm_key for LPM.
 * @return
 *   Pointer to the value; on an outer table, the inner struct mim_table.
 *   NULL on a miss (absent key, empty slot, index out of range).
 * @par Concurrency
 * - **Threads:** a thread registered and online on every attached QSBR
 *   variable (with none attached: any thread, while no control-plane call
 *   runs). Takes no lock; wait-free apart from rte_hash's retry on a
 *   concurrent key move; never blocks, never logs, allocates nothing.
 * - **RCU:** online; the table held by a handle of the application, or found
 *   in an outer slot since the thread's last quiescent state.
 * - **Ordering:** outer slots and hash values are loaded with acquire (or
 *   dependency) ordering, paired with the release store that published them.
 *   ARRAY values are read in place: a racing update of the same index may
 *   show a mix of old and new bytes.
 * - **Memory reuse:** the pointer returned (a value, or an inner table) is
 *   valid until the thread's next rte_rcu_qsbr_quiescent() or
 *   rte_rcu_qsbr_thread_offline().
 */
static inline void *
mim_lookup(const struct mim_table *t, const void *key)
{
	__MIM_DP_CHECK(t != NULL && key != NULL);

	switch (t->type) {
	case MIM_TYPE_ARRAY:
		return __mim_array_lookup(t, key);
	case MIM_TYPE_ARRAY_OF_TABLES:
		return __mim_aot_load(__mim_aot_slot(t, key));
	case MIM_TYPE_HASH:
	case MIM_TYPE_HASH_OF_TABLES:
		return __mim_hash_lookup(t, key);
	case MIM_TYPE_LPM:
		return __mim_lpm_lookup(t, key);
	default:
		return NULL;
	}
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

/** @internal Bulk lookup in one rte_hash; misses become NULL. */
static __rte_always_inline unsigned int
__mim_hash_lookup_bulk(const struct mim_table *t, const void *keys[],
		       unsigned int n, void *values[])
{
	uint64_t hit_mask = 0;
	unsigned int i;

	if (n == 1) {
		values[0] = __mim_hash_lookup(t, keys[0]);
		return values[0] != NULL;
	}
	/* Same ordering as __mim_hash_lookup(). */
	rte_hash_lookup_bulk_data(t->u.hash, keys, n, &hit_mask, values);
	for (i = 0; i < n; i++)
		if (!(hit_mask & (UINT64_C(1) << i)))
			values[i] = NULL;
	return (unsigned int)__builtin_popcountll(hit_mask);
}

/**
 * @internal LPM lookups, each key in its own table (or all in one):
 * prefetch every tbl24 entry, then resolve.
 */
static __rte_always_inline unsigned int
__mim_lpm_lookup_multi(const struct mim_table *const tbl[], size_t tstride,
		       const void *keys[], unsigned int n, void *values[])
{
	unsigned int i, hits = 0;

	for (i = 0; i < n; i++) {
		const struct mim_table *t = tbl[i * tstride];

		if (t != NULL)
			rte_prefetch0(&t->u.lpm->tbl24[__mim_lpm_key_ip(keys[i]) >> 8]);
	}
	for (i = 0; i < n; i++) {
		const struct mim_table *t = tbl[i * tstride];

		values[i] = t != NULL ? __mim_lpm_lookup(t, keys[i]) : NULL;
		hits += values[i] != NULL;
	}
	return hits;
}

/**
 * Look up several keys in one table.
 *
 * @param t
 *   Table (held; see the file overview).
 * @param keys
 *   n keys.
 * @param n
 *   1 to #MIM_LOOKUP_BULK_MAX.
 * @param values
 *   Output: values[i] as mim_lookup(t, keys[i]) would return it.
 * @return
 *   Number of hits.
 * @par Concurrency
 * - **Threads:** as mim_lookup().
 * - **RCU:** as mim_lookup().
 * - **Ordering:** as mim_lookup(), for each key.
 * - **Memory reuse:** each pointer in @p values as mim_lookup(); @p keys and
 *   @p values belong to the caller on return.
 */
static inline unsigned int
mim_lookup_bulk(const struct mim_table *t, const void *keys[], unsigned int n,
		void *values[])
{
	unsigned int i, hits = 0;

	__MIM_DP_CHECK(t != NULL && keys != NULL && values != NULL &&
		       n >= 1 && n <= MIM_LOOKUP_BULK_MAX);

	switch (t->type) {
	case MIM_TYPE_ARRAY:
		for (i = 0; i < n; i++) {
			values[i] = __mim_array_lookup(t, keys[i]);
			if (values[i] != NULL) {
				rte_prefetch0(values[i]);
				hits++;
			}
		}
		return hits;
	case MIM_TYPE_ARRAY_OF_TABLES:
		return __mim_aot_lookup_bulk(t, keys, n, values);
	case MIM_TYPE_HASH:
	case MIM_TYPE_HASH_OF_TABLES:
		return __mim_hash_lookup_bulk(t, keys, n, values);
	case MIM_TYPE_LPM:
		return __mim_lpm_lookup_multi(&t, 0, keys, n, values);
	default:
		for (i = 0; i < n; i++)
			values[i] = NULL;
		return 0;
	}
}

/**
 * @internal Inner hash lookups where keys belong to several tables: one
 * rte_hash bulk lookup per distinct table, so rte_hash prefetches buckets.
 */
static __rte_always_inline unsigned int
__mim_hash_lookup_grouped(const struct mim_table *const inner[],
			  const void *keys[], unsigned int n, void *values[])
{
	const void *gkeys[MIM_LOOKUP_BULK_MAX];
	void *gvals[MIM_LOOKUP_BULK_MAX];
	uint8_t gidx[MIM_LOOKUP_BULK_MAX];
	uint64_t todo = 0;
	unsigned int i, hits = 0;

	for (i = 0; i < n; i++) {
		values[i] = NULL;
		if (inner[i] != NULL)
			todo |= UINT64_C(1) << i;
	}
	while (todo != 0) {
		unsigned int first = (unsigned int)__builtin_ctzll(todo);
		const struct mim_table *t = inner[first];
		uint64_t rest = todo;
		unsigned int g = 0;

		while (rest != 0) {
			unsigned int j = (unsigned int)__builtin_ctzll(rest);

			rest &= rest - 1;
			if (inner[j] == t) {
				gkeys[g] = keys[j];
				gidx[g++] = (uint8_t)j;
				todo &= ~(UINT64_C(1) << j);
			}
		}
		hits += __mim_hash_lookup_bulk(t, gkeys, g, gvals);
		for (i = 0; i < g; i++)
			values[gidx[i]] = gvals[i];
	}
	return hits;
}

/**
 * Two-level bulk lookup: for each i, find the inner table at outer_keys[i]
 * in @p outer, then inner_keys[i] in that inner table.
 *
 * Outer slots are prefetched (or looked up in bulk by rte_hash) first, then
 * the inner tables' headers, then their buckets or tbl24 entries, before any
 * inner lookup completes. Keys that share an inner hash table are looked up
 * with one rte_hash bulk call.
 *
 * @param outer
 *   An ARRAY_OF_TABLES or HASH_OF_TABLES table (held).
 * @param outer_keys
 *   n outer keys.
 * @param inner_keys
 *   n inner keys, of the template's key type.
 * @param n
 *   1 to #MIM_LOOKUP_BULK_MAX.
 * @param values
 *   Output: values[i] is the inner value, or NULL when either level misses.
 * @param outer_miss
 *   If not NULL, set to a mask with bit i set when outer_keys[i] found no
 *   inner table (an unknown tenant, say).
 * @return
 *   Number of keys found at both levels.
 * @par Concurrency
 * - **Threads:** as mim_lookup().
 * - **RCU:** as mim_lookup(); @p outer held by a handle of the application.
 * - **Ordering:** as mim_lookup(), at both levels.
 * - **Memory reuse:** each pointer in @p values as mim_lookup(); the inner
 *   tables found are used within the call only.
 */
static inline unsigned int
mim_lookup_nested_bulk(const struct mim_table *outer, const void *outer_keys[],
		       const void *inner_keys[], unsigned int n, void *values[],
		       uint64_t *outer_miss)
{
	const struct mim_table *inner[MIM_LOOKUP_BULK_MAX];
	uint64_t miss = 0;
	unsigned int i, hits = 0;

	__MIM_DP_CHECK(outer != NULL && outer_keys != NULL &&
		       inner_keys != NULL && values != NULL &&
		       n >= 1 && n <= MIM_LOOKUP_BULK_MAX &&
		       (outer->type == MIM_TYPE_ARRAY_OF_TABLES ||
			outer->type == MIM_TYPE_HASH_OF_TABLES));

	if (outer->type == MIM_TYPE_ARRAY_OF_TABLES)
		__mim_aot_lookup_bulk(outer, outer_keys, n, (void **)inner);
	else
		__mim_hash_lookup_bulk(outer, outer_keys, n, (void **)inner);

	for (i = 0; i < n; i++) {
		if (inner[i] == NULL)
			miss |= UINT64_C(1) << i;
		else
			rte_prefetch0(inner[i]);
	}
	if (outer_miss != NULL)
		*outer_miss = miss;

	switch (outer->inner_type) {
	case MIM_TYPE_ARRAY:
		for (i = 0; i < n; i++) {
			values[i] = inner[i] != NULL ?
				__mim_array_lookup(inner[i], inner_keys[i]) : NULL;
			if (values[i] != NULL) {
				rte_prefetch0(values[i]);
				hits++;
			}
		}
		return hits;
	case MIM_TYPE_LPM:
		return __mim_lpm_lookup_multi(inner, 1, inner_keys, n, values);
	case MIM_TYPE_HASH:
		return __mim_hash_lookup_grouped(inner, inner_keys, n, values);
	default:
		for (i = 0; i < n; i++)
			values[i] = NULL;
		return 0;
	}
}

#ifdef __cplusplus
}
#endif

#endif /* MIM_DATAPATH_H */
