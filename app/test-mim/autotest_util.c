/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#include <stdio.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"

#define MAX_QSBR 8

static struct {
	struct rte_rcu_qsbr *v;
	uint32_t max_threads;
} qsbr[MAX_QSBR];

struct rte_rcu_qsbr *
autotest_qsbr(uint32_t max_threads)
{
	size_t sz = rte_rcu_qsbr_get_memsize(max_threads);
	struct rte_rcu_qsbr *v;
	unsigned int i;

	for (i = 0; i < MAX_QSBR && qsbr[i].v != NULL; i++)
		;
	if (i == MAX_QSBR)
		return NULL;
	v = rte_zmalloc("test_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (v == NULL)
		return NULL;
	if (rte_rcu_qsbr_init(v, max_threads) != 0 ||
	    mim_rcu_qsbr_add(v) != 0) {
		printf("    cannot attach a QSBR variable: %s\n",
		       mim_last_error());
		rte_free(v);
		return NULL;
	}
	qsbr[i].v = v;
	qsbr[i].max_threads = max_threads;
	return v;
}

void
autotest_reader_online(struct rte_rcu_qsbr *v, unsigned int id)
{
	rte_rcu_qsbr_thread_register(v, id);
	rte_rcu_qsbr_thread_online(v, id);
}

void
autotest_qsbr_release_all(void)
{
	unsigned int i, t;

	for (i = 0; i < MAX_QSBR; i++)
		if (qsbr[i].v != NULL)
			for (t = 0; t < qsbr[i].max_threads; t++) {
				rte_rcu_qsbr_thread_offline(qsbr[i].v, t);
				rte_rcu_qsbr_thread_unregister(qsbr[i].v, t);
			}
	mim_reclaim();
	for (i = 0; i < MAX_QSBR; i++) {
		if (qsbr[i].v == NULL)
			continue;
		if (mim_rcu_qsbr_remove(qsbr[i].v) != 0)
			printf("    cannot detach a QSBR variable: %s\n",
			       mim_last_error());
		rte_free(qsbr[i].v);
		qsbr[i].v = NULL;
	}
	/* Back to the default mode for the next case. */
	mim_rcu_configure(NULL);
}

int
autotest_info(int id, struct mim_table_info *info)
{
	return mim_get_info(id, info);
}
