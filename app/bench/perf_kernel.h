/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_PERF_KERNEL_H
#define MIM_PERF_KERNEL_H

/*
 * The kernel comparison's own definitions, shared by perf_kernel.c (the
 * maps and programs) and perf_kernel_run.c (the measurement).
 */

#include <stdbool.h>
#include <stdint.h>

#include "perf_common.h"

struct bpf_object;

/* Mirrors struct pair and struct run of bpf/lookup.bpf.c. */
struct kpair {
	uint32_t tenant;
	uint32_t key;
};

struct krun {
	uint32_t n;
	uint32_t pad;
	uint64_t hits;
	uint64_t sum;
};

enum kprog { K_EMPTY, K_AOM, K_HOM, K_PROGS };

extern const char *const kprog_name[K_PROGS];

/* One kernel outer type against mapinmap's outer table of the same kind. */
struct kpair_cfg {
	enum kprog prog;
	int mim;                   /* perf_cfgs[] index */
	const char *kvariant, *ratio_variant;
};

#define K_PAIRS 2
extern const struct kpair_cfg kcfgs[K_PAIRS];

/* Maps and programs built for one point; why not, if not on. */
struct perf_kernel {
	bool on;
	char why[240];
	struct bpf_object *obj;
	int aom, hom, keys, runs;
	int prog[K_PROGS];
};

#endif /* MIM_PERF_KERNEL_H */
