/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef TEST_MIM_PRINTER_H
#define TEST_MIM_PRINTER_H

/*
 * How test-mim shows tables, keys and values, in text and JSON.
 *
 * Keys and values go through an element printer chosen per table by
 * elem_printer_get(). Today every table gets the raw printer: u32 indexes
 * in decimal, LPM keys as a.b.c.d/len, inner table IDs in decimal, other
 * bytes in hex. When tables carry BTF type information, a typed printer
 * (libbpf's btf_dump__dump_type_data()) implements the same interface and
 * elem_printer_get() returns it for those tables; callers do not change.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <mim.h>

/* Shows the keys and values of one table. */
struct elem_printer {
	const char *name;
	/* Key as text on f (one token, no newline). */
	void (*key_text)(FILE *f, const struct mim_table_info *ti,
			 const void *key);
	/* Key as one JSON value. */
	void (*key_json)(const struct mim_table_info *ti, const void *key);
	/* Value as text on f (one token, no newline). */
	void (*value_text)(FILE *f, const struct mim_table_info *ti,
			   const void *value);
	/* Value as one JSON value. */
	void (*value_json)(const struct mim_table_info *ti, const void *value);
};

/* The printer for a table's keys and values. */
const struct elem_printer *elem_printer_get(const struct mim_table_info *ti);

/* Whether a table type holds inner tables. */
bool table_is_outer(uint32_t type);

/* "'name' (id N)", or "(id N)" for an anonymous table, in buf. */
const char *table_desc(const struct mim_table_info *ti, char *buf,
		       size_t len);

/* Type name, "?" for an unknown type. */
const char *table_type_name(uint32_t type);

/* Flags as "0x1000(inner_map)" or "0x0", in buf. */
const char *table_flags_str(uint32_t flags, char *buf, size_t len);

/* Bytes as lowercase hex, two digits per byte, on f. */
void print_hex(FILE *f, const void *buf, size_t len);

/*
 * Table descriptions, shared by show and dump. Text: the bpftool-like
 * lines of `show tables`; verbose adds the socket and the counters.
 */
void print_table_text(const struct mim_table_info *ti, bool verbose);
/* JSON: one object with every field of struct mim_table_info. */
void print_table_json(const struct mim_table_info *ti);

#endif /* TEST_MIM_PRINTER_H */
