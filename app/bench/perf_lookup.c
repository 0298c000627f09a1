/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Lookups: two-level bulk lookups through mapinmap
 * (ARRAY_OF_TABLES->HASH, HASH_OF_TABLES->HASH, ARRAY_OF_TABLES->LPM)
 * against (a) one flat rte_hash keyed by (tenant, key), (b) per-tenant
 * rte_hash (rte_lpm) tables behind a plain pointer array, looked up in bulk
 * per tenant, and (c) single lookups of each; cycles per key, uniform and
 * Zipf key choice.
 *
 * Method. For each (total entries N, tenants T) every structure holds the
 * same N entries (N/T per tenant) at the same load factor (rte_hash sized
 * 1.25x its entries, as mapinmap sizes its inner tables). A stream of
 * lookups (entry indexes, uniform or Zipf(0.99) over the N entries, ranks
 * scattered by a fixed permutation) is prepared once with every key format
 * precomputed, including the flat table's composite key, so no
 * configuration pays for key building. Each configuration then runs the
 * whole stream in bursts of 32 between two rte_rdtsc_precise(), in rounds;
 * each round runs every configuration once, starting from a different one.
 * A value is the median over rounds; a ratio is the median of the per-round
 * ratios (pairs measured seconds apart, so machine noise mostly cancels).
 * Every lookup must hit: the first pass of each configuration checks every
 * value found against the expected one, and every timed pass counts hits.
 * Lookups return value pointers and do not read the values; no QSBR
 * variable is attached (reporting quiescence costs ~2 cycles per burst).
 */

/* Measure the release data path, not its debug checks. */
#undef MIM_DATAPATH_DEBUG

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_config.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lpm.h>
#include <rte_memzone.h>
#include <rte_prefetch.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"
#include "mim_private.h"
#include "perf_common.h"

static uint32_t serial;

/* ---- build and free ----------------------------------------------------- */

static struct rte_hash *
raw_hash(const char *prefix, uint32_t entries, uint32_t key_len)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = RTE_MAX(entries + entries / 4, 8U),
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};

	snprintf(name, sizeof(name), "%s%u", prefix, serial++);
	return rte_hash_create(&p);
}

static struct rte_lpm *
raw_lpm(uint32_t routes)
{
	char name[RTE_LPM_NAMESIZE];
	struct rte_lpm_config c = {
		.max_rules = routes,
		/* mapinmap's default for its LPM tables */
		.number_tbl8s = RTE_MIN(routes, 4096U),
	};

	snprintf(name, sizeof(name), "pl%u", serial++);
	return rte_lpm_create(name, SOCKET_ID_ANY, &c);
}

static void
world_free(struct world *w)
{
	uint32_t i;

	if (w->flat != NULL)
		rte_hash_free(w->flat);
	if (w->th != NULL)
		for (i = 0; i < w->t; i++)
			rte_hash_free(w->th[i]);
	if (w->tl != NULL)
		for (i = 0; i < w->t; i++)
			rte_lpm_free(w->tl[i]);
	if (w->xt != NULL)
		for (i = 0; i < w->t; i++)
			perf_xt_free(w->xt[i]);
	perf_xt_free(w->xflat);
	free(w->xt);
	free(w->th);
	free(w->tl);
	free(w->hvals);
	if (w->aot_h > 0)
		mim_close(w->aot_h);
	if (w->hot_h > 0)
		mim_close(w->hot_h);
	if (w->aot_l > 0)
		mim_close(w->aot_l);
	memset(w, 0, sizeof(*w));
}

static int
build_flat(struct world *w)
{
	struct flat_key k;
	uint32_t t, i;

	w->flat = raw_hash("pflat", (uint32_t)w->n, sizeof(struct flat_key));
	if (w->flat == NULL) {
		printf("    flat rte_hash of %" PRIu64 " entries: %s\n", w->n,
		       rte_strerror(rte_errno));
		return -1;
	}
	for (t = 0; t < w->t; t++)
		for (i = 0; i < w->per; i++) {
			k.tenant = t;
			k.key = hkey(t, i);
			if (rte_hash_add_key_data(w->flat, &k,
				&w->hvals[(uint64_t)t * w->per + i]) != 0) {
				printf("    flat rte_hash: add failed\n");
				return -1;
			}
		}
	w->have_flat = true;
	return 0;
}

