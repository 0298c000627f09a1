/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Conformance scenarios of templates (what can be one, which inner tables
 * an outer table accepts), nesting and info.
 *
 * Kernel functions that decide each rule (6.x): array_map_meta_equal()
 * (arraymap.c); bpf_map_meta_alloc(), bpf_map_meta_equal(),
 * bpf_map_fd_get_ptr() (map_in_map.c); bpf_map_get_info_by_fd()
 * (syscall.c).
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <mim.h>
#include "mim_private.h"

#include "autotest.h"
#include "conformance.h"

#define AOT MIM_TYPE_ARRAY_OF_TABLES
#define HOT MIM_TYPE_HASH_OF_TABLES

static const enum mim_type outer_types[] = { AOT, HOT };

static int
outer_max(enum mim_type t)
{
	return t == AOT ? 4 : 8;
}

/* ---- what can be a template --------------------------------------------------- */

static int
conf_create_nested(void)
{
	struct conf_map t, n[2];
	unsigned int i, j;

	CONF_BEGIN("create_nested");
	if (!conf_create(&t, "tmpl", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					       .key_size = 4, .value_size = 8,
					       .max_entries = 4)))
		return conf_end();
	for (i = 0; i < RTE_DIM(outer_types); i++)
		if (!conf_create(&n[i], i == 0 ? "aom" : "hom",
				 CONF_SPEC(.type = outer_types[i], .key_size = 4,
					   .value_size = 4, .max_entries = 4,
					   .inner = &t)))
			return conf_end();
	/* bpf_map_meta_alloc(): "Does not support >1 level map-in-map". */
	for (i = 0; i < RTE_DIM(outer_types); i++)
		for (j = 0; j < RTE_DIM(n); j++)
			conf_create_try(CONF_SPEC(.type = outer_types[i],
						  .key_size = 4, .value_size = 4,
						  .max_entries = 4,
						  .inner = &n[j]),
					"the template is an outer table");
	return conf_end();
}

/*
 * bpf_map_meta_alloc(): a type without map_meta_equal cannot be a template.
 * In the kernel that is BPF_MAP_TYPE_PROG_ARRAY (-ENOTSUPP, 524); no
 * mapinmap type lacks meta_equal, so mapinmap's side is the same check
 * through the internal interface, with a type that has none.
 */
static int
conf_create_template_not_comparable(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, o);
	struct mim_table_ops ops = mim_array_ops;
	struct mim_obj outer, inner;
	unsigned int i;
	int prog, k, m;

	CONF_BEGIN("create_template_not_comparable");
	prog = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, NULL, 4, 4, 4, NULL);
	if (prog < 0) {
		conf_fail("cannot create a BPF_MAP_TYPE_PROG_ARRAY: %d", prog);
		return conf_end();
	}
	memset(&outer, 0, sizeof(outer));
	memset(&inner, 0, sizeof(inner));
	inner.id = 1;
	inner.meta.type = MIM_TYPE_ARRAY;
	ops.meta_equal = NULL;
	for (i = 0; i < RTE_DIM(outer_types); i++) {
		o.inner_map_fd = (uint32_t)prog;
		k = bpf_map_create(conf_bpf_type(outer_types[i]), NULL, 4, 4, 4,
				   &o);
		mim_err_enter(__func__);
		mim_lock();
		m = mim_meta_init_ops(&outer, &inner, &ops);
		mim_unlock();
		if (k >= 0)
			close(k);
		conf_dev(k, m, -ENOTSUP, CONF_DEV_ENOTSUP,
			 "create %s key=4 value=4 max=4 inner=(a type without meta_equal)",
			 conf_type_str(outer_types[i]));
	}
	close(prog);
	return conf_end();
}

/* ---- templates ---------------------------------------------------------------- */

/* Put inner into slot 0 of an outer table of each type made from tmpl. */
static void
try_inner(struct conf_map *outers, const struct conf_map *inner)
{
	uint32_t k0 = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(outer_types); i++)
		conf_update_inner(&outers[i], &k0, inner, BPF_ANY);
}

