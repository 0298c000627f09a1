/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The perf suite: lookups, replacement, reclamation and memory, each side
 * by side with what a user would build instead, in one run:
 * `mim-bench [EAL args] -- perf`; sizes from the environment
 * (perf_common.h). devtools/bench.sh runs it at full scale and
 * devtools/perf_report.py turns its CSV into doc/perf/.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_version.h>

#include <mim.h>

#include "autotest.h"
#include "perf_common.h"

extern FILE *perf_csv;

struct perf_cfg perf;

/* A comma-separated list of numbers (1e6 and 10^6 are accepted too). */
static int
parse_list(const char *env, uint64_t *out, uint32_t *n)
{
	const char *s = getenv(env);
	char *end;

	if (s == NULL || *s == '\0')
		return 0;
	*n = 0;
	while (*s != '\0' && *n < PERF_MAX_LIST) {
		double v = strtod(s, &end);

		if (end == s || v < 1) {
			printf("  %s: cannot parse '%s'\n", env, s);
			return -1;
		}
		if (end[0] == '^') {   /* 10^6 */
			double e = strtod(end + 1, &end);
			double p = 1;

			while (e-- > 0)
				p *= v;
			v = p;
		}
		out[(*n)++] = (uint64_t)v;
		s = *end == ',' ? end + 1 : end;
		if (*end != ',' && *end != '\0') {
			printf("  %s: cannot parse '%s'\n", env, end);
			return -1;
		}
	}
	return 0;
}

static uint32_t
env_u32(const char *env, uint32_t def)
{
	const char *s = getenv(env);

	return s != NULL && *s != '\0' ? (uint32_t)strtoul(s, NULL, 0) : def;
}

/* The LPM rows' sizes (perf_lpm.h): the scale's, then the environment's. */
static int
lpm_sizes(void)
{
	perf.lpm_routes = perf.full ? 1000000 : 3200;
	perf.lpm6_routes = perf.full ? 100000 : 2000;
	/* 64 MiB per rte_lpm: the smoke run has -m 1024 */
	perf.lpm_tenants = perf.full ? 32 : 4;
	perf.lpm_scale = perf.full ? 100000 : 500;
	perf.lpm_grid_routes = 1000000;
	perf.lpm_grid_routes = env_u32("MIM_PERF_LPM_GRID_ROUTES",
				       perf.lpm_grid_routes);
	perf.lpm_routes = env_u32("MIM_PERF_LPM_ROUTES", perf.lpm_routes);
	perf.lpm6_routes = env_u32("MIM_PERF_LPM6_ROUTES", perf.lpm6_routes);
	perf.lpm_tenants = env_u32("MIM_PERF_LPM_TENANTS", perf.lpm_tenants);
	perf.lpm_scale = env_u32("MIM_PERF_LPM_SCALE", perf.lpm_scale);
	if (perf.lpm6_routes == 0 || perf.lpm_scale == 0 ||
	    perf.lpm_tenants == 0 || perf.lpm_routes < perf.lpm_tenants) {
		printf("  the LPM sizes must be > 0, and LPM routes >= LPM tenants\n");
		return -1;
	}
	return 0;
}

