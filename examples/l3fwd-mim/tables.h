/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef L3FWD_MIM_TABLES_H
#define L3FWD_MIM_TABLES_H

/*
 * The tenants' tables: two outer MIM_TYPE_ARRAY_OF_TABLES indexed by tenant,
 * one per family, whose slots hold inner MIM_TYPE_LPM tables (key struct
 * mim_lpm_key or struct mim_lpm6_key, value a u32 next hop ID). A
 * configuration table becomes one inner table of each family (an empty one
 * when it has no route of that family); its tenants' two slots are
 * filled and emptied together. Building, installing and replacing them. Every
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
	uint32_t table_id;              /* mapinmap ID of the IPv4 table */
	uint32_t table6_id;             /* mapinmap ID of the IPv6 table */
	uint32_t nb_routes;             /* IPv4 */
	uint32_t nb_routes6;
	uint32_t generation;            /* build number of the inner table */
};

/** What a reload did. */
struct reload_result {
	struct tenant_info info;        /* the tenant, after the reload */
	uint32_t nb_slots;              /* tenant slots updated (sharing) */
	uint32_t old_table_id;          /* IPv4 table replaced, or 0 */
	uint32_t old_table6_id;         /* IPv6 table replaced, or 0 */
};

/**
 * Create the outer tables and the inner tables of every configuration
 * table used by a tenant (one of each family), and fill the tenants'
 * slots. The work is linear in the tenants and routes.
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

/** The IPv4 outer table, for the data path. Valid until tables_destroy(). */
const struct mim_table *tables_outer(const struct tables *t);

/** The IPv6 outer table, for the data path. Valid until tables_destroy(). */
const struct mim_table *tables_outer6(const struct tables *t);

/**
 * Build the benchmark baseline (--baseline-lpm): one more inner LPM table
 * of each family holding the routes of the configuration table named name,
 * put in no outer slot, held by t until tables_destroy(). Reloads do not
 * touch them.
 *
 * @param tenant
 *   Set to the lowest tenant the configuration binds to that table: the
 *   baseline's frames are counted as that tenant's.
 * @param tbl
 *   Set to the IPv4 and the IPv6 table, for mim_lookup_bulk() on the data
 *   path.
 * @return
 *   0, or -errno with the reason in err (no such table, or no tenant uses
 *   it, or it cannot be built).
 */
int tables_baseline(struct tables *t, const char *name, uint32_t *tenant,
		    const struct mim_table *tbl[2], char *err, size_t errlen);

/**
 * Re-read the configuration file and apply it to one tenant.
 *
 * If the file gives the tenant a table, that table is built anew from the
 * file's routes (an IPv4 and an IPv6 LPM table) and installed, with one
 * mim_update_elem_sz() per slot and family, IPv4 first, in the slots of the
 * tenant and of every tenant the file binds to the same table. If the file
 * no longer lists the tenant, its slots are emptied. The inner
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

/** DPDK heap bytes of the two outer tables (mim_get_info()'s mem_bytes). */
uint64_t tables_outer_bytes(const struct tables *t);

/** Close the outer tables (releasing the inner ones) and free t. */
void tables_destroy(struct tables *t);

#endif /* L3FWD_MIM_TABLES_H */
