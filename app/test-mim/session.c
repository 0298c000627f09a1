/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The session (session.h): the process type, and the handles a secondary
 * test-mim took on the primary's tables.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_eal.h>

#include <mim.h>

#include "cli.h"
#include "session.h"

/* One table this session holds handles on. */
struct held {
	mim_id_t id;
	unsigned int n;
};

static struct {
	bool secondary;
	struct held *held;  /* secondary only: nb entries of cap */
	size_t nb, cap;
} ses;

int
session_init(void)
{
	struct mim_stats st;
	int ret;

	ses.secondary = rte_eal_process_type() == RTE_PROC_SECONDARY;
	if (!ses.secondary)
		return 0;
	/* Any control-plane call goes to the primary: one that cannot be
	 * answered says why the tables cannot be reached.
	 */
	ret = mim_get_stats(&st);
	if (ret < 0) {
		fprintf(stderr,
			"test-mim: secondary process: the primary does not answer mapinmap's requests: %s (%s)\n"
			"test-mim: is a mapinmap application running with this --file-prefix?\n",
			mim_last_error(), cli_errno_name(-ret));
		return -1;
	}
	return 0;
}

bool
session_secondary(void)
{
	return ses.secondary;
}

static struct held *
held_find(mim_id_t id)
{
	size_t i;

	for (i = 0; i < ses.nb; i++)
		if (ses.held[i].id == id)
			return &ses.held[i];
	return NULL;
}

int
session_hold(mim_id_t id)
{
	struct held *h, *grown;
	size_t cap;

	if (!ses.secondary)
		return 0;
	h = held_find(id);
	if (h != NULL) {
		h->n++;
		return 0;
	}
	if (ses.nb == ses.cap) {
		cap = ses.cap == 0 ? 16 : ses.cap * 2;
		grown = realloc(ses.held, cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		ses.held = grown;
		ses.cap = cap;
	}
	ses.held[ses.nb++] = (struct held){ .id = id, .n = 1 };
	return 0;
}

bool
session_release(mim_id_t id)
{
	struct held *h;

	if (!ses.secondary)
		return true;
	h = held_find(id);
	if (h == NULL)
		return false;
	if (--h->n == 0)
		*h = ses.held[--ses.nb];
	return true;
}

void
session_close_all(void)
{
	struct mim_table_info info;
	uint32_t id = 0;
	size_t i;

	if (ses.secondary) {
		for (i = 0; i < ses.nb; i++)
			while (ses.held[i].n-- > 0)
				mim_close(ses.held[i].id);
		free(ses.held);
		ses.held = NULL;
		ses.nb = 0;
		ses.cap = 0;
		return;
	}
	while (mim_get_next_id(id, &id) == 0)
		if (mim_get_info((int)id, &info) == 0)
			while (info.handles-- > 0)
				mim_close((int)id);
}
