/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The control-plane target's operations: one opcode byte, then operands.
 * Each operand is either taken from a small table of interesting values
 * (sizes at the limits, flags, sz of options) or read raw from the input.
 * Beyond not crashing, a few answers are checked against each other: a
 * held handle resolves, a close succeeds only on a held handle, a name
 * found names a live table, and data-path lookups (single and bulk) agree
 * with the control plane's copies.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <bpf/btf.h>

#include <mim.h>

#include "fuzz_api.h"

enum {
	OP_CREATE, OP_UPDATE, OP_LOOKUP, OP_DELETE, OP_NEXT_KEY, OP_CLOSE,
	OP_GET_BY_ID, OP_FIND, OP_INFO, OP_RCU_CONFIGURE, OP_QSBR_ADD,
	OP_QSBR_REMOVE, OP_READER, OP_RECLAIM, OP_BTF, OP_DATAPATH, OP_NEST,
	OP_NB
};

static const char *const op_names[OP_NB] = {
	"create", "update", "lookup", "delete", "next_key", "close",
	"get_by_id", "find", "info", "rcu_configure", "qsbr_add",
	"qsbr_remove", "reader", "reclaim", "btf", "datapath", "nest",
};

/* Element buffers above this are not worth their malloc. */
#define FZ_VALUE_MAX (1U << 20)

static const uint32_t types[] = {
	MIM_TYPE_ARRAY, MIM_TYPE_HASH, MIM_TYPE_LPM, MIM_TYPE_ARRAY_OF_TABLES,
	MIM_TYPE_HASH_OF_TABLES, MIM_TYPE_ARRAY, MIM_TYPE_HASH,
	MIM_TYPE_ARRAY_OF_TABLES, MIM_TYPE_HASH_OF_TABLES, 0, MIM_TYPE_MAX,
};
static const uint32_t key_sizes[] = {
	4, 8, 1, 2, 3, 16, 0, 5, 12, 20, 64, 511, 512, 513, 32, UINT32_MAX,
};
static const uint32_t value_sizes[] = {
	4, 8, 1, 16, 0, 256, 257, 3, 64, 1024, 4096, 65536,
	MIM_VALUE_SIZE_MAX - 48 - 8, MIM_VALUE_SIZE_MAX, INT_MAX, UINT32_MAX,
};
static const uint32_t max_entries[] = {
	1, 2, 4, 16, 64, 4096, 0, 3, 1000, 4097, UINT32_MAX, 1U << 31,
	(1U << 27) + 1, (1U << 23) + 1, (1U << 31) + 1, 7,
};
static const uint32_t map_flags[] = {
	0, 0, MIM_F_NO_PREALLOC, MIM_F_NUMA_NODE, MIM_F_INNER_MAP,
	MIM_F_NO_PREALLOC | MIM_F_INNER_MAP, 1U << 1, 1U << 3, 1U << 31,
};
static const int socket_ids[] = { -1, 0, 1, 7, INT_MIN, 255 };
static const uint32_t tbl8_groups[] = { 0, 1, 2, 256, 4096, 65536, UINT32_MAX };
static const uint64_t update_flags[] = { MIM_ANY, MIM_NOEXIST, MIM_EXIST, 3, 4, 1ULL << 32 };

/* A table name: none, empty, one of four (they collide), or raw bytes. */
static const char *
pick_name(struct fz_in *in, char buf[64])
{
	uint8_t b = fz_u8(in);
	size_t n;

	switch (b % 8) {
	case 0:
		return NULL;
	case 1:
		return "";
	case 2:   /* longest valid name, then one too long */
	case 3:
		n = MIM_NAMESIZE - 1 + (b % 8 == 3);
		memset(buf, 'n', n);
		buf[n] = '\0';
		return buf;
	case 4:
		n = fz_u8(in) % 40;
		fz_bytes(in, buf, n);
		buf[n] = '\0';
		return buf;
	default:
		snprintf(buf, 64, "t%u", (unsigned int)(b >> 3) % 4);
		return buf;
	}
}

/* The key and value sizes the BTF types have, where the type allows. */
static void
sizes_from_btf(const struct mim_create_opts *o, uint32_t type, uint32_t *ks,
	       uint32_t *vs)
{
	int64_t sz;

	if (o->btf == NULL)
		return;
	sz = btf__resolve_size(o->btf, o->btf_key_type_id);
	if (sz > 0 && sz <= MIM_KEY_SIZE_MAX &&
	    (type == MIM_TYPE_HASH || type == MIM_TYPE_HASH_OF_TABLES))
		*ks = (uint32_t)sz;
	sz = btf__resolve_size(o->btf, o->btf_value_type_id);
	if (sz > 0 && sz <= FZ_VALUE_MAX && type != MIM_TYPE_ARRAY_OF_TABLES &&
	    type != MIM_TYPE_HASH_OF_TABLES)
		*vs = (uint32_t)sz;
}

