/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Bring your own tables (guide: adopt.rst): an application's per-tenant
 * rte_hash adopted and nested in a hash of tables, looked up through it,
 * refused when its parameters differ from the template, and handed back
 * through the release callback once no reader holds it.
 *
 *   doc-adopt --no-huge --no-pci -m 512 --no-shconf -l 0
 */

#include <errno.h>
#include <stdint.h>

#include <rte_hash.h>

#include <mim.h>

#include "check.h"

struct flow {
	uint64_t pkts;
};

static struct flow flows[2][4];
static unsigned int nb_freed;

/* [adopt release] */
/* After the grace period: the table is the application's again. */
static void
tenant_release(void *table, void *arg)
{
	RTE_SET_USED(arg);
	rte_hash_free(table);
	nb_freed++;
}
/* [adopt release end] */

static struct rte_hash *
tenant_hash(struct rte_hash_parameters *p, const char *name,
	    uint32_t key_len)
{
	*p = (struct rte_hash_parameters){
		.name = name,
		.entries = 1024,
		.key_len = key_len,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	return rte_hash_create(p);
}

int
main(int argc, char **argv)
{
	struct rte_hash_parameters p0, p1, p2;
	struct rte_hash *h0, *h1, *h2;
	uint32_t i;

	if (rte_eal_init(argc, argv) < 0)
		return 1;

	h0 = tenant_hash(&p0, "vni100", 8);
	h1 = tenant_hash(&p1, "vni200", 8);
	h2 = tenant_hash(&p2, "vni300", 4);
	ASSERT(h0 != NULL && h1 != NULL && h2 != NULL);
	for (i = 0; i < 4; i++) {
		uint64_t k = 1000 + i;

		CHECK(rte_hash_add_key_data(h0, &k, &flows[0][i]));
		CHECK(rte_hash_add_key_data(h1, &k, &flows[1][i]));
	}

	/* [adopt] */
	MIM_OPTS(mim_adopt_rte_hash_opts, o, .params = &p0,
		 .value_size = sizeof(struct flow), .release = tenant_release);
	mim_id_t t0 = CHECK(mim_adopt_rte_hash("vni100", h0, &o));

	o.params = &p1;
	mim_id_t t1 = CHECK(mim_adopt_rte_hash("vni200", h1, &o));

	/* The first adopted table is the template of the outer table. */
	MIM_OPTS(mim_create_opts, co, .inner_id = t0);
	mim_id_t vnis = CHECK(mim_create(MIM_TYPE_HASH_OF_TABLES, "vnis", 4, 4,
					 64, &co));
	uint32_t vni = 100;

	CHECK(mim_update_elem_sz(vnis, &vni, sizeof(vni), &t0, sizeof(t0),
				 MIM_ANY));
	vni = 200;
	CHECK(mim_update_elem_sz(vnis, &vni, sizeof(vni), &t1, sizeof(t1),
				 MIM_ANY));
	/* [adopt end] */

	/* [adopt lookup] */
	uint32_t okeys[3] = { 100, 200, 300 };
	uint64_t ikeys[3] = { 1001, 1003, 1001 };
	const void *ok[3] = { &okeys[0], &okeys[1], &okeys[2] };
	const void *ik[3] = { &ikeys[0], &ikeys[1], &ikeys[2] };
	void *vals[3];
	uint64_t miss;

	/* One rte_hash_lookup_bulk_data() per tenant of the burst. */
	ASSERT(mim_lookup_nested_bulk(mim_table(vnis), ok, ik, 3, vals,
				      &miss) == 2);
	ASSERT(vals[0] == &flows[0][1] && vals[1] == &flows[1][3]);
	ASSERT(vals[2] == NULL && miss == 4);   /* no tenant 300 */
	/* [adopt lookup end] */

	/* [adopt refused] */
	o.params = &p2;
	mim_id_t t2 = CHECK(mim_adopt_rte_hash("vni300", h2, &o));

	vni = 300;
	EXPECT(mim_update_elem_sz(vnis, &vni, sizeof(vni), &t2, sizeof(t2),
				  MIM_ANY), -EINVAL,
	       "inner table 'vni300' (id %d): key_size (rte_hash key_len) 4 != template key_size 8",
	       t2);
	EXPECT(mim_delete_elem(t0, &ikeys[0]), -EOPNOTSUPP,
	       "table 'vni100' (id %d) is an adopted rte_hash: the application owns its contents and changes them with rte_hash_add_key_data() and rte_hash_del_key()",
	       t0);
	/* [adopt refused end] */

	/* [adopt close] */
	CHECK(mim_close(t0));
	CHECK(mim_close(t1));
	CHECK(mim_close(t2));
	ASSERT(nb_freed == 1);  /* vni300: no reader attached, no slot */
	CHECK(mim_close(vnis));
	mim_reclaim();
	ASSERT(nb_freed == 3);
	/* [adopt close end] */

	rte_eal_cleanup();
	return 0;
}
