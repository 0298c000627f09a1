/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The secondary side of the multi-process suite: mim-test started by the
 * "mp" suite with --proc-type=secondary runs this suite, whose one case
 * runs the child function MIM_MP_CASE names.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>
#include <mim_dp_write.h>
#include <mim_mp.h>

#include "autotest.h"
#include "mp_script.h"
#include "mp_util.h"

/* Stats larger than a request carries. */
static struct {
	struct mim_mp_stats s;
	uint8_t tail[8192];
} big_mp;
static struct {
	struct mim_lru_stats s;
	uint8_t tail[8192];
} big_lru;

/* The child attached to the primary's memory as a secondary. */
static int
child_attach(const char *arg)
{
	uint32_t next;

	(void)arg;
	TEST_ASSERT(rte_eal_process_type() == RTE_PROC_SECONDARY,
		    "not a secondary process");
	/* Answered by the primary (not -ENOTCONN), which has no table. */
	TEST_ASSERT_ERR(mim_find("nothing"), ENOENT, "no table named 'nothing'");
	TEST_ASSERT_ERR(mim_get_next_id(0, &next), ENOENT, "no table id above 0");
	/* What only the primary may do. */
	TEST_ASSERT_ERR(mim_rcu_qsbr_add((struct rte_rcu_qsbr *)&next), ENOTSUP,
			"not available in a secondary process");
	TEST_ASSERT_ERR(mim_rcu_configure(NULL), ENOTSUP, "mim_rcu_configure");
	TEST_ASSERT_ERR(mim_mp_peers_check(), ENOTSUP, "");
	TEST_ASSERT_ERR(mim_mp_init(), ENOTSUP, "");
	TEST_ASSERT_ERR(mim_bpf_import("/nonexistent", NULL, NULL, 0), ENOTSUP, "");
	big_mp.s.sz = sizeof(big_mp);
	TEST_ASSERT_ERR(mim_mp_get_stats(&big_mp.s), E2BIG, "sends at most");
	big_lru.s.sz = sizeof(big_lru);
	TEST_ASSERT_ERR(mim_get_lru_stats(1, &big_lru.s), E2BIG, "sends at most");
	return 0;
}

/* Says it is ready in the file arg, then waits to be killed. */
static int
child_idle(const char *arg)
{
	FILE *f = fopen(arg, "w");

	TEST_ASSERT(f != NULL, "cannot write %s", arg);
	fclose(f);
	for (;;)
		pause();
	return 0;
}

/* Waits until the file p exists (10 s at most). */
static int
child_wait_file(const char *p)
{
	int i;

	for (i = 0; i < 2000 && access(p, F_OK) != 0; i++)
		rte_delay_ms(5);
	return i < 2000 ? 0 : -1;
}

/*
 * arg "ready go": holds a handle on table "uninit_t", says so in the
 * file ready, and once the file go exists (the primary has called
 * mim_mp_uninit()) finds its calls refused at once, with a reason.
 */
static int
child_uninit(const char *arg)
{
	char ready[512], go[512];
	uint32_t k = 0, v;
	uint64_t t0;
	FILE *f;
	int id;

	TEST_ASSERT(arg != NULL && sscanf(arg, "%511s %511s", ready, go) == 2,
		    "arg: ready go");
	id = mim_find("uninit_t");
	TEST_ASSERT_OK(id);
	TEST_ASSERT_EQUAL(mim_get_by_id(id), id, "%s", mim_last_error());
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, &v));
	f = fopen(ready, "w");
	TEST_ASSERT(f != NULL, "cannot write %s", ready);
	fclose(f);
	TEST_ASSERT_OK(child_wait_file(go));
	t0 = rte_get_timer_cycles();
	TEST_ASSERT_ERR(mim_lookup_elem(id, &k, &v), ESHUTDOWN,
			"no longer serves secondary processes");
	TEST_ASSERT_ERR(mim_close(id), ESHUTDOWN, "mim_mp_uninit()");
	/* Answered by the primary's IPC thread, not by a timeout. */
	TEST_ASSERT(rte_get_timer_cycles() - t0 < 10 * rte_get_timer_hz(),
		    "the refusals took %" PRIu64 " ms",
		    (rte_get_timer_cycles() - t0) * 1000 / rte_get_timer_hz());
	return 0;
}

/*
 * arg: the ID of a #MIM_F_DP_WRITE hash of the primary holding keys
 * 0..199 (4-byte keys and values): this secondary reads them through
 * the data path on the shared table, and its data-path writes are
 * refused (the writer state is the primary's process memory).
 */
