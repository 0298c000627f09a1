/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Lookups in adopted tables, compared with rte_hash_lookup_data() and
 * rte_lpm_lookup() called directly: single and bulk, the control plane's
 * copies and key walk, and nested bulk lookups across adopted tenants.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_byteorder.h>

#include <mim_datapath.h>

#include "autotest_util.h"
#include "test_adopt.h"

#define LF RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF

#define HKEYS 1000
#define HVAL_SZ 12

/* Data pointers of the hash case: values of HVAL_SZ bytes. */
static uint8_t hvals[HKEYS][HVAL_SZ];

static uint64_t
hkey(uint32_t i)
{
	return (uint64_t)i * 0x9e3779b97f4a7c15ULL + 7;
}

/* Single, bulk and control-plane lookups against rte_hash's own. */
static int
test_adopt_hash_lookups(void)
{
	struct rte_hash_parameters p;
	char nm[RTE_HASH_NAMESIZE];
	struct rte_hash *h = adopt_mk_hash(&p, nm, "ah", 2048, 8, LF);
	struct handback hb = { 0 };
	const struct mim_table *t;
	uint64_t keys[64], k, next;
	const void *kp[64];
	void *v[64], *d;
	uint8_t out[HVAL_SZ];
	unsigned int i, j, n, hits, seen = 0;
	int id;

	TEST_ASSERT(h != NULL, "");
	/* Even keys have values; key 2 * 499 has NULL data. */
	for (i = 0; i < HKEYS; i += 2) {
		memset(hvals[i], (int)(i & 0xff), HVAL_SZ);
		k = hkey(i);
		TEST_ASSERT_OK(rte_hash_add_key_data(h, &k,
						     i == 998 ? NULL : hvals[i]));
	}
	id = adopt_hash(NULL, h, &p, HVAL_SZ, &hb);
	TEST_ASSERT_OK(id);
	t = mim_table(id);
	for (i = 0; i < HKEYS; i++) {
		k = hkey(i);
		if (rte_hash_lookup_data(h, &k, &d) < 0)
			d = NULL;
		TEST_ASSERT(mim_lookup(t, &k) == d, "key %u", i);
		TEST_ASSERT_EQUAL(d != NULL, i % 2 == 0 && i != 998, "");
	}
	for (n = 1; n <= 64; n = n * 2 + 1) {
		for (i = 0; i < n; i++) {
			keys[i] = hkey((i * 37 + n) % HKEYS);
			kp[i] = &keys[i];
		}
		hits = mim_lookup_bulk(t, kp, n, v);
		for (i = 0, j = 0; i < n; i++) {
			TEST_ASSERT(v[i] == mim_lookup(t, kp[i]), "n %u key %u",
				    n, i);
			j += v[i] != NULL;
		}
		TEST_ASSERT_EQUAL(hits, j, "");
	}
	k = hkey(10);
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, out));
	TEST_ASSERT(memcmp(out, hvals[10], HVAL_SZ) == 0, "");
	k = hkey(11);
	TEST_ASSERT_ERR(mim_lookup_elem(id, &k, out), ENOENT, "");
	k = hkey(998);
	/* NULL data reads as absent. */
	TEST_ASSERT_ERR(mim_lookup_elem(id, &k, out), ENOENT, "");
	TEST_ASSERT(mim_lookup(t, &k) == NULL, "");
	/* Every key once, then the end; an absent key restarts. */
	for (d = NULL; mim_get_next_key(id, d, &next) == 0; d = &k) {
		k = next;
		TEST_ASSERT(rte_hash_lookup(h, &k) >= 0, "");
		seen++;
		TEST_ASSERT(seen <= HKEYS / 2, "no key twice");
	}
	TEST_ASSERT_EQUAL(seen, HKEYS / 2, "");
	TEST_ASSERT_ERR(mim_get_next_key(id, &k, &next), ENOENT, "");
	k = hkey(11);
	TEST_ASSERT_OK(mim_get_next_key(id, &k, &next));
	TEST_ASSERT_OK(mim_get_next_key(id, NULL, &k));
	TEST_ASSERT_EQUAL(k, next, "an absent key gives the first key");
	TEST_ASSERT_OK(mim_close(id));
	mim_reclaim();
	TEST_ASSERT_EQUAL(hb.calls, 1, "");
	rte_hash_free(h);
	return TEST_SUCCESS;
}

/* An IPv4 address in host order (RTE_IPV4() shifts a signed int). */
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 |	\
			 (uint32_t)(c) << 8 | (uint32_t)(d))

static struct mim_lpm_key
lkey(uint32_t ip, uint32_t plen)
{
	return (struct mim_lpm_key){ plen, rte_cpu_to_be_32(ip) };
}

