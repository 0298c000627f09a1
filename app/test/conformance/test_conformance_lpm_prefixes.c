/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Randomized LPM runs with the kernel's BPF_MAP_TYPE_LPM_TRIE as oracle,
 * for IPv4 (key_size 8) and IPv6 (key_size 20): thousands of prefixes of
 * a BGP-like length mix in a few clustered regions, so that prefixes nest,
 * with host bits left in some keys. Each run grows its table past the
 * first tier boundary of mapinmap's direct index (IPv4 1,024 routes, IPv6
 * 4,096) up to max_entries (ENOSPC), churns at that size, then shrinks
 * below the boundary back down (IPv4 512, IPv6 2,048), and finally
 * deletes what is left.
 *
 * Every update (BPF_ANY, BPF_NOEXIST, BPF_EXIST), exact-prefix delete and
 * lookup (of at most prefixlen bits) is compared, and every lookup of a
 * full-length key is also made on mapinmap's data path, singly and in
 * bursts (mim_lookup(), mim_lookup_bulk()), against the kernel's answer.
 * get_next_key is compared by each side's own order and whole walks as
 * sets (the orders differ: CONF_DEV_ORDER), every key's value with them.
 *
 * The seed is conf_random_seed()'s (MIM_CONF_SEED replays it) plus the
 * run's index; the number of operations is fixed, the report counts them
 * with the randomized operations. Only disagreements are recorded.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <mim.h>

#include "autotest.h"
#include "conf_random.h"
#include "conformance.h"

#define P_KEYS 8192
#define P_BURST 32
/* Seeds apart from the template families' (conf_random_seed() + 0..3). */
#define P_SEED_BASE 16

struct prun_family {
	const char *name;
	uint32_t alen;          /* address bytes */
	uint32_t max_entries;
	uint32_t grow, churn, shrink;   /* operations per phase */
};

static const struct prun_family prun_families[] = {
	{ "lpm_prefixes_ipv4", 4, 2048, 4000, 2000, 3000 },
	{ "lpm_prefixes_ipv6", 16, 4608, 8000, 2000, 5000 },
};

/* Odds of one phase, in percent: update, delete (the rest: lookups). */
struct prun_odds {
	uint32_t update, del, fresh;    /* fresh: of updates, a new prefix */
};

struct pentry {
	uint8_t key[20];        /* as first used (host bits kept) */
	bool present;           /* as the kernel says */
};

struct prun {
	const struct prun_family *fam;
	struct conf_map m;
	const struct mim_table *t;
	uint64_t x;
	struct pentry e[P_KEYS];
	uint32_t n, live, peak, low;
	/* Data path bursts: keys, and the kernel's result for each. */
	uint8_t bkey[P_BURST][20];
	uint64_t bval[P_BURST];
	bool bfound[P_BURST];
	uint32_t nb;
	unsigned long updates, updated, deletes, deleted, lookups, dp;
};

static uint32_t
prnd(struct prun *r)
{
	r->x ^= r->x >> 12;
	r->x ^= r->x << 25;
	r->x ^= r->x >> 27;
	return (uint32_t)((r->x * UINT64_C(2685821657736338717)) >> 32);
}

static uint32_t
key_size(const struct prun *r)
{
	return 4 + r->fam->alen;
}

/* A prefix length of a BGP-like mix. */
static uint32_t
plen_mix(struct prun *r)
{
	uint32_t p = prnd(r) % 100;

	if (r->fam->alen == 4)
		return p < 3 ? prnd(r) % 16 : p < 23 ? 16 + prnd(r) % 8 :
			p < 88 ? 24 : 25 + prnd(r) % 8;
	return p < 3 ? prnd(r) % 32 : p < 13 ? 32 + prnd(r) % 16 :
		p < 73 ? 48 : p < 88 ? 49 + prnd(r) % 16 :
		65 + prnd(r) % 64;
}

/* A prefix in one of four regions, host bits kept in 30% of them. */
static void
fresh_key(struct prun *r, uint8_t *key)
{
	static const uint8_t v4[4][1] = { { 10 }, { 100 }, { 172 }, { 192 } };
	static const uint8_t v6[4][4] = {
		{ 0x20, 0x01, 0x0d, 0xb8 }, { 0x2a, 0x00, 0x14, 0x50 },
		{ 0x24, 0x00, 0xcb, 0x00 }, { 0xfd, 0x00, 0x00, 0x00 },
	};
	uint32_t plen = plen_mix(r), reg = prnd(r) % 4, i, alen = r->fam->alen;
	uint8_t *a = key + 4;

	memcpy(key, &plen, 4);
	for (i = 0; i < alen; i++)
		a[i] = (uint8_t)prnd(r);
	if (alen == 4) {
		a[0] = v4[reg][0];
		a[1] = (uint8_t)(a[1] % 32);
		a[2] = (uint8_t)(a[2] % 64);
	} else {
		memcpy(a, v6[reg], 4);
		a[4] = (uint8_t)(a[4] % 16);
		a[6] = (uint8_t)(a[6] % 4);
	}
	if (prnd(r) % 10 >= 3)
		conf_lpm_mask_sz(key, key_size(r));
}