static int
child_dp_write(const char *arg)
{
	int id = arg != NULL ? atoi(arg) : 0, res[1];
	const void *keys[1], *vals[1];
	const uint32_t *got;
	struct mim_table *t;
	uint32_t k, v = 1;

	TEST_ASSERT_EQUAL(mim_get_by_id(id), id, "%s", mim_last_error());
	t = mim_table(id);
	TEST_ASSERT(t != NULL, "mim_table: %s", mim_last_error());
	for (k = 0; k < 200; k++) {
		got = mim_lookup(t, &k);
		TEST_ASSERT(got != NULL && *got == k * 3 + 1, "key %u", k);
	}
	k = 500;
	keys[0] = &k;
	vals[0] = &v;
	TEST_ASSERT_ERR(mim_dp_update(t, &k, &v, MIM_ANY), ENOTSUP,
			"mim_dp_update is not available in a secondary");
	TEST_ASSERT_ERR(mim_dp_delete(t, &k), ENOTSUP, "mim_dp_delete");
	TEST_ASSERT_ERR(mim_dp_update_bulk(t, keys, vals, 1, MIM_ANY, res),
			ENOTSUP, "mim_dp_update_bulk");
	TEST_ASSERT_OK(mim_close(id));
	return 0;
}

/* A script's transcript, to the file arg. */
static int
child_script(const char *arg, void (*script)(FILE *f))
{
	FILE *f = arg != NULL ? fopen(arg, "w") : NULL;

	TEST_ASSERT(f != NULL, "cannot write %s", arg != NULL ? arg : "(null)");
	script(f);
	fclose(f);
	return 0;
}

static int
child_reads(const char *arg)
{
	return child_script(arg, mp_script_reads);
}

static int
child_writes(const char *arg)
{
	return child_script(arg, mp_script_writes);
}

/* Started before the primary made any table: sees none, then "late". */
static int
child_early(const char *arg)
{
	uint64_t end = rte_get_timer_cycles() + 20 * rte_get_timer_hz();
	uint32_t next, k = 0, v = 0;
	FILE *f;
	int id;

	TEST_ASSERT_ERR(mim_find("late"), ENOENT, "no table named 'late'");
	TEST_ASSERT_ERR(mim_get_next_id(0, &next), ENOENT, "no table id above 0");
	/* Tell the primary it may create the table now. */
	f = fopen(arg, "w");
	TEST_ASSERT(f != NULL, "cannot write %s", arg);
	fclose(f);
	while ((id = mim_find("late")) < 0 && rte_get_timer_cycles() < end)
		rte_delay_ms(5);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, &v));
	TEST_ASSERT_EQUAL(v, 4242, "the primary's value");
	return 0;
}

/* The reader: what the data path finds through the outer table. */
struct rd {
	struct rte_rcu_qsbr *v;
	const struct mim_table *outer;
	unsigned int tid;
	uint64_t bad, lookups, gens;
	uint64_t seconds;
	int hold;       /* 1: stay online, never quiescent, until killed */
};

#define RD_KEYS 16

/* A value of generation g at key k, as the primary writes it. */
static uint64_t
rd_check(uint64_t g, uint32_t k)
{
	return g * 1000003ULL + k * 7919ULL + 1;
}

static int
rd_loop(void *arg)
{
	struct rd *r = arg;
	uint64_t end = rte_get_timer_cycles() + r->seconds * rte_get_timer_hz();
	uint64_t last = UINT64_MAX;
	uint32_t zero = 0, k;

	rte_rcu_qsbr_thread_register(r->v, r->tid);
	rte_rcu_qsbr_thread_online(r->v, r->tid);
	while (rte_get_timer_cycles() < end && (r->hold || r->gens < 50)) {
		const struct mim_table *in = mim_lookup(r->outer, &zero);
		uint64_t g = UINT64_MAX;

		for (k = 0; in != NULL && k < RD_KEYS; k++) {
			const uint64_t *val = mim_lookup(in, &k);

			r->lookups++;
			if (val == NULL || val[1] != rd_check(val[0], k) ||
			    (g != UINT64_MAX && val[0] != g)) {
				r->bad++;
				continue;
			}
			g = val[0];
		}
		if (g != UINT64_MAX && g != last) {
			r->gens++;
			last = g;
		}
		if (!r->hold)
			rte_rcu_qsbr_quiescent(r->v, r->tid);
	}
	rte_rcu_qsbr_thread_offline(r->v, r->tid);
	rte_rcu_qsbr_thread_unregister(r->v, r->tid);
	return 0;
}

/*
 * A reader on a worker lcore of this secondary, on the primary's QSBR
 * variable 0 and outer table "rd_outer": every value it finds must be
 * whole. arg "hold": it stays online without a quiescent state until the
 * primary kills the process (it writes "ready" to MIM_MP_READY first).
 */
