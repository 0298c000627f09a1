/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef TEST_MIM_PARSE_H
#define TEST_MIM_PARSE_H

/*
 * Parsing of command arguments. Every function reports what is wrong with
 * cli_err() (naming the argument and quoting the text) and returns -1, or
 * returns 0; nothing is changed on failure.
 *
 * Formats:
 * - numbers: decimal, or hex with 0x; u32 unless said otherwise;
 * - tables: a table ID, or a table name (an all-digit word is an ID if a
 *   live table has it, else a name);
 * - keys, by table type: arrays (arrays of tables, per-lcore arrays) a
 *   u32 index; LPM a.b.c.d/len (a.b.c.d alone is /32) with key_size 8,
 *   addr6/len (addr6 alone is /128) with key_size 20; hashes hex bytes,
 *   exactly key_size of them, with an optional 0x;
 * - values: outer tables a table ID or name; others hex bytes, exactly
 *   value_size of them (per-lcore arrays: one copy's; update spreads it).
 */

#include <stdint.h>

#include <mim.h>

#include "cli_token.h"

/* A u32 named what (for messages). */
int parse_u32(const char *what, const struct cli_word *w, uint32_t *v);

/* A table: fills info of the live table the word names. */
int parse_table(const struct cli_word *w, struct mim_table_info *info);

/*
 * Table flags: a number, or names joined by '|' or ',' (no_prealloc,
 * numa_node, inner_map).
 */
int parse_flags(const struct cli_word *w, uint32_t *flags);

/* Exactly len bytes of hex into buf; what and ti name them in messages. */
int parse_hex(const char *what, const struct cli_word *w, void *buf,
	      size_t len, const struct mim_table_info *ti);

/* An IPv4 prefix a.b.c.d/len, or a.b.c.d for /32. */
int parse_prefix(const char *what, const struct cli_word *w,
		 struct mim_lpm_key *k);

/*
 * An IPv6 prefix addr6/len (len 0 to 128), or addr6 alone for /128; the
 * address as inet_pton(AF_INET6) takes it.
 */
int parse_prefix6(const char *what, const struct cli_word *w,
		  struct mim_lpm6_key *k);

/* A key of table ti into key (ti->key_size bytes). */
int parse_key(const struct mim_table_info *ti, const struct cli_word *w,
	      void *key);

/* A value of table ti into value (ti->value_size bytes). */
int parse_value(const struct mim_table_info *ti, const struct cli_word *w,
		void *value);

/*
 * Split the next blank-separated word off *rest (advancing it). Returns 0,
 * or -1 at the end.
 */
int parse_next_word(struct cli_word *rest, struct cli_word *w);

/* Whether a word is exactly s. */
int parse_word_is(const struct cli_word *w, const char *s);

#endif /* TEST_MIM_PARSE_H */
