/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_PERF_COMMON_H
#define MIM_PERF_COMMON_H

/*
 * The perf suite: shared configuration, result rows, random numbers and
 * statistics. Sizes come from the environment:
 *
 *   MIM_PERF_SCALE     smoke (default) | full
 *   MIM_PERF_CSV       file the result rows are written to (else none)
 *   MIM_PERF_SIZES     total entries, comma-separated (overrides the scale)
 *   MIM_PERF_TENANTS   tenant counts, comma-separated (overrides the scale)
 *   MIM_PERF_ROUNDS    measurement rounds per configuration
 *   MIM_PERF_LOOKUPS   keys per timed pass
 *   MIM_PERF_REPS      repetitions of the replacement and reclamation runs
 *   MIM_PERF_REPLACE_ENTRIES  entries of the replaced inner table
 *   MIM_PERF_LPM_MAX_TENANTS, MIM_PERF_LPM_MAX_ROUTES  the lookup grid's
 *                      limits for per-tenant rte_lpm tables
 *   MIM_PERF_LPM_GRID_ROUTES  routes in all up to which the lookup grid
 *                      builds mapinmap LPM tables
 *   MIM_PERF_LPM_ROUTES, MIM_PERF_LPM6_ROUTES, MIM_PERF_LPM_TENANTS,
 *   MIM_PERF_LPM_SCALE
 *                      the LPM rows' sizes (perf_lpm.h)
 *   MIM_PERF_ONLY      lookup configurations whose name contains one of
 *                      these comma-separated words (else all; "kernel":
 *                      the kernel's map-in-map)
 *   MIM_PERF_KERNEL_REPEAT  BPF_PROG_TEST_RUN repeats of the kernel's loop
 *   MIM_PERF_BPF_OBJ   the kernel loop's BPF object (else lookup.bpf.o
 *                      beside mim-bench)
 *   MIM_PERF_CASES     cases whose name contains one of these
 *                      comma-separated words (else all; e.g.
 *                      "publish,reclaim"; "lpm": the LPM rows)
 *   MIM_PERF_SEED      random seed (fixed by default: runs are comparable)
 *   MIM_PERF_COMMIT    the source's commit, recorded in the CSV's metadata
 *
 * Nothing here passes or fails on time: a case fails only if the benchmark
 * itself goes wrong (a lookup misses a key that is there, a table cannot be
 * built where it should be).
 */

#include <stdbool.h>
#include <stdint.h>

#include <mim.h>

struct rte_hash;
struct rte_lpm;

#define PERF_MAX_LIST 8

/* The publish's limits, median us: warm (after a build), cache-cold. */
#define PERF_PUBLISH_US 1.0
#define PERF_PUBLISH_US_TARGET "<=1 us"
#define PERF_PUBLISH_COLD_US 3.0
#define PERF_PUBLISH_COLD_US_TARGET "<=3 us"
#define PERF_BURST 32

struct perf_cfg {
	bool full;
	uint32_t nb_sizes;
	uint64_t sizes[PERF_MAX_LIST];
	uint32_t nb_tenants;
	uint32_t tenants[PERF_MAX_LIST];
	uint32_t rounds;
	uint32_t lookups;          /* keys per timed pass */
	uint32_t reps;             /* replacement / reclamation repetitions */
	uint32_t replace_entries;  /* entries of a replaced inner table */
	uint32_t replace_tenants;
	uint32_t lpm_max_tenants;  /* rte_lpm: 64 MiB per table */
	uint32_t lpm_max_routes;   /* per table: rte_lpm_add is O(routes) */
	uint32_t lpm_grid_routes;  /* mapinmap LPM in the lookup grid */
	uint32_t lpm_routes;       /* the LPM rows' full table (perf_lpm.h) */
	uint32_t lpm6_routes;      /* the IPv6 lookup rows' table */
	uint32_t lpm_tenants;      /* tenants sharing lpm_routes */
	uint32_t lpm_scale;        /* tenant tables of the scale rows */
	uint32_t mem_tables;       /* tables per type in the memory case */
	uint64_t seed;
	uint64_t tsc_hz;
};

extern struct perf_cfg perf;

/* Read the environment; print the configuration. */
int perf_setup(void);
void perf_teardown(void);

/* The run's metadata rows (perf_meta.c): at setup, and at teardown. */
void perf_meta_begin(void);
void perf_meta_end(void);

/*
 * One result row, printed and written to the CSV:
 * figure,inner,entries,tenants,dist,variant,value,unit,baseline,ratio,
 * target,verdict,note. Empty strings and NaN values are left blank.
 */