/* Per-tenant rte_hash: how far it goes is part of the result. */
static void
build_th(struct world *w)
{
	uint32_t t, i, k;

	w->th = calloc(w->t, sizeof(*w->th));
	for (t = 0; t < w->t; t++) {
		w->th[t] = raw_hash("pt", w->per, sizeof(uint32_t));
		if (w->th[t] == NULL) {
			snprintf(w->why_th, sizeof(w->why_th),
				 "rte_hash_create failed at tenant %u of %u: %s (%u memzones in use; RTE_MAX_MEMZONE %u)",
				 t + 1, w->t, rte_strerror(rte_errno),
				 mim_memzone_count(), RTE_MAX_MEMZONE);
			goto fail;
		}
	}
	for (t = 0; t < w->t; t++)
		for (i = 0; i < w->per; i++) {
			k = hkey(t, i);
			if (rte_hash_add_key_data(w->th[t], &k,
				&w->hvals[(uint64_t)t * w->per + i]) != 0) {
				snprintf(w->why_th, sizeof(w->why_th),
					 "rte_hash_add_key_data failed");
				goto fail;
			}
		}
	w->have_th = true;
	return;
fail:
	for (t = 0; t < w->t; t++)
		rte_hash_free(w->th[t]);
	free(w->th);
	w->th = NULL;
}

static int
mk_outer(enum mim_type type, uint32_t max, int tmpl)
{
	MIM_OPTS(mim_create_opts, o, .inner_id = (uint32_t)tmpl);

	return mim_create(type, NULL, 4, 4, max, &o);
}

/* The same inner tables go into an array and a hash of tables. */
static void
build_mh(struct world *w)
{
	int tmpl, *ids = calloc(w->t, sizeof(int));
	uint32_t t, i, k;
	uint64_t v;
	int ret = 0;

	tmpl = mim_create(MIM_TYPE_HASH, NULL, 4, 8, w->per, NULL);
	if (ids == NULL || tmpl < 0) {
		snprintf(w->why_mh, sizeof(w->why_mh), "template: %s",
			 mim_last_error());
		free(ids);
		return;
	}
	w->aot_h = mk_outer(MIM_TYPE_ARRAY_OF_TABLES, w->t, tmpl);
	w->hot_h = mk_outer(MIM_TYPE_HASH_OF_TABLES, w->t, tmpl);
	mim_close(tmpl);
	if (w->aot_h < 0 || w->hot_h < 0) {
		snprintf(w->why_mh, sizeof(w->why_mh), "outer tables: %s",
			 mim_last_error());
		goto out;
	}
	/* All tables first: a limit shows before hours of filling. */
	for (t = 0; t < w->t; t++) {
		ids[t] = mim_create(MIM_TYPE_HASH, NULL, 4, 8, w->per, NULL);
		if (ids[t] < 0) {
			snprintf(w->why_mh, sizeof(w->why_mh),
				 "mim_create(HASH) failed at tenant %u of %u: %s (%u memzones in use; RTE_MAX_MEMZONE %u)",
				 t + 1, w->t, mim_last_error(),
				 mim_memzone_count(), RTE_MAX_MEMZONE);
			goto out;
		}
	}
	for (t = 0; t < w->t && ret == 0; t++) {
		for (i = 0; i < w->per && ret == 0; i++) {
			k = hkey(t, i);
			v = hval(t, i);
			ret = mim_update_elem(ids[t], &k, &v, MIM_NOEXIST);
		}
		if (ret == 0)
			ret = mim_update_elem(w->aot_h, &t, &ids[t], MIM_ANY);
		if (ret == 0)
			ret = mim_update_elem(w->hot_h, &t, &ids[t], MIM_ANY);
	}
	if (ret != 0) {
		snprintf(w->why_mh, sizeof(w->why_mh), "filling: %s",
			 mim_last_error());
		goto out;
	}
	w->aot_h_dp = mim_table(w->aot_h);
	w->hot_h_dp = mim_table(w->hot_h);
	w->have_mh = true;
out:
	/* The outer slots hold the inner tables from now on. */
	for (t = 0; t < w->t; t++)
		if (ids[t] > 0)
			mim_close(ids[t]);
	free(ids);
	if (!w->have_mh) {
		if (w->aot_h > 0)
			mim_close(w->aot_h);
		if (w->hot_h > 0)
			mim_close(w->hot_h);
		w->aot_h = w->hot_h = 0;
	}
}

