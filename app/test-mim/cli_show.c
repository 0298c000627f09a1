/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Inspection commands:
 *
 *   show tables          every live table (as bpftool map show)
 *   show table <table>   one table, with its counters
 *   show stats           library, reclamation and worker counters
 *   dump <table>         every element; recursive for outer tables
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cmdline_parse_string.h>

#include <mim.h>

#include "cli.h"
#include "cli_token.h"
#include "jsonw.h"
#include "parse.h"
#include "printer.h"
#include "workers.h"

/* ---- show tables, show table -------------------------------------------- */

struct show_res {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t what;
	struct cli_word table;
};

/* show tables: mim_get_next_id() and mim_get_info() for each table. */
static int
cmd_show_tables(void *res)
{
	struct mim_table_info ti;
	uint32_t id = 0;

	RTE_SET_USED(res);
	if (cli.json)
		jw_arr_begin();
	while (mim_get_next_id(id, &id) == 0) {
		if (mim_get_info((int)id, &ti) != 0)
			continue;
		if (cli.json)
			print_table_json(&ti);
		else
			print_table_text(&ti, false);
	}
	if (cli.json)
		jw_arr_end();
	return 0;
}

/* show table <table>: one table, with the socket and the counters. */
static int
cmd_show_table(void *res)
{
	struct show_res *r = res;
	struct mim_table_info ti;

	if (parse_table(&r->table, &ti) != 0)
		return -1;
	if (cli.json)
		print_table_json(&ti);
	else
		print_table_text(&ti, true);
	return 0;
}

/* ---- show stats ---------------------------------------------------------- */

/* show stats: mim_get_stats(), mim_rcu_get_stats() and the workers. */
static int
cmd_show_stats(void *res)
{
	struct mim_rcu_stats rs;
	struct mim_stats st;
	int ret;

	RTE_SET_USED(res);
	ret = mim_get_stats(&st);
	if (ret < 0)
		return cli_lib_err(ret, "show stats");
	ret = mim_rcu_get_stats(&rs);
	if (ret < 0)
		return cli_lib_err(ret, "show stats");
	if (cli.json) {
		jw_obj_begin();
		jw_kv_u64("tables", st.nb_tables);
		jw_kv_u64("dying", st.nb_dying);
		jw_kv_u64("memzones", st.memzones);
		jw_kv_u64("mem_bytes", st.mem_bytes);
		jw_kv_u64("value_pools", st.value_pools);
		jw_kv_u64("value_pool_bytes", st.value_pool_bytes);
		jw_kv_u64("created", st.nb_created);
		jw_kv_u64("destroyed", st.nb_destroyed);
		jw_kv_u64("replacements", st.nb_replacements);
		jw_name("rcu");
		jw_obj_begin();
		jw_kv_str("mode", rs.mode == MIM_RCU_MODE_SYNC ? "sync" : "dq");
		jw_kv_u64("vars", rs.nb_vars);
		jw_kv_u64("dq_size", rs.dq_size);
		jw_kv_u64("pending", rs.pending);
		jw_kv_u64("max_pending", rs.max_pending);
		jw_kv_u64("pending_bytes", rs.pending_bytes);
		jw_kv_u64("retired", rs.nb_retired);
		jw_kv_u64("released", rs.nb_released);
		jw_kv_u64("released_bytes", rs.released_bytes);
		jw_kv_u64("busy", rs.nb_busy);
		jw_obj_end();
		jw_name("workers");
		workers_print();
		jw_obj_end();
		return 0;
	}
	printf("tables %u (dying %u)  memzones %u  memory %" PRIu64 "B  value pools %u (%" PRIu64 "B)\n",
	       st.nb_tables, st.nb_dying, st.memzones, st.mem_bytes,
	       st.value_pools, st.value_pool_bytes);
	printf("created %" PRIu64 "  destroyed %" PRIu64 "  replacements %" PRIu64 "\n",
	       st.nb_created, st.nb_destroyed, st.nb_replacements);
	printf("rcu: mode %s  vars %u  dq_size %u  pending %u (%" PRIu64 "B, max %u)  retired %" PRIu64
	       "  released %" PRIu64 " (%" PRIu64 "B)  busy %" PRIu64 "\n",
	       rs.mode == MIM_RCU_MODE_SYNC ? "sync" : "dq", rs.nb_vars,
	       rs.dq_size, rs.pending, rs.pending_bytes, rs.max_pending,
	       rs.nb_retired, rs.nb_released, rs.released_bytes, rs.nb_busy);
	workers_print();
	return 0;
}

