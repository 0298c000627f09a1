/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The control-plane API: creation checks and their errnos, names, IDs and
 * info. The suite's element operations are in test_api_elem.c.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include <rte_errno.h>

#include <mim.h>
#include "mim_private.h"

#include "autotest.h"
#include "autotest_util.h"
#include "test_api.h"

/* One mim_create() and what it must do, a row of a table of them. */
struct create_row {
	enum mim_type type;
	const char *name;
	uint32_t key_size, value_size, max_entries;
	bool opts;                  /* pass o (its sz set), else NULL */
	struct mim_create_opts o;
	bool tmpl;                  /* o.inner_id is the case's template */
	int err;                    /* 0: created, then closed */
	const char *reason;         /* with err: text the reason contains */
};

#define OPTS(...) .opts = true, .o = { __VA_ARGS__ }

static int
create_row(const struct create_row *r, int tmpl)
{
	struct mim_create_opts o = r->o;
	int id;

	o.sz = sizeof(o);
	if (r->tmpl)
		o.inner_id = (uint32_t)tmpl;
	id = mim_create(r->type, r->name, r->key_size, r->value_size,
			r->max_entries, r->opts ? &o : NULL);
	if (r->err != 0) {
		TEST_ASSERT_ERR(id, r->err, r->reason);
		return TEST_SUCCESS;
	}
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/* Every row in order; tmpl is the template of the rows that ask for one. */
static int
create_rows(const struct create_row *rows, size_t n, int tmpl)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (create_row(&rows[i], tmpl) != TEST_SUCCESS) {
			printf("    at row %zu: type %d key %u value %u max %u\n",
			       i, rows[i].type, rows[i].key_size,
			       rows[i].value_size, rows[i].max_entries);
			return TEST_FAILED;
		}
	return TEST_SUCCESS;
}

static int
test_create_common(void)
{
	static const struct create_row unknown[] = {
		{ 0, "t", 4, 4, 1, .err = EINVAL, .reason = "unknown table type" },
		{ MIM_TYPE_MAX, "t", 4, 4, 1, .err = EINVAL,
		  .reason = "unknown table type" },
	};
	static const struct create_row rows[] = {
		/* The NUMA node is checked before the type, as map_create();
		 * SOCKET_ID_ANY is the kernel's NUMA_NO_NODE.
		 */
		{ 0, "t", 4, 4, 1,
		  OPTS(.map_flags = MIM_F_NUMA_NODE, .socket_id = 64),
		  .err = EINVAL,
		  .reason = "socket_id 64 is not a NUMA socket of this machine" },
		{ MIM_TYPE_ARRAY, "t", 4, 4, 1,
		  OPTS(.map_flags = MIM_F_NUMA_NODE, .socket_id = -1) },
		{ MIM_TYPE_ARRAY, "t", 4, 4, 1,
		  OPTS(.map_flags = MIM_F_NUMA_NODE, .socket_id = 0) },
		/* inner_id belongs to outer tables only. */
		{ MIM_TYPE_HASH, "t", 4, 4, 1, OPTS(.inner_id = 1),
		  .err = EINVAL, .reason = "only outer tables" },
	};
	struct {
		struct mim_create_opts o;
		uint64_t extra;
	} big;
	struct mim_create_opts small = { .sz = 4 };
	int id;

	if (create_rows(unknown, RTE_DIM(unknown), 0) != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY, "t", 4, 4, 1, &small),
			EINVAL, "malformed");
	/* A newer caller's struct: unknown bytes must be zero. */
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.extra = 1;
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY, "t", 4, 4, 1, &big.o),
			EINVAL, "malformed");
	big.extra = 0;
	id = mim_create(MIM_TYPE_ARRAY, "t", 4, 4, 1, &big.o);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(mim_close(id));
	return create_rows(rows, RTE_DIM(rows), 0);
}

