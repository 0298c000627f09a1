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

void
mim_free(void *p)
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
