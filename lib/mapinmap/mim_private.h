/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_PRIVATE_H
#define MIM_PRIVATE_H

/*
 * Private to the mapinmap library: the table object, the per-type ops
 * table, and the interfaces between the library's files.
 *
 * Locking: every function declared here expects the library mutex
 * (mim_lock()) to be held, unless it says otherwise. That mutex serialises
 * the whole control plane; the data path (mim_datapath.h) never takes it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_log.h>

#include "mim.h"

struct rte_rcu_qsbr;

extern int mim_logtype;

#define MIM_LOG(level, fmt, ...)					\
	rte_log(RTE_LOG_ ## level, mim_logtype, "MIM: " fmt "\n",	\
		##__VA_ARGS__)

/* BPF_F_LOCK: an update flag the kernel rejects first on maps without a
 * spin lock, which no table has.
 */
#define MIM_BPF_F_LOCK 4

/* ---- errors (mim_error.c) --------------------------------------------- */

/*
 * Record why the current call fails (mim_last_error()), log it at INFO with
 * the name of the public function, and return -err.
 */
int mim_err(int err, const char *fmt, ...) __rte_format_printf(2, 3);

/* Name the public function running in this thread, for mim_err()'s log. */
void mim_err_enter(const char *op);

/* ---- the template: a copy of a table's shape (mim_meta.c) ------------- */

struct mim_btf;

struct mim_meta {
	uint32_t type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	/* ARRAY: as the kernel's struct bpf_array, for the verifier-like
	 * checks a template needs.
	 */
	uint32_t index_mask;
	uint32_t elem_size;
	/* Key and value types (0: none), in a reference-counted BTF copy
	 * (the kernel's meta takes a btf reference the same way).
	 */
	struct mim_btf *btf;
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
};

/* ---- the table object ------------------------------------------------- */

struct mim_obj {
	/* Data-path view; first, so a struct mim_table * converts back. */
	struct mim_table dp;

	uint32_t id;          /* 0 once the last reference is gone */
	uint32_t refcnt;      /* handles + outer slots; control plane only */
	uint32_t handles;     /* handle references (mim_create/get_by_id) */
	uint32_t nb_entries;
	int socket_id;
	uint32_t memzones;
	uint64_t mem_bytes;   /* heap bytes of the backing objects */
	uint64_t serial;      /* process-unique: names the DPDK objects */
	struct mim_meta meta; /* this table's shape */

	/* Outer tables: the template (bpf_map_meta_alloc's copy), kept by
	 * value so that it outlives the table it was copied from.
	 */
	struct mim_meta tmpl;
	uint32_t tmpl_src_id;

	char name[MIM_NAMESIZE];
	struct mim_obj *name_next;  /* registry name chain */
	struct mim_obj *name_older; /* older holder of the same name */
	struct mim_obj *dead_next;  /* tables released by the same retirement */

	uint64_t nb_updates;
	uint64_t nb_deletes;
	uint64_t nb_replacements;
};

static inline struct mim_obj *
mim_obj_of(const struct mim_table *t)
{
	return container_of(t, struct mim_obj, dp);
}

/* ---- per-type operations (one const table per type, as bpf_map_ops) --- */

struct mim_retire;

/* Creation arguments after option parsing. */
struct mim_attr {
	enum mim_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	int socket_id;
	uint32_t inner_id;
	uint32_t lpm_tbl8_groups;
	const struct btf *btf;
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	bool name_shared;
};

struct mim_table_ops {
	/* Size of the type's object, which embeds struct mim_obj first. */
	size_t obj_size;
	/* Values are inner tables. */
	bool is_outer;

	/* Creation: validate (kernel order, nothing allocated), then
	 * allocate the backing store of a zeroed table whose base fields
	 * are set. free() releases what alloc() made; called after a grace
	 * period, or on a table that was never published.
	 */
	int (*alloc_check)(const struct mim_attr *attr);
	int (*alloc)(struct mim_obj *t, const struct mim_attr *attr);
	void (*free)(struct mim_obj *t);

	/* Control-plane element operations (the public API's semantics). */
	int (*lookup_elem)(struct mim_obj *t, const void *key, void *value);
	int (*update_elem)(struct mim_obj *t, const void *key,
			   const void *value, uint64_t flags);
	int (*delete_elem)(struct mim_obj *t, const void *key);
	int (*get_next_key)(struct mim_obj *t, const void *key,
			    void *next_key);

	/* The members from here on may be NULL; every ops table spells
	 * its NULL members, each with the reason.
	 */

