/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_DATAPATH_H
#define MIM_DATAPATH_H

/**
 * @file
 * mapinmap data path: lock-free lookups, inline.
 *
 * @par Data-path contract
 * What every function here guarantees; its Concurrency paragraph
 * (\@dp_contract) lists only what differs:
 * - **Threads:** a thread registered and online on every QSBR variable
 *   attached with mim_rcu_qsbr_add() (with none attached: any thread,
 *   while no control-plane call runs concurrently). These functions take
 *   no lock, never log, allocate nothing and never wait for the writer: a
 *   hash lookup that misses while the writer moves keys between buckets
 *   looks again; it does not wait for a move in progress.
 * - **RCU:** online. The table passed in is held: by a handle reference
 *   of the application (the pointer came from mim_table()), or, for an
 *   inner table, by the outer slot it was found in since the thread's last
 *   quiescent state.
 * - **Ordering:** each lookup sees a table as some control-plane call left
 *   it: an outer slot or a hash value is published with a release store and
 *   read here with an acquire (or dependency-ordered) load, so a new inner
 *   table or value is seen fully initialised. ARRAY values are written in
 *   place, so a lookup racing with an update of the same index may read a
 *   mix of old and new bytes.
 * - **Memory reuse:** a value pointer, or an inner table pointer found in
 *   an outer table, stays valid until the calling thread next reports a
 *   quiescent state (rte_rcu_qsbr_quiescent()) or goes offline
 *   (rte_rcu_qsbr_thread_offline()).
 *
 * **Writing through a value pointer** (per-flow counters, as BPF programs
 * do), within its value_size bytes, which start 8-byte aligned. ARRAY: the
 * value lives in place; writes are seen by other readers and by
 * mim_lookup_elem(), with no atomicity beyond the caller's own atomics
 * (mim_lookup_elem() copies bytes, and may copy a value half-written); a
 * racing mim_update_elem() of the same index is the application's problem,
 * as in the kernel. PERCPU_ARRAY: the value is the calling lcore's own
 * copy (copies of different lcores never share a cache line), so counters
 * need no atomics while only that lcore writes them; mim_lookup_elem()
 * reads every lcore's copy, mim_update_elem() overwrites them all.
 * PERCPU_HASH: the calling lcore's copy of the key's value, likewise, as
 * long as the key keeps its value object (as HASH below). LRU_HASH: as
 * HASH; an eviction unpublishes the object as a delete does.
 * HASH (preallocated or #MIM_F_NO_PREALLOC alike): the
 * same while the key keeps its value object; mim_update_elem() publishes a
 * new object, and writes to the old one (valid until the reading thread's
 * next quiescent state) are lost. LPM: forbidden; routes with equal values
 * share one value slot, indexed by its bytes: a write would change every
 * such route and corrupt the index. Outer tables: never write through the
 * inner table pointer. Adopted tables (mim_adopt.h): the values are the
 * application's objects, written as the application decides.
 *
 * **Argument checks** (NULL pointers, n above #MIM_LOOKUP_BULK_MAX) compile
 * away unless MIM_DATAPATH_DEBUG is defined, as DPDK's fast paths do.
 *
 * The dispatch on the table type is a switch in this header: there are no
 * function pointers in table memory, so the functions can be inlined and
 * stay usable from a secondary process (but for adopted rte_hash tables,
 * whose lookups call rte_hash's hash function through its pointer).
 * Each type's layout and inline helpers are in an internal header that
 * this one includes: mim_dp_array.h (ARRAY, ARRAY_OF_TABLES),
 * mim_dp_percpu.h (PERCPU_ARRAY, PERCPU_HASH), mim_dp_adopt.h (RTE_HASH,
 * RTE_LPM), mim_dp_hash.h (HASH, HASH_OF_TABLES), mim_dp_lru.h (LRU_HASH)
 * and mim_dp_lpm.h.
 */

#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_debug.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
/* No longer used here; kept for programs that came to rely on it. */
#include <rte_lpm.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include <mim.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most keys per bulk lookup call. */
#define MIM_LOOKUP_BULK_MAX 64

