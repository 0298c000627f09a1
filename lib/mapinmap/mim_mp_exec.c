/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The primary executes a secondary's request (mim_mp_serve.c checked its
 * form and its sender): every span of the bounce buffer it names is
 * checked before use, then the public call runs as it does for the
 * primary's own threads. Handle references are recorded for the sender.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>
#include <rte_errno.h>

#include "mim_mp_private.h"

/* Stands for a buffer a call is known to refuse before it reads it. */
static uint8_t dummy[8];

static int
refuse(const char *what)
{
	mim_mp_nb_refused++;
	return mim_err(EINVAL, "refused a secondary's request: %s", what);
}

/* The span, NULL when the caller gave NULL; *bad when outside. */
static uint8_t *
arg_span(const struct mim_mp_peer *p, uint32_t null_bit,
	 const struct mim_mp_req *q, uint32_t off, uint32_t len, bool *bad)
{
	uint8_t *s;

	if (q->nulls & null_bit)
		return NULL;
	if (off < MIM_MP_DATA || off % 8 != 0) {
		*bad = true;
		return NULL;
	}
	s = mim_mp_peer_span(p, off, len);
	if (s == NULL)
		*bad = true;
	return s;
}

/*
 * A plain element call: the sizes the secondary assumed must be the
 * table's (else STALE, with them); a missing table is left to the call.
 */
static bool
sizes_stale(const struct mim_mp_req *q, const uint8_t *key,
	    const uint8_t *val, struct mim_mp_rep *r)
{
	struct mim_obj *t;
	size_t ks = 0, vb = 0, want;
	bool found;

	mim_lock();
	t = mim_registry_lookup(q->id);
	found = t != NULL;
	if (found) {
		ks = t->dp.key_size;
		vb = mim_value_buf_size(t);
	}
	mim_unlock();
	if (!found)
		return false;
	want = q->op == MIM_MP_NEXT_KEY ? ks : vb;
	if ((key != NULL && q->key_len != ks) ||
	    (val != NULL && q->op != MIM_MP_DELETE && q->val_len != want)) {
		r->status = MIM_MP_STALE;
		r->key_size = ks;
		r->vbuf_size = vb;
		return true;
	}
	return false;
}

/*
 * A sized call whose buffers were not staged (the secondary did not know
 * the table's sizes): if the sizes are the table's, STALE with them, so
 * that it stages them; else its size check refuses it without them.
 */
static bool
sized_unstaged_stale(const struct mim_mp_req *q, struct mim_mp_rep *r)
{
	size_t want_v = SIZE_MAX;
	struct mim_obj *t;
	bool stale = false;

	mim_lock();
	t = mim_registry_lookup(q->id);
	if (t != NULL) {
		if (q->value_sz != SIZE_MAX)
			want_v = q->op == MIM_MP_NEXT_KEY_SZ ? t->dp.key_size :
				mim_value_buf_size(t);
		stale = q->key_sz == t->dp.key_size && q->value_sz == want_v;
		r->key_size = t->dp.key_size;
		r->vbuf_size = mim_value_buf_size(t);
	}
	mim_unlock();
	if (stale)
		r->status = MIM_MP_STALE;
	return stale;
}

static int
exec_elem(struct mim_mp_peer *p, const struct mim_mp_req *q,
	  struct mim_mp_rep *r)
{
	bool bad = false, sized = q->op >= MIM_MP_UPDATE_SZ;
	uint8_t *key, *val;

	key = arg_span(p, MIM_MP_NULL_KEY, q, q->key_off, q->key_len, &bad);
	val = arg_span(p, MIM_MP_NULL_VAL, q, q->val_off, q->val_len, &bad);
	if (bad)
		return refuse("a key or value outside its bounce buffer");
	if (!sized && sizes_stale(q, key, val, r))
		return 0;
	if (sized && ((key != NULL && q->key_len != q->key_sz) ||
		      (val != NULL && q->value_sz != SIZE_MAX &&
		       q->val_len != q->value_sz))) {
		if (sized_unstaged_stale(q, r))
			return 0;
		key = key != NULL ? dummy : NULL;
		val = val != NULL ? dummy : NULL;
	}
	switch (q->op) {
	case MIM_MP_UPDATE:
		return mim_update_elem(q->id, key, val, q->flags);
	case MIM_MP_LOOKUP:
		return mim_lookup_elem(q->id, key, val);
	case MIM_MP_DELETE:
		return mim_delete_elem(q->id, key);
	case MIM_MP_NEXT_KEY:
		return mim_get_next_key(q->id, key, val);
	case MIM_MP_UPDATE_SZ:
		return mim_update_elem_sz(q->id, key, q->key_sz, val,
					  q->value_sz, q->flags);
	case MIM_MP_LOOKUP_SZ:
		return mim_lookup_elem_sz(q->id, key, q->key_sz, val,
					  q->value_sz);
	case MIM_MP_DELETE_SZ:
		return mim_delete_elem_sz(q->id, key, q->key_sz);
	default:
		return mim_get_next_key_sz(q->id, key, val, q->key_sz);
	}
}

