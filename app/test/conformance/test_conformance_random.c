/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Randomized conformance: seeded sequences of every operation of the named
 * scenarios (create, close, get by ID, outer update/delete/lookup/
 * get_next_key, element operations on inner tables, walks, liveness),
 * run on the kernel and on mapinmap, the kernel being the oracle.
 *
 * One run per template family (array, array with BPF_F_INNER_MAP, hash,
 * LPM trie). The seed is printed; MIM_CONF_SEED=<seed> replays a run
 * (each family uses seed + its index), MIM_CONF_OPS=<n> sets the number of
 * operations per family (default 2500). A run stops at its first
 * disagreement and prints its last operations.
 *
 * MIM_CONF_NO_ZERO_KEYS=1 leaves out the keys that are all zero bytes (hash
 * key 0, the LPM /0 prefix): replacing such a key can duplicate it in an
 * rte_hash (the *_replace_after_delete scenarios), and a run that meets
 * that known difference stops there; this looks past it.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include <mim.h>

#include "autotest.h"
#include "conf_random.h"
#include "conformance.h"

#define AOT MIM_TYPE_ARRAY_OF_TABLES
#define HOT MIM_TYPE_HASH_OF_TABLES

#define ARRAY_SPEC(max, vs, fl) { .type = MIM_TYPE_ARRAY, .key_size = 4, \
		.value_size = (vs), .max_entries = (max), .flags = (fl) }
#define HASH_SPEC(ks, vs, max, fl) { .type = MIM_TYPE_HASH, .key_size = (ks), \
		.value_size = (vs), .max_entries = (max), .flags = (fl) }
#define LPM_SPEC(vs, max) { .type = MIM_TYPE_LPM, .key_size = 8, \
		.value_size = (vs), .max_entries = (max), \
		.flags = BPF_F_NO_PREALLOC }

static const struct family families[] = {
	{
		.name = "array",
		.tmpl = ARRAY_SPEC(4, 8, 0),
		.match = { ARRAY_SPEC(4, 8, 0) },
		.nb_match = 1,
		.mismatch = { ARRAY_SPEC(5, 8, 0), ARRAY_SPEC(4, 16, 0),
			      HASH_SPEC(4, 8, 4, 0),
			      ARRAY_SPEC(4, 8, BPF_F_INNER_MAP) },
		.nb_mismatch = 4,
	},
	{
		.name = "array_inner_map",
		.tmpl = ARRAY_SPEC(4, 8, BPF_F_INNER_MAP),
		.match = { ARRAY_SPEC(1, 8, BPF_F_INNER_MAP),
			   ARRAY_SPEC(4, 8, BPF_F_INNER_MAP),
			   ARRAY_SPEC(7, 8, BPF_F_INNER_MAP) },
		.nb_match = 3,
		.mismatch = { ARRAY_SPEC(4, 8, 0),
			      ARRAY_SPEC(4, 16, BPF_F_INNER_MAP),
			      HASH_SPEC(4, 8, 4, 0) },
		.nb_mismatch = 3,
	},
	{
		.name = "hash",
		.tmpl = HASH_SPEC(4, 8, 8, 0),
		.match = { HASH_SPEC(4, 8, 3, 0), HASH_SPEC(4, 8, 8, 0) },
		.nb_match = 2,
		.mismatch = { HASH_SPEC(4, 8, 8, BPF_F_NO_PREALLOC),
			      HASH_SPEC(8, 8, 8, 0), HASH_SPEC(4, 16, 8, 0),
			      ARRAY_SPEC(8, 8, 0) },
		.nb_mismatch = 4,
	},
	{
		.name = "lpm",
		.tmpl = LPM_SPEC(8, 16),
		.match = { LPM_SPEC(8, 4), LPM_SPEC(8, 16) },
		.nb_match = 2,
		.mismatch = { LPM_SPEC(16, 16),
			      HASH_SPEC(8, 8, 8, BPF_F_NO_PREALLOC) },
		.nb_mismatch = 2,
	},
};

static int
run(unsigned int fam_index)
{
	static struct rstate st;
	static char names[RTE_DIM(families)][48];
	const struct family *fam = &families[fam_index];
	unsigned int n = conf_random_nb_ops(), done = 0;
	const char *name = names[fam_index];

	memset(&st, 0, sizeof(st));
	st.fam = fam;
	st.seed = conf_random_seed() + fam_index;
	st.x = st.seed;
	snprintf(names[fam_index], sizeof(names[0]), "random_%s", fam->name);
	if (!conf_kernel_available())
		return TEST_SKIPPED;
	conf_begin(name);
	conf_set_recording(false);
	printf("    %s: seed 0x%" PRIx64 ", %u operations%s (MIM_CONF_SEED=0x%" PRIx64 " replays every run)\n",
	       name, st.seed, n, conf_random_no_zero_keys() ? ", no all-zero keys" : "",
	       conf_random_seed());
	if (conf_random_setup(&st)) {
		done = conf_random_ops(&st, n, name, fam_index);
		if (done == n && conf_failures() == 0)
			conf_random_teardown(&st);
	}
	conf_count_random(done);
	printf("    %s: %u operations%s: %u tables created, %u died; outer updates %u (%u succeeded), %u outer deletes succeeded; inner element operations %u (%u succeeded)\n",
	       name, done, conf_failures() != 0 ? ", FAILED" : ", all agree",
	       st.nb_created, st.nb_died, st.nb_outer_updates,
	       st.nb_outer_updated, st.nb_outer_deleted, st.nb_inner_ops,
	       st.nb_inner_ok);
	return conf_end();
}

static int
conf_random_array(void)
{
	return run(0);
}

static int
conf_random_array_inner_map(void)
{
	return run(1);
}

static int
conf_random_hash(void)
{
	return run(2);
}

static int
conf_random_lpm(void)
{
	return run(3);
}

const struct autotest_case conf_random_cases[] = {
	TEST_CASE(conf_random_array),
	TEST_CASE(conf_random_array_inner_map),
	TEST_CASE(conf_random_hash),
	TEST_CASE(conf_random_lpm),
	TEST_CASES_END(),
};
