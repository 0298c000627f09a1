/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * MIM_TYPE_LPM: IPv4 longest-prefix match on rte_lpm, with the key and
 * semantics of the kernel's BPF_MAP_TYPE_LPM_TRIE.
 *
 * rte_lpm stores a 24-bit next hop per route. Here the next hop is the index
 * of a *value slot*, and values (value_size bytes each) live in a slot array
 * read by the data path: identical values share one slot (routes usually
 * share a few next hops, so the slots stay in cache), a slot no route uses
 * any more is retired and reused after a grace period, and a route's value
 * changes by pointing it at another slot, never by rewriting a slot a
 * reader may be reading.
 *
 * rte_lpm has no /0 route: the default route's slot is kept in the table's
 * lpm_default field and used by the data path when rte_lpm misses. Exact
 * prefixes, for the control plane (lookups bounded by prefixlen, flags,
 * iteration), are kept in an rte_hash of rules; the value -> slot index is
 * another. Both are touched by the control plane only.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lpm.h>

#include "mim_private.h"

#define LPM_VALUE_SIZE_MAX 256U
#define LPM_MAX_ENTRIES (1U << 23)
#define LPM_TBL8_DEFAULT 4096U

/* A route as the rules hash keys it: host-order address, masked. */
struct lpm_rule {
	uint32_t depth;
	uint32_t ip;
};

struct mim_lpm_obj {
	struct mim_obj base;
	struct rte_hash *rules;     /* struct lpm_rule -> slot */
	struct rte_hash *vals;      /* value bytes -> slot */
	struct mim_rte_hash_iter cursor;
	uint32_t *slot_refs;        /* routes per slot */
	uint32_t *free_slots;       /* stack of free slots */
	uint32_t nb_free;
	uint32_t nb_slots;
	bool rcu;                   /* rte_lpm holds the first QSBR variable */
};

static struct mim_lpm_obj *
ltab(struct mim_obj *t)
{
	return container_of(t, struct mim_lpm_obj, base);
}

static uint32_t
depth_mask(uint32_t depth)
{
	return depth == 0 ? 0 : UINT32_MAX << (32 - depth);
}

static void
rule_of_key(const struct mim_lpm_key *k, uint32_t depth, struct lpm_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->depth = depth;
	r->ip = rte_be_to_cpu_32(k->addr) & depth_mask(depth);
}

static uint8_t *
slot_value(struct mim_obj *t, uint32_t slot)
{
	return t->dp.lpm_values + (size_t)slot * t->dp.elem_size;
}

/* ---- creation ------------------------------------------------------------- */

/* trie_alloc()'s checks, in the kernel's order (see doc for deviations). */
static int
lpm_alloc_check(const struct mim_attr *attr)
{
	const uint32_t flags_ok = MIM_F_NO_PREALLOC | MIM_F_NUMA_NODE;

	if (attr->max_entries == 0)
		return mim_err(EINVAL, "max_entries is 0");
	if (attr->map_flags & ~flags_ok)
		return mim_err(EINVAL, "map_flags 0x%x not supported by lpm",
			       attr->map_flags & ~flags_ok);
	if (attr->key_size != sizeof(struct mim_lpm_key))
		return mim_err(EINVAL, "key_size %u: LPM keys are struct mim_lpm_key (8 bytes, IPv4)",
			       attr->key_size);
	if (attr->value_size == 0)
		return mim_err(EINVAL, "value_size is 0");
	if (attr->value_size > LPM_VALUE_SIZE_MAX)
		return mim_err(E2BIG, "value_size %u above %u for LPM tables",
			       attr->value_size, LPM_VALUE_SIZE_MAX);
	if (attr->max_entries > LPM_MAX_ENTRIES)
		return mim_err(E2BIG, "max_entries %u above %u (rte_lpm's 24-bit next hops index the value slots)",
			       attr->max_entries, LPM_MAX_ENTRIES);
	if (attr->lpm_tbl8_groups > RTE_LPM_MAX_TBL8_NUM_GROUPS)
		return mim_err(EINVAL, "lpm_tbl8_groups %u above %u",
			       attr->lpm_tbl8_groups,
			       RTE_LPM_MAX_TBL8_NUM_GROUPS);
	return 0;
}

