/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * References and lifetime (guide: lifetime.rst): handles and slot
 * references, a table closed while held, a table shared by two outer
 * tables, an outer table destroyed, the ID and name gone with the last
 * reference.
 *
 *   doc-lifetime --no-huge --no-pci -m 512 --no-shconf -l 0
 */

#include <errno.h>
#include <stdint.h>

#include <mim.h>

#include "check.h"

static struct mim_table_info
info(mim_id_t id)
{
	struct mim_table_info i;

	CHECK(mim_get_info(id, &i));
	return i;
}

int
main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0)
		return 1;

	/* [lifetime] */
	mim_id_t shared = CHECK(mim_create(MIM_TYPE_HASH, "acl-common", 4, 4,
					   64, NULL));
	MIM_OPTS(mim_create_opts, o, .inner_id = shared);
	mim_id_t east = CHECK(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "east", 4,
					 4, 8, &o));
	mim_id_t west = CHECK(mim_create(MIM_TYPE_HASH_OF_TABLES, "west", 4,
					 4, 8, &o));
	uint32_t k1 = 1, k2 = 2;

	/* One table in three slots of two outer tables. */
	CHECK(mim_update_elem_sz(east, &k1, sizeof(k1), &shared,
				 sizeof(shared), MIM_ANY));
	CHECK(mim_update_elem_sz(east, &k2, sizeof(k2), &shared,
				 sizeof(shared), MIM_ANY));
	CHECK(mim_update_elem_sz(west, &k1, sizeof(k1), &shared,
				 sizeof(shared), MIM_ANY));
	ASSERT(info(shared).refcnt == 4 && info(shared).handles == 1);

	/* Closed while held: it lives on, usable through its ID... */
	CHECK(mim_close(shared));
	ASSERT(mim_find("acl-common") == shared);
	ASSERT(info(shared).refcnt == 3 && info(shared).handles == 0);
	/* ...but the handle is gone. */
	EXPECT(mim_close(shared), -EBADF,
	       "table 'acl-common' (id %d) has no handle left (it is held by outer slots only)",
	       shared);
	/* mim_get_by_id() takes a new one (bpf_map_get_fd_by_id()). */
	CHECK(mim_get_by_id(shared));
	CHECK(mim_close(shared));

	/* Destroying an outer table drops its slots' references. */
	CHECK(mim_close(east));
	ASSERT(info(shared).refcnt == 1);
	/* The last reference goes: the ID and name stop resolving now, the
	 * memory is released after a grace period.
	 */
	CHECK(mim_delete_elem_sz(west, &k1, sizeof(k1)));
	EXPECT(mim_find("acl-common"), -ENOENT, "no table named 'acl-common'");
	EXPECT(mim_get_by_id(shared), -ENOENT,
	       "no table with id %d", shared);
	/* [lifetime end] */
	CHECK(mim_close(west));

	ASSERT(mim_get_next_id(0, &(uint32_t){0}) == -ENOENT);
	printf("lifetime: ok\n");
	rte_eal_cleanup();
	return 0;
}
