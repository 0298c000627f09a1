/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The public control-plane API (mim.h): argument checks, the library
 * mutex, and dispatch to the type's ops. Type-specific rules live in the
 * ops (mim_array.c, mim_hash.c, mim_lpm.c); the template in mim_meta.c.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memory.h>
#include <rte_prefetch.h>

#include "mim_datapath.h"

#include "mim_mp_private.h"

/* Counters of mim_get_stats() that the calls of this file bump. */
static uint64_t nb_created, nb_replaced;

struct mim_prof mim_prof;

static bool
socket_known(int socket_id)
{
	unsigned int i;

	if (socket_id == SOCKET_ID_ANY)
		return true;
	for (i = 0; i < rte_socket_count(); i++)
		if (rte_socket_id_by_idx(i) == socket_id)
			return true;
	return false;
}

/* Options to attributes; the checks that come before the type's own. */
static int
attr_init(struct mim_attr *attr, enum mim_type type, uint32_t key_size,
	  uint32_t value_size, uint32_t max_entries,
	  const struct mim_create_opts *opts)
{
	int ret = MIM_OPTS_CHECK(opts, mim_create_opts);

	if (ret != 0)
		return ret;
	memset(attr, 0, sizeof(*attr));
	attr->type = type;
	attr->key_size = key_size;
	attr->value_size = value_size;
	attr->max_entries = max_entries;
	attr->map_flags = MIM_OPTS_GET(opts, map_flags, 0);
	attr->inner_id = MIM_OPTS_GET(opts, inner_id, 0);
	attr->lpm_tbl8_groups = MIM_OPTS_GET(opts, lpm_tbl8_groups, 0);
	attr->btf = MIM_OPTS_GET(opts, btf, NULL);
	attr->btf_key_type_id = MIM_OPTS_GET(opts, btf_key_type_id, 0);
	attr->btf_value_type_id = MIM_OPTS_GET(opts, btf_value_type_id, 0);
	attr->name_shared = MIM_OPTS_GET(opts, name_shared, 0) != 0;
	attr->socket_id = SOCKET_ID_ANY;
	/* As map_create(): the NUMA node is checked before the type;
	 * SOCKET_ID_ANY is the kernel's NUMA_NO_NODE.
	 */
	if (attr->map_flags & MIM_F_NUMA_NODE) {
		attr->socket_id = MIM_OPTS_GET(opts, socket_id, 0);
		if (!socket_known(attr->socket_id))
			return mim_err(EINVAL, "socket_id %d is not a NUMA socket of this machine",
				       attr->socket_id);
	}
	if (mim_ops(type) == NULL)
		return mim_err(EINVAL, "unknown table type %d", (int)type);
	return 0;
}

int
mim_attr_btf_check(const struct mim_table_ops *ops,
		   const struct mim_attr *attr)
{
	int ret;

	if (attr->btf == NULL) {
		if (attr->btf_key_type_id != 0 || attr->btf_value_type_id != 0)
			return mim_err(EINVAL, "BTF type ids given without a BTF");
		return 0;
	}
	if (ops->is_outer && attr->btf_value_type_id != 0)
		return mim_err(EINVAL, "an outer table's values are table IDs: it takes no BTF value type");
	if (attr->btf_key_type_id != 0) {
		ret = mim_btf_check_type(attr->btf, attr->btf_key_type_id,
					 attr->key_size, "key");
		if (ret != 0)
			return ret;
	}
	if (attr->btf_value_type_id != 0) {
		ret = mim_btf_check_type(attr->btf, attr->btf_value_type_id,
					 attr->value_size, "value");
		if (ret != 0)
			return ret;
	}
	return 0;
}