static bool
make_outers(struct conf_map *outers, const struct conf_map *tmpl)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(outer_types); i++)
		if (!conf_create(&outers[i], i == 0 ? "aom" : "hom",
				 CONF_SPEC(.type = outer_types[i], .key_size = 4,
					   .value_size = 4,
					   .max_entries = outer_max(outer_types[i]),
					   .inner = tmpl)))
			return false;
	return true;
}

/*
 * Create a candidate inner table, offer it to both outers, close its
 * handles. The pair stays registered (c must live until conf_end()), so
 * the slots it may now occupy can be compared by identity.
 */
static void
offer(struct conf_map *outers, struct conf_map *c, const char *label,
      const struct conf_spec *s)
{
	if (!conf_create(c, label, s))
		return;
	try_inner(outers, c);
	conf_close(c);
}

/* The slots the offers filled, on both outer types. */
static void
walk_outers(struct conf_map *outers)
{
	conf_walk(&outers[0]);
	conf_walk(&outers[1]);
}

/* A candidate inner table for a template. */
struct candidate {
	const char *label;   /* NULL ends a list */
	struct conf_spec spec;
};

/*
 * One template, both outer types made from it, and candidates offered to
 * them; then the slots are walked and everything but the candidates'
 * registrations is closed.
 */
struct template_round {
	const char *label;
	struct conf_spec tmpl;
	bool close_source;    /* close the template's source before the offers */
	bool check_gone;      /* and check that it is gone by ID */
	const struct candidate *candidates;
};

#define CANDIDATES(...) ((const struct candidate[]){ __VA_ARGS__, { .label = NULL } })
#define ARRAY_C(l, v, max, f) { l, { .type = MIM_TYPE_ARRAY, .key_size = 4, \
	.value_size = v, .max_entries = max, .flags = f } }
#define HASH_C(l, k, v, max, f) { l, { .type = MIM_TYPE_HASH, .key_size = k, \
	.value_size = v, .max_entries = max, .flags = f } }
#define LPM_C(l, v, max) { l, { .type = MIM_TYPE_LPM, .key_size = 8,	\
	.value_size = v, .max_entries = max, .flags = BPF_F_NO_PREALLOC } }

static void
template_rounds(const struct template_round *r, size_t n)
{
	static struct conf_map t, o[2], c[16];
	const struct candidate *cd;
	unsigned int nc = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!conf_create(&t, r[i].label, &r[i].tmpl) || !make_outers(o, &t))
			return;
		if (r[i].close_source)
			conf_close(&t);
		if (r[i].check_gone && conf_alive(&t, "template source closed"))
			conf_fail("the template's source table is still reachable");
		for (cd = r[i].candidates; cd->label != NULL; cd++) {
			if (nc == RTE_DIM(c)) {
				conf_fail("more than %zu candidates", RTE_DIM(c));
				return;
			}
			offer(o, &c[nc++], cd->label, &cd->spec);
		}
		walk_outers(o);
		conf_close(&o[0]);
		conf_close(&o[1]);
		conf_close(&t);
	}
}

static int
conf_template_type_sizes(void)
{
	const struct template_round rounds[] = {
		{ "tmpl", { .type = MIM_TYPE_HASH, .key_size = 4,
			    .value_size = 8, .max_entries = 8 },
		  .candidates = CANDIDATES(
			HASH_C("same", 4, 8, 8, 0),
			ARRAY_C("array", 8, 8, 0),
			LPM_C("lpm", 8, 8),
			HASH_C("key8", 8, 8, 8, 0),
			HASH_C("value16", 4, 16, 8, 0),
			HASH_C("value4", 4, 4, 8, 0)) },
		/* An LPM template: it outlives its source. */
		{ "tmpl_lpm", { .type = MIM_TYPE_LPM, .key_size = 8,
				.value_size = 8, .max_entries = 8,
				.flags = BPF_F_NO_PREALLOC },
		  .close_source = true,
		  .candidates = CANDIDATES(
			LPM_C("lpm_value16", 16, 8),
			LPM_C("lpm_same", 8, 8),
			HASH_C("hash", 8, 8, 8, BPF_F_NO_PREALLOC)) },
	};

	CONF_BEGIN("template_type_sizes");
	template_rounds(rounds, RTE_DIM(rounds));
	return conf_end();
}

