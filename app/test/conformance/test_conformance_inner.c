/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Conformance scenarios of the inner types' own elements: inner tables are
 * plain tables too.
 *
 * Kernel functions: array_map_update_elem(), array_map_delete_elem(),
 * array_map_lookup_elem(), array_map_get_next_key() (arraymap.c);
 * htab_map_update_elem() and check_flags(), alloc_htab_elem(),
 * htab_map_delete_elem(), htab_map_get_next_key() (hashtab.c);
 * trie_update_elem() and trie_check_add_elem(), trie_delete_elem(),
 * trie_lookup_elem(), trie_get_next_key(), longest_prefix_match()
 * (lpm_trie.c); map_update_elem() for BPF_F_LOCK (syscall.c).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <mim.h>

#include "autotest.h"
#include "conformance.h"

/* ---- arrays ------------------------------------------------------------------------ */

static int
conf_array_elems(void)
{
	struct conf_map a, s;
	uint32_t k0 = 0, k3 = 3, k4 = 4, kmax = UINT32_MAX;
	uint64_t v1 = 0x1111, v2 = 0x2222;
	uint8_t b3[3] = { 1, 2, 3 };

	CONF_BEGIN("array_elems");
	if (!conf_create(&a, "arr", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					      .key_size = 4, .value_size = 8,
					      .max_entries = 4)))
		return conf_end();
	conf_lookup(&a, &k0);
	conf_lookup(&a, &k4);
	conf_lookup(&a, &kmax);
	conf_update(&a, &k0, &v1, BPF_ANY);
	conf_update(&a, &k0, &v2, BPF_EXIST);
	conf_update(&a, &k3, &v1, BPF_NOEXIST);
	conf_update(&a, &k3, &v1, BPF_EXIST);
	conf_update(&a, &k4, &v1, BPF_ANY);
	conf_update(&a, &k0, &v1, 3);
	conf_update(&a, &k0, &v1, BPF_F_LOCK);
	conf_lookup(&a, &k0);
	conf_lookup(&a, &k3);
	/* array_map_delete_elem(): elements cannot be deleted. */
	conf_delete(&a, &k0);
	conf_delete(&a, &k4);
	conf_next_key(&a, NULL);
	conf_next_key(&a, &k3);
	conf_next_key(&a, &k4);
	conf_next_key(&a, &kmax);
	conf_walk(&a);
	/* Values that are not a multiple of 8 bytes. */
	if (conf_create(&s, "arr3", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					      .key_size = 4, .value_size = 3,
					      .max_entries = 3))) {
		conf_update(&s, &k0, b3, BPF_ANY);
		conf_walk(&s);
	}
	return conf_end();
}

/* Flags, then index, then BPF_NOEXIST (array_map_update_elem()). */
static int
conf_array_order(void)
{
	struct conf_map a;
	uint32_t k4 = 4;
	uint64_t v = 7;

	CONF_BEGIN("array_order");
	if (!conf_create(&a, "arr", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					      .key_size = 4, .value_size = 8,
					      .max_entries = 4)))
		return conf_end();
	conf_update(&a, &k4, &v, 3);
	conf_update(&a, &k4, &v, BPF_NOEXIST);
	conf_update(&a, &k4, &v, BPF_EXIST);
	conf_walk(&a);
	return conf_end();
}

/* ---- hash tables ------------------------------------------------------------------- */

