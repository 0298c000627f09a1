/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The kernel comparison's measurement (method: perf_kernel.c): the key
 * stream into the keys map, rounds of BPF_PROG_TEST_RUN and of mapinmap's
 * nested bulk passes over the same stream, and their rows.
 */

/* RUSAGE_THREAD */
#define _GNU_SOURCE

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "perf_common.h"
#include "perf_kernel.h"

/* The stream's pairs into the keys map; the sums a run must find. */
static int
load_keys(const struct perf_kernel *k, const struct stream *s,
	  uint64_t *sum, uint64_t *sum_empty)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	struct kpair *p = malloc(s->n * sizeof(*p));
	uint32_t *idx = malloc(s->n * sizeof(*idx));
	uint32_t j, count = s->n;
	int ret = 0;

	if (p == NULL || idx == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	*sum = *sum_empty = 0;
	for (j = 0; j < s->n; j++) {
		idx[j] = j;
		p[j].tenant = s->tenant[j];
		p[j].key = s->key[j];
		*sum_empty += (uint64_t)p[j].tenant + p[j].key;
		/* hval(): the tenant, then the key */
		*sum += ((uint64_t)p[j].tenant << 32) | p[j].key;
	}
	if (bpf_map_update_batch(k->keys, idx, p, &count, &o) == 0 &&
	    count == s->n)
		goto out;
	for (j = 0; j < s->n && ret == 0; j++)
		if (bpf_map_update_elem(k->keys, &idx[j], &p[j], BPF_ANY) != 0)
			ret = -errno;
out:
	free(p);
	free(idx);
	return ret;
}

/* One BPF_PROG_TEST_RUN of @repeat runs: the mean ns of a run, or < 0. */
static double
kernel_run(const struct perf_kernel *k, enum kprog pr, uint32_t repeat,
	   uint64_t want_hits, uint64_t want_sum)
{
	uint8_t pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = (int)repeat);
	struct krun r = { 0 };
	uint32_t zero = 0;

	if (bpf_prog_test_run_opts(k->prog[pr], &o) != 0) {
		printf("    FAIL %s: BPF_PROG_TEST_RUN: %s\n", kprog_name[pr],
		       strerror(errno));
		return -1;
	}
	if (o.retval != XDP_PASS ||
	    bpf_map_lookup_elem(k->runs, &zero, &r) != 0 ||
	    r.hits != want_hits || r.sum != want_sum) {
		printf("    FAIL %s: returned %u, %" PRIu64 " hits of %" PRIu64 ", sum %#" PRIx64 ", expected %#" PRIx64 "\n",
		       kprog_name[pr], o.retval, r.hits, want_hits, r.sum,
		       want_sum);
		return -1;
	}
	return (double)o.duration;
}

#define K_MEAS (K_PROGS + K_PAIRS)
#define K_MAX_ROUNDS 64
/* mapinmap's passes are timed in chunks of this many keys. */
#define K_CHUNK (32 * PERF_BURST)

/* /proc/sys/net/core/bpf_jit_enable: 0 interpreter, 1 JIT, 2 JIT debug. */
static const char *
jit_enabled(void)
{
	static char v[8];
	FILE *f = fopen("/proc/sys/net/core/bpf_jit_enable", "r");

	snprintf(v, sizeof(v), "unknown");
	if (f != NULL) {
		if (fgets(v, sizeof(v), f) != NULL)
			v[strcspn(v, "\n")] = '\0';
		fclose(f);
	}
	return v;
}

static bool
kernel_target_is_8x(const struct world *w)
{
	return w->n == 1000000 && w->t == 1000;
}

static void
krow(struct perf_row *r, const struct world *w, const char *dist,
     const char *variant, double value, const char *unit)
{
	perf_row_init(r, "kernel");
	r->inner = "hash";
	r->entries = w->n;
	r->tenants = w->t;
	r->dist = dist;
	r->variant = variant;
	r->value = value;
	r->unit = unit;
}

