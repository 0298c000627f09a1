/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Conformance scenarios of table creation: the outer types' checks and
 * their order, names, flags, and the inner types' own creation checks.
 *
 * Kernel functions that decide each rule (6.x): map_create() and
 * bpf_obj_name_cpy() (syscall.c); array_map_alloc_check(),
 * fd_array_map_alloc_check() (arraymap.c); htab_map_alloc_check(),
 * fd_htab_map_alloc_check(), htab_map_alloc() (hashtab.c); trie_alloc()
 * (lpm_trie.c).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <mim.h>

#include "autotest.h"
#include "conformance.h"

#define AOT MIM_TYPE_ARRAY_OF_TABLES
#define HOT MIM_TYPE_HASH_OF_TABLES

static const enum mim_type outer_types[] = { AOT, HOT };

/* A row's spec (struct conf_create_row). */
#define SPEC(...) .spec = { __VA_ARGS__ }

/* ---- outer creation ---------------------------------------------------------- */

/* Both outer types, the template given. */
static const struct conf_create_row outer_checks_each[] = {
	{ SPEC(.key_size = 4, .value_size = 4, .max_entries = 0), .tmpl = true,
	  .what = "zero max_entries" },
	{ SPEC(.key_size = 4, .value_size = 8, .max_entries = 4), .tmpl = true,
	  .what = "value is not a u32" },
	{ SPEC(.key_size = 4, .value_size = 0, .max_entries = 4), .tmpl = true,
	  .what = "zero value_size" },
	{ SPEC(.key_size = 0, .value_size = 4, .max_entries = 4), .tmpl = true,
	  .what = "zero key_size" },
	{ SPEC(.key_size = 4, .value_size = 4, .max_entries = 4,
	       .flags = BPF_F_INNER_MAP), .tmpl = true,
	  .what = "BPF_F_INNER_MAP on an outer type" },
};

static const struct conf_create_row outer_checks_typed[] = {
	/* Array of maps: u32 index keys only. */
	{ SPEC(.type = AOT, .key_size = 8, .value_size = 4, .max_entries = 4),
	  .tmpl = true, .what = "key_size 8" },
	{ SPEC(.type = AOT, .key_size = 4, .value_size = 4, .max_entries = 4,
	       .flags = BPF_F_NO_PREALLOC), .tmpl = true,
	  .what = "BPF_F_NO_PREALLOC on an array" },
	/* Hash of maps: any key size up to the limit, and no preallocation. */
	{ SPEC(.type = HOT, .key_size = 8, .value_size = 4, .max_entries = 4),
	  .tmpl = true, .what = "key_size 8" },
	{ SPEC(.type = HOT, .key_size = 512, .value_size = 4, .max_entries = 4),
	  .tmpl = true, .what = "key_size 512" },
	{ SPEC(.type = HOT, .key_size = 513, .value_size = 4, .max_entries = 4),
	  .tmpl = true, .what = "key_size 513", .reason = CONF_DEV_HASH_KEY,
	  .mexp = -E2BIG },
	{ SPEC(.type = HOT, .key_size = 4, .value_size = 4, .max_entries = 4,
	       .flags = BPF_F_NO_PREALLOC), .tmpl = true,
	  .what = "BPF_F_NO_PREALLOC" },
	/* htab_map_alloc(): more buckets than a u32 of bytes can hold. */
	{ SPEC(.type = HOT, .key_size = 4, .value_size = 4,
	       .max_entries = (1U << 31) + 1), .tmpl = true,
	  .what = "max_entries 2^31+1" },
	/* Unknown type. */
	{ SPEC(.type = 0, .key_size = 4, .value_size = 4, .max_entries = 4),
	  .tmpl = true, .what = "type 0" },
};

