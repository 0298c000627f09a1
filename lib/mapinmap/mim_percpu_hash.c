/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * MIM_TYPE_PERCPU_HASH, as the kernel's htab_percpu_map_ops: a HASH table
 * (mim_hash.c) whose value object holds one copy of the value per lcore
 * ID, mim_percpu_nb_copies() of them. The data path returns the calling
 * lcore's copy; the control plane reads and writes them all, in the
 * kernel's syscall layout (each copy value_size rounded up to 8 bytes).
 *
 * In the object the copies are a cache line apart (percpu_stride), and a
 * long key in front of them takes a whole number of cache lines, so that
 * in a preallocated table (objects on cache-line boundaries) no two
 * lcores' copies share a line: per-lcore counters need no atomics and do
 * not bounce between cores. An update publishes a new object, as HASH
 * does; the old one is released after a grace period.
 *
 * Also here: the creation checks of every hash type of the kernel's
 * htab_map_alloc_check(), which LRU_HASH (mim_lru.c) shares.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "mim_hash_private.h"

/* sizeof(struct htab_elem) in the kernel (x86-64). */
#define HTAB_ELEM_SIZE 48
/* The kernel's PCPU_MIN_UNIT_SIZE: the largest per-CPU value. */
#define PERCPU_VALUE_MAX (32U << 10)
/* The kernel-internal ENOTSUPP, as the bpf() syscall returns it. */
#define MIM_ENOTSUPP 524

int
mim_hash_x_check(const struct mim_attr *attr, bool percpu, bool lru)
{
	const uint32_t flags_ok = MIM_F_NO_PREALLOC | MIM_F_NUMA_NODE |
		(lru ? MIM_F_NO_COMMON_LRU : 0);
	const char *type = mim_type_name(attr->type);

	/* htab_map_alloc_check(), in the kernel's order. */
	if (attr->map_flags & ~flags_ok)
		return mim_err(EINVAL, "map_flags 0x%x not supported by %s",
			       attr->map_flags & ~flags_ok, type);
	if (lru && (attr->map_flags & MIM_F_NO_PREALLOC))
		return mim_err(MIM_ENOTSUPP, "%s tables are preallocated: MIM_F_NO_PREALLOC is not supported (ENOTSUPP, as the kernel)",
			       type);
	if ((percpu || (attr->map_flags & MIM_F_NO_COMMON_LRU)) &&
	    (attr->map_flags & MIM_F_NUMA_NODE))
		return mim_err(EINVAL, "MIM_F_NUMA_NODE with per-lcore %s: the lcores are on every socket",
			       percpu ? "values" : "LRU lists");
	if (attr->max_entries == 0)
		return mim_err(EINVAL, "max_entries is 0");
	if (attr->key_size == 0)
		return mim_err(EINVAL, "key_size is 0");
	if (attr->value_size == 0)
		return mim_err(EINVAL, "value_size is 0");
	if ((uint64_t)attr->key_size + attr->value_size >=
	    MIM_VALUE_SIZE_MAX - HTAB_ELEM_SIZE)
		return mim_err(E2BIG, "key_size + value_size %" PRIu64 " is not below %u",
			       (uint64_t)attr->key_size + attr->value_size,
			       MIM_VALUE_SIZE_MAX - HTAB_ELEM_SIZE);
	if (percpu && RTE_ALIGN_CEIL(attr->value_size, 8) > PERCPU_VALUE_MAX)
		return mim_err(E2BIG, "value_size %u above %u, the largest per-lcore value",
			       attr->value_size, PERCPU_VALUE_MAX);
	if (attr->key_size > MIM_KEY_SIZE_MAX)
		return mim_err(E2BIG, "key_size %u above %u", attr->key_size,
			       MIM_KEY_SIZE_MAX);
	return 0;
}

static int
pch_check(const struct mim_attr *attr)
{
	return mim_hash_x_check(attr, true, false);
}

