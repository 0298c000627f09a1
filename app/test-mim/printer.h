/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef TEST_MIM_PRINTER_H
#define TEST_MIM_PRINTER_H

/*
 * How test-mim shows tables, keys and values, in text and JSON.
 *
 * Keys and values go through an element printer opened per table for one
 * command (elem_printer_open()). Two implementations, chosen by the
 * table:
 * - raw: u32 indexes in decimal, LPM keys as a.b.c.d/len or addr6/len
 *   (inet_ntop's form), inner table IDs in decimal, other bytes in hex;
 * - btf: when the table carries BTF types (mim_get_btf()), keys and values
 *   of those types are printed by libbpf's btf_dump__dump_type_data(); in
 *   JSON the raw form stays under "key"/"value" (stable for scripts) and
 *   the typed text is added under "formatted", as bpftool does.
 * Another printer plugs in as one more struct elem_printer_ops.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <mim.h>

struct elem_printer;

/* One way of printing keys and values. */
struct elem_printer_ops {
	const char *name;
	/* Key, value as text on f (one token-like piece, no newline). */
	void (*key_text)(struct elem_printer *p, FILE *f, const void *key);
	void (*value_text)(struct elem_printer *p, FILE *f, const void *value);
	/* Key, value as one JSON value each (the raw form). */
	void (*key_json)(struct elem_printer *p, const void *key);
	void (*value_json)(struct elem_printer *p, const void *value);
	/*
	 * The typed forms as JSON members "key"/"value" of an object named
	 * "formatted" (value may be NULL); NULL when the printer has none.
	 */
	void (*formatted_json)(struct elem_printer *p, const void *key,
			       const void *value);
	/* Release what the printer holds. */
	void (*close)(struct elem_printer *p);
};

/* A printer open on one table. */
struct elem_printer {
	const struct elem_printer_ops *ops;
	struct mim_table_info ti;
	void *priv;  /* the implementation's */
};

/*
 * Open the printer of table ti (copied): typed when it carries BTF types,
 * raw otherwise or when the typed printer cannot start. Never fails.
 */
struct elem_printer *elem_printer_open(const struct mim_table_info *ti);

/* Close a printer from elem_printer_open(). */
void elem_printer_close(struct elem_printer *p);

/* The raw printer's ops (the typed printer falls back on them). */
extern const struct elem_printer_ops elem_printer_raw_ops;

/*
 * Make p (ops raw, ti set) a typed printer if its table carries BTF types
 * (printer_btf.c). Returns whether it did.
 */
bool elem_printer_btf_init(struct elem_printer *p);

/* Convenience wrappers of the ops. */
void elem_key_text(struct elem_printer *p, FILE *f, const void *key);
void elem_value_text(struct elem_printer *p, FILE *f, const void *value);
void elem_key_json(struct elem_printer *p, const void *key);
void elem_value_json(struct elem_printer *p, const void *value);
/* "formatted": {...} inside the current object, when the printer has it. */
void elem_formatted_json(struct elem_printer *p, const void *key,
			 const void *value);

/* Whether a table type holds inner tables. */
bool table_is_outer(uint32_t type);

/*
 * Per-lcore values (printer_percpu.c). A PERCPU_ARRAY table's value
 * buffer, for mim_lookup_elem_sz() and mim_update_elem_sz(), holds
 * mim_percpu_nb_copies() copies of value_size bytes, each copy's start
 * elem_copy_stride() bytes after the previous one's (lcore i's copy is the
 * i-th); other tables' holds one value of value_size bytes.
 */
bool table_is_percpu(uint32_t type);
/* value_size rounded up to 8: from one copy to the next. */
size_t elem_copy_stride(const struct mim_table_info *ti);
/* Copies in a value buffer of ti: mim_percpu_nb_copies(), or 1. */
uint32_t elem_nb_copies(const struct mim_table_info *ti);
/* Bytes of a value buffer of ti. */
size_t elem_value_buf_size(const struct mim_table_info *ti);
/*
 * A value buffer as text: "value: V", or on a per-lcore table "values:"
 * then every copy, consecutive lcores with equal copies as one item
 * ("lcore 0: V; lcores 1-127: W").
 */
void elem_values_text(struct elem_printer *p, FILE *f, const void *value);
/*
 * A value buffer as JSON members of the current object: "value" and
 * "formatted" (elem_formatted_json() of key and value); on a per-lcore
 * table "formatted" of the key, then "values": one {"lcore", "value"}
 * object per copy (with "formatted" of the copy when typed).
 */
void elem_values_json(struct elem_printer *p, const void *key,
		      const void *value);

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
