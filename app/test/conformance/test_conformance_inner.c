/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Conformance scenarios of the inner types' own elements: inner tables are
 * plain tables too. Most are a script of steps on one table
 * (conf_script.h).
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
#include "conf_script.h"
#include "conformance.h"

/* The scenario's one table, in steps (conf_table_steps ignores t). */
#define L FX_O1
#define P CONF_LPM_KEY

/* ---- arrays ------------------------------------------------------------------------ */

static int
conf_array_elems(void)
{
	static const struct conf_step steps[] = {
		GET(L, 0), GET(L, 4), GET(L, UINT32_MAX),
		SETF(L, 0, 0x1111, BPF_ANY), SETF(L, 0, 0x2222, BPF_EXIST),
		SETF(L, 3, 0x1111, BPF_NOEXIST), SETF(L, 3, 0x1111, BPF_EXIST),
		SETF(L, 4, 0x1111, BPF_ANY), SETF(L, 0, 0x1111, 3),
		SETF(L, 0, 0x1111, BPF_F_LOCK), GET(L, 0), GET(L, 3),
		/* array_map_delete_elem(): elements cannot be deleted. */
		DEL(L, 0), DEL(L, 4),
		FIRST(L), NEXT(L, 3), NEXT(L, 4), NEXT(L, UINT32_MAX), WALK(L),
	};
	struct conf_map a, s;
	uint32_t k0 = 0;
	uint8_t b3[3] = { 1, 2, 3 };

	CONF_BEGIN("array_elems");
	if (!conf_create(&a, "arr", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					      .key_size = 4, .value_size = 8,
					      .max_entries = 4)))
		return conf_end();
	conf_table_steps(&a, steps, RTE_DIM(steps));
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
	static const struct conf_step steps[] = {
		SETF(L, 4, 7, 3), SETF(L, 4, 7, BPF_NOEXIST),
		SETF(L, 4, 7, BPF_EXIST), WALK(L),
	};
	struct conf_map a;

	CONF_BEGIN("array_order");
	if (conf_create(&a, "arr", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					     .key_size = 4, .value_size = 8,
					     .max_entries = 4)))
		conf_table_steps(&a, steps, RTE_DIM(steps));
	return conf_end();
}

/* ---- hash tables ------------------------------------------------------------------- */

/* One table per preallocation mode, each closed before the next. */
static bool
hash_per_prealloc(const char *const labels[2], uint32_t max,
		  const struct conf_step *steps, size_t n)
{
	static const uint32_t flags[] = { 0, BPF_F_NO_PREALLOC };
	struct conf_map h;
	unsigned int i;

	for (i = 0; i < RTE_DIM(flags); i++) {
		if (!conf_create(&h, labels[i],
				 CONF_SPEC(.type = MIM_TYPE_HASH, .key_size = 4,
					   .value_size = 8, .max_entries = max,
					   .flags = flags[i])))
			return false;
		conf_table_steps(&h, steps, n);
		conf_close(&h);
		conf_unregister(&h);
	}
	return true;
}

