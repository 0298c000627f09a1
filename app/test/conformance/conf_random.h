/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_CONF_RANDOM_H
#define MIM_CONF_RANDOM_H

/*
 * The machinery of the randomized conformance runs (conf_random.c): a
 * run's state, its random operations and their odds. The template
 * families and the scenarios are in test_conformance_random.c.
 */

#include <stdbool.h>
#include <stdint.h>

#include "conf_pair.h"

#define R_OPS_DEFAULT 2500
#define R_POOL 14
#define R_LPM_LIVE_MAX 4
#define R_LOG 16


/* A template, the inner tables that match it and some that do not. */
struct family {
	const char *name;       /* the scenario: random_<name> */
	struct conf_spec tmpl;
	struct conf_spec match[3];
	unsigned int nb_match;
	struct conf_spec mismatch[4];
	unsigned int nb_mismatch;
};

/* A run on one family. */
struct rstate {
	const struct family *fam;
	uint64_t seed;
	uint64_t x;
	unsigned int op;
	unsigned int serial;
	struct conf_map tmpl;
	struct conf_map outer[2];
	struct conf_map pool[R_POOL];
	bool used[R_POOL];
	bool dead[R_POOL];
	char log[R_LOG][192];
	/* What the run did, for its summary. */
	unsigned int nb_outer_updates, nb_outer_updated, nb_outer_deleted;
	unsigned int nb_inner_ops, nb_inner_ok, nb_created, nb_died;
};

/* The seed of every run: MIM_CONF_SEED, or one from the clock, printed. */
uint64_t conf_random_seed(void);
/* Operations per run: MIM_CONF_OPS, or R_OPS_DEFAULT. */
unsigned int conf_random_nb_ops(void);
/* Whether MIM_CONF_NO_ZERO_KEYS leaves all-zero keys out. */
bool conf_random_no_zero_keys(void);
/* Create the run's template and both outer tables (aom, hom). */
bool conf_random_setup(struct rstate *st);
/*
 * Run n random operations; stop at the first disagreement and print the
 * last operations. Returns the number of operations run.
 */
unsigned int conf_random_ops(struct rstate *st, unsigned int n,
			     const char *name, unsigned int fam_index);
/* Walk the outer tables, close everything, and check that all is gone. */
void conf_random_teardown(struct rstate *st);

#endif /* MIM_CONF_RANDOM_H */
