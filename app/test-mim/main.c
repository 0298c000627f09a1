/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * test-mim: drive and inspect mapinmap tables, in the manner of testpmd.
 *
 *   test-mim [EAL options] -- [options]
 *       a prompt when stdin is a terminal, else a script read from stdin;
 *       --cmdline-file FILE runs FILE first (then the prompt with -i).
 *
 * Built on the public headers only, linked like any application. The test
 * suites are another program (app/test, mim-test).
 *
 * With EAL's --proc-type=secondary and the --file-prefix of a running
 * mapinmap application, it works on that application's tables (session.h).
 *
 * Exit status: 0 success; 1 a command failed, or EAL did not start;
 * 2 bad usage or set-up failure (a --cmdline-file that cannot be opened,
 * a primary process that does not answer).
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eal.h>

#include <mim.h>
#include <mim_mp.h>

#include "cli.h"
#include "session.h"
#include "workers.h"

/* What main() was asked to do. */
struct app_opts {
	const char *cmdline_file;  /* --cmdline-file */
	bool interactive;          /* -i: the prompt after the file */
	enum mim_rcu_mode rcu_mode;
	bool rcu_mode_set;         /* --rcu-mode was given */
};

static void
usage(const char *prog)
{
	printf("usage: %s [EAL options] -- [options]\n"
	       "  --cmdline-file FILE     run the commands of FILE\n"
	       "  -i, --interactive       start the prompt (after FILE if given)\n"
	       "  --continue-on-error     in scripts, run every line; exit 1 if any failed\n"
	       "  --json                  JSON output, one document per command and line\n"
	       "  --pretty                indent the JSON output\n"
	       "  --echo                  print each script line after the prompt (text mode)\n"
	       "  --rcu-mode dq|sync      how releases wait for readers (default dq)\n"
	       "Without FILE or -i: the prompt if stdin is a terminal, else a script\n"
	       "read from stdin. A script stops at the first failing command and\n"
	       "exits with status 1; a FILE that cannot be opened exits with 2.\n"
	       "Attach to a running mapinmap application with the EAL options\n"
	       "--proc-type=secondary --file-prefix <its prefix> (and its --huge-dir):\n"
	       "its tables are listed, dumped and changed through the primary; at exit\n"
	       "only the handles this session took are dropped.\n",
	       prog);
}

/* Parse the application options. Returns 0, 1 (--help), or -1. */
static int
parse_args(int argc, char **argv, struct app_opts *o)
{
	static const struct option longopts[] = {
		{ "cmdline-file", required_argument, NULL, 'f' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "continue-on-error", no_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "echo", no_argument, NULL, 'e' },
		{ "rcu-mode", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "hi", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			o->cmdline_file = optarg;
			break;
		case 'i':
			o->interactive = true;
			break;
		case 'k':
			cli.keep_going = true;
			break;
		case 'j':
			cli.json = true;
			break;
		case 'p':
			cli.json = true;
			cli.pretty = true;
			break;
		case 'e':
			cli.echo = true;
			break;
		case 'r':
			if (strcmp(optarg, "dq") == 0) {
				o->rcu_mode = MIM_RCU_MODE_DQ;
			} else if (strcmp(optarg, "sync") == 0) {
				o->rcu_mode = MIM_RCU_MODE_SYNC;
			} else {
				fprintf(stderr, "test-mim: --rcu-mode '%s': dq or sync\n",
					optarg);
				return -1;
			}
			o->rcu_mode_set = true;
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "test-mim: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

/* SIGINT, SIGTERM: end the prompt or the script after the current command. */
static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	cli.quit = true;
}

/* Open a --cmdline-file; NULL after saying why (a directory is refused). */
static FILE *
script_open(const char *path)
{
	struct stat st;
	FILE *f;
	int err;

	f = fopen(path, "r");
	if (f != NULL && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (f == NULL) {
		err = errno;
		fprintf(stderr, "test-mim: --cmdline-file %s: %s\n", path,
			strerror(err));
	}
	return f;
}

/* The command line: script file, stdin script, prompt. Returns the status. */
static int
run_cli(const struct app_opts *o)
{
	struct sigaction sa;
	unsigned int fails = 0;
	int status = 0;
	FILE *f;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;  /* no SA_RESTART: read() returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (workers_init(o->rcu_mode) != 0)
		return 2;
	if (cli_init() != 0) {
		fprintf(stderr, "test-mim: out of memory\n");
		workers_fini();
		return 2;
	}
	if (o->cmdline_file != NULL) {
		f = script_open(o->cmdline_file);
		if (f == NULL) {
			status = 2;  /* a set-up failure, not a failed command */
		} else {
			fails = cli_run_script(f, o->cmdline_file);
			fclose(f);
		}
	}
	if (status == 0 && fails == 0 && !cli.quit) {
		if (o->interactive ||
		    (o->cmdline_file == NULL && isatty(STDIN_FILENO)))
			cli_run_interactive();
		else if (o->cmdline_file == NULL)
			fails = cli_run_script(stdin, "<stdin>");
	}
	workers_stop();         /* if running: they hold a handle too */
	/* Drop the handles the session still holds: as a primary every
	 * table is then released (and a leak checker finds nothing); as a
	 * secondary, the application's tables stay as they are.
	 */
	session_close_all();
	workers_fini();
	cli_fini();
	if (status == 0 && fails != 0)
		status = 1;
	return status;
}

/* Whether the EAL options ask for a secondary process (for a message). */
static bool
secondary_asked(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--proc-type=secondary") == 0 ||
		    (strcmp(argv[i], "--proc-type") == 0 && i + 1 < argc &&
		     strcmp(argv[i + 1], "secondary") == 0))
			return true;
	return false;
}

int
main(int argc, char **argv)
{
	struct app_opts o = { .rcu_mode = MIM_RCU_MODE_DQ };
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "test-mim: EAL initialisation failed%s\n",
			secondary_asked(argc, argv) ?
			" (--proc-type=secondary: is a primary process running with this --file-prefix and --huge-dir?)" :
			"");
		return 1;
	}
	argc -= ret;
	argv += ret;
	ret = parse_args(argc, argv, &o);
	if (ret != 0) {
		usage(argv[0]);
		rte_eal_cleanup();
		return ret > 0 ? 0 : 2;
	}
	ret = session_init();
	if (ret == 0 && session_secondary() && o.rcu_mode_set) {
		fprintf(stderr, "test-mim: --rcu-mode: not in a secondary process (how releases wait is the primary's choice)\n");
		ret = -1;
	}
	if (ret != 0) {
		rte_eal_cleanup();
		return 2;
	}
	ret = run_cli(&o);
	mim_mp_uninit();
	rte_eal_cleanup();
	return ret;
}