/*
 * A batch lookup: the cursor, then the output (new cursor, keys, values)
 * at val_off; the sizes the secondary assumed must be the table's (else
 * STALE, with them), and the output must hold the count asked.
 */
static int
exec_batch(struct mim_mp_peer *p, const struct mim_mp_req *q,
	   struct mim_mp_rep *r)
{
	uint64_t ks = 0, vb = 0, kpart, need;
	uint32_t done = 0, wrote = 0;
	bool bad = false, found;
	uint8_t *in, *out;
	struct mim_obj *t;
	int ret;

	in = arg_span(p, MIM_MP_NULL_KEY, q, q->key_off, q->key_len, &bad);
	out = arg_span(p, MIM_MP_NULL_VAL, q, q->val_off, q->val_len, &bad);
	if (bad)
		return refuse("a batch cursor or output outside its bounce buffer");
	mim_lock();
	t = mim_registry_lookup(q->id);
	found = t != NULL;
	if (found) {
		ks = t->dp.key_size;
		vb = mim_value_buf_size(t);
	}
	mim_unlock();
	if (found && (q->key_sz != ks || q->value_sz != vb)) {
		r->status = MIM_MP_STALE;
		r->key_size = ks;
		r->vbuf_size = vb;
		return 0;
	}
	kpart = RTE_ALIGN_CEIL((uint64_t)q->max_entries * ks, 8);
	need = RTE_ALIGN_CEIL(ks, 8) + kpart + (uint64_t)q->max_entries * vb;
	if ((in != NULL && q->key_len != ks) ||
	    (out != NULL && need > q->val_len))
		return refuse("a batch cursor of the wrong size, or more elements than its output holds");
	mim_err_enter("mim_lookup_batch");
	ret = mim_batch_run(q->id, in, out,
			    out != NULL ? out + RTE_ALIGN_CEIL(ks, 8) : NULL,
			    out != NULL ? out + RTE_ALIGN_CEIL(ks, 8) + kpart :
			    NULL, q->max_entries, &done, &wrote, q->ptr,
			    q->flags);
	r->out[0] = done;
	r->out[1] = wrote;
	return ret;
}

/* Record a new handle for the sender; undo the call if it cannot be. */
static int
handle_taken(struct mim_mp_peer *p, int id)
{
	int ret;

	if (id <= 0)
		return id;
	ret = mim_mp_peer_handle_add(p, id);
	if (ret == 0)
		return id;
	mim_close(id);
	return mim_err(ENOMEM, "cannot record the handle of process %d",
		       mim_mp_peer_pid(p));
}

/* A BTF object from the sender's raw bytes in place of *field. */
static int
opts_btf(const struct mim_mp_peer *p, uint32_t off, uint32_t len,
	 const struct btf **field, struct btf **made)
{
	const uint8_t *raw;

	if (len == 0) {
		if (*field != NULL)
			*field = NULL;
		return 0;
	}
	raw = off >= MIM_MP_DATA ? mim_mp_peer_span(p, off, len) : NULL;
	if (raw == NULL)
		return refuse("BTF bytes outside its bounce buffer");
	if (mim_fault())
		return mim_err(ENOMEM, "cannot allocate the BTF a secondary process sent (%u bytes)",
			       len);
	*made = btf__new(raw, len);
	if (*made == NULL)
		return mim_err(EINVAL, "cannot parse the BTF a secondary process sent (%u bytes)",
			       len);
	*field = *made;
	return 0;
}

