/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Iteration on both sides of a pair: get_next_key, and whole walks
 * compared as sequences (arrays) or sets (hash and LPM tables).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "conformance.h"

/* The LPM prefix runs walk tables of up to 4,608 keys. */
#define CONF_WALK_MAX 8192

/* ---- iteration ------------------------------------------------------------------- */

struct walk {
	uint32_t n;
	bool complete;
	uint8_t keys[CONF_WALK_MAX][CONF_KEY_MAX];
};

/* get_next_key from NULL to -ENOENT on one side. */
static void
walk_side(const struct conf_map *m, bool kernel, struct walk *w)
{
	uint8_t cur[CONF_KEY_MAX], next[CONF_KEY_MAX];
	bool tmp = false;
	int fd = kernel ? conf_k_handle(m, &tmp) : -1;
	int ret;

	w->n = 0;
	w->complete = false;
	for (;;) {
		memset(next, 0, sizeof(next));
		ret = kernel ? bpf_map_get_next_key(fd, w->n ? cur : NULL, next) :
			mim_get_next_key((int)m->mim_id, w->n ? cur : NULL,
					 next);
		if (ret == -ENOENT) {
			w->complete = true;
			break;
		}
		if (ret != 0 || w->n == CONF_WALK_MAX)
			break;
		memset(w->keys[w->n], 0, CONF_KEY_MAX);
		memcpy(w->keys[w->n++], next, m->key_size);
		memcpy(cur, next, m->key_size);
	}
	if (kernel)
		conf_k_handle_put(fd, tmp);
}

static int
key_cmp_sz(const void *a, const void *b)
{
	return memcmp(a, b, CONF_KEY_MAX);
}

/* Sorted copy of a walk's keys (LPM keys masked). */
static void
walk_sorted(const struct conf_map *m, const struct walk *w, struct walk *s)
{
	uint32_t i;

	memset(s, 0, sizeof(*s));
	s->n = w->n;
	s->complete = w->complete;
	for (i = 0; i < w->n; i++) {
		memcpy(s->keys[i], w->keys[i], m->key_size);
		if (m->type == MIM_TYPE_LPM)
			conf_lpm_mask_sz(s->keys[i], m->key_size);
	}
	qsort(s->keys, s->n, CONF_KEY_MAX, key_cmp_sz);
}

static const char *
walk_str(const struct conf_map *m, const struct walk *w, char *buf, size_t len)
{
	char kb[64];
	size_t off;
	uint32_t i;

	off = snprintf(buf, len, "%u key%s%s", w->n, w->n == 1 ? "" : "s",
		       w->n ? ": " : "");
	for (i = 0; i < w->n && i < 8 && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				conf_key_str(m, w->keys[i], kb, sizeof(kb)));
	if (i < w->n && off < len)
		snprintf(buf + off, len - off, ", ...");
	return buf;
}

static bool
walk_has(const struct conf_map *m, const struct walk *w, const void *key)
{
	uint8_t a[CONF_KEY_MAX], b[CONF_KEY_MAX];
	uint32_t i;

	memset(a, 0, sizeof(a));
	memcpy(a, key, m->key_size);
	if (m->type == MIM_TYPE_LPM)
		conf_lpm_mask_sz(a, m->key_size);
	for (i = 0; i < w->n; i++) {
		memset(b, 0, sizeof(b));
		memcpy(b, w->keys[i], m->key_size);
		if (m->type == MIM_TYPE_LPM)
			conf_lpm_mask_sz(b, m->key_size);
		if (memcmp(a, b, m->key_size) == 0)
			return true;
	}
	return false;
}

static bool
lpm_has_host_bits(const struct conf_map *m, const struct walk *w)
{
	uint8_t k[CONF_KEY_MAX];
	uint32_t i;

	for (i = 0; i < w->n; i++) {
		memcpy(k, w->keys[i], m->key_size);
		conf_lpm_mask_sz(k, m->key_size);
		if (memcmp(k, w->keys[i], m->key_size) != 0)
			return true;
	}
	return false;
}

