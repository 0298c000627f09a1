/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * What each kind of table costs in DPDK memzones and heap (guide:
 * sizing.rst): the counts the guide gives are checked here.
 *
 *   doc-sizing --no-huge --no-pci -m 512 --no-shconf -l 0
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>

#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "check.h"

static void
count(const struct rte_memzone *mz, void *arg)
{
	RTE_SET_USED(mz);
	(*(unsigned int *)arg)++;
}

/* Memzones of the whole process. */
static unsigned int
memzones(void)
{
	unsigned int n = 0;

	rte_memzone_walk(count, &n);
	return n;
}

static struct mim_table_info
info(mim_id_t id)
{
	struct mim_table_info i;

	CHECK(mim_get_info(id, &i));
	return i;
}

int
main(int argc, char **argv)
{
	struct rte_rcu_qsbr *v;
	struct mim_stats st;
	unsigned int mz0, mz1;
	uint32_t k = 1, val = 1;
	mim_id_t arr, aot, hash, hash_np, hot, lpm, lpm2, tmpl;

	if (rte_eal_init(argc, argv) < 0)
		return 1;

	/* [memzones] */
	arr = CHECK(mim_create(MIM_TYPE_ARRAY, NULL, 4, 4, 1024, NULL));
	hash = CHECK(mim_create(MIM_TYPE_HASH, NULL, 4, 4, 1024, NULL));
	lpm = CHECK(mim_create(MIM_TYPE_LPM, NULL, 8, 4, 1024, NULL));
	ASSERT(info(arr).memzones == 0);        /* rte_malloc only */
	ASSERT(info(hash).memzones == 0);       /* rte_malloc only */
	ASSERT(info(lpm).memzones == 0);        /* rte_malloc only */
	/* An empty LPM table is its header and a one-entry index. */
	ASSERT(info(lpm).mem_bytes <= 4096);
	/* 1024 values of 4 bytes, each in an 8-byte slot. */
	ASSERT(info(arr).mem_bytes >= 8192 && info(arr).mem_bytes < 16384);
	/* [memzones end] */

	/* [value pools] */
	/* A HASH table preallocates its values (max_entries, plus spares for
	 * values waiting for readers) in its own memory. With
	 * MIM_F_NO_PREALLOC they come from shared pools instead: the first
	 * value of a size class creates a shared rte_mempool.
	 */
	MIM_OPTS(mim_create_opts, np, .map_flags = MIM_F_NO_PREALLOC);
	hash_np = CHECK(mim_create(MIM_TYPE_HASH, NULL, 4, 4, 1024, &np));
	CHECK(mim_update_elem_sz(hash, &k, sizeof(k), &val, sizeof(val),
				 MIM_ANY));
	CHECK(mim_get_stats(&st));
	ASSERT(st.value_pools == 0);
	mz0 = memzones();
	CHECK(mim_update_elem_sz(hash_np, &k, sizeof(k), &val, sizeof(val),
				 MIM_ANY));
	mz1 = memzones();
	CHECK(mim_get_stats(&st));
	ASSERT(st.value_pools == 1);
	printf("value pool: %u memzones\n", mz1 - mz0);
	ASSERT(mz1 - mz0 >= 2 && mz1 - mz0 <= 4);
	/* [value pools end] */

	/* [rcu memzones] */
	v = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(4), RTE_CACHE_LINE_SIZE);
	ASSERT(v != NULL);
	rte_rcu_qsbr_init(v, 4);
	mz0 = memzones();
	CHECK(mim_rcu_qsbr_add(v));
	/* One shared defer queue for the variable; tables take none. */
	ASSERT(memzones() - mz0 == 1);
	ASSERT(info(lpm).memzones == 0);
	lpm2 = CHECK(mim_create(MIM_TYPE_LPM, NULL, 8, 4, 1024, NULL));
	ASSERT(info(lpm2).memzones == 0);
	/* Outer tables: rte_malloc only, as arrays and hash tables. */
	MIM_OPTS(mim_create_opts, o, .inner_id = lpm);
	aot = CHECK(mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4, 4096, &o));
	hot = CHECK(mim_create(MIM_TYPE_HASH_OF_TABLES, NULL, 4, 4, 4096, &o));
	ASSERT(info(aot).memzones == 0 && info(hot).memzones == 0);
	/* [rcu memzones end] */

	tmpl = lpm;
	CHECK(mim_close(arr));
	CHECK(mim_close(hash));
	CHECK(mim_close(hash_np));
	CHECK(mim_close(tmpl));
	CHECK(mim_close(lpm2));
	CHECK(mim_close(aot));
	CHECK(mim_close(hot));
	mim_reclaim();
	CHECK(mim_get_stats(&st));
	ASSERT(st.nb_tables == 0 && st.nb_dying == 0 && st.value_pools == 0);
	CHECK(mim_rcu_qsbr_remove(v));
	rte_free(v);
	printf("sizing: ok\n");
	rte_eal_cleanup();
	return 0;
}