	/* The whole template check of the type (bpf_map_ops'
	 * map_meta_equal): mim_meta_equal() first, then what the type adds.
	 * NULL: the type cannot serve as a template (nor be an inner table).
	 * Returns 0, or -EINVAL with the difference written to why.
	 */
	int (*meta_equal)(const struct mim_meta *tmpl,
			  const struct mim_meta *m, char *why, size_t len);

	/* Release what a retirement with this table as owner holds (a key
	 * slot, a value object or slot). Called after a grace period.
	 */
	void (*release)(struct mim_obj *t, const struct mim_retire *r);

	/* Outer tables, when the table loses its last reference: drop the
	 * reference every slot holds, chaining tables that die on *dead.
	 * Slots keep their pointers: readers may still be walking them.
	 */
	void (*drop_slots)(struct mim_obj *t, struct mim_obj **dead);

	/* Heap bytes of the table now (entries included); NULL: mem_bytes. */
	uint64_t (*mem_bytes)(const struct mim_obj *t);
};

/* Defined in each type's file (mim_array.c, mim_hash.c, mim_lpm.c). */
#define MIM_TYPE(id, name, ops, bpf) extern const struct mim_table_ops ops;
#include "mim_types.h"
#undef MIM_TYPE

/* ---- the table types (mim_types.c) ------------------------------------ */

/* The ops of a type, or NULL: the type is not valid. */
const struct mim_table_ops *mim_ops(uint32_t type);

/* ---- registry: IDs, names, the library mutex (mim_registry.c) --------- */

void mim_lock(void);
/* Release the mutex, then free up to MIM_FREE_STEP_BYTES of deferred
 * blocks (mim_free_drain()).
 */
void mim_unlock(void);
/* Take the mutex if it is free: true, else false at once. */
bool mim_trylock(void);
/* Tests: whether the mutex is free (it is taken and released at once). */
bool mim_lock_free(void);

/*
 * Give t an ID and its name (may be ""). -EEXIST (the name is held and not
 * shared), -ENOSPC, -ENOMEM. A shared name's holders are chained, newest
 * first: t becomes the one the name finds.
 */
int mim_registry_add(struct mim_obj *t, const char *name, bool shared);
/* 0 if name (may be NULL) is a valid table name, else -EINVAL and a reason. */
int mim_name_check(const char *name);
/* Remove t's ID and name: they stop resolving (a shared name resolves to
 * its next newest holder).
 */
void mim_registry_del(struct mim_obj *t);
/* Live table with this ID, or NULL. */
struct mim_obj *mim_registry_lookup(int64_t id);
/* The newest live holder of a name, or NULL; its older holders follow
 * through name_older.
 */
struct mim_obj *mim_registry_find(const char *name);
int mim_registry_next_id(uint32_t start_id, uint32_t *next_id);
uint32_t mim_registry_count(void);
/* Tests: allocate IDs in [1, max] (0: MIM_ID_MAX); returns the old max. */
uint32_t mim_registry_set_id_max(uint32_t max);
/* Call fn on every live table, in ID order; stops at a non-zero return. */
int mim_registry_foreach(int (*fn)(struct mim_obj *t, void *arg), void *arg);
/* Name of a table for messages: "'name' (id N)" or "(id N)". */
const char *mim_obj_desc(const struct mim_obj *t, char *buf, size_t len);

/* ---- lifetime (mim_lifetime.c) ---------------------------------------- */

void mim_obj_get(struct mim_obj *t);
/* Whether dropping one reference would release t. */
bool mim_obj_last_ref(const struct mim_obj *t);
/*
 * Drop one reference. At zero the table dies: its ID and name go, an outer
 * table drops its slots' references, and t (with any table that died with
 * it) is chained on *dead for the caller to retire.
 */
void mim_obj_put(struct mim_obj *t, struct mim_obj **dead);
/* Heap bytes of a table now; of a chain of dead tables. */
uint64_t mim_obj_mem_bytes(const struct mim_obj *t);
uint64_t mim_obj_chain_bytes(const struct mim_obj *dead);
/* Free a chain of dead tables (after a grace period). */
void mim_obj_destroy_chain(struct mim_obj *dead);
/* Free a table that was never published (creation failed). */
void mim_obj_destroy(struct mim_obj *t);
/* Release one retirement now (after its grace period). */
void mim_retire_release(const struct mim_retire *r);
/* For mim_get_stats(): tables dead but not destroyed yet; destroyed. */
void mim_obj_counters(uint32_t *nb_dying, uint64_t *nb_destroyed);

/* ---- map in map: template and inner references (mim_meta.c) ----------- */

