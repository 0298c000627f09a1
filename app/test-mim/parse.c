/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* Argument parsing of test-mim's commands (parse.h). */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

#include "cli.h"
#include "parse.h"
#include "printer.h"
#include "utf8.h"

/* Longest argument text quoted in a message before it is cut. */
#define QUOTE_MAX 48

/* The word in buf for messages, cut to QUOTE_MAX characters with "...". */
static const char *
quote(const struct cli_word *w, char *buf, size_t size)
{
	if (cli_word_copy(w, buf, size < QUOTE_MAX + 4 ? size : QUOTE_MAX + 1)
	    != 0 && size >= 4)
		strcpy(buf + strlen(buf), "...");
	return buf;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A u64 from decimal or 0x hex text; -1 if malformed or above max. */
static int
parse_u64_max(const struct cli_word *w, uint64_t max, uint64_t *v,
	      const char **why)
{
	const char *s = w->s;
	uint32_t i = 0, n = w->len;
	uint64_t x = 0;
	unsigned int base = 10;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == n) {
		*why = "not a number";
		return -1;
	}
	for (; i < n; i++) {
		int d = base == 16 ? hexval(s[i]) :
			(s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);

		if (d < 0) {
			*why = "not a number (decimal, or hex with 0x)";
			return -1;
		}
		if (x > (max - (uint64_t)d) / base) {
			*why = "too large";
			if (max == UINT32_MAX)
				*why = "too large (at most 4294967295)";
			return -1;
		}
		x = x * base + (uint64_t)d;
	}
	*v = x;
	return 0;
}

int
parse_u32(const char *what, const struct cli_word *w, uint32_t *v)
{
	const char *why = NULL;
	char q[QUOTE_MAX + 4];
	uint64_t x;

	if (parse_u64_max(w, UINT32_MAX, &x, &why) != 0)
		return cli_err("%s '%s': %s", what, quote(w, q, sizeof(q)),
			       why);
	*v = (uint32_t)x;
	return 0;
}

int
parse_table(const struct cli_word *w, struct mim_table_info *info)
{
	char name[MIM_NAMESIZE], q[QUOTE_MAX + 4];
	const char *why;
	uint64_t id;
	int ret;

	if (parse_u64_max(w, MIM_ID_MAX, &id, &why) == 0 && id > 0 &&
	    mim_get_info((int)id, info) == 0)
		return 0;
	if (cli_word_copy(w, name, sizeof(name)) != 0)
		return cli_err("table '%s': no such table (not a live table ID, and names have at most %d characters)",
			       quote(w, q, sizeof(q)), MIM_NAMESIZE - 1);
	ret = mim_find(name);
	if (ret < 0 || mim_get_info(ret, info) != 0)
		return cli_err("table '%s': no such table (neither a live table ID nor a table name)",
			       name);
	return 0;
}

/* Flag names, as MIM_F_* (the BPF_F_* names, lowercase, without BPF_F_). */
static const struct {
	const char *name;
	uint32_t flag;
} flag_names[] = {
	{ "no_prealloc", MIM_F_NO_PREALLOC },
	{ "numa_node", MIM_F_NUMA_NODE },
	{ "inner_map", MIM_F_INNER_MAP },
	{ "no_common_lru", MIM_F_NO_COMMON_LRU },
};

int
parse_flags(const struct cli_word *w, uint32_t *flags)
{
	char q[QUOTE_MAX + 4];
	struct cli_word part;
	const char *why;
	uint32_t i, start = 0, end, f = 0;
	uint64_t x;
	size_t k;

	if (w->len > 0 && w->s[0] >= '0' && w->s[0] <= '9') {
		if (parse_u64_max(w, UINT32_MAX, &x, &why) != 0)
			return cli_err("flags '%s': %s", quote(w, q, sizeof(q)),
				       why);
		*flags = (uint32_t)x;
		return 0;
	}
	while (start <= w->len) {
		for (end = start; end < w->len && w->s[end] != '|' &&
		     w->s[end] != ','; end++)
			;
		part.s = w->s + start;
		part.len = end - start;
		for (k = 0; k < RTE_DIM(flag_names); k++)
			if (parse_word_is(&part, flag_names[k].name))
				break;
		if (k == RTE_DIM(flag_names)) {
			char names[128] = "";

			for (i = 0; i < RTE_DIM(flag_names); i++) {
				strcat(names, i > 0 ? ", " : "");
				strcat(names, flag_names[i].name);
			}
			return cli_err("flags '%s': '%.*s' is not a flag (a number, or %s joined by '|')",
				       quote(w, q, sizeof(q)), (int)part.len,
				       part.s, names);
		}
		f |= flag_names[k].flag;
		start = end + 1;
	}
	*flags = f;
	return 0;
}