/* Allocate, build and register a table whose attributes passed checks. */
static int
create_locked(const struct mim_table_ops *ops, const struct mim_attr *attr,
	      const struct mim_obj *tmpl_holder, const char *name)
{
	uint64_t heap = mim_heap_allocated();
	uint32_t mz = mim_memzone_count();
	struct mim_obj *t;
	int ret;

	if (name != NULL && name[0] != '\0' && !attr->name_shared &&
	    mim_registry_find(name) != NULL)
		return mim_err(EEXIST, "a table named '%s' exists", name);
	t = mim_zmalloc(ops->obj_size, attr->socket_id);
	if (t == NULL)
		return mim_err(ENOMEM, "cannot allocate a %s table",
			       mim_type_name(attr->type));
	if (attr->btf != NULL) {
		ret = mim_btf_share(attr->btf, &t->meta.btf);
		if (ret != 0) {
			mim_free(t);
			return ret;
		}
		t->meta.btf_key_type_id = attr->btf_key_type_id;
		t->meta.btf_value_type_id = attr->btf_value_type_id;
	}
	t->dp.type = attr->type;
	t->dp.key_size = attr->key_size;
	t->dp.value_size = attr->value_size;
	t->dp.max_entries = attr->max_entries;
	t->socket_id = attr->socket_id;
	t->serial = mim_serial();
	t->meta.type = attr->type;
	t->meta.key_size = attr->key_size;
	t->meta.value_size = attr->value_size;
	t->meta.max_entries = attr->max_entries;
	t->meta.map_flags = attr->map_flags;
	if (tmpl_holder != NULL) {
		t->tmpl = tmpl_holder->tmpl;
		mim_btf_get(t->tmpl.btf);
		t->tmpl_src_id = tmpl_holder->tmpl_src_id;
		t->dp.inner_type = tmpl_holder->dp.inner_type;
	}
	ret = ops->alloc(t, attr);
	if (ret != 0) {
		mim_meta_release(&t->meta);
		mim_meta_release(&t->tmpl);
		mim_free(t);
		return ret;
	}
	/* Measured, not estimated: what the backing DPDK objects took. */
	t->mem_bytes = mim_heap_allocated() - heap;
	t->memzones = mim_memzone_count() - mz;
	ret = mim_registry_add(t, name, attr->name_shared);
	if (ret != 0) {
		ret = mim_err(-ret, ret == -ENOSPC ? "all table IDs are in use (%u live tables)" :
			      "cannot register the table (%u live tables)",
			      mim_registry_count());
		goto destroy;
	}
	t->refcnt = 1;
	t->handles = 1;
	nb_created++;
	return (int)t->id;
destroy:
	mim_obj_destroy(t);
	return ret;
}

int
mim_create(enum mim_type type, const char *name, uint32_t key_size,
	   uint32_t value_size, uint32_t max_entries,
	   const struct mim_create_opts *opts)
{
	const struct mim_table_ops *ops;
	struct mim_obj tmpl_holder;
	struct mim_attr attr, desc;
	int ret;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_create(type, name, key_size, value_size,
					  max_entries, opts);
	ret = attr_init(&attr, type, key_size, value_size, max_entries, opts);
	if (ret != 0)
		return ret;
	ops = mim_ops(type);
	ret = ops->alloc_check(&attr);
	if (ret != 0)
		return ret;
	ret = mim_attr_applies(ops, &attr);
	if (ret != 0)
		return ret;
	ret = mim_meta_desc(opts, ops, &attr, &desc);
	if (ret != 0)
		return ret;
	ret = mim_attr_btf_check(ops, &attr);
	if (ret != 0)
		return ret;
	ret = mim_name_check(name);
	if (ret != 0)
		return ret;

	ret = mim_eal_check();
	if (ret != 0)
		return ret;

	mim_lock();
	mim_rcu_maybe_reclaim();
	if (ops->is_outer) {
		/* bpf_map_meta_alloc(), before anything is allocated. */
		memset(&tmpl_holder, 0, sizeof(tmpl_holder));
		ret = desc.type != 0 ? mim_meta_init_desc(&tmpl_holder, &desc) :
			mim_outer_template(&tmpl_holder, attr.inner_id);
		if (ret == 0) {
			ret = create_locked(ops, &attr, &tmpl_holder, name);
			mim_meta_release(&tmpl_holder.tmpl);
		}
	} else {
		ret = create_locked(ops, &attr, NULL, name);
	}
	mim_unlock();
	return ret;
}

/*
 * An update of an outer table: start fetching, all at once, the lines of
 * the outer table and of the table in key's slot that the update will
 * read one after the other (its template, its counters; the old table's
 * reference count, ID, size and chain link). Changes nothing; a key that
 * names no slot prefetches nothing.
 */
static void
outer_prefetch(const struct mim_obj *t, const void *key)
{
	const struct mim_table *cur;
	const struct mim_obj *old;

	rte_prefetch0(&t->tmpl);
	rte_prefetch0(&t->nb_updates);
	/* The two outer types' own lookups, as mim_lookup_nested_bulk()
	 * does: mim_lookup() would inline every type's into the update
	 * entry point and spread it over more code pages.
	 */
	if (t->dp.type == MIM_TYPE_ARRAY_OF_TABLES)
		cur = __mim_aot_load(__mim_aot_slot(&t->dp, key));
	else
		cur = __mim_hot_value(&t->dp, __mim_hash_lookup(&t->dp, key));
	if (cur == NULL)
		return;
	old = mim_obj_of(cur);
	rte_prefetch0(&old->id);
	rte_prefetch0(&old->mem_bytes);
	rte_prefetch0(&old->dead_next);
}

/* The live table with this ID, or NULL with EBADF as the reason. */
static struct mim_obj *
obj_by_id(int id)
{
	struct mim_obj *t = mim_registry_lookup(id);

	if (t == NULL)
		mim_err(EBADF, "no table with id %d", id);
	return t;
}

