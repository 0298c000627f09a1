/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * mim_lookup_batch() in a secondary process: one request, the cursor
 * staged in the bounce buffer and the primary writing the new cursor, the
 * keys and the values after it. The sizes of the table come from a STALE
 * reply the first time (one table remembered), and the count asked is
 * what a buffer of at most MIM_MP_BUF_MAX bytes holds.
 */

#include <errno.h>
#include <string.h>

#include "mim_mp_private.h"

/* Tries of a call whose table's sizes were not those assumed. */
#define MIM_MP_BATCH_TRIES 4

/* The sizes of the last table walked, under the client mutex. */
static int b_id;
static uint32_t b_ks, b_vb;

/* How many elements of ks + vb bytes a buffer holds after head bytes. */
static uint64_t
batch_room(uint64_t head, uint64_t ks, uint64_t vb, uint64_t n)
{
	uint64_t per = ks + vb, fit;

	if (per == 0 || n == 0)
		return n;
	fit = (MIM_MP_BUF_MAX - head - 8) / per;
	fit = RTE_MIN(n, fit);
	return fit != 0 ? fit : 1;
}

/* Copy back what the primary wrote; -EPROTO if it wrote too much. */
static int
batch_copy_out(const struct mim_mp_req *q, const struct mim_mp_rep *r,
	       void *out_batch, void *keys, void *values, uint32_t *count)
{
	const uint8_t *b = mim_mp_cl_buf() + q->val_off;
	uint64_t ks = q->key_sz, vb = q->value_sz, kpart;

	if (r->out[0] > q->max_entries)
		return mim_err(EPROTO, "the primary copied %u elements for a batch of %u",
			       r->out[0], q->max_entries);
	kpart = RTE_ALIGN_CEIL((uint64_t)q->max_entries * ks, 8);
	if (r->out[1] & MIM_BATCH_WROTE_COUNT) {
		memcpy(keys, b + RTE_ALIGN_CEIL(ks, 8), r->out[0] * ks);
		memcpy(values, b + RTE_ALIGN_CEIL(ks, 8) + kpart,
		       r->out[0] * vb);
		*count = r->out[0];
	}
	if (r->out[1] & MIM_BATCH_WROTE_CURSOR)
		memcpy(out_batch, b, ks);
	return r->ret;
}

/* Stage the request for n elements of sizes ks and vb. */
static int
batch_stage(struct mim_mp_req *q, const void *in_batch, bool no_out,
	    uint64_t ks, uint64_t vb, uint64_t n)
{
	uint64_t off = MIM_MP_DATA, total;
	int ret;

	/* Short of DPDK memory for the buffer: fewer elements. */
	do {
		total = off + 2 * RTE_ALIGN_CEIL(ks, 8) +
			RTE_ALIGN_CEIL(n * ks, 8) + n * vb;
		ret = mim_mp_cl_reserve(no_out ? MIM_MP_BUF_MIN : total);
	} while (ret == -ENOMEM && n > 1 && (n /= 2) != 0);
	if (ret != 0)
		return ret;
	q->key_sz = ks;
	q->value_sz = vb;
	q->max_entries = (uint32_t)n;
	q->nulls = (in_batch == NULL ? MIM_MP_NULL_KEY : 0) |
		(no_out ? MIM_MP_NULL_VAL : 0);
	if (in_batch != NULL) {
		memcpy(mim_mp_cl_buf() + off, in_batch, ks);
		q->key_off = (uint32_t)off;
		q->key_len = (uint32_t)ks;
	}
	off += RTE_ALIGN_CEIL(ks, 8);
	q->val_off = (uint32_t)off;
	q->val_len = no_out ? 0 : (uint32_t)(total - off);
	return 0;
}

int
mim_mp_fwd_batch(int id, const void *in_batch, void *out_batch, void *keys,
		 void *values, uint32_t *count, uint64_t elem_flags,
		 uint64_t flags)
{
	bool no_out = keys == NULL || values == NULL || out_batch == NULL;
	struct mim_mp_req q;
	struct mim_mp_rep r;
	uint64_t ks, vb, n;
	int ret, i;

	ret = mim_mp_cl_enter(MIM_MP_BUF_MIN);
	if (ret != 0)
		return ret;
	for (i = 0; i < MIM_MP_BATCH_TRIES; i++) {
		ks = b_id == id ? b_ks : 0;
		vb = b_id == id ? b_vb : 0;
		n = no_out ? *count : batch_room(MIM_MP_DATA + 2 *
						 RTE_ALIGN_CEIL(ks, 8),
						 ks, vb, *count);
		memset(&q, 0, sizeof(q));
		q.op = MIM_MP_LOOKUP_BATCH;
		q.id = id;
		q.ptr = elem_flags;
		q.flags = flags;
		ret = batch_stage(&q, in_batch, no_out, ks, vb, n);
		if (ret == 0)
			ret = mim_mp_cl_run(&q, &r);
		if (ret != 0)
			break;
		if (r.status == MIM_MP_DONE) {
			ret = batch_copy_out(&q, &r, out_batch, keys, values,
					     count);
			break;
		}
		if (r.status != MIM_MP_STALE) {
			ret = mim_err(EPROTO, "the primary's reply to a batch has status %u",
				      r.status);
			break;
		}
		b_id = id;
		b_ks = r.key_size;
		b_vb = r.vbuf_size;
	}
	if (i == MIM_MP_BATCH_TRIES)
		ret = mim_mp_cl_too_many();
	mim_mp_cl_leave();
	return ret;
}
