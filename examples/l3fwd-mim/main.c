/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * l3fwd-mim: multi-tenant IPv4 and IPv6 forwarding on mapinmap. The tenant
 * of a packet (its VLAN ID, or its input port) selects a slot of an outer
 * ARRAY_OF_TABLES, one per family; the slot holds that tenant's LPM table
 * of that family; the route found gives a next hop (port and MACs). A tenant's table is replaced under
 * traffic by a telemetry command.
 *
 * This file: setup in order, the main lcore's loop (reclamation, stop
 * conditions), teardown.
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>
#include <mim_mp.h>

#include "args.h"
#include "config.h"
#include "control.h"
#include "flows.h"
#include "fwd.h"
#include "plan.h"
#include "port.h"
#include "stats.h"
#include "tables.h"

#define MAIN_LOOP_US 1000
#define MBUFS_MIN 8192

struct app {
	struct options opt;
	struct config *cfg;
	struct rte_mempool *pool;
	struct plan plan;
	bool port_started[RTE_MAX_ETHPORTS];
	struct rte_rcu_qsbr *qsbr;
	bool qsbr_attached;
	struct tables *tables;
	struct flows *flows;            /* --flows, or NULL */
	struct fwd_nexthop *nexthop;
	/* --baseline-lpm's tables: IPv4, IPv6. */
	const struct mim_table *baseline[2];
	uint32_t baseline_tenant;
	struct fwd_ctx fwd;
	struct fwd_lcore *lcore[RTE_MAX_LCORE];
	struct stats_set stats;
	bool control;
	char err[512];
};

static volatile sig_atomic_t signal_quit;

static void
on_signal(int sig)
{
	(void)sig;
	signal_quit = 1;
}

static int __attribute__((format(printf, 3, 4)))
app_fail(struct app *app, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->err, sizeof(app->err), fmt, ap);
	va_end(ap);
	return ret;
}

static int
start_ports(struct app *app)
{
	unsigned int nb_mbufs = MBUFS_MIN;
	uint16_t p;
	int ret;

	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (app->plan.port_used[p])
			nb_mbufs += app->plan.nb_rxq[p] * PORT_NB_RXD +
				app->plan.nb_workers * PORT_NB_TXD;
	nb_mbufs += app->plan.nb_workers * (app->opt.burst * 2 + 512);
	nb_mbufs += app->opt.extra_mbufs;
	app->pool = port_pool_create(nb_mbufs, app->err, sizeof(app->err));
	if (app->pool == NULL)
		return -ENOMEM;
	for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
		if (!app->plan.port_used[p])
			continue;
		/* One tx queue per forwarding lcore: no locks on tx. */
		ret = port_start(p, app->plan.nb_rxq[p],
				 (uint16_t)app->plan.nb_workers, app->pool,
				 app->opt.promiscuous, app->err,
				 sizeof(app->err));
		if (ret != 0)
			return ret;
		app->port_started[p] = true;
	}
	return 0;
}

