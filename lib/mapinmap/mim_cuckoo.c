/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The library's own hash table, the writer's side (readers are inline, in
 * mim_dp_hash.h). HASH and HASH_OF_TABLES tables are built on it.
 *
 * Why not rte_hash: rte_hash overlaps the cache misses of a bulk lookup
 * only within one table, so a burst whose keys belong to many tenants'
 * tables costs one full lookup per key (2.4-5x a flat rte_hash, as
 * measured), and each rte_hash takes a memzone, which stops a process at
 * 2,560 tenants. This table is plain rte_malloc memory, and its lookup
 * is staged so that a bulk lookup overlaps the misses of all its keys,
 * whatever their tables.
 *
 * Layout: buckets of 4 slots (one cache line), a slot being {key or tag,
 * value pointer}; at least twice as many slots as max_entries. A key lives
 * in one of two buckets derived from its hash (bucketized cuckoo hashing).
 *
 * One writer (the library mutex), lock-free readers:
 * - insert writes the key, then publishes the value pointer (release);
 * - update publishes a new value pointer (release);
 * - delete clears the value pointer; the slot stays reserved (unusable)
 *   until a grace period has passed, so a reader that read the old value
 *   pointer cannot then read another key in that slot;
 * - to make room, insert may move keys to their other bucket (a BFS for a
 *   short cuckoo path, which moves each key at most once). A key is
 *   copied to its new slot before it leaves the old one, and the path is
 *   bracketed by two increments of hash_seq: a reader that misses a key
 *   looks again if a path started or ended meanwhile, and never waits for
 *   one in progress (__mim_hfind() in mim_dp_hash.h says why that is
 *   right).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash_crc.h>

#include "mim_private.h"

#define BFS_NODES 128

static struct mim_hslot *
slot_at(const struct mim_obj *t, uint32_t pos)
{
	return &t->dp.u.buckets[pos / MIM_HBUCKET_SLOTS]
		.s[pos % MIM_HBUCKET_SLOTS];
}

int
mim_cuckoo_init(struct mim_obj *t, struct mim_cuckoo *h, uint32_t max_entries)
{
	uint32_t nb = rte_align32pow2(RTE_MAX((max_entries * 2 +
					       MIM_HBUCKET_SLOTS - 1) /
					      MIM_HBUCKET_SLOTS, 2U));

	t->dp.index_mask = nb - 1;
	/* A seed per table: tenants do not share collisions. */
	t->dp.hash_seed = (uint32_t)((t->serial * 0x9e3779b97f4a7c15ULL) >> 32);
	t->dp.elem_size = t->dp.key_size > 8 ?
		RTE_ALIGN_CEIL(t->dp.key_size, 8) : 0;
	h->nb_slots = nb * MIM_HBUCKET_SLOTS;
	h->nb_reserved = 0;
	t->dp.u.buckets = mim_zmalloc((size_t)nb * sizeof(struct mim_hbucket),
				      t->socket_id);
	h->reserved = mim_calloc(h->nb_slots, sizeof(*h->reserved));
	if (t->dp.u.buckets == NULL || h->reserved == NULL) {
		mim_cuckoo_fini(t, h);
		return mim_err(ENOMEM, "cannot allocate a hash table of %u buckets",
			       nb);
	}
	return 0;
}

void
mim_cuckoo_fini(struct mim_obj *t, struct mim_cuckoo *h)
{
	mim_free(t->dp.u.buckets);
	t->dp.u.buckets = NULL;
	free(h->reserved);
	h->reserved = NULL;
}

/* The hash a stored slot's key had (to find its other bucket). */
static uint32_t
slot_hash(const struct mim_obj *t, uint64_t k)
{
	if (t->dp.key_size <= 8)
		return rte_hash_crc_8byte(k, t->dp.hash_seed);
	return (uint32_t)(k >> 32);   /* long keys: the tag starts with it */
}

