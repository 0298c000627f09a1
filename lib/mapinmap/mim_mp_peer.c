/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The primary's record of its secondary processes (peers): each one's
 * bounce buffer, the handle references held for it, the reader thread
 * IDs it claimed, and whether it is still alive. A dead peer's readers
 * go offline, then its handles are dropped. Process-local memory, under
 * the peers' lock (taken before the library mutex, never after).
 */

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_memory.h>
#include <rte_malloc.h>

#include "mim_mp_private.h"

/* Secondaries known at once, at most. */
#define MIM_MP_PEERS_MAX 64
/* Tables one peer holds handles on, at most. */
#define MIM_MP_HANDLES_MAX (1U << 20)

struct handle {
	int id;
	uint32_t n;
};

struct claim {
	struct rte_rcu_qsbr *v;
	unsigned int tid;
};

struct mim_mp_peer {
	char name[128];        /* the EAL's IPC name; "" when free */
	int pid;
	int pidfd;             /* -1: none, kill(pid, 0) is used */
	uint8_t *buf;
	uint64_t len;
	struct handle *h;
	uint32_t nb_h, cap_h;
	struct claim *c;
	uint32_t nb_c, cap_c;
	bool dead;             /* found dead; some handles left to drop */
};

static pthread_mutex_t peers_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct mim_mp_peer peers[MIM_MP_PEERS_MAX];
static uint64_t nb_dead_peers, nb_dead_readers, nb_dead_handles;

void
mim_mp_peers_lock(void)
{
	pthread_mutex_lock(&peers_mutex);
}

void
mim_mp_peers_unlock(void)
{
	pthread_mutex_unlock(&peers_mutex);
}

/* The pid in a secondary's IPC socket name ".../mp_socket_<pid>_<tsc>". */
static int
name_pid(const char *name)
{
	const char *s = strstr(name, "mp_socket_");
	char *end;
	long pid;

	if (s == NULL)
		return -1;
	pid = strtol(s + strlen("mp_socket_"), &end, 10);
	if (*end != '_' || pid <= 0 || pid > INT32_MAX)
		return -1;
	return (int)pid;
}

struct mim_mp_peer *
mim_mp_peer_get(const char *name, bool create)
{
	struct mim_mp_peer *p, *free_p = NULL;
	int pid;

	for (p = peers; p < peers + MIM_MP_PEERS_MAX; p++) {
		if (p->name[0] == '\0') {
			if (free_p == NULL)
				free_p = p;
			continue;
		}
		if (strcmp(p->name, name) == 0)
			return p->dead ? NULL : p;
	}
	pid = name_pid(name);
	if (!create || free_p == NULL || pid < 0 ||
	    strlen(name) >= sizeof(free_p->name))
		return NULL;
	p = free_p;
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->pid = pid;
#ifdef SYS_pidfd_open
	p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#else
	p->pidfd = -1;
#endif
	return p;
}

/* Every page of [a, a + len) is allocated DPDK memory mapped here. */
static bool
dpdk_mapped(uintptr_t a, uint64_t len)
{
	struct rte_memseg_list *msl;
	uintptr_t end = a + len, pg;

	msl = rte_mem_virt2memseg_list((void *)a);
	if (msl == NULL || msl->page_sz == 0 ||
	    end > (uintptr_t)msl->base_va + msl->len)
		return false;
	for (pg = RTE_ALIGN_FLOOR(a, msl->page_sz); pg < end;
	     pg += msl->page_sz)
		if (!rte_fbarray_is_used(&msl->memseg_arr,
			(unsigned int)((pg - (uintptr_t)msl->base_va) /
				       msl->page_sz)))
			return false;
	return true;
}

int
mim_mp_peer_hello(struct mim_mp_peer *p, uint64_t ptr, uint64_t len)
{
	size_t have = 0;

	if (len < MIM_MP_BUF_MIN || len > MIM_MP_BUF_MAX || ptr % 8 != 0 ||
	    ptr < 4096 || ptr + len < ptr)
		return -EINVAL;
	/* Its heap element's header too, which rte_malloc_validate() reads. */
	if (!dpdk_mapped(ptr - 256, len + 256))
		return -EFAULT;
	if (rte_malloc_validate((void *)(uintptr_t)ptr, &have) != 0 ||
	    have < len)
		return -EFAULT;
	p->buf = (uint8_t *)(uintptr_t)ptr;
	p->len = len;
	return 0;
}

uint8_t *
mim_mp_peer_span(const struct mim_mp_peer *p, uint64_t off, uint64_t len)
{
	if (p->buf == NULL || off > p->len || len > p->len - off)
		return NULL;
	return p->buf + off;
}

uint64_t
mim_mp_peer_buf_len(const struct mim_mp_peer *p)
{
	return p->buf != NULL ? p->len : 0;
}

int
mim_mp_peer_pid(const struct mim_mp_peer *p)
{
	return p->pid;
}

