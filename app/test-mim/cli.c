/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The command line of test-mim (cli.h): the command context, the
 * execution of one command, error reporting, and the two runners.
 *
 * Scripts are read line by line and each line handed to cmdline_parse(),
 * which returns why a line did not parse; the prompt is the cmdline
 * library's (cmdline_stdin_new(): history, completion, help on '?'), fed
 * one character at a time as cmdline_interact() does, so that a line that
 * does not parse also gets its usage printed.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmdline_rdline.h>
#include <cmdline_socket.h>
#include <cmdline_vt100.h>

#include <mim.h>

#include "cli.h"
#include "jsonw.h"
#include "utf8.h"

#define CLI_PROMPT "test-mim> "

/* Longest script line: a value of 32 MiB in hex. */
#define CLI_LINE_MAX (UINT32_C(1) << 26)

struct cli_state cli;
cmdline_parse_ctx_t *cli_ctx;

/* Name of the script being run, for messages; NULL at the prompt. */
static const char *script_name;

/* The command groups, in the order help lists them. */
static cmdline_parse_inst_t **const groups[] = {
	cli_table_cmds,
	cli_elem_cmds,
	cli_show_cmds,
	cli_worker_cmds,
	cli_misc_cmds,
};

int
cli_init(void)
{
	size_t g, i, n = 0;

	for (g = 0; g < RTE_DIM(groups); g++)
		for (i = 0; groups[g][i] != NULL; i++)
			n++;
	cli_ctx = calloc(n + 1, sizeof(*cli_ctx));
	if (cli_ctx == NULL)
		return -1;
	n = 0;
	for (g = 0; g < RTE_DIM(groups); g++)
		for (i = 0; groups[g][i] != NULL; i++)
			cli_ctx[n++] = groups[g][i];
	jw_init(stdout, cli.pretty);
	return 0;
}

void
cli_fini(void)
{
	free(cli_ctx);
	cli_ctx = NULL;
}

void
cli_flush(void)
{
	fflush(stdout);
	fflush(stderr);
}

const char *
cli_errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { E2BIG, "E2BIG" },
		{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { EINVAL, "EINVAL" },
		{ ENOSPC, "ENOSPC" }, { ENOTSUP, "ENOTSUP" },
		{ ENOTCONN, "ENOTCONN" },
	};
	static _Thread_local char buf[24];
	size_t i;

	for (i = 0; i < RTE_DIM(names); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/*
 * Print a failure: stderr for people, a JSON error object on stdout, with
 * output (a captured document, or NULL) as its "output".
 */
static void
cli_report(const char *msg, const char *output)
{
	cli.failed = true;
	fflush(stdout);
	if (cli.expecting && !cli.json)
		printf("error (expected): %s\n", msg);
	else if (cli.expecting)
		;  /* only the JSON document */
	else if (script_name != NULL)
		fprintf(stderr, "%s:%u: error: %s\n", script_name, cli.line, msg);
	else
		fprintf(stderr, "error: %s\n", msg);
	if (cli.json) {
		/* Handlers report before they print; should one not, its
		 * document is closed first so that the stream stays valid.
		 */
		if (jw_in_document())
			jw_close_all();
		jw_obj_begin();
		jw_kv_str("error", msg);
		if (output != NULL) {
			jw_name("output");
			jw_raw(output);
		}
		if (cli.expecting)
			jw_kv_bool("expected", true);
		if (script_name != NULL)
			jw_kv_u64("line", cli.line);
		jw_obj_end();
	}
	cli_flush();
}

/* vsnprintf() into buf; a message too long is cut between characters. */
static void __rte_format_printf(3, 0)
cli_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (n >= 0 && (size_t)n >= size)
		buf[utf8_trim_partial(buf, size - 1)] = '\0';
}

int
cli_err(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	cli_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_report(msg, NULL);
	return -1;
}

int
cli_err_output(const char *output, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	cli_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_report(msg, output);
	return -1;
}

