/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Hash tables: MIM_TYPE_HASH (values in shared value pools) and
 * MIM_TYPE_HASH_OF_TABLES (data pointers are inner tables), both on rte_hash
 * in lock-free reader mode (RW_CONCURRENCY_LF), as the kernel's hashtab.c
 * holds htab_map_ops and htab_of_maps_map_ops.
 *
 * rte_hash in that mode does not free a deleted key's slot: its position is
 * retired and given back with rte_hash_free_key_with_position() after a
 * grace period. The rte_hash is sized 25% above max_entries, which keeps
 * its buckets at most 80% full (so cuckoo insertion does not fail before
 * max_entries) and leaves spare key slots for deleted keys still waiting for
 * readers. max_entries itself is enforced here, with the kernel's E2BIG.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "mim_private.h"

struct mim_hash_tbl {
	struct mim_tbl base;
	struct mim_hash_cursor cursor;
	uint32_t obj_bytes;     /* HASH: pool bytes per value */
};

static struct mim_hash_tbl *
htab(struct mim_tbl *t)
{
	return container_of(t, struct mim_hash_tbl, base);
}

/* sizeof(struct htab_elem) in the kernel (x86-64). */
#define HTAB_ELEM_SIZE 48

static uint32_t
rte_entries(uint32_t max_entries)
{
	return RTE_MAX(max_entries + max_entries / 4, 8U);
}

/* htab_map_alloc_check(), in the kernel's order. */
static int
hash_check(const struct mim_attr *attr)
{
	const uint32_t flags_ok = MIM_F_NO_PREALLOC | MIM_F_NUMA_NODE;

	if (attr->map_flags & ~flags_ok)
		return mim_err(EINVAL, "map_flags 0x%x not supported by %s",
			       attr->map_flags & ~flags_ok,
			       mim_type_name(attr->type));
	if (attr->max_entries == 0)
		return mim_err(EINVAL, "max_entries is 0");
	if (attr->key_size == 0)
		return mim_err(EINVAL, "key_size is 0");
	if (attr->value_size == 0)
		return mim_err(EINVAL, "value_size is 0");
	/* The kernel's bound: an element (48-byte header, key, value)
	 * must fit KMALLOC_MAX_SIZE.
	 */
	if ((uint64_t)attr->key_size + attr->value_size >=
	    MIM_VALUE_SIZE_MAX - HTAB_ELEM_SIZE)
		return mim_err(E2BIG, "key_size + value_size %" PRIu64 " is not below %u",
			       (uint64_t)attr->key_size + attr->value_size,
			       MIM_VALUE_SIZE_MAX - HTAB_ELEM_SIZE);
	if (attr->key_size > MIM_KEY_SIZE_MAX)
		return mim_err(E2BIG, "key_size %u above %u", attr->key_size,
			       MIM_KEY_SIZE_MAX);
	return 0;
}

/* htab_map_alloc()'s limits, which come after the template: at most 2^27
 * elements (its bucket array must stay under 4 GiB).
 */
static int
hash_size_check(const struct mim_attr *attr)
{
	if (attr->max_entries > (1U << 31) ||
	    rte_align32pow2(attr->max_entries) > UINT32_MAX / 16)
		return mim_err(E2BIG, "max_entries %u above 2^27", attr->max_entries);
	return 0;
}

/*
 * Every rte_hash of the library is made here.
 *
 * The seed is chosen so that the all-zero key does not hash to a short
 * signature of 0: in DPDK 22.11, rte_hash's update path
 * (search_and_update()) compares the key with the entry of any slot whose
 * signature matches without checking that the slot is in use, and an
 * empty slot has signature 0 and points at the all-zero dummy key. With
 * CRC and seed 0 the all-zero key has signature 0, so replacing its value
 * after an earlier slot of its bucket emptied would add a second entry.
 */