static int
child_reader(const char *arg)
{
	struct rd r = { .tid = 1, .seconds = 20 };
	unsigned int lcore = rte_get_next_lcore(-1, 1, 0);
	const char *ready = getenv("MIM_MP_READY");
	int outer;

	r.hold = arg != NULL && strcmp(arg, "hold") == 0;
	TEST_ASSERT(lcore < RTE_MAX_LCORE, "no worker lcore");
	TEST_ASSERT_OK(mim_mp_rcu_qsbr_get(0, &r.v));
	TEST_ASSERT_ERR(mim_mp_rcu_qsbr_get(5, &r.v), ENOENT, "no QSBR variable");
	TEST_ASSERT_OK(mim_mp_rcu_qsbr_get(0, &r.v));
	TEST_ASSERT_OK(mim_mp_reader_claim(r.v, r.tid));
	TEST_ASSERT_ERR(mim_mp_reader_claim(r.v, r.tid), EEXIST, "already");
	TEST_ASSERT_ERR(mim_mp_reader_claim(r.v, 100000), EINVAL, "max_threads");
	outer = mim_find("rd_outer");
	TEST_ASSERT_OK(outer);
	/* The handle keeps the outer table, and so its pointer, valid. */
	TEST_ASSERT_OK(mim_get_by_id(outer));
	r.outer = mim_table(outer);
	TEST_ASSERT(r.outer != NULL, "mim_table: %s", mim_last_error());
	TEST_ASSERT_OK(rte_eal_remote_launch(rd_loop, &r, lcore));
	if (r.hold && ready != NULL) {
		FILE *f;

		rte_delay_ms(200);
		f = fopen(ready, "w");
		TEST_ASSERT(f != NULL, "cannot write %s", ready);
		fclose(f);
	}
	rte_eal_wait_lcore(lcore);
	printf("    reader: %" PRIu64 " lookups, %" PRIu64 " generations, %" PRIu64 " bad\n",
	       r.lookups, r.gens, r.bad);
	TEST_ASSERT_OK(mim_mp_reader_unclaim(r.v, r.tid));
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_EQUAL(r.bad, 0, "values not whole");
	TEST_ASSERT(r.gens >= 2, "the primary replaced no table (%" PRIu64 ")",
		    r.gens);
	return 0;
}

/* arg "id outer": the adopted rte_hash and an outer table of them. */
static int
child_adopted(const char *arg)
{
	struct mim_table_info info;
	uint64_t key = 5, val = 0;
	int id, outer;

	TEST_ASSERT(arg != NULL && sscanf(arg, "%d %d", &id, &outer) == 2,
		    "bad arg");
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.type, MIM_TYPE_RTE_HASH, "type");
	TEST_ASSERT_OK(mim_lookup_elem(id, &key, &val));
	TEST_ASSERT_EQUAL(val, 77, "the value, through the primary");
	TEST_ASSERT(mim_table(id) == NULL && rte_errno == ENOTSUP,
		    "a data-path handle on an adopted rte_hash");
	TEST_ASSERT(strstr(mim_last_error(), "adopted rte_hash") != NULL,
		    "reason: %s", mim_last_error());
	TEST_ASSERT(mim_table(outer) == NULL && rte_errno == ENOTSUP,
		    "a data-path handle on an outer table of them");
	TEST_ASSERT_ERR(mim_adopt_rte_hash("x", NULL, NULL), ENOTSUP,
			"not available in a secondary process");
	TEST_ASSERT_ERR(mim_adopt_rte_lpm("x", NULL, NULL), ENOTSUP,
			"not available in a secondary process");
	return 0;
}

int mp_child_hostile(const char *arg);
int mp_child_batch(const char *arg);
int mp_child_fault(const char *arg);
int mp_child_fault_op(const char *arg);

/* The cost of one forwarded lookup (arg: the array's ID). */
static int
child_lookup_cost(const char *arg)
{
	double us;

	mp_lookup_median_us(atoi(arg), 100);   /* warm: sizes, buffer */
	us = mp_lookup_median_us(atoi(arg), 1000);
	TEST_ASSERT(us >= 0, "a lookup failed: %s", mim_last_error());
	printf("    secondary: mim_lookup_elem median %.2f us (1000 calls)\n", us);
	return 0;
}

static const struct mp_child_case child_cases[] = {
	{ "hostile", mp_child_hostile },
	{ "batch", mp_child_batch },
	{ "adopted", child_adopted },
	{ "fault", mp_child_fault },
	{ "fault_op", mp_child_fault_op },
	{ "lookup_cost", child_lookup_cost },
	{ "attach", child_attach },
	{ "idle", child_idle },
	{ "reads", child_reads },
	{ "writes", child_writes },
	{ "early", child_early },
	{ "reader", child_reader },
	{ "uninit", child_uninit },
	{ "dp_write", child_dp_write },
	{ NULL, NULL },
};

static int
test_mp_child(void)
{
	const char *name = getenv("MIM_MP_CASE");
	const struct mp_child_case *c;

	/* A child the primary forgot must not outlive the test run. */
	alarm(120);
	TEST_ASSERT(name != NULL, "MIM_MP_CASE is not set");
	for (c = child_cases; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c->fn(getenv("MIM_MP_ARG")) == 0 ?
				TEST_SUCCESS : TEST_FAILED;
	printf("    no child case '%s'\n", name);
	return TEST_FAILED;
}

static const struct autotest_case mp_child_cases[] = {
	TEST_CASE(test_mp_child),
	TEST_CASES_END(),
};

/* The shared heap is the primary's: no leak check here. */
static struct autotest_suite mp_child_suite = {
	.name = "mp_child",
	.help = "the secondary process of the mp suite (started by it)",
	.no_leak_check = 1,
	.cases = mp_child_cases,
};

REGISTER_AUTOTEST(mp_child_suite);