/*
 * The control-plane indexes of an LPM table are rte_hash tables.
 *
 * The seed is chosen so that the all-zero key (the /0 route's rule, a zero
 * value) does not hash to a short signature of 0: in DPDK 22.11, rte_hash's
 * update path (search_and_update()) compares the key with the entry of any
 * slot whose signature matches without checking that the slot is in use,
 * and an empty slot has signature 0 and points at the all-zero dummy key.
 * With CRC and seed 0 the all-zero key has signature 0, so replacing its
 * value after an earlier slot of its bucket emptied would add a second
 * entry (found by the conformance suite).
 */
static struct rte_hash *
cp_hash_create(const char *prefix, uint64_t serial, uint32_t entries,
		    uint32_t key_len, int socket_id, uint8_t extra_flag)
{
	static const uint8_t zero[LPM_VALUE_SIZE_MAX];
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = entries,
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.hash_func_init_val = 0x9e3779b9,
		.socket_id = socket_id,
		.extra_flag = extra_flag,
	};

	RTE_ASSERT(key_len <= sizeof(zero));
	while ((rte_hash_crc(zero, key_len, p.hash_func_init_val) >> 16) == 0)
		p.hash_func_init_val++;
	/* rte_hash names must be process-unique and leave room for the
	 * "HT_" of its ring: a serial number, never reused.
	 */
	snprintf(name, sizeof(name), "%s%" PRIu64, prefix, serial);
	if (mim_fault()) {
		rte_errno = ENOMEM;
		return NULL;
	}
	return rte_hash_create(&p);
}

/* The control-plane indexes: at most max_entries keys, buckets <= 80% full. */
static uint32_t
cp_entries(uint32_t max_entries)
{
	return RTE_MAX(max_entries + max_entries / 4, 8U);
}

static void lpm_free(struct mim_obj *t);

static int
lpm_alloc(struct mim_obj *t, const struct mim_attr *attr)
{
	struct mim_lpm_obj *l = ltab(t);
	struct rte_lpm_config cfg = {
		.max_rules = attr->max_entries,
		.number_tbl8s = attr->lpm_tbl8_groups != 0 ?
			attr->lpm_tbl8_groups :
			RTE_MIN(attr->max_entries, LPM_TBL8_DEFAULT),
	};
	char name[RTE_LPM_NAMESIZE];
	const char *what;
	uint32_t i, mz;
	int err;

	t->dp.elem_size = RTE_ALIGN_CEIL(attr->value_size, 8);
	l->nb_slots = attr->max_entries + RTE_MAX(attr->max_entries / 4, 16U);

	snprintf(name, sizeof(name), "miml%" PRIu64, t->serial);
	what = "rte_lpm_create() (64 MiB of tbl24 and the tbl8 groups)";
	rte_errno = ENOMEM;
	if (!mim_fault())
		t->dp.u.lpm = rte_lpm_create(name, t->socket_id, &cfg);
	if (t->dp.u.lpm == NULL)
		goto nomem;
	/* Control plane only: no lock-free readers, no concurrency flag. */
	what = "the rule index (rte_hash_create())";
	l->rules = cp_hash_create("mimr", t->serial,
				       cp_entries(attr->max_entries),
				       sizeof(struct lpm_rule), t->socket_id, 0);
	if (l->rules == NULL)
		goto nomem;
	what = "the value index (rte_hash_create())";
	l->vals = cp_hash_create("mimq", t->serial,
				      cp_entries(attr->max_entries),
				      attr->value_size, t->socket_id, 0);
	if (l->vals == NULL)
		goto nomem;
	what = "the value slots";
	rte_errno = ENOMEM;
	t->dp.lpm_values = mim_zmalloc((size_t)l->nb_slots * t->dp.elem_size,
				       t->socket_id);
	l->slot_refs = mim_calloc(l->nb_slots, sizeof(uint32_t));
	l->free_slots = mim_calloc(l->nb_slots, sizeof(uint32_t));
	if (t->dp.lpm_values == NULL || l->slot_refs == NULL ||
	    l->free_slots == NULL)
		goto nomem;
	/* Hand out low slots first: they share cache lines. */
	for (i = 0; i < l->nb_slots; i++)
		l->free_slots[i] = l->nb_slots - 1 - i;
	l->nb_free = l->nb_slots;
	return 0;
nomem:
	/* rte_errno as the failing DPDK call left it: ENOSPC when the
	 * memzones (RTE_MAX_MEMZONE) are all in use, ENOMEM for memory.
	 */
	err = rte_errno;
	mz = mim_memzone_count();
	lpm_free(t);
	if (err == ENOSPC)
		return mim_err(ENOMEM, "cannot allocate an LPM table of %u routes: %s failed: all %u memzones are in use (RTE_MAX_MEMZONE)",
			       attr->max_entries, what, mz);
	return mim_err(ENOMEM, "cannot allocate an LPM table of %u routes (%u tbl8 groups): %s failed: %s",
		       attr->max_entries, cfg.number_tbl8s, what,
		       err != 0 ? rte_strerror(err) : "out of memory");
}

