/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Multi-process: this primary starts secondary processes (the mp_child
 * suite) on its hugepages. Run under hugepages.sh, which gives the pages
 * and the file prefix; without it the suite skips.
 */

#include <stdio.h>

#include <rte_eal.h>

#include <mim.h>

#include "autotest.h"
#include "mp_util.h"

static int
mp_setup(void)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY ||
	    mp_file_prefix() == NULL || mp_huge_dir() == NULL) {
		printf("mp: SKIP: run as a primary under app/test/mp/hugepages.sh\n");
		return TEST_SKIPPED;
	}
	return 0;
}

/* A secondary process attaches to this primary. */
static int
test_mp_attach(void)
{
	TEST_ASSERT_EQUAL(mp_run("attach", NULL), 0, "child failed");
	return TEST_SUCCESS;
}

static const struct autotest_case mp_cases[] = {
	TEST_CASE(test_mp_attach),
	TEST_CASES_END(),
};

static struct autotest_suite mp_suite = {
	.name = "mp",
	.help = "secondary processes on the primary's tables (hugepages.sh)",
	.setup = mp_setup,
	.cases = mp_cases,
};

REGISTER_AUTOTEST(mp_suite);