static int
conf_hash_elems(void)
{
	static const uint32_t flags[] = { 0, BPF_F_NO_PREALLOC };
	struct conf_map h;
	uint32_t k1 = 1, k2 = 2, k3 = 3, i;
	uint64_t v1 = 0x1111, v2 = 0x2222;
	uint8_t k12a[12] = { 1, 2, 3 }, k12b[12] = { 1, 2, 3, 0, 0, 0, 0, 0,
						     0, 0, 0, 1 };

	CONF_BEGIN("hash_elems");
	for (i = 0; i < RTE_DIM(flags); i++) {
		if (!conf_create(&h, i == 0 ? "hash" : "hash_np",
				 CONF_SPEC(.type = MIM_TYPE_HASH, .key_size = 4,
					   .value_size = 8, .max_entries = 8,
					   .flags = flags[i])))
			return conf_end();
		conf_lookup(&h, &k1);
		conf_next_key(&h, NULL);
		conf_next_key(&h, &k1);
		conf_update(&h, &k1, &v1, BPF_NOEXIST);
		conf_update(&h, &k1, &v2, BPF_NOEXIST);
		conf_lookup(&h, &k1);
		conf_update(&h, &k2, &v2, BPF_EXIST);
		conf_lookup(&h, &k2);
		conf_update(&h, &k1, &v2, BPF_EXIST);
		conf_lookup(&h, &k1);
		conf_update(&h, &k2, &v1, BPF_ANY);
		conf_update(&h, &k3, &v1, 3);
		conf_update(&h, &k3, &v1, BPF_F_LOCK);
		conf_lookup(&h, &k3);
		conf_next_key(&h, NULL);
		conf_next_key(&h, &k1);
		conf_next_key(&h, &k2);
		conf_next_key(&h, &k3);
		conf_walk(&h);
		conf_delete(&h, &k3);
		conf_delete(&h, &k1);
		conf_delete(&h, &k1);
		conf_lookup(&h, &k1);
		conf_walk(&h);
		conf_close(&h);
		conf_unregister(&h);
	}
	/* Keys are all their bytes. */
	if (conf_create(&h, "hash12", CONF_SPEC(.type = MIM_TYPE_HASH,
						.key_size = 12,
						.value_size = 8,
						.max_entries = 4))) {
		conf_update(&h, k12a, &v1, BPF_ANY);
		conf_update(&h, k12b, &v2, BPF_NOEXIST);
		conf_lookup(&h, k12a);
		conf_lookup(&h, k12b);
		conf_walk(&h);
	}
	return conf_end();
}

/* alloc_htab_elem(): E2BIG for a new key in a full table, after the flags. */
static int
conf_hash_capacity(void)
{
	static const uint32_t flags[] = { 0, BPF_F_NO_PREALLOC };
	struct conf_map h;
	uint32_t k, i;
	uint64_t v = 5;

	CONF_BEGIN("hash_capacity");
	for (i = 0; i < RTE_DIM(flags); i++) {
		if (!conf_create(&h, i == 0 ? "hash3" : "hash3_np",
				 CONF_SPEC(.type = MIM_TYPE_HASH, .key_size = 4,
					   .value_size = 8, .max_entries = 3,
					   .flags = flags[i])))
			return conf_end();
		for (k = 0; k < 3; k++)
			conf_update(&h, &k, &v, BPF_ANY);
		k = 3;
		conf_update(&h, &k, &v, BPF_ANY);
		conf_update(&h, &k, &v, BPF_NOEXIST);
		conf_update(&h, &k, &v, BPF_EXIST);
		k = 0;
		conf_update(&h, &k, &v, BPF_NOEXIST);
		v = 6;
		conf_update(&h, &k, &v, BPF_ANY);
		conf_update(&h, &k, &v, BPF_EXIST);
		conf_delete(&h, &k);
		k = 3;
		conf_update(&h, &k, &v, BPF_NOEXIST);
		k = 4;
		conf_update(&h, &k, &v, BPF_ANY);
		conf_walk(&h);
		conf_close(&h);
		conf_unregister(&h);
	}
	return conf_end();
}

/*
 * Replacing the value of an existing key after another key was deleted
 * (key 0: see update_replace_after_delete_hom). The value size is one no
 * other scenario uses: values live in pools shared by size, and a value
 * released twice must not reach another scenario's tables.
 */