static void
op_create(struct fz_in *in, struct fz_state *s)
{
	struct {
		struct mim_create_opts o;
		uint8_t trailing[16];
	} ob;
	uint8_t shape = fz_u8(in);
	uint32_t type = shape & 0x80 ? fz_u32(in) : FZ_PICK(in, types);
	uint32_t ks = FZ_PICK(in, key_sizes), vs = FZ_PICK(in, value_sizes);
	uint32_t me = shape & 0x40 ? FZ_PICK(in, max_entries) :
		fz_u16(in) % 4096 + 1;
	char nbuf[64];
	const char *name = pick_name(in, nbuf);
	int id;

	if (shape & 1) {   /* the sizes each type needs */
		bool outer = type == MIM_TYPE_ARRAY_OF_TABLES ||
			type == MIM_TYPE_HASH_OF_TABLES;

		if (type != MIM_TYPE_HASH && type != MIM_TYPE_HASH_OF_TABLES)
			ks = type == MIM_TYPE_LPM ? 8 : 4;
		if (outer)
			vs = 4;
	}
	if (type == MIM_TYPE_LPM && s->nb_lpm++ >= FZ_MAX_LPM)
		return;
	memset(&ob, 0, sizeof(ob));
	ob.o.sz = fz_pick_sz(in, sizeof(ob.o), ob.trailing, sizeof(ob.trailing));
	ob.o.map_flags = fz_u8(in) == 0xff ? fz_u32(in) : FZ_PICK(in, map_flags);
	ob.o.socket_id = FZ_PICK(in, socket_ids);
	if (type == MIM_TYPE_ARRAY_OF_TABLES || type == MIM_TYPE_HASH_OF_TABLES ||
	    shape & 2)
		ob.o.inner_id = (uint32_t)fz_pick_id(in, s);
	ob.o.lpm_tbl8_groups = FZ_PICK(in, tbl8_groups);
	if (shape & 4) {
		uint8_t b = fz_u8(in);

		ob.o.btf = s->btf[b % FZ_MAX_BTFS];
		ob.o.btf_key_type_id = fz_u8(in);
		ob.o.btf_value_type_id = fz_u8(in);
		if (b & 0x80)   /* sizes from the types, so that they match */
			sizes_from_btf(&ob.o, type, &ks, &vs);
	}
	id = mim_create(type, name, ks, vs, me, shape & 8 ? NULL : &ob.o);
	FZ_TRACE("create(type %u, \"%s\", ks %u, vs %u, max %u, %s sz %zu flags %#x inner %u btf %p key %u value %u) = %d %s\n",
		 type, name != NULL ? name : "(null)", ks, vs, me,
		 shape & 8 ? "no opts" : "opts", ob.o.sz, ob.o.map_flags,
		 ob.o.inner_id, (const void *)ob.o.btf, ob.o.btf_key_type_id,
		 ob.o.btf_value_type_id, id, id < 0 ? mim_last_error() : "");
	if (id > 0)
		fz_hold(s, id);
}

/* Create a table and hold it; its ID, or a negative errno. */
static int
create_held(struct fz_state *s, uint32_t type, uint32_t ks, uint32_t vs,
	    const struct mim_create_opts *o)
{
	int id = mim_create(type, NULL, ks, vs, 4, o);

	FZ_TRACE("nest: create(type %u, ks %u, vs %u, btf %p key %u value %u) = %d %s\n",
		 type, ks, vs, (const void *)o->btf, o->btf_key_type_id,
		 o->btf_value_type_id, id, id < 0 ? mim_last_error() : "");
	if (id > 0)
		fz_hold(s, id);
	return id;
}

/*
 * The BTF comparison in one operation: a template and an inner table of
 * one type, with the BTF of two slots and sizes taken from the template's
 * types, an outer table of that template, and the inner table put in it.
 */