/* The entry of key's prefix (host bits aside), or NULL. */
static struct pentry *
find(struct prun *r, const uint8_t *key)
{
	uint8_t a[20], b[20];
	uint32_t i, ks = key_size(r);

	memcpy(a, key, ks);
	conf_lpm_mask_sz(a, ks);
	for (i = 0; i < r->n; i++) {
		memcpy(b, r->e[i].key, ks);
		conf_lpm_mask_sz(b, ks);
		if (memcmp(a, b, ks) == 0)
			return &r->e[i];
	}
	return NULL;
}

/*
 * A known prefix (present ones rather), or a fresh one, into key; its
 * entry, NULL only when the entries are all taken.
 */
static struct pentry *
pick(struct prun *r, bool fresh, uint8_t *key)
{
	struct pentry *p = NULL;
	uint32_t i;

	if (!fresh && r->n > 0) {
		for (i = 0; i < 8 && (p == NULL || !p->present); i++)
			p = &r->e[prnd(r) % r->n];
		memcpy(key, p->key, key_size(r));
		return p;
	}
	fresh_key(r, key);
	p = find(r, key);
	if (p == NULL && r->n < P_KEYS) {
		p = &r->e[r->n++];
		memcpy(p->key, key, key_size(r));
		p->present = false;
	}
	return p;
}

static void
set_present(struct prun *r, struct pentry *p, bool present)
{
	if (p == NULL || p->present == present)
		return;
	p->present = present;
	r->live += present ? 1 : -1;
	r->peak = RTE_MAX(r->peak, r->live);
}

/* The prefix length of a key. */
static uint32_t
key_plen(const uint8_t *key)
{
	uint32_t plen;

	memcpy(&plen, key, 4);
	return plen;
}

static void
op_update(struct prun *r, bool fresh)
{
	static const uint64_t fl[10] = {
		BPF_ANY, BPF_ANY, BPF_ANY, BPF_ANY, BPF_ANY, BPF_ANY,
		BPF_NOEXIST, BPF_NOEXIST, BPF_NOEXIST, BPF_EXIST,
	};
	uint8_t key[20];
	uint64_t v = 1 + prnd(r) % 64;
	struct pentry *p = pick(r, fresh, key);

	/* Some updates name the prefix with other host bits. */
	if (key_plen(key) < 8 * r->fam->alen && prnd(r) % 4 == 0)
		key[4 + r->fam->alen - 1] ^= 1;
	r->updates++;
	if (conf_update(&r->m, key, &v, fl[prnd(r) % 10])) {
		r->updated++;
		set_present(r, p, true);
	}
}

static void
op_delete(struct prun *r)
{
	uint8_t key[20];
	struct pentry *p = pick(r, prnd(r) % 100 < 15, key);

	if (key_plen(key) < 8 * r->fam->alen && prnd(r) % 4 == 0)
		key[4 + r->fam->alen - 1] ^= 1;
	r->deletes++;
	if (conf_delete(&r->m, key)) {
		r->deleted++;
		set_present(r, p, false);
	}
}

/*
 * Data path: the burst's keys in one mim_lookup_bulk(), before the table
 * changes (the kernel's answers were taken since the last change).
 */
static void
dp_flush(struct prun *r)
{
	const void *keys[P_BURST];
	void *v[P_BURST];
	char op[128], kb[64], kr[64], mr[64];
	uint32_t i;

	if (r->nb == 0)
		return;
	for (i = 0; i < r->nb; i++)
		keys[i] = r->bkey[i];
	mim_lookup_bulk(r->t, keys, r->nb, v);
	for (i = 0; i < r->nb; i++) {
		if ((v[i] != NULL) == r->bfound[i] &&
		    (v[i] == NULL || memcmp(v[i], &r->bval[i], 8) == 0))
			continue;
		snprintf(op, sizeof(op), "mim_lookup_bulk %s[%s] (key %u of %u)",
			 r->m.label, conf_key_str(&r->m, r->bkey[i], kb, sizeof(kb)),
			 i, r->nb);
		conf_disagree(op, r->bfound[i] ? conf_hex_str(&r->bval[i], 8,
							     kr, sizeof(kr)) : "-ENOENT",
			      v[i] != NULL ? conf_hex_str(v[i], 8, mr, sizeof(mr)) :
			      "NULL", "%s", op);
	}
	r->dp += r->nb;
	r->nb = 0;
}

/* A full-length lookup on the data path, against the kernel's answer. */
static void
dp_lookup(struct prun *r, const uint8_t *key)
{
	char op[128], kb[64], kr[64], mr[64];
	uint64_t kv = 0;
	bool found = bpf_map_lookup_elem(r->m.kfd, key, &kv) == 0;
	const void *v = mim_lookup(r->t, key);

	if ((v != NULL) != found || (v != NULL && memcmp(v, &kv, 8) != 0)) {
		snprintf(op, sizeof(op), "mim_lookup %s[%s]", r->m.label,
			 conf_key_str(&r->m, key, kb, sizeof(kb)));
		conf_disagree(op, found ? conf_hex_str(&kv, 8, kr, sizeof(kr)) :
			      "-ENOENT", v != NULL ?
			      conf_hex_str(v, 8, mr, sizeof(mr)) : "NULL",
			      "%s", op);
	}
	memcpy(r->bkey[r->nb], key, key_size(r));
	r->bval[r->nb] = kv;
	r->bfound[r->nb] = found;
	if (++r->nb == P_BURST)
		dp_flush(r);
}

