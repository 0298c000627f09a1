/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The lookup configurations measured by perf_lookup.c: mapinmap's
 * two-level lookups and the alternatives, each a loop over the stream.
 */

/* Measure the release data path, not its debug checks. */
#undef MIM_DATAPATH_DEBUG

#include <stdint.h>

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_lpm.h>

#include <mim.h>

#include "perf_common.h"


static __rte_noinline uint32_t
run_flat_bulk(const struct world *w, const struct stream *s, void **sink,
	      uint32_t step)
{
	uint64_t mask;
	uint32_t j, hits = 0;

	for (j = 0; j < s->n; j += PERF_BURST, sink += step)
		hits += (uint32_t)rte_hash_lookup_bulk_data(w->flat,
				&s->p_flat[j], PERF_BURST, &mask, sink);
	return hits;
}

static __rte_noinline uint32_t
run_flat_single(const struct world *w, const struct stream *s, void **sink,
		uint32_t step)
{
	uint32_t j, i, hits = 0;

	for (j = 0; j < s->n; j += PERF_BURST, sink += step)
		for (i = 0; i < PERF_BURST; i++)
			hits += rte_hash_lookup_data(w->flat, s->p_flat[j + i],
						     &sink[i]) >= 0;
	return hits;
}

/*
 * Per-tenant rte_hash, bulk per tenant: what a user writes by hand. The
 * burst is split into one group per distinct table, each group looked up
 * with one rte_hash_lookup_bulk_data (a single lookup for a group of one).
 */
static __rte_noinline uint32_t
run_th_bulk(const struct world *w, const struct stream *s, void **sink,
	    uint32_t step)
{
	const struct rte_hash *h[PERF_BURST];
	const void *gk[PERF_BURST];
	void *gv[PERF_BURST];
	uint8_t gi[PERF_BURST];
	uint32_t j, i, hits = 0;

	for (j = 0; j < s->n; j += PERF_BURST, sink += step) {
		uint64_t todo = (UINT64_C(1) << PERF_BURST) - 1;

		for (i = 0; i < PERF_BURST; i++)
			h[i] = w->th[s->tenant[j + i]];
		while (todo != 0) {
			const struct rte_hash *g = h[__builtin_ctzll(todo)];
			uint64_t rest = todo, mask;
			uint32_t n = 0, b;

			while (rest != 0) {
				b = (uint32_t)__builtin_ctzll(rest);
				rest &= rest - 1;
				if (h[b] == g) {
					gk[n] = s->p_key[j + b];
					gi[n++] = (uint8_t)b;
					todo &= ~(UINT64_C(1) << b);
				}
			}
			if (n == 1) {
				hits += rte_hash_lookup_data(g, gk[0],
							     &sink[gi[0]]) >= 0;
				continue;
			}
			hits += (uint32_t)rte_hash_lookup_bulk_data(g, gk, n,
								    &mask, gv);
			for (i = 0; i < n; i++)
				sink[gi[i]] = gv[i];
		}
	}
	return hits;
}

static __rte_noinline uint32_t
run_th_single(const struct world *w, const struct stream *s, void **sink,
	      uint32_t step)
{
	uint32_t j, i, hits = 0;

	for (j = 0; j < s->n; j += PERF_BURST, sink += step)
		for (i = 0; i < PERF_BURST; i++)
			hits += rte_hash_lookup_data(w->th[s->tenant[j + i]],
						     s->p_key[j + i],
						     &sink[i]) >= 0;
	return hits;
}

static __rte_always_inline uint32_t
run_mim_bulk(const struct mim_table *outer, const struct stream *s,
	     const void **inner_keys, void **sink, uint32_t step)
{
	uint32_t j, hits = 0;

	for (j = 0; j < s->n; j += PERF_BURST, sink += step)
		hits += mim_lookup_nested_bulk(outer, &s->p_tenant[j],
					       &inner_keys[j], PERF_BURST,
					       sink, NULL);
	return hits;
}

static __rte_always_inline uint32_t
run_mim_single(const struct mim_table *outer, const struct stream *s,
	       const void **inner_keys, void **sink, uint32_t step)
{
	uint32_t j, i, hits = 0;

	for (j = 0; j < s->n; j += PERF_BURST, sink += step)
		for (i = 0; i < PERF_BURST; i++) {
			const struct mim_table *in =
				mim_lookup(outer, s->p_tenant[j + i]);

			sink[i] = in != NULL ?
				mim_lookup(in, inner_keys[j + i]) : NULL;
			hits += sink[i] != NULL;
		}
	return hits;
}

static __rte_noinline uint32_t
run_aot_h_bulk(const struct world *w, const struct stream *s, void **sink,
	       uint32_t step)
{
	return run_mim_bulk(w->aot_h_dp, s, s->p_key, sink, step);
}

static __rte_noinline uint32_t
run_hot_h_bulk(const struct world *w, const struct stream *s, void **sink,
	       uint32_t step)
{
	return run_mim_bulk(w->hot_h_dp, s, s->p_key, sink, step);
}

static __rte_noinline uint32_t
run_aot_h_single(const struct world *w, const struct stream *s, void **sink,
		 uint32_t step)
{
	return run_mim_single(w->aot_h_dp, s, s->p_key, sink, step);
}

static __rte_noinline uint32_t
run_hot_h_single(const struct world *w, const struct stream *s, void **sink,
		 uint32_t step)
{
	return run_mim_single(w->hot_h_dp, s, s->p_key, sink, step);
}

