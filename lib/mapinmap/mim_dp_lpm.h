/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_DP_LPM_H
#define MIM_DP_LPM_H

/**
 * @file
 * mapinmap data path, internal: the layout of LPM tables and their
 * lookups (mim_lpm.c describes the layout).
 *
 * Not an API of its own: included by mim_datapath.h only, after struct
 * mim_table and the key readers it defines. Programs include
 * mim_datapath.h (or mim.h).
 */

#ifndef MIM_DATAPATH_H
#error "mim_dp_lpm.h is internal: include <mim_datapath.h> instead"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * LPM range next hop meaning "the block's covering route": the route
 * shorter than the direct index, kept in the block's mim_lpm_dir::dflt.
 * Other next hops are 0 (no route) or 1 + a value slot.
 */
#define MIM_LPM_NH_INHERIT UINT32_MAX
/** The same in a packed range (16-bit next hops). */
#define MIM_LPM_NH_PACKED_INHERIT 0xffffU
/** mim_lpm_chunk::packed: packed ranges. */
#define MIM_LPM_PACKED 1
/** mim_lpm_chunk::packed: packed ranges behind a sub-index. */
#define MIM_LPM_PACKED_SUB 2
/** Entries of a packed array's sub-index (one per 4,096 addresses). */
#define MIM_LPM_SUB_ENTRIES 16U

/**
 * An LPM range array (private to the library): the address ranges of one
 * block of the direct index, sorted, each with its next hop. Immutable once
 * published; replaced whole.
 *
 * After the header: nb_ranges first addresses (IPv4: u32; IPv6: two u64,
 * high then low, host order), then nb_ranges u32 next hops, then the
 * writer's copy of the block's routes. Packed (IPv4 blocks of a 16-bit
 * index whose next hops fit 16 bits): one u32 per range, the address's
 * low 16 bits then the next hop. A packed array of more ranges than its
 * first cache line holds (11 to 256) starts with a sub-index
 * (MIM_LPM_PACKED_SUB): MIM_LPM_SUB_ENTRIES bytes, entry j the range
 * holding the block's address j * 4096, so that a search reads the few
 * ranges between two entries (one cache line, mostly) instead of the
 * whole array. The writer's routes are short (one u32 each,
 * mim_lpm_range.c) in packed arrays whose value slots fit 11 bits.
 */
struct mim_lpm_chunk {
	void *dead_next;     /**< Writer: chain of retired blocks. */
	uint32_t nb_ranges;  /**< Ranges; the first starts at the block. */
	uint32_t nb_recs;    /**< Writer: routes after the ranges. */
	uint8_t pooled;      /**< Writer: from the table's pool. */
	uint8_t recs_short;  /**< Writer: routes in one u32 each. */
	uint16_t packed;     /**< 0, MIM_LPM_PACKED or MIM_LPM_PACKED_SUB. */
	uint16_t pool_off;   /**< Writer: offset in its pool slab. */
	uint16_t block;      /**< Writer: its block (pool arrays). */
	uint64_t data[];     /**< Ranges, next hops, routes. */
};

/** mim_lpm_dir::hint: the hint is valid. */
#define MIM_LPM_HINT_VALID (1U << 31)
/** Eighths of a block a hint locates (3 bits each). */
#define MIM_LPM_HINT_PARTS 8U

