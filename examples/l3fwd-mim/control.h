/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef L3FWD_MIM_CONTROL_H
#define L3FWD_MIM_CONTROL_H

/*
 * Telemetry commands (DPDK's telemetry socket, dpdk_telemetry.v2):
 *   /l3fwd/reload,<tenant>   re-read the file, rebuild and swap the tenant's
 *                            table (see tables_reload())
 *   /l3fwd/tenant,<tenant>   the tenant's table and counters
 *   /l3fwd/stats             totals and drops by reason
 *   /l3fwd/flows,<tenant>    --flows: the tenant's flow count, evictions
 *                            and FLOWS_TOP flows with the most packets
 */

#include "stats.h"

struct flows;
struct tables;

/**
 * Register the commands and let them act on tables and read stats (and
 * flows, or NULL without --flows: /l3fwd/flows then replies with an error).
 *
 * @return
 *   0, or -errno if a command cannot be registered.
 */
int control_start(struct tables *tables, const struct flows *flows,
		  const struct stats_set *stats);

/**
 * Detach: commands running finish, later ones reply with an error. Call
 * before freeing what control_start() was given (telemetry commands cannot
 * be unregistered).
 */
void control_stop(void);

#endif /* L3FWD_MIM_CONTROL_H */