struct perf_row {
	const char *figure;    /* lookup, publish, reclaim, memory, limit, meta */
	const char *inner;     /* hash, lpm, array, or "" */
	uint64_t entries;
	uint32_t tenants;
	const char *dist;      /* uniform, zipf, or "" */
	const char *variant;
	double value;
	const char *unit;
	const char *baseline;  /* variant the ratio is taken against */
	double ratio;          /* value / baseline (median of paired rounds) */
	const char *target;
	const char *verdict;   /* met, MISSED, info, not-run, failed */
	char note[256];
};

void perf_row_init(struct perf_row *r, const char *figure);
void perf_emit(const struct perf_row *r);
/* A row saying a configuration was not run, and why. */
void perf_not_run(const char *figure, const char *inner, uint64_t entries,
		  uint32_t tenants, const char *variant, const char *why);

/*
 * Whether @name contains one of the comma-separated words of environment
 * variable @env; true when it is unset or empty.
 */
bool perf_words_match(const char *env, const char *name);

/* Deterministic random numbers (splitmix64). */
uint64_t perf_rand(uint64_t *state);
/* Uniform in [0, n). */
uint64_t perf_rand_below(uint64_t *state, uint64_t n);

/* Zipf (theta < 1) over ranks [0, n), Gray et al.'s method. */
struct perf_zipf {
	uint64_t n;
	double theta, alpha, zetan, eta, half_pow;
};
void perf_zipf_init(struct perf_zipf *z, uint64_t n, double theta);
uint64_t perf_zipf_next(const struct perf_zipf *z, uint64_t *state);

/* Sort and pick the median, lower and upper quartile of v[0..n-1]. */
double perf_median(double *v, uint32_t n);
double perf_quantile(double *v, uint32_t n, double q);

/* 32-bit bijective mixer (murmur3's finaliser). */
static inline uint32_t
perf_mix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	h ^= h >> 16;
	return h;
}

/* Microseconds from TSC cycles. */
double perf_us(uint64_t cycles);

/* Case functions, one file per concern. */
int perf_lookup(void);
int perf_lookup_lru(void);
int perf_tenant_limit(void);
int perf_publish(void);
int perf_reclaim(void);
int perf_memory(void);
int perf_lpm_small(void);
int perf_lpm_table(void);
int perf_lpm_tenants(void);
int perf_lpm6(void);
int perf_lpm_scale(void);

/* ---- replacement (perf_update.c, perf_reclaim.c) ----------------------- */

#define PERF_MAX_REPS 256

/* A filled inner HASH table of replace_entries for tenant t, generation g;
 * its fill time in *cycles if not NULL. Returns its id, or < 0.
 */
