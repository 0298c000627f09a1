/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_MP_PRIVATE_H
#define MIM_MP_PRIVATE_H

/*
 * The multi-process protocol (mim_mp.h): a secondary's request and the
 * primary's reply, each the parameter of one rte_mp message, and the
 * interfaces between mim_mp.c (the secondary's side), mim_mp_serve.c
 * (the primary's) and mim_mp_peer.c (the primary's record of its
 * secondaries). Unlike the rest of the library, these functions take the
 * library mutex themselves where they need it.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_eal.h>
#include <rte_rcu_qsbr.h>

#include "mim_mp.h"
#include "mim_private.h"

#define MIM_MP_ACTION "mim_mp"
#define MIM_MP_MAGIC 0x6d696d70U
/* The bounce buffer's first bytes hold the reason of a failed call. */
#define MIM_MP_REASON_LEN 512
#define MIM_MP_DATA MIM_MP_REASON_LEN
#define MIM_MP_BUF_MIN (64U << 10)
/* Options of more than this many bytes are refused in a secondary. */
#define MIM_MP_OPTS_MAX 4096
/* Longest name copied (longer ones are refused as too long anyway). */
#define MIM_MP_NAME_MAX 256

enum mim_mp_op {
	MIM_MP_HELLO = 1,   /* register the bounce buffer (ptr, len) */
	MIM_MP_CREATE,
	MIM_MP_UPDATE,
	MIM_MP_LOOKUP,
	MIM_MP_DELETE,
	MIM_MP_NEXT_KEY,
	MIM_MP_UPDATE_SZ,
	MIM_MP_LOOKUP_SZ,
	MIM_MP_DELETE_SZ,
	MIM_MP_NEXT_KEY_SZ,
	MIM_MP_GET_BY_ID,
	MIM_MP_CLOSE,
	MIM_MP_FIND,
	MIM_MP_NEXT_ID,
	MIM_MP_INFO,
	MIM_MP_BTF,
	MIM_MP_TABLE,
	MIM_MP_STATS,
	MIM_MP_RCU_STATS,
	MIM_MP_RECLAIM,
	MIM_MP_QSBR_GET,
	MIM_MP_CLAIM,
	MIM_MP_UNCLAIM,
	MIM_MP_MP_STATS,
	MIM_MP_LRU_STATS,
	MIM_MP_LOOKUP_BATCH,  /* ptr: elem_flags; max_entries: count */
	MIM_MP_OP_MAX,
};

/* Buffers the caller passed as NULL (they have no bytes in the buffer). */
#define MIM_MP_NULL_KEY (1U << 0)
#define MIM_MP_NULL_VAL (1U << 1)
#define MIM_MP_NULL_NAME (1U << 2)
#define MIM_MP_NULL_OPTS (1U << 3)

/*
 * A request. Offsets are from the start of the sender's registered bounce
 * buffer (at least MIM_MP_DATA); the primary checks that each span lies
 * in it before it reads or writes.
 */
struct mim_mp_req {
	uint32_t magic;
	uint32_t op;          /* enum mim_mp_op */
	int32_t id;
	uint32_t arg;         /* start ID, index, thread ID or table type */
	uint64_t flags;       /* update flags */
	uint64_t ptr;         /* HELLO: buffer; CLAIM: QSBR variable */
	uint64_t len;         /* HELLO: buffer length */
	uint64_t key_sz;      /* _sz forms: the caller's sizes */
	uint64_t value_sz;
	uint32_t nulls;       /* MIM_MP_NULL_* */
	uint32_t key_off, key_len;   /* key, or name */
	uint32_t val_off, val_len;   /* value, next key or output */
	uint32_t key_size, value_size, max_entries;   /* CREATE */
	uint32_t opts_off, opts_len;
	uint32_t btf_off, btf_len;   /* CREATE: opts->btf, raw */
	uint32_t ibtf_off, ibtf_len; /* CREATE: opts->inner_btf, raw */
};

/* What the primary did with a request. */
enum mim_mp_status {
	MIM_MP_DONE = 0,   /* executed: ret, reason */
	MIM_MP_STALE,      /* element call with the wrong sizes: sizes given */
	MIM_MP_GROW,       /* the output needs a bounce buffer of need bytes */
};

struct mim_mp_rep {
	uint32_t magic;
	uint32_t status;      /* enum mim_mp_status */
	int32_t ret;
	uint32_t reason;      /* 1: a reason is at the buffer's start */
	uint32_t key_size;    /* STALE: the table's key size */
	uint32_t vbuf_size;   /* STALE: its value buffer size */
	uint64_t need;        /* GROW */
	uint64_t ptr;         /* TABLE, QSBR_GET */
	uint32_t out_len;     /* BTF: raw bytes written at val_off */
	uint32_t out[3];      /* NEXT_ID: ID; BTF: key and value type IDs;
			       * CLOSE: handles this process has left
			       */
};

_Static_assert(sizeof(struct mim_mp_req) <= RTE_MP_MAX_PARAM_LEN,
	       "a request must fit in one rte_mp message");
_Static_assert(sizeof(struct mim_mp_rep) <= RTE_MP_MAX_PARAM_LEN,
	       "a reply must fit in one rte_mp message");

/* ---- both sides ---------------------------------------------------------- */

static inline bool
mim_mp_secondary(void)
{
	return unlikely(rte_eal_process_type() == RTE_PROC_SECONDARY);
}

/* Set the thread's reason to text without logging it (a reply's). */
void mim_err_set(const char *text);
/* Clear the thread's reason (the primary, before it executes a request). */
void mim_err_clear(void);

/*
 * mim_elem_sz.c: the size of a value buffer of t, as mim_lookup_elem()
 * fills it (PERCPU types: every lcore's copy, each rounded up to 8).
 */
