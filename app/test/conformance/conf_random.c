/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* The randomized conformance runs: random keys, tables and operations. */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>

#include <rte_common.h>

#include <mim.h>

#include "conf_random.h"
#include "conformance.h"

#define AOT MIM_TYPE_ARRAY_OF_TABLES
#define HOT MIM_TYPE_HASH_OF_TABLES

static uint64_t
rnd(struct rstate *st)
{
	/* xorshift64 */
	st->x ^= st->x << 13;
	st->x ^= st->x >> 7;
	st->x ^= st->x << 17;
	return st->x;
}

static uint32_t
below(struct rstate *st, uint32_t n)
{
	return n != 0 ? (uint32_t)(rnd(st) % n) : 0;
}

static void __attribute__((format(printf, 2, 3)))
rlog(struct rstate *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->log[st->op % R_LOG], sizeof(st->log[0]), fmt, ap);
	va_end(ap);
}

uint64_t
conf_random_seed(void)
{
	const char *env = getenv("MIM_CONF_SEED");
	static uint64_t seed;
	struct timespec ts;

	if (seed != 0)
		return seed;
	if (env != NULL && env[0] != '\0') {
		seed = strtoull(env, NULL, 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)ts.tv_nsec ^
			((uint64_t)getpid() << 40);
	}
	if (seed == 0)
		seed = 1;
	return seed;
}

unsigned int
conf_random_nb_ops(void)
{
	const char *env = getenv("MIM_CONF_OPS");

	return env != NULL && env[0] != '\0' ?
		(unsigned int)strtoul(env, NULL, 0) : R_OPS_DEFAULT;
}

/* ---- keys and values ---------------------------------------------------------------- */

static const uint8_t lpm_addrs[][4] = {
	{ 10, 0, 0, 0 }, { 10, 1, 0, 0 }, { 10, 1, 2, 0 }, { 10, 1, 2, 3 },
	{ 10, 128, 0, 0 }, { 192, 168, 1, 0 }, { 192, 168, 1, 77 },
};

bool
conf_random_no_zero_keys(void)
{
	const char *env = getenv("MIM_CONF_NO_ZERO_KEYS");

	return env != NULL && env[0] != '\0' && strcmp(env, "0") != 0;
}

static void
rand_key(struct rstate *st, const struct conf_map *m, uint8_t *key)
{
	static const uint32_t lens[] = { 0, 8, 16, 24, 32 };
	const uint32_t z = conf_random_no_zero_keys() ? 1 : 0;
	struct conf_lpm_key k;
	uint32_t u;
	uint64_t w;

	memset(key, 0, CONF_KEY_MAX);
	switch (m->type) {
	case MIM_TYPE_ARRAY:
	case AOT:
		u = below(st, 16) == 0 ? UINT32_MAX : below(st, m->max_entries + 2);
		memcpy(key, &u, 4);
		break;
	case MIM_TYPE_LPM:
		k.prefixlen = below(st, 40) == 0 ? 33 :
			lens[z + below(st, RTE_DIM(lens) - z)];
		memcpy(k.addr, lpm_addrs[below(st, RTE_DIM(lpm_addrs))], 4);
		if (below(st, 4) == 0)   /* host bits */
			k.addr[3] ^= (uint8_t)below(st, 256);
		memcpy(key, &k, sizeof(k));
		break;
	default:
		w = z + below(st, m->type == HOT ? 2 * m->max_entries :
			      m->max_entries + 4);
		memcpy(key, &w, RTE_MIN(m->key_size, 8U));
		break;
	}
}

/*
 * Update flags of outer updates. Unknown flags are 3 and 8, never with
 * BPF_F_LOCK: the kernel rejects BPF_F_LOCK before it looks at the value
 * and mapinmap after (update_order_hom shows it); a random run would stop
 * on that known difference again and again.
 */
static uint64_t
rand_flags(struct rstate *st)
{
	uint32_t r = below(st, 100);

	return r < 60 ? BPF_ANY : r < 75 ? BPF_NOEXIST : r < 90 ? BPF_EXIST :
		r < 95 ? 3 : 8;
}

