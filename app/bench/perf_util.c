/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* The perf suite's result rows, random numbers and statistics. */

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "perf_common.h"

FILE *perf_csv;

void
perf_row_init(struct perf_row *r, const char *figure)
{
	memset(r, 0, sizeof(*r));
	r->figure = figure;
	r->inner = "";
	r->dist = "";
	r->variant = "";
	r->unit = "";
	r->baseline = "";
	r->target = "";
	r->verdict = "info";
	r->value = NAN;
	r->ratio = NAN;
}

/* A CSV field: commas and quotes in free text are replaced. */
static void
csv_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		fputc(*s == ',' ? ';' : *s == '"' ? '\'' : *s == '\n' ? ' ' :
		      *s, f);
}

static void
csv_num(FILE *f, double v)
{
	if (isnan(v))
		return;
	if (fabs(v) < 1e15 && v == (double)(int64_t)v)
		fprintf(f, "%.0f", v);
	else
		fprintf(f, "%.4g", v);
}

void
perf_emit(const struct perf_row *r)
{
	char val[32] = "-", ratio[32] = "";

	if (!isnan(r->value))
		snprintf(val, sizeof(val), "%.4g", r->value);
	if (!isnan(r->ratio))
		snprintf(ratio, sizeof(ratio), "%.3fx %s", r->ratio,
			 r->baseline);
	printf("    %-8s %-5s %9" PRIu64 " %5u %-7s %-22s %10s %-11s %-24s %-8s %s\n",
	       r->figure, r->inner, r->entries, r->tenants, r->dist,
	       r->variant, val, r->unit, ratio, r->verdict, r->note);
	if (perf_csv == NULL)
		return;
	csv_text(perf_csv, r->figure);
	fprintf(perf_csv, ",%s,%" PRIu64 ",%u,%s,", r->inner, r->entries,
		r->tenants, r->dist);
	csv_text(perf_csv, r->variant);
	fputc(',', perf_csv);
	csv_num(perf_csv, r->value);
	fprintf(perf_csv, ",%s,%s,", r->unit, r->baseline);
	csv_num(perf_csv, r->ratio);
	fputc(',', perf_csv);
	csv_text(perf_csv, r->target);
	fprintf(perf_csv, ",%s,", r->verdict);
	csv_text(perf_csv, r->note);
	fputc('\n', perf_csv);
	fflush(perf_csv);
}

void
perf_not_run(const char *figure, const char *inner, uint64_t entries,
	     uint32_t tenants, const char *variant, const char *why)
{
	struct perf_row r;

	perf_row_init(&r, figure);
	r.inner = inner;
	r.entries = entries;
	r.tenants = tenants;
	r.variant = variant;
	r.verdict = "not-run";
	snprintf(r.note, sizeof(r.note), "%s", why);
	perf_emit(&r);
}

bool
perf_words_match(const char *env, const char *name)
{
	const char *only = getenv(env), *p;
	char tok[64];
	size_t len;

	if (only == NULL || *only == '\0')
		return true;
	for (p = only; *p != '\0'; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		snprintf(tok, sizeof(tok), "%.*s", (int)len, p);
		if (len > 0 && strstr(name, tok) != NULL)
			return true;
	}
	return false;
}

uint64_t
perf_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t
perf_rand_below(uint64_t *state, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)perf_rand(state) * n) >> 64);
}

static double
rand_unit(uint64_t *state)
{
	return (double)(perf_rand(state) >> 11) * 0x1.0p-53;
}

/*
 * exp and log for the Zipf generator, so that the test binary needs no
 * libm (its link line has none). Accurate to ~1e-12 relative: enough to
 * draw ranks.
 */
static double
perf_log(double x)
{
	union { double d; uint64_t u; } b = { .d = x };
	int e = (int)((b.u >> 52) & 0x7ff) - 1023;
	double m, z, z2, t, sum = 0;
	int k;

	/* x = m * 2^e, m in [1, 2); ln m = 2 atanh((m - 1) / (m + 1)). */
	b.u = (b.u & ~(UINT64_C(0x7ff) << 52)) | (UINT64_C(1023) << 52);
	m = b.d;
	if (m > 1.4142135623730951) {
		m /= 2;
		e++;
	}
	z = (m - 1) / (m + 1);
	z2 = z * z;
	t = z;
	for (k = 1; k < 40; k += 2) {
		sum += t / k;
		t *= z2;
	}
	return 2 * sum + e * 0.69314718055994530942;
}

static double
perf_exp(double x)
{
	union { double d; uint64_t u; } b;
	double k = (double)(int64_t)(x / 0.69314718055994530942 +
				     (x < 0 ? -0.5 : 0.5));
	double r = x - k * 0.69314718055994530942, t = 1, sum = 1;
	int i;

	if (x < -700)
		return 0;
	for (i = 1; i < 20; i++) {
		t *= r / i;
		sum += t;
	}
	b.u = (uint64_t)((int64_t)k + 1023) << 52;
	return sum * b.d;
}

static double
perf_pow(double x, double y)
{
	return x <= 0 ? 0 : perf_exp(y * perf_log(x));
}

/*
 * J. Gray et al., "Quickly generating billion-record synthetic databases"
 * (SIGMOD 1994), as YCSB uses it: rank 0 is the most frequent.
 */
void
perf_zipf_init(struct perf_zipf *z, uint64_t n, double theta)
{
	double zeta2 = 1.0 + perf_pow(0.5, theta);
	uint64_t i;

	z->n = n;
	z->theta = theta;
	z->alpha = 1.0 / (1.0 - theta);
	z->zetan = 0;
	for (i = 1; i <= n; i++)
		z->zetan += perf_pow((double)i, -theta);
	z->eta = (1.0 - perf_pow(2.0 / (double)n, 1.0 - theta)) /
		(1.0 - zeta2 / z->zetan);
	z->half_pow = 1.0 + perf_pow(0.5, theta);
}

uint64_t
perf_zipf_next(const struct perf_zipf *z, uint64_t *state)
{
	double u = rand_unit(state), uz = u * z->zetan;
	uint64_t r;

	if (uz < 1.0 || z->n == 1)
		return 0;
	if (uz < z->half_pow)
		return 1;
	r = (uint64_t)((double)z->n * perf_pow(z->eta * u - z->eta + 1.0, z->alpha));
	return r < z->n ? r : z->n - 1;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
perf_quantile(double *v, uint32_t n, double q)
{
	double pos;
	uint32_t i;

	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	pos = q * (n - 1);
	i = (uint32_t)pos;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

double
perf_median(double *v, uint32_t n)
{
	return perf_quantile(v, n, 0.5);
}

double
perf_us(uint64_t cycles)
{
	return (double)cycles * 1e6 / (double)perf.tsc_hz;
}
