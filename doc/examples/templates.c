/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Templates: every compatibility rule and the reason each mismatch gives
 * (guide: templates.rst). Table IDs are those of a fresh process.
 *
 *   doc-templates --no-huge --no-pci -m 512 --no-shconf -l 0
 */

#include <errno.h>
#include <stdint.h>

#include <mim.h>

#include "check.h"

/* Put table id into slot 0 of outer; return what mim_update_elem_sz says. */
static int
put(mim_id_t outer, mim_id_t id)
{
	uint32_t slot = 0;

	return mim_update_elem_sz(outer, &slot, sizeof(slot), &id, sizeof(id),
				  MIM_ANY);
}

static void
hash_template(void)
{
	/* [hash rules] */
	/* Template: hash, 4-byte keys, 8-byte values, no flags. */
	mim_id_t tmpl = CHECK(mim_create(MIM_TYPE_HASH, "tmpl", 4, 8, 100,
					 NULL));
	MIM_OPTS(mim_create_opts, o, .inner_id = tmpl);
	mim_id_t outer = CHECK(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "outer",
					  4, 4, 16, &o));
	MIM_OPTS(mim_create_opts, noprealloc, .map_flags = MIM_F_NO_PREALLOC);
	mim_id_t ok = CHECK(mim_create(MIM_TYPE_HASH, "big", 4, 8, 100000,
				       NULL));
	mim_id_t ty = CHECK(mim_create(MIM_TYPE_ARRAY, "arr", 4, 8, 100, NULL));
	mim_id_t ks = CHECK(mim_create(MIM_TYPE_HASH, "k16", 16, 8, 100, NULL));
	mim_id_t vs = CHECK(mim_create(MIM_TYPE_HASH, "v16", 4, 16, 100, NULL));
	mim_id_t fl = CHECK(mim_create(MIM_TYPE_HASH, "np", 4, 8, 100,
				       &noprealloc));

	/* Capacity may differ for hash (and LPM) tables. */
	CHECK(put(outer, ok));
	EXPECT(put(outer, ty), -EINVAL,
	       "inner table 'arr' (id %d): type array != template type hash",
	       ty);
	EXPECT(put(outer, ks), -EINVAL,
	       "inner table 'k16' (id %d): key_size 16 != template key_size 4",
	       ks);
	EXPECT(put(outer, vs), -EINVAL,
	       "inner table 'v16' (id %d): value_size 16 != template value_size 8",
	       vs);
	EXPECT(put(outer, fl), -EINVAL,
	       "inner table 'np' (id %d): map_flags 0x1 != template map_flags 0x0",
	       fl);
	/* One level of nesting: an outer table is never an inner one... */
	EXPECT(put(outer, outer), -EINVAL,
	       "inner table 'outer' (id %d) is an outer table: only one level of nesting is supported",
	       outer);
	/* ...nor a template. */
	o.inner_id = outer;
	EXPECT(mim_create(MIM_TYPE_HASH_OF_TABLES, "outer2", 4, 4, 16, &o),
	       -EINVAL,
	       "template table 'outer' (id %d) is itself an outer table (array_of_tables): only one level of nesting is supported",
	       outer);
	o.inner_id = 999;
	EXPECT(mim_create(MIM_TYPE_HASH_OF_TABLES, "outer2", 4, 4, 16, &o),
	       -EBADF, "inner_id 999 names no table");
	EXPECT(put(outer, 999), -EBADF, "value 999 names no table");
	/* [hash rules end] */

	/* [outlives] */
	/* The template is a copy: it outlives the table it came from. */
	CHECK(mim_close(tmpl));
	EXPECT(put(outer, vs), -EINVAL,
	       "inner table 'v16' (id %d): value_size 16 != template value_size 8",
	       vs);
	/* [outlives end] */
	CHECK(mim_close(ok));
	CHECK(mim_close(ty));
	CHECK(mim_close(ks));
	CHECK(mim_close(vs));
	CHECK(mim_close(fl));
	CHECK(mim_close(outer));
}

static void
array_template(void)
{
	/* [array rules] */
	/* Arrays: max_entries must match the template's... */
	mim_id_t t64 = CHECK(mim_create(MIM_TYPE_ARRAY, "a64", 4, 8, 64, NULL));
	MIM_OPTS(mim_create_opts, o, .inner_id = t64);
	mim_id_t outer = CHECK(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "strict",
					  4, 4, 16, &o));
	mim_id_t a128 = CHECK(mim_create(MIM_TYPE_ARRAY, "a128", 4, 8, 128,
					 NULL));

	EXPECT(put(outer, a128), -EINVAL,
	       "inner table 'a128' (id %d): max_entries 128 != template max_entries 64 (the template has no MIM_F_INNER_MAP)",
	       a128);

	/* ...unless the template has MIM_F_INNER_MAP. The flags are
	 * compared too, so the inner arrays carry it as well.
	 */
	MIM_OPTS(mim_create_opts, im, .map_flags = MIM_F_INNER_MAP);
	mim_id_t i64 = CHECK(mim_create(MIM_TYPE_ARRAY, "i64", 4, 8, 64, &im));
	mim_id_t i128 = CHECK(mim_create(MIM_TYPE_ARRAY, "i128", 4, 8, 128,
					 &im));
	MIM_OPTS(mim_create_opts, o2, .inner_id = i64);
	mim_id_t loose = CHECK(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "loose",
					  4, 4, 16, &o2));

	CHECK(put(loose, i128));
	EXPECT(put(loose, a128), -EINVAL,
	       "inner table 'a128' (id %d): map_flags 0x0 != template map_flags 0x1000",
	       a128);
	/* [array rules end] */
	CHECK(mim_close(t64));
	CHECK(mim_close(outer));
	CHECK(mim_close(a128));
	CHECK(mim_close(i64));
	CHECK(mim_close(i128));
	CHECK(mim_close(loose));
}

static void
lpm_template(void)
{
	/* [lpm rules] */
	/* LPM: capacity may differ, the value size may not. */
	mim_id_t tmpl = CHECK(mim_create(MIM_TYPE_LPM, "lt", 8, 4, 16, NULL));
	MIM_OPTS(mim_create_opts, o, .inner_id = tmpl);
	mim_id_t outer = CHECK(mim_create(MIM_TYPE_HASH_OF_TABLES, "tenants",
					  4, 4, 16, &o));
	mim_id_t big = CHECK(mim_create(MIM_TYPE_LPM, "l1k", 8, 4, 1024, NULL));
	mim_id_t wide = CHECK(mim_create(MIM_TYPE_LPM, "l8", 8, 8, 16, NULL));
	uint32_t tenant = 7;

	CHECK(mim_update_elem_sz(outer, &tenant, sizeof(tenant), &big,
				 sizeof(big), MIM_ANY));
	EXPECT(mim_update_elem_sz(outer, &tenant, sizeof(tenant), &wide,
				  sizeof(wide), MIM_ANY), -EINVAL,
	       "inner table 'l8' (id %d): value_size 8 != template value_size 4",
	       wide);
	/* [lpm rules end] */
	CHECK(mim_close(tmpl));
	CHECK(mim_close(outer));
	CHECK(mim_close(big));
	CHECK(mim_close(wide));
}

int
main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0)
		return 1;
	hash_template();
	array_template();
	lpm_template();
	ASSERT(mim_get_next_id(0, &(uint32_t){0}) == -ENOENT);
	printf("templates: ok\n");
	rte_eal_cleanup();
	return 0;
}
