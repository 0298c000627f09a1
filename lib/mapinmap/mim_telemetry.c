/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Telemetry commands of the library, registered at load time:
 *
 *   /mim/list[,<start_id>]   table IDs and names
 *   /mim/info,<id|name>      one table (struct mim_table_info)
 *   /mim/stats               mim_stats and mim_rcu_stats
 *
 * Callbacks run on DPDK's telemetry thread (not an EAL lcore) while the
 * application runs: they use only the public control-plane API, which is
 * MT-safe and never waits for readers in the calls made here.
 *
 * Limits of the 22.11 telemetry library: a dict holds at most
 * RTE_TEL_MAX_DICT_ENTRIES (256) entries, a string at most
 * RTE_TEL_MAX_STRING_LEN (128) bytes, a reply at most 16 KiB, and a
 * container may only hold plain values. /mim/list therefore pages: it
 * returns at most MIM_TEL_LIST_MAX tables and, when more remain, a "next"
 * entry with the ID to pass as start_id of the following request.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_telemetry.h>

#include "mim.h"

/* Tables per /mim/list reply: one dict entry is left for "next". With
 * names of at most 31 bytes a full reply stays far below 16 KiB.
 */
#define MIM_TEL_LIST_MAX (RTE_TEL_MAX_DICT_ENTRIES - 1)

/*
 * Parse a decimal u32 of at most 10 digits and nothing else.
 * Returns 0, or -EINVAL.
 */
static int
tel_parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9' || strlen(s) > 10)
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/*
 * Resolve the parameter of /mim/info: a live table ID, or else a table
 * name. Returns the ID, or a negative errno.
 */
static int
tel_table_id(const char *params)
{
	struct mim_table_info info;
	uint32_t id;

	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	if (tel_parse_u32(params, &id) == 0 && id <= MIM_ID_MAX &&
	    mim_get_info((int)id, &info) == 0)
		return (int)id;
	/* Names may consist of digits too: try the name last. */
	return mim_find(params);
}

/* Name of a type for telemetry ("unknown" rather than NULL). */
static const char *
tel_type_name(uint32_t type)
{
	const char *n = mim_type_name((enum mim_type)type);

	return n != NULL ? n : "unknown";
}

/*
 * /mim/list[,<start_id>]: dict of "<id>": "<name>" for the live tables
 * with an ID above start_id (default 0), in ID order, at most
 * MIM_TEL_LIST_MAX of them; "next": <last id> when more remain.
 */
static int
tel_list(const char *cmd __rte_unused, const char *params,
	 struct rte_tel_data *d)
{
	struct mim_table_info info;
	uint32_t id = 0, next, n = 0;
	char key[16];

	/* The primary serves telemetry; a secondary's would forward. */
	if (rte_eal_process_type() == RTE_PROC_SECONDARY)
		return -ENOTSUP;
	if (params != NULL && params[0] != '\0' &&
	    tel_parse_u32(params, &id) != 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	while (mim_get_next_id(id, &next) == 0) {
		if (n == MIM_TEL_LIST_MAX) {
			rte_tel_data_add_dict_u64(d, "next", id);
			break;
		}
		id = next;
		/* The table may go between the two calls: skip it then. */
		if (mim_get_info((int)id, &info) != 0)
			continue;
		snprintf(key, sizeof(key), "%" PRIu32, id);
		rte_tel_data_add_dict_string(d, key, info.name);
		n++;
	}
	return 0;
}

/* Add the fields of a template (struct mim_meta_info) as a container. */
static int
tel_add_template(struct rte_tel_data *d, const struct mim_meta_info *m)
{
	struct rte_tel_data *c = rte_tel_data_alloc();

	if (c == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(c);
	rte_tel_data_add_dict_string(c, "type", tel_type_name(m->type));
	rte_tel_data_add_dict_u64(c, "key_size", m->key_size);
	rte_tel_data_add_dict_u64(c, "value_size", m->value_size);
	rte_tel_data_add_dict_u64(c, "max_entries", m->max_entries);
	rte_tel_data_add_dict_u64(c, "map_flags", m->map_flags);
	rte_tel_data_add_dict_u64(c, "btf_key_type_id", m->btf_key_type_id);
	rte_tel_data_add_dict_u64(c, "btf_value_type_id", m->btf_value_type_id);
	if (rte_tel_data_add_dict_container(d, "template", c, 0) != 0) {
		rte_tel_data_free(c);
		return -ENOSPC;
	}
	return 0;
}

/*
 * /mim/info,<id|name>: the fields of struct mim_table_info; outer tables
 * add inner_id and the template as a nested dict.
 */
static int
tel_info(const char *cmd __rte_unused, const char *params,
	 struct rte_tel_data *d)
{
	struct mim_table_info info;
	int id;

	/* The primary serves telemetry; a secondary's would forward. */
	if (rte_eal_process_type() == RTE_PROC_SECONDARY)
		return -ENOTSUP;
	id = tel_table_id(params);
	if (id < 0)
		return id;
	if (mim_get_info(id, &info) != 0)
		return -ENOENT;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "id", info.id);
	rte_tel_data_add_dict_string(d, "type", tel_type_name(info.type));
	rte_tel_data_add_dict_string(d, "name", info.name);
	rte_tel_data_add_dict_u64(d, "key_size", info.key_size);
	rte_tel_data_add_dict_u64(d, "value_size", info.value_size);
	rte_tel_data_add_dict_u64(d, "max_entries", info.max_entries);
	rte_tel_data_add_dict_u64(d, "map_flags", info.map_flags);
	rte_tel_data_add_dict_int(d, "socket_id", info.socket_id);
	rte_tel_data_add_dict_u64(d, "nb_entries", info.nb_entries);
	rte_tel_data_add_dict_u64(d, "refcnt", info.refcnt);
	rte_tel_data_add_dict_u64(d, "handles", info.handles);
	rte_tel_data_add_dict_u64(d, "memzones", info.memzones);
	rte_tel_data_add_dict_u64(d, "mem_bytes", info.mem_bytes);
	rte_tel_data_add_dict_u64(d, "nb_updates", info.nb_updates);
	rte_tel_data_add_dict_u64(d, "nb_deletes", info.nb_deletes);
	rte_tel_data_add_dict_u64(d, "nb_replacements", info.nb_replacements);
	rte_tel_data_add_dict_u64(d, "btf_key_type_id", info.btf_key_type_id);
	rte_tel_data_add_dict_u64(d, "btf_value_type_id", info.btf_value_type_id);
	if (info.type == MIM_TYPE_ARRAY_OF_TABLES ||
	    info.type == MIM_TYPE_HASH_OF_TABLES) {
		rte_tel_data_add_dict_u64(d, "inner_id", info.inner_id);
		return tel_add_template(d, &info.inner);
	}
	return 0;
}

/* /mim/stats: struct mim_stats, then struct mim_rcu_stats as "rcu". */
static int
tel_stats(const char *cmd __rte_unused, const char *params __rte_unused,
	  struct rte_tel_data *d)
{
	struct mim_rcu_stats rs;
	struct rte_tel_data *c;
	struct mim_stats st;

