/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_HASH_PRIVATE_H
#define MIM_HASH_PRIVATE_H

/*
 * Private to the hash table types: the writer's object of a hash table
 * (mim_hash.c), and what the types built on it (mim_percpu_hash.c,
 * mim_lru.c) use of mim_hash.c. The library mutex is held, as everywhere
 * in mim_private.h.
 */

#include "mim_private.h"

struct mim_dpw;

struct mim_hash_obj {
	struct mim_obj base;
	struct mim_cuckoo h;
	uint32_t obj_size;   /* bytes of a value object; 0: none (HOT, short keys) */
	uint32_t obj_bytes;  /* memory per object */
	/* Preallocated objects (NULL: the shared pools): obj_bytes apart. */
	uint8_t *store;
	uint32_t *free_objs; /* stack of free object indexes */
	uint32_t nb_free;
	uint32_t nb_objs;    /* objects in the store */
	bool pool_ref;       /* a value pool reference (all objects, or overflow) */
	uint32_t nb_pool_objs;  /* objects taken from the pools, live or retired */
	struct mim_dpw *dpw;    /* MIM_F_DP_WRITE: the writers' state, or NULL */
};

static inline struct mim_hash_obj *
mim_hash_of(struct mim_obj *t)
{
	return container_of(t, struct mim_hash_obj, base);
}

/*
 * The cuckoo table and its value objects of obj_size bytes each (0: none),
 * preallocated or from the pools: 0, or -E2BIG / -ENOMEM with a reason.
 */
int mim_hash_build(struct mim_obj *t, const struct mim_attr *attr,
		   uint32_t obj_size, bool prealloc);
/*
 * A new value object: the key in front of the payload when elem_size is
 * not 0, then len bytes of payload; *v is the payload's address, what a
 * slot holds. 0, or -ENOMEM with a reason.
 */
int mim_hash_obj_new(struct mim_obj *t, const void *key, const void *payload,
		     size_t len, void **v);
/* The object behind a slot's value, or NULL (no objects). */
void *mim_hash_obj_of(const struct mim_obj *t, void *v);
/* Give an object back: never published, or after a grace period. */
void mim_hash_obj_put(struct mim_obj *t, void *obj);
/* Insert an absent key with value v: 0, -EBUSY or -ENOSPC (reason set). */
int mim_hash_insert(struct mim_obj *t, const void *key, void *v);
/* The update flags against the key's presence, and the capacity (E2BIG). */
int mim_hash_update_check(struct mim_obj *t, uint64_t flags, bool exists);

/*
 * HASH's ops members that do not depend on what a value holds, for the
 * other hash types' ops tables to use as they are.
 */
void mim_hash_free(struct mim_obj *t);
int mim_hash_lookup_elem(struct mim_obj *t, const void *key, void *value);
int mim_hash_delete_elem(struct mim_obj *t, const void *key);
int mim_hash_get_next_key(struct mim_obj *t, const void *key,
			  void *next_key);
void mim_hash_release(struct mim_obj *t, const struct mim_retire *r);
uint64_t mim_hash_mem_bytes(const struct mim_obj *t);

/*
 * htab_map_alloc_check() for the hash types with per-lcore values
 * (percpu) or an LRU (lru), in the kernel's order (mim_percpu_hash.c).
 */
int mim_hash_x_check(const struct mim_attr *attr, bool percpu, bool lru);

#endif /* MIM_HASH_PRIVATE_H */
