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
 * reads every lcore's copy, mim_update_elem() overwrites them all. HASH (preallocated or #MIM_F_NO_PREALLOC alike): the
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

/** Slots per bucket of a hash table (one 64-byte cache line). */
#define MIM_HBUCKET_SLOTS 4

/**
 * A slot of a hash table (private to the library).
 *
 * Keys of at most 8 bytes are kept in k (zero-padded); longer keys are kept
 * in front of the value object v points to, and k holds a 64-bit tag of
 * them. v is NULL when the slot is free.
 */
struct mim_hslot {
	uint64_t k;   /**< The key, or a tag of it. */
	void *v;      /**< The value (table: inner table), or NULL. */
};

/** A bucket of a hash table (private to the library). */
struct mim_hbucket {
	struct mim_hslot s[MIM_HBUCKET_SLOTS]; /**< Slots. */
} __rte_cache_aligned;

/**
 * LPM range next hop meaning "the block's covering route": the route
 * shorter than the direct index, kept in the block's mim_lpm_dir::dflt.
 * Other next hops are 0 (no route) or 1 + a value slot.
 */
#define MIM_LPM_NH_INHERIT UINT32_MAX
/** The same in a packed range (16-bit next hops). */
#define MIM_LPM_NH_PACKED_INHERIT 0xffffU

/**
 * An LPM range array (private to the library): the address ranges of one
 * block of the direct index, sorted, each with its next hop. Immutable once
 * published; replaced whole.
 *
 * After the header: nb_ranges first addresses (IPv4: u32; IPv6: two u64,
 * high then low, host order), then nb_ranges u32 next hops, then the
 * writer's copy of the block's routes. Packed (IPv4 blocks of a 16-bit
 * index whose next hops fit 16 bits): one u32 per range, the address's
 * low 16 bits then the next hop. The writer's routes are short (one u32
 * each, mim_lpm_range.c) in packed arrays whose value slots fit 11 bits.
 */
struct mim_lpm_chunk {
	void *dead_next;     /**< Writer: chain of retired blocks. */
	uint32_t nb_ranges;  /**< Ranges; the first starts at the block. */
	uint32_t nb_recs;    /**< Writer: routes after the ranges. */
	uint8_t pooled;      /**< Writer: from the table's pool. */
	uint8_t recs_short;  /**< Writer: routes in one u32 each. */
	uint16_t packed;     /**< Ranges are packed. */
	uint32_t pool_off;   /**< Writer: offset in its pool slab. */
	uint64_t data[];     /**< Ranges, next hops, routes. */
};

/** An entry of an LPM table's direct index (private to the library). */
struct mim_lpm_dir {
	/** Ranges of the block (routes of at least kbits), or NULL. */
	const struct mim_lpm_chunk *chunk;
	/** Next hop of the longest route shorter than kbits covering it. */
	uint32_t dflt;
	uint32_t reserved;   /**< Zero. */
};

/**
 * An LPM table's direct index (private to the library): 2^kbits blocks
 * indexed by the address's first kbits bits (kbits 0 to 16).
 */
struct mim_lpm_root {
	void *dead_next;     /**< Writer: chain of retired blocks. */
	uint32_t kbits;      /**< Address bits of the index. */
	uint32_t shift;      /**< 16 - kbits: index = first 16 bits >> shift. */
	struct mim_lpm_dir dir[]; /**< 2^kbits entries. */
};

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

/*
 * Hash tables (mim_cuckoo.c has the writer's side).
 *
 * Every key may live in one of two buckets, both fetched by a lookup (bulk
 * lookups prefetch both for every key first). Readers take no lock and
 * never wait for the writer: a slot is published by a release store of its
 * value pointer after its key, and is reused only after a grace period
 * once deleted. The one change that can hide a present key from a reader
 * is a key moving to its other bucket to make room (cuckoo insertion);
 * __mim_hfind() says how a lookup stays right across such moves.
 */

/** @internal A key of at most 8 bytes, zero-padded, as slots keep it. */
static __rte_always_inline uint64_t
__mim_hkey_small(const void *key, uint32_t key_size)
{
	uint64_t k = 0;
	uint32_t k32;

	switch (key_size) {
	case 8:
		memcpy(&k, key, 8);
		break;
	case 4:
		memcpy(&k32, key, 4);
		k = k32;
		break;
	default:
		memcpy(&k, key, key_size);
		break;
	}
	return k;
}