/* The layouts of the table types, defined in their own headers below. */
struct mim_hbucket;
struct mim_lpm_root;

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
	/**
	 * Arrays: roundup_pow2(max_entries) - 1, masks speculative indexes.
	 * Hash tables: number of buckets - 1.
	 */
	uint32_t index_mask;
	/**
	 * ARRAY and LPM: stride of value slots (value_size rounded up to 8).
	 * Hash tables with keys over 8 bytes: the key's offset before the
	 * value (key_size rounded up to 8).
	 */
	uint32_t elem_size;
	/** Outer tables: type of every inner table (from the template). */
	uint32_t inner_type;
	/** Hash tables: seed of the hash function. */
	uint32_t hash_seed;
	/**
	 * Hash tables: counts the starts and ends of the writer's key moves
	 * between buckets (odd during one); a lookup that misses while it
	 * changes looks again.
	 */
	uint32_t hash_seq;
	/** Backing store, by type. */
	union {
		uint8_t *values;              /**< ARRAY: elements. */
		struct mim_table **slots;     /**< ARRAY_OF_TABLES: inner tables. */
		struct mim_hbucket *buckets;  /**< HASH and HASH_OF_TABLES. */
		struct mim_lpm_root *lpm;     /**< LPM: the direct index. */
		struct rte_hash *rte_hash;    /**< RTE_HASH: the application's. */
		struct rte_lpm *rte_lpm;      /**< RTE_LPM: the application's. */
	} u;
	/**
	 * LPM: value slots, indexed by a range's next hop less one.
	 * RTE_LPM: the application's values, indexed by next hop (stride
	 * value_size).
	 */
	uint8_t *lpm_values;
	/** RTE_LPM: next hops with a value (the length of lpm_values). */
	uint32_t nb_nh_values;
	/**
	 * PERCPU_ARRAY: bytes from one lcore's copy of the array to the
	 * next (the copies of lcore 0 start at u.values).
	 */
	uint32_t percpu_stride;
	/**
	 * LRU_HASH: the "referenced" byte of each preallocated value object,
	 * by object index (lru_nb_objs of them), set by lookups.
	 */
	uint8_t *lru_refs;
	/** LRU_HASH: the value of object 0 (objects are 2^lru_shift apart). */
	uintptr_t lru_base;
	/** LRU_HASH: objects in the preallocated store. */
	uint32_t lru_nb_objs;
	/** LRU_HASH: log2 of the bytes of one value object. */
	uint32_t lru_shift;
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

/* The layout and lookups of each table type (internal headers). */
#include <mim_dp_array.h>
#include <mim_dp_adopt.h>
#include <mim_dp_hash.h>
#include <mim_dp_percpu.h>
#include <mim_dp_lru.h>
#include <mim_dp_lpm.h>

/**
 * Look up one key.
 *
 * On an LPM table the whole address (32 or 128 bits) is matched
 * (prefixlen is not read): the data path always finds the longest prefix.
 * Use mim_lookup_elem() for a match bounded by prefixlen.
 *
 * @param t
 *   Table (held; see the file overview).
 * @param key
 *   Key of key_size bytes; u32 index for arrays, struct mim_lpm_key
 *   (key_size 8) or struct mim_lpm6_key (key_size 20) for LPM,
 *   struct mim_lpm_key for RTE_LPM, the rte_hash's key for RTE_HASH.
 * @return
 *   Pointer to the value (ARRAY and HASH values may be written through it,
 *   LPM values not: see the file overview); on an outer table, the inner
 *   struct mim_table (never written through); RTE_HASH: the key's data
 *   pointer; RTE_LPM: the next hop's entry of the value array;
 *   PERCPU_ARRAY: the calling lcore's copy (rte_lcore_id()), NULL for a
 *   thread without an lcore ID (LCORE_ID_ANY); PERCPU_HASH: likewise,
 *   the calling lcore's copy of the key's value; LRU_HASH: the value,
 *   and the key is marked used (it outlives keys not used since the
 *   writer last looked for one to evict). NULL on a
 *   miss (absent key, empty slot, index out of range, NULL data, a next
 *   hop without a value).
 * @dp_contract
 */
