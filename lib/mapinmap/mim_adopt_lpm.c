/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * MIM_TYPE_RTE_LPM: an application's rte_lpm adopted as a table, with an
 * array of values indexed by next hop. The shape checks (shared by the
 * adopt call and described templates), the check of the name against the
 * table, the template comparison, and the control plane's reads. The data
 * path is in mim_dp_adopt.h (__mim_adopt_lpm_*).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_lpm.h>

#include "mim_adopt_private.h"
#include "mim_mp_private.h"

/* rte_lpm next hops are 24 bits. */
#define ADOPT_LPM_NH_MAX (1U << 24)

/* The shape of an rte_lpm inner table: map_flags is its config flags. */
static int
adopt_lpm_alloc_check(const struct mim_attr *attr)
{
	if (attr->key_size != sizeof(struct mim_lpm_key))
		return mim_err(EINVAL, "key_size %u: an rte_lpm table's keys are struct mim_lpm_key (%zu)",
			       attr->key_size, sizeof(struct mim_lpm_key));
	if (attr->value_size == 0 || attr->value_size > MIM_VALUE_SIZE_MAX)
		return mim_err(EINVAL, "value_size %u: the stride of the next hops' value array, 1 to %u",
			       attr->value_size, MIM_VALUE_SIZE_MAX);
	if (attr->max_entries == 0)
		return mim_err(EINVAL, "rte_lpm max_rules is 0");
	if (attr->map_flags != 0)
		return mim_err(EINVAL, "rte_lpm config flags 0x%x: DPDK defines none",
			       attr->map_flags);
	return 0;
}

/* What the options must give besides the shape. */
static int
lpm_opts_check(const struct rte_lpm *lpm,
	       const struct mim_adopt_rte_lpm_opts *opts)
{
	const char *lpm_name = MIM_OPTS_GET(opts, lpm_name, NULL);
	uint32_t nb = MIM_OPTS_GET(opts, nb_values, 0);
	const struct rte_lpm *named;

	if (MIM_OPTS_GET(opts, values, NULL) == NULL || nb == 0)
		return mim_err(EINVAL, "no value array (values NULL or nb_values 0): a next hop indexes it to give the value a lookup returns");
	if (nb > ADOPT_LPM_NH_MAX)
		return mim_err(EINVAL, "nb_values %u: rte_lpm next hops are 24 bits, at most %u values",
			       nb, ADOPT_LPM_NH_MAX);
	if (MIM_OPTS_GET(opts, release, NULL) == NULL)
		return mim_err(EINVAL, "opts->release is NULL: the table is handed back through it once no reader holds it");
	if (lpm_name == NULL)
		return mim_err(EINVAL, "opts->lpm_name is NULL: give the name the table was created with");
	named = rte_lpm_find_existing(lpm_name);
	if (named != lpm)
		return mim_err(EINVAL, "lpm_name '%.*s' %s: give the name this table was created with",
			       RTE_LPM_NAMESIZE, lpm_name,
			       named == NULL ? "names no rte_lpm" :
			       "names another rte_lpm");
	return 0;
}

int
mim_adopt_rte_lpm(const char *name, struct rte_lpm *lpm,
		  const struct mim_adopt_rte_lpm_opts *opts)
{
	struct mim_adopt_args a;
	char what[64];
	int ret;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_refuse(__func__);
	ret = MIM_OPTS_CHECK(opts, mim_adopt_rte_lpm_opts);
	if (ret != 0)
		return ret;
	if (lpm == NULL || opts == NULL)
		return mim_err(EINVAL, "lpm or opts is NULL");
	if (MIM_OPTS_GET(opts, config, NULL) == NULL)
		return mim_err(EINVAL, "opts->config is NULL: give the configuration the table was created with");
	memset(&a, 0, sizeof(a));
	a.attr.type = MIM_TYPE_RTE_LPM;
	a.attr.key_size = sizeof(struct mim_lpm_key);
	a.attr.value_size = MIM_OPTS_GET(opts, value_size, 0);
	a.attr.max_entries = opts->config->max_rules;
	a.attr.map_flags = (uint32_t)opts->config->flags;
	a.attr.name_shared = MIM_OPTS_GET(opts, name_shared, 0) != 0;
	ret = adopt_lpm_alloc_check(&a.attr);
	if (ret != 0)
		return ret;
	ret = mim_eal_check();
	if (ret == 0)
		ret = lpm_opts_check(lpm, opts);
	if (ret != 0)
		return ret;
	snprintf(what, sizeof(what), "rte_lpm '%.*s'", RTE_LPM_NAMESIZE,
		 opts->lpm_name);
	a.table = lpm;
	a.what = what;
	a.values = opts->values;
	a.nb_values = opts->nb_values;
	a.release = opts->release;
	a.release_arg = MIM_OPTS_GET(opts, release_arg, NULL);
	return mim_adopt_table(&a, name);
}

