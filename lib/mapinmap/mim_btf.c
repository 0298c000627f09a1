/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * BTF-typed tables: the key and value types of a table, kept as libbpf
 * BTF, checked against the table's sizes, and compared member by member
 * when an inner table is put into an outer table whose template has them.
 *
 * The caller's struct btf is not kept: tables hold a reference to a copy
 * made with btf__raw_data() / btf__new(), and tables given the same BTF
 * (the usual case: every tenant's table from one object) share one copy.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "mim_private.h"

struct mim_btf {
	struct mim_btf *next;
	uint32_t refcnt;
	uint32_t size;
	struct btf *btf;
};

static struct mim_btf *copies;

int
mim_btf_share(const struct btf *src, struct mim_btf **out)
{
	const void *raw;
	struct mim_btf *b;
	uint32_t size;

	raw = btf__raw_data(src, &size);
	if (raw == NULL)
		return mim_err(ENOMEM, "cannot serialise the BTF");
	for (b = copies; b != NULL; b = b->next) {
		uint32_t sz;
		const void *mine = btf__raw_data(b->btf, &sz);

		if (sz == size && memcmp(mine, raw, size) == 0) {
			b->refcnt++;
			*out = b;
			return 0;
		}
	}
	b = mim_calloc(1, sizeof(*b));
	if (b == NULL)
		return mim_err(ENOMEM, "no memory for a BTF copy");
	b->btf = mim_fault() ? NULL : btf__new(raw, size);
	if (b->btf == NULL) {
		free(b);
		return mim_err(ENOMEM, "cannot copy the BTF (%u bytes)", size);
	}
	b->refcnt = 1;
	b->size = size;
	b->next = copies;
	copies = b;
	*out = b;
	return 0;
}

void
mim_btf_get(struct mim_btf *b)
{
	if (b != NULL)
		b->refcnt++;
}

void
mim_btf_put(struct mim_btf *b)
{
	struct mim_btf **pb;

	if (b == NULL || --b->refcnt != 0)
		return;
	for (pb = &copies; *pb != b; pb = &(*pb)->next)
		;
	*pb = b->next;
	btf__free(b->btf);
	free(b);
}

const struct btf *
mim_btf_of(const struct mim_btf *b)
{
	return b != NULL ? b->btf : NULL;
}

static const char *
kind_name(uint16_t kind)
{
	static const char *const names[] = {
		[BTF_KIND_INT] = "int", [BTF_KIND_PTR] = "pointer",
		[BTF_KIND_ARRAY] = "array", [BTF_KIND_STRUCT] = "struct",
		[BTF_KIND_UNION] = "union", [BTF_KIND_ENUM] = "enum",
		[BTF_KIND_FWD] = "forward declaration",
		[BTF_KIND_FLOAT] = "float", [BTF_KIND_ENUM64] = "enum64",
	};

	return kind < RTE_DIM(names) && names[kind] != NULL ? names[kind] :
		"type";
}

/* "struct nh (12 bytes)", "int unsigned short (2 bytes)". */
static const char *
describe(const struct btf *btf, uint32_t id, char *buf, size_t len)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;
	int64_t size;

	if (t == NULL) {
		snprintf(buf, len, "type id %u (missing)", id);
		return buf;
	}
	name = btf__name_by_offset(btf, t->name_off);
	size = btf__resolve_size(btf, id);
	snprintf(buf, len, "%s%s%s (%lld bytes)", kind_name(btf_kind(t)),
		 name != NULL && name[0] != '\0' ? " " : "",
		 name != NULL ? name : "", (long long)size);
	return buf;
}

/*
 * Every type reachable from a key or value type is checked once, before a
 * table takes the BTF: libbpf's btf__new() does not check that type ids
 * exist, that typedefs end, or that members fit, and the comparison with
 * a template must not meet such a type later. Work is linear in the types
 * and members reachable (each type is checked once), and recursion is
 * bounded by MIM_BTF_DEPTH_MAX.
 */
#define MIM_BTF_DEPTH_MAX 32
#define MIM_BTF_MOD_MAX 32   /* libbpf's MAX_RESOLVE_DEPTH */

enum { WALK_NEW, WALK_ON_PATH, WALK_DONE };

struct walk {
	const struct btf *btf;
	uint8_t *state;         /* WALK_* per type id */
	uint32_t cnt;           /* btf__type_cnt() */
	uint32_t root;
	const char *what;
};

