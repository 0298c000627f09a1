/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Configuration file parser. One record per line, l3fwd's route file style
 * (a lead character glued to the first field, '#' starts a comment):
 *
 *   N<id> <port> <dst-mac> [<src-mac>]      next hop
 *   T<tenant> <table>                       tenant uses table
 *   R<addr>/<depth> <nexthop> <table>       route of table
 *
 * Tenants naming the same table share one inner LPM table.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define MAX_FIELDS 6

struct parser {
	const char *path;
	unsigned int line;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3)))
perr(const struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Line 0: a check of the whole file. */
	if (p->line != 0)
		n = snprintf(p->err, p->errlen, "%s:%u: ", p->path, p->line);
	else
		n = snprintf(p->err, p->errlen, "%s: ", p->path);
	if (n < 0 || (size_t)n >= p->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
parse_u32(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long x;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	x = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

static int
valid_table_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= CFG_TABLE_NAMESIZE)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

/* Index of the table called name, created if new; < 0 on error. */
static int64_t
table_index(struct config *cfg, const struct parser *p, const char *name)
{
	struct cfg_table *t;
	uint32_t i;

	if (!valid_table_name(name))
		return perr(p, "table name '%s': 1 to %d characters from [A-Za-z0-9_-]",
			    name, CFG_TABLE_NAMESIZE - 1);
	for (i = 0; i < cfg->nb_tables; i++)
		if (strcmp(cfg->tables[i].name, name) == 0)
			return i;
	if (cfg->nb_tables == CFG_MAX_TABLES)
		return perr(p, "table %s: more than %d tables (each tenant uses one)",
			    name, CFG_MAX_TABLES);
	t = realloc(cfg->tables, (cfg->nb_tables + 1) * sizeof(*t));
	if (t == NULL)
		return perr(p, "out of memory");
	cfg->tables = t;
	t = &cfg->tables[cfg->nb_tables];
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->line = p->line;
	return cfg->nb_tables++;
}

static int
parse_nexthop(struct config *cfg, const struct parser *p, char **f, int nf)
{
	struct cfg_nexthop *nh;
	uint32_t id, port;

	if (nf != 3 && nf != 4)
		return perr(p, "next hop: N<id> <port> <dst-mac> [<src-mac>]");
	if (parse_u32(f[0], CFG_MAX_NEXTHOPS - 1, &id) != 0)
		return perr(p, "next hop id '%s': 0 to %d", f[0],
			    CFG_MAX_NEXTHOPS - 1);
	nh = &cfg->nexthop[id];
	if (nh->defined)
		return perr(p, "next hop %u defined twice (first at line %u)",
			    id, nh->line);
	if (parse_u32(f[1], UINT16_MAX, &port) != 0)
		return perr(p, "port '%s': not a port number", f[1]);
	if (rte_ether_unformat_addr(f[2], &nh->dst) != 0)
		return perr(p, "destination MAC '%s' malformed", f[2]);
	if (nf == 4) {
		if (rte_ether_unformat_addr(f[3], &nh->src) != 0)
			return perr(p, "source MAC '%s' malformed", f[3]);
		/* Frames cannot be sent from a group or a zero address. */
		if (!rte_is_valid_assigned_ether_addr(&nh->src))
			return perr(p, "source MAC %s: not a unicast address (%s)",
				    f[3], rte_is_zero_ether_addr(&nh->src) ?
				    "all zero" : rte_is_broadcast_ether_addr(&nh->src) ?
				    "broadcast" : "multicast: the group bit is set");
		nh->has_src = true;
	}
	nh->port = (uint16_t)port;
	nh->line = p->line;
	nh->defined = true;
	if (id >= cfg->nb_nexthops)
		cfg->nb_nexthops = id + 1;
	return 0;
}

static int
parse_tenant(struct config *cfg, const struct parser *p, char **f, int nf)
{
	uint32_t tenant;
	int64_t ti;

	if (nf != 2)
		return perr(p, "tenant: T<tenant> <table>");
	if (parse_u32(f[0], CFG_MAX_TENANTS - 1, &tenant) != 0)
		return perr(p, "tenant '%s': 0 to %d", f[0],
			    CFG_MAX_TENANTS - 1);
	if (cfg->tenant_table[tenant] != CFG_NO_TABLE)
		return perr(p, "tenant %u defined twice", tenant);
	ti = table_index(cfg, p, f[1]);
	if (ti < 0)
		return (int)ti;
	cfg->tenant_table[tenant] = (uint32_t)ti;
	return 0;
}

static int
parse_route(struct config *cfg, const struct parser *p, char **f, int nf)
{
	struct cfg_route r = { .line = p->line };
	struct cfg_table *t;
	struct in_addr a;
	uint32_t depth, mask;
	char *slash;
	int64_t ti;

	if (nf != 3)
		return perr(p, "route: R<addr>/<depth> <nexthop> <table>");
	slash = strchr(f[0], '/');
	if (slash == NULL)
		return perr(p, "route '%s': <addr>/<depth> expected", f[0]);
	*slash = '\0';
	if (inet_pton(AF_INET, f[0], &a) != 1)
		return perr(p, "route address '%s' malformed", f[0]);
	if (parse_u32(slash + 1, 32, &depth) != 0)
		return perr(p, "prefix length '%s': 0 to 32", slash + 1);
	r.addr = ntohl(a.s_addr);
	r.depth = (uint8_t)depth;
	mask = depth == 0 ? 0 : UINT32_MAX << (32 - depth);
	if ((r.addr & ~mask) != 0)
		return perr(p, "route %s/%u has host bits set", f[0], depth);
	if (parse_u32(f[1], CFG_MAX_NEXTHOPS - 1, &r.nexthop) != 0)
		return perr(p, "next hop '%s': 0 to %d", f[1],
			    CFG_MAX_NEXTHOPS - 1);
	ti = table_index(cfg, p, f[2]);
	if (ti < 0)
		return (int)ti;
	t = &cfg->tables[ti];
	if (t->nb_routes == CFG_MAX_ROUTES)
		return perr(p, "table %s: more than %u routes", t->name,
			    CFG_MAX_ROUTES);
	if (t->nb_routes == t->cap) {
		uint32_t cap = t->cap == 0 ? 16 : t->cap * 2;
		struct cfg_route *nr = realloc(t->routes, cap * sizeof(*nr));

		if (nr == NULL)
			return perr(p, "out of memory");
		t->routes = nr;
		t->cap = cap;
	}
	t->routes[t->nb_routes++] = r;
	return 0;
}

/* Split a line into at most max fields (max + 1: too many), comments cut. */
static int
split(char *line, char **f, int max)
{
	char *save = NULL, *tok;
	int n = 0;

	tok = strchr(line, '#');
	if (tok != NULL)
		*tok = '\0';
	for (tok = strtok_r(line, " \t\r\n", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == max)
			return max + 1;
		f[n++] = tok;
	}
	return n;
}

static int
parse_line(struct config *cfg, const struct parser *p, char *line)
{
	char *f[MAX_FIELDS];
	char **args = f;
	char lead;
	int nf;

	nf = split(line, f, MAX_FIELDS);
	if (nf == 0)
		return 0;
	if (nf > MAX_FIELDS)
		return perr(p, "too many fields");
	lead = f[0][0];
	/* "R10.0.0.0/8 ..." as l3fwd writes it, or "R 10.0.0.0/8 ...". */
	if (f[0][1] != '\0') {
		f[0]++;
	} else {
		args++;
		nf--;
	}
	switch (lead) {
	case 'N':
		return parse_nexthop(cfg, p, args, nf);
	case 'T':
		return parse_tenant(cfg, p, args, nf);
	case 'R':
		return parse_route(cfg, p, args, nf);
	default:
		if (!isprint((unsigned char)lead))
			return perr(p, "unknown record: byte 0x%02x (N, T or R expected)",
				    (unsigned char)lead);
		return perr(p, "unknown record '%c' (N, T or R expected)", lead);
	}
}

static int
route_cmp(const void *a, const void *b)
{
	const struct cfg_route *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The tbl8 groups rte_lpm needs for t's routes, sorted by route_cmp(): one
 * per /24 that holds a route longer than /24 (those routes come last).
 */
static int
count_tbl8(struct cfg_table *t, const struct parser *p)
{
	uint32_t i, n, first = t->nb_routes, *nets;

	while (first > 0 && t->routes[first - 1].depth > 24)
		first--;
	n = t->nb_routes - first;
	t->nb_tbl8 = 0;
	if (n == 0)
		return 0;
	nets = malloc(n * sizeof(*nets));
	if (nets == NULL)
		return perr(p, "out of memory");
	for (i = 0; i < n; i++)
		nets[i] = t->routes[first + i].addr >> 8;
	qsort(nets, n, sizeof(*nets), u32_cmp);
	for (i = 0; i < n; i++)
		t->nb_tbl8 += i == 0 || nets[i] != nets[i - 1];
	free(nets);
	return 0;
}

/* Line of route r, in messages about it. */
static int __attribute__((format(printf, 3, 4)))
route_err(struct parser *p, const struct cfg_route *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->line = r->line;
	return perr(p, "%s", msg);
}

/* Whole-file checks: next hops exist, no prefix twice in a table. */
static int
check(struct config *cfg, struct parser *p)
{
	uint32_t i, j;

	for (i = 0; i < cfg->nb_tables; i++) {
		struct cfg_table *t = &cfg->tables[i];

		for (j = 0; j < t->nb_routes; j++)
			if (!cfg->nexthop[t->routes[j].nexthop].defined)
				return route_err(p, &t->routes[j],
						 "route to undefined next hop %u (no N%u record)",
						 t->routes[j].nexthop,
						 t->routes[j].nexthop);
		if (t->nb_routes > 1)   /* routes is NULL for a table without */
			qsort(t->routes, t->nb_routes, sizeof(*t->routes),
			      route_cmp);
		for (j = 1; j < t->nb_routes; j++) {
			const struct cfg_route *a = &t->routes[j - 1];
			const struct cfg_route *b = &t->routes[j];
			struct in_addr in = { .s_addr = htonl(b->addr) };

			if (route_cmp(a, b) != 0)
				continue;
			/* qsort() is not stable: name the later line. */
			if (b->line < a->line) {
				const struct cfg_route *x = a;

				a = b;
				b = x;
			}
			return route_err(p, b, "route %s/%u of table %s given twice (first at line %u)",
					 inet_ntoa(in), b->depth, t->name,
					 a->line);
		}
		if (count_tbl8(t, p) != 0)
			return -EINVAL;
	}
	return 0;
}

/*
 * Read the next line of f into buf (CFG_LINE_MAX + 1 bytes), without its
 * newline. Returns 1, 0 at the end of the file, or -EINVAL with the reason
 * (a read error, a NUL byte, a line too long): the bound keeps a file with
 * no newline (/dev/zero) from growing a line without end.
 */
static int
read_line(FILE *f, const struct parser *p, char *buf)
{
	size_t n = 0;
	int c;

	for (;;) {
		c = getc(f);
		if (c == EOF) {
			if (ferror(f))
				return perr(p, "cannot read: %s", strerror(errno));
			if (n == 0)
				return 0;
			break;  /* a last line without newline */
		}
		if (c == '\n')
			break;
		if (c == '\0')
			return perr(p, "NUL byte at column %zu (not a text file?)",
				    n + 1);
		if (n == CFG_LINE_MAX)
			return perr(p, "line longer than %d characters",
				    CFG_LINE_MAX);
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return 1;
}

/* Read the records of f into cfg. Returns 0 or -EINVAL (reported). */
static int
read_records(struct config *cfg, struct parser *p, FILE *f)
{
	char *line;
	int ret;

	line = malloc(CFG_LINE_MAX + 1);
	if (line == NULL)
		return perr(p, "out of memory");
	do {
		p->line++;
		ret = read_line(f, p, line);
		if (ret > 0)
			ret = parse_line(cfg, p, line);
	} while (ret == 0 && !feof(f));
	free(line);
	return ret;
}

struct config *
config_load(const char *path, unsigned int flags, char *err, size_t errlen)
{
	struct parser p = {
		.path = path, .err = err, .errlen = errlen,
	};
	struct config *cfg;
	uint32_t i, nb_tenants = 0;
	FILE *f;
	int ret;

	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	cfg->path = path;
	for (i = 0; i < CFG_MAX_TENANTS; i++)
		cfg->tenant_table[i] = CFG_NO_TABLE;
	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(cfg);
		return NULL;
	}
	ret = read_records(cfg, &p, f);
	fclose(f);
	if (ret == 0)
		ret = check(cfg, &p);
	for (i = 0; i < CFG_MAX_TENANTS; i++)
		nb_tenants += cfg->tenant_table[i] != CFG_NO_TABLE;
	if (ret == 0 && nb_tenants == 0 && !(flags & CFG_F_ALLOW_EMPTY)) {
		p.line = 0;
		ret = perr(&p, "no tenant (T record): nothing would be forwarded (--allow-empty starts without tenants)");
	}
	if (ret != 0) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

void
config_free(struct config *cfg)
{
	uint32_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nb_tables; i++)
		free(cfg->tables[i].routes);
	free(cfg->tables);
	free(cfg);
}

const struct cfg_table *
config_tenant_table(const struct config *cfg, uint32_t tenant)
{
	if (tenant >= CFG_MAX_TENANTS ||
	    cfg->tenant_table[tenant] == CFG_NO_TABLE)
		return NULL;
	return &cfg->tables[cfg->tenant_table[tenant]];
}

bool
config_nexthops_equal(const struct config *a, const struct config *b)
{
	uint32_t i;

	if (a->nb_nexthops != b->nb_nexthops)
		return false;
	for (i = 0; i < a->nb_nexthops; i++) {
		const struct cfg_nexthop *x = &a->nexthop[i], *y = &b->nexthop[i];

		if (x->defined != y->defined || x->has_src != y->has_src ||
		    x->port != y->port ||
		    !rte_is_same_ether_addr(&x->dst, &y->dst) ||
		    (x->has_src && !rte_is_same_ether_addr(&x->src, &y->src)))
			return false;
	}
	return true;
}