/* ---- the pool of inner tables -------------------------------------------------------- */

static bool
alive_m(const struct conf_map *m)
{
	struct mim_table_info info;

	return mim_get_info((int)m->mim_id, &info) == 0;
}

static unsigned int
lpm_alive(struct rstate *st)
{
	unsigned int i, n = 0;

	for (i = 0; i < R_POOL; i++)
		if (st->used[i] && st->pool[i].type == MIM_TYPE_LPM &&
		    alive_m(&st->pool[i]))
			n++;
	return n;
}

/* A used pair at random, or NULL. */
static struct conf_map *
pick(struct rstate *st, bool alive_only)
{
	unsigned int i, n = 0, cand[R_POOL];

	for (i = 0; i < R_POOL; i++)
		if (st->used[i] && (!alive_only || !st->dead[i]))
			cand[n++] = i;
	return n != 0 ? &st->pool[cand[below(st, n)]] : NULL;
}

static void
sweep(struct rstate *st, const char *why)
{
	unsigned int i;

	for (i = 0; i < R_POOL; i++)
		if (st->used[i] && !st->dead[i]) {
			st->dead[i] = !conf_alive(&st->pool[i], why);
			st->nb_died += st->dead[i];
		}
}

static void
op_create(struct rstate *st)
{
	const struct conf_spec *s;
	char label[CONF_LABEL_MAX];
	unsigned int i, slot = R_POOL;

	for (i = 0; i < R_POOL && slot == R_POOL; i++)
		if (!st->used[i])
			slot = i;
	for (i = 0; i < R_POOL && slot == R_POOL; i++)
		if (st->dead[i])
			slot = i;
	if (slot == R_POOL) {
		rlog(st, "create: pool full");
		return;
	}
	s = below(st, 10) < 7 ? &st->fam->match[below(st, st->fam->nb_match)] :
		&st->fam->mismatch[below(st, st->fam->nb_mismatch)];
	if (s->type == MIM_TYPE_LPM && lpm_alive(st) >= R_LPM_LIVE_MAX) {
		rlog(st, "create: enough LPM tables alive");
		return;
	}
	if (st->used[slot]) {
		conf_close(&st->pool[slot]);
		conf_unregister(&st->pool[slot]);
	}
	snprintf(label, sizeof(label), "r%u", st->serial++);
	rlog(st, "create %s %s max %u value %u flags 0x%x", label,
	     conf_type_str(s->type), s->max_entries, s->value_size, s->flags);
	st->used[slot] = conf_create(&st->pool[slot], label, s);
	st->dead[slot] = false;
	st->nb_created += st->used[slot];
}

static void
op_close(struct rstate *st)
{
	struct conf_map *m = pick(st, true);

	if (m == NULL || (m->kfd < 0 && m->mid <= 0)) {
		rlog(st, "close: nothing open");
		return;
	}
	rlog(st, "close %s", m->label);
	conf_close(m);
}

static void
op_reopen(struct rstate *st)
{
	struct conf_map *m = pick(st, false);

	if (m == NULL) {
		rlog(st, "reopen: empty pool");
		return;
	}
	rlog(st, "get by id %s", m->label);
	if (st->dead[m - st->pool]) {
		conf_alive(m, "random");
		return;
	}
	st->dead[m - st->pool] = m->kfd >= 0 || m->mid > 0 ?
		!conf_alive(m, "random") : !conf_reopen(m);
	st->nb_died += st->dead[m - st->pool];
}

/* ---- outer operations ------------------------------------------------------------------ */

