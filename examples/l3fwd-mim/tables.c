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
#define OUTER6_NAME "l3fwd_tenants6"

enum family { FAM_IPV4, FAM_IPV6, FAM_MAX };

struct tenant_state {
	char table[CFG_TABLE_NAMESIZE];  /* "" when the slot is empty */
	uint32_t nb_routes;
	uint32_t nb_routes6;
	uint32_t generation;
};

struct tables {
	pthread_mutex_t lock;
	char *path;
	unsigned int cfg_flags;          /* config_load()'s, for reloads */
	const struct config *cfg;        /* next hops of the data path */
	mim_id_t outer_id[FAM_MAX];
	const struct mim_table *outer[FAM_MAX];
	mim_id_t baseline_id[FAM_MAX];   /* tables_baseline()'s, or 0 */
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

static mim_id_t
table_fill4(mim_id_t id, const struct config *cfg, const struct cfg_table *ct,
	    char *err, size_t errlen)
{
	uint32_t i;
	int ret;

	for (i = 0; i < ct->nb_routes; i++) {
		const struct cfg_route *r = &ct->routes[i];
		struct mim_lpm_key key = {
			.prefixlen = r->depth,
			.addr = rte_cpu_to_be_32(r->addr),
		};
		struct in_addr a = { .s_addr = key.addr };

		ret = mim_update_elem_sz(id, &key, sizeof(key), &r->nexthop,
					 sizeof(r->nexthop), MIM_NOEXIST);
		if (ret < 0)
			return fail(ret, err, errlen, "%s:%u: route %s/%u of table %s: %s",
				    cfg->path, r->line, inet_ntoa(a), r->depth,
				    ct->name, mim_last_error());
	}
	return id;
}

static mim_id_t
table_fill6(mim_id_t id, const struct config *cfg, const struct cfg_table *ct,
	    char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN];
	uint32_t i;
	int ret;

	for (i = 0; i < ct->nb_routes6; i++) {
		const struct cfg_route6 *r = &ct->routes6[i];
		struct mim_lpm6_key key = { .prefixlen = r->depth };

		memcpy(key.addr, r->addr, sizeof(key.addr));
		ret = mim_update_elem_sz(id, &key, sizeof(key), &r->nexthop,
					 sizeof(r->nexthop), MIM_NOEXIST);
		if (ret < 0) {
			inet_ntop(AF_INET6, r->addr, buf, sizeof(buf));
			return fail(ret, err, errlen, "%s:%u: route %s/%u of table %s: %s",
				    cfg->path, r->line, buf, r->depth,
				    ct->name, mim_last_error());
		}
	}
	return id;
}

/*
 * A new inner table holding ct's routes of family fam; its ID (one handle
 * held). Sized to its routes: a reload builds a new table anyway.
 */
static mim_id_t
table_build(struct tables *t, const struct config *cfg,
	    const struct cfg_table *ct, enum family fam, char *err,
	    size_t errlen)
{
	const uint32_t nb = fam == FAM_IPV4 ? ct->nb_routes : ct->nb_routes6;
	char name[MIM_NAMESIZE];
	mim_id_t id, ret;

	/* The library's name, unique per build; messages use the file's. */
	snprintf(name, sizeof(name), "%s%s.%u", ct->name,
		 fam == FAM_IPV4 ? "" : ".6", ++t->generation);
	id = mim_create(MIM_TYPE_LPM, name, fam == FAM_IPV4 ?
			sizeof(struct mim_lpm_key) : sizeof(struct mim_lpm6_key),
			sizeof(uint32_t), RTE_MAX(nb, 1U), NULL);
	if (id < 0)
		return fail(id, err, errlen,
			    "%s:%u: table %s (%u IPv%c routes): cannot create its LPM table: %s",
			    cfg->path, ct->line, ct->name, nb,
			    fam == FAM_IPV4 ? '4' : '6', mim_last_error());
	ret = fam == FAM_IPV4 ? table_fill4(id, cfg, ct, err, errlen) :
		table_fill6(id, cfg, ct, err, errlen);
	if (ret < 0)
		mim_close(id);
	return ret;
}

/* Both families' tables of ct, in ids; 0 or -errno (none kept). */
static int
table_build_both(struct tables *t, const struct config *cfg,
		 const struct cfg_table *ct, mim_id_t ids[FAM_MAX], char *err,
		 size_t errlen)
{
	ids[FAM_IPV4] = table_build(t, cfg, ct, FAM_IPV4, err, errlen);
	if (ids[FAM_IPV4] < 0)
		return ids[FAM_IPV4];
	ids[FAM_IPV6] = table_build(t, cfg, ct, FAM_IPV6, err, errlen);
	if (ids[FAM_IPV6] < 0) {
		mim_close(ids[FAM_IPV4]);
		return ids[FAM_IPV6];
	}
	return 0;
}

/*
 * Put inner tables ids into tenant's slots: one release store each, IPv4
 * then IPv6 (each family's lookups see the old table or the new one).
 */