struct rte_hash *
mim_rte_hash_create(const char *prefix, uint64_t serial, uint32_t entries,
		    uint32_t key_len, int socket_id, uint8_t extra_flag)
{
	static const uint8_t zero[MIM_KEY_SIZE_MAX];
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = entries,
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.hash_func_init_val = 0x9e3779b9,
		.socket_id = socket_id,
		.extra_flag = extra_flag,
	};

	RTE_ASSERT(key_len <= sizeof(zero));
	while ((rte_hash_crc(zero, key_len, p.hash_func_init_val) >> 16) == 0)
		p.hash_func_init_val++;
	/* rte_hash names must be process-unique and leave room for the
	 * "HT_" of its ring: a serial number, never reused.
	 */
	snprintf(name, sizeof(name), "%s%" PRIu64, prefix, serial);
	if (mim_fault()) {
		rte_errno = ENOMEM;
		return NULL;
	}
	return rte_hash_create(&p);
}

static int
hash_create(struct mim_tbl *t, const struct mim_attr *attr)
{
	uint32_t entries = rte_entries(attr->max_entries);
	int ret = hash_size_check(attr);

	if (ret != 0)
		return ret;
	t->dp.u.hash = mim_rte_hash_create("mimh", t->serial, entries,
					   attr->key_size, t->socket_id,
					   RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF);
	if (t->dp.u.hash == NULL)
		return mim_err(ENOMEM, "rte_hash_create(%u entries of %u-byte keys) failed: %s",
			       entries, attr->key_size, rte_strerror(rte_errno));
	return 0;
}

/* Put a new key in; on a full rte_hash, reclaim key slots once. */
static int
hash_add(struct mim_tbl *t, const void *key, void *data)
{
	int ret = rte_hash_add_key_data(t->dp.u.hash, key, data);

	if (ret == -ENOSPC && mim_rcu_reclaim_all() > 0)
		ret = rte_hash_add_key_data(t->dp.u.hash, key, data);
	if (ret == 0)
		return 0;
	if (ret == -ENOSPC && mim_rcu_pending() > 0)
		return mim_err(EBUSY, "no free key slot: deleted keys are waiting for readers (%u releases pending)",
			       mim_rcu_pending());
	return mim_err(-ret == ENOSPC ? ENOSPC : -ret,
		       "rte_hash_add_key_data failed: %s", rte_strerror(-ret));
}

/* Update-flag and capacity checks shared by both hash types. */
static int
hash_update_check(struct mim_tbl *t, uint64_t flags, bool exists)
{
	if (exists && flags == MIM_NOEXIST)
		return mim_err(EEXIST, "key exists (MIM_NOEXIST)");
	if (!exists && flags == MIM_EXIST)
		return mim_err(ENOENT, "no such key (MIM_EXIST)");
	if (!exists && t->nb_entries >= t->dp.max_entries)
		return mim_err(E2BIG, "table is full (max_entries %u)",
			       t->dp.max_entries);
	return 0;
}

static int
hash_get_next_key(struct mim_tbl *t, const void *key, void *next_key)
{
	return mim_hash_next_key(t->dp.u.hash, t->dp.key_size,
				 &htab(t)->cursor, key, next_key);
}

static void
hash_release(struct mim_tbl *t, uint32_t pos)
{
	rte_hash_free_key_with_position(t->dp.u.hash, (int32_t)pos);
}

/* ---- MIM_TYPE_HASH -------------------------------------------------------- */

static int
hash_alloc_check(const struct mim_attr *attr)
{
	return hash_check(attr);
}

static int
hash_alloc(struct mim_tbl *t, const struct mim_attr *attr)
{
	int ret = hash_create(t, attr);

	if (ret != 0)
		return ret;
	ret = mim_valpool_ref(attr->value_size, t->socket_id);
	if (ret != 0) {
		rte_hash_free(t->dp.u.hash);
		return mim_err(ENOMEM, "cannot register a value pool user");
	}
	htab(t)->obj_bytes = mim_valpool_obj_bytes(attr->value_size);
	return 0;
}

