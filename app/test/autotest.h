/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_AUTOTEST_H
#define MIM_AUTOTEST_H

/*
 * Test suites run by `mim-test <suite>`, in the shape of DPDK's app/test: a
 * suite of named cases, each returning TEST_SUCCESS, TEST_FAILED or
 * TEST_SKIPPED. After every case the runner checks that the case left
 * nothing behind: no table, no pending release, no attached QSBR variable,
 * and the DPDK heap and memzone count back where they were. Every assertion
 * evaluated is counted, and the suite's summary gives the count: a change
 * that turns cases into tables must not lower it.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define TEST_SUCCESS 0
#define TEST_FAILED -1
#define TEST_SKIPPED 77

struct autotest_case {
	const char *name;
	int (*fn)(void);
};

struct autotest_suite {
	const char *name;
	const char *help;
	/* Optional, around the whole suite. */
	int (*setup)(void);
	void (*teardown)(void);
	/* Do not check the heap after each case (a case that intentionally
	 * keeps DPDK objects across cases, e.g. a perf suite).
	 */
	int no_leak_check;
	const struct autotest_case *cases;   /* ends with { NULL, NULL } */
	/* Optional: more lists of cases, run after cases (a suite whose
	 * cases live in several files); each list ends with { NULL, NULL },
	 * the array of lists with NULL.
	 */
	const struct autotest_case *const *more_cases;
	struct autotest_suite *next;
};

/* Assertions evaluated so far (TEST_ASSERT*; the runner prints the count). */
extern unsigned long autotest_nb_checks;

/*
 * Relaxed: a count, not a synchronisation. Worker lcores may assert too;
 * the runner reads the count after the case, once they have joined
 * (rte_eal_wait_lcore() orders their increments before its read).
 */
static inline void
autotest_count_check(void)
{
	__atomic_fetch_add(&autotest_nb_checks, 1, __ATOMIC_RELAXED);
}

void autotest_register(struct autotest_suite *s);
struct autotest_suite *autotest_find(const char *name);
struct autotest_suite *autotest_first(void);
/* Run a suite: 0 all passed, 77 all skipped, 1 any failed. */
int autotest_run(struct autotest_suite *s);

#define REGISTER_AUTOTEST(suite)					\
	static void __attribute__((constructor))			\
	autotest_register_ ## suite(void)				\
	{								\
		autotest_register(&suite);				\
	}

#define TEST_CASE(fn) { #fn, fn }
#define TEST_CASES_END() { NULL, NULL }

#define TEST_ASSERT(cond, fmt, ...) do {				\
	autotest_count_check();						\
	if (!(cond)) {							\
		printf("    FAIL %s:%d: %s: " fmt "\n", __FILE__,	\
		       __LINE__, #cond, ##__VA_ARGS__);			\
		return TEST_FAILED;					\
	}								\
} while (0)

#define TEST_ASSERT_EQUAL(a, b, fmt, ...) do {				\
	long long _a = (long long)(a), _b = (long long)(b);		\
	autotest_count_check();						\
	if (_a != _b) {							\
		printf("    FAIL %s:%d: %s == %s: %lld != %lld: " fmt "\n", \
		       __FILE__, __LINE__, #a, #b, _a, _b, ##__VA_ARGS__); \
		return TEST_FAILED;					\
	}								\
} while (0)

/* A call must fail with -err and leave a reason containing text ("": any). */
#define TEST_ASSERT_ERR(call, err, text) do {				\
	long long _r = (long long)(call);				\
	const char *_why = mim_last_error(), *_text = (text);		\
	autotest_count_check();						\
	if (_r != -(long long)(err)) {					\
		printf("    FAIL %s:%d: %s returned %lld, expected -%s (%d); reason: %s\n", \
		       __FILE__, __LINE__, #call, _r, #err, (err), _why); \
		return TEST_FAILED;					\
	}								\
	if (_text[0] != '\0' && strstr(_why, _text) == NULL) {	\
		printf("    FAIL %s:%d: %s: reason \"%s\" does not mention \"%s\"\n", \
		       __FILE__, __LINE__, #call, _why, _text);		\
		return TEST_FAILED;					\
	}								\
} while (0)

/* A call must succeed (return >= 0). */
#define TEST_ASSERT_OK(call) do {					\
	long long _r = (long long)(call);				\
	autotest_count_check();						\
	if (_r < 0) {							\
		printf("    FAIL %s:%d: %s returned %lld: %s\n", __FILE__, \
		       __LINE__, #call, _r, mim_last_error());		\
		return TEST_FAILED;					\
	}								\
} while (0)

#endif /* MIM_AUTOTEST_H */
