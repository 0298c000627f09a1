/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Telemetry commands. They run on DPDK's telemetry threads (one per client
 * connection), never on a forwarding lcore: a reload builds a 64 MiB LPM
 * table there while the lcores keep forwarding on the old one.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_telemetry.h>

#include "control.h"
#include "flows.h"
#include "tables.h"

/* Telemetry callbacks take no user argument: what they act on is here,
 * guarded so that control_stop() can detach it.
 */
static struct {
	pthread_mutex_t lock;
	struct tables *tables;
	const struct flows *flows;
	const struct stats_set *stats;
} ctl = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

/*
 * A tenant parameter: plain decimal digits (no sign, no blank: strtoul()
 * would take "-18446744073709551516" for 100), below CFG_MAX_TENANTS.
 */
static int
parse_tenant(const char *params, uint32_t *tenant)
{
	uint32_t v = 0;
	const char *s;

	if (params == NULL || *params == '\0')
		return -EINVAL;
	for (s = params; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(*s - '0');
		if (v >= CFG_MAX_TENANTS)  /* before it can overflow */
			return -EINVAL;
	}
	*tenant = v;
	return 0;
}

/*
 * DPDK 22.11's telemetry writes string bytes as they are, but for '\n',
 * '\r', '\t' (escaped) and other control bytes (dropped); a byte >= 0x80
 * makes it index a table with a negative char and emit a broken escape.
 * Error messages quote the configuration file, so everything but
 * printable ASCII is replaced with '?', one per UTF-8 character, before
 * the string reaches it; '"' and '\\' too (escaped by later 22.11 releases
 * only).
 */
static void
add_string(struct rte_tel_data *d, const char *name, const char *val)
{
	char buf[RTE_TEL_MAX_STRING_LEN];
	const unsigned char *p = (const unsigned char *)val;
	size_t n = 0;

	while (*p != '\0' && n < sizeof(buf) - 1) {
		unsigned char c = *p++;

		if (c >= 0x80)  /* and the continuation bytes after it */
			while ((*p & 0xc0) == 0x80)
				p++;
		buf[n++] = c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ?
			'?' : (char)c;
	}
	buf[n] = '\0';
	rte_tel_data_add_dict_string(d, name, buf);
}

static void
add_tenant_info(struct rte_tel_data *d, const struct tenant_info *ti)
{
	rte_tel_data_add_dict_int(d, "tenant", (int)ti->tenant);
	rte_tel_data_add_dict_int(d, "present", ti->present);
	if (!ti->present)
		return;
	add_string(d, "table", ti->table);
	rte_tel_data_add_dict_u64(d, "table_id", ti->table_id);
	rte_tel_data_add_dict_u64(d, "table6_id", ti->table6_id);
	rte_tel_data_add_dict_u64(d, "routes", ti->nb_routes);
	rte_tel_data_add_dict_u64(d, "routes6", ti->nb_routes6);
	rte_tel_data_add_dict_u64(d, "generation", ti->generation);
}

static int
cmd_reload(const char *cmd __rte_unused, const char *params,
	   struct rte_tel_data *d)
{
	struct reload_result res;
	char err[256];
	uint32_t tenant;
	int ret;

	if (parse_tenant(params, &tenant) != 0)
		return -EINVAL;
	pthread_mutex_lock(&ctl.lock);
	if (ctl.tables == NULL) {
		pthread_mutex_unlock(&ctl.lock);
		return -ENODEV;
	}
	ret = tables_reload(ctl.tables, tenant, &res, err, sizeof(err));
	pthread_mutex_unlock(&ctl.lock);

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "status", ret == 0 ? "ok" : "error");
	if (ret != 0)
		add_string(d, "error", err);
	rte_tel_data_add_dict_u64(d, "slots_updated", res.nb_slots);
	rte_tel_data_add_dict_u64(d, "old_table_id", res.old_table_id);
	rte_tel_data_add_dict_u64(d, "old_table6_id", res.old_table6_id);
	add_tenant_info(d, &res.info);
	return 0;
}

static int
cmd_tenant(const char *cmd __rte_unused, const char *params,
	   struct rte_tel_data *d)
{
	struct tenant_counters tc;
	struct tenant_info ti;
	uint32_t tenant;

	if (parse_tenant(params, &tenant) != 0)
		return -EINVAL;
	pthread_mutex_lock(&ctl.lock);
	if (ctl.tables == NULL) {
		pthread_mutex_unlock(&ctl.lock);
		return -ENODEV;
	}
	tables_tenant_info(ctl.tables, tenant, &ti);
	stats_sum_tenant(ctl.stats, tenant, &tc);
	pthread_mutex_unlock(&ctl.lock);

	rte_tel_data_start_dict(d);
	add_tenant_info(d, &ti);
	rte_tel_data_add_dict_u64(d, "packets", tc.pkts);
	rte_tel_data_add_dict_u64(d, "bytes", tc.bytes);
	rte_tel_data_add_dict_u64(d, "dropped", tc.drops);
	return 0;
}

static int
cmd_stats(const char *cmd __rte_unused, const char *params __rte_unused,
	  struct rte_tel_data *d)
{
	struct lcore_counters *sum;
	char name[32];
	unsigned int r;

