/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_CONF_PAIR_H
#define MIM_CONF_PAIR_H

/*
 * Pairs of the conformance suite, and one operation run on both sides of
 * one. A pair (struct conf_map) is one kernel map and one mapinmap table
 * made from the same description. Kernel results are libbpf's negative
 * errno values; mapinmap's are its own. Every operation compares and
 * records (conf_record.h).
 *
 * Inner tables are compared by identity, not by ID: kernel map IDs and
 * table IDs differ, so each side's ID is translated to the pair it belongs
 * to (the pair's label), and labels are compared.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mim.h>

/* An fd number no process has open: the kernel answers EBADF. */
#define CONF_BAD_FD 0x7ffffff0
/* A table ID never allocated in a test run (IDs are cyclic from 1). */
#define CONF_BAD_ID MIM_ID_MAX

#define CONF_KEY_MAX 64
#define CONF_VALUE_MAX 256
#define CONF_LABEL_MAX 16

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

/* A template handle that names nothing on either side (a raw template). */
#define CONF_BAD_TMPL .raw_inner = true, .kinner_fd = CONF_BAD_FD,	\
	.minner_id = CONF_BAD_ID

/* One creation check, a row of a table of them. */
struct conf_create_row {
	struct conf_spec spec;
	bool tmpl;            /* the table's template is the one given */
	const char *what;     /* what the row tries (the operation's name) */
	const char *reason;   /* NULL: both sides must agree; else a deviation */
	int mexp;             /* with reason: mapinmap's documented result */
};

/*
 * Run n creation checks in order (conf_create_try, or conf_create_dev
 * where the row names a deviation); nothing is kept. type, if not 0,
 * replaces every row's type; tmpl is the template of the rows that ask
 * for one. A disagreement is recorded and counted as a failure.
 */
void conf_create_rows(const struct conf_create_row *rows, size_t n,
		      enum mim_type type, const struct conf_map *tmpl);

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
/* An IPv6 LPM key (key_size 20): the address as text ("2001:db8::1"). */
struct conf_lpm6_key {
	uint32_t prefixlen;
	uint8_t addr[16];
};
struct conf_lpm6_key conf_lpm6(uint32_t prefixlen, const char *addr);
const char *conf_key_str(const struct conf_map *m, const void *key,
			 char *buf, size_t len);

/* Forget every registered pair (a scenario's start). */
void conf_pairs_reset(void);
/* Close every registered pair, outer tables first, and forget them. */
void conf_pairs_close_all(void);

/* ---- shared by the pair files (conf_pair.c, conf_ops.c, conf_walk.c) ---- */

bool conf_is_outer(enum mim_type type);
bool conf_is_array(enum mim_type type);
/* "NO_PREALLOC|INNER_MAP": BPF_F_* flags for messages. */
const char *conf_flags_str(uint32_t flags, char *buf, size_t len);
const char *conf_hex_str(const void *p, uint32_t n, char *buf, size_t len);
/* The stored form of an LPM key (host bits dropped), as mapinmap keeps it:
 * of an IPv4 key, or of a key of key_size bytes (IPv4 or IPv6).
 */
void conf_lpm_mask(void *key);
void conf_lpm_mask_sz(void *key, uint32_t key_size);
/* A kernel fd for m: its handle, or one taken by ID (*tmp set), or a bad fd. */
int conf_k_handle(const struct conf_map *m, bool *tmp);
void conf_k_handle_put(int fd, bool tmp);
/* The kernel map ID of an fd, 0 if it has none. */
uint32_t conf_k_id_of(int fd);
/*
 * Look key up on both sides. Returns 0 if both found equal values (or the
 * same inner table, then *ki == *mi), 1 if both failed alike, -1 on a
 * disagreement (printed and recorded).
 */
int conf_lookup_both(struct conf_map *m, const void *key,
		     const struct conf_map **ki, const struct conf_map **mi);

#endif /* MIM_CONF_PAIR_H */
