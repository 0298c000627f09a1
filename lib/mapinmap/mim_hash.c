/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Hash tables: MIM_TYPE_HASH and MIM_TYPE_HASH_OF_TABLES, as the kernel's
 * hashtab.c holds htab_map_ops and htab_of_maps_map_ops, both on the
 * library's hash table (mim_cuckoo.c; why not rte_hash is said there).
 *
 * A HASH value lives in a value object: an update takes a new object and
 * publishes it with one store, the old one is released after a grace
 * period, so readers never see a value change under them. As in the
 * kernel, the objects are preallocated with the table (max_entries plus
 * spares for values waiting for readers; releasing the table is then a
 * few frees), unless MIM_F_NO_PREALLOC asks for them to come from the
 * value pools shared by all tables (mim_valpool.c) as they are needed.
 * When readers are slow and the spares all wait for them, a preallocated
 * table takes objects from the pools too, rather than fail.
 * Keys over 8 bytes are kept in the same object, in front of the value
 * (the slot holds a tag of them); a HASH OF TABLES with such keys keeps
 * {key, inner table} objects from the pools for the same reason. A deleted
 * key's slot is released after a grace period too.
 *
 * MIM_F_DP_WRITE tables (HASH only) are also written by reader threads:
 * their writes, the control plane's included, go through mim_dp_write.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mim_hash_private.h"

/* sizeof(struct htab_elem) in the kernel (x86-64). */
#define HTAB_ELEM_SIZE 48

static struct mim_hash_obj *
hash_obj(struct mim_obj *t)
{
	return container_of(t, struct mim_hash_obj, base);
}

