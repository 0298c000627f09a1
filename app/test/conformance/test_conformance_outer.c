/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Conformance scenarios on outer tables: update flags and the order of
 * their checks, index and capacity limits, lookups returning IDs, delete,
 * get_next_key, and the lifetime of inner tables.
 *
 * Kernel functions: bpf_fd_array_map_update_elem(),
 * __fd_array_map_delete_elem(), bpf_fd_array_map_lookup_elem(),
 * array_map_get_next_key() (arraymap.c); bpf_fd_htab_map_update_elem(),
 * htab_map_update_elem() and check_flags(), htab_map_delete_elem(),
 * htab_map_get_next_key() (hashtab.c); bpf_map_fd_get_ptr(),
 * bpf_map_fd_put_ptr(), bpf_map_fd_sys_lookup_elem() (map_in_map.c);
 * bpf_map_put() and bpf_map_free_id() (syscall.c).
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

/* A template, two matching inner tables, one mismatching. */
struct fixture {
	struct conf_map t, a, b, bad;
};

static bool
fixture(struct fixture *f)
{
	return conf_create(&f->t, "tmpl", CONF_SPEC(.type = MIM_TYPE_ARRAY,
						    .key_size = 4,
						    .value_size = 8,
						    .max_entries = 2)) &&
		conf_create(&f->a, "A", CONF_SPEC(.type = MIM_TYPE_ARRAY,
						  .key_size = 4,
						  .value_size = 8,
						  .max_entries = 2)) &&
		conf_create(&f->b, "B", CONF_SPEC(.type = MIM_TYPE_ARRAY,
						  .key_size = 4,
						  .value_size = 8,
						  .max_entries = 2)) &&
		conf_create(&f->bad, "bad", CONF_SPEC(.type = MIM_TYPE_ARRAY,
						      .key_size = 4,
						      .value_size = 8,
						      .max_entries = 3));
}

static bool
outer(struct conf_map *o, const char *label, enum mim_type type,
      uint32_t key_size, uint32_t max, uint32_t flags,
      const struct conf_map *tmpl)
{
	return conf_create(o, label, CONF_SPEC(.type = type,
					       .key_size = key_size,
					       .value_size = 4,
					       .max_entries = max,
					       .flags = flags, .inner = tmpl));
}

/* Tag an inner array so that its content identifies it. */
static void
tag(struct conf_map *m, uint64_t v)
{
	uint32_t k0 = 0;

	conf_update(m, &k0, &v, BPF_ANY);
}

/* ---- update flags --------------------------------------------------------------- */

static int
conf_update_flags_aom(void)
{
	struct fixture f;
	struct conf_map o;
	uint32_t k0 = 0, k1 = 1;

	CONF_BEGIN("update_flags_aom");
	if (!fixture(&f) || !outer(&o, "aom", AOT, 4, 4, 0, &f.t))
		return conf_end();
	/* bpf_fd_array_map_update_elem(): BPF_ANY only. */
	conf_update_inner(&o, &k0, &f.a, BPF_NOEXIST);
	conf_update_inner(&o, &k0, &f.a, BPF_EXIST);
	conf_update_inner(&o, &k0, &f.a, BPF_ANY);
	conf_lookup_is(&o, &k0, &f.a);
	conf_update_inner(&o, &k0, &f.b, BPF_NOEXIST);
	conf_update_inner(&o, &k0, &f.b, BPF_EXIST);
	conf_lookup_is(&o, &k0, &f.a);
	conf_update_inner(&o, &k1, &f.b, 3);
	conf_update_inner(&o, &k1, &f.b, BPF_F_LOCK);
	conf_update_inner(&o, &k1, &f.b, 8);
	conf_lookup_is(&o, &k1, NULL);
	/* Replace. */
	conf_update_inner(&o, &k0, &f.b, BPF_ANY);
	conf_lookup_is(&o, &k0, &f.b);
	conf_walk(&o);
	return conf_end();
}