static int
conf_create_outer_checks(void)
{
	struct conf_map t, o;
	unsigned int i;

	CONF_BEGIN("create_outer_checks");
	if (!conf_create(&t, "tmpl", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					       .key_size = 4, .value_size = 8,
					       .max_entries = 4)))
		return conf_end();
	for (i = 0; i < RTE_DIM(outer_types); i++) {
		enum mim_type ot = outer_types[i];

		conf_create_rows(outer_checks_each, RTE_DIM(outer_checks_each),
				 ot, &t);
		if (conf_create(&o, ot == AOT ? "aom" : "hom",
				CONF_SPEC(.type = ot, .key_size = 4,
					  .value_size = 4, .max_entries = 4,
					  .inner = &t)))
			conf_close(&o);
	}
	conf_create_rows(outer_checks_typed, RTE_DIM(outer_checks_typed), 0,
			 &t);
	return conf_end();
}

/*
 * The order of the checks: the type's alloc_check, then the template
 * (bpf_map_meta_alloc: fd, nesting, meta_equal), then the size checks of
 * map_alloc, then the name (bpf_obj_name_cpy) — in the kernel. Both outer
 * types; the template (where one is given) is a nested outer table.
 */
static const struct conf_create_row outer_order_each[] = {
	{ SPEC(.key_size = 4, .value_size = 4, .max_entries = 0, CONF_BAD_TMPL),
	  .what = "zero max_entries and a bad template: max_entries first" },
	{ SPEC(.key_size = 4, .value_size = 8, .max_entries = 4, CONF_BAD_TMPL),
	  .what = "value_size 8 and a bad template: value_size first" },
	{ SPEC(.key_size = 4, .value_size = 4, .max_entries = 4,
	       .flags = BPF_F_INNER_MAP, CONF_BAD_TMPL),
	  .what = "bad flags and a bad template: flags first" },
	{ SPEC(.key_size = 4, .value_size = 4, .max_entries = 0), .tmpl = true,
	  .what = "zero max_entries and a nested template" },
	{ SPEC(.key_size = 4, .value_size = 4, .max_entries = 4, CONF_BAD_TMPL),
	  .what = "valid attributes, bad template" },
	/* Sizes decided in map_alloc come after the template. */
	{ SPEC(.key_size = 4, .value_size = 4, .max_entries = (1U << 31) + 1,
	       CONF_BAD_TMPL),
	  .what = "max_entries 2^31+1 and a bad template: the template first (map_alloc sizes come after bpf_map_meta_alloc)" },
	/* The name comes last in the kernel, first here. */
	{ SPEC(.key_size = 4, .value_size = 4, .max_entries = 4, CONF_BAD_TMPL,
	       .kname = "bad/name", .mname = "bad/name"),
	  .what = "invalid name and a bad template", .reason = CONF_DEV_NAMES,
	  .mexp = -EINVAL },
};

static const struct conf_create_row outer_order_typed[] = {
	{ SPEC(.type = AOT, .key_size = 8, .value_size = 4, .max_entries = 4,
	       CONF_BAD_TMPL),
	  .what = "key_size 8 and a bad template: key_size first" },
	{ SPEC(.type = HOT, .key_size = 600, .value_size = 4, .max_entries = 4,
	       CONF_BAD_TMPL),
	  .what = "key_size 600 and a bad template", .reason = CONF_DEV_HASH_KEY,
	  .mexp = -E2BIG },
};

static int
conf_create_outer_order(void)
{
	struct conf_map t, nest;
	unsigned int i;

	CONF_BEGIN("create_outer_order");
	if (!conf_create(&t, "tmpl", CONF_SPEC(.type = MIM_TYPE_HASH,
					       .key_size = 4, .value_size = 8,
					       .max_entries = 4)) ||
	    !conf_create(&nest, "nested", CONF_SPEC(.type = AOT, .key_size = 4,
						    .value_size = 4,
						    .max_entries = 2,
						    .inner = &t)))
		return conf_end();
	for (i = 0; i < RTE_DIM(outer_types); i++) {
		conf_create_rows(outer_order_each, RTE_DIM(outer_order_each),
				 outer_types[i], &nest);
		conf_create_try(CONF_SPEC(.type = outer_types[i], .key_size = 4,
					  .value_size = 4, .max_entries = 4,
					  .inner = &t, .kname = "bad/name",
					  .mname = "bad/name"),
				"invalid name, valid template");
	}
	conf_create_rows(outer_order_typed, RTE_DIM(outer_order_typed), 0,
			 NULL);
	return conf_end();
}

