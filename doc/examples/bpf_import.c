/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Tables from the map declarations of a BPF object (guide: btf.rst).
 * The object is vrfs.bpf.c, built by meson with clang; its path comes in
 * MIM_DOC_BPF_OBJ (the program exits with 77, skipped, without it).
 *
 *   MIM_DOC_BPF_OBJ=build/doc/examples/vrfs.bpf.o \
 *   doc-bpf_import --no-huge --no-pci -m 512 --no-shconf -l 0
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

#include <mim.h>

#include "check.h"

#define MAX_MAPS 8

static const struct mim_bpf_map *
by_name(const struct mim_bpf_map *maps, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(maps[i].name, name) == 0)
			return &maps[i];
	fprintf(stderr, "no map '%s' in the object\n", name);
	exit(1);
}

int
main(int argc, char **argv)
{
	const char *path = getenv("MIM_DOC_BPF_OBJ");
	struct mim_table_info info;
	mim_id_t vrfs, blue;
	int n, i;

	if (rte_eal_init(argc, argv) < 0)
		return 1;
	if (path == NULL) {
		printf("bpf_import: MIM_DOC_BPF_OBJ is not set (no clang at build time): skipped\n");
		rte_eal_cleanup();
		return 77;
	}

	/* [import] */
	struct mim_bpf_map maps[MAX_MAPS];
	MIM_OPTS(mim_bpf_import_opts, o, .name_prefix = "xdp.");

	/* One entry per map of the object, in its order: a table, on which
	 * the caller now holds a handle, or the reason it was skipped.
	 */
	n = CHECK(mim_bpf_import(path, &o, maps, MAX_MAPS));
	for (i = 0; i < n; i++)
		if (maps[i].id > 0)
			printf("%-10s table %d ('xdp.%s')\n", maps[i].name,
			       maps[i].id, maps[i].name);
		else
			printf("%-10s skipped: %s\n", maps[i].name,
			       maps[i].reason);

	/* The outer map: its template is the __array() declaration, its
	 * static slots hold the tables made for vrf_blue and vrf_green.
	 */
	vrfs = CHECK(mim_find("xdp.vrfs"));
	blue = by_name(maps, n, "vrf_blue")->id;
	CHECK(mim_get_info(vrfs, &info));
	ASSERT(info.type == MIM_TYPE_ARRAY_OF_TABLES && info.nb_entries == 2);
	ASSERT(info.inner.type == MIM_TYPE_LPM &&
	       info.inner.btf_key_type_id != 0);      /* struct lpm_key */
	ASSERT(by_name(maps, n, "drops")->id == -ENOTSUP);
	/* [import end] */

	/* [use] */
	/* The imported tables are ordinary tables: a route in vrf_blue,
	 * found through slot 10 of vrfs.
	 */
	struct mim_lpm_key route = { 8, RTE_BE32(0x0a000000) };   /* 10/8 */
	struct mim_lpm_key dst = { 32, RTE_BE32(0x0a010203) };    /* 10.1.2.3 */
	uint32_t nh = 7, vrf = 10;
	const struct mim_table *inner;
	mim_id_t got;

	CHECK(mim_update_elem_sz(blue, &route, sizeof(route), &nh, sizeof(nh),
				 MIM_ANY));
	CHECK(mim_lookup_elem_sz(vrfs, &vrf, sizeof(vrf), &got, sizeof(got)));
	ASSERT(got == blue);
	inner = mim_lookup(mim_table(vrfs), &vrf);
	ASSERT(inner == mim_table(blue));
	ASSERT(*(uint32_t *)mim_lookup(inner, &dst) == 7);
	/* [use end] */

	for (i = 0; i < n; i++)
		if (maps[i].id > 0)
			CHECK(mim_close(maps[i].id));
	mim_reclaim();
	ASSERT(mim_get_next_id(0, &(uint32_t){0}) == -ENOENT);
	printf("bpf_import: ok\n");
	rte_eal_cleanup();
	return 0;
}
