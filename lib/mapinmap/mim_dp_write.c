/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Writes from reader threads in MIM_F_DP_WRITE hash tables (mim_dp_write.h).
 *
 * What a write needs, each made safe for many threads without the mutex:
 * - the key's slots: the bucket locks of mim_cuckoo.c (find, then change,
 *   under both locks of the key);
 * - a value object: the table's preallocated objects sit in a
 *   multi-producer multi-consumer ring (an rte_ring in the table's own
 *   memory: no memzone), instead of the single writer's stack;
 * - the count: t->nb_entries, taken with a compare-and-swap below
 *   max_entries (exact), given back after the key is unpublished;
 * - retirement: what a write unpublishes goes to the table's retire ring
 *   (multi-producer, single consumer: the control plane). The control
 *   plane drains it, under the mutex, into mim_rcu_retire() — the token
 *   is then later than the unpublishing store, so the grace period is
 *   longer than needed, never shorter. Every entry holds one value object
 *   that is neither free nor live, so the ring, as large as the object
 *   store, never refuses one: deletes never fail for lack of room, and
 *   inserts fail with -EBUSY when no object is free.
 *
 * A writer that finds no free object reclaims itself if the mutex is free
 * (trylock: it never waits for it) and retirements wait in defer queues
 * (a reclamation then only checks grace periods, never waits for one):
 * with the control plane asleep between its calls, a writer at data-path
 * rates would otherwise retire the spares in a few milliseconds.
 *
 * The control plane's own writes on such a table go through the same
 * functions (it holds the mutex for everything else), then drain.
 *
 * Which rings to drain: a table whose retire ring may hold entries is
 * marked dirty and pushed onto a lock-free stack of such tables (pushes
 * from any thread, the control plane takes the whole stack at once: no
 * ABA), so that draining costs nothing while no data-path write retired
 * anything, however many tables there are.
 *
 * A dead table (its last reference gone, id 0) is no longer drained: its
 * retirement is queued already, and whatever its ring still holds is freed
 * with it (a reader still writing to it finished before its grace period
 * ended). It stays marked, so it is never pushed again.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_prefetch.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "mim_private.h"
#include "mim_dp_write.h"

/* What a retire ring entry holds. */
struct dpw_retired {
	void *obj;
	uint32_t pos;          /* a deleted key's slot, or MIM_RETIRE_NO_POS */
	uint32_t pad;
};

struct mim_dpw {
	struct mim_obj *t;
	struct mim_cuckoo *h;
	struct rte_ring *free_objs;  /* free value objects: MP/MC */
	struct rte_ring *retired;    /* struct dpw_retired: MP/SC */
	uint32_t obj_bytes;
	uint32_t dirty;              /* on the dirty stack, or being drained */
	struct mim_dpw *dirty_next;
};

/* Tables whose retire rings may hold entries (see the top of the file). */
static struct mim_dpw *dirty_head;