/* bpf_map_meta_alloc: copy the template of outer t from table inner_id. */
int mim_meta_init(struct mim_obj *outer, uint32_t inner_id);
/*
 * The described template of opts (inner_type and the fields after it) as
 * the attributes of an inner table's creation; desc->type 0: none. -EINVAL
 * with a reason if it is given with inner_id, to a type ops that is not
 * outer, or partly without inner_type. Checks nothing else.
 */
int mim_meta_desc(const struct mim_create_opts *opts,
		  const struct mim_table_ops *ops, const struct mim_attr *attr,
		  struct mim_attr *desc);
/*
 * bpf_map_meta_alloc from a description: check desc as creating that
 * table would (nothing is allocated but a copy of its BTF) and make it
 * outer's template, with no source table.
 */
int mim_meta_init_desc(struct mim_obj *outer, const struct mim_attr *desc);
/* BTF types of attr against its sizes, as map_check_btf() (mim_core.c). */
int mim_attr_btf_check(const struct mim_table_ops *ops,
		       const struct mim_attr *attr);
/* The same check with the ops given explicitly (for tests). */
int mim_meta_init_ops(struct mim_obj *outer, const struct mim_obj *inner,
		      const struct mim_table_ops *inner_ops);
/*
 * bpf_map_meta_equal: type, sizes, flags, BTF types. 0, or -EINVAL with the
 * first difference written to why. Every meta_equal hook calls it first.
 */
int mim_meta_equal(const struct mim_meta *tmpl, const struct mim_meta *m,
		   char *why, size_t len);
/*
 * bpf_map_fd_get_ptr, check half: resolve the u32 table ID held in value
 * and check it against outer's template. Takes no reference: the caller
 * takes it with mim_obj_get() once nothing can fail any more.
 */
int mim_inner_resolve(struct mim_obj *outer, const void *value,
		      struct mim_obj **inner);
/* bpf_map_fd_sys_lookup_elem: the inner table's ID, written as a u32. */
void mim_inner_sys_lookup(const struct mim_obj *inner, void *value);
/* Fill the public description of a template. */
void mim_meta_info(const struct mim_meta *m, struct mim_meta_info *info);

/* Drop the references a meta holds (its BTF copy). */
void mim_meta_release(struct mim_meta *m);

/* ---- BTF types (mim_btf.c) -------------------------------------------- */

/* A shared copy of src, reference taken: 0, or -ENOMEM with a reason. */
int mim_btf_share(const struct btf *src, struct mim_btf **out);
void mim_btf_get(struct mim_btf *b);
void mim_btf_put(struct mim_btf *b);
const struct btf *mim_btf_of(const struct mim_btf *b);
/* Type id exists and is size bytes: 0, or -EINVAL with a reason. */
int mim_btf_check_type(const struct btf *btf, uint32_t id, uint32_t size,
		       const char *what);
/* Same layout (kind, size, member names, offsets, types, recursively):
 * 0, or -EINVAL with the first difference written to why.
 */
int mim_btf_type_equal(const struct mim_btf *inner, uint32_t iid,
		       const struct mim_btf *tmpl, uint32_t tid,
		       const char *what, char *why, size_t len);

/* ---- deferred release (mim_rcu.c) ------------------------------------- */

/*
 * One retirement: everything a single control-plane call unpublishes. At
 * most one per call, so that one reserved defer queue entry suffices.
 */
struct mim_retire {
	struct mim_obj *owner;  /* ops(owner)->release(owner, this), or NULL */
	void *obj;              /* owner's value object, or NULL */
	struct mim_obj *dead;   /* chain for mim_obj_destroy_chain(), or NULL */
	uint64_t bytes;         /* heap bytes of obj or pos (dead's are added) */
	uint32_t pos;           /* owner's slot, or MIM_RETIRE_NO_POS */
	uint32_t reserved;
};

#define MIM_RETIRE_NO_POS UINT32_MAX

/* Make room for one retirement: 0, or -EBUSY (queue full, reason set),
 * or -EDEADLK as mim_rcu_sync_check().
 */
int mim_rcu_reserve(void);
/* SYNC mode: -EDEADLK (reason set) if the caller would wait for itself. */
int mim_rcu_sync_check(void);
/* Retire, after a successful mim_rcu_reserve() in the same locked call. */
void mim_rcu_retire(const struct mim_retire *r);
/* Start fetching what a retirement will touch (nothing changes). */
void mim_rcu_prefetch(void);
/* Reclaim a little when the backlog is above the threshold. */
void mim_rcu_maybe_reclaim(void);
/* Reclaim everything readers have let go; returns the releases made. */
uint32_t mim_rcu_reclaim_all(void);
/* Retirements waiting for readers. */
uint32_t mim_rcu_pending(void);
/* Whether retirements wait in defer queues (DQ mode, a variable attached):
 * then a reclamation never waits for readers.
 */
