/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * mim-test: the test suites, in the manner of dpdk-test.
 *
 *   mim-test [EAL options] -- SUITE        run one suite
 *   mim-test [EAL options] -- --list       list the suites
 *
 * White-box: linked with the library's internals (mim_private.h) and, in
 * fault-injection builds, its allocation hooks. Not installed.
 *
 * Exit status: 0 every case passed; 1 a case failed, or EAL did not start;
 * 2 bad usage; 77 every case of the suite skipped.
 */

#include <stdio.h>
#include <string.h>

#include <rte_eal.h>

#include <mim_mp.h>

#include "autotest.h"

static void
usage(const char *prog)
{
	printf("usage: %s [EAL options] -- SUITE | --list\n", prog);
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
	struct autotest_suite *s;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "mim-test: EAL initialisation failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	if (argc != 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(argv[0]);
		rte_eal_cleanup();
		return argc == 2 ? 0 : 2;
	}
	if (strcmp(argv[1], "--list") == 0) {
		list_suites();
		ret = 0;
	} else if ((s = autotest_find(argv[1])) == NULL) {
		fprintf(stderr, "mim-test: no test suite '%s' (--list lists them)\n",
			argv[1]);
		ret = 2;
	} else {
		ret = autotest_run(s);
	}
	mim_mp_uninit();
	rte_eal_cleanup();
	return ret;
}