static int
conf_update_flags_hom(void)
{
	struct fixture f;
	struct conf_map o;
	uint32_t k1 = 1, k2 = 2, k3 = 3;

	CONF_BEGIN("update_flags_hom");
	if (!fixture(&f) || !outer(&o, "hom", HOT, 4, 4, 0, &f.t))
		return conf_end();
	conf_update_inner(&o, &k1, &f.a, BPF_NOEXIST);
	conf_update_inner(&o, &k1, &f.b, BPF_NOEXIST);
	conf_lookup_is(&o, &k1, &f.a);
	conf_update_inner(&o, &k2, &f.a, BPF_EXIST);
	conf_lookup_is(&o, &k2, NULL);
	conf_update_inner(&o, &k1, &f.b, BPF_EXIST);
	conf_lookup_is(&o, &k1, &f.b);
	conf_update_inner(&o, &k1, &f.a, BPF_ANY);
	conf_update_inner(&o, &k3, &f.b, BPF_ANY);
	conf_lookup_is(&o, &k1, &f.a);
	conf_lookup_is(&o, &k3, &f.b);
	conf_update_inner(&o, &k2, &f.a, 3);
	conf_update_inner(&o, &k2, &f.a, BPF_F_LOCK);
	conf_update_inner(&o, &k2, &f.a, BPF_F_LOCK | BPF_NOEXIST);
	conf_update_inner(&o, &k2, &f.a, 8);
	conf_lookup_is(&o, &k2, NULL);
	conf_walk(&o);
	return conf_end();
}

/* ---- order of the update checks -------------------------------------------------- */

/* Array of maps: flags, index, then the inner fd (bpf_map_fd_get_ptr). */
static int
conf_update_order_aom(void)
{
	struct fixture f;
	struct conf_map o, other;
	uint32_t k0 = 0, k4 = 4;

	CONF_BEGIN("update_order_aom");
	if (!fixture(&f) || !outer(&o, "aom", AOT, 4, 4, 0, &f.t) ||
	    !outer(&other, "other", HOT, 4, 4, 0, &f.t))
		return conf_end();
	conf_update_raw(&o, &k4, CONF_BAD_FD, CONF_BAD_ID, BPF_NOEXIST,
			"(bad handle), index out of range, flags BPF_NOEXIST");
	conf_update_raw(&o, &k4, CONF_BAD_FD, CONF_BAD_ID, BPF_ANY,
			"(bad handle), index out of range");
	conf_update_inner(&o, &k4, &f.bad, BPF_ANY);
	conf_update_inner(&o, &k4, &other, BPF_ANY);
	conf_update_inner(&o, &k0, &f.bad, BPF_EXIST);
	conf_update_raw(&o, &k0, CONF_BAD_FD, CONF_BAD_ID, BPF_ANY,
			"(bad handle)");
	conf_update_inner(&o, &k0, &f.bad, BPF_ANY);
	conf_update_inner(&o, &k0, &other, BPF_ANY);
	/* A failed update changes nothing. */
	conf_update_inner(&o, &k0, &f.a, BPF_ANY);
	conf_update_inner(&o, &k0, &f.bad, BPF_ANY);
	conf_update_raw(&o, &k0, CONF_BAD_FD, CONF_BAD_ID, BPF_ANY,
			"(bad handle)");
	conf_update_inner(&o, &k0, &f.b, BPF_NOEXIST);
	conf_lookup_is(&o, &k0, &f.a);
	conf_walk(&o);
	return conf_end();
}

