/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Checks shared by the entry points, each with the reason a user needs:
 * whether DPDK's EAL is up before anything is allocated from its heap,
 * whether an options structure was declared with MIM_OPTS(), whether the
 * options given apply to the table type, and whether an outer table was
 * given a template.
 */

#include <errno.h>
#include <stdio.h>

#include <rte_lcore.h>

#include "mim_private.h"

int
mim_eal_check(void)
{
	/* rte_eal_init() counts the lcores it runs on (at least one)
	 * before it sets up memory; before it the count is 0, and every
	 * DPDK allocation would fail as if memory were exhausted.
	 */
	if (rte_lcore_count() == 0)
		return mim_err(ENOMEM, "the DPDK EAL is not initialised: call rte_eal_init() first");
	return 0;
}

/* sz at least sizeof(size_t), and bytes beyond what we know all zero. */
static bool
opts_valid(const void *opts, size_t known_sz)
{
	const size_t *szp = opts;
	const uint8_t *p = opts;
	size_t i;

	if (opts == NULL)
		return true;
	if (*szp < sizeof(size_t))
		return false;
	for (i = known_sz; i < *szp; i++)
		if (p[i] != 0)
			return false;
	return true;
}

int
mim_opts_check(const void *opts, size_t known_sz, const char *type)
{
	const size_t *szp = opts;

	if (opts_valid(opts, known_sz))
		return 0;
	if (*szp == 0)
		return mim_err(EINVAL, "malformed struct %s: sz is 0; declare it with MIM_OPTS(%s, name, ...), which sets sz",
			       type, type);
	if (*szp < sizeof(size_t))
		return mim_err(EINVAL, "malformed struct %s: sz %zu is smaller than the sz field; declare it with MIM_OPTS()",
			       type, *szp);
	return mim_err(EINVAL, "malformed struct %s: sz %zu, with non-zero bytes beyond the %zu this library knows (built against newer headers?)",
		       type, *szp, known_sz);
}

int
mim_attr_applies(const struct mim_table_ops *ops, const struct mim_attr *attr)
{
	/* A documented deviation: the kernel ignores inner_map_fd on
	 * other map types.
	 */
	if (!ops->is_outer && attr->inner_id != 0)
		return mim_err(EINVAL, "inner_id %u given to a %s table: only outer tables take a template",
			       attr->inner_id, mim_type_name(attr->type));
	/* As the kernel refuses flags that do not apply to a map type. */
	if (attr->type != MIM_TYPE_LPM && attr->lpm_tbl8_groups != 0)
		return mim_err(EINVAL, "lpm_tbl8_groups %u given to a table of type %s: only LPM tables take it",
			       attr->lpm_tbl8_groups, mim_type_name(attr->type));
	return 0;
}

int
mim_outer_template(struct mim_obj *holder, uint32_t inner_id)
{
	if (inner_id == 0)
		return mim_err(EBADF, "an outer table needs a template: inner_id 0 names no table; set it to the ID of a table of the inner type, or describe the inner tables with inner_type and the fields after it");
	if ((int32_t)inner_id < 0)
		return mim_err(EBADF, "inner_id %d is not a table ID (a negative errno from mim_create()?)",
			       (int32_t)inner_id);
	return mim_meta_init(holder, inner_id);
}
