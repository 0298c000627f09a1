/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* Call scripts whose transcripts the primary and a secondary compare. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <rte_errno.h>

#include <mim.h>
#include <mim_mp.h>

#include "autotest_util.h"
#include "mp_script.h"

#define NB_IDS 16

/* IDs the write script created, printed as #k: runs get other IDs. */
static int ids[NB_IDS];
static int nb_ids;

static void
put_reason(FILE *f, const char *why)
{
	const char *p = why;
	char *end;
	long v;
	int k;

	for (; *p != '\0'; p++) {
		if (strncmp(p, "id ", 3) == 0 && p[3] >= '0' && p[3] <= '9') {
			v = strtol(p + 3, &end, 10);
			for (k = 0; k < nb_ids; k++)
				if (ids[k] == v)
					break;
			if (k < nb_ids) {
				fprintf(f, "id #%d", k);
				p = end - 1;
				continue;
			}
		}
		fputc(*p, f);
	}
}

/* One result line: the call, its return value, its reason if it failed. */
static long
res(FILE *f, const char *call, long ret)
{
	int k;

	for (k = 0; k < nb_ids; k++)
		if (ids[k] == ret && ret > 0)
			break;
	if (k < nb_ids)
		fprintf(f, "%s = #%d", call, k);
	else
		fprintf(f, "%s = %ld", call, ret);
	if (ret < 0) {
		fprintf(f, " (");
		put_reason(f, mim_last_error());
		fprintf(f, ")");
	}
	fputc('\n', f);
	return ret;
}

static void
hex(FILE *f, const char *what, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	fprintf(f, "  %s:", what);
	for (i = 0; i < len && i < 64; i++)
		fprintf(f, "%02x", b[i]);
	fputc('\n', f);
}

int
mp_tables_make(void)
{
	MIM_OPTS(mim_create_opts, bo);
	struct btf *btf = btf__new_empty();
	uint32_t k, v, i;
	int a, h, l, o, pc, lr, ret;
	struct mim_lpm_key lk;

	if (btf == NULL)
		return -ENOMEM;
	bo.btf = btf;
	bo.btf_key_type_id = btf__add_int(btf, "unsigned int", 4, 0);
	bo.btf_value_type_id = btf__add_int(btf, "unsigned long", 8, 0);
	a = mim_create(MIM_TYPE_ARRAY, "r_array", 4, 8, 8, &bo);
	btf__free(btf);
	h = mim_create(MIM_TYPE_HASH, "r_hash", 12, 20, 64, NULL);
	l = mim_create(MIM_TYPE_LPM, "r_lpm", 8, 4, 64, NULL);
	pc = mim_create(MIM_TYPE_PERCPU_ARRAY, "r_percpu", 4, 12, 4, NULL);
	lr = mim_create(MIM_TYPE_LRU_HASH, "r_lru", 4, 4, 4, NULL);
	if (a < 0 || h < 0 || l < 0 || pc < 0 || lr < 0)
		return -1;
	/* Six keys in four entries: evictions for get_lru_stats. */
	for (k = 0; k < 6; k++) {
		ret = mim_update_elem(lr, &k, &k, MIM_ANY);
		if (ret != 0)
			return ret;
	}
	o = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "r_outer", 4, h);
	if (o < 0)
		return o;
	for (k = 0; k < 8; k++) {
		uint64_t val = 1000 + k * 7;

		ret = mim_update_elem(a, &k, &val, MIM_ANY);
		if (ret != 0)
			return ret;
	}
	for (i = 0; i < 10; i++) {
		uint8_t key[12] = { (uint8_t)i, 1, 2, 3 }, val[20] = { 0 };

		memset(val, (int)(0x30 + i), sizeof(val));
		ret = mim_update_elem(h, key, val, MIM_NOEXIST);
		if (ret != 0)
			return ret;
	}
	for (i = 0; i < 6; i++) {
		lk.prefixlen = 8 + 4 * i;
		lk.addr = rte_cpu_to_be_32(0x0a000000U | (i << 12));
		v = 500 + i;
		ret = mim_update_elem(l, &lk, &v, MIM_ANY);
		if (ret != 0)
			return ret;
	}
	{
		size_t n = mim_percpu_nb_copies() * 16;
		uint8_t *pv = calloc(1, n);

		for (i = 0; i < n; i++)
			pv[i] = (uint8_t)(i * 3);
		k = 2;
		ret = pv != NULL ? mim_update_elem(pc, &k, pv, MIM_ANY) : -ENOMEM;
		free(pv);
		if (ret != 0)
			return ret;
	}
	return autotest_put(o, 1, h);
}

