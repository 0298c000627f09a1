/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Range arrays of large LPM tables come from a pool of the table's own:
 * size classes of 32-byte steps up to 4 KiB (64-byte steps left 1.7 MB
 * of rounding in a 10^6-route table, 32-byte ones 0.8 MB), each served
 * by slabs of DPDK heap holding blocks of that class only: 8 KiB, or 8
 * blocks and a header line for classes above 1 KiB. Small slabs empty
 * out under churn: with 64 KiB slabs a 10^6-route table built route by
 * route kept about 7.1 MB free in partly used slabs, with 8 KiB slabs
 * 4.8 MB (2.3 MB less heap). A table of 10^6 routes replaces one array
 * per change; rte_malloc's free-list search grows with the fragments
 * such churn leaves (a 10^6 build slowed down ~30 times), and its
 * 128-byte element header would double the size of most arrays.
 *
 * A slab keeps its own free blocks and a count of blocks in use; a slab
 * whose last block comes back is freed, unless it is the only one of its
 * class with room (kept for the next change), so that memory follows the
 * arrays as they grow and shrink. A block records its offset in its slab
 * (struct mim_lpm_chunk::pool_off).
 *
 * Blocks freed at random leave slabs partly used for good (a slab is
 * freed only once empty): when a change retires a block from a slab at
 * most a third full, the writer moves up to 16 more of that slab's arrays
 * into another slab of the class with room (mim_lpm_pool_sparse(): a
 * copy published like any change, the old block retired with the
 * call's), so that sparse slabs drain and go. In the benchmark's
 * 10^6-route table built route by route, that took the free space of
 * partly used slabs from 4.4 MB to 1.1 MB (a quarter and one move a
 * change: 2.5 MB).
 *
 * Only the changes of one block in a 16-bit index take arrays from the
 * pool (one allocation, the last fallible step of the call); rebuilds of
 * the whole index use rte_malloc.
 */

#include <errno.h>
#include <string.h>

#include "mim_private.h"

#define POOL_STEP 32U
#define POOL_CLASSES 128U
#define POOL_SLAB_MIN (8U * 1024)
#define POOL_SLAB_BLOCKS 8U
#define POOL_MAX (POOL_STEP * POOL_CLASSES)
#define POOL_HDR RTE_CACHE_LINE_SIZE

/* A slab's header, in its first cache line. */
struct pool_slab {
	struct pool_slab *next;    /* slabs of the class with room */
	struct pool_slab *prev;
	void *free;                /* free blocks, linked by first word */
	uint32_t cls;
	uint32_t live;             /* blocks in use */
	uint32_t carved;           /* blocks handed out once */
	uint32_t capacity;
};

struct mim_lpm_pool {
	struct pool_slab *room[POOL_CLASSES];
};

static uint32_t
pool_class(size_t size)
{
	return (uint32_t)((size - 1) / POOL_STEP);
}

/* Bytes of a slab of class c: its header line, then its blocks. */
static size_t
slab_size(uint32_t c)
{
	return RTE_MAX((size_t)POOL_SLAB_MIN,
		       POOL_HDR + POOL_SLAB_BLOCKS * (c + 1) * POOL_STEP);
}

size_t
mim_lpm_pool_block(size_t size)
{
	return size <= POOL_MAX ? (pool_class(size) + 1) * POOL_STEP : 0;
}

static void
room_add(struct mim_lpm_pool *p, struct pool_slab *s)
{
	s->prev = NULL;
	s->next = p->room[s->cls];
	if (s->next != NULL)
		s->next->prev = s;
	p->room[s->cls] = s;
}

static void
room_del(struct mim_lpm_pool *p, struct pool_slab *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		p->room[s->cls] = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

/* A new slab for class c (and the pool itself, the first time). */
static struct pool_slab *
slab_new(struct mim_lpm_obj *l, uint32_t c)
{
	struct mim_lpm_pool *p = l->pool;
	struct pool_slab *s;

	if (p == NULL) {
		p = mim_lpm_zmalloc(l, sizeof(*p));
		if (p == NULL)
			return NULL;
	}
	s = mim_lpm_zmalloc(l, slab_size(c));
	if (s == NULL) {
		if (l->pool == NULL)
			mim_lpm_free(l, p, sizeof(*p));
		return NULL;
	}
	l->pool = p;
	s->cls = c;
	s->capacity = (uint32_t)((slab_size(c) - POOL_HDR) /
				 ((c + 1) * POOL_STEP));
	room_add(p, s);
	return s;
}

struct mim_lpm_chunk *
mim_lpm_pool_alloc(struct mim_lpm_obj *l, size_t size)
{
	size_t bs = mim_lpm_pool_block(size);
	uint32_t c = pool_class(size);
	struct pool_slab *s;
	struct mim_lpm_chunk *b;

	RTE_ASSERT(bs != 0);
	s = l->pool != NULL ? l->pool->room[c] : NULL;
	if (s == NULL)
		s = slab_new(l, c);
	if (s == NULL)
		return NULL;
	if (s->free != NULL) {
		b = s->free;
		s->free = *(void **)b;
		memset(b, 0, bs);
	} else {
		b = (struct mim_lpm_chunk *)((uint8_t *)s + POOL_HDR +
					     s->carved++ * bs);
	}
	if (++s->live == s->capacity)
		room_del(l->pool, s);
	b->pool_off = (uint16_t)((uint8_t *)b - (uint8_t *)s);
	return b;
}

void
mim_lpm_pool_free(struct mim_lpm_obj *l, struct mim_lpm_chunk *b, size_t size)
{
	struct pool_slab *s = (struct pool_slab *)((uint8_t *)b - b->pool_off);
	struct mim_lpm_pool *p = l->pool;

	RTE_ASSERT(s->cls == pool_class(size));
	mim_poison(b, mim_lpm_pool_block(size));
	*(void **)b = s->free;
	s->free = b;
	if (s->live-- == s->capacity)
		room_add(p, s);
	/* Empty: freed, unless the class would be left without room. */
	if (s->live == 0 && (s->next != NULL || p->room[s->cls] != s)) {
		room_del(p, s);
		mim_lpm_free(l, s, slab_size(s->cls));
	}
}

struct mim_lpm_chunk *
mim_lpm_pool_sparse(const struct mim_lpm_obj *l, const struct mim_lpm_chunk *b,
		    const struct mim_lpm_root *root)
{
	const struct pool_slab *s = (const struct pool_slab *)
		((const uint8_t *)b - b->pool_off);
	const struct pool_slab *head = l->pool->room[s->cls];
	size_t bs = (s->cls + 1) * POOL_STEP;
	struct mim_lpm_chunk *c;
	uint32_t i;

	/* A third full, and a new block would come from another slab. */
	if (s->live * 3 > s->capacity || head == NULL || head == s ||
	    root->kbits != 16)
		return NULL;
	for (i = 0; i < s->carved; i++) {
		c = (struct mim_lpm_chunk *)((uintptr_t)s + POOL_HDR + i * bs);
		/* Only an array in use is its block's: a free or retired
		 * block's header may hold anything, but no entry points to
		 * it (and block is below 2^16).
		 */
		if (c != b && root->dir[c->block].chunk == c)
			return c;
	}
	return NULL;
}

/* Publish c as block b's array (replacing one or none). */
void
mim_lpm_publish(struct mim_lpm_root *root, uint32_t b, struct mim_lpm_chunk *c)
{
	/* The hint only steers prefetches: readers may see it with the
	 * entry's old array (mim_dp_lpm.h).
	 */
	__atomic_store_n(&root->dir[b].hint,
			 c != NULL ? mim_lpm_chunk_hint(c) : 0,
			 __ATOMIC_RELAXED);
	/* Pairs with the acquire loads of the entry's array in
	 * mim_dp_lpm.h: the new array is written.
	 */
	__atomic_store_n(&root->dir[b].chunk, c, __ATOMIC_RELEASE);
}

/* Arrays a change moves at most out of a sparse slab. */
#define LPM_COMPACT_MOVES 16

/*
 * After retiring pool block old: move up to LPM_COMPACT_MOVES more arrays
 * out of its slab while that slab is sparse (mim_lpm_pool_sparse()). Never
 * fails: without a block free in another slab (no allocation is made),
 * nothing moves.
 */
void
mim_lpm_pool_compact(struct mim_lpm_obj *l, struct mim_lpm_txn *x,
		     struct mim_lpm_chunk *old)
{
	struct mim_lpm_root *root = l->base.dp.u.lpm;
	struct mim_lpm_chunk *c, *n;
	uint32_t k;
	size_t size;
	uint16_t off;

	for (k = 0; k < LPM_COMPACT_MOVES; k++) {
		c = mim_lpm_pool_sparse(l, old, root);
		if (c == NULL)
			return;
		size = mim_lpm_chunk_size(l, c);
		n = mim_lpm_pool_alloc(l, size);
		if (n == NULL)
			return;
		off = n->pool_off;
		memcpy(n, c, size);
		n->pool_off = off;
		mim_lpm_publish(root, c->block, n);
		mim_lpm_retire_chunk(l, x, c);
	}
}

void
mim_lpm_pool_fini(struct mim_lpm_obj *l)
{
	struct mim_lpm_pool *p = l->pool;
	struct pool_slab *s;
	uint32_t c;

	if (p == NULL)
		return;
	/* Every block is back by now: what is left is empty slabs. */
	for (c = 0; c < POOL_CLASSES; c++)
		while ((s = p->room[c]) != NULL) {
			RTE_ASSERT(s->live == 0);
			room_del(p, s);
			mim_lpm_free(l, s, slab_size(s->cls));
		}
	mim_lpm_free(l, p, sizeof(*p));
	l->pool = NULL;
}
