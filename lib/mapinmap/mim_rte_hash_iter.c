/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * get_next_key over an rte_hash. rte_hash can iterate (rte_hash_iterate())
 * but cannot say where a given key sits in that order, so the cursor
 * remembers where the key returned last was found; a walk that passes each
 * returned key back (the usual loop) continues from there in O(1). Any
 * other key is found by iterating from the start, as the kernel's hash map
 * does when the bucket of the key changed. A key absent from the table
 * restarts the walk (the kernel's semantics).
 */

#include <errno.h>
#include <string.h>

#include <rte_hash.h>

#include "mim_private.h"

/* Position from which iterating yields key first; false if absent. */
static bool
find_pos(const struct rte_hash *h, uint32_t key_size,
	 const struct mim_rte_hash_iter *c, const void *key, uint32_t *pos)
{
	const void *k;
	void *d;
	uint32_t it;

	if (c->valid) {
		it = c->pos;
		if (rte_hash_iterate(h, &k, &d, &it) >= 0 &&
		    memcmp(k, key, key_size) == 0) {
			*pos = it;
			return true;
		}
	}
	if (rte_hash_lookup(h, key) < 0)
		return false;
	it = 0;
	while (rte_hash_iterate(h, &k, &d, &it) >= 0)
		if (memcmp(k, key, key_size) == 0) {
			*pos = it;
			return true;
		}
	return false;
}

int
mim_rte_hash_next_key(const struct rte_hash *h, uint32_t key_size,
		      struct mim_rte_hash_iter *c, const void *key,
		      void *next_key)
{
	const void *k;
	void *d;
	uint32_t it = 0, from;

	if (key != NULL && !find_pos(h, key_size, c, key, &it))
		it = 0;
	from = it;
	if (rte_hash_iterate(h, &k, &d, &it) < 0) {
		c->valid = false;
		return -ENOENT;
	}
	memcpy(next_key, k, key_size);
	/* Iterating from "from" yields next_key first: the next call,
	 * given next_key, resumes here.
	 */
	c->pos = from;
	c->valid = true;
	return 0;
}
