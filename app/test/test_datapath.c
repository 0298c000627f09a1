/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The inline data path (mim_datapath.h) against independent models: single,
 * bulk and two-level bulk lookups on every type, random keys, a brute-force
 * longest-prefix match for LPM. The random seed is printed; set
 * MIM_TEST_SEED to replay a run.
 */

#include <errno.h>
#include <stdlib.h>

#include <rte_byteorder.h>

#include <mim.h>

#include "autotest.h"

static uint64_t rng;

static uint32_t
rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static int
seed(void)
{
	const char *s = getenv("MIM_TEST_SEED");

	rng = s != NULL ? strtoull(s, NULL, 0) : (uint64_t)rte_rdtsc() | 1;
	printf("    seed %" PRIu64 " (MIM_TEST_SEED replays it)\n", rng);
	return TEST_SUCCESS;
}

/* Bulk lookups of random subsets must agree with single lookups. */
static int
check_bulk(const struct mim_table *t, const void *keys[], unsigned int nkeys)
{
	const void *k[MIM_LOOKUP_BULK_MAX];
	void *v[MIM_LOOKUP_BULK_MAX];
	unsigned int round, i, n, hits, exp;

	for (round = 0; round < 200; round++) {
		n = round < 2 ? (round == 0 ? 1 : MIM_LOOKUP_BULK_MAX) :
			1 + rnd() % MIM_LOOKUP_BULK_MAX;
		for (i = 0; i < n; i++)
			k[i] = keys[rnd() % nkeys];
		hits = mim_lookup_bulk(t, k, n, v);
		exp = 0;
		for (i = 0; i < n; i++) {
			void *one = mim_lookup(t, k[i]);

			TEST_ASSERT(v[i] == one, "round %u key %u", round, i);
			exp += one != NULL;
		}
		TEST_ASSERT_EQUAL(hits, exp, "round %u", round);
	}
	return TEST_SUCCESS;
}

