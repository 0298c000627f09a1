/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Writes through the value pointer a lookup returned (mim_datapath.h says
 * what each type allows): per-flow counters bumped by a reader lcore with
 * atomics are what mim_lookup_elem() reads back once the reader is done
 * (ARRAY, HASH preallocated and not, short and long keys); after
 * mim_update_elem(), an ARRAY pointer still names the value, while a HASH
 * pointer names the old object, whose writes are lost.
 */

#include <stdbool.h>

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>
#include <mim_datapath.h>

#include "autotest.h"
#include "autotest_util.h"

/* A per-flow value, as a BPF program would keep it. */
struct flow_ctr {
	uint64_t pkts;
	uint64_t bytes;
};

/* The tables written through, one per row; key 3 is counted, key 5 not. */
static const struct value_row {
	const char *what;
	enum mim_type type;
	uint32_t key_size;   /* above 8: the key is kept in the value object */
	uint32_t flags;
	bool update_keeps;   /* a pointer taken before an update still names it */
} rows[] = {
	{ "array", MIM_TYPE_ARRAY, 4, 0, true },
	{ "hash", MIM_TYPE_HASH, 4, 0, false },
	{ "hash, long keys", MIM_TYPE_HASH, 16, 0, false },
	{ "hash, no prealloc", MIM_TYPE_HASH, 4, MIM_F_NO_PREALLOC, false },
	{ "hash, long keys, no prealloc", MIM_TYPE_HASH, 16,
	  MIM_F_NO_PREALLOC, false },
};
#define NB_ROWS RTE_DIM(rows)
#define NB_BUMPS 100000

static void
row_key(uint32_t k, uint8_t key[16])
{
	memset(key, 0, 16);
	memcpy(key, &k, sizeof(k));
	key[15] = 0xa5;   /* long keys differ from short ones beyond 8 bytes */
}

/* A table of the row with keys 3 and 5 at zero counts. */
static int
row_table(const struct value_row *r)
{
	MIM_OPTS(mim_create_opts, o, .map_flags = r->flags);
	const struct flow_ctr zero = { 0, 0 };
	uint8_t key[16];
	int id;

	id = mim_create(r->type, NULL, r->key_size, sizeof(zero), 8, &o);
	if (id < 0)
		return id;
	row_key(3, key);
	if (mim_update_elem(id, key, &zero, MIM_ANY) != 0)
		return -1;
	row_key(5, key);
	if (mim_update_elem(id, key, &zero, MIM_ANY) != 0)
		return -1;
	return id;
}

struct bumper {
	struct rte_rcu_qsbr *v;
	const struct mim_table *t[NB_ROWS];
	uint64_t misaligned, misses;
};

/* A reader lcore: look up key 3 in every table and count one packet. */
static int
bumper_main(void *p)
{
	struct bumper *b = p;
	unsigned int id = rte_lcore_id(), i, n;
	uint8_t key[16];

	row_key(3, key);
	rte_rcu_qsbr_thread_register(b->v, id);
	rte_rcu_qsbr_thread_online(b->v, id);
	for (n = 0; n < NB_BUMPS; n++) {
		for (i = 0; i < NB_ROWS; i++) {
			struct flow_ctr *c = mim_lookup(b->t[i], key);

			if (c == NULL) {
				b->misses++;
				continue;
			}
			if ((uintptr_t)c % 8 != 0)
				b->misaligned++;
			/* Relaxed: counters, read by the control plane only
			 * after rte_eal_wait_lcore() has joined this thread.
			 */
			__atomic_fetch_add(&c->pkts, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&c->bytes, 64, __ATOMIC_RELAXED);
		}
		rte_rcu_qsbr_quiescent(b->v, id);
	}
	rte_rcu_qsbr_thread_offline(b->v, id);
	rte_rcu_qsbr_thread_unregister(b->v, id);
	return 0;
}