/* The rows of one pair: mapinmap, the kernel (ns and cycles), the ratio. */
static void
emit_pair(const struct world *w, const char *dist, const struct kpair_cfg *c,
	  const double *mim, const double *kns, const double *empty,
	  const double *drop, uint32_t rounds, uint32_t repeat, uint32_t n)
{
	double tmp[K_MAX_ROUNDS], cyc_ns = (double)perf.tsc_hz / 1e9;
	double med_ns, q1, q3;
	struct perf_row r;
	uint32_t i;

	memcpy(tmp, mim, rounds * sizeof(double));
	krow(&r, w, dist, perf_cfgs[c->mim].name, perf_median(tmp, rounds),
	     "cycles/key");
	memcpy(tmp, drop, rounds * sizeof(double));
	snprintf(r.note, sizeof(r.note),
		 "paired with %s, same stream; %u-key chunks switched out left out (median %.1f%%)",
		 c->kvariant, K_CHUNK, 100 * perf_median(tmp, rounds));
	perf_emit(&r);

	memcpy(tmp, kns, rounds * sizeof(double));
	med_ns = perf_median(tmp, rounds);
	q1 = perf_quantile(tmp, rounds, 0.25);
	q3 = perf_quantile(tmp, rounds, 0.75);
	memcpy(tmp, empty, rounds * sizeof(double));
	krow(&r, w, dist, c->kvariant, med_ns, "ns/lookup");
	snprintf(r.note, sizeof(r.note),
		 "XDP BPF_PROG_TEST_RUN; bpf_loop of %u lookups x %u repeats; empty loop %.2f ns/lookup subtracted; IQR %.1f-%.1f",
		 n, repeat, perf_median(tmp, rounds), q1, q3);
	perf_emit(&r);

	for (i = 0; i < rounds; i++)
		tmp[i] = kns[i] * cyc_ns;
	krow(&r, w, dist, c->kvariant, perf_median(tmp, rounds),
	     "cycles/lookup");
	snprintf(r.note, sizeof(r.note), "ns/lookup x TSC %.3f GHz; bpf_jit_enable %s",
		 cyc_ns, jit_enabled());
	perf_emit(&r);

	for (i = 0; i < rounds; i++)
		tmp[i] = kns[i] * cyc_ns / mim[i];
	krow(&r, w, dist, c->ratio_variant, perf_median(tmp, rounds), "x");
	r.baseline = c->kvariant;
	r.target = kernel_target_is_8x(w) ? ">=8x" : ">1x";
	r.verdict = (kernel_target_is_8x(w) ? r.value >= 8 : r.value > 1) ?
		"met" : "MISSED";
	snprintf(r.note, sizeof(r.note),
		 "%s per lookup / %s per key (how many times faster); per-round ratio IQR %.2f-%.2f",
		 c->kvariant, perf_cfgs[c->mim].name,
		 perf_quantile(tmp, rounds, 0.25),
		 perf_quantile(tmp, rounds, 0.75));
	perf_emit(&r);
}

static uint32_t
kernel_repeat(uint32_t n)
{
	const char *env = getenv("MIM_PERF_KERNEL_REPEAT");
	uint32_t want = perf.full ? 1U << 20 : 1U << 16;

	if (env != NULL && *env != '\0')
		return RTE_MAX((uint32_t)strtoul(env, NULL, 0), 1U);
	return RTE_MAX(want / n, 1U);
}

/* Keys [j, j + n) of @s, as a stream of their own. */
static void
sub_stream(struct stream *sub, const struct stream *s, uint32_t j,
	   uint32_t n)
{
	sub->n = n;
	sub->e = s->e + j;
	sub->tenant = s->tenant + j;
	sub->key = s->key + j;
	sub->ip = s->ip + j;
	sub->flat = s->flat + j;
	sub->lpm = s->lpm + j;
	sub->p_tenant = s->p_tenant + j;
	sub->p_key = s->p_key + j;
	sub->p_flat = s->p_flat + j;
	sub->p_lpm = s->p_lpm + j;
}

static long
involuntary_switches(void)
{
	struct rusage u;

	return getrusage(RUSAGE_THREAD, &u) == 0 ? u.ru_nivcsw : -1;
}

/*
 * mapinmap's side: @repeat passes over the stream, timed in chunks of
 * K_CHUNK keys; a chunk during which this thread was switched out
 * involuntarily is left out. The kernel's loop is never preempted on this
 * kernel and BPF_PROG_TEST_RUN stops its clock when it yields between
 * runs, so on a loaded machine both sides then count time on the CPU only.
 */
