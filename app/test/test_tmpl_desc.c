/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Described templates: an outer table whose template comes from its
 * options (inner_type and the fields after it) instead of a live table.
 * It must judge every inner table as a template copied from a table of
 * that shape does, with the same reasons; a description a table could not
 * be created with is refused with the reason creating it would give.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"

/* The shape of an inner table. */
struct shape {
	enum mim_type type;
	uint32_t key_size, value_size, max_entries, flags;
};

static int
shape_create(const struct shape *s)
{
	MIM_OPTS(mim_create_opts, o, .map_flags = s->flags);

	return mim_create(s->type, NULL, s->key_size, s->value_size,
			  s->max_entries, &o);
}

static int
outer_desc(enum mim_type outer_type, const struct shape *s)
{
	MIM_OPTS(mim_create_opts, o, .inner_type = s->type,
		 .inner_key_size = s->key_size,
		 .inner_value_size = s->value_size,
		 .inner_max_entries = s->max_entries,
		 .inner_map_flags = s->flags);

	return mim_create(outer_type, NULL, 4, 4, 16, &o);
}

/*
 * Offer cand to both outer tables: both must give the same result and,
 * when they refuse it, the same reason. Returns the result, or a value
 * below -4095 if the two differ.
 */
static int
offer_both(int copied, int described, const struct shape *cand)
{
	char why[512];
	int t = shape_create(cand), r1, r2;

	if (t < 0) {
		printf("    cannot create the candidate: %s\n", mim_last_error());
		return -10000;
	}
	r1 = autotest_put(copied, 0, t);
	snprintf(why, sizeof(why), "%s", mim_last_error());
	r2 = autotest_put(described, 0, t);
	if (r1 != r2 || (r1 != 0 && strcmp(why, mim_last_error()) != 0)) {
		printf("    copied: %d \"%s\"; described: %d \"%s\"\n", r1,
		       why, r2, mim_last_error());
		r1 = -10000;
	}
	mim_close(t);
	return r1;
}

/* One template shape, both outer types, every candidate. */
static int
check_shape(const struct shape *tmpl, const struct shape *cands, size_t n,
	    const int *expect)
{
	static const enum mim_type outers[] = {
		MIM_TYPE_ARRAY_OF_TABLES, MIM_TYPE_HASH_OF_TABLES,
	};
	struct mim_table_info ci, di;
	size_t i, k;

	for (k = 0; k < RTE_DIM(outers); k++) {
		int src = shape_create(tmpl), copied, described;

		TEST_ASSERT_OK(src);
		copied = autotest_outer(outers[k], NULL, 16, src);
		TEST_ASSERT_OK(copied);
		TEST_ASSERT_OK(mim_close(src));
		described = outer_desc(outers[k], tmpl);
		TEST_ASSERT_OK(described);

		TEST_ASSERT_OK(mim_get_info(copied, &ci));
		TEST_ASSERT_OK(mim_get_info(described, &di));
		TEST_ASSERT(memcmp(&ci.inner, &di.inner, sizeof(ci.inner)) == 0,
			    "template info differs");
		TEST_ASSERT_EQUAL(di.inner.type, tmpl->type, "");
		TEST_ASSERT_EQUAL(di.inner.max_entries, tmpl->max_entries, "");
		TEST_ASSERT_EQUAL(ci.inner_id, (uint32_t)src, "");
		TEST_ASSERT_EQUAL(di.inner_id, 0, "no source table");

		for (i = 0; i < n; i++) {
			int r = offer_both(copied, described, &cands[i]);

			TEST_ASSERT_EQUAL(r, expect[i], "candidate %zu", i);
		}
		TEST_ASSERT_OK(mim_close(copied));
		TEST_ASSERT_OK(mim_close(described));
	}
	return TEST_SUCCESS;
}

static int
test_desc_hash(void)
{
	static const struct shape tmpl = { MIM_TYPE_HASH, 8, 16, 64, 0 };
	static const struct shape cands[] = {
		{ MIM_TYPE_HASH, 8, 16, 64, 0 },
		{ MIM_TYPE_HASH, 8, 16, 1000, 0 },   /* any max_entries */
		{ MIM_TYPE_HASH, 8, 24, 64, 0 },
		{ MIM_TYPE_HASH, 4, 16, 64, 0 },
		{ MIM_TYPE_HASH, 8, 16, 64, MIM_F_NO_PREALLOC },
		{ MIM_TYPE_ARRAY, 4, 16, 64, 0 },
	};
	static const int expect[] = { 0, 0, -EINVAL, -EINVAL, -EINVAL,
				      -EINVAL };

	return check_shape(&tmpl, cands, RTE_DIM(cands), expect);
}

