/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Randomized conformance: seeded sequences of every operation of the named
 * scenarios (create, close, get by ID, outer update/delete/lookup/
 * get_next_key, element operations on inner tables, walks, liveness),
 * run on the kernel and on mapinmap, the kernel being the oracle.
 *
 * One run per template family (array, array with BPF_F_INNER_MAP, hash,
 * LPM trie). The seed is printed; MIM_CONF_SEED=<seed> replays a run
 * (each family uses seed + its index), MIM_CONF_OPS=<n> sets the number of
 * operations per family (default 2500). A run stops at its first
 * disagreement and prints its last operations.
 *
 * MIM_CONF_NO_ZERO_KEYS=1 leaves out the keys that are all zero bytes (hash
 * key 0, the LPM /0 prefix): replacing such a key can duplicate it in an
 * rte_hash (the *_replace_after_delete scenarios), and a run that meets
 * that known difference stops there; this looks past it.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <mim.h>

#include "autotest.h"
#include "conformance.h"

#define R_OPS_DEFAULT 2500
#define R_POOL 14
#define R_LPM_LIVE_MAX 4
#define R_LOG 16

#define AOT MIM_TYPE_ARRAY_OF_TABLES
#define HOT MIM_TYPE_HASH_OF_TABLES

struct family {
	const char *name;       /* the scenario: random_<name> */
	struct conf_spec tmpl;
	struct conf_spec match[3];
	unsigned int nb_match;
	struct conf_spec mismatch[4];
	unsigned int nb_mismatch;
};

#define ARRAY_SPEC(max, vs, fl) { .type = MIM_TYPE_ARRAY, .key_size = 4, \
		.value_size = (vs), .max_entries = (max), .flags = (fl) }
#define HASH_SPEC(ks, vs, max, fl) { .type = MIM_TYPE_HASH, .key_size = (ks), \
		.value_size = (vs), .max_entries = (max), .flags = (fl) }
#define LPM_SPEC(vs, max) { .type = MIM_TYPE_LPM, .key_size = 8, \
		.value_size = (vs), .max_entries = (max), \
		.flags = BPF_F_NO_PREALLOC }

static const struct family families[] = {
	{
		.name = "array",
		.tmpl = ARRAY_SPEC(4, 8, 0),
		.match = { ARRAY_SPEC(4, 8, 0) },
		.nb_match = 1,
		.mismatch = { ARRAY_SPEC(5, 8, 0), ARRAY_SPEC(4, 16, 0),
			      HASH_SPEC(4, 8, 4, 0),
			      ARRAY_SPEC(4, 8, BPF_F_INNER_MAP) },
		.nb_mismatch = 4,
	},
	{
		.name = "array_inner_map",
		.tmpl = ARRAY_SPEC(4, 8, BPF_F_INNER_MAP),
		.match = { ARRAY_SPEC(1, 8, BPF_F_INNER_MAP),
			   ARRAY_SPEC(4, 8, BPF_F_INNER_MAP),
			   ARRAY_SPEC(7, 8, BPF_F_INNER_MAP) },
		.nb_match = 3,
		.mismatch = { ARRAY_SPEC(4, 8, 0),
			      ARRAY_SPEC(4, 16, BPF_F_INNER_MAP),
			      HASH_SPEC(4, 8, 4, 0) },
		.nb_mismatch = 3,
	},
	{
		.name = "hash",
		.tmpl = HASH_SPEC(4, 8, 8, 0),
		.match = { HASH_SPEC(4, 8, 3, 0), HASH_SPEC(4, 8, 8, 0) },
		.nb_match = 2,
		.mismatch = { HASH_SPEC(4, 8, 8, BPF_F_NO_PREALLOC),
			      HASH_SPEC(8, 8, 8, 0), HASH_SPEC(4, 16, 8, 0),
			      ARRAY_SPEC(8, 8, 0) },
		.nb_mismatch = 4,
	},
	{
		.name = "lpm",
		.tmpl = LPM_SPEC(8, 16),
		.match = { LPM_SPEC(8, 4), LPM_SPEC(8, 16) },
		.nb_match = 2,
		.mismatch = { LPM_SPEC(16, 16),
			      HASH_SPEC(8, 8, 8, BPF_F_NO_PREALLOC) },
		.nb_mismatch = 2,
	},
};

struct rstate {
	const struct family *fam;
	uint64_t seed;
	uint64_t x;
	unsigned int op;
	unsigned int serial;
	struct conf_map tmpl;
	struct conf_map outer[2];
	struct conf_map pool[R_POOL];
	bool used[R_POOL];
	bool dead[R_POOL];
	char log[R_LOG][192];
	/* What the run did, for its summary. */
	unsigned int nb_outer_updates, nb_outer_updated, nb_outer_deleted;
	unsigned int nb_inner_ops, nb_inner_ok, nb_created, nb_died;
};

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

static uint64_t
base_seed(void)
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

static unsigned int
nb_ops(void)
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

