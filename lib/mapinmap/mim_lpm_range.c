/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * LPM range arrays: from a sorted list of routes to the sorted address
 * ranges a lookup searches (mim_dp_lpm.h), and the blocks they live in.
 *
 * Routes are sorted by address, then by prefix length, so a route comes
 * after every route that covers it. One pass with a stack of the routes
 * covering the current address turns them into ranges: each route opens a
 * range at its first address and the route below it on the stack resumes
 * after its last address; adjacent ranges with the same next hop merge.
 * n routes give at most 2n + 1 ranges.
 *
 * The writer's scratch space (ranges being built, route lists being
 * rebuilt) is one per process, grown as needed and kept: the control
 * plane is serialised by the library mutex.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "mim_private.h"

/* rte_malloc's element header before every block (cache aligned). */
#define LPM_MALLOC_OVERHEAD 128U

/*
 * Short routes: in the packed arrays of an IPv4 16-bit index whose value
 * slots fit 11 bits, the writer keeps each route in one u32 instead of
 * two (the block gives the address's high 16 bits): the low 16 bits, the
 * prefix length less 16 (5 bits), the value slot (11 bits). The order is
 * the long form's, so both sort alike; they are decoded for the writer
 * into a buffer the size of the largest array made so far.
 */
#define LPM_SHORT_SLOT_BITS 11U

static struct {
	mim_u128 *start;
	uint32_t *nh;
	uint32_t nb_ranges;     /* capacity */
	uint32_t *recs;
	size_t nb_words;        /* capacity */
	uint32_t *dec;          /* decoded short routes */
	uint32_t nb_dec;        /* capacity, in routes */
} scr;

uint64_t
mim_lpm_blk_bytes(size_t size)
{
	return LPM_MALLOC_OVERHEAD + RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE);
}

void *
mim_lpm_zmalloc(struct mim_lpm_obj *l, size_t size)
{
	void *p = mim_zmalloc(size, l->base.socket_id);

	if (p != NULL)
		l->bytes += mim_lpm_blk_bytes(size);
	return p;
}

void
mim_lpm_free(struct mim_lpm_obj *l, void *blk, size_t size)
{
	if (blk == NULL)
		return;
	l->bytes -= mim_lpm_blk_bytes(size);
	mim_free(blk);
}

void
mim_lpm_retire_blk(struct mim_lpm_obj *l, struct mim_lpm_txn *x, void *blk,
		   size_t size)
{
	uint64_t b = mim_lpm_blk_bytes(size);

	/* The link is the block's first word, which readers never read. */
	*(void **)blk = x->dead;
	x->dead = blk;
	x->dead_bytes += b;
	l->bytes -= b;
}

void
mim_lpm_retire_chunk(struct mim_lpm_obj *l, struct mim_lpm_txn *x,
		     struct mim_lpm_chunk *c)
{
	size_t size = mim_lpm_chunk_size(l, c);

	if (!c->pooled) {
		mim_lpm_retire_blk(l, x, c, size);
		return;
	}
	/* The link's low bit marks a pool block (blocks are 32-aligned). */
	*(uintptr_t *)c = (uintptr_t)x->dead | 1;
	x->dead = c;
	x->dead_bytes += mim_lpm_pool_block(size);
}

void
mim_lpm_chunk_free(struct mim_lpm_obj *l, struct mim_lpm_chunk *c)
{
	if (c->pooled)
		mim_lpm_pool_free(l, c, mim_lpm_chunk_size(l, c));
	else
		mim_lpm_free(l, c, mim_lpm_chunk_size(l, c));
}

void
mim_lpm_release_chain(struct mim_lpm_obj *l, void *chain)
{
	uintptr_t link;
	void *p = chain;

	while (p != NULL) {
		link = *(uintptr_t *)p;
		if (link & 1)
			mim_lpm_pool_free(l, p, mim_lpm_chunk_size(l, p));
		else
			mim_free(p);
		p = (void *)(link & ~(uintptr_t)1);
	}
}

/* Bytes of a range: first address and next hop (packed: one u32). */
static size_t
range_bytes(const struct mim_lpm_obj *l, bool packed)
{
	if (packed)
		return sizeof(uint32_t);
	return (l->width == 32 ? sizeof(uint32_t) : 2 * sizeof(uint64_t)) +
		sizeof(uint32_t);
}

/* Ranges of a packed array that its first cache line holds whole. */
#define LPM_LINE_RANGES ((RTE_CACHE_LINE_SIZE - \
			  sizeof(struct mim_lpm_chunk)) / sizeof(uint32_t))

