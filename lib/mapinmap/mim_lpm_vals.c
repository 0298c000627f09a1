/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Value slots of an LPM table. A range's next hop is 1 + the index of a
 * slot of value_size bytes (stride elem_size) in an array the data path
 * reads. Routes with equal values share one slot (routes share a few next
 * hops, so the slots stay in cache); a slot no route uses any more leaves
 * the value index at once and is reused after a grace period; a route's
 * value changes by pointing it at another slot, never by rewriting a slot a
 * reader may be reading.
 *
 * The array grows by doubling up to the table's limit: a grown copy is
 * published with one release store and the old one retired with the call.
 * The value index (value bytes -> slot) is the writer's: open addressing
 * with linear probing over the slot array's bytes, at most half full.
 */

#include <errno.h>
#include <string.h>

#include <rte_hash_crc.h>

#include "mim_private.h"

/* The slot array's block: the chain link, then the slots (cache aligned). */
#define VALS_HDR RTE_CACHE_LINE_SIZE
#define VALS_CAP_MIN 8U
#define HIDX_MIN 16U

static size_t
vals_blk_size(const struct mim_lpm_obj *l, uint32_t cap)
{
	return VALS_HDR + (size_t)cap * l->base.dp.elem_size;
}

uint8_t *
mim_lpm_val(const struct mim_lpm_obj *l, uint32_t slot)
{
	return l->base.dp.lpm_values + (size_t)slot * l->base.dp.elem_size;
}

void
mim_lpm_vals_init(struct mim_lpm_obj *l, uint32_t limit)
{
	memset(&l->vals, 0, sizeof(l->vals));
	l->vals.limit = limit;
	l->vals.seed = 0x9e3779b9;
}

void
mim_lpm_vals_fini(struct mim_lpm_obj *l)
{
	struct mim_lpm_vals *v = &l->vals;

	mim_lpm_free(l, v->blk, vals_blk_size(l, v->cap));
	mim_lpm_free(l, v->refs, (size_t)v->cap * 2 * sizeof(uint32_t));
	mim_lpm_free(l, v->hidx, (size_t)v->hcap * sizeof(uint32_t));
	l->base.dp.lpm_values = NULL;
	memset(v, 0, sizeof(*v));
}

static uint32_t
val_hash(const struct mim_lpm_obj *l, const void *value)
{
	return rte_hash_crc(value, l->base.dp.value_size, l->vals.seed);
}

/* The index position holding value, or of the empty entry ending its run. */
static uint32_t
hidx_pos(const struct mim_lpm_obj *l, const uint32_t *hidx, uint32_t hcap,
	 const void *value, bool *found)
{
	uint32_t i = val_hash(l, value) & (hcap - 1);

	*found = false;
	while (hidx[i] != 0) {
		if (memcmp(mim_lpm_val(l, hidx[i] - 1), value,
			   l->base.dp.value_size) == 0) {
			*found = true;
			break;
		}
		i = (i + 1) & (hcap - 1);
	}
	return i;
}

static void
hidx_put(const struct mim_lpm_obj *l, uint32_t *hidx, uint32_t hcap,
	 uint32_t slot)
{
	bool found;
	uint32_t i = hidx_pos(l, hidx, hcap, mim_lpm_val(l, slot), &found);

	RTE_ASSERT(!found);
	hidx[i] = slot + 1;
}

/* Remove the entry at i, moving later entries of its run back. */
static void
hidx_del(const struct mim_lpm_obj *l, uint32_t i)
{
	uint32_t *hidx = l->vals.hidx, mask = l->vals.hcap - 1, j = i, h;

	hidx[i] = 0;
	for (;;) {
		j = (j + 1) & mask;
		if (hidx[j] == 0)
			return;
		h = val_hash(l, mim_lpm_val(l, hidx[j] - 1)) & mask;
		/* Move j into the hole i unless its home lies in (i, j]. */
		if (i <= j ? (h > i && h <= j) : (h > i || h <= j))
			continue;
		hidx[i] = hidx[j];
		hidx[j] = 0;
		i = j;
	}
}

/* Grow the slot array and its counts for one more fresh slot. */
static int
vals_grow(struct mim_lpm_obj *l, struct mim_lpm_vals_txn *x)
{
	const struct mim_lpm_vals *v = &l->vals;
	uint32_t cap = RTE_MIN(RTE_MAX(v->cap * 2, VALS_CAP_MIN), v->limit);

	x->blk = mim_lpm_zmalloc(l, vals_blk_size(l, cap));
	if (x->blk == NULL)
		return -ENOMEM;
	x->refs = mim_lpm_zmalloc(l, (size_t)cap * 2 * sizeof(uint32_t));
	if (x->refs == NULL) {
		mim_lpm_free(l, x->blk, vals_blk_size(l, cap));
		x->blk = NULL;
		return -ENOMEM;
	}
	x->cap = cap;
	return 0;
}

/* A value index of twice the size, holding the values in use. */
static int
hidx_grow(struct mim_lpm_obj *l, struct mim_lpm_vals_txn *x)
{
	const struct mim_lpm_vals *v = &l->vals;
	uint32_t hcap = RTE_MAX(v->hcap * 2, HIDX_MIN), i;

	x->hidx = mim_lpm_zmalloc(l, (size_t)hcap * sizeof(uint32_t));
	if (x->hidx == NULL)
		return -ENOMEM;
	x->hcap = hcap;
	for (i = 0; i < v->hcap; i++)
		if (v->hidx[i] != 0)
			hidx_put(l, x->hidx, hcap, v->hidx[i] - 1);
	return 0;
}

