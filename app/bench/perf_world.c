/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The lookup benchmark's structures for one (entries, tenants): the flat
 * rte_hash, the per-tenant rte_hash and rte_lpm tables, mapinmap's outer
 * tables over HASH and LPM inner tables, and the what-if prototype, all
 * holding the same entries. A structure that cannot be built says why
 * (struct world's why_* fields) and its configurations are not run.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_config.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lpm.h>
#include <rte_memzone.h>

#include <mim.h>

#include "autotest_util.h"
#include "mim_private.h"
#include "perf_common.h"

static uint32_t serial;

struct rte_hash *
perf_raw_hash(const char *prefix, uint32_t entries, uint32_t key_len)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = RTE_MAX(entries + entries / 4, 8U),
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};

	snprintf(name, sizeof(name), "%s%u", prefix, serial++);
	return rte_hash_create(&p);
}

static struct rte_lpm *
raw_lpm(uint32_t routes)
{
	char name[RTE_LPM_NAMESIZE];
	struct rte_lpm_config c = {
		.max_rules = routes,
		/* mapinmap's default for its LPM tables */
		.number_tbl8s = RTE_MIN(routes, 4096U),
	};

	snprintf(name, sizeof(name), "pl%u", serial++);
	return rte_lpm_create(name, SOCKET_ID_ANY, &c);
}

void
perf_world_free(struct world *w)
{
	uint32_t i;

	if (w->flat != NULL)
		rte_hash_free(w->flat);
	if (w->th != NULL)
		for (i = 0; i < w->t; i++)
			rte_hash_free(w->th[i]);
	if (w->tl != NULL)
		for (i = 0; i < w->t; i++)
			rte_lpm_free(w->tl[i]);
	if (w->xt != NULL)
		for (i = 0; i < w->t; i++)
			perf_xt_free(w->xt[i]);
	perf_xt_free(w->xflat);
	free(w->xt);
	free(w->th);
	free(w->tl);
	free(w->hvals);
	if (w->aot_h > 0)
		mim_close(w->aot_h);
	if (w->hot_h > 0)
		mim_close(w->hot_h);
	if (w->aot_l > 0)
		mim_close(w->aot_l);
	memset(w, 0, sizeof(*w));
}

static int
build_flat(struct world *w)
{
	struct flat_key k;
	uint32_t t, i;

	w->flat = perf_raw_hash("pflat", (uint32_t)w->n, sizeof(struct flat_key));
	if (w->flat == NULL) {
		printf("    flat rte_hash of %" PRIu64 " entries: %s\n", w->n,
		       rte_strerror(rte_errno));
		return -1;
	}
	for (t = 0; t < w->t; t++)
		for (i = 0; i < w->per; i++) {
			k.tenant = t;
			k.key = hkey(t, i);
			if (rte_hash_add_key_data(w->flat, &k,
				&w->hvals[(uint64_t)t * w->per + i]) != 0) {
				printf("    flat rte_hash: add failed\n");
				return -1;
			}
		}
	w->have_flat = true;
	return 0;
}

/* Per-tenant rte_hash: how far it goes is part of the result. */
static void
build_th(struct world *w)
{
	uint32_t t, i, k;

	w->th = calloc(w->t, sizeof(*w->th));
	for (t = 0; t < w->t; t++) {
		w->th[t] = perf_raw_hash("pt", w->per, sizeof(uint32_t));
		if (w->th[t] == NULL) {
			snprintf(w->why_th, sizeof(w->why_th),
				 "rte_hash_create failed at tenant %u of %u: %s (%u memzones in use; RTE_MAX_MEMZONE %u)",
				 t + 1, w->t, rte_strerror(rte_errno),
				 mim_memzone_count(), RTE_MAX_MEMZONE);
			goto fail;
		}
	}
	for (t = 0; t < w->t; t++)
		for (i = 0; i < w->per; i++) {
			k = hkey(t, i);
			if (rte_hash_add_key_data(w->th[t], &k,
				&w->hvals[(uint64_t)t * w->per + i]) != 0) {
				snprintf(w->why_th, sizeof(w->why_th),
					 "rte_hash_add_key_data failed");
				goto fail;
			}
		}
	w->have_th = true;
	return;
fail:
	for (t = 0; t < w->t; t++)
		rte_hash_free(w->th[t]);
	free(w->th);
	w->th = NULL;
}