static void
lpm_free(struct mim_obj *t)
{
	struct mim_lpm_obj *l = ltab(t);

	/* rte_lpm_free() also deletes rte_lpm's tbl8 defer queue; its
	 * entries are older than this table's release, so every one of
	 * them has passed its grace period on the same first variable.
	 */
	rte_lpm_free(t->dp.u.lpm);
	rte_hash_free(l->rules);
	rte_hash_free(l->vals);
	mim_free(t->dp.lpm_values);
	free(l->slot_refs);
	free(l->free_slots);
}

static int
lpm_rcu_attach(struct mim_obj *t, struct rte_rcu_qsbr *v, bool sync)
{
	struct rte_lpm_rcu_config cfg = {
		.v = v,
		.mode = sync ? RTE_LPM_QSBR_MODE_SYNC : RTE_LPM_QSBR_MODE_DQ,
	};
	uint32_t mz = mim_memzone_count();
	uint64_t heap = mim_heap_allocated();
	char d[64];

	if (mim_fault() || rte_lpm_rcu_qsbr_add(t->dp.u.lpm, &cfg) != 0)
		return mim_err(ENOMEM, "LPM table %s cannot take the QSBR variable: %s",
			       mim_obj_desc(t, d, sizeof(d)),
			       rte_strerror(rte_errno));
	ltab(t)->rcu = true;
	t->memzones += mim_memzone_count() - mz;
	t->mem_bytes += mim_heap_allocated() - heap;
	return 0;
}

static bool
lpm_rcu_uses(const struct mim_obj *t)
{
	return container_of(t, struct mim_lpm_obj, base)->rcu;
}

/* ---- value slots ---------------------------------------------------------- */

/* The slot holding value: an existing one, or a new one written now. */
static int
slot_get(struct mim_obj *t, const void *value, uint32_t *slot, bool *is_new)
{
	struct mim_lpm_obj *l = ltab(t);
	void *data;
	int ret;

	if (rte_hash_lookup_data(l->vals, value, &data) >= 0) {
		*slot = (uint32_t)(uintptr_t)data;
		*is_new = false;
		return 0;
	}
	if (l->nb_free == 0)
		mim_rcu_reclaim_all();
	if (l->nb_free == 0)
		return mim_err(EBUSY, "no free value slot: %u slots wait for readers",
			       mim_rcu_pending());
	*slot = l->free_slots[--l->nb_free];
	memcpy(slot_value(t, *slot), value, t->dp.value_size);
	ret = rte_hash_add_key_data(l->vals, value,
				    (void *)(uintptr_t)*slot);
	if (ret != 0) {
		l->free_slots[l->nb_free++] = *slot;
		return mim_err(ENOSPC, "value index full: %s",
			       rte_strerror(-ret));
	}
	*is_new = true;
	return 0;
}

/* Undo slot_get() of a new slot that was never published. */
static void
slot_unget(struct mim_obj *t, uint32_t slot)
{
	struct mim_lpm_obj *l = ltab(t);

	rte_hash_del_key(l->vals, slot_value(t, slot));
	l->free_slots[l->nb_free++] = slot;
}