__rte_hot int
mim_update_elem(int id, const void *key, const void *value, uint64_t flags)
{
	uint64_t replaced, p0 = mim_prof_start(), p;
	struct mim_obj *t;
	int ret = -EBADF;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_elem(MIM_MP_UPDATE, id, key, 0, value, 0, flags);
	p = mim_prof_start();
	mim_lock();
	mim_rcu_prefetch();
	mim_prof_end(MIM_PROF_LOCK, p);
	p = mim_prof_start();
	mim_rcu_maybe_reclaim();
	mim_prof_end(MIM_PROF_RECLAIM, p);
	p = mim_prof_start();
	t = obj_by_id(id);
	mim_prof_end(MIM_PROF_FIND, p);
	if (t == NULL)
		goto out;
	if (key == NULL || value == NULL) {
		ret = mim_err(EINVAL, "key or value is NULL");
		goto out;
	}
	if (mim_ops(t->dp.type)->is_outer)
		outer_prefetch(t, key);
	/* As the kernel's map_update_elem(): before the type's own checks. */
	if (flags & MIM_BPF_F_LOCK) {
		ret = mim_err(EINVAL, "BPF_F_LOCK (0x%x): no table has a spin lock",
			      MIM_BPF_F_LOCK);
		goto out;
	}
	replaced = t->nb_replacements;
	ret = mim_ops(t->dp.type)->update_elem(t, key, value, flags);
	if (ret == 0)
		t->nb_updates++;
	nb_replaced += t->nb_replacements - replaced;
out:
	p = mim_prof_start();
	mim_unlock();
	mim_prof_end(MIM_PROF_UNLOCK, p);
	mim_prof_end(MIM_PROF_CALL, p0);
	if (unlikely(mim_prof.on))
		mim_prof.calls++;
	return ret;
}

int
mim_lookup_elem(int id, const void *key, void *value)
{
	struct mim_obj *t;
	char d[64];
	int ret = -EBADF;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_elem(MIM_MP_LOOKUP, id, key, 0, value, 0, 0);
	mim_lock();
	t = obj_by_id(id);
	if (t == NULL)
		goto out;
	if (key == NULL || value == NULL) {
		ret = mim_err(EINVAL, "key or value is NULL");
		goto out;
	}
	ret = mim_ops(t->dp.type)->lookup_elem(t, key, value);
	if (ret == -ENOENT)
		mim_err(ENOENT, "no such element in table %s",
			mim_obj_desc(t, d, sizeof(d)));
out:
	mim_unlock();
	return ret;
}

int
mim_delete_elem(int id, const void *key)
{
	struct mim_obj *t;
	int ret = -EBADF;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_elem(MIM_MP_DELETE, id, key, 0, NULL, 0, 0);
	mim_lock();
	mim_rcu_maybe_reclaim();
	t = obj_by_id(id);
	if (t == NULL)
		goto out;
	if (key == NULL) {
		ret = mim_err(EINVAL, "key is NULL");
		goto out;
	}
	ret = mim_ops(t->dp.type)->delete_elem(t, key);
	if (ret == 0)
		t->nb_deletes++;
out:
	mim_unlock();
	return ret;
}

int
mim_get_next_key(int id, const void *key, void *next_key)
{
	struct mim_obj *t;
	char d[64];
	int ret = -EBADF;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_elem(MIM_MP_NEXT_KEY, id, key, 0, next_key, 0, 0);
	mim_lock();
	t = obj_by_id(id);
	if (t == NULL)
		goto out;
	if (next_key == NULL) {
		ret = mim_err(EINVAL, "next_key is NULL");
		goto out;
	}
	ret = mim_ops(t->dp.type)->get_next_key(t, key, next_key);
	if (ret == -ENOENT)
		mim_err(ENOENT, "no key after this one in table %s",
			mim_obj_desc(t, d, sizeof(d)));
out:
	mim_unlock();
	return ret;
}

int
mim_get_by_id(mim_id_t id)
{
	struct mim_obj *t;
	int ret;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_id(MIM_MP_GET_BY_ID, id);
	mim_lock();
	t = mim_registry_lookup(id);
	if (t == NULL) {
		ret = mim_err(ENOENT, "no table with id %d", id);
	} else {
		t->handles++;
		t->refcnt++;
		ret = id;
	}
	mim_unlock();
	return ret;
}

