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
 *
 * Concurrent writers (MIM_F_DP_WRITE tables, mim_dp_write.c) keep every
 * one of these steps and add locks, so that each writer's steps are those
 * of the one writer above for the keys it touches:
 * - a lock word per bucket; a writer takes both buckets of its key, in
 *   index order, for the whole find-then-change: a key moves only between
 *   its own two buckets, so under both locks it cannot appear, vanish or
 *   move, and no one else can fill their free slots;
 * - key moves take the table's move lock (movers are serialised, so
 *   hash_seq still has one writer) and, for each single move, the two
 *   buckets of the key moved, checking under them that the path is still
 *   what the search saw (the search reads without locks); a path that
 *   changed stops there (the keys moved so far are in valid buckets) and
 *   the search starts again;
 * - reserved[], nb_reserved and nb_moves are atomic: a release after a
 *   grace period clears a slot's flag without a lock (a slot only becomes
 *   usable, which a writer sees under its lock or on its next try).
 */

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash_crc.h>

#include "mim_private.h"

#define BFS_NODES 128
/* Concurrent writers: cuckoo searches per insert before -ENOSPC. */
#define MT_PATH_TRIES 8
/* Spins on a held lock between two yields (a preempted holder). */
#define LOCK_SPINS_YIELD 4096

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
	mim_free(h->locks);
	h->locks = NULL;
}

int
mim_cuckoo_locks_init(struct mim_obj *t, struct mim_cuckoo *h)
{
	uint32_t nb = t->dp.index_mask + 1;

	/* Beside the buckets, not in them: a bucket is one full cache
	 * line of slots, and readers never look at the locks.
	 */
	h->locks = mim_zmalloc((size_t)nb * sizeof(*h->locks), t->socket_id);
	if (h->locks == NULL)
		return mim_err(ENOMEM, "cannot allocate the %u bucket locks of a MIM_F_DP_WRITE table",
			       nb);
	h->move_lock = 0;
	return 0;
}

static void
lock_word(uint32_t *l)
{
	unsigned int spins = 0;

	/* Acquire: pairs with the release in unlock_word(); the previous
	 * holder's slot changes are seen.
	 */
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE) != 0)
		while (__atomic_load_n(l, __ATOMIC_RELAXED) != 0) {
			rte_pause();
			/* Lcores may share a core: let a preempted
			 * holder run.
			 */
			if (++spins % LOCK_SPINS_YIELD == 0)
				sched_yield();
		}
}

static void
unlock_word(uint32_t *l)
{
	/* Pairs with the acquire exchange in lock_word(). */
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

static void
lock2(struct mim_cuckoo *h, uint32_t a, uint32_t b)
{
	lock_word(&h->locks[RTE_MIN(a, b)]);   /* index order: no deadlock */
	lock_word(&h->locks[RTE_MAX(a, b)]);
}

static void
unlock2(struct mim_cuckoo *h, uint32_t a, uint32_t b)
{
	unlock_word(&h->locks[RTE_MAX(a, b)]);
	unlock_word(&h->locks[RTE_MIN(a, b)]);
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

	/* Relaxed: under the bucket's lock (or the one writer) the slot
	 * does not change; a search without locks only guesses, and its
	 * moves check again under the locks.
	 */
	for (s = 0; s < MIM_HBUCKET_SLOTS; s++) {
		pos = b * MIM_HBUCKET_SLOTS + s;
		if (__atomic_load_n(&slot_at(t, pos)->v, __ATOMIC_RELAXED) ==
		    NULL &&
		    !__atomic_load_n(&h->reserved[pos], __ATOMIC_RELAXED))
			return (int32_t)pos;
	}
	return -1;
}

static void
seq_begin(struct mim_obj *t)
{
	/* One writer of hash_seq at a time (the mutex, or the move lock):
	 * a plain read of it is its last value.
	 */
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
	/* Release: pairs with the acquire fence that follows a reader's
	 * key load in __mim_hslot_match(). A reader that sees this key
	 * then sees every earlier change of the slot, the clearing of a
	 * key moved out of it included (by another writer, before it let
	 * the bucket's lock go): its second load of the value cannot still
	 * find the old key's value pointer and take it for this key's.
	 */
	__atomic_store_n(&s->k, k, __ATOMIC_RELEASE);
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

/* The other bucket of the key in slot sl of bucket b. */
static uint32_t
other_bucket(const struct mim_obj *t, uint64_t k, uint32_t b)
{
	uint32_t a1, a2;

	buckets_of(t, slot_hash(t, k), &a1, &a2);
	return a1 == b ? a2 : a1;
}

/*
 * The shortest cuckoo path that frees a slot in bucket i1 or i2 (breadth
 * first, at most BFS_NODES buckets): its free end, or -1; q[*qi] is the
 * node whose bucket holds it.
 */
static int32_t
cuckoo_search(const struct mim_obj *t, const struct mim_cuckoo *h,
	      uint32_t i1, uint32_t i2, struct bfs_node *q, uint32_t *qip)
{
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
			uint32_t a1;

			/* Relaxed: see free_slot(). */
			if (__atomic_load_n(&sl->v, __ATOMIC_RELAXED) == NULL)
				continue;   /* reserved: cannot move */
			a1 = other_bucket(t, __atomic_load_n(&sl->k,
							     __ATOMIC_RELAXED),
					  q[qi].bucket);
			/* A bucket once: a path never moves a key twice. */
			if (!queued(q, qn, a1))
				q[qn++] = (struct bfs_node){
					.bucket = a1,
					.parent = (int16_t)qi,
					.slot = (uint8_t)s,
				};
		}
	}
	*qip = qi;
	return dst;
}

