/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * BTF-typed tables: types checked against sizes at creation, kept after
 * the caller frees its BTF, shared between tables, and compared member by
 * member against a template, with the first difference named.
 */

#include <errno.h>

#include <bpf/btf.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"

enum variant {
	BASE,           /* struct nexthop { u16 port; u8 mac[6]; u16 vlan; u16 pad; } */
	RENAMED,        /* vlan is called tag */
	MOVED,          /* mac one byte later (port is u8 + pad) */
	SIGNED,         /* vlan is a signed short */
	SHORTER_MAC,    /* mac[4] and two more bytes of padding */
};

struct typed {
	struct btf *btf;
	uint32_t value;   /* struct nexthop */
	uint32_t key;     /* struct lpm key { u32 prefixlen; u8 addr[4]; } */
};

static struct typed
mk_btf(enum variant v)
{
	struct typed t = { .btf = btf__new_empty() };
	int u8 = btf__add_int(t.btf, "unsigned char", 1, 0);
	int u16 = btf__add_int(t.btf, "unsigned short", 2, 0);
	int s16 = btf__add_int(t.btf, "short", 2, BTF_INT_SIGNED);
	int u32 = btf__add_int(t.btf, "unsigned int", 4, 0);
	int mac = btf__add_array(t.btf, u32, u8, v == SHORTER_MAC ? 4 : 6);
	int a4 = btf__add_array(t.btf, u32, u8, 4);

	t.value = (uint32_t)btf__add_struct(t.btf, "nexthop", 12);
	btf__add_field(t.btf, "port", v == MOVED ? u8 : u16, 0, 0);
	btf__add_field(t.btf, "mac", mac, v == MOVED ? 24 : 16, 0);
	btf__add_field(t.btf, v == RENAMED ? "tag" : "vlan",
		       v == SIGNED ? s16 : u16, 64, 0);
	btf__add_field(t.btf, "pad", u16, 80, 0);
	t.key = (uint32_t)btf__add_struct(t.btf, "lpm_key", 8);
	btf__add_field(t.btf, "prefixlen", u32, 0, 0);
	btf__add_field(t.btf, "addr", a4, 32, 0);
	return t;
}

static int
typed_lpm(const char *name, const struct typed *t, uint32_t value_size)
{
	MIM_OPTS(mim_create_opts, o, .btf = t->btf, .btf_key_type_id = t->key,
		 .btf_value_type_id = t->value);

	return mim_create(MIM_TYPE_LPM, name, 8, value_size, 16, &o);
}

