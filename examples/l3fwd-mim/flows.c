/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Per-tenant flow tables (flows.h): creation, the forwarding lcores'
 * counting and learning, and the walk telemetry reports.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include <mim.h>

#include "flows.h"

#define FLOWS_OUTER_NAME "l3fwd_flows"

struct flows {
	mim_id_t outer_id;
	struct flows_dp dp;
	unsigned int nb_slots;
	uint32_t capacity;
	uint32_t ids[CFG_MAX_TENANTS];
};

static int __attribute__((format(printf, 4, 5)))
fail(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

static int
outer_create(struct flows *f, char *err, size_t errlen)
{
	mim_id_t tmpl, id;

	/* The template, closed once the outer table has kept its shape. */
	tmpl = mim_create(MIM_TYPE_LRU_HASH, NULL, sizeof(struct flow_key),
			  f->dp.value_size, f->capacity, NULL);
	if (tmpl < 0)
		return fail(tmpl, err, errlen,
			    "cannot create the flow template: %s",
			    mim_last_error());
	MIM_OPTS(mim_create_opts, o, .inner_id = tmpl);
	id = mim_create(MIM_TYPE_ARRAY_OF_TABLES, FLOWS_OUTER_NAME,
			sizeof(uint32_t), sizeof(uint32_t), CFG_MAX_TENANTS, &o);
	if (id < 0)
		fail(id, err, errlen, "cannot create outer table %s: %s",
		     FLOWS_OUTER_NAME, mim_last_error());
	mim_close(tmpl);
	if (id < 0)
		return id;
	f->outer_id = id;
	f->dp.outer = mim_table(id);
	return 0;
}

/* A tenant's table, held by its outer slot only; its ID kept for inserts. */
static int
tenant_create(struct flows *f, uint32_t tenant, char *err, size_t errlen)
{
	char name[MIM_NAMESIZE];
	mim_id_t id;
	int ret;

	snprintf(name, sizeof(name), "l3fwd_flows_%u", tenant);
	id = mim_create(MIM_TYPE_LRU_HASH, name, sizeof(struct flow_key),
			f->dp.value_size, f->capacity, NULL);
	if (id < 0)
		return fail(id, err, errlen, "cannot create flow table %s: %s",
			    name, mim_last_error());
	ret = mim_update_elem(f->outer_id, &tenant, &id, MIM_ANY);
	if (ret != 0)
		fail(ret, err, errlen, "cannot install flow table %s: %s",
		     name, mim_last_error());
	mim_close(id);
	if (ret == 0)
		f->ids[tenant] = (uint32_t)id;
	return ret;
}

struct flows *
flows_create(const struct config *cfg, uint32_t entries, unsigned int nb_slots,
	     char *err, size_t errlen)
{
	struct flows *f;
	uint32_t u;

	if (entries == 0 || entries > FLOWS_MAX_ENTRIES || nb_slots == 0 ||
	    nb_slots > RTE_MAX_LCORE) {
		fail(-EINVAL, err, errlen,
		     "flows: 1 to %u entries, 1 to %u lcores",
		     FLOWS_MAX_ENTRIES, RTE_MAX_LCORE);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		fail(-ENOMEM, err, errlen, "out of memory");
		return NULL;
	}
	f->nb_slots = nb_slots;
	f->capacity = entries;
	f->dp.value_size = (uint32_t)(nb_slots * sizeof(struct flow_ctr));
	f->dp.ids = f->ids;
	if (outer_create(f, err, errlen) != 0)
		goto fail;
	for (u = 0; u < CFG_MAX_TENANTS; u++)
		if (config_tenant_table(cfg, u) != NULL &&
		    tenant_create(f, u, err, errlen) != 0)
			goto fail;
	return f;
fail:
	flows_destroy(f);
	return NULL;
}

const struct flows_dp *
flows_dp(const struct flows *f)
{
	return &f->dp;
}

void
flows_destroy(struct flows *f)
{
	if (f == NULL)
		return;
	if (f->dp.outer != NULL)
		mim_close(f->outer_id);
	free(f);
}

/* Ports of TCP, UDP and SCTP: their first 4 bytes, when in the segment. */
static __rte_always_inline void
key_ports(struct flow_key *k, const struct rte_mbuf *m, const uint8_t *l4)
{
	const uint8_t *end = rte_pktmbuf_mtod(m, const uint8_t *) +
		rte_pktmbuf_data_len(m);

	if ((k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP ||
	     k->proto == IPPROTO_SCTP) && end - l4 >= 4) {
		memcpy(&k->sport, l4, 2);
		memcpy(&k->dport, l4 + 2, 2);
	}
}

static __rte_always_inline void
key_ipv4(struct flow_key *k, const struct rte_mbuf *m,
	 const struct rte_ipv4_hdr *ip)
{
	memset(k, 0, sizeof(*k));
	k->family = 4;
	k->proto = ip->next_proto_id;
	memcpy(k->src, &ip->src_addr, 4);
	memcpy(k->dst, &ip->dst_addr, 4);
	/* A later fragment has no ports. */
	if ((ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK)) == 0)
		key_ports(k, m, (const uint8_t *)ip +
			  (ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) *
			  RTE_IPV4_IHL_MULTIPLIER);
}