/* Walk the keys of table id (at most 16) and look each one up. */
static void
walk(FILE *f, const struct mim_table_info *in)
{
	uint8_t key[64], next[64], *val;
	size_t vlen = in->value_size;
	int ret, n;

	if (in->type == MIM_TYPE_PERCPU_ARRAY)
		vlen = (size_t)mim_percpu_nb_copies() * RTE_ALIGN_CEIL(vlen, 8);
	val = calloc(1, vlen + 8);
	if (val == NULL)
		return;
	ret = res(f, "get_next_key(NULL)", mim_get_next_key(in->id, NULL, next));
	for (n = 0; ret == 0 && n < 16; n++) {
		hex(f, "key", next, in->key_size);
		memcpy(key, next, in->key_size);
		memset(val, 0, vlen);
		if (res(f, "lookup", mim_lookup_elem(in->id, key, val)) == 0)
			hex(f, "value", val, vlen);
		res(f, "lookup_sz", mim_lookup_elem_sz(in->id, key, in->key_size,
						       val, vlen));
		ret = res(f, "get_next_key", mim_get_next_key(in->id, key, next));
	}
	res(f, "get_next_key_sz(bad)", mim_get_next_key_sz(in->id, NULL, next, 3));
	res(f, "lookup_sz(bad)", mim_lookup_elem_sz(in->id, key, in->key_size,
						   val, vlen + 1));
	memset(key, 0xee, sizeof(key));
	res(f, "lookup(absent)", mim_lookup_elem(in->id, key, val));
	res(f, "lookup(NULL)", mim_lookup_elem(in->id, NULL, val));
	free(val);
}

static void
one_table(FILE *f, uint32_t id)
{
	MIM_OPTS(mim_lru_stats, ls);
	struct mim_table_info in;
	const struct btf *b = NULL;
	uint32_t kt = 7, vt = 7;
	struct mim_table *t;
	uint8_t dkey[64];

	fprintf(f, "table %u\n", id);
	if (res(f, "get_info", mim_get_info((int)id, &in)) != 0)
		return;
	hex(f, "info", &in, sizeof(in));
	fprintf(f, "  name %s refcnt %u handles %u entries %u\n", in.name,
		in.refcnt, in.handles, in.nb_entries);
	res(f, "find", mim_find(in.name));
	if (res(f, "get_btf", mim_get_btf((int)id, &b, &kt, &vt)) == 0)
		fprintf(f, "  btf %s types %u key %u value %u\n",
			b != NULL ? "yes" : "no",
			b != NULL ? btf__type_cnt(b) : 0, kt, vt);
	t = mim_table((int)id);
	fprintf(f, "  table %p errno %d\n", (void *)t, t == NULL ? rte_errno : 0);
	/* The data path, on the shared table (a per-lcore copy differs
	 * between processes: not that one).
	 */
	if (t != NULL && in.type != MIM_TYPE_PERCPU_ARRAY &&
	    mim_get_next_key((int)id, NULL, dkey) == 0) {
		const void *dv = mim_lookup(t, dkey);

		if (dv == NULL)
			fprintf(f, "  datapath miss\n");
		else if (in.type == MIM_TYPE_ARRAY_OF_TABLES ||
			 in.type == MIM_TYPE_HASH_OF_TABLES)
			fprintf(f, "  datapath inner %p\n", dv);
		else
			hex(f, "datapath", dv, in.value_size);
	}
	if (res(f, "get_lru_stats", mim_get_lru_stats((int)id, &ls)) == 0)
		hex(f, "lru_stats", &ls, sizeof(ls));
	if (res(f, "get_by_id", mim_get_by_id((int)id)) > 0)
		res(f, "close", mim_close((int)id));
	walk(f, &in);
}

