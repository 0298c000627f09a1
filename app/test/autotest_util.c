/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#include <stdio.h>

#include <inttypes.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>
#include <mim_bpf.h>

#include "autotest.h"
#include "autotest_util.h"
#include "mim_private.h"

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

void
autotest_close_all(void)
{
	struct mim_table_info info;
	uint32_t id = 0;

	while (mim_get_next_id(id, &id) == 0)
		if (mim_get_info((int)id, &info) == 0)
			while (info.handles-- > 0)
				mim_close((int)id);
}

const struct mim_bpf_map *
autotest_bpf_map(const struct mim_bpf_map *m, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(m[i].name, name) == 0)
			return &m[i];
	return NULL;
}

void
autotest_bpf_close(const struct mim_bpf_map *m, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (m[i].id > 0)
			mim_close(m[i].id);
}

int
autotest_outer(enum mim_type type, const char *name, uint32_t max, int tmpl)
{
	MIM_OPTS(mim_create_opts, o, .inner_id = (uint32_t)tmpl);

	return mim_create(type, name, 4, 4, max, &o);
}

int
autotest_put(int outer, uint32_t slot, int id)
{
	uint32_t v = (uint32_t)id;

	return mim_update_elem(outer, &slot, &v, MIM_ANY);
}

static uint64_t
fnv(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len-- > 0)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

/* Digest a table's entries (keys and values), in iteration order. */
static uint64_t
digest_entries(int id, const struct mim_table_info *info, uint64_t h)
{
	static uint8_t key[MIM_KEY_SIZE_MAX], next[MIM_KEY_SIZE_MAX];
	static uint8_t val[1U << 16];
	const void *cur = NULL;
	size_t vs = info->value_size;

	/* A per-lcore array's or hash's value: every lcore's copy. */
	if (info->type == MIM_TYPE_PERCPU_ARRAY ||
	    info->type == MIM_TYPE_PERCPU_HASH)
		vs = (size_t)mim_percpu_nb_copies() * ((vs + 7) & ~(size_t)7);
	if (vs > sizeof(val))
		return h;
	while (mim_get_next_key(id, cur, next) == 0) {
		memcpy(key, next, info->key_size);
		h = fnv(h, key, info->key_size);
		if (mim_lookup_elem(id, key, val) == 0)
			h = fnv(h, val, vs);
		cur = key;
	}
	return h;
}

void
autotest_snapshot(struct autotest_snap *s)
{
	struct mim_table_info info;
	struct mim_rcu_stats rs;
	uint32_t id = 0;

	memset(s, 0, sizeof(*s));
	s->digest = 0xcbf29ce484222325ULL;
	while (mim_get_next_id(id, &id) == 0) {
		if (mim_get_info((int)id, &info) != 0)
			continue;
		s->tables++;
		/* Only what a failed call must not change: not the
		 * counters of calls, nor memory estimates.
		 */
		s->digest = fnv(s->digest, &info.id, sizeof(info.id));
		s->digest = fnv(s->digest, info.name, sizeof(info.name));
		s->digest = fnv(s->digest, &info.refcnt, sizeof(info.refcnt));
		s->digest = fnv(s->digest, &info.handles, sizeof(info.handles));
		s->digest = fnv(s->digest, &info.nb_entries,
				sizeof(info.nb_entries));
		s->digest = digest_entries((int)id, &info, s->digest);
	}
	mim_rcu_get_stats(&rs);
	s->pending = rs.pending;
	s->heap = mim_heap_allocated();
	s->memzones = mim_memzone_count();
}

int
autotest_snap_diff(const struct autotest_snap *a, const struct autotest_snap *b)
{
	int diff = 0;

	if (a->tables != b->tables || a->digest != b->digest) {
		printf("    tables: %u -> %u, contents/references %s\n",
		       a->tables, b->tables,
		       a->digest == b->digest ? "same" : "changed");
		diff = 1;
	}
	if (a->pending != b->pending) {
		printf("    pending releases: %u -> %u\n", a->pending, b->pending);
		diff = 1;
	}
	if (a->heap != b->heap || a->memzones != b->memzones) {
		printf("    heap %+" PRId64 " bytes, %+d memzones\n",
		       (int64_t)(b->heap - a->heap),
		       (int)b->memzones - (int)a->memzones);
		diff = 1;
	}
	return diff;
}
