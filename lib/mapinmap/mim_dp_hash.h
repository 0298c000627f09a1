/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_DP_HASH_H
#define MIM_DP_HASH_H

/**
 * @file
 * mapinmap data path, internal: the layout of HASH and HASH_OF_TABLES
 * tables and their lookups.
 *
 * Not an API of its own: included by mim_datapath.h only, after struct
 * mim_table and the key readers it defines. Programs include
 * mim_datapath.h (or mim.h).
 */

#ifndef MIM_DATAPATH_H
#error "mim_dp_hash.h is internal: include <mim_datapath.h> instead"
#endif

#ifdef __cplusplus
extern "C" {
#endif

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
	 * loads above happen before the value is read again; the fence
	 * also pairs with the release store of the key (slot_publish()):
	 * the value read again is at least as new as that key.
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

#ifdef __cplusplus
}
#endif

#endif /* MIM_DP_HASH_H */