void
mp_script_reads(FILE *f)
{
	struct mim_rcu_stats rs;
	struct mim_stats st;
	uint32_t id = 0, next;
	uint8_t buf[64];

	nb_ids = 0;
	res(f, "find(NULL)", mim_find(NULL));
	res(f, "find()", mim_find(""));
	res(f, "find(nosuch)", mim_find("nosuch"));
	res(f, "get_next_id(NULL)", mim_get_next_id(0, NULL));
	while (res(f, "get_next_id", mim_get_next_id(id, &next)) == 0) {
		one_table(f, next);
		id = next;
	}
	res(f, "lookup(bad id)", mim_lookup_elem(9999999, buf, buf));
	res(f, "get_info(bad id)", mim_get_info(9999999, NULL));
	res(f, "get_btf(NULL)", mim_get_btf(1, NULL, NULL, NULL));
	res(f, "get_by_id(bad id)", mim_get_by_id(9999999));
	res(f, "close(bad id)", mim_close(9999999));
	fprintf(f, "table(bad id) %p errno %d\n", (void *)mim_table(9999999),
		rte_errno);
	if (res(f, "get_stats", mim_get_stats(&st)) == 0)
		hex(f, "stats", &st, sizeof(st));
	res(f, "get_stats(NULL)", mim_get_stats(NULL));
	if (res(f, "rcu_get_stats", mim_rcu_get_stats(&rs)) == 0)
		hex(f, "rcu", &rs, sizeof(rs));
	res(f, "reclaim", mim_reclaim());
}

static int
made(FILE *f, const char *call, int id)
{
	if (id > 0 && nb_ids < NB_IDS)
		ids[nb_ids++] = id;
	return (int)res(f, call, id);
}

/* The u32 table ID in an outer slot, printed as #k. */
static void
slot(FILE *f, int outer, uint32_t key)
{
	uint32_t v = 0;

	if (res(f, "lookup(outer)", mim_lookup_elem(outer, &key, &v)) == 0)
		res(f, "  slot", (long)v);
}