/* Hash of maps: the inner fd first, then flags, then existence and room. */
static int
conf_update_order_hom(void)
{
	struct fixture f;
	struct conf_map o;
	uint32_t k1 = 1, k2 = 2, k9 = 9;

	CONF_BEGIN("update_order_hom");
	if (!fixture(&f) || !outer(&o, "hom", HOT, 4, 2, 0, &f.t))
		return conf_end();
	conf_update_raw(&o, &k1, CONF_BAD_FD, CONF_BAD_ID, 3,
			"(bad handle), unknown flags");
	conf_update_inner(&o, &k1, &f.bad, 3);
	/* map_update_elem() (syscall.c) rejects BPF_F_LOCK on a map without
	 * a bpf_spin_lock before the map type sees the value.
	 */
	conf_update_raw(&o, &k1, CONF_BAD_FD, CONF_BAD_ID, BPF_F_LOCK,
			"(bad handle)");
	conf_update_raw(&o, &k1, CONF_BAD_FD, CONF_BAD_ID,
			BPF_F_LOCK | BPF_EXIST, "(bad handle)");
	conf_update_inner(&o, &k1, &f.bad, BPF_F_LOCK);
	conf_update_inner(&o, &k1, &f.bad, BPF_EXIST);
	conf_update_inner(&o, &k1, &f.a, BPF_ANY);
	conf_update_raw(&o, &k1, CONF_BAD_FD, CONF_BAD_ID, BPF_NOEXIST,
			"(bad handle), key exists, BPF_NOEXIST");
	conf_update_inner(&o, &k1, &f.bad, BPF_NOEXIST);
	conf_update_inner(&o, &k2, &f.b, BPF_ANY);
	/* Full: existence is decided before room. */
	conf_update_inner(&o, &k9, &f.a, BPF_EXIST);
	conf_update_inner(&o, &k1, &f.a, BPF_NOEXIST);
	conf_update_inner(&o, &k9, &f.a, BPF_NOEXIST);
	conf_update_inner(&o, &k9, &f.a, BPF_ANY);
	conf_update_raw(&o, &k9, CONF_BAD_FD, CONF_BAD_ID, BPF_ANY,
			"(bad handle), table full");
	conf_update_inner(&o, &k9, &f.bad, BPF_ANY);
	conf_update_inner(&o, &k9, &f.a, 3);
	conf_update_inner(&o, &k1, &f.b, BPF_ANY);
	conf_lookup_is(&o, &k1, &f.b);
	conf_lookup_is(&o, &k2, &f.b);
	conf_lookup_is(&o, &k9, NULL);
	conf_walk(&o);
	return conf_end();
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
	struct fixture f;
	struct conf_map o;
	uint32_t k0 = 0, k1 = 1;

	CONF_BEGIN("update_replace_after_delete_hom");
	if (!fixture(&f) || !outer(&o, "hom", HOT, 4, 4, 0, &f.t))
		return conf_end();
	conf_update_inner(&o, &k1, &f.a, BPF_ANY);
	conf_update_inner(&o, &k0, &f.a, BPF_ANY);
	conf_delete(&o, &k1);
	conf_update_inner(&o, &k0, &f.b, BPF_ANY);
	conf_lookup_is(&o, &k0, &f.b);
	conf_walk(&o);
	conf_delete(&o, &k0);
	conf_lookup_is(&o, &k0, NULL);
	conf_walk(&o);
	/* A is held by its handle only: closing the outer table leaves it. */
	conf_close(&o);
	conf_alive(&f.a, "outer closed, A has its handle");
	return conf_end();
}

/* ---- index and capacity limits ------------------------------------------------------ */

static int
conf_index_limits_aom(void)
{
	struct fixture f;
	struct conf_map o, o1, o3;
	uint32_t k0 = 0, k1 = 1, k2 = 2, k3 = 3, k4 = 4, k5 = 5;
	uint32_t kmax = UINT32_MAX;

	CONF_BEGIN("index_limits_aom");
	if (!fixture(&f) || !outer(&o, "aom5", AOT, 4, 5, 0, &f.t) ||
	    !outer(&o1, "aom1", AOT, 4, 1, 0, &f.t) ||
	    !outer(&o3, "aom3", AOT, 4, 3, 0, &f.t))
		return conf_end();
	conf_update_inner(&o, &k4, &f.a, BPF_ANY);
	conf_update_inner(&o, &k5, &f.a, BPF_ANY);
	conf_update_inner(&o, &kmax, &f.a, BPF_ANY);
	conf_lookup_is(&o, &k4, &f.a);
	conf_lookup(&o, &k5);
	conf_lookup(&o, &kmax);
	conf_delete(&o, &k5);
	conf_delete(&o, &kmax);
	conf_update_inner(&o1, &k0, &f.b, BPF_ANY);
	conf_update_inner(&o1, &k1, &f.b, BPF_ANY);
	conf_lookup(&o1, &k1);
	/* Not a power of two: the bound is max_entries, not the mask. */
	conf_update_inner(&o3, &k2, &f.b, BPF_ANY);
	conf_update_inner(&o3, &k3, &f.b, BPF_ANY);
	conf_lookup(&o3, &k3);
	conf_delete(&o3, &k3);
	conf_walk(&o);
	conf_walk(&o1);
	conf_walk(&o3);
	return conf_end();
}