/* The packing of an array of nr ranges: 0, MIM_LPM_PACKED(_SUB). */
static uint16_t
packing(bool packed, uint32_t nr)
{
	if (!packed)
		return 0;
	return nr > LPM_LINE_RANGES && nr <= 1U + UINT8_MAX ?
		MIM_LPM_PACKED_SUB : MIM_LPM_PACKED;
}

/* Bytes before the ranges: the sub-index, if any. */
static size_t
sub_bytes(uint16_t packing)
{
	return packing == MIM_LPM_PACKED_SUB ? MIM_LPM_SUB_ENTRIES : 0;
}

static size_t
chunk_size(const struct mim_lpm_obj *l, uint32_t nb_ranges, uint32_t nb_recs,
	   uint16_t packed, bool recs_short)
{
	return sizeof(struct mim_lpm_chunk) + sub_bytes(packed) +
		nb_ranges * range_bytes(l, packed) +
		(size_t)nb_recs * (recs_short ? 1 : l->rec_words) *
		sizeof(uint32_t);
}

size_t
mim_lpm_chunk_size(const struct mim_lpm_obj *l, const struct mim_lpm_chunk *c)
{
	return chunk_size(l, c->nb_ranges, c->nb_recs, c->packed,
			  c->recs_short);
}

size_t
mim_lpm_root_size(uint32_t kbits)
{
	return sizeof(struct mim_lpm_root) +
		((size_t)1 << kbits) * sizeof(struct mim_lpm_dir);
}

static uint32_t *
chunk_recs(const struct mim_lpm_obj *l, const struct mim_lpm_chunk *c)
{
	return (uint32_t *)((uint8_t *)(uintptr_t)c->data +
			    sub_bytes(c->packed) +
			    c->nb_ranges * range_bytes(l, c->packed));
}

const uint32_t *
mim_lpm_chunk_routes(const struct mim_lpm_obj *l,
		     const struct mim_lpm_chunk *c, uint32_t b)
{
	const uint32_t *e = chunk_recs(l, c);
	uint32_t i;

	if (!c->recs_short)
		return e;
	/* mim_lpm_chunk_make() made the buffer large enough for c. */
	RTE_ASSERT(c->nb_recs <= scr.nb_dec);
	for (i = 0; i < c->nb_recs; i++) {
		scr.dec[2 * i] = b << 16 | e[i] >> 16;
		scr.dec[2 * i + 1] = ((e[i] >> LPM_SHORT_SLOT_BITS & 31) + 16) <<
			24 | (e[i] & ((1U << LPM_SHORT_SLOT_BITS) - 1));
	}
	return scr.dec;
}

/* Whether the n routes of an array can be short; if so, room to decode
 * them (without it, they stay long).
 */
static bool
recs_short_ok(const struct mim_lpm_obj *l, const uint32_t *recs, uint32_t n)
{
	uint32_t i, *dec;

	for (i = 0; i < n; i++)
		if (mim_lpm_rec_slot(l, recs + 2 * i) >=
		    1U << LPM_SHORT_SLOT_BITS)
			return false;
	if (n > scr.nb_dec) {
		dec = mim_calloc(2 * (size_t)RTE_MAX(n, 64U), sizeof(*dec));
		if (dec == NULL)
			return false;
		free(scr.dec);
		scr.dec = dec;
		scr.nb_dec = RTE_MAX(n, 64U);
	}
	return true;
}

uint32_t *
mim_lpm_scratch_recs(void)
{
	return scr.recs;
}

int
mim_lpm_scratch_reserve(uint32_t nb_routes, size_t nb_words)
{
	uint32_t nr = 2 * nb_routes + 1;
	mim_u128 *start;
	uint32_t *nh, *recs;

	if (nr > scr.nb_ranges) {
		nr = RTE_MAX(nr, 2 * scr.nb_ranges);
		start = mim_calloc(nr, sizeof(*start));
		nh = mim_calloc(nr, sizeof(*nh));
		if (start == NULL || nh == NULL) {
			free(start);
			free(nh);
			return -ENOMEM;
		}
		free(scr.start);
		free(scr.nh);
		scr.start = start;
		scr.nh = nh;
		scr.nb_ranges = nr;
	}
	if (nb_words > scr.nb_words) {
		nb_words = RTE_MAX(nb_words, 2 * scr.nb_words);
		recs = mim_calloc(nb_words, sizeof(*recs));
		if (recs == NULL)
			return -ENOMEM;
		free(scr.recs);
		scr.recs = recs;
		scr.nb_words = nb_words;
	}
	return 0;
}