static int
exec_create(struct mim_mp_peer *p, const struct mim_mp_req *q)
{
	union {
		struct mim_create_opts o;
		uint8_t b[MIM_MP_OPTS_MAX];
	} u;
	struct btf *btf = NULL, *ibtf = NULL;
	const uint8_t *name = NULL, *src;
	bool bad = false;
	int ret;

	if (!(q->nulls & MIM_MP_NULL_NAME)) {
		name = arg_span(p, 0, q, q->key_off, q->key_len, &bad);
		if (bad || q->key_len == 0 || name[q->key_len - 1] != '\0')
			return refuse("a name outside its bounce buffer or not terminated");
	}
	memset(&u, 0, sizeof(u));
	if (!(q->nulls & MIM_MP_NULL_OPTS)) {
		if (q->opts_len < sizeof(size_t) || q->opts_len > sizeof(u))
			return refuse("options of a bad size");
		src = arg_span(p, 0, q, q->opts_off, q->opts_len, &bad);
		if (bad)
			return refuse("options outside its bounce buffer");
		memcpy(u.b, src, q->opts_len);
		/* The checks read sz bytes: no more than were sent. A
		 * secondary sends sz bytes, or sizeof(size_t) for a smaller
		 * sz, which the checks refuse with the primary's reason.
		 */
		if (u.o.sz > q->opts_len)
			return refuse("options whose sz is more than the length sent");
		/* Pointers of the sender mean nothing here. */
		if (q->opts_len >= offsetof(struct mim_create_opts, btf) + sizeof(void *))
			u.o.btf = NULL;
		if (q->opts_len >= offsetof(struct mim_create_opts, inner_btf) + sizeof(void *))
			u.o.inner_btf = NULL;
		ret = opts_btf(p, q->btf_off, q->btf_len, &u.o.btf, &btf);
		if (ret == 0)
			ret = opts_btf(p, q->ibtf_off, q->ibtf_len,
				       &u.o.inner_btf, &ibtf);
		if (ret != 0) {
			btf__free(btf);
			return ret;
		}
	}
	ret = mim_create(q->arg, (const char *)name, q->key_size,
			 q->value_size, q->max_entries,
			 (q->nulls & MIM_MP_NULL_OPTS) ? NULL : &u.o);
	btf__free(btf);
	btf__free(ibtf);
	return handle_taken(p, ret);
}

static int
exec_close(struct mim_mp_peer *p, const struct mim_mp_req *q,
	   struct mim_mp_rep *r)
{
	int ret;

	if (mim_mp_peer_handles(p, q->id) == 0) {
		mim_lock();
		ret = mim_registry_lookup(q->id) != NULL;
		mim_unlock();
		if (ret)
			return mim_err(EBADF, "process %d holds no handle on table id %d",
				       mim_mp_peer_pid(p), q->id);
	}
	ret = mim_close(q->id);
	if (ret == 0)
		mim_mp_peer_handle_del(p, q->id);
	r->out[0] = mim_mp_peer_handles(p, q->id);
	return ret;
}

static int
exec_btf(struct mim_mp_peer *p, const struct mim_mp_req *q,
	 struct mim_mp_rep *r)
{
	const struct btf *b = NULL;
	const void *raw;
	uint32_t size = 0;
	uint8_t *out;
	int ret;

	ret = mim_get_btf(q->id, &b, &r->out[1], &r->out[2]);
	if (ret != 0 || b == NULL)
		return ret;
	raw = btf__raw_data(b, &size);
	if (raw == NULL)
		return mim_err(ENOMEM, "cannot get the raw bytes of table id %d's BTF",
			       q->id);
	if (MIM_MP_DATA + (uint64_t)size > mim_mp_peer_buf_len(p)) {
		r->status = MIM_MP_GROW;
		r->need = MIM_MP_DATA + (uint64_t)size;
		return 0;
	}
	out = mim_mp_peer_span(p, MIM_MP_DATA, size);
	memcpy(out, raw, size);
	r->out_len = size;
	return 0;
}

static int
exec_table(const struct mim_mp_req *q, struct mim_mp_rep *r)
{
	struct mim_table *t = mim_table(q->id);

	if (t == NULL)
		return -rte_errno;
	if (t->type == MIM_TYPE_RTE_HASH || t->inner_type == MIM_TYPE_RTE_HASH)
		return mim_err(ENOTSUP, "table id %d is or holds an adopted rte_hash, whose lookups call its hash function through a pointer of the primary: no data-path handle in a secondary process",
			       q->id);
	r->ptr = (uintptr_t)t;
	return 0;
}

/* An output structure that starts with its sz: sz is the length sent. */
static bool
sized_out_ok(const uint8_t *out, uint32_t len)
{
	size_t sz;

	if (out == NULL)
		return true;
	if (len < sizeof(sz))
		return false;
	memcpy(&sz, out, sizeof(sz));
	return sz == len;
}

