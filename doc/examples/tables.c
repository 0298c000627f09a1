/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The table types and their keys and values (guide: tables.rst).
 *
 *   doc-tables --no-huge --no-pci -m 512 --no-shconf -l 0
 */

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

#include <mim.h>

#include "check.h"

/* [flow key] */
/* Hash tables compare all key_size bytes: padding must be zero. A key of
 * more than 8 bytes, as this one, is kept in front of its value object.
 */
struct flow_key {
	rte_be32_t src, dst;
	rte_be16_t sport, dport;
	uint8_t proto;
	uint8_t pad[3];
};
/* [flow key end] */

static void
array(void)
{
	/* [array] */
	/* 256 elements of 16 bytes, indexed by a u32. */
	mim_id_t arr = CHECK(mim_create(MIM_TYPE_ARRAY, "counters", 4, 16,
					256, NULL));
	const struct mim_table *t = mim_table(arr);
	uint8_t val[16] = { 42 };
	uint32_t idx = 7;

	/* Every index exists from the start, zeroed; updates are in place. */
	CHECK(mim_update_elem_sz(arr, &idx, sizeof(idx), val, sizeof(val),
				 MIM_ANY));
	ASSERT(((uint8_t *)mim_lookup(t, &idx))[0] == 42);
	idx = 256;
	EXPECT(mim_update_elem_sz(arr, &idx, sizeof(idx), val, sizeof(val),
				  MIM_ANY), -E2BIG,
	       "index 256 >= max_entries 256");
	ASSERT(mim_lookup(t, &idx) == NULL);
	EXPECT(mim_delete_elem_sz(arr, &idx, sizeof(idx)), -EINVAL,
	       "array elements cannot be deleted (update them instead)");
	/* [array end] */
	CHECK(mim_close(arr));
}

static void
options(void)
{
	/* [options] */
	/* Options that do not apply to the type are refused, as the kernel
	 * refuses flags that do not apply to a map type...
	 */
	MIM_OPTS(mim_create_opts, t8, .lpm_tbl8_groups = 64);
	EXPECT(mim_create(MIM_TYPE_HASH, "t8", 4, 4, 64, &t8), -EINVAL,
	       "lpm_tbl8_groups 64 given to a table of type hash: only LPM tables take it");
	/* ...and a structure not declared with MIM_OPTS() is named as such. */
	struct mim_create_opts raw = { .lpm_tbl8_groups = 64 };
	EXPECT(mim_create(MIM_TYPE_LPM, "raw", 8, 4, 64, &raw), -EINVAL,
	       "malformed struct mim_create_opts: sz is 0; declare it with MIM_OPTS(mim_create_opts, name, ...), which sets sz");
	/* [options end] */
}

static void
hash(void)
{
	/* [hash] */
	mim_id_t flows = CHECK(mim_create(MIM_TYPE_HASH, "flows",
					  sizeof(struct flow_key), 8, 1000,
					  NULL));
	const struct mim_table *t = mim_table(flows);
	struct flow_key k;
	uint64_t v = 1;
	const uint64_t *p;

	memset(&k, 0, sizeof(k));          /* padding included */
	k.src = RTE_BE32(0x0a000001);
	k.dst = RTE_BE32(0x0a000002);
	k.sport = RTE_BE16(1234);
	k.dport = RTE_BE16(80);
	k.proto = 6;
	CHECK(mim_update_elem_sz(flows, &k, sizeof(k), &v, sizeof(v),
				 MIM_NOEXIST));
	p = mim_lookup(t, &k);
	ASSERT(p != NULL && *p == 1);

	/* An update takes a new value object and publishes it with one
	 * store: a reader holding p keeps reading the old value, which is
	 * released after a grace period (here at once: no reader is
	 * attached).
	 */
	v = 2;
	CHECK(mim_update_elem_sz(flows, &k, sizeof(k), &v, sizeof(v),
				 MIM_EXIST));
	p = mim_lookup(t, &k);
	ASSERT(*p == 2);
	/* [hash end] */
	/* [sized] */
	/* The _sz calls check each buffer's size against the table's before
	 * the plain call runs: a buffer of the wrong size is refused, never
	 * read or written past its end.
	 */
	uint32_t vni = 5001;     /* a 4-byte key for a table of 16-byte keys */
	uint32_t small;          /* a 4-byte buffer for 8-byte values */

	EXPECT(mim_lookup_elem_sz(flows, &vni, sizeof(vni), &v, sizeof(v)),
	       -EINVAL, "key_sz 4 != table 'flows' (id %d) key_size 16", flows);
	EXPECT(mim_lookup_elem_sz(flows, &k, sizeof(k), &small, sizeof(small)),
	       -EINVAL, "value_sz 4 != table 'flows' (id %d) value_size 8",
	       flows);
	CHECK(mim_lookup_elem_sz(flows, &k, sizeof(k), &v, sizeof(v)));
	ASSERT(v == 2);
	/* [sized end] */
	CHECK(mim_close(flows));
}

