/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Replacement.
 *
 * Publish: a tenant's inner table of E entries (10^5 at full scale) is
 * replaced by a new one, built beforehand, with one mim_update_elem() on
 * the outer table; its time is what a tenant's readers wait for the new
 * contents. The old table loses its last reference in that call, so the
 * time includes its retirement to the defer queue (a QSBR variable is
 * attached, its reader offline: nothing is ever freed inside the call).
 * Against: rewriting the same tenant's E entries in place in one flat
 * rte_hash (rte_hash_add_key_data on existing keys: E atomic data-pointer
 * stores, no atomicity for the tenant as a whole), and the kernel's outer
 * update of a BPF_MAP_TYPE_HASH_OF_MAPS through libbpf.
 *
 * The builders, statistics and rows here serve perf_reclaim.c too.
 *
 * Breakdown: a separate run of the array of tables' publish, warm and cold,
 * with the library's step counters on (mim_prof, mim_private.h), gives the
 * "publish_step" rows: the median per step of the call.
 */

#undef MIM_DATAPATH_DEBUG

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"
#include "perf_common.h"
#include "mim_private.h"

/* A filled inner HASH table of E entries for tenant t, generation g. */
int
build_inner(uint32_t t, uint32_t g, uint64_t *cycles)
{
	uint64_t t0 = rte_rdtsc(), v;
	uint32_t i, k;
	int id;

	id = mim_create(MIM_TYPE_HASH, NULL, 4, 8, perf.replace_entries, NULL);
	if (id < 0)
		return id;
	for (i = 0; i < perf.replace_entries; i++) {
		k = hkey(t, i);
		v = ((uint64_t)g << 32) | i;
		if (mim_update_elem(id, &k, &v, MIM_NOEXIST) != 0) {
			printf("    filling: %s\n", mim_last_error());
			mim_close(id);
			return -1;
		}
	}
	if (cycles != NULL)
		*cycles = rte_rdtsc() - t0;
	return id;
}

/* An outer table whose every slot holds a filled table. */
int
build_outer(enum mim_type type)
{
	int tmpl, outer, id;
	uint32_t t;

	tmpl = mim_create(MIM_TYPE_HASH, NULL, 4, 8, perf.replace_entries,
			  NULL);
	if (tmpl < 0)
		return tmpl;
	outer = mim_create(type, NULL, 4, 4, perf.replace_tenants,
			   &(struct mim_create_opts){
				.sz = sizeof(struct mim_create_opts),
				.inner_id = (uint32_t)tmpl });
	mim_close(tmpl);
	if (outer < 0)
		return outer;
	for (t = 0; t < perf.replace_tenants; t++) {
		id = build_inner(t, 0, NULL);
		if (id < 0 || mim_update_elem(outer, &t, &id, MIM_ANY) != 0) {
			if (id > 0)
				mim_close(id);
			mim_close(outer);
			return -1;
		}
		mim_close(id);
	}
	return outer;
}

double
median_us(const uint64_t *cyc, uint32_t n, double q)
{
	double v[PERF_MAX_REPS];
	uint32_t i;

	for (i = 0; i < n; i++)
		v[i] = perf_us(cyc[i]);
	return perf_quantile(v, n, q);
}

double
max_u(const uint64_t *x, uint32_t n)
{
	uint64_t m = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		m = RTE_MAX(m, x[i]);
	return (double)m;
}

double
median_u(const uint64_t *x, uint32_t n)
{
	double v[PERF_MAX_REPS];
	uint32_t i;

	for (i = 0; i < n; i++)
		v[i] = (double)x[i];
	return perf_median(v, n);
}

/* Evict the caches: touch a buffer twice the size of a large L3. */
static void
sweep_caches(void)
{
	static volatile uint8_t *buf;
	const size_t len = 96U << 20;
	size_t i;

	if (buf == NULL)
		buf = calloc(1, len);
	if (buf == NULL)
		return;
	for (i = 0; i < len; i += 64)
		buf[i]++;
}