/* The QSBR variable the forwarding lcores report to, given to mapinmap. */
static int
setup_qsbr(struct app *app)
{
	size_t sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	int ret;

	app->qsbr = rte_zmalloc("l3fwd_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (app->qsbr == NULL)
		return app_fail(app, -ENOMEM, "no memory for QSBR");
	ret = rte_rcu_qsbr_init(app->qsbr, RTE_MAX_LCORE);
	if (ret != 0)
		return app_fail(app, -rte_errno, "rte_rcu_qsbr_init failed");
	ret = mim_rcu_qsbr_add(app->qsbr);
	if (ret != 0)
		return app_fail(app, ret, "mim_rcu_qsbr_add: %s",
				mim_last_error());
	app->qsbr_attached = true;
	return 0;
}

static int
setup_lcores(struct app *app)
{
	uint16_t tx_ports[RTE_MAX_ETHPORTS], nb_tx = 0, p;
	unsigned int i, w;

	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (app->plan.port_used[p])
			tx_ports[nb_tx++] = p;
	app->fwd = (struct fwd_ctx){
		.outer = tables_outer(app->tables),
		.outer6 = tables_outer6(app->tables),
		.baseline = app->baseline[0],
		.baseline6 = app->baseline[1],
		.baseline_tenant = app->baseline_tenant,
		.flows = app->flows != NULL ? flows_dp(app->flows) : NULL,
		.nexthop = app->nexthop,
		.nb_nexthops = app->cfg->nb_nexthops,
		.qsbr = app->qsbr,
		.tenant_by_port = app->opt.tenant_by_port,
		.burst = app->opt.burst,
		.idle_tsc = (uint64_t)app->opt.max_idle_ms *
			rte_get_tsc_hz() / 1000,
	};
	for (w = 0; w < app->plan.nb_workers; w++) {
		unsigned int lc_id = app->plan.workers[w];
		struct fwd_lcore *lc;

		lc = fwd_lcore_create(&app->fwd, lc_id, (uint16_t)w, tx_ports,
				      nb_tx);
		if (lc == NULL)
			return app_fail(app, -ENOMEM,
					"no memory for lcore %u", lc_id);
		app->lcore[lc_id] = lc;
		app->stats.lc[app->stats.n++] = fwd_lcore_counters(lc);
		for (i = 0; i < app->plan.nb_rx; i++) {
			const struct rx_binding *b = &app->plan.rx[i];

			if (b->lcore == lc_id &&
			    fwd_lcore_add_rxq(lc, b->port, b->queue) != 0)
				return app_fail(app, -ENOSPC,
						"--config: more than %d queues for lcore %u",
						FWD_MAX_RXQ_PER_LCORE, lc_id);
		}
	}
	return 0;
}

static void
print_plan(const struct app *app)
{
	struct rte_ether_addr mac;
	char buf[RTE_ETHER_ADDR_FMT_SIZE];
	unsigned int i, nh = 0;
	struct mim_stats ms;
	uint16_t p;

	for (i = 0; i < app->cfg->nb_nexthops; i++)
		nh += app->cfg->nexthop[i].defined;
	printf("l3fwd-mim: %u tenants (by %s), %u tables, %u next hops\n",
	       app->cfg->nb_tenants, app->opt.tenant_by_port ? "input port" :
	       "VLAN ID, S-VID * 4096 + C-VID if double-tagged",
	       app->cfg->nb_tables, nh);
	/* Every live table: the outer ones, the tenants', the baseline's. */
	if (mim_get_stats(&ms) == 0) {
		uint64_t outer = tables_outer_bytes(app->tables);
		uint64_t inner = ms.mem_bytes - RTE_MIN(outer, ms.mem_bytes);

		printf("  tables: %u live, %" PRIu64 " bytes of DPDK heap: outer %" PRIu64
		       ", inner %" PRIu64 " (%.1f MiB, %.0f bytes per tenant)\n",
		       ms.nb_tables, ms.mem_bytes, outer, inner,
		       (double)inner / (1 << 20),
		       (double)inner / RTE_MAX(app->cfg->nb_tenants, 1U));
	}
	for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
		if (!app->port_started[p] || rte_eth_macaddr_get(p, &mac) != 0)
			continue;
		rte_ether_format_addr(buf, sizeof(buf), &mac);
		printf("  port %u: MAC %s, %u rx queues, %u tx queues\n", p,
		       buf, app->plan.nb_rxq[p], app->plan.nb_workers);
	}
	for (i = 0; i < app->plan.nb_rx; i++)
		printf("  lcore %u polls port %u queue %u\n",
		       app->plan.rx[i].lcore, app->plan.rx[i].port,
		       app->plan.rx[i].queue);
	if (app->baseline[0] != NULL)
		printf("  baseline: every frame looked up in table %s alone (one LPM table a family, tenant ignored)\n",
		       app->opt.baseline_lpm);
	if (app->opt.duration_ms != 0)
		printf("  stops after %u ms\n", app->opt.duration_ms);
	if (app->flows != NULL)
		printf("  flows: an LRU table of %u per tenant, telemetry command /l3fwd/flows,<tenant>\n",
		       app->opt.flows);
	printf("  reload a tenant: telemetry command /l3fwd/reload,<tenant>\n");
	fflush(stdout);
}

static int
app_setup(struct app *app)
{
	unsigned int cfg_flags = app->opt.allow_empty ? CFG_F_ALLOW_EMPTY : 0;
	int ret;

	app->cfg = config_load(app->opt.route_file, cfg_flags, app->err,
			       sizeof(app->err));
	if (app->cfg == NULL)
		return -EINVAL;
	ret = plan_make(&app->opt, app->cfg, &app->plan, app->err,
			sizeof(app->err));
	if (ret != 0 || (ret = start_ports(app)) != 0 ||
	    (ret = setup_qsbr(app)) != 0)
		return ret;
	app->tables = tables_create(app->opt.route_file, cfg_flags, app->cfg,
				    app->err, sizeof(app->err));
	if (app->tables == NULL)
		return -EINVAL;
	if (app->opt.baseline_lpm != NULL) {
		ret = tables_baseline(app->tables, app->opt.baseline_lpm,
				      &app->baseline_tenant, app->baseline,
				      app->err, sizeof(app->err));
		if (ret != 0)
			return ret;
	}
	if (app->opt.flows != 0) {
		app->flows = flows_create(app->cfg, app->opt.flows,
					  app->plan.nb_workers, app->err,
					  sizeof(app->err));
		if (app->flows == NULL)
			return -EINVAL;
	}
	app->nexthop = fwd_nexthops_create(app->cfg);
	if (app->nexthop == NULL)
		return app_fail(app, -ENOMEM, "cannot resolve next hops");
	if ((ret = setup_lcores(app)) != 0)
		return ret;
	ret = control_start(app->tables, app->flows, &app->stats);
	if (ret != 0)
		return app_fail(app, ret,
				"cannot register telemetry commands");
	app->control = true;
	print_plan(app);
	return 0;
}

