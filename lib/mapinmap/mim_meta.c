/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Map in map: the template an outer table keeps, the check every inner
 * table passes, and the conversion between inner tables and the u32 IDs the
 * control plane exchanges. This is the kernel's kernel/bpf/map_in_map.c:
 * bpf_map_meta_alloc / _free / _equal, bpf_map_fd_get_ptr /
 * bpf_map_fd_sys_lookup_elem. (bpf_map_fd_put_ptr is mim_obj_put() plus
 * the retirement its caller makes.)
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mim_private.h"

int
mim_meta_init_ops(struct mim_obj *outer, const struct mim_obj *inner,
		  const struct mim_table_ops *inner_ops)
{
	char d[64];

	/* Does not support more than one level of nesting (the kernel's
	 * "Does not support >1 level map-in-map").
	 */
	if (inner_ops->is_outer)
		return mim_err(EINVAL,
			       "template table %s is itself an outer table (%s): only one level of nesting is supported",
			       mim_obj_desc(inner, d, sizeof(d)),
			       mim_type_name(inner->meta.type));
	if (inner_ops->meta_equal == NULL)
		return mim_err(ENOTSUP,
			       "template table %s: type %s cannot be compared, so it cannot be an inner table",
			       mim_obj_desc(inner, d, sizeof(d)),
			       mim_type_name(inner->meta.type));
	/* The copy is by value: it stays valid after the template table
	 * is closed, as the kernel's meta copy does.
	 */
	outer->tmpl = inner->meta;
	mim_btf_get(outer->tmpl.btf);
	outer->tmpl_src_id = inner->id;
	outer->dp.inner_type = inner->meta.type;
	return 0;
}

int
mim_meta_init(struct mim_obj *outer, uint32_t inner_id)
{
	const struct mim_obj *inner = mim_registry_lookup(inner_id);

	if (inner == NULL)
		return mim_err(EBADF, "inner_id %u names no table", inner_id);
	return mim_meta_init_ops(outer, inner, mim_ops(inner->dp.type));
}

/* Whether opts describes part of a template (any inner_* field set). */
static bool
desc_given(const struct mim_attr *d)
{
	return d->type != 0 || d->key_size != 0 || d->value_size != 0 ||
	       d->max_entries != 0 || d->map_flags != 0 || d->btf != NULL ||
	       d->btf_key_type_id != 0 || d->btf_value_type_id != 0;
}

int
mim_meta_desc(const struct mim_create_opts *opts,
	      const struct mim_table_ops *ops, const struct mim_attr *attr,
	      struct mim_attr *desc)
{
	memset(desc, 0, sizeof(*desc));
	desc->type = MIM_OPTS_GET(opts, inner_type, 0);
	desc->key_size = MIM_OPTS_GET(opts, inner_key_size, 0);
	desc->value_size = MIM_OPTS_GET(opts, inner_value_size, 0);
	desc->max_entries = MIM_OPTS_GET(opts, inner_max_entries, 0);
	desc->map_flags = MIM_OPTS_GET(opts, inner_map_flags, 0);
	desc->btf = MIM_OPTS_GET(opts, inner_btf, NULL);
	desc->btf_key_type_id = MIM_OPTS_GET(opts, inner_btf_key_type_id, 0);
	desc->btf_value_type_id = MIM_OPTS_GET(opts, inner_btf_value_type_id,
					       0);
	desc->socket_id = SOCKET_ID_ANY;
	if (!desc_given(desc))
		return 0;
	if (!ops->is_outer)
		return mim_err(EINVAL, "a described template (inner_type and the fields after it) given to a %s table: only outer tables take a template",
			       mim_type_name(attr->type));
	if (desc->type == 0)
		return mim_err(EINVAL, "described template without inner_type: set it to the type of the inner tables");
	if (attr->inner_id != 0)
		return mim_err(EINVAL, "inner_id %u and a described template (inner_type %u) both given: an outer table takes one template",
			       attr->inner_id, desc->type);
	return 0;
}

int
mim_meta_init_desc(struct mim_obj *outer, const struct mim_attr *desc)
{
	const struct mim_table_ops *ops = mim_ops(desc->type);
	struct mim_meta *m = &outer->tmpl;
	char why[320];
	int ret;

	if (ops == NULL)
		return mim_err(EINVAL, "described template: unknown inner_type %u",
			       desc->type);
	if (ops->is_outer)
		return mim_err(EINVAL, "described template: inner_type %s is an outer type: only one level of nesting is supported",
			       mim_type_name(desc->type));
	if (ops->meta_equal == NULL)
		return mim_err(ENOTSUP, "described template: type %s cannot be compared, so it cannot be an inner table",
			       mim_type_name(desc->type));
	/* The inner type's own checks, with their reasons (nothing is
	 * allocated by them).
	 */
	ret = ops->alloc_check(desc);
	if (ret == 0)
		ret = mim_attr_btf_check(ops, desc);
	if (ret != 0) {
		snprintf(why, sizeof(why), "%s", mim_last_error());
		return mim_err(-ret, "described template (inner_type %s): %s",
			       mim_type_name(desc->type), why);
	}
	memset(m, 0, sizeof(*m));
	if (desc->btf != NULL) {
		ret = mim_btf_share(desc->btf, &m->btf);
		if (ret != 0)
			return ret;
		m->btf_key_type_id = desc->btf_key_type_id;
		m->btf_value_type_id = desc->btf_value_type_id;
	}
	m->type = desc->type;
	m->key_size = desc->key_size;
	m->value_size = desc->value_size;
	m->max_entries = desc->max_entries;
	m->map_flags = desc->map_flags;
	outer->tmpl_src_id = 0;
	outer->dp.inner_type = desc->type;
	return 0;
}

