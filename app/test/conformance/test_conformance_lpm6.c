/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Conformance scenarios of IPv6 LPM tables (key_size 20, the kernel's
 * struct bpf_lpm_trie_key with 16 address bytes), those of the IPv4 ones
 * (test_conformance_inner.c) at the other key size: update flags,
 * exact-prefix delete, longest-prefix lookups of at most prefixlen bits,
 * host bits, intermediate nodes, capacity, get_next_key and walks.
 *
 * Kernel functions: trie_update_elem() and trie_check_add_elem(),
 * trie_delete_elem(), trie_lookup_elem(), trie_get_next_key(),
 * longest_prefix_match() (lpm_trie.c).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <mim.h>

#include "autotest.h"
#include "conf_script.h"
#include "conformance.h"

/* One operation on the scenario's table, on an IPv6 key. */
struct l6_step {
	enum conf_step_op op;   /* CONF_SET, GET, DEL, NEXT, FIRST, WALK */
	uint32_t plen;
	const char *addr;
	uint64_t value;
	uint64_t flags;
};

#define S6(p, a, v, fl) { CONF_SET, p, a, v, fl }
#define G6(p, a) { CONF_GET, p, a, 0, 0 }
#define D6(p, a) { CONF_DEL, p, a, 0, 0 }
#define N6(p, a) { CONF_NEXT, p, a, 0, 0 }
#define F6 { CONF_FIRST, 0, NULL, 0, 0 }
#define W6 { CONF_WALK, 0, NULL, 0, 0 }

/* An IPv6 LPM trie of 8-byte values. */
static bool
lpm6(struct conf_map *m, const char *label, uint32_t max)
{
	return conf_create(m, label, CONF_SPEC(.type = MIM_TYPE_LPM,
					       .key_size = 20, .value_size = 8,
					       .max_entries = max,
					       .flags = BPF_F_NO_PREALLOC));
}

static void
l6_run(struct conf_map *m, const struct l6_step *steps, size_t n)
{
	struct conf_lpm6_key k;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct l6_step *s = &steps[i];

		k = conf_lpm6(s->plen, s->addr != NULL ? s->addr : "::");
		switch (s->op) {
		case CONF_SET:
			conf_update(m, &k, &s->value, s->flags);
			break;
		case CONF_GET:
			conf_lookup(m, &k);
			break;
		case CONF_DEL:
			conf_delete(m, &k);
			break;
		case CONF_NEXT:
			conf_next_key(m, &k);
			break;
		case CONF_FIRST:
			conf_next_key(m, NULL);
			break;
		case CONF_WALK:
			conf_walk(m);
			break;
		default:
			conf_fail("step %zu: not an IPv6 LPM step", i);
			break;
		}
	}
}

/* An IPv6 trie, and a script on it. */
static int
l6_scenario(const char *scenario, uint32_t max, const struct l6_step *steps,
	    size_t n)
{
	struct conf_map l;

	CONF_BEGIN(scenario);
	if (lpm6(&l, "lpm6", max))
		l6_run(&l, steps, n);
	return conf_end();
}

#define L6_SCENARIO(name, max, steps)					\
	l6_scenario(name, max, steps, RTE_DIM(steps))

static int
conf_lpm6_elems(void)
{
	static const struct l6_step steps[] = {
		G6(128, "2001:db8:1:2::3"), F6,
		S6(32, "2001:db8::", 0x1111, BPF_NOEXIST),
		S6(32, "2001:db8::", 0x2222, BPF_NOEXIST),
		S6(48, "2001:db8:1::", 0x2222, BPF_EXIST),
		S6(32, "2001:db8::", 0x2222, BPF_EXIST),
		S6(64, "2001:db8:1:2::", 0x3333, BPF_ANY),
		S6(64, "2001:db8:1:2::", 0x1111, 3),
		S6(64, "2001:db8:1:2::", 0x1111, BPF_F_LOCK),
		G6(128, "2001:db8:1:2::3"), G6(128, "2001:db8:1:9::9"),
		G6(128, "2001:db9::1"), G6(48, "2001:db8:1::"),
		G6(32, "2001:db8::"),
		F6, N6(48, "2001:db8:1::"), N6(32, "2001:db8::"),
		N6(64, "2001:db8:1:2::"), W6,
		D6(48, "2001:db8:1::"), D6(64, "2001:db8:1:2::"),
		D6(64, "2001:db8:1:2::"), G6(128, "2001:db8:1:2::3"),
		D6(32, "2001:db8::"), G6(128, "2001:db8:1:2::3"), W6,
	};

	return L6_SCENARIO("lpm6_elems", 16, steps);
}