static int
test_desc_array(void)
{
	static const struct shape tmpl = { MIM_TYPE_ARRAY, 4, 8, 32, 0 };
	static const struct shape loose = { MIM_TYPE_ARRAY, 4, 8, 32,
					    MIM_F_INNER_MAP };
	static const struct shape cands[] = {
		{ MIM_TYPE_ARRAY, 4, 8, 32, 0 },
		{ MIM_TYPE_ARRAY, 4, 8, 33, 0 },      /* max_entries compared */
		{ MIM_TYPE_ARRAY, 4, 12, 32, 0 },
		{ MIM_TYPE_HASH, 4, 8, 32, 0 },
	};
	static const struct shape loose_cands[] = {
		{ MIM_TYPE_ARRAY, 4, 8, 7, MIM_F_INNER_MAP },
		{ MIM_TYPE_ARRAY, 4, 8, 7, 0 },
	};
	static const int expect[] = { 0, -EINVAL, -EINVAL, -EINVAL };
	static const int loose_expect[] = { 0, -EINVAL };

	if (check_shape(&tmpl, cands, RTE_DIM(cands), expect) != 0)
		return TEST_FAILED;
	return check_shape(&loose, loose_cands, RTE_DIM(loose_cands),
			   loose_expect);
}

static int
test_desc_lpm(void)
{
	static const struct shape tmpl = { MIM_TYPE_LPM, 8, 4, 256, 0 };
	static const struct shape cands[] = {
		{ MIM_TYPE_LPM, 8, 4, 256, 0 },
		{ MIM_TYPE_LPM, 8, 8, 256, 0 },
		{ MIM_TYPE_HASH, 8, 4, 256, 0 },
	};
	static const int expect[] = { 0, -EINVAL, -EINVAL };
	struct mim_stats st;
	int outer;

	if (check_shape(&tmpl, cands, RTE_DIM(cands), expect) != 0)
		return TEST_FAILED;
	/* No LPM table exists for the template: only the outer table. */
	outer = outer_desc(MIM_TYPE_ARRAY_OF_TABLES, &tmpl);
	TEST_ASSERT_OK(outer);
	TEST_ASSERT_OK(mim_get_stats(&st));
	TEST_ASSERT_EQUAL(st.nb_tables, 1, "");
	TEST_ASSERT_EQUAL(st.nb_created - st.nb_destroyed, 1, "");
	TEST_ASSERT_OK(mim_close(outer));
	return TEST_SUCCESS;
}

/* BTF: a typed template from the options, the caller's BTF freed. */
static int
test_desc_btf(void)
{
	struct btf *b = btf__new_empty(), *c = btf__new_empty();
	int u32 = btf__add_int(b, "u32", 4, 0), v, cv, outer, ok, bad;
	MIM_OPTS(mim_create_opts, o, .inner_type = MIM_TYPE_HASH,
		 .inner_key_size = 4, .inner_value_size = 8,
		 .inner_max_entries = 16, .inner_btf = b,
		 .inner_btf_key_type_id = (uint32_t)u32);
	MIM_OPTS(mim_create_opts, io, .btf = b,
		 .btf_key_type_id = (uint32_t)u32);
	MIM_OPTS(mim_create_opts, co, .btf = c);
	struct mim_table_info info;

	v = btf__add_struct(b, "pair", 8);
	btf__add_field(b, "lo", u32, 0, 0);
	btf__add_field(b, "hi", u32, 32, 0);
	o.inner_btf_value_type_id = (uint32_t)v;
	io.btf_value_type_id = (uint32_t)v;
	u32 = btf__add_int(c, "u32", 4, 0);
	cv = btf__add_struct(c, "pair", 8);
	btf__add_field(c, "lo", u32, 0, 0);
	btf__add_field(c, "high", u32, 32, 0);
	co.btf_key_type_id = (uint32_t)u32;
	co.btf_value_type_id = (uint32_t)cv;

	outer = mim_create(MIM_TYPE_HASH_OF_TABLES, NULL, 4, 4, 16, &o);
	TEST_ASSERT_OK(outer);
	ok = mim_create(MIM_TYPE_HASH, NULL, 4, 8, 16, &io);
	TEST_ASSERT_OK(ok);
	bad = mim_create(MIM_TYPE_HASH, NULL, 4, 8, 16, &co);
	TEST_ASSERT_OK(bad);
	btf__free(b);   /* the template keeps its own copy */
	btf__free(c);
	TEST_ASSERT_OK(mim_get_info(outer, &info));
	TEST_ASSERT_EQUAL(info.inner.btf_value_type_id, v, "");
	TEST_ASSERT_OK(autotest_put(outer, 1, ok));
	TEST_ASSERT_ERR(autotest_put(outer, 2, bad), EINVAL, "hi");
	TEST_ASSERT_OK(mim_close(ok));
	TEST_ASSERT_OK(mim_close(bad));
	TEST_ASSERT_OK(mim_close(outer));
	return TEST_SUCCESS;
}

/* A description creating that table would refuse: the same errno, and
 * the reason creating it gives, within the outer table's.
 */