static __rte_always_inline void
key_ipv6(struct flow_key *k, const struct rte_mbuf *m,
	 const struct rte_ipv6_hdr *ip)
{
	memset(k, 0, sizeof(*k));
	k->family = 6;
	k->proto = ip->proto;
	memcpy(k->src, ip->src_addr, 16);
	memcpy(k->dst, ip->dst_addr, 16);
	key_ports(k, m, (const uint8_t *)(ip + 1));
}

/*
 * One lcore's copy, counted with plain (relaxed) loads and stores: the
 * lcore is its only writer, readers may see a count a packet old.
 * Relaxed, pairs with nothing.
 */
static __rte_always_inline void
ctr_add(struct flow_ctr *c, uint32_t len, uint64_t now)
{
	__atomic_store_n(&c->packets,
			 __atomic_load_n(&c->packets, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&c->bytes,
			 __atomic_load_n(&c->bytes, __ATOMIC_RELAXED) + len,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&c->last_seen, now, __ATOMIC_RELAXED);
}

/*
 * A flow the lookup missed: insert it with this lcore's copy counting the
 * packet. When another packet of the burst, or another lcore, inserted it
 * first (-EEXIST), count it in place in what that insert published.
 */
static void
flow_learn(const struct flows_dp *dp, unsigned int slot, uint32_t tenant,
	   const struct flow_key *k, uint32_t len, uint64_t now,
	   struct flow_ctr *val, struct flows_lcore_ctr *c)
{
	const struct mim_table *inner;
	struct flow_ctr *v;
	int ret;

	memset(val, 0, dp->value_size);
	val[slot] = (struct flow_ctr){ 1, len, now };
	ret = mim_update_elem((int)dp->ids[tenant], k, val, MIM_NOEXIST);
	if (ret == 0) {
		c->learned++;
		return;
	}
	if (ret == -EEXIST) {
		inner = mim_lookup(dp->outer, &tenant);
		v = inner != NULL ? mim_lookup(inner, k) : NULL;
		if (v != NULL) {
			ctr_add(&v[slot], len, now);
			return;
		}
	}
	c->failed++;
}

void
flows_count(const struct flows_dp *dp, unsigned int slot, bool v6,
	    unsigned int n, struct rte_mbuf *const m[], void *const hdr[],
	    const uint32_t tenant[], struct flows_lcore_ctr *c)
{
	struct flow_key key[MIM_LOOKUP_BULK_MAX];
	const void *okey[MIM_LOOKUP_BULK_MAX], *ikey[MIM_LOOKUP_BULK_MAX];
	void *val[MIM_LOOKUP_BULK_MAX];
	struct flow_ctr buf[RTE_MAX_LCORE];
	uint64_t miss = 0, now;
	unsigned int i;

	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		if (v6)
			key_ipv6(&key[i], m[i], hdr[i]);
		else
			key_ipv4(&key[i], m[i], hdr[i]);
		okey[i] = &tenant[i];
		ikey[i] = &key[i];
	}
	mim_lookup_nested_bulk(dp->outer, okey, ikey, n, val, &miss);
	now = rte_get_tsc_cycles();
	for (i = 0; i < n; i++) {
		uint32_t len = rte_pktmbuf_pkt_len(m[i]);

		if (miss & (UINT64_C(1) << i))
			continue;       /* no flow table: not counted */
		if (likely(val[i] != NULL)) {
			ctr_add((struct flow_ctr *)val[i] + slot, len, now);
			continue;
		}
		flow_learn(dp, slot, tenant[i], &key[i], len, now, buf, c);
	}
}