static int
conf_hash_replace_after_delete(void)
{
	struct conf_map h;
	uint32_t k0 = 0, k1 = 1;
	uint8_t v1[40], v2[40];

	CONF_BEGIN("hash_replace_after_delete");
	memset(v1, 0x11, sizeof(v1));
	memset(v2, 0x22, sizeof(v2));
	if (!conf_create(&h, "hash", CONF_SPEC(.type = MIM_TYPE_HASH,
					       .key_size = 4, .value_size = 40,
					       .max_entries = 4)))
		return conf_end();
	conf_update(&h, &k1, v1, BPF_ANY);
	conf_update(&h, &k0, v1, BPF_ANY);
	conf_delete(&h, &k1);
	conf_update(&h, &k0, v2, BPF_ANY);
	conf_lookup(&h, &k0);
	conf_walk(&h);
	conf_delete(&h, &k0);
	conf_lookup(&h, &k0);
	conf_walk(&h);
	return conf_end();
}

/* A large value: the kernel stores it; mapinmap must too. */
static int
conf_hash_large_value(void)
{
	const uint32_t vs = 1U << 20;
	uint8_t *v = calloc(1, vs), *kv = calloc(1, vs), *mv = calloc(1, vs);
	struct conf_map h;
	uint32_t k1 = 1;
	int k, m;

	CONF_BEGIN("hash_large_value");
	if (v == NULL || kv == NULL || mv == NULL) {
		conf_fail("out of memory");
		goto out;
	}
	memset(v, 0x5a, vs);
	if (!conf_create(&h, "hash1m", CONF_SPEC(.type = MIM_TYPE_HASH,
						 .key_size = 4,
						 .value_size = vs,
						 .max_entries = 2,
						 .flags = BPF_F_NO_PREALLOC)))
		goto out;
	k = bpf_map_update_elem(h.kfd, &k1, v, BPF_ANY);
	m = mim_update_elem(h.mid, &k1, v, BPF_ANY);
	conf_same(k, m, "update hash1m[1] = 1 MiB value BPF_ANY");
	k = bpf_map_lookup_elem(h.kfd, &k1, kv);
	m = mim_lookup_elem(h.mid, &k1, mv);
	if (conf_same(k, m, "lookup hash1m[1] (1 MiB value)") &&
	    (memcmp(kv, v, vs) != 0 || memcmp(mv, v, vs) != 0))
		conf_fail("lookup hash1m[1]: the value read back differs");
out:
	free(v);
	free(kv);
	free(mv);
	return conf_end();
}

/* ---- LPM tries ------------------------------------------------------------------------ */

static bool
lpm(struct conf_map *m, const char *label, uint32_t max)
{
	return conf_create(m, label, CONF_SPEC(.type = MIM_TYPE_LPM,
					       .key_size = 8, .value_size = 8,
					       .max_entries = max,
					       .flags = BPF_F_NO_PREALLOC));
}

static int
conf_lpm_elems(void)
{
	struct conf_map l;
	struct conf_lpm_key p8 = conf_lpm(8, 10, 0, 0, 0);
	struct conf_lpm_key p16 = conf_lpm(16, 10, 1, 0, 0);
	struct conf_lpm_key p24 = conf_lpm(24, 10, 1, 2, 0);
	struct conf_lpm_key h32 = conf_lpm(32, 10, 1, 2, 3);
	struct conf_lpm_key o32 = conf_lpm(32, 11, 0, 0, 1);
	struct conf_lpm_key h32b = conf_lpm(32, 10, 1, 9, 9);
	uint64_t v1 = 0x1111, v2 = 0x2222, v3 = 0x3333;

	CONF_BEGIN("lpm_elems");
	if (!lpm(&l, "lpm", 16))
		return conf_end();
	conf_lookup(&l, &h32);
	conf_next_key(&l, NULL);
	conf_update(&l, &p8, &v1, BPF_NOEXIST);
	conf_update(&l, &p8, &v2, BPF_NOEXIST);
	conf_update(&l, &p16, &v2, BPF_EXIST);
	conf_update(&l, &p8, &v2, BPF_EXIST);
	conf_update(&l, &p24, &v3, BPF_ANY);
	conf_update(&l, &p24, &v1, 3);
	conf_update(&l, &p24, &v1, BPF_F_LOCK);
	conf_lookup(&l, &h32);
	conf_lookup(&l, &h32b);
	conf_lookup(&l, &o32);
	conf_lookup(&l, &p16);
	conf_lookup(&l, &p8);
	conf_next_key(&l, NULL);
	conf_next_key(&l, &p16);
	conf_next_key(&l, &p8);
	conf_next_key(&l, &p24);
	conf_walk(&l);
	conf_delete(&l, &p16);
	conf_delete(&l, &p24);
	conf_delete(&l, &p24);
	conf_lookup(&l, &h32);
	conf_delete(&l, &p8);
	conf_lookup(&l, &h32);
	conf_walk(&l);
	return conf_end();
}

