/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Deferred release with rte_rcu_qsbr (mim_rcu.h).
 *
 * One rte_rcu_qsbr_dq per attached variable, shared by every table: a
 * retirement is enqueued on the first variable's queue; when its grace
 * period is over, the queue's free callback moves it to the next
 * variable's queue (a new token, so the next grace period starts after the
 * previous one ended), and the last queue's callback releases it. This is
 * the kernel's free after several grace periods, one variable at a time.
 *
 * Bounds: at most dq_size retirements are in flight over all queues
 * (mim_rcu_reserve() enforces it before a call changes anything, and the
 * optional pending_bytes_max the same way, on the bytes already pending:
 * the size of a retirement is known only once it is made), and every
 * queue holds dq_size entries, so moving an entry to the next queue cannot
 * fail. Queues never reclaim on their own (trigger above size): reclamation
 * happens only here, under the library mutex, so the callbacks never nest.
 *
 * Order: every queue is FIFO and entries move between queues in the order
 * they leave the previous one, so releases happen in retirement order.
 *
 * The first stage has a front: a retirement takes its first variable's
 * token (rte_rcu_qsbr_start()) and waits in rcu.pend, beside the counters
 * every call reads, until the next reclamation. So a retiring call touches
 * the variable's token and nothing else of rte_rcu_qsbr's: on the control
 * plane's core, right after a table was built, the defer queue's ring and
 * the librte_rcu code are cold, and each of their pages cost more than the
 * rest of a publish. A reclamation first empties the first queue as far as
 * it can, then the front, in order: while nothing older is left in the
 * queue, the oldest entries whose grace period is over go on (next stage,
 * or release); the others stay. A retirement that finds the front full
 * first moves every entry of it to the first queue, which takes a new
 * token for each (later than theirs: a reader that reported since their
 * retirement but before that token reports once more before they go —
 * later, never earlier).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "mim_mp_private.h"

/* SYNC mode: seconds before the first warning about lagging readers, and
 * between the next ones.
 */
#define MIM_RCU_SYNC_WARN_FIRST 1
#define MIM_RCU_SYNC_WARN_EVERY 5

/* A defer queue ring entry: rte_rcu_qsbr's token, then a retirement. */
#define DQ_ENTRY_BYTES (sizeof(uint64_t) + sizeof(struct mim_retire))

struct rcu_stage {
	struct rte_rcu_qsbr *v;
	struct rte_rcu_qsbr_dq *dq;
	uint32_t idx;
};

/* Retirements that wait in the front of the first stage, at most. */
#define RCU_PEND_MAX 32

/* A retirement in the front, with its first variable's token. */
struct rcu_pend {
	uint64_t token;
	struct mim_retire r;
};

static struct {
	/* What every retiring call reads and writes, first. */
	enum mim_rcu_mode mode;
	uint32_t nb_vars;
	uint32_t dq_size;
	uint32_t inflight;          /* retirements in all queues and the front */
	uint32_t reclaim_thd;
	uint32_t max_pending;
	uint64_t pending_bytes;
	uint64_t pending_bytes_max;  /* 0: no bound */
	uint64_t nb_retired;
	struct rte_rcu_qsbr *v0;    /* the first stage's variable, or NULL */
	uint32_t nb_pend;
	struct rcu_pend pend[RCU_PEND_MAX];

	uint32_t reclaim_max;
	/* The stages in order; each points into stage_mem, whose entries
	 * do not move (a defer queue's callback argument is one of them).
	 */
	struct rcu_stage *stage[MIM_RCU_MAX_VARS];
	struct rcu_stage stage_mem[MIM_RCU_MAX_VARS];

	uint32_t released_now;      /* releases by the current reclamation */
	uint64_t nb_released;
	uint64_t released_bytes;
	uint64_t nb_busy;
	uint64_t nb_bytes_busy;
} rcu = {
	.mode = MIM_RCU_MODE_DQ,
	.dq_size = MIM_RCU_DQ_SIZE_DEFAULT,
	.reclaim_thd = MIM_RCU_RECLAIM_THD_DEFAULT,
	.reclaim_max = MIM_RCU_RECLAIM_MAX_DEFAULT,
};

