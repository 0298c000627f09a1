/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Configuration file parser. One record per line, l3fwd's route file style
 * (a lead character glued to the first field, '#' starts a comment):
 *
 *   N<id> <port> <dst-mac> [<src-mac>]      next hop
 *   T<tenant> <table>                       tenant uses table
 *   R<addr>/<depth> <nexthop> <table>       route of table (IPv4 or IPv6)
 *
 * Tenants naming the same table share its inner LPM tables (one per
 * family). Route records are parsed in route.c.
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_priv.h"

#define MAX_FIELDS 6

int
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

int
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

/* FNV-1a of a table name: the name hash's home slot. */
static uint32_t
name_slot(const char *name)
{
	uint32_t h = 2166136261u;

	while (*name != '\0')
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return h & (CFG_NAME_HASH_SIZE - 1);
}

/*
 * Index of the table called name, created if new; < 0 on error. The names
 * are hashed (open addressing, at most half full as CFG_NAME_HASH_SIZE is
 * twice CFG_MAX_TABLES): a file of many tables parses in linear time.
 */
int64_t
table_index(struct config *cfg, const struct parser *p, const char *name)
{
	struct cfg_table *t;
	uint32_t h, cap;

	if (!valid_table_name(name))
		return perr(p, "table name '%s': 1 to %d characters from [A-Za-z0-9_-]",
			    name, CFG_TABLE_NAMESIZE - 1);
	for (h = name_slot(name); cfg->name_hash[h] != 0;
	     h = (h + 1) & (CFG_NAME_HASH_SIZE - 1))
		if (strcmp(cfg->tables[cfg->name_hash[h] - 1].name, name) == 0)
			return cfg->name_hash[h] - 1;
	if (cfg->nb_tables == CFG_MAX_TABLES)
		return perr(p, "table %s: more than %d tables (each tenant uses one)",
			    name, CFG_MAX_TABLES);
	if (cfg->nb_tables == cfg->tables_cap) {
		/* Doubling: n tables take O(log n) reallocations. */
		cap = cfg->tables_cap == 0 ? 16 : cfg->tables_cap * 2;
		t = realloc(cfg->tables, cap * sizeof(*t));
		if (t == NULL)
			return perr(p, "out of memory");
		cfg->tables = t;
		cfg->tables_cap = cap;
	}
	cfg->name_hash[h] = cfg->nb_tables + 1;
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
	cfg->nb_tenants++;
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
		return route_parse(cfg, p, args, nf);
	default:
		if (!isprint((unsigned char)lead))
			return perr(p, "unknown record: byte 0x%02x (N, T or R expected)",
				    (unsigned char)lead);
		return perr(p, "unknown record '%c' (N, T or R expected)", lead);
	}
}

/* Whole-file checks: next hops exist, no prefix twice in a table. */
static int
check(struct config *cfg, struct parser *p)
{
	uint32_t i;
	int ret;

	for (i = 0; i < cfg->nb_tables; i++) {
		ret = route_check_table(cfg, &cfg->tables[i], p);
		if (ret != 0)
			return ret;
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
	uint32_t i;
	FILE *f;
	int ret;

	cfg = calloc(1, sizeof(*cfg));
	if (cfg != NULL) {
		cfg->name_hash = calloc(CFG_NAME_HASH_SIZE,
					sizeof(*cfg->name_hash));
		if (cfg->name_hash == NULL) {
			free(cfg);
			cfg = NULL;
		}
	}
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
		config_free(cfg);
		return NULL;
	}
	ret = read_records(cfg, &p, f);
	fclose(f);
	if (ret == 0)
		ret = check(cfg, &p);
	if (ret == 0 && cfg->nb_tenants == 0 && !(flags & CFG_F_ALLOW_EMPTY)) {
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
	for (i = 0; i < cfg->nb_tables; i++) {
		free(cfg->tables[i].routes);
		free(cfg->tables[i].routes6);
	}
	free(cfg->tables);
	free(cfg->name_hash);
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
