/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The control-plane target's reclamation operations: mim_rcu_configure()
 * with fuzzed options, QSBR variables attached and detached, this thread
 * as their one reader (online, quiescent, offline), and mim_reclaim().
 * The reader holds retirements back; while it is online a full defer
 * queue gives -EBUSY, which the input then meets.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "fuzz_api.h"

static const uint32_t modes[] = { MIM_RCU_MODE_DQ, MIM_RCU_MODE_SYNC, 2, UINT32_MAX };
static const uint32_t dq_sizes[] = {
	0, 1, 2, 4, 16, 64, 1024, MIM_RCU_DQ_SIZE_DEFAULT, 1U << 20, 1U << 30,
	(1U << 31) - 1, 1U << 31, UINT32_MAX,
};
static const uint32_t reclaim_limits[] = { 0, 1, 2, 32, 64, UINT32_MAX };

static bool
sync_mode(void)
{
	struct mim_rcu_stats rs;

	mim_rcu_get_stats(&rs);
	return rs.mode == MIM_RCU_MODE_SYNC;
}

void
fz_all_offline(struct fz_state *s)
{
	int i;

	for (i = 0; i < FZ_MAX_VARS; i++)
		if (s->online[i]) {
			rte_rcu_qsbr_thread_offline(s->var[i], 0);
			s->online[i] = false;
		}
}

static void
op_configure(struct fz_in *in, struct fz_state *s)
{
	struct {
		struct mim_rcu_opts o;
		uint8_t trailing[16];
	} ob;
	uint8_t b = fz_u8(in);
	int ret;

	memset(&ob, 0, sizeof(ob));
	ob.o.sz = fz_pick_sz(in, sizeof(ob.o), ob.trailing, sizeof(ob.trailing));
	ob.o.mode = (enum mim_rcu_mode)FZ_PICK(in, modes);
	ob.o.dq_size = b & 0x80 ? fz_u16(in) : FZ_PICK(in, dq_sizes);
	ob.o.reclaim_thd = b & 0x40 ? fz_u8(in) : FZ_PICK(in, reclaim_limits);
	ob.o.reclaim_max = b & 0x20 ? fz_u8(in) : FZ_PICK(in, reclaim_limits);
	ret = mim_rcu_configure(b % 8 == 0 ? NULL : &ob.o);
	FZ_TRACE("rcu_configure(%s sz %zu mode %u dq_size %u thd %u max %u) = %d %s\n",
		 b % 8 == 0 ? "NULL" : "opts", ob.o.sz, ob.o.mode, ob.o.dq_size,
		 ob.o.reclaim_thd, ob.o.reclaim_max, ret,
		 ret < 0 ? mim_last_error() : "");
	if (ret == 0 && sync_mode())
		fz_all_offline(s);
}

/* Variable i, allocated and initialised on first use. */
static struct rte_rcu_qsbr *
var_get(struct fz_in *in, struct fz_state *s, int i)
{
	uint32_t max_threads = fz_u8(in) % 4 + 1;
	struct rte_rcu_qsbr *v;

	if (s->var[i] != NULL)
		return s->var[i];
	v = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(max_threads),
			RTE_CACHE_LINE_SIZE);
	if (v == NULL || rte_rcu_qsbr_init(v, max_threads) != 0 ||
	    rte_rcu_qsbr_thread_register(v, 0) != 0) {
		fprintf(stderr, "fuzz_api: cannot make a QSBR variable\n");
		abort();
	}
	s->var[i] = v;
	return v;
}

static void
op_qsbr_add(struct fz_in *in, struct fz_state *s)
{
	uint8_t b = fz_u8(in);
	int i = b % FZ_MAX_VARS;
	struct rte_rcu_qsbr *v = b == 0xff ? NULL : var_get(in, s, i);
	int ret;

	/* In SYNC mode a reader online on an attached variable would wait
	 * for itself. */
	if (v != NULL && s->online[i] && sync_mode()) {
		rte_rcu_qsbr_thread_offline(v, 0);
		s->online[i] = false;
	}
	ret = mim_rcu_qsbr_add(v);
	FZ_TRACE("qsbr_add(var %d) = %d %s\n", v == NULL ? -1 : i, ret,
		 ret < 0 ? mim_last_error() : "");
	if (ret == 0)
		s->attached[i] = true;
}

static void
op_qsbr_remove(struct fz_in *in, struct fz_state *s)
{
	uint8_t b = fz_u8(in);
	int i = b % FZ_MAX_VARS;
	int ret = mim_rcu_qsbr_remove(b == 0xff ? NULL : s->var[i]);

	FZ_TRACE("qsbr_remove(var %d) = %d %s\n", b == 0xff ? -1 : i, ret,
		 ret < 0 ? mim_last_error() : "");
	if (ret == 0)
		s->attached[i] = false;
}

static void
op_reader(struct fz_in *in, struct fz_state *s)
{
	uint8_t b = fz_u8(in);
	int i = (b & 0xf) % FZ_MAX_VARS;   /* the high nibble says what */
	struct rte_rcu_qsbr *v = var_get(in, s, i);

	switch ((b >> 4) % 3) {
	case 0:
		if (!s->online[i] && !sync_mode()) {
			rte_rcu_qsbr_thread_online(v, 0);
			s->online[i] = true;
		}
		break;
	case 1:
		if (s->online[i])
			rte_rcu_qsbr_quiescent(v, 0);
		break;
	default:
		if (s->online[i]) {
			rte_rcu_qsbr_thread_offline(v, 0);
			s->online[i] = false;
		}
		break;
	}
}

void
fz_op_rcu(struct fz_in *in, struct fz_state *s, int which)
{
	switch (which) {
	case 0:
		op_configure(in, s);
		break;
	case 1:
		op_qsbr_add(in, s);
		break;
	case 2:
		op_qsbr_remove(in, s);
		break;
	case 3:
		op_reader(in, s);
		break;
	default:
		FZ_TRACE("reclaim() = %d\n", mim_reclaim());
		break;
	}
}
