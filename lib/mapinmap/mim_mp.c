/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The secondary process's side of mim_mp.h: each forwarded call stages
 * its inputs in the bounce buffer, sends one request to the primary and
 * copies back the outputs and the reason. One process-local mutex
 * serialises the calls, as they share the buffer.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "mim_mp_private.h"

/* Seconds to wait for the primary: a first contact, then any call (a
 * retiring call may wait for a grace period there).
 */
#define MIM_MP_HELLO_TIMEOUT 2
#define MIM_MP_TIMEOUT 60

static pthread_mutex_t cl_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *cl_buf;      /* the registered bounce buffer */
static size_t cl_len;

/* Sizes of tables plain element calls met, by ID modulo the count. */
#define CL_SIZES 64
static struct {
	int id;
	uint32_t key_size, vbuf_size;
} cl_sizes[CL_SIZES];


int
mim_mp_refuse(const char *fn)
{
	return mim_err(ENOTSUP, "%s is not available in a secondary process: call it in the primary",
		       fn);
}

static int
send_req(const struct mim_mp_req *q, struct mim_mp_rep *r, int timeout)
{
	struct timespec ts = { .tv_sec = timeout, .tv_nsec = 0 };
	struct rte_mp_reply rep;
	struct rte_mp_msg m;
	int ret;

	memset(&m, 0, sizeof(m));
	memset(&rep, 0, sizeof(rep));
	snprintf(m.name, sizeof(m.name), "%s", MIM_MP_ACTION);
	m.len_param = sizeof(*q);
	memcpy(m.param, q, sizeof(*q));
	ret = rte_mp_request_sync(&m, &rep, &ts);
	if (ret != 0 || rep.nb_received != 1) {
		free(rep.msgs);
		return mim_err(ENOTCONN, "no answer from the primary process in %d s: it does not link mapinmap, or its requests wait behind a long call",
			       timeout);
	}
	if (rep.msgs[0].len_param != (int)sizeof(*r)) {
		free(rep.msgs);
		return mim_err(EPROTO, "the primary's reply has %d bytes, not %zu: not the same mapinmap",
			       rep.msgs[0].len_param, sizeof(*r));
	}
	memcpy(r, rep.msgs[0].param, sizeof(*r));
	free(rep.msgs);
	if (r->magic != MIM_MP_MAGIC)
		return mim_err(EPROTO, "the primary's reply is not a mapinmap reply");
	return 0;
}

/* Allocate a bounce buffer of at least need bytes and register it. */
int
mim_mp_cl_reserve(size_t need)
{
	struct mim_mp_req q = { .magic = MIM_MP_MAGIC, .op = MIM_MP_HELLO };
	struct mim_mp_rep r;
	size_t len = MIM_MP_BUF_MIN;
	uint8_t *b;
	int ret;

	if (cl_buf != NULL && need <= cl_len)
		return 0;
	if (need > MIM_MP_BUF_MAX)
		return mim_err(E2BIG, "the call needs %zu bytes of bounce buffer, more than MIM_MP_BUF_MAX (%u)",
			       need, MIM_MP_BUF_MAX);
	while (len < need)
		len *= 2;
	b = mim_fault() ? NULL : rte_zmalloc("mim_mp", len, RTE_CACHE_LINE_SIZE);
	if (b == NULL)
		return mim_err(ENOMEM, "cannot allocate a bounce buffer of %zu bytes in DPDK memory",
			       len);
	q.ptr = (uintptr_t)b;
	q.len = len;
	ret = send_req(&q, &r, MIM_MP_HELLO_TIMEOUT);
	if (ret == 0 && r.ret != 0) {
		ret = r.ret;
		mim_err(-ret, "the primary refused the bounce buffer (%s)",
			rte_strerror(-ret));
	}
	if (ret != 0) {
		rte_free(b);
		return ret;
	}
	rte_free(cl_buf);
	cl_buf = b;
	cl_len = len;
	return 0;
}

uint32_t
mim_mp_cl_stage(size_t *off, const void *src, size_t len)
{
	uint32_t at = (uint32_t)*off;

	if (src != NULL && len != 0)
		memcpy(cl_buf + at, src, len);
	*off += RTE_ALIGN_CEIL(len, 8);
	return at;
}

/* Send q; on DONE, the reply's reason becomes this thread's. */
int
mim_mp_cl_run(struct mim_mp_req *q, struct mim_mp_rep *r)
{
	int ret;

	q->magic = MIM_MP_MAGIC;
	ret = send_req(q, r, MIM_MP_TIMEOUT);
	if (ret != 0)
		return ret;
	if (r->status == MIM_MP_DONE && r->reason) {
		cl_buf[MIM_MP_REASON_LEN - 1] = '\0';
		mim_err_set((const char *)cl_buf);
	} else if (r->status == MIM_MP_DONE && r->ret < 0) {
		/* Refused before it was executed: no reason came with it. */
		mim_err(-r->ret, "the primary process refused the request: %s",
			r->ret == -ESHUTDOWN ? "it no longer serves secondary processes (mim_mp_uninit())" :
			r->ret == -EBUSY ? "its request queue is full" :
			rte_strerror(-r->ret));
	}
	return 0;
}