int build_inner(uint32_t t, uint32_t g, uint64_t *cycles);
/* An outer table of replace_tenants slots, each holding a filled table. */
int build_outer(enum mim_type type);
/* Quantile q of n TSC intervals, in microseconds; max and median of n. */
double median_us(const uint64_t *cyc, uint32_t n, double q);
double max_u(const uint64_t *x, uint32_t n);
double median_u(const uint64_t *x, uint32_t n);
/* A row of a replacement figure (inner hash, replace_entries and tenants). */
void emit_replace(const char *figure, const char *variant, double value,
		  const char *unit, const char *target, const char *verdict,
		  const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* ---- lookups (perf_lookup*.c, perf_world.c, perf_proto.c) -------------- */

struct flat_key {
	uint32_t tenant;
	uint32_t key;
};

/* Everything built for one (entries, tenants). */
struct world {
	uint64_t n;
	uint32_t t;
	uint32_t per;              /* entries per tenant */
	uint64_t *hvals;           /* baselines' values, by entry index */
	struct rte_hash *flat;
	struct rte_hash **th;      /* per-tenant rte_hash */
	struct rte_lpm **tl;       /* per-tenant rte_lpm */
	int aot_h, hot_h, aot_l;   /* mapinmap outer tables */
	const struct mim_table *aot_h_dp, *hot_h_dp, *aot_l_dp;
	struct perf_xt **xt;       /* what-if: per-tenant prototype tables */
	struct perf_xt *xflat;     /* what-if: the same design, flat */
	bool have_flat, have_th, have_tl, have_mh, have_ml, have_xt;
	char why_th[200], why_tl[200], why_mh[200], why_ml[200];
};

/*
 * Build every structure of @w (n and t set; n is rounded down to a
 * multiple of t), the what-if prototype only if @with_xt: -1 if the flat
 * baseline cannot be built, else 0 with have_* and why_* saying what
 * could not. perf_world_free() frees what was built, in either case.
 */
int perf_world_build(struct world *w, bool with_xt);
void perf_world_free(struct world *w);
/* A bare rte_hash of @entries, uniquely named from @prefix. */
struct rte_hash *perf_raw_hash(const char *prefix, uint32_t entries,
			       uint32_t key_len);

/* A prepared lookup stream. */
struct stream {
	uint32_t n;
	uint32_t *e;               /* entry index */
	uint32_t *tenant;
	uint32_t *key;
	uint32_t *ip;              /* host order, for rte_lpm */
	struct flat_key *flat;
	struct mim_lpm_key *lpm;
	const void **p_tenant, **p_key, **p_flat, **p_lpm;
};


/* The data set. */

/* Key i of tenant t: distinct within a tenant (a bijection of i). */
static inline uint32_t
hkey(uint32_t t, uint32_t i)
{
	return perf_mix32(i + t * 0x9e3779b9U);
}

static inline uint64_t
hval(uint32_t t, uint32_t i)
{
	return ((uint64_t)t << 32) | hkey(t, i);
}

/* /24 route i of tenant t: distinct for i < 2^24 (odd multiplier). */
static inline uint32_t
lpm_prefix(uint32_t t, uint32_t i)
{
	return (i * 0x9e3779b1U + t * 0x85ebca77U) & 0xffffffU;
}

/* A route's value: one of 1024 next hops, as routes share next hops. */
static inline uint64_t
lpm_val(uint32_t t, uint32_t i)
{
	return perf_mix32(t * 7919U + i) & 1023U;
}


/*
 * A lookup configuration runs the whole stream in bursts of 32 and returns
 * the hits. Values go to sink + burst * step: step 0 while timing (32
 * slots, in L1), PERF_BURST when the values are to be checked.
 */
typedef uint32_t (*run_fn)(const struct world *w, const struct stream *s,
			   void **sink, uint32_t step);

enum cfg_id {
	C_FLAT_BULK, C_FLAT_SINGLE, C_TH_BULK, C_TH_SINGLE,
	C_AOT_H_BULK, C_HOT_H_BULK, C_AOT_H_SINGLE, C_HOT_H_SINGLE,
	C_TL_BULK, C_TL_SINGLE, C_AOT_L_BULK, C_AOT_L_SINGLE,
	C_XT_NESTED, C_XT_FLAT,
	C_MAX
};

enum need { N_FLAT, N_TH, N_MH, N_TL, N_ML, N_XT };
/* What a value found means, for the check. */
enum val_kind { V_HASH, V_LPM_SLOT, V_LPM_NH };

struct cfg {
	const char *name;
	const char *inner;
	run_fn run;
	enum need need;
	enum val_kind kind;
	int baseline;      /* ratio against; -1: none */
	int peer;          /* second comparison, in the note; -1: none */
	bool judged;       /* against the lookup target */
};

extern const struct cfg perf_cfgs[C_MAX];

/* MIM_PERF_ONLY selects @name (perf_lookup.c). */
bool perf_selected(const char *name);

/*
 * The kernel's ARRAY_OF_MAPS and HASH_OF_MAPS -> HASH beside mapinmap's
 * (perf_kernel.c). perf_kernel_build() builds them for @w's entries and a
 * stream of @keys pairs, or emits "not-run" rows saying why not (bpf()
 * refused, no BPF object); NULL only out of memory. perf_kernel_measure()
 * emits one point's rows for stream @s (a no-op where nothing was built):
 * -1 if a lookup went wrong.
 */
struct perf_kernel;
struct perf_kernel *perf_kernel_build(const struct world *w, uint32_t keys);
int perf_kernel_measure(const struct perf_kernel *k, const struct world *w,
			const struct stream *s, const char *dist);
void perf_kernel_free(struct perf_kernel *k);
/* The "not-run" rows of the kernel's configurations at one point. */
void perf_kernel_not_run(uint64_t entries, uint32_t tenants, const char *why);

/*
 * What-if prototype (perf_proto.c), not part of mapinmap: an inline-key
 * bucketized hash whose bulk lookup is pipelined across tables.
 */
struct perf_xt;
struct perf_xt *perf_xt_create(uint32_t entries);
int perf_xt_add(struct perf_xt *x, uint64_t key, const uint64_t *val);
void perf_xt_free(struct perf_xt *x);
uint32_t perf_run_xt_nested(const struct world *w, const struct stream *s,
			    void **sink, uint32_t step);
uint32_t perf_run_xt_flat(const struct world *w, const struct stream *s,
			  void **sink, uint32_t step);

#endif /* MIM_PERF_COMMON_H */
