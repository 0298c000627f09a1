/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * LPM route changes: where a route is kept, what a change rebuilds, and
 * how it is published.
 *
 * The direct index splits the address space into 2^kbits blocks (by the
 * number of routes: IPv4 0, 8 or 16; IPv6 0 or 16). A route of at least kbits bits lives
 * in its block's range array, which keeps the block's routes too (sorted):
 * a change rebuilds that one array from them, publishes it with one
 * release store and retires the old one. A shorter route lives in the
 * writer's sorted array of short routes: a change sets the covering next
 * hop (mim_lpm_dir::dflt) of the blocks it spans, one release store each,
 * and allocates nothing (beyond growing that array). When the number of
 * routes crosses a tier, the whole index is rebuilt at the new kbits and
 * published with one store. Every change is prepared first (everything it
 * allocates), so that a failure leaves the table as it was.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mim_private.h"

/* Index tiers: up above the first number of routes, down below the second. */
#define TIER_MID_UP 1024U
#define TIER_MID_DOWN 512U
#define TIER_BIG_UP 32768U
#define TIER_BIG_DOWN 16384U
#define TIER6_UP 4096U
#define TIER6_DOWN 2048U
#define TOP_CAP_MIN 8U

static struct mim_lpm_root *
root_of(const struct mim_lpm_obj *l)
{
	return l->base.dp.u.lpm;
}

static size_t
words(const struct mim_lpm_obj *l, uint32_t n)
{
	return (size_t)n * l->rec_words;
}

static uint32_t
want_kbits(const struct mim_lpm_obj *l, uint32_t n, uint32_t cur)
{
	/* IPv6 routes share their first byte (2000::/3): no 8-bit tier. */
	if (l->width == 128)
		return n > TIER6_UP || (cur == 16 && n >= TIER6_DOWN) ? 16 : 0;
	if (n > TIER_BIG_UP || (cur == 16 && n >= TIER_BIG_DOWN))
		return 16;
	if (n > TIER_MID_UP || (cur >= 8 && n >= TIER_MID_DOWN))
		return 8;
	return 0;
}

static int
rec_cmp(const struct mim_lpm_obj *l, const uint32_t *r, mim_u128 addr,
	uint32_t plen)
{
	mim_u128 a = mim_lpm_rec_addr(l, r);
	uint32_t p = mim_lpm_rec_plen(l, r);

	if (a != addr)
		return a < addr ? -1 : 1;
	return p == plen ? 0 : p < plen ? -1 : 1;
}

