/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The control-plane API: creation checks and their errnos, names, IDs,
 * info, and the element operations of every table type with every
 * documented errno, in the kernel's order.
 */

#include <errno.h>

#include <rte_byteorder.h>
#include <rte_errno.h>

#include <mim.h>
#include "mim_private.h"

#include "autotest.h"
#include "autotest_util.h"

static int
mk(enum mim_type type, const char *name, uint32_t k, uint32_t v, uint32_t max)
{
	return mim_create(type, name, k, v, max, NULL);
}

static int
mk_outer(enum mim_type type, const char *name, uint32_t k, uint32_t max,
	 uint32_t inner_id)
{
	MIM_OPTS(mim_create_opts, o, .inner_id = inner_id);

	return mim_create(type, name, k, 4, max, &o);
}

static int
test_create_common(void)
{
	struct {
		struct mim_create_opts o;
		uint64_t extra;
	} big;
	MIM_OPTS(mim_create_opts, numa, .map_flags = MIM_F_NUMA_NODE,
		 .socket_id = -1);
	struct mim_create_opts small = { .sz = 4 };
	int id;

	TEST_ASSERT_ERR(mk(0, "t", 4, 4, 1), EINVAL, "unknown table type");
	TEST_ASSERT_ERR(mk(MIM_TYPE_MAX, "t", 4, 4, 1), EINVAL,
			"unknown table type");
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
	/* The NUMA node is checked before the type, as map_create();
	 * SOCKET_ID_ANY is the kernel's NUMA_NO_NODE.
	 */
	numa.socket_id = 64;
	TEST_ASSERT_ERR(mim_create(0, "t", 4, 4, 1, &numa), EINVAL,
			"socket_id 64 is not a NUMA socket of this machine");
	numa.socket_id = -1;
	id = mim_create(MIM_TYPE_ARRAY, "t", 4, 4, 1, &numa);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(mim_close(id));
	numa.socket_id = 0;
	id = mim_create(MIM_TYPE_ARRAY, "t", 4, 4, 1, &numa);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(mim_close(id));
	/* inner_id belongs to outer tables only. */
	TEST_ASSERT_ERR(mk_outer(MIM_TYPE_HASH, "t", 4, 1, 1), EINVAL,
			"only outer tables");
	return TEST_SUCCESS;
}

