/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * MIM_TYPE_LRU_HASH, as the kernel's htab_lru_map_ops: a HASH table
 * (mim_hash.c) that, full, evicts a least recently used key rather than
 * fail with -E2BIG.
 *
 * Use is marked by data-path lookups (mim_dp_lru.h) in a "referenced"
 * byte per value object, in a dense array beside the objects (one byte
 * each, so that it stays in cache where the objects would not, and a
 * bulk lookup, which does not read values, touches no more lines than a
 * HASH one but that array's): a plain store, made only when the byte is
 * not set yet, so that a key looked up all the time costs readers one
 * load and no cache line bounces between lcores. The writer chooses what
 * to evict by second chance (CLOCK) over each LRU list, kept in insertion
 * order: the oldest key is evicted unless it was referenced since the
 * hand last passed it; then its byte is cleared and it moves to the young
 * end. The kernel's active and inactive lists give the same guarantee (a
 * key used since the last sweep outlives the keys that were not) with two
 * lists to balance; one list and one byte are enough for a single writer,
 * which owns the lists.
 *
 * Every object is preallocated (the kernel refuses BPF_F_NO_PREALLOC on
 * LRU maps), a power of two of bytes, so that a value's object index is a
 * subtraction and a shift; the lists link object indexes, in process-local
 * arrays of the writer. Keys of every size are kept in the object, so that
 * the writer finds a victim's slot from its key. An evicted key is
 * unpublished at once and its slot and object are released after a grace
 * period, as a deleted key's; when every spare object waits for readers,
 * an insert is -EBUSY (a HASH table would take one from the pools, which
 * have no referenced byte).
 *
 * MIM_F_NO_COMMON_LRU: one list per lcore ID and one for threads without
 * one (the control plane's), each of max_entries / lists keys. An insert
 * goes to the list of the calling thread and evicts from that list only;
 * a replaced value keeps its key's list.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>

#include "mim_hash_private.h"
#include "mim_mp_private.h"

#define NIL UINT32_MAX

/* One LRU list of object indexes: head oldest, tail youngest. */
struct lru_list {
	uint32_t head, tail;
	uint32_t nb;
	uint32_t cap;
};

struct mim_lru_obj {
	struct mim_hash_obj h;
	/* Process-local, writer only; by object index. */
	uint32_t *prev, *next;   /* towards the older, the younger */
	uint32_t *list;          /* index in lists[] */
	struct lru_list *lists;
	uint32_t nb_lists;
	uint64_t nb_evictions;
};

static struct mim_lru_obj *
lru_obj(struct mim_obj *t)
{
	return container_of(t, struct mim_lru_obj, h.base);
}

/* The object index of a value a slot holds. */
static uint32_t
idx_of(const struct mim_obj *t, const void *v)
{
	return (uint32_t)(((uintptr_t)v - t->dp.lru_base) >> t->dp.lru_shift);
}

/* The key kept at the start of object i. */
static const void *
idx_key(struct mim_obj *t, uint32_t i)
{
	return lru_obj(t)->h.store + ((size_t)i << t->dp.lru_shift);
}

static void
list_unlink(struct mim_lru_obj *l, uint32_t i)
{
	struct lru_list *L = &l->lists[l->list[i]];

	if (l->prev[i] != NIL)
		l->next[l->prev[i]] = l->next[i];
	else
		L->head = l->next[i];
	if (l->next[i] != NIL)
		l->prev[l->next[i]] = l->prev[i];
	else
		L->tail = l->prev[i];
	L->nb--;
}

/* At the young end of list li, not referenced yet. */
static void
list_push(struct mim_lru_obj *l, uint32_t i, uint32_t li)
{
	struct lru_list *L = &l->lists[li];

	__atomic_store_n(&l->h.base.dp.lru_refs[i], 0, __ATOMIC_RELAXED);
	l->list[i] = li;
	l->next[i] = NIL;
	l->prev[i] = L->tail;
	if (L->tail != NIL)
		l->next[L->tail] = i;
	else
		L->head = i;
	L->tail = i;
	L->nb++;
}

/* The list an insert by the calling thread goes to. */
static uint32_t
list_of_caller(const struct mim_lru_obj *l)
{
	unsigned int lcore = rte_lcore_id();

	if (l->nb_lists == 1)
		return 0;
	return lcore < RTE_MAX_LCORE ? lcore : RTE_MAX_LCORE;
}

/*
 * Second chance: the oldest object not referenced since the hand passed
 * it. Readers may set bytes again behind the hand: after two rounds the
 * oldest is taken whatever its byte, so the work is bounded.
 */
static uint32_t
clock_victim(struct mim_lru_obj *l, uint32_t li)
{
	struct lru_list *L = &l->lists[li];
	uint64_t steps = 2 * (uint64_t)L->nb;
	uint8_t *refs = l->h.base.dp.lru_refs;
	uint32_t i;

	while (steps-- > 0) {
		i = L->head;
		/* Relaxed: pairs with nothing; a byte set by a reader
		 * after this load is seen on the next round.
		 */
		if (__atomic_load_n(&refs[i], __ATOMIC_RELAXED) == 0)
			return i;
		list_unlink(l, i);
		list_push(l, i, li);
	}
	return L->head;
}

static int
lru_check(const struct mim_attr *attr)
{
	return mim_hash_x_check(attr, false, true);
}

/* The writer's arrays and the referenced bytes, for the store's objects. */
static int
lru_arrays(struct mim_obj *t)
{
	struct mim_lru_obj *l = lru_obj(t);
	uint32_t n = l->h.nb_objs;

	l->prev = mim_calloc(n, sizeof(*l->prev));
	l->next = mim_calloc(n, sizeof(*l->next));
	l->list = mim_calloc(n, sizeof(*l->list));
	t->dp.lru_refs = mim_zmalloc(n, t->socket_id);
	if (l->prev == NULL || l->next == NULL || l->list == NULL ||
	    t->dp.lru_refs == NULL) {
		free(l->prev);
		free(l->next);
		free(l->list);
		mim_free(t->dp.lru_refs);
		return mim_err(ENOMEM, "no memory for the LRU links of %u values",
			       n);
	}
	t->dp.lru_nb_objs = n;
	t->dp.lru_base = (uintptr_t)l->h.store + t->dp.elem_size;
	return 0;
}

static int
lru_alloc(struct mim_obj *t, const struct mim_attr *attr)
{
	struct mim_lru_obj *l = lru_obj(t);
	struct mim_attr a = *attr;
	uint32_t key_part = RTE_ALIGN_CEIL(attr->key_size, 8), i;
	uint32_t obj = rte_align32pow2(key_part +
				       RTE_ALIGN_CEIL(attr->value_size, 8));
	int ret;

	l->nb_lists = attr->map_flags & MIM_F_NO_COMMON_LRU ?
		RTE_MAX_LCORE + 1 : 1;
	/* As htab_map_alloc() rounds to the CPUs: every list has keys. */
	if (l->nb_lists > 1) {
		uint64_t up = ((uint64_t)a.max_entries + l->nb_lists - 1) /
			l->nb_lists * l->nb_lists;

		a.max_entries = up <= UINT32_MAX ? (uint32_t)up :
			a.max_entries / l->nb_lists * l->nb_lists;
		t->dp.max_entries = a.max_entries;
		t->meta.max_entries = a.max_entries;
	}
	if (obj == 0 || obj > MIM_VALUE_SIZE_MAX)
		return mim_err(E2BIG, "key_size + value_size: a value object of over %u bytes",
			       MIM_VALUE_SIZE_MAX);
	l->lists = mim_calloc(l->nb_lists, sizeof(*l->lists));
	if (l->lists == NULL)
		return mim_err(ENOMEM, "no memory for %u LRU lists",
			       l->nb_lists);
	for (i = 0; i < l->nb_lists; i++) {
		l->lists[i].head = NIL;
		l->lists[i].tail = NIL;
		l->lists[i].cap = a.max_entries / l->nb_lists;
	}
	ret = mim_hash_build(t, &a, obj, true);
	if (ret != 0) {
		free(l->lists);
		return ret;
	}
	t->dp.elem_size = key_part;   /* every key kept in its object */
	t->dp.lru_shift = (uint32_t)rte_log2_u32(obj);
	RTE_ASSERT(l->h.obj_bytes == obj);
	ret = lru_arrays(t);
	if (ret != 0) {
		mim_hash_free(t);
		free(l->lists);
	}
	return ret;
}

static void
lru_free(struct mim_obj *t)
{
	struct mim_lru_obj *l = lru_obj(t);

	mim_hash_free(t);
	mim_free(t->dp.lru_refs);
	free(l->prev);
	free(l->next);
	free(l->list);
	free(l->lists);
}

/* Unpublish the least recently used key of list li, into r. */
static void
lru_evict(struct mim_obj *t, uint32_t li, struct mim_retire *r)
{
	struct mim_lru_obj *l = lru_obj(t);
	uint32_t i = clock_victim(l, li);
	int32_t pos = mim_cuckoo_find(t, idx_key(t, i));

	RTE_ASSERT(pos >= 0);
	list_unlink(l, i);
	r->pos = (uint32_t)pos;
	r->obj = mim_hash_obj_of(t, mim_cuckoo_value(t, (uint32_t)pos));
	r->bytes = l->h.obj_bytes;
	mim_cuckoo_remove(t, &l->h.h, (uint32_t)pos);
	t->nb_entries--;
	l->nb_evictions++;
}

/* A new key: into the caller's list, evicting from it when it is full. */
static int
lru_insert(struct mim_obj *t, const void *key, void *v)
{
	struct mim_retire r = { .owner = t, .pos = MIM_RETIRE_NO_POS };
	struct mim_lru_obj *l = lru_obj(t);
	uint32_t li = list_of_caller(l);
	int ret;

	if (l->lists[li].nb >= l->lists[li].cap) {
		ret = mim_rcu_reserve();
		if (ret != 0)
			return ret;
		lru_evict(t, li, &r);
	}
	ret = mim_hash_insert(t, key, v);
	if (ret == 0) {
		list_push(l, idx_of(t, v), li);
		t->nb_entries++;
	}
	if (r.obj != NULL)
		mim_rcu_retire(&r);   /* evicted, even if the insert failed */
	return ret;
}

/* A value object from the store only: the pools have no referenced byte. */
static int
lru_obj_new(struct mim_obj *t, const void *key, const void *value, void **v)
{
	struct mim_hash_obj *ht = mim_hash_of(t);

	if (ht->nb_free == 0)
		mim_rcu_reclaim_all();
	if (ht->nb_free == 0)
		return mim_err(EBUSY, "all %u spare values wait for readers",
			       ht->nb_objs - t->dp.max_entries);
	return mim_hash_obj_new(t, key, value, t->dp.value_size, v);
}

/* htab_lru_map_update_elem(): never -E2BIG, a key is evicted instead. */
static int
lru_update_elem(struct mim_obj *t, const void *key, const void *value,
		uint64_t flags)
{
	struct mim_retire r = { .owner = t, .pos = MIM_RETIRE_NO_POS };
	struct mim_lru_obj *l = lru_obj(t);
	uint32_t old;
	int32_t pos;
	void *v;
	int ret;

	if (flags > MIM_EXIST)
		return mim_err(EINVAL, "unknown update flags 0x%" PRIx64, flags);
	pos = mim_cuckoo_find(t, key);
	if (pos >= 0 && flags == MIM_NOEXIST)
		return mim_err(EEXIST, "key exists (MIM_NOEXIST)");
	if (pos < 0 && flags == MIM_EXIST)
		return mim_err(ENOENT, "no such key (MIM_EXIST)");
	if (pos >= 0) {
		ret = mim_rcu_reserve();
		if (ret != 0)
			return ret;
	}
	ret = lru_obj_new(t, key, value, &v);
	if (ret != 0)
		return ret;
	if (pos < 0) {
		ret = lru_insert(t, key, v);
		if (ret != 0)
			mim_hash_obj_put(t, mim_hash_obj_of(t, v));
		return ret;
	}
	/* A new value: its key is the youngest of the list it was on. */
	old = idx_of(t, mim_cuckoo_value(t, (uint32_t)pos));
	list_unlink(l, old);
	list_push(l, idx_of(t, v), l->list[old]);
	r.obj = mim_hash_obj_of(t, mim_cuckoo_value(t, (uint32_t)pos));
	r.bytes = l->h.obj_bytes;
	mim_cuckoo_set(t, (uint32_t)pos, v);
	t->nb_replacements++;
	mim_rcu_retire(&r);
	return 0;
}

static int
lru_delete_elem(struct mim_obj *t, const void *key)
{
	struct mim_retire r = { .owner = t };
	struct mim_lru_obj *l = lru_obj(t);
	int32_t pos = mim_cuckoo_find(t, key);
	int ret;

	if (pos < 0)
		return mim_err(ENOENT, "no such key");
	ret = mim_rcu_reserve();
	if (ret != 0)
		return ret;
	list_unlink(l, idx_of(t, mim_cuckoo_value(t, (uint32_t)pos)));
	r.pos = (uint32_t)pos;
	r.obj = mim_hash_obj_of(t, mim_cuckoo_value(t, (uint32_t)pos));
	r.bytes = l->h.obj_bytes;
	mim_cuckoo_remove(t, &l->h.h, (uint32_t)pos);
	t->nb_entries--;
	mim_rcu_retire(&r);
	return 0;
}

int
mim_get_lru_stats(int id, struct mim_lru_stats *stats)
{
	struct mim_lru_stats st = { .sz = sizeof(st) };
	const struct mim_lru_obj *l;
	struct mim_obj *t;
	int ret = 0;

	mim_err_enter(__func__);
	if (stats == NULL)
		return mim_err(EINVAL, "stats is NULL");
	if (stats->sz < offsetofend(struct mim_lru_stats, nb_evictions))
		return mim_err(EINVAL, "stats->sz %zu too small (at least %zu)",
			       stats->sz,
			       offsetofend(struct mim_lru_stats, nb_evictions));
	if (mim_mp_secondary())
		return mim_mp_fwd_sized(MIM_MP_LRU_STATS, id, stats,
					stats->sz);
	mim_lock();
	t = mim_registry_lookup(id);
	if (t == NULL) {
		ret = mim_err(EBADF, "no table with id %d", id);
	} else if (t->dp.type != MIM_TYPE_LRU_HASH) {
		ret = mim_err(EINVAL, "table id %d is of type %s, not lru_hash", id,
			      mim_type_name(t->dp.type));
	} else {
		l = lru_obj(t);
		st.nb_evictions = l->nb_evictions;
		st.nb_lists = l->nb_lists;
		st.list_capacity = l->lists[0].cap;
	}
	mim_unlock();
	if (ret == 0)
		memcpy((uint8_t *)stats + sizeof(st.sz), (uint8_t *)&st +
		       sizeof(st.sz), RTE_MIN(stats->sz, sizeof(st)) -
		       sizeof(st.sz));
	return ret;
}

const struct mim_table_ops mim_lru_hash_ops = {
	.obj_size = sizeof(struct mim_lru_obj),
	.is_outer = false,
	.alloc_check = lru_check,
	.alloc = lru_alloc,
	.free = lru_free,
	/* The syscall's lookup does not mark use (as the kernel's
	 * htab_lru_map_lookup_elem_sys()): HASH's.
	 */
	.lookup_elem = mim_hash_lookup_elem,
	.update_elem = lru_update_elem,
	.delete_elem = lru_delete_elem,
	.get_next_key = mim_hash_get_next_key,
	/* Capacity may differ between inner tables (as HASH). */
	.meta_equal = mim_meta_equal,
	.release = mim_hash_release,
	.drop_slots = NULL,	/* values are not tables */
	.mem_bytes = mim_hash_mem_bytes,
};