static int
pch_alloc(struct mim_obj *t, const struct mim_attr *attr)
{
	uint32_t key_part = attr->key_size > 8 ?
		RTE_ALIGN_CEIL(attr->key_size, RTE_CACHE_LINE_SIZE) : 0;
	uint32_t stride = RTE_ALIGN_CEIL(attr->value_size, RTE_CACHE_LINE_SIZE);
	uint64_t obj_size = key_part +
		(uint64_t)stride * mim_percpu_nb_copies();
	int ret;

	if (obj_size > UINT32_MAX / 2)
		return mim_err(E2BIG, "a value object of %" PRIu64 " bytes (%u copies) is too large",
			       obj_size, mim_percpu_nb_copies());
	ret = mim_hash_build(t, attr, (uint32_t)obj_size,
			     !(attr->map_flags & MIM_F_NO_PREALLOC));
	if (ret != 0)
		return ret;
	/* The key takes whole cache lines in front of the copies. */
	t->dp.elem_size = key_part;
	t->dp.percpu_stride = stride;
	return 0;
}

/* bpf_percpu_hash_copy(): every lcore's copy, value_size rounded to 8. */
static int
pch_lookup_elem(struct mim_obj *t, const void *key, void *value)
{
	int32_t pos = mim_cuckoo_find(t, key);
	uint32_t r8 = RTE_ALIGN_CEIL(t->dp.value_size, 8), lcore;
	const uint8_t *v;

	if (pos < 0)
		return -ENOENT;
	v = mim_cuckoo_value(t, (uint32_t)pos);
	for (lcore = 0; lcore < mim_percpu_nb_copies(); lcore++)
		memcpy((uint8_t *)value + (size_t)lcore * r8,
		       v + (size_t)lcore * t->dp.percpu_stride, r8);
	return 0;
}

/* A new object with every lcore's copy from the syscall layout. */
static int
pch_obj_new(struct mim_obj *t, const void *key, const void *value, void **v)
{
	uint32_t r8 = RTE_ALIGN_CEIL(t->dp.value_size, 8), lcore;
	int ret = mim_hash_obj_new(t, key, value, 0, v);

	if (ret != 0)
		return ret;
	for (lcore = 0; lcore < mim_percpu_nb_copies(); lcore++)
		memcpy((uint8_t *)*v + (size_t)lcore * t->dp.percpu_stride,
		       (const uint8_t *)value + (size_t)lcore * r8, r8);
	return 0;
}

/*
 * htab_percpu_map_update_elem() with every copy given: a new object,
 * published with one store (the kernel writes the copies in place; here
 * a reader never sees its copy change under it), the old one retired.
 */
static int
pch_update_elem(struct mim_obj *t, const void *key, const void *value,
		uint64_t flags)
{
	struct mim_retire r = { .owner = t, .pos = MIM_RETIRE_NO_POS };
	int32_t pos;
	void *v;
	int ret;

	if (flags > MIM_EXIST)
		return mim_err(EINVAL, "unknown update flags 0x%" PRIx64, flags);
	pos = mim_cuckoo_find(t, key);
	ret = mim_hash_update_check(t, flags, pos >= 0);
	if (ret == 0 && pos >= 0)
		ret = mim_rcu_reserve();
	if (ret == 0)
		ret = pch_obj_new(t, key, value, &v);
	if (ret != 0)
		return ret;
	if (pos < 0) {
		ret = mim_hash_insert(t, key, v);
		if (ret != 0) {
			mim_hash_obj_put(t, mim_hash_obj_of(t, v));
			return ret;
		}
		t->nb_entries++;
		return 0;
	}
	r.obj = mim_hash_obj_of(t, mim_cuckoo_value(t, (uint32_t)pos));
	r.bytes = mim_hash_of(t)->obj_bytes;
	mim_cuckoo_set(t, (uint32_t)pos, v);
	t->nb_replacements++;
	mim_rcu_retire(&r);
	return 0;
}

/* HASH's own members wherever a value's layout does not matter. */
const struct mim_table_ops mim_percpu_hash_ops = {
	.obj_size = sizeof(struct mim_hash_obj),
	.is_outer = false,
	.alloc_check = pch_check,
	.alloc = pch_alloc,
	.free = mim_hash_free,
	.lookup_elem = pch_lookup_elem,
	.update_elem = pch_update_elem,
	.delete_elem = mim_hash_delete_elem,
	.get_next_key = mim_hash_get_next_key,
	/* Capacity may differ between inner tables (as HASH). */
	.meta_equal = mim_meta_equal,
	.release = mim_hash_release,
	.drop_slots = NULL,	/* values are not tables */
	.mem_bytes = mim_hash_mem_bytes,
};
