/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Conformance of the hash types built on HASH with the kernel's.
 *
 * BPF_MAP_TYPE_PERCPU_HASH (htab_percpu_map_ops): creation checks
 * (htab_map_alloc_check()), tabulated; then update, lookup, delete and
 * get_next_key with their flags and errno. The syscall's value buffer
 * holds num_possible_cpus() copies, mapinmap's mim_percpu_nb_copies(),
 * each value_size rounded up to 8 bytes: values are compared copy by copy
 * up to the smaller count, here and not in the report.
 *
 * BPF_MAP_TYPE_LRU_HASH (htab_lru_map_ops): creation checks, flags and
 * errno of the element calls, eviction instead of E2BIG, and what the
 * kernel's selftest (test_lru_map.c) documents about which keys survive:
 * a key looked up by a program since it was inserted outlives one that
 * was not. The kernel marks use only on a program's lookup, not on the
 * syscall's, so its side looks keys up through a small socket filter run
 * with BPF_PROG_TEST_RUN; mapinmap's side with mim_lookup(). Which key
 * the kernel evicts otherwise, and when (its common LRU takes free
 * elements in per-CPU batches, and may evict before the table is full),
 * is not compared: only that no insert fails, the count stays within
 * max_entries, and the newest keys are there.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <rte_common.h>

#include <mim.h>

#include "autotest.h"
#include "conformance.h"

#define PCH MIM_TYPE_PERCPU_HASH
#define LRU MIM_TYPE_LRU_HASH
#define SPEC(...) .spec = { __VA_ARGS__ }
#define ROW(t, k, v, max, f) SPEC(.type = t, .key_size = k,		\
				  .value_size = v, .max_entries = max,	\
				  .flags = f, .numa_node = 0)

/* htab_map_alloc_check() for per-CPU values. */
static const struct conf_create_row pch_rows[] = {
	{ ROW(PCH, 4, 8, 4, 0), .what = "plain" },
	{ ROW(PCH, 4, 12, 4, 0), .what = "value_size 12 (16 per copy)" },
	{ ROW(PCH, 20, 8, 4, 0), .what = "key_size 20" },
	{ ROW(PCH, 4, 8, 0, 0), .what = "zero max_entries" },
	{ ROW(PCH, 0, 8, 4, 0), .what = "zero key_size" },
	{ ROW(PCH, 4, 0, 4, 0), .what = "zero value_size" },
	{ ROW(PCH, 4, 8, 4, BPF_F_NO_PREALLOC), .what = "BPF_F_NO_PREALLOC" },
	{ ROW(PCH, 4, 8, 4, BPF_F_NUMA_NODE),
	  .what = "BPF_F_NUMA_NODE with per-CPU values" },
	{ ROW(PCH, 4, 8, 4, BPF_F_NO_COMMON_LRU),
	  .what = "BPF_F_NO_COMMON_LRU on a non-LRU hash" },
	{ ROW(PCH, 4, 8, 4, BPF_F_INNER_MAP), .what = "BPF_F_INNER_MAP" },
	{ ROW(PCH, 4, 32768, 1, 0), .what = "value_size 32768" },
	{ ROW(PCH, 4, 32769, 1, 0),
	  .what = "value_size 32769, above PCPU_MIN_UNIT_SIZE" },
};