int
mim_mp_cl_retry(const struct mim_mp_rep *r, int id)
{
	if (r->status == MIM_MP_GROW)
		return mim_mp_cl_reserve(r->need);
	cl_sizes[(uint32_t)id % CL_SIZES].id = id;
	cl_sizes[(uint32_t)id % CL_SIZES].key_size = r->key_size;
	cl_sizes[(uint32_t)id % CL_SIZES].vbuf_size = r->vbuf_size;
	return 0;
}

int
mim_mp_cl_too_many(void)
{
	return mim_err(EAGAIN, "the primary's table changed under %d tries of this call",
		       MIM_MP_TRIES);
}

/* Begin a forwarded call: the mutex, and a buffer of at least need. */
int
mim_mp_cl_enter(size_t need)
{
	int ret;

	pthread_mutex_lock(&cl_mutex);
	ret = mim_mp_cl_reserve(need);
	if (ret != 0)
		pthread_mutex_unlock(&cl_mutex);
	return ret;
}

void
mim_mp_cl_leave(void)
{
	pthread_mutex_unlock(&cl_mutex);
}

uint8_t *
mim_mp_cl_buf(void)
{
	return cl_buf;
}

size_t
mim_mp_cl_len(void)
{
	return cl_len;
}

/*
 * Element calls. The _sz forms (key_sz and value_sz as given, SIZE_MAX
 * for no value) carry the caller's sizes; the plain forms carry the sizes
 * last seen for the table, which the primary checks (STALE: try again
 * with the sizes it gives).
 */
int
mim_mp_fwd_elem(uint32_t op, int id, const void *key, size_t key_sz,
		const void *value, size_t value_sz, uint64_t flags)
{
	bool sized = op >= MIM_MP_UPDATE_SZ;
	bool out = op == MIM_MP_LOOKUP || op == MIM_MP_NEXT_KEY ||
		op == MIM_MP_LOOKUP_SZ || op == MIM_MP_NEXT_KEY_SZ;
	const typeof(cl_sizes[0]) *c = &cl_sizes[(uint32_t)id % CL_SIZES];
	struct mim_mp_req q;
	struct mim_mp_rep r;
	size_t off, klen, vlen;
	int ret, i;

	ret = mim_mp_cl_enter(MIM_MP_BUF_MIN);
	if (ret != 0)
		return ret;
	for (i = 0; i < MIM_MP_TRIES; i++) {
		memset(&q, 0, sizeof(q));
		q.op = op;
		q.id = id;
		q.flags = flags;
		q.key_sz = key_sz;
		q.value_sz = value_sz;
		if (sized) {
			/* The caller's buffers are read or written only once
			 * their sizes are known to be the table's: a wrong
			 * size is refused by the primary without them.
			 */
			klen = key_sz;
			vlen = value_sz == SIZE_MAX ? 0 : value_sz;
			if (c->id != id || klen != c->key_size ||
			    (vlen != 0 && vlen != (op == MIM_MP_NEXT_KEY_SZ ?
						   c->key_size : c->vbuf_size)))
				klen = vlen = 0;
		} else {
			klen = c->id == id ? c->key_size : 0;
			vlen = c->id == id ? c->vbuf_size : 0;
			if (op == MIM_MP_NEXT_KEY)
				vlen = klen;
			if (op == MIM_MP_DELETE)
				vlen = 0;
		}
		ret = mim_mp_cl_reserve(MIM_MP_DATA + RTE_ALIGN_CEIL(klen, 8) +
				  RTE_ALIGN_CEIL(vlen, 8));
		if (ret != 0)
			break;
		off = MIM_MP_DATA;
		q.nulls = (key == NULL ? MIM_MP_NULL_KEY : 0) |
			(value == NULL ? MIM_MP_NULL_VAL : 0);
		q.key_len = key != NULL ? klen : 0;
		q.key_off = mim_mp_cl_stage(&off, key, q.key_len);
		q.val_len = value != NULL ? vlen : 0;
		q.val_off = mim_mp_cl_stage(&off, out ? NULL : value, q.val_len);
		ret = mim_mp_cl_run(&q, &r);
		if (ret != 0)
			break;
		if (r.status == MIM_MP_DONE) {
			ret = r.ret;
			if (ret == 0 && out && value != NULL)
				memcpy((void *)(uintptr_t)value,
				       cl_buf + q.val_off, q.val_len);
			break;
		}
		ret = mim_mp_cl_retry(&r, id);
		if (ret != 0)
			break;
	}
	if (i == MIM_MP_TRIES)
		ret = mim_mp_cl_too_many();
	pthread_mutex_unlock(&cl_mutex);
	return ret;
}