/* htab_map_alloc_check(), in the kernel's order. */
static int
hash_check(const struct mim_attr *attr)
{
	const uint32_t flags_ok = MIM_F_NO_PREALLOC | MIM_F_NUMA_NODE |
		(attr->type == MIM_TYPE_HASH ? MIM_F_DP_WRITE : 0);

	if (attr->map_flags & ~flags_ok)
		return mim_err(EINVAL, "map_flags 0x%x not supported by %s",
			       attr->map_flags & ~flags_ok,
			       mim_type_name(attr->type));
	if ((attr->map_flags & MIM_F_DP_WRITE) &&
	    (attr->map_flags & MIM_F_NO_PREALLOC))
		return mim_err(EINVAL, "MIM_F_DP_WRITE needs preallocated values: not with MIM_F_NO_PREALLOC");
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

/* Preallocated objects: max_entries, and spares for values in flight. */
static int
store_init(struct mim_obj *t, uint32_t max_entries)
{
	struct mim_hash_obj *ht = hash_obj(t);
	uint32_t n = max_entries + RTE_MAX(max_entries / 4, 16U), i;

	ht->obj_bytes = RTE_ALIGN_CEIL(ht->obj_size, 8);
	ht->store = mim_zmalloc((size_t)n * ht->obj_bytes, t->socket_id);
	ht->free_objs = mim_calloc(n, sizeof(*ht->free_objs));
	if (ht->store == NULL || ht->free_objs == NULL) {
		mim_free(ht->store);
		free(ht->free_objs);
		return mim_err(ENOMEM, "cannot preallocate %u values of %u bytes (MIM_F_NO_PREALLOC allocates them as needed)",
			       n, ht->obj_bytes);
	}
	for (i = 0; i < n; i++)     /* low indexes first: they share lines */
		ht->free_objs[i] = n - 1 - i;
	ht->nb_free = n;
	ht->nb_objs = n;
	return 0;
}

static bool
in_store(const struct mim_hash_obj *ht, const void *obj)
{
	return ht->store != NULL && (const uint8_t *)obj >= ht->store &&
		(const uint8_t *)obj < ht->store +
			(size_t)ht->nb_objs * ht->obj_bytes;
}

/* An object from the shared pools (registering as a user the first time). */
static uint8_t *
pool_obj(struct mim_obj *t)
{
	struct mim_hash_obj *ht = hash_obj(t);
	uint8_t *obj;

	if (!ht->pool_ref) {
		if (mim_valpool_get(ht->obj_size, t->socket_id) != 0)
			return NULL;
		ht->pool_ref = true;
	}
	obj = mim_valpool_alloc(ht->obj_size, t->socket_id);
	if (obj != NULL)
		ht->nb_pool_objs++;
	return obj;
}

/*
 * The table, once the checks (and an outer table's template) passed:
 * htab_map_alloc()'s limit comes first, at most 2^27 elements (its bucket
 * array must stay under 4 GiB). obj_size 0: no value objects.
 */
static int
hash_build(struct mim_obj *t, const struct mim_attr *attr, uint32_t obj_size,
	   bool prealloc)
{
	struct mim_hash_obj *ht = hash_obj(t);
	int ret;

	if (attr->max_entries > (1U << 31) ||
	    rte_align32pow2(attr->max_entries) > UINT32_MAX / 16)
		return mim_err(E2BIG, "max_entries %u above 2^27",
			       attr->max_entries);
	ret = mim_cuckoo_init(t, &ht->h, attr->max_entries);
	if (ret != 0)
		return ret;
	ht->obj_size = obj_size;
	if (obj_size == 0)
		return 0;
	if (prealloc)
		ret = store_init(t, attr->max_entries);
	else
		ht->obj_bytes = mim_valpool_obj_bytes(obj_size);
	/* MIM_F_DP_WRITE: the objects go to a ring; the stack is unused. */
	if (ret == 0 && (attr->map_flags & MIM_F_DP_WRITE)) {
		ret = mim_dpw_init(t, &ht->h, ht->store, ht->nb_objs,
				   ht->obj_bytes, &ht->dpw);
		if (ret != 0) {
			mim_free(ht->store);
			free(ht->free_objs);
		}
	}
	if (ret != 0)
		mim_cuckoo_fini(t, &ht->h);
	return ret;
}

struct mim_dpw *
mim_hash_dpw(struct mim_obj *t)
{
	return hash_obj(t)->dpw;
}

/* A new value object holding payload (and the key, when it is long); *v
 * is what slots hold: the payload's address. 0, -EBUSY or -ENOMEM.
 */
static int
obj_new(struct mim_obj *t, const void *key, const void *payload, size_t len,
	void **v)
{
	struct mim_hash_obj *ht = hash_obj(t);
	uint8_t *obj;

	if (ht->store != NULL && ht->nb_free == 0)
		mim_rcu_reclaim_all();
	if (ht->store != NULL && ht->nb_free > 0) {
		obj = ht->store + (size_t)ht->free_objs[--ht->nb_free] *
			ht->obj_bytes;
	} else {
		obj = pool_obj(t);
		if (obj == NULL)
			return mim_err(ENOMEM, "no memory for a %u-byte value",
				       ht->obj_size);
	}
	if (t->dp.elem_size != 0)
		memcpy(obj, key, t->dp.key_size);
	memcpy(obj + t->dp.elem_size, payload, len);
	*v = obj + t->dp.elem_size;
	return 0;
}

/* The object behind what a slot holds, or NULL if none. */
static void *
obj_of(const struct mim_obj *t, void *v)
{
	if (container_of(t, struct mim_hash_obj, base)->obj_size == 0)
		return NULL;
	return (uint8_t *)v - t->dp.elem_size;
}

/* Give an object back (no reader can reach it). */
static void
obj_put(struct mim_obj *t, void *obj)
{
	struct mim_hash_obj *ht = hash_obj(t);

	if (obj == NULL)
		return;
	if (ht->dpw != NULL) {
		mim_dpw_obj_put(ht->dpw, obj);
		return;
	}
	if (!in_store(ht, obj)) {
		mim_valpool_free(obj);
		ht->nb_pool_objs--;
		return;
	}
	mim_poison(obj, ht->obj_bytes);
	ht->free_objs[ht->nb_free++] =
		(uint32_t)(((uint8_t *)obj - ht->store) / ht->obj_bytes);
}

/* Insert a new key; on a full table, reclaim reserved slots once. */
static int
hash_insert(struct mim_obj *t, const void *key, void *v)
{
	struct mim_hash_obj *ht = hash_obj(t);
	int32_t pos = mim_cuckoo_insert(t, &ht->h, key, v);

	if (pos == -ENOSPC && ht->h.nb_reserved > 0 &&
	    mim_rcu_reclaim_all() > 0)
		pos = mim_cuckoo_insert(t, &ht->h, key, v);
	if (pos >= 0)
		return 0;
	if (ht->h.nb_reserved > 0)
		return mim_err(EBUSY, "no free slot: %u deleted keys' slots are waiting for readers",
			       ht->h.nb_reserved);
	return mim_err(ENOSPC, "no free slot in either bucket of the key, even after moving keys");
}

/* Update-flag and capacity checks shared by both hash types. */
static int
hash_update_check(struct mim_obj *t, uint64_t flags, bool exists)
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

/* htab_map_get_next_key(): a key not in the table starts over. */
int
mim_hash_get_next_key(struct mim_obj *t, const void *key, void *next_key)
{
	int32_t pos = key != NULL ? mim_cuckoo_find(t, key) : -1;

	pos = mim_cuckoo_next(t, &hash_obj(t)->h, pos);
	if (pos < 0)
		return -ENOENT;
	mim_cuckoo_key(t, (uint32_t)pos, next_key);
	return 0;
}

/* A deleted key's slot, a replaced or deleted value. */
void
mim_hash_release(struct mim_obj *t, const struct mim_retire *r)
{
	if (r->pos != MIM_RETIRE_NO_POS)
		mim_cuckoo_release(&hash_obj(t)->h, r->pos);
	obj_put(t, r->obj);
}

/* After a grace period: no reader, so objects go straight back. */
void
mim_hash_free(struct mim_obj *t)
{
	struct mim_hash_obj *ht = hash_obj(t);
	int32_t pos = -1;

	/* Objects from the pools go back one by one; the store at once. */
	if (ht->nb_pool_objs != 0)
		while ((pos = mim_cuckoo_next(t, &ht->h, pos)) >= 0)
			obj_put(t, obj_of(t, mim_cuckoo_value(t, (uint32_t)pos)));
	RTE_ASSERT(ht->nb_pool_objs == 0);
	if (ht->pool_ref)
		mim_valpool_put(ht->obj_size, t->socket_id);
	mim_dpw_fini(ht->dpw);
	mim_free(ht->store);
	free(ht->free_objs);
	mim_cuckoo_fini(t, &ht->h);
}

__rte_hot uint64_t
mim_hash_mem_bytes(const struct mim_obj *t)
{
	const struct mim_hash_obj *ht =
		container_of(t, struct mim_hash_obj, base);

	/* Preallocated objects were measured with the table. */
	if (ht->store != NULL)
		return t->mem_bytes + (uint64_t)ht->nb_pool_objs *
			mim_valpool_obj_bytes(ht->obj_size);
	return t->mem_bytes + (uint64_t)ht->nb_pool_objs * ht->obj_bytes;
}

uint64_t
mim_hash_nb_moves(const struct mim_obj *t)
{
	return container_of(t, struct mim_hash_obj, base)->h.nb_moves;
}

/* ---- MIM_TYPE_HASH -------------------------------------------------------- */

static int
hash_alloc(struct mim_obj *t, const struct mim_attr *attr)
{
	return hash_build(t, attr, (attr->key_size > 8 ?
				    RTE_ALIGN_CEIL(attr->key_size, 8) : 0) +
			  attr->value_size,
			  !(attr->map_flags & MIM_F_NO_PREALLOC));
}

int
mim_hash_lookup_elem(struct mim_obj *t, const void *key, void *value)
{
	int32_t pos;

	if (hash_obj(t)->dpw != NULL)
		return mim_dpw_cp_lookup(t, key, value);
	pos = mim_cuckoo_find(t, key);
	if (pos < 0)
		return -ENOENT;
	memcpy(value, mim_cuckoo_value(t, (uint32_t)pos), t->dp.value_size);
	return 0;
}

/* htab_map_update_elem(): a new value object, published with one store. */
static int
hash_update_elem(struct mim_obj *t, const void *key, const void *value,
		 uint64_t flags)
{
	struct mim_retire r = { .owner = t, .pos = MIM_RETIRE_NO_POS };
	int32_t pos;
	void *v;
	int ret;

	if (hash_obj(t)->dpw != NULL)
		return mim_dpw_cp_update(hash_obj(t)->dpw, key, value, flags);
	if (flags > MIM_EXIST)
		return mim_err(EINVAL, "unknown update flags 0x%" PRIx64, flags);
	pos = mim_cuckoo_find(t, key);
	ret = hash_update_check(t, flags, pos >= 0);
	if (ret != 0)
		return ret;
	if (pos >= 0) {
		ret = mim_rcu_reserve();
		if (ret != 0)
			return ret;
	}
	ret = obj_new(t, key, value, t->dp.value_size, &v);
	if (ret != 0)
		return ret;
	if (pos < 0) {
		ret = hash_insert(t, key, v);
		if (ret != 0) {
			obj_put(t, obj_of(t, v));   /* never published */
			return ret;
		}
		t->nb_entries++;
		return 0;
	}
	r.obj = obj_of(t, mim_cuckoo_value(t, (uint32_t)pos));
	r.bytes = hash_obj(t)->obj_bytes;
	mim_cuckoo_set(t, (uint32_t)pos, v);
	t->nb_replacements++;
	mim_rcu_retire(&r);
	return 0;
}

int
mim_hash_delete_elem(struct mim_obj *t, const void *key)
{
	struct mim_retire r = { .owner = t };
	int32_t pos;
	int ret;

	if (hash_obj(t)->dpw != NULL)
		return mim_dpw_cp_delete(hash_obj(t)->dpw, key);
	pos = mim_cuckoo_find(t, key);
	if (pos < 0)
		return mim_err(ENOENT, "no such key");
	ret = mim_rcu_reserve();
	if (ret != 0)
		return ret;
	r.pos = (uint32_t)pos;
	r.obj = obj_of(t, mim_cuckoo_value(t, (uint32_t)pos));
	r.bytes = hash_obj(t)->obj_bytes;
	mim_cuckoo_remove(t, &hash_obj(t)->h, (uint32_t)pos);
	t->nb_entries--;
	mim_rcu_retire(&r);
	return 0;
}

const struct mim_table_ops mim_hash_ops = {
	.obj_size = sizeof(struct mim_hash_obj),
	.is_outer = false,
	.alloc_check = hash_check,
	.alloc = hash_alloc,
	.free = mim_hash_free,
	.lookup_elem = mim_hash_lookup_elem,
	.update_elem = hash_update_elem,
	.delete_elem = mim_hash_delete_elem,
	.get_next_key = mim_hash_get_next_key,
	/* Capacity may differ between inner tables (as in the kernel). */
	.meta_equal = mim_meta_equal,
	.release = mim_hash_release,
	.drop_slots = NULL,	/* values are not tables */
	.mem_bytes = mim_hash_mem_bytes,
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
hot_alloc(struct mim_obj *t, const struct mim_attr *attr)
{
	/* Short keys: slots hold the inner table itself. Long ones: {key,
	 * inner} objects from the shared pools.
	 */
	return hash_build(t, attr, attr->key_size > 8 ?
			  RTE_ALIGN_CEIL(attr->key_size, 8) + sizeof(void *) :
			  0, false);
}

/* The inner table a slot stands for. */
static struct mim_obj *
hot_inner(const struct mim_obj *t, uint32_t pos)
{
	return mim_obj_of(__mim_hot_value(&t->dp, mim_cuckoo_value(t, pos)));
}

/* What a slot holds for inner: itself, or a {key, inner} object. */
static __rte_hot int
hot_slot_value(struct mim_obj *t, const void *key, struct mim_obj *inner,
	       void **v)
{
	struct mim_table *dp = &inner->dp;

	if (hash_obj(t)->obj_size == 0) {
		*v = dp;
		return 0;
	}
	return obj_new(t, key, &dp, sizeof(dp), v);
}

static int
hot_lookup_elem(struct mim_obj *t, const void *key, void *value)
{
	int32_t pos = mim_cuckoo_find(t, key);

	if (pos < 0)
		return -ENOENT;
	mim_inner_sys_lookup(hot_inner(t, (uint32_t)pos), value);
	return 0;
}

/* bpf_fd_htab_map_update_elem(): the table ID is checked first. */
static __rte_hot int
hot_update_elem(struct mim_obj *t, const void *key, const void *value,
		uint64_t flags)
{
	struct mim_retire r = { .owner = t, .pos = MIM_RETIRE_NO_POS };
	struct mim_obj *inner, *old = NULL;
	int32_t pos;
	void *v;
	int ret;

	ret = mim_inner_resolve(t, value, &inner);
	if (ret != 0)
		return ret;
	if (flags > MIM_EXIST)
		return mim_err(EINVAL, "unknown update flags 0x%" PRIx64, flags);
	pos = mim_cuckoo_find(t, key);
	ret = hash_update_check(t, flags, pos >= 0);
	if (ret != 0)
		return ret;
	if (pos >= 0) {
		old = hot_inner(t, (uint32_t)pos);
		/* Something is retired: the old {key, inner} object, or the
		 * old inner table if this was its last reference.
		 */
		if (hash_obj(t)->obj_size != 0 ||
		    (old != inner && mim_obj_last_ref(old))) {
			ret = mim_rcu_reserve();
			if (ret != 0)
				return ret;
		}
	}
	ret = hot_slot_value(t, key, inner, &v);
	if (ret != 0)
		return ret;
	if (pos < 0) {
		ret = hash_insert(t, key, v);
		if (ret != 0) {
			obj_put(t, obj_of(t, v));
			return ret;
		}
		mim_obj_get(inner);
		t->nb_entries++;
		return 0;
	}
	r.obj = obj_of(t, mim_cuckoo_value(t, (uint32_t)pos));
	r.bytes = r.obj != NULL ? hash_obj(t)->obj_bytes : 0;
	/* Publish (pairs with the acquire load of lookups), then the old
	 * inner table loses the slot's reference.
	 */
	mim_cuckoo_set(t, (uint32_t)pos, v);
	mim_obj_get(inner);
	if (old != inner)
		t->nb_replacements++;
	mim_obj_put(old, &r.dead);
	if (r.obj != NULL || r.dead != NULL)
		mim_rcu_retire(&r);
	return 0;
}

static int
hot_delete_elem(struct mim_obj *t, const void *key)
{
	struct mim_retire r = { .owner = t };
	int32_t pos = mim_cuckoo_find(t, key);
	struct mim_obj *old;
	int ret;

	if (pos < 0)
		return mim_err(ENOENT, "no such key");
	/* The slot is always retired (readers may be on it). */
	ret = mim_rcu_reserve();
	if (ret != 0)
		return ret;
	old = hot_inner(t, (uint32_t)pos);
	r.pos = (uint32_t)pos;
	r.obj = obj_of(t, mim_cuckoo_value(t, (uint32_t)pos));
	r.bytes = r.obj != NULL ? hash_obj(t)->obj_bytes : 0;
	mim_cuckoo_remove(t, &hash_obj(t)->h, (uint32_t)pos);
	t->nb_entries--;
	mim_obj_put(old, &r.dead);
	mim_rcu_retire(&r);
	return 0;
}

static void
hot_drop_slots(struct mim_obj *t, struct mim_obj **dead)
{
	int32_t pos = -1;

	while ((pos = mim_cuckoo_next(t, &hash_obj(t)->h, pos)) >= 0)
		mim_obj_put(hot_inner(t, (uint32_t)pos), dead);
}

const struct mim_table_ops mim_hash_of_tables_ops = {
	.obj_size = sizeof(struct mim_hash_obj),
	.is_outer = true,
	.alloc_check = hot_alloc_check,
	.alloc = hot_alloc,
	.free = mim_hash_free,
	.lookup_elem = hot_lookup_elem,
	.update_elem = hot_update_elem,
	.delete_elem = hot_delete_elem,
	.get_next_key = mim_hash_get_next_key,
	.meta_equal = NULL,	/* outer tables nest one level only */
	.release = mim_hash_release,
	.drop_slots = hot_drop_slots,
	.mem_bytes = mim_hash_mem_bytes,
};

/* ---- for the other hash types (mim_hash_private.h) ----------------------- */

int
mim_hash_build(struct mim_obj *t, const struct mim_attr *attr,
	       uint32_t obj_size, bool prealloc)
{
	return hash_build(t, attr, obj_size, prealloc);
}

int
mim_hash_obj_new(struct mim_obj *t, const void *key, const void *payload,
		 size_t len, void **v)
{
	return obj_new(t, key, payload, len, v);
}

void *
mim_hash_obj_of(const struct mim_obj *t, void *v)
{
	return obj_of(t, v);
}

void
mim_hash_obj_put(struct mim_obj *t, void *obj)
{
	obj_put(t, obj);
}

int
mim_hash_insert(struct mim_obj *t, const void *key, void *v)
{
	return hash_insert(t, key, v);
}

int
mim_hash_update_check(struct mim_obj *t, uint64_t flags, bool exists)
{
	return hash_update_check(t, flags, exists);
}