/* Cycles per step of each repetition's publish (mim_private.h). */
typedef uint64_t perf_steps[MIM_PROF_NB][PERF_MAX_REPS];

/*
 * Replace tenant `slot` reps times; times in pub[], builds in build[],
 * releases in rel[]. cold: evict the caches just before each publish.
 * steps: if not NULL, the library's breakdown of each publish, which its
 * time then includes (a separate run from the headline figures).
 */
static int
publish_loop(int outer, uint32_t slot, uint32_t reps, bool cold,
	     uint64_t *pub, uint64_t *build, uint64_t *rel, perf_steps *steps)
{
	uint32_t r, s;
	uint64_t t0, t1;
	int id, ret;

	for (r = 0; r < reps; r++) {
		id = build_inner(slot, r + 1, &build[r]);
		if (id < 0)
			return -1;
		if (cold)
			sweep_caches();
		memset(&mim_prof, 0, sizeof(mim_prof));
		mim_prof.on = steps != NULL;
		t0 = rte_rdtsc_precise();
		ret = mim_update_elem(outer, &slot, &id, MIM_ANY);
		t1 = rte_rdtsc_precise();
		mim_prof.on = false;
		if (ret != 0) {
			printf("    publish: %s\n", mim_last_error());
			mim_close(id);
			return -1;
		}
		for (s = 0; steps != NULL && s < MIM_PROF_NB; s++)
			(*steps)[s][r] = mim_prof.cyc[s];
		pub[r] = t1 - t0;
		mim_close(id);   /* the slot holds it now */
		t0 = rte_rdtsc();
		if (mim_reclaim() < 1) {
			printf("    the replaced table was not released\n");
			return -1;
		}
		rel[r] = rte_rdtsc() - t0;
	}
	return 0;
}