/*
 * The functions below that take "small" are given 1 by callers that know
 * the table's keys are of at most 8 bytes (a bulk lookup checks once per
 * call, not once per key), else 0: they then read the table's key_size.
 */

/**
 * @internal The hash of a key, and what its slot holds: the key itself
 * (keys of at most 8 bytes) or a 64-bit tag of it.
 */
static __rte_always_inline uint32_t
__mim_hhash_k(const struct mim_table *t, const void *key, uint64_t *tag,
	      int small)
{
	uint32_t h;

	if (small || likely(t->key_size <= 8)) {
		*tag = __mim_hkey_small(key, t->key_size);
		return rte_hash_crc_8byte(*tag, t->hash_seed);
	}
	h = rte_hash_crc(key, t->key_size, t->hash_seed);
	*tag = (uint64_t)h << 32 | rte_hash_crc(key, t->key_size, ~t->hash_seed);
	return h;
}

/** @internal __mim_hhash_k() for any table. */
static __rte_always_inline uint32_t
__mim_hhash(const struct mim_table *t, const void *key, uint64_t *tag)
{
	return __mim_hhash_k(t, key, tag, 0);
}

/** @internal The two buckets of a hash (always distinct). */
static __rte_always_inline void
__mim_hbuckets(const struct mim_table *t, uint32_t h,
	       const struct mim_hbucket **b1, const struct mim_hbucket **b2)
{
	uint32_t i1 = h & t->index_mask;
	uint32_t i2 = ((h >> 16 | h << 16) * 0x9e3779b1U) & t->index_mask;

	if (i2 == i1)
		i2 = i1 ^ 1;
	*b1 = &t->u.buckets[i1];
	*b2 = &t->u.buckets[i2];
}

/**
 * @internal Whether slot s holds the key: 1 (its value in *v), 0, or -1
 * when the slot changed while it was read.
 */
static __rte_always_inline int
__mim_hslot_match_k(const struct mim_table *t, const struct mim_hslot *s,
		    uint64_t tag, const void *key, void **v, int small)
{
	/* Pairs with the release store of the value pointer in mim_cuckoo.c
	 * (slot_publish(), mim_cuckoo_set()): the key, and a long key's bytes
	 * in the value object, were written before it.
	 */
	void *v1 = __atomic_load_n(&s->v, __ATOMIC_ACQUIRE);

	if (v1 == NULL || __atomic_load_n(&s->k, __ATOMIC_RELAXED) != tag)
		return 0;
	if (!small && unlikely(t->key_size > 8) &&
	    memcmp((const uint8_t *)v1 - t->elem_size, key, t->key_size) != 0)
		return 0;
	/* Within one cuckoo path the writer moves a key out of a slot and
	 * another into it: the key just read must still go with v1. The
	 * loads above happen before the value is read again.
	 */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (unlikely(__atomic_load_n(&s->v, __ATOMIC_RELAXED) != v1))
		return -1;
	*v = v1;
	return 1;
}

/** @internal __mim_hslot_match_k() for any table. */
static __rte_always_inline int
__mim_hslot_match(const struct mim_table *t, const struct mim_hslot *s,
		  uint64_t tag, const void *key, void **v)
{
	return __mim_hslot_match_k(t, s, tag, key, v, 0);
}

/** @internal 1 if slot s's key (or tag) is tag, read relaxed; else 0. */
static __rte_always_inline unsigned int
__mim_hslot_is(const struct mim_hslot *s, uint64_t tag)
{
	return __atomic_load_n(&s->k, __ATOMIC_RELAXED) == tag;
}

/**
 * @internal Look for the key in one bucket: as __mim_hslot_match(). The
 * four slots' keys are compared at once into a mask, so that no branch
 * depends on which slot holds the key (a branch per slot mispredicts when
 * keys sit in different slots from one lookup to the next); only a slot
 * whose key matched is then read by __mim_hslot_match(). More than one
 * may match: a free slot that kept a deleted key, or long keys sharing a
 * tag.
 */