/*
 * Report the character at byte j of w, which is not a hex digit: quoted
 * whole when it is printable (a multi-byte character too), as a byte value
 * otherwise; counted in characters.
 */
static int
bad_hex_digit(const char *what, const struct cli_word *w, uint32_t j)
{
	size_t l = utf8_char_len(w->s + j, w->len - j);
	unsigned int pos = (unsigned int)utf8_count(w->s, j) + 1;
	uint8_t b = (uint8_t)w->s[j];
	char q[QUOTE_MAX + 4];

	quote(w, q, sizeof(q));
	if (l == 0 || (l == 1 && (b < 0x20 || b == 0x7f)))
		return cli_err("%s '%s': byte 0x%02x (character %u) is not a hex digit",
			       what, q, b, pos);
	return cli_err("%s '%s': '%.*s' (character %u) is not a hex digit",
		       what, q, (int)l, w->s + j, pos);
}

int
parse_hex(const char *what, const struct cli_word *w, void *buf, size_t len,
	  const struct mim_table_info *ti)
{
	char q[QUOTE_MAX + 4], d[64];
	uint8_t *out = buf;
	uint32_t i = 0, n = w->len;
	size_t nbytes;

	if (n >= 2 && w->s[0] == '0' && (w->s[1] == 'x' || w->s[1] == 'X'))
		i = 2;
	for (uint32_t j = i; j < n; j++)
		if (hexval(w->s[j]) < 0)
			return bad_hex_digit(what, w, j);
	if ((n - i) % 2 != 0 || n == i)
		return cli_err("%s '%s': %s", what, quote(w, q, sizeof(q)),
			       n == i ? "no hex digits" :
			       "odd number of hex digits (two per byte)");
	nbytes = (n - i) / 2;
	if (nbytes != len)
		return cli_err("%s '%s': %zu byte%s, but table %s has %s_size %zu",
			       what, quote(w, q, sizeof(q)), nbytes,
			       nbytes == 1 ? "" : "s",
			       table_desc(ti, d, sizeof(d)), what, len);
	for (size_t b = 0; b < len; b++, i += 2)
		out[b] = (uint8_t)(hexval(w->s[i]) << 4 | hexval(w->s[i + 1]));
	return 0;
}

int
parse_prefix(const char *what, const struct cli_word *w, struct mim_lpm_key *k)
{
	char buf[32], q[QUOTE_MAX + 4], *slash;
	struct in_addr a;
	uint32_t plen = 32;

	if (cli_word_copy(w, buf, sizeof(buf)) != 0)
		return cli_err("%s '%s': not an IPv4 prefix a.b.c.d/len", what,
			       quote(w, q, sizeof(q)));
	slash = strchr(buf, '/');
	if (slash != NULL) {
		const char *ls = slash + 1;
		size_t ll = strlen(ls);

		*slash = '\0';
		if (ll == 0 || ll > 2 || !isdigit((unsigned char)ls[0]) ||
		    (ll == 2 && !isdigit((unsigned char)ls[1])) ||
		    atoi(ls) > 32)
			return cli_err("%s '%s': prefix length '%s' is not 0 to 32",
				       what, quote(w, q, sizeof(q)), ls);
		plen = (uint32_t)atoi(ls);
	}
	if (inet_pton(AF_INET, buf, &a) != 1)
		return cli_err("%s '%s': '%s' is not an IPv4 address a.b.c.d",
			       what, quote(w, q, sizeof(q)), buf);
	k->prefixlen = plen;
	k->addr = a.s_addr;  /* network order, as struct mim_lpm_key */
	return 0;
}

