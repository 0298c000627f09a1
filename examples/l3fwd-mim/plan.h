/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef L3FWD_MIM_PLAN_H
#define L3FWD_MIM_PLAN_H

/*
 * Which lcore polls which rx queue, how many queues each port needs, which
 * lcores forward: from --config (or its default) and the next hops.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "args.h"
#include "config.h"

struct plan {
	struct rx_binding rx[MAX_RX_BINDINGS];   /* checked --config */
	unsigned int nb_rx;
	uint16_t nb_rxq[RTE_MAX_ETHPORTS];       /* rx queues per port */
	bool port_used[RTE_MAX_ETHPORTS];        /* polled or a next hop's */
	unsigned int workers[RTE_MAX_LCORE];     /* forwarding lcore IDs */
	unsigned int nb_workers;                 /* each has a tx queue */
};

/**
 * Check the options' rx queues against EAL's ports and lcores (or make
 * the default: queue 0 of every port, worker lcores in turn) and the next
 * hops' ports against EAL's ports.
 *
 * @return
 *   0, or -errno with the reason in err.
 */
int plan_make(const struct options *opt, const struct config *cfg,
	      struct plan *plan, char *err, size_t errlen);

#endif /* L3FWD_MIM_PLAN_H */