static void
op_nest(struct fz_in *in, struct fz_state *s)
{
	uint8_t b = fz_u8(in);
	uint32_t type = b & 1 ? MIM_TYPE_HASH : MIM_TYPE_ARRAY;
	uint32_t ks = 4, vs = 8, key = 0, tmpl_id, inner_id;
	int tmpl, inner, outer, ret;
	MIM_OPTS(mim_create_opts, ot, .btf = s->btf[(b >> 1) % FZ_MAX_BTFS],
		 .btf_key_type_id = fz_u8(in), .btf_value_type_id = fz_u8(in));
	MIM_OPTS(mim_create_opts, oi, .btf = s->btf[(b >> 3) % FZ_MAX_BTFS],
		 .btf_key_type_id = ot.btf_key_type_id,
		 .btf_value_type_id = ot.btf_value_type_id);

	if (b & 0x20) {   /* other type ids for the inner table */
		oi.btf_key_type_id = fz_u8(in);
		oi.btf_value_type_id = fz_u8(in);
	}
	sizes_from_btf(&ot, type, &ks, &vs);
	tmpl = create_held(s, type, ks, vs, &ot);
	inner = create_held(s, type, ks, vs, &oi);
	if (tmpl < 0 || inner < 0)
		return;
	tmpl_id = (uint32_t)tmpl;
	inner_id = (uint32_t)inner;
	MIM_OPTS(mim_create_opts, oo, .inner_id = tmpl_id);
	outer = mim_create(b & 0x40 ? MIM_TYPE_HASH_OF_TABLES :
			   MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4, 4, &oo);
	if (outer <= 0)
		return;
	fz_hold(s, outer);
	ret = mim_update_elem(outer, &key, &inner_id, MIM_ANY);
	FZ_TRACE("nest: update(outer %d, inner %d) = %d %s\n", outer, inner,
		 ret, ret < 0 ? mim_last_error() : "");
}

static void
fill_key(struct fz_in *in, uint8_t *key, uint32_t ks)
{
	uint32_t u;

	memset(key, 0, ks);
	switch (fz_u8(in) % 4) {
	case 0:   /* a small index, or a small hash key */
		u = fz_u8(in) % 8;
		memcpy(key, &u, ks < 4 ? ks : 4);
		break;
	case 1:   /* an LPM prefix */
		u = fz_u8(in) % 34;
		memcpy(key, &u, ks < 4 ? ks : 4);
		if (ks >= 8)
			fz_bytes(in, key + 4, 4);
		break;
	case 2:
		fz_bytes(in, key, ks);
		break;
	default:
		u = fz_u32(in);
		memcpy(key, &u, ks < 4 ? ks : 4);
		break;
	}
}

static bool
elem_prepare(struct fz_in *in, struct fz_state *s, struct fz_elem *e)
{
	bool outer;
	uint32_t u;

	memset(e, 0, sizeof(*e));
	e->id = fz_pick_id(in, s);
	e->known = mim_get_info(e->id, &e->info) == 0;
	e->ks = e->known ? e->info.key_size : 8;
	e->vs = e->known ? e->info.value_size : 8;
	/* A per-lcore table's calls take every lcore's copy. */
	if (e->known && (e->info.type == MIM_TYPE_PERCPU_ARRAY ||
			 e->info.type == MIM_TYPE_PERCPU_HASH) &&
	    e->vs <= FZ_VALUE_MAX)
		e->vs = mim_percpu_nb_copies() * ((e->vs + 7) & ~7U);
	if (e->ks > FZ_VALUE_MAX || e->vs > FZ_VALUE_MAX)
		return false;
	e->key = malloc(e->ks + (e->ks == 0));
	e->val = malloc(e->vs + (e->vs == 0));
	if (e->key == NULL || e->val == NULL)
		abort();
	fill_key(in, e->key, e->ks);
	outer = e->known && (e->info.type == MIM_TYPE_ARRAY_OF_TABLES ||
			     e->info.type == MIM_TYPE_HASH_OF_TABLES);
	if (outer && e->vs == 4) {
		u = (uint32_t)fz_pick_id(in, s);
		memcpy(e->val, &u, 4);
	} else if (fz_u8(in) & 1) {
		fz_bytes(in, e->val, e->vs);
	} else {
		memset(e->val, fz_u8(in), e->vs);
	}
	return true;
}

static void
elem_free(struct fz_elem *e)
{
	free(e->key);
	free(e->val);
}

