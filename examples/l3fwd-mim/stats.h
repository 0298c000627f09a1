/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef L3FWD_MIM_STATS_H
#define L3FWD_MIM_STATS_H

/*
 * Counters. Each forwarding lcore owns one struct lcore_counters and is its
 * only writer: plain increments, no atomics on the data path. Readers (the
 * main lcore, telemetry) sum them; while lcores run the sum is a snapshot
 * that may be a few packets behind (64-bit aligned loads do not tear on the
 * CPUs DPDK supports).
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_lcore.h>

#include "config.h"
#include "flows.h"

struct mim_stats;

/** Why a packet was dropped, in the order the checks are made. */
enum drop_reason {
	DROP_MALFORMED,       /* truncated, bad IPv4 header or checksum */
	DROP_NOT_IP,          /* EtherType (after the tags) not IPv4 or IPv6 */
	DROP_UNKNOWN_TENANT,  /* no table in the tenant's outer slot */
	DROP_TTL_EXPIRED,     /* IPv4 TTL <= 1 */
	DROP_NO_ROUTE,        /* no prefix of the tenant's IPv4 table matches */
	/* IPv6: truncated header, version not 6, payload length beyond the
	 * frame.
	 */
	DROP_MALFORMED6,
	DROP_HOP_LIMIT,       /* IPv6 hop limit <= 1 */
	DROP_NO_ROUTE6,       /* no prefix of the tenant's IPv6 table matches */
	DROP_MAX,
};

struct tenant_counters {
	uint64_t pkts;        /* forwarded */
	uint64_t bytes;       /* forwarded, whole frames */
	/* TTL or hop limit expired, or no route, in this tenant */
	uint64_t drops;
};

struct lcore_counters {
	/* TSC cycles from the start of the forwarding loop to its stop,
	 * written when it stops (in a sum: the longest).
	 */
	uint64_t loop_tsc;
	uint64_t rx;          /* received */
	uint64_t fwd;         /* handed to a tx queue */
	uint64_t fwd6;        /* of which IPv6 */
	uint64_t tx_dropped;  /* handed to a tx queue, refused by it */
	uint64_t drop[DROP_MAX];
	struct flows_lcore_ctr flows;   /* --flows: learning */
	struct tenant_counters tenant[CFG_MAX_TENANTS];
} __rte_cache_aligned;

/** The counters of every forwarding lcore. */
struct stats_set {
	unsigned int n;
	struct lcore_counters *lc[RTE_MAX_LCORE];
};

/** How the frames were looked up, for the report. */
struct stats_run {
	unsigned int lcores;        /* forwarding lcores */
	const char *baseline;       /* --baseline-lpm table, or NULL */
	uint32_t baseline_tenant;   /* whose counters the baseline uses */
};

/** Short name of a drop reason ("no_route", ...). */
const char *stats_drop_name(enum drop_reason r);

/** Sum the counters of every lcore of set into out. */
void stats_sum(const struct stats_set *set, struct lcore_counters *out);

/** Sum one tenant's counters over every lcore of set. */
void stats_sum_tenant(const struct stats_set *set, uint32_t tenant,
		      struct tenant_counters *out);

/**
 * Print the lookup mode, forwarding time and rates, totals, drops by
 * reason, per-tenant counters and the library's table counts (ms).
 */
void stats_print(FILE *f, const struct lcore_counters *sum,
		 const struct mim_stats *ms, const struct stats_run *run);

/**
 * Write the same as JSON; 0 or -errno. The time is in TSC cycles
 * ("elapsed_tsc", with "tsc_hz"): packets per second are the reader's to
 * compute.
 */
int stats_write_json(const char *path, const struct lcore_counters *sum,
		     const struct mim_stats *ms, const struct stats_run *run);

#endif /* L3FWD_MIM_STATS_H */