static const char *
releases_are(uint32_t n)
{
	return n == 1 ? "release is" : "releases are";
}

static void
release(const struct mim_retire *r)
{
	rcu.pending_bytes -= r->bytes;
	rcu.released_bytes += r->bytes;
	rcu.nb_released++;
	rcu.released_now++;
	mim_retire_release(r);
}

/* Is thread id online on v (registered, and its counter not offline)? */
static bool
thread_online(const struct rte_rcu_qsbr *v, unsigned int id)
{
	const uint64_t *bmap;
	uint64_t cnt;

	if (id >= v->max_threads)
		return false;
	/* Relaxed loads of another thread's state: a snapshot, which
	 * is all a diagnostic needs (the calling thread's own state is
	 * exact); they pair with nothing.
	 */
	bmap = __RTE_QSBR_THRID_ARRAY_ELM(v,
		(id >> __RTE_QSBR_THRID_INDEX_SHIFT));
	if ((__atomic_load_n(bmap, __ATOMIC_RELAXED) &
	     (1ULL << (id & __RTE_QSBR_THRID_MASK))) == 0)
		return false;
	cnt = __atomic_load_n(&v->qsbr_cnt[id].cnt, __ATOMIC_RELAXED);
	return cnt != __RTE_QSBR_CNT_THR_OFFLINE;
}

/*
 * SYNC mode waits for every online reader: a caller that is one of them
 * would wait for itself. The caller is recognised as DPDK's examples
 * register readers, by its lcore id (rte_lcore_id(), also that of a
 * registered non-EAL thread).
 */
int
mim_rcu_sync_check(void)
{
	unsigned int id = rte_lcore_id();
	uint32_t i;

	if (rcu.mode != MIM_RCU_MODE_SYNC || id == LCORE_ID_ANY)
		return 0;
	for (i = 0; i < rcu.nb_vars; i++)
		if (thread_online(rcu.stage[i]->v, id))
			return mim_err(EDEADLK, "SYNC mode: the calling thread (lcore %u) is online on attached QSBR variable %u as thread id %u: it would wait for itself; go offline first",
				       id, i, id);
	return 0;
}

/* Log the thread ids of v that hold back the grace period of token t. */
static void
log_lagging(const struct rte_rcu_qsbr *v, uint32_t idx, uint64_t t,
	    double waited)
{
	char ids[160];
	size_t len = 0;
	uint32_t w, n = 0;
	unsigned int b;

	ids[0] = '\0';
	for (w = 0; w < v->num_elems; w++) {
		/* Relaxed: a snapshot for the log, pairs with nothing. */
		uint64_t bmap = __atomic_load_n(__RTE_QSBR_THRID_ARRAY_ELM(v, w),
						__ATOMIC_RELAXED);

		for (b = 0; b < 64; b++) {
			unsigned int id = w * 64 + b;
			uint64_t c;

			if ((bmap & (1ULL << b)) == 0)
				continue;
			c = __atomic_load_n(&v->qsbr_cnt[id].cnt,
					    __ATOMIC_RELAXED);
			if (c == __RTE_QSBR_CNT_THR_OFFLINE || c >= t)
				continue;
			if (n++ < 16 && len + 12 < sizeof(ids))
				len += (size_t)snprintf(ids + len,
					sizeof(ids) - len, "%s%u",
					len ? " " : "", id);
		}
	}
	MIM_LOG(WARNING, "SYNC mode: waiting %.0f s for a grace period on attached QSBR variable %u (%p): %u reader thread id(s) online without a quiescent state: %s%s",
		waited, idx, (const void *)v, n, ids, n > 16 ? " ..." : "");
}

/*
 * rte_rcu_qsbr_synchronize(), but never silent: after
 * MIM_RCU_SYNC_WARN_FIRST seconds, and every MIM_RCU_SYNC_WARN_EVERY
 * seconds after that, log the readers that hold it back.
 */