/* The template check, naming the next-hop use; then the common one. */
static int
adopt_lpm_meta_equal(const struct mim_meta *tmpl, const struct mim_meta *m,
		   char *why, size_t len)
{
	if (tmpl->type == m->type && tmpl->value_size != m->value_size) {
		snprintf(why, len, "value_size (the next hops' value stride) %u != template value_size %u",
			 m->value_size, tmpl->value_size);
		return -EINVAL;
	}
	if (tmpl->type == m->type && tmpl->map_flags != m->map_flags) {
		snprintf(why, len, "map_flags (rte_lpm config flags) 0x%x != template map_flags 0x%x",
			 m->map_flags, tmpl->map_flags);
		return -EINVAL;
	}
	return mim_meta_equal(tmpl, m, why, len);
}

/* The longest route of at most plen bits covering ip: 0 and its next hop,
 * or -ENOENT. rte_lpm keeps no /0 route.
 */
static int
lpm_longest(const struct rte_lpm *lpm, uint32_t ip, uint32_t plen,
	    uint32_t *nh)
{
	uint32_t d;

	if (plen == 32)
		return rte_lpm_lookup(lpm, ip, nh) == 0 ? 0 : -ENOENT;
	for (d = plen; d >= 1; d--)
		if (rte_lpm_is_rule_present((struct rte_lpm *)(uintptr_t)lpm,
					    ip & ~(UINT32_MAX >> d), (uint8_t)d,
					    nh) == 1)
			return 0;
	return -ENOENT;
}

static int
adopt_lpm_lookup_elem(struct mim_obj *t, const void *key, void *value)
{
	struct mim_lpm_key k;
	uint32_t nh;
	void *v;

	memcpy(&k, key, sizeof(k));
	if (k.prefixlen > 32)
		return mim_err(EINVAL, "prefixlen %u above 32", k.prefixlen);
	if (lpm_longest(t->dp.u.rte_lpm, rte_be_to_cpu_32(k.addr),
			k.prefixlen, &nh) != 0)
		return -ENOENT;
	v = __mim_adopt_nh_value(&t->dp, nh);
	if (v == NULL)
		return -ENOENT;
	memcpy(value, v, t->dp.value_size);
	return 0;
}

static int
adopt_lpm_update(struct mim_obj *t, const void *key, const void *value,
	       uint64_t flags)
{
	RTE_SET_USED(key);
	RTE_SET_USED(value);
	RTE_SET_USED(flags);
	return mim_adopt_readonly(t, "rte_lpm_add() and rte_lpm_delete()");
}

static int
adopt_lpm_delete(struct mim_obj *t, const void *key)
{
	RTE_SET_USED(key);
	return mim_adopt_readonly(t, "rte_lpm_add() and rte_lpm_delete()");
}

static int
adopt_lpm_next_key(struct mim_obj *t, const void *key, void *next_key)
{
	char d[64];

	RTE_SET_USED(key);
	RTE_SET_USED(next_key);
	return mim_err(EOPNOTSUPP, "table %s is an adopted rte_lpm: rte_lpm has no call that lists its routes",
		       mim_obj_desc(t, d, sizeof(d)));
}

const struct mim_table_ops mim_rte_lpm_ops = {
	.obj_size = sizeof(struct mim_adopt_obj),
	.is_outer = false,
	.alloc_check = adopt_lpm_alloc_check,
	.alloc = mim_adopt_alloc,
	.free = mim_adopt_free,
	.lookup_elem = adopt_lpm_lookup_elem,
	.update_elem = adopt_lpm_update,
	.delete_elem = adopt_lpm_delete,
	.get_next_key = adopt_lpm_next_key,
	.meta_equal = adopt_lpm_meta_equal,
	.release = NULL,	/* the application's routes: retires nothing */
	.drop_slots = NULL,	/* values are not tables */
	.mem_bytes = NULL,	/* the wrapper only: mem_bytes */
};
