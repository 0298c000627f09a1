/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * tenants: mapinmap in one page.
 *
 * An outer array of per-tenant route tables (one LPM table per VRF), a
 * reader lcore looking routes up through it, a template rejection and its
 * reason, and a tenant's table replaced while the reader runs: the old
 * table is released only after the reader reported a quiescent state.
 *
 *   tenants --no-huge --no-pci -m 1024 --no-shconf -l 0-1
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>
#include <mim_mp.h>

#define CHECK(call) do {						\
	int _r = (call);						\
	if (_r < 0) {							\
		fprintf(stderr, "%s: %s (%s)\n", #call, mim_last_error(), \
			strerror(-_r));					\
		exit(1);						\
	}								\
} while (0)

static struct mim_lpm_key
prefix(const char *dotted, uint32_t len)
{
	unsigned int a, b, c, d;
	struct mim_lpm_key k = { .prefixlen = len };

	sscanf(dotted, "%u.%u.%u.%u", &a, &b, &c, &d);
	k.addr = rte_cpu_to_be_32(a << 24 | b << 16 | c << 8 | d);
	return k;
}

/* A tenant's route table: prefix -> next hop. */
static mim_id_t
vrf(const char *name, const char *const routes[][2], unsigned int n)
{
	mim_id_t id = mim_create(MIM_TYPE_LPM, name,
				 sizeof(struct mim_lpm_key), sizeof(uint32_t),
				 1024, NULL);
	unsigned int i;

	CHECK(id);
	for (i = 0; i < n; i++) {
		char dotted[32];
		unsigned int len;
		uint32_t nh = (uint32_t)atoi(routes[i][1]);
		struct mim_lpm_key k;

		sscanf(routes[i][0], "%31[0-9.]/%u", dotted, &len);
		k = prefix(dotted, len);
		CHECK(mim_update_elem_sz(id, &k, sizeof(k), &nh, sizeof(nh),
					 MIM_ANY));
	}
	return id;
}

/*
 * Put a tenant's table into its slot of the outer table. The sizes of both
 * buffers are checked against the table's (4-byte keys and values): an ID
 * variable is an outer table's value as it is.
 */
static int
set_slot(mim_id_t vrfs, uint32_t tenant, mim_id_t id)
{
	return mim_update_elem_sz(vrfs, &tenant, sizeof(tenant), &id,
				  sizeof(id), MIM_ANY);
}

struct reader {
	struct rte_rcu_qsbr *v;
	const struct mim_table *vrfs;
	volatile bool stop;
	uint64_t lookups;
};

/* The data path: two-level bulk lookups, a quiescent state per burst. */
static int
reader_main(void *arg)
{
	struct reader *r = arg;
	unsigned int self = rte_lcore_id(), i;
	uint32_t tenant[4] = { 10, 20, 10, 20 };
	struct mim_lpm_key dst[4] = {
		prefix("10.1.2.3", 32), prefix("10.1.2.3", 32),
		prefix("192.168.7.1", 32), prefix("8.8.8.8", 32),
	};
	const void *ok[4], *ik[4];
	void *nh[4];

	for (i = 0; i < 4; i++) {
		ok[i] = &tenant[i];
		ik[i] = &dst[i];
	}
	rte_rcu_qsbr_thread_register(r->v, self);
	rte_rcu_qsbr_thread_online(r->v, self);
	while (!r->stop) {
		mim_lookup_nested_bulk(r->vrfs, ok, ik, 4, nh, NULL);
		r->lookups += 4;
		/* No table or value pointer is held past this point. */
		rte_rcu_qsbr_quiescent(r->v, self);
	}
	rte_rcu_qsbr_thread_offline(r->v, self);
	rte_rcu_qsbr_thread_unregister(r->v, self);
	return 0;
}

static void
show_routes(mim_id_t vrfs, const char *when)
{
	static const uint32_t tenants[] = { 10, 20, 30 };
	static const char *const dsts[] = { "10.1.2.3", "192.168.7.1", "8.8.8.8" };
	unsigned int t, d;

	printf("%s\n", when);
	for (t = 0; t < RTE_DIM(tenants); t++) {
		const struct mim_table *vrf = mim_lookup(mim_table(vrfs),
							 &tenants[t]);

		printf("  tenant %-3u", tenants[t]);
		for (d = 0; d < RTE_DIM(dsts); d++) {
			struct mim_lpm_key k = prefix(dsts[d], 32);
			const uint32_t *nh = vrf ? mim_lookup(vrf, &k) : NULL;

			if (vrf == NULL)
				printf("  %s -> (unknown tenant)", dsts[d]);
			else if (nh == NULL)
				printf("  %s -> (no route)", dsts[d]);
			else
				printf("  %s -> nh %u", dsts[d], *nh);
		}
		printf("\n");
	}
}

