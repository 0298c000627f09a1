/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Route records of the configuration file, IPv4 or IPv6 by the address's
 * form (an IPv6 address has a colon):
 *
 *   R10.1.0.0/16 3 red
 *   R2001:db8:1::/48 3 red
 *
 * Each is checked as it is read (address, prefix length, host bits, next
 * hop range, the table's route limit); once the file is read, the next
 * hops must exist and no prefix may be given twice in a table.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"

/* Grow an array of routes by doubling; 0 or -ENOMEM. */
static int
grow(void **routes, uint32_t *cap, uint32_t n, size_t size)
{
	uint32_t c;
	void *nr;

	if (n < *cap)
		return 0;
	c = *cap == 0 ? 16 : *cap * 2;
	nr = realloc(*routes, (size_t)c * size);
	if (nr == NULL)
		return -ENOMEM;
	*routes = nr;
	*cap = c;
	return 0;
}

static int
parse_route4(struct cfg_table *t, const struct parser *p, const char *addr,
	     const char *len, uint32_t nexthop)
{
	struct cfg_route r = { .line = p->line, .nexthop = nexthop };
	struct in_addr a;
	uint32_t depth, mask;

	if (inet_pton(AF_INET, addr, &a) != 1)
		return perr(p, "route address '%s' malformed", addr);
	if (parse_u32(len, 32, &depth) != 0)
		return perr(p, "prefix length '%s': 0 to 32", len);
	r.addr = ntohl(a.s_addr);
	r.depth = (uint8_t)depth;
	mask = depth == 0 ? 0 : UINT32_MAX << (32 - depth);
	if ((r.addr & ~mask) != 0)
		return perr(p, "route %s/%u has host bits set", addr, depth);
	if (t->nb_routes == CFG_MAX_ROUTES)
		return perr(p, "table %s: more than %u IPv4 routes", t->name,
			    CFG_MAX_ROUTES);
	if (grow((void **)&t->routes, &t->cap, t->nb_routes,
		 sizeof(*t->routes)) != 0)
		return perr(p, "out of memory");
	t->routes[t->nb_routes++] = r;
	return 0;
}

/* True if addr has a bit set past its first depth bits. */
static int
host_bits6(const uint8_t *addr, uint32_t depth)
{
	uint32_t i;

	for (i = depth / 8; i < 16; i++) {
		uint8_t keep = i == depth / 8 && depth % 8 != 0 ?
			(uint8_t)(0xff << (8 - depth % 8)) : 0;

		if ((addr[i] & (uint8_t)~keep) != 0)
			return 1;
	}
	return 0;
}

static int
parse_route6(struct cfg_table *t, const struct parser *p, const char *addr,
	     const char *len, uint32_t nexthop)
{
	struct cfg_route6 r = { .line = p->line, .nexthop = nexthop };
	uint32_t depth;

	if (inet_pton(AF_INET6, addr, r.addr) != 1)
		return perr(p, "route address '%s' malformed", addr);
	if (parse_u32(len, 128, &depth) != 0)
		return perr(p, "prefix length '%s': 0 to 128", len);
	r.depth = (uint8_t)depth;
	if (host_bits6(r.addr, depth))
		return perr(p, "route %s/%u has host bits set", addr, depth);
	if (t->nb_routes6 == CFG_MAX_ROUTES)
		return perr(p, "table %s: more than %u IPv6 routes", t->name,
			    CFG_MAX_ROUTES);
	if (grow((void **)&t->routes6, &t->cap6, t->nb_routes6,
		 sizeof(*t->routes6)) != 0)
		return perr(p, "out of memory");
	t->routes6[t->nb_routes6++] = r;
	return 0;
}

int
route_parse(struct config *cfg, const struct parser *p, char **f, int nf)
{
	uint32_t nexthop;
	char *slash;
	int64_t ti;

	if (nf != 3)
		return perr(p, "route: R<addr>/<depth> <nexthop> <table>");
	slash = strchr(f[0], '/');
	if (slash == NULL)
		return perr(p, "route '%s': <addr>/<depth> expected", f[0]);
	*slash = '\0';
	if (parse_u32(f[1], CFG_MAX_NEXTHOPS - 1, &nexthop) != 0)
		return perr(p, "next hop '%s': 0 to %d", f[1],
			    CFG_MAX_NEXTHOPS - 1);
	ti = table_index(cfg, p, f[2]);
	if (ti < 0)
		return (int)ti;
	if (strchr(f[0], ':') != NULL)
		return parse_route6(&cfg->tables[ti], p, f[0], slash + 1,
				    nexthop);
	return parse_route4(&cfg->tables[ti], p, f[0], slash + 1, nexthop);
}

static int
route4_cmp(const void *a, const void *b)
{
	const struct cfg_route *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

static int
route6_cmp(const void *a, const void *b)
{
	const struct cfg_route6 *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

/* Line of a route, in messages about it. */
static int __attribute__((format(printf, 3, 4)))
line_err(struct parser *p, unsigned int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->line = line;
	return perr(p, "%s", msg);
}

static int
undefined_nexthop(const struct config *cfg, struct parser *p, uint32_t nh,
		  unsigned int line)
{
	if (cfg->nexthop[nh].defined)
		return 0;
	return line_err(p, line, "route to undefined next hop %u (no N%u record)",
			nh, nh);
}

/* Lines of two equal routes: the first, the later (qsort is not stable). */
static void
order_lines(unsigned int a, unsigned int b, unsigned int *first,
	    unsigned int *later)
{
	*first = a < b ? a : b;
	*later = a < b ? b : a;
}

static int
check4(const struct config *cfg, struct cfg_table *t, struct parser *p)
{
	unsigned int first, later;
	uint32_t j;

	for (j = 0; j < t->nb_routes; j++)
		if (undefined_nexthop(cfg, p, t->routes[j].nexthop,
				      t->routes[j].line) != 0)
			return -EINVAL;
	if (t->nb_routes > 1)   /* routes is NULL for a table without */
		qsort(t->routes, t->nb_routes, sizeof(*t->routes), route4_cmp);
	for (j = 1; j < t->nb_routes; j++) {
		const struct cfg_route *b = &t->routes[j];
		struct in_addr in = { .s_addr = htonl(b->addr) };

		if (route4_cmp(&t->routes[j - 1], b) != 0)
			continue;
		order_lines(t->routes[j - 1].line, b->line, &first, &later);
		return line_err(p, later, "route %s/%u of table %s given twice (first at line %u)",
				inet_ntoa(in), b->depth, t->name, first);
	}
	return 0;
}

static int
check6(const struct config *cfg, struct cfg_table *t, struct parser *p)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned int first, later;
	uint32_t j;

	for (j = 0; j < t->nb_routes6; j++)
		if (undefined_nexthop(cfg, p, t->routes6[j].nexthop,
				      t->routes6[j].line) != 0)
			return -EINVAL;
	if (t->nb_routes6 > 1)
		qsort(t->routes6, t->nb_routes6, sizeof(*t->routes6),
		      route6_cmp);
	for (j = 1; j < t->nb_routes6; j++) {
		const struct cfg_route6 *b = &t->routes6[j];

		if (route6_cmp(&t->routes6[j - 1], b) != 0)
			continue;
		order_lines(t->routes6[j - 1].line, b->line, &first, &later);
		inet_ntop(AF_INET6, b->addr, buf, sizeof(buf));
		return line_err(p, later, "route %s/%u of table %s given twice (first at line %u)",
				buf, b->depth, t->name, first);
	}
	return 0;
}

int
route_check_table(const struct config *cfg, struct cfg_table *t,
		  struct parser *p)
{
	int ret = check4(cfg, t, p);

	return ret != 0 ? ret : check6(cfg, t, p);
}
