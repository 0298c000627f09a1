/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * MIM_TYPE_LPM: longest-prefix match of IPv4 (key_size 8, struct
 * mim_lpm_key) and IPv6 (key_size 20, struct mim_lpm6_key) addresses, with
 * the key and semantics of the kernel's BPF_MAP_TYPE_LPM_TRIE, on a compact
 * structure of the library's own. Every DPDK LPM has a 2^24-entry first
 * level (16 to 128 MiB): none can be a per-tenant table.
 *
 * Layout (read by mim_dp_lpm.h), after DXR (Zec, Rizzo, Mikuc) and
 * FreeBSD's size-tiered fib_algo:
 * - a direct index of 2^kbits entries on the address's first bits, by
 *   the number of routes: kbits 0 (IPv4 up to 1,024 routes, IPv6 4,096:
 *   one entry), 8 (IPv4 up to 32,768), else 16;
 * - per entry, a sorted array of address ranges and their next hops for
 *   the routes of at least kbits bits in that block, searched by bisection
 *   (packed arrays of a 16-bit index behind a 16-entry sub-index, and a
 *   hint in the entry of the lines to prefetch), and the next hop of the
 *   longest shorter route covering the block;
 * - value slots: a next hop is 1 + the index of a value slot, and equal
 *   values share a slot (mim_lpm_vals.c).
 * An empty table is its header and a one-entry index (704 bytes of heap);
 * memory grows with the routes (a range is 8 bytes for IPv4, 4 in the
 * packed blocks of a 16-bit index, 20 for IPv6; a route's writer copy 8
 * or 20), large tables take their arrays from a pool of their own
 * (mim_lpm_pool.c), and no memzone is used.
 *
 * Updates (mim_lpm_build.c): a range array is immutable; a change builds
 * the new array of its block from the block's routes (kept in the array,
 * after the ranges) and publishes it with one release store; a route
 * shorter than kbits changes the covering next hops of the blocks it
 * spans, one store each. So a reader finds, for any address, the old or
 * the new route of the prefix a concurrent call changes, and never waits.
 * Everything a call replaces (arrays, an index, a value slot array) is
 * chained into the call's one retirement (struct mim_retire: obj is the
 * chain, pos a value slot no route uses any more) and freed after a grace
 * period. Crossing a tier rebuilds the whole index, published with one
 * store (the cost of a rebuild is amortised over the routes added since
 * the last one).
 *
 * The control plane finds exact prefixes by bisection in the sorted route
 * lists (the short routes, and each block's), lookup_elem() tries each
 * prefix length from prefixlen down, and get_next_key() walks the short
 * routes, then the blocks in order.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_byteorder.h>

#include "mim_private.h"

#define LPM_VALUE_SIZE_MAX 256U
/* Value slots are 24-bit in a route's writer copy. */
#define LPM_MAX_ENTRIES (1U << 23)
/* rte_lpm's limit, still checked (the option has no effect any more). */
#define LPM_TBL8_GROUPS_MAX (1U << 24)
#define LPM6_KEY_SIZE 20U

static struct mim_lpm_obj *
ltab(struct mim_obj *t)
{
	return container_of(t, struct mim_lpm_obj, base);
}

static const struct mim_lpm_obj *
ltab_c(const struct mim_obj *t)
{
	return container_of(t, const struct mim_lpm_obj, base);
}

/* A key's address, host order, low-aligned in width bits. */
static mim_u128
key_addr(const struct mim_lpm_obj *l, const void *key)
{
	const uint8_t *p = (const uint8_t *)key + 4;
	rte_be32_t a4;
	mim_u128 a = 0;
	uint32_t i;

	if (l->width == 32) {
		memcpy(&a4, p, sizeof(a4));
		return rte_be_to_cpu_32(a4);
	}
	for (i = 0; i < 16; i++)
		a = a << 8 | p[i];
	return a;
}

static void
key_make(const struct mim_lpm_obj *l, void *key, mim_u128 addr, uint32_t plen)
{
	uint8_t *p = (uint8_t *)key + 4;
	rte_be32_t a4;
	int i;

	memcpy(key, &plen, sizeof(plen));
	if (l->width == 32) {
		a4 = rte_cpu_to_be_32((uint32_t)addr);
		memcpy(p, &a4, sizeof(a4));
		return;
	}
	for (i = 15; i >= 0; i--) {
		p[i] = (uint8_t)addr;
		addr >>= 8;
	}
}

static uint32_t
key_plen(const void *key)
{
	uint32_t plen;

	memcpy(&plen, key, sizeof(plen));
	return plen;
}

/* ---- creation ------------------------------------------------------------- */

/* trie_alloc()'s checks, in the kernel's order (see doc for deviations). */
static int
lpm_alloc_check(const struct mim_attr *attr)
{
	const uint32_t flags_ok = MIM_F_NO_PREALLOC | MIM_F_NUMA_NODE;

	if (attr->max_entries == 0)
		return mim_err(EINVAL, "max_entries is 0");
	if (attr->map_flags & ~flags_ok)
		return mim_err(EINVAL, "map_flags 0x%x not supported by lpm",
			       attr->map_flags & ~flags_ok);
	if (attr->key_size != sizeof(struct mim_lpm_key) &&
	    attr->key_size != LPM6_KEY_SIZE)
		return mim_err(EINVAL, "key_size %u: LPM keys are struct mim_lpm_key (8 bytes, IPv4) or struct mim_lpm6_key (20 bytes, IPv6)",
			       attr->key_size);
	if (attr->value_size == 0)
		return mim_err(EINVAL, "value_size is 0");
	if (attr->value_size > LPM_VALUE_SIZE_MAX)
		return mim_err(E2BIG, "value_size %u above %u for LPM tables",
			       attr->value_size, LPM_VALUE_SIZE_MAX);
	if (attr->max_entries > LPM_MAX_ENTRIES)
		return mim_err(E2BIG, "max_entries %u above %u (value slots are 24-bit)",
			       attr->max_entries, LPM_MAX_ENTRIES);
	if (attr->lpm_tbl8_groups > LPM_TBL8_GROUPS_MAX)
		return mim_err(EINVAL, "lpm_tbl8_groups %u above %u",
			       attr->lpm_tbl8_groups, LPM_TBL8_GROUPS_MAX);
	return 0;
}

static int
lpm_alloc(struct mim_obj *t, const struct mim_attr *attr)
{
	struct mim_lpm_obj *l = ltab(t);

	t->dp.elem_size = RTE_ALIGN_CEIL(attr->value_size, 8);
	l->width = attr->key_size == LPM6_KEY_SIZE ? 128 : 32;
	l->rec_words = l->width / 32 + 1;
	/* Room for every route's value, and for values that wait for
	 * readers after they were replaced.
	 */
	mim_lpm_vals_init(l, attr->max_entries +
			  RTE_MAX(attr->max_entries / 4, 16U));
	if (mim_lpm_index_init(l) != 0)
		return mim_err(ENOMEM, "cannot allocate an LPM table");
	l->bytes_init = l->bytes;
	return 0;
}

static void
lpm_free(struct mim_obj *t)
{
	struct mim_lpm_obj *l = ltab(t);

	mim_lpm_index_fini(l);
	mim_lpm_vals_fini(l);
}

static uint64_t
lpm_mem_bytes(const struct mim_obj *t)
{
	const struct mim_lpm_obj *l = ltab_c(t);

	/* Measured at creation, then counted block by block. */
	return t->mem_bytes - l->bytes_init + l->bytes;
}

/* After a grace period: the blocks a call replaced, a value slot. */
static void
lpm_release(struct mim_obj *t, const struct mim_retire *r)
{
	mim_lpm_release_chain(ltab(t), r->obj);
	if (r->pos != MIM_RETIRE_NO_POS)
		mim_lpm_vals_release(ltab(t), r->pos);
}

/* ---- routes --------------------------------------------------------------- */

static int
plen_check(const struct mim_lpm_obj *l, uint32_t plen)
{
	if (plen > l->width)
		return mim_err(EINVAL, "prefixlen %u above %u", plen, l->width);
	return 0;
}

/* Retire what the call replaced: its blocks, and slot if no route uses it. */
static void
retire(struct mim_lpm_obj *l, struct mim_lpm_txn *x, uint32_t slot)
{
	struct mim_retire r = {
		.owner = &l->base,
		.obj = x->dead,
		.bytes = x->dead_bytes,
		.pos = slot,
	};

	if (slot != MIM_RETIRE_NO_POS)
		r.bytes += l->base.dp.elem_size;
	if (r.obj != NULL || slot != MIM_RETIRE_NO_POS)
		mim_rcu_retire(&r);
}

static int
lpm_update_elem(struct mim_obj *t, const void *key, const void *value,
		uint64_t flags)
{
	struct mim_lpm_obj *l = ltab(t);
	struct mim_lpm_txn x = { .op = MIM_LPM_ADD };
	uint32_t plen = key_plen(key), gone = MIM_RETIRE_NO_POS, slot;
	mim_u128 addr;
	int64_t old;
	int ret;

	if (flags > MIM_EXIST)
		return mim_err(EINVAL, "unknown update flags 0x%" PRIx64, flags);
	ret = plen_check(l, plen);
	if (ret != 0)
		return ret;
	addr = key_addr(l, key) & mim_lpm_mask(l, plen);
	old = mim_lpm_find(l, addr, plen);
	if (old >= 0 && flags == MIM_NOEXIST)
		return mim_err(EEXIST, "prefix exists (MIM_NOEXIST)");
	if (old < 0 && flags == MIM_EXIST)
		return mim_err(ENOENT, "no such prefix (MIM_EXIST)");
	if (old < 0 && t->nb_entries >= t->dp.max_entries)
		return mim_err(ENOSPC, "table is full (max_entries %u)",
			       t->dp.max_entries);
	if (old >= 0 && memcmp(mim_lpm_val(l, (uint32_t)old), value,
			       t->dp.value_size) == 0)
		return 0;   /* same value: nothing to publish */
	ret = mim_rcu_reserve();
	if (ret != 0)
		return ret;
	ret = mim_lpm_vals_prepare(l, value, &x.v);
	if (ret != 0)
		return ret;
	if (old >= 0)
		x.op = MIM_LPM_SET;
	mim_lpm_rec_make(l, x.rec, addr, plen, x.v.slot);
	if (mim_lpm_prepare(l, &x) != 0) {
		mim_lpm_abort(l, &x);
		mim_lpm_vals_abort(l, &x.v);
		return mim_err(ENOMEM, "cannot allocate the ranges of /%u (%u routes)",
			       plen, t->nb_entries);
	}
	/* The value is written before the route that uses it is published. */
	slot = x.v.slot;
	mim_lpm_vals_commit(l, value, &x);
	mim_lpm_vals_ref(l, slot);
	mim_lpm_commit(l, &x);
	if (old >= 0) {
		t->nb_replacements++;
		if (mim_lpm_vals_unref(l, (uint32_t)old))
			gone = (uint32_t)old;
	} else {
		t->nb_entries++;
	}
	retire(l, &x, gone);
	return 0;
}

static int
lpm_delete_elem(struct mim_obj *t, const void *key)
{
	struct mim_lpm_obj *l = ltab(t);
	struct mim_lpm_txn x = { .op = MIM_LPM_DEL };
	uint32_t plen = key_plen(key), gone = MIM_RETIRE_NO_POS;
	mim_u128 addr;
	int64_t old;
	int ret;

	ret = plen_check(l, plen);
	if (ret != 0)
		return ret;
	addr = key_addr(l, key) & mim_lpm_mask(l, plen);
	old = mim_lpm_find(l, addr, plen);
	if (old < 0)
		return mim_err(ENOENT, "no such prefix");
	ret = mim_rcu_reserve();
	if (ret != 0)
		return ret;
	mim_lpm_rec_make(l, x.rec, addr, plen, (uint32_t)old);
	if (mim_lpm_prepare(l, &x) != 0) {
		mim_lpm_abort(l, &x);
		return mim_err(ENOMEM, "cannot allocate the ranges left without /%u (%u routes)",
			       plen, t->nb_entries);
	}
	mim_lpm_commit(l, &x);
	t->nb_entries--;
	if (mim_lpm_vals_unref(l, (uint32_t)old))
		gone = (uint32_t)old;
	retire(l, &x, gone);
	return 0;
}

/* trie_lookup_elem(): longest stored prefix of at most prefixlen bits. */
static int
lpm_lookup_elem(struct mim_obj *t, const void *key, void *value)
{
	const struct mim_lpm_obj *l = ltab(t);
	uint32_t plen = key_plen(key), d;
	mim_u128 addr;
	int64_t slot;

	if (plen > l->width)
		return -ENOENT;
	addr = key_addr(l, key);
	for (d = plen + 1; d-- > 0;) {
		slot = mim_lpm_find(l, addr & mim_lpm_mask(l, d), d);
		if (slot >= 0) {
			memcpy(value, mim_lpm_val(l, (uint32_t)slot),
			       t->dp.value_size);
			return 0;
		}
	}
	return -ENOENT;
}

static int
lpm_get_next_key(struct mim_obj *t, const void *key, void *next_key)
{
	const struct mim_lpm_obj *l = ltab(t);
	mim_u128 addr = 0, next;
	uint32_t plen = 0, next_plen;
	bool from = false;
	int ret;

	/* A key that cannot be in the table starts the walk over. */
	if (key != NULL && key_plen(key) <= l->width) {
		plen = key_plen(key);
		addr = key_addr(l, key) & mim_lpm_mask(l, plen);
		from = true;
	}
	ret = mim_lpm_next(l, from ? &addr : NULL, plen, &next, &next_plen);
	if (ret != 0)
		return ret;
	key_make(l, next_key, next, next_plen);
	return 0;
}

const struct mim_table_ops mim_lpm_ops = {
	.obj_size = sizeof(struct mim_lpm_obj),
	.is_outer = false,
	.alloc_check = lpm_alloc_check,
	.alloc = lpm_alloc,
	.free = lpm_free,
	.lookup_elem = lpm_lookup_elem,
	.update_elem = lpm_update_elem,
	.delete_elem = lpm_delete_elem,
	.get_next_key = lpm_get_next_key,
	/* Capacity may differ between inner tables (as in the kernel). */
	.meta_equal = mim_meta_equal,
	.release = lpm_release,
	.drop_slots = NULL,	/* values are not tables */
	.mem_bytes = lpm_mem_bytes,
};