/* Drop a route's use of slot; the last use retires it (*r). */
static void
slot_put(struct mim_obj *t, uint32_t slot, struct mim_retire *r)
{
	struct mim_lpm_obj *l = ltab(t);

	if (--l->slot_refs[slot] != 0)
		return;
	/* No new route may share it from now on; readers may still be
	 * reading it, so it is reused only after a grace period.
	 */
	rte_hash_del_key(l->vals, slot_value(t, slot));
	r->owner = t;
	r->pos = slot;
	r->bytes = t->dp.elem_size;
}

static void
lpm_release(struct mim_obj *t, const struct mim_retire *r)
{
	struct mim_lpm_obj *l = ltab(t);
	uint32_t slot = r->pos;

	mim_poison(slot_value(t, slot), t->dp.elem_size);
	l->free_slots[l->nb_free++] = slot;
}

/* ---- routes --------------------------------------------------------------- */

static void
lpm_set_default(struct mim_obj *t, uint32_t v)
{
	/* Pairs with the acquire load in __mim_lpm_lookup(). */
	__atomic_store_n(&t->dp.lpm_default, v, __ATOMIC_RELEASE);
}

/* Point the route at slot (add or change); rte_lpm's errors are returned. */
static int
route_publish(struct mim_obj *t, const struct lpm_rule *r, uint32_t slot)
{
	/* The slot's value is written before rte_lpm's (relaxed) entry
	 * stores make it reachable; readers follow an address dependency
	 * from the next hop to the slot.
	 */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (r->depth == 0) {
		lpm_set_default(t, slot + 1);
		return 0;
	}
	return rte_lpm_add(t->dp.u.lpm, r->ip, (uint8_t)r->depth, slot);
}

static int
lpm_update_elem(struct mim_obj *t, const void *key, const void *value,
		uint64_t flags)
{
	const struct mim_lpm_key *k = key;
	struct mim_lpm_obj *l = ltab(t);
	struct mim_retire r = { .owner = NULL };
	struct lpm_rule rule;
	uint32_t old = 0, slot = 0;
	bool exists, is_new = false;
	void *data;
	int ret;

	if (flags > MIM_EXIST)
		return mim_err(EINVAL, "unknown update flags 0x%" PRIx64, flags);
	if (k->prefixlen > 32)
		return mim_err(EINVAL, "prefixlen %u above 32", k->prefixlen);
	rule_of_key(k, k->prefixlen, &rule);
	exists = rte_hash_lookup_data(l->rules, &rule, &data) >= 0;
	if (exists)
		old = (uint32_t)(uintptr_t)data;
	if (exists && flags == MIM_NOEXIST)
		return mim_err(EEXIST, "prefix exists (MIM_NOEXIST)");
	if (!exists && flags == MIM_EXIST)
		return mim_err(ENOENT, "no such prefix (MIM_EXIST)");
	if (!exists && t->nb_entries >= t->dp.max_entries)
		return mim_err(ENOSPC, "table is full (max_entries %u)",
			       t->dp.max_entries);
	if (exists && memcmp(slot_value(t, old), value, t->dp.value_size) == 0)
		return 0;   /* same value: nothing to publish */
	if (exists && l->slot_refs[old] == 1) {
		ret = mim_rcu_reserve();
		if (ret != 0)
			return ret;
	}
	ret = slot_get(t, value, &slot, &is_new);
	if (ret != 0)
		return ret;
	ret = rte_hash_add_key_data(l->rules, &rule, (void *)(uintptr_t)slot);
	if (ret != 0) {
		ret = mim_err(ENOSPC, "rule index full: %s", rte_strerror(-ret));
		goto undo_slot;
	}
	ret = route_publish(t, &rule, slot);
	if (ret != 0) {
		ret = mim_err(ret == -ENOSPC ? ENOSPC : -ret,
			      "rte_lpm_add(/%u) failed: %s", rule.depth,
			      ret == -ENOSPC ? "no tbl8 group left (see lpm_tbl8_groups)" :
			      rte_strerror(-ret));
		if (exists)
			rte_hash_add_key_data(l->rules, &rule,
					      (void *)(uintptr_t)old);
		else
			rte_hash_del_key(l->rules, &rule);
		goto undo_slot;
	}
	l->slot_refs[slot]++;
	if (!exists) {
		t->nb_entries++;
		return 0;
	}
	t->nb_replacements++;
	slot_put(t, old, &r);
	if (r.owner != NULL)
		mim_rcu_retire(&r);
	return 0;
undo_slot:
	if (is_new)
		slot_unget(t, slot);
	return ret;
}