static void
buckets_of(const struct mim_obj *t, uint32_t hash, uint32_t *i1, uint32_t *i2)
{
	const struct mim_hbucket *b1, *b2;

	__mim_hbuckets(&t->dp, hash, &b1, &b2);
	*i1 = (uint32_t)(b1 - t->dp.u.buckets);
	*i2 = (uint32_t)(b2 - t->dp.u.buckets);
}

int32_t
mim_cuckoo_find(const struct mim_obj *t, const void *key)
{
	uint32_t i[2], b, s;
	uint64_t tag;

	void *v;

	/* The writer's view: nothing changes under it. */
	buckets_of(t, __mim_hhash(&t->dp, key, &tag), &i[0], &i[1]);
	for (b = 0; b < 2; b++)
		for (s = 0; s < MIM_HBUCKET_SLOTS; s++)
			if (__mim_hslot_match(&t->dp,
					      &t->dp.u.buckets[i[b]].s[s], tag,
					      key, &v) > 0)
				return (int32_t)(i[b] * MIM_HBUCKET_SLOTS + s);
	return -1;
}

void *
mim_cuckoo_value(const struct mim_obj *t, uint32_t pos)
{
	return slot_at(t, pos)->v;
}

/* A free slot of bucket b (not reserved), or -1. */
static int32_t
free_slot(const struct mim_obj *t, const struct mim_cuckoo *h, uint32_t b)
{
	uint32_t s, pos;

	for (s = 0; s < MIM_HBUCKET_SLOTS; s++) {
		pos = b * MIM_HBUCKET_SLOTS + s;
		if (slot_at(t, pos)->v == NULL && !h->reserved[pos])
			return (int32_t)pos;
	}
	return -1;
}

