/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_AUTOTEST_UTIL_H
#define MIM_AUTOTEST_UTIL_H

/* Helpers shared by the test suites. */

#include <stdint.h>

#include <mim.h>

struct rte_rcu_qsbr;

/*
 * A QSBR variable for max_threads reader thread IDs, attached to mapinmap.
 * The runner detaches and frees it after the case (all its readers are
 * unregistered first), so a failing case cannot leave it behind.
 */
struct rte_rcu_qsbr *autotest_qsbr(uint32_t max_threads);
/* Register thread id on v and put it online. */
void autotest_reader_online(struct rte_rcu_qsbr *v, unsigned int id);
void autotest_qsbr_release_all(void);

/* An outer table of u32 keys with the template of table tmpl. */
int autotest_outer(enum mim_type type, const char *name, uint32_t max,
		   int tmpl);
/* Put table id into the slot (u32 key) of an outer table. */
int autotest_put(int outer, uint32_t slot, int id);

/* Drop every handle reference held on every table. */
void autotest_close_all(void);

struct mim_bpf_map;
/* The map named name among the n maps mim_bpf_import() gave, or NULL. */
const struct mim_bpf_map *autotest_bpf_map(const struct mim_bpf_map *m, int n,
					   const char *name);
/* Close the table of every imported map that has one. */
void autotest_bpf_close(const struct mim_bpf_map *m, int n);

/*
 * Everything observable about the library: every live table's description
 * and contents, counters, heap and memzones, digested. Two equal snapshots
 * mean nothing changed.
 */
struct autotest_snap {
	uint64_t digest;      /* tables, references, contents */
	uint64_t heap;
	unsigned int memzones;
	uint32_t tables;
	uint32_t pending;
};
void autotest_snapshot(struct autotest_snap *s);
/* Print what differs; returns 0 if the snapshots are equal. */
int autotest_snap_diff(const struct autotest_snap *a,
		       const struct autotest_snap *b);

#endif /* MIM_AUTOTEST_UTIL_H */
