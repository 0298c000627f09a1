/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Hostile requests: a secondary (mp_child "hostile") sends the primary
 * hand-made mapinmap messages, with bad sizes, offsets and pointers; each
 * must be refused with its errno and reason, and change nothing.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include <mim.h>
#include <mim_mp.h>
#include "mim_mp_private.h"

#include "autotest.h"
#include "mp_util.h"

static uint8_t *buf;   /* the bounce buffer registered by hand */

/* Send q (len bytes of it) and return the reply's ret; *why its reason. */
static int
raw(const struct mim_mp_req *q, int len, const char **why)
{
	struct timespec ts = { .tv_sec = 10 };
	struct rte_mp_reply rep;
	struct mim_mp_rep r;
	struct rte_mp_msg m;

	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "%s", MIM_MP_ACTION);
	m.len_param = len;
	memcpy(m.param, q, len);
	if (rte_mp_request_sync(&m, &rep, &ts) != 0 || rep.nb_received != 1)
		return -9999;
	memcpy(&r, rep.msgs[0].param, sizeof(r));
	free(rep.msgs);
	*why = "";
	if (r.reason && buf != NULL) {
		buf[MIM_MP_REASON_LEN - 1] = '\0';
		*why = (const char *)buf;
	}
	return r.ret;
}

#define RAW_ERR(q, err, text) do {					\
	const char *_why;						\
	int _r = raw(&(q), sizeof(q), &_why);				\
	TEST_ASSERT_EQUAL(_r, -(err), "%s", _why);			\
	TEST_ASSERT(strstr(_why, (text)) != NULL,			\
		    "reason \"%s\" does not mention \"%s\"", _why, (text)); \
} while (0)

static struct mim_mp_req
req(uint32_t op)
{
	struct mim_mp_req q;

	memset(&q, 0, sizeof(q));
	q.magic = MIM_MP_MAGIC;
	q.op = op;
	return q;
}

/* Before and while it registers a bounce buffer. */
static int
hostile_hello(void)
{
	struct mim_mp_req q = req(MIM_MP_LOOKUP);
	uint8_t *small = rte_zmalloc("t", 4096, 64);
	uint8_t stack[64];
	const char *why;

	TEST_ASSERT_EQUAL(raw(&q, sizeof(q), &why), -ENOTCONN, "no buffer yet");
	TEST_ASSERT_EQUAL(raw(&q, 12, &why), -EPROTO, "short message");
	q.magic = 1;
	TEST_ASSERT_EQUAL(raw(&q, sizeof(q), &why), -EPROTO, "bad magic");
	q = req(MIM_MP_HELLO);
	q.ptr = (uintptr_t)stack;
	q.len = MIM_MP_BUF_MIN;
	TEST_ASSERT_EQUAL(raw(&q, sizeof(q), &why), -EFAULT, "stack buffer");
	q.ptr = (uintptr_t)small;
	q.len = 4096;
	TEST_ASSERT_EQUAL(raw(&q, sizeof(q), &why), -EINVAL, "small length");
	q.len = MIM_MP_BUF_MIN;
	TEST_ASSERT_EQUAL(raw(&q, sizeof(q), &why), -EFAULT, "past the element");
	q.len = (uint64_t)-4096;
	TEST_ASSERT_EQUAL(raw(&q, sizeof(q), &why), -EINVAL, "wrapping length");
	rte_free(small);
	/* The primary frees it when this process is gone. */
	buf = rte_zmalloc("t", MIM_MP_BUF_MIN, 64);
	TEST_ASSERT(buf != NULL, "no memory");
	q.ptr = (uintptr_t)buf;
	q.len = MIM_MP_BUF_MIN;
	TEST_ASSERT_EQUAL(raw(&q, sizeof(q), &why), 0, "a good buffer");
	return 0;
}

