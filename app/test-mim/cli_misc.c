/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Other commands:
 *
 *   help [<command>]
 *   reclaim
 *   sleep <ms>
 *   expect-error <command>
 *   quit
 */

#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include <cmdline_parse_string.h>

#include <mim.h>

#include "cli.h"
#include "cli_token.h"
#include "jsonw.h"
#include "parse.h"

static const char help_formats[] =
	"Arguments:\n"
	"    <table>   a table ID, or a table name (completed with TAB)\n"
	"    <key>     array, array_of_tables, percpu_array: u32 index (decimal, or 0x hex)\n"
	"              lpm key 8: a.b.c.d/len (a.b.c.d alone is /32)\n"
	"              lpm key 20: addr6/len, e.g. 2001:db8::/32 (alone /128)\n"
	"              hash, hash_of_tables, percpu_hash, lru_hash: key_size bytes in hex, e.g. 0a000001\n"
	"    <value>   outer tables: the inner table (ID or name)\n"
	"              others: value_size bytes in hex\n"
	"              percpu_array, percpu_hash: sets every lcore's copy; value@lcore one\n"
	"    <flags>   a number, or no_prealloc, numa_node, inner_map, no_common_lru joined by '|'\n"
	"    <file>    BTF: an ELF object with a .BTF section, or raw BTF\n"
	"    <type>    a BTF type of that file, by name (flow, __u32) or ID\n"
	"TAB completes, '?' lists the choices with their help, arrows walk the history.\n";

/* First word of s into buf. */
static void
command_name(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	while (s[n] != '\0' && s[n] != ' ' && s[n] != ':' && n + 1 < size) {
		buf[n] = s[n];
		n++;
	}
	buf[n] = '\0';
}

void
cli_help(const char *topic)
{
	const char *prev = NULL;
	char name[32];
	size_t i;

	if (cli.json) {
		jw_obj_begin();
		jw_name("commands");
		jw_arr_begin();
	} else if (topic == NULL) {
		printf("Commands:\n");
	}
	for (i = 0; cli_ctx[i] != NULL; i++) {
		const char *h = cli_ctx[i]->help_str;

		/* Instances of one form share their help string. */
		if (h == NULL || h == prev)
			continue;
		prev = h;
		command_name(h, name, sizeof(name));
		if (topic != NULL && strcmp(name, topic) != 0)
			continue;
		if (cli.json)
			jw_str(h);
		else
			printf("    %s\n", h);
	}
	if (cli.json) {
		jw_arr_end();
		jw_obj_end();
	} else if (topic == NULL) {
		printf("%s", help_formats);
	}
}

struct help_res {
	cmdline_fixed_string_t help;
	struct cli_word topic;
};

/* help [<command>]: the commands (or those named topic) and formats. */
static int
cmd_help(void *res)
{
	struct help_res *r = res;
	char topic[32], name[32];
	size_t i;

	if (r->topic.s == NULL) {
		cli_help(NULL);
		return 0;
	}
	if (cli_word_copy(&r->topic, topic, sizeof(topic)) != 0)
		return cli_err("help: no command '%s...'", topic);
	for (i = 0; cli_ctx[i] != NULL; i++) {
		command_name(cli_ctx[i]->help_str, name, sizeof(name));
		if (strcmp(name, topic) == 0) {
			cli_help(topic);
			return 0;
		}
	}
	return cli_err("help: no command '%s' ('help' lists them)", topic);
}

/* reclaim: mim_reclaim(); what was released and what still waits. */
static int
cmd_reclaim(void *res)
{
	struct mim_rcu_stats rs;
	int released;

	RTE_SET_USED(res);
	released = mim_reclaim();
	if (mim_rcu_get_stats(&rs) != 0)
		return cli_lib_err(-EINVAL, "reclaim");
	if (cli.json) {
		jw_obj_begin();
		jw_kv_u64("released", (uint64_t)released);
		jw_kv_u64("pending", rs.pending);
		jw_obj_end();
	} else {
		printf("released %d, pending %u\n", released, rs.pending);
	}
	return 0;
}

struct expect_res {
	cmdline_fixed_string_t expect;
	struct cli_word command;
};

/*
 * expect-error <command>: run a command that must fail (self-checking
 * scripts). In JSON mode the command's document is captured, so that the
 * line prints one document: the command's error ("expected": true), or,
 * when it succeeded, expect-error's own with the command's as "output".
 */
static int
cmd_expect_error(void *res)
{
	struct expect_res *r = res;
	char *line, *out = NULL;
	uint64_t docs = 0;
	int ret;

	if (cli.expecting)
		return cli_err("expect-error: cannot be nested");
	line = cli_word_dup(&r->command);
	if (line == NULL || (cli.json && jw_capture_begin() != 0)) {
		free(line);
		return cli_err("expect-error: out of memory");
	}
	cli.expecting = true;
	ret = cli_run_line(line);
	cli.expecting = false;
	if (cli.json)
		out = jw_capture_end(&docs);
	if (ret != 0) {
		/* The failure was the expected outcome. */
		cli.failed = false;
		if (docs == 1) {
			jw_raw(out);
		} else if (cli.json) {
			/* Not one document (no memory to capture it). */
			jw_obj_begin();
			jw_kv_str("error", "the command failed (its output was lost)");
			jw_kv_bool("expected", true);
			jw_obj_end();
		}
	} else {
		cli_err_output(docs == 1 ? out : "null",
			       "expect-error: '%s' succeeded", line);
	}
	free(out);
	free(line);
	return ret != 0 ? 0 : -1;
}

