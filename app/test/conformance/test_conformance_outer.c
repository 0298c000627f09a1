/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Conformance scenarios on outer tables: update flags and the order of
 * their checks, index and capacity limits, lookups returning IDs, delete
 * and get_next_key. Each is a script of steps (conf_script.h) on a fixture.
 *
 * Kernel functions: bpf_fd_array_map_update_elem(),
 * __fd_array_map_delete_elem(), bpf_fd_array_map_lookup_elem(),
 * array_map_get_next_key() (arraymap.c); bpf_fd_htab_map_update_elem(),
 * htab_map_update_elem() and check_flags(), htab_map_delete_elem(),
 * htab_map_get_next_key() (hashtab.c); bpf_map_fd_get_ptr(),
 * bpf_map_fd_put_ptr(), bpf_map_fd_sys_lookup_elem() (map_in_map.c).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <mim.h>

#include "autotest.h"
#include "conf_script.h"
#include "conformance.h"

#define AOT MIM_TYPE_ARRAY_OF_TABLES
#define HOT MIM_TYPE_HASH_OF_TABLES

/* The outer tables most scenarios use. */
static const struct conf_fx_outer aom[] = { { "aom", AOT, 4, 4, 0 } };
static const struct conf_fx_outer hom[] = { { "hom", HOT, 4, 4, 0 } };

#define O FX_O1
#define A FX_A
#define B FX_B
#define BAD FX_BAD
#define NONE FX_NONE

/* ---- update flags --------------------------------------------------------------- */

static int
conf_update_flags_aom(void)
{
	static const struct conf_step steps[] = {
		/* bpf_fd_array_map_update_elem(): BPF_ANY only. */
		PUT(O, 0, A, BPF_NOEXIST), PUT(O, 0, A, BPF_EXIST),
		PUT(O, 0, A, BPF_ANY), HOLDS(O, 0, A),
		PUT(O, 0, B, BPF_NOEXIST), PUT(O, 0, B, BPF_EXIST),
		HOLDS(O, 0, A),
		PUT(O, 1, B, 3), PUT(O, 1, B, BPF_F_LOCK), PUT(O, 1, B, 8),
		HOLDS(O, 1, NONE),
		/* Replace. */
		PUT(O, 0, B, BPF_ANY), HOLDS(O, 0, B), WALK(O),
	};

	return conf_script("update_flags_aom", aom, 1, steps, RTE_DIM(steps));
}

static int
conf_update_flags_hom(void)
{
	static const struct conf_step steps[] = {
		PUT(O, 1, A, BPF_NOEXIST), PUT(O, 1, B, BPF_NOEXIST),
		HOLDS(O, 1, A),
		PUT(O, 2, A, BPF_EXIST), HOLDS(O, 2, NONE),
		PUT(O, 1, B, BPF_EXIST), HOLDS(O, 1, B),
		PUT(O, 1, A, BPF_ANY), PUT(O, 3, B, BPF_ANY),
		HOLDS(O, 1, A), HOLDS(O, 3, B),
		PUT(O, 2, A, 3), PUT(O, 2, A, BPF_F_LOCK),
		PUT(O, 2, A, BPF_F_LOCK | BPF_NOEXIST), PUT(O, 2, A, 8),
		HOLDS(O, 2, NONE), WALK(O),
	};

	return conf_script("update_flags_hom", hom, 1, steps, RTE_DIM(steps));
}

/* ---- order of the update checks -------------------------------------------------- */

/* Array of maps: flags, index, then the inner fd (bpf_map_fd_get_ptr). */
static int
conf_update_order_aom(void)
{
	static const struct conf_fx_outer outers[] = {
		{ "aom", AOT, 4, 4, 0 }, { "other", HOT, 4, 4, 0 },
	};
	const enum conf_fx_table other = FX_O2;
	const struct conf_step steps[] = {
		PUT_BAD(O, 4, BPF_NOEXIST,
			"(bad handle), index out of range, flags BPF_NOEXIST"),
		PUT_BAD(O, 4, BPF_ANY, "(bad handle), index out of range"),
		PUT(O, 4, BAD, BPF_ANY), PUT(O, 4, other, BPF_ANY),
		PUT(O, 0, BAD, BPF_EXIST),
		PUT_BAD(O, 0, BPF_ANY, "(bad handle)"),
		PUT(O, 0, BAD, BPF_ANY), PUT(O, 0, other, BPF_ANY),
		/* A failed update changes nothing. */
		PUT(O, 0, A, BPF_ANY), PUT(O, 0, BAD, BPF_ANY),
		PUT_BAD(O, 0, BPF_ANY, "(bad handle)"),
		PUT(O, 0, B, BPF_NOEXIST), HOLDS(O, 0, A), WALK(O),
	};

	return conf_script("update_order_aom", outers, RTE_DIM(outers), steps,
			   RTE_DIM(steps));
}