/* rte_lpm: next hops to values, single and bulk, bounded prefixes. */
static int
test_adopt_lpm_lookups(void)
{
	struct rte_lpm_config c;
	struct rte_lpm *l = adopt_mk_lpm("adopt_lk", &c, 256);
	static uint32_t vals[8];
	struct handback hb = { 0 };
	struct mim_lpm_key keys[64];
	const struct mim_table *t;
	const void *kp[64];
	void *v[64];
	uint32_t nh, out, ip, i, hits, want;
	int id;

	TEST_ASSERT(l != NULL, "");
	for (i = 0; i < 8; i++)
		vals[i] = 100 + i;
	TEST_ASSERT_OK(rte_lpm_add(l, IP4(10, 0, 0, 0), 8, 1));
	TEST_ASSERT_OK(rte_lpm_add(l, IP4(10, 1, 0, 0), 16, 2));
	TEST_ASSERT_OK(rte_lpm_add(l, IP4(10, 1, 2, 0), 25, 3));
	/* A next hop without a value reads as no route. */
	TEST_ASSERT_OK(rte_lpm_add(l, IP4(192, 168, 0, 0), 16, 9));
	id = adopt_lpm("lpm", l, "adopt_lk", &c, vals, 8, 4, &hb);
	TEST_ASSERT_OK(id);
	t = mim_table(id);
	for (i = 0; i < 64; i++) {
		ip = i < 32 ? IP4(10, i % 3, 2, i * 7) :
			(uint32_t)rand() ^ (i % 2 ? 0 : IP4(192, 168, 0, 0));
		keys[i] = lkey(ip, 32);
		kp[i] = &keys[i];
		want = rte_lpm_lookup(l, ip, &nh) == 0 && nh < 8 ? 1 : 0;
		v[0] = mim_lookup(t, &keys[i]);
		TEST_ASSERT(v[0] == (want ? &vals[nh] : NULL), "ip %#x", ip);
	}
	TEST_ASSERT(mim_lookup(t, &(struct mim_lpm_key){ 32,
				rte_cpu_to_be_32(IP4(192, 168, 1, 1)) }) == NULL,
		    "next hop 9 has no value");
	hits = mim_lookup_bulk(t, kp, 64, v);
	want = 0;
	for (i = 0; i < 64; i++) {
		TEST_ASSERT(v[i] == mim_lookup(t, kp[i]), "key %u", i);
		want += v[i] != NULL;
	}
	TEST_ASSERT_EQUAL(hits, want, "");
	TEST_ASSERT(want >= 20, "the burst hits routes");
	/* The control plane's match is bounded by prefixlen. */
	keys[0] = lkey(IP4(10, 1, 2, 3), 32);
	TEST_ASSERT_OK(mim_lookup_elem(id, &keys[0], &out));
	TEST_ASSERT_EQUAL(out, 103, "");
	keys[0].prefixlen = 24;
	TEST_ASSERT_OK(mim_lookup_elem(id, &keys[0], &out));
	TEST_ASSERT_EQUAL(out, 102, "");
	keys[0].prefixlen = 12;
	TEST_ASSERT_OK(mim_lookup_elem(id, &keys[0], &out));
	TEST_ASSERT_EQUAL(out, 101, "");
	keys[0].prefixlen = 7;
	TEST_ASSERT_ERR(mim_lookup_elem(id, &keys[0], &out), ENOENT, "");
	keys[0].prefixlen = 33;
	TEST_ASSERT_ERR(mim_lookup_elem(id, &keys[0], &out), EINVAL,
			"prefixlen 33");
	TEST_ASSERT_OK(mim_close(id));
	mim_reclaim();
	TEST_ASSERT_EQUAL(hb.calls, 1, "");
	rte_lpm_free(l);
	return TEST_SUCCESS;
}

#define TENANTS 5

/* Nested bulk over rte_hash tenants (slot 3 empty, slot 5 never set),
 * against rte_hash_lookup_data() on each tenant.
 */
