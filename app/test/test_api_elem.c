/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The control-plane API, part of the `api` suite: the element operations
 * of every table type with every documented errno, in the kernel's order.
 */

#include <errno.h>

#include <rte_byteorder.h>

#include <mim.h>

#include "autotest.h"
#include "test_api.h"

static int
test_array_elems(void)
{
	uint8_t val[12], out[12];
	uint32_t k, next;
	int id;

	id = mk(MIM_TYPE_ARRAY, "arr", 4, 12, 5);
	TEST_ASSERT_OK(id);
	memset(val, 0xab, sizeof(val));
	k = 7;
	/* Flags are checked before the index, the index before NOEXIST. */
	TEST_ASSERT_ERR(mim_update_elem(id, &k, val, 3), EINVAL, "flags");
	TEST_ASSERT_ERR(mim_update_elem(id, &k, val, MIM_ANY), E2BIG,
			"index 7 >= max_entries 5");
	k = 4;
	TEST_ASSERT_ERR(mim_update_elem(id, &k, val, MIM_NOEXIST), EEXIST,
			"every index exists");
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, out));
	TEST_ASSERT_EQUAL(out[0] | out[11], 0, "arrays start zeroed");
	TEST_ASSERT_OK(mim_update_elem(id, &k, val, MIM_EXIST));
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, out));
	TEST_ASSERT_EQUAL(memcmp(out, val, sizeof(val)), 0, "");
	TEST_ASSERT(memcmp(mim_lookup(mim_table(id), &k), val, 12) == 0, "");
	k = 5;
	TEST_ASSERT_ERR(mim_lookup_elem(id, &k, out), ENOENT, "no such element");
	TEST_ASSERT_ERR(mim_delete_elem(id, &k), EINVAL, "cannot be deleted");
	TEST_ASSERT_ERR(mim_update_elem(id, NULL, val, 0), EINVAL, "NULL");
	TEST_ASSERT_ERR(mim_update_elem(id, &k, NULL, 0), EINVAL, "NULL");
	TEST_ASSERT_ERR(mim_update_elem(999, NULL, NULL, 0), EBADF, "no table");

	/* get_next_key: every index; an out-of-range key restarts. */
	TEST_ASSERT_OK(mim_get_next_key(id, NULL, &next));
	TEST_ASSERT_EQUAL(next, 0, "");
	k = 3;
	TEST_ASSERT_OK(mim_get_next_key(id, &k, &next));
	TEST_ASSERT_EQUAL(next, 4, "");
	k = 4;
	TEST_ASSERT_ERR(mim_get_next_key(id, &k, &next), ENOENT,
			"no key after");
	k = 100;
	TEST_ASSERT_OK(mim_get_next_key(id, &k, &next));
	TEST_ASSERT_EQUAL(next, 0, "");
	TEST_ASSERT_ERR(mim_get_next_key(id, &k, NULL), EINVAL, "NULL");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_hash_elems(void)
{
	uint8_t key[6] = {0}, k2[6], val[3] = {1, 2, 3}, out[3];
	unsigned int seen = 0, n = 0, i;
	int id;

	id = mk(MIM_TYPE_HASH, "h", 6, 3, 4);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_ERR(mim_get_next_key(id, NULL, k2), ENOENT, "no key");
	TEST_ASSERT_ERR(mim_update_elem(id, key, val, 8), EINVAL, "flags");
	TEST_ASSERT_ERR(mim_update_elem(id, key, val, 4), EINVAL, "BPF_F_LOCK");
	TEST_ASSERT_ERR(mim_update_elem(id, key, val, MIM_EXIST), ENOENT,
			"MIM_EXIST");
	for (i = 0; i < 4; i++) {
		key[0] = (uint8_t)i;
		val[0] = (uint8_t)(10 + i);
		TEST_ASSERT_OK(mim_update_elem(id, key, val, MIM_NOEXIST));
	}
	key[0] = 9;
	TEST_ASSERT_ERR(mim_update_elem(id, key, val, MIM_ANY), E2BIG,
			"full (max_entries 4)");
	key[0] = 2;
	TEST_ASSERT_ERR(mim_update_elem(id, key, val, MIM_NOEXIST), EEXIST,
			"MIM_NOEXIST");
	/* A full table still updates existing keys. */
	val[0] = 99;
	TEST_ASSERT_OK(mim_update_elem(id, key, val, MIM_EXIST));
	TEST_ASSERT_OK(mim_lookup_elem(id, key, out));
	TEST_ASSERT_EQUAL(out[0], 99, "");
	TEST_ASSERT_EQUAL(((uint8_t *)mim_lookup(mim_table(id), key))[0], 99,
			  "");
	/* Walk: every key exactly once. */
	TEST_ASSERT_OK(mim_get_next_key(id, NULL, k2));
	do {
		seen |= 1U << k2[0];
		n++;
		memcpy(key, k2, sizeof(key));
	} while (mim_get_next_key(id, key, k2) == 0);
	TEST_ASSERT_EQUAL(seen, 0xf, "");
	TEST_ASSERT_EQUAL(n, 4, "");
	/* An absent key restarts the walk. */
	key[0] = 77;
	TEST_ASSERT_OK(mim_get_next_key(id, key, k2));
	key[0] = 1;
	TEST_ASSERT_OK(mim_delete_elem(id, key));
	TEST_ASSERT_ERR(mim_delete_elem(id, key), ENOENT, "no such key");
	TEST_ASSERT_ERR(mim_lookup_elem(id, key, out), ENOENT, "no such element");
	TEST_ASSERT(mim_lookup(mim_table(id), key) == NULL, "");
	key[0] = 9;
	TEST_ASSERT_OK(mim_update_elem(id, key, val, MIM_ANY));
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static struct mim_lpm_key
pfx(uint32_t len, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	struct mim_lpm_key k = {
		.prefixlen = len,
		.addr = rte_cpu_to_be_32(a << 24 | b << 16 | c << 8 | d),
	};

	return k;
}

/* A lookup and the value it must find. */
struct lpm_expect {
	uint32_t len, a, b, c, d;
	uint32_t value;
	const char *why;
};

static int
lpm_expect(int id, const struct lpm_expect *e, size_t n)
{
	struct mim_lpm_key k;
	uint32_t out;
	size_t i;

	for (i = 0; i < n; i++) {
		k = pfx(e[i].len, e[i].a, e[i].b, e[i].c, e[i].d);
		TEST_ASSERT_OK(mim_lookup_elem(id, &k, &out));
		TEST_ASSERT_EQUAL(out, e[i].value, "%u.%u.%u.%u/%u: %s", e[i].a,
				  e[i].b, e[i].c, e[i].d, e[i].len, e[i].why);
	}
	return TEST_SUCCESS;
}

/* What test_lpm_elems' routes give: 10/8 1, 10.1/16 2, /0 0x7fffffff,
 * 10.1.2.3/32 4, 10.1.2.128/25 5.
 */
static const struct lpm_expect longest[] = {
	{ 32, 10, 1, 2, 3, 4, "" },
	{ 31, 10, 1, 2, 3, 2, "/16 is the longest of at most 31 bits" },
	{ 32, 10, 1, 2, 200, 5, "" },
	{ 32, 10, 200, 0, 1, 1, "" },
	{ 32, 11, 0, 0, 1, 0x7fffffff, "the /0 route" },
	{ 7, 10, 0, 0, 1, 0x7fffffff, "" },
};

static int
test_lpm_elems(void)
{
	struct mim_lpm_key k, next;
	uint32_t v, out;
	unsigned int n;
	int id;

	id = mk(MIM_TYPE_LPM, "lpm", 8, 4, 5);
	TEST_ASSERT_OK(id);
	k = pfx(33, 10, 0, 0, 0);
	v = 1;
	TEST_ASSERT_ERR(mim_update_elem(id, &k, &v, MIM_ANY), EINVAL,
			"prefixlen 33");
	TEST_ASSERT_ERR(mim_delete_elem(id, &k), EINVAL, "prefixlen 33");
	TEST_ASSERT_ERR(mim_lookup_elem(id, &k, &out), ENOENT, "");
	TEST_ASSERT_ERR(mim_update_elem(id, &k, &v, 3), EINVAL, "flags");

	k = pfx(8, 10, 9, 9, 9);         /* host bits are ignored */
	TEST_ASSERT_OK(mim_update_elem(id, &k, &v, MIM_NOEXIST));
	k = pfx(8, 10, 0, 0, 0);
	TEST_ASSERT_ERR(mim_update_elem(id, &k, &v, MIM_NOEXIST), EEXIST,
			"prefix exists");
	k = pfx(16, 10, 1, 0, 0);
	TEST_ASSERT_ERR(mim_update_elem(id, &k, &v, MIM_EXIST), ENOENT,
			"no such prefix");
	v = 2;
	TEST_ASSERT_OK(mim_update_elem(id, &k, &v, MIM_ANY));
	k = pfx(0, 0, 0, 0, 0);
	v = 0x7fffffff;                  /* all 32 bits are kept */
	TEST_ASSERT_OK(mim_update_elem(id, &k, &v, MIM_ANY));
	k = pfx(32, 10, 1, 2, 3);
	v = 4;
	TEST_ASSERT_OK(mim_update_elem(id, &k, &v, MIM_ANY));
	k = pfx(25, 10, 1, 2, 128);
	v = 5;
	TEST_ASSERT_OK(mim_update_elem(id, &k, &v, MIM_ANY));
	k = pfx(24, 10, 1, 3, 0);
	TEST_ASSERT_ERR(mim_update_elem(id, &k, &v, MIM_ANY), ENOSPC,
			"full (max_entries 5)");

	/* Longest match, bounded by the key's prefixlen (kernel semantics). */
	if (lpm_expect(id, longest, RTE_DIM(longest)) != TEST_SUCCESS)
		return TEST_FAILED;

	/* Delete falls back to the next shorter prefix. */
	k = pfx(16, 10, 1, 0, 0);
	TEST_ASSERT_OK(mim_delete_elem(id, &k));
	TEST_ASSERT_ERR(mim_delete_elem(id, &k), ENOENT, "no such prefix");
	k = pfx(32, 10, 1, 9, 9);
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, &out));
	TEST_ASSERT_EQUAL(out, 1, "");
	TEST_ASSERT_EQUAL(*(uint32_t *)mim_lookup(mim_table(id), &k), 1, "");
	k = pfx(0, 0, 0, 0, 0);
	TEST_ASSERT_OK(mim_delete_elem(id, &k));
	k = pfx(32, 11, 0, 0, 1);
	TEST_ASSERT_ERR(mim_lookup_elem(id, &k, &out), ENOENT, "");
	TEST_ASSERT(mim_lookup(mim_table(id), &k) == NULL, "");

	/* Iteration returns every prefix once, masked. */
	n = 0;
	TEST_ASSERT_OK(mim_get_next_key(id, NULL, &next));
	do {
		uint32_t a = rte_be_to_cpu_32(next.addr);

		TEST_ASSERT((next.prefixlen == 8 && a == 0x0a000000) ||
			    (next.prefixlen == 32 && a == 0x0a010203) ||
			    (next.prefixlen == 25 && a == 0x0a010280),
			    "prefix %u/%08x", next.prefixlen, a);
		n++;
		k = next;
	} while (mim_get_next_key(id, &k, &next) == 0);
	TEST_ASSERT_EQUAL(n, 3, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_lpm_values(void)
{
	struct mim_lpm_key k1 = pfx(24, 10, 0, 1, 0), k2 = pfx(24, 10, 0, 2, 0);
	struct mim_lpm_key q1 = pfx(32, 10, 0, 1, 1), q2 = pfx(32, 10, 0, 2, 1);
	uint8_t v[20], out[20];
	struct mim_table *t;
	int id;

	/* Values of any size up to 256 bytes; equal values share a slot. */
	id = mk(MIM_TYPE_LPM, "lpmv", 8, 20, 16);
	TEST_ASSERT_OK(id);
	t = mim_table(id);
	memset(v, 7, sizeof(v));
	TEST_ASSERT_OK(mim_update_elem(id, &k1, v, MIM_ANY));
	TEST_ASSERT_OK(mim_update_elem(id, &k2, v, MIM_ANY));
	TEST_ASSERT(mim_lookup(t, &q1) == mim_lookup(t, &q2),
		    "equal values share one slot");
	v[19] = 8;
	TEST_ASSERT_OK(mim_update_elem(id, &k2, v, MIM_ANY));
	TEST_ASSERT(mim_lookup(t, &q1) != mim_lookup(t, &q2), "");
	TEST_ASSERT_OK(mim_lookup_elem(id, &q2, out));
	TEST_ASSERT_EQUAL(memcmp(out, v, sizeof(v)), 0, "");
	TEST_ASSERT_EQUAL(memcmp(mim_lookup(t, &q2), v, sizeof(v)), 0, "");
	/* Same value again: nothing changes. */
	TEST_ASSERT_OK(mim_update_elem(id, &k2, v, MIM_EXIST));
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_aot_elems(void)
{
	uint32_t k, v, out, next;
	int tmpl, in1, in2, outer;

	tmpl = mk(MIM_TYPE_HASH, "tmpl", 4, 4, 8);
	in1 = mk(MIM_TYPE_HASH, "in1", 4, 4, 8);
	in2 = mk(MIM_TYPE_HASH, "in2", 4, 4, 64);
	outer = mk_outer(MIM_TYPE_ARRAY_OF_TABLES, "outer", 4, 3,
			 (uint32_t)tmpl);
	TEST_ASSERT_OK(outer);
	k = 3;
	v = 999;
	/* Flags, then index, then the table ID (kernel order). */
	TEST_ASSERT_ERR(mim_update_elem(outer, &k, &v, MIM_NOEXIST), EINVAL,
			"MIM_ANY only");
	TEST_ASSERT_ERR(mim_update_elem(outer, &k, &v, MIM_EXIST), EINVAL,
			"MIM_ANY only");
	TEST_ASSERT_ERR(mim_update_elem(outer, &k, &v, MIM_ANY), E2BIG,
			"index 3 >= max_entries 3");
	k = 0;
	TEST_ASSERT_ERR(mim_update_elem(outer, &k, &v, MIM_ANY), EBADF,
			"value 999 names no table");
	TEST_ASSERT_ERR(mim_lookup_elem(outer, &k, &out), ENOENT, "");
	TEST_ASSERT(mim_lookup(mim_table(outer), &k) == NULL, "empty slot");
	v = (uint32_t)in1;
	TEST_ASSERT_OK(mim_update_elem(outer, &k, &v, MIM_ANY));
	TEST_ASSERT_OK(mim_lookup_elem(outer, &k, &out));
	TEST_ASSERT_EQUAL(out, in1, "a lookup returns the inner table's ID");
	TEST_ASSERT(mim_lookup(mim_table(outer), &k) == mim_table(in1), "");
	v = (uint32_t)in2;
	TEST_ASSERT_OK(mim_update_elem(outer, &k, &v, MIM_ANY));
	TEST_ASSERT_OK(mim_lookup_elem(outer, &k, &out));
	TEST_ASSERT_EQUAL(out, in2, "replaced");
	TEST_ASSERT_OK(mim_get_next_key(outer, NULL, &next));
	TEST_ASSERT_EQUAL(next, 0, "");
	k = 1;
	TEST_ASSERT_OK(mim_get_next_key(outer, &k, &next));
	TEST_ASSERT_EQUAL(next, 2, "empty slots are iterated too");
	k = 3;
	TEST_ASSERT_ERR(mim_delete_elem(outer, &k), E2BIG, "index 3");
	k = 1;
	TEST_ASSERT_ERR(mim_delete_elem(outer, &k), ENOENT, "slot 1 is empty");
	k = 0;
	TEST_ASSERT_OK(mim_delete_elem(outer, &k));
	TEST_ASSERT_ERR(mim_lookup_elem(outer, &k, &out), ENOENT, "");
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(in1));
	TEST_ASSERT_OK(mim_close(in2));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

static int
test_hot_elems(void)
{
	uint64_t k, next;
	uint32_t v, out;
	unsigned int n = 0;
	int tmpl, in1, in2, outer;

	tmpl = mk(MIM_TYPE_ARRAY, "tmpl", 4, 4, 8);
	in1 = mk(MIM_TYPE_ARRAY, "in1", 4, 4, 8);
	in2 = mk(MIM_TYPE_ARRAY, "in2", 4, 4, 8);
	outer = mk_outer(MIM_TYPE_HASH_OF_TABLES, "outer", 8, 2,
			 (uint32_t)tmpl);
	TEST_ASSERT_OK(outer);
	k = 100;
	v = 999;
	/* The table ID is checked first (bpf_fd_htab_map_update_elem),
	 * after BPF_F_LOCK only (map_update_elem()).
	 */
	TEST_ASSERT_ERR(mim_update_elem(outer, &k, &v, 72), EBADF,
			"value 999");
	TEST_ASSERT_ERR(mim_update_elem(outer, &k, &v, 4), EINVAL,
			"BPF_F_LOCK");
	v = (uint32_t)in1;
	TEST_ASSERT_ERR(mim_update_elem(outer, &k, &v, 72), EINVAL, "flags");
	TEST_ASSERT_ERR(mim_update_elem(outer, &k, &v, MIM_EXIST), ENOENT,
			"MIM_EXIST");
	TEST_ASSERT_OK(mim_update_elem(outer, &k, &v, MIM_NOEXIST));
	TEST_ASSERT_ERR(mim_update_elem(outer, &k, &v, MIM_NOEXIST), EEXIST,
			"MIM_NOEXIST");
	v = (uint32_t)in2;
	TEST_ASSERT_OK(mim_update_elem(outer, &k, &v, MIM_EXIST));
	TEST_ASSERT_OK(mim_lookup_elem(outer, &k, &out));
	TEST_ASSERT_EQUAL(out, in2, "");
	TEST_ASSERT(mim_lookup(mim_table(outer), &k) == mim_table(in2), "");
	k = 200;
	TEST_ASSERT_OK(mim_update_elem(outer, &k, &v, MIM_ANY));
	k = 300;
	TEST_ASSERT_ERR(mim_update_elem(outer, &k, &v, MIM_ANY), E2BIG,
			"full");
	TEST_ASSERT_ERR(mim_lookup_elem(outer, &k, &out), ENOENT, "");
	TEST_ASSERT_ERR(mim_delete_elem(outer, &k), ENOENT, "no such key");
	TEST_ASSERT_OK(mim_get_next_key(outer, NULL, &next));
	do {
		TEST_ASSERT(next == 100 || next == 200, "key %" PRIu64, next);
		n++;
		k = next;
	} while (mim_get_next_key(outer, &k, &next) == 0);
	TEST_ASSERT_EQUAL(n, 2, "");
	k = 100;
	TEST_ASSERT_OK(mim_delete_elem(outer, &k));
	TEST_ASSERT_ERR(mim_lookup_elem(outer, &k, &out), ENOENT, "");
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(in1));
	TEST_ASSERT_OK(mim_close(in2));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

static int
test_more_errnos(void)
{
	struct mim_lpm_key k1 = pfx(32, 10, 0, 1, 1), k2 = pfx(32, 10, 0, 2, 1);
	MIM_OPTS(mim_create_opts, o, .lpm_tbl8_groups = 1);
	const struct btf *btf;
	uint32_t v = 1, next;
	int id;

	TEST_ASSERT_ERR(mim_get_next_key(777, NULL, &next), EBADF, "no table");
	TEST_ASSERT_ERR(mim_get_btf(777, &btf, NULL, NULL), EBADF, "no table");
	TEST_ASSERT_ERR(mim_get_stats(NULL), EINVAL, "NULL");
	TEST_ASSERT_ERR(mim_lookup_elem(777, &v, &v), EBADF, "no table");
	TEST_ASSERT_ERR(mim_delete_elem(777, &v), EBADF, "no table");
	/* lpm_tbl8_groups is accepted and has no effect on the compact
	 * layout: routes longer than /24 in two /24s fit.
	 */
	id = mim_create(MIM_TYPE_LPM, "l", 8, 4, 16, &o);
	TEST_ASSERT_OK(mim_update_elem(id, &k1, &v, MIM_ANY));
	TEST_ASSERT_OK(mim_update_elem(id, &k2, &v, MIM_ANY));
	TEST_ASSERT_OK(mim_lookup_elem(id, &k2, &v));
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

const struct autotest_case api_elem_cases[] = {
	TEST_CASE(test_array_elems),
	TEST_CASE(test_hash_elems),
	TEST_CASE(test_lpm_elems),
	TEST_CASE(test_lpm_values),
	TEST_CASE(test_aot_elems),
	TEST_CASE(test_hot_elems),
	TEST_CASE(test_more_errnos),
	TEST_CASES_END(),
};