/** An entry of an LPM table's direct index (private to the library). */
struct mim_lpm_dir {
	/** Ranges of the block (routes of at least kbits), or NULL. */
	const struct mim_lpm_chunk *chunk;
	/** Next hop of the longest route shorter than kbits covering it. */
	uint32_t dflt;
	/**
	 * Where the search of chunk reads, so that the header line and the
	 * ranges can be prefetched at once (only a prefetch follows it: a
	 * reader may pair it with the entry's previous or next array): if
	 * MIM_LPM_HINT_VALID, 3 bits per eighth of the block (part k at bit
	 * 3k), the cache line of the chunk (counted from the line holding
	 * its start) of the ranges the part's search reads first.
	 */
	uint32_t hint;
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

/**
 * @internal The ranges of a packed array that may hold an IPv4 address:
 * the first (returned) and how many (*n).
 */
static __rte_always_inline const uint32_t *
__mim_lpm4p_bracket(const struct mim_lpm_chunk *c, uint32_t ip, uint32_t *n)
{
	const uint8_t *sub = (const uint8_t *)c->data;
	uint32_t j, lo, hi;

	if (c->packed != MIM_LPM_PACKED_SUB) {
		*n = c->nb_ranges;
		return (const uint32_t *)c->data;
	}
	/* Entry j holds address j << 12: the range holding ip is between
	 * entries j and j + 1 (the last range for the last entry).
	 */
	j = (ip >> 12) & (MIM_LPM_SUB_ENTRIES - 1);
	lo = sub[j];
	hi = j + 1 < MIM_LPM_SUB_ENTRIES ? sub[j + 1] : c->nb_ranges - 1;
	*n = hi - lo + 1;
	return (const uint32_t *)(sub + MIM_LPM_SUB_ENTRIES) + lo;
}

/** @internal The packed range holding an IPv4 address: its next hop. */
static __rte_always_inline uint32_t
__mim_lpm4p_search(const struct mim_lpm_chunk *c, uint32_t ip)
{
	uint32_t n, base = 0, half, x = ip << 16 | 0xffff, nh;
	const uint32_t *r = __mim_lpm4p_bracket(c, ip, &n);

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

/**
 * @internal Prefetch what the search of a range array reads, once its
 * header line is in (it was prefetched a stage before).
 */
static __rte_always_inline void
__mim_lpm_prefetch_chunk(const struct mim_lpm_chunk *c, const void *key)
{
	const uint8_t *p = (const uint8_t *)c;
	const uint32_t *r;
	uint32_t n;

	if (c->packed == MIM_LPM_PACKED_SUB) {
		/* The ranges between two sub-index entries. */
		r = __mim_lpm4p_bracket(c, __mim_lpm_key_ip(key), &n);
		rte_prefetch0(r);
		rte_prefetch0(r + n - 1);
		return;
	}
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
 * @internal Prefetch a range array's header line and, with a valid hint
 * (IPv4 keys only), the two lines where the key's search reads.
 */
static __rte_always_inline void
__mim_lpm_prefetch_hinted(const struct mim_lpm_chunk *c, uint32_t hint,
			  const void *key)
{
	uintptr_t line = (uintptr_t)c & ~(uintptr_t)(RTE_CACHE_LINE_SIZE - 1);
	uint32_t part;

	rte_prefetch0(c);
	if (!(hint & MIM_LPM_HINT_VALID))
		return;
	/* The sub-index's end: pool blocks start in mid-line too. */
	rte_prefetch0((const uint8_t *)c->data + MIM_LPM_SUB_ENTRIES - 1);
	part = (__mim_lpm_key_ip(key) >> 13) & (MIM_LPM_HINT_PARTS - 1);
	line += ((hint >> (3 * part)) & 7) * RTE_CACHE_LINE_SIZE;
	rte_prefetch0((const void *)line);
	rte_prefetch0((const void *)(line + RTE_CACHE_LINE_SIZE));
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
 * @internal LPM lookups, each key in its own table (or all in one), in
 * stages across the burst: the direct indexes, their entries, the range
 * arrays' header lines, then the ranges a search reads are prefetched for
 * every key before the next stage reads them.
 */
static __rte_always_inline unsigned int
__mim_lpm_lookup_multi(const struct mim_table *const tbl[], size_t tstride,
		       const void *keys[], unsigned int n, void *values[])
{
	const struct mim_lpm_root *r[MIM_LOOKUP_BULK_MAX];
	const struct mim_lpm_dir *d[MIM_LOOKUP_BULK_MAX];
	const struct mim_lpm_chunk *c[MIM_LOOKUP_BULK_MAX];
	uint32_t h[MIM_LOOKUP_BULK_MAX];
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
		h[i] = __atomic_load_n(&d[i]->hint, __ATOMIC_RELAXED);
		if (c[i] != NULL)
			__mim_lpm_prefetch_hinted(c[i], h[i], keys[i]);
	}
	for (i = 0; i < n; i++)
		if (r[i] != NULL && c[i] != NULL &&
		    !(h[i] & MIM_LPM_HINT_VALID))
			__mim_lpm_prefetch_chunk(c[i], keys[i]);
	for (i = 0; i < n; i++) {
		values[i] = r[i] == NULL ? NULL :
			__mim_lpm_resolve(tbl[i * tstride], d[i], c[i], keys[i]);
		hits += values[i] != NULL;
	}
	return hits;
}

#ifdef __cplusplus
}
#endif

#endif /* MIM_DP_LPM_H */
