/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Element calls that take the sizes of the caller's buffers, as libbpf's
 * bpf_map__update_elem(map, key, key_sz, value, value_sz, flags): a
 * buffer whose size is not the table's is refused before the plain call
 * reads or writes it. A table's key and value sizes never change, so the
 * check (under the library mutex) and the plain call (which takes it
 * again) see the same sizes; a table closed in between gives -EBADF.
 */

#include <errno.h>
#include <stdio.h>

#include "mim_mp_private.h"

size_t
mim_value_buf_size(const struct mim_obj *t)
{
	if (t->dp.type == MIM_TYPE_PERCPU_ARRAY ||
	    t->dp.type == MIM_TYPE_PERCPU_HASH)
		return (size_t)mim_percpu_nb_copies() *
			RTE_ALIGN_CEIL(t->dp.value_size, 8);
	return t->dp.value_size;
}

/* 0 if the table exists and the sizes fit (value_sz NULL: no value). */
static int
sizes_check(int id, size_t key_sz, const size_t *value_sz)
{
	struct mim_obj *t;
	char d[64];
	int ret = 0;

	mim_lock();
	t = mim_registry_lookup(id);
	if (t == NULL)
		ret = mim_err(EBADF, "no table with id %d", id);
	else if (key_sz != t->dp.key_size)
		ret = mim_err(EINVAL, "key_sz %zu != table %s key_size %u",
			      key_sz, mim_obj_desc(t, d, sizeof(d)),
			      t->dp.key_size);
	else if (value_sz != NULL && *value_sz != mim_value_buf_size(t) &&
		 (t->dp.type == MIM_TYPE_PERCPU_ARRAY ||
		  t->dp.type == MIM_TYPE_PERCPU_HASH))
		ret = mim_err(EINVAL, "value_sz %zu != table %s value buffer size %zu (%u copies of %u bytes)",
			      *value_sz, mim_obj_desc(t, d, sizeof(d)),
			      mim_value_buf_size(t), mim_percpu_nb_copies(),
			      RTE_ALIGN_CEIL(t->dp.value_size, 8));
	else if (value_sz != NULL && *value_sz != mim_value_buf_size(t))
		ret = mim_err(EINVAL, "value_sz %zu != table %s value_size %u",
			      *value_sz, mim_obj_desc(t, d, sizeof(d)),
			      t->dp.value_size);
	mim_unlock();
	return ret;
}

int
mim_update_elem_sz(int id, const void *key, size_t key_sz,
		   const void *value, size_t value_sz, uint64_t flags)
{
	int ret;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_elem(MIM_MP_UPDATE_SZ, id, key, key_sz, value,
				       value_sz, flags);
	ret = sizes_check(id, key_sz, &value_sz);
	return ret != 0 ? ret : mim_update_elem(id, key, value, flags);
}

int
mim_lookup_elem_sz(int id, const void *key, size_t key_sz, void *value,
		   size_t value_sz)
{
	int ret;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_elem(MIM_MP_LOOKUP_SZ, id, key, key_sz, value,
				       value_sz, 0);
	ret = sizes_check(id, key_sz, &value_sz);
	return ret != 0 ? ret : mim_lookup_elem(id, key, value);
}

int
mim_delete_elem_sz(int id, const void *key, size_t key_sz)
{
	int ret;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_elem(MIM_MP_DELETE_SZ, id, key, key_sz, NULL,
				       SIZE_MAX, 0);
	ret = sizes_check(id, key_sz, NULL);
	return ret != 0 ? ret : mim_delete_elem(id, key);
}

int
mim_get_next_key_sz(int id, const void *key, void *next_key, size_t key_sz)
{
	int ret;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_elem(MIM_MP_NEXT_KEY_SZ, id, key, key_sz,
				       next_key, key_sz, 0);
	ret = sizes_check(id, key_sz, NULL);
	return ret != 0 ? ret : mim_get_next_key(id, key, next_key);
}