/* A call on an ID with no other input or output. */
int
mim_mp_fwd_id(uint32_t op, int id)
{
	struct mim_mp_req q = { .op = op, .id = id };
	struct mim_mp_rep r;
	int ret = mim_mp_cl_enter(MIM_MP_BUF_MIN);

	if (ret != 0)
		return ret;
	ret = mim_mp_cl_run(&q, &r);
	if (ret == 0)
		ret = r.ret;
	/* The last handle of this process went: so does its BTF copy. */
	if (op == MIM_MP_CLOSE && ret == 0 && r.out[0] == 0)
		mim_mp_cl_btf_drop(id);
	pthread_mutex_unlock(&cl_mutex);
	return ret;
}

int
mim_mp_fwd_find(const char *name)
{
	struct mim_mp_req q = { .op = MIM_MP_FIND };
	struct mim_mp_rep r;
	size_t off = MIM_MP_DATA;
	int ret;

	if (name == NULL || name[0] == '\0')
		return mim_err(EINVAL, "name is NULL or empty");
	ret = mim_mp_cl_enter(MIM_MP_BUF_MIN);
	if (ret != 0)
		return ret;
	q.key_len = strnlen(name, MIM_MP_NAME_MAX - 1);
	q.key_off = mim_mp_cl_stage(&off, name, q.key_len);
	ret = mim_mp_cl_run(&q, &r);
	if (ret == 0)
		ret = r.ret;
	pthread_mutex_unlock(&cl_mutex);
	return ret;
}

int
mim_mp_fwd_next_id(uint32_t start_id, uint32_t *next_id)
{
	struct mim_mp_req q = { .op = MIM_MP_NEXT_ID, .arg = start_id };
	struct mim_mp_rep r;
	int ret;

	if (next_id == NULL)
		return mim_err(EINVAL, "next_id is NULL");
	ret = mim_mp_cl_enter(MIM_MP_BUF_MIN);
	if (ret != 0)
		return ret;
	ret = mim_mp_cl_run(&q, &r);
	if (ret == 0)
		ret = r.ret;
	if (ret == 0)
		*next_id = r.out[0];
	pthread_mutex_unlock(&cl_mutex);
	return ret;
}

/*
 * A call that writes len bytes to out (info, stats): the primary writes
 * them at MIM_MP_DATA. id is the table's, or the index (QSBR_GET); out
 * NULL is sent as such, the primary refuses it as the call does.
 */
int
mim_mp_fwd_out(uint32_t op, int id, void *out, size_t len)
{
	struct mim_mp_req q = { .op = op, .id = id, .arg = (uint32_t)id };
	struct mim_mp_rep r;
	int ret = mim_mp_cl_enter(MIM_MP_DATA + len);

	if (ret != 0)
		return ret;
	q.nulls = out == NULL ? MIM_MP_NULL_VAL : 0;
	q.val_off = MIM_MP_DATA;
	q.val_len = out == NULL ? 0 : len;
	/* Stats with sz: the caller's sz and fields, as the call checks them. */
	if (out != NULL && (op == MIM_MP_MP_STATS || op == MIM_MP_LRU_STATS))
		memcpy(cl_buf + MIM_MP_DATA, out, len);
	ret = mim_mp_cl_run(&q, &r);
	if (ret == 0)
		ret = r.ret;
	if (ret >= 0 && out != NULL) {
		if (op == MIM_MP_QSBR_GET)
			*(void **)out = (void *)(uintptr_t)r.ptr;
		else
			memcpy(out, cl_buf + MIM_MP_DATA, len);
	}
	pthread_mutex_unlock(&cl_mutex);
	return ret;
}

int
mim_mp_fwd_sized(uint32_t op, int id, void *st, size_t sz)
{
	if (sz > MIM_MP_OPTS_MAX)
		return mim_err(E2BIG, "stats->sz %zu: a secondary process sends at most %u bytes",
			       sz, MIM_MP_OPTS_MAX);
	return mim_mp_fwd_out(op, id, st, sz);
}

struct mim_table *
mim_mp_fwd_table(int id)
{
	struct mim_mp_req q = { .op = MIM_MP_TABLE, .id = id };
	struct mim_mp_rep r;
	int ret = mim_mp_cl_enter(MIM_MP_BUF_MIN);

	if (ret != 0) {
		rte_errno = -ret;
		return NULL;
	}
	ret = mim_mp_cl_run(&q, &r);
	if (ret == 0)
		ret = r.ret;
	pthread_mutex_unlock(&cl_mutex);
	if (ret != 0) {
		rte_errno = -ret;
		return NULL;
	}
	return (struct mim_table *)(uintptr_t)r.ptr;
}

int
mim_mp_fwd_claim(uint32_t op, struct rte_rcu_qsbr *v, unsigned int tid)
{
	struct mim_mp_req q = { .op = op, .ptr = (uintptr_t)v, .arg = tid };
	struct mim_mp_rep r;
	int ret = mim_mp_cl_enter(MIM_MP_BUF_MIN);

	if (ret != 0)
		return ret;
	ret = mim_mp_cl_run(&q, &r);
	if (ret == 0)
		ret = r.ret;
	pthread_mutex_unlock(&cl_mutex);
	return ret;
}
