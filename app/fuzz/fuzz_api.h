/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* The control-plane target's state and its operations (fuzz_api_ops.c). */

#ifndef FUZZ_API_H
#define FUZZ_API_H

#include <stdbool.h>

#include <mim.h>

#include "fuzz_common.h"

#define FZ_MAX_OPS 64       /* operations per input */
#define FZ_MAX_HANDLES 16   /* table handles held at once */
#define FZ_MAX_BTFS 4       /* BTF objects to give to mim_create() */
/* QSBR variables: one more than can be attached, to reach -ENOSPC. */
#define FZ_MAX_VARS (MIM_RCU_MAX_VARS + 1)
#define FZ_MAX_LPM 2        /* LPM tables created per input */

struct btf;
struct rte_rcu_qsbr;

struct fz_state {
	int h[FZ_MAX_HANDLES];   /* handles held, one entry each */
	int nh;
	int last_closed;         /* an ID that was dropped: it may be stale */
	int nb_lpm;              /* LPM creations attempted */
	struct btf *btf[FZ_MAX_BTFS];
	/* Variables; this thread is their reader, thread id 0. */
	struct rte_rcu_qsbr *var[FZ_MAX_VARS];
	bool attached[FZ_MAX_VARS];
	bool online[FZ_MAX_VARS];
};

/* An element call's table, key and value, sized as the table says. */
struct fz_elem {
	int id;
	bool known;                  /* info describes the table */
	struct mim_table_info info;
	uint32_t ks, vs;
	uint8_t *key, *val;          /* malloc'd: ASan sees overreads */
};

/*
 * mim_update_elem_sz() (which 0), mim_lookup_elem_sz() (1),
 * mim_delete_elem_sz() (2) or mim_get_next_key_sz() (3) on e, with
 * buffers of the sizes given to the call (the table's, or one byte off).
 */
int fz_elem_sized(struct fz_in *in, const struct fz_elem *e, int which,
		  uint64_t flags);

/* Decode and run one operation. */
void fz_op(struct fz_in *in, struct fz_state *s);

/* A table ID: mostly a held handle, sometimes 0, stale or raw. */
int fz_pick_id(struct fz_in *in, const struct fz_state *s);
/* Record a new handle (closed at once if FZ_MAX_HANDLES are held). */
void fz_hold(struct fz_state *s, int id);
/* A handle of @p id was closed. */
void fz_dropped(struct fz_state *s, int id);
bool fz_held(const struct fz_state *s, int id);

/* sz of an options structure as MIM_OPTS() sets it, or off by some
 * bytes; the room bytes after the structure are zero or not. */
size_t fz_pick_sz(struct fz_in *in, size_t size, uint8_t *trailing,
		  size_t room);

/* mim_rcu_configure, qsbr_add, qsbr_remove, the reader, mim_reclaim. */
void fz_op_rcu(struct fz_in *in, struct fz_state *s, int which);
/* Data-path lookups, single and bulk, checked against the control plane. */
void fz_op_datapath(struct fz_in *in, struct fz_state *s);
/* Take the reader offline on every variable. */
void fz_all_offline(struct fz_state *s);

/* A BTF of at most a dozen types added with btf__add_*(), or NULL. */
struct btf *fz_btf_build(struct fz_in *in);
/* btf__new() on up to 1 KiB of raw input bytes; NULL if libbpf refuses. */
struct btf *fz_btf_raw(struct fz_in *in);
/* A copy of @p src with one byte changed; NULL if libbpf refuses it. */
struct btf *fz_btf_mutant(struct fz_in *in, const struct btf *src);

#endif /* FUZZ_API_H */
