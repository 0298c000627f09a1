/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Reclamation: the replacement of perf_update.c with a reader lcore
 * looking up the tenant's keys in bursts of 32 and reporting a quiescent
 * state after each burst; the control thread polls mim_reclaim() from the
 * return of the publish until it has released the old table. Reported in
 * microseconds and in reader bursts, to the moment the table became
 * reclaimable and to the moment its memory was free, with the part of the
 * releasing call spent under the library mutex and its deferred frees.
 */

#undef MIM_DATAPATH_DEBUG

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"
#include "perf_common.h"
#include "mim_private.h"

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

/*
 * Release what earlier steps retired (build_outer()'s template), so that
 * the polls after a publish wait for the replaced table alone: else the
 * first poll may release only the template and end the wait early.
 */
static int
drain(void)
{
	struct mim_rcu_stats rs;
	uint64_t t0 = rte_rdtsc();

	for (;;) {
		mim_reclaim();
		mim_rcu_get_stats(&rs);
		if (rs.pending == 0)
			return 0;
		if (rte_rdtsc() - t0 > 30 * perf.tsc_hz)
			return -1;
		rte_pause();
	}
}

/* The first deferred free of a poll: when the mutex part had ended. */
static uint64_t first_step_tsc;

static void
step_hook(size_t len)
{
	RTE_SET_USED(len);
	if (first_step_tsc == 0)
		first_step_tsc = rte_rdtsc_precise();
}

/* Per repetition, in TSC cycles, reader bursts and bytes. */
struct reclaim_times {
	uint64_t locked[PERF_MAX_REPS];  /* the releasing poll, mutex part */
	uint64_t steps[PERF_MAX_REPS];   /* its deferred frees */
	uint64_t step_max[PERF_MAX_REPS]; /* the largest, bytes */
	uint64_t pub[PERF_MAX_REPS];     /* the publish call */
	uint64_t grace[PERF_MAX_REPS];   /* return to the releasing poll */
	uint64_t total[PERF_MAX_REPS];   /* return to the memory free */
	uint64_t relc[PERF_MAX_REPS];    /* inside the releasing poll */
	uint64_t bgrace[PERF_MAX_REPS];  /* bursts: return to that poll */
	uint64_t btotal[PERF_MAX_REPS];  /* bursts: return to the free */
	uint64_t freed[PERF_MAX_REPS];   /* bytes released */
};

/* One replacement of the reader's tenant, measured into rep r of @t. */
static int
replace_once(struct reader *a, int outer, uint32_t r,
	     struct reclaim_times *t)
{
	uint64_t t0, t1, ts, te, b1, bs, be;
	struct mim_rcu_stats rs0, rs1;
	struct mim_free_stats f0;
	int id, n, ret = 0;

	id = build_inner(a->slot, r + 1, NULL);
	if (id < 0)
		return -1;
	if (drain() != 0) {
		printf("    earlier retirements still pending after 30 s\n");
		mim_close(id);
		return -1;
	}
	mim_rcu_get_stats(&rs0);
	mim_free_stats.max_step_bytes = 0;
	f0 = mim_free_stats;
	t0 = rte_rdtsc_precise();
	if (mim_update_elem(outer, &a->slot, &id, MIM_ANY) != 0) {
		printf("    publish: %s\n", mim_last_error());
		ret = -1;
	}
	t1 = rte_rdtsc_precise();
	b1 = bursts(a);
	do {
		first_step_tsc = 0;
		ts = rte_rdtsc_precise();
		bs = bursts(a);
		n = mim_reclaim();
		te = rte_rdtsc_precise();
	} while (n == 0 && ret == 0 &&
		 te - t0 < 30 * perf.tsc_hz);   /* a hang, not a speed */
	be = bursts(a);
	mim_rcu_get_stats(&rs1);
	mim_close(id);
	if (ret == 0 && (n < 1 || rs1.pending != 0)) {
		printf("    the old table was not released: mim_reclaim() returned %d, %u pending after %.0f us; the reader made %" PRIu64 " bursts meanwhile\n",
		       n, rs1.pending, perf_us(te - t1), be - b1);
		ret = -1;
	}
	/* From the return of the publish: the call itself is
	 * mim_aot_publish_live.
	 */
	t->pub[r] = t1 - t0;
	t->grace[r] = ts - t1;
	t->total[r] = te - t1;
	t->relc[r] = te - ts;
	t->bgrace[r] = bs - b1;
	t->btotal[r] = be - b1;
	t->freed[r] = rs1.released_bytes - rs0.released_bytes;
	t->locked[r] = (first_step_tsc != 0 ? first_step_tsc : te) - ts;
	t->steps[r] = mim_free_stats.steps - f0.steps;
	t->step_max[r] = mim_free_stats.max_step_bytes;
	return ret;
}

