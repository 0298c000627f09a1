/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef TEST_MIM_CLI_H
#define TEST_MIM_CLI_H

/*
 * The command line of test-mim: the state shared by the command groups
 * (cli_*.c), how a command reports success and failure, and the runners
 * (interactive prompt, script).
 *
 * Every command instance has cli_exec() as its cmdline callback and a
 * struct cli_cmd as its data: cli_exec() runs the handler, records whether
 * it failed, and makes sure that in JSON mode exactly one JSON document is
 * printed per command (the handler's, an error object, or null).
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

#include <cmdline.h>
#include <cmdline_parse.h>

/* Output options and the state of the running command. */
struct cli_state {
	bool json;          /* --json: JSON documents instead of text */
	bool pretty;        /* --pretty: indented JSON */
	bool echo;          /* --echo: print script lines with the prompt */
	bool keep_going;    /* --continue-on-error */
	bool quit;          /* quit was entered (or a signal arrived) */
	bool failed;        /* the current command failed */
	bool expecting;     /* expect-error runs a command that must fail */
	unsigned int line;  /* line number in the script, 0 at the prompt */
	struct cmdline *cl; /* the cmdline object running commands */
};

extern struct cli_state cli;

/* What a command instance runs: its handler gets the parsed result. */
struct cli_cmd {
	/* Returns 0, or -1 after reporting the error with cli_err(). */
	int (*fn)(void *res);
};

/* The cmdline callback of every instance; data is a struct cli_cmd. */
void cli_exec(void *res, struct cmdline *cl, void *data);

/*
 * Report that the current command failed: prints "error: <message>" to
 * stderr (with the script line number when running a script) and, in JSON
 * mode, {"error": "<message>"} to stdout. Under expect-error the message
 * is expected output: "error (expected): <message>" on stdout, and
 * "expected": true in JSON. Returns -1.
 */
int cli_err(const char *fmt, ...) __rte_format_printf(1, 2);

/*
 * cli_err() with, in JSON mode, output (one complete JSON value, as
 * jw_capture_end() returns it) as the error object's "output": the
 * document of a command that expect-error ran and that succeeded.
 */
int cli_err_output(const char *output, const char *fmt, ...)
	__rte_format_printf(2, 3);

/*
 * Report a failed library call: "<what>: <mim_last_error()> (<ERRNO>)".
 * ret is the negative errno the call returned. Returns -1.
 */
int cli_lib_err(int ret, const char *fmt, ...) __rte_format_printf(2, 3);

/* Symbolic name of an errno value ("EINVAL"), or its number as text. */
const char *cli_errno_name(int err);

/* The command groups, each a NULL-terminated list of instances. */
extern cmdline_parse_inst_t *cli_table_cmds[];
extern cmdline_parse_inst_t *cli_elem_cmds[];
extern cmdline_parse_inst_t *cli_show_cmds[];
extern cmdline_parse_inst_t *cli_worker_cmds[];
extern cmdline_parse_inst_t *cli_misc_cmds[];

/* All instances of all groups, NULL-terminated (built by cli_init()). */
extern cmdline_parse_ctx_t *cli_ctx;

/*
 * Build the command context. Returns 0, or -1 (out of memory).
 */
int cli_init(void);

/* Free what cli_init() allocated. */
void cli_fini(void);

/*
 * Run a script read from f (a file, or stdin when it is not a terminal):
 * one command per line, blank lines and '#' comments skipped. Stops at
 * the first failing command unless --continue-on-error. A read error, a
 * NUL byte or a line longer than 64 Mi characters is reported at its line
 * and ends the script as a failed command.
 * Returns the number of failed commands (0: all succeeded).
 */
unsigned int cli_run_script(FILE *f, const char *name);

/*
 * Parse and run one command line (with or without its newline) on the
 * running command line object, reporting a line that does not parse.
 * Returns 0, or -1 if the command failed.
 */
int cli_run_line(const char *line);

/* Run the interactive prompt on stdin until quit or end of input. */
void cli_run_interactive(void);

/* Print the help text: every command, or those whose name is topic. */
void cli_help(const char *topic);

/* Flush stdout (the commands' output) before the prompt is written. */
void cli_flush(void);

#endif /* TEST_MIM_CLI_H */
