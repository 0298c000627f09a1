/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Shared names: a table created with name_shared takes a name live tables
 * hold. mim_find() gives the newest live holder, and the next newest when
 * that one goes; without the option a held name is refused as before.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_eal.h>

#include <mim.h>
#include "mim_private.h"

#include "autotest.h"
#include "autotest_util.h"

static int
named(const char *name, uint32_t shared)
{
	MIM_OPTS(mim_create_opts, o, .name_shared = shared);

	return mim_create(MIM_TYPE_HASH, name, 4, 8, 16, &o);
}

/* Without the option, a held name is refused as it always was. */
static int
test_name_default_unique(void)
{
	int a = named("tenant", 0), b;

	TEST_ASSERT_OK(a);
	TEST_ASSERT_ERR(named("tenant", 0), EEXIST,
			"a table named 'tenant' exists");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_HASH, "tenant", 4, 8, 16, NULL),
			EEXIST, "");
	b = named("tenant", 1);
	TEST_ASSERT_OK(b);
	/* A later table without the option is still refused. */
	TEST_ASSERT_ERR(named("tenant", 0), EEXIST, "");
	TEST_ASSERT_OK(mim_close(b));
	TEST_ASSERT_OK(mim_close(a));
	/* The first holder may set the option too. */
	a = named("tenant", 1);
	TEST_ASSERT_OK(a);
	TEST_ASSERT_EQUAL(mim_find("tenant"), a, "");
	TEST_ASSERT_OK(mim_close(a));
	TEST_ASSERT_ERR(mim_find("tenant"), ENOENT, "no table named 'tenant'");
	return TEST_SUCCESS;
}

/* A tenant's table replaced again and again under one name. */
static int
test_name_replacement_cycle(void)
{
	MIM_OPTS(mim_create_opts, oo, .inner_type = MIM_TYPE_HASH,
		 .inner_key_size = 4, .inner_value_size = 8,
		 .inner_max_entries = 16);
	int outer = mim_create(MIM_TYPE_ARRAY_OF_TABLES, "vnis", 4, 4, 8192, &oo);
	uint32_t vni = 5000, k = 1, v, gen;
	struct mim_table_info info;
	struct mim_stats st;
	int cur, next;
	uint64_t val;

	TEST_ASSERT_OK(outer);
	cur = named("vni5000", 0);
	TEST_ASSERT_OK(cur);
	TEST_ASSERT_OK(autotest_put(outer, vni, cur));
	TEST_ASSERT_OK(mim_close(cur));
	for (gen = 1; gen <= 8; gen++) {
		next = named("vni5000", 1);
		TEST_ASSERT_OK(next);
		val = gen;
		TEST_ASSERT_OK(mim_update_elem(next, &k, &val, MIM_ANY));
		TEST_ASSERT_EQUAL(mim_find("vni5000"), next, "gen %u", gen);
		/* The slot's table goes with the slot's reference. */
		TEST_ASSERT_OK(autotest_put(outer, vni, next));
		TEST_ASSERT_OK(mim_close(next));
		TEST_ASSERT_EQUAL(mim_find("vni5000"), next, "gen %u", gen);
		TEST_ASSERT_OK(mim_lookup_elem(outer, &vni, &v));
		TEST_ASSERT_EQUAL(v, (uint32_t)next, "");
		TEST_ASSERT_OK(mim_get_info(next, &info));
		TEST_ASSERT(strcmp(info.name, "vni5000") == 0, "%s", info.name);
		TEST_ASSERT_OK(mim_get_stats(&st));
		TEST_ASSERT_EQUAL(st.nb_tables, 2, "gen %u", gen);
		TEST_ASSERT_OK(mim_lookup_elem(next, &k, &val));
		TEST_ASSERT_EQUAL(val, gen, "");
		cur = next;
	}
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_ERR(mim_find("vni5000"), ENOENT, "");
	return TEST_SUCCESS;
}

/* The registry's chain of holders: newest first, every one of them. */
static int
check_chain(const char *name, const int *ids, int n)
{
	const struct mim_obj *t;
	uint32_t got[8];
	int i, len = 0, bad_name = 0;

	mim_lock();
	for (t = mim_registry_find(name); t != NULL && len < 8;
	     t = t->name_older) {
		got[len++] = t->id;
		bad_name |= strcmp(t->name, name) != 0;
	}
	mim_unlock();
	TEST_ASSERT_EQUAL(len, n, "holders of '%s'", name);
	TEST_ASSERT(!bad_name, "a holder of '%s' has another name", name);
	for (i = 0; i < n; i++)
		TEST_ASSERT_EQUAL(got[i], (uint32_t)ids[i], "holder %d", i);
	if (n > 0)
		TEST_ASSERT_EQUAL(mim_find(name), ids[0], "");
	else
		TEST_ASSERT_ERR(mim_find(name), ENOENT, "");
	return TEST_SUCCESS;
}

#define CHAIN(...) do {							\
	const int _ids[] = { __VA_ARGS__ };				\
	TEST_ASSERT_OK(check_chain("t", _ids, (int)RTE_DIM(_ids)));	\
} while (0)

