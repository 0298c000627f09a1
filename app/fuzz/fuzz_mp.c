/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * libFuzzer target: the primary's side of the multi-process protocol. A
 * secondary process is another program; what it sends (the request in
 * the rte_mp message and the bytes of its bounce buffer) is hostile. Each
 * input is one request and the buffer's contents, executed by
 * mim_mp_execute() for a registered peer (this process, standing in for
 * a secondary) on a fresh set of tables.
 *
 * Input: struct mim_mp_req (op and table ID folded onto the known ones;
 * the rest as given), then the bounce buffer's bytes from MIM_MP_DATA.
 * Beyond the sanitizers, a failure is: a refused request without a
 * reason, a status outside enum mim_mp_status, a growth request past
 * MIM_MP_BUF_MAX, and anything left behind once the input's tables and
 * the handles the peer took are closed.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include <mim.h>
#include <mim_mp.h>

#include "fuzz_common.h"
#include "mim_mp_private.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUF_LEN MIM_MP_BUF_MIN
#define MAX_IDS 64

static struct mim_mp_peer *peer;
static uint8_t *buf;

/* Every operation but HELLO (which would move the buffer elsewhere). */
static const uint32_t ops[] = {
	MIM_MP_CREATE, MIM_MP_UPDATE, MIM_MP_LOOKUP, MIM_MP_DELETE,
	MIM_MP_NEXT_KEY, MIM_MP_UPDATE_SZ, MIM_MP_LOOKUP_SZ,
	MIM_MP_DELETE_SZ, MIM_MP_NEXT_KEY_SZ, MIM_MP_GET_BY_ID,
	MIM_MP_CLOSE, MIM_MP_FIND, MIM_MP_NEXT_ID, MIM_MP_INFO, MIM_MP_BTF,
	MIM_MP_TABLE, MIM_MP_STATS, MIM_MP_RCU_STATS, MIM_MP_RECLAIM,
	MIM_MP_QSBR_GET, MIM_MP_CLAIM, MIM_MP_UNCLAIM, MIM_MP_MP_STATS,
	MIM_MP_LRU_STATS, MIM_MP_LOOKUP_BATCH, MIM_MP_OP_MAX, 0,
};

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	char name[128];
	int ret;

	fz_eal_init("fuzz_mp");
	snprintf(name, sizeof(name), "/var/run/dpdk/fuzz_mp/mp_socket_%d_1",
		 (int)getpid());
	peer = mim_mp_peer_get(name, true);
	buf = rte_zmalloc("fuzz_mp", BUF_LEN, RTE_CACHE_LINE_SIZE);
	if (peer == NULL || buf == NULL) {
		fprintf(stderr, "fuzz_mp: no peer or bounce buffer\n");
		exit(1);
	}
	ret = mim_mp_peer_hello(peer, (uintptr_t)buf, BUF_LEN);
	if (ret != 0) {
		fprintf(stderr, "fuzz_mp: the bounce buffer is refused: %d\n", ret);
		exit(1);
	}
	/* The peer's buffer is the baseline from now on. */
	fz_rebase();
	return 0;
}

/* The tables a request may name; 0 when one cannot be made. */
static int
tables_make(int *ids)
{
	MIM_OPTS(mim_create_opts, o);
	struct mim_lpm_key lk = { .prefixlen = 8, .addr = 0x0a };
	uint32_t k = 1, v = 2;
	uint64_t v8 = 3;
	int n = 0, tmpl;

	ids[n++] = mim_create(MIM_TYPE_ARRAY, "fz_array", 4, 8, 16, NULL);
	ids[n++] = mim_create(MIM_TYPE_HASH, "fz_hash", 4, 4, 16, NULL);
	ids[n++] = mim_create(MIM_TYPE_LPM, "fz_lpm", 8, 4, 16, NULL);
	ids[n++] = mim_create(MIM_TYPE_LRU_HASH, "fz_lru", 4, 4, 4, NULL);
	ids[n++] = mim_create(MIM_TYPE_PERCPU_HASH, "fz_pch", 4, 4, 4, NULL);
	tmpl = mim_create(MIM_TYPE_HASH, "fz_inner", 4, 4, 4, NULL);
	o.inner_id = (mim_id_t)tmpl;
	ids[n++] = tmpl;
	ids[n++] = mim_create(MIM_TYPE_ARRAY_OF_TABLES, "fz_outer", 4, 4, 4,
			      &o);
	while (n-- > 0)
		if (ids[n] < 0)
			return 0;
	if (mim_update_elem(ids[0], &k, &v8, MIM_ANY) != 0 ||
	    mim_update_elem(ids[1], &k, &v, MIM_ANY) != 0 ||
	    mim_update_elem(ids[2], &lk, &v, MIM_ANY) != 0 ||
	    mim_update_elem(ids[6], &k, &tmpl, MIM_ANY) != 0)
		return 0;
	return 7;
}