static bool
is_mod(const struct btf_type *t)
{
	return btf_is_mod(t) || btf_is_typedef(t);
}

static int
walk_bad(const struct walk *w, const char *fmt, uint32_t a, uint32_t b)
{
	char detail[128];

	snprintf(detail, sizeof(detail), fmt, a, b);
	return mim_err(EINVAL, "BTF %s type id %u: %s", w->what, w->root,
		       detail);
}

/* Follow typedefs and qualifiers from id; *out: the type they name. */
static int
walk_resolve(const struct walk *w, uint32_t id, uint32_t from, uint32_t *out)
{
	const struct btf_type *t;
	uint32_t n;

	for (n = 0; ; n++) {
		if (id == 0)
			return walk_bad(w, "type id %u names void (type 0) where a sized type is needed",
					from, 0);
		if (id >= w->cnt)
			return walk_bad(w, "type id %u names type id %u, which does not exist",
					from, id);
		t = btf__type_by_id(w->btf, id);
		if (!is_mod(t))
			break;
		if (n == MIM_BTF_MOD_MAX || w->state[id] == WALK_ON_PATH)
			return walk_bad(w, "type id %u: typedefs and qualifiers loop or chain more than %u deep",
					id, MIM_BTF_MOD_MAX);
		from = id;
		id = t->type;
	}
	*out = id;
	return 0;
}

static int walk_type(struct walk *w, uint32_t id, uint32_t from, int depth);

static int
walk_members(struct walk *w, uint32_t id, const struct btf_type *t,
	     int depth)
{
	const struct btf_member *m = btf_members(t);
	uint64_t bits, end, tbits = (uint64_t)t->size * 8;
	uint16_t i;
	int64_t sz;
	int ret;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		ret = walk_type(w, m->type, id, depth + 1);
		if (ret != 0)
			return ret;
		sz = btf__resolve_size(w->btf, m->type);
		if (sz < 0)
			return walk_bad(w, "type id %u: member %u has no size",
					id, i);
		bits = btf_member_bitfield_size(t, i);
		if (bits == 0)
			bits = (uint64_t)sz * 8;
		end = btf_member_bit_offset(t, i) + bits;
		if (end > tbits)
			return walk_bad(w, "type id %u: member %u ends beyond the type's size",
					id, i);
	}
	return 0;
}

static int
walk_type(struct walk *w, uint32_t id, uint32_t from, int depth)
{
	const struct btf_type *t;
	int ret;

	ret = walk_resolve(w, id, from, &id);
	if (ret != 0)
		return ret;
	if (w->state[id] == WALK_DONE)
		return 0;
	if (w->state[id] == WALK_ON_PATH)
		return walk_bad(w, "type id %u contains itself (named again by type id %u)",
				id, from);
	if (depth > MIM_BTF_DEPTH_MAX)
		return walk_bad(w, "type id %u nests more than %u levels deep",
				id, MIM_BTF_DEPTH_MAX);
	t = btf__type_by_id(w->btf, id);
	w->state[id] = WALK_ON_PATH;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_PTR:      /* sized; the pointee is not part of it */
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FLOAT:
		break;
	case BTF_KIND_ARRAY:
		ret = walk_type(w, btf_array(t)->type, id, depth + 1);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		ret = walk_members(w, id, t, depth);
		break;
	default:
		ret = walk_bad(w, "type id %u is of BTF kind %u, which cannot be part of a key or value",
			       id, btf_kind(t));
	}
	w->state[id] = WALK_DONE;
	return ret;
}

static int
btf_validate(const struct btf *btf, uint32_t id, const char *what)
{
	struct walk w = { .btf = btf, .cnt = btf__type_cnt(btf), .root = id,
			  .what = what };
	int ret;

	w.state = mim_calloc(w.cnt, 1);
	if (w.state == NULL)
		return mim_err(ENOMEM, "no memory to check the BTF's %u types",
			       w.cnt);
	ret = walk_type(&w, id, id, 0);
	free(w.state);
	return ret;
}

