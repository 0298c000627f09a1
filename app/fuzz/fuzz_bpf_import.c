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
 * alone, in a forked child; an input on which libbpf crashes (or hangs)
 * on its own is counted, reported at exit and skipped (kept out of the
 * corpus). Every crash left is one with mapinmap's code involved.
 * FUZZ_NO_PRECHECK=1 turns the child off (then devtools/fuzz.sh tells
 * libbpf's crashes apart by their stacks).
 */

#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <rte_common.h>

#include <mim.h>

#include "fuzz_common.h"

#define MAX_MAPS 32

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static bool precheck = true;
static unsigned long nb_libbpf_crashes;

static void
report(void)
{
	if (precheck)
		fprintf(stderr, "fuzz_bpf_import: %lu inputs skipped: libbpf 1.1 crashes or hangs on them on its own\n",
			nb_libbpf_crashes);
}

static int
quiet(enum libbpf_print_level level __rte_unused,
      const char *fmt __rte_unused, va_list ap __rte_unused)
{
	return 0;
}

int
LLVMFuzzerInitialize(int *argc __rte_unused, char ***argv __rte_unused)
{
	fz_eal_init("fuzz_bpf_import");
	libbpf_set_print(quiet);
	memfd = memfd_create("fuzz_bpf_import", MFD_CLOEXEC);
	if (memfd < 0) {
		perror("memfd_create");
		exit(1);
	}
	precheck = getenv("FUZZ_NO_PRECHECK") == NULL;
	atexit(report);
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

/* true if libbpf alone, in a child process, survives opening the object. */
static bool
libbpf_survives(const char *path)
{
	struct bpf_object *obj;
	int status, null;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		perror("fork");
		abort();
	}
	if (pid == 0) {
		null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		alarm(10);
		obj = bpf_object__open_file(path, NULL);
		bpf_object__close(obj);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		abort();
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
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
	char path[64];
	int n, i;

	write_input(data, size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	if (precheck && !libbpf_survives(path)) {
		nb_libbpf_crashes++;
		FZ_TRACE("libbpf crashes on its own: skipped\n");
		return -1;   /* not mapinmap's: keep it out of the corpus */
	}
	MIM_OPTS(mim_bpf_import_opts, o, .name_prefix = "fz.");
	n = mim_bpf_import(path, &o, maps, MAX_MAPS);
	FZ_TRACE("import = %d %s\n", n, n < 0 ? mim_last_error() : "");
	for (i = 0; i < n; i++) {
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