static __rte_always_inline int
__mim_hbucket_find(const struct mim_table *t, const struct mim_hbucket *b,
		   uint64_t tag, const void *key, void **v, int small)
{
	const struct mim_hslot *s = b->s;
	unsigned int m;
	int ret;

	RTE_BUILD_BUG_ON(MIM_HBUCKET_SLOTS != 4);
	/* The scan only picks slots: a picked slot is believed once
	 * __mim_hslot_match() has read it in order (value, key, value). A
	 * key written into a slot after the scan is missed as one written
	 * after its slot was read: __mim_hfind() says why that is right.
	 */
	m = __mim_hslot_is(&s[0], tag) | __mim_hslot_is(&s[1], tag) << 1 |
		__mim_hslot_is(&s[2], tag) << 2 |
		__mim_hslot_is(&s[3], tag) << 3;
	while (m != 0) {
		ret = __mim_hslot_match_k(t, &s[__builtin_ctz(m)], tag, key, v,
					  small);
		if (ret != 0)
			return ret;
		m &= m - 1;
	}
	return 0;
}

/**
 * @internal Look for a hashed key in its two buckets. Never waits for the
 * writer:
 * - a value found (key and value read consistently) is the key's value at
 *   that moment;
 * - a key that moves between its buckets is copied to the other one
 *   before it leaves the first, and one cuckoo path moves each key at most
 *   once, so looking at b1, b2 and b1 again finds a key that one path in
 *   progress moves, whatever the order;
 * - a miss is believed only if no path started or ended meanwhile
 *   (hash_seq unchanged); else the lookup starts again.
 */
static __rte_always_inline void *
__mim_hfind(const struct mim_table *t, const struct mim_hbucket *b1,
	    const struct mim_hbucket *b2, uint64_t tag, const void *key,
	    int small)
{
	uint32_t seq;
	void *v = NULL;
	int ret;

	for (;;) {
		/* Pairs with the release fence of seq_begin() and the
		 * release store of seq_end() in mim_cuckoo.c.
		 */
		seq = __atomic_load_n(&t->hash_seq, __ATOMIC_ACQUIRE);
		ret = __mim_hbucket_find(t, b1, tag, key, &v, small);
		if (ret == 0)
			ret = __mim_hbucket_find(t, b2, tag, key, &v, small);
		if (ret == 0)
			ret = __mim_hbucket_find(t, b1, tag, key, &v, small);
		if (likely(ret > 0))
			return v;
		if (ret == 0) {
			/* The slot loads happen before the count is read
			 * again.
			 */
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (likely(__atomic_load_n(&t->hash_seq,
						   __ATOMIC_RELAXED) == seq))
				return NULL;
		}
	}
}

/**
 * @internal What a hash of tables' slot value stands for: the inner table
 * (keys over 8 bytes: the value object holds a pointer to it).
 */
static __rte_always_inline void *
__mim_hot_value_k(const struct mim_table *t, void *v, int small)
{
	if (v == NULL || small || likely(t->key_size <= 8))
		return v;
	return *(void **)v;
}

/** @internal __mim_hot_value_k() for any table. */
static __rte_always_inline void *
__mim_hot_value(const struct mim_table *t, void *v)
{
	return __mim_hot_value_k(t, v, 0);
}

/** @internal */
static __rte_always_inline void *
__mim_hash_lookup(const struct mim_table *t, const void *key)
{
	const struct mim_hbucket *b1, *b2;
	uint64_t tag;

	__mim_hbuckets(t, __mim_hhash(t, key, &tag), &b1, &b2);
	return __mim_hfind(t, b1, b2, tag, key, 0);
}

/**
 * @internal Hash lookups of keys in any tables (tbl[i * tstride] for key
 * i, NULL: miss): every bucket is prefetched before any is probed.
 */
