/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Allocation failures on both sides of a forwarded call, in the
 * fault-injection build: the secondary's (its bounce buffer, its BTF
 * copies) and the primary's (the BTF it parses, the record of a handle
 * it holds for the secondary). Each failure must give -ENOMEM and leave
 * nothing behind; the last run, with no failure, must succeed.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include <mim.h>
#include "mim_fault.h"

#include "autotest.h"
#include "autotest_util.h"
#include "mp_util.h"

int mp_child_fault(const char *arg);
int mp_child_fault_op(const char *arg);
extern const struct autotest_case mp_fault_cases[];

/* Create a BTF-typed table, read its BTF back, close it. */
static int
fault_op(void)
{
	struct btf *btf = btf__new_empty();
	const struct btf *b = NULL;
	int id, ret;

	if (btf == NULL)
		return -EIO;
	MIM_OPTS(mim_create_opts, o, .btf = btf);
	o.btf_key_type_id = btf__add_int(btf, "unsigned int", 4, 0);
	id = mim_create(MIM_TYPE_HASH, "fault", 4, 4, 4, &o);
	btf__free(btf);
	if (id < 0)
		return id;
	ret = mim_get_btf(id, &b, NULL, NULL);
	if (ret == 0 && b == NULL)
		ret = -EIO;
	mim_close(id);
	return ret;
}

#ifdef MIM_FAULT_INJECTION

/* The secondary's own allocation points, each failing in turn. */
int
mp_child_fault(const char *arg)
{
	uint64_t n, points;
	int ret;

	(void)arg;
	for (n = 1; n < 64; n++) {
		mim_fault_arm(n);
		ret = fault_op();
		points = mim_fault_points();
		mim_fault_arm(0);
		TEST_ASSERT_ERR(mim_find("fault"), ENOENT, "");
		if (points < n) {
			TEST_ASSERT_EQUAL(ret, 0, "no fault: %s", mim_last_error());
			printf("    secondary: %" PRIu64 " allocation points, each failed once\n",
			       n - 1);
			return 0;
		}
		TEST_ASSERT_EQUAL(ret, -ENOMEM, "fault %" PRIu64 ": %s", n,
				  mim_last_error());
	}
	return -1;
}

#else

int
mp_child_fault(const char *arg)
{
	(void)arg;
	return 0;
}

#endif

/* One run of the operation, in a child, for the primary's loop: its
 * result goes to the file arg.
 */
int
mp_child_fault_op(const char *arg)
{
	int ret = fault_op();
	FILE *f = fopen(arg, "w");

	if (f == NULL)
		return -1;
	fprintf(f, "%d\n", ret);
	fclose(f);
	return 0;
}

#ifdef MIM_FAULT_INJECTION
static int
op_result(const char *p)
{
	FILE *f = fopen(p, "r");
	int ret = -9999;

	if (f != NULL) {
		if (fscanf(f, "%d", &ret) != 1)
			ret = -9999;
		fclose(f);
	}
	unlink(p);
	return ret;
}
#endif

static int
test_mp_fault_secondary(void)
{
#ifdef MIM_FAULT_INJECTION
	TEST_ASSERT_EQUAL(mp_run("fault", NULL), 0, "child failed");
	TEST_ASSERT_OK(mp_reap());
	return TEST_SUCCESS;
#else
	return TEST_SKIPPED;
#endif
}

/*
 * The primary's points, while it serves a child's fault_op: the n-th
 * fails, the child sees -ENOMEM (exit 3), nothing stays; until none is
 * reached and the child succeeds (exit 0).
 */
static int
test_mp_fault_primary(void)
{
#ifdef MIM_FAULT_INJECTION
	const char *res = "/tmp/mim-mp-fault-op";
	uint64_t n, points;
	uint32_t next;
	int st, ret;

	for (n = 1; n < 64; n++) {
		mim_fault_arm(n);
		st = mp_run("fault_op", res);
		points = mim_fault_points();
		mim_fault_arm(0);
		ret = op_result(res);
		TEST_ASSERT_EQUAL(st, 0, "child failed");
		TEST_ASSERT_OK(mp_reap());
		TEST_ASSERT_EQUAL(mim_get_next_id(0, &next), -ENOENT,
				  "a table left after fault %" PRIu64, n);
		if (points < n) {
			TEST_ASSERT_EQUAL(ret, 0, "failed with no fault");
			printf("    primary: %" PRIu64 " allocation points, each failed once\n",
			       n - 1);
			return TEST_SUCCESS;
		}
		TEST_ASSERT_EQUAL(ret, -ENOMEM, "fault %" PRIu64, n);
	}
	return TEST_FAILED;
#else
	return TEST_SKIPPED;
#endif
}

const struct autotest_case mp_fault_cases[] = {
	TEST_CASE(test_mp_fault_secondary),
	TEST_CASE(test_mp_fault_primary),
	TEST_CASES_END(),
};