static void
op_elem(struct fz_in *in, struct fz_state *s, int op)
{
	uint8_t nulls = fz_u8(in);
	struct fz_elem e;
	void *key, *val, *next;
	uint64_t flags = 0;
	int ret;

	if (!elem_prepare(in, s, &e))
		goto out;
	key = nulls == 0xff ? NULL : e.key;
	val = nulls == 0xfe ? NULL : e.val;
	if (op == OP_UPDATE)
		flags = fz_u8(in) == 0xff ? fz_u64(in) : FZ_PICK(in, update_flags);
	if (nulls & 0x10) {   /* the calls that take buffer sizes */
		ret = fz_elem_sized(in, &e, op - OP_UPDATE, flags);
		goto trace;
	}
	switch (op) {
	case OP_UPDATE:
		ret = mim_update_elem(e.id, key, val, flags);
		break;
	case OP_LOOKUP:
		ret = mim_lookup_elem(e.id, key, val);
		break;
	case OP_DELETE:
		ret = mim_delete_elem(e.id, key);
		break;
	default:
		next = malloc(e.ks + (e.ks == 0));
		if (next == NULL)
			abort();
		ret = mim_get_next_key(e.id, nulls & 1 ? NULL : key,
				       val == NULL ? NULL : next);
		free(next);
		break;
	}
trace:
	FZ_TRACE("%s%s(%d, key %s%02x.., ks %u vs %u) = %d %s\n", op_names[op],
		 nulls & 0x10 ? "_sz" : "", e.id, key == NULL ? "NULL " : "",
		 e.ks ? e.key[0] : 0, e.ks,
		 e.vs, ret, ret < 0 ? mim_last_error() : "");
out:
	elem_free(&e);
}

static void
op_close(struct fz_in *in, struct fz_state *s)
{
	int id = fz_pick_id(in, s);
	bool held = fz_held(s, id);
	int ret = mim_close(id);

	FZ_TRACE("close(%d) = %d %s\n", id, ret, ret < 0 ? mim_last_error() : "");
	if (ret != 0)
		return;
	if (!held) {
		fprintf(stderr, "fuzz_api: mim_close(%d) succeeded without a handle\n", id);
		abort();
	}
	fz_dropped(s, id);
}

static void
op_find(struct fz_in *in)
{
	struct mim_table_info info;
	char nbuf[64];
	int id = mim_find(pick_name(in, nbuf));

	if (id > 0 && mim_get_info(id, &info) != 0) {
		fprintf(stderr, "fuzz_api: mim_find() gave %d, which names no table\n", id);
		abort();
	}
}

static void
op_info(struct fz_in *in, struct fz_state *s)
{
	struct mim_table_info info;
	uint32_t kt, vt, next;
	const struct btf *btf;
	struct mim_rcu_stats rs;
	struct mim_stats st;
	int id = fz_pick_id(in, s);

	mim_get_info(id, fz_u8(in) == 0xff ? NULL : &info);
	if (mim_get_btf(id, &btf, &kt, &vt) == 0 && btf != NULL) {
		btf__type_by_id(btf, kt);
		btf__type_by_id(btf, vt);
	}
	mim_get_next_id(fz_u8(in) == 0xff ? fz_u32(in) : (uint32_t)id, &next);
	mim_type_name((enum mim_type)fz_u8(in));
	mim_table(id);
	mim_get_stats(&st);
	mim_rcu_get_stats(&rs);
}

static void
op_get_by_id(struct fz_in *in, struct fz_state *s)
{
	int id = fz_pick_id(in, s);
	int ret = mim_get_by_id((uint32_t)id);

	FZ_TRACE("get_by_id(%d) = %d\n", id, ret);
	if (ret > 0)
		fz_hold(s, ret);
}

static void
op_btf(struct fz_in *in, struct fz_state *s)
{
	static const char *const how[] = { "built", "raw", "mutant", "built" };
	uint8_t b = fz_u8(in);
	struct btf **slot = &s->btf[b % FZ_MAX_BTFS];
	struct btf *old = *slot;

	switch (b >> 6) {
	case 1:
		*slot = fz_btf_raw(in);
		break;
	case 2:   /* from the slot named in bits 2-3 (maybe this one) */
		*slot = fz_btf_mutant(in, s->btf[(b >> 2) % FZ_MAX_BTFS]);
		break;
	default:
		*slot = fz_btf_build(in);
		break;
	}
	btf__free(old);
	FZ_TRACE("btf %d: %s, %d types\n", b % FZ_MAX_BTFS, how[b >> 6],
		 *slot != NULL ? (int)btf__type_cnt(*slot) : -1);
}

