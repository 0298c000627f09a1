/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Import from a BPF object: bpf/import.bpf.c, compiled with clang at build
 * time, declares every importable map type, map-in-map with templates and
 * static initial slots, and maps that must be skipped. The object's path
 * comes from MIM_BPF_OBJ (set by meson test); without it the suite skips.
 */

#include <errno.h>
#include <stdlib.h>

#include <linux/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <rte_byteorder.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"

#define MAX_MAPS 16

static const char *
obj_path(void)
{
	return getenv("MIM_BPF_OBJ");
}

/* A plain array with its BTF value type. */
static int
check_array(const struct mim_bpf_map *m, int n)
{
	const struct mim_bpf_map *x = autotest_bpf_map(m, n, "nexthops");
	struct mim_table_info info;
	const struct btf *btf;
	uint32_t vid;

	TEST_ASSERT(x != NULL && x->id > 0, "");
	TEST_ASSERT_OK(mim_get_info(x->id, &info));
	TEST_ASSERT_EQUAL(info.type, MIM_TYPE_ARRAY, "");
	TEST_ASSERT_EQUAL(info.value_size, 12, "");
	TEST_ASSERT_EQUAL(info.max_entries, 16, "");
	TEST_ASSERT_OK(mim_get_btf(x->id, &btf, NULL, &vid));
	TEST_ASSERT(btf != NULL && strcmp(btf__name_by_offset(btf,
		    btf__type_by_id(btf, vid)->name_off), "nexthop") == 0, "");
	return TEST_SUCCESS;
}

/*
 * The outer array: its template from __array(values, struct vrf), its
 * static slots 1 and 5; the outer hash, whose slot 3 holds flows_a.
 */
static int
check_outers(const struct mim_bpf_map *m, int n)
{
	const struct mim_bpf_map *x = autotest_bpf_map(m, n, "vrfs");
	struct mim_table_info info;
	uint32_t k, id;

	TEST_ASSERT(x != NULL && x->id > 0, "%s", x ? x->reason : "");
	TEST_ASSERT_OK(mim_get_info(x->id, &info));
	TEST_ASSERT_EQUAL(info.type, MIM_TYPE_ARRAY_OF_TABLES, "");
	TEST_ASSERT_EQUAL(info.inner.type, MIM_TYPE_LPM, "");
	TEST_ASSERT_EQUAL(info.inner.value_size, 4, "");
	TEST_ASSERT(info.inner.btf_key_type_id != 0, "the template is typed");
	TEST_ASSERT_EQUAL(info.nb_entries, 2, "");
	k = 1;
	TEST_ASSERT_OK(mim_lookup_elem(x->id, &k, &id));
	TEST_ASSERT_EQUAL(id, autotest_bpf_map(m, n, "vrf_a")->id, "");
	k = 5;
	TEST_ASSERT_OK(mim_lookup_elem(x->id, &k, &id));
	TEST_ASSERT_EQUAL(id, autotest_bpf_map(m, n, "vrf_b")->id, "");
	k = 0;
	TEST_ASSERT_ERR(mim_lookup_elem(x->id, &k, &id), ENOENT, "");

	x = autotest_bpf_map(m, n, "vnis");
	TEST_ASSERT(x != NULL && x->id > 0, "%s", x ? x->reason : "");
	k = 3;
	TEST_ASSERT_OK(mim_lookup_elem(x->id, &k, &id));
	TEST_ASSERT_EQUAL(id, autotest_bpf_map(m, n, "flows_a")->id, "");
	TEST_ASSERT_OK(mim_get_info(autotest_bpf_map(m, n, "flows_a")->id, &info));
	TEST_ASSERT_EQUAL(info.type, MIM_TYPE_HASH, "");
	TEST_ASSERT_EQUAL(info.key_size, 8, "");
	return TEST_SUCCESS;
}

/* The imported tables work: a route in vrf_a, through vrfs. */
static int
check_route(const struct mim_bpf_map *m, int n)
{
	struct mim_lpm_key rk = { 8, rte_cpu_to_be_32(10U << 24) };
	struct mim_lpm_key q = { 32, rte_cpu_to_be_32(10U << 24 | 7) };
	uint32_t nh = 42, slot = 1;
	const struct mim_table *vrf;

	TEST_ASSERT_OK(mim_update_elem(autotest_bpf_map(m, n, "vrf_a")->id, &rk, &nh,
				       MIM_ANY));
	vrf = mim_lookup(mim_table(autotest_bpf_map(m, n, "vrfs")->id), &slot);
	TEST_ASSERT(vrf != NULL && *(uint32_t *)mim_lookup(vrf, &q) == 42, "");
	return TEST_SUCCESS;
}

