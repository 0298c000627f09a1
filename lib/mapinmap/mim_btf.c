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
	const char *name = btf__name_by_offset(btf, t->name_off);
	int64_t size = btf__resolve_size(btf, id);

	snprintf(buf, len, "%s%s%s (%lld bytes)", kind_name(btf_kind(t)),
		 name != NULL && name[0] != '\0' ? " " : "",
		 name != NULL ? name : "", (long long)size);
	return buf;
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

struct cmp {
	const struct btf *a, *b;  /* inner, template */
	char path[96];
	char *why;
	size_t len;
};

static int
cmp_types(struct cmp *c, uint32_t ida, uint32_t idb, int depth)
{
	const struct btf_type *ta, *tb;
	char da[96], db[96];
	size_t plen = strlen(c->path);
	uint16_t k;
	int ret;

	ida = (uint32_t)btf__resolve_type(c->a, ida);
	idb = (uint32_t)btf__resolve_type(c->b, idb);
	ta = btf__type_by_id(c->a, ida);
	tb = btf__type_by_id(c->b, idb);
	k = btf_kind(ta);
	if (depth > 32)
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
		snprintf(c->path + plen, sizeof(c->path) - plen, "[]");
		ret = cmp_types(c, btf_array(ta)->type, btf_array(tb)->type,
				depth + 1);
		c->path[plen] = '\0';
		return ret;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *ma = btf_members(ta), *mb = btf_members(tb);
		uint16_t i, n = RTE_MIN(btf_vlen(ta), btf_vlen(tb));

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
	default:
		/* Pointers, enums, floats: kind and size, compared above. */
		return 0;
	}
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

	c.path[0] = '\0';
	if (cmp_types(&c, iid, tid, 0) == 0)
		return 0;
	snprintf(why, len, "BTF %s type differs from the template's: %s", what,
		 detail);
	return -EINVAL;
}
