/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * BTF-typed tables (guide: btf.rst): key and value types attached with
 * libbpf's BTF, checked against the sizes, compared member by member
 * with the template's.
 *
 *   doc-btf --no-huge --no-pci -m 512 --no-shconf -l 0
 */

#include <errno.h>
#include <stdint.h>

#include <bpf/btf.h>

#include <mim.h>

#include "check.h"

/* struct nh { __u32 port; __u32 <second>; }, in a new BTF. */
static struct btf *
nh_btf(const char *second, int *nh_id)
{
	struct btf *b = btf__new_empty();
	int u32;

	ASSERT(b != NULL);
	u32 = btf__add_int(b, "unsigned int", 4, 0);
	*nh_id = btf__add_struct(b, "nh", 8);
	btf__add_field(b, "port", u32, 0, 0);
	btf__add_field(b, second, u32, 32, 0);
	return b;
}

int
main(int argc, char **argv)
{
	int nh, nh2;

	if (rte_eal_init(argc, argv) < 0)
		return 1;

	/* [btf] */
	struct btf *b = nh_btf("gw", &nh);
	MIM_OPTS(mim_create_opts, typed, .btf = b,
		 .btf_value_type_id = (uint32_t)nh);
	/* The type's size must be value_size... */
	EXPECT(mim_create(MIM_TYPE_HASH, "bad", 4, 16, 64, &typed), -EINVAL,
	       "BTF value type struct nh (8 bytes) does not match value_size 16");
	/* ...and the table keeps its own copy of the BTF. */
	mim_id_t tmpl = CHECK(mim_create(MIM_TYPE_HASH, "tmpl", 4, 8, 64,
					 &typed));
	MIM_OPTS(mim_create_opts, o, .inner_id = tmpl);
	mim_id_t outer = CHECK(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "tenants",
					  4, 4, 16, &o));
	/* A typed template wants the same layout from every inner table. */
	struct btf *b2 = nh_btf("mac", &nh2);
	MIM_OPTS(mim_create_opts, other, .btf = b2,
		 .btf_value_type_id = (uint32_t)nh2);
	mim_id_t t1 = CHECK(mim_create(MIM_TYPE_HASH, "t1", 4, 8, 64, &typed));
	mim_id_t t2 = CHECK(mim_create(MIM_TYPE_HASH, "t2", 4, 8, 64, &other));
	mim_id_t t3 = CHECK(mim_create(MIM_TYPE_HASH, "t3", 4, 8, 64, NULL));
	uint32_t slot = 1;

	btf__free(b);                   /* the tables hold copies */
	btf__free(b2);
	CHECK(mim_update_elem_sz(outer, &slot, sizeof(slot), &t1, sizeof(t1),
				 MIM_ANY));
	EXPECT(mim_update_elem_sz(outer, &slot, sizeof(slot), &t2, sizeof(t2),
				  MIM_ANY), -EINVAL,
	       "inner table 't2' (id %d): BTF value type differs from the template's: member 1 is 'mac', the template's is 'gw'",
	       t2);
	EXPECT(mim_update_elem_sz(outer, &slot, sizeof(slot), &t3, sizeof(t3),
				  MIM_ANY), -EINVAL,
	       "inner table 't3' (id %d): has no BTF value type, the template has one",
	       t3);
	/* [btf end] */

	/* [btf checks] */
	/* Every type the key or value reaches is checked at creation: here
	 * a member of type void (type 0), which libbpf's btf__new() lets
	 * through, and a struct that contains itself.
	 */
	struct btf *bad = btf__new_empty();
	int u32 = btf__add_int(bad, "unsigned int", 4, 0);
	int hole = btf__add_struct(bad, "hole", 8);

	btf__add_field(bad, "port", u32, 0, 0);
	btf__add_field(bad, "what", 0, 32, 0);
	int loop = btf__add_struct(bad, "loop", 8);

	btf__add_field(bad, "next", loop, 0, 0);
	MIM_OPTS(mim_create_opts, voidm, .btf = bad,
		 .btf_value_type_id = (uint32_t)hole);
	EXPECT(mim_create(MIM_TYPE_HASH, "hole", 4, 8, 64, &voidm), -EINVAL,
	       "BTF value type id %d: type id %d names void (type 0) where a sized type is needed",
	       hole, hole);
	MIM_OPTS(mim_create_opts, self, .btf = bad,
		 .btf_value_type_id = (uint32_t)loop);
	EXPECT(mim_create(MIM_TYPE_HASH, "loop", 4, 8, 64, &self), -EINVAL,
	       "BTF value type id %d: type id %d contains itself (named again by type id %d)",
	       loop, loop, loop);
	btf__free(bad);
	/* [btf checks end] */

	/* [btf get] */
	const struct btf *kept;
	uint32_t vt;

	CHECK(mim_get_btf(t1, &kept, NULL, &vt));
	ASSERT(kept != NULL && vt == (uint32_t)nh);
	ASSERT(btf__resolve_size(kept, vt) == 8);
	/* [btf get end] */

	CHECK(mim_close(t1));
	CHECK(mim_close(t2));
	CHECK(mim_close(t3));
	CHECK(mim_close(tmpl));
	CHECK(mim_close(outer));
	ASSERT(mim_get_next_id(0, &(uint32_t){0}) == -ENOENT);
	printf("btf: ok\n");
	rte_eal_cleanup();
	return 0;
}
