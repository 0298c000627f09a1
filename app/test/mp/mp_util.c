/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* Starting mim-test again as a secondary process, and waiting for it. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_cycles.h>

#include <mim.h>
#include <mim_mp.h>

#include "mp_util.h"

const char *
mp_huge_dir(void)
{
	return getenv("MIM_HUGE_DIR");
}

const char *
mp_file_prefix(void)
{
	return getenv("MIM_FILE_PREFIX");
}

pid_t
mp_spawn(const char *name, const char *arg)
{
	char prefix[128], huge[256];
	char *argv[] = {
		(char *)"mim-test", (char *)"--proc-type=secondary", prefix,
		huge, (char *)"--no-pci", (char *)"--lcores=1@(0-1),2@(0-1)",
		(char *)"--log-level=lib.eal:warning", (char *)"--",
		(char *)"mp_child", NULL,
	};
	pid_t pid;

	if (mp_huge_dir() == NULL || mp_file_prefix() == NULL)
		return -1;
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s", mp_file_prefix());
	snprintf(huge, sizeof(huge), "--huge-dir=%s", mp_huge_dir());
	fflush(stdout);
	pid = fork();
	if (pid != 0)
		return pid;
	setenv("MIM_MP_CASE", name, 1);
	if (arg != NULL)
		setenv("MIM_MP_ARG", arg, 1);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "mp_spawn: execv: %s\n", strerror(errno));
	_exit(127);
}

int
mp_wait(pid_t pid)
{
	int st;

	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

int
mp_run(const char *name, const char *arg)
{
	return mp_wait(mp_spawn(name, arg));
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

double
mp_lookup_median_us(int id, unsigned int n)
{
	uint64_t *t = calloc(n, sizeof(*t));
	uint32_t k = 0, v;
	double us = -1;
	unsigned int i;

	if (t == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		uint64_t c = rte_rdtsc_precise();

		if (mim_lookup_elem(id, &k, &v) != 0)
			goto out;
		t[i] = rte_rdtsc_precise() - c;
	}
	qsort(t, n, sizeof(*t), cmp_u64);
	us = (double)t[n / 2] * 1e6 / (double)rte_get_tsc_hz();
out:
	free(t);
	return us;
}

int
mp_reap(void)
{
	MIM_OPTS(mim_mp_stats, st);
	int i;

	for (i = 0; i < 200; i++) {
		mim_mp_peers_check();
		if (mim_mp_get_stats(&st) == 0 && st.nb_peers == 0)
			return 0;
		rte_delay_ms(10);
	}
	return -1;
}
