/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "fwd.h"

/* Packets ahead whose headers are prefetched while one is parsed. */
#define PREFETCH_OFFSET 3
/* Empty polls in a row before an lcore sleeps, offline. */
#define IDLE_POLLS 1024
#define IDLE_SLEEP_US 100

struct fwd_rxq {
	uint16_t port;
	uint16_t queue;
};

struct fwd_lcore {
	struct fwd_ctx *ctx;
	unsigned int lcore_id;
	uint16_t txq;
	uint16_t nb_rxq;
	struct fwd_rxq rxq[FWD_MAX_RXQ_PER_LCORE];
	uint16_t nb_tx_ports;
	uint16_t tx_port[RTE_MAX_ETHPORTS];
	struct rte_eth_dev_tx_buffer *txbuf[RTE_MAX_ETHPORTS];
	bool idle;                  /* written by the lcore only */
	struct lcore_counters ctr;  /* written by the lcore only */
};

struct fwd_nexthop *
fwd_nexthops_create(const struct config *cfg)
{
	struct fwd_nexthop *nh;
	uint32_t i;

	nh = calloc(RTE_MAX(cfg->nb_nexthops, 1U), sizeof(*nh));
	if (nh == NULL)
		return NULL;
	for (i = 0; i < cfg->nb_nexthops; i++) {
		const struct cfg_nexthop *c = &cfg->nexthop[i];

		if (!c->defined)
			continue;
		nh[i].port = c->port;
		nh[i].dst = c->dst;
		if (c->has_src)
			nh[i].src = c->src;
		else if (rte_eth_macaddr_get(c->port, &nh[i].src) != 0) {
			free(nh);
			return NULL;
		}
	}
	return nh;
}

/* Parse verdicts past the drop reasons: forward as IPv4, as IPv6. */
#define PKT_V4 DROP_MAX
#define PKT_V6 (DROP_MAX + 1)

/*
 * Tenant and EtherType of a frame: untagged, one 802.1Q tag (tenant = VID),
 * or an 802.1ad S-tag then a C-tag (tenant = S-VID * 4096 + C-VID; beyond
 * the outer tables' slots: an unknown tenant). *l2 is set to the offset of
 * the network header; 0 if the frame is too short for its tags.
 */
static __rte_always_inline rte_be16_t
pkt_l2(const struct fwd_ctx *ctx, const struct rte_mbuf *m, uint16_t port,
       uint32_t *tenant, uint32_t *l2)
{
	const uint32_t seg_len = rte_pktmbuf_data_len(m);
	const struct rte_ether_hdr *eth;
	const struct rte_vlan_hdr *vh;
	uint32_t off = sizeof(*eth), vid = 0;
	rte_be16_t type;

	*l2 = 0;
	if (unlikely(seg_len < off))
		return 0;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	type = eth->ether_type;
	if (type == RTE_BE16(RTE_ETHER_TYPE_QINQ)) {
		vh = (const void *)(eth + 1);
		off += sizeof(*vh);
		if (unlikely(seg_len < off))
			return 0;
		type = vh->eth_proto;
		if (type != RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
			*l2 = off;
			return 0;       /* no C-tag: not IP, as if unknown */
		}
		vid = (uint32_t)(rte_be_to_cpu_16(vh->vlan_tci) & 0xfff) << 12;
	}
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		vh = rte_pktmbuf_mtod_offset(m, const struct rte_vlan_hdr *,
					     off);
		off += sizeof(*vh);
		if (unlikely(seg_len < off))
			return 0;
		vid |= rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
		type = vh->eth_proto;
	}
	*tenant = ctx->tenant_by_port ? port : vid;
	*l2 = off;
	return type;
}

/*
 * The IPv4 header, with the checks of RFC 1812 5.2.2 as l3fwd makes them
 * (length, version, header length, total length), plus the header checksum
 * (when no rx offload checked it) and a total length that fits in the
 * frame. Headers must be in the first segment.
 */
