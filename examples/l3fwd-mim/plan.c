/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"

/* Highest rx queue ID per port that --config may name. */
#define MAX_RXQ_PER_PORT 64

static int __attribute__((format(printf, 4, 5)))
fail(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* No --config: queue 0 of every port, worker lcores in turn. */
static int
default_rx(struct plan *plan, char *err, size_t errlen)
{
	unsigned int lcore = rte_get_main_lcore();
	uint16_t port;

	/* rte_get_next_lcore() with wrap never returns without a worker. */
	if (rte_lcore_count() < 2)
		return fail(-EINVAL, err, errlen,
			    "no worker lcore: give EAL at least two (-l 0-1)");
	RTE_ETH_FOREACH_DEV(port) {
		if (plan->nb_rx == MAX_RX_BINDINGS)
			break;
		lcore = rte_get_next_lcore(lcore, 1, 1);
		plan->rx[plan->nb_rx++] = (struct rx_binding){
			.port = port, .queue = 0, .lcore = lcore,
		};
	}
	if (plan->nb_rx == 0)
		return fail(-ENODEV, err, errlen,
			    "no port: add one, e.g. --vdev=net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap");
	return 0;
}

/* Rx queues per port and the worker lcores, from the bindings. */
static int
plan_rx(struct plan *plan, char *err, size_t errlen)
{
	bool seen[RTE_MAX_ETHPORTS][MAX_RXQ_PER_PORT] = { { false } };
	bool is_worker[RTE_MAX_LCORE] = { false };
	unsigned int i;
	uint16_t p, q;

	for (i = 0; i < plan->nb_rx; i++) {
		const struct rx_binding *b = &plan->rx[i];

		if (!rte_eth_dev_is_valid_port(b->port))
			return fail(-EINVAL, err, errlen,
				    "--config (%u,%u,%u): no such port",
				    b->port, b->queue, b->lcore);
		if (!rte_lcore_is_enabled(b->lcore) ||
		    b->lcore == rte_get_main_lcore())
			return fail(-EINVAL, err, errlen,
				    "--config (%u,%u,%u): not a worker lcore (the main lcore releases tables and polls no queue)",
				    b->port, b->queue, b->lcore);
		if (b->queue >= MAX_RXQ_PER_PORT || seen[b->port][b->queue])
			return fail(-EINVAL, err, errlen,
				    "--config (%u,%u,%u): queue above %d or given twice",
				    b->port, b->queue, b->lcore,
				    MAX_RXQ_PER_PORT - 1);
		seen[b->port][b->queue] = true;
		plan->port_used[b->port] = true;
		if (b->queue >= plan->nb_rxq[b->port])
			plan->nb_rxq[b->port] = b->queue + 1;
		if (!is_worker[b->lcore]) {
			is_worker[b->lcore] = true;
			plan->workers[plan->nb_workers++] = b->lcore;
		}
	}
	/* Every queue of a port must be polled, or RSS would lose packets. */
	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		for (q = 0; q < plan->nb_rxq[p]; q++)
			if (!seen[p][q])
				return fail(-EINVAL, err, errlen,
					    "--config: port %u queue %u is not polled",
					    p, q);
	return 0;
}

/* Every next hop's port gets a tx queue per worker. */
static int
plan_tx(struct plan *plan, const struct config *cfg, char *err,
	size_t errlen)
{
	uint32_t i;

	for (i = 0; i < cfg->nb_nexthops; i++) {
		const struct cfg_nexthop *nh = &cfg->nexthop[i];

		if (!nh->defined)
			continue;
		if (!rte_eth_dev_is_valid_port(nh->port))
			return fail(-EINVAL, err, errlen,
				    "%s:%u: next hop %u: no port %u (%u ports)",
				    cfg->path, nh->line, i, nh->port,
				    rte_eth_dev_count_avail());
		plan->port_used[nh->port] = true;
	}
	return 0;
}

int
plan_make(const struct options *opt, const struct config *cfg,
	  struct plan *plan, char *err, size_t errlen)
{
	int ret;

	memset(plan, 0, sizeof(*plan));
	memcpy(plan->rx, opt->rx, opt->nb_rx * sizeof(opt->rx[0]));
	plan->nb_rx = opt->nb_rx;
	if (plan->nb_rx == 0 && (ret = default_rx(plan, err, errlen)) != 0)
		return ret;
	ret = plan_rx(plan, err, errlen);
	if (ret == 0)
		ret = plan_tx(plan, cfg, err, errlen);
	return ret;
}