/* Both outer types: templates that name nothing. */
static const struct conf_create_row outer_bad_inner[] = {
	{ SPEC(.key_size = 4, .value_size = 4, .max_entries = 4, CONF_BAD_TMPL),
	  .what = "template handle names nothing" },
	{ SPEC(.key_size = 4, .value_size = 4, .max_entries = 4,
	       .raw_inner = true, .kinner_fd = 0, .minner_id = 0),
	  .what = "no template (inner_map_fd 0, inner_id 0)",
	  .reason = CONF_DEV_NO_INNER, .mexp = -EBADF },
};

static int
conf_create_outer_bad_inner(void)
{
	static const struct conf_create_row closed[] = {
		{ SPEC(.key_size = 4, .value_size = 4, .max_entries = 4),
		  .tmpl = true, .what = "template closed before" },
	};
	struct conf_map t;
	unsigned int i;

	CONF_BEGIN("create_outer_bad_inner");
	if (!conf_create(&t, "tmpl", CONF_SPEC(.type = MIM_TYPE_HASH,
					       .key_size = 4, .value_size = 8,
					       .max_entries = 4)))
		return conf_end();
	for (i = 0; i < RTE_DIM(outer_types); i++)
		conf_create_rows(outer_bad_inner, RTE_DIM(outer_bad_inner),
				 outer_types[i], NULL);
	/* The template table gone before the outer table is created. */
	conf_close(&t);
	if (conf_alive(&t, "template closed"))
		conf_fail("the template is still reachable after its last handle closed");
	for (i = 0; i < RTE_DIM(outer_types); i++)
		conf_create_rows(closed, RTE_DIM(closed), outer_types[i], &t);
	return conf_end();
}

static int
conf_create_inner_id_ignored(void)
{
#define INNER_ID(w) .tmpl = true, .what = w,				\
	.reason = CONF_DEV_INNER_ID, .mexp = -EINVAL
	static const struct conf_create_row rows[] = {
		{ SPEC(.type = MIM_TYPE_ARRAY, .key_size = 4, .value_size = 8,
		       .max_entries = 4), INNER_ID("ARRAY given a template") },
		{ SPEC(.type = MIM_TYPE_HASH, .key_size = 4, .value_size = 8,
		       .max_entries = 4), INNER_ID("HASH given a template") },
		{ SPEC(.type = MIM_TYPE_LPM, .key_size = 8, .value_size = 8,
		       .max_entries = 4, .flags = BPF_F_NO_PREALLOC),
		  INNER_ID("LPM_TRIE given a template") },
	};
#undef INNER_ID
	struct conf_map t;

	CONF_BEGIN("create_inner_id_ignored");
	if (!conf_create(&t, "tmpl", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					       .key_size = 4, .value_size = 8,
					       .max_entries = 4)))
		return conf_end();
	conf_create_rows(rows, RTE_DIM(rows), 0, &t);
	return conf_end();
}

static int
conf_create_names(void)
{
	static const char n31[] = "abcdefghijklmnopqrstuvwxyz01234";
#define NAMED(n) SPEC(.type = MIM_TYPE_ARRAY, .key_size = 4, .value_size = 4, \
		      .max_entries = 1, .kname = n, .mname = n)
	static const struct conf_create_row names[] = {
		{ NAMED("abcdefghijklmnopqrstuvwxyz012345"),
		  .what = "a 32-character name", .reason = CONF_DEV_NAMES,
		  .mexp = -EINVAL },
		{ NAMED("with-dash"), .what = "a name with '-'",
		  .reason = CONF_DEV_NAMES, .mexp = 0 },
		{ NAMED("with/slash"), .what = "a name with '/'" },
		{ NAMED("with space"), .what = "a name with ' '" },
		{ NAMED(""), .what = "an empty name" },
	};