static __rte_always_inline unsigned int
pkt_ipv4(struct rte_mbuf *m, uint32_t l2, void **hdr)
{
	const uint32_t seg_len = rte_pktmbuf_data_len(m);
	struct rte_ipv4_hdr *ip;
	uint32_t ihl;

	if (unlikely(seg_len < l2 + sizeof(*ip)))
		return DROP_MALFORMED;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);
	ihl = (uint32_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) *
		RTE_IPV4_IHL_MULTIPLIER;
	if (unlikely((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) ||
		     seg_len < l2 + ihl))
		return DROP_MALFORMED;
	if (unlikely(rte_be_to_cpu_16(ip->total_length) < ihl ||
		     rte_be_to_cpu_16(ip->total_length) >
		     rte_pktmbuf_pkt_len(m) - l2))
		return DROP_MALFORMED;
	switch (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
	case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
		break;
	case RTE_MBUF_F_RX_IP_CKSUM_BAD:
		return DROP_MALFORMED;
	default:
		/* The one's complement sum of a correct header is 0xffff. */
		if (unlikely(rte_raw_cksum(ip, ihl) != 0xffff))
			return DROP_MALFORMED;
	}
	*hdr = ip;
	return PKT_V4;
}

/*
 * The IPv6 header: all 40 bytes in the first segment, version 6, a payload
 * length that fits in the frame (Ethernet padding may follow it).
 */
static __rte_always_inline unsigned int
pkt_ipv6(struct rte_mbuf *m, uint32_t l2, void **hdr)
{
	struct rte_ipv6_hdr *ip;

	if (unlikely(rte_pktmbuf_data_len(m) < l2 + sizeof(*ip)))
		return DROP_MALFORMED6;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l2);
	if (unlikely((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6 ||
		     rte_be_to_cpu_16(ip->payload_len) >
		     rte_pktmbuf_pkt_len(m) - l2 - sizeof(*ip)))
		return DROP_MALFORMED6;
	*hdr = ip;
	return PKT_V6;
}

/* Tenant and network header of a frame: a drop reason, PKT_V4 or PKT_V6. */
static __rte_always_inline unsigned int
pkt_parse(const struct fwd_ctx *ctx, struct rte_mbuf *m, uint16_t port,
	  uint32_t *tenant, void **hdr)
{
	uint32_t l2;
	rte_be16_t type;

	type = pkt_l2(ctx, m, port, tenant, &l2);
	if (unlikely(l2 == 0))
		return DROP_MALFORMED;
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return pkt_ipv4(m, l2, hdr);
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		return pkt_ipv6(m, l2, hdr);
	return DROP_NOT_IP;
}

/* TTL - 1, checksum updated incrementally (RFC 1624 eqn. 3): the 16-bit
 * word holding the TTL loses 0x0100, so ~HC gains ~0x0100 = 0xfeff.
 */
static __rte_always_inline void
ipv4_ttl_dec(struct rte_ipv4_hdr *ip)
{
	uint32_t sum;

	ip->time_to_live--;
	sum = (uint16_t)~rte_be_to_cpu_16(ip->hdr_checksum) + 0xfeffU;
	sum = (sum & 0xffff) + (sum >> 16);
	ip->hdr_checksum = rte_cpu_to_be_16((uint16_t)~sum);
}

/* IPv6 has no header checksum: the hop limit alone changes. */
static __rte_always_inline void
pkt_forward(struct fwd_lcore *lc, struct rte_mbuf *m, void *hdr,
	    const struct fwd_nexthop *nh, const bool v6)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	rte_ether_addr_copy(&nh->dst, &eth->dst_addr);
	rte_ether_addr_copy(&nh->src, &eth->src_addr);
	if (v6)
		((struct rte_ipv6_hdr *)hdr)->hop_limits--;
	else
		ipv4_ttl_dec(hdr);
	rte_eth_tx_buffer(nh->port, lc->txq, lc->txbuf[nh->port], m);
}

static __rte_always_inline void
pkt_drop(struct lcore_counters *c, struct rte_mbuf *m, unsigned int reason)
{
	c->drop[reason]++;
	rte_pktmbuf_free(m);
}

/* One family's packets of a burst, with their lookup keys. */
struct fwd_batch {
	unsigned int n;
	uint64_t outer_miss;
	struct rte_mbuf *m[MIM_LOOKUP_BULK_MAX];
	void *hdr[MIM_LOOKUP_BULK_MAX];
	uint32_t tenant[MIM_LOOKUP_BULK_MAX];
	const void *okey[MIM_LOOKUP_BULK_MAX], *ikey[MIM_LOOKUP_BULK_MAX];
	void *val[MIM_LOOKUP_BULK_MAX];
};

