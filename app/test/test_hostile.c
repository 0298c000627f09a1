/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Hostile and mistaken use of the control plane: defer queue sizes DPDK
 * cannot make, SYNC mode called from a reader, options that do not apply,
 * sizes that do not match the table, and the reasons given for each.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>

#include "autotest.h"
#include "autotest_util.h"

static int
test_rcu_dq_size(void)
{
	MIM_OPTS(mim_rcu_opts, o, .dq_size = 1U << 31);
	struct rte_rcu_qsbr *v;

	/* rte_rcu_qsbr_dq_create() would make a ring of 0 entries. */
	TEST_ASSERT_ERR(mim_rcu_configure(&o), EINVAL,
			"dq_size 2147483648 above 1073741823");
	o.dq_size = UINT32_MAX;
	TEST_ASSERT_ERR(mim_rcu_configure(&o), EINVAL, "dq_size 4294967295 above");
	/* A ring of 2^31 entries: above RTE_RING_SZ_MASK. */
	o.dq_size = 1U << 30;
	TEST_ASSERT_ERR(mim_rcu_configure(&o), EINVAL, "an rte_ring holds at most 2^30");
	/* The largest ring DPDK can make: accepted, then 48 GiB are not there. */
	o.dq_size = MIM_RCU_DQ_SIZE_MAX;
	TEST_ASSERT_OK(mim_rcu_configure(&o));
	v = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(4), RTE_CACHE_LINE_SIZE);
	TEST_ASSERT(v != NULL && rte_rcu_qsbr_init(v, 4) == 0, "");
	TEST_ASSERT_ERR(mim_rcu_qsbr_add(v), ENOMEM,
			"a ring of 1073741824 entries of 48 bytes");
	rte_free(v);
	TEST_ASSERT_OK(mim_rcu_configure(NULL));
	return TEST_SUCCESS;
}

/* An open hash table with one key. */
static int
one_key_hash(const char *name)
{
	uint32_t k = 1, val = 10;
	int h = mim_create(MIM_TYPE_HASH, name, 4, 4, 8, NULL);

	if (h > 0 && mim_update_elem(h, &k, &val, MIM_ANY) != 0)
		return -1;
	return h;
}

static int
test_sync_self_online(void)
{
	MIM_OPTS(mim_rcu_opts, o, .mode = MIM_RCU_MODE_SYNC);
	unsigned int self = rte_lcore_id();
	struct mim_table_info info;
	uint32_t k = 1, val = 11;
	struct rte_rcu_qsbr *v;
	int h;

	TEST_ASSERT_OK(mim_rcu_configure(&o));
	v = autotest_qsbr(RTE_MAX_LCORE);
	TEST_ASSERT(v != NULL, "");
	h = one_key_hash("h");
	TEST_ASSERT_OK(h);
	/* The caller reads too, registered with its lcore id. */
	autotest_reader_online(v, self);
	TEST_ASSERT_ERR(mim_update_elem(h, &k, &val, MIM_ANY), EDEADLK,
			"is online on attached QSBR variable 0");
	TEST_ASSERT_ERR(mim_close(h), EDEADLK, "it would wait for itself");
	/* Nothing changed. */
	TEST_ASSERT_OK(mim_lookup_elem(h, &k, &val));
	TEST_ASSERT_EQUAL(val, 10, "");
	TEST_ASSERT_OK(mim_get_info(h, &info));
	TEST_ASSERT_EQUAL(info.handles, 1, "");
	rte_rcu_qsbr_thread_offline(v, self);
	TEST_ASSERT_OK(mim_close(h));
	return TEST_SUCCESS;
}

/* Deleting a route whose value another route still uses. */
static int
test_sync_self_online_lpm(void)
{
	MIM_OPTS(mim_rcu_opts, o, .mode = MIM_RCU_MODE_SYNC);
	struct mim_lpm_key host = { 32, RTE_BE32(0x0a000001) };
	struct mim_lpm_key net = { 16, RTE_BE32(0x0a010000) };
	unsigned int self = rte_lcore_id();
	struct rte_rcu_qsbr *v;
	uint32_t val = 5;
	int l;

	TEST_ASSERT_OK(mim_rcu_configure(&o));
	v = autotest_qsbr(RTE_MAX_LCORE);
	TEST_ASSERT(v != NULL, "");
	l = mim_create(MIM_TYPE_LPM, "l", 8, 4, 8, NULL);
	TEST_ASSERT_OK(l);
	/* Two routes share the value: deleting one frees no value slot,
	 * but retires the range array that held it.
	 */
	TEST_ASSERT_OK(mim_update_elem(l, &host, &val, MIM_ANY));
	TEST_ASSERT_OK(mim_update_elem(l, &net, &val, MIM_ANY));
	autotest_reader_online(v, self);
	TEST_ASSERT_ERR(mim_delete_elem(l, &host), EDEADLK,
			"it would wait for itself");
	rte_rcu_qsbr_thread_offline(v, self);
	TEST_ASSERT_OK(mim_delete_elem(l, &host));
	TEST_ASSERT_OK(mim_close(l));
	return TEST_SUCCESS;
}