/*
 * Make room in bucket i1 or i2 by moving keys along the shortest cuckoo
 * path found. Returns the free slot, or -1.
 */
static int32_t
cuckoo_make_room(struct mim_obj *t, struct mim_cuckoo *h, uint32_t i1,
		 uint32_t i2)
{
	struct bfs_node q[BFS_NODES];
	uint32_t qi;
	int32_t dst = cuckoo_search(t, h, i1, i2, q, &qi);

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
		__atomic_fetch_add(&h->nb_moves, 1, __ATOMIC_RELAXED);
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
	/* Relaxed: see struct mim_cuckoo. */
	__atomic_store_n(&h->reserved[pos], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->nb_reserved, 1, __ATOMIC_RELAXED);
}

void
mim_cuckoo_release(struct mim_cuckoo *h, uint32_t pos)
{
	__atomic_store_n(&h->reserved[pos], 0, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&h->nb_reserved, 1, __ATOMIC_RELAXED);
}

int32_t
mim_cuckoo_next(const struct mim_obj *t, const struct mim_cuckoo *h,
		int32_t pos)
{
	uint32_t p;

	/* Relaxed: with data-path writers, a snapshot (a key they move
	 * meanwhile may be missed or seen twice).
	 */
	for (p = (uint32_t)(pos + 1); p < h->nb_slots; p++)
		if (__atomic_load_n(&slot_at(t, p)->v, __ATOMIC_RELAXED) != NULL)
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

/* ---- concurrent writers ----------------------------------------------- */

void
mim_cuckoo_hkey(const struct mim_obj *t, const void *key, struct mim_hkey *k)
{
	k->key = key;
	/* The lookup's order: a new key goes to its first bucket if it
	 * can, where a lookup finds it with one probe.
	 */
	buckets_of(t, __mim_hhash(&t->dp, key, &k->tag), &k->b[0], &k->b[1]);
}

void
mim_cuckoo_lock(struct mim_cuckoo *h, const struct mim_hkey *k)
{
	lock2(h, k->b[0], k->b[1]);
}

void
mim_cuckoo_unlock(struct mim_cuckoo *h, const struct mim_hkey *k)
{
	unlock2(h, k->b[0], k->b[1]);
}

int32_t
mim_cuckoo_find_locked(const struct mim_obj *t, const struct mim_hkey *k)
{
	const struct mim_hslot *s0 = t->dp.u.buckets[k->b[0]].s;
	const struct mim_hslot *s1 = t->dp.u.buckets[k->b[1]].s;
	unsigned int m, i;
	void *v;

	/* Under both locks nothing changes the key's slots but this
	 * writer (and releases, which only clear reserved flags). The
	 * eight keys are compared at once, as __mim_hbucket_find() does:
	 * for a new key, usually none matches.
	 */
	RTE_BUILD_BUG_ON(MIM_HBUCKET_SLOTS != 4);
	m = __mim_hslot_is(&s0[0], k->tag) | __mim_hslot_is(&s0[1], k->tag) << 1 |
		__mim_hslot_is(&s0[2], k->tag) << 2 |
		__mim_hslot_is(&s0[3], k->tag) << 3 |
		__mim_hslot_is(&s1[0], k->tag) << 4 |
		__mim_hslot_is(&s1[1], k->tag) << 5 |
		__mim_hslot_is(&s1[2], k->tag) << 6 |
		__mim_hslot_is(&s1[3], k->tag) << 7;
	for (; m != 0; m &= m - 1) {
		i = (unsigned int)__builtin_ctz(m);
		if (__mim_hslot_match(&t->dp, i < 4 ? &s0[i] : &s1[i - 4],
				      k->tag, k->key, &v) > 0)
			return (int32_t)(k->b[i / 4] * MIM_HBUCKET_SLOTS +
					 i % 4);
	}
	return -1;
}

int32_t
mim_cuckoo_place(struct mim_obj *t, struct mim_cuckoo *h,
		 const struct mim_hkey *k, void *v)
{
	int32_t pos = free_slot(t, h, k->b[0]);

	if (pos < 0)
		pos = free_slot(t, h, k->b[1]);
	if (pos >= 0)
		slot_publish(slot_at(t, (uint32_t)pos), k->tag, v);
	return pos;
}

/*
 * One move of a path, under the two buckets' locks of the key moved: the
 * key in slot src (bucket sb) to free slot dst (bucket db). false when the
 * path changed since the search: src no longer holds a key of db, or dst
 * was taken.
 */
static bool
move_one(struct mim_obj *t, struct mim_cuckoo *h, uint32_t src, uint32_t sb,
	 uint32_t dst, uint32_t db)
{
	struct mim_hslot *from = slot_at(t, src), *to = slot_at(t, dst);
	bool ok;
	void *v;

	lock2(h, sb, db);
	v = __atomic_load_n(&from->v, __ATOMIC_RELAXED);
	ok = v != NULL && other_bucket(t, from->k, sb) == db &&
		to->v == NULL &&
		!__atomic_load_n(&h->reserved[dst], __ATOMIC_RELAXED);
	if (ok) {
		slot_publish(to, from->k, v);
		mim_fault_stall();      /* tests: the key in both slots */
		__atomic_store_n(&from->v, NULL, __ATOMIC_RELAXED);
		__atomic_fetch_add(&h->nb_moves, 1, __ATOMIC_RELAXED);
	}
	unlock2(h, sb, db);
	mim_fault_stall();              /* tests: between two moves */
	return ok;
}

/* One search and its moves: 0 (room made), 1 (path changed), -ENOSPC. */
static int
make_room_once(struct mim_obj *t, struct mim_cuckoo *h,
	       const struct mim_hkey *k)
{
	struct bfs_node q[BFS_NODES];
	uint32_t qi;
	int32_t dst;
	int ret = 0;

	if (free_slot(t, h, k->b[0]) >= 0 || free_slot(t, h, k->b[1]) >= 0)
		return 0;   /* a slot was freed meanwhile */
	dst = cuckoo_search(t, h, k->b[0], k->b[1], q, &qi);
	if (dst < 0)
		return -ENOSPC;
	seq_begin(t);
	while (q[qi].parent >= 0) {
		const struct bfs_node *p = &q[q[qi].parent];
		uint32_t src = p->bucket * MIM_HBUCKET_SLOTS + q[qi].slot;

		if (!move_one(t, h, src, p->bucket, (uint32_t)dst,
			      q[qi].bucket)) {
			ret = 1;
			break;
		}
		dst = (int32_t)src;
		qi = (uint32_t)q[qi].parent;
	}
	seq_end(t);
	return ret;
}

int
mim_cuckoo_make_room_mt(struct mim_obj *t, struct mim_cuckoo *h,
			const struct mim_hkey *k)
{
	int ret = 1, i;

	lock_word(&h->move_lock);
	for (i = 0; i < MT_PATH_TRIES && ret == 1; i++)
		ret = make_room_once(t, h, k);
	unlock_word(&h->move_lock);
	return ret == 0 ? 0 : -ENOSPC;
}