/*
 * Look a batch up: nested, tenant slots then their tables, prefetched at
 * each level; single, the baseline's table. The tables and values found
 * stay valid until the quiescent state reported after this burst. v6 and
 * single are constants.
 */
static __rte_always_inline void
fwd_lookup(const struct fwd_ctx *ctx, struct fwd_batch *b, const bool v6,
	   const bool single)
{
	b->outer_miss = 0;
	if (b->n == 0)
		return;
	if (single)
		mim_lookup_bulk(v6 ? ctx->baseline6 : ctx->baseline, b->ikey,
				b->n, b->val);
	else
		mim_lookup_nested_bulk(v6 ? ctx->outer6 : ctx->outer, b->okey,
				       b->ikey, b->n, b->val, &b->outer_miss);
}

/* Forward or drop packet i of a looked-up batch. */
static __rte_always_inline void
fwd_one(struct fwd_lcore *lc, const struct fwd_batch *b, unsigned int i,
	const bool v6, const bool single)
{
	const struct fwd_ctx *ctx = lc->ctx;
	struct lcore_counters *c = &lc->ctr;
	struct tenant_counters *tc;
	uint8_t ttl;
	uint32_t nh;

	if (!single && (b->outer_miss & (UINT64_C(1) << i))) {
		pkt_drop(c, b->m[i], DROP_UNKNOWN_TENANT);
		return;
	}
	tc = &c->tenant[single ? ctx->baseline_tenant : b->tenant[i]];
	ttl = v6 ? ((struct rte_ipv6_hdr *)b->hdr[i])->hop_limits :
		((struct rte_ipv4_hdr *)b->hdr[i])->time_to_live;
	if (unlikely(ttl <= 1)) {
		tc->drops++;
		pkt_drop(c, b->m[i], v6 ? DROP_HOP_LIMIT : DROP_TTL_EXPIRED);
		return;
	}
	if (b->val[i] == NULL) {
		tc->drops++;
		pkt_drop(c, b->m[i], v6 ? DROP_NO_ROUTE6 : DROP_NO_ROUTE);
		return;
	}
	memcpy(&nh, b->val[i], sizeof(nh));
	/* Configuration checks made every route's next hop exist. */
	RTE_ASSERT(nh < ctx->nb_nexthops);
	tc->pkts++;
	tc->bytes += rte_pktmbuf_pkt_len(b->m[i]);
	c->fwd++;
	c->fwd6 += v6;
	pkt_forward(lc, b->m[i], b->hdr[i], &ctx->nexthop[nh], v6);
}

/* Bit of a burst's order[] entry: the packet is in the IPv6 batch. */
#define ORDER_V6 0x80

/*
 * One received burst, n <= MIM_LOOKUP_BULK_MAX: parsed and split by
 * family, each family looked up with one bulk call, then forwarded in the
 * order received (a flow keeps its order whatever the families around
 * it). single (a constant: see the two instances below) selects the
 * baseline's lookup in one table per family; the parse, checks, rewrite
 * and tx are the same code.
 */