static int
test_create_array(void)
{
#define ARRAY MIM_TYPE_ARRAY, "a"
	static const struct create_row rows[] = {
		{ ARRAY, 4, 4, 0, .err = EINVAL, .reason = "max_entries is 0" },
		{ ARRAY, 8, 4, 1, .err = EINVAL, .reason = "key_size 8" },
		{ ARRAY, 4, 0, 1, .err = EINVAL, .reason = "value_size is 0" },
		{ ARRAY, 4, 4, 1, OPTS(.map_flags = MIM_F_NO_PREALLOC),
		  .err = EINVAL, .reason = "map_flags 0x1" },
		{ ARRAY, 4, (uint32_t)INT32_MAX + 1, 1, .err = E2BIG,
		  .reason = "value_size 2147483648 above INT_MAX" },
		/* Large values are fine: the whole array is bounded, not them. */
		{ ARRAY, 4, MIM_VALUE_SIZE_MAX + 1, 1, .err = 0 },
		{ ARRAY, 4, 4, (1U << 31) + 1, .err = E2BIG, .reason = "2^31" },
		{ ARRAY, 4, 4096, 1U << 20, .err = E2BIG, .reason = "4 GiB" },
		/* Checks come in the kernel's order: max_entries before
		 * key_size.
		 */
		{ ARRAY, 8, 0, 0, .err = EINVAL, .reason = "max_entries is 0" },
		{ ARRAY, 4, 3, 5, .err = 0 },
	};
#undef ARRAY

	return create_rows(rows, RTE_DIM(rows), 0);
}

static int
test_create_hash(void)
{
#define HASH MIM_TYPE_HASH, "h"
	static const struct create_row rows[] = {
		{ HASH, 4, 4, 1, OPTS(.map_flags = MIM_F_INNER_MAP),
		  .err = EINVAL, .reason = "map_flags 0x1000" },
		{ HASH, 4, 4, 0, .err = EINVAL, .reason = "max_entries is 0" },
		{ HASH, 0, 4, 1, .err = EINVAL, .reason = "key_size is 0" },
		{ HASH, 4, 0, 1, .err = EINVAL, .reason = "value_size is 0" },
		{ HASH, MIM_KEY_SIZE_MAX + 1, 4, 1, .err = E2BIG,
		  .reason = "key_size" },
		/* An element must fit the kernel's KMALLOC_MAX_SIZE (4 MiB). */
		{ HASH, 4, MIM_VALUE_SIZE_MAX - 52, 1, .err = E2BIG,
		  .reason = "key_size + value_size 4194256 is not below 4194256" },
		{ HASH, 4, 4, (1U << 27) + 1, .err = E2BIG,
		  .reason = "max_entries 134217729 above 2^27" },
		{ HASH, 13, 7, 1, OPTS(.map_flags = MIM_F_NO_PREALLOC) },
	};
#undef HASH

	return create_rows(rows, RTE_DIM(rows), 0);
}

static int
test_create_lpm(void)
{
#define LPM MIM_TYPE_LPM, "l"
	static const struct create_row rows[] = {
		{ LPM, 8, 4, 0, .err = EINVAL, .reason = "max_entries is 0" },
		{ LPM, 8, 4, 1, OPTS(.map_flags = MIM_F_INNER_MAP),
		  .err = EINVAL, .reason = "map_flags" },
		{ LPM, 12, 4, 1, .err = EINVAL, .reason = "key_size 12" },
		{ LPM, 8, 0, 1, .err = EINVAL, .reason = "value_size is 0" },
		{ LPM, 8, 257, 1, .err = E2BIG, .reason = "value_size" },
		{ LPM, 8, 4, (1U << 23) + 1, .err = E2BIG,
		  .reason = "max_entries" },
		{ LPM, 8, 4, 1, OPTS(.lpm_tbl8_groups = (1U << 24) + 1),
		  .err = EINVAL, .reason = "lpm_tbl8_groups" },
		/* BPF_F_NO_PREALLOC, which the kernel requires, is accepted. */
		{ LPM, 8, 4, 16, OPTS(.map_flags = MIM_F_NO_PREALLOC) },
	};
#undef LPM

	return create_rows(rows, RTE_DIM(rows), 0);
}