static void
show_release(const char *when)
{
	struct mim_rcu_stats rs;
	struct mim_stats st;

	mim_rcu_get_stats(&rs);
	mim_get_stats(&st);
	printf("%s: %u tables live, %u waiting for readers (%" PRIu64
	       " bytes), %" PRIu64 " released\n", when, st.nb_tables, rs.pending,
	       rs.pending_bytes, rs.nb_released);
}

int
main(int argc, char **argv)
{
	static const char *const r10[][2] = {
		{ "10.0.0.0/8", "1" }, { "10.1.0.0/16", "2" }, { "0.0.0.0/0", "9" },
	};
	static const char *const r20[][2] = {
		{ "10.0.0.0/8", "5" }, { "192.168.0.0/16", "6" },
	};
	static const char *const r10v2[][2] = {
		{ "10.1.2.0/24", "3" }, { "0.0.0.0/0", "4" },
	};
	struct reader rd = { .stop = false };
	unsigned int worker;
	mim_id_t tmpl, vrfs, t10, t20, t30, t10v2;

	if (rte_eal_init(argc, argv) < 0)
		return 1;
	worker = rte_get_next_lcore(-1, 1, 0);
	if (worker >= RTE_MAX_LCORE) {
		fprintf(stderr, "tenants: give two lcores (-l 0-1)\n");
		return 1;
	}

	/* Readers: one QSBR variable, attached before they start. */
	rd.v = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE),
			   RTE_CACHE_LINE_SIZE);
	rte_rcu_qsbr_init(rd.v, RTE_MAX_LCORE);
	CHECK(mim_rcu_qsbr_add(rd.v));

	/* The outer table copies its template from a table of the shape
	 * every tenant's table must have: LPM, u32 next hops.
	 */
	tmpl = vrf("vrf-template", NULL, 0);
	MIM_OPTS(mim_create_opts, o, .inner_id = tmpl);
	vrfs = mim_create(MIM_TYPE_ARRAY_OF_TABLES, "vrfs", 4, 4, 4096, &o);
	CHECK(vrfs);
	CHECK(mim_close(tmpl));

	t10 = vrf("vrf10", r10, RTE_DIM(r10));
	t20 = vrf("vrf20", r20, RTE_DIM(r20));
	CHECK(set_slot(vrfs, 10, t10));
	CHECK(set_slot(vrfs, 20, t20));
	/* The slots hold the tables now; the handles can go. */
	CHECK(mim_close(t10));
	CHECK(mim_close(t20));
	show_routes(vrfs, "two tenants, overlapping prefixes:");

	/* A table of the wrong shape is refused, and we are told why. */
	t30 = mim_create(MIM_TYPE_LPM, "vrf30", 8, 8, 1024, NULL);
	if (set_slot(vrfs, 30, t30) < 0)
		printf("tenant 30 refused: %s\n", mim_last_error());
	CHECK(mim_close(t30));

	/* No reader runs yet: the template and vrf30 can go now. */
	mim_reclaim();
	rd.vrfs = mim_table(vrfs);
	rte_eal_remote_launch(reader_main, &rd, worker);

	/* Replace tenant 10's whole table in one step, under traffic. */
	t10v2 = vrf("vrf10-v2", r10v2, RTE_DIM(r10v2));
	CHECK(set_slot(vrfs, 10, t10v2));
	CHECK(mim_close(t10v2));
	printf("tenant 10 replaced: 'vrf10' resolves: %s\n",
	       mim_find("vrf10") > 0 ? "yes" : "no (its last reference went)");
	show_release("after the swap");
	while (mim_reclaim() == 0)      /* the reader reports once per burst */
		rte_pause();
	show_release("after the reader's quiescent state");
	show_routes(vrfs, "tenant 10 on its new table:");

	rd.stop = true;
	rte_eal_wait_lcore(worker);
	printf("reader: %" PRIu64 " lookups\n", rd.lookups);
	CHECK(mim_close(vrfs));
	mim_reclaim();
	show_release("all closed");
	CHECK(mim_rcu_qsbr_remove(rd.v));
	rte_free(rd.v);
	mim_mp_uninit();
	rte_eal_cleanup();
	return 0;
}
