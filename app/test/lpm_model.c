/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* The naive longest-prefix model of the LPM suites (lpm_model.h). */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_hash_crc.h>

#include "lpm_model.h"

static uint64_t rng;

void
lpm_seed(void)
{
	const char *s = getenv("MIM_TEST_SEED");

	rng = s != NULL ? strtoull(s, NULL, 0) : (uint64_t)rte_rdtsc() | 1;
	printf("    seed %" PRIu64 " (MIM_TEST_SEED replays it)\n", rng);
}

uint32_t
lpm_rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32);
}

void
lpm_mask(uint8_t *addr, uint32_t alen, uint32_t plen)
{
	uint32_t i;

	for (i = 0; i < alen; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		addr[i] &= plen <= 8 * i ? 0 : (uint8_t)(0xff << (8 - plen % 8));
	}
}

bool
lpm_covers(const uint8_t *pfx, uint32_t plen, const uint8_t *addr)
{
	uint32_t i = 0;

	for (; plen >= 8; plen -= 8, i++)
		if (pfx[i] != addr[i])
			return false;
	return plen == 0 ||
		((pfx[i] ^ addr[i]) & (uint8_t)(0xff << (8 - plen))) == 0;
}

void
lpm_key(uint8_t *key, const uint8_t *addr, uint32_t alen, uint32_t plen)
{
	memcpy(key, &plen, sizeof(plen));
	memcpy(key + 4, addr, alen);
}

int
lpm_model_init(struct lpm_model *m, uint32_t alen, uint32_t cap)
{
	memset(m, 0, sizeof(*m));
	m->alen = alen;
	m->cap = cap;
	m->hcap = 1;
	while (m->hcap < 2 * cap)
		m->hcap *= 2;
	m->r = calloc(cap, sizeof(*m->r));
	m->hidx = calloc(m->hcap, sizeof(*m->hidx));
	return m->r != NULL && m->hidx != NULL ? 0 : -1;
}

void
lpm_model_fini(struct lpm_model *m)
{
	free(m->r);
	free(m->hidx);
	memset(m, 0, sizeof(*m));
}

struct lpm_route *
lpm_model_get(struct lpm_model *m, const uint8_t *addr, uint32_t plen)
{
	uint8_t a[16] = { 0 };
	uint32_t h, i;

	memcpy(a, addr, m->alen);
	lpm_mask(a, m->alen, plen);
	h = rte_hash_crc(a, sizeof(a), plen) & (m->hcap - 1);
	for (; m->hidx[h] != 0; h = (h + 1) & (m->hcap - 1)) {
		struct lpm_route *r = &m->r[m->hidx[h] - 1];

		if (r->plen == plen && memcmp(r->addr, a, sizeof(a)) == 0)
			return r;
	}
	if (m->n == m->cap)
		return NULL;
	i = m->n++;
	memcpy(m->r[i].addr, a, sizeof(a));
	m->r[i].plen = plen;
	m->hidx[h] = i + 1;
	return &m->r[i];
}

const struct lpm_route *
lpm_model_lookup(const struct lpm_model *m, const uint8_t *addr, uint32_t plen)
{
	const struct lpm_route *best = NULL;
	uint32_t i;

	for (i = 0; i < m->n; i++) {
		const struct lpm_route *r = &m->r[i];

		if (!r->present || r->plen > plen ||
		    (best != NULL && r->plen <= best->plen))
			continue;
		if (lpm_covers(r->addr, r->plen, addr))
			best = r;
	}
	return best;
}

/* IPv4: mostly /24, then /16-/23, some longer, a few short. */
static uint32_t
plen4(void)
{
	uint32_t x = lpm_rnd() % 100;

	if (x < 55)
		return 24;
	if (x < 85)
		return 16 + lpm_rnd() % 8;
	if (x < 95)
		return 25 + lpm_rnd() % 8;
	return lpm_rnd() % 16;
}

/* IPv6: mostly /48 and /32-/47, some longer, a few short. */
static uint32_t
plen6(void)
{
	uint32_t x = lpm_rnd() % 100;

	if (x < 45)
		return 48;
	if (x < 80)
		return 32 + lpm_rnd() % 16;
	if (x < 95)
		return 49 + lpm_rnd() % 80;
	return lpm_rnd() % 32;
}

void
lpm_random_prefix(uint8_t *addr, uint32_t alen, uint32_t *plen)
{
	uint32_t i;

	for (i = 0; i < alen; i++)
		addr[i] = (uint8_t)lpm_rnd();
	/* A few regions, so that prefixes nest and share blocks. */
	if (alen == 4) {
		addr[0] = (uint8_t)(10 + lpm_rnd() % 6);
		*plen = plen4();
	} else {
		addr[0] = 0x20;
		addr[1] = (uint8_t)(1 + lpm_rnd() % 4);
		addr[2] = (uint8_t)(lpm_rnd() % 3);
		*plen = plen6();
	}
	lpm_mask(addr, alen, *plen);
}

void
lpm_random_addr(const struct lpm_model *m, uint8_t *addr)
{
	uint32_t plen, i;

	lpm_random_prefix(addr, m->alen, &plen);
	if (m->n == 0 || lpm_rnd() % 4 == 0) {
		for (i = 0; i < m->alen; i++)
			addr[i] = (uint8_t)lpm_rnd();
		return;
	}
	if (lpm_rnd() % 2 == 0) {
		/* Inside a route, host bits random. */
		const struct lpm_route *r = &m->r[lpm_rnd() % m->n];

		for (i = 0; i < m->alen; i++) {
			uint8_t keep = r->plen >= 8 * (i + 1) ? 0xff :
				r->plen <= 8 * i ? 0 :
				(uint8_t)(0xff << (8 - r->plen % 8));

			addr[i] = (uint8_t)((r->addr[i] & keep) |
					    (lpm_rnd() & ~keep));
		}
		return;
	}
	for (i = 1; i < m->alen; i++)
		addr[i] = (uint8_t)lpm_rnd();
}