static int
conf_capacity_hom(void)
{
	static const uint32_t flags[] = { 0, BPF_F_NO_PREALLOC };
	struct fixture f;
	struct conf_map o;
	uint32_t k, i;

	CONF_BEGIN("capacity_hom");
	if (!fixture(&f))
		return conf_end();
	for (i = 0; i < RTE_DIM(flags); i++) {
		if (!outer(&o, i == 0 ? "hom3" : "hom3_np", HOT, 4, 3, flags[i],
			   &f.t))
			break;
		for (k = 10; k < 13; k++)
			conf_update_inner(&o, &k, k & 1 ? &f.a : &f.b,
					  BPF_NOEXIST);
		k = 13;
		conf_update_inner(&o, &k, &f.a, BPF_ANY);
		conf_update_inner(&o, &k, &f.a, BPF_NOEXIST);
		k = 10;
		conf_update_inner(&o, &k, &f.a, BPF_ANY);
		conf_update_inner(&o, &k, &f.b, BPF_EXIST);
		conf_lookup_is(&o, &k, &f.b);
		conf_delete(&o, &k);
		k = 13;
		conf_update_inner(&o, &k, &f.a, BPF_NOEXIST);
		k = 14;
		conf_update_inner(&o, &k, &f.a, BPF_ANY);
		conf_walk(&o);
		conf_close(&o);
		conf_unregister(&o);
	}
	if (outer(&o, "hom1", HOT, 8, 1, 0, &f.t)) {
		uint64_t a = 1, b = 2;

		conf_update_inner(&o, &a, &f.a, BPF_ANY);
		conf_update_inner(&o, &b, &f.a, BPF_ANY);
		conf_update_inner(&o, &a, &f.b, BPF_ANY);
		conf_lookup_is(&o, &a, &f.b);
		conf_walk(&o);
	}
	return conf_end();
}

/* ---- lookups ------------------------------------------------------------------------ */

/* Each side's own ID of the inner table (bpf_map_fd_sys_lookup_elem). */
static void
check_ids(struct conf_map *o, const void *key, const struct conf_map *inner)
{
	uint32_t kv = 0, mv = 0;
	char kb[64], mb[64];
	int k, m;

	k = bpf_map_lookup_elem(o->kfd, key, &kv);
	m = mim_lookup_elem(o->mid, key, &mv);
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
	struct fixture f;
	struct conf_map o, h;
	uint32_t k0 = 0, k1 = 1, k2 = 2, k7 = 7;

	CONF_BEGIN("lookup_ids");
	if (!fixture(&f) || !outer(&o, "aom", AOT, 4, 4, 0, &f.t) ||
	    !outer(&h, "hom", HOT, 4, 4, 0, &f.t))
		return conf_end();
	conf_lookup(&o, &k0);
	conf_lookup(&h, &k7);
	conf_update_inner(&o, &k0, &f.a, BPF_ANY);
	conf_update_inner(&o, &k1, &f.b, BPF_ANY);
	conf_update_inner(&o, &k2, &f.a, BPF_ANY);
	conf_update_inner(&h, &k7, &f.b, BPF_ANY);
	check_ids(&o, &k0, &f.a);
	check_ids(&h, &k7, &f.b);
	conf_lookup_is(&o, &k0, &f.a);
	conf_lookup_is(&o, &k1, &f.b);
	conf_lookup_is(&o, &k2, &f.a);
	conf_lookup_is(&h, &k7, &f.b);
	conf_lookup(&h, &k0);
	/* Still the inner table's ID once its handle is closed. */
	conf_close(&f.a);
	check_ids(&o, &k0, &f.a);
	conf_lookup_is(&o, &k2, &f.a);
	conf_walk(&o);
	conf_walk(&h);
	return conf_end();
}

/* ---- delete ----------------------------------------------------------------------- */