/* htab_map_alloc_check() for LRU maps. */
static const struct conf_create_row lru_rows[] = {
	{ ROW(LRU, 4, 8, 4, 0), .what = "plain" },
	{ ROW(LRU, 20, 8, 4, 0), .what = "key_size 20" },
	{ ROW(LRU, 4, 8, 0, 0), .what = "zero max_entries" },
	{ ROW(LRU, 0, 8, 4, 0), .what = "zero key_size" },
	{ ROW(LRU, 4, 0, 4, 0), .what = "zero value_size" },
	{ ROW(LRU, 4, 8, 4, BPF_F_NO_PREALLOC),
	  .what = "BPF_F_NO_PREALLOC on an LRU map" },
	{ ROW(LRU, 4, 8, 4, BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU),
	  .what = "BPF_F_NO_PREALLOC with BPF_F_NO_COMMON_LRU" },
	{ ROW(LRU, 4, 8, 4, BPF_F_NO_COMMON_LRU),
	  .what = "BPF_F_NO_COMMON_LRU" },
	{ ROW(LRU, 4, 8, 4, BPF_F_NUMA_NODE),
	  .what = "BPF_F_NUMA_NODE, common LRU" },
	{ ROW(LRU, 4, 8, 4, BPF_F_NUMA_NODE | BPF_F_NO_COMMON_LRU),
	  .what = "BPF_F_NUMA_NODE with per-CPU lists" },
	{ ROW(LRU, 4, 8, 4, BPF_F_INNER_MAP), .what = "BPF_F_INNER_MAP" },
	{ ROW(LRU, 4, 8, 4, 1U << 30), .what = "unknown flag" },
	{ ROW(LRU, 4, 32769, 1, 0), .what = "value_size 32769 (no per-CPU bound)" },
};

static int
test_conf_lru_create(void)
{
	CONF_BEGIN("lru_hash_create");
	conf_create_rows(lru_rows, RTE_DIM(lru_rows), 0, NULL);
	return conf_end();
}

static int
test_conf_pch_create(void)
{
	CONF_BEGIN("percpu_hash_create");
	conf_create_rows(pch_rows, RTE_DIM(pch_rows), 0, NULL);
	return conf_end();
}

/* The two sides' value buffers: ncpu and nb_copies copies of stride. */
struct hx_bufs {
	uint32_t stride, kn, mn;
	uint8_t *k, *m;
};

static int
bufs_init(struct hx_bufs *b, uint32_t value_size)
{
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0)
		return -1;
	b->stride = RTE_ALIGN_CEIL(value_size, 8);
	b->kn = (uint32_t)ncpu;
	b->mn = mim_percpu_nb_copies();
	b->k = calloc(b->kn, b->stride);
	b->m = calloc(b->mn, b->stride);
	return b->k != NULL && b->m != NULL ? 0 : -1;
}

/* Copy i of both buffers set to a pattern of i and seed (padding too). */
static void
bufs_fill(struct hx_bufs *b, uint8_t seed)
{
	uint32_t i, j;

	memset(b->k, 0, (size_t)b->kn * b->stride);
	memset(b->m, 0, (size_t)b->mn * b->stride);
	for (i = 0; i < RTE_MAX(b->kn, b->mn); i++)
		for (j = 0; j < b->stride; j++) {
			uint8_t x = (uint8_t)(seed + i * 13 + j);

			if (i < b->kn)
				b->k[(size_t)i * b->stride + j] = x;
			if (i < b->mn)
				b->m[(size_t)i * b->stride + j] = x;
		}
}

static bool
bufs_agree(const struct hx_bufs *b)
{
	return memcmp(b->k, b->m,
		      (size_t)RTE_MIN(b->kn, b->mn) * b->stride) == 0;
}

/* One operation's results: both succeed, or fail with the same errno. */
#define HX_SAME(what, kret, mret) do {					\
	int _k = (kret) < 0 ? -errno : 0, _m = (mret);			\
	autotest_count_check();						\
	if (_k != _m) {							\
		printf("    FAIL %s: kernel %d, mapinmap %d (%s)\n", (what), \
		       _k, _m, mim_last_error());			\
		goto fail;						\
	}								\
} while (0)

