/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Multi-process: this primary starts secondary processes (the mp_child
 * suite) on its hugepages. Run under hugepages.sh, which gives the pages
 * and the file prefix; without it the suite skips.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_hash.h>
#include <rte_rcu_qsbr.h>

#include <mim.h>
#include <mim_mp.h>

#include "mim_private.h"

#include "autotest.h"
#include "autotest_util.h"
#include "mp_script.h"
#include "test_adopt.h"
#include "mp_util.h"

static char dir[64];

static int
mp_setup(void)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY ||
	    mp_file_prefix() == NULL || mp_huge_dir() == NULL) {
		printf("mp: SKIP: run as a primary under app/test/mp/hugepages.sh\n");
		return TEST_SKIPPED;
	}
	snprintf(dir, sizeof(dir), "/tmp/mim-mp.XXXXXX");
	/* No mapinmap call here: the first case checks that a primary
	 * that made none serves all the same.
	 */
	return mkdtemp(dir) != NULL ? TEST_SUCCESS : TEST_FAILED;
}

static void
mp_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("cannot remove %s\n", dir);
}

static const char *
path(const char *name)
{
	static char p[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

/*
 * A secondary process attaches to this primary, which has made no
 * mapinmap call yet, and is answered.
 */
static int
test_mp_attach(void)
{
	TEST_ASSERT_EQUAL(mp_run("attach", NULL), 0, "child failed");
	TEST_ASSERT_OK(mp_reap());
	TEST_ASSERT_OK(mim_mp_init());
	TEST_ASSERT_OK(mim_mp_init());
	return TEST_SUCCESS;
}

/* Every read call gives a secondary what it gives the primary. */
static int
test_mp_reads(void)
{
	FILE *f;

	TEST_ASSERT_OK(mp_tables_make());
	f = fopen(path("reads.primary"), "w");
	TEST_ASSERT(f != NULL, "cannot write");
	mp_script_reads(f);
	fclose(f);
	TEST_ASSERT_EQUAL(mp_run("reads", path("reads.secondary")), 0,
			  "child failed");
	TEST_ASSERT_OK(mp_same_files(path("reads.primary"),
				     path("reads.secondary")));
	TEST_ASSERT_OK(mp_reap());
	autotest_close_all();
	return TEST_SUCCESS;
}

/* Creations and writes from a secondary: same results and reasons. */
static int
test_mp_writes(void)
{
	FILE *f = fopen(path("writes.primary"), "w");
	uint32_t next;

	TEST_ASSERT(f != NULL, "cannot write");
	mp_script_writes(f);
	fclose(f);
	TEST_ASSERT_ERR(mim_get_next_id(0, &next), ENOENT, "");
	TEST_ASSERT_EQUAL(mp_run("writes", path("writes.secondary")), 0,
			  "child failed");
	TEST_ASSERT_OK(mp_same_files(path("writes.primary"),
				     path("writes.secondary")));
	TEST_ASSERT_OK(mp_reap());
	TEST_ASSERT_ERR(mim_get_next_id(0, &next), ENOENT, "");
	return TEST_SUCCESS;
}

/* A secondary started before any table exists finds the later one. */
static int
test_mp_early(void)
{
	uint32_t k = 0, v = 4242;
	struct stat sb;
	pid_t pid;
	int id, i;

	pid = mp_spawn("early", path("early.go"));
	TEST_ASSERT(pid > 0, "spawn");
	for (i = 0; i < 2000 && stat(path("early.go"), &sb) != 0; i++)
		rte_delay_ms(5);
	id = mim_create(MIM_TYPE_ARRAY, "late", 4, 4, 1, NULL);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(mim_update_elem(id, &k, &v, MIM_ANY));
	TEST_ASSERT_EQUAL(mp_wait(pid), 0, "child failed");
	TEST_ASSERT_OK(mp_reap());
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/* A hash table of generation g: RD_KEYS values { g, check }. */
static int
rd_table(uint64_t g)
{
	int id = mim_create(MIM_TYPE_HASH, NULL, 4, 16, 16, NULL);
	uint32_t k;

	for (k = 0; id > 0 && k < 16; k++) {
		uint64_t val[2] = { g, g * 1000003ULL + k * 7919ULL + 1 };

		if (mim_update_elem(id, &k, val, MIM_ANY) != 0)
			return -1;
	}
	return id;
}

/* Replace the table in slot 0 of outer with generation g's. */
static int
rd_replace(int outer, uint64_t g)
{
	int id = rd_table(g), ret;

	if (id < 0)
		return id;
	ret = autotest_put(outer, 0, id);
	mim_close(id);
	return ret;
}

/* A secondary's reader checks every value while the primary replaces. */
static int
test_mp_reader(void)
{
	struct rte_rcu_qsbr *v = autotest_qsbr(4);
	struct mim_rcu_stats rs;
	int outer, tmpl, st;
	uint64_t g = 0;
	pid_t pid;

	TEST_ASSERT(v != NULL, "qsbr");
	tmpl = rd_table(0);
	TEST_ASSERT_OK(tmpl);
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "rd_outer", 1, tmpl);
	TEST_ASSERT_OK(outer);
	TEST_ASSERT_OK(autotest_put(outer, 0, tmpl));
	TEST_ASSERT_OK(mim_close(tmpl));
	pid = mp_spawn("reader", NULL);
	TEST_ASSERT(pid > 0, "spawn");
	while (waitpid(pid, &st, WNOHANG) == 0) {
		TEST_ASSERT_OK(rd_replace(outer, ++g));
		if (g % 16 == 0)
			mim_reclaim();
		rte_delay_us_sleep(2000);
	}
	TEST_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child failed");
	TEST_ASSERT_OK(mp_reap());
	TEST_ASSERT_OK(mim_close(outer));
	mim_reclaim();
	TEST_ASSERT_OK(mim_rcu_get_stats(&rs));
	TEST_ASSERT_EQUAL(rs.pending, 0, "releases left");
	printf("    primary: %" PRIu64 " replacements\n", g);
	return TEST_SUCCESS;
}

/* Wait for a file the child writes when it is ready. */
static int
wait_file(const char *p)
{
	struct stat sb;
	int i;

	for (i = 0; i < 2000 && stat(p, &sb) != 0; i++)
		rte_delay_ms(5);
	return i < 2000 ? 0 : -1;
}

/*
 * What the heap keeps of a secondary killed with SIGKILL that never
 * called mapinmap: its EAL's own allocations, which only its
 * rte_eal_cleanup() would have freed.
 */
static int64_t
killed_eal_bytes(void)
{
	uint64_t heap0 = mim_heap_allocated();
	pid_t pid;

	unlink(path("idle.ready"));
	pid = mp_spawn("idle", path("idle.ready"));
	if (pid < 0 || wait_file(path("idle.ready")) != 0)
		return -1;
	kill(pid, SIGKILL);
	if (mp_wait(pid) != 128 + SIGKILL)
		return -1;
	return (int64_t)(mim_heap_allocated() - heap0);
}

/*
 * A secondary killed with SIGKILL while its reader is online: nothing
 * is released while it lives; once the primary sees it gone, its reader
 * goes offline, its handle is dropped and reclamation resumes.
 */
static int
test_mp_reader_killed(void)
{
	int64_t eal_bytes = killed_eal_bytes();
	uint64_t heap0 = mim_heap_allocated();
	struct rte_rcu_qsbr *v = autotest_qsbr(4);
	MIM_OPTS(mim_mp_stats, ms);
	MIM_OPTS(mim_mp_stats, ms0);
	struct mim_table_info info;
	struct mim_rcu_stats rs;
	int outer, tmpl;
	pid_t pid;

	TEST_ASSERT(v != NULL, "qsbr");
	TEST_ASSERT(eal_bytes >= 0, "the idle child");
	TEST_ASSERT_OK(mim_mp_get_stats(&ms0));
	tmpl = rd_table(0);
	TEST_ASSERT_OK(tmpl);
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "rd_outer", 1, tmpl);
	TEST_ASSERT_OK(outer);
	TEST_ASSERT_OK(autotest_put(outer, 0, tmpl));
	TEST_ASSERT_OK(mim_close(tmpl));
	setenv("MIM_MP_READY", path("killed.ready"), 1);
	pid = mp_spawn("reader", "hold");
	unsetenv("MIM_MP_READY");
	TEST_ASSERT(pid > 0, "spawn");
	TEST_ASSERT_OK(wait_file(path("killed.ready")));
	TEST_ASSERT_OK(mim_get_info(outer, &info));
	TEST_ASSERT_EQUAL(info.handles, 2, "the secondary's handle");
	TEST_ASSERT_OK(rd_replace(outer, 1));
	TEST_ASSERT_OK(mim_reclaim());
	TEST_ASSERT_OK(mim_rcu_get_stats(&rs));
	TEST_ASSERT(rs.pending > 0, "released under an online reader");
	kill(pid, SIGKILL);
	TEST_ASSERT_EQUAL(mp_wait(pid), 128 + SIGKILL, "not killed");
	TEST_ASSERT_OK(mp_reap());
	TEST_ASSERT_OK(mim_mp_get_stats(&ms));
	TEST_ASSERT_EQUAL(ms.nb_dead_peers - ms0.nb_dead_peers, 1, "");
	TEST_ASSERT_EQUAL(ms.nb_dead_readers - ms0.nb_dead_readers, 1, "");
	TEST_ASSERT_EQUAL(ms.nb_dead_handles - ms0.nb_dead_handles, 1, "");
	TEST_ASSERT_OK(mim_get_info(outer, &info));
	TEST_ASSERT_EQUAL(info.handles, 1, "the dead secondary's handle");
	TEST_ASSERT(mim_reclaim() > 0, "reclamation did not resume");
	TEST_ASSERT_OK(mim_close(outer));
	mim_reclaim();
	TEST_ASSERT_OK(mim_rcu_get_stats(&rs));
	TEST_ASSERT_EQUAL(rs.pending, 0, "releases left");
	autotest_qsbr_release_all();
	/* The library left nothing of the dead process behind (its bounce
	 * buffer included): what stays is what any killed EAL leaves.
	 */
	TEST_ASSERT_EQUAL((int64_t)(mim_heap_allocated() - heap0), eal_bytes,
			  "heap after the killed secondary");
	return TEST_SUCCESS;
}

/* Is the library's control thread ("mim-mp") among this process's? */
static bool
server_running(void)
{
	char p[64], comm[32];
	struct dirent *d;
	bool found = false;
	DIR *dir = opendir("/proc/self/task");
	FILE *f;

	if (dir == NULL)
		return false;
	while (!found && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/proc/self/task/%.16s/comm", d->d_name);
		f = fopen(p, "r");
		if (f == NULL)
			continue;
		found = fgets(comm, sizeof(comm), f) != NULL &&
			strncmp(comm, "mim-mp", 6) == 0;
		fclose(f);
	}
	closedir(dir);
	return found;
}

/*
 * mim_mp_uninit() ends the control thread (so that nothing of the
 * library runs when rte_eal_cleanup() unmaps DPDK memory), a live
 * secondary's later calls are refused at once with ESHUTDOWN and a
 * reason, its handle stays, and mim_mp_init() serves again.
 */
static int
test_mp_uninit(void)
{
	struct mim_table_info info;
	char arg[1100];
	uint32_t k = 0, v = 7;
	pid_t pid;
	int id;

	id = mim_create(MIM_TYPE_ARRAY, "uninit_t", 4, 4, 4, NULL);
	TEST_ASSERT_OK(id);
	TEST_ASSERT_OK(mim_update_elem(id, &k, &v, MIM_ANY));
	TEST_ASSERT(server_running(), "no mim-mp thread while serving");
	unlink(path("uninit.ready"));
	unlink(path("uninit.go"));
	snprintf(arg, sizeof(arg), "%s %s", path("uninit.ready"),
		 path("uninit.go"));
	pid = mp_spawn("uninit", arg);
	TEST_ASSERT(pid > 0, "spawn");
	TEST_ASSERT_OK(wait_file(path("uninit.ready")));
	TEST_ASSERT_OK(mim_mp_uninit());
	TEST_ASSERT(!server_running(), "the mim-mp thread outlived mim_mp_uninit()");
	TEST_ASSERT_OK(mim_mp_uninit());
	/* The live secondary keeps its handle; nothing restarts the thread. */
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.handles, 2, "the secondary's handle");
	TEST_ASSERT_OK(mim_lookup_elem(id, &k, &v));
	TEST_ASSERT(!server_running(), "a call restarted the service");
	TEST_ASSERT_OK(close(open(path("uninit.go"), O_CREAT | O_WRONLY, 0600)));
	TEST_ASSERT_EQUAL(mp_wait(pid), 0, "child failed");
	TEST_ASSERT_OK(mim_mp_init());
	TEST_ASSERT(server_running(), "mim_mp_init() did not serve again");
	/* Served again: the exited secondary's handle is dropped. */
	TEST_ASSERT_OK(mp_reap());
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.handles, 1, "the exited secondary's handle");
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/*
 * A #MIM_F_DP_WRITE table from a secondary: its data path reads the
 * primary's keys; its data-path writes are refused, and change nothing.
 */
