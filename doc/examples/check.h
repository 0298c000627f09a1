/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * What the guide's examples check: a call's return value and, when it
 * fails, the exact reason mim_last_error() gives. Any difference ends the
 * program with status 1, so `meson test` fails when the library no longer
 * does what the guide says.
 */

#ifndef DOC_EXAMPLES_CHECK_H
#define DOC_EXAMPLES_CHECK_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>

#include <mim.h>

/* The call must succeed (return >= 0). */
#define CHECK(call) check_ok((call), #call, __FILE__, __LINE__)

static inline long
check_ok(long ret, const char *what, const char *file, int line)
{
	if (ret < 0) {
		fprintf(stderr, "%s:%d: %s = %ld: %s\n", file, line, what, ret,
			mim_last_error());
		exit(1);
	}
	return ret;
}

/* The call must return want; if want < 0, the reason must be fmt. */
#define EXPECT(call, want, ...) \
	expect_ret((call), (want), #call, __FILE__, __LINE__, __VA_ARGS__)

static inline void
expect_ret(long ret, long want, const char *what, const char *file,
	   int line, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	if (ret != want) {
		fprintf(stderr, "%s:%d: %s = %ld, want %ld (%s)\n", file, line,
			what, ret, want, mim_last_error());
		exit(1);
	}
	if (fmt == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (strcmp(reason, mim_last_error()) != 0) {
		fprintf(stderr, "%s:%d: %s: reason\n  '%s', want\n  '%s'\n",
			file, line, what, mim_last_error(), reason);
		exit(1);
	}
	printf("%-6s %s\n", want == -EINVAL ? "EINVAL" :
	       want == -ENOTSUP ? "ENOTSUP" : want == -EBADF ? "EBADF" :
	       want == -EBUSY ? "EBUSY" : want == -E2BIG ? "E2BIG" :
	       want == -ENOENT ? "ENOENT" : want == -EEXIST ? "EEXIST" :
	       want == -EDEADLK ? "EDEADLK" : "error",
	       reason);
}

/* The condition must hold. */
#define ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: %s is false\n", __FILE__,	\
			__LINE__, #cond);				\
		exit(1);						\
	}								\
} while (0)

#endif /* DOC_EXAMPLES_CHECK_H */
