/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_CONF_SCRIPT_H
#define MIM_CONF_SCRIPT_H

/*
 * Scenarios as scripts: a table of steps, each one operation on both sides
 * of a pair (conf_pair.h), run in order, on one table or on a fixture of
 * pairs (a template, two inner tables that match it, one that does not,
 * and up to three outer tables made from the template).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf_pair.h"

/* The pairs a step names. */
enum conf_fx_table {
	FX_TMPL,    /* ARRAY key 4 value 8 max 2: the outer tables' template */
	FX_A,       /* the same shape as the template */
	FX_B,       /* likewise */
	FX_BAD,     /* max_entries 3: does not match the template */
	FX_O1,      /* the outer tables, in the order given */
	FX_O2,
	FX_O3,
	FX_TABLES,
	FX_NONE = FX_TABLES   /* no table (CONF_HOLDS: the slot is empty) */
};

/* An outer table of the fixture (value_size 4, template FX_TMPL). */
struct conf_fx_outer {
	const char *label;
	enum mim_type type;
	uint32_t key_size;
	uint32_t max_entries;
	uint32_t flags;
};

struct conf_fixture {
	struct conf_map pair[FX_TABLES];
	unsigned int nb_outers;
};

/* Create the fixture's inner tables and n (at most 3) outer tables. */
bool conf_fixture(struct conf_fixture *f, const struct conf_fx_outer *outers,
		  unsigned int n);

enum conf_step_op {
	CONF_PUT,      /* conf_update_inner(t, key, in, flags) */
	CONF_PUT_BAD,  /* conf_update_raw(t, key, a bad fd/ID, flags, what) */
	CONF_SET,      /* conf_update(t, key, &value (8 bytes), flags) */
	CONF_GET,      /* conf_lookup(t, key) */
	CONF_HOLDS,    /* conf_lookup_is(t, key, in) */
	CONF_DEL,      /* conf_delete(t, key) */
	CONF_NEXT,     /* conf_next_key(t, key) */
	CONF_FIRST,    /* conf_next_key(t, NULL) */
	CONF_WALK,     /* conf_walk(t) */
	CONF_CLOSE,    /* conf_close(t) */
	CONF_REOPEN,   /* conf_reopen(t) */
	CONF_ALIVE,    /* conf_alive(t, what) */
	CONF_GONE,     /* conf_alive(t, what), and a failure if it is */
};

struct conf_step {
	enum conf_step_op op;
	enum conf_fx_table t;
	/* As the table's key: a u32 (key_size 4), a u64 (key_size 8), or
	 * for an LPM table CONF_LPM_KEY().
	 */
	uint64_t key;
	enum conf_fx_table in;
	uint64_t flags;
	uint64_t value;     /* CONF_SET */
	const char *what;   /* CONF_PUT_BAD, CONF_ALIVE, CONF_GONE */
	const char *fail;   /* CONF_GONE: the failure if the table lives */
};

/* An LPM key a.b.c.d/len as a step's key. */
#define CONF_LPM_KEY(len, a, b, c, d) ((uint64_t)(uint32_t)(len) |	\
	(uint64_t)(a) << 32 | (uint64_t)(b) << 40 | (uint64_t)(c) << 48 |	\
	(uint64_t)(d) << 56)

/* Shorthands for steps. */
#define PUT(t, k, in, fl) { CONF_PUT, t, k, in, fl, 0, NULL, NULL }
#define PUT_BAD(t, k, fl, w) { CONF_PUT_BAD, t, k, FX_NONE, fl, 0, w, NULL }
#define SET(t, k, v) { CONF_SET, t, k, FX_NONE, BPF_ANY, v, NULL, NULL }
#define SETF(t, k, v, fl) { CONF_SET, t, k, FX_NONE, fl, v, NULL, NULL }
#define GET(t, k) { CONF_GET, t, k, FX_NONE, 0, 0, NULL, NULL }
#define HOLDS(t, k, in) { CONF_HOLDS, t, k, in, 0, 0, NULL, NULL }
#define DEL(t, k) { CONF_DEL, t, k, FX_NONE, 0, 0, NULL, NULL }
#define NEXT(t, k) { CONF_NEXT, t, k, FX_NONE, 0, 0, NULL, NULL }
#define FIRST(t) { CONF_FIRST, t, 0, FX_NONE, 0, 0, NULL, NULL }
#define WALK(t) { CONF_WALK, t, 0, FX_NONE, 0, 0, NULL, NULL }
#define CLOSE(t) { CONF_CLOSE, t, 0, FX_NONE, 0, 0, NULL, NULL }
#define REOPEN(t) { CONF_REOPEN, t, 0, FX_NONE, 0, 0, NULL, NULL }
#define ALIVE(t, w) { CONF_ALIVE, t, 0, FX_NONE, 0, 0, w, NULL }
#define GONE(t, w, f) { CONF_GONE, t, 0, FX_NONE, 0, 0, w, f }

/* Run n steps on the fixture's pairs, in order. */
void conf_run_steps(struct conf_fixture *f, const struct conf_step *steps,
		    size_t n);

/*
 * Run n steps on one table m, which stands for every step's t; no step
 * may name a second table (in).
 */
void conf_table_steps(struct conf_map *m, const struct conf_step *steps,
		      size_t n);

/*
 * A scenario that is a fixture and one script: begin, create, run, end.
 * Returns TEST_SKIPPED without a kernel, else what conf_end() returns.
 */
int conf_script(const char *scenario, const struct conf_fx_outer *outers,
		unsigned int nb_outers, const struct conf_step *steps,
		size_t nb_steps);

#endif /* MIM_CONF_SCRIPT_H */