static inline void *
mim_lookup(const struct mim_table *t, const void *key)
{
	__MIM_DP_CHECK(t != NULL && key != NULL);

	/* Every enum mim_type value has a case and there is no default:
	 * -Wswitch (in -Wall) flags a type added to the enum and not here.
	 */
	switch ((enum mim_type)t->type) {
	case MIM_TYPE_ARRAY:
		return __mim_array_lookup(t, key);
	case MIM_TYPE_ARRAY_OF_TABLES:
		return __mim_aot_load(__mim_aot_slot(t, key));
	case MIM_TYPE_HASH:
		return __mim_hash_lookup(t, key);
	case MIM_TYPE_HASH_OF_TABLES:
		return __mim_hot_value(t, __mim_hash_lookup(t, key));
	case MIM_TYPE_LPM:
		return __mim_lpm_lookup(t, key);
	case MIM_TYPE_RTE_HASH:
		return __mim_adopt_hash_lookup(t, key);
	case MIM_TYPE_RTE_LPM:
		return __mim_adopt_lpm_lookup(t, key);
	case MIM_TYPE_PERCPU_ARRAY:
		return __mim_percpu_lookup(t, key);
	case MIM_TYPE_PERCPU_HASH:
		return __mim_pch_lookup(t, key);
	case MIM_TYPE_LRU_HASH:
		return __mim_lru_lookup(t, key);
	}
	return NULL;
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
 * @dp_contract
 * - **Memory reuse:** each pointer in @p values as one mim_lookup()'s;
 *   @p keys and @p values belong to the caller on return.
 */
static inline unsigned int
mim_lookup_bulk(const struct mim_table *t, const void *keys[], unsigned int n,
		void *values[])
{
	unsigned int i, hits = 0;

	__MIM_DP_CHECK(t != NULL && keys != NULL && values != NULL &&
		       n >= 1 && n <= MIM_LOOKUP_BULK_MAX);

	/* One case per enum mim_type value, no default (as mim_lookup()). */
	switch ((enum mim_type)t->type) {
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
		if (t->key_size <= 8)
			return __mim_hash_lookup_multi(&t, 0, keys, n, values,
						       0, 1);
		return __mim_hash_lookup_multi(&t, 0, keys, n, values, 0, 0);
	case MIM_TYPE_HASH_OF_TABLES:
		if (t->key_size <= 8)
			return __mim_hash_lookup_multi(&t, 0, keys, n, values,
						       1, 1);
		return __mim_hash_lookup_multi(&t, 0, keys, n, values, 1, 0);
	case MIM_TYPE_LPM:
		return __mim_lpm_lookup_multi(&t, 0, keys, n, values);
	case MIM_TYPE_RTE_HASH:
		return __mim_adopt_hash_lookup_multi(&t, 0, keys, n, values);
	case MIM_TYPE_RTE_LPM:
		return __mim_adopt_lpm_lookup_multi(&t, 0, keys, n, values);
	case MIM_TYPE_PERCPU_ARRAY:
		return __mim_percpu_lookup_multi(&t, 0, keys, n, values);
	case MIM_TYPE_PERCPU_HASH:
		return __mim_pch_lookup_bulk(t, keys, n, values);
	case MIM_TYPE_LRU_HASH:
		return __mim_lru_lookup_bulk(t, keys, n, values);
	}
	for (i = 0; i < n; i++)
		values[i] = NULL;
	return 0;
}

/**
 * Two-level bulk lookup: for each i, find the inner table at outer_keys[i]
 * in @p outer, then inner_keys[i] in that inner table.
 *
 * Each stage runs for all n keys before the next, whatever table a key
 * belongs to, so that their cache misses overlap: outer slots (or outer
 * hash buckets) are prefetched, then the inner tables' headers, then the
 * inner buckets or LPM index entries and range arrays, before any inner lookup completes.
 * A hash of tables looks up a burst whose outer keys are all equal (one
 * tenant's burst) once at the outer level.
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
 * @dp_contract
 * - **RCU:** online; @p outer held by a handle of the application.
 * - **Ordering:** as mim_lookup(), at both levels.
 * - **Memory reuse:** each pointer in @p values as one mim_lookup()'s; the
 *   inner tables found are used within the call only.
 */
static inline unsigned int
mim_lookup_nested_bulk(const struct mim_table *outer, const void *outer_keys[],
		       const void *inner_keys[], unsigned int n, void *values[],
		       uint64_t *outer_miss)
{
	const struct mim_table *inner[MIM_LOOKUP_BULK_MAX];
	uint64_t miss = 0;
	unsigned int i, hits = 0;
	int same = 0;

	__MIM_DP_CHECK(outer != NULL && outer_keys != NULL &&
		       inner_keys != NULL && values != NULL &&
		       n >= 1 && n <= MIM_LOOKUP_BULK_MAX &&
		       (outer->type == MIM_TYPE_ARRAY_OF_TABLES ||
			outer->type == MIM_TYPE_HASH_OF_TABLES));

	if (outer->type == MIM_TYPE_ARRAY_OF_TABLES) {
		__mim_aot_lookup_bulk(outer, outer_keys, n, (void **)inner);
		for (i = 0; i < n; i++) {
			if (inner[i] == NULL)
				miss |= UINT64_C(1) << i;
			else
				rte_prefetch0(inner[i]);
		}
	} else if (outer->key_size <= 8) {
		miss = __mim_hot_lookup_multi(outer, outer_keys, n, inner,
					      &same, 1);
	} else {
		miss = __mim_hot_lookup_multi(outer, outer_keys, n, inner,
					      &same, 0);
	}
	if (outer_miss != NULL)
		*outer_miss = miss;

	/* One case per enum mim_type value, no default (as mim_lookup()). */
	switch ((enum mim_type)outer->inner_type) {
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
		return __mim_hash_lookup_inner(inner, same, inner_keys, n,
					       values);
	case MIM_TYPE_RTE_HASH:
		return __mim_adopt_hash_lookup_multi(inner, 1, inner_keys, n,
						     values);
	case MIM_TYPE_RTE_LPM:
		return __mim_adopt_lpm_lookup_multi(inner, 1, inner_keys, n,
						    values);
	case MIM_TYPE_PERCPU_ARRAY:
		return __mim_percpu_lookup_multi(inner, 1, inner_keys, n,
						 values);
	case MIM_TYPE_PERCPU_HASH:
		return __mim_pch_lookup_inner(inner, same, inner_keys, n,
					      values);
	case MIM_TYPE_LRU_HASH:
		return __mim_lru_lookup_inner(inner, same, inner_keys, n,
					      values);
	case MIM_TYPE_ARRAY_OF_TABLES:
	case MIM_TYPE_HASH_OF_TABLES:
		break;   /* never inner: one level of nesting */
	}
	for (i = 0; i < n; i++)
		values[i] = NULL;
	return 0;
}

#ifdef __cplusplus
}
#endif

#endif /* MIM_DATAPATH_H */
