/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * test-mim: drive, inspect and test mapinmap.
 *
 *   test-mim [EAL options] -- --autotest <suite>   run a test suite
 *   test-mim [EAL options] -- --list-autotests     list the suites
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>

#include "autotest.h"

static void
usage(const char *prog)
{
	printf("usage: %s [EAL options] -- [--autotest SUITE | --list-autotests]\n",
	       prog);
}

static void
list_suites(void)
{
	struct autotest_suite *s;

	for (s = autotest_first(); s != NULL; s = s->next)
		printf("%-16s %s\n", s->name, s->help);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "autotest", required_argument, NULL, 'a' },
		{ "list-autotests", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *suite = NULL;
	struct autotest_suite *s;
	int ret, opt;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "test-mim: EAL initialisation failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			suite = optarg;
			break;
		case 'l':
			list_suites();
			rte_eal_cleanup();
			return 0;
		default:
			usage(argv[0]);
			rte_eal_cleanup();
			return opt == 'h' ? 0 : 2;
		}
	}
	if (suite == NULL) {
		usage(argv[0]);
		rte_eal_cleanup();
		return 2;
	}
	s = autotest_find(suite);
	if (s == NULL) {
		fprintf(stderr, "test-mim: no test suite '%s' (--list-autotests lists them)\n",
			suite);
		rte_eal_cleanup();
		return 2;
	}
	ret = autotest_run(s);
	rte_eal_cleanup();
	return ret;
}
