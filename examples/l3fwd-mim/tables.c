/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Tenant tables on mapinmap. An inner table is never changed in place: a
 * new routing for a tenant is a new LPM table, filled while no reader can
 * see it, then published with one mim_update_elem_sz() on the tenant's outer
 * slot. A lookup therefore uses the old table or the new one, never a mix.
 * The application keeps no handle on inner tables: the outer slots hold
 * them, and the one replaced is released by the library after a grace
 * period (main.c calls mim_reclaim()).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include <mim.h>

#include "tables.h"

#define OUTER_NAME "l3fwd_tenants"

struct tenant_state {
	char table[CFG_TABLE_NAMESIZE];  /* "" when the slot is empty */
	uint32_t nb_routes;
	uint32_t generation;
};

struct tables {
	pthread_mutex_t lock;
	char *path;
	unsigned int cfg_flags;          /* config_load()'s, for reloads */
	const struct config *cfg;        /* next hops of the data path */
	mim_id_t outer_id;
	const struct mim_table *outer;
	mim_id_t baseline_id;            /* tables_baseline()'s, or 0 */
	uint32_t generation;             /* of the last inner table built */
	struct tenant_state tenant[CFG_MAX_TENANTS];
};

static int __attribute__((format(printf, 4, 5)))
fail(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * tbl8 groups for ct: rte_lpm takes one per /24 that holds a route longer
 * than /24 when routes are only added, as here (a table is never changed
 * once built: a reload builds a new one). One in 64 more and one more as a
 * margin, at 1 KiB a group; never 0, which asks for the library's default.
 */
static uint32_t
table_tbl8(const struct cfg_table *ct)
{
	return ct->nb_tbl8 + ct->nb_tbl8 / 64 + 1;
}

/* A new inner table holding the routes of ct; its ID (one handle held). */
static mim_id_t
table_build(struct tables *t, const struct config *cfg,
	    const struct cfg_table *ct, char *err, size_t errlen)
{
	MIM_OPTS(mim_create_opts, o, .lpm_tbl8_groups = table_tbl8(ct));
	char name[MIM_NAMESIZE];
	mim_id_t id;
	uint32_t i;
	int ret;

	/* The library's name, unique per build; messages use the file's. */
	snprintf(name, sizeof(name), "%s.%u", ct->name, ++t->generation);
	/* Sized to its routes: a reload builds a new table anyway. */
	id = mim_create(MIM_TYPE_LPM, name, sizeof(struct mim_lpm_key),
			sizeof(uint32_t), RTE_MAX(ct->nb_routes, 1U), &o);
	if (id < 0)
		return fail(id, err, errlen,
			    "%s:%u: table %s (%u routes, %u tbl8 groups): cannot create its LPM table: %s",
			    cfg->path, ct->line, ct->name, ct->nb_routes,
			    o.lpm_tbl8_groups, mim_last_error());
	for (i = 0; i < ct->nb_routes; i++) {
		const struct cfg_route *r = &ct->routes[i];
		struct mim_lpm_key key = {
			.prefixlen = r->depth,
			.addr = rte_cpu_to_be_32(r->addr),
		};
		struct in_addr a = { .s_addr = key.addr };

		ret = mim_update_elem_sz(id, &key, sizeof(key), &r->nexthop,
					 sizeof(r->nexthop), MIM_NOEXIST);
		if (ret < 0) {
			fail(ret, err, errlen, "%s:%u: route %s/%u of table %s: %s",
			     cfg->path, r->line, inet_ntoa(a), r->depth,
			     ct->name, mim_last_error());
			mim_close(id);
			return ret;
		}
	}
	return id;
}

/* Put inner table id into tenant's slot: one release store. */
static int
slot_install(struct tables *t, uint32_t tenant, mim_id_t id,
	     const struct cfg_table *ct, char *err, size_t errlen)
{
	struct tenant_state *ts = &t->tenant[tenant];
	int ret;

	/* An ID is an outer table's 4-byte value as it is. */
	ret = mim_update_elem_sz(t->outer_id, &tenant, sizeof(tenant), &id,
				 sizeof(id), MIM_ANY);
	if (ret < 0)
		return fail(ret, err, errlen, "tenant %u: %s", tenant,
			    mim_last_error());
	snprintf(ts->table, sizeof(ts->table), "%s", ct->name);
	ts->nb_routes = ct->nb_routes;
	ts->generation = t->generation;
	return 0;
}

/* Build ct and install it for every tenant cfg binds to it. */
static int
table_apply(struct tables *t, const struct config *cfg, uint32_t table_idx,
	    uint32_t *nb_slots, char *err, size_t errlen)
{
	const struct cfg_table *ct = &cfg->tables[table_idx];
	mim_id_t id;
	uint32_t u;
	int ret = 0;

	*nb_slots = 0;
	id = table_build(t, cfg, ct, err, errlen);
	if (id < 0)
		return id;
	for (u = 0; u < CFG_MAX_TENANTS && ret == 0; u++) {
		if (cfg->tenant_table[u] != table_idx)
			continue;
		ret = slot_install(t, u, id, ct, err, errlen);
		if (ret == 0)
			(*nb_slots)++;
	}
	if (ret < 0 && *nb_slots > 0) {
		size_t n = strlen(err);

		snprintf(err + n, errlen - n,
			 " (after %u slots were updated)", *nb_slots);
	}
	/* The slots hold the table now; drop the creation handle. */
	mim_close(id);
	return ret;
}

static bool
table_used(const struct config *cfg, uint32_t table_idx)
{
	uint32_t u;

	for (u = 0; u < CFG_MAX_TENANTS; u++)
		if (cfg->tenant_table[u] == table_idx)
			return true;
	return false;
}

static int
outer_create(struct tables *t, char *err, size_t errlen)
{
	mim_id_t tmpl;

	/* The template: what every tenant's table must look like. Only its
	 * shape is kept by the outer table, so it is closed at once.
	 */
	tmpl = mim_create(MIM_TYPE_LPM, NULL, sizeof(struct mim_lpm_key),
			  sizeof(uint32_t), 1, NULL);
	if (tmpl < 0)
		return fail(tmpl, err, errlen, "cannot create template: %s",
			    mim_last_error());
	MIM_OPTS(mim_create_opts, o, .inner_id = tmpl);
	t->outer_id = mim_create(MIM_TYPE_ARRAY_OF_TABLES, OUTER_NAME,
				 sizeof(uint32_t), sizeof(uint32_t),
				 CFG_MAX_TENANTS, &o);
	if (t->outer_id < 0)
		fail(t->outer_id, err, errlen, "cannot create outer table: %s",
		     mim_last_error());
	mim_close(tmpl);
	if (t->outer_id < 0)
		return t->outer_id;
	t->outer = mim_table(t->outer_id);
	return 0;
}

struct tables *
tables_create(const char *path, unsigned int cfg_flags,
	      const struct config *cfg, char *err, size_t errlen)
{
	struct tables *t;
	uint32_t i, nb_slots;

	t = calloc(1, sizeof(*t));
	if (t == NULL || (t->path = strdup(path)) == NULL) {
		free(t);
		fail(-ENOMEM, err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->cfg_flags = cfg_flags;
	t->cfg = cfg;
	if (outer_create(t, err, errlen) < 0) {
		free(t->path);
		free(t);
		return NULL;
	}
	for (i = 0; i < cfg->nb_tables; i++) {
		if (!table_used(cfg, i))
			continue;
		if (table_apply(t, cfg, i, &nb_slots, err, errlen) < 0) {
			tables_destroy(t);
			return NULL;
		}
	}
	return t;
}

const struct mim_table *
tables_outer(const struct tables *t)
{
	return t->outer;
}

const struct mim_table *
tables_baseline(struct tables *t, const char *name, uint32_t *tenant,
		char *err, size_t errlen)
{
	const struct config *cfg = t->cfg;
	const struct mim_table *tbl = NULL;
	uint32_t i, u;
	mim_id_t id;

	for (i = 0; i < cfg->nb_tables; i++)
		if (strcmp(cfg->tables[i].name, name) == 0)
			break;
	if (i == cfg->nb_tables) {
		fail(-EINVAL, err, errlen, "--baseline-lpm: no table '%s' in %s",
		     name, t->path);
		return NULL;
	}
	for (u = 0; u < CFG_MAX_TENANTS; u++)
		if (cfg->tenant_table[u] == i)
			break;
	if (u == CFG_MAX_TENANTS) {
		fail(-EINVAL, err, errlen,
		     "--baseline-lpm: no tenant uses table '%s'", name);
		return NULL;
	}
	pthread_mutex_lock(&t->lock);
	if (t->baseline_id > 0) {
		fail(-EEXIST, err, errlen, "--baseline-lpm: already built");
	} else {
		id = table_build(t, cfg, &cfg->tables[i], err, errlen);
		if (id > 0) {
			t->baseline_id = id;
			tbl = mim_table(id);
			*tenant = u;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return tbl;
}

/* Locked. */
static void
tenant_info(struct tables *t, uint32_t tenant, struct tenant_info *info)
{
	const struct tenant_state *ts = &t->tenant[tenant];
	uint32_t id = 0;

	memset(info, 0, sizeof(*info));
	info->tenant = tenant;
	info->present = mim_lookup_elem_sz(t->outer_id, &tenant, sizeof(tenant),
					   &id, sizeof(id)) == 0;
	if (!info->present)
		return;
	info->table_id = id;
	snprintf(info->table, sizeof(info->table), "%s", ts->table);
	info->nb_routes = ts->nb_routes;
	info->generation = ts->generation;
}

/* Locked. Empty the tenant's slot. */
static int
slot_clear(struct tables *t, uint32_t tenant, char *err, size_t errlen)
{
	int ret;

	ret = mim_delete_elem_sz(t->outer_id, &tenant, sizeof(tenant));
	if (ret == -ENOENT)
		return fail(ret, err, errlen,
			    "%s: tenant %u is neither in the file nor running",
			    t->path, tenant);
	if (ret < 0)
		return fail(ret, err, errlen, "tenant %u: %s", tenant,
			    mim_last_error());
	memset(&t->tenant[tenant], 0, sizeof(t->tenant[tenant]));
	return 0;
}

int
tables_reload(struct tables *t, uint32_t tenant, struct reload_result *res,
	      char *err, size_t errlen)
{
	struct tenant_info before;
	struct config *cfg;
	int ret;

	memset(res, 0, sizeof(*res));
	if (tenant >= CFG_MAX_TENANTS)
		return fail(-EINVAL, err, errlen, "tenant %u: 0 to %d", tenant,
			    CFG_MAX_TENANTS - 1);
	pthread_mutex_lock(&t->lock);
	tenant_info(t, tenant, &before);
	cfg = config_load(t->path, t->cfg_flags, err, errlen);
	if (cfg == NULL) {
		ret = -EINVAL;
	} else if (!config_nexthops_equal(t->cfg, cfg)) {
		ret = fail(-EINVAL, err, errlen,
			   "%s: next hops differ from those loaded at start (they cannot change while running)",
			   t->path);
	} else if (cfg->tenant_table[tenant] == CFG_NO_TABLE) {
		ret = slot_clear(t, tenant, err, errlen);
		res->nb_slots = ret == 0;
	} else {
		ret = table_apply(t, cfg, cfg->tenant_table[tenant],
				  &res->nb_slots, err, errlen);
	}
	tenant_info(t, tenant, &res->info);
	if (res->info.table_id != before.table_id)
		res->old_table_id = before.table_id;
	pthread_mutex_unlock(&t->lock);
	config_free(cfg);
	return ret;
}

int
tables_tenant_info(struct tables *t, uint32_t tenant, struct tenant_info *info)
{
	if (tenant >= CFG_MAX_TENANTS)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	tenant_info(t, tenant, info);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

void
tables_destroy(struct tables *t)
{
	if (t == NULL)
		return;
	/* Closing the outer table drops its slots' references: the inner
	 * tables are retired with it.
	 */
	if (t->outer_id > 0)
		mim_close(t->outer_id);
	if (t->baseline_id > 0)
		mim_close(t->baseline_id);
	pthread_mutex_destroy(&t->lock);
	free(t->path);
	free(t);
}
