/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * libFuzzer target for mim_bpf_import(): the input is a BPF ELF object,
 * written to a memfd and imported through /proc/self/fd/N; then every
 * table the import made is described and closed, and the library must be
 * back to its baseline (a leak is a crash).
 *
 * libbpf 1.1 itself crashes on some mutated .BTF sections, inside
 * bpf_object__open_file(), before mapinmap sees the object: such objects
 * are outside mim_bpf_import()'s contract (the object must be trusted, as
 * loading it into the kernel would require), and mutation finds them
 * within a few dozen executions. So each input is first opened by libbpf
 * alone, in a child process; an input on which libbpf crashes (or hangs)
 * on its own is counted, reported at exit and skipped (kept out of the
 * corpus). Every crash left is one with mapinmap's code involved.
 * FUZZ_NO_PRECHECK=1 turns the check off (then devtools/fuzz.sh tells
 * libbpf's crashes apart by their stacks).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <rte_common.h>

#include <mim.h>

#include "fuzz_common.h"

#define MAX_MAPS 32

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char path[64];         /* the memfd, as mim_bpf_import() opens it */
static int checker = -1;      /* socket to the checker process, or -1 */
static unsigned long nb_libbpf_crashes;

static int
quiet(enum libbpf_print_level level __rte_unused,
      const char *fmt __rte_unused, va_list ap __rte_unused)
{
	return 0;
}

static void
report(void)
{
	fprintf(stderr, "fuzz_bpf_import: %lu inputs skipped: libbpf 1.1 crashes or hangs on them on its own\n",
		nb_libbpf_crashes);
}

static void
child_died(void)
{
	_exit(3);
}

/* The child must die quietly: no sanitizer report, no libFuzzer artifact. */
static void
child_quiet(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE };
	struct sigaction sa = { .sa_handler = SIG_DFL };
	unsigned int i;
	int null;

	for (i = 0; i < RTE_DIM(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	__sanitizer_set_death_callback(child_died);
	null = open("/dev/null", O_WRONLY);
	if (null >= 0)
		dup2(null, STDERR_FILENO);
}

/* libbpf alone opens the object: 0 if it survives, 1 if not. */
static int
open_alone(void)
{
	struct bpf_object *obj;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		child_quiet();
		alarm(10);
		obj = bpf_object__open_file(path, NULL);
		bpf_object__close(obj);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) != pid)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* One byte each way; libFuzzer's timer (SIGALRM) may interrupt. */
static bool
xfer(int sock, uint8_t *b, bool out)
{
	ssize_t n;

	do
		n = out ? send(sock, b, 1, MSG_NOSIGNAL) : recv(sock, b, 1, 0);
	while (n < 0 && errno == EINTR);
	return n == 1;
}

/*
 * The checker: forked before EAL starts, while the process is small (a
 * fork of the fuzzing process itself, with DPDK's memory and the
 * sanitizers' mappings, costs some 20 ms), it forks one child per input.
 */
static void
checker_start(void)
{
	uint8_t req, res;
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
	    (pid = fork()) < 0) {
		perror("fuzz_bpf_import: checker");
		exit(1);
	}
	if (pid > 0) {
		close(sv[1]);
		checker = sv[0];
		return;
	}
	close(sv[0]);
	__sanitizer_set_death_callback(child_died);
	while (xfer(sv[1], &req, false)) {
		res = (uint8_t)open_alone();
		if (!xfer(sv[1], &res, true))
			break;
	}
	_exit(0);
}

/* true unless libbpf, on its own, crashes or hangs on the object. */
static bool
libbpf_survives(void)
{
	uint8_t req = 1, res;

	if (!xfer(checker, &req, true) || !xfer(checker, &res, false) ||
	    res > 1) {
		fprintf(stderr, "fuzz_bpf_import: the checker process is gone\n");
		abort();
	}
	return res == 0;
}

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	libbpf_set_print(quiet);
	memfd = memfd_create("fuzz_bpf_import", MFD_CLOEXEC);
	if (memfd < 0) {
		perror("memfd_create");
		exit(1);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	if (getenv("FUZZ_NO_PRECHECK") == NULL) {
		checker_start();
		atexit(report);
	}
	fz_eal_init("fuzz_bpf_import");
	return 0;
}

static void
write_input(const uint8_t *data, size_t size)
{
	size_t done = 0;
	ssize_t n;

	if (ftruncate(memfd, 0) != 0 || lseek(memfd, 0, SEEK_SET) != 0)
		abort();
	while (done < size) {
		n = write(memfd, data + done, size - done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
}

/* What a user of the result would read: the table and its BTF. */
static void
describe(const struct mim_bpf_map *m)
{
	struct mim_table_info info;
	const struct btf *btf;
	uint32_t kt, vt;

	if (mim_get_info(m->id, &info) != 0) {
		fprintf(stderr, "fuzz_bpf_import: map %s: table %d names no table\n",
			m->name, m->id);
		abort();
	}
	if (mim_get_btf(m->id, &btf, &kt, &vt) == 0 && btf != NULL) {
		btf__type_by_id(btf, kt);
		btf__type_by_id(btf, vt);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mim_bpf_map maps[MAX_MAPS];
	uint32_t room;
	int n, i;

	write_input(data, size);
	if (checker >= 0 && !libbpf_survives()) {
		nb_libbpf_crashes++;
		FZ_TRACE("libbpf crashes on its own: skipped\n");
		return -1;   /* not mapinmap's: keep it out of the corpus */
	}
	MIM_OPTS(mim_bpf_import_opts, o, .name_prefix = "fz.");
	/* Now and then only count the maps, or leave room for one. */
	room = size % 8 == 1 ? 0 : size % 8 == 2 ? 1 : MAX_MAPS;
	n = mim_bpf_import(path, room == 0 ? NULL : &o,
			   room == 0 ? NULL : maps, room);
	FZ_TRACE("import = %d %s\n", n, n < 0 ? mim_last_error() : "");
	if (room != 0 && n > (int)room) {
		fprintf(stderr, "fuzz_bpf_import: %d maps reported in room for %u\n",
			n, room);
		abort();
	}
	for (i = 0; i < n && room != 0; i++) {
		FZ_TRACE("map %s: type %u, id %d %s\n", maps[i].name,
			 maps[i].bpf_type, maps[i].id, maps[i].reason);
		if (maps[i].id <= 0)
			continue;
		describe(&maps[i]);
		if (mim_close(maps[i].id) != 0) {
			fprintf(stderr, "fuzz_bpf_import: closing table %d of map %s: %s\n",
				maps[i].id, maps[i].name, mim_last_error());
			abort();
		}
	}
	mim_reclaim();
	fz_check_baseline("fuzz_bpf_import");
	return 0;
}