static __rte_always_inline void
fwd_burst(struct fwd_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
	  unsigned int n, const bool single)
{
	const struct fwd_ctx *ctx = lc->ctx;
	struct fwd_batch b4, b6;
	struct mim_lpm_key key4[MIM_LOOKUP_BULK_MAX];
	struct mim_lpm6_key key6[MIM_LOOKUP_BULK_MAX];
	uint8_t order[MIM_LOOKUP_BULK_MAX];
	unsigned int i, k = 0, v;
	uint32_t tenant = 0;
	void *hdr = NULL;

	RTE_BUILD_BUG_ON(MIM_LOOKUP_BULK_MAX > ORDER_V6);
	b4.n = 0;
	b6.n = 0;
	for (i = 0; i < n && i < PREFETCH_OFFSET; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct fwd_batch *b;

		if (i + PREFETCH_OFFSET < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_OFFSET],
						       void *));
		v = pkt_parse(ctx, pkts[i], port, &tenant, &hdr);
		if (v == PKT_V4) {
			b = &b4;
			key4[b->n].prefixlen = 32;
			key4[b->n].addr =
				((struct rte_ipv4_hdr *)hdr)->dst_addr;
			b->ikey[b->n] = &key4[b->n];
			order[k++] = (uint8_t)b->n;
		} else if (v == PKT_V6) {
			b = &b6;
			key6[b->n].prefixlen = 128;
			memcpy(key6[b->n].addr,
			       ((struct rte_ipv6_hdr *)hdr)->dst_addr, 16);
			b->ikey[b->n] = &key6[b->n];
			order[k++] = (uint8_t)(b->n | ORDER_V6);
		} else {
			pkt_drop(&lc->ctr, pkts[i], v);
			continue;
		}
		b->m[b->n] = pkts[i];
		b->hdr[b->n] = hdr;
		b->tenant[b->n] = tenant;
		b->okey[b->n] = &b->tenant[b->n];
		b->n++;
	}
	fwd_lookup(ctx, &b4, false, single);
	fwd_lookup(ctx, &b6, true, single);
	/* Before tx: a packet handed to it may be sent and freed. */
	if (ctx->flows != NULL) {
		flows_count(ctx->flows, lc->txq, false, b4.n, b4.m, b4.hdr,
			    b4.tenant, &lc->ctr.flows);
		flows_count(ctx->flows, lc->txq, true, b6.n, b6.m, b6.hdr,
			    b6.tenant, &lc->ctr.flows);
	}
	/* One family only (the common case): no branch on order[]. */
	if (b6.n == 0) {
		for (i = 0; i < b4.n; i++)
			fwd_one(lc, &b4, i, false, single);
	} else if (b4.n == 0) {
		for (i = 0; i < b6.n; i++)
			fwd_one(lc, &b6, i, true, single);
	} else {
		for (i = 0; i < k; i++) {
			if (order[i] & ORDER_V6)
				fwd_one(lc, &b6, order[i] & ~ORDER_V6, true,
					single);
			else
				fwd_one(lc, &b4, order[i], false, single);
		}
	}
}

static void
fwd_burst_nested(struct fwd_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
		 unsigned int n)
{
	fwd_burst(lc, port, pkts, n, false);
}

static void
fwd_burst_single(struct fwd_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
		 unsigned int n)
{
	fwd_burst(lc, port, pkts, n, true);
}

static void
idle_sleep(const struct fwd_lcore *lc)
{
	struct rte_rcu_qsbr *v = lc->ctx->qsbr;

	/* Offline, grace periods do not wait for a sleeping lcore. */
	rte_rcu_qsbr_thread_offline(v, lc->lcore_id);
	rte_delay_us_sleep(IDLE_SLEEP_US);
	rte_rcu_qsbr_thread_online(v, lc->lcore_id);
}

/* Relaxed: the flag is advisory (the main lcore polls it to stop) and
 * publishes no data. Stored only when it changes: no cache line ping-pong.
 */
static void
set_idle(struct fwd_lcore *lc, bool idle)
{
	if (lc->idle != idle)
		__atomic_store_n(&lc->idle, idle, __ATOMIC_RELAXED);
}

