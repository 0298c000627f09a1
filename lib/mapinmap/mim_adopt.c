/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Adopted tables, what both types share: the handle that wraps an
 * application's table, and its hand-back. The wrapper is a table object as
 * any other (an ID, references, a template meta); it dies and is destroyed
 * after a grace period as any other (mim_lifetime.c), and its destruction
 * is the moment the release callback gives the application's table back.
 * A table being adopted twice would be given back twice: the objects not
 * released yet are kept on a list, and a table on it is refused.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_memory.h>

#include "mim_adopt_private.h"

/* Adopted tables whose release callback has not run; under the mutex. */
static struct mim_adopt_obj *adopted;

static struct mim_adopt_obj *
adopted_find(const void *table)
{
	struct mim_adopt_obj *o;

	for (o = adopted; o != NULL; o = o->next)
		if (o->table == table)
			return o;
	return NULL;
}

static int
adopt_refused(const struct mim_adopt_args *a, const char *name)
{
	const struct mim_adopt_obj *o = adopted_find(a->table);
	char d[64];

	if (o != NULL && o->base.id != 0)
		return mim_err(EEXIST, "%s is adopted already, as table %s",
			       a->what, mim_obj_desc(&o->base, d, sizeof(d)));
	if (o != NULL)
		return mim_err(EEXIST, "%s was adopted and is not released yet: its release callback runs once readers pass a quiescent state",
			       a->what);
	if (name != NULL && name[0] != '\0' && !a->attr.name_shared &&
	    mim_registry_find(name) != NULL)
		return mim_err(EEXIST, "a table named '%s' exists", name);
	return 0;
}

static struct mim_adopt_obj *
adopt_obj_new(const struct mim_adopt_args *a)
{
	const struct mim_attr *at = &a->attr;
	struct mim_adopt_obj *o = mim_zmalloc(sizeof(*o), SOCKET_ID_ANY);
	struct mim_obj *t;

	if (o == NULL) {
		mim_err(ENOMEM, "cannot allocate the table object adopting %s",
			a->what);
		return NULL;
	}
	t = &o->base;
	t->dp.type = at->type;
	t->dp.key_size = at->key_size;
	t->dp.value_size = at->value_size;
	t->dp.max_entries = at->max_entries;
	t->dp.elem_size = at->value_size;
	if (at->type == MIM_TYPE_RTE_HASH)
		t->dp.u.rte_hash = a->table;
	else
		t->dp.u.rte_lpm = a->table;
	t->dp.lpm_values = a->values;
	t->dp.nb_nh_values = a->nb_values;
	t->socket_id = SOCKET_ID_ANY;
	t->serial = mim_serial();
	/* The wrapper only: the table's memory is the application's. */
	t->mem_bytes = sizeof(*o);
	t->meta.type = at->type;
	t->meta.key_size = at->key_size;
	t->meta.value_size = at->value_size;
	t->meta.max_entries = at->max_entries;
	t->meta.map_flags = at->map_flags;
	o->table = a->table;
	o->release = a->release;
	o->release_arg = a->release_arg;
	return o;
}

int
mim_adopt_table(const struct mim_adopt_args *a, const char *name)
{
	struct mim_adopt_obj *o;
	int ret;

	ret = mim_name_check(name);
	if (ret == 0)
		ret = mim_eal_check();
	if (ret != 0)
		return ret;
	mim_lock();
	mim_rcu_maybe_reclaim();
	ret = adopt_refused(a, name);
	if (ret != 0)
		goto out;
	o = adopt_obj_new(a);
	if (o == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	ret = mim_registry_add(&o->base, name, a->attr.name_shared);
	if (ret != 0) {
		ret = mim_err(-ret, ret == -ENOSPC ? "all table IDs are in use (%u live tables)" :
			      "cannot register the table (%u live tables)",
			      mim_registry_count());
		/* Not published: destroying it gives nothing back. */
		mim_obj_destroy(&o->base);
		goto out;
	}
	o->base.refcnt = 1;
	o->base.handles = 1;
	o->published = true;
	o->next = adopted;
	adopted = o;
	ret = (int)o->base.id;
out:
	mim_unlock();
	return ret;
}

void
mim_adopt_free(struct mim_obj *t)
{
	struct mim_adopt_obj *o = mim_adopt_of(t), **p;

	if (!o->published)
		return;
	for (p = &adopted; *p != NULL; p = &(*p)->next)
		if (*p == o) {
			*p = o->next;
			break;
		}
	/* After the grace period (mim_obj_destroy_chain()): no reader
	 * holds the table any more. The application's again.
	 */
	o->release(o->table, o->release_arg);
}

int
mim_adopt_alloc(struct mim_obj *t, const struct mim_attr *attr)
{
	RTE_SET_USED(t);
	return mim_err(EOPNOTSUPP, "a %s table is the application's: adopt it with mim_adopt_%s() (mim_adopt.h) instead of creating it",
		       mim_type_name(attr->type), mim_type_name(attr->type));
}

int
mim_adopt_readonly(const struct mim_obj *t, const char *calls)
{
	char d[64];

	return mim_err(EOPNOTSUPP, "table %s is an adopted %s: the application owns its contents and changes them with %s",
		       mim_obj_desc(t, d, sizeof(d)), mim_type_name(t->dp.type),
		       calls);
}