	sum = malloc(sizeof(*sum));
	if (sum == NULL)
		return -ENOMEM;
	pthread_mutex_lock(&ctl.lock);
	if (ctl.stats == NULL) {
		pthread_mutex_unlock(&ctl.lock);
		free(sum);
		return -ENODEV;
	}
	stats_sum(ctl.stats, sum);
	pthread_mutex_unlock(&ctl.lock);

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx", sum->rx);
	rte_tel_data_add_dict_u64(d, "forwarded", sum->fwd);
	rte_tel_data_add_dict_u64(d, "forwarded_ipv6", sum->fwd6);
	rte_tel_data_add_dict_u64(d, "tx_dropped", sum->tx_dropped);
	rte_tel_data_add_dict_u64(d, "flows_learned", sum->flows.learned);
	rte_tel_data_add_dict_u64(d, "flows_failed", sum->flows.failed);
	for (r = 0; r < DROP_MAX; r++) {
		snprintf(name, sizeof(name), "drop_%s", stats_drop_name(r));
		rte_tel_data_add_dict_u64(d, name, sum->drop[r]);
	}
	free(sum);
	return 0;
}

/* One flow: its 5-tuple and counts (idle: since its last packet). */
static struct rte_tel_data *
flow_dict(const struct flow_entry *e, uint64_t now)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	char addr[INET6_ADDRSTRLEN];
	int af = e->key.family == 6 ? AF_INET6 : AF_INET;

	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "family", e->key.family);
	rte_tel_data_add_dict_int(d, "proto", e->key.proto);
	if (inet_ntop(af, e->key.src, addr, sizeof(addr)) != NULL)
		rte_tel_data_add_dict_string(d, "src", addr);
	rte_tel_data_add_dict_int(d, "sport", rte_be_to_cpu_16(e->key.sport));
	if (inet_ntop(af, e->key.dst, addr, sizeof(addr)) != NULL)
		rte_tel_data_add_dict_string(d, "dst", addr);
	rte_tel_data_add_dict_int(d, "dport", rte_be_to_cpu_16(e->key.dport));
	rte_tel_data_add_dict_u64(d, "packets", e->ctr.packets);
	rte_tel_data_add_dict_u64(d, "bytes", e->ctr.bytes);
	rte_tel_data_add_dict_u64(d, "idle_us", now > e->ctr.last_seen ?
				  (now - e->ctr.last_seen) * 1000000 /
				  rte_get_tsc_hz() : 0);
	return d;
}

/*
 * The reply: counts, then the flows with the most packets as "flow_0"
 * (most) to "flow_<n-1>", one dict each (22.11 nests containers one
 * level deep: no array of dicts). At most FLOWS_TOP of them.
 */
static int
cmd_flows(const char *cmd __rte_unused, const char *params,
	  struct rte_tel_data *d)
{
	struct flows_report *r;
	uint64_t now = rte_get_tsc_cycles();
	char name[32];
	uint32_t tenant, i;
	int ret;

	if (parse_tenant(params, &tenant) != 0)
		return -EINVAL;
	r = malloc(sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	pthread_mutex_lock(&ctl.lock);
	ret = ctl.flows == NULL ? -ENODEV : flows_report(ctl.flows, tenant, r);
	pthread_mutex_unlock(&ctl.lock);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "tenant", (int)tenant);
	rte_tel_data_add_dict_string(d, "status", ret == 0 ? "ok" :
				     ret == -ENODEV ? "no flow tables (--flows)" :
				     ret == -ENOENT ? "no flow table" :
				     "error");
	if (ret == 0) {
		rte_tel_data_add_dict_u64(d, "capacity", r->capacity);
		rte_tel_data_add_dict_u64(d, "flows", r->nb_flows);
		rte_tel_data_add_dict_u64(d, "evictions", r->nb_evictions);
		rte_tel_data_add_dict_u64(d, "shown", r->nb_top);
		for (i = 0; i < r->nb_top; i++) {
			struct rte_tel_data *f = flow_dict(&r->top[i], now);

			snprintf(name, sizeof(name), "flow_%u", i);
			if (f != NULL &&
			    rte_tel_data_add_dict_container(d, name, f, 0) != 0)
				rte_tel_data_free(f);
		}
	}
	free(r);
	return 0;
}

int
control_start(struct tables *tables, const struct flows *flows,
	      const struct stats_set *stats)
{
	int ret;

	pthread_mutex_lock(&ctl.lock);
	ctl.tables = tables;
	ctl.flows = flows;
	ctl.stats = stats;
	pthread_mutex_unlock(&ctl.lock);

	ret = rte_telemetry_register_cmd("/l3fwd/reload", cmd_reload,
		"Re-read the route file and swap a tenant's table. Parameters: int tenant");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/l3fwd/tenant", cmd_tenant,
			"A tenant's table and counters. Parameters: int tenant");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/l3fwd/stats", cmd_stats,
			"Packets received, forwarded and dropped by reason. Takes no parameters");
	if (ret == 0)
		ret = rte_telemetry_register_cmd("/l3fwd/flows", cmd_flows,
			"With --flows: a tenant's flow count, evictions and top flows by packets. Parameters: int tenant");
	if (ret != 0)
		control_stop();
	return ret;
}

void
control_stop(void)
{
	pthread_mutex_lock(&ctl.lock);
	ctl.tables = NULL;
	ctl.flows = NULL;
	ctl.stats = NULL;
	pthread_mutex_unlock(&ctl.lock);
}