static void
synchronize(struct rte_rcu_qsbr *v, uint32_t idx)
{
	uint64_t hz = rte_get_timer_hz(), start, next, now;
	uint64_t t = rte_rcu_qsbr_start(v);

	start = rte_get_timer_cycles();
	next = start + MIM_RCU_SYNC_WARN_FIRST * hz;
	while (rte_rcu_qsbr_check(v, t, false) == 0) {
		rte_pause();
		now = rte_get_timer_cycles();
		if (now < next)
			continue;
		log_lagging(v, idx, t, (double)(now - start) / (double)hz);
		next = now + MIM_RCU_SYNC_WARN_EVERY * hz;
	}
}

/* Wait for a grace period on variables first..nb_vars-1, then release. */
static void
release_sync(const struct mim_retire *r, uint32_t first)
{
	uint32_t i;

	for (i = first; i < rcu.nb_vars; i++)
		synchronize(rcu.stage[i]->v, i);
	release(r);
}

/* Defer queue callback: the grace period of stage s is over for e. */
static void
dq_free(void *p, void *e, unsigned int n)
{
	const struct rcu_stage *s = p;
	const struct mim_retire *r = e;
	uint32_t next = s->idx + 1;

	RTE_SET_USED(n);   /* always 1: entries are enqueued one by one */
	if (next == rcu.nb_vars) {
		rcu.inflight--;
		release(r);
		return;
	}
	if (rte_rcu_qsbr_dq_enqueue(rcu.stage[next]->dq, e) != 0) {
		/* Cannot happen while the in-flight bound holds; stay safe
		 * rather than leak: wait for the remaining grace periods.
		 */
		MIM_LOG(ERR, "defer queue %u refused an entry (%s); releasing synchronously",
			next, rte_strerror(rte_errno));
		rcu.inflight--;
		release_sync(r, next);
	}
}

/* A new last stage for v (not counted in nb_vars yet). */
static int
stage_create(uint32_t i, struct rte_rcu_qsbr *v)
{
	struct rte_rcu_qsbr_dq_parameters params = {0};
	char name[RTE_RCU_QSBR_DQ_NAMESIZE];
	struct rcu_stage *s = &rcu.stage_mem[0];

	while (s->v != NULL)          /* a free entry: there are MAX_VARS */
		s++;
	s->idx = i;
	s->dq = NULL;
	if (rcu.mode == MIM_RCU_MODE_DQ) {
		snprintf(name, sizeof(name), "mimdq%" PRIu64, mim_serial());
		params.name = name;
		params.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE;  /* under the mutex */
		params.size = rcu.dq_size;
		params.esize = sizeof(struct mim_retire);
		/* Never reclaim inside enqueue: only reclaim() does. */
		params.trigger_reclaim_limit = UINT32_MAX;
		params.max_reclaim_size = 0;
		params.free_fn = dq_free;
		params.p = s;
		params.v = v;
		if (mim_fault())
			return -ENOMEM;
		s->dq = rte_rcu_qsbr_dq_create(&params);
		if (s->dq == NULL)
			return -ENOMEM;
	}
	s->v = v;
	rcu.stage[i] = s;
	return 0;
}

/* Put e in the first queue (a new token); release it if it refuses. */
static void
stage0_enqueue(struct mim_retire *e)
{
	if (rte_rcu_qsbr_dq_enqueue(rcu.stage[0]->dq, e) == 0)
		return;
	/* Cannot happen while the in-flight bound holds. */
	MIM_LOG(ERR, "defer queue refused an entry (%s); releasing synchronously",
		rte_strerror(rte_errno));
	rcu.inflight--;
	release_sync(e, 0);
}

/*
 * Let go the oldest entries of the front whose grace period is over, in
 * order. direct: nothing older waits in the first queue.
 */
static void
front_reclaim(bool direct)
{
	uint32_t i = 0;

	while (direct && i < rcu.nb_pend &&
	       rte_rcu_qsbr_check(rcu.v0, rcu.pend[i].token, false) == 1) {
		dq_free(rcu.stage[0], &rcu.pend[i].r, 1);
		i++;
	}
	if (i == 0)
		return;
	memmove(&rcu.pend[0], &rcu.pend[i],
		(rcu.nb_pend - i) * sizeof(rcu.pend[0]));
	rcu.nb_pend -= i;
}