static void
seq_begin(struct mim_obj *t)
{
	__atomic_store_n(&t->dp.hash_seq, t->dp.hash_seq + 1, __ATOMIC_RELAXED);
	/* The new count is visible before any slot changes: a reader that
	 * sees a slot of the path sees the count changed (pairs with the
	 * acquire fence before a reader reads the count again).
	 */
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void
seq_end(struct mim_obj *t)
{
	/* Pairs with the acquire load that starts a reader's lookup: a
	 * reader that sees this count sees the whole path.
	 */
	__atomic_store_n(&t->dp.hash_seq, t->dp.hash_seq + 1, __ATOMIC_RELEASE);
}

static void
slot_publish(struct mim_hslot *s, uint64_t k, void *v)
{
	__atomic_store_n(&s->k, k, __ATOMIC_RELAXED);
	/* Pairs with the acquire load in __mim_hslot_match(): the key (and a
	 * long key's bytes in the object) are seen with the value.
	 */
	__atomic_store_n(&s->v, v, __ATOMIC_RELEASE);
}

struct bfs_node {
	uint32_t bucket;
	int16_t parent;   /* index in the queue, -1: one of the key's buckets */
	uint8_t slot;     /* slot of the parent bucket whose key moves here */
};

static bool
queued(const struct bfs_node *q, uint32_t qn, uint32_t bucket)
{
	uint32_t i;

	for (i = 0; i < qn; i++)
		if (q[i].bucket == bucket)
			return true;
	return false;
}

/*
 * Make room in bucket i1 or i2 by moving keys along the shortest cuckoo
 * path found (breadth first, at most BFS_NODES buckets). Returns the free
 * slot, or -1.
 */
static int32_t
cuckoo_make_room(struct mim_obj *t, struct mim_cuckoo *h, uint32_t i1,
		 uint32_t i2)
{
	struct bfs_node q[BFS_NODES];
	uint32_t qn = 2, qi, s;
	int32_t dst = -1;

	q[0] = (struct bfs_node){ .bucket = i1, .parent = -1 };
	q[1] = (struct bfs_node){ .bucket = i2, .parent = -1 };
	for (qi = 0; qi < qn && dst < 0; qi++) {
		if (qi >= 2) {
			dst = free_slot(t, h, q[qi].bucket);
			if (dst >= 0)
				break;
		}
		for (s = 0; s < MIM_HBUCKET_SLOTS && qn < BFS_NODES; s++) {
			uint32_t pos = q[qi].bucket * MIM_HBUCKET_SLOTS + s;
			const struct mim_hslot *sl = slot_at(t, pos);
			uint32_t a1, a2;

			if (sl->v == NULL)  /* reserved: cannot move */
				continue;
			buckets_of(t, slot_hash(t, sl->k), &a1, &a2);
			a1 = a1 == q[qi].bucket ? a2 : a1;
			/* A bucket once: a path never moves a key twice. */
			if (!queued(q, qn, a1))
				q[qn++] = (struct bfs_node){
					.bucket = a1,
					.parent = (int16_t)qi,
					.slot = (uint8_t)s,
				};
		}
	}
	if (dst < 0)
		return -1;
	/* Move keys one step each, from the free end back to the root. */
	seq_begin(t);
	while (q[qi].parent >= 0) {
		const struct bfs_node *p = &q[q[qi].parent];
		uint32_t src = p->bucket * MIM_HBUCKET_SLOTS + q[qi].slot;
		struct mim_hslot *from = slot_at(t, src);

		slot_publish(slot_at(t, (uint32_t)dst), from->k, from->v);
		mim_fault_stall();      /* tests: the key in both slots */
		__atomic_store_n(&from->v, NULL, __ATOMIC_RELAXED);
		mim_fault_stall();      /* tests: between two moves */
		h->nb_moves++;
		dst = (int32_t)src;
		qi = (uint32_t)q[qi].parent;
	}
	seq_end(t);
	return dst;
}

int32_t
mim_cuckoo_insert(struct mim_obj *t, struct mim_cuckoo *h, const void *key,
		  void *v)
{
	uint32_t i1, i2;
	uint64_t tag;
	int32_t pos;

	buckets_of(t, __mim_hhash(&t->dp, key, &tag), &i1, &i2);
	pos = free_slot(t, h, i1);
	if (pos < 0)
		pos = free_slot(t, h, i2);
	if (pos < 0)
		pos = cuckoo_make_room(t, h, i1, i2);
	if (pos < 0)
		return -ENOSPC;
	slot_publish(slot_at(t, (uint32_t)pos), tag, v);
	return pos;
}

void
mim_cuckoo_set(struct mim_obj *t, uint32_t pos, void *v)
{
	/* Pairs with the acquire load in __mim_hslot_match(). */
	__atomic_store_n(&slot_at(t, pos)->v, v, __ATOMIC_RELEASE);
}

void
mim_cuckoo_remove(struct mim_obj *t, struct mim_cuckoo *h, uint32_t pos)
{
	__atomic_store_n(&slot_at(t, pos)->v, NULL, __ATOMIC_RELEASE);
	h->reserved[pos] = 1;
	h->nb_reserved++;
}

void
mim_cuckoo_release(struct mim_cuckoo *h, uint32_t pos)
{
	h->reserved[pos] = 0;
	h->nb_reserved--;
}

int32_t
mim_cuckoo_next(const struct mim_obj *t, const struct mim_cuckoo *h,
		int32_t pos)
{
	uint32_t p;

	for (p = (uint32_t)(pos + 1); p < h->nb_slots; p++)
		if (slot_at(t, p)->v != NULL)
			return (int32_t)p;
	return -1;
}

void
mim_cuckoo_key(const struct mim_obj *t, uint32_t pos, void *key)
{
	const struct mim_hslot *s = slot_at(t, pos);

	if (t->dp.key_size <= 8)
		memcpy(key, &s->k, t->dp.key_size);
	else
		memcpy(key, (const uint8_t *)s->v - t->dp.elem_size,
		       t->dp.key_size);
}