static int
test_btf_create(void)
{
	struct typed t = mk_btf(BASE);
	MIM_OPTS(mim_create_opts, o, .btf_value_type_id = t.value);
	struct mim_table_info info;
	const struct btf *kept;
	uint32_t kid, vid;
	int id, tmpl;

	TEST_ASSERT_ERR(mim_create(MIM_TYPE_HASH, "h", 4, 12, 8, &o), EINVAL,
			"without a BTF");
	o.btf = t.btf;
	o.btf_value_type_id = 999;
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_HASH, "h", 4, 12, 8, &o), EINVAL,
			"value type id 999 does not exist");
	TEST_ASSERT_ERR(typed_lpm("l", &t, 16), EINVAL,
			"BTF value type struct nexthop (12 bytes) does not match value_size 16");
	o.btf_value_type_id = 0;
	o.btf_key_type_id = t.key;
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_HASH, "h", 4, 12, 8, &o), EINVAL,
			"key type struct lpm_key (8 bytes) does not match key_size 4");

	id = typed_lpm("typed", &t, 12);
	TEST_ASSERT_OK(id);
	/* The table keeps its own copy: the caller's may go. */
	btf__free(t.btf);
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.btf_value_type_id, t.value, "");
	TEST_ASSERT_EQUAL(info.btf_key_type_id, t.key, "");
	TEST_ASSERT_OK(mim_get_btf(id, &kept, &kid, &vid));
	TEST_ASSERT(kept != NULL, "");
	TEST_ASSERT_EQUAL(strcmp(btf__name_by_offset(kept,
			btf__type_by_id(kept, vid)->name_off), "nexthop"), 0, "");
	TEST_ASSERT_EQUAL(btf__resolve_size(kept, kid), 8, "");
	TEST_ASSERT_ERR(mim_get_btf(id, NULL, NULL, NULL), EINVAL, "NULL");

	/* Untyped tables report none. */
	tmpl = mim_create(MIM_TYPE_HASH, "plain", 4, 4, 8, NULL);
	TEST_ASSERT_OK(mim_get_btf(tmpl, &kept, &kid, &vid));
	TEST_ASSERT(kept == NULL && kid == 0 && vid == 0, "");

	/* An outer table stores table IDs: no BTF value type. */
	t = mk_btf(BASE);
	o.btf = t.btf;
	o.btf_key_type_id = 0;
	o.btf_value_type_id = t.value;
	o.inner_id = (uint32_t)id;
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "o", 4, 4, 8, &o),
			EINVAL, "takes no BTF value type");
	btf__free(t.btf);
	TEST_ASSERT_OK(mim_close(tmpl));
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_btf_template(void)
{
	struct typed base = mk_btf(BASE), same = mk_btf(BASE);
	struct typed ren = mk_btf(RENAMED), mov = mk_btf(MOVED);
	struct typed sig = mk_btf(SIGNED), shrt = mk_btf(SHORTER_MAC);
	const struct {
		const char *name;
		const struct typed *t;
		const char *why;
	} mismatch[] = {
		{ "ren", &ren,
		  "BTF value type differs from the template's: member 2 is 'tag', the template's is 'vlan'" },
		{ "mov", &mov,
		  ".port: int unsigned char (1 bytes) != template int unsigned short (2 bytes)" },
		{ "sig", &sig,
		  ".vlan: int short (2 bytes) != template int unsigned short (2 bytes)" },
		{ "shrt", &shrt, ".mac: array (4 bytes) != template array (6 bytes)" },
	};
	const struct btf *b1, *b2;
	int tmpl, outer, t;
	size_t i;

	tmpl = typed_lpm("tmpl", &base, 12);
	outer = mim_create(MIM_TYPE_ARRAY_OF_TABLES, "outer", 4, 4, 8,
			   &(struct mim_create_opts){
				.sz = sizeof(struct mim_create_opts),
				.inner_id = (uint32_t)tmpl });
	TEST_ASSERT_OK(outer);

	/* An identical BTF built separately: accepted, and shared. */
	t = typed_lpm("same", &same, 12);
	TEST_ASSERT_OK(autotest_put(outer, 0, t));
	TEST_ASSERT_OK(mim_get_btf(t, &b1, NULL, NULL));
	TEST_ASSERT_OK(mim_get_btf(tmpl, &b2, NULL, NULL));
	TEST_ASSERT(b1 == b2, "tables with equal BTF share one copy");
	TEST_ASSERT_OK(mim_close(t));

	/* Each mismatch, with its reason. */
	for (i = 0; i < RTE_DIM(mismatch); i++) {
		t = typed_lpm(mismatch[i].name, mismatch[i].t, 12);
		TEST_ASSERT_ERR(autotest_put(outer, 0, t), EINVAL,
				mismatch[i].why);
		TEST_ASSERT_OK(mim_close(t));
	}
	/* The full reason names the table too. */
	TEST_ASSERT(strstr(mim_last_error(), "inner table 'shrt'") != NULL, "");

	/* A typed template wants typed tables. */
	t = mim_create(MIM_TYPE_LPM, "untyped", 8, 12, 16, NULL);
	TEST_ASSERT_ERR(autotest_put(outer, 0, t), EINVAL,
			"has no BTF key type, the template has one");
	TEST_ASSERT_OK(mim_close(t));
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(tmpl));

	/* An untyped template takes typed and untyped tables alike. */
	tmpl = mim_create(MIM_TYPE_LPM, "tmpl", 8, 12, 16, NULL);
	outer = mim_create(MIM_TYPE_HASH_OF_TABLES, "outer", 4, 4, 8,
			   &(struct mim_create_opts){
				.sz = sizeof(struct mim_create_opts),
				.inner_id = (uint32_t)tmpl });
	t = typed_lpm("ren", &ren, 12);
	TEST_ASSERT_OK(autotest_put(outer, 0, t));
	TEST_ASSERT_OK(mim_close(t));
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(tmpl));

	btf__free(base.btf);
	btf__free(same.btf);
	btf__free(ren.btf);
	btf__free(mov.btf);
	btf__free(sig.btf);
	btf__free(shrt.btf);
	return TEST_SUCCESS;
}

