/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The secondary side of the multi-process suite: mim-test started by the
 * "mp" suite with --proc-type=secondary runs this suite, whose one case
 * runs the child function MIM_MP_CASE names.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include <mim.h>

#include "autotest.h"
#include "mp_util.h"

/* The child attached to the primary's memory as a secondary. */
static int
child_attach(const char *arg)
{
	(void)arg;
	TEST_ASSERT(rte_eal_process_type() == RTE_PROC_SECONDARY,
		    "not a secondary process");
	return 0;
}

static const struct mp_child_case child_cases[] = {
	{ "attach", child_attach },
	{ NULL, NULL },
};

static int
test_mp_child(void)
{
	const char *name = getenv("MIM_MP_CASE");
	const struct mp_child_case *c;

	/* A child the primary forgot must not outlive the test run. */
	alarm(120);
	TEST_ASSERT(name != NULL, "MIM_MP_CASE is not set");
	for (c = child_cases; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c->fn(getenv("MIM_MP_ARG")) == 0 ?
				TEST_SUCCESS : TEST_FAILED;
	printf("    no child case '%s'\n", name);
	return TEST_FAILED;
}

static const struct autotest_case mp_child_cases[] = {
	TEST_CASE(test_mp_child),
	TEST_CASES_END(),
};

/* The shared heap is the primary's: no leak check here. */
static struct autotest_suite mp_child_suite = {
	.name = "mp_child",
	.help = "the secondary process of the mp suite (started by it)",
	.no_leak_check = 1,
	.cases = mp_child_cases,
};

REGISTER_AUTOTEST(mp_child_suite);
