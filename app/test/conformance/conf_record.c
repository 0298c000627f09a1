/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The record of the conformance suite: comparisons, their rows (one per
 * distinct check and scenario), failures and notes.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include <mim.h>

#include "conf_record.h"

/* ---- results and errnos --------------------------------------------------- */

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EBADF, "EBADF" },
	{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
	{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { E2BIG, "E2BIG" },
	{ ERANGE, "ERANGE" }, { ENOSYS, "ENOSYS" }, { ENOTSUP, "ENOTSUP" },
	{ CONF_ENOTSUPP, "ENOTSUPP" }, { EAGAIN, "EAGAIN" },
};

const char *
conf_ret_str(int ret, char *buf, size_t len)
{
	size_t i;

	if (ret >= 0) {
		snprintf(buf, len, "ok");
		return buf;
	}
	for (i = 0; i < RTE_DIM(errnames); i++)
		if (errnames[i].err == -ret) {
			snprintf(buf, len, "-%s (%d)", errnames[i].name, -ret);
			return buf;
		}
	snprintf(buf, len, "-%d", -ret);
	return buf;
}

/* ---- the record ------------------------------------------------------------ */

static struct conf_row *rows;
static size_t nb_rows, cap_rows;
static bool recording = true;
static const char *scenario = "";
static unsigned int failures;
static unsigned int nb_scenarios;
static unsigned long nb_checks, random_ops;

void
conf_record_begin(const char *name)
{
	scenario = name;
	failures = 0;
	nb_scenarios++;
	recording = true;
}

const char *
conf_scenario(void)
{
	return scenario;
}

void
conf_set_recording(bool on)
{
	recording = on;
}

bool
conf_recording(void)
{
	return recording;
}

unsigned int
conf_failures(void)
{
	return failures;
}

void
conf_count_random(unsigned long n)
{
	random_ops += n;
}

const struct conf_row *
conf_rows(size_t *n)
{
	*n = nb_rows;
	return rows;
}

void
conf_get_totals(struct conf_totals *t)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->scenarios = nb_scenarios;
	t->checks = nb_checks;
	t->random_ops = random_ops;
	for (i = 0; i < nb_rows; i++)
		t->kinds[rows[i].kind]++;
}

void
conf_record_free(void)
{
	size_t i;

	for (i = 0; i < nb_rows; i++) {
		free(rows[i].scenario);
		free(rows[i].op);
		free(rows[i].kres);
		free(rows[i].mres);
		free(rows[i].reason);
	}
	free(rows);
	rows = NULL;
	nb_rows = cap_rows = 0;
}

static char *
dup_str(const char *s)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL) {
		fprintf(stderr, "conformance: out of memory\n");
		abort();
	}
	return d;
}

/* Whether the running scenario already holds this row. */
static bool
seen_in_scenario(enum conf_row_kind kind, const char *op, const char *kres,
		 const char *mres)
{
	size_t i;

	for (i = nb_rows; i-- > 0 && strcmp(rows[i].scenario, scenario) == 0;)
		if (rows[i].kind == kind && strcmp(rows[i].op, op) == 0 &&
		    strcmp(rows[i].kres, kres) == 0 &&
		    strcmp(rows[i].mres, mres) == 0)
			return true;
	return false;
}

void
conf_record(enum conf_row_kind kind, const char *op, const char *kres,
	    const char *mres, const char *reason)
{
	nb_checks++;
	if (!recording && kind != CONF_ROW_DISAGREE)
		return;
	/* The same check repeated within a scenario is one row. */
	if (seen_in_scenario(kind, op, kres, mres))
		return;
	if (nb_rows == cap_rows) {
		struct conf_row *n;

		cap_rows = cap_rows != 0 ? cap_rows * 2 : 256;
		n = realloc(rows, cap_rows * sizeof(*rows));
		if (n == NULL) {
			fprintf(stderr, "conformance: out of memory\n");
			abort();
		}
		rows = n;
	}
	rows[nb_rows].kind = kind;
	rows[nb_rows].scenario = dup_str(scenario);
	rows[nb_rows].op = dup_str(op);
	rows[nb_rows].kres = dup_str(kres);
	rows[nb_rows].mres = dup_str(mres);
	rows[nb_rows].reason = dup_str(reason);
	nb_rows++;
}