/* ---- dump ---------------------------------------------------------------- */

/* State of one dump command. */
struct dump_ctx {
	uint64_t inner_elements;  /* elements of inner tables printed */
};

static int dump_table(struct dump_ctx *dc, const struct mim_table_info *ti,
		      unsigned int depth);

/* Text indentation of a nesting depth. */
static void
indent(unsigned int depth)
{
	unsigned int i;

	for (i = 0; i < depth; i++)
		fputs("    ", stdout);
}

/*
 * One element of an outer table: its inner table, then that table's
 * elements (one level of nesting: inner tables are never outer).
 * Returns 0 or -1 (reported).
 */
static int
dump_outer_elem(struct dump_ctx *dc, struct elem_printer *p,
		const void *key, const void *value, unsigned int depth)
{
	struct mim_table_info inner;
	uint32_t id;
	char d[64];
	bool ok;
	int ret = 0;

	memcpy(&id, value, sizeof(id));
	ok = mim_get_info((int)id, &inner) == 0;
	if (cli.json) {
		jw_obj_begin();
		jw_name("key");
		elem_key_json(p, key);
		elem_formatted_json(p, key, NULL);
		jw_kv_u64("value", id);
		jw_name("inner");
		if (ok)
			ret = dump_table(dc, &inner, depth + 1);
		else
			jw_null();
		if (ret == 0)
			jw_obj_end();
		return ret;
	}
	indent(depth);
	printf("key: ");
	elem_key_text(p, stdout, key);
	if (!ok) {
		printf("  inner: id %u (gone)\n", id);
		return 0;
	}
	printf("  inner: %s, %s, %u entr%s\n", table_desc(&inner, d, sizeof(d)),
	       table_type_name(inner.type), inner.nb_entries,
	       inner.nb_entries == 1 ? "y" : "ies");
	return dump_table(dc, &inner, depth + 1);
}

/* One element of a plain table. */
static void
dump_elem(struct elem_printer *p, const void *key, const void *value,
	  unsigned int depth)
{
	if (cli.json) {
		jw_obj_begin();
		jw_name("key");
		elem_key_json(p, key);
		elem_values_json(p, key, value);
		jw_obj_end();
		return;
	}
	indent(depth);
	printf("key: ");
	elem_key_text(p, stdout, key);
	printf("  ");
	elem_values_text(p, stdout, value);
	printf("\n");
}

/* Elements per mim_lookup_batch() call of a dump, and at most bytes. */
#define DUMP_BATCH 256
#define DUMP_BATCH_BYTES (1U << 20)

struct dump_bufs {
	size_t key_sz, value_sz;
	uint32_t room;
	uint8_t *keys, *values, *cur, *key, *value;
};

static void
dump_bufs_free(struct dump_bufs *b)
{
	free(b->keys);
	free(b->values);
	free(b->cur);
	free(b->value);
}