/* An address in a known prefix, or anywhere near; 30% shorter keys. */
static void
op_lookup(struct prun *r)
{
	uint32_t bits = 8 * r->fam->alen, plen = bits, i;
	uint8_t key[20];

	pick(r, prnd(r) % 100 < 20, key);
	for (i = key_plen(key) / 8 + 1; i < r->fam->alen; i++)
		key[4 + i] = (uint8_t)prnd(r);
	if (key_plen(key) < bits)
		key[4 + key_plen(key) / 8] ^= (uint8_t)(prnd(r) &
			(0xff >> (key_plen(key) % 8)));
	if (prnd(r) % 10 < 3)
		plen = prnd(r) % (bits + 1);
	memcpy(key, &plen, 4);
	r->lookups++;
	conf_lookup(&r->m, key);
	if (plen == bits)
		dp_lookup(r, key);
}

static void
op_next(struct prun *r)
{
	uint8_t key[20];

	pick(r, false, key);
	conf_next_key(&r->m, r->n > 0 ? key : NULL);
}

static unsigned int
phase(struct prun *r, uint32_t n, const struct prun_odds *o)
{
	uint32_t i, p;

	for (i = 0; i < n && conf_failures() == 0; i++) {
		p = prnd(r) % 100;
		/* A burst's answers are those of the table as it is now. */
		if (p < o->update + o->del)
			dp_flush(r);
		if (p < o->update)
			op_update(r, prnd(r) % 100 < o->fresh);
		else if (p < o->update + o->del)
			op_delete(r);
		else
			op_lookup(r);
		if (i % 250 == 249)
			op_next(r);
		if (i % 1000 == 999) {
			dp_flush(r);
			conf_walk(&r->m);
		}
	}
	dp_flush(r);
	conf_walk(&r->m);
	return i;
}

/* Delete every prefix the kernel holds, then both must be empty. */
static void
drain(struct prun *r)
{
	uint32_t i;

	for (i = 0; i < r->n && conf_failures() == 0; i++)
		if (r->e[i].present && conf_delete(&r->m, r->e[i].key))
			set_present(r, &r->e[i], false);
	conf_walk(&r->m);
	if (r->live != 0)
		conf_fail("%s: %u prefixes left after deleting all", r->m.label,
			  r->live);
}

static const struct prun_odds grow = { 80, 3, 90 };
static const struct prun_odds churn = { 40, 25, 50 };
static const struct prun_odds shrink = { 10, 70, 20 };

static int
prun(unsigned int index)
{
	static struct prun r;
	const struct prun_family *f = &prun_families[index];
	unsigned long done = 0;

	memset(&r, 0, sizeof(r));
	r.fam = f;
	r.x = conf_random_seed() + P_SEED_BASE + index;
	if (r.x == 0)
		r.x = 1;
	if (!conf_kernel_available())
		return TEST_SKIPPED;
	conf_begin(f->name);
	conf_set_recording(false);
	printf("    %s: seed 0x%" PRIx64 ", %u operations (MIM_CONF_SEED=0x%" PRIx64 " replays every run)\n",
	       f->name, r.x, f->grow + f->churn + f->shrink, conf_random_seed());
	if (conf_create(&r.m, f->alen == 4 ? "lpm4" : "lpm6",
			CONF_SPEC(.type = MIM_TYPE_LPM, .key_size = 4 + f->alen,
				  .value_size = 8, .max_entries = f->max_entries,
				  .flags = BPF_F_NO_PREALLOC))) {
		r.t = mim_table(r.m.mid);
		done += phase(&r, f->grow, &grow);
		done += phase(&r, f->churn, &churn);
		r.low = r.live;
		done += phase(&r, f->shrink, &shrink);
		r.low = r.live;
		if (conf_failures() == 0)
			drain(&r);
	}
	conf_count_random(done);
	printf("    %s: %lu operations%s: %u prefixes used, at most %u present, %u after shrinking; updates %lu (%lu succeeded), deletes %lu (%lu succeeded), lookups %lu, data path lookups %lu\n",
	       f->name, done, conf_failures() != 0 ? ", FAILED" : ", all agree",
	       r.n, r.peak, r.low, r.updates, r.updated, r.deletes, r.deleted,
	       r.lookups, r.dp);
	return conf_end();
}

static int
conf_lpm_prefixes_ipv4(void)
{
	return prun(0);
}

static int
conf_lpm_prefixes_ipv6(void)
{
	return prun(1);
}

const struct autotest_case conf_lpm_prefix_cases[] = {
	TEST_CASE(conf_lpm_prefixes_ipv4),
	TEST_CASE(conf_lpm_prefixes_ipv6),
	TEST_CASES_END(),
};