bool mim_rcu_deferred(void);

/* ---- value slots of hash tables (mim_valpool.c) ----------------------- */

/* Take / drop a reference on the pool of values of this size and socket. */
int mim_valpool_get(uint32_t size, int socket_id);
void mim_valpool_put(uint32_t size, int socket_id);
/* A value object of the size (a reference must be held), or NULL. */
void *mim_valpool_alloc(uint32_t size, int socket_id);
void mim_valpool_free(void *obj);
/* Bytes one value of this size takes in its pool. */
uint32_t mim_valpool_obj_bytes(uint32_t size);
void mim_valpool_stats(uint32_t *nb_pools, uint64_t *bytes);

/* ---- hash table types (mim_hash.c) ------------------------------------ */

/* Tests: keys a HASH or HASH_OF_TABLES table moved between buckets. */
uint64_t mim_hash_nb_moves(const struct mim_obj *t);

/* ---- the library's hash table, writer side (mim_cuckoo.c) ------------- */

/*
 * Writer-only state of a hash table (the buckets are in t->dp). With
 * concurrent writers (locks set, MIM_F_DP_WRITE), reserved[], nb_reserved
 * and nb_moves are accessed atomically (relaxed: counts and flags that
 * order nothing else; a slot's state is read under its bucket's lock).
 */
struct mim_cuckoo {
	uint8_t *reserved;     /* per slot: deleted, unusable until released */
	uint32_t nb_slots;
	uint32_t nb_reserved;
	uint64_t nb_moves;     /* keys moved to their other bucket */
	uint32_t *locks;       /* a lock word per bucket, or NULL: one writer */
	uint32_t move_lock;    /* concurrent writers: one key mover at a time */
};

/* A key hashed once: its two buckets, and what its slot holds. */
struct mim_hkey {
	const void *key;
	uint64_t tag;
	uint32_t b[2];         /* bucket indexes, the first one first */
};

/* Buckets for max_entries keys at most half full: 0, or -ENOMEM. */
int mim_cuckoo_init(struct mim_obj *t, struct mim_cuckoo *h,
		    uint32_t max_entries);
void mim_cuckoo_fini(struct mim_obj *t, struct mim_cuckoo *h);
/* Slot position of key, or -1. */
int32_t mim_cuckoo_find(const struct mim_obj *t, const void *key);
/* The value pointer of an occupied slot. */
void *mim_cuckoo_value(const struct mim_obj *t, uint32_t pos);
/* Insert an absent key with value v (published last): its position, or
 * -ENOSPC when neither bucket can be freed by moving keys.
 */
int32_t mim_cuckoo_insert(struct mim_obj *t, struct mim_cuckoo *h,
			  const void *key, void *v);
/* Publish a new value for the key at pos. */
void mim_cuckoo_set(struct mim_obj *t, uint32_t pos, void *v);
/* Unpublish the key at pos; its slot stays reserved until released. */
void mim_cuckoo_remove(struct mim_obj *t, struct mim_cuckoo *h, uint32_t pos);
void mim_cuckoo_release(struct mim_cuckoo *h, uint32_t pos);
/* The first occupied slot after pos (-1: from the start), or -1. */
int32_t mim_cuckoo_next(const struct mim_obj *t, const struct mim_cuckoo *h,
			int32_t pos);
/* The key of an occupied slot, key_size bytes. */
void mim_cuckoo_key(const struct mim_obj *t, uint32_t pos, void *key);

/*
 * Concurrent writers (mim_dp_write.c): callable without the library mutex
 * on a table whose locks were made by mim_cuckoo_locks_init(), from any
 * thread, as long as the table is not freed meanwhile (the caller is a
 * reader, or holds the mutex).
 */
int mim_cuckoo_locks_init(struct mim_obj *t, struct mim_cuckoo *h);
void mim_cuckoo_hkey(const struct mim_obj *t, const void *key,
		     struct mim_hkey *k);
/* Take (release) both bucket locks of k, in index order (no deadlock). */
void mim_cuckoo_lock(struct mim_cuckoo *h, const struct mim_hkey *k);
void mim_cuckoo_unlock(struct mim_cuckoo *h, const struct mim_hkey *k);
/* Under k's locks: the slot holding k, or -1. */
int32_t mim_cuckoo_find_locked(const struct mim_obj *t,
			       const struct mim_hkey *k);
/* Under k's locks: publish absent k in a free slot of its buckets; the
 * position, or -1 when both are full.
 */