	/* The primary serves telemetry; a secondary's would forward. */
	if (rte_eal_process_type() == RTE_PROC_SECONDARY)
		return -ENOTSUP;
	if (mim_get_stats(&st) != 0 || mim_rcu_get_stats(&rs) != 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "nb_tables", st.nb_tables);
	rte_tel_data_add_dict_u64(d, "nb_dying", st.nb_dying);
	rte_tel_data_add_dict_u64(d, "memzones", st.memzones);
	rte_tel_data_add_dict_u64(d, "value_pools", st.value_pools);
	rte_tel_data_add_dict_u64(d, "mem_bytes", st.mem_bytes);
	rte_tel_data_add_dict_u64(d, "value_pool_bytes", st.value_pool_bytes);
	rte_tel_data_add_dict_u64(d, "nb_created", st.nb_created);
	rte_tel_data_add_dict_u64(d, "nb_destroyed", st.nb_destroyed);
	rte_tel_data_add_dict_u64(d, "nb_replacements", st.nb_replacements);

	c = rte_tel_data_alloc();
	if (c == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(c);
	rte_tel_data_add_dict_string(c, "mode",
		rs.mode == MIM_RCU_MODE_SYNC ? "sync" : "dq");
	rte_tel_data_add_dict_u64(c, "nb_vars", rs.nb_vars);
	rte_tel_data_add_dict_u64(c, "dq_size", rs.dq_size);
	rte_tel_data_add_dict_u64(c, "pending", rs.pending);
	rte_tel_data_add_dict_u64(c, "max_pending", rs.max_pending);
	rte_tel_data_add_dict_u64(c, "pending_bytes", rs.pending_bytes);
	rte_tel_data_add_dict_u64(c, "nb_retired", rs.nb_retired);
	rte_tel_data_add_dict_u64(c, "nb_released", rs.nb_released);
	rte_tel_data_add_dict_u64(c, "released_bytes", rs.released_bytes);
	rte_tel_data_add_dict_u64(c, "nb_busy", rs.nb_busy);
	rte_tel_data_add_dict_u64(c, "pending_bytes_max", rs.pending_bytes_max);
	rte_tel_data_add_dict_u64(c, "nb_bytes_busy", rs.nb_bytes_busy);
	if (rte_tel_data_add_dict_container(d, "rcu", c, 0) != 0) {
		rte_tel_data_free(c);
		return -ENOSPC;
	}
	return 0;
}

RTE_INIT(mim_telemetry_init)
{
	rte_telemetry_register_cmd("/mim/list", tel_list,
		"Table IDs and names in ID order, 255 at most. Optional parameter: int start_id. \"next\": start_id of the next page.");
	rte_telemetry_register_cmd("/mim/info", tel_info,
		"One table: type, sizes, capacity, flags, entries, references, memory, counters, template. Parameters: table ID or name.");
	rte_telemetry_register_cmd("/mim/stats", tel_stats,
		"Library counters: tables, memory, replacements; \"rcu\": deferred releases pending and done. No parameters.");
}
