/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The table types: the ops of each and its name, both made from the one
 * list in mim_types.h.
 */

#include "mim_private.h"

static const struct mim_table_ops *const ops_of_type[MIM_TYPE_MAX] = {
#define MIM_TYPE(id, name, ops, bpf) [id] = &ops,
#include "mim_types.h"
#undef MIM_TYPE
};

/* The list, counted: MIM_TYPE_MAX is one more (types start at 1). */
enum {
#define MIM_TYPE(id, name, ops, bpf) MIM_LISTED_ ## name,
#include "mim_types.h"
#undef MIM_TYPE
	MIM_NB_LISTED
};
_Static_assert(MIM_NB_LISTED == MIM_TYPE_MAX - 1,
	       "MIM_TYPE_MAX and mim_types.h disagree");

__rte_hot const struct mim_table_ops *
mim_ops(uint32_t type)
{
	return type < MIM_TYPE_MAX ? ops_of_type[type] : NULL;
}

const char *
mim_type_name(enum mim_type type)
{
	/* No default: -Wswitch makes this list and enum mim_type agree. */
	switch (type) {
#define MIM_TYPE(id, name, ops, bpf) case id: return #name;
#include "mim_types.h"
#undef MIM_TYPE
	}
	return NULL;
}
