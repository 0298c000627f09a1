/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef L3FWD_MIM_PORT_H
#define L3FWD_MIM_PORT_H

/* Ethernet ports and the mbuf pool. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rte_mempool;

/** Descriptors per rx and per tx queue (before the port adjusts them). */
#define PORT_NB_RXD 1024
#define PORT_NB_TXD 1024

/** An mbuf pool for nb_mbufs packets; NULL with the reason in err. */
struct rte_mempool *port_pool_create(unsigned int nb_mbufs, char *err,
				     size_t errlen);

/**
 * Configure and start a port with nb_rxq rx queues (RSS when more than
 * one) and nb_txq tx queues. Offloads are requested only where the port
 * has them: IPv4 checksum check on rx, fast free on tx.
 *
 * @return
 *   0, or -errno with the reason in err.
 */
int port_start(uint16_t port, uint16_t nb_rxq, uint16_t nb_txq,
	       struct rte_mempool *pool, bool promiscuous, char *err,
	       size_t errlen);

/** Stop and close a port (pcap ports flush their files). */
void port_close(uint16_t port);

#endif /* L3FWD_MIM_PORT_H */
