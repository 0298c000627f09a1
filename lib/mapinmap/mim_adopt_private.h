/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_ADOPT_PRIVATE_H
#define MIM_ADOPT_PRIVATE_H

/*
 * Adopted tables (mim_adopt.h), private to the library: the object that
 * wraps an application's table, and the interface between mim_adopt.c
 * (handles, lifetime, release callback) and the two types' files
 * (mim_adopt_hash.c, mim_adopt_lpm.c). Locking as mim_private.h says.
 */

#include "mim_adopt.h"
#include "mim_private.h"

struct mim_adopt_obj {
	struct mim_obj base;
	void *table;                 /* the application's rte_hash or rte_lpm */
	mim_adopt_release_t release;
	void *release_arg;
	bool published;              /* registered: release once destroyed */
	struct mim_adopt_obj *next;  /* adopted and not released yet */
};

static inline struct mim_adopt_obj *
mim_adopt_of(const struct mim_obj *t)
{
	return container_of(t, struct mim_adopt_obj, base);
}

/* What an adopt call has checked, to make the table of. */
struct mim_adopt_args {
	struct mim_attr attr;        /* type, sizes, flags, name_shared */
	void *table;
	const char *what;            /* the table for messages: "rte_hash 'x'" */
	uint8_t *values;             /* RTE_LPM: the next hops' values */
	uint32_t nb_values;
	mim_adopt_release_t release;
	void *release_arg;
};

/*
 * Take the mutex and make, register and return the table of a: its ID, or
 * -EEXIST (a->table is adopted already, or the name is taken),
 * -EINVAL (the name is invalid), -ENOMEM, -ENOSPC; reasons set.
 * Called without the mutex.
 */
int mim_adopt_table(const struct mim_adopt_args *a, const char *name);

/* ops->free of both types: calls the release callback if published. */
void mim_adopt_free(struct mim_obj *t);

/* ops->alloc of both types: such tables are adopted, not created. */
int mim_adopt_alloc(struct mim_obj *t, const struct mim_attr *attr);

/* The refusal of an element write on an adopted table (-EOPNOTSUPP),
 * naming the DPDK calls that change it.
 */
int mim_adopt_readonly(const struct mim_obj *t, const char *calls);

#endif /* MIM_ADOPT_PRIVATE_H */