/* Ranges being built, and the routes covering the current address. */
struct builder {
	uint32_t nr;
	uint32_t sp;
	mim_u128 cur;
	struct {
		mim_u128 last;
		uint32_t nh;
	} stack[130];
};

static void
emit(struct builder *b, uint32_t nh)
{
	if (b->nr != 0 && scr.nh[b->nr - 1] == nh)
		return;
	scr.start[b->nr] = b->cur;
	scr.nh[b->nr] = nh;
	b->nr++;
}

/* Close the top route: its range, if any is left, ends at its end. */
static bool
pop(struct builder *b, mim_u128 hi)
{
	b->sp--;
	if (b->cur <= b->stack[b->sp].last)
		emit(b, b->stack[b->sp].nh);
	if (b->stack[b->sp].last == hi)
		return false;   /* the region is done (hi may be all ones) */
	if (b->cur <= b->stack[b->sp].last)
		b->cur = b->stack[b->sp].last + 1;
	return true;
}

/*
 * Ranges of [lo, hi] (into the scratch arrays; reserved for n routes) from
 * n sorted routes inside it; outer is the next hop where none applies.
 */
static uint32_t
build(const struct mim_lpm_obj *l, const uint32_t *recs, uint32_t n,
      mim_u128 lo, mim_u128 hi, uint32_t outer)
{
	struct builder b = { .cur = lo, .sp = 1 };
	const uint32_t *r;
	mim_u128 a;
	uint32_t i, plen;

	b.stack[0].last = hi;
	b.stack[0].nh = outer;
	for (i = 0; i < n; i++) {
		r = recs + (size_t)i * l->rec_words;
		a = mim_lpm_rec_addr(l, r);
		plen = mim_lpm_rec_plen(l, r);
		while (b.stack[b.sp - 1].last < a)
			pop(&b, hi);
		if (a > b.cur) {
			emit(&b, b.stack[b.sp - 1].nh);
			b.cur = a;
		}
		RTE_ASSERT(b.sp < RTE_DIM(b.stack));
		b.stack[b.sp].last = a | (~mim_lpm_mask(l, plen) &
					  (~(mim_u128)0 >> (128 - l->width)));
		b.stack[b.sp].nh = mim_lpm_rec_slot(l, r) + 1;
		b.sp++;
	}
	while (b.sp > 0 && pop(&b, hi))
		;
	return b.nr;
}

/* First and last address of block c of a kbits index. */
static void
block_span(const struct mim_lpm_obj *l, uint32_t kbits, uint32_t c,
	   mim_u128 *lo, mim_u128 *hi)
{
	mim_u128 all = ~(mim_u128)0 >> (128 - l->width);

	if (kbits == 0) {
		*lo = 0;
		*hi = all;
		return;
	}
	*lo = (mim_u128)c << (l->width - kbits);
	*hi = *lo | (all >> kbits);
}

uint32_t
mim_lpm_block(const struct mim_lpm_obj *l, uint32_t kbits, mim_u128 addr)
{
	return kbits == 0 ? 0 : (uint32_t)(addr >> (l->width - kbits));
}

/*
 * The sub-index of a packed array of nr ranges (from the scratch ranges):
 * entry j is the last range starting at or before the block's address
 * j << 12 (the first range starts at the block).
 */
static void
sub_make(uint8_t *sub, uint32_t nr)
{
	uint32_t i = 0, j;

	for (j = 0; j < MIM_LPM_SUB_ENTRIES; j++) {
		while (i + 1 < nr &&
		       ((uint32_t)scr.start[i + 1] & 0xffff) <= j << 12)
			i++;
		sub[j] = (uint8_t)i;
	}
}