/* Hash of maps: the inner fd first, then flags, then existence and room. */
static int
conf_update_order_hom(void)
{
	static const struct conf_fx_outer outers[] = {
		{ "hom", HOT, 4, 2, 0 },
	};
	static const struct conf_step steps[] = {
		PUT_BAD(O, 1, 3, "(bad handle), unknown flags"),
		PUT(O, 1, BAD, 3),
		/* map_update_elem() (syscall.c) rejects BPF_F_LOCK on a map
		 * without a bpf_spin_lock before the map type sees the value.
		 */
		PUT_BAD(O, 1, BPF_F_LOCK, "(bad handle)"),
		PUT_BAD(O, 1, BPF_F_LOCK | BPF_EXIST, "(bad handle)"),
		PUT(O, 1, BAD, BPF_F_LOCK), PUT(O, 1, BAD, BPF_EXIST),
		PUT(O, 1, A, BPF_ANY),
		PUT_BAD(O, 1, BPF_NOEXIST, "(bad handle), key exists, BPF_NOEXIST"),
		PUT(O, 1, BAD, BPF_NOEXIST), PUT(O, 2, B, BPF_ANY),
		/* Full: existence is decided before room. */
		PUT(O, 9, A, BPF_EXIST), PUT(O, 1, A, BPF_NOEXIST),
		PUT(O, 9, A, BPF_NOEXIST), PUT(O, 9, A, BPF_ANY),
		PUT_BAD(O, 9, BPF_ANY, "(bad handle), table full"),
		PUT(O, 9, BAD, BPF_ANY), PUT(O, 9, A, 3), PUT(O, 1, B, BPF_ANY),
		HOLDS(O, 1, B), HOLDS(O, 2, B), HOLDS(O, 9, NONE), WALK(O),
	};

	return conf_script("update_order_hom", outers, RTE_DIM(outers), steps,
			   RTE_DIM(steps));
}

/*
 * Replacing the inner table of an existing key after another key was
 * deleted. Key 0 matters: under rte_hash_crc with a zero seed its short
 * signature is 0, the signature rte_hash leaves in emptied entries, so
 * this is where a replacement can miss the existing entry. A keeps its
 * handle throughout, so that a reference lost here shows as A dying
 * early (in mapinmap) rather than as a use after free.
 */
static int
conf_update_replace_after_delete_hom(void)
{
	static const struct conf_step steps[] = {
		PUT(O, 1, A, BPF_ANY), PUT(O, 0, A, BPF_ANY), DEL(O, 1),
		PUT(O, 0, B, BPF_ANY), HOLDS(O, 0, B), WALK(O),
		DEL(O, 0), HOLDS(O, 0, NONE), WALK(O),
		/* A is held by its handle only: closing the outer table
		 * leaves it.
		 */
		CLOSE(O), ALIVE(A, "outer closed, A has its handle"),
	};

	return conf_script("update_replace_after_delete_hom", hom, 1, steps,
			   RTE_DIM(steps));
}

/* ---- index and capacity limits ------------------------------------------------------ */

static int
conf_index_limits_aom(void)
{
	static const struct conf_fx_outer outers[] = {
		{ "aom5", AOT, 4, 5, 0 }, { "aom1", AOT, 4, 1, 0 },
		{ "aom3", AOT, 4, 3, 0 },
	};
	const enum conf_fx_table o1 = FX_O2, o3 = FX_O3;
	const struct conf_step steps[] = {
		PUT(O, 4, A, BPF_ANY), PUT(O, 5, A, BPF_ANY),
		PUT(O, UINT32_MAX, A, BPF_ANY), HOLDS(O, 4, A),
		GET(O, 5), GET(O, UINT32_MAX), DEL(O, 5), DEL(O, UINT32_MAX),
		PUT(o1, 0, B, BPF_ANY), PUT(o1, 1, B, BPF_ANY), GET(o1, 1),
		/* Not a power of two: the bound is max_entries, not the mask. */
		PUT(o3, 2, B, BPF_ANY), PUT(o3, 3, B, BPF_ANY), GET(o3, 3),
		DEL(o3, 3), WALK(O), WALK(o1), WALK(o3),
	};

	return conf_script("index_limits_aom", outers, RTE_DIM(outers), steps,
			   RTE_DIM(steps));
}

