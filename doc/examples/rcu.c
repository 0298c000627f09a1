/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Deferred release with rte_rcu_qsbr (guide: rcu.rst): a reader lcore and
 * its loop; a replacement held back by a reader that has not reported a
 * quiescent state, and released after it did; a bounded defer queue
 * (-EBUSY); two QSBR variables; the synchronous mode.
 *
 *   doc-rcu --no-huge --no-pci -m 512 --no-shconf -l 0-1
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "check.h"

#define STUCK 100   /* a QSBR thread id this program reports for itself */

static struct rte_rcu_qsbr *
qsbr_new(void)
{
	/* [qsbr init] */
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE + 1);
	struct rte_rcu_qsbr *v = rte_zmalloc("qsbr", sz, RTE_CACHE_LINE_SIZE);

	ASSERT(v != NULL);
	CHECK(rte_rcu_qsbr_init(v, RTE_MAX_LCORE + 1));
	/* [qsbr init end] */
	return v;
}

static struct mim_rcu_stats
rstats(void)
{
	struct mim_rcu_stats s;

	CHECK(mim_rcu_get_stats(&s));
	return s;
}

/* A tenant table for slot 0 of outer; returns its ID. */
static mim_id_t
put_new(mim_id_t outer)
{
	mim_id_t id = CHECK(mim_create(MIM_TYPE_HASH, NULL, 4, 4, 64, NULL));
	uint32_t slot = 0;

	CHECK(mim_update_elem_sz(outer, &slot, sizeof(slot), &id, sizeof(id),
				 MIM_ANY));
	CHECK(mim_close(id));
	return id;
}

struct reader {
	struct rte_rcu_qsbr *v;
	const struct mim_table *outer;
	volatile bool stop;
	uint64_t hits;
};

/* [reader] */
static int
reader_main(void *arg)
{
	struct reader *r = arg;
	unsigned int tid = rte_lcore_id();   /* QSBR thread id: our choice */
	uint32_t tenant = 0, key = 1;

	rte_rcu_qsbr_thread_register(r->v, tid);
	rte_rcu_qsbr_thread_online(r->v, tid);
	while (!r->stop) {
		const struct mim_table *inner = mim_lookup(r->outer, &tenant);

		if (inner != NULL && mim_lookup(inner, &key) != NULL)
			r->hits++;
		/* Between bursts, holding no table or value pointer. */
		rte_rcu_qsbr_quiescent(r->v, tid);
	}
	/* Before anything that blocks, and before the thread ends. */
	rte_rcu_qsbr_thread_offline(r->v, tid);
	rte_rcu_qsbr_thread_unregister(r->v, tid);
	return 0;
}
/* [reader end] */

/* A reader lcore runs while tables are replaced under it. */
static void
live_reader(struct rte_rcu_qsbr *v, mim_id_t outer)
{
	struct reader r = { .v = v, .outer = mim_table(outer) };
	unsigned int lcore = rte_get_next_lcore(-1, 1, 0);
	int i;

	ASSERT(lcore < RTE_MAX_LCORE);
	rte_eal_remote_launch(reader_main, &r, lcore);
	for (i = 0; i < 100; i++) {
		put_new(outer);
		mim_reclaim();
	}
	r.stop = true;
	rte_eal_wait_lcore(lcore);
	while (rstats().pending != 0)
		mim_reclaim();
}

static void
held_back(struct rte_rcu_qsbr *v, mim_id_t outer)
{
	/* [held back] */
	/* A reader that is online and has not reported yet... */
	rte_rcu_qsbr_thread_register(v, STUCK);
	rte_rcu_qsbr_thread_online(v, STUCK);
	uint64_t released = rstats().nb_released;

	put_new(outer);                 /* replaces slot 0's table */
	ASSERT(rstats().pending == 1);
	ASSERT(mim_reclaim() == 0);     /* ...holds the old one back, */

	rte_rcu_qsbr_quiescent(v, STUCK);
	ASSERT(mim_reclaim() == 1);     /* until it reports. */
	ASSERT(rstats().nb_released == released + 1);
	/* [held back end] */
}

static void
bounded(struct rte_rcu_qsbr *v, mim_id_t outer)
{
	int i;

	/* [dq max] */
	/* rte_rcu_qsbr_dq_create() makes a ring of dq_size + 1 entries
	 * rounded up to a power of two, and an rte_ring has at most 2^30.
	 */
	MIM_OPTS(mim_rcu_opts, big, .dq_size = MIM_RCU_DQ_SIZE_MAX + 1);
	EXPECT(mim_rcu_configure(&big), -EINVAL,
	       "dq_size %u above %u: rte_rcu_qsbr_dq_create() rounds dq_size + 1 up to a power of two, and an rte_ring holds at most 2^30 entries",
	       MIM_RCU_DQ_SIZE_MAX + 1, MIM_RCU_DQ_SIZE_MAX);
	/* [dq max end] */

	/* [bounded] */
	/* Sizes are chosen before the first variable is attached. */
	MIM_OPTS(mim_rcu_opts, ro, .dq_size = 4, .reclaim_thd = 2,
		 .reclaim_max = 2);
	CHECK(mim_rcu_configure(&ro));
	CHECK(mim_rcu_qsbr_add(v));

	for (i = 0; i < 4; i++)         /* the stuck reader holds all 4 */
		put_new(outer);
	mim_id_t id = CHECK(mim_create(MIM_TYPE_HASH, NULL, 4, 4, 64, NULL));
	uint32_t slot = 0;

	EXPECT(mim_update_elem_sz(outer, &slot, sizeof(slot), &id, sizeof(id),
				  MIM_ANY), -EBUSY,
	       "4 releases are waiting for readers and the defer queue (dq_size 4) is full: a reader has not reported a quiescent state");
	ASSERT(rstats().nb_busy == 1);  /* and nothing changed */

	rte_rcu_qsbr_quiescent(v, STUCK);
	CHECK(mim_update_elem_sz(outer, &slot, sizeof(slot), &id, sizeof(id),
				 MIM_ANY));  /* reclaims */
	/* [bounded end] */
	CHECK(mim_close(id));
}