/* w may have retirements: have the control plane drain it. Any thread. */
static void
dirty_mark(struct mim_dpw *w)
{
	struct mim_dpw *h;

	/* Acquire-release: the exchange comes after the caller's enqueue
	 * in the flag's modification order, so the control plane's own
	 * exchange (in take_dirty's drain) either sees it and drains after
	 * it, or came first and this one pushes w again.
	 */
	if (__atomic_exchange_n(&w->dirty, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	h = __atomic_load_n(&dirty_head, __ATOMIC_RELAXED);
	do {
		w->dirty_next = h;
		/* Release: pairs with the acquire exchange of
		 * mim_dpw_drain_all(), which then reads dirty_next.
		 */
	} while (!__atomic_compare_exchange_n(&dirty_head, &h, w, true,
					      __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
}

static struct rte_ring *
ring_new(const struct mim_obj *t, const char *what, uint32_t count,
	 uint32_t esize, unsigned int flags)
{
	char name[RTE_RING_NAMESIZE];
	uint32_t n = rte_align32pow2(count + 1);
	ssize_t sz = rte_ring_get_memsize_elem(esize, n);
	struct rte_ring *r;

	if (sz < 0)
		return NULL;
	r = mim_zmalloc((size_t)sz, t->socket_id);
	if (r == NULL)
		return NULL;
	/* Not registered with DPDK (rte_ring_init() only): no memzone. */
	snprintf(name, sizeof(name), "mim%s%" PRIu64, what, t->serial);
	if (rte_ring_init(r, name, n, flags) != 0) {
		mim_free(r);
		return NULL;
	}
	return r;
}

int
mim_dpw_init(struct mim_obj *t, struct mim_cuckoo *h, uint8_t *store,
	     uint32_t nb_objs, uint32_t obj_bytes, struct mim_dpw **out)
{
	struct mim_dpw *w = mim_calloc(1, sizeof(*w));
	uint32_t i;
	int ret;

	if (w == NULL)
		return mim_err(ENOMEM, "no memory for a MIM_F_DP_WRITE table");
	ret = mim_cuckoo_locks_init(t, h);
	if (ret != 0) {
		free(w);
		return ret;
	}
	/* Relaxed tail sync: lcores may share a core, and a thread
	 * preempted in the middle of a default multi-producer enqueue
	 * stops every other producer until it runs again (measured: the
	 * stress test with three lcores on two cores crawled); with RTS
	 * the others go on.
	 */
	w->free_objs = ring_new(t, "f", nb_objs, sizeof(void *),
				RING_F_MP_RTS_ENQ | RING_F_MC_RTS_DEQ);
	w->retired = w->free_objs == NULL ? NULL :
		ring_new(t, "r", nb_objs, sizeof(struct dpw_retired),
			 RING_F_MP_RTS_ENQ | RING_F_SC_DEQ);
	if (w->retired == NULL) {
		mim_free(w->free_objs);
		free(w);
		return mim_err(ENOMEM, "cannot allocate the rings of %u value objects of a MIM_F_DP_WRITE table",
			       nb_objs);
	}
	for (i = 0; i < nb_objs; i++) {
		void *obj = store + (size_t)i * obj_bytes;

		rte_ring_enqueue(w->free_objs, obj);
	}
	w->t = t;
	w->h = h;
	w->obj_bytes = obj_bytes;
	*out = w;
	return 0;
}

void
mim_dpw_fini(struct mim_dpw *w)
{
	struct mim_dpw *l, *next;

	if (w == NULL)
		return;
	/* After its grace period no thread pushes w: take it off the
	 * stack, and put the others back.
	 */
	if (__atomic_load_n(&w->dirty, __ATOMIC_RELAXED) != 0) {
		/* Acquire: pairs with the release of dirty_mark(). */
		l = __atomic_exchange_n(&dirty_head, NULL, __ATOMIC_ACQUIRE);
		for (; l != NULL; l = next) {
			next = l->dirty_next;
			if (l != w) {
				__atomic_store_n(&l->dirty, 0,
						 __ATOMIC_RELAXED);
				dirty_mark(l);
			}
		}
	}
	mim_free(w->free_objs);
	mim_free(w->retired);
	free(w);
}

void
mim_dpw_obj_put(struct mim_dpw *w, void *obj)
{
	mim_poison(obj, w->obj_bytes);
	/* Never full: the ring holds every object. Its release pairs with
	 * the acquire of the dequeue that takes the object next.
	 */
	rte_ring_enqueue(w->free_objs, obj);
}

/* Move the table's retirements to the defer queue, while it has room. */
static void
dpw_drain(struct mim_dpw *w)
{
	struct dpw_retired e;

	while (!rte_ring_empty(w->retired)) {
		struct mim_retire r = { .owner = w->t, .bytes = w->obj_bytes };

		if (mim_rcu_reserve() != 0)
			return;
		if (rte_ring_dequeue_elem(w->retired, &e, sizeof(e)) != 0)
			return;
		r.obj = e.obj;
		r.pos = e.pos;
		mim_rcu_retire(&r);
	}
}

void
mim_dpw_drain_all(void)
{
	struct mim_dpw *l, *next;

	/* Relaxed: a peek; an entry pushed meanwhile waits for the next
	 * drain, as one pushed just after this one would.
	 */
	if (__atomic_load_n(&dirty_head, __ATOMIC_RELAXED) == NULL)
		return;
	/* Acquire: pairs with the release of dirty_mark(). */
	l = __atomic_exchange_n(&dirty_head, NULL, __ATOMIC_ACQUIRE);
	for (; l != NULL; l = next) {
		next = l->dirty_next;
		if (l->t->id == 0)
			continue;       /* dead: stays marked, never drained */
		/* Acquire-release: see dirty_mark(). Cleared before the
		 * ring is read, so an entry enqueued after the ring was
		 * read has its table pushed again.
		 */
		__atomic_exchange_n(&l->dirty, 0, __ATOMIC_ACQ_REL);
		dpw_drain(l);
		if (!rte_ring_empty(l->retired))
			dirty_mark(l);  /* the defer queue is full */
	}
}

/* ---- the writes --------------------------------------------------------- */

static void
retire(struct mim_dpw *w, void *obj, uint32_t pos)
{
	struct dpw_retired e = { .obj = obj, .pos = pos };

	/* Never full (see the top of the file). The ring's release pairs
	 * with the control plane's dequeue: it sees the unpublishing store
	 * before it takes its grace period's token.
	 */
	rte_ring_enqueue_elem(w->retired, &e, sizeof(e));
	dirty_mark(w);
}

/* Up to want counts below max_entries: how many were taken. */
static uint32_t
count_take_n(struct mim_obj *t, uint32_t want)
{
	uint32_t n = __atomic_load_n(&t->nb_entries, __ATOMIC_RELAXED), got;

	/* Relaxed: the count orders nothing; the slot's publication does. */
	do {
		got = RTE_MIN(want, t->dp.max_entries - RTE_MIN(n,
						t->dp.max_entries));
		if (got == 0)
			return 0;
	} while (!__atomic_compare_exchange_n(&t->nb_entries, &n, n + got,
					      true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return got;
}

static void
count_give_n(struct mim_obj *t, uint32_t n)
{
	/* Relaxed: see count_take_n(). */
	if (n != 0)
		__atomic_fetch_sub(&t->nb_entries, n, __ATOMIC_RELAXED);
}

/* One count for a new key: from the call's quota, else the table's. */
static bool
count_take(struct mim_obj *t, uint32_t *quota)
{
	if (*quota > 0) {
		(*quota)--;
		return true;
	}
	return count_take_n(t, 1) == 1;
}

static int
err_full(const struct mim_obj *t, const struct mim_cuckoo *h)
{
	uint32_t nr = __atomic_load_n(&h->nb_reserved, __ATOMIC_RELAXED);

	if (nr > 0)
		return mim_err(EBUSY, "no free slot: %u deleted keys' slots are waiting for readers",
			       nr);
	RTE_SET_USED(t);
	return mim_err(ENOSPC, "no free slot in either bucket of the key, even after moving keys");
}

/*
 * Write k with the value in object obj (taken): 0 (obj published),
 * 1 (obj unused: give it back) with *ret set.
 */
static int
write_one(struct mim_dpw *w, const struct mim_hkey *k, void *obj,
	  uint64_t flags, uint32_t *quota, int *ret)
{
	struct mim_obj *t = w->t;
	void *v = (uint8_t *)obj + t->dp.elem_size, *old;
	bool counted = false;
	int32_t pos;
	int tries;

	for (tries = 0;; tries++) {
		mim_cuckoo_lock(w->h, k);
		pos = mim_cuckoo_find_locked(t, k);
		if (pos >= 0) {
			if (flags == MIM_NOEXIST)
				break;
			old = mim_cuckoo_value(t, (uint32_t)pos);
			mim_cuckoo_set(t, (uint32_t)pos, v);
			mim_cuckoo_unlock(w->h, k);
			if (counted)     /* it was inserted meanwhile */
				(*quota)++;
			retire(w, (uint8_t *)old - t->dp.elem_size,
			       MIM_RETIRE_NO_POS);
			*ret = 0;
			return 0;
		}
		if (flags == MIM_EXIST)
			break;
		if (!counted && !count_take(t, quota)) {
			mim_cuckoo_unlock(w->h, k);
			*ret = mim_err(E2BIG, "table is full (max_entries %u)",
				       t->dp.max_entries);
			return 1;
		}
		counted = true;
		pos = mim_cuckoo_place(t, w->h, k, v);
		mim_cuckoo_unlock(w->h, k);
		if (pos >= 0) {
			*ret = 0;
			return 0;
		}
		/* Both buckets full: make room, then look again. */
		if (tries == 2 || mim_cuckoo_make_room_mt(t, w->h, k) != 0)
			goto full;
	}
	mim_cuckoo_unlock(w->h, k);
	*ret = pos >= 0 ? mim_err(EEXIST, "key exists (MIM_NOEXIST)") :
		mim_err(ENOENT, "no such key (MIM_EXIST)");
	if (counted)
		(*quota)++;
	return 1;
full:
	(*quota)++;
	*ret = err_full(t, w->h);
	return 1;
}

static void
obj_fill(const struct mim_obj *t, void *obj, const void *key,
	 const void *value)
{
	if (t->dp.elem_size != 0)
		memcpy(obj, key, t->dp.key_size);
	memcpy((uint8_t *)obj + t->dp.elem_size, value, t->dp.value_size);
}

/* No free object: reclaim if that never waits. Whether some came back. */
static bool
self_reclaim(struct mim_dpw *w)
{
	uint32_t n = 0;

	if (!mim_trylock())
		return false;
	if (mim_rcu_deferred()) {
		mim_dpw_drain_all();
		n = mim_rcu_reclaim_all();
	}
	mim_unlock();
	return n > 0 && !rte_ring_empty(w->free_objs);
}

static int
err_no_obj(void)
{
	return mim_err(EBUSY, "every spare value object is waiting for readers: the control plane has not reclaimed (mim_reclaim()), or a reader has not reported a quiescent state");
}

/*
 * No free object: the error the write would have had before needing one
 * (-EEXIST, -ENOENT, -E2BIG, as the control plane checks them), or -EBUSY.
 */
static int
check_only(struct mim_dpw *w, const struct mim_hkey *k, uint64_t flags)
{
	struct mim_obj *t = w->t;
	int32_t pos;

	mim_cuckoo_lock(w->h, k);
	pos = mim_cuckoo_find_locked(t, k);
	mim_cuckoo_unlock(w->h, k);
	if (pos >= 0 && flags == MIM_NOEXIST)
		return mim_err(EEXIST, "key exists (MIM_NOEXIST)");
	if (pos < 0 && flags == MIM_EXIST)
		return mim_err(ENOENT, "no such key (MIM_EXIST)");
	if (pos < 0 && __atomic_load_n(&t->nb_entries, __ATOMIC_RELAXED) >=
	    t->dp.max_entries)
		return mim_err(E2BIG, "table is full (max_entries %u)",
			       t->dp.max_entries);
	return err_no_obj();
}

int
mim_dpw_update(struct mim_dpw *w, const void *key, const void *value,
	       uint64_t flags)
{
	uint32_t quota = 0;
	struct mim_hkey k;
	void *obj;
	int ret;

	if (flags > MIM_EXIST)
		return mim_err(EINVAL, "unknown update flags 0x%" PRIx64, flags);
	mim_cuckoo_hkey(w->t, key, &k);
	/* Acquire (in the ring): pairs with the release of
	 * mim_dpw_obj_put(); the object's last writer is done with it.
	 */
	if (rte_ring_dequeue(w->free_objs, &obj) != 0 &&
	    (!self_reclaim(w) || rte_ring_dequeue(w->free_objs, &obj) != 0))
		return check_only(w, &k, flags);
	obj_fill(w->t, obj, key, value);
	if (write_one(w, &k, obj, flags, &quota, &ret) != 0)
		rte_ring_enqueue(w->free_objs, obj);  /* never published */
	count_give_n(w->t, quota);
	return ret;
}

int
mim_dpw_delete(struct mim_dpw *w, const void *key)
{
	struct mim_obj *t = w->t;
	struct mim_hkey k;
	int32_t pos;
	void *old;

	mim_cuckoo_hkey(t, key, &k);
	mim_cuckoo_lock(w->h, &k);
	pos = mim_cuckoo_find_locked(t, &k);
	if (pos < 0) {
		mim_cuckoo_unlock(w->h, &k);
		return mim_err(ENOENT, "no such key");
	}
	old = mim_cuckoo_value(t, (uint32_t)pos);
	mim_cuckoo_remove(t, w->h, (uint32_t)pos);
	mim_cuckoo_unlock(w->h, &k);
	count_give_n(t, 1);
	retire(w, (uint8_t *)old - t->dp.elem_size, (uint32_t)pos);
	return 0;
}

int
mim_dpw_update_bulk(struct mim_dpw *w, const void *const keys[],
		    const void *const values[], unsigned int n, uint64_t flags,
		    int results[])
{
	const struct mim_table *tbl = &w->t->dp;
	struct mim_hkey k[MIM_LOOKUP_BULK_MAX];
	void *obj[MIM_LOOKUP_BULK_MAX];
	unsigned int i, got, used = 0;
	uint32_t quota;
	int done = 0, ret;
	/* Every key's buckets, lock words and reserved flags on their way
	 * first.
	 */
	for (i = 0; i < n; i++) {
		mim_cuckoo_hkey(w->t, keys[i], &k[i]);
		rte_prefetch0(&tbl->u.buckets[k[i].b[0]]);
		rte_prefetch0(&tbl->u.buckets[k[i].b[1]]);
		rte_prefetch0(&w->h->locks[k[i].b[0]]);
		rte_prefetch0(&w->h->locks[k[i].b[1]]);
		/* A free slot is one that is not reserved either. */
		rte_prefetch0(&w->h->reserved[k[i].b[0] * MIM_HBUCKET_SLOTS]);
		rte_prefetch0(&w->h->reserved[k[i].b[1] * MIM_HBUCKET_SLOTS]);
	}
	/* The counts of new keys in one step (a burst's misses), given
	 * back at the end for keys that were found.
	 */
	quota = flags == MIM_EXIST ? 0 : count_take_n(w->t, n);
	/* Acquire (in the ring): as in mim_dpw_update(). */
	got = rte_ring_dequeue_burst(w->free_objs, obj, n, NULL);
	if (got < n && self_reclaim(w))
		got += rte_ring_dequeue_burst(w->free_objs, &obj[got],
					      n - got, NULL);
	for (i = 0; i < got; i++)
		rte_prefetch0_write(obj[i]);
	for (i = 0; i < n; i++) {
		if (used == got) {
			ret = check_only(w, &k[i], flags);
		} else {
			obj_fill(w->t, obj[used], keys[i], values[i]);
			if (write_one(w, &k[i], obj[used], flags, &quota,
				      &ret) == 0)
				used++;
		}
		done += ret == 0;
		if (results != NULL)
			results[i] = ret;
	}
	if (used < got)
		rte_ring_enqueue_bulk(w->free_objs, &obj[used], got - used,
					 NULL);
	count_give_n(w->t, quota);
	return done;
}
