/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_TEST_API_H
#define MIM_TEST_API_H

/* Shared by the api suite's two files, test_api.c and test_api_elem.c. */

#include <mim.h>

/* test_api_elem.c's cases; test_api.c lists them after its own. */
extern const struct autotest_case api_elem_cases[];

static inline int
mk(enum mim_type type, const char *name, uint32_t k, uint32_t v, uint32_t max)
{
	return mim_create(type, name, k, v, max, NULL);
}

static inline int
mk_outer(enum mim_type type, const char *name, uint32_t k, uint32_t max,
	 uint32_t inner_id)
{
	MIM_OPTS(mim_create_opts, o, .inner_id = inner_id);

	return mim_create(type, name, k, 4, max, &o);
}

#endif /* MIM_TEST_API_H */