/* A full front: every entry to the first queue, in order. */
static void
front_spill(void)
{
	uint32_t i;

	for (i = 0; i < rcu.nb_pend; i++)
		stage0_enqueue(&rcu.pend[i].r);
	rcu.nb_pend = 0;
}

/* Reclaim up to max releases per stage; returns the releases made. */
static uint32_t
reclaim(uint32_t max)
{
	unsigned int pending = 0;
	uint32_t i;

	rcu.released_now = 0;
	if (rcu.mode != MIM_RCU_MODE_DQ || rcu.nb_vars == 0)
		return 0;
	rte_rcu_qsbr_dq_reclaim(rcu.stage[0]->dq, max, NULL, &pending, NULL);
	front_reclaim(pending == 0);
	for (i = 1; i < rcu.nb_vars; i++)
		rte_rcu_qsbr_dq_reclaim(rcu.stage[i]->dq, max, NULL, NULL,
					NULL);
	return rcu.released_now;
}

/* Is there room for one more retirement, by count and by bytes? */
static bool
has_room(void)
{
	return rcu.inflight < rcu.dq_size &&
	       (rcu.pending_bytes_max == 0 ||
		rcu.pending_bytes < rcu.pending_bytes_max);
}

static int
rcu_reserve(void)
{
	if (rcu.nb_vars == 0)
		return 0;
	if (rcu.mode == MIM_RCU_MODE_SYNC)
		return mim_rcu_sync_check();
	if (has_room())
		return 0;
	reclaim(rcu.dq_size);
	if (has_room())
		return 0;
	if (rcu.inflight >= rcu.dq_size) {
		rcu.nb_busy++;
		return mim_err(EBUSY,
			       "%u %s waiting for readers and the defer queue (dq_size %u) is full: a reader has not reported a quiescent state",
			       rcu.inflight, releases_are(rcu.inflight),
			       rcu.dq_size);
	}
	rcu.nb_bytes_busy++;
	return mim_err(EBUSY,
		       "%" PRIu64 " pending bytes (%u %s waiting for readers) reached pending_bytes_max %" PRIu64 ": a reader has not reported a quiescent state",
		       rcu.pending_bytes, rcu.inflight,
		       releases_are(rcu.inflight), rcu.pending_bytes_max);
}

__rte_hot int
mim_rcu_reserve(void)
{
	uint64_t p = mim_prof_start();
	int ret = rcu_reserve();

	mim_prof_end(MIM_PROF_RESERVE, p);
	return ret;
}

static void
rcu_retire(const struct mim_retire *r)
{
	struct mim_retire e = *r;

	e.bytes += mim_obj_chain_bytes(e.dead);
	rcu.nb_retired++;
	rcu.pending_bytes += e.bytes;
	if (rcu.nb_vars == 0 || rcu.mode == MIM_RCU_MODE_SYNC) {
		release_sync(&e, 0);
		return;
	}
	RTE_ASSERT(rcu.inflight < rcu.dq_size);
	if (rcu.nb_pend == RCU_PEND_MAX)
		front_spill();
	/* The token is taken after the caller's unpublishing store: the
	 * release of rte_rcu_qsbr_start() orders them, and it pairs with
	 * the acquire in rte_rcu_qsbr_check().
	 */
	rcu.pend[rcu.nb_pend].token = rte_rcu_qsbr_start(rcu.v0);
	rcu.pend[rcu.nb_pend].r = e;
	rcu.nb_pend++;
	rcu.inflight++;
	if (rcu.inflight > rcu.max_pending)
		rcu.max_pending = rcu.inflight;
}

__rte_hot void
mim_rcu_retire(const struct mim_retire *r)
{
	uint64_t p = mim_prof_start();

	rcu_retire(r);
	mim_prof_end(MIM_PROF_RETIRE, p);
}