/* Room for a batch, the cursor and one aligned element: 0 or -1. */
static int
dump_bufs_alloc(struct dump_bufs *b, const struct mim_table_info *ti)
{
	char d[64];

	memset(b, 0, sizeof(*b));
	b->key_sz = ti->key_size;
	b->value_sz = elem_value_buf_size(ti);
	b->room = DUMP_BATCH_BYTES / (b->key_sz + b->value_sz);
	b->room = b->room > DUMP_BATCH ? DUMP_BATCH :
		b->room == 0 ? 1 : b->room;
	b->keys = calloc(b->room, b->key_sz);
	b->values = calloc(b->room, b->value_sz);
	b->cur = calloc(2, b->key_sz);
	b->value = calloc(1, b->value_sz);
	if (b->keys != NULL && b->values != NULL && b->cur != NULL &&
	    b->value != NULL) {
		b->key = b->cur + b->key_sz;
		return 0;
	}
	dump_bufs_free(b);
	return cli_err("dump %s: out of memory for %u %u-byte keys and %zu-byte values",
		       table_desc(ti, d, sizeof(d)), b->room, ti->key_size,
		       b->value_sz);
}

/*
 * The elements of a table, read with mim_lookup_batch() (one request per
 * batch from a secondary process), which passes over empty outer slots.
 * *n counts those found. An error ends the walk, as the end does.
 */
static void
dump_elements(struct dump_ctx *dc, const struct mim_table_info *ti,
	      struct dump_bufs *b, struct elem_printer *p,
	      unsigned int depth, uint64_t *n)
{
	bool outer = table_is_outer(ti->type);
	uint64_t calls = 0;
	uint32_t cnt, i;
	int ret;

	/* Bounded by max_entries: iteration is not a snapshot. */
	do {
		cnt = b->room;
		ret = mim_lookup_batch((int)ti->id, calls++ == 0 ? NULL : b->cur,
				       b->cur, b->keys, b->values, &cnt, NULL);
		if (ret != 0 && ret != -ENOENT)
			return;
		for (i = 0; i < cnt && *n < ti->max_entries; i++) {
			memcpy(b->key, b->keys + i * b->key_sz, b->key_sz);
			memcpy(b->value, b->values + i * b->value_sz,
			       b->value_sz);
			++*n;
			if (depth > 0)
				dc->inner_elements++;
			if (!outer)
				dump_elem(p, b->key, b->value, depth);
			else if (dump_outer_elem(dc, p, b->key, b->value,
						 depth) != 0)
				return;
		}
	} while (ret == 0 && calls <= ti->max_entries);
}

/*
 * Every element of a table (dump_elements()); the empty slots of an
 * outer array are counted, not listed. In JSON a table is an object
 * {id, name, type, ..., "elements": [...]}; in text, at depth 0, a header
 * line comes first and a "Found" line last.
 * Returns 0, or -1 (reported; the output stops there).
 */
static int
dump_table(struct dump_ctx *dc, const struct mim_table_info *ti,
	   unsigned int depth)
{
	bool outer = table_is_outer(ti->type);
	uint64_t n = 0, empty = 0;
	struct elem_printer *p;
	struct dump_bufs b;
	char d[64];

	if (dump_bufs_alloc(&b, ti) != 0)
		return -1;
	p = elem_printer_open(ti);
	if (cli.json) {
		jw_obj_begin();
		jw_kv_u64("id", ti->id);
		jw_kv_str("name", ti->name);
		jw_kv_str("type", table_type_name(ti->type));
		jw_kv_u64("key_size", ti->key_size);
		jw_kv_u64("value_size", ti->value_size);
		jw_kv_u64("max_entries", ti->max_entries);
		jw_kv_u64("entries", ti->nb_entries);
		jw_name("elements");
		jw_arr_begin();
	} else if (depth == 0) {
		printf("table %s: %s  key %uB  value %uB  max_entries %u  entries %u\n",
		       table_desc(ti, d, sizeof(d)), table_type_name(ti->type),
		       ti->key_size, ti->value_size, ti->max_entries,
		       ti->nb_entries);
	}
	dump_elements(dc, ti, &b, p, depth, &n);
	if (ti->type == MIM_TYPE_ARRAY_OF_TABLES && n < ti->max_entries)
		empty = ti->max_entries - n;
	elem_printer_close(p);
	dump_bufs_free(&b);
	if (cli.failed)
		return -1;
	if (cli.json) {
		jw_arr_end();
		if (outer)
			jw_kv_u64("empty_slots", empty);
		jw_obj_end();
	} else if (depth == 0 && !outer) {
		printf("Found %" PRIu64 " element%s\n", n, n == 1 ? "" : "s");
	} else if (depth == 0) {
		printf("Found %" PRIu64 " inner table%s holding %" PRIu64
		       " element%s", n, n == 1 ? "" : "s", dc->inner_elements,
		       dc->inner_elements == 1 ? "" : "s");
		if (empty > 0)
			printf(", %" PRIu64 " empty slot%s", empty,
			       empty == 1 ? "" : "s");
		printf("\n");
	}
	return 0;
}

