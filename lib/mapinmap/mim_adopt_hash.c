/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * MIM_TYPE_RTE_HASH: an application's rte_hash adopted as a table. The
 * shape checks (one list of reasons for the adopt call and for described
 * templates), the check of the parameters against the table, the template
 * comparison with rte_hash's names, and the control plane's reads. The
 * data path is in mim_dp_adopt.h (__mim_adopt_hash_*).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>

#include "mim_adopt_private.h"
#include "mim_mp_private.h"

#define RTE_HASH_FLAGS_KNOWN						\
	(RTE_HASH_EXTRA_FLAGS_TRANS_MEM_SUPPORT |			\
	 RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD |			\
	 RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY |				\
	 RTE_HASH_EXTRA_FLAGS_EXT_TABLE |				\
	 RTE_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL |				\
	 RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF)

/* The data path gives a burst to one rte_hash_lookup_bulk_data() call. */
_Static_assert(RTE_HASH_LOOKUP_BULK_MAX >= MIM_LOOKUP_BULK_MAX,
	       "a burst must fit one rte_hash_lookup_bulk_data() call");

/* rte_hash_create()'s least entries (its private RTE_HASH_BUCKET_ENTRIES). */
#define ADOPT_HASH_ENTRIES_MIN 8

/* The shape of an rte_hash inner table: map_flags is its extra_flag. */
static int
adopt_hash_alloc_check(const struct mim_attr *attr)
{
	if (attr->key_size == 0 || attr->key_size > MIM_KEY_SIZE_MAX)
		return mim_err(EINVAL, "rte_hash key_len %u: 1 to %u bytes",
			       attr->key_size, MIM_KEY_SIZE_MAX);
	if (attr->value_size == 0 || attr->value_size > MIM_VALUE_SIZE_MAX)
		return mim_err(EINVAL, "value_size %u: the bytes each data pointer points to, 1 to %u",
			       attr->value_size, MIM_VALUE_SIZE_MAX);
	if (attr->max_entries < ADOPT_HASH_ENTRIES_MIN ||
	    attr->max_entries > RTE_HASH_ENTRIES_MAX)
		return mim_err(EINVAL, "rte_hash entries %u: rte_hash_create() takes %u to %u",
			       attr->max_entries, ADOPT_HASH_ENTRIES_MIN,
			       RTE_HASH_ENTRIES_MAX);
	if (attr->map_flags & ~RTE_HASH_FLAGS_KNOWN)
		return mim_err(EINVAL, "rte_hash extra_flag 0x%x: unknown flags 0x%x",
			       attr->map_flags,
			       attr->map_flags & ~RTE_HASH_FLAGS_KNOWN);
	if (!(attr->map_flags & RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF))
		return mim_err(EINVAL, "rte_hash extra_flag 0x%x lacks RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF: mapinmap's readers take no lock and must not race with the writer",
			       attr->map_flags);
	return 0;
}

/* What DPDK shows of the table: its name, its number of key slots. */
static int
params_check(const struct rte_hash *h, const struct rte_hash_parameters *p)
{
	const struct rte_hash *named;
	int32_t slots;

	if (p->name == NULL)
		return mim_err(EINVAL, "params->name is NULL: give the parameters the table was created with");
	named = rte_hash_find_existing(p->name);
	if (named != h)
		return mim_err(EINVAL, "params->name '%.*s' %s: give the parameters this table was created with",
			       RTE_HASH_NAMESIZE, p->name,
			       named == NULL ? "names no rte_hash" :
			       "names another rte_hash");
	slots = rte_hash_max_key_id(h);
	/* entries, plus the per-lcore caches' slots with MULTI_WRITER_ADD. */
	if ((p->extra_flag & RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD) ?
	    slots <= (int64_t)p->entries : slots != (int64_t)p->entries)
		return mim_err(EINVAL, "rte_hash '%.*s' has %d key slots: params entries %u%s is not what it was created with",
			       RTE_HASH_NAMESIZE, p->name, slots, p->entries,
			       (p->extra_flag & RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD) ?
			       " with MULTI_WRITER_ADD" : " without MULTI_WRITER_ADD");
	return 0;
}