int32_t mim_cuckoo_place(struct mim_obj *t, struct mim_cuckoo *h,
			 const struct mim_hkey *k, void *v);
/* Not under any lock: move keys (one mover at a time) until a bucket of k
 * has a free slot. 0 (the slot may be taken again before the caller locks)
 * or -ENOSPC.
 */
int mim_cuckoo_make_room_mt(struct mim_obj *t, struct mim_cuckoo *h,
			    const struct mim_hkey *k);

/* ---- data-path writes in MIM_F_DP_WRITE hash tables (mim_dp_write.c) -- */

struct mim_dpw;

/* The concurrent writers' state of a HASH table, or NULL. Any thread. */
struct mim_dpw *mim_hash_dpw(struct mim_obj *t);
/* Bucket locks and object rings for nb_objs objects of the store. */
int mim_dpw_init(struct mim_obj *t, struct mim_cuckoo *h, uint8_t *store,
		 uint32_t nb_objs, uint32_t obj_bytes, struct mim_dpw **out);
void mim_dpw_fini(struct mim_dpw *w);
/* Any thread: a value object is free again (no reader can reach it). */
void mim_dpw_obj_put(struct mim_dpw *w, void *obj);
/* Any thread (the mutex need not be held): mim_dp_update() and
 * mim_dp_delete() after their argument checks.
 */
int mim_dpw_update(struct mim_dpw *w, const void *key, const void *value,
		   uint64_t flags);
int mim_dpw_delete(struct mim_dpw *w, const void *key);
/* mim_dp_update_bulk() after its argument checks. */
int mim_dpw_update_bulk(struct mim_dpw *w, const void *const keys[],
			const void *const values[], unsigned int n,
			uint64_t flags, int results[]);
/* The control plane's calls on a MIM_F_DP_WRITE table (the mutex held):
 * as a reader's, then drain.
 */
int mim_dpw_cp_lookup(struct mim_obj *t, const void *key, void *value);
int mim_dpw_cp_update(struct mim_dpw *w, const void *key, const void *value,
		      uint64_t flags);
int mim_dpw_cp_delete(struct mim_dpw *w, const void *key);
/* Move every live table's data-path retirements to the defer queue (one
 * load when there are none).
 */
void mim_dpw_drain_all(void);

/* ---- LPM tables (mim_lpm.c, mim_lpm_build.c, mim_lpm_vals.c) ---------- */

/* Control-plane address arithmetic: an IPv4 or IPv6 address, low bits. */
__extension__ typedef unsigned __int128 mim_u128;

/* Value slots of an LPM table: deduplicated values, reference counted. */
struct mim_lpm_vals {
	void *blk;          /* the allocation t->dp.lpm_values points into */
	uint32_t *refs;     /* cap: routes per slot; then cap: free stack */
	uint32_t *hidx;     /* value index: 1 + slot, or 0 (linear probing) */
	uint32_t cap;       /* slots allocated */
	uint32_t limit;     /* slots at most */
	uint32_t nb_fresh;  /* slots ever handed out: [0, nb_fresh) */
	uint32_t nb_free;   /* released slots on the free stack */
	uint32_t nb_used;   /* slots in the value index */
	uint32_t hcap;      /* value index entries (a power of two), or 0 */
	uint32_t seed;
};

/* What an update prepared for its value: allocated, nothing published. */
struct mim_lpm_vals_txn {
	uint32_t slot;
	bool is_new;        /* slot is taken at commit, its value written */
	void *blk;          /* grown slot array (and refs, hidx), or NULL */
	uint32_t *refs;
	uint32_t cap;
	uint32_t *hidx;
	uint32_t hcap;
};

/* A route as the writer keeps it: address words (most significant first),
 * then plen << 24 | value slot.
 */
#define MIM_LPM_REC_WORDS_MAX 5

/* The writer's side of an LPM table. */
struct mim_lpm_obj {
	struct mim_obj base;
	struct mim_lpm_vals vals;
	uint32_t *top;       /* routes shorter than the index bits, sorted */
	uint32_t nb_top;
	uint32_t top_cap;
	uint32_t width;      /* address bits: 32 or 128 */
	uint32_t rec_words;  /* u32 words of a route: 2 or 5 */
	uint64_t bytes;      /* heap bytes of the live blocks */
	uint64_t bytes_init; /* of them, measured with the table's creation */
	struct mim_lpm_pool *pool;  /* range arrays of a 16-bit index */
};

enum mim_lpm_op { MIM_LPM_ADD, MIM_LPM_SET, MIM_LPM_DEL };

