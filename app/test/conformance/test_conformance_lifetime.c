/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Conformance scenarios of the lifetime of inner tables: handles and slot
 * references, tables held by outer tables only, and the ID that goes with
 * the last reference. Each is a script of steps (conf_script.h).
 *
 * Kernel functions: bpf_map_fd_get_ptr(), bpf_map_fd_put_ptr()
 * (map_in_map.c); bpf_map_put() and bpf_map_free_id() (syscall.c).
 */

#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <mim.h>

#include "autotest.h"
#include "conf_script.h"
#include "conformance.h"

#define AOT MIM_TYPE_ARRAY_OF_TABLES
#define HOT MIM_TYPE_HASH_OF_TABLES

#define O FX_O1
#define H FX_O2
#define A FX_A
#define B FX_B
#define BAD FX_BAD
#define TMPL FX_TMPL
#define NONE FX_NONE

/* An array of maps and a hash of maps. */
static const struct conf_fx_outer both[] = {
	{ "aom", AOT, 4, 4, 0 }, { "hom", HOT, 4, 4, 0 },
};

#define STILL_THERE "A is still reachable with no reference left"

/* An inner table whose handle is closed lives on in its slots. */
static int
conf_lifetime_inner_closed(void)
{
	static const struct conf_step steps[] = {
		SET(A, 0, 0xa), PUT(O, 0, A, BPF_ANY), PUT(H, 7, A, BPF_ANY),
		CLOSE(A), ALIVE(A, "handle closed, in two slots"),
		HOLDS(O, 0, A),
		/* Still a table: reachable by ID, readable, writable. */
		GET(A, 0), SET(A, 1, 0xabcdef), GET(A, 1), WALK(A),
		DEL(O, 0), ALIVE(A, "handle closed, in one slot"),
		DEL(H, 7), GONE(A, "handle closed, in no slot", STILL_THERE),
	};

	return conf_script("lifetime_inner_closed", both, RTE_DIM(both), steps,
			   RTE_DIM(steps));
}

/* One inner table in many slots of both outer types. */
static int
conf_lifetime_many_slots(void)
{
	static const struct conf_step steps[] = {
		PUT(O, 0, A, BPF_ANY), PUT(O, 1, A, BPF_ANY),
		PUT(O, 2, A, BPF_ANY), PUT(O, 3, A, BPF_ANY),
		PUT(H, 10, A, BPF_ANY), PUT(H, 11, A, BPF_ANY), CLOSE(A),
		DEL(O, 0), ALIVE(A, "slots remain"),
		DEL(O, 1), ALIVE(A, "slots remain"),
		DEL(O, 2), ALIVE(A, "slots remain"),
		PUT(O, 3, B, BPF_ANY),
		ALIVE(A, "replaced in the last array slot, hash slots remain"),
		PUT(H, 10, B, BPF_EXIST), ALIVE(A, "one hash slot remains"),
		WALK(O), WALK(H),
		DEL(H, 11), GONE(A, "last slot deleted", STILL_THERE),
		ALIVE(B, "B, with its handle"),
	};

	return conf_script("lifetime_many_slots", both, RTE_DIM(both), steps,
			   RTE_DIM(steps));
}

/* Closing an outer table drops its slots; tables held elsewhere live on. */
static int
conf_lifetime_outer_destroyed(void)
{
	static const struct conf_step steps[] = {
		SET(A, 0, 0xa), SET(B, 0, 0xb), SET(BAD, 0, 0xbad),
		/* A: handle kept. B: only in slots of o. tmpl: in o and h. */
		PUT(O, 0, A, BPF_ANY), PUT(O, 1, B, BPF_ANY),
		PUT(O, 2, TMPL, BPF_ANY), PUT(H, 5, TMPL, BPF_ANY),
		CLOSE(B), CLOSE(TMPL), CLOSE(O),
		GONE(O, "outer closed", "the outer table is still reachable"),
		ALIVE(A, "outer closed, A has a handle"),
		GONE(B, "outer closed, B was only in it",
		     "B is still reachable after its only holder closed"),
		ALIVE(TMPL, "outer closed, tmpl is still in the hash of maps"),
		HOLDS(H, 5, TMPL), GET(A, 0), WALK(TMPL), CLOSE(H),
		GONE(TMPL, "both outers closed",
		     "tmpl is still reachable after both holders closed"),
		ALIVE(A, "A, with its handle"),
	};

	return conf_script("lifetime_outer_destroyed", both, RTE_DIM(both),
			   steps, RTE_DIM(steps));
}

/* IDs that never named anything. */
static void
never_named(uint32_t id, const char *what)
{
	int k = bpf_map_get_fd_by_id(id);
	int m = mim_get_by_id(id);

	conf_same(k, m, "get_fd_by_id / mim_get_by_id of ID %s", what);
	if (k >= 0)
		close(k);
	if (m > 0)
		mim_close(m);
}

/* The ID goes with the last reference: handle, slot, or both. */
static int
conf_lifetime_last_reference(void)
{
	static const struct conf_step steps[] = {
		/* Closing the last handle of a table in no slot. */
		CLOSE(BAD), GONE(BAD, "last handle closed", "bad is still reachable"),
		/* Replaced out of its only slot. */
		PUT(O, 0, A, BPF_ANY), CLOSE(A), PUT(O, 0, B, BPF_ANY),
		GONE(A, "replaced out of its only slot", "A is still reachable"),
		/* A handle taken again by ID keeps it alive past its slot. */
		CLOSE(B), REOPEN(B), DEL(O, 0),
		ALIVE(B, "slot deleted, handle taken by ID"), CLOSE(B),
		GONE(B, "that handle closed", "B is still reachable"),
		/* A dead table's ID is refused as a value too. */
		PUT(O, 0, B, BPF_ANY), HOLDS(O, 0, NONE),
	};
	static const struct conf_fx_outer aom[] = { { "aom", AOT, 4, 4, 0 } };
	struct conf_fixture f;

	CONF_BEGIN("lifetime_last_reference");
	if (!conf_fixture(&f, aom, RTE_DIM(aom)))
		return conf_end();
	conf_run_steps(&f, steps, RTE_DIM(steps));
	never_named(0, "0");
	never_named(UINT32_MAX, "2^32-1");
	return conf_end();
}

/* Putting the table a slot already holds back into it. */
static int
conf_lifetime_replace(void)
{
	static const struct conf_step steps[] = {
		PUT(O, 0, A, BPF_ANY), PUT(H, 3, A, BPF_ANY), CLOSE(A),
		PUT(O, 0, A, BPF_ANY), PUT(H, 3, A, BPF_EXIST),
		PUT(H, 3, A, BPF_ANY),
		ALIVE(A, "put again into the slots holding it"),
		HOLDS(O, 0, A), HOLDS(H, 3, A), DEL(O, 0),
		ALIVE(A, "one slot left"), DEL(H, 3),
		GONE(A, "no slot left", "A is still reachable"),
	};

	return conf_script("lifetime_replace", both, RTE_DIM(both), steps,
			   RTE_DIM(steps));
}

const struct autotest_case conf_lifetime_cases[] = {
	TEST_CASE(conf_lifetime_inner_closed),
	TEST_CASE(conf_lifetime_many_slots),
	TEST_CASE(conf_lifetime_outer_destroyed),
	TEST_CASE(conf_lifetime_last_reference),
	TEST_CASE(conf_lifetime_replace),
	TEST_CASES_END(),
};