/* Three keys in a hash of maps of three, then a fourth. */
static const struct conf_step capacity_steps[] = {
	PUT(O, 10, B, BPF_NOEXIST), PUT(O, 11, A, BPF_NOEXIST),
	PUT(O, 12, B, BPF_NOEXIST),
	PUT(O, 13, A, BPF_ANY), PUT(O, 13, A, BPF_NOEXIST),
	PUT(O, 10, A, BPF_ANY), PUT(O, 10, B, BPF_EXIST), HOLDS(O, 10, B),
	DEL(O, 10), PUT(O, 13, A, BPF_NOEXIST), PUT(O, 14, A, BPF_ANY),
	WALK(O),
};

static int
conf_capacity_hom(void)
{
	static const struct conf_fx_outer outers[] = {
		{ "hom3", HOT, 4, 3, 0 }, { "hom3_np", HOT, 4, 3, BPF_F_NO_PREALLOC },
		{ "hom1", HOT, 8, 1, 0 },
	};
	static const struct conf_step hom1[] = {
		PUT(O, 1, A, BPF_ANY), PUT(O, 2, A, BPF_ANY),
		PUT(O, 1, B, BPF_ANY), HOLDS(O, 1, B), WALK(O),
	};
	struct conf_fixture f;
	unsigned int i;

	CONF_BEGIN("capacity_hom");
	/* One outer table at a time, each closed before the next. */
	if (!conf_fixture(&f, NULL, 0))
		return conf_end();
	for (i = 0; i < RTE_DIM(outers); i++) {
		if (!conf_create(&f.pair[FX_O1], outers[i].label,
				 CONF_SPEC(.type = HOT,
					   .key_size = outers[i].key_size,
					   .value_size = 4,
					   .max_entries = outers[i].max_entries,
					   .flags = outers[i].flags,
					   .inner = &f.pair[FX_TMPL])))
			break;
		f.nb_outers = 1;
		if (i + 1 < RTE_DIM(outers)) {
			conf_run_steps(&f, capacity_steps, RTE_DIM(capacity_steps));
			conf_close(&f.pair[FX_O1]);
			conf_unregister(&f.pair[FX_O1]);
		} else {
			conf_run_steps(&f, hom1, RTE_DIM(hom1));
		}
	}
	return conf_end();
}

/* ---- lookups ------------------------------------------------------------------------ */

/* Each side's own ID of the inner table (bpf_map_fd_sys_lookup_elem). */
static void
check_ids(struct conf_map *o, uint32_t key, const struct conf_map *inner)
{
	uint32_t kv = 0, mv = 0;
	char kb[64], mb[64];
	int k, m;

	k = bpf_map_lookup_elem(o->kfd, &key, &kv);
	m = mim_lookup_elem(o->mid, &key, &mv);
	if (k != 0 || m != 0 || kv != inner->kid || mv != inner->mim_id) {
		conf_fail("lookup %s: kernel %d id %u (%s's is %u), mapinmap %d id %u (%s's is %u)",
			  o->label, k, kv, inner->label, inner->kid, m, mv,
			  inner->label, inner->mim_id);
		return;
	}
	snprintf(kb, sizeof(kb), "ok: the map ID of %s", inner->label);
	snprintf(mb, sizeof(mb), "ok: the table ID of %s", inner->label);
	conf_dev_text(kb, mb, CONF_DEV_IDS, "lookup %s returns an ID",
		      o->label);
}

static int
conf_lookup_ids(void)
{
	static const struct conf_fx_outer outers[] = {
		{ "aom", AOT, 4, 4, 0 }, { "hom", HOT, 4, 4, 0 },
	};
	const enum conf_fx_table h = FX_O2;
	const struct conf_step fill[] = {
		GET(O, 0), GET(h, 7), PUT(O, 0, A, BPF_ANY),
		PUT(O, 1, B, BPF_ANY), PUT(O, 2, A, BPF_ANY),
		PUT(h, 7, B, BPF_ANY),
	};
	const struct conf_step look[] = {
		HOLDS(O, 0, A), HOLDS(O, 1, B), HOLDS(O, 2, A), HOLDS(h, 7, B),
		GET(h, 0),
		/* Still the inner table's ID once its handle is closed. */
		CLOSE(A),
	};
	const struct conf_step after[] = {
		HOLDS(O, 2, A), WALK(O), WALK(h),
	};
	struct conf_fixture f;

	CONF_BEGIN("lookup_ids");
	if (!conf_fixture(&f, outers, RTE_DIM(outers)))
		return conf_end();
	conf_run_steps(&f, fill, RTE_DIM(fill));
	check_ids(&f.pair[O], 0, &f.pair[A]);
	check_ids(&f.pair[h], 7, &f.pair[B]);
	conf_run_steps(&f, look, RTE_DIM(look));
	check_ids(&f.pair[O], 0, &f.pair[A]);
	conf_run_steps(&f, after, RTE_DIM(after));
	return conf_end();
}