/* trie_*(): prefixlen above 128 is EINVAL (update, delete), a miss (lookup). */
static int
conf_lpm6_prefixlen(void)
{
	static const struct l6_step steps[] = {
		S6(129, "2001:db8:1:2::3", 8, BPF_ANY),
		S6(UINT32_MAX, "2001:db8:1:2::3", 8, BPF_ANY),
		S6(129, "2001:db8:1:2::3", 8, 3),
		S6(8, "2000::", 8, BPF_ANY), S6(33, "2001:db8:8000::", 33, BPF_ANY),
		S6(64, "2001:db8:8000:1::", 64, BPF_ANY),
		S6(127, "2001:db8:8000:1::2", 127, BPF_ANY),
		S6(128, "2001:db8:8000:1::3", 128, BPF_ANY),
		G6(129, "2001:db8:8000:1::3"),
		G6(UINT32_MAX, "2001:db8:8000:1::3"),
		D6(129, "2001:db8:8000:1::3"),
		D6(UINT32_MAX, "2001:db8:8000:1::3"),
		/* The longest stored prefix of at most prefixlen bits. */
		G6(7, "2001:db8:8000:1::3"), G6(32, "2001:db8:8000:1::3"),
		G6(33, "2001:db8:8000:1::3"), G6(63, "2001:db8:8000:1::3"),
		G6(64, "2001:db8:8000:1::3"), G6(127, "2001:db8:8000:1::3"),
		G6(128, "2001:db8:8000:1::3"), G6(128, "2001:db8:8000:1::2"),
		G6(128, "2001:db8:8000:1::4"),
		/* An invalid key restarts the walk. */
		N6(129, "2001:db8:8000:1::3"), W6,
	};

	return L6_SCENARIO("lpm6_prefixlen", 16, steps);
}

/* The ::/0 prefix matches everything. */
static int
conf_lpm6_default_route(void)
{
	static const struct l6_step steps[] = {
		S6(0, "::", 0x00, BPF_NOEXIST), G6(128, "2001:db8::9"),
		G6(0, "fe80::1"),
		S6(0, "1:2:3::4", 0x08, BPF_NOEXIST),
		S6(0, "1:2:3::4", 0x00, BPF_EXIST),
		S6(16, "2001::", 0x08, BPF_ANY), G6(128, "2001:db8::9"),
		G6(128, "fe80::1"), F6, N6(0, "::"), W6,
		D6(0, "1:2:3::4"), G6(128, "fe80::1"), G6(128, "2001:db8::9"),
		D6(0, "::"), W6,
	};

	return L6_SCENARIO("lpm6_default_route", 16, steps);
}

/* Bits beyond prefixlen do not make another prefix (not byte-aligned too). */
static int
conf_lpm6_host_bits(void)
{
	struct conf_lpm6_key h20 = conf_lpm6(20, "2001:dbf:1::"),
		h20b = conf_lpm6(20, "2001:d00:ff::9"),
		h20c = conf_lpm6(20, "2001:d00::"),
		h68 = conf_lpm6(68, "2001:db8:0:1:fff::1"),
		in68 = conf_lpm6(128, "2001:db8:0:1:0abc::1"),
		out68 = conf_lpm6(128, "2001:db8:0:1:1000::1"),
		a = conf_lpm6(128, "2001:d01::1");
	struct conf_map l;
	uint8_t kk[20], mk[20];
	char kb[64], mb[64];
	uint64_t v1 = 1, v2 = 2;
	int k, m;

	CONF_BEGIN("lpm6_host_bits");
	if (!lpm6(&l, "lpm6", 16))
		return conf_end();
	conf_update(&l, &h20, &v1, BPF_NOEXIST);
	conf_update(&l, &h20b, &v2, BPF_NOEXIST);
	conf_lookup(&l, &a);
	conf_update(&l, &h68, &v2, BPF_ANY);
	conf_lookup(&l, &in68);
	conf_lookup(&l, &out68);
	/* What get_next_key returns: the key as stored. */
	k = bpf_map_get_next_key(l.kfd, NULL, kk);
	m = mim_get_next_key(l.mid, NULL, mk);
	if (conf_same(k, m, "get_next_key lpm6[NULL]"))
		conf_dev_text(conf_key_str(&l, kk, kb, sizeof(kb)),
			      conf_key_str(&l, mk, mb, sizeof(mb)),
			      CONF_DEV_LPM_MASK,
			      "get_next_key lpm6[NULL] after update 2001:dbf:1::/20 and 2001:db8:0:1:fff::1/68");
	conf_next_key(&l, &h20c);
	conf_walk(&l);
	conf_delete(&l, &h20c);
	conf_lookup(&l, &a);
	conf_walk(&l);
	return conf_end();
}