void
conf_disagree(const char *op, const char *kres, const char *mres,
	      const char *fmt, ...)
{
	char head[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	printf("    DIFF [%s] %s:\n", scenario, head);
	printf("         kernel:   %s\n         mapinmap: %s\n", kres, mres);
	conf_record(CONF_ROW_DISAGREE, op, kres, mres, "DISAGREEMENT");
	failures++;
}

void
conf_fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("    FAIL [%s] %s\n", scenario, msg);
	failures++;
}

void
conf_note(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("    note [%s] %s\n", scenario, msg);
}

/* mapinmap's result, with its reason when it failed. */
static const char *
mim_ret_str(int ret, char *buf, size_t len)
{
	char r[48];

	if (ret >= 0)
		return conf_ret_str(ret, buf, len);
	snprintf(buf, len, "%s: %s", conf_ret_str(ret, r, sizeof(r)),
		 mim_last_error());
	return buf;
}

static bool
same_v(int kret, int mret, const char *kres, const char *mres,
       const char *fmt, va_list ap)
{
	char op[256], kb[64], mb[64], why[320];
	int k = kret < 0 ? kret : 0, m = mret < 0 ? mret : 0;

	vsnprintf(op, sizeof(op), fmt, ap);
	if (kres == NULL)
		kres = conf_ret_str(k, kb, sizeof(kb));
	if (mres == NULL)
		mres = conf_ret_str(m, mb, sizeof(mb));
	if (k != m) {
		printf("    DIFF [%s] %s:\n", scenario, op);
		printf("         kernel:   %s\n", kres);
		printf("         mapinmap: %s\n",
		       m < 0 ? mim_ret_str(m, why, sizeof(why)) : mres);
		conf_record(CONF_ROW_DISAGREE, op, kres, mres, "DISAGREEMENT");
		failures++;
		return false;
	}
	conf_record(CONF_ROW_AGREE, op, kres, mres, "");
	return k == 0;
}

bool
conf_same(int kret, int mret, const char *fmt, ...)
{
	va_list ap;
	bool ret;

	va_start(ap, fmt);
	ret = same_v(kret, mret, NULL, NULL, fmt, ap);
	va_end(ap);
	return ret;
}

bool
conf_dev(int kret, int mret, int mexp, const char *reason,
	 const char *fmt, ...)
{
	char op[256], kb[64], mb[64], eb[64], why[320];
	int k = kret < 0 ? kret : 0, m = mret < 0 ? mret : 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(op, sizeof(op), fmt, ap);
	va_end(ap);
	conf_ret_str(k, kb, sizeof(kb));
	conf_ret_str(m, mb, sizeof(mb));
	if (m != mexp) {
		printf("    DIFF [%s] %s: mapinmap does not do what it documents:\n",
		       scenario, op);
		printf("         documented: %s (%s)\n",
		       conf_ret_str(mexp, eb, sizeof(eb)), reason);
		printf("         mapinmap:   %s\n", mim_ret_str(m, why, sizeof(why)));
		printf("         kernel:     %s\n", kb);
		conf_record(CONF_ROW_DISAGREE, op, kb, mb, "DISAGREEMENT (documented deviation not honoured)");
		failures++;
		return false;
	}
	if (k == m)
		conf_note("%s: the kernel agrees (%s): deviation not observed here",
			  op, kb);
	conf_record(CONF_ROW_DEVIATION, op, kb, mb, reason);
	return true;
}

void
conf_dev_text(const char *kres, const char *mres, const char *reason,
	      const char *fmt, ...)
{
	char op[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(op, sizeof(op), fmt, ap);
	va_end(ap);
	conf_record(CONF_ROW_DEVIATION, op, kres, mres, reason);
}