static int
test_adopt_nested_hash(void)
{
	struct rte_hash_parameters p[TENANTS];
	char nm[TENANTS][RTE_HASH_NAMESIZE];
	struct rte_hash *h[TENANTS];
	struct handback hb = { 0 };
	uint32_t okeys[64];
	uint64_t ikeys[64], miss;
	const void *ok[64], *ik[64];
	void *v[64], *d;
	unsigned int i, t, hits, want = 0;
	int id[TENANTS], outer;

	for (t = 0; t < TENANTS; t++) {
		h[t] = adopt_mk_hash(&p[t], nm[t], "an", 64, 8, LF);
		TEST_ASSERT(h[t] != NULL, "");
		for (i = 0; i < 40; i++) {
			ikeys[0] = hkey(i);
			/* Tenant t holds keys i with i % TENANTS != t. */
			if (i % TENANTS != t)
				TEST_ASSERT_OK(rte_hash_add_key_data(h[t], &ikeys[0],
						hvals[i * TENANTS + t]));
		}
		id[t] = adopt_hash(NULL, h[t], &p[t], HVAL_SZ, &hb);
		TEST_ASSERT_OK(id[t]);
	}
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, NULL, 8, id[0]);
	TEST_ASSERT_OK(outer);
	for (t = 0; t < TENANTS; t++) {
		if (t != 3)
			TEST_ASSERT_OK(autotest_put(outer, t, id[t]));
		TEST_ASSERT_OK(mim_close(id[t]));
	}
	for (i = 0; i < 64; i++) {
		okeys[i] = (i * 7) % 6;    /* 5: out of range, 3: empty */
		ikeys[i] = hkey((i * 13) % 45);
		ok[i] = &okeys[i];
		ik[i] = &ikeys[i];
	}
	hits = mim_lookup_nested_bulk(mim_table(outer), ok, ik, 64, v, &miss);
	for (i = 0; i < 64; i++) {
		t = okeys[i];
		TEST_ASSERT_EQUAL(miss >> i & 1, t == 3 || t >= TENANTS, "key %u",
				  i);
		d = NULL;
		if (t < TENANTS && t != 3 &&
		    rte_hash_lookup_data(h[t], &ikeys[i], &d) < 0)
			d = NULL;
		TEST_ASSERT(v[i] == d, "key %u tenant %u", i, t);
		want += d != NULL;
	}
	TEST_ASSERT_EQUAL(hits, want, "");
	TEST_ASSERT(want > 10 && want < 64, "hits and misses: %u", want);
	TEST_ASSERT_OK(mim_close(outer));

	mim_reclaim();
	TEST_ASSERT_EQUAL(hb.calls, TENANTS, "");
	for (t = 0; t < TENANTS; t++)
		rte_hash_free(h[t]);
	return TEST_SUCCESS;
}

/* Nested bulk over rte_lpm tenants in a hash of tables, against
 * rte_lpm_lookup() on each tenant.
 */
static int
test_adopt_nested_lpm(void)
{
	struct rte_lpm_config c;
	struct rte_lpm *l[3];
	static uint32_t lvals[3][4];
	struct handback hb = { 0 };
	uint32_t okeys[64], ip, nh;
	struct mim_lpm_key lk[64];
	const void *ok[64], *ik[64];
	void *v[64], *d;
	uint64_t miss;
	unsigned int i, t, hits, want = 0;
	int outer, lid[3];
	char name[32];

	/* rte_lpm tenants: tenant t routes 10.t.0.0/16 to next hop t. */
	for (t = 0; t < 3; t++) {
		snprintf(name, sizeof(name), "adopt_n%u", t);
		l[t] = adopt_mk_lpm(name, &c, 16);
		TEST_ASSERT(l[t] != NULL, "");
		lvals[t][t] = 1000 * (t + 1);
		TEST_ASSERT_OK(rte_lpm_add(l[t], IP4(10, t, 0, 0), 16, t));
		lid[t] = adopt_lpm(NULL, l[t], name, &c, lvals[t], 4, 4, &hb);
		TEST_ASSERT_OK(lid[t]);
	}
	outer = autotest_outer(MIM_TYPE_HASH_OF_TABLES, NULL, 8, lid[0]);
	TEST_ASSERT_OK(outer);
	for (t = 0; t < 3; t++) {
		TEST_ASSERT_OK(autotest_put(outer, 10 + t, lid[t]));
		TEST_ASSERT_OK(mim_close(lid[t]));
	}
	for (i = 0; i < 64; i++) {
		okeys[i] = 10 + i % 4;     /* 13: no such tenant */
		lk[i] = lkey(IP4(10, (i / 4) % 3, 1, i), 32);
		ok[i] = &okeys[i];
		ik[i] = &lk[i];
	}
	hits = mim_lookup_nested_bulk(mim_table(outer), ok, ik, 64, v, &miss);
	for (i = 0; i < 64; i++) {
		t = okeys[i] - 10;
		ip = rte_be_to_cpu_32(lk[i].addr);
		TEST_ASSERT_EQUAL(miss >> i & 1, t == 3, "key %u", i);
		d = t < 3 && rte_lpm_lookup(l[t], ip, &nh) == 0 ?
			&lvals[t][nh] : NULL;
		TEST_ASSERT(v[i] == d, "key %u tenant %u", i, t);
		want += d != NULL;
	}
	TEST_ASSERT_EQUAL(hits, want, "");
	TEST_ASSERT(want > 5 && want < 48, "hits and misses: %u", want);
	TEST_ASSERT_OK(mim_close(outer));
	mim_reclaim();
	TEST_ASSERT_EQUAL(hb.calls, 3, "");
	for (t = 0; t < 3; t++)
		rte_lpm_free(l[t]);
	return TEST_SUCCESS;
}

const struct autotest_case adopt_lookup_cases[] = {
	TEST_CASE(test_adopt_hash_lookups),
	TEST_CASE(test_adopt_lpm_lookups),
	TEST_CASE(test_adopt_nested_hash),
	TEST_CASE(test_adopt_nested_lpm),
	TEST_CASES_END()
};
