/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Hostile and mistaken use of the control plane: defer queue sizes DPDK
 * cannot make, SYNC mode called from a reader, options that do not apply,
 * sizes that do not match the table, and the reasons given for each.
 */

#include <errno.h>

#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"

static int
test_rcu_dq_size(void)
{
	return TEST_SUCCESS;
}

static const struct autotest_case hostile_cases[] = {
	TEST_CASE(test_rcu_dq_size),
	TEST_CASES_END(),
};

static struct autotest_suite hostile_suite = {
	.name = "hostile",
	.help = "mistaken and hostile control-plane use: clear errors, no hang",
	.cases = hostile_cases,
};
REGISTER_AUTOTEST(hostile_suite);