int
mim_lpm_vals_prepare(struct mim_lpm_obj *l, const void *value,
		     struct mim_lpm_vals_txn *x)
{
	struct mim_lpm_vals *v = &l->vals;
	bool found = false;
	uint32_t i;

	memset(x, 0, sizeof(*x));
	if (v->hcap != 0) {
		i = hidx_pos(l, v->hidx, v->hcap, value, &found);
		if (found) {
			x->slot = v->hidx[i] - 1;
			return 0;
		}
	}
	if (v->nb_free == 0 && v->nb_fresh == v->limit)
		mim_rcu_reclaim_all();
	if (v->nb_free == 0 && v->nb_fresh == v->limit)
		return mim_err(EBUSY, "no free value slot: %u slots wait for readers",
			       mim_rcu_pending());
	x->is_new = true;
	x->slot = v->nb_free != 0 ? v->refs[v->cap + v->nb_free - 1] :
		v->nb_fresh;
	if (v->nb_free == 0 && v->nb_fresh == v->cap && vals_grow(l, x) != 0)
		return mim_err(ENOMEM, "cannot grow the value slots of an LPM table to %u",
			       RTE_MIN(RTE_MAX(v->cap * 2, VALS_CAP_MIN), v->limit));
	if ((v->nb_used + 1) * 2 > v->hcap && hidx_grow(l, x) != 0) {
		mim_lpm_vals_abort(l, x);
		return mim_err(ENOMEM, "cannot grow the value index of an LPM table");
	}
	return 0;
}

void
mim_lpm_vals_abort(struct mim_lpm_obj *l, struct mim_lpm_vals_txn *x)
{
	if (x->blk != NULL) {
		mim_lpm_free(l, x->blk, vals_blk_size(l, x->cap));
		mim_lpm_free(l, x->refs, (size_t)x->cap * 2 * sizeof(uint32_t));
	}
	if (x->hidx != NULL)
		mim_lpm_free(l, x->hidx, (size_t)x->hcap * sizeof(uint32_t));
	memset(x, 0, sizeof(*x));
}

/* Install a grown array: readers move to it; the old one is retired. */
static void
vals_install(struct mim_lpm_obj *l, struct mim_lpm_txn *t)
{
	struct mim_lpm_vals_txn *x = &t->v;
	struct mim_lpm_vals *v = &l->vals;
	uint8_t *values = (uint8_t *)x->blk + VALS_HDR;

	if (v->cap != 0) {
		memcpy(values, l->base.dp.lpm_values,
		       (size_t)v->cap * l->base.dp.elem_size);
		memcpy(x->refs, v->refs, v->cap * sizeof(uint32_t));
		memcpy(x->refs + x->cap, v->refs + v->cap,
		       v->nb_free * sizeof(uint32_t));
		mim_lpm_retire_blk(l, t, v->blk, vals_blk_size(l, v->cap));
		mim_lpm_free(l, v->refs, (size_t)v->cap * 2 * sizeof(uint32_t));
	}
	/* Pairs with the acquire load in __mim_lpm_resolve(): the copied
	 * slots are written before readers use the new array.
	 */
	__atomic_store_n(&l->base.dp.lpm_values, values, __ATOMIC_RELEASE);
	v->blk = x->blk;
	v->refs = x->refs;
	v->cap = x->cap;
}

void
mim_lpm_vals_commit(struct mim_lpm_obj *l, const void *value,
		    struct mim_lpm_txn *t)
{
	struct mim_lpm_vals_txn *x = &t->v;
	struct mim_lpm_vals *v = &l->vals;

	if (!x->is_new)
		return;
	if (x->blk != NULL)
		vals_install(l, t);
	if (x->hidx != NULL) {
		mim_lpm_free(l, v->hidx, (size_t)v->hcap * sizeof(uint32_t));
		v->hidx = x->hidx;
		v->hcap = x->hcap;
	}
	if (v->nb_free != 0)
		v->nb_free--;
	else
		v->nb_fresh++;
	/* No route uses the slot, and no reader since its grace period:
	 * written in place, before a route publishes it.
	 */
	memcpy(mim_lpm_val(l, x->slot), value, l->base.dp.value_size);
	hidx_put(l, v->hidx, v->hcap, x->slot);
	v->nb_used++;
	memset(x, 0, sizeof(*x));
}

void
mim_lpm_vals_ref(struct mim_lpm_obj *l, uint32_t slot)
{
	l->vals.refs[slot]++;
}

bool
mim_lpm_vals_unref(struct mim_lpm_obj *l, uint32_t slot)
{
	struct mim_lpm_vals *v = &l->vals;
	bool found;
	uint32_t i;

	RTE_ASSERT(v->refs[slot] > 0);
	if (--v->refs[slot] != 0)
		return false;
	/* No new route may share it from now on. */
	i = hidx_pos(l, v->hidx, v->hcap, mim_lpm_val(l, slot), &found);
	RTE_ASSERT(found && v->hidx[i] == slot + 1);
	hidx_del(l, i);
	v->nb_used--;
	return true;
}

void
mim_lpm_vals_release(struct mim_lpm_obj *l, uint32_t slot)
{
	struct mim_lpm_vals *v = &l->vals;

	mim_poison(mim_lpm_val(l, slot), l->base.dp.elem_size);
	v->refs[v->cap + v->nb_free++] = slot;
}