/* A call that writes a structure of len bytes at MIM_MP_DATA. */
static int
exec_out(struct mim_mp_peer *p, const struct mim_mp_req *q,
	 struct mim_mp_rep *r)
{
	bool bad = false;
	uint8_t *out = arg_span(p, MIM_MP_NULL_VAL, q, q->val_off, q->val_len,
				&bad);
	struct rte_rcu_qsbr *v = NULL;
	int ret;

	if (bad)
		return refuse("an output outside its bounce buffer");
	switch (q->op) {
	case MIM_MP_INFO:
		if (out != NULL && q->val_len != sizeof(struct mim_table_info))
			return refuse("a bad output size");
		return mim_get_info(q->id, (struct mim_table_info *)out);
	case MIM_MP_STATS:
		if (out != NULL && q->val_len != sizeof(struct mim_stats))
			return refuse("a bad output size");
		return mim_get_stats((struct mim_stats *)out);
	case MIM_MP_RCU_STATS:
		if (out != NULL && q->val_len != sizeof(struct mim_rcu_stats))
			return refuse("a bad output size");
		return mim_rcu_get_stats((struct mim_rcu_stats *)out);
	case MIM_MP_MP_STATS:
		if (!sized_out_ok(out, q->val_len))
			return refuse("a bad output size");
		return mim_mp_get_stats((struct mim_mp_stats *)out);
	case MIM_MP_LRU_STATS:
		if (!sized_out_ok(out, q->val_len))
			return refuse("a bad output size");
		return mim_get_lru_stats(q->id, (struct mim_lru_stats *)out);
	default:
		ret = mim_mp_rcu_qsbr_get(q->arg, out != NULL ? &v : NULL);
		r->ptr = (uintptr_t)v;
		return ret;
	}
}

int
mim_mp_execute(struct mim_mp_peer *p, const struct mim_mp_req *q,
	       struct mim_mp_rep *r)
{
	char name[MIM_MP_NAME_MAX];
	const uint8_t *s;
	int ret;

	switch (q->op) {
	case MIM_MP_HELLO:
		ret = mim_mp_peer_hello(p, q->ptr, q->len);
		if (ret != 0) {
			mim_mp_nb_refused++;
			MIM_LOG(WARNING, "refused the bounce buffer %#" PRIx64 " (%" PRIu64 " bytes) of process %d: %s",
				q->ptr, q->len, mim_mp_peer_pid(p),
				rte_strerror(-ret));
		}
		return ret;
	case MIM_MP_CREATE:
		return exec_create(p, q);
	case MIM_MP_UPDATE ... MIM_MP_NEXT_KEY_SZ:
		return exec_elem(p, q, r);
	case MIM_MP_GET_BY_ID:
		return handle_taken(p, mim_get_by_id(q->id));
	case MIM_MP_CLOSE:
		return exec_close(p, q, r);
	case MIM_MP_FIND:
		s = q->key_off >= MIM_MP_DATA && q->key_len < sizeof(name) ?
			mim_mp_peer_span(p, q->key_off, q->key_len) : NULL;
		if (s == NULL)
			return refuse("a name outside its bounce buffer");
		memcpy(name, s, q->key_len);
		name[q->key_len] = '\0';
		return mim_find(name);
	case MIM_MP_NEXT_ID:
		return mim_get_next_id(q->arg, &r->out[0]);
	case MIM_MP_BTF:
		return exec_btf(p, q, r);
	case MIM_MP_TABLE:
		return exec_table(q, r);
	case MIM_MP_RECLAIM:
		return mim_reclaim();
	case MIM_MP_CLAIM:
		return mim_mp_peer_claim(p, (struct rte_rcu_qsbr *)(uintptr_t)q->ptr,
					 q->arg);
	case MIM_MP_UNCLAIM:
		return mim_mp_peer_unclaim(p, (struct rte_rcu_qsbr *)(uintptr_t)q->ptr,
					   q->arg);
	case MIM_MP_INFO:
	case MIM_MP_STATS:
	case MIM_MP_RCU_STATS:
	case MIM_MP_MP_STATS:
	case MIM_MP_LRU_STATS:
	case MIM_MP_QSBR_GET:
		return exec_out(p, q, r);
	case MIM_MP_LOOKUP_BATCH:
		return exec_batch(p, q, r);
	default:
		return refuse("an unknown operation");
	}
}
