/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Element commands (the control-plane API of mim.h):
 *
 *   update <table> <key> <value> [any|noexist|exist]
 *   lookup <table> <key>
 *   delete <table> <key>
 *   iterate <table>
 *
 * Arguments are parsed and sized against the table before the library is
 * called, so a malformed command changes nothing. Values of per-lcore
 * tables are buffers of every lcore's copy (printer.h): lookup shows them
 * all, update sets them all to one value, or with <value>@<lcore> one
 * lcore's copy only.
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

/* Buffers for one key and one value of a table, and their sizes. */
struct elem_bufs {
	void *key;
	void *value;
	size_t key_sz;
	size_t value_sz;
};

/* Allocate key and value buffers of table ti. Returns 0 or -1. */
static int
elem_bufs_alloc(const struct mim_table_info *ti, struct elem_bufs *b)
{
	b->key_sz = ti->key_size;
	b->value_sz = elem_value_buf_size(ti);
	b->key = calloc(1, b->key_sz);
	b->value = calloc(1, b->value_sz);
	if (b->key == NULL || b->value == NULL) {
		free(b->key);
		free(b->value);
		return cli_err("out of memory for a %u-byte key and a %zu-byte value",
			       ti->key_size, b->value_sz);
	}
	return 0;
}

static void
elem_bufs_free(struct elem_bufs *b)
{
	free(b->key);
	free(b->value);
}

/*
 * The arguments every element command starts with: the table, then buffers
 * sized for it holding the parsed key. Returns 0, or -1 with nothing held.
 */
static int
elem_args(const struct cli_word *table, const struct cli_word *key,
	  struct mim_table_info *ti, struct elem_bufs *b)
{
	if (parse_table(table, ti) != 0)
		return -1;
	if (elem_bufs_alloc(ti, b) != 0)
		return -1;
	if (parse_key(ti, key, b->key) != 0) {
		elem_bufs_free(b);
		return -1;
	}
	return 0;
}

/*
 * The table held in an outer slot (key: a buffer of key_sz bytes): 0 with
 * its info, or -1 (empty slot).
 */
static int
outer_slot(const struct mim_table_info *outer, const void *key,
	   size_t key_sz, struct mim_table_info *inner)
{
	mim_id_t id;

	if (mim_lookup_elem_sz((int)outer->id, key, key_sz, &id,
			       sizeof(id)) != 0)
		return -1;
	return mim_get_info(id, inner) == 0 ? 0 : -1;
}

/* An inner table as JSON {id, name, type}, or null. */
static void
inner_json(const struct mim_table_info *ti)
{
	if (ti == NULL) {
		jw_null();
		return;
	}
	jw_obj_begin();
	jw_kv_u64("id", ti->id);
	jw_kv_str("name", ti->name);
	jw_kv_str("type", table_type_name(ti->type));
	jw_obj_end();
}

/* ---- update ------------------------------------------------------------- */

struct update_res {
	cmdline_fixed_string_t update;
	struct cli_word table;
	struct cli_word key;
	struct cli_word value;
	cmdline_fixed_string_t flag;
};

/*
 * Text of an outer slot update: what the slot holds now and what it held
 * (that table may have been released by the replacement).
 */
static void
outer_update_print(const struct mim_table_info *ti, const void *key,
		   const struct mim_table_info *now, bool had_old,
		   const struct mim_table_info *old)
{
	struct elem_printer *p = elem_printer_open(ti);
	struct mim_table_info tmp;
	bool released = had_old && mim_get_info((int)old->id, &tmp) != 0;
	char d[64];

	if (cli.json) {
		jw_obj_begin();
		jw_name("key");
		elem_key_json(p, key);
		elem_formatted_json(p, key, NULL);
		jw_name("inner");
		inner_json(now);
		jw_name("replaced");
		inner_json(had_old ? old : NULL);
		if (had_old)
			jw_kv_bool("replaced_released", released);
		jw_obj_end();
	} else {
		printf("slot ");
		elem_key_text(p, stdout, key);
		printf(": inner table %s", table_desc(now, d, sizeof(d)));
		if (had_old)
			printf(", replacing %s%s", table_desc(old, d, sizeof(d)),
			       released ? " (its last reference: released after a grace period)" : "");
		printf("\n");
	}
	elem_printer_close(p);
}

