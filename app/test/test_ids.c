/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Table IDs in users' code: the common paths (create, template, outer
 * value, get by ID, close) written with mim_id_t or int variables and no
 * cast, compiled with -Wsign-conversion and -Wconversion as errors: a
 * prototype or field that wants another type breaks this file's build.
 */

#include <errno.h>

#include <mim.h>

#include "autotest.h"

#pragma GCC diagnostic error "-Wsign-conversion"
#pragma GCC diagnostic error "-Wconversion"

static int
test_ids_without_casts(void)
{
	mim_id_t tmpl, outer, inner, got = 0;
	int old_style;
	uint32_t slot = 0;

	tmpl = mim_create(MIM_TYPE_HASH, "tmpl", 4, 4, 8, NULL);
	TEST_ASSERT_OK(tmpl);
	MIM_OPTS(mim_create_opts, o, .inner_id = tmpl);
	outer = mim_create(MIM_TYPE_ARRAY_OF_TABLES, "outer", 4, 4, 4, &o);
	TEST_ASSERT_OK(outer);
	inner = mim_create(MIM_TYPE_HASH, "inner", 4, 4, 8, NULL);
	TEST_ASSERT_OK(inner);
	/* An ID variable is an outer table's value as it is. */
	TEST_ASSERT_OK(mim_update_elem(outer, &slot, &inner, MIM_ANY));
	TEST_ASSERT_OK(mim_lookup_elem(outer, &slot, &got));
	TEST_ASSERT_EQUAL(got, inner, "");
	old_style = mim_get_by_id(got);
	TEST_ASSERT_EQUAL(old_style, inner, "");
	TEST_ASSERT_OK(mim_close(old_style));
	/* A failed create passed on as a template is named as such. */
	o.inner_id = mim_create(MIM_TYPE_HASH, "tmpl", 4, 4, 8, NULL);
	TEST_ASSERT_EQUAL(o.inner_id, -EEXIST, "");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "o2", 4, 4, 4,
				   &o), EBADF, "inner_id -17 is not a table ID");
	TEST_ASSERT_OK(mim_close(inner));
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

static const struct autotest_case ids_cases[] = {
	TEST_CASE(test_ids_without_casts),
	TEST_CASES_END(),
};

static struct autotest_suite ids_suite = {
	.name = "ids",
	.help = "table IDs: one type, no casts on the common paths",
	.cases = ids_cases,
};
REGISTER_AUTOTEST(ids_suite);
