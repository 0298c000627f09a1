/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Table lifetime: references, death, and destruction after a grace period.
 *
 * A table's references are its handles plus one per outer slot holding it;
 * they change only under the library mutex, so they are plain integers.
 * When the last one goes the table *dies*: its ID and name are removed at
 * once (as the kernel's bpf_map_put frees the map ID), an outer table drops
 * its slots' references (tables dying with it join the same chain), and the
 * chain is retired in one defer queue entry. Destruction happens when the
 * entry is released, after every reader has let go; retirements are
 * released in order, so whatever a table retired earlier (key slots, value
 * slots) is released before the table itself is destroyed. A release
 * hands its large blocks to the deferred-free list (mim_mem.c): they go
 * back to DPDK's heap once the library mutex is released.
 */

#include "mim_private.h"

static uint32_t nb_dying;       /* dead, on a chain not destroyed yet */
static uint64_t nb_destroyed;

__rte_hot uint64_t
mim_obj_mem_bytes(const struct mim_obj *t)
{
	const struct mim_table_ops *ops = mim_ops(t->dp.type);

	return ops->mem_bytes != NULL ? ops->mem_bytes(t) : t->mem_bytes;
}

__rte_hot uint64_t
mim_obj_chain_bytes(const struct mim_obj *dead)
{
	uint64_t b = 0;

	for (; dead != NULL; dead = dead->dead_next)
		b += mim_obj_mem_bytes(dead);
	return b;
}

__rte_hot void
mim_obj_get(struct mim_obj *t)
{
	t->refcnt++;
}

__rte_hot bool
mim_obj_last_ref(const struct mim_obj *t)
{
	return t->refcnt == 1;
}

__rte_hot void
mim_obj_put(struct mim_obj *t, struct mim_obj **dead)
{
	const struct mim_table_ops *ops = mim_ops(t->dp.type);
	uint64_t p;

	RTE_ASSERT(t->refcnt > 0);
	if (--t->refcnt != 0)
		return;
	p = mim_prof_start();
	mim_registry_del(t);
	nb_dying++;
	t->dead_next = *dead;
	*dead = t;
	if (ops->drop_slots != NULL)
		ops->drop_slots(t, dead);
	mim_prof_end(MIM_PROF_PUT, p);
}

void
mim_obj_destroy(struct mim_obj *t)
{
	mim_ops(t->dp.type)->free(t);
	mim_meta_release(&t->meta);
	mim_meta_release(&t->tmpl);
	mim_free(t);
}

void
mim_obj_destroy_chain(struct mim_obj *dead)
{
	while (dead != NULL) {
		struct mim_obj *next = dead->dead_next;

		mim_obj_destroy(dead);
		nb_dying--;
		nb_destroyed++;
		dead = next;
	}
}

void
mim_retire_release(const struct mim_retire *r)
{
	/* Readers have let go: the large blocks are freed after the
	 * mutex is released (mim_free_drain()).
	 */
	mim_free_defer(true);
	if (r->owner != NULL)
		mim_ops(r->owner->dp.type)->release(r->owner, r);
	if (r->dead != NULL)
		mim_obj_destroy_chain(r->dead);
	mim_free_defer(false);
}

void
mim_obj_counters(uint32_t *dying, uint64_t *destroyed)
{
	*dying = nb_dying;
	*destroyed = nb_destroyed;
}