/* Batch lookups: spans outside the buffer, counts beyond the output. */
static int
hostile_batch(int id)
{
	struct mim_mp_req q = req(MIM_MP_LOOKUP_BATCH);

	q.id = id;
	q.key_sz = q.value_sz = 4;
	q.nulls = MIM_MP_NULL_KEY;
	q.max_entries = 4;
	q.val_off = MIM_MP_BUF_MIN - 8;
	q.val_len = 64;
	RAW_ERR(q, EINVAL, "outside its bounce buffer");
	q.val_off = MIM_MP_DATA;
	q.val_len = UINT32_MAX;
	RAW_ERR(q, EINVAL, "outside its bounce buffer");
	q.val_off = MIM_MP_DATA + 4;
	q.val_len = 64;
	RAW_ERR(q, EINVAL, "outside its bounce buffer");
	/* 2^32 - 1 elements asked for 64 bytes of output. */
	q.val_off = MIM_MP_DATA;
	q.max_entries = UINT32_MAX;
	RAW_ERR(q, EINVAL, "more elements than its output holds");
	q.max_entries = 8;   /* 8 + 32 + 32 bytes: 8 too many */
	RAW_ERR(q, EINVAL, "more elements than its output holds");
	q.max_entries = 6;   /* 8 + 24 + 24 bytes */
	q.nulls = 0;
	q.key_off = MIM_MP_DATA + 64;
	q.key_len = 2;
	RAW_ERR(q, EINVAL, "a batch cursor of the wrong size");
	q.key_off = MIM_MP_BUF_MIN;
	q.key_len = 4;
	RAW_ERR(q, EINVAL, "outside its bounce buffer");
	/* Well formed, with a bad flag: the call's own errno. */
	q.key_off = MIM_MP_DATA + 64;
	q.flags = 1;
	RAW_ERR(q, EINVAL, "reserved");
	q.flags = 0;
	memset(buf + MIM_MP_DATA + 64, 0, 4);
	/* 3 elements after index 0: key 3 is the last. */
	TEST_ASSERT_EQUAL(raw(&q, sizeof(q), &(const char *){ "" }), -ENOENT,
			  "a good request");
	return 0;
}

static int
hostile_spans(int id)
{
	struct mim_mp_req q = req(MIM_MP_LOOKUP_SZ);

	q.id = id;
	q.key_sz = q.key_len = 4;
	q.value_sz = q.val_len = 4;
	q.key_off = MIM_MP_BUF_MIN;
	q.val_off = MIM_MP_DATA;
	RAW_ERR(q, EINVAL, "outside its bounce buffer");
	q.key_off = 8;   /* over the reason */
	RAW_ERR(q, EINVAL, "outside its bounce buffer");
	q.key_off = MIM_MP_DATA;
	q.val_len = UINT32_MAX;
	RAW_ERR(q, EINVAL, "outside its bounce buffer");
	q = req(MIM_MP_LOOKUP);
	q.id = id;
	q.key_off = q.val_off = MIM_MP_DATA;
	q.key_len = q.val_len = 1;
	/* Wrong sizes for a plain call: not executed (a STALE reply). */
	TEST_ASSERT_EQUAL(raw(&q, sizeof(q), &(const char *){ "" }), 0, "stale");
	q = req(999);
	RAW_ERR(q, EINVAL, "unknown operation");
	q = req(MIM_MP_FIND);
	q.key_off = MIM_MP_DATA;
	q.key_len = 300;
	RAW_ERR(q, EINVAL, "a name outside");
	q = req(MIM_MP_CREATE);
	q.key_off = MIM_MP_DATA;
	q.key_len = 4;
	memset(buf + MIM_MP_DATA, 'x', 8);
	RAW_ERR(q, EINVAL, "not terminated");
	q.nulls = MIM_MP_NULL_NAME;
	q.opts_off = MIM_MP_DATA;
	q.opts_len = 3;
	RAW_ERR(q, EINVAL, "options of a bad size");
	/* An sz past the bytes sent: the checks would read beyond them. */
	q.opts_len = 16;
	*(size_t *)(buf + MIM_MP_DATA) = (size_t)1 << 40;
	RAW_ERR(q, EINVAL, "sz is more than the length sent");
	q.opts_len = sizeof(struct mim_create_opts);
	q.btf_off = MIM_MP_DATA;
	q.btf_len = MIM_MP_BUF_MIN;
	*(size_t *)(buf + MIM_MP_DATA) = sizeof(struct mim_create_opts);
	RAW_ERR(q, EINVAL, "BTF bytes outside");
	q = req(MIM_MP_INFO);
	q.id = id;
	q.val_off = MIM_MP_DATA;
	q.val_len = 8;
	RAW_ERR(q, EINVAL, "a bad output size");
	q = req(MIM_MP_MP_STATS);
	q.val_off = MIM_MP_DATA;
	q.val_len = 16;
	*(size_t *)(buf + MIM_MP_DATA) = 1000;
	RAW_ERR(q, EINVAL, "a bad output size");
	q = req(MIM_MP_CLAIM);
	q.ptr = 0x1234;
	RAW_ERR(q, ENOENT, "is not attached");
	q = req(MIM_MP_CLOSE);
	q.id = id;
	RAW_ERR(q, EBADF, "holds no handle");
	return hostile_batch(id);
}

/* The child: arg is the ID of a table of the primary (4-byte keys). */
int mp_child_hostile(const char *arg);

int
mp_child_hostile(const char *arg)
{
	int id = arg != NULL ? atoi(arg) : 0, ret;

	ret = hostile_hello() != 0 ? -1 : hostile_spans(id);
	/* The library's own buffer replaces the hand-made one, which is
	 * then this process's to free.
	 */
	if (mim_find("victim") == id) {
		rte_free(buf);
		buf = NULL;
	}
	return ret;
}
