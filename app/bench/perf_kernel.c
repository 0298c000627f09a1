/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The kernel's two-level lookup as a row of the lookup benchmark: the
 * same (entries, tenants) and the same key stream through the kernel's
 * ARRAY_OF_MAPS -> HASH and HASH_OF_MAPS -> HASH, next to mapinmap's
 * nested bulk lookups, in the same run.
 *
 * Method. One BPF HASH map per tenant (key 4 bytes, value 8, max_entries
 * the tenant's entries) holds the same keys and values as mapinmap's
 * inner tables; the same maps go into an ARRAY_OF_MAPS and a
 * HASH_OF_MAPS of the tenants, all created with libbpf's
 * bpf_map_create(). The stream's (tenant, key) pairs are copied into an
 * ARRAY map, in order. The XDP programs of bpf/lookup.bpf.c run with
 * BPF_PROG_TEST_RUN, .repeat = R: each run is one bpf_loop() over the
 * whole stream, two map lookups per pair (lookup_aom, lookup_hom), or the
 * same loop loading the pair instead (lookup_empty). The kernel reports
 * the mean time of a run; ns per lookup = (run(lookups) - run(empty)) /
 * keys. In each round the empty loop, both kernel loops and mapinmap's
 * ARRAY_OF_TABLES and HASH_OF_TABLES nested bulk passes over the same
 * stream run once each, starting from a different one; values are medians
 * over rounds and the ratio is the median of the per-round ratios, so
 * machine noise mostly cancels. The kernel loop adds up the values found
 * and counts the hits: both must be what the stream expects.
 *
 * Where bpf() is refused (no CAP_BPF / CAP_SYS_ADMIN) or the BPF object
 * was not built (no clang), the rows are "not-run" with the reason.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <rte_common.h>

#include "perf_common.h"
#include "perf_kernel.h"

const char *const kprog_name[K_PROGS] = {
	"lookup_empty", "lookup_aom", "lookup_hom",
};

const struct kpair_cfg kcfgs[K_PAIRS] = {
	{ K_AOM, C_AOT_H_BULK, "kernel_aom_hash", "mim_aot_vs_kernel_aom" },
	{ K_HOM, C_HOT_H_BULK, "kernel_hom_hash", "mim_hot_vs_kernel_hom" },
};

static void
kernel_why(struct perf_kernel *k, const char *what, int err)
{
	if (err == EPERM || err == EACCES)
		snprintf(k->why, sizeof(k->why),
			 "bpf() refused (%s: %s): needs CAP_BPF or CAP_SYS_ADMIN",
			 what, strerror(err));
	else
		snprintf(k->why, sizeof(k->why), "%s: %s", what,
			 strerror(err));
}

/* MIM_PERF_BPF_OBJ, else lookup.bpf.o beside the executable. */
static int
object_path(char *path, size_t len)
{
	const char *env = getenv("MIM_PERF_BPF_OBJ");
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env != NULL && *env != '\0')
		return snprintf(path, len, "%s", env) < (int)len ? 0 : -1;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash != NULL)
		*slash = '\0';
	return snprintf(path, len, "%s/lookup.bpf.o", exe) < (int)len ?
		0 : -1;
}

/* Fill tenant t's HASH map with the world's keys and values. */
static int
fill_inner(int fd, const struct world *w, uint32_t t, uint32_t *kbuf,
	   uint64_t *vbuf)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o, .elem_flags = BPF_NOEXIST);
	uint32_t i, count = w->per;

	for (i = 0; i < w->per; i++) {
		kbuf[i] = hkey(t, i);
		vbuf[i] = hval(t, i);
	}
	if (bpf_map_update_batch(fd, kbuf, vbuf, &count, &o) == 0 &&
	    count == w->per)
		return 0;
	/* Without batch operations: one element at a time. */
	for (i = 0; i < w->per; i++)
		if (bpf_map_update_elem(fd, &kbuf[i], &vbuf[i], BPF_ANY) != 0)
			return -errno;
	return 0;
}

/*
 * The outer maps' slots: in one batch each where the kernel has batch
 * updates for them (each outer update waits for an RCU grace period).
 */
static int
fill_outer(int outer, const uint32_t *tenants, const uint32_t *fds,
	   uint32_t nt)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	uint32_t i, count = nt;

	if (bpf_map_update_batch(outer, tenants, fds, &count, &o) == 0 &&
	    count == nt)
		return 0;
	for (i = 0; i < nt; i++)
		if (bpf_map_update_elem(outer, &tenants[i], &fds[i],
					BPF_ANY) != 0)
			return -errno;
	return 0;
}

