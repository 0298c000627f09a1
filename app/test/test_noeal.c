/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * mim-test-noeal: the calls that allocate DPDK memory, made before
 * rte_eal_init(), must say that EAL is not initialised rather than that
 * memory ran out. A program of its own: mim-test starts EAL first.
 * Exit status: 0 passed, 1 failed.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_rcu_qsbr.h>

#include <mim.h>

static int
expect(const char *what, int ret, int err, const char *text)
{
	if (ret == -err && strstr(mim_last_error(), text) != NULL) {
		printf("  %-28s ok\n", what);
		return 0;
	}
	printf("  %-28s FAILED: returned %d, reason \"%s\"; expected -%d, \"%s\"\n",
	       what, ret, mim_last_error(), err, text);
	return 1;
}

int
main(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(4);
	struct rte_rcu_qsbr *v = aligned_alloc(64, (sz + 63) / 64 * 64);
	int fails = 0;

	fails += expect("mim_create (hash)",
			mim_create(MIM_TYPE_HASH, "h", 4, 4, 8, NULL), ENOMEM,
			"the DPDK EAL is not initialised: call rte_eal_init() first");
	fails += expect("mim_create (array)",
			mim_create(MIM_TYPE_ARRAY, "a", 4, 4, 8, NULL), ENOMEM,
			"EAL is not initialised");
	if (v == NULL || rte_rcu_qsbr_init(v, 4) != 0)
		return 1;
	fails += expect("mim_rcu_qsbr_add", mim_rcu_qsbr_add(v), ENOMEM,
			"EAL is not initialised");
	free(v);
	printf("noeal: %s\n", fails ? "FAILED" : "ok");
	return fails ? 1 : 0;
}
