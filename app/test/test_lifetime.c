/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Lifetime (the kernel's bpf_map_fd_get_ptr / bpf_map_fd_put_ptr): handles
 * and slot references, a table closed while held, one table in many slots,
 * outer tables destroyed, and IDs that stop resolving with the last
 * reference. No QSBR variable is attached here, so releases happen at once
 * and the counters show them.
 */

#include <errno.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"

static int
refs(int id, uint32_t *handles)
{
	struct mim_table_info info;

	if (mim_get_info(id, &info) != 0)
		return -1;
	if (handles != NULL)
		*handles = info.handles;
	return (int)info.refcnt;
}

static uint64_t
destroyed(void)
{
	struct mim_stats st;

	mim_get_stats(&st);
	return st.nb_destroyed;
}

static int
test_close_while_held(void)
{
	uint32_t k = 5, v = 77, out, handles;
	int tmpl, outer, inner;
	uint64_t d0 = destroyed();

	tmpl = mim_create(MIM_TYPE_ARRAY, "tmpl", 4, 4, 16, NULL);
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "outer", 8, tmpl);
	inner = mim_create(MIM_TYPE_ARRAY, "tenant", 4, 4, 16, NULL);
	TEST_ASSERT_OK(mim_update_elem(inner, &k, &v, MIM_ANY));
	TEST_ASSERT_OK(autotest_put(outer, 3, inner));
	TEST_ASSERT_EQUAL(refs(inner, &handles), 2, "");
	TEST_ASSERT_EQUAL(handles, 1, "");

	/* Closed while held: alive, usable through its ID and the slot. */
	TEST_ASSERT_OK(mim_close(inner));
	TEST_ASSERT_EQUAL(refs(inner, &handles), 1, "");
	TEST_ASSERT_EQUAL(handles, 0, "");
	TEST_ASSERT_OK(mim_lookup_elem(inner, &k, &out));
	TEST_ASSERT_EQUAL(out, 77, "");
	TEST_ASSERT_EQUAL(mim_find("tenant"), inner, "");
	k = 3;
	TEST_ASSERT(*(uint32_t *)mim_lookup(mim_lookup(mim_table(outer), &k),
					    &(uint32_t){5}) == 77, "");
	/* No handle left to close. */
	TEST_ASSERT_ERR(mim_close(inner), EBADF, "no handle left");
	TEST_ASSERT_EQUAL(destroyed(), d0, "");

	/* The last reference goes with the slot: ID and name go at once. */
	TEST_ASSERT_OK(mim_delete_elem(outer, &k));
	TEST_ASSERT_ERR(mim_get_info(inner, &(struct mim_table_info){0}), EBADF,
			"no table with id");
	TEST_ASSERT_ERR(mim_find("tenant"), ENOENT, "");
	TEST_ASSERT_ERR(mim_get_by_id((uint32_t)inner), ENOENT, "");
	TEST_ASSERT_ERR(mim_lookup_elem(inner, &k, &out), EBADF, "");
	TEST_ASSERT_EQUAL(destroyed(), d0 + 1, "released (no reader attached)");
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

static int
test_shared_inner(void)
{
	int tmpl, o1, o2, shared;
	uint32_t k = 0, out;

	tmpl = mim_create(MIM_TYPE_HASH, "tmpl", 4, 4, 16, NULL);
	o1 = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "o1", 8, tmpl);
	o2 = autotest_outer(MIM_TYPE_HASH_OF_TABLES, "o2", 8, tmpl);
	shared = mim_create(MIM_TYPE_HASH, "shared", 4, 4, 16, NULL);
	/* Tenants sharing one table: 3 slots in 2 outer tables. */
	TEST_ASSERT_OK(autotest_put(o1, 1, shared));
	TEST_ASSERT_OK(autotest_put(o1, 2, shared));
	TEST_ASSERT_OK(autotest_put(o2, 42, shared));
	TEST_ASSERT_EQUAL(refs(shared, NULL), 4, "");
	/* The same table put again in the same slot changes nothing. */
	TEST_ASSERT_OK(autotest_put(o1, 1, shared));
	TEST_ASSERT_EQUAL(refs(shared, NULL), 4, "");
	TEST_ASSERT_OK(mim_close(shared));
	k = 1;
	TEST_ASSERT_OK(mim_delete_elem(o1, &k));
	TEST_ASSERT_EQUAL(refs(shared, NULL), 2, "");
	k = 42;
	TEST_ASSERT_OK(mim_delete_elem(o2, &k));
	TEST_ASSERT_EQUAL(refs(shared, NULL), 1, "");
	k = 2;
	TEST_ASSERT_OK(mim_lookup_elem(o1, &k, &out));
	TEST_ASSERT_EQUAL(out, shared, "");
	TEST_ASSERT_OK(mim_delete_elem(o1, &k));
	TEST_ASSERT_EQUAL(refs(shared, NULL), -1, "gone with the last slot");
	TEST_ASSERT_OK(mim_close(o1));
	TEST_ASSERT_OK(mim_close(o2));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

static int
test_outer_destroyed(void)
{
	int tmpl, o1, o2, a, b, c;
	uint64_t d0 = destroyed();

	tmpl = mim_create(MIM_TYPE_LPM, "tmpl", 8, 4, 16, NULL);
	o1 = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "o1", 4, tmpl);
	o2 = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "o2", 4, tmpl);
	a = mim_create(MIM_TYPE_LPM, "a", 8, 4, 16, NULL);   /* o1 only */
	b = mim_create(MIM_TYPE_LPM, "b", 8, 4, 16, NULL);   /* o1 and o2 */
	c = mim_create(MIM_TYPE_LPM, "c", 8, 4, 16, NULL);   /* o1, keeps a handle */
	TEST_ASSERT_OK(autotest_put(o1, 0, a));
	TEST_ASSERT_OK(autotest_put(o1, 1, b));
	TEST_ASSERT_OK(autotest_put(o1, 2, b));
	TEST_ASSERT_OK(autotest_put(o2, 0, b));
	TEST_ASSERT_OK(autotest_put(o1, 3, c));
	TEST_ASSERT_OK(mim_close(a));
	TEST_ASSERT_OK(mim_close(b));
	TEST_ASSERT_OK(mim_close(tmpl));
	TEST_ASSERT_EQUAL(destroyed(), d0 + 1, "only the template went");

	/* Destroying o1 drops its slots' references: a dies with it, b
	 * lives on in o2, c lives on through its handle.
	 */
	TEST_ASSERT_OK(mim_close(o1));
	TEST_ASSERT_EQUAL(destroyed(), d0 + 3, "o1 and a");
	TEST_ASSERT_EQUAL(refs(a, NULL), -1, "");
	TEST_ASSERT_EQUAL(refs(b, NULL), 1, "");
	TEST_ASSERT_EQUAL(refs(c, NULL), 1, "");
	TEST_ASSERT_OK(mim_close(o2));
	TEST_ASSERT_EQUAL(refs(b, NULL), -1, "");
	TEST_ASSERT_OK(mim_close(c));
	TEST_ASSERT_EQUAL(destroyed(), d0 + 6, "");
	return TEST_SUCCESS;
}