static int
conf_template_flags(void)
{
	const struct template_round rounds[] = {
		{ "tmpl", { .type = MIM_TYPE_HASH, .key_size = 4,
			    .value_size = 8, .max_entries = 8 },
		  .candidates = CANDIDATES(
			HASH_C("noprealloc", 4, 8, 8, BPF_F_NO_PREALLOC),
			HASH_C("numa0", 4, 8, 8, BPF_F_NUMA_NODE)) },
		{ "tmpl_np", { .type = MIM_TYPE_HASH, .key_size = 4,
			       .value_size = 8, .max_entries = 8,
			       .flags = BPF_F_NO_PREALLOC },
		  .candidates = CANDIDATES(
			HASH_C("prealloc", 4, 8, 8, 0),
			HASH_C("noprealloc", 4, 8, 8, BPF_F_NO_PREALLOC)) },
		/* The NUMA flag is part of map_flags; the node is not compared. */
		{ "tmpl_numa", { .type = MIM_TYPE_ARRAY, .key_size = 4,
				 .value_size = 8, .max_entries = 4,
				 .flags = BPF_F_NUMA_NODE },
		  .candidates = CANDIDATES(
			ARRAY_C("plain", 8, 4, 0),
			ARRAY_C("numa0", 8, 4, BPF_F_NUMA_NODE)) },
	};

	CONF_BEGIN("template_flags");
	template_rounds(rounds, RTE_DIM(rounds));
	return conf_end();
}

/* array_map_meta_equal(): max_entries must match without BPF_F_INNER_MAP. */
static int
conf_template_array_max_entries(void)
{
	const struct template_round rounds[] = {
		{ "tmpl", { .type = MIM_TYPE_ARRAY, .key_size = 4,
			    .value_size = 8, .max_entries = 4 },
		  .candidates = CANDIDATES(
			ARRAY_C("max4", 8, 4, 0),
			ARRAY_C("max8", 8, 8, 0),
			ARRAY_C("max2", 8, 2, 0),
			ARRAY_C("max3", 8, 3, 0),
			ARRAY_C("max4_im", 8, 4, BPF_F_INNER_MAP),
			ARRAY_C("value3", 3, 4, 0)) },
	};

	CONF_BEGIN("template_array_max_entries");
	template_rounds(rounds, RTE_DIM(rounds));
	return conf_end();
}

/* With BPF_F_INNER_MAP on the template, inner arrays may differ in size. */
static int
conf_template_array_inner_map(void)
{
	const struct template_round rounds[] = {
		{ "tmpl", { .type = MIM_TYPE_ARRAY, .key_size = 4,
			    .value_size = 8, .max_entries = 4,
			    .flags = BPF_F_INNER_MAP },
		  .candidates = CANDIDATES(
			ARRAY_C("im_max4", 8, 4, BPF_F_INNER_MAP),
			ARRAY_C("im_max9", 8, 9, BPF_F_INNER_MAP),
			ARRAY_C("im_max1", 8, 1, BPF_F_INNER_MAP),
			ARRAY_C("max4", 8, 4, 0),
			ARRAY_C("max9", 8, 9, 0),
			ARRAY_C("im_value16", 16, 9, BPF_F_INNER_MAP)) },
	};

	CONF_BEGIN("template_array_inner_map");
	template_rounds(rounds, RTE_DIM(rounds));
	return conf_end();
}

