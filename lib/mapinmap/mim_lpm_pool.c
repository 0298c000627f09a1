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
	b->pool_off = (uint32_t)((uint8_t *)b - (uint8_t *)s);
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
