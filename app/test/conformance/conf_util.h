/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_CONF_UTIL_H
#define MIM_CONF_UTIL_H

/*
 * Differential conformance against the Linux kernel (the `conformance`
 * suite): every operation runs twice, once on a kernel BPF map through
 * libbpf and once on a mapinmap table, and the outcomes are compared.
 *
 * A *pair* (struct conf_map) is one kernel map and one mapinmap table made
 * from the same description. Kernel results are libbpf's negative errno
 * values; mapinmap's are its own. A comparison either agrees, or is a
 * documented *deviation* (mapinmap's documented result is asserted, the
 * kernel's is recorded), or is a *disagreement*: the case fails and prints
 * both sides. Every comparison made by a named scenario is recorded; the
 * suite writes them as a Markdown table when MIM_CONF_TABLE names a file
 * (doc/conformance.md is that table).
 *
 * Inner tables are compared by identity, not by ID: kernel map IDs and
 * table IDs differ, so each side's ID is translated to the pair it belongs
 * to (the pair's label), and labels are compared.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mim.h>

#include "autotest.h"

/* Errno the kernel uses internally for "not supported" (include/linux/errno.h). */
#define CONF_ENOTSUPP 524

/* An fd number no process has open: the kernel answers EBADF. */
#define CONF_BAD_FD 0x7ffffff0
/* A table ID never allocated in a test run (IDs are cyclic from 1). */
#define CONF_BAD_ID MIM_ID_MAX

#define CONF_KEY_MAX 64
#define CONF_VALUE_MAX 256
#define CONF_LABEL_MAX 16

/* ---- documented deviations (reasons, as in doc/conformance.md) --------- */

#define CONF_DEV_NAMES "names are unique and checked ([A-Za-z0-9_.-], at most 31 characters, checked before the template); kernel map names are 15 characters (libbpf truncates longer ones), not unique, [A-Za-z0-9_.], checked after map_alloc"
#define CONF_DEV_INNER_ID "inner_id given to a non-outer type is EINVAL; the kernel ignores inner_map_fd"
#define CONF_DEV_ENOTSUP "a type that cannot be a template returns ENOTSUP (95), not the kernel-internal ENOTSUPP (524); the kernel's example is BPF_MAP_TYPE_PROG_ARRAY, mapinmap has no such built-in type (checked through the internal interface)"
#define CONF_DEV_LPM_PREALLOC "LPM tables do not require BPF_F_NO_PREALLOC"
#define CONF_DEV_LPM_IPV4 "LPM tables are IPv4 only (key_size 8)"
#define CONF_DEV_LPM_VALUE "LPM value_size is at most 256 (E2BIG)"
#define CONF_DEV_HASH_KEY "hash key_size above 512 is E2BIG"
#define CONF_DEV_ORDER "iteration order of hash and LPM tables differs (compared as sets)"
#define CONF_DEV_LPM_MASK "LPM keys are stored masked: get_next_key returns keys without host bits"
#define CONF_DEV_CAPACITY "capacity limits of the tables (LPM: 2^23 prefixes; arrays: 4 GiB) give E2BIG"
#define CONF_DEV_IDS "table IDs and kernel map IDs differ"
#define CONF_DEV_NO_INNER "table IDs and kernel map IDs differ: inner_id 0 is \"no template\" and names no table (EBADF); the kernel reads inner_map_fd 0 as whatever fd 0 is"
/* Found by this suite, deliberate in mim.h ("Unknown or inapplicable flags give -EINVAL"); proposed for the deviation list. */
#define CONF_DEV_FLAGS "mapinmap knows only BPF_F_NO_PREALLOC, BPF_F_NUMA_NODE and BPF_F_INNER_MAP; other BPF_F_* flags the kernel accepts (BPF_F_RDONLY, BPF_F_WRONLY, BPF_F_MMAPABLE, BPF_F_ZERO_SEED, ...) are EINVAL"

/* ---- scenario bookkeeping ----------------------------------------------- */

/* Whether bpf() works here (probed once by the suite setup). */
bool conf_kernel_available(void);
int conf_suite_setup(void);
void conf_suite_teardown(void);

/* Start a scenario: resets the pairs and the failure count. */
void conf_begin(const char *scenario);
/*
 * End a scenario: close every pair still open on either side (so a failed
 * scenario leaves nothing behind), and return TEST_SUCCESS or TEST_FAILED.
 */
int conf_end(void);

