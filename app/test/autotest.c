/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* The autotest runner: suites of cases, with a leak check after each. */

#include <stdlib.h>

#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"
#include "mim_private.h"

static struct autotest_suite *suites;
unsigned long autotest_nb_checks;

void
autotest_register(struct autotest_suite *s)
{
	struct autotest_suite **p = &suites;

	/* Keep them sorted by name for --list. */
	while (*p != NULL && strcmp((*p)->name, s->name) < 0)
		p = &(*p)->next;
	s->next = *p;
	*p = s;
}

struct autotest_suite *
autotest_first(void)
{
	return suites;
}

struct autotest_suite *
autotest_find(const char *name)
{
	struct autotest_suite *s;

	for (s = suites; s != NULL; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* Everything a case created must be gone once readers are detached. */
static int
leak_check(const struct autotest_case *c, uint64_t heap0, unsigned int mz0)
{
	struct mim_rcu_stats rs;
	struct mim_stats st;
	int ret = TEST_SUCCESS;

	if (mim_get_next_id(0, &(uint32_t){0}) == 0) {
		printf("    FAIL %s: left tables open\n", c->name);
		autotest_close_all();
		ret = TEST_FAILED;
	}
	autotest_qsbr_release_all();
	mim_reclaim();
	mim_get_stats(&st);
	mim_rcu_get_stats(&rs);
	if (st.nb_dying != 0 || rs.pending != 0 || rs.nb_vars != 0) {
		printf("    FAIL %s: %u tables dying, %u releases pending, %u QSBR variables attached\n",
		       c->name, st.nb_dying, rs.pending, rs.nb_vars);
		ret = TEST_FAILED;
	}
	if (mim_heap_allocated() != heap0 || mim_memzone_count() != mz0) {
		printf("    FAIL %s: DPDK heap %+" PRId64 " bytes, %+d memzones after the case\n",
		       c->name, (int64_t)(mim_heap_allocated() - heap0),
		       (int)mim_memzone_count() - (int)mz0);
		ret = TEST_FAILED;
	}
	return ret;
}

struct run_counts {
	unsigned int passed, failed, skipped;
};

/* Run one case and its leak check; print and count the outcome. */
static void
run_case(const struct autotest_suite *s, const struct autotest_case *c,
	 struct run_counts *n)
{
	uint64_t heap0 = mim_heap_allocated();
	unsigned int mz0 = mim_memzone_count();
	int ret;

	fflush(stdout);
	ret = c->fn();
	if (!s->no_leak_check && ret != TEST_SKIPPED &&
	    leak_check(c, heap0, mz0) != TEST_SUCCESS)
		ret = TEST_FAILED;
	autotest_qsbr_release_all();
	switch (ret) {
	case TEST_SUCCESS:
		printf("  %-40s ok\n", c->name);
		n->passed++;
		break;
	case TEST_SKIPPED:
		printf("  %-40s skipped\n", c->name);
		n->skipped++;
		break;
	default:
		printf("  %-40s FAILED\n", c->name);
		n->failed++;
		autotest_close_all();
		break;
	}
}

int
autotest_run(struct autotest_suite *s)
{
	const struct autotest_case *const *list;
	const struct autotest_case *c;
	struct run_counts n = { 0, 0, 0 };
	unsigned long checks0 = autotest_nb_checks;

	printf("suite %s\n", s->name);
	if (s->setup != NULL) {
		int ret = s->setup();

		if (ret == TEST_SKIPPED) {
			printf("suite %s: skipped by its setup\n", s->name);
			return TEST_SKIPPED;
		}
		if (ret != TEST_SUCCESS) {
			printf("  setup failed\n");
			return 1;
		}
	}
	for (c = s->cases; c->name != NULL; c++)
		run_case(s, c, &n);
	for (list = s->more_cases; list != NULL && *list != NULL; list++)
		for (c = *list; c->name != NULL; c++)
			run_case(s, c, &n);
	if (s->teardown != NULL)
		s->teardown();
	printf("suite %s: %u passed, %u failed, %u skipped, %lu checks\n",
	       s->name, n.passed, n.failed, n.skipped,
	       autotest_nb_checks - checks0);
	if (n.failed != 0)
		return 1;
	return n.passed == 0 && n.skipped != 0 ? TEST_SKIPPED : 0;
}