int
mim_btf_check_type(const struct btf *btf, uint32_t id, uint32_t size,
		   const char *what)
{
	int64_t tsize;
	int rid;
	char d[96];

	if (btf__base_btf(btf) != NULL)
		return mim_err(EINVAL, "split BTF (with a base BTF) is not supported: give a standalone BTF");
	if (id >= btf__type_cnt(btf))
		return mim_err(EINVAL, "BTF %s type id %u does not exist", what,
			       id);
	if (id != 0) {
		int ret = btf_validate(btf, id, what);

		if (ret != 0)
			return ret;
	}
	rid = btf__resolve_type(btf, id);
	tsize = btf__resolve_size(btf, id);
	if (rid < 0 || tsize < 0)
		return mim_err(EINVAL, "BTF %s type id %u has no size", what, id);
	if ((uint64_t)tsize != size)
		return mim_err(EINVAL, "BTF %s type %s does not match %s_size %u",
			       what, describe(btf, (uint32_t)rid, d, sizeof(d)),
			       what, size);
	return 0;
}

/*
 * The comparison with a template remembers the pairs of composite types it
 * found equal (a set of (inner id, template id) pairs), so that a type
 * named by many members is compared once: the work is linear in the
 * members of the distinct pairs met. A budget of steps bounds the rest
 * (pairs of types that differ in id but not in shape).
 */
#define MIM_BTF_CMP_STEPS_MAX (1U << 20)

struct cmp {
	const struct btf *a, *b;  /* inner, template */
	char path[96];
	char *why;
	size_t len;
	uint64_t *seen;           /* open addressing; 0 is an empty slot */
	uint32_t seen_mask;       /* capacity - 1 (capacity 0: no set) */
	uint32_t seen_cnt;
	uint32_t steps;
};

static uint64_t
pair_key(uint32_t ida, uint32_t idb)
{
	return ((uint64_t)ida + 1) << 32 | idb;   /* never 0 */
}

static uint32_t
pair_slot(uint64_t key, uint32_t mask)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
}

static bool
pair_seen(const struct cmp *c, uint32_t ida, uint32_t idb)
{
	uint64_t key = pair_key(ida, idb);
	uint32_t i;

	if (c->seen == NULL)
		return false;
	for (i = pair_slot(key, c->seen_mask); c->seen[i] != 0;
	     i = (i + 1) & c->seen_mask)
		if (c->seen[i] == key)
			return true;
	return false;
}

static void
pair_insert(uint64_t *set, uint32_t mask, uint64_t key)
{
	uint32_t i;

	for (i = pair_slot(key, mask); set[i] != 0; i = (i + 1) & mask)
		;
	set[i] = key;
}

/*
 * Remember an equal pair. Without memory the comparison goes on without
 * the set (the budget still bounds it): not an allocation point of the
 * fault suite, as failing it changes no result.
 */
static void
pair_add(struct cmp *c, uint32_t ida, uint32_t idb)
{
	uint32_t cap = c->seen_mask + 1, i;
	uint64_t *bigger;

	if (c->seen == NULL || 2 * (c->seen_cnt + 1) > cap) {
		cap = c->seen == NULL ? 64 : 2 * cap;
		bigger = calloc(cap, sizeof(*bigger));
		if (bigger == NULL)
			return;
		for (i = 0; c->seen != NULL && i <= c->seen_mask; i++)
			if (c->seen[i] != 0)
				pair_insert(bigger, cap - 1, c->seen[i]);
		free(c->seen);
		c->seen = bigger;
		c->seen_mask = cap - 1;
	}
	pair_insert(c->seen, c->seen_mask, pair_key(ida, idb));
	c->seen_cnt++;
}

static int cmp_types(struct cmp *c, uint32_t ida, uint32_t idb, int depth);