/* The log, captured: has the warning naming thread 7 been written? */
static char log_text[1024];
static size_t log_len;
static volatile int log_warned;

static ssize_t
log_write(void *c, const char *buf, size_t size)
{
	size_t n = RTE_MIN(size, sizeof(log_text) - 1 - log_len);

	RTE_SET_USED(c);
	memcpy(log_text + log_len, buf, n);
	log_len += n;
	log_text[log_len] = '\0';
	if (strstr(log_text, "without a quiescent state: 7") != NULL)
		__atomic_store_n(&log_warned, 1, __ATOMIC_RELEASE);
	return (ssize_t)size;
}

struct lagging {
	struct rte_rcu_qsbr *v;
	volatile int online;
};

/* Reader thread id 7: online, silent until the wait has been logged. */
static int
lagging_reader(void *p)
{
	struct lagging *l = p;
	uint64_t give_up = rte_get_timer_cycles() + 30 * rte_get_timer_hz();

	autotest_reader_online(l->v, 7);
	__atomic_store_n(&l->online, 1, __ATOMIC_RELEASE);
	/* A failing library never logs: stop waiting after 30 s anyway,
	 * so that the case fails on its assertion rather than hangs.
	 */
	while (!__atomic_load_n(&log_warned, __ATOMIC_ACQUIRE) &&
	       rte_get_timer_cycles() < give_up)
		rte_pause();
	rte_rcu_qsbr_thread_offline(l->v, 7);
	rte_rcu_qsbr_thread_unregister(l->v, 7);
	return 0;
}

static int
test_sync_lagging_logged(void)
{
	MIM_OPTS(mim_rcu_opts, o, .mode = MIM_RCU_MODE_SYNC);
	cookie_io_functions_t io = { .write = log_write };
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	struct lagging l = { .online = 0 };
	FILE *prev = rte_log_get_stream(), *f;
	int h, ret;

	if (worker >= RTE_MAX_LCORE) {
		printf("    needs a worker lcore (-l 0-1)\n");
		return TEST_SKIPPED;
	}
	TEST_ASSERT_OK(mim_rcu_configure(&o));
	l.v = autotest_qsbr(16);
	TEST_ASSERT(l.v != NULL, "");
	h = one_key_hash("h");
	TEST_ASSERT_OK(h);
	f = fopencookie(NULL, "w", io);
	TEST_ASSERT(f != NULL, "");
	setvbuf(f, NULL, _IONBF, 0);
	log_len = 0;
	log_warned = 0;
	rte_openlog_stream(f);
	rte_eal_remote_launch(lagging_reader, &l, worker);
	while (!__atomic_load_n(&l.online, __ATOMIC_ACQUIRE))
		rte_pause();
	/* Waits for thread 7, which waits for the warning. */
	ret = mim_close(h);
	rte_eal_wait_lcore(worker);
	rte_openlog_stream(prev);
	fclose(f);
	TEST_ASSERT_OK(ret);
	TEST_ASSERT(log_warned, "the wait was not logged: %s", log_text);
	TEST_ASSERT(strstr(log_text, "attached QSBR variable 0") != NULL &&
		    strstr(log_text, "1 reader thread id(s) online") != NULL,
		    "%s", log_text);
	return TEST_SUCCESS;
}

static int
test_opts_inapplicable(void)
{
	MIM_OPTS(mim_create_opts, o, .lpm_tbl8_groups = 5);
	int id;

	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY, "a", 4, 4, 4, &o), EINVAL,
			"lpm_tbl8_groups 5 given to a table of type array: only LPM tables take it");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_HASH, "h", 4, 4, 4, &o), EINVAL,
			"only LPM tables take it");
	id = mim_create(MIM_TYPE_LPM, "l", 8, 4, 4, &o);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