size_t mim_value_buf_size(const struct mim_obj *t);
/* What mim_batch_run() wrote besides the elements. */
#define MIM_BATCH_WROTE_COUNT (1U << 0)
#define MIM_BATCH_WROTE_CURSOR (1U << 1)
/*
 * mim_lookup_batch() after its argument checks, in the primary: up to max
 * elements; *done how many were copied, *wrote MIM_BATCH_WROTE_* (count:
 * *done is to be the caller's *count). Takes the library mutex.
 */
int mim_batch_run(int id, const void *in_batch, void *out_batch, void *keys,
		  void *values, uint32_t max, uint32_t *done, uint32_t *wrote,
		  uint64_t elem_flags, uint64_t flags);

/* ---- secondary (mim_mp.c) -------------------------------------------- */

int mim_mp_refuse(const char *fn);
int mim_mp_fwd_create(enum mim_type type, const char *name,
		      uint32_t key_size, uint32_t value_size,
		      uint32_t max_entries, const struct mim_create_opts *opts);
int mim_mp_fwd_elem(uint32_t op, int id, const void *key, size_t key_sz,
		    const void *value, size_t value_sz, uint64_t flags);
int mim_mp_fwd_id(uint32_t op, int id);
int mim_mp_fwd_find(const char *name);
int mim_mp_fwd_next_id(uint32_t start_id, uint32_t *next_id);
int mim_mp_fwd_out(uint32_t op, int id, void *out, size_t len);
/* mim_mp_fwd_out() of stats whose sz is their length (-E2BIG past
 * MIM_MP_OPTS_MAX).
 */
int mim_mp_fwd_sized(uint32_t op, int id, void *st, size_t sz);
int mim_mp_fwd_btf(int id, const struct btf **btf, uint32_t *key_type_id,
		   uint32_t *value_type_id);
struct mim_table *mim_mp_fwd_table(int id);
int mim_mp_fwd_claim(uint32_t op, struct rte_rcu_qsbr *v, unsigned int tid);
int mim_mp_fwd_batch(int id, const void *in_batch, void *out_batch,
		     void *keys, void *values, uint32_t *count,
		     uint64_t elem_flags, uint64_t flags);
/* For the forwarding files (mim_mp.c, mim_mp_btf.c, mim_mp_batch.c):
 * begin a call (the client mutex, a buffer of at least need bytes), end
 * it, grow the buffer, send a request (its reason becomes the thread's),
 * the bounce buffer and its length, stage len bytes of src at *off
 * (8-byte aligned; advances *off), prepare the next try after a GROW or
 * STALE reply (0 to retry), the error of a call that kept finding the
 * table changed, and drop the BTF copy of table id (its last handle
 * here went).
 */
#define MIM_MP_TRIES 4
int mim_mp_cl_enter(size_t need);
void mim_mp_cl_leave(void);
int mim_mp_cl_reserve(size_t need);
int mim_mp_cl_run(struct mim_mp_req *q, struct mim_mp_rep *r);
uint8_t *mim_mp_cl_buf(void);
size_t mim_mp_cl_len(void);
uint32_t mim_mp_cl_stage(size_t *off, const void *src, size_t len);
int mim_mp_cl_retry(const struct mim_mp_rep *r, int id);
int mim_mp_cl_too_many(void);
void mim_mp_cl_btf_drop(int id);

/* ---- primary (mim_mp_serve.c, mim_mp_exec.c, mim_mp_peer.c) ----------- */

struct mim_mp_peer;

/* Register the action once the EAL is up (called by mim_lock()). */
void mim_mp_serve_lazy(void);
/* Is the calling thread the server's (which holds the peers' lock)? */
bool mim_mp_in_server(void);
int mim_mp_execute(struct mim_mp_peer *p, const struct mim_mp_req *q,
		   struct mim_mp_rep *r);

/* The peer of this IPC name (creating it for HELLO), or NULL. */
struct mim_mp_peer *mim_mp_peer_get(const char *name, bool create);
/* Record the peer's bounce buffer: 0 or a negative errno with a reason. */
int mim_mp_peer_hello(struct mim_mp_peer *p, uint64_t ptr, uint64_t len);
/* The span [off, off + len) of p's buffer, or NULL if outside it. */
uint8_t *mim_mp_peer_span(const struct mim_mp_peer *p, uint64_t off,
			  uint64_t len);
uint64_t mim_mp_peer_buf_len(const struct mim_mp_peer *p);
int mim_mp_peer_pid(const struct mim_mp_peer *p);
/* Handles held for p: add one, drop one, count on id. */
int mim_mp_peer_handle_add(struct mim_mp_peer *p, int id);
void mim_mp_peer_handle_del(struct mim_mp_peer *p, int id);
uint32_t mim_mp_peer_handles(const struct mim_mp_peer *p, int id);
int mim_mp_peer_claim(struct mim_mp_peer *p, struct rte_rcu_qsbr *v,
		      unsigned int tid);
int mim_mp_peer_unclaim(struct mim_mp_peer *p, struct rte_rcu_qsbr *v,
			unsigned int tid);
/* Release what dead peers hold; the number found dead. Peers lock held. */
int mim_mp_peers_reap(void);
/* The peers' lock: held by the server around a request. */
void mim_mp_peers_lock(void);
void mim_mp_peers_unlock(void);
void mim_mp_peer_counts(struct mim_mp_stats *st);
extern uint64_t mim_mp_nb_requests, mim_mp_nb_refused;

/* The primary's RCU state (mim_rcu.c), under the library mutex. */
struct rte_rcu_qsbr *mim_rcu_var(uint32_t idx);
bool mim_rcu_attached(const struct rte_rcu_qsbr *v);

#endif /* MIM_MP_PRIVATE_H */