static int
slot_install(struct tables *t, uint32_t tenant, const mim_id_t ids[FAM_MAX],
	     const struct cfg_table *ct, char *err, size_t errlen)
{
	struct tenant_state *ts = &t->tenant[tenant];
	int f, ret;

	for (f = 0; f < FAM_MAX; f++) {
		/* An ID is an outer table's 4-byte value as it is. */
		ret = mim_update_elem_sz(t->outer_id[f], &tenant, sizeof(tenant),
					 &ids[f], sizeof(ids[f]), MIM_ANY);
		if (ret < 0)
			return fail(ret, err, errlen, "tenant %u (IPv%c): %s",
				    tenant, f == FAM_IPV4 ? '4' : '6',
				    mim_last_error());
	}
	snprintf(ts->table, sizeof(ts->table), "%s", ct->name);
	ts->nb_routes = ct->nb_routes;
	ts->nb_routes6 = ct->nb_routes6;
	ts->generation = t->generation;
	return 0;
}

/* Build ct and install it for every tenant cfg binds to it. */
static int
table_apply(struct tables *t, const struct config *cfg, uint32_t table_idx,
	    uint32_t *nb_slots, char *err, size_t errlen)
{
	const struct cfg_table *ct = &cfg->tables[table_idx];
	mim_id_t ids[FAM_MAX];
	uint32_t u;
	int ret;

	*nb_slots = 0;
	ret = table_build_both(t, cfg, ct, ids, err, errlen);
	if (ret < 0)
		return ret;
	for (u = 0; u < CFG_MAX_TENANTS && ret == 0; u++) {
		if (cfg->tenant_table[u] != table_idx)
			continue;
		ret = slot_install(t, u, ids, ct, err, errlen);
		if (ret == 0)
			(*nb_slots)++;
	}
	if (ret < 0 && *nb_slots > 0) {
		size_t n = strlen(err);

		snprintf(err + n, errlen - n,
			 " (after %u slots were updated)", *nb_slots);
	}
	/* The slots hold the tables now; drop the creation handles. */
	mim_close(ids[FAM_IPV4]);
	mim_close(ids[FAM_IPV6]);
	return ret;
}

/*
 * Every table a tenant uses, built once and installed in its tenants'
 * slots: one pass over the tenants, so a file of as many tables as
 * tenants takes linear time.
 */
static int
tables_apply_all(struct tables *t, const struct config *cfg, char *err,
		 size_t errlen)
{
	mim_id_t (*ids)[FAM_MAX];
	uint32_t u, i;
	int ret = 0;

	ids = calloc(RTE_MAX(cfg->nb_tables, 1U), sizeof(*ids));
	if (ids == NULL)
		return fail(-ENOMEM, err, errlen, "out of memory");
	for (u = 0; u < CFG_MAX_TENANTS && ret == 0; u++) {
		i = cfg->tenant_table[u];
		if (i == CFG_NO_TABLE)
			continue;
		if (ids[i][FAM_IPV4] == 0)
			ret = table_build_both(t, cfg, &cfg->tables[i], ids[i],
					       err, errlen);
		if (ret == 0)
			ret = slot_install(t, u, ids[i], &cfg->tables[i], err,
					   errlen);
	}
	for (i = 0; i < cfg->nb_tables; i++) {
		if (ids[i][FAM_IPV4] > 0)
			mim_close(ids[i][FAM_IPV4]);
		if (ids[i][FAM_IPV6] > 0)
			mim_close(ids[i][FAM_IPV6]);
	}
	free(ids);
	return ret;
}

/* The outer table of one family: tenant -> LPM table of that key size. */
static int
outer_create(struct tables *t, enum family fam, char *err, size_t errlen)
{
	const char *name = fam == FAM_IPV4 ? OUTER_NAME : OUTER6_NAME;
	mim_id_t tmpl, id;

	/* The template: what every tenant's table must look like. Only its
	 * shape is kept by the outer table, so it is closed at once.
	 */
	tmpl = mim_create(MIM_TYPE_LPM, NULL, fam == FAM_IPV4 ?
			  sizeof(struct mim_lpm_key) : sizeof(struct mim_lpm6_key),
			  sizeof(uint32_t), 1, NULL);
	if (tmpl < 0)
		return fail(tmpl, err, errlen, "cannot create template: %s",
			    mim_last_error());
	MIM_OPTS(mim_create_opts, o, .inner_id = tmpl);
	id = mim_create(MIM_TYPE_ARRAY_OF_TABLES, name, sizeof(uint32_t),
			sizeof(uint32_t), CFG_MAX_TENANTS, &o);
	if (id < 0)
		fail(id, err, errlen, "cannot create outer table %s: %s", name,
		     mim_last_error());
	mim_close(tmpl);
	if (id < 0)
		return id;
	t->outer_id[fam] = id;
	t->outer[fam] = mim_table(id);
	return 0;
}

