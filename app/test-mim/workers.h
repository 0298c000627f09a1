/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef TEST_MIM_WORKERS_H
#define TEST_MIM_WORKERS_H

/*
 * Lookup workers: every worker lcore looks up random keys of one table
 * with the data path of mim_datapath.h, as a dataplane would, so that
 * control-plane commands run against live readers and the lookup rate
 * can be measured.
 *
 * Readers and reclamation: test-mim owns one rte_rcu_qsbr variable,
 * attached with mim_rcu_qsbr_add() at start. Each worker registers on it
 * with its lcore id, goes online, reports a quiescent state after every
 * burst, and goes offline when stopped. In a secondary process the
 * variable is the primary's first (mim_mp_rcu_qsbr_get()), and each worker
 * claims a thread ID of it that no other process uses
 * (mim_mp_reader_claim()), so that the primary takes it offline should
 * test-mim die. A table replaced or closed while
 * workers run is therefore released only after every worker has passed a
 * burst boundary (see `show stats`, `reclaim`).
 *
 * The workers hold a handle reference on their table (mim_get_by_id())
 * from start to stop: closing the table meanwhile does not free it.
 * All functions here run on the main lcore.
 */

#include <stdbool.h>
#include <stdint.h>

#include <mim.h>

/* How a worker looks keys up. */
enum worker_mode {
	WORKER_SINGLE,  /* mim_lookup(), burst keys between quiescent states */
	WORKER_BULK,    /* mim_lookup_bulk() of burst keys */
	WORKER_NESTED,  /* mim_lookup_nested_bulk(): outer key, inner key */
};

/* Keys per burst by default, and at most. */
#define WORKER_BURST_DEFAULT 32
#define WORKER_BURST_MAX MIM_LOOKUP_BULK_MAX

/* Most distinct keys (or key pairs) sampled from the table at start. */
#define WORKER_POOL_MAX 65536

/* Counters of one worker. */
struct worker_status {
	unsigned int lcore;
	uint64_t lookups;       /* keys looked up */
	uint64_t hits;          /* keys found (both levels when nested) */
	uint64_t outer_misses;  /* nested: outer keys that found no table */
	double seconds;         /* running time */
};

/* The current (or last) run. */
struct workers_status {
	bool running;
	bool ran;                    /* a run was started since test-mim began */
	struct mim_table_info table; /* at start */
	enum worker_mode mode;
	unsigned int burst;
	uint32_t pool;               /* keys sampled */
	unsigned int nb_workers;
	struct worker_status w[RTE_MAX_LCORE];
};

/*
 * Create test-mim's QSBR variable, choose the reclamation mode and attach
 * the variable (mim_rcu_configure(), mim_rcu_qsbr_add()). Returns 0, or a
 * negative errno (message printed).
 */
int workers_init(enum mim_rcu_mode mode);

/*
 * Stop the workers, release what they held, detach and free the QSBR
 * variable.
 */
void workers_fini(void);

/*
 * Sample keys of table ti and start a worker on every worker lcore.
 * burst: 1 to WORKER_BURST_MAX. Returns 0, or -1 (reported with cli_err).
 */
int workers_start(const struct mim_table_info *ti, enum worker_mode mode,
		  unsigned int burst);

/* Stop the workers and wait for them. Returns 0, or -1 if none ran. */
int workers_stop(void);

/* The current (or last) run's counters. */
void workers_get(struct workers_status *st);

/* Name of a mode ("single", "bulk", "nested"). */
const char *worker_mode_name(enum worker_mode mode);

/*
 * Print the workers' status: text lines, or one JSON value (inside the
 * document being written). Defined with the worker commands.
 */
void workers_print(void);

#endif /* TEST_MIM_WORKERS_H */