/* The what-if prototype, nested and flat, on the same entries. */
static void
build_xt(struct world *w)
{
	uint32_t t, i;
	int ret = 0;

	w->xt = calloc(w->t, sizeof(*w->xt));
	w->xflat = perf_xt_create((uint32_t)w->n);
	if (w->xt == NULL || w->xflat == NULL)
		return;
	for (t = 0; t < w->t && ret == 0; t++) {
		w->xt[t] = perf_xt_create(w->per);
		if (w->xt[t] == NULL)
			return;
		for (i = 0; i < w->per && ret == 0; i++) {
			const uint64_t *v = &w->hvals[(uint64_t)t * w->per + i];

			ret = perf_xt_add(w->xt[t], hkey(t, i), v);
			if (ret == 0)
				ret = perf_xt_add(w->xflat,
					((uint64_t)t << 32) | hkey(t, i), v);
		}
	}
	w->have_xt = ret == 0;
}

static bool
lpm_possible(const struct world *w, char *why, size_t len)
{
	if (w->t > perf.lpm_max_tenants) {
		snprintf(why, len,
			 "rte_lpm embeds a 64 MiB tbl24 per table: %u tenants need %u GiB per structure (this run allows %u LPM tenants)",
			 w->t, (w->t * 64 + 1023) / 1024, perf.lpm_max_tenants);
		return false;
	}
	if (w->per > perf.lpm_max_routes) {
		snprintf(why, len,
			 "%u routes per table: rte_lpm_add searches its rule list linearly (quadratic load; ~4.3 s per 10^5 routes measured here so ~7 min per 10^6-route table); this run allows %u",
			 w->per, perf.lpm_max_routes);
		return false;
	}
	return true;
}

static void
build_tl(struct world *w)
{
	uint32_t t, i;

	w->tl = calloc(w->t, sizeof(*w->tl));
	for (t = 0; t < w->t; t++) {
		w->tl[t] = raw_lpm(w->per);
		if (w->tl[t] == NULL) {
			snprintf(w->why_tl, sizeof(w->why_tl),
				 "rte_lpm_create failed at tenant %u: %s",
				 t + 1, rte_strerror(rte_errno));
			goto fail;
		}
		for (i = 0; i < w->per; i++)
			if (rte_lpm_add(w->tl[t], lpm_prefix(t, i) << 8, 24,
					(uint32_t)lpm_val(t, i)) != 0) {
				snprintf(w->why_tl, sizeof(w->why_tl),
					 "rte_lpm_add failed");
				goto fail;
			}
	}
	w->have_tl = true;
	return;
fail:
	for (t = 0; t < w->t; t++)
		rte_lpm_free(w->tl[t]);
	free(w->tl);
	w->tl = NULL;
}