#define META_DIFF(field)						\
	do {								\
		if (tmpl->field != m->field) {				\
			snprintf(why, len, #field " %u != template " #field " %u", \
				 m->field, tmpl->field);		\
			return -EINVAL;					\
		}							\
	} while (0)

/*
 * A template with a BTF type wants the same layout from every inner table
 * (the kernel compares only the special fields' btf_record; we compare the
 * whole type, and name the first difference). A template without one
 * accepts typed and untyped tables alike.
 */
static bool
meta_btf_differs(const struct mim_meta *tmpl, const struct mim_meta *m,
		 const char *what, uint32_t tid, uint32_t id, char *why,
		 size_t len)
{
	if (tid == 0)
		return false;
	if (id == 0) {
		snprintf(why, len, "has no BTF %s type, the template has one",
			 what);
		return true;
	}
	/* Tables made from the template's own BTF copy: nothing to walk. */
	if (m->btf == tmpl->btf && id == tid)
		return false;
	return mim_btf_type_equal(m->btf, id, tmpl->btf, tid, what, why,
				  len) != 0;
}

/*
 * bpf_map_meta_equal(): type, key size, value size, flags and BTF types,
 * what every type compares. The meta_equal hook of a type that compares
 * nothing more is this function; the others call it first.
 */
__rte_hot int
mim_meta_equal(const struct mim_meta *tmpl, const struct mim_meta *m,
	       char *why, size_t len)
{
	if (tmpl->type != m->type) {
		snprintf(why, len, "type %s != template type %s",
			 mim_type_name(m->type), mim_type_name(tmpl->type));
		return -EINVAL;
	}
	META_DIFF(key_size);
	META_DIFF(value_size);
	if (tmpl->map_flags != m->map_flags) {
		snprintf(why, len, "map_flags 0x%x != template map_flags 0x%x",
			 m->map_flags, tmpl->map_flags);
		return -EINVAL;
	}
	if (meta_btf_differs(tmpl, m, "key", tmpl->btf_key_type_id,
			     m->btf_key_type_id, why, len) ||
	    meta_btf_differs(tmpl, m, "value", tmpl->btf_value_type_id,
			     m->btf_value_type_id, why, len))
		return -EINVAL;
	return 0;
}

/* The template's hook decides (as the kernel's map_meta_equal). */
static int
inner_matches(const struct mim_meta *tmpl, const struct mim_obj *inner)
{
	char why[320], d[64];
	int ret;

	ret = mim_ops(tmpl->type)->meta_equal(tmpl, &inner->meta, why,
					      sizeof(why));
	if (ret != 0)
		return mim_err(-ret, "inner table %s: %s",
			       mim_obj_desc(inner, d, sizeof(d)), why);
	return 0;
}

__rte_hot int
mim_inner_resolve(struct mim_obj *outer, const void *value,
		  struct mim_obj **inner)
{
	uint64_t p = mim_prof_start();
	struct mim_obj *t;
	uint32_t id;
	char d[64];

	memcpy(&id, value, sizeof(id));
	t = mim_registry_lookup(id);
	if (t == NULL)
		return mim_err(EBADF, "value %u names no table", id);
	if (mim_ops(t->dp.type)->is_outer)
		return mim_err(EINVAL,
			       "inner table %s is an outer table: only one level of nesting is supported",
			       mim_obj_desc(t, d, sizeof(d)));
	if (inner_matches(&outer->tmpl, t) != 0)
		return -EINVAL;
	*inner = t;
	mim_prof_end(MIM_PROF_RESOLVE, p);
	return 0;
}

void
mim_inner_sys_lookup(const struct mim_obj *inner, void *value)
{
	uint32_t id = inner->id;

	memcpy(value, &id, sizeof(id));
}

void
mim_meta_release(struct mim_meta *m)
{
	mim_btf_put(m->btf);
	m->btf = NULL;
}

void
mim_meta_info(const struct mim_meta *m, struct mim_meta_info *info)
{
	info->type = m->type;
	info->key_size = m->key_size;
	info->value_size = m->value_size;
	info->max_entries = m->max_entries;
	info->map_flags = m->map_flags;
	info->btf_key_type_id = m->btf_key_type_id;
	info->btf_value_type_id = m->btf_value_type_id;
}