struct dump_res {
	cmdline_fixed_string_t dump;
	struct cli_word table;
};

/* dump <table>: recursive for outer tables. */
static int
cmd_dump(void *res)
{
	struct dump_res *r = res;
	struct dump_ctx dc = { .inner_elements = 0 };
	struct mim_table_info ti;

	if (parse_table(&r->table, &ti) != 0)
		return -1;
	return dump_table(&dc, &ti, 0);
}

static struct cli_cmd show_tables_cmd = { .fn = cmd_show_tables };
static struct cli_cmd show_table_cmd = { .fn = cmd_show_table };
static struct cli_cmd show_stats_cmd = { .fn = cmd_show_stats };
static struct cli_cmd dump_cmd = { .fn = cmd_dump };

static cmdline_parse_token_string_t show_tok =
	TOKEN_STRING_INITIALIZER(struct show_res, show, "show");
static cmdline_parse_token_string_t show_tables_tok =
	TOKEN_STRING_INITIALIZER(struct show_res, what, "tables");
static cmdline_parse_token_string_t show_table_tok =
	TOKEN_STRING_INITIALIZER(struct show_res, what, "table");
static cmdline_parse_token_string_t show_stats_tok =
	TOKEN_STRING_INITIALIZER(struct show_res, what, "stats");
static struct cli_token_word show_table_arg =
	TOKEN_WORD_INITIALIZER(struct show_res, table, CLI_WORD_TABLE,
			       "table: id or name");

static cmdline_parse_inst_t cmd_show_tables_inst = {
	.f = cli_exec,
	.data = &show_tables_cmd,
	.help_str = "show tables: list the live tables (id, type, name, sizes, capacity, flags, template, references, memory)",
	.tokens = { (void *)&show_tok, (void *)&show_tables_tok, NULL },
};

static cmdline_parse_inst_t cmd_show_table_inst = {
	.f = cli_exec,
	.data = &show_table_cmd,
	.help_str = "show table <table>: one table, with its socket and update/delete/replacement counters",
	.tokens = { (void *)&show_tok, (void *)&show_table_tok,
		    (void *)&show_table_arg, NULL },
};

static cmdline_parse_inst_t cmd_show_stats_inst = {
	.f = cli_exec,
	.data = &show_stats_cmd,
	.help_str = "show stats: library counters, deferred releases (rcu) and worker lookups",
	.tokens = { (void *)&show_tok, (void *)&show_stats_tok, NULL },
};

static cmdline_parse_token_string_t dump_tok =
	TOKEN_STRING_INITIALIZER(struct dump_res, dump, "dump");
static struct cli_token_word dump_table_arg =
	TOKEN_WORD_INITIALIZER(struct dump_res, table, CLI_WORD_TABLE,
			       "table: id or name");

static cmdline_parse_inst_t cmd_dump_inst = {
	.f = cli_exec,
	.data = &dump_cmd,
	.help_str = "dump <table>: every element; for outer tables each slot, its inner table and that table's elements",
	.tokens = { (void *)&dump_tok, (void *)&dump_table_arg, NULL },
};

cmdline_parse_inst_t *cli_show_cmds[] = {
	&cmd_show_tables_inst,
	&cmd_show_table_inst,
	&cmd_show_stats_inst,
	&cmd_dump_inst,
	NULL,
};