static void
op_outer_update(struct rstate *st)
{
	struct conf_map *o = &st->outer[below(st, 2)], *in;
	uint8_t key[CONF_KEY_MAX];
	uint64_t flags = rand_flags(st);
	uint32_t r = below(st, 100);
	char kb[64];

	rand_key(st, o, key);
	conf_key_str(o, key, kb, sizeof(kb));
	if (r < 8) {
		rlog(st, "update %s[%s] = bad handle flags %lu", o->label, kb,
		     (unsigned long)flags);
		conf_update_raw(o, key, CONF_BAD_FD, CONF_BAD_ID, flags,
				"(bad handle)");
		return;
	}
	in = r < 14 ? &st->outer[below(st, 2)] : r < 20 ? &st->tmpl :
		pick(st, false);
	if (in == NULL)
		in = &st->tmpl;
	rlog(st, "update %s[%s] = %s flags %lu", o->label, kb, in->label,
	     (unsigned long)flags);
	st->nb_outer_updates++;
	st->nb_outer_updated += conf_update_inner(o, key, in, flags);
}

static void
op_outer_key(struct rstate *st, int what)
{
	struct conf_map *o = &st->outer[below(st, 2)];
	uint8_t key[CONF_KEY_MAX];
	bool null = what == 2 && below(st, 4) == 0;
	char kb[64];

	rand_key(st, o, key);
	conf_key_str(o, null ? NULL : key, kb, sizeof(kb));
	rlog(st, "%s %s[%s]", what == 0 ? "delete" : what == 1 ? "lookup" :
	     "get_next_key", o->label, kb);
	if (what == 0)
		st->nb_outer_deleted += conf_delete(o, key);
	else if (what == 1)
		conf_lookup(o, key);
	else
		conf_next_key(o, null ? NULL : key);
}

static void
op_outer_walk(struct rstate *st)
{
	struct conf_map *o = &st->outer[below(st, 2)];

	rlog(st, "walk %s", o->label);
	conf_walk(o);
}

/* Close an outer table (its slots' tables may die) and make a new one. */
static void
op_outer_recreate(struct rstate *st)
{
	unsigned int i = below(st, 2);
	struct conf_map *o = &st->outer[i];
	char label[CONF_LABEL_MAX];
	enum mim_type type = o->type;
	uint32_t ks = o->key_size, max = o->max_entries;

	rlog(st, "close and recreate %s", o->label);
	conf_close(o);
	conf_alive(o, "outer closed");
	sweep(st, "outer closed");
	conf_unregister(o);
	snprintf(label, sizeof(label), "o%u", st->serial++);
	if (!conf_create(o, label, CONF_SPEC(.type = type, .key_size = ks,
					     .value_size = 4,
					     .max_entries = max,
					     .inner = &st->tmpl)))
		conf_fail("cannot recreate the outer table");
}

/* ---- inner operations ------------------------------------------------------------------ */

static void
op_inner(struct rstate *st)
{
	struct conf_map *m = pick(st, false);
	uint8_t key[CONF_KEY_MAX], value[CONF_VALUE_MAX];
	uint32_t r = below(st, 100);
	uint64_t flags;
	char kb[64];

	if (m == NULL) {
		rlog(st, "inner op: empty pool");
		return;
	}
	rand_key(st, m, key);
	conf_key_str(m, key, kb, sizeof(kb));
	st->nb_inner_ops++;
	if (r < 45) {
		flags = below(st, 16) == 0 ? below(st, 8) :
			(uint64_t)below(st, 3);
		memset(value, (int)below(st, 4), sizeof(value));
		rlog(st, "update %s[%s] = 0x%02x.. flags %lu", m->label, kb,
		     value[0], (unsigned long)flags);
		st->nb_inner_ok += conf_update(m, key, value, flags);
	} else if (r < 65) {
		rlog(st, "delete %s[%s]", m->label, kb);
		st->nb_inner_ok += conf_delete(m, key);
	} else if (r < 85) {
		rlog(st, "lookup %s[%s]", m->label, kb);
		st->nb_inner_ok += conf_lookup(m, key);
	} else {
		bool null = below(st, 4) == 0;

		rlog(st, "get_next_key %s[%s]", m->label, null ? "NULL" : kb);
		conf_next_key(m, null ? NULL : key);
	}
}

