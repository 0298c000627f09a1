/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef TEST_DP_WRITE_H
#define TEST_DP_WRITE_H

/* Values of the data-path write tests: key, owner, generation, checksum. */

#include <stdbool.h>
#include <stdint.h>

#include <mim.h>

struct dval {
	uint32_t key;
	uint32_t owner;
	uint32_t gen;
	uint32_t csum;
};

static inline uint32_t
dcsum(uint32_t key, uint32_t owner, uint32_t gen)
{
	uint64_t h = (uint64_t)key << 40 ^ (uint64_t)owner << 32 ^ gen;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 29;
	return (uint32_t)(h ^ h >> 32);
}

static inline struct dval
dmk(uint32_t key, uint32_t owner, uint32_t gen)
{
	struct dval v = { key, owner, gen, dcsum(key, owner, gen) };

	return v;
}

static inline bool
dok(const struct dval *v, uint32_t key)
{
	return v->key == key && v->csum == dcsum(v->key, v->owner, v->gen);
}

static inline int
dpw_create(uint32_t max, uint32_t key_size, uint32_t flags)
{
	MIM_OPTS(mim_create_opts, o, .map_flags = flags);

	return mim_create(MIM_TYPE_HASH, NULL, key_size, sizeof(struct dval),
			  max, &o);
}

#endif /* TEST_DP_WRITE_H */
