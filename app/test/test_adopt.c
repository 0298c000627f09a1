/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Adopted tables (mim_adopt.h) on real rte_hash and rte_lpm tables: the
 * adopt calls' checks and the template check naming every field that
 * differs. The lookups are in test_adopt_lookup.c, the lifetime in
 * test_adopt_life.c.
 */

#include <errno.h>
#include <stdio.h>

#include "autotest_util.h"
#include "test_adopt.h"

void
handback_cb(void *table, void *arg)
{
	struct handback *hb = arg;

	hb->calls++;
	hb->table = table;
}

struct rte_hash *
adopt_mk_hash(struct rte_hash_parameters *p, char *name, const char *base,
	      uint32_t entries, uint32_t key_len, uint32_t flags)
{
	static unsigned int serial;

	snprintf(name, RTE_HASH_NAMESIZE, "%s%u", base, serial++);
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->entries = entries;
	p->key_len = key_len;
	p->socket_id = SOCKET_ID_ANY;
	p->extra_flag = flags;
	return rte_hash_create(p);
}

int
adopt_hash(const char *name, struct rte_hash *h,
	   const struct rte_hash_parameters *p, uint32_t value_size,
	   struct handback *hb)
{
	MIM_OPTS(mim_adopt_rte_hash_opts, o, .params = p,
		 .value_size = value_size, .release = handback_cb,
		 .release_arg = hb);

	return mim_adopt_rte_hash(name, h, &o);
}

struct rte_lpm *
adopt_mk_lpm(const char *name, struct rte_lpm_config *c, uint32_t max_rules)
{
	memset(c, 0, sizeof(*c));
	c->max_rules = max_rules;
	c->number_tbl8s = 64;
	return rte_lpm_create(name, SOCKET_ID_ANY, c);
}

int
adopt_lpm(const char *name, struct rte_lpm *l, const char *lpm_name,
	  const struct rte_lpm_config *c, void *values, uint32_t nb_values,
	  uint32_t value_size, struct handback *hb)
{
	MIM_OPTS(mim_adopt_rte_lpm_opts, o, .lpm_name = lpm_name, .config = c,
		 .values = values, .nb_values = nb_values,
		 .value_size = value_size, .release = handback_cb,
		 .release_arg = hb);

	return mim_adopt_rte_lpm(name, l, &o);
}

#define LF RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF

/* Every refusal of mim_adopt_rte_hash(), with its reason; nothing is
 * kept, and the table adopted at last is handed back once.
 */