#undef NAMED
	struct conf_map a, b, c;

	CONF_BEGIN("create_names");
	if (!conf_create(&a, "same_name", CONF_SPEC(.type = MIM_TYPE_ARRAY,
						    .key_size = 4,
						    .value_size = 4,
						    .max_entries = 1)))
		return conf_end();
	conf_info(&a);
	conf_create_dev(CONF_SPEC(.type = MIM_TYPE_ARRAY, .key_size = 4,
				  .value_size = 4, .max_entries = 1,
				  .kname = "same_name", .mname = "same_name"),
			-EEXIST, CONF_DEV_NAMES, "a live table has the name");
	/* 15 characters fit the kernel; longer ones are cut by libbpf. */
	if (conf_create(&b, "fifteen_chars.x", CONF_SPEC(.type = MIM_TYPE_HASH,
							 .key_size = 4,
							 .value_size = 4,
							 .max_entries = 1)))
		conf_info(&b);
	if (conf_create(&c, "n31", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					     .key_size = 4, .value_size = 4,
					     .max_entries = 1, .kname = n31,
					     .mname = n31)))
		conf_info(&c);
	conf_create_rows(names, RTE_DIM(names), 0, NULL);
	return conf_end();
}

/* Whether NUMA node n exists for the kernel. */
static bool
numa_node_online(int n)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", n);
	return access(path, F_OK) == 0;
}

/* An inner type with flags; an outer type with flags and the template. */
#define FLAGS(t, k, f) SPEC(.type = t, .key_size = k, .value_size = 8,	\
			    .max_entries = 4, .flags = f)
#define OFLAGS(t, f) SPEC(.type = t, .key_size = 4, .value_size = 4,	\
			  .max_entries = 4, .flags = f), .tmpl = true
/* Accepted by the kernel, unknown to mapinmap. */
#define UNKNOWN .what = "a flag mapinmap does not have",		\
	.reason = CONF_DEV_FLAGS, .mexp = -EINVAL

