/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * MIM_TYPE_LPM across tenants and for IPv6: 32 tenants' tables behind an
 * ARRAY_OF_TABLES looked up with mixed tenants per burst, beside 32
 * rte_lpm tables looked up per tenant group; IPv6 bulk lookups beside
 * rte_lpm6 on the same prefixes; and MIM_PERF_LPM_SCALE tenant tables of
 * 100 routes each (10^5 at full scale): the time to create them, their
 * bytes per tenant and nested lookups across all of them.
 */

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * An ARRAY_OF_TABLES of @s's tenants, each its own LPM table of its
 * routes: the outer table's id, or < 0. The library's bytes of the inner
 * tables in *mb.
 */
static int
lpm_outer(const struct lpm_set *s, uint64_t *mb)
{
	MIM_OPTS(mim_create_opts, o, .inner_type = MIM_TYPE_LPM,
		 .inner_key_size = s->v6 ? sizeof(struct mim_lpm6_key) :
			sizeof(struct mim_lpm_key),
		 .inner_value_size = 8, .inner_max_entries = s->per);
	struct mim_table_info info;
	int outer, id, ret = 0;
	uint32_t t;

	*mb = 0;
	outer = mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4, s->tenants,
			   &o);
	if (outer < 0) {
		printf("    outer table: %s\n", mim_last_error());
		return outer;
	}
	for (t = 0; t < s->tenants && ret == 0; t++) {
		id = mim_create(MIM_TYPE_LPM, NULL, o.inner_key_size, 8, s->per,
				NULL);
		if (id < 0) {
			printf("    tenant %u: %s\n", t, mim_last_error());
			ret = id;
			break;
		}
		ret = lpm_fill_mim(id, s, t);
		if (ret == 0)
			ret = mim_update_elem(outer, &t, &id, MIM_ANY);
		if (ret == 0 && mim_get_info(id, &info) == 0)
			*mb += info.mem_bytes;
		mim_close(id);
	}
	if (ret != 0) {
		mim_close(outer);
		return ret;
	}
	return outer;
}

/* ---- 32 tenants (MIM_PERF_LPM_TENANTS) ------------------------------------ */

int
perf_lpm_tenants(void)
{
	const uint32_t nt = perf.lpm_tenants, per = perf.lpm_routes / nt;
	struct rte_lpm **tl = calloc(nt, sizeof(*tl));
	struct lpm_keys k = { 0 };
	struct lpm_pair p;
	struct lpm_set s;
	uint64_t h0, h1, h2, mb;
	uint32_t t;
	int outer = -1, ret = TEST_FAILED;

	if (tl == NULL || lpm_set_gen(&s, false, nt, per, perf.seed ^ 32) != 0) {
		free(tl);
		return TEST_FAILED;
	}
	h0 = mim_heap_allocated();
	outer = lpm_outer(&s, &mb);
	if (outer < 0)
		goto out;
	h1 = mim_heap_allocated();
	for (t = 0; t < nt; t++) {
		tl[t] = lpm_fill_rte(&s, t);
		if (tl[t] == NULL)
			goto out;
	}
	h2 = mim_heap_allocated();
	if (lpm_keys_gen(&k, &s, perf.lookups, perf.seed ^ 32) != 0)
		goto out;
	{
		const struct lpm_side a = { "mim_aot_lpm_nested",
			lpm_run_mim_nested, mim_table(outer) };
		const struct lpm_side b = { "tenant_rte_lpm_bulk",
			lpm_run_rte_tenants, tl };

		if (lpm_measure(&k, &a, &b, &p) != 0)
			goto out;
	}
	lpm_row("lpm_memory", false, s.n, nt, "mim_lpm_tenants_heap",
		(h1 - h0) / MIB, "MiB", "rte_lpm_tenants_heap",
		(double)(h1 - h0) / (h2 - h1), NULL, NULL,
		"%u tenant tables of %u routes behind one ARRAY_OF_TABLES: DPDK heap delta; mem_bytes %.1f MiB",
		nt, per, mb / MIB);
	lpm_row("lpm_memory", false, s.n, nt, "rte_lpm_tenants_heap",
		(h2 - h1) / MIB, "MiB", NULL, NAN, NULL, NULL,
		"%u rte_lpm tables of the same routes (a 64 MiB tbl24 each)", nt);
	lpm_row("lpm_lookup", false, s.n, nt, "tenant_rte_lpm_bulk", p.b,
		"cycles/key", NULL, NAN, NULL, NULL,
		"rte_lpm_lookup_bulk() once per distinct tenant of each burst of 32");
	lpm_row("lpm_lookup", false, s.n, nt, "mim_aot_lpm_nested", p.a,
		"cycles/key", "tenant_rte_lpm_bulk", p.ratio,
		nt >= 32 ? "<=0.50x tenant_rte_lpm_bulk" : NULL,
		nt >= 32 ? lpm_verdict(p.ratio, 0.5, true) : NULL,
		"mim_lookup_nested_bulk(); tenants mixed in each burst of 32; ratio IQR %.2f-%.2f; %u routes per tenant (%" PRIu64 " in all): the %u rte_lpm tables (%.0f MiB) fit the run's memory beside the rest%s",
		p.lo, p.hi, per, s.n, nt, (h2 - h1) / MIB,
		nt >= 32 ? "" : "; judged at 32 tenants only");
	ret = TEST_SUCCESS;
out:
	for (t = 0; t < nt; t++)
		rte_lpm_free(tl[t]);
	free(tl);
	if (outer >= 0)
		mim_close(outer);
	lpm_keys_free(&k);
	lpm_set_free(&s);
	return ret;
}