/*
 * The value of an update into b->value (b->key parsed). On a per-lcore
 * table, V sets every lcore's copy, V@N lcore N's only: the others are
 * read first and written back as they were (not atomic with other
 * writers; test-mim's workers only read). Returns 0 or -1 (reported).
 */
static int
parse_update_value(const struct mim_table_info *ti, const struct cli_word *w,
		   struct elem_bufs *b)
{
	size_t stride = elem_copy_stride(ti);
	uint32_t i, lcore, n = elem_nb_copies(ti);
	struct cli_word v = *w, lc;
	uint8_t *buf = b->value;
	const char *at;

	if (!table_is_percpu(ti->type))
		return parse_value(ti, w, b->value);
	at = memchr(w->s, '@', w->len);
	if (at == NULL) {
		if (parse_value(ti, w, buf) != 0)
			return -1;
		for (i = 1; i < n; i++)
			memcpy(buf + (size_t)i * stride, buf, stride);
		return 0;
	}
	v.len = (uint32_t)(at - w->s);
	lc.s = at + 1;
	lc.len = w->len - v.len - 1;
	if (parse_u32("lcore (after @)", &lc, &lcore) != 0)
		return -1;
	if (lcore >= n)
		return cli_err("update: lcore %" PRIu32 ": the table has copies for lcores 0 to %" PRIu32,
			       lcore, n - 1);
	/* An index out of range leaves the copies zero: the update then
	 * says what is wrong with the key.
	 */
	(void)mim_lookup_elem_sz((int)ti->id, b->key, b->key_sz, buf,
				 b->value_sz);
	return parse_value(ti, &v, buf + (size_t)lcore * stride);
}

/* update: mim_update_elem_sz() with flags any (default), noexist, exist. */
static int
cmd_update(void *res)
{
	struct update_res *r = res;
	struct mim_table_info ti, old, now;
	struct elem_bufs b;
	uint64_t flags = MIM_ANY;
	bool had_old = false;
	char d[64];
	int ret;

	if (strcmp(r->flag, "noexist") == 0)
		flags = MIM_NOEXIST;
	else if (strcmp(r->flag, "exist") == 0)
		flags = MIM_EXIST;
	if (elem_args(&r->table, &r->key, &ti, &b) != 0)
		return -1;
	if (parse_update_value(&ti, &r->value, &b) != 0) {
		elem_bufs_free(&b);
		return -1;
	}
	if (table_is_outer(ti.type))
		had_old = outer_slot(&ti, b.key, b.key_sz, &old) == 0;
	ret = mim_update_elem_sz((int)ti.id, b.key, b.key_sz, b.value,
				 b.value_sz, flags);
	if (ret < 0) {
		elem_bufs_free(&b);
		return cli_lib_err(ret, "update %s", table_desc(&ti, d, sizeof(d)));
	}
	if (table_is_outer(ti.type) &&
	    outer_slot(&ti, b.key, b.key_sz, &now) == 0)
		outer_update_print(&ti, b.key, &now, had_old, &old);
	elem_bufs_free(&b);
	return 0;
}

static struct cli_cmd update_cmd = { .fn = cmd_update };

static cmdline_parse_token_string_t update_tok =
	TOKEN_STRING_INITIALIZER(struct update_res, update, "update");
static struct cli_token_word update_table =
	TOKEN_WORD_INITIALIZER(struct update_res, table, CLI_WORD_TABLE,
			       "table: id or name");
static struct cli_token_word update_key =
	TOKEN_WORD_INITIALIZER(struct update_res, key, CLI_WORD_ANY,
			       "key: index, a.b.c.d/len or hex");
static struct cli_token_word update_value =
	TOKEN_WORD_INITIALIZER(struct update_res, value, CLI_WORD_ANY,
			       "value: hex (per-lcore tables: hex@lcore for one copy), or inner table");
static cmdline_parse_token_string_t update_flag =
	TOKEN_STRING_INITIALIZER(struct update_res, flag, "any#noexist#exist");