/* Close the handles the peer took, then the input's own tables. */
static void
tables_close(const int *mine, int nb_mine)
{
	uint32_t id = 0, next, n = 0;
	int all[MAX_IDS], i;

	while (n < MAX_IDS && mim_get_next_id(id, &next) == 0) {
		all[n++] = (int)next;
		id = next;
	}
	for (i = 0; i < (int)n; i++)
		while (mim_mp_peer_handles(peer, all[i]) != 0) {
			mim_mp_peer_handle_del(peer, all[i]);
			if (mim_close(all[i]) != 0)
				abort();
		}
	for (i = 0; i < nb_mine; i++)
		if (mine[i] >= 0)
			mim_close(mine[i]);
	mim_reclaim();
}

static void
check_reply(const struct mim_mp_req *q, const struct mim_mp_rep *r,
	    int ret)
{
	if (r->status > MIM_MP_GROW) {
		fprintf(stderr, "fuzz_mp: op %u: status %u\n", q->op, r->status);
		abort();
	}
	if (r->status == MIM_MP_GROW && r->need > MIM_MP_BUF_MAX + (uint64_t)MIM_MP_DATA) {
		fprintf(stderr, "fuzz_mp: op %u: grow to %" PRIu64 " bytes\n",
			q->op, r->need);
		abort();
	}
	if (r->status == MIM_MP_DONE && ret < 0 && mim_last_error()[0] == '\0') {
		fprintf(stderr, "fuzz_mp: op %u refused (%d) without a reason\n",
			q->op, ret);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { .p = data, .left = size };
	struct mim_mp_rep r;
	struct mim_mp_req q;
	int ids[MAX_IDS];
	int nb, ret;

	fz_bytes(&in, &q, sizeof(q));
	q.magic = MIM_MP_MAGIC;
	q.op = ops[q.op % RTE_DIM(ops)];
	/* Mostly a table of the input's; a raw ID when the top bit says. */
	memset(ids, 0xff, sizeof(ids));
	nb = tables_make(ids);
	if (nb == 0) {
		fprintf(stderr, "fuzz_mp: cannot make the tables: %s\n",
			mim_last_error());
		abort();
	}
	if (q.id >= 0)
		q.id = ids[(uint32_t)q.id % (uint32_t)nb];
	/* Creations stay small: the work of a big table is mim_create()'s,
	 * which fuzz_api covers.
	 */
	if (q.op == MIM_MP_CREATE) {
		q.key_size %= 300;
		q.value_size %= 300;
		q.max_entries %= 1100;
	}
	memset(buf, 0, BUF_LEN);
	fz_bytes(&in, buf + MIM_MP_DATA, RTE_MIN(in.left, (size_t)(BUF_LEN - MIM_MP_DATA)));
	memset(&r, 0, sizeof(r));
	/* As the server runs it, but without the peers' lock, which only
	 * the server's thread may hold while a request runs (with
	 * --no-shconf there is no such thread).
	 */
	mim_err_clear();
	ret = mim_mp_execute(peer, &q, &r);
	check_reply(&q, &r, ret);
	FZ_TRACE("op %u id %d: %d %s\n", q.op, q.id, ret, mim_last_error());
	tables_close(ids, nb);
	fz_check_baseline("fuzz_mp");
	return 0;
}