static int
lpm_delete_elem(struct mim_obj *t, const void *key)
{
	const struct mim_lpm_key *k = key;
	struct mim_lpm_obj *l = ltab(t);
	struct mim_retire r = { .owner = NULL };
	struct lpm_rule rule;
	uint32_t old;
	void *data;
	int ret;

	if (k->prefixlen > 32)
		return mim_err(EINVAL, "prefixlen %u above 32", k->prefixlen);
	rule_of_key(k, k->prefixlen, &rule);
	if (rte_hash_lookup_data(l->rules, &rule, &data) < 0)
		return mim_err(ENOENT, "no such prefix");
	old = (uint32_t)(uintptr_t)data;
	/* rte_lpm_delete() may wait for readers itself (SYNC mode). */
	ret = l->slot_refs[old] == 1 ? mim_rcu_reserve() : mim_rcu_sync_check();
	if (ret != 0)
		return ret;
	if (rule.depth == 0) {
		lpm_set_default(t, 0);
	} else {
		ret = rte_lpm_delete(t->dp.u.lpm, rule.ip, (uint8_t)rule.depth);
		/* Fails only if rte_lpm's own tbl8 queue is full, after it
		 * removed the route: the route is gone either way.
		 */
		if (ret != 0)
			MIM_LOG(WARNING, "rte_lpm_delete(/%u): %s", rule.depth,
				rte_strerror(-ret));
	}
	rte_hash_del_key(l->rules, &rule);
	t->nb_entries--;
	slot_put(t, old, &r);
	if (r.owner != NULL)
		mim_rcu_retire(&r);
	return 0;
}

/* trie_lookup_elem(): longest stored prefix of at most prefixlen bits. */
static int
lpm_lookup_elem(struct mim_obj *t, const void *key, void *value)
{
	const struct mim_lpm_key *k = key;
	struct lpm_rule rule;
	void *data;
	int d;

	if (k->prefixlen > 32)
		return -ENOENT;
	for (d = (int)k->prefixlen; d >= 0; d--) {
		rule_of_key(k, (uint32_t)d, &rule);
		if (rte_hash_lookup_data(ltab(t)->rules, &rule, &data) >= 0) {
			memcpy(value, slot_value(t, (uint32_t)(uintptr_t)data),
			       t->dp.value_size);
			return 0;
		}
	}
	return -ENOENT;
}

static int
lpm_get_next_key(struct mim_obj *t, const void *key, void *next_key)
{
	const struct mim_lpm_key *k = key;
	struct mim_lpm_key out;
	struct lpm_rule rule, next;
	int ret;

	/* A key that cannot be in the table starts the walk over. */
	if (k != NULL && k->prefixlen <= 32)
		rule_of_key(k, k->prefixlen, &rule);
	ret = mim_rte_hash_next_key(ltab(t)->rules, sizeof(rule),
				&ltab(t)->cursor,
				k != NULL && k->prefixlen <= 32 ? &rule : NULL,
				&next);
	if (ret != 0)
		return ret;
	out.prefixlen = next.depth;
	out.addr = rte_cpu_to_be_32(next.ip);
	memcpy(next_key, &out, sizeof(out));
	return 0;
}

const struct mim_table_ops mim_lpm_ops = {
	.obj_size = sizeof(struct mim_lpm_obj),
	.is_outer = false,
	.alloc_check = lpm_alloc_check,
	.alloc = lpm_alloc,
	.free = lpm_free,
	.lookup_elem = lpm_lookup_elem,
	.update_elem = lpm_update_elem,
	.delete_elem = lpm_delete_elem,
	.get_next_key = lpm_get_next_key,
	/* Capacity may differ between inner tables (as in the kernel). */
	.meta_equal = mim_meta_equal,
	.release = lpm_release,
	.drop_slots = NULL,	/* values are not tables */
	.rcu_attach = lpm_rcu_attach,
	.rcu_uses = lpm_rcu_uses,
	.mem_bytes = NULL,	/* mem_bytes (lpm_rcu_attach() adds to it) */
};
