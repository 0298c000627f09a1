/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * BGP-like prefix sets and lookup streams for the LPM rows, and the same
 * routes loaded into mapinmap, rte_lpm and rte_lpm6 tables.
 *
 * Lengths are drawn from a fixed mix shaped like today's Internet tables:
 * IPv4 mostly /24, then /16 to /23, a few shorter and some longer (/25 to
 * /32); IPv6 mostly /48, then /32 to /44, a few shorter and some /56 to
 * /64. IPv4 addresses are uniform over 1.0.0.0 to 223.255.255.255; IPv6
 * ones fall in five /12-sized regions (2000::, 2400::, 2600::, 2800::,
 * 2a00::), as the registries' allocations do. Routes are distinct within
 * a tenant (a draw that repeats one is drawn again).
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>

#include <mim.h>

#include "perf_common.h"
#include "perf_lpm.h"

struct len_w {
	uint8_t len;
	uint16_t w;    /* per mille */
};

static const struct len_w mix4[] = {
	{ 24, 580 }, { 23, 90 }, { 22, 110 }, { 21, 50 }, { 20, 45 },
	{ 19, 35 }, { 18, 15 }, { 17, 10 }, { 16, 15 },
	{ 15, 2 }, { 14, 1 }, { 13, 1 }, { 12, 1 },
	{ 25, 5 }, { 26, 5 }, { 27, 5 }, { 28, 5 }, { 29, 6 }, { 30, 6 },
	{ 31, 1 }, { 32, 12 },
};

static const struct len_w mix6[] = {
	{ 48, 520 }, { 47, 20 }, { 46, 30 }, { 45, 10 }, { 44, 70 },
	{ 42, 20 }, { 40, 60 }, { 36, 40 }, { 34, 10 }, { 32, 140 },
	{ 29, 10 }, { 56, 40 }, { 60, 10 }, { 64, 20 },
};

static const uint16_t regions6[] = { 0x2000, 0x2400, 0x2600, 0x2800, 0x2a00 };

const char *
lpm_mix_text(bool v6)
{
	return v6 ? "BGP-like IPv6 mix: 52% /48; 34% /32-/47; 7% /56-/64; 1% /29" :
		"BGP-like IPv4 mix: 58% /24; 37% /16-/23; 4.5% /25-/32; 0.5% /12-/15";
}

static uint8_t
draw_len(const struct len_w *m, uint32_t nm, uint64_t *st)
{
	uint32_t u = (uint32_t)perf_rand_below(st, 1000), i, c = 0;

	for (i = 0; i < nm; i++) {
		c += m[i].w;
		if (u < c)
			return m[i].len;
	}
	return m[0].len;
}

