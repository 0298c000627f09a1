/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The primary's side of mim_mp.h: the IPC action queues each request for
 * the "mim-mp" control thread, which checks it, executes the public call
 * it names (the same code the primary's own threads run) and replies. The
 * EAL's IPC thread never waits for the library mutex or for readers: it
 * carries DPDK's own requests (memory hotplug) too.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/btf.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "mim_mp_private.h"

/* Requests queued at most; more are refused with EBUSY at once. */
#define MIM_MP_QUEUE_MAX 256
/* The control thread's period when idle: it checks peers' liveness. */
#define MIM_MP_PERIOD_MS 100

struct job {
	struct rte_mp_msg msg;
	char peer[128];
	struct job *next;
};

static pthread_mutex_t q_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static struct job *q_head, *q_tail;   /* under q_mutex */
static uint32_t q_len;                /* under q_mutex */
/* Under q_mutex: the control thread is to end, and nothing is queued. */
static bool q_stop;

/* 0: not yet; 1: serving; -1: cannot (no multi-process channel); -2:
 * the lazy start failed (mim_mp_init() tries again); -3: stopped by
 * mim_mp_uninit() (only mim_mp_init() starts it again). Written under
 * init_mutex; read relaxed by mim_mp_serve_lazy() and on_msg(), where a
 * stale value only takes init_mutex or skips a try that another thread
 * makes.
 */
static int served;
static pthread_mutex_t init_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_t server_tid;          /* under init_mutex, when served 1 */

uint64_t mim_mp_nb_requests, mim_mp_nb_refused;

static _Thread_local bool in_server;

bool
mim_mp_in_server(void)
{
	return in_server;
}

static void
reply(const struct rte_mp_msg *req, const char *peer,
      const struct mim_mp_rep *r)
{
	struct rte_mp_msg m;

	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "%s", req->name);
	m.len_param = sizeof(*r);
	memcpy(m.param, r, sizeof(*r));
	if (rte_mp_reply(&m, peer) != 0)
		MIM_LOG(DEBUG, "cannot reply to %s: %s", peer,
			rte_strerror(rte_errno));
}

static int serve_start(bool lazy);

/* In the EAL's IPC thread: queue the request. */
static int
on_msg(const struct rte_mp_msg *msg, const void *peer)
{
	struct mim_mp_rep r = { .magic = MIM_MP_MAGIC, .ret = -EBUSY };
	struct job *j = NULL;

	/* Registered before rte_eal_init() in every process: only the
	 * primary serves, and it starts its thread at the first request
	 * if no call of its own has yet.
	 */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	if (__atomic_load_n(&served, __ATOMIC_RELAXED) != 1) {
		pthread_mutex_lock(&init_mutex);
		if (served == 0 || served == -2)
			serve_start(true);
		pthread_mutex_unlock(&init_mutex);
	}
	pthread_mutex_lock(&q_mutex);
	/* Stopped by mim_mp_uninit(): refused. */
	if (q_stop)
		r.ret = -ESHUTDOWN;
	else if (q_len < MIM_MP_QUEUE_MAX)
		j = malloc(sizeof(*j));
	if (j != NULL) {
		j->msg = *msg;
		snprintf(j->peer, sizeof(j->peer), "%s", (const char *)peer);
		j->next = NULL;
		if (q_tail != NULL)
			q_tail->next = j;
		else
			q_head = j;
		q_tail = j;
		q_len++;
		pthread_cond_signal(&q_cond);
	}
	pthread_mutex_unlock(&q_mutex);
	if (j == NULL)
		reply(msg, peer, &r);
	return 0;
}

/* Check and execute one request; the reply. */
static void
serve(const struct job *j)
{
	struct mim_mp_rep r = { .magic = MIM_MP_MAGIC };
	struct mim_mp_req q;
	struct mim_mp_peer *p;
	const char *why;

	if (j->msg.len_param != (int)sizeof(q)) {
		mim_mp_nb_refused++;
		MIM_LOG(WARNING, "refused a request of %d bytes from %s (not %zu)",
			j->msg.len_param, j->peer, sizeof(q));
		r.ret = -EPROTO;
		reply(&j->msg, j->peer, &r);
		return;
	}
	memcpy(&q, j->msg.param, sizeof(q));
	p = q.magic != MIM_MP_MAGIC ? NULL :
		mim_mp_peer_get(j->peer, q.op == MIM_MP_HELLO);
	if (q.magic != MIM_MP_MAGIC || p == NULL ||
	    (q.op != MIM_MP_HELLO && mim_mp_peer_buf_len(p) == 0)) {
		mim_mp_nb_refused++;
		MIM_LOG(WARNING, "refused a request from %s: %s", j->peer,
			q.magic != MIM_MP_MAGIC ? "not a mapinmap request" :
			p == NULL ? "unknown or too many peers" :
			"no bounce buffer registered");
		r.ret = q.magic != MIM_MP_MAGIC ? -EPROTO : -ENOTCONN;
		reply(&j->msg, j->peer, &r);
		return;
	}
	mim_err_clear();
	r.ret = mim_mp_execute(p, &q, &r);
	mim_mp_nb_requests++;
	why = mim_last_error();
	if (r.status == MIM_MP_DONE && why[0] != '\0' && q.op != MIM_MP_HELLO) {
		snprintf((char *)mim_mp_peer_span(p, 0, MIM_MP_REASON_LEN),
			 MIM_MP_REASON_LEN, "%s", why);
		r.reason = 1;
	}
	reply(&j->msg, j->peer, &r);
}