static int
mim_passes(const struct world *w, const struct stream *s, int c,
	   uint32_t repeat, double *cycles, double *dropped)
{
	uint64_t t0, t1, kept_cyc = 0, all_cyc = 0, kept = 0, all = 0;
	void *sink[PERF_BURST];
	struct stream sub;
	uint32_t i, j, n, hits;
	long sw;

	for (i = 0; i < repeat; i++)
		for (j = 0; j < s->n; j += n) {
			n = RTE_MIN((uint32_t)K_CHUNK, s->n - j);
			sub_stream(&sub, s, j, n);
			sw = involuntary_switches();
			t0 = rte_rdtsc_precise();
			hits = perf_cfgs[c].run(w, &sub, sink, 0);
			t1 = rte_rdtsc_precise();
			if (hits != n) {
				printf("    FAIL %s: %u hits of %u\n",
				       perf_cfgs[c].name, hits, n);
				return -1;
			}
			all_cyc += t1 - t0;
			all += n;
			if (sw >= 0 && involuntary_switches() == sw) {
				kept_cyc += t1 - t0;
				kept += n;
			}
		}
	if (kept == 0) {   /* switched out in every chunk: keep them all */
		kept_cyc = all_cyc;
		kept = all;
	}
	*cycles = (double)kept_cyc / kept;
	*dropped = 1.0 - (double)kept / all;
	return 0;
}

/* One measurement m of a round: kernel ns per run, mapinmap cycles/key. */
static int
measure_one(const struct perf_kernel *k, const struct world *w,
	    const struct stream *s, uint32_t m, uint32_t repeat,
	    const uint64_t *sums, double *out, double *dropped)
{
	if (m < K_PROGS) {
		*out = kernel_run(k, (enum kprog)m, repeat, s->n, sums[m]);
		return *out < 0 ? -1 : 0;
	}
	return mim_passes(w, s, kcfgs[m - K_PROGS].mim, repeat, out,
			  dropped);
}

int
perf_kernel_measure(const struct perf_kernel *k, const struct world *w,
		    const struct stream *s, const char *dist)
{
	static double v[K_MEAS][K_MAX_ROUNDS], drop[K_MEAS][K_MAX_ROUNDS];
	double kns[K_PAIRS][K_MAX_ROUNDS];
	uint32_t rounds = RTE_MIN(perf.rounds, (uint32_t)K_MAX_ROUNDS);
	uint32_t repeat = kernel_repeat(s->n), r, j, m;
	struct krun run = { .n = s->n };
	uint64_t sums[K_PROGS];
	uint32_t zero = 0;
	int ret;

	if (k == NULL || !k->on)
		return 0;
	ret = load_keys(k, s, &sums[K_AOM], &sums[K_EMPTY]);
	if (ret == 0 && bpf_map_update_elem(k->runs, &zero, &run, BPF_ANY) != 0)
		ret = -errno;
	if (ret != 0) {
		printf("    FAIL kernel: filling the keys map: %s\n",
		       strerror(-ret));
		return -1;
	}
	sums[K_HOM] = sums[K_AOM];
	/* First: a checked warm-up of each program. */
	for (m = 0; m < K_PROGS; m++)
		if (kernel_run(k, (enum kprog)m, 1, s->n, sums[m]) < 0)
			return -1;
	for (r = 0; r < rounds; r++)
		for (j = 0; j < K_MEAS; j++) {
			m = (j + r) % K_MEAS;
			if (measure_one(k, w, s, m, repeat, sums, &v[m][r],
					&drop[m][r]) != 0)
				return -1;
		}
	for (r = 0; r < rounds; r++) {
		for (j = 0; j < K_PAIRS; j++)
			kns[j][r] = (v[kcfgs[j].prog][r] - v[K_EMPTY][r]) /
				s->n;
		v[K_EMPTY][r] /= s->n;
	}
	for (j = 0; j < K_PAIRS; j++)
		emit_pair(w, dist, &kcfgs[j], v[K_PROGS + j], kns[j],
			  v[K_EMPTY], drop[K_PROGS + j], rounds, repeat,
			  s->n);
	return 0;
}