/* One route change and what it needs, prepared before it is published. */
struct mim_lpm_txn {
	enum mim_lpm_op op;
	uint32_t rec[MIM_LPM_REC_WORDS_MAX];   /* the route as it will be */
	struct mim_lpm_vals_txn v;
	struct mim_lpm_root *root;   /* new direct index (rebuild), or NULL */
	bool chunk_new;              /* chunk replaces block's range array */
	struct mim_lpm_chunk *chunk; /* (NULL: the block has no route left) */
	uint32_t block;
	uint32_t *top;               /* new array of short routes, or NULL */
	uint32_t top_cap;
	uint32_t nb_top;             /* (rebuild: routes in it) */
	void *dead;                  /* blocks retired by the call */
	uint64_t dead_bytes;
};

/* A route's fields. */
static inline mim_u128
mim_lpm_rec_addr(const struct mim_lpm_obj *l, const uint32_t *r)
{
	if (l->rec_words == 2)
		return r[0];
	return (mim_u128)r[0] << 96 | (mim_u128)r[1] << 64 |
		(mim_u128)r[2] << 32 | r[3];
}

static inline uint32_t
mim_lpm_rec_plen(const struct mim_lpm_obj *l, const uint32_t *r)
{
	return r[l->rec_words - 1] >> 24;
}

static inline uint32_t
mim_lpm_rec_slot(const struct mim_lpm_obj *l, const uint32_t *r)
{
	return r[l->rec_words - 1] & 0xffffff;
}

static inline void
mim_lpm_rec_make(const struct mim_lpm_obj *l, uint32_t *r, mim_u128 addr,
		 uint32_t plen, uint32_t slot)
{
	uint32_t i;

	for (i = 0; i + 1 < l->rec_words; i++)
		r[i] = (uint32_t)(addr >> (32 * (l->rec_words - 2 - i)));
	r[l->rec_words - 1] = plen << 24 | slot;
}

/* The address bits of a prefix length (width bits, low-aligned). */
static inline mim_u128
mim_lpm_mask(const struct mim_lpm_obj *l, uint32_t plen)
{
	if (plen == 0)
		return 0;
	return (~(mim_u128)0 << (128 - plen)) >> (128 - l->width);
}

/* Heap bytes rte_malloc takes for a block of size bytes (estimate). */
uint64_t mim_lpm_blk_bytes(size_t size);
/* Allocate a zeroed block (counted in l->bytes); free one; chain one to
 * the transaction's retired blocks (each block starts with its chain link).
 */
void *mim_lpm_zmalloc(struct mim_lpm_obj *l, size_t size);
void mim_lpm_free(struct mim_lpm_obj *l, void *blk, size_t size);
void mim_lpm_retire_blk(struct mim_lpm_obj *l, struct mim_lpm_txn *x,
			void *blk, size_t size);
size_t mim_lpm_chunk_size(const struct mim_lpm_obj *l,
			  const struct mim_lpm_chunk *c);
size_t mim_lpm_root_size(uint32_t kbits);

/* The pool of range arrays (mim_lpm_pool.c): blocks up to 4 KiB. */
struct mim_lpm_pool;
/* Bytes a pool block of size takes, 0 if too large for the pool. */
size_t mim_lpm_pool_block(size_t size);
struct mim_lpm_chunk *mim_lpm_pool_alloc(struct mim_lpm_obj *l, size_t size);
void mim_lpm_pool_free(struct mim_lpm_obj *l, struct mim_lpm_chunk *b,
		       size_t size);
void mim_lpm_pool_fini(struct mim_lpm_obj *l);
/* Publish c as block b's array (replacing one or none); hint included. */
void mim_lpm_publish(struct mim_lpm_root *root, uint32_t b,
		     struct mim_lpm_chunk *c);
/* After retiring pool block old: move arrays out of its slab if sparse. */
void mim_lpm_pool_compact(struct mim_lpm_obj *l, struct mim_lpm_txn *x,
			  struct mim_lpm_chunk *old);
/* An array in use to move out of b's slab, if that slab is sparse. */
struct mim_lpm_chunk *mim_lpm_pool_sparse(const struct mim_lpm_obj *l,
					  const struct mim_lpm_chunk *b,
					  const struct mim_lpm_root *root);

/* Range arrays (mim_lpm_range.c). */
/* The routes of range array c of block b, as the writer keeps them
 * (rec_words words each): in the array, or decoded into a scratch buffer
 * (valid until the next call) from an array's short routes.
 */
const uint32_t *mim_lpm_chunk_routes(const struct mim_lpm_obj *l,
				     const struct mim_lpm_chunk *c,
				     uint32_t b);
/* The block of addr in an index of kbits. */
uint32_t mim_lpm_block(const struct mim_lpm_obj *l, uint32_t kbits,
		       mim_u128 addr);