__rte_hot void
mim_rcu_prefetch(void)
{
	/* The token a retirement takes: its line, and its page's
	 * translation, on the way while the call does its checks.
	 */
	if (rcu.v0 != NULL)
		rte_prefetch0(&rcu.v0->token);
}

__rte_hot void
mim_rcu_maybe_reclaim(void)
{
	/* Data-path writers' retirements join the queue first. */
	mim_dpw_drain_all();
	if (rcu.inflight > rcu.reclaim_thd)
		reclaim(rcu.reclaim_max);
}

uint32_t
mim_rcu_reclaim_all(void)
{
	return reclaim(rcu.dq_size);
}

uint32_t
mim_rcu_pending(void)
{
	return rcu.inflight;
}

bool
mim_rcu_deferred(void)
{
	return rcu.mode == MIM_RCU_MODE_DQ && rcu.nb_vars != 0;
}

int
mim_rcu_configure(const struct mim_rcu_opts *opts)
{
	enum mim_rcu_mode mode;
	uint32_t dq_size, thd, max;
	uint64_t bytes_max;
	int ret = 0;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_refuse(__func__);
	ret = MIM_OPTS_CHECK(opts, mim_rcu_opts);
	if (ret != 0)
		return ret;
	mode = MIM_OPTS_GET(opts, mode, MIM_RCU_MODE_DQ);
	dq_size = MIM_OPTS_GET(opts, dq_size, 0);
	thd = MIM_OPTS_GET(opts, reclaim_thd, 0);
	max = MIM_OPTS_GET(opts, reclaim_max, 0);
	bytes_max = MIM_OPTS_GET(opts, pending_bytes_max, 0);
	if (dq_size == 0)
		dq_size = MIM_RCU_DQ_SIZE_DEFAULT;
	if (thd == 0)
		thd = MIM_RCU_RECLAIM_THD_DEFAULT;
	if (max == 0)
		max = MIM_RCU_RECLAIM_MAX_DEFAULT;
	if (mode != MIM_RCU_MODE_DQ && mode != MIM_RCU_MODE_SYNC)
		return mim_err(EINVAL, "unknown mode %d", (int)mode);
	if (dq_size > MIM_RCU_DQ_SIZE_MAX)
		return mim_err(EINVAL, "dq_size %u above %u: rte_rcu_qsbr_dq_create() rounds dq_size + 1 up to a power of two, and an rte_ring holds at most 2^30 entries",
			       dq_size, MIM_RCU_DQ_SIZE_MAX);
	if (max > dq_size)
		return mim_err(EINVAL, "reclaim_max %u above dq_size %u",
			       max, dq_size);
	if (bytes_max != 0 && mode == MIM_RCU_MODE_SYNC)
		return mim_err(EINVAL, "pending_bytes_max %" PRIu64 " applies to MIM_RCU_MODE_DQ only: in SYNC mode nothing is pending",
			       bytes_max);

	mim_lock();
	if (rcu.nb_vars != 0) {
		ret = mim_err(EBUSY, "a QSBR variable is attached: configure before mim_rcu_qsbr_add()");
	} else {
		rcu.mode = mode;
		rcu.dq_size = dq_size;
		rcu.reclaim_thd = thd;
		rcu.reclaim_max = max;
		rcu.pending_bytes_max = bytes_max;
		rcu.max_pending = 0;
	}
	mim_unlock();
	return ret;
}

int
mim_rcu_qsbr_add(struct rte_rcu_qsbr *v)
{
	uint32_t i;
	int ret;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_refuse(__func__);
	if (v == NULL)
		return mim_err(EINVAL, "QSBR variable is NULL");
	ret = mim_eal_check();
	if (ret != 0)
		return ret;
	mim_lock();
	for (i = 0; i < rcu.nb_vars; i++)
		if (rcu.stage[i]->v == v) {
			ret = mim_err(EEXIST, "QSBR variable %p is already attached",
				      (void *)v);
			goto out;
		}
	if (rcu.nb_vars == MIM_RCU_MAX_VARS) {
		ret = mim_err(ENOSPC, "%u QSBR variables are attached already",
			      MIM_RCU_MAX_VARS);
		goto out;
	}
	ret = stage_create(rcu.nb_vars, v);
	if (ret != 0) {
		ret = mim_err(-ret, "cannot create a defer queue of %u entries (a ring of %u entries of %zu bytes): %s",
			      rcu.dq_size, rte_align32pow2(rcu.dq_size + 1),
			      DQ_ENTRY_BYTES, rte_strerror(rte_errno));
		goto out;
	}
	rcu.nb_vars++;
	rcu.v0 = rcu.stage[0]->v;
	ret = 0;
out:
	mim_unlock();
	return ret;
}

