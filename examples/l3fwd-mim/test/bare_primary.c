/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * A DPDK primary process that does not link mapinmap, for the attach
 * test: a secondary test-mim must say that it gets no answer. Prints
 * "ready" once EAL is up, then waits for SIGINT or SIGTERM.
 */

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

int
main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "bare-primary: EAL initialisation failed\n");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("bare-primary: ready\n");
	fflush(stdout);
	while (!quit)
		usleep(10000);
	rte_eal_cleanup();
	return 0;
}
