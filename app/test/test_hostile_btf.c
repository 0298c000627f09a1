/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * BTF from outside: types libbpf's btf__new() accepts but no table may
 * take (members of type void, typedefs that loop or name nothing, types
 * that contain themselves or members beyond their size) are refused at
 * mim_create() with the type id named; and comparisons with a template
 * whose types repeat (2^30 paths through 31 types) finish at once, while
 * a comparison with no repetition to exploit is bounded. The same through
 * mim_bpf_import() on bpf/hostile.bpf.c (MIM_BPF_HOSTILE_OBJ), as clang
 * built it and with one union's member types rewritten to void.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <bpf/btf.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"

/* An array table of key_size 4 whose BTF key type is id. */
static int
keyed(const char *name, const struct btf *btf, int id)
{
	MIM_OPTS(mim_create_opts, o, .btf = btf,
		 .btf_key_type_id = (uint32_t)id);

	return mim_create(MIM_TYPE_ARRAY, name, 4, 4, 4, &o);
}

static int
test_btf_refused(void)
{
	struct btf *b = btf__new_empty();
	int u32 = btf__add_int(b, "unsigned int", 4, 0);
	int s, td, loop;

	/* struct k { void x; }: the member names type 0. */
	s = btf__add_struct(b, "k", 4);
	btf__add_field(b, "x", 0, 0, 0);
	TEST_ASSERT_ERR(keyed("t", b, s), EINVAL,
			"names void (type 0) where a sized type is needed");
	/* A member that is a typedef of void. */
	td = btf__add_typedef(b, "nothing", 0);
	s = btf__add_struct(b, "k2", 4);
	btf__add_field(b, "x", td, 0, 0);
	TEST_ASSERT_ERR(keyed("t", b, s), EINVAL, "names void");
	/* A member naming a type id the BTF does not have. */
	s = btf__add_struct(b, "k3", 4);
	btf__add_field(b, "x", 999, 0, 0);
	TEST_ASSERT_ERR(keyed("t", b, s), EINVAL,
			"names type id 999, which does not exist");
	/* Typedefs that name each other; as a member and as the key type. */
	loop = btf__add_typedef(b, "loop", btf__type_cnt(b) + 1);
	btf__add_typedef(b, "loop2", loop);
	s = btf__add_struct(b, "k4", 4);
	btf__add_field(b, "x", loop, 0, 0);
	TEST_ASSERT_ERR(keyed("t", b, s), EINVAL,
			"typedefs and qualifiers loop");
	TEST_ASSERT_ERR(keyed("t", b, loop), EINVAL,
			"typedefs and qualifiers loop");
	/* A struct that contains itself. */
	s = btf__add_struct(b, "k5", 4);
	btf__add_field(b, "self", s, 0, 0);
	TEST_ASSERT_ERR(keyed("t", b, s), EINVAL, "contains itself");
	/* A member beyond the struct's size (btf__new() does not check). */
	s = btf__add_struct(b, "k6", 4);
	btf__add_field(b, "a", u32, 0, 0);
	btf__add_field(b, "b", u32, 32, 0);
	TEST_ASSERT_ERR(keyed("t", b, s), EINVAL,
			"member 1 ends beyond the type's size");
	/* A function prototype is not data. */
	s = btf__add_func_proto(b, u32);
	TEST_ASSERT_ERR(keyed("t", b, s), EINVAL, "of BTF kind 13");
	btf__free(b);
	return TEST_SUCCESS;
}

/*
 * depth nested structs of 4 bytes, each with two members of the one
 * below; returns the outermost.
 */
static int
nested(struct btf *b, int depth)
{
	int prev = btf__add_int(b, "int", 4, BTF_INT_SIGNED), top = prev, d;
	char n[16];

	for (d = 0; d < depth; d++) {
		snprintf(n, sizeof(n), "s%d", d);
		top = btf__add_struct(b, n, 4);
		btf__add_field(b, "a", prev, 0, 0);
		btf__add_field(b, "b", prev, 0, 0);
		prev = top;
	}
	return top;
}

static int
test_btf_repeated(void)
{
	struct btf *b = btf__new_empty(), *deeper = btf__new_empty();
	int top = nested(b, 30), tmpl, inner, outer;

	tmpl = keyed("tmpl", b, top);
	inner = keyed("inner", b, top);
	TEST_ASSERT_OK(tmpl);
	TEST_ASSERT_OK(inner);
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "outer", 4, tmpl);
	TEST_ASSERT_OK(outer);
	/* 2^30 paths, 31 pairs of types: compared once each. */
	TEST_ASSERT_OK(autotest_put(outer, 0, inner));
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(inner));
	TEST_ASSERT_OK(mim_close(tmpl));
	/* Nesting is bounded as the kernel's (MAX_RESOLVE_DEPTH). */
	TEST_ASSERT_ERR(keyed("t", deeper, nested(deeper, 34)), EINVAL,
			"nests more than 32 levels deep");
	btf__free(deeper);
	btf__free(b);
	return TEST_SUCCESS;
}

