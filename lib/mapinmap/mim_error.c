/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* Why a call failed: the thread's last reason, and the log line. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "mim_private.h"

RTE_LOG_REGISTER_DEFAULT(mim_logtype, NOTICE);

#define MIM_ERR_LEN 512

static _Thread_local char mim_errbuf[MIM_ERR_LEN];
static _Thread_local const char *mim_errop = "mapinmap";

__rte_hot void
mim_err_enter(const char *op)
{
	mim_errop = op;
}

int
mim_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mim_errbuf, sizeof(mim_errbuf), fmt, ap);
	va_end(ap);
	/* INFO: a control plane retrying a bad request must not flood the
	 * default log; --log-level=lib.mapinmap:info shows every rejection.
	 */
	MIM_LOG(INFO, "%s: %s", mim_errop, mim_errbuf);
	return -err;
}

void
mim_err_set(const char *text)
{
	snprintf(mim_errbuf, sizeof(mim_errbuf), "%s", text);
}

void
mim_err_clear(void)
{
	mim_errbuf[0] = '\0';
}

const char *
mim_last_error(void)
{
	return mim_errbuf;
}