/* ---- IPv6 ---------------------------------------------------------------- */

int
perf_lpm6(void)
{
	const uint32_t n = perf.lpm6_routes;
	struct rte_lpm6 *l = NULL;
	struct lpm_keys k = { 0 };
	struct lpm_pair p;
	struct lpm_set s;
	uint64_t h0, h1, h2, t0, t1, t2, mb = 0;
	struct mim_table_info info;
	int id = -1, ret = TEST_FAILED;

	if (lpm_set_gen(&s, true, 1, n, perf.seed ^ 6) != 0)
		return TEST_FAILED;
	h0 = mim_heap_allocated();
	t0 = rte_rdtsc_precise();
	id = mim_create(MIM_TYPE_LPM, NULL, sizeof(struct mim_lpm6_key), 8, n,
			NULL);
	if (id < 0 || lpm_fill_mim(id, &s, 0) != 0)
		goto out;
	t1 = rte_rdtsc_precise() - t0;
	h1 = mim_heap_allocated() - h0;
	if (mim_get_info(id, &info) == 0)
		mb = info.mem_bytes;
	h0 = mim_heap_allocated();
	t0 = rte_rdtsc_precise();
	l = lpm_fill_rte6(&s);
	if (l == NULL)
		goto out;
	t2 = rte_rdtsc_precise() - t0;
	h2 = mim_heap_allocated() - h0;
	if (lpm_keys_gen(&k, &s, perf.lookups, perf.seed ^ 6) != 0)
		goto out;
	{
		const struct lpm_side a = { "mim_lpm6_bulk", lpm_run_mim_bulk,
			mim_table(id) };
		const struct lpm_side b = { "rte_lpm6_bulk", lpm_run_rte6_bulk,
			l };

		if (lpm_measure(&k, &a, &b, &p) != 0)
			goto out;
	}
	lpm_row("lpm_update", true, n, 1, "mim_lpm6_build", lpm_sec(t1), "s",
		"rte_lpm6_build", (double)t1 / t2, NULL, NULL,
		"mim_create() and mim_update_elem() of every route; %s",
		lpm_mix_text(true));
	lpm_row("lpm_update", true, n, 1, "rte_lpm6_build", lpm_sec(t2), "s",
		NULL, NAN, NULL, NULL, "rte_lpm6_create() and rte_lpm6_add()");
	lpm_row("lpm_memory", true, n, 1, "mim_lpm6_heap", h1 / MIB, "MiB",
		"rte_lpm6_heap", (double)h1 / h2, NULL, NULL,
		"DPDK heap delta; mem_bytes %.2f MiB; %.1f bytes per prefix",
		mb / MIB, (double)h1 / n);
	lpm_row("lpm_memory", true, n, 1, "rte_lpm6_heap", h2 / MIB, "MiB",
		NULL, NAN, NULL, NULL,
		"DPDK heap delta; %" PRIu64 " tbl8 groups (the set's count and a margin)",
		s.tbl8_v6 + s.tbl8_v6 / 64 + 64);
	lpm_row("lpm_lookup", true, n, 1, "rte_lpm6_bulk", p.b, "cycles/key",
		NULL, NAN, NULL, NULL,
		"rte_lpm6_lookup_bulk_func() in bursts of 32");
	lpm_row("lpm_lookup", true, n, 1, "mim_lpm6_bulk", p.a, "cycles/key",
		"rte_lpm6_bulk", p.ratio, "<=1.00x rte_lpm6_bulk",
		lpm_verdict(p.ratio, 1.0, true),
		"mim_lookup_bulk() in bursts of 32; ratio IQR %.2f-%.2f; keys: an address inside a uniformly drawn route",
		p.lo, p.hi);
	ret = TEST_SUCCESS;
out:
	if (id < 0)
		printf("    mim_create(LPM, IPv6): %s\n", mim_last_error());
	else
		mim_close(id);
	rte_lpm6_free(l);
	lpm_keys_free(&k);
	lpm_set_free(&s);
	return ret;
}