#define WIDE 110

/*
 * Three levels of 4-byte unions of WIDE members: a root of WIDE middle
 * unions, each of all WIDE lower unions, each of WIDE ints. With shift,
 * middle union j lists the lower unions rotated by j, so that a template
 * built with shift meets every pair of lower unions: WIDE^3 steps.
 */
static int
wide(struct btf *b, int shift)
{
	int lower[WIDE], middle[WIDE], i, j, root, u32;
	char n[16];

	u32 = btf__add_int(b, "unsigned int", 4, 0);
	for (i = 0; i < WIDE; i++) {
		snprintf(n, sizeof(n), "l%d", i);
		lower[i] = btf__add_union(b, n, 4);
		for (j = 0; j < WIDE; j++) {
			snprintf(n, sizeof(n), "m%d", j);
			btf__add_field(b, n, u32, 0, 0);
		}
	}
	for (i = 0; i < WIDE; i++) {
		snprintf(n, sizeof(n), "mid%d", i);
		middle[i] = btf__add_union(b, n, 4);
		for (j = 0; j < WIDE; j++) {
			snprintf(n, sizeof(n), "m%d", j);
			btf__add_field(b, n, lower[(j + i * shift) % WIDE], 0, 0);
		}
	}
	root = btf__add_union(b, "root", 4);
	for (i = 0; i < WIDE; i++) {
		snprintf(n, sizeof(n), "m%d", i);
		btf__add_field(b, n, middle[i], 0, 0);
	}
	return root;
}

static int
test_btf_budget(void)
{
	struct btf *bi = btf__new_empty(), *bt = btf__new_empty();
	int tmpl, inner, outer;

	tmpl = keyed("tmpl", bt, wide(bt, 1));
	inner = keyed("inner", bi, wide(bi, 0));
	TEST_ASSERT_OK(tmpl);
	TEST_ASSERT_OK(inner);
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "outer", 4, tmpl);
	TEST_ASSERT_ERR(autotest_put(outer, 0, inner), EINVAL,
			"BTF key type differs from the template's: the comparison gave up after 1048576 steps");
	/* The same shape without the rotation compares in a few steps. */
	TEST_ASSERT_OK(mim_close(inner));
	btf__free(bi);
	bi = btf__new_empty();
	inner = keyed("inner", bi, wide(bi, 1));
	TEST_ASSERT_OK(autotest_put(outer, 0, inner));
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(inner));
	TEST_ASSERT_OK(mim_close(tmpl));
	btf__free(bi);
	btf__free(bt);
	return TEST_SUCCESS;
}

#define MAX_MAPS 8

static int
test_import_repeated(void)
{
	const char *path = getenv("MIM_BPF_HOSTILE_OBJ");
	struct mim_bpf_map m[MAX_MAPS];
	const struct mim_bpf_map *x;
	uint32_t slot = 0, id;
	int n;

	/* libbpf's own error codes, in words. */
	TEST_ASSERT_ERR(mim_bpf_import("/etc/hostname", NULL, m, MAX_MAPS),
			EINVAL, "BPF object format invalid");
	if (path == NULL)
		return TEST_SKIPPED;
	n = mim_bpf_import(path, NULL, m, MAX_MAPS);
	TEST_ASSERT_EQUAL(n, 4, "%s", mim_last_error());
	x = autotest_bpf_map(m, n, "deep_outer");
	TEST_ASSERT(x != NULL && x->id > 0, "%s", x != NULL ? x->reason : "");
	TEST_ASSERT_OK(mim_lookup_elem(x->id, &slot, &id));
	TEST_ASSERT_EQUAL(id, (uint32_t)autotest_bpf_map(m, n, "deep0")->id, "");
	autotest_bpf_close(m, n);
	return TEST_SUCCESS;
}

