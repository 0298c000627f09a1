/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef TEST_MIM_JSONW_H
#define TEST_MIM_JSONW_H

/*
 * A small JSON writer for the command output (as bpftool's json_writer):
 * one writer on stdout, nesting tracked so that commas, names and
 * indentation come out right. A document starts with the first value
 * written at depth 0 and ends when depth comes back to 0, followed by a
 * newline: with --json every command prints one document on one line
 * (--pretty indents it).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Start writing to f; pretty indents nested values by two spaces. */
void jw_init(FILE *f, bool pretty);

/* Documents completed since jw_init(). */
uint64_t jw_documents(void);

/* Whether a document is open (depth > 0). */
bool jw_in_document(void);

/* Abandon an open document: close every open object and array. */
void jw_close_all(void);

/*
 * Capture the documents written from now on in memory instead of writing
 * them out (for expect-error, which nests a command's document in its
 * own). Not nested; no document may be open. Returns 0, or -1 (out of
 * memory: nothing changed).
 */
int jw_capture_begin(void);

/*
 * End the capture: the writer goes back to its stream, where it was.
 * Returns the captured text (free() it; "" if the capture failed) and sets
 * *docs to the number of documents it holds, each ending in a newline.
 */
char *jw_capture_end(uint64_t *docs);

/*
 * Write json, one complete value as jw_capture_end() returned it (one
 * document, its newline included), as the next value.
 */
void jw_raw(const char *json);

void jw_obj_begin(void);
void jw_obj_end(void);
void jw_arr_begin(void);
void jw_arr_end(void);

/* Name of the next value; only inside an object. */
void jw_name(const char *name);

void jw_str(const char *s);
void jw_u64(uint64_t v);
void jw_i64(int64_t v);
void jw_bool(bool v);
void jw_null(void);
/* A string of lowercase hex digits, two per byte. */
void jw_hex(const void *buf, size_t len);

/* name: value, inside an object. */
void jw_kv_str(const char *name, const char *s);
void jw_kv_u64(const char *name, uint64_t v);
void jw_kv_i64(const char *name, int64_t v);
void jw_kv_bool(const char *name, bool v);
void jw_kv_hex(const char *name, const void *buf, size_t len);

#endif /* TEST_MIM_JSONW_H */
