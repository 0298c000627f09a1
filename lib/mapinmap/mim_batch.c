/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Batch lookup (mim_lookup_batch), after the kernel's
 * generic_map_lookup_batch(): the type's own get_next_key and lookup
 * operations, under one acquisition of the library mutex, the cursor
 * being the last key copied. As the kernel's, the walk passes over an
 * empty slot of an array of tables: a key whose lookup fails is looked
 * for again from the cursor, and passed over when found again (a hash
 * key deleted meanwhile by a data-path writer is not: the cursor stays,
 * as a hash table's walk from a key it no longer holds would restart).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mim_mp_private.h"

/* Keys a call may pass over (empty outer slots) before it returns. */
#define MIM_BATCH_SKIP_MAX 65536
/* Lookups of a key that vanished under the walk, as the kernel's. */
#define MIM_BATCH_RETRIES 3

/* Where a walk stands: the cursor and the key being read. */
struct batch_walk {
	uint8_t kbuf[3][MIM_KEY_SIZE_MAX];
	uint8_t *prev;      /* the cursor: NULL before the first key */
	uint8_t *key;       /* the key being read */
	uint8_t *miss;      /* the last key whose lookup failed */
	bool missed;
	uint32_t moved;     /* MIM_BATCH_WROTE_CURSOR: past in_batch */
};

/* The key read becomes the cursor. */
static void
walk_advance(struct batch_walk *w)
{
	uint8_t *k = w->key;

	w->key = w->prev != NULL ? w->prev : w->kbuf[1];
	w->prev = k;
	w->missed = false;
	w->moved = MIM_BATCH_WROTE_CURSOR;
}

/*
 * Copy up to max elements of t; *done how many, *wrote what else.
 * Returns 0 (more may follow), -ENOENT (the end), -EINTR (a key kept
 * vanishing) or the type's error.
 */
static int
batch_walk(struct mim_obj *t, const void *in_batch, void *out_batch,
	   uint8_t *keys, uint8_t *values, uint32_t max, uint32_t *done,
	   uint32_t *wrote)
{
	const struct mim_table_ops *ops = mim_ops(t->dp.type);
	size_t ks = t->dp.key_size, vs = mim_value_buf_size(t);
	uint32_t cp = 0, skips = 0, retry = MIM_BATCH_RETRIES;
	struct batch_walk w;
	char d[64];
	int ret = 0;

	w.prev = NULL;
	w.key = w.kbuf[0];
	w.miss = w.kbuf[2];
	w.missed = false;
	w.moved = 0;
	if (in_batch != NULL) {
		memcpy(w.kbuf[1], in_batch, ks);
		w.prev = w.kbuf[1];
	}
	while (cp < max) {
		ret = ops->get_next_key(t, w.prev, w.key);
		if (ret != 0)
			break;
		ret = ops->lookup_elem(t, w.key, values + (size_t)cp * vs);
		if (ret == 0) {
			memcpy(keys + (size_t)cp * ks, w.key, ks);
			walk_advance(&w);
			retry = MIM_BATCH_RETRIES;
			cp++;
			continue;
		}
		if (ret != -ENOENT)
			break;
		ret = 0;
		if (w.missed && memcmp(w.miss, w.key, ks) == 0) {
			/* The same key again: an empty slot, passed over. */
			walk_advance(&w);
			retry = MIM_BATCH_RETRIES;
			if (++skips == MIM_BATCH_SKIP_MAX)
				break;   /* bounded: the caller continues */
			continue;
		}
		if (retry-- == 0) {
			ret = mim_err(EINTR, "keys of table %s vanished under the walk %u times in a row",
				      mim_obj_desc(t, d, sizeof(d)),
				      MIM_BATCH_RETRIES + 1);
			break;
		}
		memcpy(w.miss, w.key, ks);
		w.missed = true;
	}
	if (ret == -ENOENT)
		mim_err(ENOENT, "end of table %s (%u element%s copied)",
			mim_obj_desc(t, d, sizeof(d)), cp, cp == 1 ? "" : "s");
	if (w.moved)
		memcpy(out_batch, w.prev, ks);
	*done = cp;
	*wrote = MIM_BATCH_WROTE_COUNT | w.moved;
	return ret;
}

int
mim_batch_run(int id, const void *in_batch, void *out_batch, void *keys,
	      void *values, uint32_t max, uint32_t *done, uint32_t *wrote,
	      uint64_t elem_flags, uint64_t flags)
{
	struct mim_obj *t;
	int ret = 0;

	*wrote = 0;
	mim_lock();
	t = mim_registry_lookup(id);
	if (t == NULL)
		ret = mim_err(EBADF, "no table with id %d", id);
	else if (elem_flags & MIM_BPF_F_LOCK)
		ret = mim_err(EINVAL, "elem_flags BPF_F_LOCK (0x%x): no table has a spin lock",
			      MIM_BPF_F_LOCK);
	else if (elem_flags != 0)
		ret = mim_err(EINVAL, "unknown elem_flags %#" PRIx64 " (must be 0)",
			      elem_flags);
	else if (flags != 0)
		ret = mim_err(EINVAL, "flags %#" PRIx64 " are reserved (must be 0)",
			      flags);
	else if (max != 0 && (keys == NULL || values == NULL ||
			      out_batch == NULL))
		ret = mim_err(EINVAL, "keys, values or out_batch is NULL");
	else if (max != 0)
		ret = batch_walk(t, in_batch, out_batch, keys, values, max,
				 done, wrote);
	mim_unlock();
	return ret;
}

int
mim_lookup_batch(int id, const void *in_batch, void *out_batch, void *keys,
		 void *values, uint32_t *count,
		 const struct mim_batch_opts *opts)
{
	uint64_t ef, fl;
	uint32_t done, wrote;
	int ret;

	mim_err_enter(__func__);
	ret = MIM_OPTS_CHECK(opts, mim_batch_opts);
	if (ret != 0)
		return ret;
	if (count == NULL)
		return mim_err(EINVAL, "count is NULL");
	ef = MIM_OPTS_GET(opts, elem_flags, 0);
	fl = MIM_OPTS_GET(opts, flags, 0);
	if (mim_mp_secondary())
		return mim_mp_fwd_batch(id, in_batch, out_batch, keys, values,
					count, ef, fl);
	ret = mim_batch_run(id, in_batch, out_batch, keys, values, *count,
			    &done, &wrote, ef, fl);
	if (wrote & MIM_BATCH_WROTE_COUNT)
		*count = done;
	return ret;
}