static int
test_mp_dp_write(void)
{
	MIM_OPTS(mim_create_opts, o, .map_flags = MIM_F_DP_WRITE);
	struct mim_table_info info;
	uint32_t k, v;
	char arg[16];
	int id = mim_create(MIM_TYPE_HASH, "dpw_t", 4, 4, 256, &o);

	TEST_ASSERT_OK(id);
	for (k = 0; k < 200; k++) {
		v = k * 3 + 1;
		TEST_ASSERT_OK(mim_update_elem(id, &k, &v, MIM_NOEXIST));
	}
	snprintf(arg, sizeof(arg), "%d", id);
	TEST_ASSERT_EQUAL(mp_run("dp_write", arg), 0, "child failed");
	TEST_ASSERT_OK(mp_reap());
	TEST_ASSERT_OK(mim_get_info(id, &info));
	TEST_ASSERT_EQUAL(info.nb_entries, 200, "entries");
	TEST_ASSERT_EQUAL(info.handles, 1, "the secondary's handle");
	for (k = 0; k < 200; k++) {
		TEST_ASSERT_OK(mim_lookup_elem(id, &k, &v));
		TEST_ASSERT_EQUAL(v, k * 3 + 1, "key %u", k);
	}
	TEST_ASSERT_OK(mim_close(id));
	mim_reclaim();
	return TEST_SUCCESS;
}