static void
writes_elem(FILE *f, int h)
{
	uint8_t key[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, val[16], out[16];

	memset(val, 0x5a, sizeof(val));
	res(f, "update", mim_update_elem(h, key, val, MIM_NOEXIST));
	res(f, "update(NOEXIST)", mim_update_elem(h, key, val, MIM_NOEXIST));
	res(f, "update(lock)", mim_update_elem(h, key, val, 4));
	res(f, "update(flags)", mim_update_elem(h, key, val, 99));
	res(f, "update(NULL)", mim_update_elem(h, NULL, val, MIM_ANY));
	res(f, "update_sz(bad)", mim_update_elem_sz(h, key, 4, val, 16, 0));
	res(f, "update_sz", mim_update_elem_sz(h, key, 8, val, 16, MIM_EXIST));
	if (res(f, "lookup", mim_lookup_elem(h, key, out)) == 0)
		hex(f, "value", out, sizeof(out));
	key[0] = 9;
	res(f, "update(EXIST)", mim_update_elem(h, key, val, MIM_EXIST));
	res(f, "delete(absent)", mim_delete_elem(h, key));
	key[0] = 1;
	res(f, "delete_sz(bad)", mim_delete_elem_sz(h, key, 9));
	res(f, "delete", mim_delete_elem(h, key));
	res(f, "delete(again)", mim_delete_elem(h, key));
	res(f, "update(again)", mim_update_elem(h, key, val, MIM_ANY));
}

void
mp_script_writes(FILE *f)
{
	MIM_OPTS(mim_create_opts, o);
	struct btf *btf = btf__new_empty();
	uint32_t k = 0, v;
	int h, a, outer, bt;
	struct {
		struct mim_create_opts o;
		uint64_t tail;
	} big = { .o = { .sz = sizeof(big) }, .tail = 1 };

	nb_ids = 0;
	res(f, "create(type)", mim_create(99, "w", 4, 4, 4, NULL));
	res(f, "create(key_size)", mim_create(MIM_TYPE_HASH, "w", 0, 4, 4, NULL));
	res(f, "create(name)", mim_create(MIM_TYPE_HASH, "bad name!", 4, 4, 4, NULL));
	res(f, "create(long name)", mim_create(MIM_TYPE_HASH,
		"a_name_much_longer_than_thirty_one_chars", 4, 4, 4, NULL));
	o.sz = 1;
	res(f, "create(sz)", mim_create(MIM_TYPE_HASH, "w", 4, 4, 4, &o));
	res(f, "create(tail)", mim_create(MIM_TYPE_HASH, "w", 4, 4, 4, &big.o));
	res(f, "create(outer, no template)",
	    mim_create(MIM_TYPE_ARRAY_OF_TABLES, "w", 4, 4, 4, NULL));
	h = made(f, "create(hash)", mim_create(MIM_TYPE_HASH, "w_hash", 8, 16, 32, NULL));
	res(f, "create(dup)", mim_create(MIM_TYPE_HASH, "w_hash", 8, 16, 32, NULL));
	writes_elem(f, h);
	a = made(f, "create(array)", mim_create(MIM_TYPE_ARRAY, NULL, 4, 8, 4, NULL));
	k = 7;
	res(f, "update(index)", mim_update_elem(a, &k, &big.tail, MIM_ANY));
	res(f, "delete(array)", mim_delete_elem(a, &k));
	MIM_OPTS(mim_create_opts, oo, .inner_id = h);
	outer = made(f, "create(outer)",
		     mim_create(MIM_TYPE_ARRAY_OF_TABLES, "w_outer", 4, 4, 4, &oo));
	k = 1;
	v = (uint32_t)h;
	res(f, "put", mim_update_elem(outer, &k, &v, MIM_ANY));
	v = (uint32_t)a;
	res(f, "put(mismatch)", mim_update_elem(outer, &k, &v, MIM_ANY));
	v = 9999999;
	res(f, "put(bad id)", mim_update_elem(outer, &k, &v, MIM_ANY));
	slot(f, outer, 1);
	slot(f, outer, 2);
	if (btf != NULL) {
		MIM_OPTS(mim_create_opts, bo, .btf = btf);

		bo.btf_key_type_id = btf__add_int(btf, "unsigned int", 4, 0);
		bo.btf_value_type_id = btf__add_int(btf, "unsigned short", 2, 0);
		res(f, "create(btf size)", mim_create(MIM_TYPE_ARRAY, "w_btf", 4, 4, 4, &bo));
		bt = made(f, "create(btf)", mim_create(MIM_TYPE_ARRAY, "w_btf", 4, 2, 4, &bo));
		{
			const struct btf *b = NULL;
			uint32_t kt = 0, vt = 0;

			if (res(f, "get_btf", mim_get_btf(bt, &b, &kt, &vt)) == 0)
				fprintf(f, "  btf %u types, %u %u\n",
					b != NULL ? btf__type_cnt(b) : 0, kt, vt);
		}
		res(f, "close(btf)", mim_close(bt));
		btf__free(btf);
	}
	res(f, "close(outer)", mim_close(outer));
	res(f, "close(array)", mim_close(a));
	res(f, "close(hash)", mim_close(h));
	res(f, "close(hash again)", mim_close(h));
	res(f, "reclaim", mim_reclaim() >= 0 ? 0 : -1);
}

int
mp_same_files(const char *a, const char *b)
{
	FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
	char la[1024], lb[1024];
	int line = 0, ret = 0;

	if (fa == NULL || fb == NULL) {
		printf("    cannot open %s or %s\n", a, b);
		ret = -1;
		goto out;
	}
	for (;;) {
		char *ra = fgets(la, sizeof(la), fa), *rb = fgets(lb, sizeof(lb), fb);

		line++;
		if (ra == NULL && rb == NULL)
			break;
		if (ra == NULL || rb == NULL || strcmp(la, lb) != 0) {
			printf("    line %d differs:\n    primary:   %s    secondary: %s\n",
			       line, ra != NULL ? la : "(end)\n",
			       rb != NULL ? lb : "(end)\n");
			ret = -1;
			break;
		}
	}
out:
	if (fa != NULL)
		fclose(fa);
	if (fb != NULL)
		fclose(fb);
	return ret;
}