/* Hash and LPM capacity may differ from the template's (bpf_map_meta_equal). */
static int
conf_template_capacity(void)
{
	const struct template_round rounds[] = {
		{ "tmpl", { .type = MIM_TYPE_HASH, .key_size = 4,
			    .value_size = 8, .max_entries = 8 },
		  .candidates = CANDIDATES(
			HASH_C("max1", 4, 8, 1, 0),
			HASH_C("max1000", 4, 8, 1000, 0)) },
		{ "tmpl_lpm", { .type = MIM_TYPE_LPM, .key_size = 8,
				.value_size = 8, .max_entries = 16,
				.flags = BPF_F_NO_PREALLOC },
		  .close_source = true,
		  .candidates = CANDIDATES(
			LPM_C("lpm_max1", 8, 1),
			LPM_C("lpm_max1000", 8, 1000)) },
	};

	CONF_BEGIN("template_capacity");
	template_rounds(rounds, RTE_DIM(rounds));
	return conf_end();
}

/* bpf_map_meta_alloc() copies: the template lives on without its source. */
static int
conf_template_outlives_source(void)
{
	const struct template_round rounds[] = {
		{ "tmpl", { .type = MIM_TYPE_ARRAY, .key_size = 4,
			    .value_size = 8, .max_entries = 4 },
		  .close_source = true, .check_gone = true,
		  .candidates = CANDIDATES(
			ARRAY_C("max4", 8, 4, 0),
			ARRAY_C("max5", 8, 5, 0)) },
	};

	CONF_BEGIN("template_outlives_source");
	template_rounds(rounds, RTE_DIM(rounds));
	return conf_end();
}

#undef CANDIDATES
#undef ARRAY_C
#undef HASH_C
#undef LPM_C

/* ---- nesting ---------------------------------------------------------------- */

static int
conf_nesting_update(void)
{
	struct conf_map t, o[2], other;
	uint32_t k0 = 0;

	CONF_BEGIN("nesting_update");
	if (!conf_create(&t, "tmpl", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					       .key_size = 4, .value_size = 8,
					       .max_entries = 4)) ||
	    !make_outers(o, &t) ||
	    !conf_create(&other, "other", CONF_SPEC(.type = HOT, .key_size = 8,
						    .value_size = 4,
						    .max_entries = 2,
						    .inner = &t)))
		return conf_end();
	/* An outer table as a value: its type differs from the template's. */
	try_inner(o, &o[0]);
	try_inner(o, &o[1]);
	try_inner(o, &other);
	conf_lookup(&o[0], &k0);
	conf_lookup(&o[1], &k0);
	return conf_end();
}

/* ---- info ------------------------------------------------------------------------ */

static int
conf_info_fields(void)
{
	struct conf_map t, a, h, l, o[2];

	CONF_BEGIN("info_fields");
	if (!conf_create(&t, "tmpl", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					       .key_size = 4, .value_size = 12,
					       .max_entries = 3,
					       .flags = BPF_F_INNER_MAP)) ||
	    !conf_create(&a, "arr", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					      .key_size = 4, .value_size = 5,
					      .max_entries = 7,
					      .flags = BPF_F_NUMA_NODE)) ||
	    !conf_create(&h, "hash.x_1", CONF_SPEC(.type = MIM_TYPE_HASH,
						   .key_size = 12,
						   .value_size = 20,
						   .max_entries = 9,
						   .flags = BPF_F_NO_PREALLOC)) ||
	    !conf_create(&l, "lpm", CONF_SPEC(.type = MIM_TYPE_LPM,
					      .key_size = 8, .value_size = 16,
					      .max_entries = 33,
					      .flags = BPF_F_NO_PREALLOC)) ||
	    !make_outers(o, &t))
		return conf_end();
	conf_info(&t);
	conf_info(&a);
	conf_info(&h);
	conf_info(&l);
	conf_info(&o[0]);
	conf_info(&o[1]);
	return conf_end();
}

const struct autotest_case conf_template_cases[] = {
	TEST_CASE(conf_create_nested),
	TEST_CASE(conf_create_template_not_comparable),
	TEST_CASE(conf_template_type_sizes),
	TEST_CASE(conf_template_flags),
	TEST_CASE(conf_template_array_max_entries),
	TEST_CASE(conf_template_array_inner_map),
	TEST_CASE(conf_template_capacity),
	TEST_CASE(conf_template_outlives_source),
	TEST_CASE(conf_nesting_update),
	TEST_CASE(conf_info_fields),
	TEST_CASES_END(),
};
