/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * LPM readers under route churn: a reader lcore, online on a QSBR
 * variable, looks up fixed addresses (single and bulk) while the writer
 * adds, replaces and deletes routes covering them, of every length class
 * (shorter than the index, in a block, host routes, the default route),
 * and adds and deletes unrelated routes so that the index is rebuilt
 * across a tier again and again. Every answer must be the value of a
 * route that may cover the address at that moment: the longest static
 * route covering it, or any version of a changing route longer than that;
 * never a torn, released or unrelated value. The pass/fail criterion
 * counts no time.
 */

#include <errno.h>

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"
#include "lpm_model.h"

#define MAGIC 0x4c504d21U
#define NB_PROBES 11
#define MAX_ROUTES 16

struct sroute {
	uint8_t addr[16];
	uint32_t plen;
	uint32_t id;       /* 1 + index */
	uint32_t ver;
	bool present;
};

struct sval {
	uint32_t magic, id, ver, check;
};

static const struct {
	uint8_t a[4];
	uint32_t plen;
	bool churn;
} v4_routes[] = {
	{ { 10, 0, 0, 0 }, 8, false },
	{ { 10, 1, 0, 0 }, 16, false },
	{ { 10, 1, 2, 0 }, 24, false },
	{ { 11, 0, 0, 0 }, 8, false },
	{ { 8, 0, 0, 0 }, 6, true },      /* shorter than the index */
	{ { 0, 0, 0, 0 }, 0, true },      /* the default route */
	{ { 10, 0, 0, 0 }, 12, true },
	{ { 10, 1, 0, 0 }, 20, true },
	{ { 10, 1, 2, 0 }, 25, true },
	{ { 10, 1, 2, 128 }, 26, true },
	{ { 10, 1, 2, 3 }, 32, true },
	{ { 10, 1, 3, 0 }, 24, true },
};

static const uint8_t v4_probes[NB_PROBES][4] = {
	{ 10, 1, 2, 3 }, { 10, 1, 2, 200 }, { 10, 1, 2, 129 },
	{ 10, 1, 3, 7 }, { 10, 1, 100, 1 }, { 10, 5, 0, 1 },
	{ 10, 200, 0, 1 }, { 9, 1, 1, 1 }, { 11, 1, 1, 1 },
	{ 12, 0, 0, 1 }, { 8, 1, 2, 3 },
};

struct churn {
	uint32_t alen;
	struct sroute r[MAX_ROUTES];
	uint32_t nr;
	uint8_t probe[NB_PROBES][LPM_KEY_MAX];
	/* Per probe: bit i set if route i's value is a right answer. */
	uint32_t allowed[NB_PROBES];
	bool null_ok[NB_PROBES];
	const struct mim_table *t;
	struct rte_rcu_qsbr *v;
	volatile bool stop;
	uint64_t checked;
	uint64_t bad;
};

/* IPv6 keeps the IPv4 layout under 2001:db8::/32 (and 2000::/3, ::/0). */
static void
route_addr(uint32_t alen, const uint8_t *a4, uint32_t plen4, uint8_t *addr,
	   uint32_t *plen)
{
	static const uint8_t pfx6[4] = { 0x20, 0x01, 0x0d, 0xb8 };

	memset(addr, 0, 16);
	if (alen == 4) {
		memcpy(addr, a4, 4);
		*plen = plen4;
		return;
	}
	memcpy(addr, pfx6, 4);
	memcpy(addr + 4, a4, 4);
	*plen = plen4 == 0 ? 0 : plen4 < 8 ? 3 : 32 + plen4;
	lpm_mask(addr, 16, *plen);
}

static void
setup(struct churn *c, uint32_t alen)
{
	uint32_t i, j, best, p;
	uint8_t addr[16];

	c->alen = alen;
	c->nr = RTE_DIM(v4_routes);
	for (i = 0; i < c->nr; i++) {
		route_addr(alen, v4_routes[i].a, v4_routes[i].plen, c->r[i].addr,
			   &c->r[i].plen);
		c->r[i].id = i + 1;
	}
	for (j = 0; j < NB_PROBES; j++) {
		route_addr(alen, v4_probes[j], 32, addr, &p);
		lpm_key(c->probe[j], addr, alen, 8 * alen);
		/* The longest static route, then longer changing ones. */
		best = UINT32_MAX;
		for (i = 0; i < c->nr; i++)
			if (!v4_routes[i].churn &&
			    lpm_covers(c->r[i].addr, c->r[i].plen, addr) &&
			    (best == UINT32_MAX || c->r[i].plen > c->r[best].plen))
				best = i;
		c->null_ok[j] = best == UINT32_MAX;
		for (i = 0; i < c->nr; i++)
			if (lpm_covers(c->r[i].addr, c->r[i].plen, addr) &&
			    (i == best || (v4_routes[i].churn &&
			     (best == UINT32_MAX ||
			      c->r[i].plen > c->r[best].plen))))
				c->allowed[j] |= 1U << i;
	}
}