static int
test_create_outer(void)
{
#define AOT MIM_TYPE_ARRAY_OF_TABLES, "o"
#define HOT MIM_TYPE_HASH_OF_TABLES, "o"
	static const struct create_row rows[] = {
		/* value_size first (fd_array_map_alloc_check), then the
		 * array's checks, then the template (bpf_map_meta_alloc).
		 */
		{ AOT, 4, 8, 0, .err = EINVAL, .reason = "value_size 8" },
		{ AOT, 4, 4, 0, OPTS(.inner_id = 999), .err = EINVAL,
		  .reason = "max_entries is 0" },
		{ AOT, 4, 4, 4, OPTS(.map_flags = MIM_F_INNER_MAP), .tmpl = true,
		  .err = EINVAL, .reason = "map_flags 0x1000" },
		{ AOT, 4, 4, 4, OPTS(.inner_id = 0), .err = EBADF,
		  .reason = "inner_id 0" },
		{ AOT, 4, 4, 4, OPTS(.inner_id = 999), .err = EBADF,
		  .reason = "inner_id 999" },
		{ HOT, 4, 2, 4, .err = EINVAL, .reason = "value_size 2" },
		{ HOT, 0, 4, 4, OPTS(.inner_id = 0), .tmpl = true, .err = EINVAL,
		  .reason = "key_size is 0" },
		{ HOT, 4, 4, 4, OPTS(.inner_id = 777), .err = EBADF,
		  .reason = "inner_id 777" },
	};
#undef AOT
#undef HOT
	int tmpl, aot, hot;

	tmpl = mk(MIM_TYPE_HASH, "tmpl", 4, 8, 16);
	TEST_ASSERT_OK(tmpl);
	if (create_rows(rows, RTE_DIM(rows), tmpl) != TEST_SUCCESS) {
		mim_close(tmpl);
		return TEST_FAILED;
	}
	aot = mk_outer(MIM_TYPE_ARRAY_OF_TABLES, "aot", 4, 4, (uint32_t)tmpl);
	TEST_ASSERT_OK(aot);
	hot = mk_outer(MIM_TYPE_HASH_OF_TABLES, "hot", 6, 4, (uint32_t)tmpl);
	TEST_ASSERT_OK(hot);
	/* One level of nesting: an outer table cannot be a template. */
	TEST_ASSERT_ERR(mk_outer(MIM_TYPE_ARRAY_OF_TABLES, "o", 4, 4,
				 (uint32_t)aot), EINVAL, "one level of nesting");
	TEST_ASSERT_ERR(mk_outer(MIM_TYPE_HASH_OF_TABLES, "o", 4, 4,
				 (uint32_t)hot), EINVAL, "one level of nesting");
	TEST_ASSERT_OK(mim_close(aot));
	TEST_ASSERT_OK(mim_close(hot));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

static int
test_names_and_ids(void)
{
	char longname[MIM_NAMESIZE + 1];
	uint32_t next;
	int a, b, c, d;

	memset(longname, 'x', MIM_NAMESIZE);
	longname[MIM_NAMESIZE] = '\0';
	TEST_ASSERT_ERR(mk(MIM_TYPE_ARRAY, longname, 4, 4, 1), EINVAL,
			"longer than");
	longname[MIM_NAMESIZE - 1] = '\0';
	a = mk(MIM_TYPE_ARRAY, longname, 4, 4, 1);
	TEST_ASSERT_OK(a);
	TEST_ASSERT_ERR(mk(MIM_TYPE_ARRAY, "bad name", 4, 4, 1), EINVAL,
			"character 4");
	b = mk(MIM_TYPE_ARRAY, "tenant-7.v2_x", 4, 4, 1);
	TEST_ASSERT_OK(b);
	TEST_ASSERT_ERR(mk(MIM_TYPE_HASH, "tenant-7.v2_x", 4, 4, 1), EEXIST,
			"'tenant-7.v2_x' exists");
	/* Anonymous tables: any number, not found by name. */
	c = mk(MIM_TYPE_ARRAY, NULL, 4, 4, 1);
	d = mk(MIM_TYPE_ARRAY, "", 4, 4, 1);
	TEST_ASSERT_OK(c);
	TEST_ASSERT_OK(d);
	TEST_ASSERT(a > 0 && b > a && c > b && d > c, "IDs %d %d %d %d", a, b,
		    c, d);

	TEST_ASSERT_EQUAL(mim_find(longname), a, "");
	TEST_ASSERT_EQUAL(mim_find("tenant-7.v2_x"), b, "");
	TEST_ASSERT_ERR(mim_find("nope"), ENOENT, "no table named 'nope'");
	TEST_ASSERT_ERR(mim_find(""), EINVAL, "empty");
	TEST_ASSERT_ERR(mim_find(NULL), EINVAL, "NULL");

	TEST_ASSERT_OK(mim_get_next_id(0, &next));
	TEST_ASSERT_EQUAL(next, a, "");
	TEST_ASSERT_OK(mim_get_next_id(next, &next));
	TEST_ASSERT_EQUAL(next, b, "");
	TEST_ASSERT_OK(mim_close(b));
	TEST_ASSERT_OK(mim_get_next_id((uint32_t)a, &next));
	TEST_ASSERT_EQUAL(next, c, "closed IDs are skipped");
	TEST_ASSERT_ERR(mim_get_next_id((uint32_t)d, &next), ENOENT,
			"no table id above");
	TEST_ASSERT_ERR(mim_get_next_id(0, NULL), EINVAL, "NULL");
	/* The name is free again at once; the ID is not reused. */
	b = mk(MIM_TYPE_HASH, "tenant-7.v2_x", 4, 4, 1);
	TEST_ASSERT(b > d, "new ID %d after %d", b, d);
	TEST_ASSERT_OK(mim_close(a));
	TEST_ASSERT_OK(mim_close(b));
	TEST_ASSERT_OK(mim_close(c));
	TEST_ASSERT_OK(mim_close(d));
	TEST_ASSERT_ERR(mim_close(d), EBADF, "no table with id");
	TEST_ASSERT_ERR(mim_close(-1), EBADF, "no table with id");
	TEST_ASSERT_ERR(mim_close(0), EBADF, "no table with id");
	return TEST_SUCCESS;
}

static int
test_info(void)
{
	MIM_OPTS(mim_create_opts, o, .map_flags = MIM_F_INNER_MAP);
	struct mim_table_info info;
	uint8_t v[12];
	uint32_t k = 1;
	int tmpl, outer;

	TEST_ASSERT_EQUAL(strcmp(mim_type_name(MIM_TYPE_LPM), "lpm"), 0, "");
	TEST_ASSERT(mim_type_name(0) == NULL, "");
	tmpl = mim_create(MIM_TYPE_ARRAY, "tmpl", 4, 12, 8, &o);
	TEST_ASSERT_OK(tmpl);
	outer = mk_outer(MIM_TYPE_ARRAY_OF_TABLES, "outer", 4, 100,
			 (uint32_t)tmpl);
	TEST_ASSERT_OK(outer);
	TEST_ASSERT_OK(mim_update_elem(outer, &k, &tmpl, MIM_ANY));
	TEST_ASSERT_OK(mim_get_info(tmpl, &info));
	TEST_ASSERT_EQUAL(info.id, tmpl, "");
	TEST_ASSERT_EQUAL(info.type, MIM_TYPE_ARRAY, "");
	TEST_ASSERT_EQUAL(strcmp(info.name, "tmpl"), 0, "");
	TEST_ASSERT_EQUAL(info.key_size, 4, "");
	TEST_ASSERT_EQUAL(info.value_size, 12, "");
	TEST_ASSERT_EQUAL(info.max_entries, 8, "");
	TEST_ASSERT_EQUAL(info.map_flags, MIM_F_INNER_MAP, "");
	TEST_ASSERT_EQUAL(info.nb_entries, 8, "an array has every index");
	TEST_ASSERT_EQUAL(info.refcnt, 2, "handle + slot");
	TEST_ASSERT_EQUAL(info.handles, 1, "");
	TEST_ASSERT(info.mem_bytes >= 8 * 16, "mem_bytes %" PRIu64,
		    info.mem_bytes);
	TEST_ASSERT_OK(mim_get_info(outer, &info));
	TEST_ASSERT_EQUAL(info.nb_entries, 1, "");
	TEST_ASSERT_EQUAL(info.inner_id, tmpl, "");
	TEST_ASSERT_EQUAL(info.inner.type, MIM_TYPE_ARRAY, "");
	TEST_ASSERT_EQUAL(info.inner.value_size, 12, "");
	TEST_ASSERT_EQUAL(info.inner.max_entries, 8, "");
	TEST_ASSERT_EQUAL(info.inner.map_flags, MIM_F_INNER_MAP, "");
	TEST_ASSERT_EQUAL(info.nb_updates, 1, "");
	TEST_ASSERT_ERR(mim_get_info(outer, NULL), EINVAL, "NULL");
	TEST_ASSERT_ERR(mim_get_info(12345, &info), EBADF, "no table");
	/* Success leaves the last reason alone, as errno. */
	TEST_ASSERT_OK(mim_lookup_elem(tmpl, &k, v));
	TEST_ASSERT(strstr(mim_last_error(), "no table") != NULL, "%s",
		    mim_last_error());
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}








static int
test_table_handle(void)
{
	int id;

	TEST_ASSERT(mim_table(4242) == NULL, "");
	TEST_ASSERT_EQUAL(rte_errno, ENOENT, "");
	TEST_ASSERT(strstr(mim_last_error(), "4242") != NULL, "");
	id = mk(MIM_TYPE_HASH, "h", 4, 4, 8);
	TEST_ASSERT_OK(id);
	TEST_ASSERT(mim_table(id) != NULL, "");
	TEST_ASSERT_EQUAL(mim_table(id)->type, MIM_TYPE_HASH, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/* IDs are allocated cyclically and run out (white-box: a small ID space). */
static int
test_id_space(void)
{
	uint32_t top = 0, id, live = 0, i;
	int first, ret;

	first = mk(MIM_TYPE_ARRAY, NULL, 4, 4, 1);
	TEST_ASSERT_OK(first);
	while (mim_get_next_id(top, &id) == 0)
		top = id;
	mim_registry_set_id_max(top + 3);
	/* Fill every ID up to the maximum (free ones below too: the search
	 * wraps around), then the space is exhausted.
	 */
	for (i = 0; i <= top + 3; i++) {
		ret = mk(MIM_TYPE_ARRAY, NULL, 4, 4, 1);
		if (ret < 0)
			break;
		TEST_ASSERT(ret >= 1 && (uint32_t)ret <= top + 3, "id %d", ret);
	}
	TEST_ASSERT_ERR(ret, ENOSPC, "all table IDs are in use");
	id = 0;
	while (mim_get_next_id(id, &id) == 0)
		live++;
	TEST_ASSERT_EQUAL(live, top + 3, "every ID is taken");
	/* A freed ID is found again. */
	TEST_ASSERT_OK(mim_close((int)top + 2));
	TEST_ASSERT_EQUAL(mk(MIM_TYPE_ARRAY, NULL, 4, 4, 1), top + 2, "");
	TEST_ASSERT_ERR(mk(MIM_TYPE_ARRAY, NULL, 4, 4, 1), ENOSPC, "");
	mim_registry_set_id_max(0);
	id = 0;
	while (mim_get_next_id(id, &id) == 0)
		TEST_ASSERT_OK(mim_close((int)id));
	return TEST_SUCCESS;
}


static const struct autotest_case api_cases[] = {
	TEST_CASE(test_create_common),
	TEST_CASE(test_create_array),
	TEST_CASE(test_create_hash),
	TEST_CASE(test_create_lpm),
	TEST_CASE(test_create_outer),
	TEST_CASE(test_names_and_ids),
	TEST_CASE(test_info),
	TEST_CASES_END(),
};

/* After the element operations: the ID space sees every ID they used. */
static const struct autotest_case api_id_cases[] = {
	TEST_CASE(test_table_handle),
	TEST_CASE(test_id_space),
	TEST_CASES_END(),
};

static const struct autotest_case *const api_more[] = {
	api_elem_cases,
	api_id_cases,
	NULL,
};

static struct autotest_suite api_suite = {
	.name = "api",
	.help = "control-plane API: creation rules, names, IDs, element operations, errnos",
	.cases = api_cases,
	.more_cases = api_more,
};
REGISTER_AUTOTEST(api_suite);
