/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The typed element printer: keys and values of tables that carry BTF
 * types, printed with libbpf's btf_dump__dump_type_data() (printer.h).
 *
 * The BTF object belongs to the library (mim_get_btf()) and lives as long
 * as the table. A printer is open for one command only, on the main lcore,
 * and the calls a command makes while it prints (lookups, iteration, info)
 * never release a table, so the object outlives the printer.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "jsonw.h"
#include "printer.h"

struct btf_printer {
	const struct btf *btf;
	struct btf_dump *dump;
	uint32_t key_type;
	uint32_t value_type;
	FILE *out;  /* where btf_dump prints the current element */
};

/* btf_dump's output callback: into the current element's stream. */
static void
btf_printer_vprintf(void *ctx, const char *fmt, va_list args)
{
	struct btf_printer *b = ctx;

	if (b->out != NULL)
		vfprintf(b->out, fmt, args);
}

/*
 * The typed text of size bytes at data, of BTF type id, on one line:
 * a malloc'ed string, or NULL if libbpf cannot print it.
 */
static char *
btf_printer_text(struct btf_printer *b, uint32_t id, const void *data,
		 size_t size)
{
	LIBBPF_OPTS(btf_dump_type_data_opts, opts, .compact = true,
		    .emit_zeroes = true);
	char *buf = NULL, *c;
	size_t len = 0;
	int ret;

	b->out = open_memstream(&buf, &len);
	if (b->out == NULL)
		return NULL;
	ret = btf_dump__dump_type_data(b->dump, id, data, size, &opts);
	fclose(b->out);
	b->out = NULL;
	if (ret < 0) {
		free(buf);
		return NULL;
	}
	/* Compact output may still end in a newline: one line. */
	for (c = buf; *c != '\0'; c++)
		if (*c == '\n')
			*c = ' ';
	while (len > 0 && buf[len - 1] == ' ')
		buf[--len] = '\0';
	return buf;
}

static struct btf_printer *
priv(struct elem_printer *p)
{
	return p->priv;
}

static void
btf_key_text(struct elem_printer *p, FILE *f, const void *key)
{
	struct btf_printer *b = priv(p);
	char *s = NULL;

	if (b->key_type != 0)
		s = btf_printer_text(b, b->key_type, key, p->ti.key_size);
	if (s == NULL) {
		elem_printer_raw_ops.key_text(p, f, key);
		return;
	}
	fputs(s, f);
	free(s);
}

static void
btf_value_text(struct elem_printer *p, FILE *f, const void *value)
{
	struct btf_printer *b = priv(p);
	char *s = NULL;

	if (b->value_type != 0)
		s = btf_printer_text(b, b->value_type, value, p->ti.value_size);
	if (s == NULL) {
		elem_printer_raw_ops.value_text(p, f, value);
		return;
	}
	fputs(s, f);
	free(s);
}

/* "formatted": {"key": "...", "value": "..."}, the members that are typed. */
static void
btf_formatted_json(struct elem_printer *p, const void *key, const void *value)
{
	struct btf_printer *b = priv(p);
	char *ks = NULL, *vs = NULL;

	if (key != NULL && b->key_type != 0)
		ks = btf_printer_text(b, b->key_type, key, p->ti.key_size);
	if (value != NULL && b->value_type != 0)
		vs = btf_printer_text(b, b->value_type, value, p->ti.value_size);
	if (ks == NULL && vs == NULL)
		return;
	jw_name("formatted");
	jw_obj_begin();
	if (ks != NULL)
		jw_kv_str("key", ks);
	if (vs != NULL)
		jw_kv_str("value", vs);
	jw_obj_end();
	free(ks);
	free(vs);
}

static void
btf_close(struct elem_printer *p)
{
	struct btf_printer *b = priv(p);

	btf_dump__free(b->dump);
	free(b);
	p->priv = NULL;
}

/* JSON keeps the raw forms; the typed ones go under "formatted". */
static void
btf_key_json(struct elem_printer *p, const void *key)
{
	elem_printer_raw_ops.key_json(p, key);
}

static void
btf_value_json(struct elem_printer *p, const void *value)
{
	elem_printer_raw_ops.value_json(p, value);
}

static const struct elem_printer_ops btf_printer_ops = {
	.name = "btf",
	.key_text = btf_key_text,
	.value_text = btf_value_text,
	.key_json = btf_key_json,
	.value_json = btf_value_json,
	.formatted_json = btf_formatted_json,
	.close = btf_close,
};

bool
elem_printer_btf_init(struct elem_printer *p)
{
	uint32_t key_type = 0, value_type = 0;
	const struct btf *btf = NULL;
	struct btf_printer *b;

	if (p->ti.btf_key_type_id == 0 && p->ti.btf_value_type_id == 0)
		return false;
	if (mim_get_btf((int)p->ti.id, &btf, &key_type, &value_type) != 0 ||
	    btf == NULL)
		return false;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return false;
	b->btf = btf;
	b->key_type = key_type;
	b->value_type = value_type;
	b->dump = btf_dump__new(btf, btf_printer_vprintf, b, NULL);
	if (b->dump == NULL) {
		free(b);
		return false;
	}
	p->priv = b;
	p->ops = &btf_printer_ops;
	return true;
}