int
parse_prefix6(const char *what, const struct cli_word *w,
	      struct mim_lpm6_key *k)
{
	char buf[INET6_ADDRSTRLEN + 8], q[QUOTE_MAX + 4], *slash;
	struct in6_addr a;
	uint32_t plen = 128;

	if (cli_word_copy(w, buf, sizeof(buf)) != 0)
		return cli_err("%s '%s': not an IPv6 prefix addr6/len", what,
			       quote(w, q, sizeof(q)));
	slash = strchr(buf, '/');
	if (slash != NULL) {
		const char *ls = slash + 1;
		size_t ll = strlen(ls);

		*slash = '\0';
		if (ll == 0 || ll > 3 || strspn(ls, "0123456789") != ll ||
		    atoi(ls) > 128)
			return cli_err("%s '%s': prefix length '%s' is not 0 to 128",
				       what, quote(w, q, sizeof(q)), ls);
		plen = (uint32_t)atoi(ls);
	}
	if (inet_pton(AF_INET6, buf, &a) != 1)
		return cli_err("%s '%s': '%s' is not an IPv6 address (as 2001:db8::1)",
			       what, quote(w, q, sizeof(q)), buf);
	k->prefixlen = plen;
	memcpy(k->addr, &a, sizeof(k->addr));  /* network order */
	return 0;
}

int
parse_key(const struct mim_table_info *ti, const struct cli_word *w, void *key)
{
	struct mim_lpm6_key lk6;
	struct mim_lpm_key lk;
	uint32_t idx;

	switch (ti->type) {
	case MIM_TYPE_ARRAY:
	case MIM_TYPE_ARRAY_OF_TABLES:
	case MIM_TYPE_PERCPU_ARRAY:
		if (parse_u32("key (array index)", w, &idx) != 0)
			return -1;
		memcpy(key, &idx, sizeof(idx));
		return 0;
	case MIM_TYPE_LPM:
		if (ti->key_size == sizeof(lk6)) {
			if (parse_prefix6("key", w, &lk6) != 0)
				return -1;
			memcpy(key, &lk6, sizeof(lk6));
			return 0;
		}
		if (parse_prefix("key", w, &lk) != 0)
			return -1;
		memcpy(key, &lk, sizeof(lk));
		return 0;
	default:
		return parse_hex("key", w, key, ti->key_size, ti);
	}
}

int
parse_value(const struct mim_table_info *ti, const struct cli_word *w,
	    void *value)
{
	struct mim_table_info inner;
	const char *why;
	uint64_t id;
	uint32_t v;

	if (!table_is_outer(ti->type))
		return parse_hex("value", w, value, ti->value_size, ti);
	/* An inner table: an ID goes to the library as given (it says
	 * whether a table has it), a name must resolve here.
	 */
	if (parse_u64_max(w, UINT32_MAX, &id, &why) == 0) {
		v = (uint32_t)id;
	} else {
		if (parse_table(w, &inner) != 0)
			return -1;
		v = inner.id;
	}
	memcpy(value, &v, sizeof(v));
	return 0;
}

int
parse_next_word(struct cli_word *rest, struct cli_word *w)
{
	while (rest->len > 0 && (rest->s[0] == ' ' || rest->s[0] == '\t')) {
		rest->s++;
		rest->len--;
	}
	if (rest->len == 0)
		return -1;
	w->s = rest->s;
	w->len = 0;
	while (w->len < rest->len && rest->s[w->len] != ' ' &&
	       rest->s[w->len] != '\t')
		w->len++;
	rest->s += w->len;
	rest->len -= w->len;
	return 0;
}

int
parse_word_is(const struct cli_word *w, const char *s)
{
	size_t n = strlen(s);

	return w->len == n && memcmp(w->s, s, n) == 0;
}