/* Scratch for n routes' ranges and words u32 of route lists: 0, -ENOMEM. */
int mim_lpm_scratch_reserve(uint32_t nb_routes, size_t nb_words);
uint32_t *mim_lpm_scratch_recs(void);
/* The range array of n sorted routes of one block (NULL if n is 0),
 * from the pool if pooled and small enough.
 */
int mim_lpm_chunk_make(struct mim_lpm_obj *l, uint32_t kbits,
		       const uint32_t *recs, uint32_t n, bool pooled,
		       struct mim_lpm_chunk **out);
void mim_lpm_chunk_free(struct mim_lpm_obj *l, struct mim_lpm_chunk *c);
/* The mim_lpm_dir::hint of array c (0: none). */
uint32_t mim_lpm_chunk_hint(const struct mim_lpm_chunk *c);
void mim_lpm_retire_chunk(struct mim_lpm_obj *l, struct mim_lpm_txn *x,
			  struct mim_lpm_chunk *c);
/* After a grace period: free a chain of retired blocks. */
void mim_lpm_release_chain(struct mim_lpm_obj *l, void *chain);
/* Set the covering routes of the blocks in [lo, hi] from the n sorted
 * short routes inside it, outer where none of them applies.
 */
void mim_lpm_dflt_region(const struct mim_lpm_obj *l,
			 struct mim_lpm_root *root, const uint32_t *recs,
			 uint32_t n, mim_u128 lo, mim_u128 hi, uint32_t outer);

/* Value slots (mim_lpm_vals.c). */
void mim_lpm_vals_init(struct mim_lpm_obj *l, uint32_t limit);
void mim_lpm_vals_fini(struct mim_lpm_obj *l);
uint8_t *mim_lpm_val(const struct mim_lpm_obj *l, uint32_t slot);
/* The slot for value: 0, -ENOMEM or -EBUSY (reason set). */
int mim_lpm_vals_prepare(struct mim_lpm_obj *l, const void *value,
			 struct mim_lpm_vals_txn *v);
void mim_lpm_vals_abort(struct mim_lpm_obj *l, struct mim_lpm_vals_txn *v);
/* Take the slot, write its value, publish a grown array. */
void mim_lpm_vals_commit(struct mim_lpm_obj *l, const void *value,
			 struct mim_lpm_txn *x);
void mim_lpm_vals_ref(struct mim_lpm_obj *l, uint32_t slot);
/* Drop one route's use; true if no route uses the slot any more (the
 * value is no longer shared; the slot is reused after a grace period).
 */
bool mim_lpm_vals_unref(struct mim_lpm_obj *l, uint32_t slot);
void mim_lpm_vals_release(struct mim_lpm_obj *l, uint32_t slot);

/* Routes and ranges (mim_lpm_build.c). */
int mim_lpm_index_init(struct mim_lpm_obj *l);
void mim_lpm_index_fini(struct mim_lpm_obj *l);
/* The route's slot, or -1. */
int64_t mim_lpm_find(const struct mim_lpm_obj *l, mim_u128 addr,
		     uint32_t plen);
/* Prepare x (op, rec set): 0 or -ENOMEM; nothing changes visibly. */
int mim_lpm_prepare(struct mim_lpm_obj *l, struct mim_lpm_txn *x);
void mim_lpm_abort(struct mim_lpm_obj *l, struct mim_lpm_txn *x);
void mim_lpm_commit(struct mim_lpm_obj *l, struct mim_lpm_txn *x);
/* Route after (addr, plen) in iteration order (first: addr NULL). */
int mim_lpm_next(const struct mim_lpm_obj *l, const mim_u128 *addr,
		 uint32_t plen, mim_u128 *next, uint32_t *next_plen);

/* ---- memory, with fault injection in test builds (mim_mem.c) ---------- */

void *mim_zmalloc(size_t size, int socket_id);
/*
 * rte_free(), poisoning the whole block first in poison builds; while
 * deferral is on, a block of MIM_FREE_DEFER_MIN bytes or more goes on the
 * deferred-free list instead, for mim_free_drain().
 */
void mim_free(void *p);
#define MIM_FREE_DEFER_MIN (64U << 10)
/* Bytes a control-plane call frees, at most, after releasing the mutex
 * (at least one block when some are deferred).
 */
#define MIM_FREE_STEP_BYTES (1U << 20)
/* Defer large frees (on while released tables are destroyed). */
void mim_free_defer(bool on);
/* Heap bytes on the deferred-free list. Any thread, no mutex needed. */
uint64_t mim_free_pending(void);
/*
 * Free deferred blocks in order, one per step, while the next one fits in
 * what is left of budget bytes (the first one always); returns the bytes
 * freed. Call it without the library mutex; any thread.
 */
