/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef L3FWD_MIM_TABLES_H
#define L3FWD_MIM_TABLES_H

/*
 * The tenants' tables: one outer MIM_TYPE_ARRAY_OF_TABLES indexed by tenant,
 * whose slots hold inner MIM_TYPE_LPM tables (key struct mim_lpm_key, value
 * a u32 next hop ID). Building, installing and replacing them. Every
 * function here is control plane and serialised by one mutex, so reloads
 * may come from any thread (telemetry's included).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct tables;
struct mim_table;

/** What a tenant's slot holds now. */
struct tenant_info {
	uint32_t tenant;
	bool present;                   /* false: unknown tenant */
	char table[CFG_TABLE_NAMESIZE]; /* configuration table name */
	uint32_t table_id;              /* mapinmap ID of the inner table */
	uint32_t nb_routes;
	uint32_t generation;            /* build number of the inner table */
};

/** What a reload did. */
struct reload_result {
	struct tenant_info info;        /* the tenant, after the reload */
	uint32_t nb_slots;              /* tenant slots updated (sharing) */
	uint32_t old_table_id;          /* inner table replaced, or 0 */
};

/**
 * Create the outer table and one inner table per configuration table used
 * by a tenant, and fill the tenants' slots.
 *
 * @param path
 *   The configuration file, re-read by tables_reload().
 * @param cfg_flags
 *   config_load()'s flags for the reloads (CFG_F_ALLOW_EMPTY).
 * @param cfg
 *   The configuration loaded from it; must outlive the tables (its next
 *   hops are those of the data path, which reloads may not change).
 * @return
 *   The tables, or NULL with the reason in err.
 */
struct tables *tables_create(const char *path, unsigned int cfg_flags,
			     const struct config *cfg, char *err,
			     size_t errlen);

/** The outer table, for the data path. Valid until tables_destroy(). */
const struct mim_table *tables_outer(const struct tables *t);

/**
 * Build the benchmark baseline (--baseline-lpm): one more inner LPM table
 * holding the routes of the configuration table named name, put in no
 * outer slot, held by t until tables_destroy(). Reloads do not touch it.
 *
 * @param tenant
 *   Set to the lowest tenant the configuration binds to that table: the
 *   baseline's frames are counted as that tenant's.
 * @return
 *   The table, for mim_lookup_bulk() on the data path; NULL with the
 *   reason in err (no such table, or no tenant uses it).
 */
const struct mim_table *tables_baseline(struct tables *t, const char *name,
					uint32_t *tenant, char *err,
					size_t errlen);

/**
 * Re-read the configuration file and apply it to one tenant.
 *
 * If the file gives the tenant a table, that table is built anew from the
 * file's routes and installed, with one mim_update_elem_sz() per slot, in the
 * slot of the tenant and of every tenant the file binds to the same table.
 * If the file no longer lists the tenant, its slot is emptied. The inner
 * tables replaced are released by the library once every lcore has passed
 * a quiescent state. The next hops of the file must not have changed.
 *
 * @return
 *   0, or -errno with the reason in err (then nothing changed, unless err
 *   says that some slots were updated before a failure).
 */
int tables_reload(struct tables *t, uint32_t tenant, struct reload_result *res,
		  char *err, size_t errlen);

/** Describe a tenant's slot; 0 or -EINVAL (tenant out of range). */
int tables_tenant_info(struct tables *t, uint32_t tenant,
		       struct tenant_info *info);

/** Close the outer table (releasing the inner ones) and free t. */
void tables_destroy(struct tables *t);

#endif /* L3FWD_MIM_TABLES_H */