static int
test_dp_array(void)
{
	uint32_t idx[150];
	const void *keys[150];
	uint8_t val[12], out[12];
	struct mim_table *t;
	unsigned int i;
	int id;

	id = mim_create(MIM_TYPE_ARRAY, "arr", 4, 12, 100, NULL);
	t = mim_table(id);
	for (i = 0; i < 100; i++) {
		memset(val, (int)(rnd() & 0xff), sizeof(val));
		TEST_ASSERT_OK(mim_update_elem(id, &i, val, MIM_ANY));
	}
	for (i = 0; i < 150; i++) {
		const void *p;

		idx[i] = i < 140 ? i : UINT32_MAX - i;
		keys[i] = &idx[i];
		p = mim_lookup(t, &idx[i]);
		if (idx[i] >= 100) {
			TEST_ASSERT(p == NULL, "index %u", idx[i]);
			continue;
		}
		TEST_ASSERT_OK(mim_lookup_elem(id, &idx[i], out));
		TEST_ASSERT(p != NULL && memcmp(p, out, 12) == 0, "index %u", i);
	}
	TEST_ASSERT_EQUAL(check_bulk(t, keys, 150), TEST_SUCCESS, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

struct hkey {
	uint8_t b[6];
};

static int
test_dp_hash(void)
{
	static struct hkey key[1000];
	const void *keys[1000];
	uint8_t val[10], out[10];
	struct mim_table *t;
	unsigned int i;
	int id;

	id = mim_create(MIM_TYPE_HASH, "h", 6, 10, 600, NULL);
	t = mim_table(id);
	for (i = 0; i < 1000; i++) {
		uint32_t r = rnd();

		memcpy(key[i].b, &r, 4);
		key[i].b[4] = (uint8_t)i;
		key[i].b[5] = (uint8_t)(i >> 8);
		keys[i] = &key[i];
		memset(val, (int)i, sizeof(val));
		if (i % 2 == 0)     /* half present */
			TEST_ASSERT_OK(mim_update_elem(id, &key[i], val,
						       MIM_NOEXIST));
	}
	for (i = 0; i < 1000; i++) {
		const uint8_t *p = mim_lookup(t, &key[i]);

		if (i % 2) {
			TEST_ASSERT(p == NULL, "key %u", i);
			continue;
		}
		TEST_ASSERT_OK(mim_lookup_elem(id, &key[i], out));
		TEST_ASSERT(p != NULL && memcmp(p, out, 10) == 0 &&
			    p[0] == (uint8_t)i, "key %u", i);
	}
	TEST_ASSERT_EQUAL(check_bulk(t, keys, 1000), TEST_SUCCESS, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/* ---- LPM against a brute-force model ------------------------------------ */

struct route {
	uint32_t len, addr;   /* host order, masked */
	uint32_t val;
	int live;
};

static uint32_t
mask(uint32_t len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

/* Longest live route matching addr, or NULL. */
static const struct route *
model_lpm(const struct route *r, unsigned int n, uint32_t addr)
{
	const struct route *best = NULL;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (r[i].live && (addr & mask(r[i].len)) == r[i].addr &&
		    (best == NULL || r[i].len > best->len))
			best = &r[i];
	return best;
}

/* Random routes in a few /8s so that they overlap; no duplicates. */
static unsigned int
make_routes(struct route *r, unsigned int n, uint32_t nvals)
{
	unsigned int i, j, made = 0;

	for (i = 0; i < n; i++) {
		struct route x;

		x.len = rnd() % 33;
		x.addr = ((10 + rnd() % 3) << 24 | (rnd() & 0xff0f0f)) &
			mask(x.len);
		x.val = 1 + rnd() % nvals;
		x.live = 1;
		for (j = 0; j < made; j++)
			if (r[j].len == x.len && r[j].addr == x.addr)
				break;
		if (j == made)
			r[made++] = x;
	}
	return made;
}

static int
lpm_load(int id, const struct route *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct mim_lpm_key k = { r[i].len, rte_cpu_to_be_32(r[i].addr) };

		if (r[i].live)
			TEST_ASSERT_OK(mim_update_elem(id, &k, &r[i].val,
						       MIM_NOEXIST));
	}
	return TEST_SUCCESS;
}

/* A probe address: near a route most of the time. */
static uint32_t
probe_addr(const struct route *r, unsigned int n)
{
	const struct route *x = &r[rnd() % n];

	return rnd() % 4 == 0 ? rnd() : x->addr | (rnd() & ~mask(x->len));
}

static int
check_lpm(int id, const struct route *r, unsigned int n)
{
	static struct mim_lpm_key k[2000];
	const void *keys[2000];
	const struct mim_table *t = mim_table(id);
	unsigned int i;

	for (i = 0; i < 2000; i++) {
		uint32_t a = probe_addr(r, n), out;
		const struct route *m = model_lpm(r, n, a);
		const uint32_t *p;

		k[i].prefixlen = 32;
		k[i].addr = rte_cpu_to_be_32(a);
		keys[i] = &k[i];
		p = mim_lookup(t, &k[i]);
		if (m == NULL) {
			TEST_ASSERT(p == NULL, "%08x matched", a);
			TEST_ASSERT_ERR(mim_lookup_elem(id, &k[i], &out), ENOENT,
					"");
			continue;
		}
		TEST_ASSERT(p != NULL && *p == m->val,
			    "%08x: data path %u, model %u (/%u)", a,
			    p ? *p : 0, m->val, m->len);
		TEST_ASSERT_OK(mim_lookup_elem(id, &k[i], &out));
		TEST_ASSERT_EQUAL(out, m->val, "%08x", a);
	}
	return check_bulk(t, keys, 2000);
}

static int
test_dp_lpm(void)
{
	static struct route r[400];
	unsigned int n, i;
	int id;

	n = make_routes(r, 400, 8);
	id = mim_create(MIM_TYPE_LPM, "lpm", 8, 4, 400, NULL);
	TEST_ASSERT_EQUAL(lpm_load(id, r, n), TEST_SUCCESS, "");
	TEST_ASSERT_EQUAL(check_lpm(id, r, n), TEST_SUCCESS, "");
	/* Delete half, change the values of some others. */
	for (i = 0; i < n; i++) {
		struct mim_lpm_key k = { r[i].len, rte_cpu_to_be_32(r[i].addr) };

		if (i % 2 == 0) {
			TEST_ASSERT_OK(mim_delete_elem(id, &k));
			r[i].live = 0;
		} else if (i % 3 == 0) {
			r[i].val = 100 + i;
			TEST_ASSERT_OK(mim_update_elem(id, &k, &r[i].val,
						       MIM_EXIST));
		}
	}
	TEST_ASSERT_EQUAL(check_lpm(id, r, n), TEST_SUCCESS, "");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/* ---- two levels ------------------------------------------------------------ */

#define TENANTS 4

struct probe {
	uint32_t tenant;
	union {
		struct mim_lpm_key lpm;
		uint32_t idx;
		uint64_t hkey;
	} k;
};

/* Tenants 0..TENANTS-1 in slots 2*i; odd slots and slots beyond are
 * unknown tenants. Tenants 1 and 3 share one table.
 */
static int
test_dp_nested_lpm(void)
{
	static struct route r[TENANTS][100];
	static struct probe p[3000];
	const void *ok[MIM_LOOKUP_BULK_MAX], *ik[MIM_LOOKUP_BULK_MAX];
	void *val[MIM_LOOKUP_BULK_MAX];
	unsigned int n[TENANTS], i, j, round;
	int tmpl, outer, in[TENANTS];
	const struct mim_table *t;

	tmpl = mim_create(MIM_TYPE_LPM, "tmpl", 8, 4, 100, NULL);
	outer = mim_create(MIM_TYPE_ARRAY_OF_TABLES, "vrfs", 4, 4, 64,
			   &(struct mim_create_opts){ .sz = sizeof(struct mim_create_opts),
						      .inner_id = (uint32_t)tmpl });
	TEST_ASSERT_OK(outer);
	TEST_ASSERT_OK(mim_close(tmpl));
	for (i = 0; i < TENANTS; i++) {
		uint32_t slot = 2 * i, id;

		if (i == 3) {
			in[i] = in[1];
			memcpy(r[i], r[1], sizeof(r[i]));
			n[i] = n[1];
		} else {
			n[i] = make_routes(r[i], 100, 4);
			in[i] = mim_create(MIM_TYPE_LPM, NULL, 8, 4, 100, NULL);
			TEST_ASSERT_EQUAL(lpm_load(in[i], r[i], n[i]),
					  TEST_SUCCESS, "");
		}
		id = (uint32_t)in[i];
		TEST_ASSERT_OK(mim_update_elem(outer, &slot, &id, MIM_ANY));
	}
	for (i = 0; i < 3000; i++) {
		uint32_t tn = rnd() % (TENANTS + 1);

		p[i].tenant = tn < TENANTS ? 2 * tn : 2 * (rnd() % 40) + 1;
		p[i].k.lpm.prefixlen = 32;
		p[i].k.lpm.addr = rte_cpu_to_be_32(probe_addr(r[tn % TENANTS],
							      n[tn % TENANTS]));
	}
	t = mim_table(outer);
	for (round = 0; round < 300; round++) {
		unsigned int cnt = 1 + rnd() % MIM_LOOKUP_BULK_MAX, hits, exp = 0;
		uint64_t miss, exp_miss = 0;

		for (j = 0; j < cnt; j++) {
			struct probe *x = &p[rnd() % 3000];

			ok[j] = &x->tenant;
			ik[j] = &x->k.lpm;
		}
		hits = mim_lookup_nested_bulk(t, ok, ik, cnt, val, &miss);
		for (j = 0; j < cnt; j++) {
			uint32_t tn = *(const uint32_t *)ok[j];
			const struct route *m = NULL;

			if (tn % 2 == 0 && tn / 2 < TENANTS)
				m = model_lpm(r[tn / 2], n[tn / 2],
					      rte_be_to_cpu_32(((const struct mim_lpm_key *)ik[j])->addr));
			else
				exp_miss |= UINT64_C(1) << j;
			if (m == NULL) {
				TEST_ASSERT(val[j] == NULL, "round %u key %u", round, j);
				continue;
			}
			exp++;
			TEST_ASSERT(val[j] != NULL && *(uint32_t *)val[j] == m->val,
				    "round %u key %u tenant %u", round, j, tn);
			TEST_ASSERT(val[j] == mim_lookup(mim_lookup(t, ok[j]), ik[j]),
				    "two single lookups agree");
		}
		TEST_ASSERT_EQUAL(hits, exp, "round %u", round);
		TEST_ASSERT_EQUAL(miss, exp_miss, "round %u", round);
	}
	TEST_ASSERT_OK(mim_close(outer));
	for (i = 0; i < TENANTS; i++)
		if (i != 3)
			TEST_ASSERT_OK(mim_close(in[i]));
	return TEST_SUCCESS;
}

/* HASH and ARRAY inner tables under both outer types; each tenant's
 * value encodes the tenant, so a cross-tenant answer is caught.
 */
/* Eight tenants (slots 0, 3, ..., 21), each an inner table of even keys. */
static int
nested_tenants(int outer, enum mim_type itype, uint32_t ksz)
{
	unsigned int i, j;
	int in;

	for (i = 0; i < 8; i++) {
		uint32_t slot = i * 3;

		in = mim_create(itype, NULL, ksz, 4, 64, NULL);
		for (j = 0; j < 64; j += 2) {      /* even keys present */
			uint64_t hk = (uint64_t)j << 32 | 0xabc;
			uint32_t v = slot << 16 | j;

			TEST_ASSERT_OK(mim_update_elem(in,
				itype == MIM_TYPE_HASH ? (void *)&hk : (void *)&j,
				&v, MIM_ANY));
		}
		TEST_ASSERT_OK(mim_update_elem(outer, &slot, &in, MIM_ANY));
		TEST_ASSERT_OK(mim_close(in));
	}
	return TEST_SUCCESS;
}

/* One burst of probes p[] through t, every answer checked. */
static int
nested_round(const struct mim_table *t, enum mim_type itype,
	     const struct probe *p, unsigned int np, unsigned int round)
{
	const void *ok[MIM_LOOKUP_BULK_MAX], *ik[MIM_LOOKUP_BULK_MAX];
	void *val[MIM_LOOKUP_BULK_MAX];
	unsigned int j, cnt = 1 + rnd() % MIM_LOOKUP_BULK_MAX, hits, exp = 0;
	uint64_t miss, exp_miss = 0;
	/* Bursts from one tenant as often as mixed ones. */
	uint32_t same = round % 2 ? rnd() % np : UINT32_MAX;

	for (j = 0; j < cnt; j++) {
		const struct probe *x = &p[same != UINT32_MAX ? same : rnd() % np];

		if (same != UINT32_MAX)
			x = &p[(same + j) % np];
		ok[j] = &x->tenant;
		ik[j] = &x->k;
	}
	if (same != UINT32_MAX)
		for (j = 0; j < cnt; j++)
			ok[j] = &p[same].tenant;
	hits = mim_lookup_nested_bulk(t, ok, ik, cnt, val, &miss);
	for (j = 0; j < cnt; j++) {
		uint32_t tn = *(const uint32_t *)ok[j];
		uint32_t k = itype == MIM_TYPE_HASH ?
			(uint32_t)(*(const uint64_t *)ik[j] >> 32) :
			*(const uint32_t *)ik[j];
		int known = tn % 3 == 0 && tn / 3 < 8;

		if (!known)
			exp_miss |= UINT64_C(1) << j;
		/* Hash: even keys only. Array: every index below 64 exists,
		 * odd ones hold zero.
		 */
		if (!known || k >= 64 || (k % 2 != 0 && itype == MIM_TYPE_HASH)) {
			TEST_ASSERT(val[j] == NULL, "round %u key %u", round, j);
			continue;
		}
		exp++;
		TEST_ASSERT(val[j] != NULL &&
			    *(uint32_t *)val[j] == (k % 2 ? 0 : tn << 16 | k),
			    "round %u: tenant %u key %u got %x", round, tn, k,
			    val[j] ? *(uint32_t *)val[j] : 0);
	}
	TEST_ASSERT_EQUAL(hits, exp, "round %u", round);
	TEST_ASSERT_EQUAL(miss, exp_miss, "round %u", round);
	return TEST_SUCCESS;
}

static int
nested_generic(enum mim_type otype, enum mim_type itype)
{
	static struct probe p[2000];
	uint32_t ksz = itype == MIM_TYPE_HASH ? 8 : 4;
	const struct mim_table *t;
	unsigned int i, round;
	int tmpl, outer;

	tmpl = mim_create(itype, "tmpl", ksz, 4, 64, NULL);
	outer = mim_create(otype, "outer", 4, 4, 32,
			   &(struct mim_create_opts){ .sz = sizeof(struct mim_create_opts),
						      .inner_id = (uint32_t)tmpl });
	TEST_ASSERT_OK(outer);
	if (nested_tenants(outer, itype, ksz) != TEST_SUCCESS)
		return TEST_FAILED;
	for (i = 0; i < RTE_DIM(p); i++) {
		uint32_t k = rnd() % 70;

		p[i].tenant = rnd() % 25;
		if (itype == MIM_TYPE_HASH)
			p[i].k.hkey = (uint64_t)k << 32 | 0xabc;
		else
			p[i].k.idx = k;
	}
	t = mim_table(outer);
	for (round = 0; round < 300; round++)
		if (nested_round(t, itype, p, RTE_DIM(p), round) != TEST_SUCCESS)
			return TEST_FAILED;
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(tmpl));
	return TEST_SUCCESS;
}

static int
test_dp_nested_aot_hash(void)
{
	return nested_generic(MIM_TYPE_ARRAY_OF_TABLES, MIM_TYPE_HASH);
}

static int
test_dp_nested_hot_hash(void)
{
	return nested_generic(MIM_TYPE_HASH_OF_TABLES, MIM_TYPE_HASH);
}

static int
test_dp_nested_aot_array(void)
{
	return nested_generic(MIM_TYPE_ARRAY_OF_TABLES, MIM_TYPE_ARRAY);
}

static int
test_dp_nested_hot_array(void)
{
	return nested_generic(MIM_TYPE_HASH_OF_TABLES, MIM_TYPE_ARRAY);
}

/*
 * Bursts whose outer keys repeat (one tenant's burst, alternating tenants,
 * all but the first or the last the same, unknown tenants among them), of
 * 1 to MIM_LOOKUP_BULK_MAX keys, through a hash of tables with short and
 * long keys at both levels. Tenants 0 to 5 exist, 6 and 7 do not; each
 * inner table holds the even keys below 40, whose value encodes tenant
 * and key. Every answer must be what single lookups give and what the
 * keys say.
 */
#define REP_TENANTS 8
#define REP_KEYS 48

struct rep_world {
	uint8_t okey[REP_TENANTS][16];
	uint8_t ikey[REP_KEYS][16];
};

static void
rep_key(uint8_t *k, uint32_t ksz, uint32_t n, uint32_t salt)
{
	uint32_t w[4] = { n * 7 + 1, salt, ~salt, n };

	memcpy(k, w, ksz);
}

/* One burst: tenants tn[i], inner keys kn[i]; n keys. */
static int
rep_check(const struct mim_table *t, const struct rep_world *w,
	  const uint32_t tn[], const uint32_t kn[], unsigned int n,
	  const char *what)
{
	const void *ok[MIM_LOOKUP_BULK_MAX], *ik[MIM_LOOKUP_BULK_MAX];
	void *val[MIM_LOOKUP_BULK_MAX];
	uint64_t miss = 0, exp_miss = 0;
	unsigned int i, hits, exp = 0;

	for (i = 0; i < n; i++) {
		ok[i] = w->okey[tn[i]];
		ik[i] = w->ikey[kn[i]];
		val[i] = (void *)(uintptr_t)1;   /* must be overwritten */
	}
	hits = mim_lookup_nested_bulk(t, ok, ik, n, val, &miss);
	for (i = 0; i < n; i++) {
		const struct mim_table *in = mim_lookup(t, ok[i]);
		void *one = in != NULL ? mim_lookup(in, ik[i]) : NULL;
		int known = tn[i] < 6, present = kn[i] % 2 == 0 && kn[i] < 40;

		TEST_ASSERT((in != NULL) == known,
			    "%s: single lookup of tenant %u", what, tn[i]);
		TEST_ASSERT((one != NULL) == (known && present) &&
			    (one == NULL ||
			     *(uint32_t *)one == (tn[i] << 16 | kn[i])),
			    "%s: single lookup of tenant %u key %u", what,
			    tn[i], kn[i]);
		TEST_ASSERT(val[i] == one,
			    "%s, n %u: key %u (tenant %u, key %u) got %p, single lookups %p",
			    what, n, i, tn[i], kn[i], val[i], one);
		exp_miss |= (uint64_t)!known << i;
		exp += one != NULL;
	}
	TEST_ASSERT_EQUAL(hits, exp, "%s, n %u", what, n);
	TEST_ASSERT_EQUAL(miss, exp_miss, "%s, n %u", what, n);
	return TEST_SUCCESS;
}

/* The burst shapes, for n keys: tn[] from shape s, random inner keys. */
static const char *
rep_shape(unsigned int s, unsigned int n, uint32_t tn[], uint32_t kn[])
{
	static const char *const names[] = {
		"one tenant", "one known tenant", "alternating",
		"first differs", "last differs", "unknown among one",
		"any tenants",
	};
	uint32_t a = rnd() % REP_TENANTS, b = (a + 1 + rnd() % 5) % REP_TENANTS;
	unsigned int i;

	for (i = 0; i < n; i++) {
		kn[i] = rnd() % REP_KEYS;
		switch (s) {
		case 0:  /* one tenant, known or not */
			tn[i] = a;
			break;
		case 1:  /* a known tenant (keys present and absent) */
			tn[i] = a % 6;
			break;
		case 2:  /* alternating */
			tn[i] = i % 2 ? b : a;
			break;
		case 3:  /* the first differs */
			tn[i] = i == 0 ? b : a;
			break;
		case 4:  /* the last differs */
			tn[i] = i == n - 1 ? b : a;
			break;
		case 5:  /* unknown tenants among a known one's keys */
			tn[i] = rnd() % 4 == 0 ? 6 + rnd() % 2 : a % 6;
			break;
		default: /* any tenant */
			tn[i] = rnd() % REP_TENANTS;
			break;
		}
	}
	return names[s];
}

static int
rep_run(uint32_t oksz, uint32_t iksz)
{
	static const unsigned int sizes[] = { 1, 2, 3, 31, 32, 63,
					      MIM_LOOKUP_BULK_MAX };
	static struct rep_world w;
	uint32_t tn[MIM_LOOKUP_BULK_MAX], kn[MIM_LOOKUP_BULK_MAX];
	const void *bk[MIM_LOOKUP_BULK_MAX];
	const struct mim_table *t;
	unsigned int i, j, s, round;
	int tmpl, outer, in;

	for (i = 0; i < REP_TENANTS; i++)
		rep_key(w.okey[i], oksz, i, 0x5a5a);
	for (i = 0; i < REP_KEYS; i++)
		rep_key(w.ikey[i], iksz, i, 0xabc);
	tmpl = mim_create(MIM_TYPE_HASH, NULL, iksz, 4, 64, NULL);
	TEST_ASSERT_OK(tmpl);
	outer = mim_create(MIM_TYPE_HASH_OF_TABLES, NULL, oksz, 4, 16,
			   &(struct mim_create_opts){ .sz = sizeof(struct mim_create_opts),
						      .inner_id = (uint32_t)tmpl });
	TEST_ASSERT_OK(outer);
	TEST_ASSERT_OK(mim_close(tmpl));
	for (i = 0; i < 6; i++) {
		in = mim_create(MIM_TYPE_HASH, NULL, iksz, 4, 64, NULL);
		TEST_ASSERT_OK(in);
		for (j = 0; j < 40; j += 2) {
			uint32_t v = i << 16 | j;

			TEST_ASSERT_OK(mim_update_elem(in, w.ikey[j], &v,
						       MIM_NOEXIST));
		}
		/* The inner tables' own bulk lookups, same key size. */
		for (j = 0; j < MIM_LOOKUP_BULK_MAX; j++)
			bk[j] = w.ikey[rnd() % REP_KEYS];
		if (check_bulk(mim_table(in), bk, MIM_LOOKUP_BULK_MAX) !=
		    TEST_SUCCESS)
			return TEST_FAILED;
		TEST_ASSERT_OK(mim_update_elem(outer, w.okey[i], &in,
					       MIM_NOEXIST));
		TEST_ASSERT_OK(mim_close(in));
	}
	t = mim_table(outer);
	/* The outer table's bulk lookup, known and unknown tenants. */
	for (j = 0; j < REP_TENANTS; j++)
		bk[j] = w.okey[j];
	if (check_bulk(t, bk, REP_TENANTS) != TEST_SUCCESS)
		return TEST_FAILED;
	for (round = 0; round < 40; round++)
		for (s = 0; s <= 6; s++)
			for (i = 0; i < RTE_DIM(sizes) + 2; i++) {
				unsigned int n = i < RTE_DIM(sizes) ? sizes[i] :
					1 + rnd() % MIM_LOOKUP_BULK_MAX;
				const char *what = rep_shape(s, n, tn, kn);

				if (rep_check(t, &w, tn, kn, n, what) !=
				    TEST_SUCCESS) {
					printf("    outer keys of %u bytes, inner keys of %u\n",
					       oksz, iksz);
					return TEST_FAILED;
				}
			}
	TEST_ASSERT_OK(mim_close(outer));
	return TEST_SUCCESS;
}

/* Short and long keys at each level: the bulk paths differ by key size. */
static int
test_dp_nested_hot_repeat(void)
{
	if (rep_run(4, 8) != TEST_SUCCESS || rep_run(12, 16) != TEST_SUCCESS ||
	    rep_run(4, 16) != TEST_SUCCESS || rep_run(12, 8) != TEST_SUCCESS)
		return TEST_FAILED;
	return TEST_SUCCESS;
}

static const struct autotest_case datapath_cases[] = {
	TEST_CASE(test_dp_array),
	TEST_CASE(test_dp_hash),
	TEST_CASE(test_dp_lpm),
	TEST_CASE(test_dp_nested_lpm),
	TEST_CASE(test_dp_nested_aot_hash),
	TEST_CASE(test_dp_nested_hot_hash),
	TEST_CASE(test_dp_nested_aot_array),
	TEST_CASE(test_dp_nested_hot_array),
	TEST_CASE(test_dp_nested_hot_repeat),
	TEST_CASES_END(),
};

static struct autotest_suite datapath_suite = {
	.name = "datapath",
	.help = "inline lookups (single, bulk, two-level) against models",
	.setup = seed,
	.cases = datapath_cases,
};
REGISTER_AUTOTEST(datapath_suite);
