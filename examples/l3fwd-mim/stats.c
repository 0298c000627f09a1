/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>

#include <mim.h>

#include "stats.h"

static const char *const drop_names[DROP_MAX] = {
	[DROP_MALFORMED] = "malformed",
	[DROP_NOT_IP] = "not_ip",
	[DROP_UNKNOWN_TENANT] = "unknown_tenant",
	[DROP_TTL_EXPIRED] = "ttl_expired",
	[DROP_NO_ROUTE] = "no_route",
	[DROP_MALFORMED6] = "malformed_ipv6",
	[DROP_HOP_LIMIT] = "hop_limit_expired",
	[DROP_NO_ROUTE6] = "no_route_ipv6",
};

const char *
stats_drop_name(enum drop_reason r)
{
	return (unsigned int)r < DROP_MAX ? drop_names[r] : "?";
}

void
stats_sum(const struct stats_set *set, struct lcore_counters *out)
{
	unsigned int i, r, t;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < set->n; i++) {
		const struct lcore_counters *c = set->lc[i];

		out->loop_tsc = RTE_MAX(out->loop_tsc, c->loop_tsc);
		out->rx += c->rx;
		out->fwd += c->fwd;
		out->fwd6 += c->fwd6;
		out->tx_dropped += c->tx_dropped;
		out->flows.learned += c->flows.learned;
		out->flows.failed += c->flows.failed;
		for (r = 0; r < DROP_MAX; r++)
			out->drop[r] += c->drop[r];
		for (t = 0; t < CFG_MAX_TENANTS; t++) {
			out->tenant[t].pkts += c->tenant[t].pkts;
			out->tenant[t].bytes += c->tenant[t].bytes;
			out->tenant[t].drops += c->tenant[t].drops;
		}
	}
}

void
stats_sum_tenant(const struct stats_set *set, uint32_t tenant,
		 struct tenant_counters *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (tenant >= CFG_MAX_TENANTS)
		return;
	for (i = 0; i < set->n; i++) {
		const struct tenant_counters *c = &set->lc[i]->tenant[tenant];

		out->pkts += c->pkts;
		out->bytes += c->bytes;
		out->drops += c->drops;
	}
}

static int
tenant_seen(const struct tenant_counters *t)
{
	return t->pkts != 0 || t->drops != 0;
}

static double
seconds(const struct lcore_counters *s)
{
	return (double)s->loop_tsc / (double)rte_get_tsc_hz();
}

void
stats_print(FILE *f, const struct lcore_counters *s,
	    const struct mim_stats *ms, const struct stats_run *run)
{
	double sec = seconds(s);
	unsigned int r, t;

	if (run->baseline != NULL)
		fprintf(f, "\nLookup: baseline, table %s alone (tenant ignored, counted as tenant %u)",
			run->baseline, run->baseline_tenant);
	else
		fprintf(f, "\nLookup: nested (tenant's slot, then its table)");
	fprintf(f, "\nForwarding: %.3f s on %u lcore(s)", sec, run->lcores);
	if (sec > 0)
		fprintf(f, ", %.3f Mpps received, %.3f Mpps forwarded",
			(double)s->rx / sec / 1e6, (double)s->fwd / sec / 1e6);
	fprintf(f, "\nPackets: rx %" PRIu64 ", forwarded %" PRIu64
		" (IPv4 %" PRIu64 ", IPv6 %" PRIu64 "), tx dropped %" PRIu64
		"\nDrops:", s->rx, s->fwd, s->fwd - s->fwd6, s->fwd6,
		s->tx_dropped);
	for (r = 0; r < DROP_MAX; r++)
		fprintf(f, " %s %" PRIu64, drop_names[r], s->drop[r]);
	if (s->flows.learned != 0 || s->flows.failed != 0)
		fprintf(f, "\nFlows: learned %" PRIu64 ", inserts failed %" PRIu64,
			s->flows.learned, s->flows.failed);
	fprintf(f, "\n%8s %14s %16s %14s\n", "tenant", "packets", "bytes",
		"dropped");
	for (t = 0; t < CFG_MAX_TENANTS; t++)
		if (tenant_seen(&s->tenant[t]))
			fprintf(f, "%8u %14" PRIu64 " %16" PRIu64 " %14" PRIu64 "\n",
				t, s->tenant[t].pkts, s->tenant[t].bytes,
				s->tenant[t].drops);
	fprintf(f, "Tables: %u live (%" PRIu64 " bytes), %" PRIu64
		" created, %" PRIu64 " released\n", ms->nb_tables,
		ms->mem_bytes, ms->nb_created, ms->nb_destroyed);
}

int
stats_write_json(const char *path, const struct lcore_counters *s,
		 const struct mim_stats *ms, const struct stats_run *run)
{
	const char *sep = "";
	unsigned int r, t;
	FILE *f;
	int ret;

	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	/* Table names are [A-Za-z0-9_-]: nothing to escape. */
	if (run->baseline != NULL)
		fprintf(f, "{\"lookup\": \"baseline\", \"baseline_table\": \"%s\", \"baseline_tenant\": %u,\n ",
			run->baseline, run->baseline_tenant);
	else
		fprintf(f, "{\"lookup\": \"nested\",\n ");
	fprintf(f, "\"lcores\": %u, \"tsc_hz\": %" PRIu64
		", \"elapsed_tsc\": %" PRIu64 ",\n ", run->lcores,
		rte_get_tsc_hz(), s->loop_tsc);
	fprintf(f, "\"rx\": %" PRIu64 ", \"forwarded\": %" PRIu64
		", \"forwarded_ipv6\": %" PRIu64 ", \"tx_dropped\": %" PRIu64
		", \"flows_learned\": %" PRIu64 ", \"flows_failed\": %" PRIu64
		",\n \"drops\": {", s->rx, s->fwd, s->fwd6, s->tx_dropped,
		s->flows.learned, s->flows.failed);
	for (r = 0; r < DROP_MAX; r++)
		fprintf(f, "%s\"%s\": %" PRIu64, r == 0 ? "" : ", ",
			drop_names[r], s->drop[r]);
	fprintf(f, "},\n \"tenants\": {");
	for (t = 0; t < CFG_MAX_TENANTS; t++) {
		if (!tenant_seen(&s->tenant[t]))
			continue;
		fprintf(f, "%s\n  \"%u\": {\"packets\": %" PRIu64
			", \"bytes\": %" PRIu64 ", \"dropped\": %" PRIu64 "}",
			sep, t, s->tenant[t].pkts, s->tenant[t].bytes,
			s->tenant[t].drops);
		sep = ",";
	}
	fprintf(f, "},\n \"tables\": {\"live\": %u, \"mem_bytes\": %" PRIu64
		", \"created\": %" PRIu64 ", \"released\": %" PRIu64 "}}\n",
		ms->nb_tables, ms->mem_bytes, ms->nb_created,
		ms->nb_destroyed);
	ret = ferror(f) ? -EIO : 0;
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	return ret;
}