static int
pch_elem(uint32_t flags)
{
	const struct conf_spec *s = CONF_SPEC(.type = PCH, .key_size = 4,
					      .value_size = 12,
					      .max_entries = 2,
					      .flags = flags);
	struct hx_bufs b = { .k = NULL, .m = NULL };
	uint32_t key = 1, other = 2, third = 3, next, mnext;
	int kfd = -1, mid = -1, ret = TEST_FAILED;

	if (bufs_init(&b, s->value_size) != 0)
		goto fail;
	kfd = conf_create_k(s);
	mid = conf_create_m(s);
	if (kfd < 0 || mid <= 0)
		goto fail;
	bufs_fill(&b, 0x11);
	HX_SAME("lookup absent", bpf_map_lookup_elem(kfd, &key, b.k),
		mim_lookup_elem(mid, &key, b.m));
	HX_SAME("update EXIST absent",
		bpf_map_update_elem(kfd, &key, b.k, BPF_EXIST),
		mim_update_elem(mid, &key, b.m, MIM_EXIST));
	HX_SAME("update ANY", bpf_map_update_elem(kfd, &key, b.k, BPF_ANY),
		mim_update_elem(mid, &key, b.m, MIM_ANY));
	HX_SAME("update NOEXIST",
		bpf_map_update_elem(kfd, &key, b.k, BPF_NOEXIST),
		mim_update_elem(mid, &key, b.m, MIM_NOEXIST));
	HX_SAME("update flags 3", bpf_map_update_elem(kfd, &key, b.k, 3),
		mim_update_elem(mid, &key, b.m, 3));
	HX_SAME("update BPF_F_LOCK",
		bpf_map_update_elem(kfd, &key, b.k, BPF_F_LOCK),
		mim_update_elem(mid, &key, b.m, BPF_F_LOCK));
	bufs_fill(&b, 0x5a);
	HX_SAME("update EXIST", bpf_map_update_elem(kfd, &key, b.k, BPF_EXIST),
		mim_update_elem(mid, &key, b.m, MIM_EXIST));
	memset(b.k, 0, (size_t)b.kn * b.stride);
	memset(b.m, 0xff, (size_t)b.mn * b.stride);
	HX_SAME("lookup", bpf_map_lookup_elem(kfd, &key, b.k),
		mim_lookup_elem(mid, &key, b.m));
	if (!bufs_agree(&b)) {
		printf("    FAIL lookup: the copies differ\n");
		goto fail;
	}
	HX_SAME("update second", bpf_map_update_elem(kfd, &other, b.k, BPF_ANY),
		mim_update_elem(mid, &other, b.m, MIM_ANY));
	HX_SAME("update past max_entries",
		bpf_map_update_elem(kfd, &third, b.k, BPF_ANY),
		mim_update_elem(mid, &third, b.m, MIM_ANY));
	HX_SAME("replace when full",
		bpf_map_update_elem(kfd, &other, b.k, BPF_ANY),
		mim_update_elem(mid, &other, b.m, MIM_ANY));
	HX_SAME("get_next_key NULL", bpf_map_get_next_key(kfd, NULL, &next),
		mim_get_next_key(mid, NULL, &mnext));
	HX_SAME("get_next_key absent", bpf_map_get_next_key(kfd, &third, &next),
		mim_get_next_key(mid, &third, &mnext));
	HX_SAME("delete", bpf_map_delete_elem(kfd, &key),
		mim_delete_elem(mid, &key));
	HX_SAME("delete absent", bpf_map_delete_elem(kfd, &key),
		mim_delete_elem(mid, &key));
	HX_SAME("get_next_key last", bpf_map_get_next_key(kfd, &other, &next),
		mim_get_next_key(mid, &other, &mnext));
	ret = TEST_SUCCESS;
fail:
	if (kfd >= 0)
		close(kfd);
	if (mid > 0)
		mim_close(mid);
	free(b.k);
	free(b.m);
	return ret;
}

static int
test_conf_pch_elem(void)
{
	if (!conf_kernel_available()) {
		printf("    bpf() refused here (needs root): skipped\n");
		return TEST_SKIPPED;
	}
	if (pch_elem(0) != TEST_SUCCESS)
		return TEST_FAILED;
	return pch_elem(BPF_F_NO_PREALLOC);
}

/* ---- LRU: marking use on the kernel's side ----------------------------- */

/* A program that looks up, in the map lru, the u64 key held by keymap[0]. */
struct mark_prog {
	int keymap;
	int prog;
};

