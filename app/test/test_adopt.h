/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_TEST_ADOPT_H
#define MIM_TEST_ADOPT_H

/* The adopt suite's helpers and case lists (test_adopt*.c). */

#include <stdint.h>

#include <rte_hash.h>
#include <rte_lpm.h>

#include <mim.h>
#include <mim_adopt.h>

#include "autotest.h"

/* What a release callback saw. */
struct handback {
	unsigned int calls;
	void *table;
};

void handback_cb(void *table, void *arg);

/* An rte_hash of 8-byte keys with lock-free readers (plus flags). */
struct rte_hash *adopt_mk_hash(struct rte_hash_parameters *p, char *name,
			       const char *base, uint32_t entries,
			       uint32_t key_len, uint32_t flags);
/* Adopt h, created with p, values of value_size bytes. */
int adopt_hash(const char *name, struct rte_hash *h,
	       const struct rte_hash_parameters *p, uint32_t value_size,
	       struct handback *hb);

/* An rte_lpm for max_rules routes, and its adoption. */
struct rte_lpm *adopt_mk_lpm(const char *name, struct rte_lpm_config *c,
			     uint32_t max_rules);
int adopt_lpm(const char *name, struct rte_lpm *l, const char *lpm_name,
	      const struct rte_lpm_config *c, void *values,
	      uint32_t nb_values, uint32_t value_size, struct handback *hb);

extern const struct autotest_case adopt_lookup_cases[];
extern const struct autotest_case adopt_life_cases[];

#endif /* MIM_TEST_ADOPT_H */
