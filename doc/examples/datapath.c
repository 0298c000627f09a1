/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The data path (guide: datapath.rst): one key, a bulk of keys in one
 * table, and the two-level bulk lookup a forwarding loop uses.
 *
 *   doc-datapath --no-huge --no-pci -m 512 --no-shconf -l 0
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include <mim.h>

#include "check.h"

#define TENANTS 4
#define BURST 32

/* [burst] */
/* Look up a burst of any size: bulk calls take 1 to 64 keys. */
static unsigned int
lookup_burst(const struct mim_table *outer, const void *tenants[],
	     const void *dsts[], unsigned int n, void *values[],
	     uint64_t unknown[])
{
	unsigned int i, hits = 0;

	for (i = 0; i < n; i += MIM_LOOKUP_BULK_MAX) {
		unsigned int k = RTE_MIN(n - i, (unsigned int)MIM_LOOKUP_BULK_MAX);

		hits += mim_lookup_nested_bulk(outer, &tenants[i], &dsts[i], k,
					       &values[i], &unknown[i / 64]);
	}
	return hits;
}
/* [burst end] */

int
main(int argc, char **argv)
{
	uint32_t tenant[BURST], key[BURST], t, k;
	const void *tk[BURST], *kk[BURST];
	void *val[BURST];
	uint64_t unknown[1];
	mim_id_t tmpl, outer, inner[TENANTS];
	unsigned int i, hits;

	if (rte_eal_init(argc, argv) < 0)
		return 1;

	/* Tenants 0..3 each have a hash table: key k holds t * 1000 + k. */
	tmpl = CHECK(mim_create(MIM_TYPE_HASH, NULL, 4, 4, 64, NULL));
	MIM_OPTS(mim_create_opts, o, .inner_id = tmpl);
	outer = CHECK(mim_create(MIM_TYPE_HASH_OF_TABLES, "tenants", 4, 4, 64,
				 &o));
	CHECK(mim_close(tmpl));
	for (t = 0; t < TENANTS; t++) {
		inner[t] = CHECK(mim_create(MIM_TYPE_HASH, NULL, 4, 4, 64, NULL));
		for (k = 0; k < 16; k++) {
			uint32_t v = t * 1000 + k;

			CHECK(mim_update_elem_sz(inner[t], &k, sizeof(k), &v,
						 sizeof(v), MIM_ANY));
		}
		CHECK(mim_update_elem_sz(outer, &t, sizeof(t), &inner[t],
					 sizeof(inner[t]), MIM_ANY));
		CHECK(mim_close(inner[t]));
	}

	/* [single] */
	const struct mim_table *tenants = mim_table(outer);
	uint32_t tn = 2, dst = 5;
	const struct mim_table *vrf = mim_lookup(tenants, &tn);
	const uint32_t *v = vrf != NULL ? mim_lookup(vrf, &dst) : NULL;
	/* [single end] */
	ASSERT(v != NULL && *v == 2005);

	/* [bulk] */
	for (i = 0; i < BURST; i++) {
		key[i] = i;            /* keys 16..31 are absent */
		kk[i] = &key[i];
	}
	hits = mim_lookup_bulk(vrf, kk, BURST, val);
	/* val[i] is what mim_lookup(vrf, kk[i]) returns: NULL on a miss. */
	/* [bulk end] */
	ASSERT(hits == 16);
	for (i = 0; i < BURST; i++)
		ASSERT(i < 16 ? *(uint32_t *)val[i] == 2000 + i : val[i] == NULL);

	/* [nested] */
	/* A burst of (tenant, key): tenant 5 does not exist. */
	for (i = 0; i < BURST; i++) {
		tenant[i] = i % 6;
		key[i] = i % 16;
		tk[i] = &tenant[i];
		kk[i] = &key[i];
	}
	hits = lookup_burst(tenants, tk, kk, BURST, val, unknown);
	/* unknown[0] has bit i set where tenant[i] found no inner table. */
	/* [nested end] */
	for (i = 0; i < BURST; i++) {
		bool known = tenant[i] < TENANTS;

		ASSERT(!!(unknown[0] & (UINT64_C(1) << i)) == !known);
		ASSERT(known ? *(uint32_t *)val[i] == tenant[i] * 1000 + key[i] :
		       val[i] == NULL);
		hits -= known;
	}
	ASSERT(hits == 0);

	CHECK(mim_close(outer));
	ASSERT(mim_get_next_id(0, &(uint32_t){0}) == -ENOENT);
	printf("datapath: ok\n");
	rte_eal_cleanup();
	return 0;
}