static void
lpm(void)
{
	/* [lpm] */
	mim_id_t rt = CHECK(mim_create(MIM_TYPE_LPM, "routes",
				       sizeof(struct mim_lpm_key), 4, 1024,
				       NULL));
	const struct mim_table *t = mim_table(rt);
	/* Addresses in network byte order, as BPF_MAP_TYPE_LPM_TRIE. */
	struct mim_lpm_key k8 = { 8, RTE_BE32(0x0a000000) };   /* 10/8 */
	struct mim_lpm_key k16 = { 16, RTE_BE32(0x0a010000) }; /* 10.1/16 */
	struct mim_lpm_key k0 = { 0, 0 };                      /* default */
	struct mim_lpm_key k24 = { 24, RTE_BE32(0x0b000000) }; /* 11/24 */
	struct mim_lpm_key q;
	uint32_t nh;

	nh = 1;
	CHECK(mim_update_elem_sz(rt, &k8, sizeof(k8), &nh, sizeof(nh),
				 MIM_ANY));
	nh = 2;
	CHECK(mim_update_elem_sz(rt, &k16, sizeof(k16), &nh, sizeof(nh),
				 MIM_ANY));
	nh = 9;
	CHECK(mim_update_elem_sz(rt, &k0, sizeof(k0), &nh, sizeof(nh),
				 MIM_ANY));
	nh = 1;
	CHECK(mim_update_elem_sz(rt, &k24, sizeof(k24), &nh, sizeof(nh),
				 MIM_ANY));

	/* The data path ignores prefixlen: the longest prefix matches. */
	q.prefixlen = 8;
	q.addr = RTE_BE32(0x0a010203);                        /* 10.1.2.3 */
	ASSERT(*(uint32_t *)mim_lookup(t, &q) == 2);
	/* The control plane bounds the match by prefixlen (the kernel's
	 * trie): at most 8 bits of 10.1.2.3 match 10/8.
	 */
	CHECK(mim_lookup_elem_sz(rt, &q, sizeof(q), &nh, sizeof(nh)));
	ASSERT(nh == 1);
	/* /0 is a route like any other: it covers every address. */
	q.addr = RTE_BE32(0xc0a80001);                        /* 192.168.0.1 */
	ASSERT(*(uint32_t *)mim_lookup(t, &q) == 9);
	/* Routes with equal values share one value slot. */
	ASSERT(mim_lookup(t, &k8) == mim_lookup(t, &k24));
	/* [lpm end] */
	CHECK(mim_close(rt));
}

static void
outer(void)
{
	/* [outer] */
	/* The template: every tenant's table is an LPM table of u32. */
	mim_id_t tmpl = CHECK(mim_create(MIM_TYPE_LPM, NULL, 8, 4, 16, NULL));
	MIM_OPTS(mim_create_opts, o, .inner_id = tmpl);
	/* Tenants by VRF number (array) and by VNI (hash, any key size). */
	mim_id_t vrfs = CHECK(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "vrfs",
					 4, 4, 4096, &o));
	mim_id_t vnis = CHECK(mim_create(MIM_TYPE_HASH_OF_TABLES, "vnis",
					 4, 4, 65536, &o));
	mim_id_t blue = CHECK(mim_create(MIM_TYPE_LPM, "blue", 8, 4, 1024,
					 NULL));
	uint32_t vrf = 10, vni = 5001;
	mim_id_t got;

	CHECK(mim_close(tmpl));    /* the outer tables keep a copy */
	/* The value written to an outer table is the inner table's ID... */
	CHECK(mim_update_elem_sz(vrfs, &vrf, sizeof(vrf), &blue, sizeof(blue),
				 MIM_ANY));
	CHECK(mim_update_elem_sz(vnis, &vni, sizeof(vni), &blue, sizeof(blue),
				 MIM_NOEXIST));
	/* ...and the control plane reads an ID back, */
	CHECK(mim_lookup_elem_sz(vnis, &vni, sizeof(vni), &got, sizeof(got)));
	ASSERT(got == blue);
	/* while the data path finds the inner table itself. */
	ASSERT(mim_lookup(mim_table(vrfs), &vrf) == mim_table(blue));
	/* [outer end] */
	CHECK(mim_close(blue));
	CHECK(mim_close(vrfs));
	CHECK(mim_close(vnis));
}

int
main(int argc, char **argv)
{
	if (rte_eal_init(argc, argv) < 0)
		return 1;
	array();
	options();
	hash();
	lpm();
	outer();
	ASSERT(mim_get_next_id(0, &(uint32_t){0}) == -ENOENT);
	printf("tables: ok\n");
	rte_eal_cleanup();
	return 0;
}