int
fwd_lcore_main(void *arg)
{
	struct fwd_lcore *lc = arg;
	struct fwd_ctx *ctx = lc->ctx;
	struct rte_mbuf *pkts[MIM_LOOKUP_BULK_MAX];
	const bool single = ctx->baseline != NULL;
	uint64_t start, last_rx;
	unsigned int empty = 0, i, n, got;

	rte_rcu_qsbr_thread_register(ctx->qsbr, lc->lcore_id);
	rte_rcu_qsbr_thread_online(ctx->qsbr, lc->lcore_id);
	start = rte_get_tsc_cycles();
	last_rx = start;

	while (!__atomic_load_n(&ctx->quit, __ATOMIC_RELAXED)) {
		got = 0;
		for (i = 0; i < lc->nb_rxq; i++) {
			n = rte_eth_rx_burst(lc->rxq[i].port, lc->rxq[i].queue,
					     pkts, ctx->burst);
			if (n == 0)
				continue;
			got += n;
			lc->ctr.rx += n;
			if (single)
				fwd_burst_single(lc, lc->rxq[i].port, pkts, n);
			else
				fwd_burst_nested(lc, lc->rxq[i].port, pkts, n);
			/* The burst holds no table or value pointer any
			 * more (tx buffers hold mbufs only).
			 */
			rte_rcu_qsbr_quiescent(ctx->qsbr, lc->lcore_id);
		}
		for (i = 0; i < lc->nb_tx_ports; i++)
			rte_eth_tx_buffer_flush(lc->tx_port[i], lc->txq,
						lc->txbuf[lc->tx_port[i]]);

		if (got != 0) {
			empty = 0;
			if (ctx->idle_tsc != 0) {
				last_rx = rte_get_tsc_cycles();
				set_idle(lc, false);
			}
			continue;
		}
		/* Nothing received: report anyway, or replaced tables would
		 * wait for this lcore's next packet.
		 */
		rte_rcu_qsbr_quiescent(ctx->qsbr, lc->lcore_id);
		if (ctx->idle_tsc != 0 &&
		    rte_get_tsc_cycles() - last_rx > ctx->idle_tsc)
			set_idle(lc, true);
		if (++empty >= IDLE_POLLS)
			idle_sleep(lc);
	}
	lc->ctr.loop_tsc = rte_get_tsc_cycles() - start;

	rte_rcu_qsbr_thread_offline(ctx->qsbr, lc->lcore_id);
	rte_rcu_qsbr_thread_unregister(ctx->qsbr, lc->lcore_id);
	return 0;
}

struct fwd_lcore *
fwd_lcore_create(struct fwd_ctx *ctx, unsigned int lcore_id, uint16_t txq,
		 const uint16_t *tx_ports, uint16_t nb_tx_ports)
{
	int socket = (int)rte_lcore_to_socket_id(lcore_id);
	struct fwd_lcore *lc;
	uint16_t i, p;

	lc = rte_zmalloc_socket("fwd_lcore", sizeof(*lc), RTE_CACHE_LINE_SIZE,
				socket);
	if (lc == NULL)
		return NULL;
	lc->ctx = ctx;
	lc->lcore_id = lcore_id;
	lc->txq = txq;
	for (i = 0; i < nb_tx_ports; i++) {
		p = tx_ports[i];
		lc->txbuf[p] = rte_zmalloc_socket("fwd_txbuf",
						  RTE_ETH_TX_BUFFER_SIZE(ctx->burst),
						  0, socket);
		if (lc->txbuf[p] == NULL) {
			fwd_lcore_free(lc);
			return NULL;
		}
		rte_eth_tx_buffer_init(lc->txbuf[p], ctx->burst);
		/* Frees what the port refuses, and counts it. */
		rte_eth_tx_buffer_set_err_callback(lc->txbuf[p],
						   rte_eth_tx_buffer_count_callback,
						   &lc->ctr.tx_dropped);
		lc->tx_port[lc->nb_tx_ports++] = p;
	}
	return lc;
}

int
fwd_lcore_add_rxq(struct fwd_lcore *lc, uint16_t port, uint16_t queue)
{
	if (lc->nb_rxq == FWD_MAX_RXQ_PER_LCORE)
		return -ENOSPC;
	lc->rxq[lc->nb_rxq++] = (struct fwd_rxq){ .port = port, .queue = queue };
	return 0;
}

void
fwd_lcore_free(struct fwd_lcore *lc)
{
	unsigned int p;

	if (lc == NULL)
		return;
	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		rte_free(lc->txbuf[p]);
	rte_free(lc);
}

struct lcore_counters *
fwd_lcore_counters(struct fwd_lcore *lc)
{
	return &lc->ctr;
}

bool
fwd_lcore_idle(const struct fwd_lcore *lc)
{
	return __atomic_load_n(&lc->idle, __ATOMIC_RELAXED);
}

void
fwd_stop(struct fwd_ctx *ctx)
{
	/* Relaxed: publishes nothing; rte_eal_mp_wait_lcore() orders the
	 * lcores' last writes (counters) before the main lcore reads them.
	 */
	__atomic_store_n(&ctx->quit, true, __ATOMIC_RELAXED);
}
