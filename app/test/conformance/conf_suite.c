/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The conformance suite's bookkeeping: whether a kernel is there to compare
 * with, scenarios' start and end, and the report at the end of the suite.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "conf_report.h"
#include "conformance.h"

static bool kernel_ok;
static char kernel_why[160];

bool
conf_kernel_available(void)
{
	return kernel_ok;
}

void
conf_begin(const char *name)
{
	conf_record_begin(name);
	conf_pairs_reset();
}

int
conf_end(void)
{
	conf_pairs_close_all();
	return conf_failures() == 0 ? TEST_SUCCESS : TEST_FAILED;
}

int
conf_suite_setup(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, o);
	int a, outer = -1, byid = -1;
	struct utsname u;

	/* A disagreement may be a library bug that crashes: keep its output. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	a = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	if (a >= 0) {
		o.inner_map_fd = (uint32_t)a;
		outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, NULL, 4, 4, 1,
				       &o);
		if (outer >= 0)
			byid = bpf_map_get_fd_by_id(conf_k_id_of(a));
	}
	if (a < 0 || outer < 0 || byid < 0) {
		int err = a < 0 ? a : outer < 0 ? outer : byid;
		char b[48];

		snprintf(kernel_why, sizeof(kernel_why),
			 "%s failed: %s%s",
			 a < 0 ? "bpf(BPF_MAP_CREATE, ARRAY)" :
			 outer < 0 ? "bpf(BPF_MAP_CREATE, ARRAY_OF_MAPS)" :
			 "bpf(BPF_MAP_GET_FD_BY_ID)",
			 conf_ret_str(err, b, sizeof(b)),
			 err == -EPERM ? " (bpf() refused: the suite needs root, or CAP_BPF and CAP_SYS_ADMIN)" :
			 err == -ENOSYS ? " (no bpf() in this kernel)" : "");
		printf("  SKIP: no kernel to compare with: %s\n", kernel_why);
	} else {
		kernel_ok = true;
		if (uname(&u) != 0)
			snprintf(u.release, sizeof(u.release), "?");
		printf("  kernel %s, libbpf %s\n", u.release,
		       libbpf_version_string());
	}
	if (byid >= 0)
		close(byid);
	if (outer >= 0)
		close(outer);
	if (a >= 0)
		close(a);
	return TEST_SUCCESS;
}

void
conf_suite_teardown(void)
{
	const char *path = getenv("MIM_CONF_TABLE");

	if (!kernel_ok)
		return;
	conf_report_summary();
	if (path != NULL && path[0] != '\0')
		conf_report_write(path);
	conf_record_free();
}