static int
test_adopt_hash_refusals(void)
{
	struct rte_hash_parameters p, q;
	char n1[RTE_HASH_NAMESIZE], n2[RTE_HASH_NAMESIZE];
	struct rte_hash *h = adopt_mk_hash(&p, n1, "ar", 64, 8, LF);
	struct rte_hash *locked = adopt_mk_hash(&q, n2, "al", 64, 8, 0);
	MIM_OPTS(mim_adopt_rte_hash_opts, o, .params = &p, .value_size = 4);
	struct mim_adopt_rte_hash_opts z = { 0 };
	struct handback hb = { 0 };
	uint32_t vals[4] = { 0 };
	uint64_t key = 1;
	int id;

	TEST_ASSERT(h != NULL && locked != NULL, "");
	TEST_ASSERT_ERR(mim_adopt_rte_hash(NULL, h, &o), EINVAL,
			"opts->release is NULL");
	TEST_ASSERT_ERR(mim_adopt_rte_hash(NULL, h, &z), EINVAL, "sz is 0");
	TEST_ASSERT_ERR(mim_adopt_rte_hash(NULL, NULL, &o), EINVAL,
			"hash or opts is NULL");
	TEST_ASSERT_ERR(mim_adopt_rte_hash(NULL, h, NULL), EINVAL,
			"hash or opts is NULL");
	TEST_ASSERT_ERR(adopt_hash(NULL, h, NULL, 4, &hb), EINVAL,
			"opts->params is NULL");
	TEST_ASSERT_ERR(adopt_hash(NULL, h, &p, 0, &hb), EINVAL,
			"value_size 0");
	TEST_ASSERT_ERR(adopt_hash(NULL, locked, &q, 4, &hb), EINVAL,
			"lacks RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF");
	/* Parameters that are not the table's. */
	q.extra_flag = LF;
	TEST_ASSERT_ERR(adopt_hash(NULL, h, &q, 4, &hb), EINVAL,
			"names another rte_hash");
	q.name = "no_such_hash";
	TEST_ASSERT_ERR(adopt_hash(NULL, h, &q, 4, &hb), EINVAL,
			"names no rte_hash");
	p.entries = 128;
	TEST_ASSERT_ERR(adopt_hash(NULL, h, &p, 4, &hb), EINVAL,
			"has 64 key slots: params entries 128");
	p.entries = 64;
	TEST_ASSERT_ERR(adopt_hash("bad name", h, &p, 4, &hb), EINVAL,
			"character 4");

	id = adopt_hash("adopted", h, &p, 4, &hb);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_ERR(adopt_hash(NULL, h, &p, 4, &hb), EEXIST,
			"is adopted already, as table 'adopted'");
	/* The application's table: the control plane does not write it. */
	TEST_ASSERT_ERR(mim_update_elem(id, &key, vals, MIM_ANY), EOPNOTSUPP,
			"the application owns its contents");
	TEST_ASSERT_ERR(mim_delete_elem(id, &key), EOPNOTSUPP,
			"rte_hash_del_key()");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_RTE_HASH, NULL, 8, 4, 64,
				   &(struct mim_create_opts){
					.sz = sizeof(struct mim_create_opts),
					.map_flags = LF }),
			EOPNOTSUPP, "adopt it with mim_adopt_rte_hash()");

	/* Refused calls gave nothing back; closing gives the table once. */
	TEST_ASSERT_EQUAL(hb.calls, 0, "");
	TEST_ASSERT_OK(mim_close(id));
	mim_reclaim();
	TEST_ASSERT_EQUAL(hb.calls, 1, "");
	TEST_ASSERT(hb.table == h, "");
	rte_hash_free(h);
	rte_hash_free(locked);
	return TEST_SUCCESS;
}

/* The same for mim_adopt_rte_lpm(). */
static int
test_adopt_lpm_refusals(void)
{
	struct rte_lpm_config c, bad;
	struct rte_lpm *l = adopt_mk_lpm("adopt_ref", &c, 16);
	struct handback hb = { 0 };
	uint32_t vals[4] = { 0 };
	uint64_t key = 1;
	int lid;

	TEST_ASSERT(l != NULL, "");
	TEST_ASSERT_ERR(adopt_lpm(NULL, l, "adopt_ref", &c, NULL, 4, 4, &hb),
			EINVAL, "no value array");
	TEST_ASSERT_ERR(adopt_lpm(NULL, l, "adopt_ref", &c, vals, 0, 4, &hb),
			EINVAL, "no value array");
	TEST_ASSERT_ERR(adopt_lpm(NULL, l, "adopt_ref", &c, vals,
				  (1U << 24) + 1, 4, &hb),
			EINVAL, "24 bits");
	TEST_ASSERT_ERR(adopt_lpm(NULL, l, "adopt_ref", &c, vals, 4, 0, &hb),
			EINVAL, "value_size 0");
	TEST_ASSERT_ERR(adopt_lpm(NULL, l, "adopt_other", &c, vals, 4, 4,
				  &hb), EINVAL, "names no rte_lpm");
	TEST_ASSERT_ERR(adopt_lpm(NULL, l, NULL, &c, vals, 4, 4, &hb),
			EINVAL, "lpm_name is NULL");
	TEST_ASSERT_ERR(adopt_lpm(NULL, l, "adopt_ref", NULL, vals, 4, 4,
				  &hb), EINVAL, "config is NULL");
	bad = c;
	bad.flags = 1;
	TEST_ASSERT_ERR(adopt_lpm(NULL, l, "adopt_ref", &bad, vals, 4, 4,
				  &hb), EINVAL, "config flags 0x1");
	lid = adopt_lpm(NULL, l, "adopt_ref", &c, vals, 4, 4, &hb);
	TEST_ASSERT_OK(lid);
	TEST_ASSERT_ERR(adopt_lpm(NULL, l, "adopt_ref", &c, vals, 4, 4, &hb),
			EEXIST, "is adopted already");
	TEST_ASSERT_ERR(mim_update_elem(lid, &key, vals, MIM_ANY), EOPNOTSUPP,
			"rte_lpm_add()");
	TEST_ASSERT_ERR(mim_get_next_key(lid, NULL, &key), EOPNOTSUPP,
			"lists its routes");
	TEST_ASSERT_EQUAL(hb.calls, 0, "");
	TEST_ASSERT_OK(mim_close(lid));
	mim_reclaim();
	TEST_ASSERT_EQUAL(hb.calls, 1, "");
	TEST_ASSERT(hb.table == l, "");
	rte_lpm_free(l);
	return TEST_SUCCESS;
}

