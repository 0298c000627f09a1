/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Worker commands:
 *
 *   workers start <table> single|bulk|nested [<burst>]
 *   workers stop
 *   show workers
 */

#include <inttypes.h>
#include <string.h>

#include <cmdline_parse_string.h>

#include "cli.h"
#include "cli_token.h"
#include "jsonw.h"
#include "parse.h"
#include "printer.h"
#include "workers.h"

void
workers_print(void)
{
	static struct workers_status st;
	uint64_t lookups = 0, hits = 0, omiss = 0;
	double rate = 0.0;
	unsigned int i;
	char d[64];

	workers_get(&st);
	for (i = 0; i < st.nb_workers; i++) {
		lookups += st.w[i].lookups;
		hits += st.w[i].hits;
		omiss += st.w[i].outer_misses;
		if (st.w[i].seconds > 0)
			rate += (double)st.w[i].lookups / st.w[i].seconds;
	}
	if (cli.json) {
		jw_obj_begin();
		jw_kv_bool("running", st.running);
		if (st.ran) {
			jw_kv_u64("table", st.table.id);
			jw_kv_str("table_name", st.table.name);
			jw_kv_str("mode", worker_mode_name(st.mode));
			jw_kv_u64("burst", st.burst);
			jw_kv_u64("keys_sampled", st.pool);
		}
		jw_kv_u64("lookups", lookups);
		jw_kv_u64("hits", hits);
		jw_kv_u64("outer_misses", omiss);
		jw_kv_u64("lookups_per_sec", (uint64_t)rate);
		jw_name("lcores");
		jw_arr_begin();
		for (i = 0; i < st.nb_workers; i++) {
			jw_obj_begin();
			jw_kv_u64("lcore", st.w[i].lcore);
			jw_kv_u64("lookups", st.w[i].lookups);
			jw_kv_u64("hits", st.w[i].hits);
			jw_kv_u64("outer_misses", st.w[i].outer_misses);
			jw_kv_u64("usec", (uint64_t)(st.w[i].seconds * 1e6));
			jw_kv_u64("lookups_per_sec", st.w[i].seconds > 0 ?
				  (uint64_t)(st.w[i].lookups / st.w[i].seconds) : 0);
			jw_obj_end();
		}
		jw_arr_end();
		jw_obj_end();
		return;
	}
	if (!st.ran) {
		printf("workers: none started\n");
		return;
	}
	printf("workers: %s on table %s (%s, burst %u, %u %s sampled), %u lcore%s\n",
	       st.running ? "running" : "stopped",
	       table_desc(&st.table, d, sizeof(d)), worker_mode_name(st.mode),
	       st.burst, st.pool,
	       st.mode == WORKER_NESTED ? (st.pool == 1 ? "key pair" : "key pairs") :
	       (st.pool == 1 ? "key" : "keys"),
	       st.nb_workers, st.nb_workers == 1 ? "" : "s");
	for (i = 0; i < st.nb_workers; i++)
		printf("    lcore %u: lookups %" PRIu64 "  hits %" PRIu64
		       "  outer misses %" PRIu64 "  %.3f s  %.2f Mlookups/s\n",
		       st.w[i].lcore, st.w[i].lookups, st.w[i].hits,
		       st.w[i].outer_misses, st.w[i].seconds,
		       st.w[i].seconds > 0 ?
		       st.w[i].lookups / st.w[i].seconds / 1e6 : 0.0);
	printf("    total: lookups %" PRIu64 "  hits %" PRIu64
	       "  %.2f Mlookups/s\n", lookups, hits, rate / 1e6);
}

struct workers_res {
	cmdline_fixed_string_t workers;
	cmdline_fixed_string_t action;
	struct cli_word table;
	cmdline_fixed_string_t mode;
	struct cli_word burst;
};