/* Hand-made requests with bad sizes and pointers: refused, harmless. */
static int
test_mp_hostile(void)
{
	MIM_OPTS(mim_mp_stats, ms0);
	MIM_OPTS(mim_mp_stats, ms);
	struct autotest_snap a, b;
	int id = mim_create(MIM_TYPE_ARRAY, "victim", 4, 4, 4, NULL);
	char arg[16];

	TEST_ASSERT_OK(id);
	snprintf(arg, sizeof(arg), "%d", id);
	TEST_ASSERT_OK(mim_mp_get_stats(&ms0));
	autotest_snapshot(&a);
	TEST_ASSERT_EQUAL(mp_run("hostile", arg), 0, "child failed");
	TEST_ASSERT_OK(mp_reap());
	autotest_snapshot(&b);
	TEST_ASSERT_OK(autotest_snap_diff(&a, &b));
	TEST_ASSERT_OK(mim_mp_get_stats(&ms));
	TEST_ASSERT(ms.nb_refused - ms0.nb_refused >= 16, "%" PRIu64 " refused",
		    ms.nb_refused - ms0.nb_refused);
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/*
 * What one lookup costs in the primary and, forwarded, in a secondary:
 * printed for the record, never judged.
 */
static int
test_mp_lookup_cost(void)
{
	int id = mim_create(MIM_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	char arg[16];
	double us;

	TEST_ASSERT_OK(id);
	mp_lookup_median_us(id, 100);
	us = mp_lookup_median_us(id, 1000);
	TEST_ASSERT(us >= 0, "a lookup failed");
	printf("    primary: mim_lookup_elem median %.2f us (1000 calls)\n", us);
	snprintf(arg, sizeof(arg), "%d", id);
	TEST_ASSERT_EQUAL(mp_run("lookup_cost", arg), 0, "child failed");
	TEST_ASSERT_OK(mp_reap());
	TEST_ASSERT_OK(mim_close(id));
	return TEST_SUCCESS;
}

/*
 * An adopted rte_hash: a secondary reads it through the control plane,
 * but gets no data-path handle for it or for an outer table holding it
 * (their lookups call a function pointer of the primary).
 */
static int
test_mp_adopted(void)
{
	struct rte_hash_parameters p;
	char name[RTE_HASH_NAMESIZE], arg[32];
	struct handback hb = { 0 };
	uint64_t key = 5, val = 77;
	struct rte_hash *h;
	int id, outer;

	h = adopt_mk_hash(&p, name, "mpad", 16, 8,
			  RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF);
	TEST_ASSERT(h != NULL, "rte_hash_create");
	TEST_ASSERT(rte_hash_add_key_data(h, &key, &val) == 0, "add");
	id = adopt_hash("mp_adopted", h, &p, 8, &hb);
	TEST_ASSERT_OK(id);
	outer = autotest_outer(MIM_TYPE_ARRAY_OF_TABLES, "mp_adopted_outer", 2, id);
	TEST_ASSERT_OK(outer);
	TEST_ASSERT(mim_table(id) != NULL, "the primary's handle");
	snprintf(arg, sizeof(arg), "%d %d", id, outer);
	TEST_ASSERT_EQUAL(mp_run("adopted", arg), 0, "child failed");
	TEST_ASSERT_OK(mp_reap());
	TEST_ASSERT_OK(mim_close(outer));
	TEST_ASSERT_OK(mim_close(id));
	mim_reclaim();
	TEST_ASSERT_EQUAL(hb.calls, 1, "handed back");
	rte_hash_free(h);
	return TEST_SUCCESS;
}

static const struct autotest_case mp_cases[] = {
	/* First: the primary has made no mapinmap call yet. */
	TEST_CASE(test_mp_attach),
	TEST_CASE(test_mp_adopted),
	TEST_CASE(test_mp_hostile),
	TEST_CASE(test_mp_reads),
	TEST_CASE(test_mp_writes),
	TEST_CASE(test_mp_early),
	TEST_CASE(test_mp_reader),
	TEST_CASE(test_mp_lookup_cost),
	TEST_CASE(test_mp_dp_write),
	TEST_CASE(test_mp_uninit),
	TEST_CASES_END(),
};

static const struct autotest_case mp_kill_cases[] = {
	TEST_CASE(test_mp_reader_killed),
	TEST_CASES_END(),
};

/* A killed secondary leaves its EAL's allocations in the shared heap:
 * the case checks the heap itself, against a killed idle secondary.
 */
static struct autotest_suite mp_kill_suite = {
	.name = "mp_kill",
	.help = "a secondary killed while its reader is online (hugepages.sh)",
	.setup = mp_setup,
	.teardown = mp_teardown,
	.no_leak_check = 1,
	.cases = mp_kill_cases,
};

REGISTER_AUTOTEST(mp_kill_suite);

extern const struct autotest_case mp_fault_cases[];
extern const struct autotest_case mp_batch_cases[];
static const struct autotest_case *const mp_more[] = {
	mp_fault_cases, mp_batch_cases, NULL
};

static struct autotest_suite mp_suite = {
	.name = "mp",
	.help = "secondary processes on the primary's tables (hugepages.sh)",
	.setup = mp_setup,
	.teardown = mp_teardown,
	.cases = mp_cases,
	.more_cases = mp_more,
};

REGISTER_AUTOTEST(mp_suite);