/* What has no equivalent is skipped, and says why. */
static int
check_skipped(const struct mim_bpf_map *m, int n)
{
	static const struct {
		const char *name;
		const char *why;
	} skipped[] = {
		{ "events", "ringbuf" },
		{ "import.bss", "global data" },   /* libbpf: <object>.bss */
	};
	const struct mim_bpf_map *x;
	struct mim_table_info info;
	size_t i;

	/* A per-CPU array has one: a per-lcore array. */
	x = autotest_bpf_map(m, n, "counters");
	TEST_ASSERT(x != NULL && x->id > 0, "counters: %s", x ? x->reason : "");
	TEST_ASSERT_OK(mim_get_info(x->id, &info));
	TEST_ASSERT(info.type == MIM_TYPE_PERCPU_ARRAY && info.value_size == 8 &&
		    info.max_entries == 4, "");
	for (i = 0; i < RTE_DIM(skipped); i++) {
		x = autotest_bpf_map(m, n, skipped[i].name);
		TEST_ASSERT(x != NULL && x->id == -ENOTSUP &&
			    strstr(x->reason, skipped[i].why), "%s: %s",
			    skipped[i].name, x ? x->reason : "");
	}
	return TEST_SUCCESS;
}

/* Imported once more: the names collide unless prefixed. */
static int
check_reimport(int n)
{
	struct mim_bpf_map m2[MAX_MAPS];
	MIM_OPTS(mim_bpf_import_opts, o, .name_prefix = "t2.");
	const struct mim_bpf_map *x;

	TEST_ASSERT_EQUAL(mim_bpf_import(obj_path(), NULL, m2, MAX_MAPS), 9, "");
	x = autotest_bpf_map(m2, n, "nexthops");
	TEST_ASSERT(x->id == -EEXIST && strstr(x->reason, "exists"), "");
	x = autotest_bpf_map(m2, n, "vrfs");
	TEST_ASSERT(x->id < 0, "");
	autotest_bpf_close(m2, n);
	TEST_ASSERT_EQUAL(mim_bpf_import(obj_path(), &o, m2, MAX_MAPS), 9, "");
	x = autotest_bpf_map(m2, n, "vrfs");
	TEST_ASSERT(x->id > 0, "%s", x->reason);
	TEST_ASSERT_EQUAL(mim_find("t2.vrfs"), x->id, "");
	autotest_bpf_close(m2, n);
	return TEST_SUCCESS;
}

static int
test_import_object(void)
{
	struct mim_bpf_map m[MAX_MAPS];
	int n, i;

	if (obj_path() == NULL) {
		printf("    MIM_BPF_OBJ is not set (clang not found at build time?)\n");
		return TEST_SKIPPED;
	}
	TEST_ASSERT_EQUAL(mim_bpf_import(obj_path(), NULL, NULL, 0), 9,
			  "counting only");
	n = mim_bpf_import(obj_path(), NULL, m, MAX_MAPS);
	TEST_ASSERT_EQUAL(n, 9, "%s", mim_last_error());
	for (i = 0; i < n; i++)
		printf("    %-10s %-16s %s%d %s\n", m[i].name,
		       libbpf_bpf_map_type_str(m[i].bpf_type),
		       m[i].id > 0 ? "id " : "skipped, errno ",
		       m[i].id > 0 ? m[i].id : -m[i].id, m[i].reason);
	if (check_array(m, n) != TEST_SUCCESS ||
	    check_outers(m, n) != TEST_SUCCESS ||
	    check_route(m, n) != TEST_SUCCESS ||
	    check_skipped(m, n) != TEST_SUCCESS ||
	    check_reimport(n) != TEST_SUCCESS)
		return TEST_FAILED;
	autotest_bpf_close(m, n);
	return TEST_SUCCESS;
}

static int
test_import_errors(void)
{
	struct mim_bpf_map m[2];
	struct mim_bpf_import_opts bad = { .sz = 1 };

	TEST_ASSERT_ERR(mim_bpf_import(NULL, NULL, m, 2), EINVAL, "NULL");
	TEST_ASSERT_ERR(mim_bpf_import("/nonexistent.o", NULL, m, 2), ENOENT,
			"cannot open");
	TEST_ASSERT_ERR(mim_bpf_import("/etc/hostname", NULL, m, 2), EINVAL,
			"cannot open");
	TEST_ASSERT_ERR(mim_bpf_import("/etc/hostname", &bad, m, 2), EINVAL,
			"malformed");
	if (obj_path() == NULL)
		return TEST_SUCCESS;
	TEST_ASSERT_ERR(mim_bpf_import(obj_path(), NULL, m, 2), E2BIG,
			"has 9 maps, maps[] holds 2");
	return TEST_SUCCESS;
}

static const struct autotest_case bpf_import_cases[] = {
	TEST_CASE(test_import_object),
	TEST_CASE(test_import_errors),
	TEST_CASES_END(),
};

static struct autotest_suite bpf_import_suite = {
	.name = "bpf_import",
	.help = "tables from a BPF object's map declarations (MIM_BPF_OBJ)",
	.cases = bpf_import_cases,
};
REGISTER_AUTOTEST(bpf_import_suite);