/* Arrays: both walks must be the same sequence. */
static bool
walk_same_sequence(const struct conf_map *m, const struct walk *kw,
		   const struct walk *mw)
{
	char kb[512], mb[512], op[96];

	walk_str(m, kw, kb, sizeof(kb));
	walk_str(m, mw, mb, sizeof(mb));
	if (kw->n != mw->n ||
	    memcmp(kw->keys, mw->keys, sizeof(kw->keys[0]) * kw->n) != 0) {
		snprintf(op, sizeof(op), "walk %s, as a sequence", m->label);
		conf_disagree(op, kb, mb, "walk %s (sequence)", m->label);
		return false;
	}
	conf_record(CONF_ROW_AGREE, "walk (get_next_key from NULL), as a sequence",
		    kb, mb, "");
	return true;
}

/* Hash and LPM tables: both walks must hold the same set (sorted copies). */
static bool
walk_same_set(const struct conf_map *m, const struct walk *kw,
	      const struct walk *mw, const struct walk *ks,
	      const struct walk *ms)
{
	char kb[512], mb[512], op[96];

	walk_str(m, ks, kb, sizeof(kb));
	walk_str(m, ms, mb, sizeof(mb));
	if (ks->n != ms->n ||
	    memcmp(ks->keys, ms->keys, sizeof(ks->keys[0]) * ks->n) != 0) {
		snprintf(op, sizeof(op), "walk %s, as a set", m->label);
		conf_disagree(op, kb, mb, "walk %s (as sets%s)", m->label,
			      m->type == MIM_TYPE_LPM ? ", kernel keys masked" : "");
		return false;
	}
	conf_record(CONF_ROW_AGREE, "walk (get_next_key from NULL), as a set",
		    kb, mb, "");
	/* The kernel's hash order changes with each map's hash seed: the
	 * row names the orders, not their (run-dependent) keys.
	 */
	if (kw->n > 1) {
		snprintf(kb, sizeof(kb), "%u keys in the kernel's order", kw->n);
		snprintf(mb, sizeof(mb), "the same keys in mapinmap's order");
		conf_dev_text(kb, mb, CONF_DEV_ORDER, "walk %s: order",
			      m->label);
	}
	if (m->type == MIM_TYPE_LPM && lpm_has_host_bits(m, kw))
		conf_dev_text(walk_str(m, kw, kb, sizeof(kb)),
			      walk_str(m, mw, mb, sizeof(mb)), CONF_DEV_LPM_MASK,
			      "walk %s: keys returned", m->label);
	return true;
}

bool
conf_walk(struct conf_map *m)
{
	static struct walk kw, mw, ks, ms;
	const struct conf_map *ki, *mi;
	const struct walk *src;
	uint32_t i;
	bool ok;

	walk_side(m, true, &kw);
	walk_side(m, false, &mw);
	if (!kw.complete || !mw.complete) {
		conf_fail("walk %s does not end with ENOENT (kernel %s after %u keys, mapinmap %s after %u keys)",
			  m->label, kw.complete ? "ends" : "does not end", kw.n,
			  mw.complete ? "ends" : "does not end", mw.n);
		return false;
	}
	if (conf_is_array(m->type)) {
		if (!walk_same_sequence(m, &kw, &mw))
			return false;
		src = &mw;
	} else {
		walk_sorted(m, &kw, &ks);
		walk_sorted(m, &mw, &ms);
		if (!walk_same_set(m, &kw, &mw, &ks, &ms))
			return false;
		src = &ms;
	}
	/* What each key holds. */
	ok = true;
	for (i = 0; i < src->n; i++)
		if (conf_lookup_both(m, src->keys[i], &ki, &mi) < 0)
			ok = false;
	return ok;
}

static bool
key_eq(const struct conf_map *m, const void *a, const void *b)
{
	uint8_t x[CONF_KEY_MAX], y[CONF_KEY_MAX];

	memcpy(x, a, m->key_size);
	memcpy(y, b, m->key_size);
	if (m->type == MIM_TYPE_LPM) {
		conf_lpm_mask_sz(x, m->key_size);
		conf_lpm_mask_sz(y, m->key_size);
	}
	return memcmp(x, y, m->key_size) == 0;
}

