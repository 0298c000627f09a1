/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#include <errno.h>
#include <stdio.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "port.h"

#define MEMPOOL_CACHE 256

struct rte_mempool *
port_pool_create(unsigned int nb_mbufs, char *err, size_t errlen)
{
	struct rte_mempool *mp;

	mp = rte_pktmbuf_pool_create("l3fwd_mbufs", nb_mbufs, MEMPOOL_CACHE,
				     0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     (int)rte_socket_id());
	if (mp == NULL)
		snprintf(err, errlen, "cannot create a pool of %u mbufs: %s",
			 nb_mbufs, rte_strerror(rte_errno));
	return mp;
}

static int
port_fail(int ret, uint16_t port, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "port %u: %s: %s", port, what, rte_strerror(-ret));
	return ret;
}

int
port_start(uint16_t port, uint16_t nb_rxq, uint16_t nb_txq,
	   struct rte_mempool *pool, bool promiscuous, char *err,
	   size_t errlen)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	struct rte_eth_rxconf rxconf;
	struct rte_eth_txconf txconf;
	uint16_t nb_rxd = PORT_NB_RXD, nb_txd = PORT_NB_TXD, q;
	int socket = rte_eth_dev_socket_id(port);
	int ret;

	ret = rte_eth_dev_info_get(port, &info);
	if (ret != 0)
		return port_fail(ret, port, "no device info", err, errlen);
	if (nb_rxq > info.max_rx_queues || nb_txq > info.max_tx_queues) {
		snprintf(err, errlen,
			 "port %u: %u rx and %u tx queues needed, the port has %u and %u (a tx queue per forwarding lcore)",
			 port, nb_rxq, nb_txq, info.max_rx_queues,
			 info.max_tx_queues);
		return -EINVAL;
	}
	/* Ask only for what the port has: virtual ports (pcap, ring, null)
	 * check no checksum, and the data path then checks in software.
	 */
	conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM &
		info.rx_offload_capa;
	conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE &
		info.tx_offload_capa;
	if (nb_rxq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP &
			info.flow_type_rss_offloads;
	}
	ret = rte_eth_dev_configure(port, nb_rxq, nb_txq, &conf);
	if (ret != 0)
		return port_fail(ret, port, "configure", err, errlen);
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	if (ret != 0)
		return port_fail(ret, port, "descriptor counts", err, errlen);

	rxconf = info.default_rxconf;
	rxconf.offloads = conf.rxmode.offloads;
	for (q = 0; q < nb_rxq; q++) {
		ret = rte_eth_rx_queue_setup(port, q, nb_rxd, socket, &rxconf,
					     pool);
		if (ret != 0)
			return port_fail(ret, port, "rx queue setup", err,
					 errlen);
	}
	txconf = info.default_txconf;
	txconf.offloads = conf.txmode.offloads;
	for (q = 0; q < nb_txq; q++) {
		ret = rte_eth_tx_queue_setup(port, q, nb_txd, socket, &txconf);
		if (ret != 0)
			return port_fail(ret, port, "tx queue setup", err,
					 errlen);
	}
	ret = rte_eth_dev_start(port);
	if (ret != 0)
		return port_fail(ret, port, "start", err, errlen);
	/* Not every virtual port has a promiscuous mode: not fatal. */
	if (promiscuous && rte_eth_promiscuous_enable(port) != 0)
		printf("port %u: cannot enable promiscuous mode\n", port);
	return 0;
}

void
port_close(uint16_t port)
{
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
}