static void
build_ml(struct world *w)
{
	struct mim_lpm_key k = { .prefixlen = 24 };
	uint32_t t, i;
	uint64_t v;
	int tmpl, id, ret = 0;

	tmpl = mim_create(MIM_TYPE_LPM, NULL, 8, 8, w->per, NULL);
	if (tmpl < 0) {
		snprintf(w->why_ml, sizeof(w->why_ml), "template: %s",
			 mim_last_error());
		return;
	}
	w->aot_l = mk_outer(MIM_TYPE_ARRAY_OF_TABLES, w->t, tmpl);
	mim_close(tmpl);
	for (t = 0; t < w->t && ret == 0; t++) {
		id = mim_create(MIM_TYPE_LPM, NULL, 8, 8, w->per, NULL);
		if (id < 0) {
			snprintf(w->why_ml, sizeof(w->why_ml),
				 "mim_create(LPM) failed at tenant %u: %s",
				 t + 1, mim_last_error());
			ret = id;
			break;
		}
		for (i = 0; i < w->per && ret == 0; i++) {
			k.addr = rte_cpu_to_be_32(lpm_prefix(t, i) << 8);
			v = lpm_val(t, i);
			ret = mim_update_elem(id, &k, &v, MIM_NOEXIST);
		}
		if (ret == 0)
			ret = mim_update_elem(w->aot_l, &t, &id, MIM_ANY);
		if (ret != 0)
			snprintf(w->why_ml, sizeof(w->why_ml), "filling: %s",
				 mim_last_error());
		mim_close(id);
	}
	if (ret != 0) {
		mim_close(w->aot_l);
		w->aot_l = 0;
		return;
	}
	w->aot_l_dp = mim_table(w->aot_l);
	w->have_ml = true;
}

/* ---- streams ------------------------------------------------------------ */

static void
stream_free(struct stream *s)
{
	free(s->e);
	free(s->tenant);
	free(s->key);
	free(s->ip);
	free(s->flat);
	free(s->lpm);
	free(s->p_tenant);
	free(s->p_key);
	free(s->p_flat);
	free(s->p_lpm);
	memset(s, 0, sizeof(*s));
}

static int
stream_alloc(struct stream *s, uint32_t n)
{
	s->n = n;
	s->e = malloc(n * sizeof(*s->e));
	s->tenant = malloc(n * sizeof(*s->tenant));
	s->key = malloc(n * sizeof(*s->key));
	s->ip = malloc(n * sizeof(*s->ip));
	s->flat = malloc(n * sizeof(*s->flat));
	s->lpm = malloc(n * sizeof(*s->lpm));
	s->p_tenant = malloc(n * sizeof(void *));
	s->p_key = malloc(n * sizeof(void *));
	s->p_flat = malloc(n * sizeof(void *));
	s->p_lpm = malloc(n * sizeof(void *));
	if (s->e == NULL || s->tenant == NULL || s->key == NULL ||
	    s->ip == NULL || s->flat == NULL || s->lpm == NULL ||
	    s->p_tenant == NULL || s->p_key == NULL || s->p_flat == NULL ||
	    s->p_lpm == NULL) {
		stream_free(s);
		return -1;
	}
	return 0;
}

static uint64_t
gcd(uint64_t a, uint64_t b)
{
	while (b != 0) {
		uint64_t r = a % b;

		a = b;
		b = r;
	}
	return a;
}

/* Fill the stream: uniform, or Zipf ranks scattered over the entries. */
static void
stream_fill(struct stream *s, const struct world *w, bool zipf,
	    uint64_t seed)
{
	struct perf_zipf z;
	uint64_t rng = seed, mul = 1000003, add, e;
	uint32_t j, t, i;

	if (zipf) {
		perf_zipf_init(&z, w->n, 0.99);
		while (gcd(mul, w->n) != 1)
			mul += 2;
	}
	add = perf_rand_below(&rng, w->n);
	for (j = 0; j < s->n; j++) {
		if (zipf)
			e = (perf_zipf_next(&z, &rng) * mul + add) % w->n;
		else
			e = perf_rand_below(&rng, w->n);
		t = (uint32_t)(e / w->per);
		i = (uint32_t)(e % w->per);
		s->e[j] = (uint32_t)e;
		s->tenant[j] = t;
		s->key[j] = hkey(t, i);
		s->ip[j] = (lpm_prefix(t, i) << 8) |
			(uint32_t)(perf_rand(&rng) & 0xff);
		s->flat[j].tenant = t;
		s->flat[j].key = s->key[j];
		s->lpm[j].prefixlen = 32;
		s->lpm[j].addr = rte_cpu_to_be_32(s->ip[j]);
		s->p_tenant[j] = &s->tenant[j];
		s->p_key[j] = &s->key[j];
		s->p_flat[j] = &s->flat[j];
		s->p_lpm[j] = &s->lpm[j];
	}
}