static void
hash_free(struct mim_tbl *t)
{
	const void *key;
	void *data;
	uint32_t it = 0;

	/* After a grace period: no reader, so values go straight back. */
	while (rte_hash_iterate(t->dp.u.hash, &key, &data, &it) >= 0)
		mim_valpool_put(data);
	rte_hash_free(t->dp.u.hash);
	mim_valpool_unref(t->dp.value_size, t->socket_id);
}

static int
hash_lookup_elem(struct mim_tbl *t, const void *key, void *value)
{
	void *data;

	if (rte_hash_lookup_data(t->dp.u.hash, key, &data) < 0)
		return -ENOENT;
	memcpy(value, data, t->dp.value_size);
	return 0;
}

/* htab_map_update_elem(): a new value slot, published with one store. */
static int
hash_update_elem(struct mim_tbl *t, const void *key, const void *value,
		 uint64_t flags)
{
	struct mim_retire r = { .owner = NULL };
	void *old = NULL, *obj;
	bool exists;
	int ret;

	if (flags > MIM_EXIST)
		return mim_err(EINVAL, "unknown update flags 0x%" PRIx64, flags);
	exists = rte_hash_lookup_data(t->dp.u.hash, key, &old) >= 0;
	ret = hash_update_check(t, flags, exists);
	if (ret != 0)
		return ret;
	if (exists) {
		ret = mim_rcu_reserve();
		if (ret != 0)
			return ret;
	}
	obj = mim_valpool_get(t->dp.value_size, t->socket_id);
	if (obj == NULL)
		return mim_err(ENOMEM, "no memory for a %u-byte value",
			       t->dp.value_size);
	memcpy(obj, value, t->dp.value_size);
	if (!exists) {
		ret = hash_add(t, key, obj);
		if (ret != 0) {
			mim_valpool_put(obj);   /* never published */
			return ret;
		}
		t->nb_entries++;
		return 0;
	}
	/* The existing key's data pointer is replaced with one release
	 * store (pairs with the acquire load of rte_hash's lookups); this
	 * cannot fail for a present key.
	 */
	ret = rte_hash_add_key_data(t->dp.u.hash, key, obj);
	RTE_VERIFY(ret == 0);
	t->nb_replacements++;
	r.obj = old;
	r.bytes = htab(t)->obj_bytes;
	mim_rcu_retire(&r);
	return 0;
}

static int
hash_delete_elem(struct mim_tbl *t, const void *key)
{
	struct mim_retire r = { .owner = t };
	void *old;
	int32_t pos;
	int ret;

	if (rte_hash_lookup_data(t->dp.u.hash, key, &old) < 0)
		return mim_err(ENOENT, "no such key");
	ret = mim_rcu_reserve();
	if (ret != 0)
		return ret;
	pos = rte_hash_del_key(t->dp.u.hash, key);
	RTE_VERIFY(pos >= 0);
	t->nb_entries--;
	r.pos = (uint32_t)pos;
	r.obj = old;
	r.bytes = htab(t)->obj_bytes;
	mim_rcu_retire(&r);
	return 0;
}

static uint64_t
hash_mem_bytes(const struct mim_tbl *t)
{
	return t->mem_bytes + (uint64_t)t->nb_entries *
		container_of(t, struct mim_hash_tbl, base)->obj_bytes;
}

const struct mim_table_ops mim_hash_ops = {
	.name = "hash",
	.tbl_size = sizeof(struct mim_hash_tbl),
	.is_outer = false,
	.alloc_check = hash_alloc_check,
	.alloc = hash_alloc,
	.free = hash_free,
	.lookup_elem = hash_lookup_elem,
	.update_elem = hash_update_elem,
	.delete_elem = hash_delete_elem,
	.get_next_key = hash_get_next_key,
	/* Capacity may differ between inner tables (as in the kernel). */
	.meta_equal = mim_meta_equal_base,
	.release = hash_release,
	.mem_bytes = hash_mem_bytes,
};

/* ---- MIM_TYPE_HASH_OF_TABLES --------------------------------------------- */

static int
hot_alloc_check(const struct mim_attr *attr)
{
	/* fd_htab_map_alloc_check(): only table IDs are stored. */
	if (attr->value_size != sizeof(uint32_t))
		return mim_err(EINVAL, "value_size %u: an outer table's values are u32 table IDs (4)",
			       attr->value_size);
	return hash_check(attr);
}

