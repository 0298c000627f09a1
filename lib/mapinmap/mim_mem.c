/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Allocation: every allocation the library makes on a create or update path
 * goes through here (or calls mim_fault() just before a DPDK create call),
 * so that a fault-injection build can make any one of them fail.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_memzone.h>
#include <rte_spinlock.h>

#include "mim_private.h"
#include "mim_fault.h"

#ifdef MIM_FAULT_INJECTION
static uint64_t fault_countdown;  /* 0: off; n: the n-th point fails */
static uint64_t fault_points;     /* points passed since the last arm */
static uint64_t fault_stall;      /* cycles; see mim_fault_stall() */

void
mim_fault_set_stall(uint64_t cycles)
{
	fault_stall = cycles;
}

void
mim_fault_stall(void)
{
	uint64_t end = rte_rdtsc() + fault_stall;

	while (fault_stall != 0 && rte_rdtsc() < end)
		rte_pause();
}

void
mim_fault_arm(uint64_t nth)
{
	fault_countdown = nth;
	fault_points = 0;
}

uint64_t
mim_fault_points(void)
{
	return fault_points;
}

bool
mim_fault(void)
{
	fault_points++;
	if (fault_countdown == 0)
		return false;
	if (--fault_countdown != 0)
		return false;
	return true;
}
#else
bool
mim_fault(void)
{
	return false;
}

void
mim_fault_stall(void)
{
}
#endif

void *
mim_zmalloc(size_t size, int socket_id)
{
	if (mim_fault())
		return NULL;
	return rte_zmalloc_socket("mapinmap", size, RTE_CACHE_LINE_SIZE,
				  socket_id);
}

void
mim_poison(void *p, size_t len)
{
#ifdef MIM_POISON
	memset(p, MIM_POISON_BYTE, len);
#else
	RTE_SET_USED(p);
	RTE_SET_USED(len);
#endif
}

/* rte_free(), poisoning first in poison builds. */
static void
free_now(void *p)
{
#ifdef MIM_POISON
	size_t len;

	/* A reader that kept a pointer past its grace period now reads
	 * poison, which fails any check, instead of plausible stale data.
	 */
	if (p != NULL && rte_malloc_validate(p, &len) == 0)
		mim_poison(p, len);
#endif
	rte_free(p);
}

/*
 * Deferred frees. rte_free() zeroes the block it frees (so that
 * rte_zmalloc() need not), about 35 us per MiB here: freeing a replaced
 * 10^5-entry table's 5 MB under the library mutex kept every other
 * control-plane call waiting that long. While a released table is
 * destroyed, its blocks of MIM_FREE_DEFER_MIN bytes or more go on this
 * list instead, linked through their own first bytes (dead memory), and
 * are freed after the mutex is released, one block per step
 * (mim_free_drain()). The list has its own spinlock: it is pushed under
 * the mutex and drained without it, possibly by two threads at once.
 */
struct dfree {
	struct dfree *next;
	size_t len;
};

static rte_spinlock_t dfree_lock = RTE_SPINLOCK_INITIALIZER;
static struct dfree *dfree_head, *dfree_tail;   /* under dfree_lock */
static uint64_t dfree_bytes;                    /* under dfree_lock */
static bool dfree_on;                           /* under the mutex */

struct mim_free_stats mim_free_stats;           /* under dfree_lock */
void (*mim_free_step_hook)(size_t len);

void
mim_free_defer(bool on)
{
	dfree_on = on;
}

void
mim_free(void *p)
{
	struct dfree *d = p;
	size_t len;

	if (p == NULL)
		return;
	if (!dfree_on || rte_malloc_validate(p, &len) != 0 ||
	    len < MIM_FREE_DEFER_MIN) {
		free_now(p);
		return;
	}
	d->next = NULL;
	d->len = len;
	rte_spinlock_lock(&dfree_lock);
	if (dfree_tail != NULL)
		dfree_tail->next = d;
	else
		dfree_head = d;
	dfree_tail = d;
	dfree_bytes += len;
	mim_free_stats.deferred_bytes += len;
	rte_spinlock_unlock(&dfree_lock);
}

uint64_t
mim_free_pending(void)
{
	/* Relaxed: a hint whether to take the lock; pairs with nothing
	 * (the drain reads the list under dfree_lock).
	 */
	return __atomic_load_n(&dfree_bytes, __ATOMIC_RELAXED);
}

uint64_t
mim_free_drain(uint64_t budget)
{
	uint64_t done = 0;
	struct dfree *d;
	size_t len;

	while (done < budget && mim_free_pending() != 0) {
		rte_spinlock_lock(&dfree_lock);
		d = dfree_head;
		/* The budget is not exceeded, but for a first block. */
		if (d != NULL && done != 0 && d->len > budget - done)
			d = NULL;
		if (d != NULL) {
			dfree_head = d->next;
			if (dfree_head == NULL)
				dfree_tail = NULL;
			dfree_bytes -= d->len;
		}
		rte_spinlock_unlock(&dfree_lock);
		if (d == NULL)
			break;
		len = d->len;
		if (mim_free_step_hook != NULL)
			mim_free_step_hook(len);
		free_now(d);
		rte_spinlock_lock(&dfree_lock);
		mim_free_stats.steps++;
		mim_free_stats.freed_bytes += len;
		mim_free_stats.max_step_bytes =
			RTE_MAX(mim_free_stats.max_step_bytes, (uint64_t)len);
		rte_spinlock_unlock(&dfree_lock);
		done += len;
	}
	return done;
}

void *
mim_calloc(size_t nmemb, size_t size)
{
	if (mim_fault())
		return NULL;
	return calloc(nmemb, size);
}

uint64_t
mim_heap_allocated(void)
{
	struct rte_malloc_socket_stats st;
	uint64_t total = 0;
	unsigned int s;

	for (s = 0; s < RTE_MAX_NUMA_NODES; s++)
		if (rte_malloc_get_socket_stats(s, &st) == 0)
			total += st.heap_allocsz_bytes;
	return total;
}

static void
count_mz(const struct rte_memzone *mz __rte_unused, void *arg)
{
	(*(uint32_t *)arg)++;
}

uint32_t
mim_memzone_count(void)
{
	uint32_t n = 0;

	rte_memzone_walk(count_mz, &n);
	return n;
}

uint64_t
mim_serial(void)
{
	static uint64_t serial;

	return ++serial;
}