static int
test_create_array(void)
{
	MIM_OPTS(mim_create_opts, o, .map_flags = MIM_F_NO_PREALLOC);
	int id;

	TEST_ASSERT_ERR(mk(MIM_TYPE_ARRAY, "a", 4, 4, 0), EINVAL,
			"max_entries is 0");
	TEST_ASSERT_ERR(mk(MIM_TYPE_ARRAY, "a", 8, 4, 1), EINVAL, "key_size 8");
	TEST_ASSERT_ERR(mk(MIM_TYPE_ARRAY, "a", 4, 0, 1), EINVAL,
			"value_size is 0");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY, "a", 4, 4, 1, &o), EINVAL,
			"map_flags 0x1");
	TEST_ASSERT_ERR(mk(MIM_TYPE_ARRAY, "a", 4, (uint32_t)INT32_MAX + 1, 1),
			E2BIG, "value_size 2147483648 above INT_MAX");
	/* Large values are fine: the whole array is bounded, not them. */
	id = mk(MIM_TYPE_ARRAY, "a", 4, MIM_VALUE_SIZE_MAX + 1, 1);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(mim_close(id));
	TEST_ASSERT_ERR(mk(MIM_TYPE_ARRAY, "a", 4, 4, (1U << 31) + 1), E2BIG,
			"2^31");
	TEST_ASSERT_ERR(mk(MIM_TYPE_ARRAY, "a", 4, 4096, 1U << 20), E2BIG,
			"4 GiB");
	/* Checks come in the kernel's order: max_entries before key_size. */
	TEST_ASSERT_ERR(mk(MIM_TYPE_ARRAY, "a", 8, 0, 0), EINVAL,
			"max_entries is 0");
	id = mk(MIM_TYPE_ARRAY, "a", 4, 3, 5);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_create_hash(void)
{
	MIM_OPTS(mim_create_opts, o, .map_flags = MIM_F_INNER_MAP);
	int id;

	TEST_ASSERT_ERR(mim_create(MIM_TYPE_HASH, "h", 4, 4, 1, &o), EINVAL,
			"map_flags 0x1000");
	TEST_ASSERT_ERR(mk(MIM_TYPE_HASH, "h", 4, 4, 0), EINVAL,
			"max_entries is 0");
	TEST_ASSERT_ERR(mk(MIM_TYPE_HASH, "h", 0, 4, 1), EINVAL,
			"key_size is 0");
	TEST_ASSERT_ERR(mk(MIM_TYPE_HASH, "h", 4, 0, 1), EINVAL,
			"value_size is 0");
	TEST_ASSERT_ERR(mk(MIM_TYPE_HASH, "h", MIM_KEY_SIZE_MAX + 1, 4, 1),
			E2BIG, "key_size");
	/* An element must fit the kernel's KMALLOC_MAX_SIZE (4 MiB). */
	TEST_ASSERT_ERR(mk(MIM_TYPE_HASH, "h", 4, MIM_VALUE_SIZE_MAX - 52, 1),
			E2BIG, "key_size + value_size 4194256 is not below 4194256");
	TEST_ASSERT_ERR(mk(MIM_TYPE_HASH, "h", 4, 4, (1U << 27) + 1), E2BIG,
			"max_entries 134217729 above 2^27");
	o.map_flags = MIM_F_NO_PREALLOC;
	id = mim_create(MIM_TYPE_HASH, "h", 13, 7, 1, &o);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_create_lpm(void)
{
	MIM_OPTS(mim_create_opts, o, .map_flags = MIM_F_INNER_MAP);
	int id;

	TEST_ASSERT_ERR(mk(MIM_TYPE_LPM, "l", 8, 4, 0), EINVAL,
			"max_entries is 0");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_LPM, "l", 8, 4, 1, &o), EINVAL,
			"map_flags");
	TEST_ASSERT_ERR(mk(MIM_TYPE_LPM, "l", 20, 4, 1), EINVAL, "key_size 20");
	TEST_ASSERT_ERR(mk(MIM_TYPE_LPM, "l", 8, 0, 1), EINVAL,
			"value_size is 0");
	TEST_ASSERT_ERR(mk(MIM_TYPE_LPM, "l", 8, 257, 1), E2BIG, "value_size");
	TEST_ASSERT_ERR(mk(MIM_TYPE_LPM, "l", 8, 4, (1U << 23) + 1), E2BIG,
			"max_entries");
	o.map_flags = 0;
	o.lpm_tbl8_groups = (1U << 24) + 1;
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_LPM, "l", 8, 4, 1, &o), EINVAL,
			"lpm_tbl8_groups");
	/* BPF_F_NO_PREALLOC, which the kernel requires, is accepted. */
	o.map_flags = MIM_F_NO_PREALLOC;
	o.lpm_tbl8_groups = 0;
	id = mim_create(MIM_TYPE_LPM, "l", 8, 4, 16, &o);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_create_outer(void)
{
	MIM_OPTS(mim_create_opts, o, .map_flags = MIM_F_INNER_MAP);
	int tmpl, aot, hot;

	tmpl = mk(MIM_TYPE_HASH, "tmpl", 4, 8, 16);
	TEST_ASSERT_OK(tmpl);
	/* value_size first (fd_array_map_alloc_check), then the array's
	 * checks, then the template (bpf_map_meta_alloc).
	 */
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "o", 4, 8, 0,
				   NULL), EINVAL, "value_size 8");
	TEST_ASSERT_ERR(mk_outer(MIM_TYPE_ARRAY_OF_TABLES, "o", 4, 0, 999),
			EINVAL, "max_entries is 0");
	o.inner_id = (uint32_t)tmpl;
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "o", 4, 4, 4, &o),
			EINVAL, "map_flags 0x1000");
	TEST_ASSERT_ERR(mk_outer(MIM_TYPE_ARRAY_OF_TABLES, "o", 4, 4, 0),
			EBADF, "inner_id 0");
	TEST_ASSERT_ERR(mk_outer(MIM_TYPE_ARRAY_OF_TABLES, "o", 4, 4, 999),
			EBADF, "inner_id 999");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_HASH_OF_TABLES, "o", 4, 2, 4,
				   NULL), EINVAL, "value_size 2");
	TEST_ASSERT_ERR(mk_outer(MIM_TYPE_HASH_OF_TABLES, "o", 0, 4,
				 (uint32_t)tmpl), EINVAL, "key_size is 0");
	TEST_ASSERT_ERR(mk_outer(MIM_TYPE_HASH_OF_TABLES, "o", 4, 4, 777),
			EBADF, "inner_id 777");

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
	k = pfx(32, 10, 1, 2, 3);
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, &out));
	TEST_ASSERT_EQUAL(out, 4, "");
	k = pfx(31, 10, 1, 2, 3);
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, &out));
	TEST_ASSERT_EQUAL(out, 2, "/16 is the longest of at most 31 bits");
	k = pfx(32, 10, 1, 2, 200);
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, &out));
	TEST_ASSERT_EQUAL(out, 5, "");
	k = pfx(32, 10, 200, 0, 1);
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, &out));
	TEST_ASSERT_EQUAL(out, 1, "");
	k = pfx(32, 11, 0, 0, 1);
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, &out));
	TEST_ASSERT_EQUAL(out, 0x7fffffff, "the /0 route");
	k = pfx(7, 10, 0, 0, 1);
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, &out));
	TEST_ASSERT_EQUAL(out, 0x7fffffff, "");

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
	/* rte_lpm runs out of tbl8 groups: a route longer than /24 takes
	 * one per /24.
	 */
	id = mim_create(MIM_TYPE_LPM, "l", 8, 4, 16, &o);
	TEST_ASSERT_OK(mim_update_elem(id, &k1, &v, MIM_ANY));
	TEST_ASSERT_ERR(mim_update_elem(id, &k2, &v, MIM_ANY), ENOSPC,
			"no tbl8 group left");
	TEST_ASSERT_ERR(mim_lookup_elem(id, &k2, &v), ENOENT, "");
	TEST_ASSERT_OK(mim_close(id));
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
	TEST_CASE(test_array_elems),
	TEST_CASE(test_hash_elems),
	TEST_CASE(test_lpm_elems),
	TEST_CASE(test_lpm_values),
	TEST_CASE(test_aot_elems),
	TEST_CASE(test_hot_elems),
	TEST_CASE(test_table_handle),
	TEST_CASE(test_id_space),
	TEST_CASE(test_more_errnos),
	TEST_CASES_END(),
};

static struct autotest_suite api_suite = {
	.name = "api",
	.help = "control-plane API: creation rules, names, IDs, element operations, errnos",
	.cases = api_cases,
};
REGISTER_AUTOTEST(api_suite);