static const struct conf_create_row flag_rows[] = {
	/* Both sides alike. */
	{ FLAGS(MIM_TYPE_ARRAY, 4, BPF_F_NO_PREALLOC),
	  .what = "BPF_F_NO_PREALLOC on an array" },
	{ FLAGS(MIM_TYPE_ARRAY, 4, BPF_F_INNER_MAP),
	  .what = "BPF_F_INNER_MAP on an array" },
	{ FLAGS(MIM_TYPE_ARRAY, 4, 1U << 30), .what = "unknown flag" },
	{ FLAGS(MIM_TYPE_HASH, 4, BPF_F_INNER_MAP),
	  .what = "BPF_F_INNER_MAP on a hash" },
	{ FLAGS(MIM_TYPE_HASH, 4, BPF_F_NO_COMMON_LRU),
	  .what = "BPF_F_NO_COMMON_LRU on a non-LRU hash" },
	{ FLAGS(MIM_TYPE_HASH, 4, 1U << 30), .what = "unknown flag" },
	{ FLAGS(MIM_TYPE_LPM, 8, BPF_F_NO_PREALLOC | BPF_F_INNER_MAP),
	  .what = "BPF_F_INNER_MAP on an LPM trie" },
	{ OFLAGS(AOT, BPF_F_RDONLY_PROG),
	  .what = "BPF_F_RDONLY_PROG on an array of maps" },
	{ OFLAGS(AOT, BPF_F_WRONLY_PROG),
	  .what = "BPF_F_WRONLY_PROG on an array of maps" },
	{ OFLAGS(AOT, BPF_F_MMAPABLE),
	  .what = "BPF_F_MMAPABLE on an array of maps" },
	{ OFLAGS(HOT, BPF_F_INNER_MAP),
	  .what = "BPF_F_INNER_MAP on a hash of maps" },
	/* Deviations. */
	{ FLAGS(MIM_TYPE_ARRAY, 4, BPF_F_RDONLY), UNKNOWN },
	{ FLAGS(MIM_TYPE_ARRAY, 4, BPF_F_WRONLY), UNKNOWN },
	{ FLAGS(MIM_TYPE_ARRAY, 4, BPF_F_RDONLY_PROG), UNKNOWN },
	{ FLAGS(MIM_TYPE_ARRAY, 4, BPF_F_MMAPABLE), UNKNOWN },
	{ FLAGS(MIM_TYPE_HASH, 4, BPF_F_RDONLY), UNKNOWN },
	{ FLAGS(MIM_TYPE_HASH, 4, BPF_F_ZERO_SEED), UNKNOWN },
	{ FLAGS(MIM_TYPE_LPM, 8, BPF_F_NO_PREALLOC | BPF_F_RDONLY), UNKNOWN },
	{ OFLAGS(AOT, BPF_F_RDONLY), UNKNOWN },
	{ OFLAGS(HOT, BPF_F_WRONLY), UNKNOWN },
	/* BPF_F_NUMA_NODE: node 0 exists. */
	{ SPEC(.type = MIM_TYPE_ARRAY, .key_size = 4, .value_size = 8,
	       .max_entries = 4, .flags = BPF_F_NUMA_NODE, .numa_node = 0),
	  .what = "NUMA node 0" },
	{ SPEC(.type = MIM_TYPE_HASH, .key_size = 4, .value_size = 8,
	       .max_entries = 4, .flags = BPF_F_NUMA_NODE, .numa_node = 0),
	  .what = "NUMA node 0" },
	{ SPEC(.type = HOT, .key_size = 4, .value_size = 4, .max_entries = 4,
	       .flags = BPF_F_NUMA_NODE, .numa_node = 0), .tmpl = true,
	  .what = "NUMA node 0" },
	{ SPEC(.type = MIM_TYPE_ARRAY, .key_size = 4, .value_size = 8,
	       .max_entries = 4, .flags = BPF_F_NUMA_NODE, .numa_node = -1),
	  .what = "NUMA node -1" },
};
#undef FLAGS
#undef OFLAGS
#undef UNKNOWN

static int
conf_create_flags(void)
{
	struct conf_create_row absent = {
		SPEC(.key_size = 4, .value_size = 8, .max_entries = 4,
		     .flags = BPF_F_NUMA_NODE),
		.what = "a NUMA node this machine does not have",
	};
	static const enum mim_type absent_types[] = {
		MIM_TYPE_ARRAY, MIM_TYPE_HASH,
	};
	struct conf_map t;
	unsigned int i;
	int missing = 1;

	CONF_BEGIN("create_flags");
	if (!conf_create(&t, "tmpl", CONF_SPEC(.type = MIM_TYPE_ARRAY,
					       .key_size = 4, .value_size = 8,
					       .max_entries = 4)))
		return conf_end();
	conf_create_rows(flag_rows, RTE_DIM(flag_rows), 0, &t);
	/* A node the kernel does not have is EINVAL in map_create(). */
	while (missing < 8 && numa_node_online(missing))
		missing++;
	if (missing == 8) {
		conf_note("every NUMA node below 8 is online: no absent node to try");
		return conf_end();
	}
	absent.spec.numa_node = missing;
	for (i = 0; i < RTE_DIM(absent_types); i++)
		conf_create_rows(&absent, 1, absent_types[i], NULL);
	return conf_end();
}

/* ---- the inner types' creation checks ------------------------------------------ */

#define ARRAY(k, v, max) SPEC(.type = MIM_TYPE_ARRAY, .key_size = k,	\
			      .value_size = v, .max_entries = max)