/*
 * One side's answer for a key it holds: another key it holds, or ENOENT
 * for its last key.
 */
static bool
next_ok(const struct conf_map *m, const struct walk *w, const void *key,
	int ret, const void *next)
{
	if (ret == 0)
		return walk_has(m, w, next) && !key_eq(m, next, key);
	if (ret == -ENOENT)
		return w->n > 0 && key_eq(m, w->keys[w->n - 1], key);
	return false;
}

bool
conf_next_key(struct conf_map *m, const void *key)
{
	static struct walk kw, mw;
	uint8_t kn[CONF_KEY_MAX], mn[CONF_KEY_MAX];
	char kb[64], b1[64], b2[64];
	bool tmp, kin, min;
	int fd = conf_k_handle(m, &tmp);
	int k, mm;

	memset(kn, 0, sizeof(kn));
	memset(mn, 0, sizeof(mn));
	k = bpf_map_get_next_key(fd, key, kn);
	mm = mim_get_next_key((int)m->mim_id, key, mn);
	conf_k_handle_put(fd, tmp);
	conf_key_str(m, key, kb, sizeof(kb));
	if (conf_is_array(m->type)) {
		if (!conf_same(k, mm, "get_next_key %s[%s]", m->label, kb))
			return k == mm;
		if (memcmp(kn, mn, 4) != 0) {
			conf_fail("get_next_key %s[%s]: kernel %s, mapinmap %s",
				  m->label, kb, conf_key_str(m, kn, b1, sizeof(b1)),
				  conf_key_str(m, mn, b2, sizeof(b2)));
			return false;
		}
		return true;
	}
	walk_side(m, true, &kw);
	walk_side(m, false, &mw);
	kin = key != NULL && walk_has(m, &kw, key);
	min = key != NULL && walk_has(m, &mw, key);
	if (kin != min) {
		conf_fail("get_next_key %s[%s]: the key is %sin the kernel's map but %sin mapinmap's table",
			  m->label, kb, kin ? "" : "not ", min ? "" : "not ");
		return false;
	}
	if (!kin || (kw.n <= 1 && mw.n <= 1)) {
		/* NULL or absent: both restart from their own first key. */
		if (!conf_same(k, mm, "get_next_key %s[%s]%s", m->label, kb,
			       key == NULL ? "" : kin ? " (only key)" :
			       " (absent key)"))
			return k == mm;
		if (k == 0 && (memcmp(kn, kw.keys[0], m->key_size) != 0 ||
			       memcmp(mn, mw.keys[0], m->key_size) != 0)) {
			conf_fail("get_next_key %s[%s]: not the first key (kernel %s, first %s; mapinmap %s, first %s)",
				  m->label, kb, conf_key_str(m, kn, b1, sizeof(b1)),
				  conf_key_str(m, kw.keys[0], b2, sizeof(b2)),
				  conf_key_str(m, mn, kb, sizeof(kb)),
				  conf_key_str(m, mw.keys[0], b1, sizeof(b1)));
			return false;
		}
		return true;
	}
	/* A present key: each side answers by its own order. */
	if (!next_ok(m, &kw, key, k, kn) || !next_ok(m, &mw, key, mm, mn)) {
		conf_fail("get_next_key %s[%s] (present key): kernel %s %s, mapinmap %s %s",
			  m->label, kb, conf_ret_str(k, b1, sizeof(b1)),
			  k == 0 ? conf_key_str(m, kn, b2, sizeof(b2)) : "",
			  conf_ret_str(mm, b2, sizeof(b2)),
			  mm == 0 ? conf_key_str(m, mn, b1, sizeof(b1)) : "");
		return false;
	}
	if (conf_recording())
		conf_dev_text("the key after it in the kernel's order, or -ENOENT after the last",
			      "the key after it in mapinmap's order, or -ENOENT after the last",
			      CONF_DEV_ORDER, "get_next_key %s[present key %s]",
			      m->label, kb);
	return true;
}
