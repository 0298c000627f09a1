/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_CONFORMANCE_H
#define MIM_CONFORMANCE_H

/*
 * Differential conformance against the Linux kernel (the `conformance`
 * suite): every operation runs twice, once on a kernel BPF map through
 * libbpf and once on a mapinmap table, and the outcomes are compared.
 *
 * A comparison either agrees, or is a documented *deviation* (mapinmap's
 * documented result is asserted, the kernel's is recorded), or is a
 * *disagreement*: the case fails and prints both sides. The machinery is
 * split by concern: the pairs and the operations run on both sides
 * (conf_pair.h), the record of every comparison (conf_record.h), and the
 * report writer (conf_report.h), which writes the record as a Markdown
 * table when MIM_CONF_TABLE names a file.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mim.h>

#include "autotest.h"
#include "conf_pair.h"
#include "conf_record.h"

/* ---- documented deviations (the reasons the report gives) --------- */

#define CONF_DEV_NAMES "names are unique and checked ([A-Za-z0-9_.-], at most 31 characters, checked before the template); kernel map names are 15 characters (libbpf truncates longer ones), not unique, [A-Za-z0-9_.], checked after map_alloc"
#define CONF_DEV_INNER_ID "inner_id given to a non-outer type is EINVAL; the kernel ignores inner_map_fd"
#define CONF_DEV_ENOTSUP "a type that cannot be a template returns ENOTSUP (95), not the kernel-internal ENOTSUPP (524); the kernel's example is BPF_MAP_TYPE_PROG_ARRAY, mapinmap has no such built-in type (checked through the internal interface)"
#define CONF_DEV_LPM_PREALLOC "LPM tables do not require BPF_F_NO_PREALLOC"
#define CONF_DEV_LPM_IPV4 "LPM tables are IPv4 or IPv6 only (key_size 8 or 20)"
#define CONF_DEV_LPM_VALUE "LPM value_size is at most 256 (E2BIG)"
#define CONF_DEV_HASH_KEY "hash key_size above 512 is E2BIG"
#define CONF_DEV_ORDER "iteration order of hash and LPM tables differs (compared as sets)"
#define CONF_DEV_LPM_MASK "LPM keys are stored masked: get_next_key returns keys without host bits"
#define CONF_DEV_CAPACITY "capacity limits of the tables (LPM: 2^23 prefixes; arrays: 4 GiB) give E2BIG"
#define CONF_DEV_IDS "table IDs and kernel map IDs differ"
#define CONF_DEV_NO_INNER "table IDs and kernel map IDs differ: inner_id 0 is \"no template\" and names no table (EBADF); the kernel reads inner_map_fd 0 as whatever fd 0 is"
/* Deliberate in mim.h ("Unknown or inapplicable flags give -EINVAL"). */
#define CONF_DEV_FLAGS "mapinmap knows only BPF_F_NO_PREALLOC, BPF_F_NUMA_NODE and BPF_F_INNER_MAP; other BPF_F_* flags the kernel accepts (BPF_F_RDONLY, BPF_F_WRONLY, BPF_F_MMAPABLE, BPF_F_ZERO_SEED, ...) are EINVAL"

/* ---- scenario bookkeeping ----------------------------------------------- */

/* Whether bpf() works here (probed once by the suite setup). */
bool conf_kernel_available(void);
int conf_suite_setup(void);
void conf_suite_teardown(void);

/* Start a scenario: resets the pairs and the failure count. */
void conf_begin(const char *scenario);
/*
 * End a scenario: close every pair still open on either side (so a failed
 * scenario leaves nothing behind), and return TEST_SUCCESS or TEST_FAILED.
 */
int conf_end(void);

#define CONF_BEGIN(name) do {						\
	if (!conf_kernel_available())					\
		return TEST_SKIPPED;					\
	conf_begin(name);						\
} while (0)

/* ---- the scenarios: one list of cases per file ------------------------- */

/* test_conformance_create.c: creation checks, their order, names, flags */
extern const struct autotest_case conf_create_cases[];
/* test_conformance_template.c: templates, nesting, info */
extern const struct autotest_case conf_template_cases[];
/* test_conformance_outer.c: element operations on outer tables */
extern const struct autotest_case conf_outer_cases[];
/* test_conformance_lifetime.c: the lifetime of inner tables */
extern const struct autotest_case conf_lifetime_cases[];
/* test_conformance_inner.c: the inner types' own element semantics */
extern const struct autotest_case conf_inner_cases[];
/* test_conformance_random.c: randomized sequences, the kernel as oracle */
extern const struct autotest_case conf_random_cases[];
/* test_conformance_lpm6.c: IPv6 LPM tries (key_size 20) */
extern const struct autotest_case conf_lpm6_cases[];
/* test_conformance_lpm_prefixes.c: randomized LPM runs, IPv4 and IPv6 */
extern const struct autotest_case conf_lpm_prefix_cases[];
/* test_conformance_percpu.c: PERCPU_ARRAY, compared copy by copy */
extern const struct autotest_case conf_percpu_cases[];
/* test_conformance_hashx.c: PERCPU_HASH, compared copy by copy */
extern const struct autotest_case conf_hashx_cases[];
extern const struct autotest_case conf_batch_cases[];

#endif /* MIM_CONFORMANCE_H */