static __rte_noinline uint32_t
run_aot_l_bulk(const struct world *w, const struct stream *s, void **sink,
	       uint32_t step)
{
	return run_mim_bulk(w->aot_l_dp, s, s->p_lpm, sink, step);
}

static __rte_noinline uint32_t
run_aot_l_single(const struct world *w, const struct stream *s, void **sink,
		 uint32_t step)
{
	return run_mim_single(w->aot_l_dp, s, s->p_lpm, sink, step);
}

/* Per-tenant rte_lpm, bulk per tenant (rte_lpm_lookup_bulk per group). */
static __rte_noinline uint32_t
run_tl_bulk(const struct world *w, const struct stream *s, void **sink,
	    uint32_t step)
{
	const struct rte_lpm *l[PERF_BURST];
	uint32_t gip[PERF_BURST], gnh[PERF_BURST];
	uint8_t gi[PERF_BURST];
	uint32_t j, i, hits = 0;

	for (j = 0; j < s->n; j += PERF_BURST, sink += step) {
		uint64_t todo = (UINT64_C(1) << PERF_BURST) - 1;

		for (i = 0; i < PERF_BURST; i++)
			l[i] = w->tl[s->tenant[j + i]];
		while (todo != 0) {
			const struct rte_lpm *g = l[__builtin_ctzll(todo)];
			uint64_t rest = todo;
			uint32_t n = 0, b;

			while (rest != 0) {
				b = (uint32_t)__builtin_ctzll(rest);
				rest &= rest - 1;
				if (l[b] == g) {
					gip[n] = s->ip[j + b];
					gi[n++] = (uint8_t)b;
					todo &= ~(UINT64_C(1) << b);
				}
			}
			rte_lpm_lookup_bulk(g, gip, gnh, n);
			for (i = 0; i < n; i++) {
				bool hit = gnh[i] & RTE_LPM_LOOKUP_SUCCESS;

				sink[gi[i]] = (void *)(uintptr_t)(hit ?
					(gnh[i] & 0x00ffffff) + 1 : 0);
				hits += hit;
			}
		}
	}
	return hits;
}

static __rte_noinline uint32_t
run_tl_single(const struct world *w, const struct stream *s, void **sink,
	      uint32_t step)
{
	uint32_t j, i, nh, hits = 0;

	for (j = 0; j < s->n; j += PERF_BURST, sink += step)
		for (i = 0; i < PERF_BURST; i++) {
			bool hit = rte_lpm_lookup(w->tl[s->tenant[j + i]],
						  s->ip[j + i], &nh) == 0;

			sink[i] = (void *)(uintptr_t)(hit ? nh + 1 : 0);
			hits += hit;
		}
	return hits;
}

const struct cfg perf_cfgs[C_MAX] = {
	[C_FLAT_BULK] = { "flat_bulk", "flat", run_flat_bulk, N_FLAT,
			  V_HASH, -1, -1, false },
	[C_FLAT_SINGLE] = { "flat_single", "flat", run_flat_single, N_FLAT,
			    V_HASH, C_FLAT_BULK, -1, false },
	[C_TH_BULK] = { "tenant_hash_bulk", "hash", run_th_bulk, N_TH,
			V_HASH, C_FLAT_BULK, -1, false },
	[C_TH_SINGLE] = { "tenant_hash_single", "hash", run_th_single, N_TH,
			  V_HASH, C_FLAT_SINGLE, -1, false },
	[C_AOT_H_BULK] = { "mim_aot_hash_bulk", "hash", run_aot_h_bulk, N_MH,
			   V_HASH, C_FLAT_BULK, C_TH_BULK, true },
	[C_HOT_H_BULK] = { "mim_hot_hash_bulk", "hash", run_hot_h_bulk, N_MH,
			   V_HASH, C_FLAT_BULK, C_TH_BULK, true },
	[C_AOT_H_SINGLE] = { "mim_aot_hash_single", "hash", run_aot_h_single,
			     N_MH, V_HASH, C_FLAT_SINGLE, C_TH_SINGLE, false },
	[C_HOT_H_SINGLE] = { "mim_hot_hash_single", "hash", run_hot_h_single,
			     N_MH, V_HASH, C_FLAT_SINGLE, C_TH_SINGLE, false },
	[C_TL_BULK] = { "tenant_lpm_bulk", "lpm", run_tl_bulk, N_TL,
			V_LPM_NH, C_FLAT_BULK, -1, false },
	[C_TL_SINGLE] = { "tenant_lpm_single", "lpm", run_tl_single, N_TL,
			  V_LPM_NH, C_FLAT_SINGLE, -1, false },
	[C_AOT_L_BULK] = { "mim_aot_lpm_bulk", "lpm", run_aot_l_bulk, N_ML,
			   V_LPM_SLOT, C_FLAT_BULK, C_TL_BULK, true },
	[C_AOT_L_SINGLE] = { "mim_aot_lpm_single", "lpm", run_aot_l_single,
			     N_ML, V_LPM_SLOT, C_FLAT_SINGLE, C_TL_SINGLE,
			     false },
	/* What-if, not mapinmap: see perf_proto.c. */
	[C_XT_NESTED] = { "whatif_xt_nested_bulk", "proto", perf_run_xt_nested,
			  N_XT, V_HASH, C_FLAT_BULK, C_XT_FLAT, false },
	[C_XT_FLAT] = { "whatif_xt_flat_bulk", "proto", perf_run_xt_flat,
			N_XT, V_HASH, C_FLAT_BULK, -1, false },
};

