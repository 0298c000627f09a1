/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mim_datapath.h>

#include "args.h"
#include "flows.h"

enum {
	OPT_CONFIG = 256,
	OPT_TENANT_BY_PORT,
	OPT_BURST,
	OPT_MAX_IDLE_MS,
	OPT_DURATION_MS,
	OPT_STATS_JSON,
	OPT_BASELINE_LPM,
	OPT_EXTRA_MBUFS,
	OPT_ALLOW_EMPTY,
	OPT_FLOWS,
};

/* Most mbufs --extra-mbufs may add (a pcap file of 4M frames). */
#define EXTRA_MBUFS_MAX (UINT32_C(1) << 22)

static const struct option long_opts[] = {
	{ "route-file", required_argument, NULL, 'f' },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "tenant-by-port", no_argument, NULL, OPT_TENANT_BY_PORT },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "max-idle-ms", required_argument, NULL, OPT_MAX_IDLE_MS },
	{ "duration-ms", required_argument, NULL, OPT_DURATION_MS },
	{ "stats-json", required_argument, NULL, OPT_STATS_JSON },
	{ "baseline-lpm", required_argument, NULL, OPT_BASELINE_LPM },
	{ "extra-mbufs", required_argument, NULL, OPT_EXTRA_MBUFS },
	{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void
usage(const char *prog)
{
	fprintf(stderr,
		"Usage: %s [EAL options] -- -f FILE [options]\n"
		"  -f, --route-file FILE   next hops, tenants and routes (see README.md);\n"
		"                          an error in it is reported as FILE:LINE: reason\n"
		"  --allow-empty           accept a FILE without tenants (T records), at\n"
		"                          start and on reloads: tenants come with\n"
		"                          /l3fwd/reload (default: refused)\n"
		"  --config (port,queue,lcore)[,(port,queue,lcore)...]\n"
		"                          rx queues and the lcores polling them\n"
		"                          (default: queue 0 of every port, worker lcores in turn)\n"
		"  --tenant-by-port        tenant = input port ID (default: 802.1Q VLAN ID,\n"
		"                          S-VID * 4096 + C-VID if double-tagged)\n"
		"  -P                      put the ports in promiscuous mode\n"
		"  --burst N               rx burst and lookup batch, 1 to %u (default %u)\n"
		"  --max-idle-ms N         stop once every lcore has received nothing for\n"
		"                          N ms (default 0: run until SIGINT or SIGTERM)\n"
		"  --duration-ms N         stop after N ms of forwarding (default 0: no limit)\n"
		"  --stats-json FILE       write the final statistics to FILE as JSON\n"
		"                          (with the forwarding time in TSC cycles)\n"
		"  --baseline-lpm TABLE    benchmark baseline: look every frame up in the\n"
		"                          file's TABLE alone, one LPM table a family,\n"
		"                          tenant ignored\n"
		"  --extra-mbufs N         N more mbufs in the pool, for ports that keep\n"
		"                          packets of their own (net_pcap infinite_rx=1\n"
		"                          holds the whole file)\n"
		"  --flows N               count each tenant's flows (5-tuples) in an LRU\n"
		"                          table of N, 1 to %u (default: no flow tables)\n"
		"  -h, --help              this text\n",
		prog, MIM_LOOKUP_BULK_MAX, BURST_DEFAULT, FLOWS_MAX_ENTRIES);
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *v > max)
		return -1;
	return 0;
}

/* "(port,queue,lcore)[,(port,queue,lcore)...]", l3fwd's --config. */
static int
parse_config(const char *arg, struct options *opt)
{
	const char *p = arg;

	opt->nb_rx = 0;
	while (*p != '\0') {
		unsigned int port, queue, lcore;
		int n = 0;

		if (opt->nb_rx == MAX_RX_BINDINGS) {
			fprintf(stderr, "--config: more than %d entries\n",
				MAX_RX_BINDINGS);
			return -1;
		}
		if (sscanf(p, " (%u , %u , %u )%n", &port, &queue, &lcore,
			   &n) != 3 || n == 0 || port >= RTE_MAX_ETHPORTS ||
		    queue > UINT16_MAX || lcore >= RTE_MAX_LCORE) {
			fprintf(stderr, "--config: bad entry at '%s'\n", p);
			return -1;
		}
		opt->rx[opt->nb_rx++] = (struct rx_binding){
			.port = (uint16_t)port,
			.queue = (uint16_t)queue,
			.lcore = lcore,
		};
		p += n;
		if (*p == ',')
			p++;
		else if (*p != '\0') {
			fprintf(stderr, "--config: ',' expected at '%s'\n", p);
			return -1;
		}
	}
	if (opt->nb_rx == 0) {
		fprintf(stderr, "--config: empty\n");
		return -1;
	}
	return 0;
}

int
args_parse(int argc, char **argv, struct options *opt)
{
	const char *prog = argv[0];
	unsigned long v;
	int c;

	memset(opt, 0, sizeof(*opt));
	opt->burst = BURST_DEFAULT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:Ph", long_opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			opt->route_file = optarg;
			break;
		case 'P':
			opt->promiscuous = true;
			break;
		case OPT_CONFIG:
			if (parse_config(optarg, opt) != 0)
				goto bad;
			break;
		case OPT_TENANT_BY_PORT:
			opt->tenant_by_port = true;
			break;
		case OPT_ALLOW_EMPTY:
			opt->allow_empty = true;
			break;
		case OPT_BURST:
			if (parse_uint(optarg, MIM_LOOKUP_BULK_MAX, &v) != 0 ||
			    v == 0) {
				fprintf(stderr, "--burst: 1 to %u\n",
					MIM_LOOKUP_BULK_MAX);
				goto bad;
			}
			opt->burst = (unsigned int)v;
			break;
		case OPT_MAX_IDLE_MS:
			if (parse_uint(optarg, 3600 * 1000, &v) != 0) {
				fprintf(stderr, "--max-idle-ms: 0 to 3600000\n");
				goto bad;
			}
			opt->max_idle_ms = (unsigned int)v;
			break;
		case OPT_DURATION_MS:
			if (parse_uint(optarg, 24 * 3600 * 1000, &v) != 0) {
				fprintf(stderr, "--duration-ms: 0 to 86400000\n");
				goto bad;
			}
			opt->duration_ms = (unsigned int)v;
			break;
		case OPT_STATS_JSON:
			opt->stats_json = optarg;
			break;
		case OPT_BASELINE_LPM:
			opt->baseline_lpm = optarg;
			break;
		case OPT_EXTRA_MBUFS:
			if (parse_uint(optarg, EXTRA_MBUFS_MAX, &v) != 0) {
				fprintf(stderr, "--extra-mbufs: 0 to %u\n",
					EXTRA_MBUFS_MAX);
				goto bad;
			}
			opt->extra_mbufs = (unsigned int)v;
			break;
		case OPT_FLOWS:
			if (parse_uint(optarg, FLOWS_MAX_ENTRIES, &v) != 0 ||
			    v == 0) {
				fprintf(stderr, "--flows: 1 to %u\n",
					FLOWS_MAX_ENTRIES);
				goto bad;
			}
			opt->flows = (uint32_t)v;
			break;
		case 'h':
			usage(prog);
			return 1;
		default:
			goto bad;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "unexpected argument '%s'\n", argv[optind]);
		goto bad;
	}
	if (opt->route_file == NULL) {
		fprintf(stderr, "-f FILE is required\n");
		goto bad;
	}
	return 0;
bad:
	usage(prog);
	return -1;
}