static void
emit_reclaim(const struct reader *a, const struct reclaim_times *t,
	     uint32_t reps)
{
	double burst_cyc = (double)a->cycles / (double)a->bursts;
	double bt = median_u(t->btotal, reps);

	emit_replace("reclaim", "mim_aot_publish_live",
		     median_us(t->pub, reps, 0.5), "us", PERF_PUBLISH_US_TARGET,
		     median_us(t->pub, reps, 0.5) <= PERF_PUBLISH_US ?
		     "met" : "MISSED",
		     "publish with the reader running; p90 %.2f us",
		     median_us(t->pub, reps, 0.9));
	emit_replace("reclaim", "reader_burst", burst_cyc, "cycles", "", "info",
		     "one reader burst: mim_lookup_nested_bulk of 32 keys + rte_rcu_qsbr_quiescent (%.2f us)",
		     perf_us((uint64_t)burst_cyc));
	emit_replace("reclaim", "reclaim_grace_us",
		     median_us(t->grace, reps, 0.5), "us", "", "info",
		     "return of the publish to the start of the mim_reclaim() that released the table; p90 %.1f us",
		     median_us(t->grace, reps, 0.9));
	emit_replace("reclaim", "reclaim_grace_bursts",
		     median_u(t->bgrace, reps), "bursts", "<=2 bursts",
		     median_u(t->bgrace, reps) <= 2 ? "met" : "MISSED",
		     "reader bursts completed from the return of the publish to the start of the successful mim_reclaim() poll (+1 at most: a burst in flight); max %.0f",
		     max_u(t->bgrace, reps));
	emit_replace("reclaim", "reclaim_release_us",
		     median_us(t->relc, reps, 0.5), "us", "", "info",
		     "time inside the mim_reclaim() call that freed the table (%.0f bytes released)",
		     median_u(t->freed, reps));
	emit_replace("reclaim", "reclaim_locked_us",
		     median_us(t->locked, reps, 0.5), "us", "", "info",
		     "of it, under the library mutex: the release, up to the first deferred free; p90 %.1f us",
		     median_us(t->locked, reps, 0.9));
	emit_replace("reclaim", "reclaim_free_steps", median_u(t->steps, reps),
		     "blocks", "", "info",
		     "blocks freed off the mutex by that call, one per step; the largest %.0f bytes",
		     max_u(t->step_max, reps));
	emit_replace("reclaim", "reclaim_free_us",
		     median_us(t->total, reps, 0.5), "us", "", "info",
		     "return of the publish to the old table's memory free; p90 %.1f us",
		     median_us(t->total, reps, 0.9));
	emit_replace("reclaim", "reclaim_free_bursts", bt, "bursts",
		     "<=2 bursts", bt <= 2 ? "met" : "MISSED",
		     "reader bursts from the return of the publish until the old table's memory was free (max %.0f)",
		     max_u(t->btotal, reps));
}

int
perf_reclaim(void)
{
	static struct reclaim_times times;
	uint32_t reps = RTE_MIN(perf.reps, (uint32_t)PERF_MAX_REPS), r, i;
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	struct reader a = { .slot = 0 };
	int outer, ret = 0;

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
		a.keys[i] = hkey(a.slot, i);
	outer = build_outer(MIM_TYPE_ARRAY_OF_TABLES);
	TEST_ASSERT(outer > 0, "outer: %s", mim_last_error());
	a.outer = mim_table(outer);
	mim_free_step_hook = step_hook;
	rte_eal_remote_launch(reader_main, &a, worker);
	while (bursts(&a) == 0)
		rte_pause();
	for (r = 0; r < reps && ret == 0; r++)
		ret = replace_once(&a, outer, r, &times);
	a.stop = true;
	rte_eal_wait_lcore(worker);
	mim_free_step_hook = NULL;
	mim_close(outer);
	free(a.keys);
	TEST_ASSERT_EQUAL(ret, 0, "rep %u", r - 1);
	TEST_ASSERT_EQUAL(a.misses, 0, "the reader found every key");
	emit_reclaim(&a, &times, reps);
	return TEST_SUCCESS;
}
