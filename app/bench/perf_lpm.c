/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * MIM_TYPE_LPM beside rte_lpm on one table of a full BGP-like set
 * (MIM_PERF_LPM_ROUTES prefixes, 10^6 at full scale): the memory both
 * take (DPDK heap delta; mapinmap's mem_bytes too), the time to build
 * them, bulk lookup cycles per key, and single-route updates per second
 * into the full table; and the memory of small tables (empty, 1,000 IPv4
 * and 1,000 IPv6 routes) beside rte_lpm's and rte_lpm6's.
 */

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>

#include <mim.h>

#include "autotest.h"
#include "mim_private.h"
#include "perf_common.h"
#include "perf_lpm.h"

#define MIB (1024.0 * 1024.0)
#define KIB 1024.0

static uint64_t
mem_bytes(int id)
{
	struct mim_table_info info;

	return mim_get_info(id, &info) == 0 ? info.mem_bytes : 0;
}

/* ---- one full table ----------------------------------------------------- */

/* One route change of the update stream, applied to either table. */
struct upd {
	uint8_t op;       /* 0 next-hop change, 1 announce, 2 withdraw */
	uint8_t len;
	uint32_t addr;    /* host order */
	uint32_t nh;
};

static struct upd *
upd_stream(const struct lpm_set *s, const struct lpm_set *fresh, uint32_t n)
{
	struct upd *u = malloc(n * sizeof(*u));
	uint64_t st = perf.seed ^ 0x757064ULL, r;
	uint32_t j, m;

	if (u == NULL)
		return NULL;
	for (j = 0; j < n; j++) {
		u[j].op = j % 3;
		if (u[j].op == 0) {
			r = perf_rand_below(&st, s->n);
			u[j].len = s->len[r];
			u[j].addr = s->a4[r];
			u[j].nh = lpm_nh(r) ^ 1;
			continue;
		}
		m = j / 3;
		u[j].len = fresh->len[m];
		u[j].addr = fresh->a4[m];
		u[j].nh = lpm_nh(s->n + m);
	}
	return u;
}

static int
upd_mim(int id, const struct upd *u, uint32_t from, uint32_t to)
{
	struct mim_lpm_key k;
	uint64_t v;
	uint32_t j;
	int ret;

	for (j = from; j < to; j++) {
		k.prefixlen = u[j].len;
		k.addr = rte_cpu_to_be_32(u[j].addr);
		v = u[j].nh;
		ret = u[j].op == 2 ? mim_delete_elem(id, &k) :
			mim_update_elem(id, &k, &v, MIM_ANY);
		if (ret != 0) {
			printf("    update %u: %s\n", j, mim_last_error());
			return ret;
		}
	}
	return 0;
}

static int
upd_rte(struct rte_lpm *l, const struct upd *u, uint32_t n)
{
	uint32_t j;

	for (j = 0; j < n; j++)
		if ((u[j].op == 2 ? rte_lpm_delete(l, u[j].addr, u[j].len) :
		     rte_lpm_add(l, u[j].addr, u[j].len, u[j].nh)) != 0) {
			printf("    rte_lpm update %u failed\n", j);
			return -1;
		}
	return 0;
}

/* Single-route updates into both full tables; answers compared after. */
static int
table_updates(int id, struct rte_lpm *l, const struct lpm_set *s,
	      const struct lpm_keys *k, bool full)
{
	const uint32_t n = perf.full ? 300000 : 3000;
	const uint32_t n_rte = perf.full ? 3000 : 300;
	const struct lpm_side a = { "mapinmap", lpm_run_mim_bulk,
				    mim_table(id) };
	const struct lpm_side b = { "rte_lpm", lpm_run_rte_bulk, l };
	struct lpm_set fresh;
	struct upd *u = NULL;
	uint64_t t0, t1, t2, t3;
	double mim_rate, rte_rate;
	int ret = -1;

	if (lpm_set_gen(&fresh, false, 1, n / 3 + 1, perf.seed ^ 0x6e6577) != 0)
		return -1;
	u = upd_stream(s, &fresh, n);
	if (u == NULL)
		goto out;
	t0 = rte_rdtsc_precise();
	if (upd_rte(l, u, n_rte) != 0)
		goto out;
	t1 = rte_rdtsc_precise();
	if (upd_mim(id, u, 0, n_rte) != 0)
		goto out;
	t2 = rte_rdtsc_precise();
	if (lpm_check(k, &a, &b, false) != 0)
		goto out;
	t3 = rte_rdtsc_precise();
	if (upd_mim(id, u, n_rte, n) != 0)
		goto out;
	t3 = rte_rdtsc_precise() - t3 + (t2 - t1);
	mim_rate = n / lpm_sec(t3);
	rte_rate = n_rte / lpm_sec(t1 - t0);
	lpm_row("lpm_update", false, s->n, 1, "rte_lpm_update", rte_rate,
		"updates/s", NULL, NAN, NULL, NULL,
		"rte_lpm_add/rte_lpm_delete: the first %u changes of the same stream",
		n_rte);
	lpm_row("lpm_update", false, s->n, 1, "mim_lpm_update", mim_rate,
		"updates/s", "rte_lpm_update", mim_rate / rte_rate,
		full ? ">= 100000" : NULL,
		full ? lpm_verdict(mim_rate, 100000, false) : NULL,
		"%u single-route changes into the full table: a third next-hop changes of its routes; a third announcements of new prefixes; a third withdrawals of them; answers equal to rte_lpm's after the first %u",
		n, n_rte);
	ret = 0;
out:
	free(u);
	lpm_set_free(&fresh);
	return ret;
}

static int
table_lookups(int id, struct rte_lpm *l, const struct lpm_keys *k,
	      uint64_t n, bool full)
{
	const struct lpm_side a = { "mim_lpm_bulk", lpm_run_mim_bulk,
				    mim_table(id) };
	const struct lpm_side b = { "rte_lpm_bulk", lpm_run_rte_bulk, l };
	struct lpm_pair p;

	if (lpm_measure(k, &a, &b, &p) != 0)
		return -1;
	lpm_row("lpm_lookup", false, n, 1, "rte_lpm_bulk", p.b, "cycles/key",
		NULL, NAN, NULL, NULL, "rte_lpm_lookup_bulk() in bursts of 32");
	lpm_row("lpm_lookup", false, n, 1, "mim_lpm_bulk", p.a, "cycles/key",
		"rte_lpm_bulk", p.ratio, full ? "<=1.00x rte_lpm_bulk" : NULL,
		full ? lpm_verdict(p.ratio, 1.0, true) : NULL,
		"mim_lookup_bulk() in bursts of 32; ratio IQR %.2f-%.2f; keys: an address inside a uniformly drawn route",
		p.lo, p.hi);
	return 0;
}

int
perf_lpm_table(void)
{
	const uint32_t n = perf.lpm_routes;
	/* the targets are set for a full table */
	const bool full = n >= 1000000;
	struct rte_lpm *l = NULL;
	struct lpm_keys k = { 0 };
	struct lpm_set s;
	uint64_t h0, h1, h2, t0, t1, t2, mb;
	int id = -1, ret = TEST_FAILED;

	if (lpm_set_gen(&s, false, 1, n, perf.seed) != 0)
		return TEST_FAILED;
	h0 = mim_heap_allocated();
	t0 = rte_rdtsc_precise();
	id = mim_create(MIM_TYPE_LPM, NULL, sizeof(struct mim_lpm_key), 8,
			n + LPM_SPARE, NULL);
	if (id < 0 || lpm_fill_mim(id, &s, 0) != 0)
		goto out;
	t1 = rte_rdtsc_precise() - t0;
	h1 = mim_heap_allocated() - h0;
	mb = mem_bytes(id);
	lpm_row("lpm_update", false, n, 1, "mim_lpm_build", lpm_sec(t1), "s",
		NULL, NAN, full ? "<= 10 s" : NULL,
		full ? lpm_verdict(lpm_sec(t1), 10, true) : NULL,
		"mim_create() and mim_update_elem() of every route in random order; %s",
		lpm_mix_text(false));
	h0 = mim_heap_allocated();
	t0 = rte_rdtsc_precise();
	l = lpm_fill_rte(&s, 0);
	if (l == NULL)
		goto out;
	t2 = rte_rdtsc_precise() - t0;
	h2 = mim_heap_allocated() - h0;
	lpm_row("lpm_update", false, n, 1, "rte_lpm_build", lpm_sec(t2), "s",
		NULL, NAN, NULL, NULL,
		"rte_lpm_create() and rte_lpm_add() of the same routes (its rule search is linear per prefix length)");
	lpm_row("lpm_memory", false, n, 1, "rte_lpm_heap", h2 / MIB, "MiB",
		NULL, NAN, NULL, NULL,
		"DPDK heap delta; max_rules %u; %u tbl8 groups (one per route longer than /24)",
		n + LPM_SPARE, s.nb_long + LPM_SPARE);
	lpm_row("lpm_memory", false, n, 1, "mim_lpm_heap", h1 / MIB, "MiB",
		"rte_lpm_heap", (double)h1 / h2, full ? "<= 16 MiB" : NULL,
		full ? lpm_verdict(h1 / MIB, 16, true) : NULL,
		"DPDK heap delta; %.2f bytes per prefix; %s", (double)h1 / n,
		lpm_mix_text(false));
	lpm_row("lpm_memory", false, n, 1, "mim_lpm_mem_bytes", mb / MIB,
		"MiB", NULL, NAN, NULL, NULL,
		"mim_get_info() mem_bytes: %" PRIu64 " bytes", mb);
	if (lpm_keys_gen(&k, &s, perf.lookups, perf.seed) != 0 ||
	    table_lookups(id, l, &k, n, full) != 0 ||
	    table_updates(id, l, &s, &k, full) != 0)
		goto out;
	ret = TEST_SUCCESS;
out:
	if (id < 0)
		printf("    mim_create(LPM): %s\n", mim_last_error());
	else
		mim_close(id);
	rte_lpm_free(l);
	lpm_keys_free(&k);
	lpm_set_free(&s);
	return ret;
}

/* ---- small tables -------------------------------------------------------- */

/*
 * K tables of each kind (the average is the row), empty then with 1,000
 * routes each (their own routes); targets for the empty IPv4 table and
 * for 1,000 routes of either family.
 */
static int
small_mim(bool v6, uint32_t kt, double rte_empty, double rte_full)
{
	const uint32_t per = 1000;
	const char *t_empty = v6 ? NULL : "<= 4 KiB";
	const char *t_full = v6 ? "<= 128 KiB" : "<= 64 KiB";
	const char *base = v6 ? "rte_lpm6_heap" : "rte_lpm_heap";
	struct lpm_set s;
	uint64_t h0, h1, h2, mb = 0;
	uint32_t t;
	int *ids, ret = -1;
	double e, f;

	ids = calloc(kt, sizeof(*ids));
	if (ids == NULL || lpm_set_gen(&s, v6, kt, per, perf.seed ^ 2) != 0) {
		free(ids);
		return -1;
	}
	h0 = mim_heap_allocated();
	for (t = 0; t < kt; t++) {
		ids[t] = mim_create(MIM_TYPE_LPM, NULL, v6 ?
				    sizeof(struct mim_lpm6_key) :
				    sizeof(struct mim_lpm_key), 8, per, NULL);
		if (ids[t] < 0)
			goto out;
		mb += mem_bytes(ids[t]);
	}
	h1 = mim_heap_allocated();
	e = (double)(h1 - h0) / kt / KIB;
	lpm_row("lpm_memory", v6, 0, kt, "mim_lpm_heap", e, "KiB", base,
		e / rte_empty, t_empty,
		t_empty != NULL ? lpm_verdict(e, 4, true) : NULL,
		"empty table (max_entries %u): DPDK heap delta per table over %u; mem_bytes %.0f",
		per, kt, (double)mb / kt);
	for (mb = 0, t = 0; t < kt; t++) {
		if (lpm_fill_mim(ids[t], &s, t) != 0)
			goto out;
		mb += mem_bytes(ids[t]);
	}
	h2 = mim_heap_allocated();
	f = (double)(h2 - h0) / kt / KIB;
	lpm_row("lpm_memory", v6, per, kt, "mim_lpm_heap", f, "KiB", base,
		f / rte_full, t_full, lpm_verdict(f, v6 ? 128 : 64, true),
		"DPDK heap delta per table over %u tables of their own %u routes; mem_bytes %.0f; %s",
		kt, per, (double)mb / kt, lpm_mix_text(v6));
	ret = 0;
out:
	if (ret != 0)
		printf("    small LPM tables: %s\n", mim_last_error());
	for (t = 0; t < kt; t++)
		if (ids[t] > 0)
			mim_close(ids[t]);
	free(ids);
	lpm_set_free(&s);
	return ret;
}

/* rte_lpm (rte_lpm6) for 1,000 routes: created empty, then filled. */
static int
small_rte(bool v6, double *empty, double *full)
{
	struct rte_lpm_config c4 = { .max_rules = 1000, .number_tbl8s = 256 };
	struct rte_lpm6_config c6 = { .max_rules = 1000 };
	struct rte_lpm6 *l6 = NULL;
	struct rte_lpm *l = NULL;
	struct lpm_set s;
	uint64_t h0 = mim_heap_allocated();
	bool ok;

	if (lpm_set_gen(&s, v6, 1, 1000, perf.seed ^ 2) != 0)
		return -1;
	c6.number_tbl8s = (uint32_t)s.tbl8_v6 + 64;
	if (v6)
		l6 = rte_lpm6_create("plpm6_small", SOCKET_ID_ANY, &c6);
	else
		l = rte_lpm_create("plpm_small", SOCKET_ID_ANY, &c4);
	*empty = (double)(mim_heap_allocated() - h0) / KIB;
	rte_lpm_free(l);
	rte_lpm6_free(l6);
	if (l == NULL && l6 == NULL) {
		lpm_set_free(&s);
		return -1;
	}
	h0 = mim_heap_allocated();
	if (v6)
		l6 = lpm_fill_rte6(&s);
	else
		l = lpm_fill_rte(&s, 0);
	*full = (double)(mim_heap_allocated() - h0) / KIB;
	ok = l != NULL || l6 != NULL;
	rte_lpm_free(l);
	rte_lpm6_free(l6);
	lpm_row("lpm_memory", v6, 0, 1, v6 ? "rte_lpm6_heap" : "rte_lpm_heap",
		*empty, "KiB", NULL, NAN, NULL, NULL,
		"empty; sized for 1000 routes (%u tbl8 groups)",
		v6 ? c6.number_tbl8s : c4.number_tbl8s);
	lpm_row("lpm_memory", v6, 1000, 1, v6 ? "rte_lpm6_heap" : "rte_lpm_heap",
		*full, "KiB", NULL, NAN, NULL, NULL,
		"the first tenant's 1000 routes of the mapinmap rows");
	lpm_set_free(&s);
	return ok ? 0 : -1;
}

int
perf_lpm_small(void)
{
	double e4, f4, e6, f6;

	TEST_ASSERT_OK(small_rte(false, &e4, &f4));
	TEST_ASSERT_OK(small_rte(true, &e6, &f6));
	TEST_ASSERT_OK(small_mim(false, perf.mem_tables, e4, f4));
	TEST_ASSERT_OK(small_mim(true, perf.mem_tables, e6, f6));
	return TEST_SUCCESS;
}