static bool
no_zero_keys(void)
{
	const char *env = getenv("MIM_CONF_NO_ZERO_KEYS");

	return env != NULL && env[0] != '\0' && strcmp(env, "0") != 0;
}

static void
rand_key(struct rstate *st, const struct conf_map *m, uint8_t *key)
{
	static const uint32_t lens[] = { 0, 8, 16, 24, 32 };
	const uint32_t z = no_zero_keys() ? 1 : 0;
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

static int
run(unsigned int fam_index)
{
	static struct rstate st;
	static const char *const outer_names[] = { "aom", "hom" };
	static char names[RTE_DIM(families)][48];
	const struct family *fam = &families[fam_index];
	unsigned int i, n = nb_ops(), done = 0;
	const char *name = names[fam_index];

	memset(&st, 0, sizeof(st));
	st.fam = fam;
	st.seed = base_seed() + fam_index;
	st.x = st.seed;
	snprintf(names[fam_index], sizeof(names[0]), "random_%s", fam->name);
	if (!conf_kernel_available())
		return TEST_SKIPPED;
	conf_begin(name);
	conf_set_recording(false);
	printf("    %s: seed 0x%" PRIx64 ", %u operations%s (MIM_CONF_SEED=0x%" PRIx64 " replays every run)\n",
	       name, st.seed, n, no_zero_keys() ? ", no all-zero keys" : "",
	       base_seed());
	if (!conf_create(&st.tmpl, "tmpl", &fam->tmpl))
		goto out;
	for (i = 0; i < 2; i++)
		if (!conf_create(&st.outer[i], outer_names[i],
				 CONF_SPEC(.type = i == 0 ? AOT : HOT,
					   .key_size = 4, .value_size = 4,
					   .max_entries = i == 0 ? 6 : 5,
					   .inner = &st.tmpl)))
			goto out;
	for (st.op = 0; st.op < n; st.op++) {
		unsigned int before = conf_failures();
		uint32_t r = below(&st, 100);

		if (r < 7)
			op_create(&st);
		else if (r < 12)
			op_close(&st);
		else if (r < 16)
			op_reopen(&st);
		else if (r < 38)
			op_outer_update(&st);
		else if (r < 47)
			op_outer_key(&st, 0);
		else if (r < 55)
			op_outer_key(&st, 1);
		else if (r < 60)
			op_outer_key(&st, 2);
		else if (r < 62)
			op_outer_walk(&st);
		else if (r < 92)
			op_inner(&st);
		else if (r < 96)
			op_inner_walk(&st);
		else if (r < 99)
			sweep(&st, "random");
		else
			op_outer_recreate(&st);
		/* Whatever died must have died on both sides, now. */
		if (r >= 7 && r < 47)
			sweep(&st, "after the operation");
		done++;
		if (conf_failures() != before) {
			printf("    %s: disagreement at operation %u of seed 0x%" PRIx64 "; replay with MIM_CONF_SEED=0x%" PRIx64 " (last operations, oldest first):\n",
			       name, st.op, st.seed, st.seed - fam_index);
			for (i = st.op >= R_LOG - 1 ? st.op - (R_LOG - 1) : 0;
			     i <= st.op; i++)
				printf("      #%u %s\n", i, st.log[i % R_LOG]);
			goto out;
		}
	}
	/* The end state, then everything goes, on both sides alike. */
	conf_walk(&st.outer[0]);
	conf_walk(&st.outer[1]);
	for (i = 0; i < 2; i++)
		conf_close(&st.outer[i]);
	for (i = 0; i < R_POOL; i++)
		if (st.used[i])
			conf_close(&st.pool[i]);
	conf_close(&st.tmpl);
	for (i = 0; i < R_POOL; i++)
		if (st.used[i] && conf_alive(&st.pool[i], "everything closed"))
			conf_fail("%s is alive with no reference left",
				  st.pool[i].label);
out:
	conf_count_random(done);
	printf("    %s: %u operations%s: %u tables created, %u died; outer updates %u (%u succeeded), %u outer deletes succeeded; inner element operations %u (%u succeeded)\n",
	       name, done, conf_failures() != 0 ? ", FAILED" : ", all agree",
	       st.nb_created, st.nb_died, st.nb_outer_updates,
	       st.nb_outer_updated, st.nb_outer_deleted, st.nb_inner_ops,
	       st.nb_inner_ok);
	return conf_end();
}

static int
conf_random_array(void)
{
	return run(0);
}

static int
conf_random_array_inner_map(void)
{
	return run(1);
}

static int
conf_random_hash(void)
{
	return run(2);
}

static int
conf_random_lpm(void)
{
	return run(3);
}

const struct autotest_case conf_random_cases[] = {
	TEST_CASE(conf_random_array),
	TEST_CASE(conf_random_array_inner_map),
	TEST_CASE(conf_random_hash),
	TEST_CASE(conf_random_lpm),
	TEST_CASES_END(),
};
