/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Replacement and reclamation.
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
 * Reclamation: the same replacement with a reader lcore looking up the
 * tenant's keys in bursts of 32 and reporting a quiescent state after each
 * burst; the control thread polls mim_reclaim() from publish until it has
 * released the old table. Reported in microseconds and in reader bursts.
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

#define MAX_REPS 256

static inline uint32_t
rkey(uint32_t t, uint32_t i)
{
	return perf_mix32(i + t * 0x9e3779b9U);
}

/* A filled inner HASH table of E entries for tenant t, generation g. */
static int
build_inner(uint32_t t, uint32_t g, uint64_t *cycles)
{
	uint64_t t0 = rte_rdtsc(), v;
	uint32_t i, k;
	int id;

	id = mim_create(MIM_TYPE_HASH, NULL, 4, 8, perf.replace_entries, NULL);
	if (id < 0)
		return id;
	for (i = 0; i < perf.replace_entries; i++) {
		k = rkey(t, i);
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
static int
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

static double
median_us(const uint64_t *cyc, uint32_t n, double q)
{
	double v[MAX_REPS];
	uint32_t i;

	for (i = 0; i < n; i++)
		v[i] = perf_us(cyc[i]);
	return perf_quantile(v, n, q);
}

static double
max_u(const uint64_t *x, uint32_t n)
{
	uint64_t m = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		m = RTE_MAX(m, x[i]);
	return (double)m;
}

static double
median_u(const uint64_t *x, uint32_t n)
{
	double v[MAX_REPS];
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

/*
 * Replace tenant `slot` reps times; times in pub[], builds in build[],
 * releases in rel[]. cold: evict the caches just before each publish.
 */
static int
publish_loop(int outer, uint32_t slot, uint32_t reps, bool cold,
	     uint64_t *pub, uint64_t *build, uint64_t *rel)
{
	uint32_t r;
	uint64_t t0, t1;
	int id;

	for (r = 0; r < reps; r++) {
		id = build_inner(slot, r + 1, &build[r]);
		if (id < 0)
			return -1;
		if (cold)
			sweep_caches();
		t0 = rte_rdtsc_precise();
		if (mim_update_elem(outer, &slot, &id, MIM_ANY) != 0) {
			printf("    publish: %s\n", mim_last_error());
			mim_close(id);
			return -1;
		}
		t1 = rte_rdtsc_precise();
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
			k.key = rkey(t, i);
			ret = rte_hash_add_key_data(h, &k, &vals[i]);
		}
	k.tenant = 0;
	for (r = 0; r < reps && ret == 0; r++) {
		uint64_t *gen = &vals[(size_t)(r % 2) * e];

		t0 = rte_rdtsc_precise();
		for (i = 0; i < e && ret == 0; i++) {
			k.key = rkey(0, i);
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
		keys[r] = rkey(0, r);
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

static void
emit(const char *figure, const char *variant, double value, const char *unit,
     const char *target, const char *verdict, const char *fmt, ...)
	__rte_format_printf(7, 8);

static void
emit(const char *figure, const char *variant, double value, const char *unit,
     const char *target, const char *verdict, const char *fmt, ...)
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

int
perf_publish(void)
{
	static uint64_t pub[2][MAX_REPS], build[MAX_REPS], rel[MAX_REPS],
		flat[MAX_REPS], kern[MAX_REPS], cold[MAX_REPS];
	static const char *const names[2] = { "mim_aot_publish",
					      "mim_hot_publish" };
	const enum mim_type types[2] = { MIM_TYPE_ARRAY_OF_TABLES,
					 MIM_TYPE_HASH_OF_TABLES };
	uint32_t reps = RTE_MIN(perf.reps, (uint32_t)MAX_REPS), k;
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
				 pub[k], build, rel) != 0 ||
		    (k == 0 && publish_loop(outer, perf.replace_tenants - 1,
					    reps, true, cold, build,
					    rel) != 0)) {
			mim_close(outer);
			return TEST_FAILED;
		}
		mim_close(outer);
		mim_reclaim();
		med[k] = median_us(pub[k], reps, 0.5);
		emit("publish", names[k], med[k], "us", "<=10 us",
		     med[k] <= 10 ? "met" : "MISSED",
		     "p90 %.2f us; max %.2f us; %u reps; reader registered and offline",
		     median_us(pub[k], reps, 0.9), median_us(pub[k], reps, 1),
		     reps);
	}
	emit("publish", "mim_aot_publish_cold", median_us(cold, reps, 0.5), "us",
	     "<=10 us", median_us(cold, reps, 0.5) <= 10 ? "met" : "MISSED",
	     "the same right after a 96 MiB cache sweep (worst case: control-plane state in DRAM); p90 %.2f us",
	     median_us(cold, reps, 0.9));
	emit("publish", "mim_build_inner", median_us(build, reps, 0.5), "us",
	     "", "info",
	     "filling the new inner table: %u mim_update_elem (not in the publish time)",
	     perf.replace_entries);
	emit("publish", "mim_release_old", median_us(rel, reps, 0.5), "us", "",
	     "info", "mim_reclaim() freeing the replaced table once readers let go");

	TEST_ASSERT(flat_rewrite(reps, flat) == 0, "flat rte_hash rewrite");
	fl = median_us(flat, reps, 0.5);
	emit("publish", "flat_rewrite", fl, "us", "", "info",
	     "%u rte_hash_add_key_data overwrites in one flat (tenant;key) rte_hash of %u entries; not atomic per tenant",
	     perf.replace_entries,
	     perf.replace_entries * perf.replace_tenants);
	emit("publish", "mim_publish_vs_flat_rewrite", med[0] / fl, "x", "",
	     "info", "mim_aot_publish / flat_rewrite");
	emit("publish", "mim_build_publish_vs_flat_rewrite",
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
	emit("publish", "kernel_hom_update", kn, "us", "", "info",
	     "bpf_map_update_elem on a HASH_OF_MAPS (synchronize_rcu inside); p90 %.0f us",
	     median_us(kern, reps, 0.9));
	for (k = 0; k < 2; k++)
		emit("publish", k == 0 ? "kernel_vs_mim_aot_publish" :
		     "kernel_vs_mim_hot_publish", kn / med[k], "x", ">=1000x",
		     kn / med[k] >= 1000 ? "met" : "MISSED",
		     "kernel_hom_update / %s (medians)", names[k]);
	return TEST_SUCCESS;
}

/* ---- reclamation ------------------------------------------------------- */


struct reader {
	struct rte_rcu_qsbr *v;
	const struct mim_table *outer;
	uint32_t slot;
	uint32_t *keys;            /* the tenant's keys */
	volatile bool stop;
	uint64_t bursts;           /* read by the control thread */
	uint64_t misses;
	uint64_t cycles;
};

static int
reader_main(void *p)
{
	struct reader *a = p;
	const void *ok[PERF_BURST], *ik[PERF_BURST];
	void *vals[PERF_BURST];
	uint32_t i, pos = 0, n = perf.replace_entries;
	uint64_t t0, b = 0;

	for (i = 0; i < PERF_BURST; i++)
		ok[i] = &a->slot;
	rte_rcu_qsbr_thread_register(a->v, 0);
	rte_rcu_qsbr_thread_online(a->v, 0);
	t0 = rte_rdtsc();
	while (!a->stop) {
		for (i = 0; i < PERF_BURST; i++)
			ik[i] = &a->keys[(pos + i * 4099) % n];
		pos = (pos + 1) % n;
		a->misses += PERF_BURST -
			mim_lookup_nested_bulk(a->outer, ok, ik, PERF_BURST,
					       vals, NULL);
		rte_rcu_qsbr_quiescent(a->v, 0);
		/* Release: the count is published after the report. */
		__atomic_store_n(&a->bursts, ++b, __ATOMIC_RELEASE);
	}
	a->cycles = rte_rdtsc() - t0;
	rte_rcu_qsbr_thread_offline(a->v, 0);
	rte_rcu_qsbr_thread_unregister(a->v, 0);
	return 0;
}

static uint64_t
bursts(const struct reader *a)
{
	return __atomic_load_n(&a->bursts, __ATOMIC_ACQUIRE);
}

int
perf_reclaim(void)
{
	static uint64_t pub[MAX_REPS], grace[MAX_REPS], total[MAX_REPS],
		relc[MAX_REPS], bgrace[MAX_REPS], btotal[MAX_REPS],
		freed[MAX_REPS];
	uint32_t reps = RTE_MIN(perf.reps, (uint32_t)MAX_REPS), r, i;
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	struct reader a = { .slot = 0 };
	struct mim_rcu_stats rs0, rs1;
	double bt, burst_cyc;
	int outer, id, ret = TEST_SUCCESS;

	if (worker >= RTE_MAX_LCORE) {
		printf("    needs a worker lcore (-l 0-1)\n");
		perf_not_run("reclaim", "hash", perf.replace_entries, 1,
			     "reclaim_free_bursts", "no worker lcore for the reader");
		return TEST_SKIPPED;
	}
	a.v = autotest_qsbr(1);
	TEST_ASSERT(a.v != NULL, "QSBR variable");
	a.keys = malloc(perf.replace_entries * sizeof(uint32_t));
	TEST_ASSERT(a.keys != NULL, "");
	for (i = 0; i < perf.replace_entries; i++)
		a.keys[i] = rkey(a.slot, i);
	outer = build_outer(MIM_TYPE_ARRAY_OF_TABLES);
	TEST_ASSERT(outer > 0, "outer: %s", mim_last_error());
	a.outer = mim_table(outer);
	rte_eal_remote_launch(reader_main, &a, worker);
	while (bursts(&a) == 0)
		rte_pause();

	for (r = 0; r < reps && ret == TEST_SUCCESS; r++) {
		uint64_t t0, t1, ts, te, b1, bs, be;
		int n;

		id = build_inner(a.slot, r + 1, NULL);
		if (id < 0) {
			ret = TEST_FAILED;
			break;
		}
		mim_rcu_get_stats(&rs0);
		t0 = rte_rdtsc_precise();
		if (mim_update_elem(outer, &a.slot, &id, MIM_ANY) != 0) {
			printf("    publish: %s\n", mim_last_error());
			ret = TEST_FAILED;
		}
		t1 = rte_rdtsc_precise();
		b1 = bursts(&a);
		do {
			ts = rte_rdtsc_precise();
			bs = bursts(&a);
			n = mim_reclaim();
			te = rte_rdtsc_precise();
		} while (n == 0 && ret == TEST_SUCCESS &&
			 te - t0 < 30 * perf.tsc_hz);   /* a hang, not a speed */
		be = bursts(&a);
		mim_rcu_get_stats(&rs1);
		mim_close(id);
		if (n < 1 || rs1.pending != 0) {
			printf("    the old table was not released within 30 s (%u pending): the reader hangs\n",
			       rs1.pending);
			ret = TEST_FAILED;
			break;
		}
		/* From the return of the publish: the call itself is
		 * mim_aot_publish_live.
		 */
		pub[r] = t1 - t0;
		grace[r] = ts - t1;
		total[r] = te - t1;
		relc[r] = te - ts;
		bgrace[r] = bs - b1;
		btotal[r] = be - b1;
		freed[r] = rs1.released_bytes - rs0.released_bytes;
	}
	a.stop = true;
	rte_eal_wait_lcore(worker);
	mim_close(outer);
	free(a.keys);
	TEST_ASSERT_EQUAL(ret, TEST_SUCCESS, "rep %u", r);
	TEST_ASSERT_EQUAL(a.misses, 0, "the reader found every key");

	burst_cyc = (double)a.cycles / (double)a.bursts;
	emit("reclaim", "mim_aot_publish_live", median_us(pub, reps, 0.5), "us",
	     "<=10 us", median_us(pub, reps, 0.5) <= 10 ? "met" : "MISSED",
	     "publish with the reader running; p90 %.2f us",
	     median_us(pub, reps, 0.9));
	emit("reclaim", "reader_burst", burst_cyc, "cycles", "", "info",
	     "one reader burst: mim_lookup_nested_bulk of 32 keys + rte_rcu_qsbr_quiescent (%.2f us)",
	     perf_us((uint64_t)burst_cyc));
	emit("reclaim", "reclaim_grace_us", median_us(grace, reps, 0.5), "us",
	     "", "info",
	     "return of the publish to the start of the mim_reclaim() that released the table; p90 %.1f us",
	     median_us(grace, reps, 0.9));
	emit("reclaim", "reclaim_grace_bursts", median_u(bgrace, reps),
	     "bursts", "<=2 bursts",
	     median_u(bgrace, reps) <= 2 ? "met" : "MISSED",
	     "reader bursts completed from the return of the publish to the start of the successful mim_reclaim() poll (+1 at most: a burst in flight); max %.0f",
	     max_u(bgrace, reps));
	emit("reclaim", "reclaim_release_us", median_us(relc, reps, 0.5), "us",
	     "", "info",
	     "time inside the mim_reclaim() call that freed the table (%.0f bytes released)",
	     median_u(freed, reps));
	emit("reclaim", "reclaim_free_us", median_us(total, reps, 0.5), "us",
	     "", "info", "return of the publish to the old table's memory free; p90 %.1f us",
	     median_us(total, reps, 0.9));
	bt = median_u(btotal, reps);
	emit("reclaim", "reclaim_free_bursts", bt, "bursts", "<=2 bursts",
	     bt <= 2 ? "met" : "MISSED",
	     "reader bursts from the return of the publish until the old table's memory was free (max %.0f)",
	     max_u(btotal, reps));
	return TEST_SUCCESS;
}