/* ---- many tenants -------------------------------------------------------- */

int
perf_lpm_scale(void)
{
	const uint32_t nt = perf.lpm_scale, per = 100;
	const struct lpm_side a = { "mim_aot_lpm_nested", lpm_run_mim_nested,
				    NULL };
	struct lpm_side side = a;
	struct lpm_keys k = { 0 };
	struct lpm_set s;
	uint64_t h0, h1, t0, t1, mb;
	double cyc, heap;
	int outer, ret = TEST_FAILED;

	if (lpm_set_gen(&s, false, nt, per, perf.seed ^ 100) != 0)
		return TEST_FAILED;
	h0 = mim_heap_allocated();
	t0 = rte_rdtsc_precise();
	outer = lpm_outer(&s, &mb);
	t1 = rte_rdtsc_precise() - t0;
	h1 = mim_heap_allocated() - h0;
	if (outer < 0) {
		lpm_row("lpm_scale", false, s.n, nt, "mim_lpm_tenant_tables",
			NAN, "tables", NULL, NAN, NULL, "failed",
			"building %u tenant tables failed: %s", nt,
			mim_last_error());
		lpm_set_free(&s);
		return TEST_FAILED;
	}
	heap = h1 / MIB;
	side.ctx = mim_table(outer);
	if (lpm_keys_gen(&k, &s, perf.lookups, perf.seed ^ 100) != 0 ||
	    lpm_measure_one(&k, &side, &cyc) != 0)
		goto out;
	lpm_row("lpm_scale", false, s.n, nt, "mim_lpm_tenant_tables", nt,
		"tables", NULL, NAN, perf.full ? ">= 100000" : NULL,
		perf.full ? lpm_verdict(nt, 100000, false) : NULL,
		"%u tables of %u routes each (%s) behind one ARRAY_OF_TABLES in one process; DPDK heap %.0f MiB in all",
		nt, per, lpm_mix_text(false), heap);
	lpm_row("lpm_scale", false, s.n, nt, "mim_lpm_heap_total", heap, "MiB",
		NULL, NAN, "<= 4096 MiB", lpm_verdict(heap, 4096, true),
		"DPDK heap delta of the outer table and every tenant table: what -m 4096 must hold beside EAL's own");
	lpm_row("lpm_scale", false, s.n, nt, "mim_lpm_heap_per_tenant",
		(double)h1 / nt, "bytes/tenant", NULL, NAN, NULL, NULL,
		"DPDK heap delta per tenant (its outer slot included); mem_bytes %.0f per table",
		(double)mb / nt);
	lpm_row("lpm_scale", false, s.n, nt, "mim_lpm_create", lpm_sec(t1),
		"s", NULL, NAN, NULL, NULL,
		"mim_create(); %u x mim_update_elem(); one outer publish and mim_close() per tenant: %.1f us per tenant",
		per, perf_us(t1) / nt);
	lpm_row("lpm_scale", false, s.n, nt, "mim_aot_lpm_nested", cyc,
		"cycles/key", NULL, NAN, NULL, NULL,
		"mim_lookup_nested_bulk(), uniform tenants mixed in each burst of 32; no rte_lpm beside it (%u tbl24s would take %.0f GiB)",
		nt, nt * 64.0 / 1024);
	ret = TEST_SUCCESS;
out:
	t0 = rte_rdtsc_precise();
	mim_close(outer);
	lpm_row("lpm_scale", false, s.n, nt, "mim_lpm_free",
		lpm_sec(rte_rdtsc_precise() - t0), "s", NULL, NAN, NULL, NULL,
		"mim_close() of the outer table, freeing every tenant table");
	lpm_keys_free(&k);
	lpm_set_free(&s);
	return ret;
}