/* Rewrite one tenant's entries in a flat (tenant, key) rte_hash. */
static int
flat_rewrite(uint32_t reps, uint64_t *cyc)
{
	char name[RTE_HASH_NAMESIZE];
	const uint32_t e = perf.replace_entries, nt = perf.replace_tenants;
	struct rte_hash_parameters p = {
		.name = name,
		.entries = RTE_MAX(e * nt + e * nt / 4, 8U),
		.key_len = sizeof(struct flat_key),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	uint64_t *vals = malloc(2 * (size_t)e * sizeof(uint64_t)), t0;
	struct rte_hash *h;
	struct flat_key k;
	uint32_t r, t, i;
	int ret = 0;

	snprintf(name, sizeof(name), "prw%" PRIx64, rte_rdtsc());
	h = rte_hash_create(&p);
	if (h == NULL || vals == NULL) {
		free(vals);
		rte_hash_free(h);
		return -1;
	}
	for (t = 0; t < nt && ret == 0; t++)
		for (i = 0; i < e && ret == 0; i++) {
			k.tenant = t;
			k.key = hkey(t, i);
			ret = rte_hash_add_key_data(h, &k, &vals[i]);
		}
	k.tenant = 0;
	for (r = 0; r < reps && ret == 0; r++) {
		uint64_t *gen = &vals[(size_t)(r % 2) * e];

		t0 = rte_rdtsc_precise();
		for (i = 0; i < e && ret == 0; i++) {
			k.key = hkey(0, i);
			ret = rte_hash_add_key_data(h, &k, &gen[i]);
		}
		cyc[r] = rte_rdtsc_precise() - t0;
	}
	rte_hash_free(h);
	free(vals);
	return ret;
}

/*
 * The kernel's outer update, BPF_MAP_TYPE_HASH_OF_MAPS: replace the map in
 * one slot with another of E entries. Returns 1 if bpf() is refused.
 */
static int
kernel_update(uint32_t reps, uint64_t *cyc, char *why, size_t len)
{
	const uint32_t e = perf.replace_entries;
	int tmpl = -1, outer = -1, in[2] = { -1, -1 }, ret = -1, i;
	uint32_t *keys = malloc(e * sizeof(uint32_t)), slot = 0, r, n;
	uint64_t *vals = malloc(e * sizeof(uint64_t)), t0;
	LIBBPF_OPTS(bpf_map_create_opts, o);

	if (keys == NULL || vals == NULL)
		goto out;
	for (r = 0; r < e; r++) {
		keys[r] = hkey(0, r);
		vals[r] = r;
	}
	tmpl = bpf_map_create(BPF_MAP_TYPE_HASH, "mimperf_t", 4, 8, e, NULL);
	if (tmpl < 0) {
		snprintf(why, len, "bpf(BPF_MAP_CREATE) refused: %s",
			 strerror(-tmpl));
		ret = 1;
		goto out;
	}
	o.inner_map_fd = tmpl;
	outer = bpf_map_create(BPF_MAP_TYPE_HASH_OF_MAPS, "mimperf_o", 4, 4,
			       perf.replace_tenants, &o);
	if (outer < 0) {
		snprintf(why, len, "HASH_OF_MAPS refused: %s",
			 strerror(-outer));
		ret = 1;
		goto out;
	}
	for (i = 0; i < 2; i++) {
		in[i] = bpf_map_create(BPF_MAP_TYPE_HASH, "mimperf_i", 4, 8, e,
				       NULL);
		if (in[i] < 0) {
			snprintf(why, len, "inner map: %s", strerror(-in[i]));
			goto out;
		}
		n = e;
		if (bpf_map_update_batch(in[i], keys, vals, &n, NULL) != 0)
			for (r = 0; r < e; r++)
				if (bpf_map_update_elem(in[i], &keys[r],
							&vals[r], BPF_ANY) != 0) {
					snprintf(why, len, "filling: %s",
						 strerror(errno));
					goto out;
				}
	}
	if (bpf_map_update_elem(outer, &slot, &in[0], BPF_ANY) != 0) {
		snprintf(why, len, "first outer update: %s", strerror(errno));
		goto out;
	}
	for (r = 0; r < reps; r++) {
		t0 = rte_rdtsc_precise();
		if (bpf_map_update_elem(outer, &slot, &in[(r + 1) % 2],
					BPF_ANY) != 0) {
			snprintf(why, len, "outer update: %s", strerror(errno));
			goto out;
		}
		cyc[r] = rte_rdtsc_precise() - t0;
	}
	ret = 0;
out:
	for (i = 0; i < 2; i++)
		if (in[i] >= 0)
			close(in[i]);
	if (outer >= 0)
		close(outer);
	if (tmpl >= 0)
		close(tmpl);
	free(keys);
	free(vals);
	return ret;
}

void
emit_replace(const char *figure, const char *variant, double value,
	     const char *unit, const char *target, const char *verdict,
	     const char *fmt, ...)
{
	struct perf_row r;
	va_list ap;

	perf_row_init(&r, figure);
	r.inner = "hash";
	r.entries = perf.replace_entries;
	r.tenants = perf.replace_tenants;
	r.variant = variant;
	r.value = value;
	r.unit = unit;
	r.target = target;
	r.verdict = verdict;
	va_start(ap, fmt);
	vsnprintf(r.note, sizeof(r.note), fmt, ap);
	va_end(ap);
	perf_emit(&r);
}

static const char *const step_names[MIM_PROF_NB] = {
	[MIM_PROF_LOCK] = "lock",
	[MIM_PROF_RECLAIM] = "reclaim",
	[MIM_PROF_FIND] = "find",
	[MIM_PROF_RESOLVE] = "resolve",
	[MIM_PROF_RESERVE] = "reserve",
	[MIM_PROF_PUT] = "put",
	[MIM_PROF_RETIRE] = "retire",
	[MIM_PROF_UNLOCK] = "unlock",
	[MIM_PROF_CALL] = "call",
};

static const char *const step_notes[MIM_PROF_NB] = {
	[MIM_PROF_LOCK] = "mim_lock()",
	[MIM_PROF_RECLAIM] = "mim_rcu_maybe_reclaim() at the start of the call",
	[MIM_PROF_FIND] = "the outer table's ID to its object",
	[MIM_PROF_RESOLVE] = "the inner table's ID, its template check",
	[MIM_PROF_RESERVE] = "room for the retirement in the defer queue",
	[MIM_PROF_PUT] = "the old table's last reference: its ID removed",
	[MIM_PROF_RETIRE] = "the retirement: bytes counted, defer-queue entry",
	[MIM_PROF_UNLOCK] = "mim_unlock()",
	[MIM_PROF_CALL] = "the whole call, timed by the library",
};

/*
 * The breakdown of an array of tables' publish, warm and cold, as rows:
 * medians per step (the medians need not add up to the call's), and the
 * call's median minus the steps' (the type's own work: slot, store).
 */
static int
publish_breakdown(uint32_t reps)
{
	static uint64_t pub[PERF_MAX_REPS], build[PERF_MAX_REPS],
		rel[PERF_MAX_REPS];
	static perf_steps steps;
	static const char *const mode[2] = { "warm", "cold" };
	char variant[64];
	uint32_t c, s, r;
	uint64_t rest[PERF_MAX_REPS];
	int outer = build_outer(MIM_TYPE_ARRAY_OF_TABLES);

	TEST_ASSERT(outer > 0, "outer table: %s", mim_last_error());
	for (c = 0; c < 2; c++) {
		if (publish_loop(outer, perf.replace_tenants - 1, reps, c == 1,
				 pub, build, rel, &steps) != 0) {
			mim_close(outer);
			return TEST_FAILED;
		}
		for (r = 0; r < reps; r++) {
			rest[r] = steps[MIM_PROF_CALL][r];
			for (s = 0; s < MIM_PROF_CALL; s++)
				rest[r] -= RTE_MIN(rest[r], steps[s][r]);
		}
		for (s = 0; s < MIM_PROF_NB; s++) {
			snprintf(variant, sizeof(variant),
				 "mim_aot_publish_%s_%s", mode[c],
				 step_names[s]);
			emit_replace("publish_step", variant,
				     median_us(steps[s], reps, 0.5), "us", "",
				     "info", "%s; p90 %.2f us", step_notes[s],
				     median_us(steps[s], reps, 0.9));
		}
		snprintf(variant, sizeof(variant), "mim_aot_publish_%s_other",
			 mode[c]);
		emit_replace("publish_step", variant, median_us(rest, reps, 0.5),
			     "us", "", "info",
			     "the call less the steps above: argument checks, the slot, the release store; p90 %.2f us",
			     median_us(rest, reps, 0.9));
	}
	mim_close(outer);
	mim_reclaim();
	return TEST_SUCCESS;
}

int
perf_publish(void)
{
	static uint64_t pub[2][PERF_MAX_REPS], build[PERF_MAX_REPS],
		rel[PERF_MAX_REPS], flat[PERF_MAX_REPS], kern[PERF_MAX_REPS],
		cold[PERF_MAX_REPS];
	static const char *const names[2] = { "mim_aot_publish",
					      "mim_hot_publish" };
	const enum mim_type types[2] = { MIM_TYPE_ARRAY_OF_TABLES,
					 MIM_TYPE_HASH_OF_TABLES };
	uint32_t reps = RTE_MIN(perf.reps, (uint32_t)PERF_MAX_REPS), k;
	struct rte_rcu_qsbr *v = autotest_qsbr(1);
	double med[2], fl, kn = NAN;
	char why[160] = "";
	int outer, kret;

	TEST_ASSERT(v != NULL, "QSBR variable");
	/* Registered, offline: retirements are deferred, never waited for. */
	rte_rcu_qsbr_thread_register(v, 0);
	for (k = 0; k < 2; k++) {
		outer = build_outer(types[k]);
		TEST_ASSERT(outer > 0, "outer table: %s", mim_last_error());
		if (publish_loop(outer, perf.replace_tenants - 1, reps, false,
				 pub[k], build, rel, NULL) != 0 ||
		    (k == 0 && publish_loop(outer, perf.replace_tenants - 1,
					    reps, true, cold, build,
					    rel, NULL) != 0)) {
			mim_close(outer);
			return TEST_FAILED;
		}
		mim_close(outer);
		mim_reclaim();
		med[k] = median_us(pub[k], reps, 0.5);
		emit_replace("publish", names[k], med[k], "us",
		     PERF_PUBLISH_US_TARGET,
		     med[k] <= PERF_PUBLISH_US ? "met" : "MISSED",
		     "p90 %.2f us; max %.2f us; %u reps; reader registered and offline",
		     median_us(pub[k], reps, 0.9), median_us(pub[k], reps, 1),
		     reps);
	}
	emit_replace("publish", "mim_aot_publish_cold", median_us(cold, reps, 0.5), "us",
	     PERF_PUBLISH_COLD_US_TARGET,
	     median_us(cold, reps, 0.5) <= PERF_PUBLISH_COLD_US ? "met" : "MISSED",
	     "the same right after a 96 MiB cache sweep (worst case: control-plane state in DRAM); p90 %.2f us",
	     median_us(cold, reps, 0.9));
	emit_replace("publish", "mim_build_inner", median_us(build, reps, 0.5), "us",
	     "", "info",
	     "filling the new inner table: %u mim_update_elem (not in the publish time)",
	     perf.replace_entries);
	emit_replace("publish", "mim_release_old", median_us(rel, reps, 0.5), "us", "",
	     "info", "mim_reclaim() freeing the replaced table once readers let go");
	TEST_ASSERT(publish_breakdown(reps) == TEST_SUCCESS,
		    "publish breakdown");

	TEST_ASSERT(flat_rewrite(reps, flat) == 0, "flat rte_hash rewrite");
	fl = median_us(flat, reps, 0.5);
	emit_replace("publish", "flat_rewrite", fl, "us", "", "info",
	     "%u rte_hash_add_key_data overwrites in one flat (tenant;key) rte_hash of %u entries; not atomic per tenant",
	     perf.replace_entries,
	     perf.replace_entries * perf.replace_tenants);
	emit_replace("publish", "mim_publish_vs_flat_rewrite", med[0] / fl, "x", "",
	     "info", "mim_aot_publish / flat_rewrite");
	emit_replace("publish", "mim_build_publish_vs_flat_rewrite",
	     (median_us(build, reps, 0.5) + med[0]) / fl, "x", "", "info",
	     "(mim_build_inner + mim_aot_publish) / flat_rewrite: the whole control-plane cost of a tenant rewrite");

	kret = kernel_update(reps, kern, why, sizeof(why));
	if (kret == 1) {
		printf("    kernel comparison skipped: %s\n", why);
		perf_not_run("publish", "hash", perf.replace_entries,
			     perf.replace_tenants, "kernel_hom_update", why);
		perf_not_run("publish", "hash", perf.replace_entries,
			     perf.replace_tenants, "kernel_vs_mim_publish", why);
		return TEST_SUCCESS;
	}
	TEST_ASSERT(kret == 0, "kernel update: %s", why);
	kn = median_us(kern, reps, 0.5);
	emit_replace("publish", "kernel_hom_update", kn, "us", "", "info",
	     "bpf_map_update_elem on a HASH_OF_MAPS (synchronize_rcu inside); p90 %.0f us",
	     median_us(kern, reps, 0.9));
	for (k = 0; k < 2; k++)
		emit_replace("publish", k == 0 ? "kernel_vs_mim_aot_publish" :
		     "kernel_vs_mim_hot_publish", kn / med[k], "x", ">=1000x",
		     kn / med[k] >= 1000 ? "met" : "MISSED",
		     "kernel_hom_update / %s (medians)", names[k]);
	return TEST_SUCCESS;
}
