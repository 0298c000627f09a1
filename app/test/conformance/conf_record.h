/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_CONF_RECORD_H
#define MIM_CONF_RECORD_H

/*
 * The record of the conformance suite: every comparison of a kernel result
 * with a mapinmap result becomes a row (scenario, operation, both results,
 * the reason of a deviation). A check repeated within a scenario is one
 * row. Rows are kept while a named scenario runs (randomized runs keep only
 * their disagreements), for the report writer (conf_report.h).
 *
 * Results are ints: 0 or > 0 success, < 0 a negative errno.
 */

#include <stdbool.h>
#include <stddef.h>

/* Errno the kernel uses internally for "not supported" (include/linux/errno.h). */
#define CONF_ENOTSUPP 524

enum conf_row_kind {
	CONF_ROW_AGREE,
	CONF_ROW_DEVIATION,
	CONF_ROW_DISAGREE,
	CONF_ROW_KINDS
};

struct conf_row {
	enum conf_row_kind kind;
	char *scenario;
	char *op;
	char *kres;
	char *mres;
	char *reason;   /* "" for an agreement */
};

/* What the suite did, for the summary and the report. */
struct conf_totals {
	unsigned int scenarios;
	unsigned long checks;       /* comparisons, repeated ones included */
	unsigned long random_ops;
	size_t kinds[CONF_ROW_KINDS];   /* rows of each kind */
};

/* Start a scenario's record: its name, no failures, recording on. */
void conf_record_begin(const char *scenario);
/* The running scenario's name ("" before the first). */
const char *conf_scenario(void);
/* Record comparisons in the table (named scenarios) or not (random runs). */
void conf_set_recording(bool on);
bool conf_recording(void);
/* Failures so far in this scenario. */
unsigned int conf_failures(void);
/* Count randomized operations (for the summary). */
void conf_count_random(unsigned long n);

/* The rows so far, in the order recorded; *n is their number. */
const struct conf_row *conf_rows(size_t *n);
void conf_get_totals(struct conf_totals *t);
/* Free every row (the suite's teardown). */
void conf_record_free(void);

/* Count a comparison and keep it as a row (unless not recording). */
void conf_record(enum conf_row_kind kind, const char *op, const char *kres,
		 const char *mres, const char *reason);
/*
 * A disagreement found by comparing more than results (values, walks,
 * info): print both sides under "DIFF [scenario] <fmt>", record the row
 * under op and count a failure.
 */
void conf_disagree(const char *op, const char *kres, const char *mres,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Report a failure that is not a comparison (a broken test precondition). */
void conf_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Add a free-form note to the scenario's output. */
void conf_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "ok", "-EINVAL (22)", "-ENOTSUPP (524)": a result for messages. */
const char *conf_ret_str(int ret, char *buf, size_t len);

/*
 * Compare two results (0 or > 0: success; < 0: -errno). Records the row.
 * Returns true if both succeeded.
 */
bool conf_same(int kret, int mret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * A documented deviation: mapinmap must return mexp (0 for success, or
 * -errno); the kernel's result is recorded, whatever it is. Returns true if
 * mapinmap returned mexp.
 */
bool conf_dev(int kret, int mret, int mexp, const char *reason,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Record a row whose results are already text (walk orders, IDs). */
void conf_dev_text(const char *kres, const char *mres, const char *reason,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* MIM_CONF_RECORD_H */