static inline uint32_t
mask4(uint8_t len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

static void
mask6(uint8_t *a, uint8_t len)
{
	uint32_t i;

	for (i = 0; i < 16; i++) {
		uint32_t keep = len >= 8 * (i + 1) ? 8 :
			len > 8 * i ? len - 8 * i : 0;

		a[i] &= (uint8_t)(0xff00 >> keep);
	}
}

static void
draw_route(struct lpm_set *s, uint64_t i, uint64_t *st)
{
	uint64_t r;
	uint32_t b;

	if (!s->v6) {
		s->len[i] = draw_len(mix4, RTE_DIM(mix4), st);
		r = perf_rand(st);
		s->a4[i] = (((uint32_t)(1 + perf_rand_below(st, 223)) << 24) |
			    ((uint32_t)r & 0xffffffU)) & mask4(s->len[i]);
		return;
	}
	s->len[i] = draw_len(mix6, RTE_DIM(mix6), st);
	for (b = 0; b < 16; b += 8) {
		r = perf_rand(st);
		memcpy(&s->a6[i][b], &r, 8);
	}
	b = regions6[perf_rand_below(st, RTE_DIM(regions6))] |
		(uint32_t)perf_rand_below(st, 16);
	s->a6[i][0] = (uint8_t)(b >> 8);
	s->a6[i][1] = (uint8_t)b;
	mask6(s->a6[i], s->len[i]);
}

/* A 64-bit hash of 16 address bytes and a length (splitmix64's mixer). */
static uint64_t
mix64(const uint8_t *a, uint32_t len)
{
	uint64_t w[2], h;

	memcpy(w, a, 16);
	h = w[0] ^ ((w[1] ^ len) * 0x9e3779b97f4a7c15ULL);
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static uint64_t
route_hash(const struct lpm_set *s, uint64_t i)
{
	uint8_t a[16] = { 0 };

	if (s->v6)
		return mix64(s->a6[i], s->len[i]);
	memcpy(a, &s->a4[i], 4);
	return mix64(a, s->len[i]);
}

static bool
route_eq(const struct lpm_set *s, uint64_t i, uint64_t j)
{
	if (s->len[i] != s->len[j])
		return false;
	return s->v6 ? memcmp(s->a6[i], s->a6[j], 16) == 0 :
		s->a4[i] == s->a4[j];
}

/* Tenant @t's routes, distinct: @set has @cap (a power of 2) slots. */
static int
gen_tenant(struct lpm_set *s, uint32_t t, uint64_t seed, uint32_t *set,
	   uint32_t cap)
{
	uint64_t st = seed ^ ((uint64_t)t * 0xd1b54a32d192ed03ULL);
	uint64_t base = (uint64_t)t * s->per, tries = 0;
	uint32_t i, h;

	memset(set, 0, cap * sizeof(*set));
	for (i = 0; i < s->per; ) {
		if (++tries > 64ULL * s->per + 64) {
			printf("    cannot draw %u distinct routes\n", s->per);
			return -1;
		}
		draw_route(s, base + i, &st);
		for (h = (uint32_t)route_hash(s, base + i) & (cap - 1);
		     set[h] != 0; h = (h + 1) & (cap - 1))
			if (route_eq(s, base + set[h] - 1, base + i))
				break;
		if (set[h] != 0)
			continue;
		set[h] = i + 1;
		i++;
	}
	return 0;
}

/* rte_lpm6's tbl8 groups: one per distinct 24 + 8k-bit prefix of a route
 * longer than it. Counted by 64-bit hashes (a collision counts one less:
 * the caller leaves a margin).
 */
static int
count_tbl8_v6(struct lpm_set *s)
{
	uint64_t items = 0, i, *set, cap = 64, h, p;
	uint8_t a[16];
	uint32_t b;

	for (i = 0; i < s->n; i++)
		if (s->len[i] > 24)
			items += (s->len[i] - 24 + 7) / 8;
	while (cap < 2 * items)
		cap *= 2;
	set = calloc(cap, sizeof(*set));
	if (set == NULL)
		return -1;
	s->tbl8_v6 = 0;
	for (i = 0; i < s->n; i++)
		for (b = 24; b < s->len[i]; b += 8) {
			memcpy(a, s->a6[i], 16);
			mask6(a, (uint8_t)b);
			h = mix64(a, b) | 1;
			for (p = h & (cap - 1); set[p] != 0 && set[p] != h;
			     p = (p + 1) & (cap - 1))
				;
			if (set[p] == 0) {
				set[p] = h;
				s->tbl8_v6++;
			}
		}
	free(set);
	return 0;
}

int
lpm_set_gen(struct lpm_set *s, bool v6, uint32_t tenants, uint32_t per,
	    uint64_t seed)
{
	uint32_t cap = 64, t, *set;
	uint64_t i;

	memset(s, 0, sizeof(*s));
	s->v6 = v6;
	s->tenants = tenants;
	s->per = per;
	s->n = (uint64_t)tenants * per;
	s->len = malloc(s->n);
	if (v6)
		s->a6 = malloc(s->n * 16);
	else
		s->a4 = malloc(s->n * sizeof(uint32_t));
	while (cap < 2 * per)
		cap *= 2;
	set = malloc(cap * sizeof(*set));
	if (s->len == NULL || (v6 ? (void *)s->a6 : (void *)s->a4) == NULL ||
	    set == NULL)
		goto fail;
	for (t = 0; t < tenants; t++)
		if (gen_tenant(s, t, seed, set, cap) != 0)
			goto fail;
	free(set);
	for (i = 0; i < s->n; i++)
		s->nb_long += s->len[i] > 24;
	if (v6 && count_tbl8_v6(s) != 0)
		goto fail_set;
	return 0;
fail:
	free(set);
fail_set:
	printf("    cannot generate %u x %u %s routes\n", tenants, per,
	       v6 ? "IPv6" : "IPv4");
	lpm_set_free(s);
	return -1;
}

void
lpm_set_free(struct lpm_set *s)
{
	free(s->len);
	free(s->a4);
	free(s->a6);
	memset(s, 0, sizeof(*s));
}

void
lpm_keys_free(struct lpm_keys *k)
{
	free(k->tenant);
	free(k->ip4);
	free(k->ip6);
	free(k->k4);
	free(k->k6);
	free(k->p_key);
	free(k->p_tenant);
	memset(k, 0, sizeof(*k));
}

static void
key_at(struct lpm_keys *k, const struct lpm_set *s, uint32_t j, uint64_t r,
       uint64_t *st)
{
	uint64_t host[2];
	uint8_t m[16];
	uint32_t b;

	if (!s->v6) {
		k->ip4[j] = s->a4[r] | ((uint32_t)perf_rand(st) &
					~mask4(s->len[r]));
		k->k4[j].prefixlen = 32;
		k->k4[j].addr = rte_cpu_to_be_32(k->ip4[j]);
		k->p_key[j] = &k->k4[j];
		return;
	}
	host[0] = perf_rand(st);
	host[1] = perf_rand(st);
	memset(m, 0xff, sizeof(m));
	mask6(m, s->len[r]);
	for (b = 0; b < 16; b++)
		k->ip6[j][b] = s->a6[r][b] |
			(((const uint8_t *)host)[b] & (uint8_t)~m[b]);
	k->k6[j].prefixlen = 128;
	memcpy(k->k6[j].addr, k->ip6[j], 16);
	k->p_key[j] = &k->k6[j];
}

int
lpm_keys_gen(struct lpm_keys *k, const struct lpm_set *s, uint32_t n,
	     uint64_t seed)
{
	uint64_t st = seed ^ 0x6b657973ULL;
	uint32_t j, t;

	memset(k, 0, sizeof(*k));
	n = RTE_ALIGN_CEIL(n, PERF_BURST);
	k->n = n;
	k->tenant = malloc(n * sizeof(*k->tenant));
	k->p_key = malloc(n * sizeof(*k->p_key));
	k->p_tenant = malloc(n * sizeof(*k->p_tenant));
	if (s->v6) {
		k->ip6 = malloc(n * sizeof(*k->ip6));
		k->k6 = malloc(n * sizeof(*k->k6));
	} else {
		k->ip4 = malloc(n * sizeof(*k->ip4));
		k->k4 = malloc(n * sizeof(*k->k4));
	}
	if (k->tenant == NULL || k->p_key == NULL || k->p_tenant == NULL ||
	    (s->v6 ? k->ip6 == NULL || k->k6 == NULL :
	     k->ip4 == NULL || k->k4 == NULL)) {
		printf("    out of memory for %u lookup keys\n", n);
		lpm_keys_free(k);
		return -1;
	}
	for (j = 0; j < n; j++) {
		t = s->tenants > 1 ?
			(uint32_t)perf_rand_below(&st, s->tenants) : 0;
		k->tenant[j] = t;
		k->p_tenant[j] = &k->tenant[j];
		key_at(k, s, j, (uint64_t)t * s->per +
		       perf_rand_below(&st, s->per), &st);
	}
	return 0;
}

int
lpm_fill_mim(int id, const struct lpm_set *s, uint32_t t)
{
	uint64_t i, base = (uint64_t)t * s->per, v;
	struct mim_lpm6_key k6;
	struct mim_lpm_key k4;
	int ret;

	for (i = base; i < base + s->per; i++) {
		v = lpm_nh(i);
		if (s->v6) {
			k6.prefixlen = s->len[i];
			memcpy(k6.addr, s->a6[i], 16);
			ret = mim_update_elem(id, &k6, &v, MIM_NOEXIST);
		} else {
			k4.prefixlen = s->len[i];
			k4.addr = rte_cpu_to_be_32(s->a4[i]);
			ret = mim_update_elem(id, &k4, &v, MIM_NOEXIST);
		}
		if (ret != 0) {
			printf("    mim_update_elem(route %" PRIu64 "): %s\n",
			       i - base, mim_last_error());
			return ret;
		}
	}
	return 0;
}

static uint32_t serial;

struct rte_lpm *
lpm_fill_rte(const struct lpm_set *s, uint32_t t)
{
	uint64_t i, base = (uint64_t)t * s->per;
	char name[RTE_LPM_NAMESIZE];
	/* room for the routes and LPM_SPARE more (route updates) */
	struct rte_lpm_config c = { .max_rules = s->per + LPM_SPARE };
	struct rte_lpm *l;

	for (i = base; i < base + s->per; i++)
		c.number_tbl8s += s->len[i] > 24;
	c.number_tbl8s += LPM_SPARE;
	snprintf(name, sizeof(name), "plpm%u", serial++);
	l = rte_lpm_create(name, SOCKET_ID_ANY, &c);
	if (l == NULL) {
		printf("    rte_lpm_create(%u rules, %u tbl8s): %s\n",
		       c.max_rules, c.number_tbl8s, rte_strerror(rte_errno));
		return NULL;
	}
	for (i = base; i < base + s->per; i++)
		if (rte_lpm_add(l, s->a4[i], s->len[i], lpm_nh(i)) != 0) {
			printf("    rte_lpm_add failed at route %" PRIu64 "\n",
			       i - base);
			rte_lpm_free(l);
			return NULL;
		}
	return l;
}

struct rte_lpm6 *
lpm_fill_rte6(const struct lpm_set *s)
{
	char name[RTE_LPM_NAMESIZE];
	struct rte_lpm6_config c = {
		.max_rules = (uint32_t)s->n + LPM_SPARE,
		/* a margin over the hashed count */
		.number_tbl8s = (uint32_t)(s->tbl8_v6 + s->tbl8_v6 / 64 +
					   LPM_SPARE),
	};
	struct rte_lpm6 *l;
	uint64_t i;

	snprintf(name, sizeof(name), "plpm6_%u", serial++);
	l = rte_lpm6_create(name, SOCKET_ID_ANY, &c);
	if (l == NULL) {
		printf("    rte_lpm6_create(%u rules, %u tbl8s): %s\n",
		       c.max_rules, c.number_tbl8s, rte_strerror(rte_errno));
		return NULL;
	}
	for (i = 0; i < s->n; i++)
		if (rte_lpm6_add(l, s->a6[i], s->len[i], lpm_nh(i)) != 0) {
			printf("    rte_lpm6_add failed at route %" PRIu64 "\n",
			       i);
			rte_lpm6_free(l);
			return NULL;
		}
	return l;
}