/* workers start: sample keys of the table, launch on every worker lcore. */
static int
cmd_workers_start(void *res)
{
	struct workers_res *r = res;
	struct mim_table_info ti;
	enum worker_mode mode = WORKER_SINGLE;
	uint32_t burst = WORKER_BURST_DEFAULT;

	if (parse_table(&r->table, &ti) != 0)
		return -1;
	if (strcmp(r->mode, "bulk") == 0)
		mode = WORKER_BULK;
	else if (strcmp(r->mode, "nested") == 0)
		mode = WORKER_NESTED;
	if (r->burst.s != NULL && parse_u32("burst", &r->burst, &burst) != 0)
		return -1;
	if (workers_start(&ti, mode, burst) != 0)
		return -1;
	if (!cli.json)
		printf("workers started\n");
	workers_print();
	return 0;
}

/* workers stop: stop, wait, report the rates. */
static int
cmd_workers_stop(void *res)
{
	RTE_SET_USED(res);
	if (workers_stop() != 0)
		return cli_err("workers stop: no workers are running");
	workers_print();
	return 0;
}

/* show workers: the counters of the current or last run. */
static int
cmd_show_workers(void *res)
{
	RTE_SET_USED(res);
	workers_print();
	return 0;
}

static struct cli_cmd workers_start_cmd = { .fn = cmd_workers_start };
static struct cli_cmd workers_stop_cmd = { .fn = cmd_workers_stop };
static struct cli_cmd show_workers_cmd = { .fn = cmd_show_workers };

static cmdline_parse_token_string_t workers_tok =
	TOKEN_STRING_INITIALIZER(struct workers_res, workers, "workers");
static cmdline_parse_token_string_t workers_start_tok =
	TOKEN_STRING_INITIALIZER(struct workers_res, action, "start");
static cmdline_parse_token_string_t workers_stop_tok =
	TOKEN_STRING_INITIALIZER(struct workers_res, action, "stop");
static struct cli_token_word workers_table =
	TOKEN_WORD_INITIALIZER(struct workers_res, table, CLI_WORD_TABLE,
			       "table: id or name");
static cmdline_parse_token_string_t workers_mode =
	TOKEN_STRING_INITIALIZER(struct workers_res, mode, "single#bulk#nested");
static struct cli_token_word workers_burst =
	TOKEN_WORD_INITIALIZER(struct workers_res, burst, CLI_WORD_ANY,
			       "keys per burst, 1 to 64");

#define WORKERS_START_HELP "workers start <table> single|bulk|nested [<burst>]: " \
	"look up random keys of a table on every worker lcore"

static cmdline_parse_inst_t cmd_workers_start_inst = {
	.f = cli_exec,
	.data = &workers_start_cmd,
	.help_str = WORKERS_START_HELP,
	.tokens = {
		(void *)&workers_tok, (void *)&workers_start_tok,
		(void *)&workers_table, (void *)&workers_mode, NULL,
	},
};

static cmdline_parse_inst_t cmd_workers_start_burst_inst = {
	.f = cli_exec,
	.data = &workers_start_cmd,
	.help_str = WORKERS_START_HELP,
	.tokens = {
		(void *)&workers_tok, (void *)&workers_start_tok,
		(void *)&workers_table, (void *)&workers_mode,
		(void *)&workers_burst, NULL,
	},
};

static cmdline_parse_inst_t cmd_workers_stop_inst = {
	.f = cli_exec,
	.data = &workers_stop_cmd,
	.help_str = "workers stop: stop the workers and report their lookup rates",
	.tokens = { (void *)&workers_tok, (void *)&workers_stop_tok, NULL },
};

struct show_workers_res {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t workers;
};

static cmdline_parse_token_string_t show_workers_show =
	TOKEN_STRING_INITIALIZER(struct show_workers_res, show, "show");
static cmdline_parse_token_string_t show_workers_tok =
	TOKEN_STRING_INITIALIZER(struct show_workers_res, workers, "workers");

static cmdline_parse_inst_t cmd_show_workers_inst = {
	.f = cli_exec,
	.data = &show_workers_cmd,
	.help_str = "show workers: lookups, hits and rate of each worker lcore",
	.tokens = { (void *)&show_workers_show, (void *)&show_workers_tok,
		    NULL },
};

cmdline_parse_inst_t *cli_worker_cmds[] = {
	&cmd_workers_start_inst,
	&cmd_workers_start_burst_inst,
	&cmd_workers_stop_inst,
	&cmd_show_workers_inst,
	NULL,
};