struct tables *
tables_create(const char *path, unsigned int cfg_flags,
	      const struct config *cfg, char *err, size_t errlen)
{
	struct tables *t;

	t = calloc(1, sizeof(*t));
	if (t == NULL || (t->path = strdup(path)) == NULL) {
		free(t);
		fail(-ENOMEM, err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->cfg_flags = cfg_flags;
	t->cfg = cfg;
	if (outer_create(t, FAM_IPV4, err, errlen) < 0 ||
	    outer_create(t, FAM_IPV6, err, errlen) < 0 ||
	    tables_apply_all(t, cfg, err, errlen) < 0) {
		tables_destroy(t);
		return NULL;
	}
	return t;
}

const struct mim_table *
tables_outer(const struct tables *t)
{
	return t->outer[FAM_IPV4];
}

const struct mim_table *
tables_outer6(const struct tables *t)
{
	return t->outer[FAM_IPV6];
}

int
tables_baseline(struct tables *t, const char *name, uint32_t *tenant,
		const struct mim_table *tbl[2], char *err, size_t errlen)
{
	const struct config *cfg = t->cfg;
	mim_id_t ids[FAM_MAX];
	uint32_t i, u;
	int ret;

	for (i = 0; i < cfg->nb_tables; i++)
		if (strcmp(cfg->tables[i].name, name) == 0)
			break;
	if (i == cfg->nb_tables)
		return fail(-EINVAL, err, errlen,
			    "--baseline-lpm: no table '%s' in %s", name, t->path);
	for (u = 0; u < CFG_MAX_TENANTS; u++)
		if (cfg->tenant_table[u] == i)
			break;
	if (u == CFG_MAX_TENANTS)
		return fail(-EINVAL, err, errlen,
			    "--baseline-lpm: no tenant uses table '%s'", name);
	pthread_mutex_lock(&t->lock);
	if (t->baseline_id[FAM_IPV4] > 0) {
		ret = fail(-EEXIST, err, errlen, "--baseline-lpm: already built");
	} else {
		ret = table_build_both(t, cfg, &cfg->tables[i], ids, err,
				       errlen);
		if (ret == 0) {
			memcpy(t->baseline_id, ids, sizeof(ids));
			tbl[0] = mim_table(ids[FAM_IPV4]);
			tbl[1] = mim_table(ids[FAM_IPV6]);
			*tenant = u;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}

/* Locked. */
static void
tenant_info(struct tables *t, uint32_t tenant, struct tenant_info *info)
{
	const struct tenant_state *ts = &t->tenant[tenant];
	uint32_t id = 0, id6 = 0;

	memset(info, 0, sizeof(*info));
	info->tenant = tenant;
	info->present = mim_lookup_elem_sz(t->outer_id[FAM_IPV4], &tenant,
					   sizeof(tenant), &id, sizeof(id)) == 0;
	/* Both slots are filled and emptied together, under the lock. */
	if (mim_lookup_elem_sz(t->outer_id[FAM_IPV6], &tenant, sizeof(tenant),
			       &id6, sizeof(id6)) != 0)
		id6 = 0;
	if (!info->present)
		return;
	info->table_id = id;
	info->table6_id = id6;
	snprintf(info->table, sizeof(info->table), "%s", ts->table);
	info->nb_routes = ts->nb_routes;
	info->nb_routes6 = ts->nb_routes6;
	info->generation = ts->generation;
}

/* Locked. Empty the tenant's slots. */
static int
slot_clear(struct tables *t, uint32_t tenant, char *err, size_t errlen)
{
	int f, ret;

	for (f = 0; f < FAM_MAX; f++) {
		ret = mim_delete_elem_sz(t->outer_id[f], &tenant,
					 sizeof(tenant));
		if (ret == -ENOENT && f == FAM_IPV4)
			return fail(ret, err, errlen,
				    "%s: tenant %u is neither in the file nor running",
				    t->path, tenant);
		if (ret < 0 && ret != -ENOENT)
			return fail(ret, err, errlen, "tenant %u (IPv%c): %s",
				    tenant, f == FAM_IPV4 ? '4' : '6',
				    mim_last_error());
	}
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
	if (res->info.table6_id != before.table6_id)
		res->old_table6_id = before.table6_id;
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

uint64_t
tables_outer_bytes(const struct tables *t)
{
	struct mim_table_info info;
	uint64_t n = 0;
	int f;

	for (f = 0; f < FAM_MAX; f++)
		if (t->outer_id[f] > 0 && mim_get_info(t->outer_id[f], &info) == 0)
			n += info.mem_bytes;
	return n;
}

void
tables_destroy(struct tables *t)
{
	int f;

	if (t == NULL)
		return;
	/* Closing an outer table drops its slots' references: the inner
	 * tables are retired with it.
	 */
	for (f = 0; f < FAM_MAX; f++) {
		if (t->outer_id[f] > 0)
			mim_close(t->outer_id[f]);
		if (t->baseline_id[f] > 0)
			mim_close(t->baseline_id[f]);
	}
	pthread_mutex_destroy(&t->lock);
	free(t->path);
	free(t);
}