int
mim_rcu_qsbr_remove(struct rte_rcu_qsbr *v)
{
	uint32_t i, found = MIM_RCU_MAX_VARS;
	struct rcu_stage *s;
	int ret = 0;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_refuse(__func__);
	if (v == NULL)
		return mim_err(EINVAL, "QSBR variable is NULL");
	mim_lock();
	for (i = 0; i < rcu.nb_vars; i++)
		if (rcu.stage[i]->v == v)
			found = i;
	if (found == MIM_RCU_MAX_VARS) {
		ret = mim_err(ENOENT, "QSBR variable %p is not attached",
			      (void *)v);
		goto out;
	}
	reclaim(rcu.dq_size);
	if (rcu.inflight != 0) {
		ret = mim_err(EBUSY, "%u %s waiting for readers",
			      rcu.inflight, releases_are(rcu.inflight));
		goto out;
	}
	/* Nothing in flight: v's queue is empty and can go; the stages
	 * after it move up one place (their queues stay as they are).
	 */
	s = rcu.stage[found];
	if (s->dq != NULL)
		rte_rcu_qsbr_dq_delete(s->dq);
	memset(s, 0, sizeof(*s));
	for (i = found; i + 1 < rcu.nb_vars; i++) {
		rcu.stage[i] = rcu.stage[i + 1];
		rcu.stage[i]->idx = i;
	}
	rcu.stage[--rcu.nb_vars] = NULL;
	rcu.v0 = rcu.nb_vars != 0 ? rcu.stage[0]->v : NULL;
out:
	mim_unlock();
	mim_free_drain(UINT64_MAX);
	return ret;
}

struct rte_rcu_qsbr *
mim_rcu_var(uint32_t idx)
{
	return idx < rcu.nb_vars ? rcu.stage[idx]->v : NULL;
}

bool
mim_rcu_attached(const struct rte_rcu_qsbr *v)
{
	uint32_t i;

	for (i = 0; i < rcu.nb_vars; i++)
		if (rcu.stage[i]->v == v)
			return true;
	return false;
}

int
mim_reclaim(void)
{
	int n;

	if (mim_mp_secondary())
		return mim_mp_fwd_id(MIM_MP_RECLAIM, 0);
	mim_lock();
	mim_dpw_drain_all();
	n = (int)mim_rcu_reclaim_all();
	mim_unlock();
	/* What it released is back in DPDK's heap when it returns: the
	 * deferred frees, all, one block per step, off the mutex.
	 */
	mim_free_drain(UINT64_MAX);
	return n;
}

int
mim_rcu_get_stats(struct mim_rcu_stats *st)
{
	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_fwd_out(MIM_MP_RCU_STATS, 0, st, sizeof(*st));
	if (st == NULL)
		return mim_err(EINVAL, "stats is NULL");
	mim_lock();
	st->mode = rcu.mode;
	st->nb_vars = rcu.nb_vars;
	st->dq_size = rcu.dq_size;
	st->pending = rcu.inflight;
	st->max_pending = rcu.max_pending;
	st->pending_bytes = rcu.pending_bytes;
	st->nb_retired = rcu.nb_retired;
	st->nb_released = rcu.nb_released;
	st->released_bytes = rcu.released_bytes;
	st->nb_busy = rcu.nb_busy;
	st->nb_bytes_busy = rcu.nb_bytes_busy;
	st->pending_bytes_max = rcu.pending_bytes_max;
	mim_unlock();
	return 0;
}
