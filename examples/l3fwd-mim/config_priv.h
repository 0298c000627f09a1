/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef L3FWD_MIM_CONFIG_PRIV_H
#define L3FWD_MIM_CONFIG_PRIV_H

/* Shared by the configuration parser's files (config.c, route.c). */

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct parser {
	const char *path;
	unsigned int line;          /* 0: the file as a whole */
	char *err;
	size_t errlen;
};

/** Write "path:line: reason" into p's err; returns -EINVAL. */
int perr(const struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Decimal digits only, at most max; 0 or -EINVAL. */
int parse_u32(const char *s, uint32_t max, uint32_t *v);

/** Index of the table called name, created if new; < 0 (reported). */
int64_t table_index(struct config *cfg, const struct parser *p,
		    const char *name);

/** An R record's fields after the lead: IPv4 or IPv6. 0 or -EINVAL. */
int route_parse(struct config *cfg, const struct parser *p, char **f, int nf);

/**
 * Check a table's routes once the file is read (next hops defined, no
 * prefix twice) and sort them. 0 or -EINVAL with the route's line.
 */
int route_check_table(const struct config *cfg, struct cfg_table *t,
		      struct parser *p);

#endif /* L3FWD_MIM_CONFIG_PRIV_H */