int
cli_lib_err(int ret, const char *fmt, ...)
{
	char msg[1024], what[512];
	va_list ap;

	va_start(ap, fmt);
	cli_vformat(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (snprintf(msg, sizeof(msg), "%s: %s (%s)", what, mim_last_error(),
		     cli_errno_name(-ret)) >= (int)sizeof(msg))
		msg[utf8_trim_partial(msg, sizeof(msg) - 1)] = '\0';
	cli_report(msg, NULL);
	return -1;
}

void
cli_exec(void *res, struct cmdline *cl, void *data)
{
	const struct cli_cmd *cmd = data;
	uint64_t docs = jw_documents();

	RTE_SET_USED(cl);
	cli.failed = false;
	if (cmd->fn(res) != 0 && !cli.failed)
		cli_err("command failed");
	if (cli.json) {
		if (jw_in_document())
			jw_close_all();
		/* One document per command: null when it has nothing to say
		 * (as bpftool -j).
		 */
		if (jw_documents() == docs)
			jw_null();
	}
	cli_flush();
}

static bool
end_of_word(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * First word of s (up to a blank or the end) copied into buf; a word
 * longer than buf is cut between characters and ends with "..." (size
 * must be at least 4).
 */
static void
first_word(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	while (!end_of_word(s[n]) && n + 1 < size) {
		buf[n] = s[n];
		n++;
	}
	if (n + 1 == size && !end_of_word(s[n])) {
		n = utf8_trim_partial(buf, size - 4);
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
}

/*
 * Why a line did not parse, with the usage of the command it starts with:
 * into buf (several lines, no trailing newline). At the prompt the cmdline
 * library has already said why ("Bad arguments"): hint gives the usage only.
 */
static void
parse_failure(int status, const char *line, bool hint, char *buf, size_t size)
{
	char cmd[32], w[32];
	size_t n = 0, i;

	first_word(line, cmd, sizeof(cmd));
	buf[0] = '\0';
	if (status == CMDLINE_PARSE_AMBIGUOUS) {
		snprintf(buf, size, "%s", hint ? "" : "ambiguous command");
		return;
	}
	if (status == CMDLINE_PARSE_NOMATCH) {
		snprintf(buf, size, hint ? "'help' lists the commands" :
			 "unknown command '%s' ('help' lists the commands)",
			 cmd);
		return;
	}
	if (hint)
		n = (size_t)snprintf(buf, size, "usage:");
	else
		n = (size_t)snprintf(buf, size, "bad arguments for '%s'; usage:",
				     cmd);
	for (i = 0; cli_ctx[i] != NULL && n < size; i++) {
		const char *h = cli_ctx[i]->help_str;

		first_word(h, w, sizeof(w));
		if (strcmp(w, cmd) != 0)
			continue;
		/* Instances of one form share their help string. */
		if (i > 0 && cli_ctx[i - 1]->help_str == h)
			continue;
		n += (size_t)snprintf(buf + n, size - n, "\n    %s", h);
	}
}

int
cli_run_line(const char *line)
{
	size_t len = strlen(line);
	char *buf;
	int ret;

	buf = malloc(len + 2);
	if (buf == NULL)
		return cli_err("out of memory for a line of %zu characters", len);
	memcpy(buf, line, len);
	/* cmdline_parse() wants the line with its newline. */
	if (len == 0 || buf[len - 1] != '\n')
		buf[len++] = '\n';
	buf[len] = '\0';
	cli.failed = false;
	ret = cmdline_parse(cli.cl, buf);
	if (ret < 0) {
		char why[2048];

		parse_failure(ret, buf, false, why, sizeof(why));
		cli_err("%s", why);
	}
	free(buf);
	return cli.failed ? -1 : 0;
}

/*
 * Read the next line of a script into *buf (grown as needed), without its
 * end of line. Returns its length, -1 at the end of the script, or -2
 * after reporting (at cli.line) why the script cannot be read on: a read
 * error, a NUL byte (not a text file: /dev/zero fails at once), a line
 * longer than CLI_LINE_MAX.
 */
static ssize_t
script_line(FILE *f, char **buf, size_t *cap)
{
	size_t n = 0, grown;
	char *nb;
	int c;

	for (;;) {
		if (n + 1 >= *cap) {
			grown = RTE_MIN(*cap == 0 ? 256 : *cap * 2,
					(size_t)CLI_LINE_MAX + 1);
			nb = realloc(*buf, grown);
			if (nb == NULL) {
				cli_err("out of memory for a line of %zu characters",
					n);
				return -2;
			}
			*buf = nb;
			*cap = grown;
		}
		c = getc(f);
		if (c == EOF && ferror(f)) {
			cli_err("cannot read: %s", strerror(errno));
			return -2;
		}
		if (c == EOF && n == 0)
			return -1;
		if (c == EOF || c == '\n')
			break;
		if (c == '\0' || n == CLI_LINE_MAX) {
			if (c == '\0')
				cli_err("NUL byte at column %zu (not a text file?)",
					n + 1);
			else
				cli_err("line longer than %u characters",
					CLI_LINE_MAX);
			return -2;
		}
		(*buf)[n++] = (char)c;
	}
	while (n > 0 && (*buf)[n - 1] == '\r')
		n--;
	(*buf)[n] = '\0';
	return (ssize_t)n;
}

unsigned int
cli_run_script(FILE *f, const char *name)
{
	unsigned int fails = 0;
	struct cmdline *cl;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	/* No input or output fd: commands print on stdout themselves. */
	cl = cmdline_new(cli_ctx, "", -1, -1);
	if (cl == NULL) {
		fprintf(stderr, "test-mim: cannot create a command line\n");
		return 1;
	}
	cli.cl = cl;
	cli.line = 0;
	script_name = name;
	while (!cli.quit) {
		cli.line++;
		len = script_line(f, &line, &cap);
		if (len == -1)
			break;
		if (len < 0) {
			fails++;  /* a file that cannot be read on: stop */
			break;
		}
		if (cli.echo && !cli.json) {
			printf(CLI_PROMPT "%s\n", line);
			cli_flush();
		}
		if (cli_run_line(line) != 0) {
			fails++;
			if (!cli.keep_going)
				break;
		}
	}
	free(line);
	cmdline_free(cl);
	cli.cl = NULL;
	script_name = NULL;
	return fails;
}

void
cli_run_interactive(void)
{
	struct cmdline *cl;
	struct rdline *rdl;
	char c, line[1024];
	int status;

	cl = cmdline_stdin_new(cli_ctx, CLI_PROMPT);
	if (cl == NULL) {
		fprintf(stderr, "test-mim: cannot start the prompt\n");
		return;
	}
	cli.cl = cl;
	cli.line = 0;
	rdl = cmdline_get_rdline(cl);
	while (!cli.quit) {
		ssize_t r = read(STDIN_FILENO, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;  /* a signal: the loop tests cli.quit */
		if (r <= 0)
			break;
		status = 0;
		if (c == '\n' || c == '\r') {
			/* What cmdline will make of the line (it only says
			 * "Bad arguments"): keep it to add the usage.
			 */
			snprintf(line, sizeof(line), "%s", rdline_get_buffer(rdl));
			status = cmdline_parse_check(cl, line);
		}
		if (cmdline_in(cl, &c, 1) < 0)
			break;
		if (status < 0) {
			char why[2048];

			parse_failure(status, line, true, why, sizeof(why));
			if (why[0] != '\0') {
				/* Over the new prompt, then the prompt again. */
				fprintf(stdout, "\r" vt100_clear_line "%s\n", why);
				cli_flush();
				rdline_redisplay(rdl);
			}
		}
	}
	/* Leave the terminal as it was. */
	fputs("\n", stdout);
	cli_flush();
	cmdline_stdin_exit(cl);
	cli.cl = NULL;
}