/* trie_*(): prefixlen above 32 is EINVAL (update, delete), a miss (lookup). */
static int
conf_lpm_prefixlen(void)
{
	struct conf_map l;
	struct conf_lpm_key p33 = conf_lpm(33, 10, 1, 2, 3);
	struct conf_lpm_key pmax = conf_lpm(UINT32_MAX, 10, 1, 2, 3);
	struct conf_lpm_key p8 = conf_lpm(8, 10, 0, 0, 0);
	struct conf_lpm_key p24 = conf_lpm(24, 10, 1, 2, 0);
	struct conf_lpm_key p32 = conf_lpm(32, 10, 1, 2, 3);
	struct conf_lpm_key q16 = conf_lpm(16, 10, 1, 2, 3);
	struct conf_lpm_key q24 = conf_lpm(24, 10, 1, 2, 3);
	struct conf_lpm_key q31 = conf_lpm(31, 10, 1, 2, 3);
	struct conf_lpm_key q7 = conf_lpm(7, 10, 1, 2, 3);
	uint64_t v8 = 8, v24 = 24, v32 = 32;

	CONF_BEGIN("lpm_prefixlen");
	if (!lpm(&l, "lpm", 16))
		return conf_end();
	conf_update(&l, &p33, &v8, BPF_ANY);
	conf_update(&l, &pmax, &v8, BPF_ANY);
	conf_update(&l, &p33, &v8, 3);
	conf_update(&l, &p8, &v8, BPF_ANY);
	conf_update(&l, &p24, &v24, BPF_ANY);
	conf_update(&l, &p32, &v32, BPF_ANY);
	conf_lookup(&l, &p33);
	conf_lookup(&l, &pmax);
	conf_delete(&l, &p33);
	conf_delete(&l, &pmax);
	/* The longest stored prefix of at most prefixlen bits. */
	conf_lookup(&l, &q7);
	conf_lookup(&l, &q16);
	conf_lookup(&l, &q24);
	conf_lookup(&l, &q31);
	conf_lookup(&l, &p32);
	/* An invalid key restarts the walk. */
	conf_next_key(&l, &p33);
	conf_walk(&l);
	return conf_end();
}

/* The /0 prefix matches everything. */
static int
conf_lpm_default_route(void)
{
	struct conf_map l;
	struct conf_lpm_key d = conf_lpm(0, 0, 0, 0, 0);
	struct conf_lpm_key dh = conf_lpm(0, 1, 2, 3, 4);
	struct conf_lpm_key p8 = conf_lpm(8, 10, 0, 0, 0);
	struct conf_lpm_key a = conf_lpm(32, 10, 9, 9, 9);
	struct conf_lpm_key b = conf_lpm(32, 11, 9, 9, 9);
	struct conf_lpm_key b0 = conf_lpm(0, 11, 9, 9, 9);
	uint64_t v0 = 0x00, v8 = 0x08;

	CONF_BEGIN("lpm_default_route");
	if (!lpm(&l, "lpm", 16))
		return conf_end();
	conf_update(&l, &d, &v0, BPF_NOEXIST);
	conf_lookup(&l, &a);
	conf_lookup(&l, &b0);
	conf_update(&l, &dh, &v8, BPF_NOEXIST);
	conf_update(&l, &dh, &v0, BPF_EXIST);
	conf_update(&l, &p8, &v8, BPF_ANY);
	conf_lookup(&l, &a);
	conf_lookup(&l, &b);
	conf_next_key(&l, NULL);
	conf_next_key(&l, &d);
	conf_walk(&l);
	conf_delete(&l, &dh);
	conf_lookup(&l, &b);
	conf_lookup(&l, &a);
	conf_delete(&l, &d);
	conf_walk(&l);
	return conf_end();
}