static struct handle *
handle_find(const struct mim_mp_peer *p, int id)
{
	uint32_t i;

	for (i = 0; i < p->nb_h; i++)
		if (p->h[i].id == id)
			return &p->h[i];
	return NULL;
}

/* Room for one more element in *arr of *cap; false if none. */
static bool
grow(void **arr, uint32_t nb, uint32_t *cap, size_t size, uint32_t max)
{
	uint32_t ncap;
	void *n;

	if (nb < *cap)
		return true;
	if (nb >= max)
		return false;
	ncap = *cap == 0 ? 8 : RTE_MIN(*cap * 2, max);
	n = mim_fault() ? NULL : realloc(*arr, (size_t)ncap * size);
	if (n == NULL)
		return false;
	*arr = n;
	*cap = ncap;
	return true;
}

int
mim_mp_peer_handle_add(struct mim_mp_peer *p, int id)
{
	struct handle *h = handle_find(p, id);

	if (h != NULL) {
		h->n++;
		return 0;
	}
	if (!grow((void **)&p->h, p->nb_h, &p->cap_h, sizeof(*p->h),
		  MIM_MP_HANDLES_MAX))
		return -ENOMEM;
	p->h[p->nb_h++] = (struct handle){ .id = id, .n = 1 };
	return 0;
}

void
mim_mp_peer_handle_del(struct mim_mp_peer *p, int id)
{
	struct handle *h = handle_find(p, id);

	if (h != NULL && --h->n == 0)
		*h = p->h[--p->nb_h];
}

uint32_t
mim_mp_peer_handles(const struct mim_mp_peer *p, int id)
{
	const struct handle *h = handle_find(p, id);

	return h != NULL ? h->n : 0;
}

static struct claim *
claim_find(const struct mim_mp_peer *p, const struct rte_rcu_qsbr *v,
	   unsigned int tid)
{
	uint32_t i;

	for (i = 0; i < p->nb_c; i++)
		if (p->c[i].v == v && p->c[i].tid == tid)
			return &p->c[i];
	return NULL;
}

int
mim_mp_peer_claim(struct mim_mp_peer *p, struct rte_rcu_qsbr *v,
		  unsigned int tid)
{
	const struct mim_mp_peer *o;
	int ret = 0;

	if (v == NULL)
		return mim_err(EINVAL, "QSBR variable is NULL");
	mim_lock();
	if (!mim_rcu_attached(v))
		ret = mim_err(ENOENT, "QSBR variable %p is not attached", (void *)v);
	else if (tid >= v->max_threads)
		ret = mim_err(EINVAL, "thread id %u is not below the variable's max_threads %u",
			      tid, v->max_threads);
	mim_unlock();
	if (ret != 0)
		return ret;
	for (o = peers; o < peers + MIM_MP_PEERS_MAX; o++)
		if (o->name[0] != '\0' && claim_find(o, v, tid) != NULL)
			return o == p ?
				mim_err(EEXIST, "process %d claimed thread id %u of %p already",
					p->pid, tid, (void *)v) :
				mim_err(EBUSY, "thread id %u of %p is claimed by process %d",
					tid, (void *)v, o->pid);
	if (p->nb_c >= MIM_MP_CLAIMS_MAX)
		return mim_err(ENOSPC, "process %d claimed %u thread ids already",
			       p->pid, MIM_MP_CLAIMS_MAX);
	if (!grow((void **)&p->c, p->nb_c, &p->cap_c, sizeof(*p->c),
		  MIM_MP_CLAIMS_MAX))
		return mim_err(ENOMEM, "cannot record the claim of process %d",
			       p->pid);
	p->c[p->nb_c++] = (struct claim){ .v = v, .tid = tid };
	return 0;
}

int
mim_mp_peer_unclaim(struct mim_mp_peer *p, struct rte_rcu_qsbr *v,
		    unsigned int tid)
{
	struct claim *c;

	if (v == NULL)
		return mim_err(EINVAL, "QSBR variable is NULL");
	c = claim_find(p, v, tid);
	if (c == NULL)
		return mim_err(ENOENT, "process %d has not claimed thread id %u of %p",
			       p->pid, tid, (void *)v);
	*c = p->c[--p->nb_c];
	return 0;
}

static bool
peer_dead(const struct mim_mp_peer *p)
{
	struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };

	if (p->pidfd >= 0)
		return poll(&pfd, 1, 0) == 1;
	return kill(p->pid, 0) != 0 && errno == ESRCH;
}