static __rte_always_inline unsigned int
__mim_hash_lookup_multi(const struct mim_table *const tbl[], size_t tstride,
			const void *keys[], unsigned int n, void *values[],
			int outer, int small)
{
	const struct mim_hbucket *b1[MIM_LOOKUP_BULK_MAX], *b2[MIM_LOOKUP_BULK_MAX];
	uint64_t tag[MIM_LOOKUP_BULK_MAX];
	unsigned int i, hits = 0;

	for (i = 0; i < n; i++) {
		const struct mim_table *t = tbl[i * tstride];

		if (t == NULL)
			continue;
		__mim_hbuckets(t, __mim_hhash_k(t, keys[i], &tag[i], small),
			       &b1[i], &b2[i]);
		rte_prefetch0(b1[i]);
		rte_prefetch0(b2[i]);
	}
	for (i = 0; i < n; i++) {
		const struct mim_table *t = tbl[i * tstride];

		values[i] = t == NULL ? NULL :
			__mim_hfind(t, b1[i], b2[i], tag[i], keys[i], small);
		if (outer)
			values[i] = __mim_hot_value_k(t, values[i], small);
		hits += values[i] != NULL;
	}
	return hits;
}

/**
 * @internal The outer level of a two-level lookup in a hash of tables, in
 * stages across the burst: every outer key is hashed and its buckets
 * prefetched, then every key is probed and the header of the inner table
 * it found prefetched. When every key of the burst is the same (a burst of
 * one tenant's packets), that key is probed once.
 *
 * @return
 *   The mask of keys that found no inner table; *same is set when every
 *   key of the burst equals the first.
 */
static __rte_always_inline uint64_t
__mim_hot_lookup_multi(const struct mim_table *t, const void *keys[],
		       unsigned int n, const struct mim_table *inner[],
		       int *same, int small)
{
	const struct mim_hbucket *b1[MIM_LOOKUP_BULK_MAX], *b2[MIM_LOOKUP_BULK_MAX];
	uint64_t tag[MIM_LOOKUP_BULK_MAX], diff = 0, miss = 0;
	unsigned int i;

	/* "|| i == 0": n is at least 1, and the compiler is told so (every
	 * key's tag is compared with key 0's).
	 */
	for (i = 0; i < n || i == 0; i++) {
		__mim_hbuckets(t, __mim_hhash_k(t, keys[i], &tag[i], small),
			       &b1[i], &b2[i]);
		rte_prefetch0(b1[i]);
		rte_prefetch0(b2[i]);
		/* No branch per key: equal keys have equal tags. */
		diff |= tag[i] ^ tag[0];
	}
	*same = diff == 0;
	/* Long keys: equal tags, and the same bytes. */
	for (i = 1; *same && !small && t->key_size > 8 && i < n; i++)
		*same = memcmp(keys[i], keys[0], t->key_size) == 0;
	if (*same) {
		inner[0] = __mim_hot_value_k(t, __mim_hfind(t, b1[0], b2[0],
							    tag[0], keys[0],
							    small), small);
		for (i = 1; i < n; i++)
			inner[i] = inner[0];
		if (inner[0] == NULL)
			return UINT64_MAX >> (64 - n);
		rte_prefetch0(inner[0]);
		return 0;
	}
	for (i = 0; i < n; i++) {
		inner[i] = __mim_hot_value_k(t, __mim_hfind(t, b1[i], b2[i],
							    tag[i], keys[i],
							    small), small);
		if (inner[i] != NULL)
			rte_prefetch0(inner[i]);
		miss |= (uint64_t)(inner[i] == NULL) << i;
	}
	return miss;
}

/**
 * @internal The inner level of a two-level lookup whose inner tables are
 * HASH tables (inner[i] NULL: the outer key missed). They all have the
 * outer table's template's key size: the first one found tells.
 */
static __rte_always_inline unsigned int
__mim_hash_lookup_inner(const struct mim_table *const inner[], int same,
			const void *keys[], unsigned int n, void *values[])
{
	const struct mim_table *t;
	unsigned int i;

	for (i = 0; i < n && inner[i] == NULL; i++)
		;
	if (unlikely(i == n)) {
		for (i = 0; i < n; i++)
			values[i] = NULL;
		return 0;
	}
	t = inner[i];
	/* A burst of one tenant: its table's fields are read once. */
	if (same && t->key_size <= 8)
		return __mim_hash_lookup_multi(inner, 0, keys, n, values, 0, 1);
	if (same)
		return __mim_hash_lookup_multi(inner, 0, keys, n, values, 0, 0);
	if (t->key_size <= 8)
		return __mim_hash_lookup_multi(inner, 1, keys, n, values, 0, 1);
	return __mim_hash_lookup_multi(inner, 1, keys, n, values, 0, 0);
}