/* MIM_PERF_ONLY=a,b: run only configurations whose name contains a or b. */
static bool
selected(const char *name)
{
	const char *only = getenv("MIM_PERF_ONLY"), *p;
	char tok[64];
	size_t len;

	if (only == NULL || *only == '\0')
		return true;
	for (p = only; *p != '\0'; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		snprintf(tok, sizeof(tok), "%.*s", (int)len, p);
		if (len > 0 && strstr(name, tok) != NULL)
			return true;
	}
	return false;
}

static bool
have(const struct world *w, enum need n)
{
	switch (n) {
	case N_FLAT: return w->have_flat;
	case N_TH: return w->have_th;
	case N_MH: return w->have_mh;
	case N_TL: return w->have_tl;
	case N_ML: return w->have_ml;
	case N_XT: return w->have_xt;
	}
	return false;
}

static const char *
why_not(const struct world *w, enum need n)
{
	switch (n) {
	case N_TH: return w->why_th;
	case N_MH: return w->why_mh;
	case N_TL: return w->why_tl;
	case N_ML: return w->why_ml;
	default: return "not built";
	}
}

/* Every value found must be the one stored for its key. */
static int
check_values(const struct world *w, const struct stream *s,
	     const struct cfg *c, void **vals)
{
	uint32_t j, t, i;

	for (j = 0; j < s->n; j++) {
		uint64_t exp, got;

		t = s->e[j] / w->per;
		i = s->e[j] % w->per;
		if (vals[j] == NULL) {
			printf("    FAIL %s: key %u (tenant %u, entry %u) not found\n",
			       c->name, j, t, i);
			return -1;
		}
		switch (c->kind) {
		case V_HASH:
			exp = hval(t, i);
			got = *(const uint64_t *)vals[j];
			break;
		case V_LPM_SLOT:
			exp = lpm_val(t, i);
			got = *(const uint64_t *)vals[j];
			break;
		default:
			exp = lpm_val(t, i) + 1;
			got = (uintptr_t)vals[j];
			break;
		}
		if (got != exp) {
			printf("    FAIL %s: key %u (tenant %u, entry %u): value %#" PRIx64 ", expected %#" PRIx64 "\n",
			       c->name, j, t, i, got, exp);
			return -1;
		}
	}
	return 0;
}

static const char *
target_of(uint64_t n)
{
	return n >= 1000000 ? "<1.00x flat_bulk" : "<=1.10x flat_bulk";
}

static bool
target_met(uint64_t n, double ratio)
{
	return n >= 1000000 ? ratio < 1.0 : ratio <= 1.10;
}