static int
conf_hash_elems(void)
{
	static const char *const labels[] = { "hash", "hash_np" };
	static const struct conf_step steps[] = {
		GET(L, 1), FIRST(L), NEXT(L, 1),
		SETF(L, 1, 0x1111, BPF_NOEXIST), SETF(L, 1, 0x2222, BPF_NOEXIST),
		GET(L, 1), SETF(L, 2, 0x2222, BPF_EXIST), GET(L, 2),
		SETF(L, 1, 0x2222, BPF_EXIST), GET(L, 1),
		SETF(L, 2, 0x1111, BPF_ANY), SETF(L, 3, 0x1111, 3),
		SETF(L, 3, 0x1111, BPF_F_LOCK), GET(L, 3),
		FIRST(L), NEXT(L, 1), NEXT(L, 2), NEXT(L, 3), WALK(L),
		DEL(L, 3), DEL(L, 1), DEL(L, 1), GET(L, 1), WALK(L),
	};
	struct conf_map h;
	uint64_t v1 = 0x1111, v2 = 0x2222;
	uint8_t k12a[12] = { 1, 2, 3 }, k12b[12] = { 1, 2, 3, 0, 0, 0, 0, 0,
						     0, 0, 0, 1 };

	CONF_BEGIN("hash_elems");
	if (!hash_per_prealloc(labels, 8, steps, RTE_DIM(steps)))
		return conf_end();
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
	static const char *const labels[] = { "hash3", "hash3_np" };
	static const struct conf_step steps[] = {
		SETF(L, 0, 5, BPF_ANY), SETF(L, 1, 5, BPF_ANY),
		SETF(L, 2, 5, BPF_ANY),
		SETF(L, 3, 5, BPF_ANY), SETF(L, 3, 5, BPF_NOEXIST),
		SETF(L, 3, 5, BPF_EXIST), SETF(L, 0, 5, BPF_NOEXIST),
		SETF(L, 0, 6, BPF_ANY), SETF(L, 0, 6, BPF_EXIST), DEL(L, 0),
		SETF(L, 3, 6, BPF_NOEXIST), SETF(L, 4, 6, BPF_ANY), WALK(L),
	};

	CONF_BEGIN("hash_capacity");
	hash_per_prealloc(labels, 3, steps, RTE_DIM(steps));
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

/* An LPM trie of 8-byte values. */
static bool
lpm(struct conf_map *m, const char *label, uint32_t max)
{
	return conf_create(m, label, CONF_SPEC(.type = MIM_TYPE_LPM,
					       .key_size = 8, .value_size = 8,
					       .max_entries = max,
					       .flags = BPF_F_NO_PREALLOC));
}

/* An LPM trie, and a script on it. */
static void
lpm_steps(struct conf_map *m, const char *label, uint32_t max,
	  const struct conf_step *steps, size_t n)
{
	if (lpm(m, label, max))
		conf_table_steps(m, steps, n);
}

static int
conf_lpm_elems(void)
{
	const uint64_t p8 = P(8, 10, 0, 0, 0), p16 = P(16, 10, 1, 0, 0);
	const uint64_t p24 = P(24, 10, 1, 2, 0), h32 = P(32, 10, 1, 2, 3);
	const struct conf_step steps[] = {
		GET(L, h32), FIRST(L),
		SETF(L, p8, 0x1111, BPF_NOEXIST), SETF(L, p8, 0x2222, BPF_NOEXIST),
		SETF(L, p16, 0x2222, BPF_EXIST), SETF(L, p8, 0x2222, BPF_EXIST),
		SETF(L, p24, 0x3333, BPF_ANY), SETF(L, p24, 0x1111, 3),
		SETF(L, p24, 0x1111, BPF_F_LOCK),
		GET(L, h32), GET(L, P(32, 10, 1, 9, 9)), GET(L, P(32, 11, 0, 0, 1)),
		GET(L, p16), GET(L, p8),
		FIRST(L), NEXT(L, p16), NEXT(L, p8), NEXT(L, p24), WALK(L),
		DEL(L, p16), DEL(L, p24), DEL(L, p24), GET(L, h32), DEL(L, p8),
		GET(L, h32), WALK(L),
	};
	struct conf_map l;

	CONF_BEGIN("lpm_elems");
	lpm_steps(&l, "lpm", 16, steps, RTE_DIM(steps));
	return conf_end();
}

/* trie_*(): prefixlen above 32 is EINVAL (update, delete), a miss (lookup). */
static int
conf_lpm_prefixlen(void)
{
	const uint64_t p33 = P(33, 10, 1, 2, 3), pmax = P(UINT32_MAX, 10, 1, 2, 3);
	const uint64_t p32 = P(32, 10, 1, 2, 3);
	const struct conf_step steps[] = {
		SETF(L, p33, 8, BPF_ANY), SETF(L, pmax, 8, BPF_ANY),
		SETF(L, p33, 8, 3), SETF(L, P(8, 10, 0, 0, 0), 8, BPF_ANY),
		SETF(L, P(24, 10, 1, 2, 0), 24, BPF_ANY), SETF(L, p32, 32, BPF_ANY),
		GET(L, p33), GET(L, pmax), DEL(L, p33), DEL(L, pmax),
		/* The longest stored prefix of at most prefixlen bits. */
		GET(L, P(7, 10, 1, 2, 3)), GET(L, P(16, 10, 1, 2, 3)),
		GET(L, P(24, 10, 1, 2, 3)), GET(L, P(31, 10, 1, 2, 3)),
		GET(L, p32),
		/* An invalid key restarts the walk. */
		NEXT(L, p33), WALK(L),
	};
	struct conf_map l;

	CONF_BEGIN("lpm_prefixlen");
	lpm_steps(&l, "lpm", 16, steps, RTE_DIM(steps));
	return conf_end();
}

/* The /0 prefix matches everything. */
static int
conf_lpm_default_route(void)
{
	const uint64_t d = P(0, 0, 0, 0, 0), dh = P(0, 1, 2, 3, 4);
	const uint64_t a = P(32, 10, 9, 9, 9), b = P(32, 11, 9, 9, 9);
	const struct conf_step steps[] = {
		SETF(L, d, 0x00, BPF_NOEXIST), GET(L, a), GET(L, P(0, 11, 9, 9, 9)),
		SETF(L, dh, 0x08, BPF_NOEXIST), SETF(L, dh, 0x00, BPF_EXIST),
		SETF(L, P(8, 10, 0, 0, 0), 0x08, BPF_ANY), GET(L, a), GET(L, b),
		FIRST(L), NEXT(L, d), WALK(L), DEL(L, dh), GET(L, b), GET(L, a),
		DEL(L, d), WALK(L),
	};
	struct conf_map l;

	CONF_BEGIN("lpm_default_route");
	lpm_steps(&l, "lpm", 16, steps, RTE_DIM(steps));
	return conf_end();
}

/* Replacing the /0 route's value after another route was deleted. */
static int
conf_lpm_replace_after_delete(void)
{
	const uint64_t d = P(0, 0, 0, 0, 0), p8 = P(8, 10, 0, 0, 0);
	const uint64_t a = P(32, 1, 2, 3, 4);
	const struct conf_step steps[] = {
		SETF(L, p8, 0x1111, BPF_ANY), SETF(L, d, 0x1111, BPF_ANY),
		DEL(L, p8), SETF(L, d, 0x2222, BPF_ANY), GET(L, a), WALK(L),
		DEL(L, d), GET(L, a), WALK(L),
	};
	struct conf_map l;

	CONF_BEGIN("lpm_replace_after_delete");
	lpm_steps(&l, "lpm", 4, steps, RTE_DIM(steps));
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
	const uint64_t a = P(16, 10, 0, 0, 0), b = P(16, 10, 128, 0, 0);
	const uint64_t im = P(8, 10, 0, 0, 0), x = P(32, 10, 64, 0, 1);
	const struct conf_step steps[] = {
		SETF(L, a, 1, BPF_ANY), SETF(L, b, 2, BPF_ANY), GET(L, im),
		GET(L, x), DEL(L, im), SETF(L, im, 3, BPF_EXIST), NEXT(L, im),
		WALK(L), SETF(L, im, 3, BPF_NOEXIST), GET(L, x), WALK(L),
		DEL(L, im), GET(L, x), WALK(L), CLOSE(L),
	};
	/* A full trie has no room for the intermediate node's prefix. */
	const struct conf_step full[] = {
		SETF(L, a, 1, BPF_ANY), SETF(L, b, 2, BPF_ANY),
		SETF(L, im, 3, BPF_ANY), SETF(L, im, 3, BPF_NOEXIST), WALK(L),
	};
	struct conf_map l, f;

	CONF_BEGIN("lpm_intermediate");
	lpm_steps(&l, "lpm", 16, steps, RTE_DIM(steps));
	lpm_steps(&f, "lpm2", 2, full, RTE_DIM(full));
	return conf_end();
}

/* trie_check_add_elem(): ENOSPC when full, after BPF_EXIST's ENOENT. */
static int
conf_lpm_capacity(void)
{
	const uint64_t p[5] = {
		P(8, 10, 0, 0, 0), P(16, 10, 1, 0, 0), P(24, 10, 1, 2, 0),
		P(32, 10, 1, 2, 3), P(0, 0, 0, 0, 0),
	};
	const struct conf_step steps[] = {
		SETF(L, p[0], 9, BPF_NOEXIST), SETF(L, p[1], 9, BPF_NOEXIST),
		SETF(L, p[2], 9, BPF_NOEXIST),
		SETF(L, p[3], 9, BPF_ANY), SETF(L, p[3], 9, BPF_NOEXIST),
		SETF(L, p[3], 9, BPF_EXIST), SETF(L, p[4], 9, BPF_ANY),
		SETF(L, p[0], 9, BPF_NOEXIST), SETF(L, p[0], 10, BPF_ANY),
		SETF(L, p[1], 10, BPF_EXIST), DEL(L, p[2]),
		SETF(L, p[3], 9, BPF_NOEXIST), SETF(L, p[4], 9, BPF_ANY), WALK(L),
	};
	struct conf_map l;

	CONF_BEGIN("lpm_capacity");
	lpm_steps(&l, "lpm3", 3, steps, RTE_DIM(steps));
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