/* ---- delete ----------------------------------------------------------------------- */

static int
conf_delete_aom(void)
{
	static const struct conf_step steps[] = {
		DEL(O, 0), DEL(O, 4), PUT(O, 0, A, BPF_ANY),
		PUT(O, 3, B, BPF_ANY), DEL(O, 0), HOLDS(O, 0, NONE), DEL(O, 0),
		HOLDS(O, 3, B), WALK(O), DEL(O, 3), WALK(O),
	};

	return conf_script("delete_aom", aom, 1, steps, RTE_DIM(steps));
}

static int
conf_delete_hom(void)
{
	static const struct conf_fx_outer outers[] = {
		{ "hom", HOT, 8, 4, 0 },
	};
	static const struct conf_step steps[] = {
		DEL(O, 1), PUT(O, 1, A, BPF_ANY), PUT(O, 2, A, BPF_ANY),
		DEL(O, 1), HOLDS(O, 1, NONE), HOLDS(O, 2, A), DEL(O, 1),
		WALK(O), DEL(O, 2), WALK(O),
	};

	return conf_script("delete_hom", outers, RTE_DIM(outers), steps,
			   RTE_DIM(steps));
}

/* ---- get_next_key --------------------------------------------------------------------- */

static int
conf_next_key_aom(void)
{
	static const struct conf_fx_outer outers[] = {
		{ "aom", AOT, 4, 4, 0 }, { "aom1", AOT, 4, 1, 0 },
	};
	const enum conf_fx_table o1 = FX_O2;
	const struct conf_step steps[] = {
		/* array_map_get_next_key(): every index, occupied or not. */
		FIRST(O), NEXT(O, 0), PUT(O, 1, A, BPF_ANY),
		PUT(O, 3, B, BPF_ANY), NEXT(O, 1), NEXT(O, 2), NEXT(O, 3),
		NEXT(O, 4), NEXT(O, UINT32_MAX), WALK(O),
		FIRST(o1), NEXT(o1, 0), NEXT(o1, 1),
	};

	return conf_script("next_key_aom", outers, RTE_DIM(outers), steps,
			   RTE_DIM(steps));
}

static int
conf_next_key_hom(void)
{
	static const struct conf_fx_outer outers[] = {
		{ "hom", HOT, 4, 8, 0 }, { "hom8", HOT, 8, 8, 0 },
	};
	const enum conf_fx_table o8 = FX_O2;
	const uint64_t w = 0x1122334455667788ULL;
	const struct conf_step steps[] = {
		/* htab_map_get_next_key(): an absent key restarts the walk. */
		FIRST(O), NEXT(O, 1), PUT(O, 5, A, BPF_ANY), FIRST(O),
		NEXT(O, 5), NEXT(O, 1), PUT(O, 6, B, BPF_ANY),
		PUT(O, 9, A, BPF_ANY), FIRST(O), NEXT(O, 1), NEXT(O, 5),
		NEXT(O, 6), NEXT(O, 9), WALK(O),
		PUT(o8, w, A, BPF_ANY), FIRST(o8), NEXT(o8, w), WALK(o8),
	};

	return conf_script("next_key_hom", outers, RTE_DIM(outers), steps,
			   RTE_DIM(steps));
}

const struct autotest_case conf_outer_cases[] = {
	TEST_CASE(conf_update_flags_aom),
	TEST_CASE(conf_update_flags_hom),
	TEST_CASE(conf_update_order_aom),
	TEST_CASE(conf_update_order_hom),
	TEST_CASE(conf_update_replace_after_delete_hom),
	TEST_CASE(conf_index_limits_aom),
	TEST_CASE(conf_capacity_hom),
	TEST_CASE(conf_lookup_ids),
	TEST_CASE(conf_delete_aom),
	TEST_CASE(conf_delete_hom),
	TEST_CASE(conf_next_key_aom),
	TEST_CASE(conf_next_key_hom),
	TEST_CASES_END(),
};