static int
mk_outer(enum mim_type type, uint32_t max, int tmpl)
{
	MIM_OPTS(mim_create_opts, o, .inner_id = (uint32_t)tmpl);

	return mim_create(type, NULL, 4, 4, max, &o);
}

/* The same inner tables go into an array and a hash of tables. */
static void
build_mh(struct world *w)
{
	int tmpl, *ids = calloc(w->t, sizeof(int));
	uint32_t t, i, k;
	uint64_t v;
	int ret = 0;

	tmpl = mim_create(MIM_TYPE_HASH, NULL, 4, 8, w->per, NULL);
	if (ids == NULL || tmpl < 0) {
		snprintf(w->why_mh, sizeof(w->why_mh), "template: %s",
			 mim_last_error());
		free(ids);
		return;
	}
	w->aot_h = mk_outer(MIM_TYPE_ARRAY_OF_TABLES, w->t, tmpl);
	w->hot_h = mk_outer(MIM_TYPE_HASH_OF_TABLES, w->t, tmpl);
	mim_close(tmpl);
	if (w->aot_h < 0 || w->hot_h < 0) {
		snprintf(w->why_mh, sizeof(w->why_mh), "outer tables: %s",
			 mim_last_error());
		goto out;
	}
	/* All tables first: a limit shows before hours of filling. */
	for (t = 0; t < w->t; t++) {
		ids[t] = mim_create(MIM_TYPE_HASH, NULL, 4, 8, w->per, NULL);
		if (ids[t] < 0) {
			snprintf(w->why_mh, sizeof(w->why_mh),
				 "mim_create(HASH) failed at tenant %u of %u: %s (%u memzones in use; RTE_MAX_MEMZONE %u)",
				 t + 1, w->t, mim_last_error(),
				 mim_memzone_count(), RTE_MAX_MEMZONE);
			goto out;
		}
	}
	for (t = 0; t < w->t && ret == 0; t++) {
		for (i = 0; i < w->per && ret == 0; i++) {
			k = hkey(t, i);
			v = hval(t, i);
			ret = mim_update_elem(ids[t], &k, &v, MIM_NOEXIST);
		}
		if (ret == 0)
			ret = mim_update_elem(w->aot_h, &t, &ids[t], MIM_ANY);
		if (ret == 0)
			ret = mim_update_elem(w->hot_h, &t, &ids[t], MIM_ANY);
	}
	if (ret != 0) {
		snprintf(w->why_mh, sizeof(w->why_mh), "filling: %s",
			 mim_last_error());
		goto out;
	}
	w->aot_h_dp = mim_table(w->aot_h);
	w->hot_h_dp = mim_table(w->hot_h);
	w->have_mh = true;
out:
	/* The outer slots hold the inner tables from now on. */
	for (t = 0; t < w->t; t++)
		if (ids[t] > 0)
			mim_close(ids[t]);
	free(ids);
	if (!w->have_mh) {
		if (w->aot_h > 0)
			mim_close(w->aot_h);
		if (w->hot_h > 0)
			mim_close(w->hot_h);
		w->aot_h = w->hot_h = 0;
	}
}

/* The what-if prototype, nested and flat, on the same entries. */
static void
build_xt(struct world *w)
{
	uint32_t t, i;
	int ret = 0;

	w->xt = calloc(w->t, sizeof(*w->xt));
	w->xflat = perf_xt_create((uint32_t)w->n);
	if (w->xt == NULL || w->xflat == NULL)
		return;
	for (t = 0; t < w->t && ret == 0; t++) {
		w->xt[t] = perf_xt_create(w->per);
		if (w->xt[t] == NULL)
			return;
		for (i = 0; i < w->per && ret == 0; i++) {
			const uint64_t *v = &w->hvals[(uint64_t)t * w->per + i];

			ret = perf_xt_add(w->xt[t], hkey(t, i), v);
			if (ret == 0)
				ret = perf_xt_add(w->xflat,
					((uint64_t)t << 32) | hkey(t, i), v);
		}
	}
	w->have_xt = ret == 0;
}

static bool
lpm_possible(const struct world *w, char *why, size_t len)
{
	if (w->t > perf.lpm_max_tenants) {
		snprintf(why, len,
			 "rte_lpm embeds a 64 MiB tbl24 per table: %u tenants need %u GiB (this run allows %u rte_lpm tables)",
			 w->t, (w->t * 64 + 1023) / 1024, perf.lpm_max_tenants);
		return false;
	}
	if (w->per > perf.lpm_max_routes) {
		snprintf(why, len,
			 "%u routes per table: rte_lpm_add searches its rule list linearly (quadratic load; ~4.3 s per 10^5 routes measured here so ~7 min per 10^6-route table); this run allows %u",
			 w->per, perf.lpm_max_routes);
		return false;
	}
	return true;
}

