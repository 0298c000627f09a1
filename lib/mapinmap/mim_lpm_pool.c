/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Range arrays of large LPM tables come from a pool of the table's own:
 * size classes of 64-byte steps up to 4 KiB, carved from 256 KiB slabs of
 * DPDK heap, reused through free lists. A table of 10^6 routes replaces
 * one array per change; rte_malloc's free-list search grows with the
 * fragments such churn leaves (a 10^6 build slowed down ~30 times), and
 * its 128-byte element header would double the size of most arrays.
 *
 * Only the changes of one block in a 16-bit index take arrays from the
 * pool (one allocation, the last fallible step of the call); rebuilds of
 * the whole index use rte_malloc. Slabs are freed with the table.
 */

#include <errno.h>
#include <string.h>

#include "mim_private.h"

#define POOL_STEP RTE_CACHE_LINE_SIZE
#define POOL_CLASSES 64U
#define POOL_SLAB (256U * 1024)
#define POOL_MAX (POOL_STEP * POOL_CLASSES)

struct mim_lpm_pool {
	void *free[POOL_CLASSES];   /* free blocks, linked by first word */
	uint8_t *bump;              /* the current slab's unused part */
	uint8_t *end;
	void *slabs;                /* slabs, linked by first word */
};

static uint32_t
pool_class(size_t size)
{
	return (uint32_t)((size - 1) / POOL_STEP);
}

size_t
mim_lpm_pool_block(size_t size)
{
	return size <= POOL_MAX ? (pool_class(size) + 1) * POOL_STEP : 0;
}

/* A new slab (and the pool itself, the first time): 0 or -ENOMEM. */
static int
pool_grow(struct mim_lpm_obj *l)
{
	struct mim_lpm_pool *p = l->pool;
	uint8_t *slab;

	if (p == NULL) {
		p = mim_lpm_zmalloc(l, sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
	}
	slab = mim_lpm_zmalloc(l, POOL_SLAB);
	if (slab == NULL) {
		if (l->pool == NULL)
			mim_lpm_free(l, p, sizeof(*p));
		return -ENOMEM;
	}
	/* What is left of the last slab stays unused (< 4 KiB of 256). */
	*(void **)slab = p->slabs;
	p->slabs = slab;
	p->bump = slab + POOL_STEP;
	p->end = slab + POOL_SLAB;
	l->pool = p;
	return 0;
}

void *
mim_lpm_pool_alloc(struct mim_lpm_obj *l, size_t size)
{
	size_t bs = mim_lpm_pool_block(size);
	struct mim_lpm_pool *p = l->pool;
	uint32_t c = pool_class(size);
	void *b;

	RTE_ASSERT(bs != 0);
	if (p != NULL && p->free[c] != NULL) {
		b = p->free[c];
		p->free[c] = *(void **)b;
		memset(b, 0, bs);
		return b;
	}
	if ((p == NULL || (size_t)(p->end - p->bump) < bs) &&
	    pool_grow(l) != 0)
		return NULL;
	p = l->pool;
	b = p->bump;
	p->bump += bs;
	return b;
}

void
mim_lpm_pool_free(struct mim_lpm_obj *l, void *b, size_t size)
{
	struct mim_lpm_pool *p = l->pool;
	uint32_t c = pool_class(size);

	mim_poison(b, mim_lpm_pool_block(size));
	*(void **)b = p->free[c];
	p->free[c] = b;
}

void
mim_lpm_pool_fini(struct mim_lpm_obj *l)
{
	struct mim_lpm_pool *p = l->pool;
	void *s, *next;

	if (p == NULL)
		return;
	for (s = p->slabs; s != NULL; s = next) {
		next = *(void **)s;
		mim_lpm_free(l, s, POOL_SLAB);
	}
	mim_lpm_free(l, p, sizeof(*p));
	l->pool = NULL;
}
