/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Arrays: MIM_TYPE_ARRAY (values in place), MIM_TYPE_PERCPU_ARRAY (one
 * copy of the values per lcore) and MIM_TYPE_ARRAY_OF_TABLES (slots
 * holding inner tables), as the kernel's arraymap.c holds array_map_ops,
 * percpu_array_map_ops and array_of_maps_map_ops.
 *
 * Storage is rounded up to a power of two of elements and indexes are
 * masked on the data path, so a mispredicted bound check cannot read out of
 * bounds (the kernel's index_mask).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mim_private.h"

static uint32_t
key_index(const void *key)
{
	uint32_t i;

	memcpy(&i, key, sizeof(i));
	return i;
}

/* array_map_alloc_check(), in the kernel's order. */
static int
array_check(const struct mim_attr *attr, uint32_t flags_ok)
{
	if (attr->max_entries == 0)
		return mim_err(EINVAL, "max_entries is 0");
	if (attr->key_size != 4)
		return mim_err(EINVAL, "key_size %u: array keys are u32 indexes (4)",
			       attr->key_size);
	if (attr->value_size == 0)
		return mim_err(EINVAL, "value_size is 0");
	if (attr->map_flags & ~flags_ok)
		return mim_err(EINVAL, "map_flags 0x%x not supported by %s",
			       attr->map_flags & ~flags_ok,
			       mim_type_name(attr->type));
	/* Avoids overflow when rounding value_size up (as the kernel). */
	if (attr->value_size > INT32_MAX)
		return mim_err(E2BIG, "value_size %u above INT_MAX",
			       attr->value_size);
	return 0;
}

/*
 * Layout shared by the array types: mask, stride, storage, nb_copies
 * copies of the elements (PERCPU_ARRAY: one per lcore ID, each starting on
 * its own cache line, so that two lcores never share one). The size limits
 * come here, after the template (array_map_alloc()'s order).
 */
static int
array_layout(struct mim_obj *t, uint32_t elem_size, uint32_t nb_copies)
{
	uint32_t n = rte_align32pow2(t->dp.max_entries);
	uint64_t bytes = (uint64_t)n * elem_size;

	if (t->dp.max_entries > (1U << 31))
		return mim_err(E2BIG, "max_entries %u: an array holds at most 2^31 elements",
			       t->dp.max_entries);
	if (nb_copies > 1)
		bytes = RTE_ALIGN_CEIL(bytes, RTE_CACHE_LINE_SIZE);
	if (bytes >= (UINT64_C(1) << 32))
		return mim_err(E2BIG, "%u elements of %u bytes (rounded up to a power of two) exceed 4 GiB",
			       t->dp.max_entries, elem_size);

	t->dp.index_mask = n - 1;
	t->dp.elem_size = elem_size;
	t->dp.percpu_stride = nb_copies > 1 ? (uint32_t)bytes : 0;
	t->meta.index_mask = t->dp.index_mask;
	t->meta.elem_size = elem_size;
	t->dp.u.values = mim_zmalloc((size_t)(bytes * nb_copies), t->socket_id);
	if (t->dp.u.values == NULL && nb_copies > 1)
		return mim_err(ENOMEM, "cannot allocate %u per-lcore copies of %u elements of %u bytes",
			       nb_copies, n, elem_size);
	if (t->dp.u.values == NULL)
		return mim_err(ENOMEM, "cannot allocate %u elements of %u bytes",
			       n, elem_size);
	return 0;
}

static void
array_free(struct mim_obj *t)
{
	mim_free(t->dp.u.values);
}

/* array_map_get_next_key(): every index, occupied or not. */
static int
array_get_next_key(struct mim_obj *t, const void *key, void *next_key)
{
	uint32_t i = key != NULL ? key_index(key) : UINT32_MAX, next;

	if (i >= t->dp.max_entries) {
		next = 0;
	} else {
		if (i == t->dp.max_entries - 1)
			return -ENOENT;
		next = i + 1;
	}
	memcpy(next_key, &next, sizeof(next));
	return 0;
}

/* ---- MIM_TYPE_ARRAY ------------------------------------------------------ */

static int
array_alloc_check(const struct mim_attr *attr)
{
	return array_check(attr, MIM_F_NUMA_NODE | MIM_F_INNER_MAP);
}

static int
array_alloc(struct mim_obj *t, const struct mim_attr *attr)
{
	t->nb_entries = attr->max_entries;
	return array_layout(t, RTE_ALIGN_CEIL(attr->value_size, 8), 1);
}

static int
array_lookup_elem(struct mim_obj *t, const void *key, void *value)
{
	const void *v = __mim_array_lookup(&t->dp, key);

	if (v == NULL)
		return -ENOENT;
	memcpy(value, v, t->dp.value_size);
	return 0;
}

/* The checks of bpf_array's update, in the kernel's order. */
static int
array_update_check(const struct mim_obj *t, const void *key, uint64_t flags)
{
	uint32_t i = key_index(key);

	if (flags > MIM_EXIST)
		return mim_err(EINVAL, "unknown update flags 0x%" PRIx64, flags);
	if (i >= t->dp.max_entries)
		return mim_err(E2BIG, "index %u >= max_entries %u", i,
			       t->dp.max_entries);
	if (flags == MIM_NOEXIST)
		return mim_err(EEXIST, "MIM_NOEXIST on an array: every index exists");
	return 0;
}

static int
array_update_elem(struct mim_obj *t, const void *key, const void *value,
		  uint64_t flags)
{
	int ret = array_update_check(t, key, flags);

	if (ret != 0)
		return ret;
	/* In place, as the kernel's arrays: a racing reader may see a mix
	 * of old and new bytes (documented in mim_datapath.h).
	 */
	memcpy(__mim_array_lookup(&t->dp, key), value, t->dp.value_size);
	return 0;
}

static int
array_delete_elem(struct mim_obj *t, const void *key)
{
	RTE_SET_USED(t);
	RTE_SET_USED(key);
	return mim_err(EINVAL, "array elements cannot be deleted (update them instead)");
}

/* array_map_meta_equal(): max_entries must match unless MIM_F_INNER_MAP. */
static int
array_meta_equal(const struct mim_meta *tmpl, const struct mim_meta *m,
		 char *why, size_t len)
{
	int ret = mim_meta_equal(tmpl, m, why, len);

	if (ret != 0)
		return ret;
	if (tmpl->map_flags & MIM_F_INNER_MAP)
		return 0;
	if (tmpl->max_entries != m->max_entries) {
		snprintf(why, len,
			 "max_entries %u != template max_entries %u (the template has no MIM_F_INNER_MAP)",
			 m->max_entries, tmpl->max_entries);
		return -EINVAL;
	}
	return 0;
}

const struct mim_table_ops mim_array_ops = {
	.obj_size = sizeof(struct mim_obj),
	.is_outer = false,
	.alloc_check = array_alloc_check,
	.alloc = array_alloc,
	.free = array_free,
	.lookup_elem = array_lookup_elem,
	.update_elem = array_update_elem,
	.delete_elem = array_delete_elem,
	.get_next_key = array_get_next_key,
	.meta_equal = array_meta_equal,
	.release = NULL,	/* writes in place: retires nothing */
	.drop_slots = NULL,	/* values are not tables */
	.mem_bytes = NULL,	/* all allocated at creation: mem_bytes */
};

/* ---- MIM_TYPE_PERCPU_ARRAY ----------------------------------------------- */

/* The kernel's PCPU_MIN_UNIT_SIZE: the largest per-CPU value. */
#define PERCPU_VALUE_MAX (32U << 10)

static int
percpu_alloc_check(const struct mim_attr *attr)
{
	/* array_map_alloc_check(): no NUMA node (the copies serve lcores
	 * of every socket) and no MIM_F_INNER_MAP, both -EINVAL.
	 */
	int ret = array_check(attr, 0);

	if (ret != 0)
		return ret;
	if (RTE_ALIGN_CEIL(attr->value_size, 8) > PERCPU_VALUE_MAX)
		return mim_err(E2BIG, "value_size %u above %u, the largest per-lcore value",
			       attr->value_size, PERCPU_VALUE_MAX);
	return 0;
}

static int
percpu_alloc(struct mim_obj *t, const struct mim_attr *attr)
{
	t->nb_entries = attr->max_entries;
	return array_layout(t, RTE_ALIGN_CEIL(attr->value_size, 8),
			    mim_percpu_nb_copies());
}

/* bpf_percpu_array_copy(): every lcore's copy, each elem_size bytes. */
static int
percpu_lookup_elem(struct mim_obj *t, const void *key, void *value)
{
	const uint8_t *v = __mim_array_lookup(&t->dp, key);
	uint8_t *out = value;
	uint32_t lcore;

	if (v == NULL)
		return -ENOENT;
	for (lcore = 0; lcore < mim_percpu_nb_copies(); lcore++)
		memcpy(out + (size_t)lcore * t->dp.elem_size,
		       v + (size_t)lcore * t->dp.percpu_stride, t->dp.elem_size);
	return 0;
}

/* bpf_percpu_array_update(): every lcore's copy, in place. */
static int
percpu_update_elem(struct mim_obj *t, const void *key, const void *value,
		   uint64_t flags)
{
	const uint8_t *in = value;
	uint8_t *v;
	uint32_t lcore;
	int ret = array_update_check(t, key, flags);

	if (ret != 0)
		return ret;
	v = __mim_array_lookup(&t->dp, key);
	/* In place, as ARRAY: a reader racing on the same index sees a mix
	 * of old and new bytes of its own copy.
	 */
	for (lcore = 0; lcore < mim_percpu_nb_copies(); lcore++)
		memcpy(v + (size_t)lcore * t->dp.percpu_stride,
		       in + (size_t)lcore * t->dp.elem_size, t->dp.elem_size);
	return 0;
}

uint32_t
mim_percpu_nb_copies(void)
{
	return RTE_MAX_LCORE;
}

const struct mim_table_ops mim_percpu_array_ops = {
	.obj_size = sizeof(struct mim_obj),
	.is_outer = false,
	.alloc_check = percpu_alloc_check,
	.alloc = percpu_alloc,
	.free = array_free,
	.lookup_elem = percpu_lookup_elem,
	.update_elem = percpu_update_elem,
	.delete_elem = array_delete_elem,
	.get_next_key = array_get_next_key,
	.meta_equal = array_meta_equal,
	.release = NULL,	/* writes in place: retires nothing */
	.drop_slots = NULL,	/* values are not tables */
	.mem_bytes = NULL,	/* all allocated at creation: mem_bytes */
};

/* ---- MIM_TYPE_ARRAY_OF_TABLES -------------------------------------------- */

static int
aot_alloc_check(const struct mim_attr *attr)
{
	/* fd_array_map_alloc_check(): only table IDs are stored. */
	if (attr->value_size != sizeof(uint32_t))
		return mim_err(EINVAL, "value_size %u: an outer table's values are u32 table IDs (4)",
			       attr->value_size);
	return array_check(attr, MIM_F_NUMA_NODE);
}

static int
aot_alloc(struct mim_obj *t, const struct mim_attr *attr)
{
	RTE_SET_USED(attr);
	return array_layout(t, sizeof(struct mim_table *), 1);
}

static int
aot_lookup_elem(struct mim_obj *t, const void *key, void *value)
{
	struct mim_table *inner = mim_lookup(&t->dp, key);

	if (inner == NULL)
		return -ENOENT;
	mim_inner_sys_lookup(mim_obj_of(inner), value);
	return 0;
}

static __rte_hot void
aot_publish(struct mim_table **slot, struct mim_obj *inner)
{
	/* Pairs with the acquire load in __mim_aot_load(): a reader that
	 * sees the inner table sees it initialised.
	 */
	__atomic_store_n(slot, inner != NULL ? &inner->dp : NULL,
			 __ATOMIC_RELEASE);
}

/* Replace the table in a slot; the old one's reference is dropped. */
static __rte_hot void
aot_replace(struct mim_obj *t, struct mim_table **slot, struct mim_obj *inner)
{
	struct mim_obj *old = *slot != NULL ? mim_obj_of(*slot) : NULL;
	struct mim_retire r = { .owner = NULL };

	if (inner != NULL)
		mim_obj_get(inner);
	aot_publish(slot, inner);
	if (old == NULL) {
		t->nb_entries++;
		return;
	}
	if (inner == NULL)
		t->nb_entries--;
	else if (inner != old)
		t->nb_replacements++;
	mim_obj_put(old, &r.dead);
	if (r.dead != NULL)
		mim_rcu_retire(&r);
}

/* Room for the retirement dropping old would make. */
static __rte_hot int
aot_reserve(const struct mim_table *old, const struct mim_obj *inner)
{
	if (old == NULL || mim_obj_of(old) == inner ||
	    !mim_obj_last_ref(mim_obj_of(old)))
		return 0;
	return mim_rcu_reserve();
}

/* bpf_fd_array_map_update_elem(), in the kernel's order. */
static __rte_hot int
aot_update_elem(struct mim_obj *t, const void *key, const void *value,
		uint64_t flags)
{
	struct mim_table **slot;
	struct mim_obj *inner;
	uint32_t i = key_index(key);
	int ret;

	if (flags != MIM_ANY)
		return mim_err(EINVAL, "flags 0x%" PRIx64 ": an array of tables takes MIM_ANY only",
			       flags);
	if (i >= t->dp.max_entries)
		return mim_err(E2BIG, "index %u >= max_entries %u", i,
			       t->dp.max_entries);
	ret = mim_inner_resolve(t, value, &inner);
	if (ret != 0)
		return ret;
	slot = __mim_aot_slot(&t->dp, key);
	ret = aot_reserve(*slot, inner);
	if (ret != 0)
		return ret;
	aot_replace(t, slot, inner);
	return 0;
}

static int
aot_delete_elem(struct mim_obj *t, const void *key)
{
	struct mim_table **slot;
	uint32_t i = key_index(key);
	int ret;

	if (i >= t->dp.max_entries)
		return mim_err(E2BIG, "index %u >= max_entries %u", i,
			       t->dp.max_entries);
	slot = __mim_aot_slot(&t->dp, key);
	if (*slot == NULL)
		return mim_err(ENOENT, "slot %u is empty", i);
	ret = aot_reserve(*slot, NULL);
	if (ret != 0)
		return ret;
	aot_replace(t, slot, NULL);
	return 0;
}

static void
aot_drop_slots(struct mim_obj *t, struct mim_obj **dead)
{
	uint32_t i;

	for (i = 0; i < t->dp.max_entries; i++)
		if (t->dp.u.slots[i] != NULL)
			mim_obj_put(mim_obj_of(t->dp.u.slots[i]), dead);
}

const struct mim_table_ops mim_array_of_tables_ops = {
	.obj_size = sizeof(struct mim_obj),
	.is_outer = true,
	.alloc_check = aot_alloc_check,
	.alloc = aot_alloc,
	.free = array_free,
	.lookup_elem = aot_lookup_elem,
	.update_elem = aot_update_elem,
	.delete_elem = aot_delete_elem,
	.get_next_key = array_get_next_key,
	.meta_equal = NULL,	/* outer tables nest one level only */
	.release = NULL,	/* inner tables are retired as dead chains */
	.drop_slots = aot_drop_slots,
	.mem_bytes = NULL,	/* all allocated at creation: mem_bytes */
};