static void
build_tl(struct world *w)
{
	uint32_t t, i;

	w->tl = calloc(w->t, sizeof(*w->tl));
	for (t = 0; t < w->t; t++) {
		w->tl[t] = raw_lpm(w->per);
		if (w->tl[t] == NULL) {
			snprintf(w->why_tl, sizeof(w->why_tl),
				 "rte_lpm_create failed at tenant %u: %s",
				 t + 1, rte_strerror(rte_errno));
			goto fail;
		}
		for (i = 0; i < w->per; i++)
			if (rte_lpm_add(w->tl[t], lpm_prefix(t, i) << 8, 24,
					(uint32_t)lpm_val(t, i)) != 0) {
				snprintf(w->why_tl, sizeof(w->why_tl),
					 "rte_lpm_add failed");
				goto fail;
			}
	}
	w->have_tl = true;
	return;
fail:
	for (t = 0; t < w->t; t++)
		rte_lpm_free(w->tl[t]);
	free(w->tl);
	w->tl = NULL;
}

static void
build_ml(struct world *w)
{
	struct mim_lpm_key k = { .prefixlen = 24 };
	uint32_t t, i;
	uint64_t v;
	int tmpl, id, ret = 0;

	tmpl = mim_create(MIM_TYPE_LPM, NULL, 8, 8, w->per, NULL);
	if (tmpl < 0) {
		snprintf(w->why_ml, sizeof(w->why_ml), "template: %s",
			 mim_last_error());
		return;
	}
	w->aot_l = mk_outer(MIM_TYPE_ARRAY_OF_TABLES, w->t, tmpl);
	mim_close(tmpl);
	for (t = 0; t < w->t && ret == 0; t++) {
		id = mim_create(MIM_TYPE_LPM, NULL, 8, 8, w->per, NULL);
		if (id < 0) {
			snprintf(w->why_ml, sizeof(w->why_ml),
				 "mim_create(LPM) failed at tenant %u: %s",
				 t + 1, mim_last_error());
			ret = id;
			break;
		}
		for (i = 0; i < w->per && ret == 0; i++) {
			k.addr = rte_cpu_to_be_32(lpm_prefix(t, i) << 8);
			v = lpm_val(t, i);
			ret = mim_update_elem(id, &k, &v, MIM_NOEXIST);
		}
		if (ret == 0)
			ret = mim_update_elem(w->aot_l, &t, &id, MIM_ANY);
		if (ret != 0)
			snprintf(w->why_ml, sizeof(w->why_ml), "filling: %s",
				 mim_last_error());
		mim_close(id);
	}
	if (ret != 0) {
		mim_close(w->aot_l);
		w->aot_l = 0;
		return;
	}
	w->aot_l_dp = mim_table(w->aot_l);
	w->have_ml = true;
}

int
perf_world_build(struct world *w, bool with_xt)
{
	uint32_t t, i;

	w->per = (uint32_t)(w->n / w->t);
	w->n = (uint64_t)w->per * w->t;
	w->hvals = malloc(w->n * sizeof(uint64_t));
	if (w->hvals == NULL) {
		printf("    out of memory for %" PRIu64 " entries\n", w->n);
		return -1;
	}
	for (t = 0; t < w->t; t++)
		for (i = 0; i < w->per; i++)
			w->hvals[(uint64_t)t * w->per + i] = hval(t, i);
	if (build_flat(w) != 0)
		return -1;
	build_mh(w);
	build_th(w);
	if (with_xt)
		build_xt(w);
	/* mapinmap's LPM tables up to lpm_grid_routes; rte_lpm's where they fit. */
	if (w->n <= perf.lpm_grid_routes)
		build_ml(w);
	else
		snprintf(w->why_ml, sizeof(w->why_ml),
			 "grid LPM tables up to %u routes in all (MIM_PERF_LPM_GRID_ROUTES): 10^7 in 10000 tables loaded for over 10 min here (rte_zmalloc in mim_update_elem); see the lpm_* rows",
			 perf.lpm_grid_routes);
	if (lpm_possible(w, w->why_tl, sizeof(w->why_tl)))
		build_tl(w);
	return 0;
}
