/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Data-path writes (mim_dp_write.h): the public functions' checks, and the
 * control plane's calls on MIM_F_DP_WRITE tables. The writes themselves
 * are in mim_dp_write.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "mim_mp_private.h"
#include "mim_dp_write.h"

/* ---- the control plane's calls ------------------------------------------ */

int
mim_dpw_cp_lookup(struct mim_obj *t, const void *key, void *value)
{
	/* Other writers move keys: look as readers do. Values are
	 * released only under the mutex, so v stays valid here.
	 */
	void *v = __mim_hash_lookup(&t->dp, key);

	if (v == NULL)
		return -ENOENT;
	memcpy(value, v, t->dp.value_size);
	return 0;
}

int
mim_dpw_cp_update(struct mim_dpw *w, const void *key, const void *value,
		  uint64_t flags)
{
	int ret = mim_dpw_update(w, key, value, flags);

	mim_dpw_drain_all();
	/* No object was free: once more after a reclamation. */
	if (ret == -EBUSY && mim_rcu_reclaim_all() > 0)
		ret = mim_dpw_update(w, key, value, flags);
	return ret;
}

int
mim_dpw_cp_delete(struct mim_dpw *w, const void *key)
{
	int ret = mim_dpw_delete(w, key);

	mim_dpw_drain_all();
	return ret;
}

/* ---- the public functions ---------------------------------------------- */

static struct mim_dpw *
dpw_of(const struct mim_table *tbl)
{
	struct mim_dpw *w;

	if (tbl == NULL || tbl->type != MIM_TYPE_HASH)
		return NULL;
	w = mim_hash_dpw(mim_obj_of(tbl));
	return w;
}

/*
 * In a secondary process each call is refused: the writer state (struct
 * mim_dpw, the list of tables whose retirements the primary drains) is
 * the primary's process memory.
 */
static int
err_not_dpw(const struct mim_table *tbl)
{
	if (tbl == NULL)
		return mim_err(EINVAL, "table is NULL");
	return mim_err(EINVAL, "%s table without MIM_F_DP_WRITE: data-path writes need a HASH table created with it",
		       mim_type_name(tbl->type));
}

int
mim_dp_update(const struct mim_table *tbl, const void *key,
	      const void *value, uint64_t flags)
{
	struct mim_dpw *w = dpw_of(tbl);

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_refuse(__func__);
	if (w == NULL)
		return err_not_dpw(tbl);
	if (key == NULL || value == NULL)
		return mim_err(EINVAL, "key or value is NULL");
	return mim_dpw_update(w, key, value, flags);
}

int
mim_dp_delete(const struct mim_table *tbl, const void *key)
{
	struct mim_dpw *w = dpw_of(tbl);

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_refuse(__func__);
	if (w == NULL)
		return err_not_dpw(tbl);
	if (key == NULL)
		return mim_err(EINVAL, "key is NULL");
	return mim_dpw_delete(w, key);
}

int
mim_dp_update_bulk(const struct mim_table *tbl, const void *const keys[],
		   const void *const values[], unsigned int n, uint64_t flags,
		   int results[])
{
	struct mim_dpw *w = dpw_of(tbl);

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_refuse(__func__);
	if (w == NULL)
		return err_not_dpw(tbl);
	if (keys == NULL || values == NULL)
		return mim_err(EINVAL, "keys or values is NULL");
	if (n > MIM_LOOKUP_BULK_MAX)
		return mim_err(EINVAL, "n %u above %u", n, MIM_LOOKUP_BULK_MAX);
	if (flags > MIM_EXIST)
		return mim_err(EINVAL, "unknown update flags 0x%" PRIx64, flags);
	return mim_dpw_update_bulk(w, keys, values, n, flags, results);
}
