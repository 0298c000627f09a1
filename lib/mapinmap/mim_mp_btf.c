/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The secondary's forwarded calls that carry BTF: mim_create() sends its
 * options' BTF objects as raw bytes, and mim_get_btf() parses the
 * primary's raw bytes into a copy this process keeps until it closes its
 * last handle on the table (mim_mp_cl_btf_drop()) or exits.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "mim_mp_private.h"

/* BTF parsed from the primary's, one per table asked about; under the
 * client mutex (mim_mp_cl_enter()).
 */
struct cl_btf {
	int id;
	struct btf *btf;
	struct cl_btf *next;
};
static struct cl_btf *cl_btfs;

void
mim_mp_cl_btf_drop(int id)
{
	struct cl_btf **pp, *b;

	for (pp = &cl_btfs; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->id == id) {
			b = *pp;
			*pp = b->next;
			btf__free(b->btf);
			free(b);
			return;
		}
}

/* The raw bytes of a secondary's BTF object, or NULL with a reason. */
static const void *
btf_raw(const struct btf *b, uint32_t *size)
{
	const void *raw = btf__raw_data(b, size);

	if (raw == NULL)
		mim_err(EINVAL, "cannot get the raw bytes of the BTF object");
	return raw;
}

/*
 * mim_create(): the options' bytes as the caller gave them, their BTF
 * objects as raw bytes, which the primary parses and puts in their place.
 */
int
mim_mp_fwd_create(enum mim_type type, const char *name, uint32_t key_size,
		  uint32_t value_size, uint32_t max_entries,
		  const struct mim_create_opts *opts)
{
	const void *raw = NULL, *iraw = NULL;
	uint32_t rsz = 0, irsz = 0;
	struct mim_mp_req q;
	struct mim_mp_rep r;
	size_t osz = 0, nlen = 0, off;
	int ret;

	if (opts != NULL) {
		osz = opts->sz;
		if (osz > MIM_MP_OPTS_MAX)
			return mim_err(E2BIG, "opts->sz %zu: a secondary process sends at most %u bytes of options",
				       osz, MIM_MP_OPTS_MAX);
		if (osz < sizeof(size_t))
			osz = sizeof(size_t);
		if (osz >= offsetof(struct mim_create_opts, btf) + sizeof(void *) &&
		    opts->btf != NULL && (raw = btf_raw(opts->btf, &rsz)) == NULL)
			return -EINVAL;
		if (osz >= offsetof(struct mim_create_opts, inner_btf) + sizeof(void *) &&
		    opts->inner_btf != NULL &&
		    (iraw = btf_raw(opts->inner_btf, &irsz)) == NULL)
			return -EINVAL;
	}
	if (name != NULL)
		nlen = strnlen(name, MIM_MP_NAME_MAX - 1) + 1;
	ret = mim_mp_cl_enter(MIM_MP_DATA + RTE_ALIGN_CEIL(nlen, 8) +
		    RTE_ALIGN_CEIL(osz, 8) + RTE_ALIGN_CEIL(rsz, 8) +
		    RTE_ALIGN_CEIL(irsz, 8));
	if (ret != 0)
		return ret;
	memset(&q, 0, sizeof(q));
	q.op = MIM_MP_CREATE;
	q.arg = (uint32_t)type;
	q.key_size = key_size;
	q.value_size = value_size;
	q.max_entries = max_entries;
	off = MIM_MP_DATA;
	q.nulls = (name == NULL ? MIM_MP_NULL_NAME : 0) |
		(opts == NULL ? MIM_MP_NULL_OPTS : 0);
	q.key_len = nlen;
	q.key_off = mim_mp_cl_stage(&off, name, nlen);
	if (nlen != 0)
		mim_mp_cl_buf()[q.key_off + nlen - 1] = '\0';
	q.opts_len = osz;
	q.opts_off = mim_mp_cl_stage(&off, NULL, osz);
	if (opts != NULL)
		memcpy(mim_mp_cl_buf() + q.opts_off, opts, osz);
	q.btf_len = rsz;
	q.btf_off = mim_mp_cl_stage(&off, raw, rsz);
	q.ibtf_len = irsz;
	q.ibtf_off = mim_mp_cl_stage(&off, iraw, irsz);
	ret = mim_mp_cl_run(&q, &r);
	if (ret == 0)
		ret = r.ret;
	mim_mp_cl_leave();
	return ret;
}

/* The cached copy of table id's BTF if its bytes are raw, else a new one. */
static int
btf_cache(int id, const void *raw, uint32_t size, const struct btf **out)
{
	struct cl_btf *b;
	const void *have;
	uint32_t hsz;

	for (b = cl_btfs; b != NULL; b = b->next)
		if (b->id == id) {
			have = btf__raw_data(b->btf, &hsz);
			if (have != NULL && hsz == size &&
			    memcmp(have, raw, size) == 0) {
				*out = b->btf;
				return 0;
			}
		}
	b = mim_calloc(1, sizeof(*b));
	if (b == NULL)
		return mim_err(ENOMEM, "cannot allocate the BTF copy of table id %d",
			       id);
	b->btf = mim_fault() ? NULL : btf__new(raw, size);
	if (b->btf == NULL) {
		free(b);
		return mim_err(ENOMEM, "cannot copy the BTF of table id %d the primary sent",
			       id);
	}
	b->id = id;
	b->next = cl_btfs;
	cl_btfs = b;
	*out = b->btf;
	return 0;
}

int
mim_mp_fwd_btf(int id, const struct btf **btf, uint32_t *key_type_id,
	       uint32_t *value_type_id)
{
	struct mim_mp_req q;
	struct mim_mp_rep r;
	int ret, i;

	if (btf == NULL)
		return mim_err(EINVAL, "btf is NULL");
	ret = mim_mp_cl_enter(MIM_MP_BUF_MIN);
	if (ret != 0)
		return ret;
	for (i = 0; i < MIM_MP_TRIES; i++) {
		memset(&q, 0, sizeof(q));
		q.op = MIM_MP_BTF;
		q.id = id;
		q.val_off = MIM_MP_DATA;
		q.val_len = mim_mp_cl_len() - MIM_MP_DATA;
		ret = mim_mp_cl_run(&q, &r);
		if (ret != 0 || r.status == MIM_MP_DONE)
			break;
		ret = mim_mp_cl_retry(&r, id);
		if (ret != 0)
			break;
	}
	if (i == MIM_MP_TRIES)
		ret = mim_mp_cl_too_many();
	else if (ret == 0)
		ret = r.ret;
	if (ret == 0) {
		*btf = NULL;
		if (r.out_len != 0)
			ret = btf_cache(id, mim_mp_cl_buf() + MIM_MP_DATA,
					r.out_len, btf);
		if (key_type_id != NULL)
			*key_type_id = r.out[1];
		if (value_type_id != NULL)
			*value_type_id = r.out[2];
	}
	mim_mp_cl_leave();
	return ret;
}

/* The BTF copies go with the process. */
RTE_FINI(mim_mp_fini)
{
	struct cl_btf *b;

	while ((b = cl_btfs) != NULL) {
		cl_btfs = b->next;
		btf__free(b->btf);
		free(b);
	}
}
