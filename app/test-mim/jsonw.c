/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* JSON writer of the command output (jsonw.h). */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_debug.h>

#include "jsonw.h"
#include "utf8.h"

/* Deeper nesting than any command prints; deeper values are refused. */
#define JW_DEPTH_MAX 16

static struct {
	FILE *f;
	bool pretty;
	unsigned int depth;
	/* Per level: a value was written already (a comma is due). */
	bool has_value[JW_DEPTH_MAX + 1];
	/* Per level: the character that closes it ('}' or ']'). */
	char closer[JW_DEPTH_MAX + 1];
	/* A name was just written: the value follows on the same line. */
	bool after_name;
	uint64_t documents;
} jw = { .f = NULL };

/* While capturing: the writer as it was, and the memory stream's text. */
static struct {
	bool on;
	__typeof__(jw) saved;
	char *text;
	size_t len;
} cap;

void
jw_init(FILE *f, bool pretty)
{
	memset(&jw, 0, sizeof(jw));
	jw.f = f;
	jw.pretty = pretty;
}

uint64_t
jw_documents(void)
{
	return jw.documents;
}

bool
jw_in_document(void)
{
	return jw.depth > 0;
}

/* Newline and indentation for the current depth, in pretty mode. */
static void
jw_indent(void)
{
	unsigned int i;

	if (!jw.pretty)
		return;
	fputc('\n', jw.f);
	for (i = 0; i < jw.depth; i++)
		fputs("  ", jw.f);
}

/* Separator before a value or a name at the current depth. */
static void
jw_sep(void)
{
	if (jw.after_name) {
		jw.after_name = false;
		return;
	}
	if (jw.depth == 0)
		return;
	if (jw.has_value[jw.depth])
		fputc(',', jw.f);
	jw.has_value[jw.depth] = true;
	jw_indent();
}

/* After a complete value: end the document when back at depth 0. */
static void
jw_done(void)
{
	if (jw.depth == 0) {
		fputc('\n', jw.f);
		jw.documents++;
	}
}

/* Open an object or array; nesting is bounded (commands nest < 8). */
static void
jw_open(char open, char close)
{
	RTE_VERIFY(jw.depth < JW_DEPTH_MAX);
	jw_sep();
	fputc(open, jw.f);
	jw.depth++;
	jw.has_value[jw.depth] = false;
	jw.closer[jw.depth] = close;
}

/* Close the innermost open object or array. */
static void
jw_close(void)
{
	bool had;
	char c;

	if (jw.depth == 0)
		return;
	had = jw.has_value[jw.depth];
	c = jw.closer[jw.depth];
	jw.depth--;
	if (had)
		jw_indent();
	fputc(c, jw.f);
	jw_done();
}

int
jw_capture_begin(void)
{
	FILE *f;

	RTE_VERIFY(!cap.on && jw.depth == 0);
	cap.text = NULL;
	cap.len = 0;
	f = open_memstream(&cap.text, &cap.len);
	if (f == NULL)
		return -1;
	cap.saved = jw;
	jw.f = f;
	jw.documents = 0;
	cap.on = true;
	return 0;
}

char *
jw_capture_end(uint64_t *docs)
{
	char *text;

	RTE_VERIFY(cap.on);
	jw_close_all();
	*docs = jw.documents;
	if (fclose(jw.f) != 0 || cap.text == NULL) {
		free(cap.text);
		cap.text = NULL;
		*docs = 0;
	}
	text = cap.text != NULL ? cap.text : strdup("");
	jw = cap.saved;
	cap.on = false;
	return text;
}

void
jw_raw(const char *json)
{
	size_t n = strlen(json);
	size_t i;

	while (n > 0 && json[n - 1] == '\n')
		n--;
	jw_sep();
	/* Pretty text captured at depth 0: indent its lines to this depth
	 * (newlines only come between tokens, strings escape theirs).
	 */
	for (i = 0; i < n; i++) {
		if (json[i] == '\n')
			jw_indent();
		else
			fputc(json[i], jw.f);
	}
	jw_done();
}

void
jw_obj_begin(void)
{
	jw_open('{', '}');
}

void
jw_obj_end(void)
{
	jw_close();
}

void
jw_arr_begin(void)
{
	jw_open('[', ']');
}

void
jw_arr_end(void)
{
	jw_close();
}

void
jw_close_all(void)
{
	/* A name waiting for its value gets null: the document stays valid. */
	if (jw.after_name)
		jw_null();
	while (jw.depth > 0)
		jw_close();
}

/*
 * Write s as a JSON string, escaping what RFC 8259 requires. Strings quote
 * input bytes: whatever is not valid UTF-8 becomes U+FFFD, one per byte,
 * so that every document is valid JSON whatever was typed.
 */
static void
jw_quote(const char *s)
{
	size_t i = 0, n = strlen(s), l;
	unsigned char c;

	fputc('"', jw.f);
	while (i < n) {
		c = (unsigned char)s[i];
		if (c >= 0x80) {
			l = utf8_char_len(s + i, n - i);
			if (l == 0) {
				fputs("\\ufffd", jw.f);
				i++;
			} else {
				fwrite(s + i, 1, l, jw.f);
				i += l;
			}
			continue;
		}
		i++;
		switch (c) {
		case '"':
			fputs("\\\"", jw.f);
			break;
		case '\\':
			fputs("\\\\", jw.f);
			break;
		case '\n':
			fputs("\\n", jw.f);
			break;
		case '\t':
			fputs("\\t", jw.f);
			break;
		case '\r':
			fputs("\\r", jw.f);
			break;
		default:
			if (c < 0x20)
				fprintf(jw.f, "\\u%04x", c);
			else
				fputc(c, jw.f);
		}
	}
	fputc('"', jw.f);
}

void
jw_name(const char *name)
{
	jw_sep();
	jw_quote(name);
	fputs(jw.pretty ? ": " : ":", jw.f);
	jw.after_name = true;
}

void
jw_str(const char *s)
{
	jw_sep();
	jw_quote(s);
	jw_done();
}

void
jw_u64(uint64_t v)
{
	jw_sep();
	fprintf(jw.f, "%" PRIu64, v);
	jw_done();
}

void
jw_i64(int64_t v)
{
	jw_sep();
	fprintf(jw.f, "%" PRId64, v);
	jw_done();
}

void
jw_bool(bool v)
{
	jw_sep();
	fputs(v ? "true" : "false", jw.f);
	jw_done();
}

void
jw_null(void)
{
	jw_sep();
	fputs("null", jw.f);
	jw_done();
}

void
jw_hex(const void *buf, size_t len)
{
	const uint8_t *b = buf;
	size_t i;

	jw_sep();
	fputc('"', jw.f);
	for (i = 0; i < len; i++)
		fprintf(jw.f, "%02x", b[i]);
	fputc('"', jw.f);
	jw_done();
}

void
jw_kv_str(const char *name, const char *s)
{
	jw_name(name);
	jw_str(s);
}

void
jw_kv_u64(const char *name, uint64_t v)
{
	jw_name(name);
	jw_u64(v);
}

void
jw_kv_i64(const char *name, int64_t v)
{
	jw_name(name);
	jw_i64(v);
}

void
jw_kv_bool(const char *name, bool v)
{
	jw_name(name);
	jw_bool(v);
}

void
jw_kv_hex(const char *name, const void *buf, size_t len)
{
	jw_name(name);
	jw_hex(buf, len);
}