static uint32_t
worker(void *arg)
{
	struct timespec ts;
	struct job *j;

	RTE_SET_USED(arg);
	in_server = true;
	for (;;) {
		pthread_mutex_lock(&q_mutex);
		if (q_head == NULL && !q_stop) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += MIM_MP_PERIOD_MS * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&q_cond, &q_mutex, &ts);
		}
		/* Jobs left queued are refused by mim_mp_uninit(). */
		if (q_stop) {
			pthread_mutex_unlock(&q_mutex);
			break;
		}
		j = q_head;
		if (j != NULL) {
			q_head = j->next;
			if (q_head == NULL)
				q_tail = NULL;
			q_len--;
		}
		pthread_mutex_unlock(&q_mutex);
		mim_mp_peers_lock();
		if (j != NULL)
			serve(j);
		else
			mim_mp_peers_reap();
		mim_mp_peers_unlock();
		free(j);
	}
	return 0;
}

static void *
worker_start(void *arg)
{
	return (void *)(uintptr_t)worker(arg);
}

static const char no_channel[] =
	"this EAL has no multi-process channel (--in-memory or --no-shconf)";

/*
 * Register the action and start the thread; served tells how it went.
 * Lazy (from another call): failures are logged, not recorded as the
 * caller's reason.
 */
static int
serve_init(bool lazy)
{
	char why[128];

	if (rte_mp_action_register(MIM_MP_ACTION, on_msg) != 0 &&
	    rte_errno != EEXIST) {
		if (rte_errno == ENOTSUP) {
			__atomic_store_n(&served, -1, __ATOMIC_RELAXED);
			return lazy ? -ENOTSUP : mim_err(ENOTSUP, "%s", no_channel);
		}
		snprintf(why, sizeof(why), "cannot register the IPC action %s: %s",
			 MIM_MP_ACTION, rte_strerror(rte_errno));
		goto fail;
	}
	return serve_start(lazy);
fail:
	if (!lazy)
		return mim_err(EIO, "%s", why);
	MIM_LOG(WARNING, "secondary processes are not served: %s", why);
	return -EIO;
}

/* Start the control thread (the action is registered); init_mutex held. */
static int
serve_start(bool lazy)
{
	char why[128];
	pthread_t tid;
	int ret;

	pthread_mutex_lock(&q_mutex);
	q_stop = false;
	pthread_mutex_unlock(&q_mutex);
	ret = rte_ctrl_thread_create(&tid, "mim-mp", NULL, worker_start, NULL);
	if (ret != 0) {
		snprintf(why, sizeof(why), "cannot start the mim-mp control thread: %s",
			 rte_strerror(ret));
		goto fail;
	}
	server_tid = tid;
	__atomic_store_n(&served, 1, __ATOMIC_RELAXED);
	return 0;
fail:
	if (!lazy)
		return mim_err(EIO, "%s", why);
	MIM_LOG(WARNING, "secondary processes are not served: %s", why);
	return -EIO;
}

int
mim_mp_init(void)
{
	int ret = 0;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_refuse(__func__);
	ret = mim_eal_check();
	if (ret != 0)
		return ret;
	pthread_mutex_lock(&init_mutex);
	if (served == 0 || served == -2 || served == -3)
		ret = serve_init(false);
	else if (served < 0)
		ret = mim_err(ENOTSUP, "%s", no_channel);
	pthread_mutex_unlock(&init_mutex);
	return ret;
}

/* Refuse the requests still queued once the control thread ended. */
static void
queue_refuse(void)
{
	struct mim_mp_rep r = { .magic = MIM_MP_MAGIC, .ret = -ESHUTDOWN };
	struct job *j, *next;

	pthread_mutex_lock(&q_mutex);
	j = q_head;
	q_head = q_tail = NULL;
	q_len = 0;
	pthread_mutex_unlock(&q_mutex);
	for (; j != NULL; j = next) {
		next = j->next;
		reply(&j->msg, j->peer, &r);
		free(j);
	}
}

int
mim_mp_uninit(void)
{
	int was;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return 0;
	pthread_mutex_lock(&init_mutex);
	was = served;
	if (was != -1) {
		__atomic_store_n(&served, -3, __ATOMIC_RELAXED);
		/* The action stays: on_msg() refuses at once what comes
		 * from now on (unregistered, a request would get no answer
		 * before its timeout).
		 */
		pthread_mutex_lock(&q_mutex);
		q_stop = true;
		pthread_cond_signal(&q_cond);
		pthread_mutex_unlock(&q_mutex);
		if (was == 1)
			pthread_join(server_tid, NULL);
	}
	pthread_mutex_unlock(&init_mutex);
	if (was == -1)
		return 0;
	queue_refuse();
	/* What dead secondaries held goes now; live ones keep theirs. */
	mim_mp_peers_lock();
	mim_mp_peers_reap();
	mim_mp_peers_unlock();
	return 0;
}

void
mim_mp_serve_lazy(void)
{
	if (likely(__atomic_load_n(&served, __ATOMIC_RELAXED) != 0))
		return;
	if (rte_lcore_count() == 0 ||
	    rte_eal_process_type() != RTE_PROC_PRIMARY)
		return;
	pthread_mutex_lock(&init_mutex);
	if (served == 0 && serve_init(true) == -EIO)
		__atomic_store_n(&served, -2, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&init_mutex);
}

/*
 * Before rte_eal_init(): the EAL keeps the action and dispatches to it
 * once its IPC thread runs, so a primary that never calls mapinmap
 * still answers (with --no-shconf or --in-memory nothing ever arrives).
 * Later calls find it registered (EEXIST) and start the thread.
 */
RTE_INIT(mim_mp_register_early)
{
	rte_mp_action_register(MIM_MP_ACTION, on_msg);
}