static const struct conf_create_row array_rows[] = {
	{ ARRAY(4, 8, 0), .what = "zero max_entries" },
	{ ARRAY(8, 8, 4), .what = "key_size 8" },
	{ ARRAY(0, 8, 4), .what = "key_size 0" },
	{ ARRAY(4, 0, 4), .what = "zero value_size" },
	{ ARRAY(8, 0, 0), .what = "everything wrong" },
	{ ARRAY(4, 3, 3), .what = "odd sizes" },
	{ ARRAY(4, 1U << 22, 1), .what = "value_size 4 MiB" },
	/* array_map_alloc_check(): E2BIG only above INT_MAX. */
	{ ARRAY(4, (1U << 22) + 1, 1),
	  .what = "value_size 4 MiB + 1 (array_map_alloc_check allows up to INT_MAX)" },
	{ ARRAY(4, 1U << 31, 1), .what = "value_size 2^31" },
};
#undef ARRAY

static int
conf_create_array_checks(void)
{
	char b[48];
	int m;

	CONF_BEGIN("create_array_checks");
	conf_create_rows(array_rows, RTE_DIM(array_rows), 0, NULL);
	/* Too big to create in the kernel here: mapinmap's side only. */
	m = mim_create(MIM_TYPE_ARRAY, NULL, 4, 8, (1U << 31) + 1, NULL);
	if (m > 0)
		mim_close(m);
	conf_dev_text("not run: array_map_alloc_check() accepts it; array_map_alloc() would allocate 16 GiB",
		      conf_ret_str(m, b, sizeof(b)), CONF_DEV_CAPACITY,
		      "create ARRAY key=4 value=8 max=2^31+1");
	if (m != -E2BIG)
		conf_fail("ARRAY max_entries 2^31+1: %d, not -E2BIG", m);
	return conf_end();
}

/* htab_map_alloc_check(): key + value < KMALLOC_MAX_SIZE - sizeof(struct htab_elem) (48). */
#define HASH_VALUE_MAX ((1U << 22) - 48 - 4)
#define HASH(k, v, max, ...) SPEC(.type = MIM_TYPE_HASH, .key_size = k,	\
				  .value_size = v, .max_entries = max,	\
				  __VA_ARGS__)

static const struct conf_create_row hash_rows[] = {
	{ HASH(4, 8, 0), .what = "zero max_entries" },
	{ HASH(0, 8, 4), .what = "zero key_size" },
	{ HASH(4, 0, 4), .what = "zero value_size" },
	{ HASH(600, 8, 0),
	  .what = "key_size 600 and zero max_entries: max_entries first" },
	{ HASH(4, 8, 0, .flags = BPF_F_INNER_MAP),
	  .what = "bad flags and zero max_entries" },
	{ HASH(3, 5, 7), .what = "odd sizes" },
	{ HASH(512, 8, 4), .what = "key_size 512" },
	{ HASH(513, 8, 4), .what = "key_size 513", .reason = CONF_DEV_HASH_KEY,
	  .mexp = -E2BIG },
	{ HASH(4, HASH_VALUE_MAX - 1, 4, .flags = BPF_F_NO_PREALLOC),
	  .what = "key_size + value_size just below the kernel's limit" },
	{ HASH(4, HASH_VALUE_MAX, 4, .flags = BPF_F_NO_PREALLOC),
	  .what = "key_size + value_size at the kernel's limit (KMALLOC_MAX_SIZE - sizeof(struct htab_elem))" },
	{ HASH(4, (1U << 22) + 1, 4, .flags = BPF_F_NO_PREALLOC),
	  .what = "value_size 4 MiB + 1" },
	/* htab_map_alloc(): n_buckets > U32_MAX / sizeof(struct bucket). */
	{ HASH(4, 8, (1U << 31) + 1, .flags = BPF_F_NO_PREALLOC),
	  .what = "max_entries 2^31+1" },
	{ HASH(4, 8, (1U << 28) + 1, .flags = BPF_F_NO_PREALLOC),
	  .what = "max_entries 2^28+1 (htab_map_alloc: n_buckets above U32_MAX / sizeof(struct bucket))" },
};
#undef HASH

static int
conf_create_hash_checks(void)
{
	CONF_BEGIN("create_hash_checks");
	conf_create_rows(hash_rows, RTE_DIM(hash_rows), 0, NULL);
	return conf_end();
}