static int
conf_delete_aom(void)
{
	struct fixture f;
	struct conf_map o;
	uint32_t k0 = 0, k3 = 3, k4 = 4;

	CONF_BEGIN("delete_aom");
	if (!fixture(&f) || !outer(&o, "aom", AOT, 4, 4, 0, &f.t))
		return conf_end();
	conf_delete(&o, &k0);
	conf_delete(&o, &k4);
	conf_update_inner(&o, &k0, &f.a, BPF_ANY);
	conf_update_inner(&o, &k3, &f.b, BPF_ANY);
	conf_delete(&o, &k0);
	conf_lookup_is(&o, &k0, NULL);
	conf_delete(&o, &k0);
	conf_lookup_is(&o, &k3, &f.b);
	conf_walk(&o);
	conf_delete(&o, &k3);
	conf_walk(&o);
	return conf_end();
}

static int
conf_delete_hom(void)
{
	struct fixture f;
	struct conf_map o;
	uint64_t k1 = 1, k2 = 2;

	CONF_BEGIN("delete_hom");
	if (!fixture(&f) || !outer(&o, "hom", HOT, 8, 4, 0, &f.t))
		return conf_end();
	conf_delete(&o, &k1);
	conf_update_inner(&o, &k1, &f.a, BPF_ANY);
	conf_update_inner(&o, &k2, &f.a, BPF_ANY);
	conf_delete(&o, &k1);
	conf_lookup_is(&o, &k1, NULL);
	conf_lookup_is(&o, &k2, &f.a);
	conf_delete(&o, &k1);
	conf_walk(&o);
	conf_delete(&o, &k2);
	conf_walk(&o);
	return conf_end();
}

/* ---- get_next_key --------------------------------------------------------------------- */

static int
conf_next_key_aom(void)
{
	struct fixture f;
	struct conf_map o, o1;
	uint32_t k0 = 0, k1 = 1, k2 = 2, k3 = 3, k4 = 4, kmax = UINT32_MAX;

	CONF_BEGIN("next_key_aom");
	if (!fixture(&f) || !outer(&o, "aom", AOT, 4, 4, 0, &f.t) ||
	    !outer(&o1, "aom1", AOT, 4, 1, 0, &f.t))
		return conf_end();
	/* array_map_get_next_key(): every index, occupied or not. */
	conf_next_key(&o, NULL);
	conf_next_key(&o, &k0);
	conf_update_inner(&o, &k1, &f.a, BPF_ANY);
	conf_update_inner(&o, &k3, &f.b, BPF_ANY);
	conf_next_key(&o, &k1);
	conf_next_key(&o, &k2);
	conf_next_key(&o, &k3);
	conf_next_key(&o, &k4);
	conf_next_key(&o, &kmax);
	conf_walk(&o);
	conf_next_key(&o1, NULL);
	conf_next_key(&o1, &k0);
	conf_next_key(&o1, &k1);
	return conf_end();
}

static int
conf_next_key_hom(void)
{
	struct fixture f;
	struct conf_map o, o8;
	uint32_t k1 = 1, k5 = 5, k6 = 6, k9 = 9;
	uint64_t w = 0x1122334455667788ULL;

	CONF_BEGIN("next_key_hom");
	if (!fixture(&f) || !outer(&o, "hom", HOT, 4, 8, 0, &f.t) ||
	    !outer(&o8, "hom8", HOT, 8, 8, 0, &f.t))
		return conf_end();
	/* htab_map_get_next_key(): an absent key restarts the walk. */
	conf_next_key(&o, NULL);
	conf_next_key(&o, &k1);
	conf_update_inner(&o, &k5, &f.a, BPF_ANY);
	conf_next_key(&o, NULL);
	conf_next_key(&o, &k5);
	conf_next_key(&o, &k1);
	conf_update_inner(&o, &k6, &f.b, BPF_ANY);
	conf_update_inner(&o, &k9, &f.a, BPF_ANY);
	conf_next_key(&o, NULL);
	conf_next_key(&o, &k1);
	conf_next_key(&o, &k5);
	conf_next_key(&o, &k6);
	conf_next_key(&o, &k9);
	conf_walk(&o);
	conf_update_inner(&o8, &w, &f.a, BPF_ANY);
	conf_next_key(&o8, NULL);
	conf_next_key(&o8, &w);
	conf_walk(&o8);
	return conf_end();
}

