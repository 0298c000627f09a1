/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * libFuzzer target for the control-plane API (mim.h, mim_rcu.h).
 *
 * An input is a small bytecode: each operation is one opcode byte followed
 * by its operands (fuzz_api_ops.c and fuzz_api_rcu.c decode them), at
 * most FZ_MAX_OPS of them. Operations create tables of every type with
 * fuzzed sizes, flags and options (sz, templates, BTF), update, look up,
 * delete and iterate with fuzzed keys, values and flags, take and drop
 * handles, find, describe, configure reclamation, attach and detach QSBR
 * variables (whose one reader, this thread, goes online, quiescent and
 * offline), reclaim, and compare the data-path lookups with the control
 * plane's copies.
 *
 * Table IDs are mostly taken from the handles the input holds, sometimes
 * raw. Memory stays small: at most FZ_MAX_HANDLES handles, max_entries at
 * most 4096 (plus a few values the library must refuse), and at most
 * FZ_MAX_LPM LPM tables per input.
 *
 * Every input ends by taking the reader offline, closing every handle,
 * reclaiming, detaching and freeing the QSBR variables and restoring the
 * default reclamation options; then the library must be back to its
 * baseline (no table, nothing pending, DPDK heap and memzones unchanged):
 * a leak is a crash (abort()).
 *
 * The thread never goes online while the library is in
 * MIM_RCU_MODE_SYNC: SYNC calls must not be made from a thread online on
 * an attached variable (they would wait for themselves).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <bpf/btf.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "fuzz_api.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	fz_eal_init("fuzz_api");
	return 0;
}

/* Release what readers held back: they are all offline now. */
static void
reclaim_all(void)
{
	int i;

	/* A retirement passes each attached variable's queue in turn. */
	for (i = 0; i <= FZ_MAX_VARS && mim_reclaim() > 0; i++)
		;
}

void
fz_hold(struct fz_state *s, int id)
{
	int ret;

	if (s->nh == FZ_MAX_HANDLES) {   /* no room: close it at once */
		ret = mim_close(id);
		if (ret == -EBUSY) {     /* the defer queue is full */
			fz_all_offline(s);
			reclaim_all();
			ret = mim_close(id);
		}
		if (ret != 0) {
			fprintf(stderr, "fuzz_api: closing new handle %d: %d (%s)\n",
				id, ret, mim_last_error());
			abort();
		}
		return;
	}
	s->h[s->nh++] = id;
}

void
fz_dropped(struct fz_state *s, int id)
{
	int i;

	s->last_closed = id;
	for (i = 0; i < s->nh; i++)
		if (s->h[i] == id) {
			s->h[i] = s->h[--s->nh];
			return;
		}
}

bool
fz_held(const struct fz_state *s, int id)
{
	int i;

	for (i = 0; i < s->nh; i++)
		if (s->h[i] == id)
			return true;
	return false;
}

/* sz relative to the structure's size (0x100: sz 0). */
static const int opts_sz[] = { 0, 0, 0, -4, 8, 16, 0x100 };

size_t
fz_pick_sz(struct fz_in *in, size_t size, uint8_t *trailing, size_t room)
{
	int d = FZ_PICK(in, opts_sz);

	if (d == 0x100)
		return 0;
	if (d > 0 && fz_u8(in) & 1)
		memset(trailing, 0xa5, room);
	return (size_t)((long)size + d);
}

int
fz_pick_id(struct fz_in *in, const struct fz_state *s)
{
	uint8_t b = fz_u8(in);

	if (b < 0xf0 && s->nh > 0)
		return s->h[b % s->nh];
	switch (b & 7) {
	case 0:
		return 0;
	case 1:
		return -1;
	case 2:
		return s->last_closed;
	case 3:
		return (int)MIM_ID_MAX + 1;
	case 4:
		return (int)(fz_u8(in) % 32);
	default:
		return (int)fz_u32(in);
	}
}

static void
close_all(struct fz_state *s)
{
	int id, ret;

	while (s->nh > 0) {
		id = s->h[--s->nh];
		ret = mim_close(id);
		if (ret == -EBUSY) {   /* a small defer queue is full */
			reclaim_all();
			ret = mim_close(id);
		}
		if (ret != 0) {
			fprintf(stderr, "fuzz_api: closing held handle %d: %d (%s)\n",
				id, ret, mim_last_error());
			abort();
		}
	}
}

/* Close everything, release everything, and check the baseline. */
static void
finish(struct fz_state *s)
{
	int i;

	fz_all_offline(s);
	close_all(s);
	reclaim_all();
	for (i = 0; i < FZ_MAX_VARS; i++) {
		if (s->var[i] == NULL)
			continue;
		if (s->attached[i] && mim_rcu_qsbr_remove(s->var[i]) != 0) {
			fprintf(stderr, "fuzz_api: detaching a variable with no reader online: %s\n",
				mim_last_error());
			abort();
		}
		rte_free(s->var[i]);
	}
	for (i = 0; i < FZ_MAX_BTFS; i++)
		btf__free(s->btf[i]);
	if (mim_rcu_configure(NULL) != 0) {
		fprintf(stderr, "fuzz_api: restoring the RCU defaults: %s\n",
			mim_last_error());
		abort();
	}
	fz_check_baseline("fuzz_api");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { .p = data, .left = size };
	struct fz_state s;
	int n;

	memset(&s, 0, sizeof(s));
	for (n = 0; n < FZ_MAX_OPS && in.left > 0; n++)
		fz_op(&in, &s);
	finish(&s);
	return 0;
}
