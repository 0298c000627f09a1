/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef L3FWD_MIM_ARGS_H
#define L3FWD_MIM_ARGS_H

/* Command line options (after EAL's). */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>

#define MAX_RX_BINDINGS 128
#define BURST_DEFAULT 32

/** One --config entry: lcore polls queue of port. */
struct rx_binding {
	uint16_t port;
	uint16_t queue;
	unsigned int lcore;
};

struct options {
	const char *route_file;     /* -f: the configuration file */
	bool allow_empty;           /* --allow-empty: a file without tenants */
	struct rx_binding rx[MAX_RX_BINDINGS];
	unsigned int nb_rx;         /* 0: no --config, use the default */
	bool tenant_by_port;        /* tenant = input port, not VLAN ID */
	bool promiscuous;           /* -P */
	unsigned int burst;         /* rx burst and lookup batch */
	unsigned int max_idle_ms;   /* 0: run until a signal */
	unsigned int duration_ms;   /* stop after; 0: no limit */
	const char *stats_json;     /* final statistics as JSON, or NULL */
	const char *baseline_lpm;   /* single-table loop on this table */
	unsigned int extra_mbufs;   /* for ports that keep packets (pcap) */
	uint32_t flows;             /* flows per tenant table; 0: none */
};

/**
 * Parse the application's options (argv after EAL's).
 *
 * @return
 *   0; 1 if the usage was asked for (and printed); -1 after printing the
 *   reason and the usage.
 */
int args_parse(int argc, char **argv, struct options *opt);

#endif /* L3FWD_MIM_ARGS_H */
