/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>

#include <mim.h>

#include "fuzz_common.h"
#include "mim_private.h"

int fz_trace;
static uint64_t base_heap;
static uint32_t base_memzones;

void
fz_bytes(struct fz_in *in, void *buf, size_t n)
{
	size_t k = n < in->left ? n : in->left;

	memcpy(buf, in->p, k);
	memset((uint8_t *)buf + k, 0, n - k);
	in->p += k;
	in->left -= k;
}

void
fz_eal_init(const char *prefix)
{
	char pfx[64];
	char *argv[] = {
		"fuzz", "--no-huge", "--no-pci", "-m", "512", "--no-shconf",
		"--no-telemetry", "-l", "0", pfx,
		"--log-level=lib.eal:warning",
		/* Each rejected call logs its reason at INFO: too much. */
		"--log-level=lib.mapinmap:warning",
		NULL,
	};

	fz_trace = getenv("FUZZ_TRACE") != NULL;
	snprintf(pfx, sizeof(pfx), "--file-prefix=%s", prefix);
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		fprintf(stderr, "fuzz: rte_eal_init failed\n");
		exit(1);
	}
	base_heap = mim_heap_allocated();
	base_memzones = mim_memzone_count();
}

void
fz_rebase(void)
{
	base_heap = mim_heap_allocated();
	base_memzones = mim_memzone_count();
}

void
fz_check_baseline(const char *what)
{
	struct mim_rcu_stats rs;
	struct mim_stats st;
	uint32_t next;
	uint64_t heap;
	uint32_t mz;

	if (mim_get_next_id(0, &next) == 0) {
		fprintf(stderr, "%s: table %" PRIu32 " still open\n", what, next);
		abort();
	}
	mim_get_stats(&st);
	mim_rcu_get_stats(&rs);
	if (st.nb_tables != 0 || st.nb_dying != 0 || rs.pending != 0 ||
	    rs.nb_vars != 0 || st.memzones != 0 || st.mem_bytes != 0) {
		fprintf(stderr, "%s: not back to baseline: %" PRIu32 " tables, %"
			PRIu32 " dying, %" PRIu32 " pending, %" PRIu32
			" QSBR variables, %" PRIu32 " memzones, %" PRIu64
			" bytes\n", what, st.nb_tables, st.nb_dying, rs.pending,
			rs.nb_vars, st.memzones, st.mem_bytes);
		abort();
	}
	heap = mim_heap_allocated();
	mz = mim_memzone_count();
	if (heap != base_heap || mz != base_memzones) {
		fprintf(stderr, "%s: DPDK heap %+" PRId64 " bytes, %+d memzones"
			" after the input\n", what, (int64_t)(heap - base_heap),
			(int)mz - (int)base_memzones);
		abort();
	}
}