/*
 * trie_update_elem() inserts intermediate nodes that are not elements:
 * 2001:db8::/48 and 2001:db8:8000::/48 share an intermediate
 * 2001:db8::/32.
 */
static int
conf_lpm6_intermediate(void)
{
	static const struct l6_step steps[] = {
		S6(48, "2001:db8::", 1, BPF_ANY),
		S6(48, "2001:db8:8000::", 2, BPF_ANY), G6(32, "2001:db8::"),
		G6(128, "2001:db8:4000::1"), D6(32, "2001:db8::"),
		S6(32, "2001:db8::", 3, BPF_EXIST), N6(32, "2001:db8::"), W6,
		S6(32, "2001:db8::", 3, BPF_NOEXIST),
		G6(128, "2001:db8:4000::1"), W6, D6(32, "2001:db8::"),
		G6(128, "2001:db8:4000::1"), W6,
	};
	/* A full trie has no room for the intermediate node's prefix. */
	static const struct l6_step full[] = {
		S6(48, "2001:db8::", 1, BPF_ANY),
		S6(48, "2001:db8:8000::", 2, BPF_ANY),
		S6(32, "2001:db8::", 3, BPF_ANY),
		S6(32, "2001:db8::", 3, BPF_NOEXIST), W6,
	};
	struct conf_map l, f;

	CONF_BEGIN("lpm6_intermediate");
	if (lpm6(&l, "lpm6", 16))
		l6_run(&l, steps, RTE_DIM(steps));
	if (lpm6(&f, "lpm6_2", 2))
		l6_run(&f, full, RTE_DIM(full));
	return conf_end();
}

/* trie_check_add_elem(): ENOSPC when full, after BPF_EXIST's ENOENT. */
static int
conf_lpm6_capacity(void)
{
	static const struct l6_step steps[] = {
		S6(16, "2001::", 9, BPF_NOEXIST),
		S6(32, "2001:db8::", 9, BPF_NOEXIST),
		S6(64, "2001:db8:1:2::", 9, BPF_NOEXIST),
		S6(128, "2001:db8:1:2::3", 9, BPF_ANY),
		S6(128, "2001:db8:1:2::3", 9, BPF_NOEXIST),
		S6(128, "2001:db8:1:2::3", 9, BPF_EXIST),
		S6(0, "::", 9, BPF_ANY),
		S6(16, "2001::", 9, BPF_NOEXIST), S6(16, "2001::", 10, BPF_ANY),
		S6(32, "2001:db8::", 10, BPF_EXIST),
		D6(64, "2001:db8:1:2::"),
		S6(128, "2001:db8:1:2::3", 9, BPF_NOEXIST),
		S6(0, "::", 9, BPF_ANY), W6,
	};

	return L6_SCENARIO("lpm6_capacity", 3, steps);
}

/* Equal values share a slot: changing one route's value leaves the others. */
static int
conf_lpm6_shared_values(void)
{
	static const struct l6_step steps[] = {
		S6(32, "2001:db8::", 7, BPF_ANY),
		S6(48, "2001:db8:1::", 7, BPF_ANY),
		S6(64, "2001:db8:1:2::", 7, BPF_ANY),
		S6(48, "2001:db8:1::", 8, BPF_EXIST),
		G6(128, "2001:db8::1"), G6(128, "2001:db8:1::1"),
		G6(128, "2001:db8:1:2::1"),
		D6(64, "2001:db8:1:2::"), G6(128, "2001:db8:1:2::1"),
		S6(64, "2001:db8:1:2::", 8, BPF_NOEXIST),
		G6(128, "2001:db8:1:2::1"), W6,
	};

	return L6_SCENARIO("lpm6_shared_values", 8, steps);
}

const struct autotest_case conf_lpm6_cases[] = {
	TEST_CASE(conf_lpm6_elems),
	TEST_CASE(conf_lpm6_prefixlen),
	TEST_CASE(conf_lpm6_default_route),
	TEST_CASE(conf_lpm6_host_bits),
	TEST_CASE(conf_lpm6_intermediate),
	TEST_CASE(conf_lpm6_capacity),
	TEST_CASE(conf_lpm6_shared_values),
	TEST_CASES_END(),
};
