/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The run's metadata, as "meta" rows of the CSV (inner column "suite"):
 * what ran (commit, compiler, build type, DPDK and libbpf versions, the
 * command line), where (CPU, caches, hypervisor, kernel, hugepages) and
 * when (date, load average before and after). The report shows these
 * rows; nothing else records the run.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_version.h>
#if defined(RTE_ARCH_X86)
#include <cpuid.h>
#endif

#include <bpf/libbpf.h>

#include "perf_common.h"

#ifndef PERF_BUILDTYPE
#define PERF_BUILDTYPE "unknown"
#endif

static void
meta(const char *key, double value, const char *unit, const char *text)
{
	struct perf_row r;

	perf_row_init(&r, "meta");
	r.inner = "suite";
	r.variant = key;
	r.value = value;
	r.unit = unit;
	snprintf(r.note, sizeof(r.note), "%s", text);
	perf_emit(&r);
}

static void
meta_text(const char *key, const char *text)
{
	meta(key, NAN, "", text);
}

/* The first line of @path starting with @key, after its ": ". */
static void
file_field(const char *path, const char *key, char *out, size_t len)
{
	char line[512];
	FILE *f = fopen(path, "r");

	snprintf(out, len, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *v = strstr(line, ": ");

		if (strncmp(line, key, strlen(key)) != 0 || v == NULL)
			continue;
		v[strcspn(v, "\n")] = '\0';
		snprintf(out, len, "%s", v + 2);
		break;
	}
	fclose(f);
}

/* A one-line sysfs file, newline dropped; "" if it cannot be read. */
static void
sysfs_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(out, (int)len, f) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

/* "L1d 64K; L1i 64K; L2 2048K; L3 32768K" for CPU 0, from sysfs. */
static void
caches(char *out, size_t len)
{
	char path[128], level[16], type[32], size[32];
	size_t used = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < 8 && used < len; i++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
		sysfs_line(path, level, sizeof(level));
		if (level[0] == '\0')
			break;
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
		sysfs_line(path, type, sizeof(type));
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		sysfs_line(path, size, sizeof(size));
		used += snprintf(out + used, len - used, "%sL%s%s %s",
				 used > 0 ? "; " : "", level,
				 strcmp(type, "Data") == 0 ? "d" :
				 strcmp(type, "Instruction") == 0 ? "i" : "",
				 size);
	}
}

/* The hypervisor's vendor string (CPUID leaf 0x40000000), or "none". */
static void
hypervisor(char *out, size_t len)
{
	snprintf(out, len, "none");
#if defined(RTE_ARCH_X86)
	unsigned int a, b, c, d;
	char id[13];

	__cpuid(1, a, b, c, d);
	if ((c & (1U << 31)) == 0)
		return;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(id, &b, 4);
	memcpy(id + 4, &c, 4);
	memcpy(id + 8, &d, 4);
	id[12] = '\0';
	snprintf(out, len, "%s", id);
#endif
}

/* The process's own command line, arguments separated by spaces. */
static void
cmdline(char *out, size_t len)
{
	FILE *f = fopen("/proc/self/cmdline", "r");
	size_t n, i;

	out[0] = '\0';
	if (f == NULL)
		return;
	n = fread(out, 1, len - 1, f);
	fclose(f);
	for (i = 0; i + 1 < n; i++)
		if (out[i] == '\0')
			out[i] = ' ';
	out[n] = '\0';
}

static void
loadavg(const char *key)
{
	char text[64];
	double l[3];

	if (getloadavg(l, 3) != 3)
		snprintf(text, sizeof(text), "unknown");
	else
		snprintf(text, sizeof(text), "%.2f %.2f %.2f", l[0], l[1], l[2]);
	meta_text(key, text);
}

void
perf_meta_begin(void)
{
	const char *commit = getenv("MIM_PERF_COMMIT");
	char text[256];
	struct utsname u;
	time_t now = time(NULL);

	strftime(text, sizeof(text), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	meta_text("date", text);
	meta_text("commit", commit != NULL && *commit != '\0' ? commit :
		  "unknown (MIM_PERF_COMMIT not set)");
	file_field("/proc/cpuinfo", "model name", text, sizeof(text));
	meta_text("cpu", text);
	meta("cpus", (double)sysconf(_SC_NPROCESSORS_ONLN), "count",
	     "online CPUs");
	caches(text, sizeof(text));
	meta_text("caches", text);
	hypervisor(text, sizeof(text));
	meta_text("hypervisor", text);
	meta_text("kernel", uname(&u) == 0 ? u.release : "unknown");
	meta_text("dpdk", rte_version());
	meta_text("libbpf", libbpf_version_string());
	meta_text("compiler", "cc " __VERSION__);
	meta_text("buildtype", PERF_BUILDTYPE);
	cmdline(text, sizeof(text));
	meta_text("cmdline", text);
	meta("tsc_hz", (double)perf.tsc_hz, "Hz", "rte_get_tsc_hz()");
	meta("hugepages", rte_eal_has_hugepages(), "bool",
	     rte_eal_has_hugepages() ? "EAL memory on hugepages" :
	     "EAL started with --no-huge (4 KiB pages)");
	meta("lcores", rte_lcore_count(), "count", "EAL lcores");
	meta("scale", perf.full, "bool", perf.full ? "full" : "smoke");
	meta("rounds", perf.rounds, "count", "lookup rounds per configuration");
	meta("lookups", perf.lookups, "keys", "keys per timed lookup pass");
	meta("reps", perf.reps, "count",
	     "replacement and reclamation repetitions");
	loadavg("load_before");
}

void
perf_meta_end(void)
{
	loadavg("load_after");
}