static int
cmp_members(struct cmp *c, const struct btf_type *ta,
	    const struct btf_type *tb, int depth)
{
	const struct btf_member *ma = btf_members(ta), *mb = btf_members(tb);
	uint16_t i, n = RTE_MIN(btf_vlen(ta), btf_vlen(tb));
	size_t plen = strlen(c->path);
	int ret;

	for (i = 0; i < n; i++, ma++, mb++) {
		const char *na = btf__name_by_offset(c->a, ma->name_off);
		const char *nb = btf__name_by_offset(c->b, mb->name_off);

		snprintf(c->path + plen, sizeof(c->path) - plen, ".%s",
			 nb != NULL && nb[0] ? nb : "(anonymous)");
		if (strcmp(na ? na : "", nb ? nb : "") != 0) {
			snprintf(c->why, c->len, "member %u is '%s', the template's is '%s'",
				 i, na ? na : "", c->path + plen + 1);
			return -EINVAL;
		}
		if (btf_member_bit_offset(ta, i) != btf_member_bit_offset(tb, i) ||
		    btf_member_bitfield_size(ta, i) != btf_member_bitfield_size(tb, i)) {
			snprintf(c->why, c->len, "%s is at bit %u (%u bits), the template's at bit %u (%u bits)",
				 c->path, btf_member_bit_offset(ta, i),
				 btf_member_bitfield_size(ta, i),
				 btf_member_bit_offset(tb, i),
				 btf_member_bitfield_size(tb, i));
			return -EINVAL;
		}
		ret = cmp_types(c, ma->type, mb->type, depth + 1);
		if (ret != 0)
			return ret;
		c->path[plen] = '\0';
	}
	if (btf_vlen(ta) != btf_vlen(tb)) {
		snprintf(c->why, c->len, "%s has %u members, the template's %u",
			 c->path[0] ? c->path : "the type", btf_vlen(ta),
			 btf_vlen(tb));
		return -EINVAL;
	}
	return 0;
}

static int
cmp_types(struct cmp *c, uint32_t ida, uint32_t idb, int depth)
{
	const struct btf_type *ta, *tb;
	char da[96], db[96];
	size_t plen = strlen(c->path);
	int ra, rb, ret;
	uint16_t k;

	if (++c->steps > MIM_BTF_CMP_STEPS_MAX) {
		snprintf(c->why, c->len, "the comparison gave up after %u steps",
			 MIM_BTF_CMP_STEPS_MAX);
		return -EINVAL;
	}
	/* Checked at mim_create(); a type that does not resolve differs. */
	ra = btf__resolve_type(c->a, ida);
	rb = btf__resolve_type(c->b, idb);
	if (ra <= 0 || rb <= 0) {
		snprintf(c->why, c->len, "%s%stype id %u does not resolve to a sized type",
			 c->path, c->path[0] ? ": " : "", ra <= 0 ? ida : idb);
		return -EINVAL;
	}
	ida = (uint32_t)ra;
	idb = (uint32_t)rb;
	ta = btf__type_by_id(c->a, ida);
	tb = btf__type_by_id(c->b, idb);
	k = btf_kind(ta);
	if (depth > MIM_BTF_DEPTH_MAX)
		goto differ;
	if (k != btf_kind(tb) ||
	    btf__resolve_size(c->a, ida) != btf__resolve_size(c->b, idb))
		goto differ;
	switch (k) {
	case BTF_KIND_INT:
		if (btf_int_encoding(ta) != btf_int_encoding(tb) ||
		    btf_int_bits(ta) != btf_int_bits(tb) ||
		    btf_int_offset(ta) != btf_int_offset(tb))
			goto differ;
		return 0;
	case BTF_KIND_ARRAY:
		if (btf_array(ta)->nelems != btf_array(tb)->nelems)
			goto differ;
		if (pair_seen(c, ida, idb))
			return 0;
		snprintf(c->path + plen, sizeof(c->path) - plen, "[]");
		ret = cmp_types(c, btf_array(ta)->type, btf_array(tb)->type,
				depth + 1);
		c->path[plen] = '\0';
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (pair_seen(c, ida, idb))
			return 0;
		ret = cmp_members(c, ta, tb, depth);
		break;
	default:
		/* Pointers, enums, floats: kind and size, compared above. */
		return 0;
	}
	if (ret == 0)
		pair_add(c, ida, idb);
	return ret;
differ:
	snprintf(c->why, c->len, "%s%s%s != template %s",
		 c->path[0] ? c->path : "", c->path[0] ? ": " : "",
		 describe(c->a, ida, da, sizeof(da)),
		 describe(c->b, idb, db, sizeof(db)));
	return -EINVAL;
}

int
mim_btf_type_equal(const struct mim_btf *inner, uint32_t iid,
		   const struct mim_btf *tmpl, uint32_t tid, const char *what,
		   char *why, size_t len)
{
	char detail[200];
	struct cmp c = { .a = inner->btf, .b = tmpl->btf, .why = detail,
			 .len = sizeof(detail) };
	int ret;

	c.path[0] = '\0';
	ret = cmp_types(&c, iid, tid, 0);
	free(c.seen);
	if (ret == 0)
		return 0;
	snprintf(why, len, "BTF %s type differs from the template's: %s", what,
		 detail);
	return -EINVAL;
}