/* Templates: each field that differs is named; types do not mix. */
static int
test_adopt_template(void)
{
	struct rte_hash_parameters p[5];
	char n[5][RTE_HASH_NAMESIZE];
	struct rte_hash *h[5];
	struct rte_lpm_config c;
	struct rte_lpm *l = adopt_mk_lpm("adopt_tmpl", &c, 16);
	struct handback hb = { 0 };
	uint64_t vals[4];
	int id[5], native, outer, outer2, lid, i;

	h[0] = adopt_mk_hash(&p[0], n[0], "at", 64, 8, LF);
	h[1] = adopt_mk_hash(&p[1], n[1], "at", 256, 8, LF);
	h[2] = adopt_mk_hash(&p[2], n[2], "at", 64, 4, LF);
	h[3] = adopt_mk_hash(&p[3], n[3], "at", 64, 8,
			     LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE);
	h[4] = adopt_mk_hash(&p[4], n[4], "at", 64, 8, LF);
	for (i = 0; i < 5; i++) {
		TEST_ASSERT(h[i] != NULL, "");
		id[i] = adopt_hash(NULL, h[i], &p[i], i == 4 ? 8 : 16, &hb);
		TEST_ASSERT_OK(id[i]);
	}
	TEST_ASSERT(l != NULL, "");
	lid = adopt_lpm(NULL, l, "adopt_tmpl", &c, vals, 4, 8, &hb);
	TEST_ASSERT_OK(lid);
	native = mim_create(MIM_TYPE_HASH, NULL, 8, 16, 64, NULL);
	TEST_ASSERT_OK(native);

	outer = autotest_outer(MIM_TYPE_HASH_OF_TABLES, "o", 16, id[0]);
	TEST_ASSERT_OK(outer);
	TEST_ASSERT_OK(autotest_put(outer, 0, id[0]));
	/* Entries may differ, as for the kernel's hash maps. */
	TEST_ASSERT_OK(autotest_put(outer, 1, id[1]));
	TEST_ASSERT_ERR(autotest_put(outer, 2, id[2]), EINVAL,
			"key_size (rte_hash key_len) 4 != template key_size 8");
	TEST_ASSERT_ERR(autotest_put(outer, 2, id[3]), EINVAL,
			"map_flags (rte_hash extra_flag) 0x28 != template map_flags 0x20");
	TEST_ASSERT_ERR(autotest_put(outer, 2, id[4]), EINVAL,
			"value_size 8 != template value_size 16");
	TEST_ASSERT_ERR(autotest_put(outer, 2, native), EINVAL,
			"type hash != template type rte_hash");
	TEST_ASSERT_ERR(autotest_put(outer, 2, lid), EINVAL,
			"type rte_lpm != template type rte_hash");

	/* A native template refuses adopted tables. */
	outer2 = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, native);
	TEST_ASSERT_OK(outer2);
	TEST_ASSERT_ERR(autotest_put(outer2, 0, id[0]), EINVAL,
			"type rte_hash != template type hash");
	TEST_ASSERT_OK(mim_close(outer2));

	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(native));
	TEST_ASSERT_OK(mim_close(lid));
	for (i = 0; i < 5; i++)
		TEST_ASSERT_OK(mim_close(id[i]));
	mim_reclaim();
	TEST_ASSERT_EQUAL(hb.calls, 6, "each adopted table handed back once");
	for (i = 0; i < 5; i++)
		rte_hash_free(h[i]);
	rte_lpm_free(l);
	return TEST_SUCCESS;
}