static int
test_handles(void)
{
	uint32_t handles;
	int id;

	id = mim_create(MIM_TYPE_HASH, "h", 4, 4, 16, NULL);
	TEST_ASSERT_EQUAL(mim_get_by_id((uint32_t)id), id, "");
	TEST_ASSERT_EQUAL(mim_get_by_id((uint32_t)id), id, "");
	TEST_ASSERT_EQUAL(refs(id, &handles), 3, "");
	TEST_ASSERT_EQUAL(handles, 3, "");
	TEST_ASSERT_ERR(mim_get_by_id(0), ENOENT, "no table with id 0");
	TEST_ASSERT_ERR(mim_get_by_id(MIM_ID_MAX + 1), ENOENT, "");
	TEST_ASSERT_OK(mim_close(id));
	TEST_ASSERT_OK(mim_close(id));
	TEST_ASSERT_EQUAL(mim_find("h"), id, "");
	TEST_ASSERT_OK(mim_close(id));
	TEST_ASSERT_ERR(mim_find("h"), ENOENT, "");
	TEST_ASSERT_ERR(mim_close(id), EBADF, "");
	return TEST_SUCCESS;
}

static int
test_replacement_counts(void)
{
	struct mim_table_info info;
	struct mim_stats st0, st;
	int tmpl, outer, a, b;

	mim_get_stats(&st0);
	tmpl = mim_create(MIM_TYPE_ARRAY, "tmpl", 4, 8, 4, NULL);
	outer = autotest_outer(MIM_TYPE_HASH_OF_TABLES, "outer", 4, tmpl);
	a = mim_create(MIM_TYPE_ARRAY, "a", 4, 8, 4, NULL);
	b = mim_create(MIM_TYPE_ARRAY, "b", 4, 8, 4, NULL);
	TEST_ASSERT_OK(autotest_put(outer, 9, a));
	TEST_ASSERT_OK(autotest_put(outer, 9, a));
	TEST_ASSERT_OK(autotest_put(outer, 9, b));
	TEST_ASSERT_OK(autotest_put(outer, 9, a));
	TEST_ASSERT_OK(mim_get_info(outer, &info));
	TEST_ASSERT_EQUAL(info.nb_replacements, 2, "a->b and b->a");
	TEST_ASSERT_EQUAL(info.nb_updates, 4, "");
	mim_get_stats(&st);
	TEST_ASSERT_EQUAL(st.nb_replacements - st0.nb_replacements, 2, "");
	TEST_ASSERT_EQUAL(st.nb_tables - st0.nb_tables, 4, "");
	TEST_ASSERT_EQUAL(st.nb_created - st0.nb_created, 4, "");
	TEST_ASSERT_OK(mim_close(a));
	TEST_ASSERT_OK(mim_close(b));
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

static const struct autotest_case lifetime_cases[] = {
	TEST_CASE(test_close_while_held),
	TEST_CASE(test_shared_inner),
	TEST_CASE(test_outer_destroyed),
	TEST_CASE(test_handles),
	TEST_CASE(test_replacement_counts),
	TEST_CASES_END(),
};

static struct autotest_suite lifetime_suite = {
	.name = "lifetime",
	.help = "references: close while held, shared inner tables, outer tables destroyed",
	.cases = lifetime_cases,
};
REGISTER_AUTOTEST(lifetime_suite);