#define UPDATE_HELP "update <table> <key> <value> [any|noexist|exist]: " \
	"create or update an element (outer tables: value is an inner table; " \
	"per-lcore tables: value sets every copy, value@lcore one)"

static cmdline_parse_inst_t cmd_update_inst = {
	.f = cli_exec,
	.data = &update_cmd,
	.help_str = UPDATE_HELP,
	.tokens = {
		(void *)&update_tok, (void *)&update_table,
		(void *)&update_key, (void *)&update_value, NULL,
	},
};

static cmdline_parse_inst_t cmd_update_flag_inst = {
	.f = cli_exec,
	.data = &update_cmd,
	.help_str = UPDATE_HELP,
	.tokens = {
		(void *)&update_tok, (void *)&update_table,
		(void *)&update_key, (void *)&update_value,
		(void *)&update_flag, NULL,
	},
};

/* ---- lookup, delete ------------------------------------------------------ */

struct key_res {
	cmdline_fixed_string_t cmd;
	struct cli_word table;
	struct cli_word key;
};

/* lookup: mim_lookup_elem_sz(); outer tables show the inner table. */
static int
cmd_lookup(void *res)
{
	struct key_res *r = res;
	struct elem_printer *p;
	struct mim_table_info ti, inner;
	struct elem_bufs b;
	bool has_inner = false;
	char d[64];
	int ret;

	if (elem_args(&r->table, &r->key, &ti, &b) != 0)
		return -1;
	ret = mim_lookup_elem_sz((int)ti.id, b.key, b.key_sz, b.value,
				 b.value_sz);
	if (ret < 0) {
		elem_bufs_free(&b);
		return cli_lib_err(ret, "lookup %s", table_desc(&ti, d, sizeof(d)));
	}
	if (table_is_outer(ti.type)) {
		mim_id_t id;

		memcpy(&id, b.value, sizeof(id));
		has_inner = mim_get_info(id, &inner) == 0;
	}
	p = elem_printer_open(&ti);
	if (cli.json) {
		jw_obj_begin();
		jw_name("key");
		elem_key_json(p, b.key);
		elem_values_json(p, b.key, b.value);
		if (table_is_outer(ti.type)) {
			jw_name("inner");
			inner_json(has_inner ? &inner : NULL);
		}
		jw_obj_end();
	} else {
		printf("key: ");
		elem_key_text(p, stdout, b.key);
		if (has_inner) {
			printf("  inner: %s, %s, %u entr%s\n",
			       table_desc(&inner, d, sizeof(d)),
			       table_type_name(inner.type), inner.nb_entries,
			       inner.nb_entries == 1 ? "y" : "ies");
		} else {
			printf("  ");
			elem_values_text(p, stdout, b.value);
			printf("\n");
		}
	}
	elem_printer_close(p);
	elem_bufs_free(&b);
	return 0;
}

/* delete: mim_delete_elem_sz(); outer tables say which table left the slot. */
static int
cmd_delete(void *res)
{
	struct key_res *r = res;
	struct mim_table_info ti, old, tmp;
	struct elem_bufs b;
	bool had_old = false;
	char d[64];
	int ret;

	if (elem_args(&r->table, &r->key, &ti, &b) != 0)
		return -1;
	if (table_is_outer(ti.type))
		had_old = outer_slot(&ti, b.key, b.key_sz, &old) == 0;
	ret = mim_delete_elem_sz((int)ti.id, b.key, b.key_sz);
	if (ret < 0) {
		elem_bufs_free(&b);
		return cli_lib_err(ret, "delete %s", table_desc(&ti, d, sizeof(d)));
	}
	if (had_old) {
		bool released = mim_get_info((int)old.id, &tmp) != 0;
		struct elem_printer *p = elem_printer_open(&ti);

		if (cli.json) {
			jw_obj_begin();
			jw_name("key");
			elem_key_json(p, b.key);
			elem_formatted_json(p, b.key, NULL);
			jw_name("removed");
			inner_json(&old);
			jw_kv_bool("removed_released", released);
			jw_obj_end();
		} else {
			printf("slot ");
			elem_key_text(p, stdout, b.key);
			printf(": removed inner table %s%s\n",
			       table_desc(&old, d, sizeof(d)),
			       released ? " (its last reference: released after a grace period)" : "");
		}
		elem_printer_close(p);
	}
	elem_bufs_free(&b);
	return 0;
}