/* Described templates of the adopted types: the same shape checks. */
static int
test_adopt_described(void)
{
	struct rte_hash_parameters p[2];
	char n[2][RTE_HASH_NAMESIZE];
	struct rte_hash *h[2];
	struct rte_lpm_config c;
	struct rte_lpm *l = adopt_mk_lpm("adopt_desc", &c, 16);
	struct handback hb = { 0 };
	uint64_t vals[4];
	int id[3], outer2, lid, i;

	h[0] = adopt_mk_hash(&p[0], n[0], "ad", 64, 8, LF);
	h[1] = adopt_mk_hash(&p[1], n[1], "ad", 64, 4, LF);
	for (i = 0; i < 2; i++) {
		TEST_ASSERT(h[i] != NULL, "");
		id[i + 1] = adopt_hash(NULL, h[i], &p[i], 16, &hb);
		TEST_ASSERT_OK(id[i + 1]);
	}
	id[0] = id[1];
	TEST_ASSERT(l != NULL, "");
	lid = adopt_lpm(NULL, l, "adopt_desc", &c, vals, 4, 8, &hb);
	TEST_ASSERT_OK(lid);
	/* Described templates take the same shape checks. */
	{
		MIM_OPTS(mim_create_opts, d, .inner_type = MIM_TYPE_RTE_HASH,
			 .inner_key_size = 8, .inner_value_size = 16,
			 .inner_max_entries = 64, .inner_map_flags = LF);

		outer2 = mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4, 4, &d);
		TEST_ASSERT_OK(outer2);
		TEST_ASSERT_OK(autotest_put(outer2, 0, id[1]));
		TEST_ASSERT_ERR(autotest_put(outer2, 1, id[2]), EINVAL,
				"key_size (rte_hash key_len)");
		TEST_ASSERT_OK(mim_close(outer2));
		d.inner_map_flags = 0;
		TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4,
					   4, &d), EINVAL,
				"lacks RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF");
	}
	{
		MIM_OPTS(mim_create_opts, d, .inner_type = MIM_TYPE_RTE_LPM,
			 .inner_key_size = 8, .inner_value_size = 4,
			 .inner_max_entries = 16);

		outer2 = mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4, 4, &d);
		TEST_ASSERT_OK(outer2);
		TEST_ASSERT_ERR(autotest_put(outer2, 0, lid), EINVAL,
				"value_size (the next hops' value stride) 8 != template value_size 4");
		TEST_ASSERT_ERR(autotest_put(outer2, 0, id[0]), EINVAL,
				"type rte_hash != template type rte_lpm");
		TEST_ASSERT_OK(mim_close(outer2));
		d.inner_key_size = 20;
		TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY_OF_TABLES, NULL, 4, 4,
					   4, &d), EINVAL,
				"keys are struct mim_lpm_key");
	}

	TEST_ASSERT_OK(mim_close(lid));
	for (i = 1; i < 3; i++)
		TEST_ASSERT_OK(mim_close(id[i]));
	mim_reclaim();
	TEST_ASSERT_EQUAL(hb.calls, 3, "each adopted table handed back once");
	rte_hash_free(h[0]);
	rte_hash_free(h[1]);
	rte_lpm_free(l);
	return TEST_SUCCESS;
}

static const struct autotest_case adopt_cases[] = {
	TEST_CASE(test_adopt_hash_refusals),
	TEST_CASE(test_adopt_lpm_refusals),
	TEST_CASE(test_adopt_template),
	TEST_CASE(test_adopt_described),
	TEST_CASES_END()
};

static const struct autotest_case *const adopt_more[] = {
	adopt_lookup_cases, adopt_life_cases, NULL
};

static struct autotest_suite adopt_suite = {
	.name = "adopt",
	.help = "adopted rte_hash and rte_lpm inner tables: checks, templates, lookups, release",
	.cases = adopt_cases,
	.more_cases = adopt_more,
};

REGISTER_AUTOTEST(adopt_suite);