/* ---- lifetime --------------------------------------------------------------------- */

/* An inner table whose handle is closed lives on in its slots. */
static int
conf_lifetime_inner_closed(void)
{
	struct fixture f;
	struct conf_map o, h;
	uint32_t k0 = 0, k1 = 1, k7 = 7;
	uint64_t v = 0xabcdef;

	CONF_BEGIN("lifetime_inner_closed");
	if (!fixture(&f) || !outer(&o, "aom", AOT, 4, 4, 0, &f.t) ||
	    !outer(&h, "hom", HOT, 4, 4, 0, &f.t))
		return conf_end();
	tag(&f.a, 0xa);
	conf_update_inner(&o, &k0, &f.a, BPF_ANY);
	conf_update_inner(&h, &k7, &f.a, BPF_ANY);
	conf_close(&f.a);
	conf_alive(&f.a, "handle closed, in two slots");
	conf_lookup_is(&o, &k0, &f.a);
	/* Still a table: reachable by ID, readable, writable. */
	conf_lookup(&f.a, &k0);
	conf_update(&f.a, &k1, &v, BPF_ANY);
	conf_lookup(&f.a, &k1);
	conf_walk(&f.a);
	conf_delete(&o, &k0);
	conf_alive(&f.a, "handle closed, in one slot");
	conf_delete(&h, &k7);
	if (conf_alive(&f.a, "handle closed, in no slot"))
		conf_fail("A is still reachable with no reference left");
	return conf_end();
}

/* One inner table in many slots of both outer types. */
static int
conf_lifetime_many_slots(void)
{
	struct fixture f;
	struct conf_map o, h;
	uint32_t k;

	CONF_BEGIN("lifetime_many_slots");
	if (!fixture(&f) || !outer(&o, "aom", AOT, 4, 4, 0, &f.t) ||
	    !outer(&h, "hom", HOT, 4, 4, 0, &f.t))
		return conf_end();
	for (k = 0; k < 4; k++)
		conf_update_inner(&o, &k, &f.a, BPF_ANY);
	for (k = 10; k < 12; k++)
		conf_update_inner(&h, &k, &f.a, BPF_ANY);
	conf_close(&f.a);
	for (k = 0; k < 3; k++) {
		conf_delete(&o, &k);
		conf_alive(&f.a, "slots remain");
	}
	k = 3;
	conf_update_inner(&o, &k, &f.b, BPF_ANY);
	conf_alive(&f.a, "replaced in the last array slot, hash slots remain");
	k = 10;
	conf_update_inner(&h, &k, &f.b, BPF_EXIST);
	conf_alive(&f.a, "one hash slot remains");
	conf_walk(&o);
	conf_walk(&h);
	k = 11;
	conf_delete(&h, &k);
	if (conf_alive(&f.a, "last slot deleted"))
		conf_fail("A is still reachable with no reference left");
	conf_alive(&f.b, "B, with its handle");
	return conf_end();
}

/* Closing an outer table drops its slots; tables held elsewhere live on. */
static int
conf_lifetime_outer_destroyed(void)
{
	struct fixture f;
	struct conf_map o, h;
	uint32_t k0 = 0, k1 = 1, k2 = 2, k5 = 5;

	CONF_BEGIN("lifetime_outer_destroyed");
	if (!fixture(&f) || !outer(&o, "aom", AOT, 4, 4, 0, &f.t) ||
	    !outer(&h, "hom", HOT, 4, 4, 0, &f.t))
		return conf_end();
	tag(&f.a, 0xa);
	tag(&f.b, 0xb);
	tag(&f.bad, 0xbad);
	/* A: handle kept. B: only in slots of o. C (= t): in o and h. */
	conf_update_inner(&o, &k0, &f.a, BPF_ANY);
	conf_update_inner(&o, &k1, &f.b, BPF_ANY);
	conf_update_inner(&o, &k2, &f.t, BPF_ANY);
	conf_update_inner(&h, &k5, &f.t, BPF_ANY);
	conf_close(&f.b);
	conf_close(&f.t);
	conf_close(&o);
	if (conf_alive(&o, "outer closed"))
		conf_fail("the outer table is still reachable");
	conf_alive(&f.a, "outer closed, A has a handle");
	if (conf_alive(&f.b, "outer closed, B was only in it"))
		conf_fail("B is still reachable after its only holder closed");
	conf_alive(&f.t, "outer closed, tmpl is still in the hash of maps");
	conf_lookup_is(&h, &k5, &f.t);
	conf_lookup(&f.a, &k0);
	conf_walk(&f.t);
	conf_close(&h);
	if (conf_alive(&f.t, "both outers closed"))
		conf_fail("tmpl is still reachable after both holders closed");
	conf_alive(&f.a, "A, with its handle");
	return conf_end();
}