static bool
all_idle(const struct app *app)
{
	unsigned int w;

	for (w = 0; w < app->plan.nb_workers; w++)
		if (!fwd_lcore_idle(app->lcore[app->plan.workers[w]]))
			return false;
	return true;
}

/* Forward until a signal (or, with --max-idle-ms, the end of input; with
 * --duration-ms, the time is up). The main lcore releases replaced tables
 * once the workers let go of them.
 */
static void
app_run(struct app *app)
{
	uint64_t stop = 0;
	unsigned int w;

	if (app->opt.duration_ms != 0)
		stop = rte_get_tsc_cycles() + (uint64_t)app->opt.duration_ms *
			rte_get_tsc_hz() / 1000;
	for (w = 0; w < app->plan.nb_workers; w++)
		rte_eal_remote_launch(fwd_lcore_main,
				      app->lcore[app->plan.workers[w]],
				      app->plan.workers[w]);
	while (!signal_quit) {
		mim_reclaim();
		if (app->opt.max_idle_ms != 0 && all_idle(app))
			break;
		if (stop != 0 && rte_get_tsc_cycles() >= stop)
			break;
		rte_delay_us_sleep(MAIN_LOOP_US);
	}
	fwd_stop(&app->fwd);
	rte_eal_mp_wait_lcore();
}

static void
report(const struct app *app)
{
	struct lcore_counters *sum = malloc(sizeof(*sum));
	const struct stats_run run = {
		.lcores = app->plan.nb_workers,
		.baseline = app->baseline[0] != NULL ? app->opt.baseline_lpm :
			NULL,
		.baseline_tenant = app->baseline_tenant,
	};
	struct mim_stats ms;
	int ret;

	if (sum == NULL)
		return;
	/* The lcores are stopped: whatever was replaced can go now, so
	 * the counts show whether every replaced table was released.
	 */
	mim_reclaim();
	mim_get_stats(&ms);
	stats_sum(&app->stats, sum);
	stats_print(stdout, sum, &ms, &run);
	if (app->opt.stats_json != NULL) {
		ret = stats_write_json(app->opt.stats_json, sum, &ms, &run);
		if (ret != 0)
			fprintf(stderr, "%s: %s\n", app->opt.stats_json,
				strerror(-ret));
	}
	free(sum);
}

static void
app_teardown(struct app *app)
{
	struct mim_rcu_stats rs;
	unsigned int i;
	uint16_t p;

	if (app->control)
		control_stop();
	/* The lcores are stopped (offline, unregistered): everything retired
	 * can be released now.
	 */
	tables_destroy(app->tables);
	flows_destroy(app->flows);
	mim_reclaim();
	if (app->qsbr_attached && mim_rcu_qsbr_remove(app->qsbr) != 0) {
		mim_rcu_get_stats(&rs);
		fprintf(stderr, "cannot detach QSBR: %s (%u pending)\n",
			mim_last_error(), rs.pending);
	} else {
		rte_free(app->qsbr);
	}
	for (i = 0; i < RTE_MAX_LCORE; i++)
		fwd_lcore_free(app->lcore[i]);
	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (app->port_started[p])
			port_close(p);
	rte_mempool_free(app->pool);
	free(app->nexthop);
	config_free(app->cfg);
}

int
main(int argc, char **argv)
{
	struct app *app;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "EAL initialisation failed\n");
	argc -= ret;
	argv += ret;

	app = calloc(1, sizeof(*app));
	if (app == NULL)
		rte_exit(EXIT_FAILURE, "out of memory\n");
	ret = args_parse(argc, argv, &app->opt);
	if (ret == 0) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		ret = app_setup(app);
		if (ret == 0) {
			app_run(app);
			report(app);
		} else {
			fprintf(stderr, "l3fwd-mim: %s\n", app->err);
		}
	}
	/* Secondaries' requests end before the tables and the EAL go. */
	mim_mp_uninit();
	app_teardown(app);
	free(app);
	rte_eal_cleanup();
	return ret == 0 || ret == 1 ? 0 : EXIT_FAILURE;
}
