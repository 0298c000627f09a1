/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef L3FWD_MIM_FLOWS_H
#define L3FWD_MIM_FLOWS_H

/*
 * Per-tenant flow tables (--flows N): an outer MIM_TYPE_ARRAY_OF_TABLES
 * "l3fwd_flows" indexed by tenant, as the routing tables, whose slots hold
 * one MIM_TYPE_LRU_HASH of N flows for each tenant the configuration file
 * lists at start. A flow is the 5-tuple of struct flow_key; its value is
 * one struct flow_ctr per forwarding lcore (flow_slot of that lcore):
 * each lcore writes its own with plain stores, so that no counter is an
 * atomic read-modify-write and no cache line of a flow bounces between
 * lcores that see it. Readers (telemetry, test-mim) sum the copies.
 *
 * Learning: the forwarding lcores look the burst's flows up with one
 * nested bulk lookup and count hits in place; a miss is inserted with
 * mim_update_elem() (#MIM_NOEXIST) from the lcore, a control-plane call
 * under the library mutex: data-path writes (mim_dp_write.h) exist for
 * HASH tables only, and an LRU_HASH has one writer at a time, which owns
 * its lists. A full table evicts its least recently used flow.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>

#include "config.h"

/** Most flows a tenant's table may hold. */
#define FLOWS_MAX_ENTRIES (UINT32_C(1) << 20)
/** Flows telemetry shows, the most packets first. */
#define FLOWS_TOP 16

/*
 * The flow key, one layout for both families (40 bytes, no padding to
 * zero but pad): family 4 or 6; IPv4 addresses in the first 4 bytes of
 * src and dst, the rest zero; ports of TCP, UDP and SCTP (of an IPv4
 * packet that is not a later fragment; of an IPv6 packet whose next header
 * is that protocol), else 0. Network byte order.
 */
struct flow_key {
	uint8_t family;
	uint8_t proto;
	uint16_t pad;
	rte_be16_t sport;
	rte_be16_t dport;
	uint8_t src[16];
	uint8_t dst[16];
};

/** One lcore's counts of a flow (the whole frames' bytes). */
struct flow_ctr {
	uint64_t packets;
	uint64_t bytes;
	uint64_t last_seen;     /* TSC */
};

/** A flow as telemetry shows it: the sum over lcores. */
struct flow_entry {
	struct flow_key key;
	struct flow_ctr ctr;    /* last_seen: the latest */
};

/** What flows_report() found for one tenant. */
struct flows_report {
	uint32_t capacity;
	uint32_t nb_flows;      /* entries of the table now */
	uint64_t nb_evictions;
	uint32_t nb_top;        /* top[] filled */
	struct flow_entry top[FLOWS_TOP];
};

struct flows;
struct mim_table;
struct rte_mbuf;

/** What the data path needs; read-only while the lcores run. */
struct flows_dp {
	const struct mim_table *outer;
	const uint32_t *ids;            /* tenant -> flow table ID, 0: none */
	uint32_t value_size;
};

/** A forwarding lcore's learning counters (written by that lcore only). */
struct flows_lcore_ctr {
	uint64_t learned;       /* flows it inserted */
	uint64_t failed;        /* inserts refused (-EBUSY, -ENOMEM) */
};

/**
 * Count a batch of one family's packets (headers checked) in their
 * tenants' flow tables: one nested bulk lookup, hits counted in the
 * lcore's copy, misses inserted. Packets of a tenant without a flow table
 * are not counted. The caller is online, as for any lookup.
 *
 * @param slot
 *   The lcore's copy, below the nb_slots of flows_create().
 * @param hdr
 *   The IPv4 or IPv6 header of each packet.
 */
void flows_count(const struct flows_dp *dp, unsigned int slot, bool v6,
		 unsigned int n, struct rte_mbuf *const m[],
		 void *const hdr[], const uint32_t tenant[],
		 struct flows_lcore_ctr *c);

/**
 * Create the outer table and one LRU table of entries flows for every
 * tenant cfg gives a table, each value of nb_slots struct flow_ctr.
 * @return
 *   The flow tables, or NULL with the reason in err.
 */
struct flows *flows_create(const struct config *cfg, uint32_t entries,
			   unsigned int nb_slots, char *err, size_t errlen);

/** What the data path reads. Valid until flows_destroy(). */
const struct flows_dp *flows_dp(const struct flows *f);

/**
 * Count, evictions and the FLOWS_TOP flows with the most packets of a
 * tenant's table, walking it with mim_get_next_key() (at most twice its
 * capacity steps: a walk restarts when its key is evicted under it).
 * @return
 *   0, -EINVAL (tenant out of range), -ENOENT (no flow table), -ENOMEM.
 */
int flows_report(const struct flows *f, uint32_t tenant,
		 struct flows_report *r);

/** Close the outer table (releasing the tenants') and free f. */
void flows_destroy(struct flows *f);

#endif /* L3FWD_MIM_FLOWS_H */