/* The inner maps, into both outer maps; their fds closed after. */
static int
build_maps(struct perf_kernel *k, const struct world *w)
{
	uint32_t *kbuf = malloc(w->per * sizeof(*kbuf));
	uint64_t *vbuf = malloc(w->per * sizeof(*vbuf));
	uint32_t *tn = malloc(w->t * sizeof(*tn));
	uint32_t *fds = malloc(w->t * sizeof(*fds));
	uint32_t t, made = 0;
	int ret = -ENOMEM;

	if (kbuf == NULL || vbuf == NULL || tn == NULL || fds == NULL) {
		kernel_why(k, "buffers", ENOMEM);
		goto out;
	}
	for (t = 0; t < w->t; t++, made++) {
		int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "mim_k_in", 4, 8,
					w->per, NULL);

		if (fd < 0) {
			ret = -errno;
			kernel_why(k, "bpf_map_create(HASH)", errno);
			goto out;
		}
		tn[t] = t;
		fds[t] = (uint32_t)fd;
		ret = fill_inner(fd, w, t, kbuf, vbuf);
		if (ret != 0) {
			kernel_why(k, "filling a HASH map", -ret);
			made++;
			goto out;
		}
	}
	ret = fill_outer(k->aom, tn, fds, w->t);
	if (ret == 0)
		ret = fill_outer(k->hom, tn, fds, w->t);
	if (ret != 0)
		kernel_why(k, "filling the outer maps", -ret);
out:
	for (t = 0; t < made; t++)
		close((int)fds[t]);
	free(kbuf);
	free(vbuf);
	free(tn);
	free(fds);
	return ret;
}

/* Create the maps, load the programs onto them. */
static int
kernel_load(struct perf_kernel *k, const struct world *w, uint32_t keys)
{
	char path[PATH_MAX] = "";
	struct bpf_map *m;
	uint32_t i;
	int tmpl, err;

	if (object_path(path, sizeof(path)) != 0 || access(path, R_OK) != 0) {
		snprintf(k->why, sizeof(k->why),
			 "no BPF object %.160s (built where clang is found; MIM_PERF_BPF_OBJ)",
			 path);
		return -1;
	}
	tmpl = bpf_map_create(BPF_MAP_TYPE_HASH, "mim_k_tmpl", 4, 8, w->per,
			      NULL);
	if (tmpl < 0) {
		kernel_why(k, "bpf_map_create(HASH)", errno);
		return -1;
	}
	LIBBPF_OPTS(bpf_map_create_opts, mo, .inner_map_fd = (uint32_t)tmpl);
	k->aom = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "mim_k_aom", 4, 4,
				w->t, &mo);
	err = errno;
	k->hom = bpf_map_create(BPF_MAP_TYPE_HASH_OF_MAPS, "mim_k_hom", 4, 4,
				w->t, &mo);
	err = k->aom < 0 ? err : errno;
	close(tmpl);
	if (k->aom < 0 || k->hom < 0) {
		kernel_why(k, "bpf_map_create(ARRAY/HASH_OF_MAPS)", err);
		return -1;
	}
	if (build_maps(k, w) != 0)
		return -1;

	k->obj = bpf_object__open_file(path, NULL);
	if (k->obj == NULL) {
		kernel_why(k, path, errno);
		return -1;
	}
	m = bpf_object__find_map_by_name(k->obj, "keys");
	err = m == NULL ? ENOENT : -bpf_map__set_max_entries(m, keys);
	if (err == 0) {
		m = bpf_object__find_map_by_name(k->obj, "aom");
		err = m == NULL ? ENOENT : -bpf_map__reuse_fd(m, k->aom);
	}
	if (err == 0) {
		m = bpf_object__find_map_by_name(k->obj, "hom");
		err = m == NULL ? ENOENT : -bpf_map__reuse_fd(m, k->hom);
	}
	if (err == 0)
		err = -bpf_object__load(k->obj);
	if (err != 0) {
		kernel_why(k, "loading lookup.bpf.o", err);
		return -1;
	}
	k->keys = bpf_object__find_map_fd_by_name(k->obj, "keys");
	k->runs = bpf_object__find_map_fd_by_name(k->obj, "runs");
	for (i = 0; i < K_PROGS; i++) {
		struct bpf_program *p =
			bpf_object__find_program_by_name(k->obj, kprog_name[i]);

		k->prog[i] = p != NULL ? bpf_program__fd(p) : -1;
		if (k->prog[i] < 0 || k->keys < 0 || k->runs < 0) {
			snprintf(k->why, sizeof(k->why),
				 "lookup.bpf.o: no %s", kprog_name[i]);
			return -1;
		}
	}
	return 0;
}

void
perf_kernel_free(struct perf_kernel *k)
{
	if (k == NULL)
		return;
	bpf_object__close(k->obj);
	if (k->aom >= 0)
		close(k->aom);
	if (k->hom >= 0)
		close(k->hom);
	free(k);
}

struct perf_kernel *
perf_kernel_build(const struct world *w, uint32_t keys)
{
	struct perf_kernel *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return NULL;
	k->aom = k->hom = -1;
	if (!perf_selected("kernel"))
		return k;
	if (!w->have_mh) {
		snprintf(k->why, sizeof(k->why),
			 "mapinmap's tables were not built: %s", w->why_mh);
	} else if (kernel_load(k, w, keys) == 0) {
		k->on = true;
		return k;
	}
	printf("    kernel's map-in-map not measured: %s\n", k->why);
	perf_kernel_not_run(w->n, w->t, k->why);
	return k;
}

void
perf_kernel_not_run(uint64_t entries, uint32_t tenants, const char *why)
{
	uint32_t i;

	if (!perf_selected("kernel"))
		return;
	for (i = 0; i < K_PAIRS; i++)
		perf_not_run("kernel", "hash", entries, tenants,
			     kcfgs[i].kvariant, why);
}