#define CONF_BEGIN(name) do {						\
	if (!conf_kernel_available())					\
		return TEST_SKIPPED;					\
	conf_begin(name);						\
} while (0)

/* Count randomized operations (for the summary). */
void conf_count_random(unsigned long n);
/* Record comparisons in the table (named scenarios) or not (random runs). */
void conf_set_recording(bool on);
/* Failures so far in this scenario. */
unsigned int conf_failures(void);
/* Report a failure that is not a comparison (a broken test precondition). */
void conf_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Add a free-form note to the scenario's output. */
void conf_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "ok", "-EINVAL", "-ENOTSUPP(524)": a result for messages. */
const char *conf_ret_str(int ret, char *buf, size_t len);

/*
 * Compare two results (0 or > 0: success; < 0: -errno). Records the row.
 * Returns true if both succeeded.
 */
bool conf_same(int kret, int mret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * A documented deviation: mapinmap must return mexp (0 for success, or
 * -errno); the kernel's result is recorded, whatever it is. Returns true if
 * mapinmap returned mexp.
 */
bool conf_dev(int kret, int mret, int mexp, const char *reason,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Record a row whose results are already text (walk orders, IDs). */
void conf_dev_text(const char *kres, const char *mres, const char *reason,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- pairs ---------------------------------------------------------------- */

struct conf_map {
	char label[CONF_LABEL_MAX];
	enum mim_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;
	int kfd;           /* kernel handle (fd), -1 once closed */
	int mid;           /* mapinmap handle (table ID), 0 once closed */
	uint32_t kid;      /* kernel map ID, kept after the handle is closed */
	uint32_t mim_id;   /* table ID, kept after the handle is closed */
	bool registered;
};

/* What to create; fields left out are zero. */
struct conf_spec {
	enum mim_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;           /* MIM_F_* == BPF_F_* */
	int numa_node;            /* with MIM_F_NUMA_NODE */
	const struct conf_map *inner;   /* template of an outer type */
	/* Raw template handles (when raw_inner): kernel fd, table ID. */
	bool raw_inner;
	int kinner_fd;
	uint32_t minner_id;
	/* Names: NULL for the label (pairs) or anonymous (raw creates). */
	const char *kname;
	const char *mname;
};

#define CONF_SPEC(...) (&(const struct conf_spec){ __VA_ARGS__ })

/* BPF_MAP_TYPE_* of a table type; the kernel's name for it. */
uint32_t conf_bpf_type(enum mim_type type);
const char *conf_type_str(enum mim_type type);
/* One-line description of a spec, for operation names. */
const char *conf_spec_str(const struct conf_spec *s, char *buf, size_t len);

/* Create one side only: kernel fd / table ID, or -errno. */
int conf_create_k(const struct conf_spec *s);
int conf_create_m(const struct conf_spec *s);

/*
 * Create a pair (both sides must agree). On success the pair is registered
 * under label and true is returned; a side that succeeded alone is closed.
 */
bool conf_create(struct conf_map *m, const char *label,
		 const struct conf_spec *s);
/* Both sides must fail or succeed alike; nothing is kept. */
bool conf_create_try(const struct conf_spec *s, const char *what);
/* A documented deviation on creation; nothing is kept. */
bool conf_create_dev(const struct conf_spec *s, int mexp, const char *reason,
		     const char *what);

/* Register / forget a pair for identity lookups (conf_create registers). */
void conf_register(struct conf_map *m);
void conf_unregister(struct conf_map *m);
/* The registered pair with this kernel map ID / table ID, or NULL. */
struct conf_map *conf_by_kid(uint32_t kid);
struct conf_map *conf_by_mid(uint32_t mid);

/* Close both handles (either may already be closed). */
void conf_close(struct conf_map *m);
void conf_close_k(struct conf_map *m);
void conf_close_m(struct conf_map *m);
/*
 * Take a new handle by ID on both sides (bpf_map_get_fd_by_id,
 * mim_get_by_id) and compare; a pair without a handle adopts it, otherwise
 * the new handles are closed again. Returns true if the table is alive.
 */
bool conf_reopen(struct conf_map *m);
/*
 * Whether the table is still reachable by ID on both sides. A table gone
 * in mapinmap is polled for in the kernel for a bounded time (the kernel
 * may free map IDs asynchronously). Records a comparison; returns the
 * kernel's answer.
 */
bool conf_alive(struct conf_map *m, const char *what);

/* ---- element operations on pairs ------------------------------------------ */

/* Inner tables: raw keys and values. Outer tables: use the _inner forms. */
bool conf_update(struct conf_map *m, const void *key, const void *value,
		 uint64_t flags);
/* Outer tables: put inner (by kernel fd, by table ID) at key. */
bool conf_update_inner(struct conf_map *outer, const void *key,
		       const struct conf_map *inner, uint64_t flags);
/* Outer tables: raw values (a bad fd, a bad ID) described by what. */
bool conf_update_raw(struct conf_map *outer, const void *key, uint32_t kval,
		     uint32_t mval, uint64_t flags, const char *what);
/* Compare a lookup: results, values (inner) or identities (outer). */
bool conf_lookup(struct conf_map *m, const void *key);
/* Outer tables: the lookup must find expect (NULL: nothing). */
bool conf_lookup_is(struct conf_map *outer, const void *key,
		    const struct conf_map *expect);
bool conf_delete(struct conf_map *m, const void *key);
/*
 * get_next_key. Arrays: results and next keys compared. Hash and LPM
 * tables: results compared when key is NULL, absent, or the table holds
 * at most one key; each side's next key must then be its own first key;
 * for a present key each side's answer is checked against its own table.
 */
bool conf_next_key(struct conf_map *m, const void *key);
/*
 * Walk both sides with get_next_key from NULL and compare what they hold:
 * arrays as sequences, hash and LPM tables as sets (LPM kernel keys
 * masked); every key's value (or inner table identity) is compared too.
 */
bool conf_walk(struct conf_map *m);
/* Compare bpf_obj_get_info_by_fd with mim_get_info. */
bool conf_info(struct conf_map *m);

/* Key helpers. */
struct conf_lpm_key {
	uint32_t prefixlen;
	uint8_t addr[4];
};
struct conf_lpm_key conf_lpm(uint32_t prefixlen, uint8_t a, uint8_t b,
			     uint8_t c, uint8_t d);
const char *conf_key_str(const struct conf_map *m, const void *key,
			 char *buf, size_t len);

/* ---- the scenarios (test_conformance*.c) -------------------------------- */

/* test_conformance.c: creation, templates, nesting, info */
int conf_create_outer_checks(void);
int conf_create_outer_order(void);
int conf_create_outer_bad_inner(void);
int conf_create_nested(void);
int conf_create_template_not_comparable(void);
int conf_create_inner_id_ignored(void);
int conf_create_names(void);
int conf_create_flags(void);
int conf_create_array_checks(void);
int conf_create_hash_checks(void);
int conf_create_lpm_checks(void);
int conf_template_type_sizes(void);
int conf_template_flags(void);
int conf_template_array_max_entries(void);
int conf_template_array_inner_map(void);
int conf_template_capacity(void);
int conf_template_outlives_source(void);
int conf_nesting_update(void);
int conf_info_fields(void);

/* test_conformance_outer.c: element operations on outer tables, lifetime */
int conf_update_flags_aom(void);
int conf_update_flags_hom(void);
int conf_update_order_aom(void);
int conf_update_order_hom(void);
int conf_update_replace_after_delete_hom(void);
int conf_index_limits_aom(void);
int conf_capacity_hom(void);
int conf_lookup_ids(void);
int conf_delete_aom(void);
int conf_delete_hom(void);
int conf_next_key_aom(void);
int conf_next_key_hom(void);
int conf_lifetime_inner_closed(void);
int conf_lifetime_many_slots(void);
int conf_lifetime_outer_destroyed(void);
int conf_lifetime_last_reference(void);
int conf_lifetime_replace(void);

/* test_conformance_inner.c: the inner types' own element semantics */
int conf_array_elems(void);
int conf_array_order(void);
int conf_hash_elems(void);
int conf_hash_capacity(void);
int conf_hash_replace_after_delete(void);
int conf_hash_large_value(void);
int conf_lpm_elems(void);
int conf_lpm_prefixlen(void);
int conf_lpm_default_route(void);
int conf_lpm_replace_after_delete(void);
int conf_lpm_host_bits(void);
int conf_lpm_intermediate(void);
int conf_lpm_capacity(void);

/* test_conformance_random.c: randomized sequences, the kernel as oracle */
int conf_random_array(void);
int conf_random_array_inner_map(void);
int conf_random_hash(void);
int conf_random_lpm(void);

#endif /* MIM_CONF_UTIL_H */