static int
test_counters_from_reader(void)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0), i;
	struct bumper b = { .v = autotest_qsbr(RTE_MAX_LCORE) };
	int id[NB_ROWS];
	struct flow_ctr c;
	uint8_t key[16];

	TEST_ASSERT(b.v != NULL, "");
	if (worker >= RTE_MAX_LCORE) {
		printf("    needs a worker lcore (-l 0-1)\n");
		return TEST_SKIPPED;
	}
	for (i = 0; i < NB_ROWS; i++) {
		id[i] = row_table(&rows[i]);
		TEST_ASSERT(id[i] > 0, "%s: %s", rows[i].what, mim_last_error());
		b.t[i] = mim_table(id[i]);
	}
	TEST_ASSERT_OK(rte_eal_remote_launch(bumper_main, &b, worker));
	rte_eal_wait_lcore(worker);
	TEST_ASSERT_EQUAL(b.misses, 0, "");
	TEST_ASSERT_EQUAL(b.misaligned, 0, "values start 8-byte aligned");
	for (i = 0; i < NB_ROWS; i++) {
		row_key(3, key);
		TEST_ASSERT_OK(mim_lookup_elem(id[i], key, &c));
		TEST_ASSERT(c.pkts == NB_BUMPS && c.bytes == 64ULL * NB_BUMPS,
			    "%s: %" PRIu64 " packets, %" PRIu64 " bytes",
			    rows[i].what, c.pkts, c.bytes);
		/* Within the value: the key and its neighbour intact. */
		row_key(5, key);
		TEST_ASSERT_OK(mim_lookup_elem(id[i], key, &c));
		TEST_ASSERT(c.pkts == 0 && c.bytes == 0, "%s", rows[i].what);
		TEST_ASSERT_OK(mim_close(id[i]));
	}
	return TEST_SUCCESS;
}

/* The calling thread is the reader: the pointer stays valid throughout. */
static int
test_write_after_update(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(1);
	const struct flow_ctr fresh = { 100, 6400 };
	struct flow_ctr *p, c;
	uint8_t key[16];
	unsigned int i;
	int id;

	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 0);
	row_key(3, key);
	for (i = 0; i < NB_ROWS; i++) {
		const struct value_row *r = &rows[i];

		id = row_table(r);
		TEST_ASSERT(id > 0, "%s: %s", r->what, mim_last_error());
		p = mim_lookup(mim_table(id), key);
		TEST_ASSERT(p != NULL, "");
		p->pkts = 5;
		TEST_ASSERT_OK(mim_lookup_elem(id, key, &c));
		TEST_ASSERT_EQUAL(c.pkts, 5, "%s: the write is seen", r->what);
		TEST_ASSERT_OK(mim_update_elem(id, key, &fresh, MIM_EXIST));
		TEST_ASSERT_EQUAL(p->pkts, r->update_keeps ? 100 : 5, "%s",
				  r->what);
		p->pkts++;
		TEST_ASSERT_OK(mim_lookup_elem(id, key, &c));
		TEST_ASSERT_EQUAL(c.pkts, r->update_keeps ? 101 : 100,
				  "%s: %s", r->what, r->update_keeps ?
				  "the value lives in place" :
				  "writes to the replaced object are lost");
		TEST_ASSERT_EQUAL(mim_lookup(mim_table(id), key) == p,
				  r->update_keeps, "%s", r->what);
		TEST_ASSERT_OK(mim_close(id));
		rte_rcu_qsbr_quiescent(v, 0);
		mim_reclaim();
	}
	return TEST_SUCCESS;
}

static const struct autotest_case value_writes_cases[] = {
	TEST_CASE(test_counters_from_reader),
	TEST_CASE(test_write_after_update),
	TEST_CASES_END(),
};

static struct autotest_suite value_writes_suite = {
	.name = "value_writes",
	.help = "writes through lookup pointers: ARRAY and HASH counters from a reader lcore",
	.cases = value_writes_cases,
};

REGISTER_AUTOTEST(value_writes_suite);