/* The ID goes with the last reference: handle, slot, or both. */
static int
conf_lifetime_last_reference(void)
{
	struct fixture f;
	struct conf_map o;
	uint32_t k0 = 0;
	int k, m;

	CONF_BEGIN("lifetime_last_reference");
	if (!fixture(&f) || !outer(&o, "aom", AOT, 4, 4, 0, &f.t))
		return conf_end();
	/* Closing the last handle of a table in no slot. */
	conf_close(&f.bad);
	if (conf_alive(&f.bad, "last handle closed"))
		conf_fail("bad is still reachable");
	/* Replaced out of its only slot. */
	conf_update_inner(&o, &k0, &f.a, BPF_ANY);
	conf_close(&f.a);
	conf_update_inner(&o, &k0, &f.b, BPF_ANY);
	if (conf_alive(&f.a, "replaced out of its only slot"))
		conf_fail("A is still reachable");
	/* A handle taken again by ID keeps it alive past its slot. */
	conf_close(&f.b);
	conf_reopen(&f.b);
	conf_delete(&o, &k0);
	conf_alive(&f.b, "slot deleted, handle taken by ID");
	conf_close(&f.b);
	if (conf_alive(&f.b, "that handle closed"))
		conf_fail("B is still reachable");
	/* A dead table's ID is refused as a value too. */
	conf_update_inner(&o, &k0, &f.b, BPF_ANY);
	conf_lookup_is(&o, &k0, NULL);
	/* IDs that never named anything. */
	k = bpf_map_get_fd_by_id(0);
	m = mim_get_by_id(0);
	conf_same(k, m, "get_fd_by_id / mim_get_by_id of ID 0");
	if (k >= 0)
		close(k);
	k = bpf_map_get_fd_by_id(UINT32_MAX);
	m = mim_get_by_id(UINT32_MAX);
	conf_same(k, m, "get_fd_by_id / mim_get_by_id of ID 2^32-1");
	if (k >= 0)
		close(k);
	return conf_end();
}

/* Putting the table a slot already holds back into it. */
static int
conf_lifetime_replace(void)
{
	struct fixture f;
	struct conf_map o, h;
	uint32_t k0 = 0, k3 = 3;

	CONF_BEGIN("lifetime_replace");
	if (!fixture(&f) || !outer(&o, "aom", AOT, 4, 4, 0, &f.t) ||
	    !outer(&h, "hom", HOT, 4, 4, 0, &f.t))
		return conf_end();
	conf_update_inner(&o, &k0, &f.a, BPF_ANY);
	conf_update_inner(&h, &k3, &f.a, BPF_ANY);
	conf_close(&f.a);
	conf_update_inner(&o, &k0, &f.a, BPF_ANY);
	conf_update_inner(&h, &k3, &f.a, BPF_EXIST);
	conf_update_inner(&h, &k3, &f.a, BPF_ANY);
	conf_alive(&f.a, "put again into the slots holding it");
	conf_lookup_is(&o, &k0, &f.a);
	conf_lookup_is(&h, &k3, &f.a);
	conf_delete(&o, &k0);
	conf_alive(&f.a, "one slot left");
	conf_delete(&h, &k3);
	if (conf_alive(&f.a, "no slot left"))
		conf_fail("A is still reachable");
	return conf_end();
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
	TEST_CASE(conf_lifetime_inner_closed),
	TEST_CASE(conf_lifetime_many_slots),
	TEST_CASE(conf_lifetime_outer_destroyed),
	TEST_CASE(conf_lifetime_last_reference),
	TEST_CASE(conf_lifetime_replace),
	TEST_CASES_END(),
};