int
perf_setup(void)
{
	const char *scale = getenv("MIM_PERF_SCALE");
	const char *csv = getenv("MIM_PERF_CSV");
	const char *seed = getenv("MIM_PERF_SEED");
	uint64_t t[PERF_MAX_LIST];
	uint32_t i, nt = 0;

	memset(&perf, 0, sizeof(perf));
	perf.full = scale != NULL && strcmp(scale, "full") == 0;
	if (scale != NULL && !perf.full && strcmp(scale, "smoke") != 0) {
		printf("  MIM_PERF_SCALE=%s: smoke or full\n", scale);
		return TEST_FAILED;
	}
	if (perf.full) {
		static const uint64_t sizes[] = { 1000, 100000, 1000000,
						  10000000 };
		static const uint32_t tenants[] = { 1, 10, 1000, 10000 };

		perf.nb_sizes = RTE_DIM(sizes);
		memcpy(perf.sizes, sizes, sizeof(sizes));
		perf.nb_tenants = RTE_DIM(tenants);
		memcpy(perf.tenants, tenants, sizeof(tenants));
		perf.rounds = 11;
		perf.lookups = 1U << 18;
		perf.reps = 15;
		perf.replace_entries = 100000;
		perf.replace_tenants = 10;
		perf.lpm_max_tenants = 10;
		perf.lpm_max_routes = 100000;
		perf.mem_tables = 100;
	} else {
		perf.nb_sizes = 1;
		perf.sizes[0] = 1000;
		perf.nb_tenants = 1;
		perf.tenants[0] = 10;
		perf.rounds = 3;
		perf.lookups = 1U << 12;
		perf.reps = 3;
		perf.replace_entries = 1000;
		perf.replace_tenants = 4;
		perf.lpm_max_tenants = 2;
		perf.lpm_max_routes = 1000;
		perf.mem_tables = 4;
	}
	if (parse_list("MIM_PERF_SIZES", perf.sizes, &perf.nb_sizes) != 0 ||
	    parse_list("MIM_PERF_TENANTS", t, &nt) != 0)
		return TEST_FAILED;
	for (i = 0; i < nt; i++)
		perf.tenants[i] = (uint32_t)t[i];
	if (nt != 0)
		perf.nb_tenants = nt;
	perf.rounds = env_u32("MIM_PERF_ROUNDS", perf.rounds);
	perf.lookups = RTE_ALIGN_CEIL(env_u32("MIM_PERF_LOOKUPS",
					      perf.lookups), PERF_BURST);
	perf.reps = env_u32("MIM_PERF_REPS", perf.reps);
	perf.replace_entries = env_u32("MIM_PERF_REPLACE_ENTRIES",
				       perf.replace_entries);
	perf.lpm_max_tenants = env_u32("MIM_PERF_LPM_MAX_TENANTS",
				       perf.lpm_max_tenants);
	perf.lpm_max_routes = env_u32("MIM_PERF_LPM_MAX_ROUTES",
				      perf.lpm_max_routes);
	perf.seed = seed != NULL ? strtoull(seed, NULL, 0) : 0x6d696d70ULL;
	perf.tsc_hz = rte_get_tsc_hz();
	if (perf.rounds == 0 || perf.lookups == 0 || perf.reps == 0) {
		printf("  rounds, lookups and reps must be > 0\n");
		return TEST_FAILED;
	}
	if (lpm_sizes() != 0)
		return TEST_FAILED;

	if (csv != NULL && *csv != '\0') {
		perf_csv = fopen(csv, "w");
		if (perf_csv == NULL) {
			printf("  MIM_PERF_CSV=%s: %s\n", csv, strerror(errno));
			return TEST_FAILED;
		}
		fprintf(perf_csv, "figure,inner,entries,tenants,dist,variant,value,unit,baseline,ratio,target,verdict,note\n");
	}
	printf("  scale %s, %u rounds, %u keys per pass, %u reps, seed 0x%" PRIx64 "\n",
	       perf.full ? "full" : "smoke", perf.rounds, perf.lookups,
	       perf.reps, perf.seed);
	perf_meta_begin();
	return TEST_SUCCESS;
}

void
perf_teardown(void)
{
	perf_meta_end();
	if (perf_csv != NULL)
		fclose(perf_csv);
	perf_csv = NULL;
}

/* A case that runs only when MIM_PERF_CASES selects it (else all run). */
#define PERF_CASE(fn)							\
	static int							\
	fn ## _selected(void)						\
	{								\
		return perf_words_match("MIM_PERF_CASES", #fn) ?	\
			fn() : TEST_SKIPPED;				\
	}
PERF_CASE(perf_lookup)
PERF_CASE(perf_lookup_lru)
PERF_CASE(perf_tenant_limit)
PERF_CASE(perf_publish)
PERF_CASE(perf_reclaim)
PERF_CASE(perf_memory)
PERF_CASE(perf_lpm_small)
PERF_CASE(perf_lpm_table)
PERF_CASE(perf_lpm_tenants)
PERF_CASE(perf_lpm6)
PERF_CASE(perf_lpm_scale)

static const struct autotest_case perf_cases[] = {
	{ "perf_lookup", perf_lookup_selected },
	{ "perf_lookup_lru", perf_lookup_lru_selected },
	{ "perf_tenant_limit", perf_tenant_limit_selected },
	{ "perf_publish", perf_publish_selected },
	{ "perf_reclaim", perf_reclaim_selected },
	{ "perf_memory", perf_memory_selected },
	{ "perf_lpm_small", perf_lpm_small_selected },
	{ "perf_lpm_table", perf_lpm_table_selected },
	{ "perf_lpm_tenants", perf_lpm_tenants_selected },
	{ "perf_lpm6", perf_lpm6_selected },
	{ "perf_lpm_scale", perf_lpm_scale_selected },
	TEST_CASES_END(),
};

static struct autotest_suite perf_suite = {
	.name = "perf",
	.help = "benchmarks vs flat/per-tenant rte_hash, rte_lpm and the kernel (MIM_PERF_SCALE=smoke|full, MIM_PERF_CSV=file)",
	.setup = perf_setup,
	.teardown = perf_teardown,
	.cases = perf_cases,
};
REGISTER_AUTOTEST(perf_suite);