/** @internal IPv6 address of an LPM key (struct mim_lpm6_key), host order. */
static __rte_always_inline void
__mim_lpm6_key_addr(const void *key, uint64_t *hi, uint64_t *lo)
{
	const uint8_t *p = key;
	rte_be64_t a, b;

	__asm__("" : "+r" (p));   /* as in __mim_lpm_key_ip() */
	memcpy(&a, p + 4, sizeof(a));
	memcpy(&b, p + 12, sizeof(b));
	*hi = rte_be_to_cpu_64(a);
	*lo = rte_be_to_cpu_64(b);
}

/** @internal LPM: the direct index entry of a key's address. */
static __rte_always_inline const struct mim_lpm_dir *
__mim_lpm_dir(const struct mim_table *t, const struct mim_lpm_root *r,
	      const void *key)
{
	uint32_t top;
	uint64_t hi, lo;

	if (likely(t->key_size == 8)) {
		top = __mim_lpm_key_ip(key) >> 16;
	} else {
		__mim_lpm6_key_addr(key, &hi, &lo);
		top = (uint32_t)(hi >> 48);
	}
	return &r->dir[top >> r->shift];
}

/** @internal The range holding an IPv4 address: its next hop. */
static __rte_always_inline uint32_t
__mim_lpm4_search(const struct mim_lpm_chunk *c, uint32_t ip)
{
	const uint32_t *start = (const uint32_t *)c->data;
	uint32_t n = c->nb_ranges, base = 0, half;

	/* The last range starting at or before ip; the first starts at the
	 * block, so there is one.
	 */
	while (n > 1) {
		half = n >> 1;
		base = start[base + half] <= ip ? base + half : base;
		n -= half;
	}
	return start[c->nb_ranges + base];
}

/** @internal The packed range holding an IPv4 address: its next hop. */
static __rte_always_inline uint32_t
__mim_lpm4p_search(const struct mim_lpm_chunk *c, uint32_t ip)
{
	const uint32_t *r = (const uint32_t *)c->data;
	uint32_t n = c->nb_ranges, base = 0, half, x = ip << 16 | 0xffff, nh;

	while (n > 1) {
		half = n >> 1;
		base = r[base + half] <= x ? base + half : base;
		n -= half;
	}
	nh = r[base] & 0xffff;
	return nh == MIM_LPM_NH_PACKED_INHERIT ? MIM_LPM_NH_INHERIT : nh;
}

/** @internal The range holding an IPv6 address: its next hop. */
static __rte_always_inline uint32_t
__mim_lpm6_search(const struct mim_lpm_chunk *c, uint64_t hi, uint64_t lo)
{
	const uint64_t *start = c->data;
	uint32_t n = c->nb_ranges, base = 0, half, i;

	while (n > 1) {
		half = n >> 1;
		i = base + half;
		base = start[2 * i] < hi ||
			(start[2 * i] == hi && start[2 * i + 1] <= lo) ? i : base;
		n -= half;
	}
	return ((const uint32_t *)(start + 2 * (size_t)c->nb_ranges))[base];
}

/** @internal Prefetch what the search of a range array reads. */
static __rte_always_inline void
__mim_lpm_prefetch_chunk(const struct mim_lpm_chunk *c)
{
	const uint8_t *p = (const uint8_t *)c;

	rte_prefetch0(p);
	/* Arrays of up to four cache lines whole (IPv4: 58 packed ranges,
	 * 29 others); else where the first steps read.
	 */
	if (c->nb_ranges <= (c->packed ? 58U : 29U)) {
		rte_prefetch0(p + 64);
		rte_prefetch0(p + 128);
		rte_prefetch0(p + 192);
		return;
	}
	rte_prefetch0((const uint8_t *)c->data +
		      (c->nb_ranges >> 1) * sizeof(uint32_t));
	rte_prefetch0((const uint8_t *)c->data + c->nb_ranges);
}