static bool
answer_ok(const struct churn *c, uint32_t j, const struct sval *v)
{
	if (v == NULL)
		return c->null_ok[j];
	return v->magic == MAGIC && v->id >= 1 && v->id <= c->nr &&
		v->check == (MAGIC ^ v->id ^ (v->ver * 2654435761U)) &&
		(c->allowed[j] >> (v->id - 1) & 1);
}

static int
reader(void *arg)
{
	struct churn *c = arg;
	unsigned int self = rte_lcore_id();
	const void *kp[NB_PROBES];
	void *v[NB_PROBES];
	uint32_t j;

	for (j = 0; j < NB_PROBES; j++)
		kp[j] = c->probe[j];
	rte_rcu_qsbr_thread_register(c->v, self);
	rte_rcu_qsbr_thread_online(c->v, self);
	while (!c->stop) {
		for (j = 0; j < NB_PROBES; j++)
			c->bad += !answer_ok(c, j, mim_lookup(c->t, kp[j]));
		mim_lookup_bulk(c->t, kp, NB_PROBES, v);
		for (j = 0; j < NB_PROBES; j++)
			c->bad += !answer_ok(c, j, v[j]);
		c->checked += 2 * NB_PROBES;
		rte_rcu_qsbr_quiescent(c->v, self);
	}
	rte_rcu_qsbr_thread_offline(c->v, self);
	rte_rcu_qsbr_thread_unregister(c->v, self);
	return 0;
}

/* An update or delete, retried while releases wait for the reader. */
static int
retry(int ret_first, int (*again)(int, const void *, const void *),
      int id, const void *key, const void *val)
{
	int ret = ret_first, i;

	for (i = 0; ret == -EBUSY && i < 1000000; i++) {
		rte_pause();
		ret = again(id, key, val);
	}
	return ret;
}

static int
do_put(int id, const void *key, const void *val)
{
	return mim_update_elem(id, key, val, MIM_ANY);
}

static int
do_del(int id, const void *key, const void *val)
{
	RTE_SET_USED(val);
	return mim_delete_elem(id, key);
}

static int
route_set(struct churn *c, int id, struct sroute *r, bool present)
{
	uint8_t key[LPM_KEY_MAX];
	struct sval v;

	lpm_key(key, r->addr, c->alen, r->plen);
	if (!present) {
		r->present = false;
		return retry(do_del(id, key, NULL), do_del, id, key, NULL);
	}
	r->ver++;
	v.magic = MAGIC;
	v.id = r->id;
	v.ver = r->ver;
	v.check = MAGIC ^ v.id ^ (v.ver * 2654435761U);
	r->present = true;
	return retry(do_put(id, key, &v), do_put, id, key, &v);
}

/* Unrelated /24s (or /64s) outside every probe, to move the tiers. */
static int
filler(struct churn *c, int id, uint32_t i, bool add)
{
	uint8_t addr[16] = { 0 }, key[LPM_KEY_MAX];
	struct sval val = { 0 };   /* not an answer to any probe */

	if (c->alen == 4) {
		addr[0] = 100;
		addr[1] = (uint8_t)(i >> 8);
		addr[2] = (uint8_t)i;
		lpm_key(key, addr, 4, 24);
	} else {
		addr[0] = 0x20;
		addr[1] = 0x01;
		addr[2] = 0x0d;
		addr[3] = 0xb9;
		addr[4] = (uint8_t)(i >> 8);
		addr[5] = (uint8_t)i;
		lpm_key(key, addr, 16, 64);
	}
	if (add)
		return retry(do_put(id, key, &val), do_put, id, key, &val);
	return retry(do_del(id, key, NULL), do_del, id, key, NULL);
}

/*
 * The fillers' swing, crossing the tier boundaries of the family's direct
 * index: IPv4 up above 1,024 routes and down below 512, IPv6 up above
 * 4,096 and down below 2,048. A tier change is counted at a filler count
 * past the boundary whatever the 13 other routes do.
 */
static void
swing(uint32_t alen, uint32_t *low, uint32_t *high, uint32_t *up_at,
      uint32_t *down_at)
{
	*low = alen == 4 ? 400 : 1900;
	*high = alen == 4 ? 1100 : 4200;
	*up_at = alen == 4 ? 1025 : 4097;
	*down_at = alen == 4 ? 498 : 2034;
}