/* Keep the FLOWS_TOP flows with the most packets, sorted, in r->top. */
static void
top_add(struct flows_report *r, const struct flow_entry *e)
{
	uint32_t i;

	/* A walk under inserts may see a key twice: keep its latest. */
	for (i = 0; i < r->nb_top; i++)
		if (memcmp(&r->top[i].key, &e->key, sizeof(e->key)) == 0)
			break;
	if (i < r->nb_top) {
		memmove(&r->top[i], &r->top[i + 1],
			(r->nb_top - i - 1) * sizeof(r->top[0]));
		r->nb_top--;
	}
	i = r->nb_top;
	if (i == FLOWS_TOP) {
		if (r->top[i - 1].ctr.packets >= e->ctr.packets)
			return;
		i--;
	} else {
		r->nb_top++;
	}
	while (i > 0 && r->top[i - 1].ctr.packets < e->ctr.packets) {
		r->top[i] = r->top[i - 1];
		i--;
	}
	r->top[i] = *e;
}

static void
sum_value(const struct flows *f, const struct flow_ctr *v,
	  struct flow_ctr *sum)
{
	unsigned int s;

	*sum = (struct flow_ctr){ 0 };
	for (s = 0; s < f->nb_slots; s++) {
		sum->packets += v[s].packets;
		sum->bytes += v[s].bytes;
		sum->last_seen = RTE_MAX(sum->last_seen, v[s].last_seen);
	}
}

int
flows_report(const struct flows *f, uint32_t tenant, struct flows_report *r)
{
	struct mim_table_info info;
	struct flow_key cur, next;
	struct flow_entry e;
	struct flow_ctr *v;
	uint64_t steps;
	int id, ret;

	if (tenant >= CFG_MAX_TENANTS)
		return -EINVAL;
	id = (int)f->ids[tenant];
	memset(r, 0, sizeof(*r));
	if (id == 0 || mim_get_info(id, &info) != 0)
		return -ENOENT;
	MIM_OPTS(mim_lru_stats, ls);
	if (mim_get_lru_stats(id, &ls) == 0)
		r->nb_evictions = ls.nb_evictions;
	r->capacity = info.max_entries;
	r->nb_flows = info.nb_entries;
	v = malloc(f->dp.value_size);
	if (v == NULL)
		return -ENOMEM;
	/* Bounded: a walk restarts when its key goes under it. */
	for (steps = 0, ret = mim_get_next_key(id, NULL, &next);
	     ret == 0 && steps < 2 * (uint64_t)f->capacity;
	     steps++, ret = mim_get_next_key(id, &cur, &next)) {
		cur = next;
		if (mim_lookup_elem(id, &cur, v) != 0)
			continue;       /* evicted since */
		e.key = cur;
		sum_value(f, v, &e.ctr);
		top_add(r, &e);
	}
	free(v);
	return 0;
}