static void
two_vars(struct rte_rcu_qsbr *v, struct rte_rcu_qsbr *svc, mim_id_t outer)
{
	rte_rcu_qsbr_quiescent(v, STUCK);
	mim_reclaim();
	ASSERT(rstats().pending == 0);

	/* [two vars] */
	/* Service threads report to a variable of their own. */
	CHECK(mim_rcu_qsbr_add(svc));
	rte_rcu_qsbr_thread_register(svc, STUCK);
	rte_rcu_qsbr_thread_online(svc, STUCK);

	put_new(outer);
	rte_rcu_qsbr_quiescent(v, STUCK);  /* the lcores have let go... */
	ASSERT(mim_reclaim() == 0);        /* ...the service threads not, */
	rte_rcu_qsbr_quiescent(svc, STUCK);
	ASSERT(mim_reclaim() == 1);        /* now both have. */
	/* [two vars end] */
	rte_rcu_qsbr_thread_offline(svc, STUCK);
	rte_rcu_qsbr_thread_unregister(svc, STUCK);
	CHECK(mim_rcu_qsbr_remove(svc));
}

static void
sync_mode(struct rte_rcu_qsbr *v, mim_id_t outer)
{
	/* [sync] */
	/* Each call that retires something waits for a grace period. */
	MIM_OPTS(mim_rcu_opts, ro, .mode = MIM_RCU_MODE_SYNC);
	CHECK(mim_rcu_configure(&ro));
	CHECK(mim_rcu_qsbr_add(v));
	put_new(outer);                  /* returns once readers let go */
	ASSERT(rstats().pending == 0);
	/* [sync end] */

	/* [sync self] */
	/* A caller online on an attached variable would wait for itself:
	 * registered with its own lcore id, it is recognised and refused
	 * before anything changes.
	 */
	unsigned int self = rte_lcore_id();
	mim_id_t id = CHECK(mim_create(MIM_TYPE_HASH, NULL, 4, 4, 64, NULL));
	uint32_t slot = 0;

	rte_rcu_qsbr_thread_register(v, self);
	rte_rcu_qsbr_thread_online(v, self);
	EXPECT(mim_update_elem_sz(outer, &slot, sizeof(slot), &id, sizeof(id),
				  MIM_ANY), -EDEADLK,
	       "SYNC mode: the calling thread (lcore %u) is online on attached QSBR variable 0 as thread id %u: it would wait for itself; go offline first",
	       self, self);
	rte_rcu_qsbr_thread_offline(v, self);
	/* Offline: the call waits for the grace period, then returns. */
	CHECK(mim_update_elem_sz(outer, &slot, sizeof(slot), &id, sizeof(id),
				 MIM_ANY));
	/* [sync self end] */
	rte_rcu_qsbr_thread_unregister(v, self);
	CHECK(mim_close(id));
}

int
main(int argc, char **argv)
{
	struct rte_rcu_qsbr *v, *svc;
	mim_id_t tmpl, outer;

	if (rte_eal_init(argc, argv) < 0)
		return 1;
	v = qsbr_new();
	svc = qsbr_new();

	/* [attach] */
	CHECK(mim_rcu_qsbr_add(v));   /* before the readers start */
	/* [attach end] */
	tmpl = CHECK(mim_create(MIM_TYPE_HASH, NULL, 4, 4, 64, NULL));
	MIM_OPTS(mim_create_opts, o, .inner_id = tmpl);
	outer = CHECK(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "tenants", 4, 4, 8,
				 &o));
	CHECK(mim_close(tmpl));
	put_new(outer);

	live_reader(v, outer);
	held_back(v, outer);

	/* Reconfigure: detach (nothing pending), configure, attach. */
	rte_rcu_qsbr_quiescent(v, STUCK);
	mim_reclaim();
	CHECK(mim_rcu_qsbr_remove(v));
	bounded(v, outer);
	two_vars(v, svc, outer);

	rte_rcu_qsbr_thread_offline(v, STUCK);
	mim_reclaim();
	CHECK(mim_rcu_qsbr_remove(v));
	CHECK(mim_rcu_configure(NULL));
	sync_mode(v, outer);

	/* [detach] */
	CHECK(mim_close(outer));
	mim_reclaim();                 /* nothing may be pending... */
	CHECK(mim_rcu_qsbr_remove(v)); /* ...to detach a variable */
	rte_free(v);
	/* [detach end] */
	CHECK(mim_rcu_configure(NULL));
	rte_rcu_qsbr_thread_unregister(svc, STUCK);
	rte_free(svc);
	ASSERT(mim_get_next_id(0, &(uint32_t){0}) == -ENOENT);
	printf("rcu: ok\n");
	rte_eal_cleanup();
	return 0;
}