struct sleep_res {
	cmdline_fixed_string_t sleep;
	struct cli_word ms;
};

/* sleep <ms>: let the workers run (in scripts). */
static int
cmd_sleep(void *res)
{
	struct sleep_res *r = res;
	uint32_t ms;

	if (parse_u32("milliseconds", &r->ms, &ms) != 0)
		return -1;
	if (ms > 3600 * 1000)
		return cli_err("sleep %u: at most one hour (3600000 ms)", ms);
	rte_delay_us_sleep((unsigned int)ms * 1000);
	return 0;
}

/* quit: end the prompt or the script. */
static int
cmd_quit(void *res)
{
	RTE_SET_USED(res);
	cli.quit = true;
	if (cli.cl != NULL)
		cmdline_quit(cli.cl);
	return 0;
}

static struct cli_cmd help_cmd = { .fn = cmd_help };
static struct cli_cmd reclaim_cmd = { .fn = cmd_reclaim };
static struct cli_cmd quit_cmd = { .fn = cmd_quit };
static struct cli_cmd sleep_cmd = { .fn = cmd_sleep };
static struct cli_cmd expect_cmd = { .fn = cmd_expect_error };

static cmdline_parse_token_string_t help_tok =
	TOKEN_STRING_INITIALIZER(struct help_res, help, "help");
static struct cli_token_word help_topic =
	TOKEN_WORD_INITIALIZER(struct help_res, topic, CLI_WORD_ANY,
			       "command");

#define HELP_HELP "help [<command>]: list the commands, or the forms of one"

static cmdline_parse_inst_t cmd_help_inst = {
	.f = cli_exec,
	.data = &help_cmd,
	.help_str = HELP_HELP,
	.tokens = { (void *)&help_tok, NULL },
};

static cmdline_parse_inst_t cmd_help_topic_inst = {
	.f = cli_exec,
	.data = &help_cmd,
	.help_str = HELP_HELP,
	.tokens = { (void *)&help_tok, (void *)&help_topic, NULL },
};

struct word_res {
	cmdline_fixed_string_t word;
};

static cmdline_parse_token_string_t reclaim_tok =
	TOKEN_STRING_INITIALIZER(struct word_res, word, "reclaim");
static cmdline_parse_token_string_t quit_tok =
	TOKEN_STRING_INITIALIZER(struct word_res, word, "quit");

static cmdline_parse_inst_t cmd_reclaim_inst = {
	.f = cli_exec,
	.data = &reclaim_cmd,
	.help_str = "reclaim: release every retired table or value that all readers have let go (mim_reclaim)",
	.tokens = { (void *)&reclaim_tok, NULL },
};

static cmdline_parse_inst_t cmd_quit_inst = {
	.f = cli_exec,
	.data = &quit_cmd,
	.help_str = "quit: leave test-mim",
	.tokens = { (void *)&quit_tok, NULL },
};

static cmdline_parse_token_string_t sleep_tok =
	TOKEN_STRING_INITIALIZER(struct sleep_res, sleep, "sleep");
static struct cli_token_word sleep_ms =
	TOKEN_WORD_INITIALIZER(struct sleep_res, ms, CLI_WORD_ANY,
			       "milliseconds");

static cmdline_parse_inst_t cmd_sleep_inst = {
	.f = cli_exec,
	.data = &sleep_cmd,
	.help_str = "sleep <ms>: wait, letting the workers run (for scripts)",
	.tokens = { (void *)&sleep_tok, (void *)&sleep_ms, NULL },
};

static cmdline_parse_token_string_t expect_tok =
	TOKEN_STRING_INITIALIZER(struct expect_res, expect, "expect-error");
static struct cli_token_word expect_command =
	TOKEN_WORD_INITIALIZER(struct expect_res, command, CLI_WORD_REST,
			       "a command that must fail");

static cmdline_parse_inst_t cmd_expect_inst = {
	.f = cli_exec,
	.data = &expect_cmd,
	.help_str = "expect-error <command>: run a command that must fail; fails if it succeeds (for scripts)",
	.tokens = { (void *)&expect_tok, (void *)&expect_command, NULL },
};

cmdline_parse_inst_t *cli_misc_cmds[] = {
	&cmd_help_inst,
	&cmd_help_topic_inst,
	&cmd_reclaim_inst,
	&cmd_sleep_inst,
	&cmd_expect_inst,
	&cmd_quit_inst,
	NULL,
};