static int
test_error_texts(void)
{
	struct mim_create_opts zero = { .sz = 0 };
	struct mim_rcu_opts rzero = { .sz = 0 };
	MIM_OPTS(mim_create_opts, o, .inner_id = 0);
	struct rte_rcu_qsbr *v;
	int tmpl, outer;

	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "o", 4, 4, 4, &o),
			EBADF, "an outer table needs a template");
	o.inner_id = -ENOMEM;   /* a failed mim_create() passed on */
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY_OF_TABLES, "o", 4, 4, 4, &o),
			EBADF, "inner_id -12 is not a table ID");
	TEST_ASSERT_ERR(mim_create(MIM_TYPE_ARRAY, "a", 4, 4, 4, &zero), EINVAL,
			"sz is 0; declare it with MIM_OPTS(mim_create_opts, name, ...)");
	TEST_ASSERT_ERR(mim_rcu_configure(&rzero), EINVAL,
			"MIM_OPTS(mim_rcu_opts");
	/* One release waiting: singular. */
	v = autotest_qsbr(4);
	TEST_ASSERT(v != NULL, "");
	autotest_reader_online(v, 1);
	tmpl = mim_create(MIM_TYPE_HASH, "t", 4, 4, 4, NULL);
	TEST_ASSERT_OK(tmpl);
	TEST_ASSERT_OK(mim_close(tmpl));
	TEST_ASSERT_ERR(mim_rcu_qsbr_remove(v), EBUSY,
			"1 release is waiting for readers");
	rte_rcu_qsbr_quiescent(v, 1);
	/* Tables until DPDK memory runs out (LPM tables are too small for
	 * it now: arrays of 128 MiB): the reason names what failed.
	 */
	int ids[256], n, ret = 0;

	for (n = 0; n < 256; n++) {
		ret = mim_create(MIM_TYPE_ARRAY, NULL, 4, 8, 1U << 24, NULL);
		if (ret < 0)
			break;
		ids[n] = ret;
	}
	outer = ret;
	while (n > 0)
		TEST_ASSERT_OK(mim_close(ids[--n]));
	TEST_ASSERT_EQUAL(outer, -ENOMEM, "%s", mim_last_error());
	TEST_ASSERT(strstr(mim_last_error(), "cannot allocate 16777216 elements of 8 bytes") != NULL,
		    "%s", mim_last_error());
	return TEST_SUCCESS;
}

static int
test_elem_sizes(void)
{
	uint8_t key16[16] = { 1 }, big[16] = { 0 };
	uint32_t k4 = 0, val = 7, got = 0;
	uint16_t v2 = 0;
	int h, a;

	h = mim_create(MIM_TYPE_HASH, "flows", 16, 4, 8, NULL);
	a = mim_create(MIM_TYPE_ARRAY, "arr", 4, 4, 4, NULL);
	TEST_ASSERT_OK(h);
	TEST_ASSERT_OK(a);
	/* A 4-byte key for a table of 16-byte keys, a 2-byte value. */
	TEST_ASSERT_ERR(mim_update_elem_sz(h, &k4, sizeof(k4), &val,
					   sizeof(val), MIM_ANY), EINVAL,
			"key_sz 4 != table 'flows'");
	TEST_ASSERT_ERR(mim_update_elem_sz(h, key16, sizeof(key16), &v2,
					   sizeof(v2), MIM_ANY), EINVAL,
			"value_sz 2 != table 'flows'");
	TEST_ASSERT_OK(mim_update_elem_sz(h, key16, sizeof(key16), &val,
					  sizeof(val), MIM_ANY));
	TEST_ASSERT_ERR(mim_lookup_elem_sz(h, key16, sizeof(key16), &v2,
					   sizeof(v2)), EINVAL,
			"value_sz 2 != table 'flows'");
	TEST_ASSERT_OK(mim_lookup_elem_sz(h, key16, sizeof(key16), &got,
					  sizeof(got)));
	TEST_ASSERT_EQUAL(got, 7, "");
	TEST_ASSERT_ERR(mim_get_next_key_sz(h, NULL, &k4, sizeof(k4)), EINVAL,
			"key_sz 4 != table 'flows'");
	TEST_ASSERT_OK(mim_get_next_key_sz(h, NULL, big, sizeof(big)));
	TEST_ASSERT_EQUAL(memcmp(big, key16, 16), 0, "");
	TEST_ASSERT_ERR(mim_delete_elem_sz(h, &k4, sizeof(k4)), EINVAL,
			"key_sz 4 != table 'flows'");
	TEST_ASSERT_OK(mim_delete_elem_sz(h, key16, sizeof(key16)));
	TEST_ASSERT_ERR(mim_lookup_elem_sz(h, key16, sizeof(key16), &got,
					   sizeof(got)), ENOENT, "");
	/* A bad ID first, as the plain calls. */
	TEST_ASSERT_ERR(mim_delete_elem_sz(9999, key16, 3), EBADF,
			"no table with id 9999");
	TEST_ASSERT_OK(mim_update_elem_sz(a, &k4, 4, &val, 4, MIM_ANY));
	TEST_ASSERT_ERR(mim_update_elem_sz(a, &k4, 8, &val, 4, MIM_ANY),
			EINVAL, "key_sz 8 != table 'arr'");
	TEST_ASSERT_OK(mim_close(a));
	TEST_ASSERT_OK(mim_close(h));
	return TEST_SUCCESS;
}

static const struct autotest_case hostile_cases[] = {
	TEST_CASE(test_rcu_dq_size),
	TEST_CASE(test_sync_self_online),
	TEST_CASE(test_sync_self_online_lpm),
	TEST_CASE(test_sync_lagging_logged),
	TEST_CASE(test_opts_inapplicable),
	TEST_CASE(test_error_texts),
	TEST_CASE(test_elem_sizes),
	TEST_CASES_END(),
};

static struct autotest_suite hostile_suite = {
	.name = "hostile",
	.help = "mistaken and hostile control-plane use: clear errors, no hang",
	.cases = hostile_cases,
};
REGISTER_AUTOTEST(hostile_suite);
