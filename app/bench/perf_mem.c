/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Memory per tenant: for each inner type, K tables of
 * max_entries 1000 (8-byte values), empty and then with 1000 entries each.
 * Two readings: the library's own account (mim_get_info() mem_bytes) and
 * the DPDK heap delta (rte_malloc_get_socket_stats() through
 * mim_heap_allocated()), divided by K; memzones per table too.
 *
 * HASH values are preallocated with the table (max_entries plus spares for
 * values waiting for readers, the default; MIM_F_NO_PREALLOC would take
 * them from shared pools instead), so the heap delta of creating the
 * tables includes their values, and filling them allocates nothing.
 *
 * Against: a bare rte_hash per tenant (same sizing, LF mode; its values
 * are the user's, 8 bytes each), a bare rte_lpm per tenant, and the share
 * of one flat rte_hash that 1000 entries of a tenant take.
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lpm.h>

#include <mim.h>
#include "mim_private.h"

#include "autotest.h"
#include "autotest_util.h"
#include "perf_common.h"

#define MEM_ENTRIES 1000U

static uint32_t serial;

static void
row(const char *inner, uint32_t entries, uint32_t tables, const char *variant,
    double bytes, const char *fmt, ...) __rte_format_printf(6, 7);

static void
row(const char *inner, uint32_t entries, uint32_t tables, const char *variant,
    double bytes, const char *fmt, ...)
{
	struct perf_row r;
	va_list ap;

	perf_row_init(&r, "memory");
	r.inner = inner;
	r.entries = entries;
	r.tenants = tables;
	r.variant = variant;
	r.value = bytes;
	r.unit = "bytes/tenant";
	va_start(ap, fmt);
	vsnprintf(r.note, sizeof(r.note), fmt, ap);
	va_end(ap);
	perf_emit(&r);
}

static int
fill(int id, enum mim_type type, uint32_t t)
{
	struct mim_lpm_key lk = { .prefixlen = 24 };
	uint32_t i, k;
	uint64_t v;

	for (i = 0; i < MEM_ENTRIES; i++) {
		v = i & 1023;
		k = perf_mix32(i + t * 0x9e3779b9U);
		if (type == MIM_TYPE_ARRAY)
			k = i;
		if (type == MIM_TYPE_LPM) {
			lk.addr = rte_cpu_to_be_32(((i * 0x9e3779b1U) &
						    0xffffffU) << 8);
			if (mim_update_elem(id, &lk, &v, MIM_ANY) != 0)
				return -1;
		} else if (mim_update_elem(id, &k, &v, MIM_ANY) != 0) {
			return -1;
		}
	}
	return 0;
}

static uint64_t
info_bytes(const int *ids, uint32_t n, uint32_t *mz)
{
	struct mim_table_info info;
	uint64_t b = 0;
	uint32_t i;

	*mz = 0;
	for (i = 0; i < n; i++)
		if (mim_get_info(ids[i], &info) == 0) {
			b += info.mem_bytes;
			*mz += info.memzones;
		}
	return b;
}

/* K mapinmap tables of one type: empty, then full. */
static int
mim_type_mem(enum mim_type type, const char *inner, uint32_t k)
{
	int *ids = calloc(k, sizeof(int));
	uint64_t h0, h1, h2, i1, i2;
	unsigned int mz0, mz1;
	uint32_t i, imz;

	if (ids == NULL)
		return -1;
	h0 = mim_heap_allocated();
	mz0 = mim_memzone_count();
	for (i = 0; i < k; i++) {
		ids[i] = mim_create(type, NULL, type == MIM_TYPE_LPM ? 8 : 4, 8,
				    MEM_ENTRIES, NULL);
		if (ids[i] < 0) {
			printf("    mim_create(%s): %s\n", inner,
			       mim_last_error());
			k = i;
			goto fail;
		}
	}
	h1 = mim_heap_allocated();
	mz1 = mim_memzone_count();
	i1 = info_bytes(ids, k, &imz);
	row(inner, 0, k, "mim_heap", (double)(h1 - h0) / k,
	    "DPDK heap delta; %.2f memzones per table", (double)(mz1 - mz0) / k);
	row(inner, 0, k, "mim_info", (double)i1 / k,
	    "mim_get_info() mem_bytes; %.2f memzones per table (as reported)",
	    (double)imz / k);
	for (i = 0; i < k; i++)
		if (fill(ids[i], type, i) != 0) {
			printf("    filling %s: %s\n", inner, mim_last_error());
			goto fail;
		}
	h2 = mim_heap_allocated();
	i2 = info_bytes(ids, k, &imz);
	row(inner, MEM_ENTRIES, k, "mim_heap", (double)(h2 - h0) / k,
	    "DPDK heap delta (values stored in the table)");
	row(inner, MEM_ENTRIES, k, "mim_info", (double)i2 / k,
	    "mim_get_info() mem_bytes");
	for (i = 0; i < k; i++)
		mim_close(ids[i]);
	free(ids);
	return 0;
fail:
	for (i = 0; i < k; i++)
		mim_close(ids[i]);
	free(ids);
	return -1;
}

static int
raw_hash_mem(uint32_t k)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = MEM_ENTRIES + MEM_ENTRIES / 4,
		.key_len = 4,
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct rte_hash **h = calloc(k, sizeof(*h));
	uint64_t h0 = mim_heap_allocated(), h1;
	unsigned int mz0 = mim_memzone_count(), mz1;
	uint32_t i;

	if (h == NULL)
		return -1;
	for (i = 0; i < k; i++) {
		snprintf(name, sizeof(name), "pm%u", serial++);
		h[i] = rte_hash_create(&p);
		if (h[i] == NULL)
			break;
	}
	h1 = mim_heap_allocated();
	mz1 = mim_memzone_count();
	if (i == k) {
		row("hash", 0, k, "rte_hash_heap", (double)(h1 - h0) / k,
		    "bare rte_hash (%u entries; LF); %.2f memzones per table",
		    p.entries, (double)(mz1 - mz0) / k);
		row("hash", MEM_ENTRIES, k, "rte_hash_heap",
		    (double)(h1 - h0) / k + MEM_ENTRIES * 8.0,
		    "preallocated: the same + %u values x 8 bytes kept by the user",
		    MEM_ENTRIES);
	}
	while (i-- > 0)
		rte_hash_free(h[i]);
	free(h);
	return 0;
}