static int
hot_alloc(struct mim_tbl *t, const struct mim_attr *attr)
{
	return hash_create(t, attr);
}

static void
hot_free(struct mim_tbl *t)
{
	/* The slots' references were dropped when the table died. */
	rte_hash_free(t->dp.u.hash);
}

static int
hot_lookup_elem(struct mim_tbl *t, const void *key, void *value)
{
	void *inner;

	if (rte_hash_lookup_data(t->dp.u.hash, key, &inner) < 0)
		return -ENOENT;
	mim_inner_sys_lookup(mim_tbl_of(inner), value);
	return 0;
}

/* bpf_fd_htab_map_update_elem(): the table ID is checked first. */
static int
hot_update_elem(struct mim_tbl *t, const void *key, const void *value,
		uint64_t flags)
{
	struct mim_retire r = { .owner = NULL };
	struct mim_tbl *inner, *old = NULL;
	void *data;
	bool exists;
	int ret;

	ret = mim_inner_get(t, value, &inner);
	if (ret != 0)
		return ret;
	if (flags > MIM_EXIST)
		return mim_err(EINVAL, "unknown update flags 0x%" PRIx64, flags);
	exists = rte_hash_lookup_data(t->dp.u.hash, key, &data) >= 0;
	ret = hash_update_check(t, flags, exists);
	if (ret != 0)
		return ret;
	if (exists) {
		old = mim_tbl_of(data);
		if (old != inner && mim_tbl_last_ref(old)) {
			ret = mim_rcu_reserve();
			if (ret != 0)
				return ret;
		}
	}
	/* Publish: the data pointer is stored with release ordering by
	 * rte_hash (pairs with the acquire load of its lookups).
	 */
	ret = exists ? rte_hash_add_key_data(t->dp.u.hash, key, &inner->dp) :
		hash_add(t, key, &inner->dp);
	if (ret != 0)
		return ret;
	mim_tbl_ref(inner);
	if (!exists) {
		t->nb_entries++;
		return 0;
	}
	if (old != inner)
		t->nb_replacements++;
	mim_tbl_unref(old, &r.dead);
	if (r.dead != NULL)
		mim_rcu_retire(&r);
	return 0;
}

static int
hot_delete_elem(struct mim_tbl *t, const void *key)
{
	struct mim_retire r = { .owner = t };
	struct mim_tbl *old;
	void *data;
	int32_t pos;
	int ret;

	if (rte_hash_lookup_data(t->dp.u.hash, key, &data) < 0)
		return mim_err(ENOENT, "no such key");
	old = mim_tbl_of(data);
	/* The key slot is always retired (readers may be on it). */
	ret = mim_rcu_reserve();
	if (ret != 0)
		return ret;
	pos = rte_hash_del_key(t->dp.u.hash, key);
	RTE_VERIFY(pos >= 0);
	t->nb_entries--;
	r.pos = (uint32_t)pos;
	mim_tbl_unref(old, &r.dead);
	mim_rcu_retire(&r);
	return 0;
}

static void
hot_drop_slots(struct mim_tbl *t, struct mim_tbl **dead)
{
	const void *key;
	void *data;
	uint32_t it = 0;

	while (rte_hash_iterate(t->dp.u.hash, &key, &data, &it) >= 0)
		mim_tbl_unref(mim_tbl_of(data), dead);
}

const struct mim_table_ops mim_hash_of_tables_ops = {
	.name = "hash_of_tables",
	.tbl_size = sizeof(struct mim_hash_tbl),
	.is_outer = true,
	.alloc_check = hot_alloc_check,
	.alloc = hot_alloc,
	.free = hot_free,
	.lookup_elem = hot_lookup_elem,
	.update_elem = hot_update_elem,
	.delete_elem = hot_delete_elem,
	.get_next_key = hash_get_next_key,
	.release = hash_release,
	.drop_slots = hot_drop_slots,
};