/*
 * Writer: 100,000 changes; the fillers swing between low and high (from
 * base on: a table of more than 32,768 routes keeps its 16-bit index).
 */
static int
churn_ops(struct churn *c, int id, uint32_t base, uint32_t *tier_moves)
{
	uint32_t ops, nf = base, i, low, high, up_at, down_at;
	bool up = true;
	int ret = 0;

	swing(c->alen, &low, &high, &up_at, &down_at);
	for (ops = 0; ops < 100000 && ret == 0; ops++) {
		if (lpm_rnd() % 10 < 7) {
			do
				i = lpm_rnd() % c->nr;
			while (!v4_routes[i].churn);
			ret = route_set(c, id, &c->r[i],
					!c->r[i].present || lpm_rnd() % 2 == 0);
			continue;
		}
		if (up && nf == base + high)
			up = false;
		else if (!up && nf == base + low)
			up = true;
		if (base == 0 && ((up && nf == up_at) || (!up && nf == down_at)))
			(*tier_moves)++;
		ret = filler(c, id, up ? nf++ : --nf, up);
	}
	if (ret != 0)
		printf("    writer stopped after %u changes: %s\n", ops,
		       mim_last_error());
	return ret;
}

static int
run_churn(uint32_t alen, uint32_t base)
{
	static struct churn c;
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	uint32_t i, j, tier_moves = 0;
	const struct sroute *best;
	struct sval *v;
	int id, ret;

	if (worker >= RTE_MAX_LCORE) {
		printf("    needs a worker lcore (-l 0-1)\n");
		return TEST_SKIPPED;
	}
	memset(&c, 0, sizeof(c));
	lpm_seed();
	setup(&c, alen);
	c.v = autotest_qsbr(RTE_MAX_LCORE);
	TEST_ASSERT(c.v != NULL, "");
	id = mim_create(MIM_TYPE_LPM, NULL, 4 + alen, sizeof(struct sval),
			base + 8192, NULL);
	TEST_ASSERT_OK(id);
	c.t = mim_table(id);
	for (i = 0; i < c.nr; i++)
		if (!v4_routes[i].churn)
			TEST_ASSERT_OK(route_set(&c, id, &c.r[i], true));
	for (i = 0; i < base; i++)
		TEST_ASSERT_OK(filler(&c, id, i, true));
	rte_eal_remote_launch(reader, &c, worker);
	ret = churn_ops(&c, id, base, &tier_moves);
	c.stop = true;
	rte_eal_wait_lcore(worker);
	printf("    IPv%u: %" PRIu64 " answers checked, %" PRIu64 " wrong; %u tier changes\n",
	       alen == 4 ? 4 : 6, c.checked, c.bad, tier_moves);
	TEST_ASSERT_EQUAL(ret, 0, "");
	TEST_ASSERT_EQUAL(c.bad, 0, "answers that no route could give");
	TEST_ASSERT(c.checked > 0 && (base != 0 || tier_moves >= 2), "");
	/* Quiet now: every probe finds exactly the longest present route. */
	for (j = 0; j < NB_PROBES; j++) {
		uint8_t addr[16];

		memcpy(addr, c.probe[j] + 4, alen);
		best = NULL;
		for (i = 0; i < c.nr; i++)
			if (c.r[i].present &&
			    lpm_covers(c.r[i].addr, c.r[i].plen, addr) &&
			    (best == NULL || c.r[i].plen > best->plen))
				best = &c.r[i];
		v = mim_lookup(c.t, c.probe[j]);
		TEST_ASSERT(best == NULL ? v == NULL :
			    v != NULL && v->id == best->id && v->ver == best->ver,
			    "probe %u", j);
	}
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_lpm4_churn(void)
{
	return run_churn(4, 0);
}

static int
test_lpm6_churn(void)
{
	return run_churn(16, 0);
}

/* A 16-bit index: blocks replaced through the table's pool. */
static int
test_lpm4_churn_large(void)
{
	return run_churn(4, 40000);
}

static const struct autotest_case lpm_stress_cases[] = {
	TEST_CASE(test_lpm4_churn),
	TEST_CASE(test_lpm6_churn),
	TEST_CASE(test_lpm4_churn_large),
	TEST_CASES_END(),
};

static struct autotest_suite lpm_stress_suite = {
	.name = "lpm_stress",
	.help = "LPM readers under route churn and index rebuilds",
	.cases = lpm_stress_cases,
};
REGISTER_AUTOTEST(lpm_stress_suite);