/* Replacing the /0 route's value after another route was deleted. */
static int
conf_lpm_replace_after_delete(void)
{
	struct conf_map l;
	struct conf_lpm_key d = conf_lpm(0, 0, 0, 0, 0);
	struct conf_lpm_key p8 = conf_lpm(8, 10, 0, 0, 0);
	struct conf_lpm_key a = conf_lpm(32, 1, 2, 3, 4);
	uint64_t v1 = 0x1111, v2 = 0x2222;

	CONF_BEGIN("lpm_replace_after_delete");
	if (!lpm(&l, "lpm", 4))
		return conf_end();
	conf_update(&l, &p8, &v1, BPF_ANY);
	conf_update(&l, &d, &v1, BPF_ANY);
	conf_delete(&l, &p8);
	conf_update(&l, &d, &v2, BPF_ANY);
	conf_lookup(&l, &a);
	conf_walk(&l);
	conf_delete(&l, &d);
	conf_lookup(&l, &a);
	conf_walk(&l);
	return conf_end();
}

/* Bits beyond prefixlen do not make another prefix. */
static int
conf_lpm_host_bits(void)
{
	struct conf_map l;
	struct conf_lpm_key h8 = conf_lpm(8, 10, 1, 2, 3);
	struct conf_lpm_key h8b = conf_lpm(8, 10, 9, 9, 9);
	struct conf_lpm_key h8c = conf_lpm(8, 10, 255, 0, 0);
	struct conf_lpm_key a = conf_lpm(32, 10, 200, 0, 0);
	struct conf_lpm_key h20 = conf_lpm(20, 192, 168, 31, 255);
	struct conf_lpm_key in20 = conf_lpm(32, 192, 168, 16, 1);
	struct conf_lpm_key out20 = conf_lpm(32, 192, 168, 32, 1);
	uint8_t kk[8], mk[8];
	char kb[64], mb[64];
	uint64_t v1 = 1, v2 = 2;
	int k, m;

	CONF_BEGIN("lpm_host_bits");
	if (!lpm(&l, "lpm", 16))
		return conf_end();
	conf_update(&l, &h8, &v1, BPF_NOEXIST);
	conf_update(&l, &h8b, &v2, BPF_NOEXIST);
	conf_lookup(&l, &a);
	conf_update(&l, &h20, &v2, BPF_ANY);
	conf_lookup(&l, &in20);
	conf_lookup(&l, &out20);
	/* What get_next_key returns: the key as stored. */
	k = bpf_map_get_next_key(l.kfd, NULL, kk);
	m = mim_get_next_key(l.mid, NULL, mk);
	if (conf_same(k, m, "get_next_key lpm[NULL]"))
		conf_dev_text(conf_key_str(&l, kk, kb, sizeof(kb)),
			      conf_key_str(&l, mk, mb, sizeof(mb)),
			      CONF_DEV_LPM_MASK,
			      "get_next_key lpm[NULL] after update 10.1.2.3/8 and 192.168.31.255/20");
	conf_next_key(&l, &h8c);
	conf_walk(&l);
	conf_delete(&l, &h8c);
	conf_lookup(&l, &a);
	conf_walk(&l);
	return conf_end();
}

/*
 * trie_update_elem() inserts intermediate nodes that are not elements:
 * 10.0.0.0/16 and 10.128.0.0/16 share an intermediate 10.0.0.0/8.
 */