static void
op_inner_walk(struct rstate *st)
{
	struct conf_map *m = pick(st, true);

	if (m == NULL) {
		rlog(st, "inner walk: empty pool");
		return;
	}
	rlog(st, "walk %s", m->label);
	/* A walk needs the table on both sides: check that first. */
	if (!alive_m(m)) {
		st->dead[m - st->pool] = !conf_alive(m, "before a walk");
		return;
	}
	conf_walk(m);
}

/* ---- a run ---------------------------------------------------------------------------------- */

static void
op_outer_delete(struct rstate *st)
{
	op_outer_key(st, 0);
}

static void
op_outer_lookup(struct rstate *st)
{
	op_outer_key(st, 1);
}

static void
op_outer_next_key(struct rstate *st)
{
	op_outer_key(st, 2);
}

static void
op_sweep(struct rstate *st)
{
	sweep(st, "random");
}

/* The operations and their odds: a draw r in [0, 100) below `below`. */
static const struct {
	uint32_t below;
	void (*fn)(struct rstate *st);
	bool sweep_after;   /* whatever died must have died on both sides */
} ops[] = {
	{ 7, op_create, false },
	{ 12, op_close, true },
	{ 16, op_reopen, true },
	{ 38, op_outer_update, true },
	{ 47, op_outer_delete, true },
	{ 55, op_outer_lookup, false },
	{ 60, op_outer_next_key, false },
	{ 62, op_outer_walk, false },
	{ 92, op_inner, false },
	{ 96, op_inner_walk, false },
	{ 99, op_sweep, false },
	{ 100, op_outer_recreate, false },
};

/* The pairs a run starts with: the template and both outer tables. */
bool
conf_random_setup(struct rstate *st)
{
	static const char *const outer_names[] = { "aom", "hom" };
	unsigned int i;

	if (!conf_create(&st->tmpl, "tmpl", &st->fam->tmpl))
		return false;
	for (i = 0; i < 2; i++)
		if (!conf_create(&st->outer[i], outer_names[i],
				 CONF_SPEC(.type = i == 0 ? AOT : HOT,
					   .key_size = 4, .value_size = 4,
					   .max_entries = i == 0 ? 6 : 5,
					   .inner = &st->tmpl)))
			return false;
	return true;
}

/* Run n operations; stop at the first disagreement (printed). */
unsigned int
conf_random_ops(struct rstate *st, unsigned int n, const char *name,
	unsigned int fam_index)
{
	unsigned int i, j, done = 0;

	for (st->op = 0; st->op < n; st->op++) {
		unsigned int before = conf_failures();
		uint32_t r = below(st, 100);

		for (j = 0; r >= ops[j].below; j++)
			;
		ops[j].fn(st);
		if (ops[j].sweep_after)
			sweep(st, "after the operation");
		done++;
		if (conf_failures() == before)
			continue;
		printf("    %s: disagreement at operation %u of seed 0x%" PRIx64 "; replay with MIM_CONF_SEED=0x%" PRIx64 " (last operations, oldest first):\n",
		       name, st->op, st->seed, st->seed - fam_index);
		for (i = st->op >= R_LOG - 1 ? st->op - (R_LOG - 1) : 0;
		     i <= st->op; i++)
			printf("      #%u %s\n", i, st->log[i % R_LOG]);
		break;
	}
	return done;
}

/* The end state, then everything goes, on both sides alike. */
void
conf_random_teardown(struct rstate *st)
{
	unsigned int i;

	conf_walk(&st->outer[0]);
	conf_walk(&st->outer[1]);
	for (i = 0; i < 2; i++)
		conf_close(&st->outer[i]);
	for (i = 0; i < R_POOL; i++)
		if (st->used[i])
			conf_close(&st->pool[i]);
	conf_close(&st->tmpl);
	for (i = 0; i < R_POOL; i++)
		if (st->used[i] && conf_alive(&st->pool[i], "everything closed"))
			conf_fail("%s is alive with no reference left",
				  st->pool[i].label);
}