/* First position in recs[0, n) not before (addr, plen). */
static uint32_t
lower_bound(const struct mim_lpm_obj *l, const uint32_t *recs, uint32_t n,
	    mim_u128 addr, uint32_t plen)
{
	uint32_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rec_cmp(l, recs + words(l, mid), addr, plen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The sorted list holding routes of plen bits at addr. */
static const uint32_t *
list_of(const struct mim_lpm_obj *l, mim_u128 addr, uint32_t plen,
	uint32_t *n, uint32_t *block)
{
	const struct mim_lpm_root *root = root_of(l);
	const struct mim_lpm_chunk *c;

	if (plen < root->kbits) {
		*n = l->nb_top;
		*block = UINT32_MAX;
		return l->top;
	}
	*block = mim_lpm_block(l, root->kbits, addr);
	c = root->dir[*block].chunk;
	*n = c != NULL ? c->nb_recs : 0;
	return c != NULL ? mim_lpm_chunk_routes(l, c, *block) : NULL;
}

int64_t
mim_lpm_find(const struct mim_lpm_obj *l, mim_u128 addr, uint32_t plen)
{
	const uint32_t *recs;
	uint32_t n, block, i;

	recs = list_of(l, addr, plen, &n, &block);
	i = lower_bound(l, recs, n, addr, plen);
	if (i < n && rec_cmp(l, recs + words(l, i), addr, plen) == 0)
		return mim_lpm_rec_slot(l, recs + words(l, i));
	return -1;
}

/* The first route of the first block from block b on. */
static int
first_from(const struct mim_lpm_obj *l, uint32_t b, mim_u128 *addr,
	   uint32_t *plen)
{
	const struct mim_lpm_root *root = root_of(l);
	const struct mim_lpm_chunk *c;

	for (; b < (1U << root->kbits); b++) {
		c = root->dir[b].chunk;
		if (c != NULL) {
			const uint32_t *r = mim_lpm_chunk_routes(l, c, b);

			*addr = mim_lpm_rec_addr(l, r);
			*plen = mim_lpm_rec_plen(l, r);
			return 0;
		}
	}
	return -ENOENT;
}

int
mim_lpm_next(const struct mim_lpm_obj *l, const mim_u128 *addr, uint32_t plen,
	     mim_u128 *next, uint32_t *next_plen)
{
	const uint32_t *recs;
	uint32_t n, block, i;

	/* Order: the short routes, then each block's, all sorted. */
	if (addr != NULL) {
		recs = list_of(l, *addr, plen, &n, &block);
		i = lower_bound(l, recs, n, *addr, plen);
		if (i < n && rec_cmp(l, recs + words(l, i), *addr, plen) == 0) {
			if (i + 1 < n) {
				recs += words(l, i + 1);
				*next = mim_lpm_rec_addr(l, recs);
				*next_plen = mim_lpm_rec_plen(l, recs);
				return 0;
			}
			return first_from(l, block == UINT32_MAX ? 0 : block + 1,
					  next, next_plen);
		}
	}
	/* None, or a key the table does not hold: from the first. */
	if (l->nb_top != 0) {
		*next = mim_lpm_rec_addr(l, l->top);
		*next_plen = mim_lpm_rec_plen(l, l->top);
		return 0;
	}
	return first_from(l, 0, next, next_plen);
}

/*
 * memmove() of n route words from src + off; src may be NULL when n is 0,
 * so the offset is only applied when there is something to move (NULL + 0
 * is undefined behaviour too).
 */
static void
move_words(uint32_t *dst, const uint32_t *src, size_t off, size_t n)
{
	if (n != 0)
		memmove(dst, src + off, n * sizeof(uint32_t));
}

/* Copy src (n sorted routes) to dst with x's change applied. */
static uint32_t
apply(const struct mim_lpm_obj *l, const uint32_t *src, uint32_t n,
      const struct mim_lpm_txn *x, uint32_t *dst)
{
	mim_u128 addr = mim_lpm_rec_addr(l, x->rec);
	uint32_t plen = mim_lpm_rec_plen(l, x->rec);
	uint32_t i = lower_bound(l, src, n, addr, plen), m = i;

	move_words(dst, src, 0, words(l, i));
	if (x->op != MIM_LPM_DEL)
		memcpy(dst + words(l, m++), x->rec,
		       l->rec_words * sizeof(uint32_t));
	if (x->op != MIM_LPM_ADD)
		i++;
	move_words(dst + words(l, m), src, words(l, i), words(l, n - i));
	return m + n - i;
}

/* The same in place (recs has room for one more route). */
static uint32_t
apply_in_place(const struct mim_lpm_obj *l, uint32_t *recs, uint32_t n,
	       const struct mim_lpm_txn *x)
{
	uint32_t i = lower_bound(l, recs, n, mim_lpm_rec_addr(l, x->rec),
				 mim_lpm_rec_plen(l, x->rec));

	if (x->op == MIM_LPM_ADD)
		move_words(recs + words(l, i + 1), recs, words(l, i),
			   words(l, n - i));
	if (x->op == MIM_LPM_DEL)
		move_words(recs + words(l, i), recs, words(l, i + 1),
			   words(l, n - i - 1));
	else
		memcpy(recs + words(l, i), x->rec,
		       l->rec_words * sizeof(uint32_t));
	return x->op == MIM_LPM_ADD ? n + 1 : x->op == MIM_LPM_DEL ? n - 1 : n;
}

int
mim_lpm_index_init(struct mim_lpm_obj *l)
{
	struct mim_lpm_root *root = mim_lpm_zmalloc(l, mim_lpm_root_size(0));

	if (root == NULL)
		return -ENOMEM;
	root->kbits = 0;
	root->shift = 16;
	l->base.dp.u.lpm = root;
	return 0;
}

static void
root_free(struct mim_lpm_obj *l, struct mim_lpm_root *root)
{
	struct mim_lpm_chunk *c;
	uint32_t b;

	for (b = 0; b < (1U << root->kbits); b++) {
		c = (struct mim_lpm_chunk *)(uintptr_t)root->dir[b].chunk;
		if (c != NULL)
			mim_lpm_chunk_free(l, c);
	}
	mim_lpm_free(l, root, mim_lpm_root_size(root->kbits));
}

void
mim_lpm_index_fini(struct mim_lpm_obj *l)
{
	if (root_of(l) != NULL)
		root_free(l, root_of(l));
	l->base.dp.u.lpm = NULL;
	mim_lpm_pool_fini(l);
	mim_lpm_free(l, l->top, words(l, l->top_cap) * sizeof(uint32_t));
	l->top = NULL;
	l->nb_top = l->top_cap = 0;
}

static uint32_t sort_words;   /* qsort() has no argument: under the mutex */

/* Address words, then plen << 24 | slot: compared as words, in order. */
static int
words_cmp(const void *pa, const void *pb)
{
	const uint32_t *a = pa, *b = pb;
	uint32_t i;

	for (i = 0; i < sort_words; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* Every route with x applied, sorted, into the scratch space. */
static int
gather(struct mim_lpm_obj *l, const struct mim_lpm_txn *x, uint32_t *n_out,
       uint32_t **out)
{
	const struct mim_lpm_root *root = root_of(l);
	uint32_t n = l->base.nb_entries, m, b, *a, *recs;
	const struct mim_lpm_chunk *c;

	if (mim_lpm_scratch_reserve(n + 1, 2 * words(l, n + 1)) != 0)
		return -ENOMEM;
	recs = mim_lpm_scratch_recs();
	a = recs + words(l, n + 1);
	move_words(a, l->top, 0, words(l, l->nb_top));
	m = l->nb_top;
	for (b = 0; b < (1U << root->kbits); b++) {
		c = root->dir[b].chunk;
		if (c == NULL)
			continue;
		memcpy(a + words(l, m), mim_lpm_chunk_routes(l, c, b),
		       words(l, c->nb_recs) * sizeof(uint32_t));
		m += c->nb_recs;
	}
	RTE_ASSERT(m == n);
	/* A short route sorts before the block's routes at its address:
	 * sorted blocks after the sorted short routes are not one order.
	 */
	if (l->nb_top != 0) {
		sort_words = l->rec_words;
		qsort(a, m, l->rec_words * sizeof(uint32_t), words_cmp);
	}
	*n_out = apply(l, a, m, x, recs);
	*out = recs;
	return 0;
}

static void
abort_root(struct mim_lpm_obj *l, struct mim_lpm_txn *x)
{
	if (x->root != NULL)
		root_free(l, x->root);
	x->root = NULL;
	mim_lpm_free(l, x->top, words(l, x->top_cap) * sizeof(uint32_t));
	x->top = NULL;
}

/* Range arrays of every block of root from n sorted routes (plen >= kbits). */
static int
build_blocks(struct mim_lpm_obj *l, struct mim_lpm_root *root,
	     const uint32_t *recs, uint32_t n)
{
	struct mim_lpm_chunk *c;
	uint32_t i = 0, j, b;

	while (i < n) {
		b = mim_lpm_block(l, root->kbits,
				  mim_lpm_rec_addr(l, recs + words(l, i)));
		for (j = i + 1; j < n; j++)
			if (mim_lpm_block(l, root->kbits,
					  mim_lpm_rec_addr(l, recs + words(l, j))) != b)
				break;
		if (mim_lpm_chunk_make(l, root->kbits, recs + words(l, i),
				       j - i, false, &c) != 0)
			return -ENOMEM;
		root->dir[b].chunk = c;
		root->dir[b].hint = mim_lpm_chunk_hint(c);
		i = j;
	}
	return 0;
}

/* A new index of kbits holding every route with x applied. */
static int
prepare_rebuild(struct mim_lpm_obj *l, struct mim_lpm_txn *x, uint32_t kbits)
{
	uint32_t n, i, m = 0, *recs, *blk;
	mim_u128 all = ~(mim_u128)0 >> (128 - l->width);

	if (gather(l, x, &n, &recs) != 0)
		return -ENOMEM;
	x->root = mim_lpm_zmalloc(l, mim_lpm_root_size(kbits));
	if (x->root == NULL)
		return -ENOMEM;
	x->root->kbits = kbits;
	x->root->shift = 16 - kbits;
	/* Short routes to their own array, the others packed behind. */
	for (i = 0; i < n; i++)
		m += mim_lpm_rec_plen(l, recs + words(l, i)) < kbits;
	x->top_cap = 0;
	if (m != 0) {
		x->top_cap = TOP_CAP_MIN;
		while (x->top_cap < m)
			x->top_cap *= 2;
		x->top = mim_lpm_zmalloc(l, words(l, x->top_cap) *
					 sizeof(uint32_t));
		if (x->top == NULL)
			goto nomem;
	}
	x->nb_top = 0;
	blk = recs;
	for (i = 0; i < n; i++) {
		const uint32_t *r = recs + words(l, i);

		if (mim_lpm_rec_plen(l, r) < kbits)
			memcpy(x->top + words(l, x->nb_top++), r,
			       l->rec_words * sizeof(uint32_t));
		else
			memmove(blk + words(l, i - x->nb_top), r,
				l->rec_words * sizeof(uint32_t));
	}
	if (build_blocks(l, x->root, blk, n - x->nb_top) != 0)
		goto nomem;
	if (kbits != 0)
		mim_lpm_dflt_region(l, x->root, x->top, x->nb_top, 0, all, 0);
	return 0;
nomem:
	abort_root(l, x);
	return -ENOMEM;
}

/* A new range array for the block of a route of at least kbits. */
static int
prepare_block(struct mim_lpm_obj *l, struct mim_lpm_txn *x)
{
	const struct mim_lpm_root *root = root_of(l);
	const uint32_t *recs;
	uint32_t n, m, *dst;

	recs = list_of(l, mim_lpm_rec_addr(l, x->rec),
		       mim_lpm_rec_plen(l, x->rec), &n, &x->block);
	if (mim_lpm_scratch_reserve(n + 1, words(l, n + 1)) != 0)
		return -ENOMEM;
	dst = mim_lpm_scratch_recs();
	m = apply(l, recs, n, x, dst);
	/* The last fallible step: a new pool slab is not left behind. */
	if (mim_lpm_chunk_make(l, root->kbits, dst, m, root->kbits == 16,
			       &x->chunk) != 0)
		return -ENOMEM;
	x->chunk_new = true;
	return 0;
}

/* Room for one more short route, and scratch for its blocks' ranges. */
static int
prepare_top(struct mim_lpm_obj *l, struct mim_lpm_txn *x)
{
	uint32_t cap = RTE_MAX(l->top_cap * 2, TOP_CAP_MIN);

	if (mim_lpm_scratch_reserve(l->nb_top + 1, 0) != 0)
		return -ENOMEM;
	if (x->op != MIM_LPM_ADD || l->nb_top < l->top_cap)
		return 0;
	x->top = mim_lpm_zmalloc(l, words(l, cap) * sizeof(uint32_t));
	if (x->top == NULL)
		return -ENOMEM;
	x->top_cap = cap;
	return 0;
}

int
mim_lpm_prepare(struct mim_lpm_obj *l, struct mim_lpm_txn *x)
{
	const struct mim_lpm_root *root = root_of(l);
	uint32_t n = l->base.nb_entries, kbits;

	n = x->op == MIM_LPM_ADD ? n + 1 : x->op == MIM_LPM_DEL ? n - 1 : n;
	kbits = want_kbits(l, n, root->kbits);
	if (kbits != root->kbits)
		return prepare_rebuild(l, x, kbits);
	if (mim_lpm_rec_plen(l, x->rec) >= root->kbits)
		return prepare_block(l, x);
	return prepare_top(l, x);
}

void
mim_lpm_abort(struct mim_lpm_obj *l, struct mim_lpm_txn *x)
{
	abort_root(l, x);
	if (x->chunk != NULL)
		mim_lpm_chunk_free(l, x->chunk);
	x->chunk = NULL;
	x->chunk_new = false;
}

/* The longest short route strictly covering (addr, plen): its next hop. */
static uint32_t
covering_nh(const struct mim_lpm_obj *l, mim_u128 addr, uint32_t plen)
{
	uint32_t d, i;
	mim_u128 a;

	for (d = plen; d-- > 0;) {
		a = addr & mim_lpm_mask(l, d);
		i = lower_bound(l, l->top, l->nb_top, a, d);
		if (i < l->nb_top && rec_cmp(l, l->top + words(l, i), a, d) == 0)
			return mim_lpm_rec_slot(l, l->top + words(l, i)) + 1;
	}
	return 0;
}

static void
commit_top(struct mim_lpm_obj *l, struct mim_lpm_txn *x)
{
	mim_u128 addr = mim_lpm_rec_addr(l, x->rec), hi;
	uint32_t plen = mim_lpm_rec_plen(l, x->rec), i, j;

	if (x->top != NULL) {
		l->nb_top = apply(l, l->top, l->nb_top, x, x->top);
		mim_lpm_free(l, l->top, words(l, l->top_cap) * sizeof(uint32_t));
		l->top = x->top;
		l->top_cap = x->top_cap;
		x->top = NULL;
	} else {
		l->nb_top = apply_in_place(l, l->top, l->nb_top, x);
	}
	/* The route's blocks: from its own next hop (or what covers it,
	 * once deleted) and the longer short routes inside it.
	 */
	hi = addr | (~mim_lpm_mask(l, plen) & (~(mim_u128)0 >> (128 - l->width)));
	i = lower_bound(l, l->top, l->nb_top, addr, plen);
	for (j = i; j < l->nb_top; j++)
		if (mim_lpm_rec_addr(l, l->top + words(l, j)) > hi)
			break;
	mim_lpm_dflt_region(l, root_of(l), l->top + words(l, i), j - i, addr, hi,
			    covering_nh(l, addr, plen));
}

static void
commit_root(struct mim_lpm_obj *l, struct mim_lpm_txn *x)
{
	struct mim_lpm_root *old = root_of(l);
	struct mim_lpm_chunk *c;
	uint32_t b;

	/* Pairs with the acquire load in __mim_lpm_lookup() and
	 * __mim_lpm_lookup_multi(): the index and its arrays are written.
	 */
	__atomic_store_n(&l->base.dp.u.lpm, x->root, __ATOMIC_RELEASE);
	for (b = 0; b < (1U << old->kbits); b++) {
		c = (struct mim_lpm_chunk *)(uintptr_t)old->dir[b].chunk;
		if (c != NULL)
			mim_lpm_retire_chunk(l, x, c);
	}
	mim_lpm_retire_blk(l, x, old, mim_lpm_root_size(old->kbits));
	mim_lpm_free(l, l->top, words(l, l->top_cap) * sizeof(uint32_t));
	l->top = x->top;
	l->top_cap = x->top_cap;
	l->nb_top = x->nb_top;
	x->root = NULL;
	x->top = NULL;
}

void
mim_lpm_commit(struct mim_lpm_obj *l, struct mim_lpm_txn *x)
{
	struct mim_lpm_root *root = root_of(l);
	struct mim_lpm_chunk *old;

	if (x->root != NULL) {
		commit_root(l, x);
		return;
	}
	if (!x->chunk_new) {
		commit_top(l, x);
		return;
	}
	old = (struct mim_lpm_chunk *)(uintptr_t)root->dir[x->block].chunk;
	mim_lpm_publish(root, x->block, x->chunk);
	if (old != NULL)
		mim_lpm_retire_chunk(l, x, old);
	if (old != NULL && old->pooled)
		mim_lpm_pool_compact(l, x, old);
	x->chunk = NULL;
	x->chunk_new = false;
}
