/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_TEST_MP_UTIL_H
#define MIM_TEST_MP_UTIL_H

/*
 * The multi-process suites: the primary's suite "mp" starts mim-test again
 * as a secondary process (suite "mp_child") on its hugepages and file
 * prefix, which hugepages.sh exported as MIM_HUGE_DIR and MIM_FILE_PREFIX.
 * The child runs the function named by MIM_MP_CASE and exits 0 on success.
 */

#include <stdint.h>
#include <sys/types.h>

/* Directory and file prefix of this run, or NULL outside hugepages.sh. */
const char *mp_huge_dir(void);
const char *mp_file_prefix(void);

/*
 * Start the child case name as a secondary process; arg is passed to it
 * as MIM_MP_ARG (may be NULL). Returns its pid, or -1.
 */
pid_t mp_spawn(const char *name, const char *arg);
/* Wait for pid: its exit status, or 128 + signal, or -1. */
int mp_wait(pid_t pid);
/* mp_spawn() then mp_wait(). */
int mp_run(const char *name, const char *arg);

/*
 * Median time of n mim_lookup_elem() calls on key 0 of array id (4-byte
 * values), in microseconds; -1 if one fails. A figure, not a test.
 */
double mp_lookup_median_us(int id, unsigned int n);

/* Wait until the primary has let go of every secondary that exited. */
int mp_reap(void);

/* A child case: returns 0 on success. */
struct mp_child_case {
	const char *name;
	int (*fn)(const char *arg);
};

#endif /* MIM_TEST_MP_UTIL_H */