static int
raw_lpm_mem(uint32_t k)
{
	struct rte_lpm_config c = {
		.max_rules = MEM_ENTRIES,
		.number_tbl8s = MEM_ENTRIES,
	};
	struct rte_lpm **l = calloc(k, sizeof(*l));
	uint64_t h0 = mim_heap_allocated(), h1;
	unsigned int mz0 = mim_memzone_count(), mz1;
	char name[RTE_LPM_NAMESIZE];
	uint32_t i;

	if (l == NULL)
		return -1;
	for (i = 0; i < k; i++) {
		snprintf(name, sizeof(name), "pml%u", serial++);
		l[i] = rte_lpm_create(name, SOCKET_ID_ANY, &c);
		if (l[i] == NULL)
			break;
	}
	h1 = mim_heap_allocated();
	mz1 = mim_memzone_count();
	if (i == k) {
		row("lpm", 0, k, "rte_lpm_heap", (double)(h1 - h0) / k,
		    "bare rte_lpm (%u rules; %u tbl8 groups); %.2f memzones per table",
		    c.max_rules, c.number_tbl8s, (double)(mz1 - mz0) / k);
		row("lpm", MEM_ENTRIES, k, "rte_lpm_heap", (double)(h1 - h0) / k,
		    "preallocated: adding /24 routes allocates nothing");
	}
	while (i-- > 0)
		rte_lpm_free(l[i]);
	free(l);
	return 0;
}

/* The share of a flat (tenant, key) rte_hash that one tenant's entries take. */
static int
flat_mem(uint32_t total)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = total + total / 4,
		.key_len = sizeof(struct flat_key),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	uint64_t h0 = mim_heap_allocated(), h1;
	struct rte_hash *h;

	snprintf(name, sizeof(name), "pmf%u", serial++);
	h = rte_hash_create(&p);
	if (h == NULL)
		return -1;
	h1 = mim_heap_allocated();
	row("flat", MEM_ENTRIES, total / MEM_ENTRIES, "flat_share",
	    (double)(h1 - h0) / total * MEM_ENTRIES + MEM_ENTRIES * 8.0,
	    "%u entries of a flat rte_hash sized for %u (%.1f bytes per entry) + %u values x 8 bytes; 0 per tenant otherwise",
	    MEM_ENTRIES, total, (double)(h1 - h0) / total, MEM_ENTRIES);
	rte_hash_free(h);
	return 0;
}

int
perf_memory(void)
{
	const uint32_t k = perf.mem_tables;
	/* rte_lpm: 64 MiB each whatever its routes */
	const uint32_t k_lpm = RTE_MIN(k, 2U);
	uint32_t n = k * MEM_ENTRIES;
	int ret;

	ret = mim_type_mem(MIM_TYPE_ARRAY, "array", k);
	if (ret == 0)
		ret = mim_type_mem(MIM_TYPE_HASH, "hash", k);
	if (ret == 0)
		ret = mim_type_mem(MIM_TYPE_LPM, "lpm", k);
	TEST_ASSERT_EQUAL(ret, 0, "mapinmap tables");
	TEST_ASSERT_OK(raw_hash_mem(k));
	TEST_ASSERT_OK(raw_lpm_mem(k_lpm));
	TEST_ASSERT_OK(flat_mem(perf.full ? 1000000 : n));
	return TEST_SUCCESS;
}