static struct cli_cmd lookup_cmd = { .fn = cmd_lookup };
static struct cli_cmd delete_cmd = { .fn = cmd_delete };

static cmdline_parse_token_string_t lookup_tok =
	TOKEN_STRING_INITIALIZER(struct key_res, cmd, "lookup");
static cmdline_parse_token_string_t delete_tok =
	TOKEN_STRING_INITIALIZER(struct key_res, cmd, "delete");
static struct cli_token_word key_table =
	TOKEN_WORD_INITIALIZER(struct key_res, table, CLI_WORD_TABLE,
			       "table: id or name");
static struct cli_token_word key_key =
	TOKEN_WORD_INITIALIZER(struct key_res, key, CLI_WORD_ANY,
			       "key: index, a.b.c.d/len or hex");

static cmdline_parse_inst_t cmd_lookup_inst = {
	.f = cli_exec,
	.data = &lookup_cmd,
	.help_str = "lookup <table> <key>: show an element's value (outer tables: the inner table)",
	.tokens = { (void *)&lookup_tok, (void *)&key_table,
		    (void *)&key_key, NULL },
};

static cmdline_parse_inst_t cmd_delete_inst = {
	.f = cli_exec,
	.data = &delete_cmd,
	.help_str = "delete <table> <key>: delete an element (outer tables: empty the slot)",
	.tokens = { (void *)&delete_tok, (void *)&key_table,
		    (void *)&key_key, NULL },
};

/* ---- iterate ------------------------------------------------------------- */

struct iterate_res {
	cmdline_fixed_string_t iterate;
	struct cli_word table;
};

/* iterate: the keys in mim_get_next_key() order. */
static int
cmd_iterate(void *res)
{
	struct iterate_res *r = res;
	struct elem_printer *p;
	struct mim_table_info ti;
	uint8_t *key, *next;
	uint64_t n = 0;
	int ret;

	if (parse_table(&r->table, &ti) != 0)
		return -1;
	key = calloc(2, ti.key_size);
	if (key == NULL)
		return cli_err("out of memory for keys of %u bytes", ti.key_size);
	next = key + ti.key_size;
	p = elem_printer_open(&ti);
	if (cli.json) {
		jw_obj_begin();
		jw_kv_u64("id", ti.id);
		jw_name("keys");
		jw_arr_begin();
	}
	/* Bounded by max_entries: iteration is not a snapshot. */
	ret = mim_get_next_key_sz((int)ti.id, NULL, next, ti.key_size);
	while (ret == 0 && n < ti.max_entries) {
		if (cli.json) {
			elem_key_json(p, next);
		} else {
			printf("key: ");
			elem_key_text(p, stdout, next);
			printf("\n");
		}
		n++;
		memcpy(key, next, ti.key_size);
		ret = mim_get_next_key_sz((int)ti.id, key, next, ti.key_size);
	}
	if (cli.json) {
		jw_arr_end();
		jw_obj_end();
	} else {
		printf("Found %" PRIu64 " key%s\n", n, n == 1 ? "" : "s");
	}
	elem_printer_close(p);
	free(key);
	return 0;
}

static struct cli_cmd iterate_cmd = { .fn = cmd_iterate };

static cmdline_parse_token_string_t iterate_tok =
	TOKEN_STRING_INITIALIZER(struct iterate_res, iterate, "iterate");
static struct cli_token_word iterate_table =
	TOKEN_WORD_INITIALIZER(struct iterate_res, table, CLI_WORD_TABLE,
			       "table: id or name");

static cmdline_parse_inst_t cmd_iterate_inst = {
	.f = cli_exec,
	.data = &iterate_cmd,
	.help_str = "iterate <table>: list the keys in mim_get_next_key order",
	.tokens = { (void *)&iterate_tok, (void *)&iterate_table, NULL },
};

cmdline_parse_inst_t *cli_elem_cmds[] = {
	&cmd_update_inst,
	&cmd_update_flag_inst,
	&cmd_lookup_inst,
	&cmd_delete_inst,
	&cmd_iterate_inst,
	NULL,
};