static int
conf_lpm_intermediate(void)
{
	struct conf_map l, f;
	struct conf_lpm_key a = conf_lpm(16, 10, 0, 0, 0);
	struct conf_lpm_key b = conf_lpm(16, 10, 128, 0, 0);
	struct conf_lpm_key im = conf_lpm(8, 10, 0, 0, 0);
	struct conf_lpm_key x = conf_lpm(32, 10, 64, 0, 1);
	uint64_t v1 = 1, v2 = 2, v3 = 3;

	CONF_BEGIN("lpm_intermediate");
	if (!lpm(&l, "lpm", 16))
		return conf_end();
	conf_update(&l, &a, &v1, BPF_ANY);
	conf_update(&l, &b, &v2, BPF_ANY);
	conf_lookup(&l, &im);
	conf_lookup(&l, &x);
	conf_delete(&l, &im);
	conf_update(&l, &im, &v3, BPF_EXIST);
	conf_next_key(&l, &im);
	conf_walk(&l);
	conf_update(&l, &im, &v3, BPF_NOEXIST);
	conf_lookup(&l, &x);
	conf_walk(&l);
	conf_delete(&l, &im);
	conf_lookup(&l, &x);
	conf_walk(&l);
	conf_close(&l);
	/* A full trie has no room for the intermediate node's prefix. */
	if (!lpm(&f, "lpm2", 2))
		return conf_end();
	conf_update(&f, &a, &v1, BPF_ANY);
	conf_update(&f, &b, &v2, BPF_ANY);
	conf_update(&f, &im, &v3, BPF_ANY);
	conf_update(&f, &im, &v3, BPF_NOEXIST);
	conf_walk(&f);
	return conf_end();
}

/* trie_check_add_elem(): ENOSPC when full, after BPF_EXIST's ENOENT. */
static int
conf_lpm_capacity(void)
{
	struct conf_map l;
	struct conf_lpm_key p[5] = {
		conf_lpm(8, 10, 0, 0, 0), conf_lpm(16, 10, 1, 0, 0),
		conf_lpm(24, 10, 1, 2, 0), conf_lpm(32, 10, 1, 2, 3),
		conf_lpm(0, 0, 0, 0, 0),
	};
	uint64_t v = 9, w = 10;
	unsigned int i;

	CONF_BEGIN("lpm_capacity");
	if (!lpm(&l, "lpm3", 3))
		return conf_end();
	for (i = 0; i < 3; i++)
		conf_update(&l, &p[i], &v, BPF_NOEXIST);
	conf_update(&l, &p[3], &v, BPF_ANY);
	conf_update(&l, &p[3], &v, BPF_NOEXIST);
	conf_update(&l, &p[3], &v, BPF_EXIST);
	conf_update(&l, &p[4], &v, BPF_ANY);
	conf_update(&l, &p[0], &v, BPF_NOEXIST);
	conf_update(&l, &p[0], &w, BPF_ANY);
	conf_update(&l, &p[1], &w, BPF_EXIST);
	conf_delete(&l, &p[2]);
	conf_update(&l, &p[3], &v, BPF_NOEXIST);
	conf_update(&l, &p[4], &v, BPF_ANY);
	conf_walk(&l);
	return conf_end();
}

const struct autotest_case conf_inner_cases[] = {
	TEST_CASE(conf_array_elems),
	TEST_CASE(conf_array_order),
	TEST_CASE(conf_hash_elems),
	TEST_CASE(conf_hash_capacity),
	TEST_CASE(conf_hash_replace_after_delete),
	TEST_CASE(conf_hash_large_value),
	TEST_CASE(conf_lpm_elems),
	TEST_CASE(conf_lpm_prefixlen),
	TEST_CASE(conf_lpm_default_route),
	TEST_CASE(conf_lpm_replace_after_delete),
	TEST_CASE(conf_lpm_host_bits),
	TEST_CASE(conf_lpm_intermediate),
	TEST_CASE(conf_lpm_capacity),
	TEST_CASES_END(),
};