/* Take a dead peer's readers offline, then drop its handles. */
static void
peer_release(struct mim_mp_peer *p)
{
	uint32_t i;

	if (!p->dead) {
		/* A process that held nothing ended as it should have. */
		if (p->nb_c != 0 || p->nb_h != 0)
			MIM_LOG(WARNING, "secondary process %d is gone: %u reader thread ids go offline, %u tables' handles are dropped",
				p->pid, p->nb_c, p->nb_h);
		else
			MIM_LOG(INFO, "secondary process %d is gone",
				p->pid);
		nb_dead_peers++;
		p->dead = true;
	}
	mim_lock();
	for (i = 0; i < p->nb_c; i++)
		/* The variable may be gone if the primary detached it. */
		if (mim_rcu_attached(p->c[i].v)) {
			rte_rcu_qsbr_thread_offline(p->c[i].v, p->c[i].tid);
			rte_rcu_qsbr_thread_unregister(p->c[i].v, p->c[i].tid);
			nb_dead_readers++;
		}
	mim_unlock();
	p->nb_c = 0;
	while (p->nb_h != 0) {
		struct handle *h = &p->h[p->nb_h - 1];
		int ret = mim_close(h->id);

		/* EBUSY: the release must wait for room; next time. */
		if (ret == -EBUSY)
			return;
		nb_dead_handles++;
		if (ret != 0 || --h->n == 0)
			p->nb_h--;
	}
	if (p->pidfd >= 0)
		close(p->pidfd);
	/* Its bounce buffer, which it can no longer free. */
	rte_free(p->buf);
	free(p->h);
	free(p->c);
	memset(p, 0, sizeof(*p));
}

int
mim_mp_peers_reap(void)
{
	struct mim_mp_peer *p;
	int n = 0;

	for (p = peers; p < peers + MIM_MP_PEERS_MAX; p++) {
		if (p->name[0] == '\0' || (!p->dead && !peer_dead(p)))
			continue;
		n += !p->dead;
		peer_release(p);
	}
	return n;
}

void
mim_mp_peer_counts(struct mim_mp_stats *st)
{
	const struct mim_mp_peer *p;
	uint32_t i;

	for (p = peers; p < peers + MIM_MP_PEERS_MAX; p++) {
		if (p->name[0] == '\0' || p->dead)
			continue;
		st->nb_peers++;
		st->nb_claims += p->nb_c;
		for (i = 0; i < p->nb_h; i++)
			st->nb_handles += p->h[i].n;
	}
	st->nb_dead_peers = nb_dead_peers;
	st->nb_dead_readers = nb_dead_readers;
	st->nb_dead_handles = nb_dead_handles;
}

/* ---- public calls ------------------------------------------------------ */

int
mim_mp_peers_check(void)
{
	int n;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_refuse(__func__);
	mim_mp_peers_lock();
	n = mim_mp_peers_reap();
	mim_mp_peers_unlock();
	return n;
}

int
mim_mp_get_stats(struct mim_mp_stats *st)
{
	struct mim_mp_stats s;
	size_t n;
	int ret;

	mim_err_enter(__func__);
	if (st == NULL)
		return mim_err(EINVAL, "stats is NULL");
	ret = MIM_OPTS_CHECK(st, mim_mp_stats);
	if (ret != 0)
		return ret;
	if (mim_mp_secondary())
		return mim_mp_fwd_sized(MIM_MP_MP_STATS, 0, st, st->sz);
	/* The server's thread holds the peers' lock while it runs a
	 * request: from it, this call must not take the lock again.
	 */
	memset(&s, 0, sizeof(s));
	if (!mim_mp_in_server())
		mim_mp_peers_lock();
	mim_mp_peer_counts(&s);
	if (!mim_mp_in_server())
		mim_mp_peers_unlock();
	s.nb_requests = mim_mp_nb_requests;
	s.nb_refused = mim_mp_nb_refused;
	n = RTE_MIN(st->sz, sizeof(s)) - sizeof(s.sz);
	memcpy((uint8_t *)st + sizeof(st->sz), (uint8_t *)&s + sizeof(s.sz), n);
	return 0;
}

int
mim_mp_rcu_qsbr_get(uint32_t idx, struct rte_rcu_qsbr **v)
{
	mim_err_enter(__func__);
	if (v == NULL)
		return mim_err(EINVAL, "v is NULL");
	if (mim_mp_secondary())
		return mim_mp_fwd_out(MIM_MP_QSBR_GET, (int)idx, v, sizeof(*v));
	mim_lock();
	*v = mim_rcu_var(idx);
	mim_unlock();
	return *v != NULL ? 0 :
		mim_err(ENOENT, "no QSBR variable is attached at index %u", idx);
}

int
mim_mp_reader_claim(struct rte_rcu_qsbr *v, unsigned int thread_id)
{
	mim_err_enter(__func__);
	if (v == NULL)
		return mim_err(EINVAL, "QSBR variable is NULL");
	if (!mim_mp_secondary())
		return 0;
	return mim_mp_fwd_claim(MIM_MP_CLAIM, v, thread_id);
}

int
mim_mp_reader_unclaim(struct rte_rcu_qsbr *v, unsigned int thread_id)
{
	mim_err_enter(__func__);
	if (v == NULL)
		return mim_err(EINVAL, "QSBR variable is NULL");
	if (!mim_mp_secondary())
		return 0;
	return mim_mp_fwd_claim(MIM_MP_UNCLAIM, v, thread_id);
}