/* Set the member types of union name in a copy of an ELF's .BTF to 0. */
static int
void_members(uint8_t *elf, size_t len, const char *name)
{
	uint64_t shoff, btf_off = 0;
	uint16_t shentsize, shnum, shstrndx, i;
	uint32_t hlen, toff, tlen, soff, p, end;
	uint64_t stroff;
	int done = 0;

	memcpy(&shoff, elf + 0x28, 8);
	memcpy(&shentsize, elf + 0x3a, 2);
	memcpy(&shnum, elf + 0x3c, 2);
	memcpy(&shstrndx, elf + 0x3e, 2);
	if (shoff + (uint64_t)shnum * shentsize > len)
		return -1;
	memcpy(&stroff, elf + shoff + shstrndx * shentsize + 0x18, 8);
	for (i = 0; i < shnum; i++) {
		uint32_t nm;

		memcpy(&nm, elf + shoff + i * shentsize, 4);
		if (strcmp((const char *)elf + stroff + nm, ".BTF") == 0)
			memcpy(&btf_off, elf + shoff + i * shentsize + 0x18, 8);
	}
	if (btf_off == 0)
		return -1;
	memcpy(&hlen, elf + btf_off + 4, 4);
	memcpy(&toff, elf + btf_off + 8, 4);
	memcpy(&tlen, elf + btf_off + 12, 4);
	memcpy(&soff, elf + btf_off + 16, 4);
	p = (uint32_t)btf_off + hlen + toff;
	end = p + tlen;
	while (p < end) {
		struct btf_type t;
		uint16_t vlen;

		memcpy(&t, elf + p, sizeof(t));
		vlen = BTF_INFO_VLEN(t.info);
		p += sizeof(t);
		switch (BTF_INFO_KIND(t.info)) {
		case BTF_KIND_INT: case BTF_KIND_DECL_TAG:
			p += 4;
			break;
		case BTF_KIND_ARRAY:
			p += sizeof(struct btf_array);
			break;
		case BTF_KIND_STRUCT: case BTF_KIND_UNION:
			if (strcmp((const char *)elf + btf_off + hlen + soff +
				   t.name_off, name) == 0) {
				for (i = 0; i < vlen; i++)
					memset(elf + p + i * 12 + 4, 0, 4);
				done++;
			}
			p += 12 * vlen;
			break;
		case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO:
			p += 8 * vlen;
			break;
		case BTF_KIND_VAR:
			p += 4;
			break;
		case BTF_KIND_DATASEC: case BTF_KIND_ENUM64:
			p += 12 * vlen;
			break;
		default:
			break;
		}
	}
	return done;
}

static int
test_import_void_member(void)
{
	const char *path = getenv("MIM_BPF_HOSTILE_OBJ");
	char tmp[] = "/tmp/mim_hostile_XXXXXX";
	struct mim_bpf_map m[MAX_MAPS];
	const struct mim_bpf_map *x;
	uint8_t buf[65536];
	ssize_t len;
	int fd, n;

	if (path == NULL)
		return TEST_SKIPPED;
	fd = open(path, O_RDONLY);
	TEST_ASSERT(fd >= 0, "%s", path);
	len = read(fd, buf, sizeof(buf));
	close(fd);
	TEST_ASSERT(len > 0 && (size_t)len < sizeof(buf), "");
	TEST_ASSERT_EQUAL(void_members(buf, (size_t)len, "v0"), 1, "");
	fd = mkstemp(tmp);
	TEST_ASSERT(fd >= 0, "");
	TEST_ASSERT_EQUAL(write(fd, buf, (size_t)len), len, "");
	close(fd);
	n = mim_bpf_import(tmp, NULL, m, MAX_MAPS);
	unlink(tmp);
	TEST_ASSERT_EQUAL(n, 4, "%s", mim_last_error());
	/* The maps typed with it are skipped, the others made. */
	x = autotest_bpf_map(m, n, "void0");
	TEST_ASSERT(x != NULL && x->id == -EINVAL, "");
	TEST_ASSERT(strstr(x->reason, "names void (type 0)") != NULL, "%s",
		    x->reason);
	x = autotest_bpf_map(m, n, "void_outer");
	TEST_ASSERT(x != NULL && x->id < 0, "");
	TEST_ASSERT(autotest_bpf_map(m, n, "deep_outer")->id > 0, "");
	autotest_bpf_close(m, n);
	return TEST_SUCCESS;
}

static const struct autotest_case hostile_btf_cases[] = {
	TEST_CASE(test_btf_refused),
	TEST_CASE(test_btf_repeated),
	TEST_CASE(test_btf_budget),
	TEST_CASE(test_import_repeated),
	TEST_CASE(test_import_void_member),
	TEST_CASES_END(),
};

static struct autotest_suite hostile_btf_suite = {
	.name = "hostile_btf",
	.help = "BTF from outside: refused at creation, compared in bounded work",
	.cases = hostile_btf_cases,
};
REGISTER_AUTOTEST(hostile_btf_suite);