int
mim_adopt_rte_hash(const char *name, struct rte_hash *hash,
		   const struct mim_adopt_rte_hash_opts *opts)
{
	const struct rte_hash_parameters *p;
	struct mim_adopt_args a;
	char what[64];
	int ret;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_refuse(__func__);
	ret = MIM_OPTS_CHECK(opts, mim_adopt_rte_hash_opts);
	if (ret != 0)
		return ret;
	if (hash == NULL || opts == NULL)
		return mim_err(EINVAL, "hash or opts is NULL");
	p = MIM_OPTS_GET(opts, params, NULL);
	if (p == NULL)
		return mim_err(EINVAL, "opts->params is NULL: give the parameters the table was created with");
	if (MIM_OPTS_GET(opts, release, NULL) == NULL)
		return mim_err(EINVAL, "opts->release is NULL: the table is handed back through it once no reader holds it");
	memset(&a, 0, sizeof(a));
	a.attr.type = MIM_TYPE_RTE_HASH;
	a.attr.key_size = p->key_len;
	a.attr.value_size = MIM_OPTS_GET(opts, value_size, 0);
	a.attr.max_entries = p->entries;
	a.attr.map_flags = p->extra_flag;
	a.attr.name_shared = MIM_OPTS_GET(opts, name_shared, 0) != 0;
	ret = adopt_hash_alloc_check(&a.attr);
	if (ret != 0)
		return ret;
	ret = mim_eal_check();
	if (ret == 0)
		ret = params_check(hash, p);
	if (ret != 0)
		return ret;
	snprintf(what, sizeof(what), "rte_hash '%.*s'", RTE_HASH_NAMESIZE,
		 p->name);
	a.table = hash;
	a.what = what;
	a.release = opts->release;
	a.release_arg = MIM_OPTS_GET(opts, release_arg, NULL);
	return mim_adopt_table(&a, name);
}

/* The template check, naming rte_hash's fields; then the common one. */
static int
adopt_hash_meta_equal(const struct mim_meta *tmpl, const struct mim_meta *m,
		    char *why, size_t len)
{
	if (tmpl->type != m->type)
		return mim_meta_equal(tmpl, m, why, len);
	if (tmpl->key_size != m->key_size) {
		snprintf(why, len, "key_size (rte_hash key_len) %u != template key_size %u",
			 m->key_size, tmpl->key_size);
		return -EINVAL;
	}
	if (tmpl->map_flags != m->map_flags) {
		snprintf(why, len, "map_flags (rte_hash extra_flag) 0x%x != template map_flags 0x%x",
			 m->map_flags, tmpl->map_flags);
		return -EINVAL;
	}
	return mim_meta_equal(tmpl, m, why, len);
}

static int
adopt_hash_lookup_elem(struct mim_obj *t, const void *key, void *value)
{
	void *data = mim_lookup(&t->dp, key);

	if (data == NULL)
		return -ENOENT;
	memcpy(value, data, t->dp.value_size);
	return 0;
}

static int
adopt_hash_update(struct mim_obj *t, const void *key, const void *value,
		uint64_t flags)
{
	RTE_SET_USED(key);
	RTE_SET_USED(value);
	RTE_SET_USED(flags);
	return mim_adopt_readonly(t, "rte_hash_add_key_data() and rte_hash_del_key()");
}

static int
adopt_hash_delete(struct mim_obj *t, const void *key)
{
	RTE_SET_USED(key);
	return mim_adopt_readonly(t, "rte_hash_add_key_data() and rte_hash_del_key()");
}

/*
 * The key after key in position order. rte_hash_iterate()'s cursor counts
 * bucket entries and cannot be found from a key; a key's position can
 * (rte_hash_lookup()), and the positions after it are read in turn.
 */
static int
adopt_hash_next_key(struct mim_obj *t, const void *key, void *next_key)
{
	const struct rte_hash *h = t->dp.u.rte_hash;
	int32_t pos = -1, end = rte_hash_max_key_id(h);
	void *k;

	if (key != NULL) {
		pos = rte_hash_lookup(h, key);
		if (pos < 0)
			pos = -1;   /* absent: the first key, as the kernel */
	}
	for (pos++; pos < end; pos++) {
		if (rte_hash_get_key_with_position(h, pos, &k) == 0) {
			memcpy(next_key, k, t->dp.key_size);
			return 0;
		}
	}
	return -ENOENT;
}

const struct mim_table_ops mim_rte_hash_ops = {
	.obj_size = sizeof(struct mim_adopt_obj),
	.is_outer = false,
	.alloc_check = adopt_hash_alloc_check,
	.alloc = mim_adopt_alloc,
	.free = mim_adopt_free,
	.lookup_elem = adopt_hash_lookup_elem,
	.update_elem = adopt_hash_update,
	.delete_elem = adopt_hash_delete,
	.get_next_key = adopt_hash_next_key,
	.meta_equal = adopt_hash_meta_equal,
	.release = NULL,	/* the application's keys: retires nothing */
	.drop_slots = NULL,	/* values are not tables */
	.mem_bytes = NULL,	/* the wrapper only: mem_bytes */
};