/* The member offset check, on a layout whose types all match. */
static int
test_btf_offsets(void)
{
	struct typed a = { .btf = btf__new_empty() }, b = { .btf = btf__new_empty() };
	int tmpl, outer, t, i;

	for (i = 0; i < 2; i++) {
		struct typed *x = i ? &b : &a;
		int u16 = btf__add_int(x->btf, "u16", 2, 0);

		x->value = (uint32_t)btf__add_struct(x->btf, "pair", 8);
		btf__add_field(x->btf, "lo", u16, 0, 0);
		btf__add_field(x->btf, "hi", u16, i ? 48 : 32, 0);
	}
	tmpl = mim_create(MIM_TYPE_HASH, "tmpl", 4, 8, 8,
			  &(struct mim_create_opts){
				.sz = sizeof(struct mim_create_opts),
				.btf = a.btf, .btf_value_type_id = a.value });
	outer = mim_create(MIM_TYPE_HASH_OF_TABLES, "outer", 4, 4, 8,
			   &(struct mim_create_opts){
				.sz = sizeof(struct mim_create_opts),
				.inner_id = (uint32_t)tmpl });
	t = mim_create(MIM_TYPE_HASH, "t", 4, 8, 8,
		       &(struct mim_create_opts){
				.sz = sizeof(struct mim_create_opts),
				.btf = b.btf, .btf_value_type_id = b.value });
	TEST_ASSERT_ERR(autotest_put(outer, 0, t), EINVAL,
			".hi is at bit 48 (0 bits), the template's at bit 32 (0 bits)");
	TEST_ASSERT_OK(mim_close(t));
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(tmpl));
	btf__free(a.btf);
	btf__free(b.btf);
	return TEST_SUCCESS;
}

/*
 * Tables made from one BTF share its copy: the check may skip the walk
 * for the template's own type, never for another type of that copy.
 */
static int
test_btf_same_copy(void)
{
	struct btf *b = btf__new_empty();
	int u16 = btf__add_int(b, "u16", 2, 0);
	uint32_t pair, other;
	const struct btf *b1, *b2;
	int tmpl, outer, t;

	pair = (uint32_t)btf__add_struct(b, "pair", 8);
	btf__add_field(b, "lo", u16, 0, 0);
	btf__add_field(b, "hi", u16, 32, 0);
	other = (uint32_t)btf__add_struct(b, "other", 8);
	btf__add_field(b, "lo", u16, 0, 0);
	btf__add_field(b, "hi", u16, 48, 0);
	tmpl = mim_create(MIM_TYPE_HASH, "tmpl", 4, 8, 8,
			  &(struct mim_create_opts){
				.sz = sizeof(struct mim_create_opts),
				.btf = b, .btf_value_type_id = pair });
	outer = mim_create(MIM_TYPE_ARRAY_OF_TABLES, "outer", 4, 4, 8,
			   &(struct mim_create_opts){
				.sz = sizeof(struct mim_create_opts),
				.inner_id = (uint32_t)tmpl });
	TEST_ASSERT_OK(outer);
	t = mim_create(MIM_TYPE_HASH, "t", 4, 8, 8,
		       &(struct mim_create_opts){
				.sz = sizeof(struct mim_create_opts),
				.btf = b, .btf_value_type_id = other });
	TEST_ASSERT_OK(mim_get_btf(t, &b1, NULL, NULL));
	TEST_ASSERT_OK(mim_get_btf(tmpl, &b2, NULL, NULL));
	TEST_ASSERT(b1 == b2, "tables of one BTF share its copy");
	TEST_ASSERT_ERR(autotest_put(outer, 0, t), EINVAL,
			".hi is at bit 48 (0 bits), the template's at bit 32 (0 bits)");
	TEST_ASSERT_OK(mim_close(t));
	t = mim_create(MIM_TYPE_HASH, "t", 4, 8, 8,
		       &(struct mim_create_opts){
				.sz = sizeof(struct mim_create_opts),
				.btf = b, .btf_value_type_id = pair });
	TEST_ASSERT_OK(autotest_put(outer, 0, t));
	TEST_ASSERT_OK(mim_close(t));
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(tmpl));
	btf__free(b);
	return TEST_SUCCESS;
}

static const struct autotest_case btf_cases[] = {
	TEST_CASE(test_btf_create),
	TEST_CASE(test_btf_template),
	TEST_CASE(test_btf_offsets),
	TEST_CASE(test_btf_same_copy),
	TEST_CASES_END(),
};

static struct autotest_suite btf_suite = {
	.name = "btf",
	.help = "BTF-typed tables: type checks, shared copies, layout compared with the template",
	.cases = btf_cases,
};
REGISTER_AUTOTEST(btf_suite);