static void
insn(struct bpf_insn *i, uint8_t code, uint8_t dst, uint8_t src, int16_t off,
     int32_t imm)
{
	i->code = code;
	i->dst_reg = dst;
	i->src_reg = src;
	i->off = off;
	i->imm = imm;
}

static int
mark_prog_load(struct mark_prog *p, int lru_fd)
{
	struct bpf_insn in[18];
	int n = 0;

	memset(in, 0, sizeof(in));
	p->keymap = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 8, 1, NULL);
	if (p->keymap < 0)
		return -1;
	/* r1 = keymap; *(u32 *)(r10 - 4) = 0; r2 = r10 - 4; lookup */
	insn(&in[n++], BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0,
	     p->keymap);
	n++;
	insn(&in[n++], BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0);
	insn(&in[n++], BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
	insn(&in[n++], BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4);
	insn(&in[n++], BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
	insn(&in[n++], BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 9, 0);  /* to exit */
	/* *(u64 *)(r10 - 16) = *(u64 *)r0; r1 = lru; r2 = r10 - 16 */
	insn(&in[n++], BPF_LDX | BPF_MEM | BPF_DW, 3, 0, 0, 0);
	insn(&in[n++], BPF_STX | BPF_MEM | BPF_DW, 10, 3, -16, 0);
	insn(&in[n++], BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0,
	     lru_fd);
	n++;
	insn(&in[n++], BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
	insn(&in[n++], BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -16);
	insn(&in[n++], BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
	/* return r0 != NULL */
	insn(&in[n++], BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1, 0);
	insn(&in[n++], BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
	insn(&in[n++], BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	p->prog = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", in,
				(size_t)n, NULL);
	if (p->prog < 0) {
		close(p->keymap);
		return -1;
	}
	return 0;
}

/* A program's lookup of key on the kernel's side: 1 found, 0, or -1. */
static int
mark_k(const struct mark_prog *p, uint64_t key)
{
	uint8_t pkt[64] = { 0 };
	uint32_t zero = 0;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = 1);

	if (bpf_map_update_elem(p->keymap, &zero, &key, BPF_ANY) != 0 ||
	    bpf_prog_test_run_opts(p->prog, &o) != 0)
		return -1;
	return (int)o.retval;
}

static void
mark_prog_close(struct mark_prog *p)
{
	close(p->prog);
	close(p->keymap);
}

/* A data-path lookup of key on mapinmap's side: 1 found, 0. */
static int
mark_m(const struct conf_map *m, uint64_t key)
{
	return mim_lookup(mim_table((int)m->mim_id), &key) != NULL;
}

/*
 * test_lru_map.c's first sanity check: keys 1 and 2 fill a map of 2, key 1
 * is looked up by a program, key 3 goes in: key 2 is the one evicted.
 */
static int
lru_sanity0(struct conf_map *m, uint32_t flags, uint32_t max)
{
	struct mark_prog p;
	uint64_t k, v = 1234;

	if (!conf_create(m, "lru", CONF_SPEC(.type = LRU, .key_size = 8,
					      .value_size = 8,
					      .max_entries = max,
					      .flags = flags)))
		return TEST_FAILED;
	if (mark_prog_load(&p, m->kfd) != 0) {
		conf_fail("cannot load the marking program: %s",
			  strerror(errno));
		return TEST_FAILED;
	}
	k = 1;
	conf_update(m, &k, &v, BPF_NOEXIST);
	conf_update(m, &k, &v, BPF_NOEXIST);
	conf_update(m, &k, &v, 3);
	k = 2;
	conf_lookup(m, &k);
	conf_update(m, &k, &v, BPF_EXIST);
	conf_update(m, &k, &v, BPF_NOEXIST);
	k = 3;
	conf_lookup(m, &k);
	conf_same(mark_k(&p, 1), mark_m(m, 1),
		  "program / data-path lookup of key 1 (marks it used)");
	conf_update(m, &k, &v, BPF_NOEXIST);
	k = 2;
	conf_lookup(m, &k);   /* evicted on both sides */
	k = 1;
	conf_lookup(m, &k);
	k = 3;
	conf_lookup(m, &k);
	conf_delete(m, &k);
	conf_delete(m, &k);
	conf_walk(m);
	mark_prog_close(&p);
	return TEST_SUCCESS;
}

static int
test_conf_lru_sanity(void)
{
	int ncpu = libbpf_num_possible_cpus();
	/* Here, not in lru_sanity0(): conf_end() closes it. */
	struct conf_map m;

	CONF_BEGIN("lru_hash_sanity");
	if (lru_sanity0(&m, 0, 2) != TEST_SUCCESS) {
		conf_end();
		return TEST_FAILED;
	}
	return conf_end() == TEST_SUCCESS && ncpu > 0 ? TEST_SUCCESS :
		TEST_FAILED;
}

/* Keys on both sides among [from, to), counted by a syscall lookup. */
static void
count_both(const struct conf_map *m, uint64_t from, uint64_t to,
	   uint32_t *kn, uint32_t *mn)
{
	uint64_t k, v;

	*kn = 0;
	*mn = 0;
	for (k = from; k < to; k++) {
		*kn += bpf_map_lookup_elem(m->kfd, &k, &v) == 0;
		*mn += mim_lookup_elem((int)m->mim_id, &k, &v) == 0;
	}
}

/*
 * Many times max_entries of new keys: every insert succeeds on both
 * sides, neither holds more than max_entries, the newest key is there;
 * and keys a program keeps using survive the churn on both sides.
 */
static int
test_conf_lru_capacity(void)
{
	const uint32_t max = 256, hot = 8;
	struct conf_map m;
	struct mark_prog p;
	uint32_t kn, mn, i;
	uint64_t k, v;

	CONF_BEGIN("lru_hash_capacity");
	if (!conf_create(&m, "lru", CONF_SPEC(.type = LRU, .key_size = 8,
					       .value_size = 8,
					       .max_entries = max)))
		return conf_end();
	if (mark_prog_load(&p, m.kfd) != 0) {
		conf_fail("cannot load the marking program: %s",
			  strerror(errno));
		return conf_end();
	}
	for (k = 0; k < 10 * max; k++) {
		v = k;
		conf_same(bpf_map_update_elem(m.kfd, &k, &v, BPF_NOEXIST),
			  mim_update_elem((int)m.mim_id, &k, &v, MIM_NOEXIST),
			  "update of a new key, up to ten times max_entries (no E2BIG)");
		/* The hot keys 0 to 7, used between every insert. */
		for (i = 0; i < hot && k >= hot; i++)
			conf_same(mark_k(&p, i), mark_m(&m, i),
				  "program / data-path lookup of a key in use");
	}
	count_both(&m, 0, 10 * max, &kn, &mn);
	conf_same(kn <= max ? 0 : -E2BIG, mn <= max ? 0 : -E2BIG,
		  "at most max_entries keys after the churn");
	count_both(&m, 0, hot, &kn, &mn);
	conf_same(kn == hot ? 0 : -ENOENT, mn == hot ? 0 : -ENOENT,
		  "every key in use survived");
	count_both(&m, 10 * max - 1, 10 * max, &kn, &mn);
	conf_same(kn == 1 ? 0 : -ENOENT, mn == 1 ? 0 : -ENOENT,
		  "the newest key is there");
	conf_note("after %u inserts: kernel holds %u of max_entries %u",
		  10 * max, (count_both(&m, 0, 10 * max, &kn, &mn), kn), max);
	mark_prog_close(&p);
	return conf_end();
}

const struct autotest_case conf_hashx_cases[] = {
	TEST_CASE(test_conf_pch_create),
	TEST_CASE(test_conf_pch_elem),
	TEST_CASE(test_conf_lru_create),
	TEST_CASE(test_conf_lru_sanity),
	TEST_CASE(test_conf_lru_capacity),
	TEST_CASES_END(),
};
