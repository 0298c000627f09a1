/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * libFuzzer target: l3fwd-mim's configuration parser (config_load()). The
 * input is the file, handed over as a memfd so that the parser reads it
 * the way it reads a real one (fopen(), getc()). Beyond the sanitizers'
 * reports, an accepted file must describe a configuration l3fwd-mim can
 * build without checking it again, and a refused one must come with a
 * reason that names the file:
 *   - every configured tenant's table exists, and nb_tenants counts them;
 *   - every route has a depth within its family, no host bit set, a
 *     defined next hop, and no other route of its table has its prefix;
 *   - nb_nexthops is one past the highest defined next hop, and a source
 *     MAC given for one is unicast.
 * A file is parsed twice, with and without CFG_F_ALLOW_EMPTY: the flag
 * may only turn "no tenant" into an accepted, tenantless configuration.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_ether.h>

#include "config.h"

#define ERRLEN 512

#define FAIL(...) do {							\
	fprintf(stderr, "fuzz_l3fwd_config: " __VA_ARGS__);		\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

/* One family's routes: nb entries of a size, address and depth read back
 * through the accessors.
 */
static void
check_routes4(const struct config *cfg, const struct cfg_table *t)
{
	uint32_t i, j;

	if (t->nb_routes > t->cap || t->nb_routes > CFG_MAX_ROUTES)
		FAIL("table %s: %u routes, %u allocated", t->name,
		     t->nb_routes, t->cap);
	for (i = 0; i < t->nb_routes; i++) {
		const struct cfg_route *r = &t->routes[i];
		uint32_t mask = r->depth == 0 ? 0 : ~0U << (32 - r->depth);

		if (r->depth > 32 || (r->addr & ~mask) != 0)
			FAIL("table %s line %u: /%u with host bits", t->name,
			     r->line, r->depth);
		if (r->nexthop >= cfg->nb_nexthops ||
		    !cfg->nexthop[r->nexthop].defined)
			FAIL("table %s line %u: undefined next hop %u",
			     t->name, r->line, r->nexthop);
		/* Inputs are at most a few KiB: quadratic is bounded. */
		for (j = 0; j < i; j++)
			if (t->routes[j].addr == r->addr &&
			    t->routes[j].depth == r->depth)
				FAIL("table %s: lines %u and %u give one prefix",
				     t->name, t->routes[j].line, r->line);
	}
}

static void
check_routes6(const struct config *cfg, const struct cfg_table *t)
{
	uint32_t i, j, b;

	if (t->nb_routes6 > t->cap6 || t->nb_routes6 > CFG_MAX_ROUTES)
		FAIL("table %s: %u IPv6 routes, %u allocated", t->name,
		     t->nb_routes6, t->cap6);
	for (i = 0; i < t->nb_routes6; i++) {
		const struct cfg_route6 *r = &t->routes6[i];

		if (r->depth > 128)
			FAIL("table %s line %u: /%u", t->name, r->line,
			     r->depth);
		for (b = r->depth; b < 128; b++)
			if (r->addr[b / 8] & (0x80 >> (b % 8)))
				FAIL("table %s line %u: host bit %u set",
				     t->name, r->line, b);
		if (r->nexthop >= cfg->nb_nexthops ||
		    !cfg->nexthop[r->nexthop].defined)
			FAIL("table %s line %u: undefined next hop %u",
			     t->name, r->line, r->nexthop);
		for (j = 0; j < i; j++)
			if (t->routes6[j].depth == r->depth &&
			    memcmp(t->routes6[j].addr, r->addr, 16) == 0)
				FAIL("table %s: lines %u and %u give one IPv6 prefix",
				     t->name, t->routes6[j].line, r->line);
	}
}

static void
check_config(const struct config *cfg)
{
	uint32_t i, nb = 0;

	if (cfg->nb_nexthops > CFG_MAX_NEXTHOPS ||
	    (cfg->nb_nexthops > 0 &&
	     !cfg->nexthop[cfg->nb_nexthops - 1].defined))
		FAIL("nb_nexthops %u is not one past the highest defined",
		     cfg->nb_nexthops);
	for (i = cfg->nb_nexthops; i < CFG_MAX_NEXTHOPS; i++)
		if (cfg->nexthop[i].defined)
			FAIL("next hop %u defined beyond nb_nexthops %u", i,
			     cfg->nb_nexthops);
	for (i = 0; i < cfg->nb_nexthops; i++)
		if (cfg->nexthop[i].defined && cfg->nexthop[i].has_src &&
		    !rte_is_valid_assigned_ether_addr(&cfg->nexthop[i].src))
			FAIL("next hop %u: source MAC not unicast", i);
	if (!config_nexthops_equal(cfg, cfg))
		FAIL("next hops differ from themselves");
	if (cfg->nb_tables > cfg->tables_cap ||
	    cfg->nb_tables > CFG_MAX_TABLES)
		FAIL("%u tables, %u allocated", cfg->nb_tables,
		     cfg->tables_cap);
	for (i = 0; i < CFG_MAX_TENANTS; i++) {
		const struct cfg_table *t = config_tenant_table(cfg, i);

		if (cfg->tenant_table[i] == CFG_NO_TABLE)
			continue;
		if (cfg->tenant_table[i] >= cfg->nb_tables || t == NULL)
			FAIL("tenant %u: table index %u of %u", i,
			     cfg->tenant_table[i], cfg->nb_tables);
		nb++;
	}
	if (nb != cfg->nb_tenants)
		FAIL("nb_tenants %u, %u tenants configured", cfg->nb_tenants,
		     nb);
	for (i = 0; i < cfg->nb_tables; i++) {
		const struct cfg_table *t = &cfg->tables[i];

		if (memchr(t->name, '\0', sizeof(t->name)) == NULL ||
		    t->name[0] == '\0')
			FAIL("table %u: name not a string", i);
		check_routes4(cfg, t);
		check_routes6(cfg, t);
	}
}

/* Parse the file at path; NULL (with the reason checked) or cfg checked. */
static struct config *
load(const char *path, unsigned int flags, char *err)
{
	struct config *cfg;
	size_t plen = strlen(path);

	memset(err, 0, ERRLEN);
	cfg = config_load(path, flags, err, ERRLEN);
	if (cfg == NULL) {
		if (memchr(err, '\0', ERRLEN) == NULL)
			FAIL("reason not terminated");
		if (strncmp(err, path, plen) != 0 || err[plen] != ':' ||
		    strlen(err) <= plen + 2)
			FAIL("reason '%s' does not name %s", err, path);
		return NULL;
	}
	check_config(cfg);
	return cfg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[ERRLEN], err_empty[ERRLEN];
	struct config *strict, *lax;
	int fd;

	fd = memfd_create("l3fwd-config", MFD_CLOEXEC);
	if (fd < 0) {
		perror("memfd_create");
		abort();
	}
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		perror("write");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	strict = load(path, 0, err);
	lax = load(path, CFG_F_ALLOW_EMPTY, err_empty);
	if (strict != NULL && lax == NULL)
		FAIL("accepted without CFG_F_ALLOW_EMPTY, refused with it: %s",
		     err_empty);
	if (strict == NULL && lax == NULL && strcmp(err, err_empty) != 0)
		FAIL("two reasons for one file: '%s' and '%s'", err,
		     err_empty);
	if (strict == NULL && lax != NULL && lax->nb_tenants != 0)
		FAIL("refused without CFG_F_ALLOW_EMPTY (%s) with %u tenants",
		     err, lax->nb_tenants);
	config_free(strict);
	config_free(lax);
	close(fd);
	return 0;
}
