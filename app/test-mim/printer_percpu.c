/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Values of per-lcore tables (MIM_TYPE_PERCPU_ARRAY): the control plane
 * reads and writes a buffer of mim_percpu_nb_copies() copies, each
 * value_size rounded up to 8 bytes, copy i being lcore i's (printer.h).
 * Every copy is shown: in text, runs of consecutive lcores whose copies
 * are equal as one "lcores a-b" item; in JSON, one object per copy.
 */

#include <inttypes.h>
#include <string.h>

#include <rte_common.h>

#include "jsonw.h"
#include "printer.h"

bool
table_is_percpu(uint32_t type)
{
	return type == MIM_TYPE_PERCPU_ARRAY || type == MIM_TYPE_PERCPU_HASH;
}

size_t
elem_copy_stride(const struct mim_table_info *ti)
{
	return RTE_ALIGN_CEIL((size_t)ti->value_size, 8);
}

uint32_t
elem_nb_copies(const struct mim_table_info *ti)
{
	return table_is_percpu(ti->type) ? mim_percpu_nb_copies() : 1;
}

size_t
elem_value_buf_size(const struct mim_table_info *ti)
{
	if (!table_is_percpu(ti->type))
		return ti->value_size;
	return (size_t)mim_percpu_nb_copies() * elem_copy_stride(ti);
}

void
elem_values_text(struct elem_printer *p, FILE *f, const void *value)
{
	const uint8_t *v = value;
	size_t stride = elem_copy_stride(&p->ti);
	uint32_t n = elem_nb_copies(&p->ti), i, j;

	if (!table_is_percpu(p->ti.type)) {
		fputs("value: ", f);
		elem_value_text(p, f, value);
		return;
	}
	fputs("values:", f);
	for (i = 0; i < n; i = j) {
		/* The padding after value_size bytes is not compared. */
		for (j = i + 1; j < n && memcmp(v + i * stride, v + j * stride,
						p->ti.value_size) == 0; j++)
			;
		if (j - i == 1)
			fprintf(f, "%s lcore %" PRIu32 ": ", i > 0 ? ";" : "", i);
		else
			fprintf(f, "%s lcores %" PRIu32 "-%" PRIu32 ": ",
				i > 0 ? ";" : "", i, j - 1);
		elem_value_text(p, f, v + i * stride);
	}
}

void
elem_values_json(struct elem_printer *p, const void *key, const void *value)
{
	const uint8_t *v = value;
	size_t stride = elem_copy_stride(&p->ti);
	uint32_t n = elem_nb_copies(&p->ti), i;

	if (!table_is_percpu(p->ti.type)) {
		jw_name("value");
		elem_value_json(p, value);
		elem_formatted_json(p, key, value);
		return;
	}
	elem_formatted_json(p, key, NULL);
	jw_name("values");
	jw_arr_begin();
	for (i = 0; i < n; i++) {
		jw_obj_begin();
		jw_kv_u64("lcore", i);
		jw_name("value");
		elem_value_json(p, v + i * stride);
		elem_formatted_json(p, NULL, v + i * stride);
		jw_obj_end();
	}
	jw_arr_end();
}