int
mim_close(int id)
{
	struct mim_retire r = { .owner = NULL };
	struct mim_obj *t;
	char d[64];
	int ret = -EBADF;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_id(MIM_MP_CLOSE, id);
	mim_lock();
	mim_rcu_maybe_reclaim();
	t = obj_by_id(id);
	if (t == NULL)
		goto out;
	if (t->handles == 0) {
		ret = mim_err(EBADF, "table %s has no handle left (it is held by outer slots only)",
			      mim_obj_desc(t, d, sizeof(d)));
		goto out;
	}
	if (mim_obj_last_ref(t)) {
		ret = mim_rcu_reserve();
		if (ret != 0)
			goto out;
	}
	t->handles--;
	mim_obj_put(t, &r.dead);
	if (r.dead != NULL)
		mim_rcu_retire(&r);
	ret = 0;
out:
	mim_unlock();
	return ret;
}

int
mim_find(const char *name)
{
	struct mim_obj *t;
	int ret;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_find(name);
	if (name == NULL || name[0] == '\0')
		return mim_err(EINVAL, "name is NULL or empty");
	mim_lock();
	t = mim_registry_find(name);
	ret = t != NULL ? (int)t->id :
		mim_err(ENOENT, "no table named '%s'", name);
	mim_unlock();
	return ret;
}

int
mim_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	int ret;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_next_id(start_id, next_id);
	if (next_id == NULL)
		return mim_err(EINVAL, "next_id is NULL");
	mim_lock();
	ret = mim_registry_next_id(start_id, next_id);
	if (ret != 0)
		ret = mim_err(ENOENT, "no table id above %u", start_id);
	mim_unlock();
	return ret;
}

int
mim_get_info(int id, struct mim_table_info *info)
{
	struct mim_obj *t;
	int ret = -EBADF;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_out(MIM_MP_INFO, id, info, sizeof(*info));
	mim_lock();
	t = obj_by_id(id);
	if (t == NULL)
		goto out;
	if (info == NULL) {
		ret = mim_err(EINVAL, "info is NULL");
		goto out;
	}
	memset(info, 0, sizeof(*info));
	info->id = t->id;
	info->type = t->dp.type;
	memcpy(info->name, t->name, sizeof(info->name));
	info->key_size = t->dp.key_size;
	info->value_size = t->dp.value_size;
	info->max_entries = t->dp.max_entries;
	info->map_flags = t->meta.map_flags;
	info->socket_id = t->socket_id;
	info->nb_entries = t->nb_entries;
	info->refcnt = t->refcnt;
	info->handles = t->handles;
	info->memzones = t->memzones;
	info->mem_bytes = mim_obj_mem_bytes(t);
	info->nb_updates = t->nb_updates;
	info->nb_deletes = t->nb_deletes;
	info->nb_replacements = t->nb_replacements;
	info->btf_key_type_id = t->meta.btf_key_type_id;
	info->btf_value_type_id = t->meta.btf_value_type_id;
	if (mim_ops(t->dp.type)->is_outer) {
		info->inner_id = t->tmpl_src_id;
		mim_meta_info(&t->tmpl, &info->inner);
	}
	ret = 0;
out:
	mim_unlock();
	return ret;
}

int
mim_get_btf(int id, const struct btf **btf, uint32_t *key_type_id,
	    uint32_t *value_type_id)
{
	struct mim_obj *t;
	int ret = -EBADF;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_btf(id, btf, key_type_id, value_type_id);
	if (btf == NULL)
		return mim_err(EINVAL, "btf is NULL");
	mim_lock();
	t = obj_by_id(id);
	if (t != NULL) {
		*btf = mim_btf_of(t->meta.btf);
		if (key_type_id != NULL)
			*key_type_id = t->meta.btf_key_type_id;
		if (value_type_id != NULL)
			*value_type_id = t->meta.btf_value_type_id;
		ret = 0;
	}
	mim_unlock();
	return ret;
}

struct mim_table *
mim_table(int id)
{
	struct mim_obj *t;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_table(id);
	mim_lock();
	t = mim_registry_lookup(id);
	if (t == NULL) {
		mim_err(ENOENT, "no table with id %d", id);
		rte_errno = ENOENT;
	}
	mim_unlock();
	return t != NULL ? &t->dp : NULL;
}

static int
sum_tables(struct mim_obj *t, void *arg)
{
	struct mim_stats *st = arg;

	st->mem_bytes += mim_obj_mem_bytes(t);
	st->memzones += t->memzones;
	return 0;
}

int
mim_get_stats(struct mim_stats *st)
{
	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_out(MIM_MP_STATS, 0, st, sizeof(*st));
	if (st == NULL)
		return mim_err(EINVAL, "stats is NULL");
	memset(st, 0, sizeof(*st));
	mim_lock();
	st->nb_tables = mim_registry_count();
	mim_obj_counters(&st->nb_dying, &st->nb_destroyed);
	mim_registry_foreach(sum_tables, st);
	mim_valpool_stats(&st->value_pools, &st->value_pool_bytes);
	st->nb_created = nb_created;
	st->nb_replacements = nb_replaced;
	mim_unlock();
	return 0;
}
