/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_AUTOTEST_UTIL_H
#define MIM_AUTOTEST_UTIL_H

/* Helpers shared by the test suites. */

#include <stdint.h>

struct rte_rcu_qsbr;

/*
 * A QSBR variable for max_threads reader thread IDs, attached to mapinmap.
 * The runner detaches and frees it after the case (all its readers are
 * unregistered first), so a failing case cannot leave it behind.
 */
struct rte_rcu_qsbr *autotest_qsbr(uint32_t max_threads);
/* Register thread id on v and put it online. */
void autotest_reader_online(struct rte_rcu_qsbr *v, unsigned int id);
void autotest_qsbr_release_all(void);

/* Info of a live table (asserts success). */
struct mim_table_info;
int autotest_info(int id, struct mim_table_info *info);

#endif /* MIM_AUTOTEST_UTIL_H */
