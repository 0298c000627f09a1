/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Differential conformance with the Linux kernel (the `conformance` suite):
 * the suite, whose scenarios live in the test_conformance_*.c files, one
 * list of cases each, run in this order (the report keeps it).
 */

#include <stddef.h>

#include "autotest.h"
#include "conformance.h"

static const struct autotest_case *const conformance_lists[] = {
	conf_template_cases,
	conf_outer_cases,
	conf_lifetime_cases,
	conf_inner_cases,
	conf_lpm6_cases,
	conf_random_cases,
	conf_lpm_prefix_cases,
	conf_percpu_cases,
	conf_hashx_cases,
	conf_batch_cases,
	NULL,
};

static struct autotest_suite conformance_suite = {
	.name = "conformance",
	.help = "differential conformance with the kernel's BPF maps (libbpf; needs root)",
	.setup = conf_suite_setup,
	.teardown = conf_suite_teardown,
	.cases = conf_create_cases,
	.more_cases = conformance_lists,
};

REGISTER_AUTOTEST(conformance_suite);
