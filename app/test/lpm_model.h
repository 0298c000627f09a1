/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_TEST_LPM_MODEL_H
#define MIM_TEST_LPM_MODEL_H

/*
 * A naive longest-prefix model for the LPM suites: routes kept in a plain
 * array, looked up by scanning all of them. Addresses are bytes in network
 * order (4 for IPv4, 16 for IPv6); keys are laid out as the table's
 * (u32 prefixlen, then the address).
 */

#include <stdbool.h>
#include <stdint.h>

#define LPM_KEY_MAX 20

struct lpm_route {
	uint8_t addr[16];     /* masked */
	uint32_t plen;
	uint64_t val;
	bool present;
};

struct lpm_model {
	uint32_t alen;        /* address bytes: 4 or 16 */
	uint32_t n;           /* routes ever added (present or not) */
	uint32_t cap;
	uint32_t live;
	struct lpm_route *r;
	uint32_t *hidx;       /* 1 + index into r by (plen, addr), or 0 */
	uint32_t hcap;
};

/* xorshift64*, seeded from MIM_TEST_SEED or the TSC (printed). */
void lpm_seed(void);
uint32_t lpm_rnd(void);

int lpm_model_init(struct lpm_model *m, uint32_t alen, uint32_t cap);
void lpm_model_fini(struct lpm_model *m);
/* The route of (addr masked, plen), added absent if new. */
struct lpm_route *lpm_model_get(struct lpm_model *m, const uint8_t *addr,
				uint32_t plen);
/* Longest present route of at most plen bits covering addr, or NULL. */
const struct lpm_route *lpm_model_lookup(const struct lpm_model *m,
					 const uint8_t *addr, uint32_t plen);

void lpm_mask(uint8_t *addr, uint32_t alen, uint32_t plen);
bool lpm_covers(const uint8_t *pfx, uint32_t plen, const uint8_t *addr);
void lpm_key(uint8_t *key, const uint8_t *addr, uint32_t alen, uint32_t plen);
/* A random prefix of a BGP-like length mix in a few clustered regions. */
void lpm_random_prefix(uint8_t *addr, uint32_t alen, uint32_t *plen);
/* A random address: inside a random present route, or anywhere nearby. */
void lpm_random_addr(const struct lpm_model *m, uint8_t *addr);

/* Cases of the lpm suite in test_lpm_mem.c. */
int test_lpm_memory(void);
int test_lpm_many_tables(void);
int test_lpm_pool_compact(void);
int test_lpm_fault(void);

#endif /* MIM_TEST_LPM_MODEL_H */
