/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_CONF_REPORT_H
#define MIM_CONF_REPORT_H

/*
 * The report writer of the conformance suite: the record (conf_record.h)
 * as a Markdown document, doc/conformance.md. The document depends only on
 * the rows, the totals that do not vary from run to run, the kernel
 * release and the libbpf version: two runs on one machine write the same
 * bytes.
 */

/* Print the suite's one-line summary of the record. */
void conf_report_summary(void);
/* Write the record to path; 0, or -errno (printed) if it cannot. */
int conf_report_write(const char *path);

#endif /* MIM_CONF_REPORT_H */
