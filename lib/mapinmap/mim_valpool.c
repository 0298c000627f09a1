/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Value objects of hash tables, in rte_mempools shared by every table whose
 * objects have the same (rounded) size on the same socket: the values of
 * MIM_F_NO_PREALLOC tables, of preallocated ones whose spares all wait for
 * readers, and the {key, inner table} objects of hashes of tables with long
 * keys (mim_hash.c). Sharing the pools keeps the memzone cost per table at
 * zero (a pool costs a few memzones; a table costs none here).
 *
 * A class grows by adding pools of doubling size (mempools cannot grow),
 * sized in bytes, and frees them all when its last table goes. Objects are
 * freed only by releases after a grace period, or before they were ever
 * published, all under the library mutex, so the pools are single-producer
 * single-consumer without per-lcore caches.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_mempool.h>

#include "mim_private.h"

#define VP_MAX_POOLS 32
#define VP_FIRST_BYTES (64U << 10)   /* the first pool: 64 KiB of values */
#define VP_MAX_BYTES (64U << 20)     /* no pool above 64 MiB ... */
#define VP_MAX_OBJS (1U << 20)       /* ... or 2^20 values */
#define VP_MIN_OBJS 2U
#define VP_FLAGS (RTE_MEMPOOL_F_NO_CACHE_ALIGN | RTE_MEMPOOL_F_SP_PUT | \
		  RTE_MEMPOOL_F_SC_GET | RTE_MEMPOOL_F_NO_IOVA_CONTIG)

struct vclass {
	struct vclass *next;
	uint32_t elt_size;
	int socket_id;
	uint32_t users;
	uint32_t nb_pools;
	uint32_t cur;      /* pool that served last */
	struct rte_mempool *pool[VP_MAX_POOLS];
};

static struct vclass *classes;

static uint32_t
elt_size(uint32_t size)
{
	return RTE_ALIGN_CEIL(size, 8);
}

static struct vclass *
class_find(uint32_t size, int socket_id)
{
	struct vclass *c;

	for (c = classes; c != NULL; c = c->next)
		if (c->elt_size == elt_size(size) && c->socket_id == socket_id)
			return c;
	return NULL;
}

int
mim_valpool_get(uint32_t size, int socket_id)
{
	struct vclass *c = class_find(size, socket_id);

	if (c == NULL) {
		c = mim_calloc(1, sizeof(*c));
		if (c == NULL)
			return -ENOMEM;
		c->elt_size = elt_size(size);
		c->socket_id = socket_id;
		c->next = classes;
		classes = c;
	}
	c->users++;
	return 0;
}

void
mim_valpool_put(uint32_t size, int socket_id)
{
	struct vclass *c = class_find(size, socket_id), **pc;
	uint32_t i;

	RTE_ASSERT(c != NULL && c->users > 0);
	if (--c->users != 0)
		return;
	/* Every value was freed before its table was destroyed:
	 * releases happen in retirement order.
	 */
	for (i = 0; i < c->nb_pools; i++) {
		RTE_ASSERT(rte_mempool_full(c->pool[i]));
		rte_mempool_free(c->pool[i]);
	}
	for (pc = &classes; *pc != c; pc = &(*pc)->next)
		;
	*pc = c->next;
	free(c);
}

static int
class_grow(struct vclass *c)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	uint32_t n;
	struct rte_mempool *mp;

	if (c->nb_pools == VP_MAX_POOLS)
		return -ENOSPC;
	/* Sized in bytes, so that large values do not make huge pools. */
	n = c->nb_pools == 0 ? VP_FIRST_BYTES / c->elt_size :
		c->pool[c->nb_pools - 1]->size * 2;
	n = RTE_MAX(RTE_MIN(n, RTE_MIN(VP_MAX_OBJS, VP_MAX_BYTES / c->elt_size)),
		    VP_MIN_OBJS);
	snprintf(name, sizeof(name), "mimv%" PRIu64, mim_serial());
	if (mim_fault())
		return -ENOMEM;
	mp = rte_mempool_create(name, n, c->elt_size, 0, 0, NULL, NULL, NULL,
				NULL, c->socket_id, VP_FLAGS);
	if (mp == NULL)
		return -ENOMEM;
	c->pool[c->nb_pools] = mp;
	c->cur = c->nb_pools++;
	return 0;
}

void *
mim_valpool_alloc(uint32_t size, int socket_id)
{
	struct vclass *c = class_find(size, socket_id);
	uint32_t i;
	void *obj;

	RTE_ASSERT(c != NULL);
	for (i = 0; i < c->nb_pools; i++) {
		uint32_t k = (c->cur + i) % c->nb_pools;

		if (rte_mempool_get(c->pool[k], &obj) == 0) {
			c->cur = k;
			return obj;
		}
	}
	if (class_grow(c) != 0)
		return NULL;
	if (rte_mempool_get(c->pool[c->cur], &obj) != 0)
		return NULL;
	return obj;
}

void
mim_valpool_free(void *obj)
{
	struct rte_mempool *mp = rte_mempool_from_obj(obj);

	mim_poison(obj, mp->elt_size);
	rte_mempool_put(mp, obj);
}

__rte_hot uint32_t
mim_valpool_obj_bytes(uint32_t size)
{
	/* The last size asked, remembered: a retirement counts its bytes
	 * with this, and a call into librte_mempool there costs more than
	 * the rest of a publish when its code is not in the caches.
	 */
	static uint32_t last_size, last_bytes;
	struct rte_mempool_objsz sz;

	if (size != last_size || last_bytes == 0) {
		last_bytes = rte_mempool_calc_obj_size(elt_size(size),
						       VP_FLAGS, &sz);
		last_size = size;
	}
	return last_bytes;
}

void
mim_valpool_stats(uint32_t *nb_pools, uint64_t *bytes)
{
	struct vclass *c;
	uint32_t i;

	*nb_pools = 0;
	*bytes = 0;
	for (c = classes; c != NULL; c = c->next)
		for (i = 0; i < c->nb_pools; i++) {
			(*nb_pools)++;
			*bytes += (uint64_t)c->pool[i]->size *
				mim_valpool_obj_bytes(c->elt_size);
		}
}
