/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef L3FWD_MIM_CONFIG_H
#define L3FWD_MIM_CONFIG_H

/*
 * The configuration file: next hops, tenants and the route tables they use.
 * Parsing only; nothing here touches DPDK state. See README.md for the
 * format.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

/**
 * Tenants: 802.1Q VLAN IDs (0 to 4095), 802.1ad S-VID * 4096 + C-VID for
 * double-tagged frames, or input ports: one outer slot each.
 */
#define CFG_MAX_TENANTS 65536
/** Next hop IDs are 0 to CFG_MAX_NEXTHOPS - 1. */
#define CFG_MAX_NEXTHOPS 1024
/** Longest table name, terminating NUL included. */
#define CFG_TABLE_NAMESIZE 20
/** No table: the tenant is not configured. */
#define CFG_NO_TABLE UINT32_MAX
/** Tables named in a file (each tenant uses one: more cannot be used). */
#define CFG_MAX_TABLES CFG_MAX_TENANTS
/** Routes of one table and family: what one mapinmap LPM table holds. */
#define CFG_MAX_ROUTES (UINT32_C(1) << 23)
/** Slots of the parser's table name hash: a power of two, >= 2x tables. */
#define CFG_NAME_HASH_SIZE (2 * CFG_MAX_TABLES)
/** Longest line, newline excluded: a record takes a few dozen. */
#define CFG_LINE_MAX 1024

/** config_load() flags. */
/** A file without any tenant is accepted (they come with reloads). */
#define CFG_F_ALLOW_EMPTY 0x1

struct cfg_nexthop {
	bool defined;
	unsigned int line;          /* where the file defines it */
	bool has_src;               /* else the egress port's MAC */
	uint16_t port;
	struct rte_ether_addr dst;
	struct rte_ether_addr src;
};

struct cfg_route {
	uint32_t addr;              /* host order, host bits zero */
	uint8_t depth;
	uint32_t nexthop;
	unsigned int line;          /* where the file gives it */
};

struct cfg_route6 {
	uint8_t addr[16];           /* network order, host bits zero */
	uint8_t depth;
	uint32_t nexthop;
	unsigned int line;          /* where the file gives it */
};

/* A table has routes of both families: one LPM table of each is built. */
struct cfg_table {
	char name[CFG_TABLE_NAMESIZE];
	unsigned int line;          /* where the file first names it */
	struct cfg_route *routes;   /* IPv4 */
	uint32_t nb_routes;
	uint32_t cap;
	struct cfg_route6 *routes6; /* IPv6 */
	uint32_t nb_routes6;
	uint32_t cap6;
};

struct config {
	const char *path;           /* the file, for messages (not a copy) */
	struct cfg_nexthop nexthop[CFG_MAX_NEXTHOPS];
	uint32_t nb_nexthops;       /* highest defined ID + 1 */
	struct cfg_table *tables;
	uint32_t nb_tables;
	uint32_t tables_cap;        /* entries allocated */
	/* Index into tables, or CFG_NO_TABLE. */
	uint32_t tenant_table[CFG_MAX_TENANTS];
	uint32_t nb_tenants;        /* tenants with a table */
	/* Table names hashed, for the parser: index + 1, 0 if free. */
	uint32_t *name_hash;
};

/**
 * Read and check a configuration file. Nothing is taken on trust: a read
 * error, a NUL byte, a line longer than CFG_LINE_MAX, more tables or
 * routes than the limits above, an IPv4 or IPv6 prefix that is malformed,
 * too long or has host bits set, a group (multicast or broadcast) source
 * MAC, and, without CFG_F_ALLOW_EMPTY, a file that gives no tenant, are
 * refused. The work is linear in the file's size (plus sorting).
 *
 * @param path
 *   The file; it must outlive the configuration (messages name it).
 * @param flags
 *   0 or CFG_F_ALLOW_EMPTY.
 * @return
 *   The configuration (free with config_free()), or NULL with the reason,
 *   "file:line: ..." (or "file: ..." for the file as a whole), in err.
 */
struct config *config_load(const char *path, unsigned int flags, char *err,
			   size_t errlen);

void config_free(struct config *cfg);

/** The table tenant uses, or NULL if the tenant is not configured. */
const struct cfg_table *config_tenant_table(const struct config *cfg,
					    uint32_t tenant);

/** True if both configurations define the same next hops. */
bool config_nexthops_equal(const struct config *a, const struct config *b);

#endif /* L3FWD_MIM_CONFIG_H */