/* The kernel requires BPF_F_NO_PREALLOC of an LPM trie. */
#define LPM(k, v, max) SPEC(.type = MIM_TYPE_LPM, .key_size = k,	\
			    .value_size = v, .max_entries = max,	\
			    .flags = BPF_F_NO_PREALLOC)

static const struct conf_create_row lpm_rows[] = {
	{ LPM(8, 8, 0), .what = "zero max_entries" },
	{ LPM(8, 0, 4), .what = "zero value_size" },
	{ LPM(4, 8, 4), .what = "key_size 4 (no address byte)" },
	{ LPM(261, 8, 4), .what = "key_size 261" },
	{ LPM(8, 256, 4), .what = "value_size 256" },
	{ SPEC(.type = MIM_TYPE_LPM, .key_size = 8, .value_size = 8,
	       .max_entries = 4), .what = "without BPF_F_NO_PREALLOC",
	  .reason = CONF_DEV_LPM_PREALLOC, .mexp = 0 },
	{ LPM(5, 8, 4), .what = "key_size 5 (8-bit data)",
	  .reason = CONF_DEV_LPM_IPV4, .mexp = -EINVAL },
	{ LPM(20, 8, 4), .what = "key_size 20 (IPv6)" },
	{ LPM(8, 257, 4), .what = "value_size 257",
	  .reason = CONF_DEV_LPM_VALUE, .mexp = -E2BIG },
	{ LPM(8, 8, (1U << 23) + 1), .what = "max_entries 2^23+1",
	  .reason = CONF_DEV_CAPACITY, .mexp = -E2BIG },
	{ LPM(5, 8, 0), .what = "key_size 5 and zero max_entries" },
	/* IPv6 (key_size 20) and the key sizes around and beyond it. */
	{ LPM(20, 8, 0), .what = "key_size 20, zero max_entries" },
	{ LPM(20, 0, 4), .what = "key_size 20, zero value_size" },
	{ LPM(20, 256, 4), .what = "key_size 20, value_size 256" },
	{ LPM(20, 257, 4), .what = "key_size 20, value_size 257",
	  .reason = CONF_DEV_LPM_VALUE, .mexp = -E2BIG },
	{ LPM(20, 8, (1U << 23) + 1), .what = "key_size 20, max_entries 2^23+1",
	  .reason = CONF_DEV_CAPACITY, .mexp = -E2BIG },
	{ LPM(12, 8, 4), .what = "key_size 12 (64-bit data)",
	  .reason = CONF_DEV_LPM_IPV4, .mexp = -EINVAL },
	{ LPM(19, 8, 4), .what = "key_size 19 (120-bit data)",
	  .reason = CONF_DEV_LPM_IPV4, .mexp = -EINVAL },
	{ LPM(21, 8, 4), .what = "key_size 21 (136-bit data)",
	  .reason = CONF_DEV_LPM_IPV4, .mexp = -EINVAL },
	{ LPM(260, 8, 4), .what = "key_size 260 (the kernel's largest)",
	  .reason = CONF_DEV_LPM_IPV4, .mexp = -EINVAL },
};
#undef LPM

static int
conf_create_lpm_checks(void)
{
	CONF_BEGIN("create_lpm_checks");
	conf_create_rows(lpm_rows, RTE_DIM(lpm_rows), 0, NULL);
	return conf_end();
}

const struct autotest_case conf_create_cases[] = {
	TEST_CASE(conf_create_outer_checks),
	TEST_CASE(conf_create_outer_order),
	TEST_CASE(conf_create_outer_bad_inner),
	TEST_CASE(conf_create_inner_id_ignored),
	TEST_CASE(conf_create_names),
	TEST_CASE(conf_create_flags),
	TEST_CASE(conf_create_array_checks),
	TEST_CASE(conf_create_hash_checks),
	TEST_CASE(conf_create_lpm_checks),
	TEST_CASES_END(),
};
