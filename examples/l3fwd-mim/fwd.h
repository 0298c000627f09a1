/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef L3FWD_MIM_FWD_H
#define L3FWD_MIM_FWD_H

/*
 * The data path: each forwarding lcore polls its rx queues, classifies a
 * burst (tenant, IPv4 or IPv6 checks), looks each family's packets of the
 * burst up with one mim_lookup_nested_bulk() (tenant slot of that family's
 * outer table, then that tenant's LPM table), rewrites and queues for tx,
 * then reports a quiescent state. With --flows, each family's packets are
 * also counted in their tenants' flow tables (flows.h) before tx.
 *
 * Baseline mode (--baseline-lpm, for benchmarks): the same loop, but each
 * family's packets are looked up with one mim_lookup_bulk() in a single
 * LPM table, tenant ignored (parsed, not looked up, not counted per
 * tenant).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_ether.h>

#include "config.h"
#include "flows.h"
#include "stats.h"

#define FWD_MAX_RXQ_PER_LCORE 16

struct mim_table;
struct rte_rcu_qsbr;

/** A next hop as the data path uses it. */
struct fwd_nexthop {
	struct rte_ether_addr dst;
	struct rte_ether_addr src;
	uint16_t port;
};

/** Shared by the forwarding lcores; read-only while they run but quit. */
struct fwd_ctx {
	const struct mim_table *outer;      /* tenant -> IPv4 LPM table */
	const struct mim_table *outer6;     /* tenant -> IPv6 LPM table */
	/* Baseline: the one LPM table of each family every frame is looked
	 * up in, held by the application; NULL: tenants' tables through
	 * outer and outer6.
	 */
	const struct mim_table *baseline;
	const struct mim_table *baseline6;
	uint32_t baseline_tenant;           /* counts the baseline's frames */
	/* --flows: the tenants' flow tables; NULL: no flow counting. */
	const struct flows_dp *flows;
	const struct fwd_nexthop *nexthop;  /* indexed by route value */
	uint32_t nb_nexthops;
	struct rte_rcu_qsbr *qsbr;          /* lcores report to it */
	bool tenant_by_port;
	unsigned int burst;
	uint64_t idle_tsc;                  /* idle report after; 0: never */
	bool quit;                          /* set by fwd_stop() */
};

struct fwd_lcore;

/**
 * Resolve the configuration's next hops; a next hop with no source MAC
 * takes its port's. Free with free().
 */
struct fwd_nexthop *fwd_nexthops_create(const struct config *cfg);

/**
 * Create the state of one forwarding lcore, on its socket.
 *
 * @param txq
 *   The tx queue this lcore uses on every port; also its copy of each
 *   flow's counters (struct flows_dp), below the number of lcores.
 * @param tx_ports
 *   Every port a next hop may send to (each has queue txq).
 */
struct fwd_lcore *fwd_lcore_create(struct fwd_ctx *ctx, unsigned int lcore_id,
				   uint16_t txq, const uint16_t *tx_ports,
				   uint16_t nb_tx_ports);

/** Give an rx queue to the lcore; 0 or -ENOSPC. */
int fwd_lcore_add_rxq(struct fwd_lcore *lc, uint16_t port, uint16_t queue);

void fwd_lcore_free(struct fwd_lcore *lc);

/** The lcore's counters (the lcore writes them, others may read). */
struct lcore_counters *fwd_lcore_counters(struct fwd_lcore *lc);

/** True once the lcore has received nothing for ctx->idle_tsc cycles. */
bool fwd_lcore_idle(const struct fwd_lcore *lc);

/** The lcore loop, for rte_eal_remote_launch(); arg is the fwd_lcore. */
int fwd_lcore_main(void *arg);

/** Make every lcore loop return. */
void fwd_stop(struct fwd_ctx *ctx);

#endif /* L3FWD_MIM_FWD_H */