uint64_t mim_free_drain(uint64_t budget);
/* Deferred-free counters (tests, benchmark). */
struct mim_free_stats {
	uint64_t deferred_bytes;  /* put on the list since start */
	uint64_t freed_bytes;     /* freed from it since start */
	uint64_t steps;           /* blocks freed from it */
	uint64_t max_step_bytes;  /* the largest of them */
};
extern struct mim_free_stats mim_free_stats;
/* Tests: called before each deferred block is freed, with its size. */
extern void (*mim_free_step_hook)(size_t len);
/* Poison builds (-Dpoison=true): fill released memory with this byte. */
#define MIM_POISON_BYTE 0x6b
void mim_poison(void *p, size_t len);
void *mim_calloc(size_t nmemb, size_t size);   /* process-local memory */
/* true: this allocation point must fail (fault-injection builds only). */
bool mim_fault(void);
/* Fault-injection builds: stall here as tests asked; else nothing. */
void mim_fault_stall(void);
/* DPDK heap bytes allocated, all sockets. */
uint64_t mim_heap_allocated(void);
/* Memzones in use. */
uint32_t mim_memzone_count(void);
/* A process-unique serial number for DPDK object names. */
uint64_t mim_serial(void);

/* ---- where a control-plane call spends its time (mim_core.c) ---------- */

/*
 * Steps of mim_update_elem() the benchmark breaks a publish down into. Off
 * (the default), each step costs one predictable branch; on, the cycles of
 * each step (rte_rdtsc(), not serialising: a breakdown, not a timing) add
 * up in mim_prof.cyc until the benchmark resets them.
 */
enum mim_prof_step {
	MIM_PROF_LOCK,      /* mim_lock() */
	MIM_PROF_RECLAIM,   /* mim_rcu_maybe_reclaim() at the start */
	MIM_PROF_FIND,      /* the outer table's ID */
	MIM_PROF_RESOLVE,   /* the inner table's ID and its template check */
	MIM_PROF_RESERVE,   /* room in the defer queue */
	MIM_PROF_PUT,       /* the old table's last reference: ID removed */
	MIM_PROF_RETIRE,    /* its bytes counted, the defer queue entry */
	MIM_PROF_UNLOCK,    /* mim_unlock() */
	MIM_PROF_CALL,      /* the whole call */
	MIM_PROF_NB
};

struct mim_prof {
	bool on;
	uint64_t calls;
	uint64_t cyc[MIM_PROF_NB];
};

extern struct mim_prof mim_prof;

static inline uint64_t
mim_prof_start(void)
{
	return unlikely(mim_prof.on) ? rte_rdtsc() : 0;
}

static inline void
mim_prof_end(enum mim_prof_step s, uint64_t t0)
{
	if (unlikely(mim_prof.on))
		mim_prof.cyc[s] += rte_rdtsc() - t0;
}

/* ---- checks shared by the entry points (mim_check.c) ------------------ */

/* libbpf's OPTS_VALID, or -EINVAL with a reason naming struct type. */
int mim_opts_check(const void *opts, size_t known_sz, const char *type);
/* 0 once rte_eal_init() has run, else -ENOMEM with that reason. */
int mim_eal_check(void);
/* Options that do not apply to the type: -EINVAL with a reason. */
int mim_attr_applies(const struct mim_table_ops *ops,
		     const struct mim_attr *attr);
/* mim_meta_init() for an outer table, with reasons for 0 and errnos. */
int mim_outer_template(struct mim_obj *holder, uint32_t inner_id);

/* ---- options structs (sz first, as libbpf's) -------------------------- */

#ifndef offsetofend
#define offsetofend(TYPE, FIELD) \
	(offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))
#endif

/*
 * libbpf's OPTS_VALID: 0 if opts is NULL, or if its sz is at least
 * sizeof(size_t) and every byte beyond the last field this library knows
 * (the public header's <type>__last_field) is zero; else -EINVAL with a
 * reason naming the struct. type is the struct's tag.
 */
#define MIM_OPTS_CHECK(opts, type)					\
	mim_opts_check((opts), offsetofend(struct type, type ## __last_field), \
		       #type)

/* Read field of opts, or def if absent or from an older, shorter struct. */
#define MIM_OPTS_GET(opts, field, def)					\
	((opts) != NULL && (opts)->sz >= offsetofend(__typeof__(*(opts)), field) \
	 ? (opts)->field : (def))

#endif /* MIM_PRIVATE_H */
