/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * BTF for the control-plane target, two ways: raw bytes given to btf__new()
 * (libbpf's parser decides what is BTF), or types added one by one with
 * libbpf's btf__add_*() calls from decoded operands. libbpf 1.1 does not
 * check that the type ids a member, typedef or array names exist, so the
 * second way reaches what the library must validate itself: members of
 * type void, dangling ids, typedef loops, sizes that disagree with members,
 * deep nesting. A third way copies a BTF with one byte changed, so that
 * an inner table's types differ from its template's in one place.
 */

#include <linux/btf.h>
#include <bpf/btf.h>

#include <stdlib.h>
#include <string.h>

#include "fuzz_api.h"

#define BTF_MAX_TYPES 12
#define BTF_MAX_MEMBERS 4
#define BTF_RAW_MAX 1024

static const char *const names[] = { NULL, "a", "b", "k", "v", "x" };
static const uint32_t int_sizes[] = { 1, 2, 4, 8, 16, 3, 0, 32 };
static const uint32_t agg_sizes[] = { 4, 8, 16, 6, 12, 0, 2, 32 };

/* A type id: void, one of the types so far, or one past them (dangling). */
static uint32_t
type_ref(struct fz_in *in, const struct btf *btf)
{
	uint8_t b = fz_u8(in);
	uint32_t cnt = btf__type_cnt(btf);

	if (b == 0xff)
		return fz_u32(in);
	return b % (cnt + 1);
}

static void
add_aggregate(struct fz_in *in, struct btf *btf, bool is_union)
{
	const char *name = FZ_PICK(in, names);
	uint32_t size = fz_u8(in) & 0x80 ? fz_u16(in) : FZ_PICK(in, agg_sizes);
	int n = fz_u8(in) % (BTF_MAX_MEMBERS + 1);
	int i;

	if ((is_union ? btf__add_union(btf, name, size) :
			btf__add_struct(btf, name, size)) < 0)
		return;
	for (i = 0; i < n; i++) {
		const char *fname = FZ_PICK(in, names);
		uint32_t type = type_ref(in, btf);
		uint8_t off = fz_u8(in);
		uint32_t bit_off = off & 0x80 ? fz_u16(in) :
			is_union ? 0 : (uint32_t)i * 32;
		uint32_t bits = off & 0x40 ? fz_u8(in) % 33 : 0;

		btf__add_field(btf, fname, (int)type, bit_off, bits);
	}
}

static void
add_enum(struct fz_in *in, struct btf *btf)
{
	int n = fz_u8(in) % 3;
	int i;

	if (btf__add_enum(btf, FZ_PICK(in, names), FZ_PICK(in, int_sizes)) < 0)
		return;
	for (i = 0; i < n; i++)
		btf__add_enum_value(btf, i == 0 ? "e0" : "e1",
				    (int32_t)fz_u8(in));
}

/* One type from one opcode; failures of libbpf's checks are ignored. */
static void
add_type(struct fz_in *in, struct btf *btf)
{
	const char *name;

	switch (fz_u8(in) % 11) {
	case 0:
		name = FZ_PICK(in, names);
		btf__add_int(btf, name != NULL ? name : "int",
			     FZ_PICK(in, int_sizes), fz_u8(in) % 8);
		break;
	case 1:
		add_aggregate(in, btf, false);
		break;
	case 2:
		add_aggregate(in, btf, true);
		break;
	case 3:
		name = FZ_PICK(in, names);
		btf__add_typedef(btf, name != NULL ? name : "t",
				 (int)type_ref(in, btf));
		break;
	case 4:
		btf__add_array(btf, (int)type_ref(in, btf),
			       (int)type_ref(in, btf), fz_u8(in) % 9);
		break;
	case 5:
		btf__add_ptr(btf, (int)type_ref(in, btf));
		break;
	case 6:
		add_enum(in, btf);
		break;
	case 7:
		btf__add_const(btf, (int)type_ref(in, btf));
		break;
	case 8:
		btf__add_volatile(btf, (int)type_ref(in, btf));
		break;
	case 9:
		name = FZ_PICK(in, names);
		btf__add_fwd(btf, name != NULL ? name : "f",
			     fz_u8(in) & 1 ? BTF_FWD_UNION : BTF_FWD_STRUCT);
		break;
	default:
		name = FZ_PICK(in, names);
		btf__add_float(btf, name != NULL ? name : "fl",
			       FZ_PICK(in, int_sizes));
		break;
	}
}

struct btf *
fz_btf_build(struct fz_in *in)
{
	struct btf *btf = btf__new_empty();
	int n = fz_u8(in) % (BTF_MAX_TYPES + 1);
	int i;

	if (btf == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		add_type(in, btf);
	return btf;
}

struct btf *
fz_btf_raw(struct fz_in *in)
{
	size_t len = fz_u16(in) % (BTF_RAW_MAX + 1);
	struct btf *btf;

	if (len > in->left)
		len = in->left;
	btf = btf__new(in->p, (uint32_t)len);
	in->p += len;
	in->left -= len;
	return btf;   /* NULL if libbpf refused the bytes */
}

struct btf *
fz_btf_mutant(struct fz_in *in, const struct btf *src)
{
	uint16_t off = fz_u16(in);
	uint8_t x = fz_u8(in);
	const uint8_t *raw;
	struct btf *btf;
	uint8_t *copy;
	uint32_t len;

	if (src == NULL)
		return NULL;
	raw = btf__raw_data(src, &len);
	if (raw == NULL || len == 0)
		return NULL;
	copy = malloc(len);
	if (copy == NULL)
		abort();
	memcpy(copy, raw, len);
	copy[off % len] ^= x;
	btf = btf__new(copy, len);
	free(copy);
	return btf;
}