static int
test_name_chain(void)
{
	int a, b, c, d, i, other[100];
	char nm[16];

	a = named("t", 0);
	b = named("t", 1);
	c = named("t", 1);
	TEST_ASSERT_OK(a);
	TEST_ASSERT_OK(b);
	TEST_ASSERT_OK(c);
	CHAIN(c, b, a);
	TEST_ASSERT_OK(mim_close(b));   /* the middle one */
	CHAIN(c, a);
	/* Enough other names to grow the name buckets under the chain. */
	for (i = 0; i < (int)RTE_DIM(other); i++) {
		snprintf(nm, sizeof(nm), "other%d", i);
		other[i] = named(nm, 0);
		TEST_ASSERT_OK(other[i]);
	}
	CHAIN(c, a);
	TEST_ASSERT_OK(mim_close(c));   /* the newest */
	CHAIN(a);
	d = named("t", 1);
	TEST_ASSERT_OK(d);
	CHAIN(d, a);
	TEST_ASSERT_OK(mim_close(a));   /* the oldest */
	CHAIN(d);
	for (i = 0; i < (int)RTE_DIM(other); i++) {
		snprintf(nm, sizeof(nm), "other%d", i);
		TEST_ASSERT_EQUAL(mim_find(nm), other[i], "");
		TEST_ASSERT_OK(mim_close(other[i]));
	}
	TEST_ASSERT_OK(mim_close(d));
	TEST_ASSERT_OK(check_chain("t", NULL, 0));
	return TEST_SUCCESS;
}

/*
 * The old holder kept alive by an outer slot: its release leaves the name
 * to the new one; the new one closed first gives the name back to it.
 */
static int
test_name_old_holder_release(void)
{
	MIM_OPTS(mim_create_opts, oo, .inner_type = MIM_TYPE_HASH,
		 .inner_key_size = 4, .inner_value_size = 8,
		 .inner_max_entries = 16);
	int outer = mim_create(MIM_TYPE_HASH_OF_TABLES, NULL, 4, 4, 16, &oo);
	uint32_t key = 7;
	int old = named("blue", 0), nw;

	TEST_ASSERT_OK(outer);
	TEST_ASSERT_OK(old);
	TEST_ASSERT_OK(autotest_put(outer, key, old));
	TEST_ASSERT_OK(mim_close(old));          /* the slot holds it */
	nw = named("blue", 1);
	TEST_ASSERT_OK(nw);
	TEST_ASSERT_EQUAL(mim_find("blue"), nw, "");
	TEST_ASSERT_OK(mim_delete_elem(outer, &key));   /* old released */
	TEST_ASSERT_EQUAL(mim_find("blue"), nw, "");

	old = nw;
	TEST_ASSERT_OK(autotest_put(outer, key, old));
	TEST_ASSERT_OK(mim_close(old));
	nw = named("blue", 1);
	TEST_ASSERT_OK(nw);
	TEST_ASSERT_OK(mim_close(nw));           /* the new one goes first */
	TEST_ASSERT_EQUAL(mim_find("blue"), old, "");
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_ERR(mim_find("blue"), ENOENT, "");
	return TEST_SUCCESS;
}

/* Ask DPDK's telemetry socket (protocol v2) one command; reply in buf. */
static int
tel_query(const char *cmd, char *buf, size_t len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ssize_t n;

	if (fd < 0)
		return -errno;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2",
		 rte_eal_get_runtime_dir());
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    read(fd, buf, len - 1) <= 0 ||              /* the greeting */
	    write(fd, cmd, strlen(cmd)) < 0 ||
	    (n = read(fd, buf, len - 1)) <= 0) {
		close(fd);
		return -EIO;
	}
	buf[n] = '\0';
	close(fd);
	return 0;
}

/* /mim/list lists every holder of a shared name while it lives. */
static int
test_name_telemetry_list(void)
{
	int a = named("green", 0), b = named("green", 1);
	char reply[4096], entry[64];

	TEST_ASSERT_OK(a);
	TEST_ASSERT_OK(b);
	TEST_ASSERT_OK(tel_query("/mim/list", reply, sizeof(reply)));
	snprintf(entry, sizeof(entry), "\"%d\":\"green\"", a);
	TEST_ASSERT(strstr(reply, entry) != NULL, "%s not in %s", entry, reply);
	snprintf(entry, sizeof(entry), "\"%d\":\"green\"", b);
	TEST_ASSERT(strstr(reply, entry) != NULL, "%s not in %s", entry, reply);
	TEST_ASSERT_OK(tel_query("/mim/info,green", reply, sizeof(reply)));
	snprintf(entry, sizeof(entry), "\"id\":%d,", b);
	TEST_ASSERT(strstr(reply, entry) != NULL, "%s not in %s", entry, reply);
	TEST_ASSERT_OK(mim_close(b));
	TEST_ASSERT_OK(tel_query("/mim/list", reply, sizeof(reply)));
	snprintf(entry, sizeof(entry), "\"%d\":\"green\"", b);
	TEST_ASSERT(strstr(reply, entry) == NULL, "%s", reply);
	snprintf(entry, sizeof(entry), "\"%d\":\"green\"", a);
	TEST_ASSERT(strstr(reply, entry) != NULL, "%s not in %s", entry, reply);
	TEST_ASSERT_OK(mim_close(a));
	return TEST_SUCCESS;
}

static const struct autotest_case names_cases[] = {
	TEST_CASE(test_name_default_unique),
	TEST_CASE(test_name_replacement_cycle),
	TEST_CASE(test_name_chain),
	TEST_CASE(test_name_old_holder_release),
	TEST_CASE(test_name_telemetry_list),
	TEST_CASES_END(),
};

static struct autotest_suite names_suite = {
	.name = "names",
	.help = "names shared by a table and the one that replaces it",
	.cases = names_cases,
};
REGISTER_AUTOTEST(names_suite);