static int
check_invalid(const struct shape *s)
{
	char why[512];
	int r = shape_create(s);

	TEST_ASSERT(r < 0, "the shape must be invalid (got table %d)", r);
	snprintf(why, sizeof(why), "%s", mim_last_error());
	TEST_ASSERT_ERR(outer_desc(MIM_TYPE_ARRAY_OF_TABLES, s), -r, why);
	TEST_ASSERT(strstr(mim_last_error(), "described template") != NULL,
		    "%s", mim_last_error());
	TEST_ASSERT_ERR(outer_desc(MIM_TYPE_HASH_OF_TABLES, s), -r, why);
	return TEST_SUCCESS;
}

static int
test_desc_invalid(void)
{
	static const struct shape bad[] = {
		{ MIM_TYPE_HASH, 0, 8, 16, 0 },
		{ MIM_TYPE_HASH, 4, 8, 0, 0 },
		{ MIM_TYPE_HASH, 4, 8, 16, 1U << 30 },
		{ MIM_TYPE_ARRAY, 8, 8, 16, 0 },
		{ MIM_TYPE_ARRAY, 4, 0, 16, 0 },
		{ MIM_TYPE_LPM, 8, 300, 16, 0 },
		{ MIM_TYPE_LPM, 4, 4, 16, 0 },
	};
	struct btf *b = btf__new_empty();
	int u16 = btf__add_int(b, "u16", 2, 0);
	MIM_OPTS(mim_create_opts, o, .inner_type = MIM_TYPE_HASH,
		 .inner_key_size = 4, .inner_value_size = 8,
		 .inner_max_entries = 16, .inner_btf = b,
		 .inner_btf_key_type_id = (uint32_t)u16);
	size_t i;
	int r;

	for (i = 0; i < RTE_DIM(bad); i++)
		if (check_invalid(&bad[i]) != TEST_SUCCESS) {
			printf("    at shape %zu\n", i);
			btf__free(b);
			return TEST_FAILED;
		}
	/* The inner type's BTF check: a 2-byte key type for 4-byte keys. */
	r = mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4, 4, &o);
	btf__free(b);
	TEST_ASSERT_ERR(r, EINVAL, "described template (inner_type hash): BTF key type");
	TEST_ASSERT(strstr(mim_last_error(), "key") != NULL, "%s",
		    mim_last_error());
	return TEST_SUCCESS;
}

static int
test_desc_type(void)
{
	MIM_OPTS(mim_create_opts, o, .inner_type = MIM_TYPE_ARRAY_OF_TABLES,
		 .inner_key_size = 4, .inner_value_size = 4,
		 .inner_max_entries = 4);

	TEST_ASSERT_ERR(mim_create(MIM_TYPE_HASH_OF_TABLES, NULL, 4, 4, 4, &o),
			EINVAL, "only one level of nesting");
	o.inner_type = 99;
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4, 4, &o),
			EINVAL, "unknown inner_type 99");
	return TEST_SUCCESS;
}

/* Where a description does not belong, and no template at all. */
static int
test_desc_exclusive(void)
{
	int src = mim_create(MIM_TYPE_HASH, NULL, 4, 8, 16, NULL);
	MIM_OPTS(mim_create_opts, o, .inner_id = (uint32_t)src,
		 .inner_type = MIM_TYPE_HASH, .inner_key_size = 4,
		 .inner_value_size = 8, .inner_max_entries = 16);
	MIM_OPTS(mim_create_opts, part, .inner_key_size = 4);
	MIM_OPTS(mim_create_opts, none, .map_flags = 0);

	TEST_ASSERT_OK(src);
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4, 4, &o),
			EINVAL, "both given");
	o.inner_id = 0;
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_HASH, NULL, 4, 8, 4, &o),
			EINVAL, "only outer tables take a template");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4, 4,
				   &part), EINVAL, "without inner_type");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4, 4,
				   &none), EBADF, "an outer table needs a template");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_HASH_OF_TABLES, NULL, 4, 4, 4,
				   NULL), EBADF, "an outer table needs a template");
	TEST_ASSERT_OK(mim_close(src));
	return TEST_SUCCESS;
}

static const struct autotest_case tmpl_desc_cases[] = {
	TEST_CASE(test_desc_hash),
	TEST_CASE(test_desc_array),
	TEST_CASE(test_desc_lpm),
	TEST_CASE(test_desc_btf),
	TEST_CASE(test_desc_invalid),
	TEST_CASE(test_desc_type),
	TEST_CASE(test_desc_exclusive),
	TEST_CASES_END(),
};

static struct autotest_suite tmpl_desc_suite = {
	.name = "tmpl_desc",
	.help = "outer tables whose template is described in their options",
	.cases = tmpl_desc_cases,
};
REGISTER_AUTOTEST(tmpl_desc_suite);