int
mim_lpm_chunk_make(struct mim_lpm_obj *l, uint32_t kbits, const uint32_t *recs,
		   uint32_t n, bool pooled, struct mim_lpm_chunk **out)
{
	struct mim_lpm_chunk *c;
	mim_u128 lo, hi;
	uint32_t nr, i;
	uint64_t *s64;
	uint32_t *s32, *nh;
	uint16_t packed;
	bool recs_short;
	size_t size;

	*out = NULL;
	if (n == 0)
		return 0;
	block_span(l, kbits, mim_lpm_block(l, kbits, mim_lpm_rec_addr(l, recs)),
		   &lo, &hi);
	nr = build(l, recs, n, lo, hi, MIM_LPM_NH_INHERIT);
	/* IPv4 blocks of a 16-bit index: 16-bit offsets and next hops in
	 * one u32 when every next hop fits, halving the bytes a search
	 * reads.
	 */
	packed = l->width == 32 && kbits == 16;
	for (i = 0; i < nr && packed; i++)
		packed = scr.nh[i] == MIM_LPM_NH_INHERIT ||
			scr.nh[i] < MIM_LPM_NH_PACKED_INHERIT;
	packed = packing(packed, nr);
	recs_short = packed && recs_short_ok(l, recs, n);
	size = chunk_size(l, nr, n, packed, recs_short);
	pooled = pooled && mim_lpm_pool_block(size) != 0;
	c = pooled ? mim_lpm_pool_alloc(l, size) : mim_lpm_zmalloc(l, size);
	if (c == NULL)
		return -ENOMEM;
	c->pooled = pooled;
	c->packed = packed;
	c->recs_short = recs_short;
	c->nb_ranges = nr;
	c->nb_recs = n;
	c->block = (uint16_t)mim_lpm_block(l, kbits,
					   mim_lpm_rec_addr(l, recs));
	if (packed == MIM_LPM_PACKED_SUB)
		sub_make((uint8_t *)c->data, nr);
	s32 = (uint32_t *)((uint8_t *)c->data + sub_bytes(packed));
	s64 = c->data;
	nh = (uint32_t *)((uint8_t *)c->data + nr * (range_bytes(l, packed) -
						      sizeof(uint32_t)));
	for (i = 0; i < nr; i++) {
		if (packed)
			s32[i] = (uint32_t)scr.start[i] << 16 |
				RTE_MIN(scr.nh[i], MIM_LPM_NH_PACKED_INHERIT);
		else if (l->width == 32)
			s32[i] = (uint32_t)scr.start[i];
		else {
			s64[2 * i] = (uint64_t)(scr.start[i] >> 64);
			s64[2 * i + 1] = (uint64_t)scr.start[i];
		}
		if (!packed)
			nh[i] = scr.nh[i];
	}
	if (recs_short) {
		s32 = chunk_recs(l, c);
		for (i = 0; i < n; i++)
			s32[i] = recs[2 * i] << 16 |
				(mim_lpm_rec_plen(l, recs + 2 * i) - 16) <<
				LPM_SHORT_SLOT_BITS |
				mim_lpm_rec_slot(l, recs + 2 * i);
	} else {
		memcpy(chunk_recs(l, c), recs,
		       (size_t)n * l->rec_words * sizeof(uint32_t));
	}
	*out = c;
	return 0;
}

uint32_t
mim_lpm_chunk_hint(const struct mim_lpm_chunk *c)
{
	const uint8_t *sub = (const uint8_t *)c->data;
	uintptr_t first = (uintptr_t)c / RTE_CACHE_LINE_SIZE, at;
	uint32_t hint = MIM_LPM_HINT_VALID, k, line;

	if (c->packed == MIM_LPM_PACKED)
		return hint;    /* the header line holds every range */
	if (c->packed != MIM_LPM_PACKED_SUB)
		return 0;
	for (k = 0; k < MIM_LPM_HINT_PARTS; k++) {
		/* Part k starts at sub-index entry 2k: its first range. */
		at = (uintptr_t)(sub + MIM_LPM_SUB_ENTRIES) +
			sub[k * MIM_LPM_SUB_ENTRIES / MIM_LPM_HINT_PARTS] *
			sizeof(uint32_t);
		line = (uint32_t)(at / RTE_CACHE_LINE_SIZE - first);
		if (line > 7)
			return 0;
		hint |= line << (3 * k);
	}
	return hint;
}

static void
dflt_set(struct mim_lpm_dir *d, uint32_t nh)
{
	if (__atomic_load_n(&d->dflt, __ATOMIC_RELAXED) == nh)
		return;
	/* Pairs with the acquire load in __mim_lpm_resolve(): the value
	 * slot of nh is written.
	 */
	__atomic_store_n(&d->dflt, nh, __ATOMIC_RELEASE);
}

void
mim_lpm_dflt_region(const struct mim_lpm_obj *l, struct mim_lpm_root *root,
		    const uint32_t *recs, uint32_t n, mim_u128 lo, mim_u128 hi,
		    uint32_t outer)
{
	uint32_t nr = build(l, recs, n, lo, hi, outer), i, b, last;

	/* Short routes start and end on block boundaries: so do ranges. */
	for (i = 0; i < nr; i++) {
		b = mim_lpm_block(l, root->kbits, scr.start[i]);
		last = i + 1 < nr ?
			mim_lpm_block(l, root->kbits, scr.start[i + 1]) - 1 :
			mim_lpm_block(l, root->kbits, hi);
		for (; b <= last; b++)
			dflt_set(&root->dir[b], scr.nh[i]);
	}
}