/**
 * @internal Resolve an LPM key from its direct index entry and range array
 * (c: d->chunk as loaded, may be NULL): the value, or NULL.
 */
static __rte_always_inline void *
__mim_lpm_resolve(const struct mim_table *t, const struct mim_lpm_dir *d,
		  const struct mim_lpm_chunk *c, const void *key)
{
	uint32_t nh = MIM_LPM_NH_INHERIT;
	uint64_t hi, lo;
	uint8_t *values;

	if (c != NULL) {
		if (likely(t->key_size == 8)) {
			nh = c->packed ?
				__mim_lpm4p_search(c, __mim_lpm_key_ip(key)) :
				__mim_lpm4_search(c, __mim_lpm_key_ip(key));
		} else {
			__mim_lpm6_key_addr(key, &hi, &lo);
			nh = __mim_lpm6_search(c, hi, lo);
		}
	}
	/* Pairs with the release store of the entry's covering route in
	 * mim_lpm_range.c (dflt_set()): its value slot is written.
	 */
	if (nh == MIM_LPM_NH_INHERIT)
		nh = __atomic_load_n(&d->dflt, __ATOMIC_ACQUIRE);
	if (nh == 0)
		return NULL;
	/* Pairs with the release store of a grown slot array in
	 * mim_lpm_vals.c (vals_install()): loaded after the next hop,
	 * so the array holds that slot.
	 */
	values = __atomic_load_n(&t->lpm_values, __ATOMIC_ACQUIRE);
	return values + (size_t)(nh - 1) * t->elem_size;
}

/** @internal */
static __rte_always_inline void *
__mim_lpm_lookup(const struct mim_table *t, const void *key)
{
	/* Pairs with the release stores publishing a direct index
	 * (commit_root()) and a range array (mim_lpm_commit()) in
	 * mim_lpm_build.c: what they point to is initialised.
	 */
	const struct mim_lpm_root *r = __atomic_load_n(&t->u.lpm,
						       __ATOMIC_ACQUIRE);
	const struct mim_lpm_dir *d = __mim_lpm_dir(t, r, key);

	return __mim_lpm_resolve(t, d, __atomic_load_n(&d->chunk,
						       __ATOMIC_ACQUIRE), key);
}

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
 *   thread without an lcore ID (LCORE_ID_ANY). NULL on a
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
	}
	return NULL;
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

/**
 * @internal LPM lookups, each key in its own table (or all in one), in
 * stages across the burst: the direct indexes, their entries, the range
 * arrays (header and first search step) are prefetched for every key
 * before the next stage reads them.
 */
static __rte_always_inline unsigned int
__mim_lpm_lookup_multi(const struct mim_table *const tbl[], size_t tstride,
		       const void *keys[], unsigned int n, void *values[])
{
	const struct mim_lpm_root *r[MIM_LOOKUP_BULK_MAX];
	const struct mim_lpm_dir *d[MIM_LOOKUP_BULK_MAX];
	const struct mim_lpm_chunk *c[MIM_LOOKUP_BULK_MAX];
	unsigned int i, hits = 0;

	/* Acquire loads: as in __mim_lpm_lookup(). */
	for (i = 0; i < n; i++) {
		const struct mim_table *t = tbl[i * tstride];

		r[i] = t != NULL ? __atomic_load_n(&t->u.lpm, __ATOMIC_ACQUIRE) :
			NULL;
		if (r[i] != NULL && tstride != 0)
			rte_prefetch0(r[i]);
	}
	for (i = 0; i < n; i++) {
		if (r[i] == NULL)
			continue;
		d[i] = __mim_lpm_dir(tbl[i * tstride], r[i], keys[i]);
		rte_prefetch0(d[i]);
	}
	for (i = 0; i < n; i++) {
		if (r[i] == NULL)
			continue;
		c[i] = __atomic_load_n(&d[i]->chunk, __ATOMIC_ACQUIRE);
		if (c[i] != NULL)
			__mim_lpm_prefetch_chunk(c[i]);
	}
	for (i = 0; i < n; i++) {
		values[i] = r[i] == NULL ? NULL :
			__mim_lpm_resolve(tbl[i * tstride], d[i], c[i], keys[i]);
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