/* Measure every configuration built, in rounds; emit one row each. */
static int
measure(const struct world *w, const struct stream *s, const char *dist)
{
	double cyc[C_MAX][64], tmp[64];
	bool on[C_MAX];
	void **vals, *sink[PERF_BURST];
	uint32_t rounds = RTE_MIN(perf.rounds, 64U), r, k, c;

	vals = malloc(s->n * sizeof(void *));
	if (vals == NULL)
		return -1;
	/* First pass of each: the check, and a warm-up. */
	for (c = 0; c < C_MAX; c++) {
		on[c] = have(w, perf_cfgs[c].need) && selected(perf_cfgs[c].name);
		if (!on[c])
			continue;
		memset(vals, 0, s->n * sizeof(void *));
		perf_cfgs[c].run(w, s, vals, PERF_BURST);
		if (check_values(w, s, &perf_cfgs[c], vals) != 0) {
			free(vals);
			return -1;
		}
	}
	free(vals);
	for (r = 0; r < rounds; r++)
		for (k = 0; k < C_MAX; k++) {
			uint64_t t0, t1;
			uint32_t hits;

			c = (k + r) % C_MAX;
			if (!on[c])
				continue;
			t0 = rte_rdtsc_precise();
			hits = perf_cfgs[c].run(w, s, sink, 0);
			t1 = rte_rdtsc_precise();
			if (hits != s->n) {
				printf("    FAIL %s: %u hits of %u\n",
				       perf_cfgs[c].name, hits, s->n);
				return -1;
			}
			cyc[c][r] = (double)(t1 - t0) / s->n;
		}
	for (c = 0; c < C_MAX; c++) {
		const struct cfg *cf = &perf_cfgs[c];
		struct perf_row row;

		perf_row_init(&row, "lookup");
		row.inner = cf->inner;
		row.entries = w->n;
		row.tenants = w->t;
		row.dist = dist;
		row.variant = cf->name;
		row.unit = "cycles/key";
		if (!selected(cf->name))
			continue;
		if (!on[c]) {
			row.verdict = "not-run";
			snprintf(row.note, sizeof(row.note), "%s",
				 why_not(w, cf->need));
			perf_emit(&row);
			continue;
		}
		memcpy(tmp, cyc[c], rounds * sizeof(double));
		row.value = perf_median(tmp, rounds);
		if (cf->baseline >= 0 && on[cf->baseline]) {
			for (r = 0; r < rounds; r++)
				tmp[r] = cyc[c][r] / cyc[cf->baseline][r];
			row.ratio = perf_median(tmp, rounds);
			row.baseline = perf_cfgs[cf->baseline].name;
			snprintf(row.note, sizeof(row.note),
				 "ratio IQR %.2f-%.2f",
				 perf_quantile(tmp, rounds, 0.25),
				 perf_quantile(tmp, rounds, 0.75));
		}
		if (cf->peer >= 0 && on[cf->peer]) {
			size_t len = strlen(row.note);

			for (r = 0; r < rounds; r++)
				tmp[r] = cyc[c][r] / cyc[cf->peer][r];
			snprintf(row.note + len, sizeof(row.note) - len,
				 "; %.2fx %s", perf_median(tmp, rounds),
				 perf_cfgs[cf->peer].name);
		}
		if (cf->judged && !isnan(row.ratio) && w->t == 1) {
			size_t len = strlen(row.note);

			snprintf(row.note + len, sizeof(row.note) - len,
				 "; diagnostic (one tenant), not judged");
		} else if (cf->judged && !isnan(row.ratio)) {
			row.target = target_of(w->n);
			row.verdict = target_met(w->n, row.ratio) ?
				"met" : "MISSED";
		}
		perf_emit(&row);
	}
	return 0;
}

/* One (entries, tenants) point: build, measure both streams, free. */
static int
point(uint64_t n, uint32_t t)
{
	static const char *const dists[] = { "uniform", "zipf" };
	struct world w = { .n = n, .t = t };
	struct stream s = { 0 };
	uint64_t t0 = rte_rdtsc();
	uint32_t d;
	int ret = TEST_SUCCESS;

	w.per = (uint32_t)(n / t);
	w.n = (uint64_t)w.per * t;
	w.hvals = malloc(w.n * sizeof(uint64_t));
	if (w.hvals == NULL || stream_alloc(&s, perf.lookups) != 0) {
		printf("    out of memory for %" PRIu64 " entries\n", n);
		free(w.hvals);
		return TEST_FAILED;
	}
	for (d = 0; d < w.t; d++) {
		uint32_t i;

		for (i = 0; i < w.per; i++)
			w.hvals[(uint64_t)d * w.per + i] = hval(d, i);
	}
	if (build_flat(&w) != 0) {
		ret = TEST_FAILED;
		goto out;
	}
	build_mh(&w);
	build_th(&w);
	if (selected("whatif"))
		build_xt(&w);
	if (lpm_possible(&w, w.why_ml, sizeof(w.why_ml))) {
		build_ml(&w);
		build_tl(&w);
	} else {
		snprintf(w.why_tl, sizeof(w.why_tl), "%s", w.why_ml);
	}
	printf("    %" PRIu64 " entries, %u tenants: built in %.1f s, DPDK heap %.0f MiB\n",
	       w.n, w.t, perf_us(rte_rdtsc() - t0) / 1e6,
	       mim_heap_allocated() / 1048576.0);
	for (d = 0; d < RTE_DIM(dists); d++) {
		stream_fill(&s, &w, d == 1, perf.seed + d);
		if (measure(&w, &s, dists[d]) != 0) {
			ret = TEST_FAILED;
			break;
		}
	}
out:
	stream_free(&s);
	world_free(&w);
	return ret;
}