static void
fail_lookup(const struct fz_elem *e, const char *what)
{
	fprintf(stderr, "fuzz_api: table %d (%s): %s\n", e->id,
		mim_type_name((enum mim_type)e->info.type), what);
	abort();
}

/* mim_lookup() found p (or NULL): the control plane must agree. */
static void
check_lookup(const struct fz_elem *e, const void *key, const void *p)
{
	uint32_t inner;
	uint8_t *copy;
	int ret;

	switch (e->info.type) {
	case MIM_TYPE_ARRAY:
	case MIM_TYPE_HASH:
		copy = malloc(e->vs);
		if (copy == NULL)
			abort();
		ret = mim_lookup_elem(e->id, key, copy);
		if ((p != NULL) != (ret == 0))
			fail_lookup(e, "mim_lookup() and mim_lookup_elem() disagree on a hit");
		if (p != NULL && memcmp(p, copy, e->vs) != 0)
			fail_lookup(e, "mim_lookup() and mim_lookup_elem() disagree on the value");
		free(copy);
		break;
	case MIM_TYPE_ARRAY_OF_TABLES:
	case MIM_TYPE_HASH_OF_TABLES:
		ret = mim_lookup_elem(e->id, key, &inner);
		if ((p != NULL) != (ret == 0))
			fail_lookup(e, "mim_lookup() and mim_lookup_elem() disagree on a slot");
		if (p != NULL && mim_table((int)inner) != p)
			fail_lookup(e, "mim_lookup() found another inner table than mim_lookup_elem()");
		break;
	default:   /* LPM: the control plane matches within key->prefixlen */
		break;
	}
}

/* n keys from one: the first byte counts up. */
static void
bulk_lookup(const struct fz_elem *e, const struct mim_table *t, unsigned int n)
{
	const void *keys[MIM_LOOKUP_BULK_MAX];
	void *values[MIM_LOOKUP_BULK_MAX];
	unsigned int i, hits, found = 0;
	uint8_t *kb = malloc((size_t)n * e->ks);

	if (kb == NULL)
		abort();
	for (i = 0; i < n; i++) {
		memcpy(kb + (size_t)i * e->ks, e->key, e->ks);
		kb[(size_t)i * e->ks] = (uint8_t)(e->key[0] + i);
		keys[i] = kb + (size_t)i * e->ks;
	}
	hits = mim_lookup_bulk(t, keys, n, values);
	for (i = 0; i < n; i++) {
		if (values[i] != mim_lookup(t, keys[i]))
			fail_lookup(e, "mim_lookup_bulk() and mim_lookup() disagree");
		found += values[i] != NULL;
	}
	if (hits != found)
		fail_lookup(e, "mim_lookup_bulk() miscounts its hits");
	free(kb);
}

void
fz_op_datapath(struct fz_in *in, struct fz_state *s)
{
	uint8_t b = fz_u8(in);
	const struct mim_table *t;
	struct fz_elem e;

	if (s->nh == 0 || !elem_prepare(in, s, &e))
		return;
	/* Only a table held by a handle may be looked up. */
	if (!fz_held(s, e.id) || e.ks == 0)
		goto out;
	t = mim_table(e.id);
	if (t == NULL)
		fail_lookup(&e, "a held handle does not resolve");
	check_lookup(&e, e.key, mim_lookup(t, e.key));
	if (b & 1)
		bulk_lookup(&e, t, b % MIM_LOOKUP_BULK_MAX + 1);
out:
	elem_free(&e);
}

void
fz_op(struct fz_in *in, struct fz_state *s)
{
	int op = fz_u8(in) % OP_NB;

	switch (op) {
	case OP_CREATE:
		op_create(in, s);
		break;
	case OP_UPDATE:
	case OP_LOOKUP:
	case OP_DELETE:
	case OP_NEXT_KEY:
		op_elem(in, s, op);
		break;
	case OP_CLOSE:
		op_close(in, s);
		break;
	case OP_GET_BY_ID:
		op_get_by_id(in, s);
		break;
	case OP_FIND:
		op_find(in);
		break;
	case OP_INFO:
		op_info(in, s);
		break;
	case OP_RCU_CONFIGURE:
	case OP_QSBR_ADD:
	case OP_QSBR_REMOVE:
	case OP_READER:
	case OP_RECLAIM:
		fz_op_rcu(in, s, op - OP_RCU_CONFIGURE);
		break;
	case OP_BTF:
		op_btf(in, s);
		break;
	case OP_NEST:
		op_nest(in, s);
		break;
	default:
		fz_op_datapath(in, s);
		break;
	}
}