int
perf_lookup(void)
{
	uint32_t a, b, c;
	char why[160];

	for (a = 0; a < perf.nb_sizes; a++)
		for (b = 0; b < perf.nb_tenants; b++) {
			uint64_t n = perf.sizes[a];
			uint32_t t = perf.tenants[b];

			if (n < t) {
				snprintf(why, sizeof(why),
					 "fewer entries (%" PRIu64 ") than tenants (%u)",
					 n, t);
				for (c = 0; c < C_MAX; c++)
					perf_not_run("lookup", perf_cfgs[c].inner,
						     n, t, perf_cfgs[c].name, why);
				continue;
			}
			if (point(n, t) != TEST_SUCCESS)
				return TEST_FAILED;
		}
	return TEST_SUCCESS;
}

/*
 * How many rte_hash tenants fit in one process: mapinmap HASH tables, then
 * bare rte_hash tables, created until the first failure.
 */
int
perf_tenant_limit(void)
{
	const uint32_t cap = 20000;
	struct rte_hash **h = calloc(cap, sizeof(*h));
	int *ids = calloc(cap, sizeof(*ids));
	unsigned int mz0 = mim_memzone_count(), mz;
	struct perf_row r;
	uint32_t i, n;

	if (h == NULL || ids == NULL) {
		free(h);
		free(ids);
		return TEST_FAILED;
	}
	for (n = 0; n < cap; n++) {
		ids[n] = mim_create(MIM_TYPE_HASH, NULL, 4, 8, 1000, NULL);
		if (ids[n] < 0)
			break;
	}
	mz = mim_memzone_count();
	perf_row_init(&r, "limit");
	r.inner = "hash";
	r.variant = "mim_hash_tables";
	r.value = n;
	r.unit = "tables";
	snprintf(r.note, sizeof(r.note),
		 "the target grid goes up to 10000 tenants; %s%s; memzones %u before, %u at failure, RTE_MAX_MEMZONE %u",
		 n < cap ? "next mim_create failed: " : "no failure",
		 n < cap ? mim_last_error() : "", mz0, mz, RTE_MAX_MEMZONE);
	perf_emit(&r);
	for (i = 0; i < n; i++)
		mim_close(ids[i]);

	for (n = 0; n < cap; n++) {
		h[n] = raw_hash("lim", 1000, 4);
		if (h[n] == NULL)
			break;
	}
	mz = mim_memzone_count();
	perf_row_init(&r, "limit");
	r.inner = "hash";
	r.variant = "rte_hash_tables";
	r.value = n;
	r.unit = "tables";
	snprintf(r.note, sizeof(r.note),
		 "%s%s; memzones %u at failure (one per rte_hash: its free-slot ring)",
		 n < cap ? "next rte_hash_create failed: " : "no failure",
		 n < cap ? rte_strerror(rte_errno) : "", mz);
	perf_emit(&r);
	for (i = 0; i < n; i++)
		rte_hash_free(h[i]);
	free(h);
	free(ids);
	return TEST_SUCCESS;
}
