/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The machinery of the conformance suite: pairs of a kernel BPF map and a
 * mapinmap table, operations run on both and compared, and the record of
 * every comparison, written as a Markdown table on request.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <rte_byteorder.h>

#include "conf_util.h"

/* How long a table gone in mapinmap is polled for in the kernel. */
#define CONF_POLL_MS 30000   /* a bound against a hang; normally a few ms */
#define CONF_MAX_PAIRS 1024
#define CONF_WALK_MAX 256

/* ---- kernel availability -------------------------------------------------- */

static bool kernel_ok;
static char kernel_why[160];

bool
conf_kernel_available(void)
{
	return kernel_ok;
}

/* ---- results and errnos --------------------------------------------------- */

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EBADF, "EBADF" },
	{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
	{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { E2BIG, "E2BIG" },
	{ ERANGE, "ERANGE" }, { ENOSYS, "ENOSYS" }, { ENOTSUP, "ENOTSUP" },
	{ CONF_ENOTSUPP, "ENOTSUPP" }, { EAGAIN, "EAGAIN" },
};

const char *
conf_ret_str(int ret, char *buf, size_t len)
{
	size_t i;

	if (ret >= 0) {
		snprintf(buf, len, "ok");
		return buf;
	}
	for (i = 0; i < RTE_DIM(errnames); i++)
		if (errnames[i].err == -ret) {
			snprintf(buf, len, "-%s (%d)", errnames[i].name, -ret);
			return buf;
		}
	snprintf(buf, len, "-%d", -ret);
	return buf;
}

/* ---- the record ------------------------------------------------------------ */

enum row_kind { ROW_AGREE, ROW_DEVIATION, ROW_DISAGREE };

struct row {
	enum row_kind kind;
	char *scenario;
	char *op;
	char *kres;
	char *mres;
	char *reason;
};

static struct row *rows;
static size_t nb_rows, cap_rows;
static bool recording = true;
static const char *scenario = "";
static unsigned int failures;
static unsigned int nb_scenarios, nb_checks;

void
conf_set_recording(bool on)
{
	recording = on;
}

unsigned int
conf_failures(void)
{
	return failures;
}

static char *
dup_str(const char *s)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL) {
		fprintf(stderr, "conformance: out of memory\n");
		abort();
	}
	return d;
}

static void
record(enum row_kind kind, const char *op, const char *kres, const char *mres,
       const char *reason)
{
	size_t i;

	nb_checks++;
	if (!recording && kind != ROW_DISAGREE)
		return;
	/* The same check repeated within a scenario is one row. */
	for (i = nb_rows; i-- > 0 && strcmp(rows[i].scenario, scenario) == 0;)
		if (rows[i].kind == kind && strcmp(rows[i].op, op) == 0 &&
		    strcmp(rows[i].kres, kres) == 0 &&
		    strcmp(rows[i].mres, mres) == 0)
			return;
	if (nb_rows == cap_rows) {
		struct row *n;

		cap_rows = cap_rows != 0 ? cap_rows * 2 : 256;
		n = realloc(rows, cap_rows * sizeof(*rows));
		if (n == NULL) {
			fprintf(stderr, "conformance: out of memory\n");
			abort();
		}
		rows = n;
	}
	rows[nb_rows].kind = kind;
	rows[nb_rows].scenario = dup_str(scenario);
	rows[nb_rows].op = dup_str(op);
	rows[nb_rows].kres = dup_str(kres);
	rows[nb_rows].mres = dup_str(mres);
	rows[nb_rows].reason = dup_str(reason);
	nb_rows++;
}

void
conf_fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("    FAIL [%s] %s\n", scenario, msg);
	failures++;
}

void
conf_note(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("    note [%s] %s\n", scenario, msg);
}

/* mapinmap's result, with its reason when it failed. */
static const char *
mim_ret_str(int ret, char *buf, size_t len)
{
	char r[48];

	if (ret >= 0)
		return conf_ret_str(ret, buf, len);
	snprintf(buf, len, "%s: %s", conf_ret_str(ret, r, sizeof(r)),
		 mim_last_error());
	return buf;
}

static bool
same_v(int kret, int mret, const char *kres, const char *mres,
       const char *fmt, va_list ap)
{
	char op[256], kb[64], mb[64], why[320];
	int k = kret < 0 ? kret : 0, m = mret < 0 ? mret : 0;

	vsnprintf(op, sizeof(op), fmt, ap);
	if (kres == NULL)
		kres = conf_ret_str(k, kb, sizeof(kb));
	if (mres == NULL)
		mres = conf_ret_str(m, mb, sizeof(mb));
	if (k != m) {
		printf("    DIFF [%s] %s:\n", scenario, op);
		printf("         kernel:   %s\n", kres);
		printf("         mapinmap: %s\n",
		       m < 0 ? mim_ret_str(m, why, sizeof(why)) : mres);
		record(ROW_DISAGREE, op, kres, mres, "DISAGREEMENT");
		failures++;
		return false;
	}
	record(ROW_AGREE, op, kres, mres, "");
	return k == 0;
}

bool
conf_same(int kret, int mret, const char *fmt, ...)
{
	va_list ap;
	bool ret;

	va_start(ap, fmt);
	ret = same_v(kret, mret, NULL, NULL, fmt, ap);
	va_end(ap);
	return ret;
}

bool
conf_dev(int kret, int mret, int mexp, const char *reason,
	 const char *fmt, ...)
{
	char op[256], kb[64], mb[64], eb[64], why[320];
	int k = kret < 0 ? kret : 0, m = mret < 0 ? mret : 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(op, sizeof(op), fmt, ap);
	va_end(ap);
	conf_ret_str(k, kb, sizeof(kb));
	conf_ret_str(m, mb, sizeof(mb));
	if (m != mexp) {
		printf("    DIFF [%s] %s: mapinmap does not do what it documents:\n",
		       scenario, op);
		printf("         documented: %s (%s)\n",
		       conf_ret_str(mexp, eb, sizeof(eb)), reason);
		printf("         mapinmap:   %s\n", mim_ret_str(m, why, sizeof(why)));
		printf("         kernel:     %s\n", kb);
		record(ROW_DISAGREE, op, kb, mb, "DISAGREEMENT (documented deviation not honoured)");
		failures++;
		return false;
	}
	if (k == m)
		conf_note("%s: the kernel agrees (%s): deviation not observed here",
			  op, kb);
	record(ROW_DEVIATION, op, kb, mb, reason);
	return true;
}

void
conf_dev_text(const char *kres, const char *mres, const char *reason,
	      const char *fmt, ...)
{
	char op[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(op, sizeof(op), fmt, ap);
	va_end(ap);
	record(ROW_DEVIATION, op, kres, mres, reason);
}

/* ---- pairs ------------------------------------------------------------------ */

static struct conf_map *pairs[CONF_MAX_PAIRS];
static unsigned int nb_pairs;

void
conf_register(struct conf_map *m)
{
	unsigned int i;

	for (i = 0; i < nb_pairs; i++)
		if (pairs[i] == m)
			return;
	if (nb_pairs == CONF_MAX_PAIRS) {
		conf_fail("more than %d pairs registered", CONF_MAX_PAIRS);
		return;
	}
	pairs[nb_pairs++] = m;
	m->registered = true;
}

void
conf_unregister(struct conf_map *m)
{
	unsigned int i;

	for (i = 0; i < nb_pairs; i++)
		if (pairs[i] == m) {
			pairs[i] = pairs[--nb_pairs];
			m->registered = false;
			return;
		}
}

struct conf_map *
conf_by_kid(uint32_t kid)
{
	unsigned int i;

	for (i = 0; i < nb_pairs; i++)
		if (pairs[i]->kid == kid)
			return pairs[i];
	return NULL;
}

struct conf_map *
conf_by_mid(uint32_t mid)
{
	unsigned int i;

	for (i = 0; i < nb_pairs; i++)
		if (pairs[i]->mim_id == mid)
			return pairs[i];
	return NULL;
}

void
conf_begin(const char *name)
{
	scenario = name;
	failures = 0;
	nb_pairs = 0;
	nb_scenarios++;
	conf_set_recording(true);
}

int
conf_end(void)
{
	unsigned int i;

	/* Outer tables first: their slots then drop their references. */
	for (i = 0; i < nb_pairs; i++)
		if (pairs[i]->type == MIM_TYPE_ARRAY_OF_TABLES ||
		    pairs[i]->type == MIM_TYPE_HASH_OF_TABLES)
			conf_close(pairs[i]);
	for (i = 0; i < nb_pairs; i++)
		conf_close(pairs[i]);
	for (i = 0; i < nb_pairs; i++)
		pairs[i]->registered = false;
	nb_pairs = 0;
	return failures == 0 ? TEST_SUCCESS : TEST_FAILED;
}

uint32_t
conf_bpf_type(enum mim_type type)
{
	switch (type) {
	case MIM_TYPE_ARRAY:
		return BPF_MAP_TYPE_ARRAY;
	case MIM_TYPE_HASH:
		return BPF_MAP_TYPE_HASH;
	case MIM_TYPE_LPM:
		return BPF_MAP_TYPE_LPM_TRIE;
	case MIM_TYPE_ARRAY_OF_TABLES:
		return BPF_MAP_TYPE_ARRAY_OF_MAPS;
	case MIM_TYPE_HASH_OF_TABLES:
		return BPF_MAP_TYPE_HASH_OF_MAPS;
	default:
		/* No such map type: both sides reject it. */
		return type == 0 ? BPF_MAP_TYPE_UNSPEC : 0x7fff;
	}
}

const char *
conf_type_str(enum mim_type type)
{
	switch (type) {
	case MIM_TYPE_ARRAY:
		return "ARRAY";
	case MIM_TYPE_HASH:
		return "HASH";
	case MIM_TYPE_LPM:
		return "LPM_TRIE";
	case MIM_TYPE_ARRAY_OF_TABLES:
		return "ARRAY_OF_MAPS";
	case MIM_TYPE_HASH_OF_TABLES:
		return "HASH_OF_MAPS";
	default:
		return "(no such type)";
	}
}

static bool
is_outer(enum mim_type type)
{
	return type == MIM_TYPE_ARRAY_OF_TABLES ||
		type == MIM_TYPE_HASH_OF_TABLES;
}

static bool
is_array(enum mim_type type)
{
	return type == MIM_TYPE_ARRAY || type == MIM_TYPE_ARRAY_OF_TABLES;
}

static const char *
flags_str(uint32_t flags, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ BPF_F_NO_PREALLOC, "NO_PREALLOC" },
		{ BPF_F_NUMA_NODE, "NUMA_NODE" },
		{ BPF_F_RDONLY, "RDONLY" },
		{ BPF_F_WRONLY, "WRONLY" },
		{ BPF_F_NO_COMMON_LRU, "NO_COMMON_LRU" },
		{ BPF_F_ZERO_SEED, "ZERO_SEED" },
		{ BPF_F_RDONLY_PROG, "RDONLY_PROG" },
		{ BPF_F_WRONLY_PROG, "WRONLY_PROG" },
		{ BPF_F_MMAPABLE, "MMAPABLE" },
		{ BPF_F_INNER_MAP, "INNER_MAP" },
	};
	size_t i, off = 0;

	buf[0] = '\0';
	if (flags == 0) {
		snprintf(buf, len, "0");
		return buf;
	}
	for (i = 0; i < RTE_DIM(names); i++)
		if (flags & names[i].bit) {
			off += snprintf(buf + off, len - RTE_MIN(off, len),
					"%s%s", off != 0 ? "|" : "",
					names[i].name);
			flags &= ~names[i].bit;
		}
	if (flags != 0)
		snprintf(buf + off, len - RTE_MIN(off, len), "%s0x%x",
			 off != 0 ? "|" : "", flags);
	return buf;
}

const char *
conf_spec_str(const struct conf_spec *s, char *buf, size_t len)
{
	char fl[96], in[64] = "", node[24] = "", nm[48] = "";

	if (s->inner != NULL)
		snprintf(in, sizeof(in), " inner=%s", s->inner->label);
	else if (s->raw_inner)
		snprintf(in, sizeof(in), " inner=fd %d/id %u", s->kinner_fd,
			 s->minner_id);
	if (s->flags & MIM_F_NUMA_NODE)
		snprintf(node, sizeof(node), " node=%d", s->numa_node);
	if (s->kname != NULL && s->mname != NULL && strcmp(s->kname, s->mname) == 0)
		snprintf(nm, sizeof(nm), " name=\"%s\"", s->kname);
	snprintf(buf, len, "create %s key=%u value=%u max=%u flags=%s%s%s%s",
		 conf_type_str(s->type), s->key_size, s->value_size,
		 s->max_entries, flags_str(s->flags, fl, sizeof(fl)), in, node,
		 nm);
	return buf;
}

/* A kernel fd for m: its handle, or one taken by ID (*tmp set), or a bad fd. */
static int
k_handle(const struct conf_map *m, bool *tmp)
{
	int fd;

	*tmp = false;
	if (m->kfd >= 0)
		return m->kfd;
	fd = bpf_map_get_fd_by_id(m->kid);
	if (fd < 0)
		return CONF_BAD_FD;
	*tmp = true;
	return fd;
}

static void
k_handle_put(int fd, bool tmp)
{
	if (tmp)
		close(fd);
}

int
conf_create_k(const struct conf_spec *s)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = s->flags,
		    .numa_node = (uint32_t)s->numa_node);
	bool tmp = false;
	int ret, fd = -1;

	if (s->inner != NULL)
		fd = k_handle(s->inner, &tmp);
	else if (s->raw_inner)
		fd = s->kinner_fd;
	if (fd >= 0)
		o.inner_map_fd = (uint32_t)fd;
	ret = bpf_map_create(conf_bpf_type(s->type), s->kname, s->key_size,
			     s->value_size, s->max_entries, &o);
	if (s->inner != NULL)
		k_handle_put(fd, tmp);
	return ret;
}

int
conf_create_m(const struct conf_spec *s)
{
	MIM_OPTS(mim_create_opts, o, .map_flags = s->flags,
		 .socket_id = s->numa_node);

	if (s->inner != NULL)
		o.inner_id = s->inner->mim_id;
	else if (s->raw_inner)
		o.inner_id = s->minner_id;
	return mim_create(s->type, s->mname, s->key_size, s->value_size,
			  s->max_entries, &o);
}

static uint32_t
k_id_of(int fd)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0)
		return 0;
	return info.id;
}

bool
conf_create(struct conf_map *m, const char *label, const struct conf_spec *s)
{
	struct conf_spec named = *s;
	char d[256];
	int k, mm;

	if (named.kname == NULL)
		named.kname = label;
	if (named.mname == NULL)
		named.mname = label;
	k = conf_create_k(&named);
	mm = conf_create_m(&named);
	memset(m, 0, sizeof(*m));
	m->kfd = -1;
	snprintf(m->label, sizeof(m->label), "%s", label);
	if (!conf_same(k, mm, "%s (as %s)", conf_spec_str(s, d, sizeof(d)),
		       label)) {
		if (k >= 0)
			close(k);
		if (mm > 0)
			mim_close(mm);
		return false;
	}
	m->type = s->type;
	m->key_size = s->key_size;
	m->value_size = s->value_size;
	m->max_entries = s->max_entries;
	m->flags = s->flags;
	m->kfd = k;
	m->mid = mm;
	m->mim_id = (uint32_t)mm;
	m->kid = k_id_of(k);
	if (m->kid == 0)
		conf_fail("bpf_obj_get_info_by_fd(%s) failed", label);
	conf_register(m);
	return true;
}

static void
close_both(int k, int m)
{
	if (k >= 0)
		close(k);
	if (m > 0)
		mim_close(m);
}

bool
conf_create_try(const struct conf_spec *s, const char *what)
{
	char d[256];
	int k = conf_create_k(s), m = conf_create_m(s);
	bool ret;

	ret = conf_same(k, m, "%s%s%s", conf_spec_str(s, d, sizeof(d)),
			what != NULL ? ": " : "", what != NULL ? what : "");
	close_both(k, m);
	return ret;
}

bool
conf_create_dev(const struct conf_spec *s, int mexp, const char *reason,
		const char *what)
{
	char d[256];
	int k = conf_create_k(s), m = conf_create_m(s);
	bool ret;

	ret = conf_dev(k, m, mexp, reason, "%s%s%s",
		       conf_spec_str(s, d, sizeof(d)), what != NULL ? ": " : "",
		       what != NULL ? what : "");
	close_both(k, m);
	return ret;
}

void
conf_close_k(struct conf_map *m)
{
	if (m->kfd >= 0)
		close(m->kfd);
	m->kfd = -1;
}

void
conf_close_m(struct conf_map *m)
{
	int ret;

	if (m->mid <= 0)
		return;
	ret = mim_close(m->mid);
	if (ret != 0)
		conf_fail("mim_close(%s, id %d) = %d: %s", m->label, m->mid, ret,
			  mim_last_error());
	m->mid = 0;
}

void
conf_close(struct conf_map *m)
{
	conf_close_k(m);
	conf_close_m(m);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * bpf_map_get_fd_by_id; when the table is gone in mapinmap, the kernel is
 * given CONF_POLL_MS to drop the ID too (it may free maps from a work
 * queue, after the call that dropped the last reference returned).
 */
static int
k_get_by_id(uint32_t kid, bool expect_gone)
{
	uint64_t deadline = now_ms() + CONF_POLL_MS;
	int fd;

	for (;;) {
		fd = bpf_map_get_fd_by_id(kid);
		if (fd < 0 || !expect_gone || now_ms() >= deadline)
			return fd;
		close(fd);
		usleep(2000);
	}
}

static bool
get_by_id(struct conf_map *m, const char *what, bool keep)
{
	int mm = mim_get_by_id(m->mim_id);
	int k = k_get_by_id(m->kid, mm < 0);
	bool alive;

	alive = conf_same(k, mm, "%s %s", what, m->label);
	if (keep && alive && m->kfd < 0 && m->mid <= 0) {
		m->kfd = k;
		m->mid = mm;
		return true;
	}
	close_both(k, mm);
	return k >= 0;
}

bool
conf_reopen(struct conf_map *m)
{
	return get_by_id(m, "get_fd_by_id / mim_get_by_id of", true);
}

bool
conf_alive(struct conf_map *m, const char *what)
{
	char w[128];

	snprintf(w, sizeof(w), "%s%sID of", what != NULL ? what : "",
		 what != NULL ? ": " : "");
	return get_by_id(m, w, false);
}

/* ---- keys and values --------------------------------------------------------- */

struct conf_lpm_key
conf_lpm(uint32_t prefixlen, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct conf_lpm_key k = {
		.prefixlen = prefixlen,
		.addr = { a, b, c, d },
	};

	return k;
}

const char *
conf_key_str(const struct conf_map *m, const void *key, char *buf, size_t len)
{
	const uint8_t *b = key;
	uint32_t i, u;
	size_t off;

	if (key == NULL) {
		snprintf(buf, len, "NULL");
	} else if (m->type == MIM_TYPE_LPM && m->key_size == 8) {
		memcpy(&u, b, 4);
		snprintf(buf, len, "%u.%u.%u.%u/%u", b[4], b[5], b[6], b[7], u);
	} else if (m->key_size == 4) {
		memcpy(&u, b, 4);
		snprintf(buf, len, "%u", u);
	} else {
		off = snprintf(buf, len, "0x");
		for (i = 0; i < m->key_size && off + 3 < len; i++)
			off += snprintf(buf + off, len - off, "%02x", b[i]);
	}
	return buf;
}

static const char *
hex_str(const void *p, uint32_t n, char *buf, size_t len)
{
	const uint8_t *b = p;
	size_t off;
	uint32_t i;

	off = snprintf(buf, len, "0x");
	for (i = 0; i < n && off + 3 < len; i++)
		off += snprintf(buf + off, len - off, "%02x", b[i]);
	if (i < n && len > 4)
		snprintf(buf + len - 4, 4, "...");
	return buf;
}

/* The stored form of an LPM key (host bits dropped), as mapinmap keeps it. */
static void
lpm_mask(void *key)
{
	struct conf_lpm_key *k = key;
	uint32_t a, mask;

	if (k->prefixlen > 32)
		return;
	memcpy(&a, k->addr, 4);
	mask = k->prefixlen == 0 ? 0 : UINT32_MAX << (32 - k->prefixlen);
	a = rte_cpu_to_be_32(rte_be_to_cpu_32(a) & mask);
	memcpy(k->addr, &a, 4);
}

/* ---- element operations -------------------------------------------------------- */

static const char *
uflags_str(uint64_t flags)
{
	switch (flags) {
	case BPF_ANY:
		return "BPF_ANY";
	case BPF_NOEXIST:
		return "BPF_NOEXIST";
	case BPF_EXIST:
		return "BPF_EXIST";
	case BPF_F_LOCK:
		return "BPF_F_LOCK";
	case BPF_F_LOCK | BPF_NOEXIST:
		return "BPF_F_LOCK|BPF_NOEXIST";
	case BPF_F_LOCK | BPF_EXIST:
		return "BPF_F_LOCK|BPF_EXIST";
	default:
		return "unknown flags";
	}
}

bool
conf_update(struct conf_map *m, const void *key, const void *value,
	    uint64_t flags)
{
	char kb[64], vb[64];
	bool tmp;
	int fd = k_handle(m, &tmp);
	int k = bpf_map_update_elem(fd, key, value, flags);
	int mm = mim_update_elem((int)m->mim_id, key, value, flags);

	k_handle_put(fd, tmp);
	return conf_same(k, mm, "update %s[%s] = %s %s", m->label,
			 conf_key_str(m, key, kb, sizeof(kb)),
			 hex_str(value, RTE_MIN(m->value_size, 8U), vb,
				 sizeof(vb)), uflags_str(flags));
}

bool
conf_update_inner(struct conf_map *outer, const void *key,
		  const struct conf_map *inner, uint64_t flags)
{
	char kb[64];
	bool tmp, otmp;
	int ifd = k_handle(inner, &tmp), ofd = k_handle(outer, &otmp);
	uint32_t kval = (uint32_t)ifd, mval = inner->mim_id;
	int k = bpf_map_update_elem(ofd, key, &kval, flags);
	int mm = mim_update_elem((int)outer->mim_id, key, &mval, flags);

	k_handle_put(ifd, tmp);
	k_handle_put(ofd, otmp);
	return conf_same(k, mm, "update %s[%s] = %s %s", outer->label,
			 conf_key_str(outer, key, kb, sizeof(kb)), inner->label,
			 uflags_str(flags));
}

bool
conf_update_raw(struct conf_map *outer, const void *key, uint32_t kval,
		uint32_t mval, uint64_t flags, const char *what)
{
	char kb[64];
	bool tmp;
	int fd = k_handle(outer, &tmp);
	int k = bpf_map_update_elem(fd, key, &kval, flags);
	int mm = mim_update_elem((int)outer->mim_id, key, &mval, flags);

	k_handle_put(fd, tmp);
	return conf_same(k, mm, "update %s[%s] = %s %s", outer->label,
			 conf_key_str(outer, key, kb, sizeof(kb)), what,
			 uflags_str(flags));
}

/* Text of a looked-up value: bytes, or the pair an inner ID belongs to. */
static const char *
value_str(const struct conf_map *m, const void *v, bool kernel, char *buf,
	  size_t len)
{
	const struct conf_map *p;
	uint32_t id;

	if (!is_outer(m->type))
		return hex_str(v, m->value_size, buf, len);
	memcpy(&id, v, 4);
	p = kernel ? conf_by_kid(id) : conf_by_mid(id);
	snprintf(buf, len, "%s (id %u)", p != NULL ? p->label : "?", id);
	return buf;
}

/*
 * Look key up on both sides. Returns 0 if both found equal values (or the
 * same inner table), 1 if both failed alike, -1 on a disagreement (printed).
 */
static int
lookup_both(struct conf_map *m, const void *key, const struct conf_map **ki,
	    const struct conf_map **mi)
{
	uint8_t kv[CONF_VALUE_MAX], mv[CONF_VALUE_MAX];
	char op[128], kb[64], kr[128], mr[128], rb[64];
	bool tmp, same;
	uint32_t id;
	int fd = k_handle(m, &tmp);
	int k, mm;

	memset(kv, 0, sizeof(kv));
	memset(mv, 0, sizeof(mv));
	k = bpf_map_lookup_elem(fd, key, kv);
	mm = mim_lookup_elem((int)m->mim_id, key, mv);
	k_handle_put(fd, tmp);
	*ki = NULL;
	*mi = NULL;
	snprintf(op, sizeof(op), "lookup %s[%s]", m->label,
		 conf_key_str(m, key, kb, sizeof(kb)));
	if (k != 0 || mm != 0)
		return conf_same(k, mm, "%s", op) || (k < 0 && k == mm) ?
			1 : -1;
	if (is_outer(m->type)) {
		memcpy(&id, kv, 4);
		*ki = conf_by_kid(id);
		memcpy(&id, mv, 4);
		*mi = conf_by_mid(id);
		same = *ki != NULL && *ki == *mi;
	} else {
		same = memcmp(kv, mv, m->value_size) == 0;
	}
	snprintf(kr, sizeof(kr), "ok: %s",
		 value_str(m, kv, true, rb, sizeof(rb)));
	snprintf(mr, sizeof(mr), "ok: %s",
		 value_str(m, mv, false, rb, sizeof(rb)));
	if (!same) {
		printf("    DIFF [%s] %s returns different %s:\n", scenario, op,
		       is_outer(m->type) ? "inner tables" : "values");
		printf("         kernel:   %s\n         mapinmap: %s\n", kr, mr);
		record(ROW_DISAGREE, op, kr, mr, "DISAGREEMENT");
		failures++;
		return -1;
	}
	/* IDs differ by design: the row shows the identity only. */
	if (is_outer(m->type))
		snprintf(kr, sizeof(kr), "ok: %s", (*ki)->label);
	record(ROW_AGREE, op, kr, is_outer(m->type) ? kr : mr, "");
	return 0;
}

bool
conf_lookup(struct conf_map *m, const void *key)
{
	const struct conf_map *ki, *mi;

	return lookup_both(m, key, &ki, &mi) >= 0;
}

bool
conf_lookup_is(struct conf_map *outer, const void *key,
	       const struct conf_map *expect)
{
	const struct conf_map *ki, *mi;
	char kb[64];
	int ret = lookup_both(outer, key, &ki, &mi);

	if (ret < 0)
		return false;
	if (ret == 0 && ki != expect) {
		conf_fail("lookup %s[%s]: both hold %s, the scenario expects %s",
			  outer->label, conf_key_str(outer, key, kb, sizeof(kb)),
			  ki->label, expect != NULL ? expect->label : "nothing");
		return false;
	}
	if (ret == 1 && expect != NULL) {
		conf_fail("lookup %s[%s]: both find nothing, the scenario expects %s",
			  outer->label, conf_key_str(outer, key, kb, sizeof(kb)),
			  expect->label);
		return false;
	}
	return true;
}

bool
conf_delete(struct conf_map *m, const void *key)
{
	char kb[64];
	bool tmp;
	int fd = k_handle(m, &tmp);
	int k = bpf_map_delete_elem(fd, key);
	int mm = mim_delete_elem((int)m->mim_id, key);

	k_handle_put(fd, tmp);
	return conf_same(k, mm, "delete %s[%s]", m->label,
			 conf_key_str(m, key, kb, sizeof(kb)));
}

/* ---- iteration ------------------------------------------------------------------- */

struct walk {
	uint32_t n;
	bool complete;
	uint8_t keys[CONF_WALK_MAX][CONF_KEY_MAX];
};

/* get_next_key from NULL to -ENOENT on one side. */
static void
walk_side(const struct conf_map *m, bool kernel, struct walk *w)
{
	uint8_t cur[CONF_KEY_MAX], next[CONF_KEY_MAX];
	bool tmp = false;
	int fd = kernel ? k_handle(m, &tmp) : -1;
	int ret;

	w->n = 0;
	w->complete = false;
	for (;;) {
		memset(next, 0, sizeof(next));
		ret = kernel ? bpf_map_get_next_key(fd, w->n ? cur : NULL, next) :
			mim_get_next_key((int)m->mim_id, w->n ? cur : NULL,
					 next);
		if (ret == -ENOENT) {
			w->complete = true;
			break;
		}
		if (ret != 0 || w->n == CONF_WALK_MAX)
			break;
		memset(w->keys[w->n], 0, CONF_KEY_MAX);
		memcpy(w->keys[w->n++], next, m->key_size);
		memcpy(cur, next, m->key_size);
	}
	if (kernel)
		k_handle_put(fd, tmp);
}

static int
key_cmp_sz(const void *a, const void *b)
{
	return memcmp(a, b, CONF_KEY_MAX);
}

/* Sorted copy of a walk's keys (LPM keys masked). */
static void
walk_sorted(const struct conf_map *m, const struct walk *w, struct walk *s)
{
	uint32_t i;

	memset(s, 0, sizeof(*s));
	s->n = w->n;
	s->complete = w->complete;
	for (i = 0; i < w->n; i++) {
		memcpy(s->keys[i], w->keys[i], m->key_size);
		if (m->type == MIM_TYPE_LPM)
			lpm_mask(s->keys[i]);
	}
	qsort(s->keys, s->n, CONF_KEY_MAX, key_cmp_sz);
}

static const char *
walk_str(const struct conf_map *m, const struct walk *w, char *buf, size_t len)
{
	char kb[64];
	size_t off;
	uint32_t i;

	off = snprintf(buf, len, "%u key%s%s", w->n, w->n == 1 ? "" : "s",
		       w->n ? ": " : "");
	for (i = 0; i < w->n && i < 8 && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
				conf_key_str(m, w->keys[i], kb, sizeof(kb)));
	if (i < w->n && off < len)
		snprintf(buf + off, len - off, ", ...");
	return buf;
}

static bool
walk_has(const struct conf_map *m, const struct walk *w, const void *key)
{
	uint8_t a[CONF_KEY_MAX], b[CONF_KEY_MAX];
	uint32_t i;

	memset(a, 0, sizeof(a));
	memcpy(a, key, m->key_size);
	if (m->type == MIM_TYPE_LPM)
		lpm_mask(a);
	for (i = 0; i < w->n; i++) {
		memset(b, 0, sizeof(b));
		memcpy(b, w->keys[i], m->key_size);
		if (m->type == MIM_TYPE_LPM)
			lpm_mask(b);
		if (memcmp(a, b, m->key_size) == 0)
			return true;
	}
	return false;
}

static bool
lpm_has_host_bits(const struct walk *w)
{
	uint8_t k[CONF_KEY_MAX];
	uint32_t i;

	for (i = 0; i < w->n; i++) {
		memcpy(k, w->keys[i], 8);
		lpm_mask(k);
		if (memcmp(k, w->keys[i], 8) != 0)
			return true;
	}
	return false;
}

bool
conf_walk(struct conf_map *m)
{
	static struct walk kw, mw, ks, ms;
	const struct conf_map *ki, *mi;
	const struct walk *src;
	char kb[512], mb[512], op[96];
	uint32_t i;
	bool ok = true;

	walk_side(m, true, &kw);
	walk_side(m, false, &mw);
	if (!kw.complete || !mw.complete) {
		conf_fail("walk %s does not end with ENOENT (kernel %s after %u keys, mapinmap %s after %u keys)",
			  m->label, kw.complete ? "ends" : "does not end", kw.n,
			  mw.complete ? "ends" : "does not end", mw.n);
		return false;
	}
	if (is_array(m->type)) {
		ok = kw.n == mw.n &&
			memcmp(kw.keys, mw.keys, sizeof(kw.keys[0]) * kw.n) == 0;
		if (!ok) {
			printf("    DIFF [%s] walk %s (sequence):\n", scenario,
			       m->label);
			printf("         kernel:   %s\n         mapinmap: %s\n",
			       walk_str(m, &kw, kb, sizeof(kb)),
			       walk_str(m, &mw, mb, sizeof(mb)));
			snprintf(op, sizeof(op), "walk %s, as a sequence",
				 m->label);
			record(ROW_DISAGREE, op, kb, mb, "DISAGREEMENT");
			failures++;
			return false;
		}
		record(ROW_AGREE, "walk (get_next_key from NULL), as a sequence",
		       walk_str(m, &kw, kb, sizeof(kb)),
		       walk_str(m, &mw, mb, sizeof(mb)), "");
	} else {
		walk_sorted(m, &kw, &ks);
		walk_sorted(m, &mw, &ms);
		ok = ks.n == ms.n &&
			memcmp(ks.keys, ms.keys, sizeof(ks.keys[0]) * ks.n) == 0;
		if (!ok) {
			printf("    DIFF [%s] walk %s (as sets%s):\n", scenario,
			       m->label,
			       m->type == MIM_TYPE_LPM ? ", kernel keys masked" : "");
			printf("         kernel:   %s\n         mapinmap: %s\n",
			       walk_str(m, &ks, kb, sizeof(kb)),
			       walk_str(m, &ms, mb, sizeof(mb)));
			snprintf(op, sizeof(op), "walk %s, as a set",
				 m->label);
			record(ROW_DISAGREE, op, kb, mb, "DISAGREEMENT");
			failures++;
			return false;
		}
		record(ROW_AGREE, "walk (get_next_key from NULL), as a set",
		       walk_str(m, &ks, kb, sizeof(kb)),
		       walk_str(m, &ms, mb, sizeof(mb)), "");
		/* The kernel's hash order changes with each map's seed: the
		 * row names the orders, not their (run-dependent) keys.
		 */
		if (kw.n > 1) {
			snprintf(kb, sizeof(kb), "%u keys in the kernel's order",
				 kw.n);
			snprintf(mb, sizeof(mb), "the same keys in mapinmap's order");
			conf_dev_text(kb, mb, CONF_DEV_ORDER, "walk %s: order",
				      m->label);
		}
		if (m->type == MIM_TYPE_LPM && lpm_has_host_bits(&kw))
			conf_dev_text(walk_str(m, &kw, kb, sizeof(kb)),
				      walk_str(m, &mw, mb, sizeof(mb)),
				      CONF_DEV_LPM_MASK,
				      "walk %s: keys returned", m->label);
	}
	/* What each key holds. */
	src = is_array(m->type) ? &mw : &ms;
	for (i = 0; i < src->n; i++)
		if (lookup_both(m, src->keys[i], &ki, &mi) < 0)
			ok = false;
	return ok;
}

static bool
key_eq(const struct conf_map *m, const void *a, const void *b)
{
	uint8_t x[CONF_KEY_MAX], y[CONF_KEY_MAX];

	memcpy(x, a, m->key_size);
	memcpy(y, b, m->key_size);
	if (m->type == MIM_TYPE_LPM) {
		lpm_mask(x);
		lpm_mask(y);
	}
	return memcmp(x, y, m->key_size) == 0;
}

/*
 * One side's answer for a key it holds: another key it holds, or ENOENT
 * for its last key.
 */
static bool
next_ok(const struct conf_map *m, const struct walk *w, const void *key,
	int ret, const void *next)
{
	if (ret == 0)
		return walk_has(m, w, next) && !key_eq(m, next, key);
	if (ret == -ENOENT)
		return w->n > 0 && key_eq(m, w->keys[w->n - 1], key);
	return false;
}

bool
conf_next_key(struct conf_map *m, const void *key)
{
	static struct walk kw, mw;
	uint8_t kn[CONF_KEY_MAX], mn[CONF_KEY_MAX];
	char kb[64], b1[64], b2[64];
	bool tmp, kin, min;
	int fd = k_handle(m, &tmp);
	int k, mm;

	memset(kn, 0, sizeof(kn));
	memset(mn, 0, sizeof(mn));
	k = bpf_map_get_next_key(fd, key, kn);
	mm = mim_get_next_key((int)m->mim_id, key, mn);
	k_handle_put(fd, tmp);
	conf_key_str(m, key, kb, sizeof(kb));
	if (is_array(m->type)) {
		if (!conf_same(k, mm, "get_next_key %s[%s]", m->label, kb))
			return k == mm;
		if (memcmp(kn, mn, 4) != 0) {
			conf_fail("get_next_key %s[%s]: kernel %s, mapinmap %s",
				  m->label, kb, conf_key_str(m, kn, b1, sizeof(b1)),
				  conf_key_str(m, mn, b2, sizeof(b2)));
			return false;
		}
		return true;
	}
	walk_side(m, true, &kw);
	walk_side(m, false, &mw);
	kin = key != NULL && walk_has(m, &kw, key);
	min = key != NULL && walk_has(m, &mw, key);
	if (kin != min) {
		conf_fail("get_next_key %s[%s]: the key is %sin the kernel's map but %sin mapinmap's table",
			  m->label, kb, kin ? "" : "not ", min ? "" : "not ");
		return false;
	}
	if (!kin || (kw.n <= 1 && mw.n <= 1)) {
		/* NULL or absent: both restart from their own first key. */
		if (!conf_same(k, mm, "get_next_key %s[%s]%s", m->label, kb,
			       key == NULL ? "" : kin ? " (only key)" :
			       " (absent key)"))
			return k == mm;
		if (k == 0 && (memcmp(kn, kw.keys[0], m->key_size) != 0 ||
			       memcmp(mn, mw.keys[0], m->key_size) != 0)) {
			conf_fail("get_next_key %s[%s]: not the first key (kernel %s, first %s; mapinmap %s, first %s)",
				  m->label, kb, conf_key_str(m, kn, b1, sizeof(b1)),
				  conf_key_str(m, kw.keys[0], b2, sizeof(b2)),
				  conf_key_str(m, mn, kb, sizeof(kb)),
				  conf_key_str(m, mw.keys[0], b1, sizeof(b1)));
			return false;
		}
		return true;
	}
	/* A present key: each side answers by its own order. */
	if (!next_ok(m, &kw, key, k, kn) || !next_ok(m, &mw, key, mm, mn)) {
		conf_fail("get_next_key %s[%s] (present key): kernel %s %s, mapinmap %s %s",
			  m->label, kb, conf_ret_str(k, b1, sizeof(b1)),
			  k == 0 ? conf_key_str(m, kn, b2, sizeof(b2)) : "",
			  conf_ret_str(mm, b2, sizeof(b2)),
			  mm == 0 ? conf_key_str(m, mn, b1, sizeof(b1)) : "");
		return false;
	}
	if (recording)
		conf_dev_text("the key after it in the kernel's order, or -ENOENT after the last",
			      "the key after it in mapinmap's order, or -ENOENT after the last",
			      CONF_DEV_ORDER, "get_next_key %s[present key %s]",
			      m->label, kb);
	return true;
}

/* ---- info ------------------------------------------------------------------------ */

bool
conf_info(struct conf_map *m)
{
	struct bpf_map_info ki;
	struct mim_table_info mi;
	uint32_t len = sizeof(ki);
	char kr[160], mr[160], f1[64], f2[64];
	size_t mlen;
	bool tmp, same;
	int fd = k_handle(m, &tmp);
	int k, mm;

	memset(&ki, 0, sizeof(ki));
	k = bpf_obj_get_info_by_fd(fd, &ki, &len);
	mm = mim_get_info((int)m->mim_id, &mi);
	k_handle_put(fd, tmp);
	if (!conf_same(k, mm, "info %s", m->label))
		return false;
	snprintf(kr, sizeof(kr), "type %u key %u value %u max %u flags %s name '%s'",
		 ki.type, ki.key_size, ki.value_size, ki.max_entries,
		 flags_str(ki.map_flags, f1, sizeof(f1)), ki.name);
	snprintf(mr, sizeof(mr), "type %u key %u value %u max %u flags %s name '%s'",
		 conf_bpf_type(mi.type), mi.key_size, mi.value_size,
		 mi.max_entries, flags_str(mi.map_flags, f2, sizeof(f2)),
		 mi.name);
	/* The kernel keeps 15 characters of a name (libbpf truncates). */
	mlen = RTE_MIN(strlen(mi.name), (size_t)BPF_OBJ_NAME_LEN - 1);
	same = ki.type == conf_bpf_type(mi.type) &&
		ki.key_size == mi.key_size && ki.value_size == mi.value_size &&
		ki.max_entries == mi.max_entries &&
		ki.map_flags == mi.map_flags && strlen(ki.name) == mlen &&
		strncmp(ki.name, mi.name, mlen) == 0;
	if (!same) {
		printf("    DIFF [%s] info %s:\n         kernel:   %s\n         mapinmap: %s\n",
		       scenario, m->label, kr, mr);
		record(ROW_DISAGREE, "info", kr, mr, "DISAGREEMENT");
		failures++;
		return false;
	}
	record(ROW_AGREE, "info (type, sizes, max_entries, flags, name)", kr, mr,
	       "");
	return true;
}

/* ---- the suite ---------------------------------------------------------------------- */

static unsigned long random_ops;

void
conf_count_random(unsigned long n)
{
	random_ops += n;
}

int
conf_suite_setup(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, o);
	int a, outer = -1, byid = -1;
	struct utsname u;

	/* A disagreement may be a library bug that crashes: keep its output. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	a = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	if (a >= 0) {
		o.inner_map_fd = (uint32_t)a;
		outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, NULL, 4, 4, 1,
				       &o);
		if (outer >= 0)
			byid = bpf_map_get_fd_by_id(k_id_of(a));
	}
	if (a < 0 || outer < 0 || byid < 0) {
		int err = a < 0 ? a : outer < 0 ? outer : byid;
		char b[48];

		snprintf(kernel_why, sizeof(kernel_why),
			 "%s failed: %s%s",
			 a < 0 ? "bpf(BPF_MAP_CREATE, ARRAY)" :
			 outer < 0 ? "bpf(BPF_MAP_CREATE, ARRAY_OF_MAPS)" :
			 "bpf(BPF_MAP_GET_FD_BY_ID)",
			 conf_ret_str(err, b, sizeof(b)),
			 err == -EPERM ? " (bpf() refused: the suite needs root, or CAP_BPF and CAP_SYS_ADMIN)" :
			 err == -ENOSYS ? " (no bpf() in this kernel)" : "");
		printf("  SKIP: no kernel to compare with: %s\n", kernel_why);
	} else {
		kernel_ok = true;
		if (uname(&u) != 0)
			snprintf(u.release, sizeof(u.release), "?");
		printf("  kernel %s, libbpf %s\n", u.release,
		       libbpf_version_string());
	}
	if (byid >= 0)
		close(byid);
	if (outer >= 0)
		close(outer);
	if (a >= 0)
		close(a);
	return TEST_SUCCESS;
}

static void
md_cell(FILE *f, const char *s)
{
	fputs("| ", f);
	for (; *s != '\0'; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc(' ', f);
}

static void
md_rows(FILE *f, int kind, bool reason)
{
	size_t i;

	fprintf(f, "| Scenario | Operation | Kernel (libbpf) | mapinmap |%s\n",
		reason ? " Reason |" : "");
	fprintf(f, "|---|---|---|---|%s\n", reason ? "---|" : "");
	for (i = 0; i < nb_rows; i++) {
		if (kind >= 0 && rows[i].kind != (enum row_kind)kind)
			continue;
		md_cell(f, rows[i].scenario);
		md_cell(f, rows[i].op);
		md_cell(f, rows[i].kres);
		md_cell(f, rows[i].mres);
		if (reason)
			md_cell(f, rows[i].kind == ROW_AGREE ? "" : rows[i].reason);
		fputs("|\n", f);
	}
}

static void
write_table(const char *path)
{
	size_t i, j, n[3] = { 0, 0, 0 };
	struct utsname u;
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		printf("  cannot write %s: %s\n", path, strerror(errno));
		return;
	}
	if (uname(&u) != 0)
		snprintf(u.release, sizeof(u.release), "?");
	for (i = 0; i < nb_rows; i++)
		n[rows[i].kind]++;
	fprintf(f, "# mapinmap and the Linux kernel: conformance\n\n");
	fprintf(f, "<!-- Generated by the `conformance` test suite; do not edit by hand.\n"
		"     Regenerate: MIM_CONF_TABLE=$PWD/doc/conformance.md meson test -C <build> conformance -->\n\n");
	fprintf(f, "The `conformance` suite of `test-mim` runs every operation twice: on a real\n"
		"kernel BPF map through libbpf (`bpf_map_create`, `bpf_map_update_elem`,\n"
		"`bpf_map_lookup_elem`, `bpf_map_delete_elem`, `bpf_map_get_next_key`,\n"
		"`bpf_map_get_fd_by_id`, `bpf_obj_get_info_by_fd`) and on the equivalent\n"
		"mapinmap table (`mim_create`, `mim_update_elem`, `mim_lookup_elem`,\n"
		"`mim_delete_elem`, `mim_get_next_key`, `mim_get_by_id`, `mim_get_info`), and\n"
		"compares success or errno, values, which inner table a slot holds (by\n"
		"identity: kernel map IDs and table IDs differ), and iteration (sequences for\n"
		"arrays, sets for hash and LPM tables). Where mapinmap deviates on purpose, the\n"
		"suite asserts mapinmap's documented result and records the kernel's.\n\n"
		"Types are named by their kernel names: ARRAY, HASH, LPM_TRIE, ARRAY_OF_MAPS and\n"
		"HASH_OF_MAPS are MIM_TYPE_ARRAY, MIM_TYPE_HASH, MIM_TYPE_LPM,\n"
		"MIM_TYPE_ARRAY_OF_TABLES and MIM_TYPE_HASH_OF_TABLES. Flags are BPF_F_* (the\n"
		"MIM_F_* flags have the same values). Errors are shown as returned: libbpf's\n"
		"negative errno, mapinmap's negative errno.\n\n"
		"Run it as root: `meson test -C <build> conformance -v` (it skips, exit\n"
		"status 77, where `bpf()` is refused). `MIM_CONF_TABLE=<absolute path>`\n"
		"writes this file; `MIM_CONF_SEED=<n>` replays the randomized runs (their\n"
		"seed is printed), `MIM_CONF_OPS=<n>` sets their length (operations per\n"
		"template family; 2500 by default), and `MIM_CONF_NO_ZERO_KEYS=1` leaves\n"
		"all-zero keys out of them (they found rte_hash's duplicate all-zero key,\n"
		"fixed in the library; kept for triage).\n\n");
	fprintf(f, "Generated on kernel %s with libbpf %s: %u scenarios, %zu distinct\n"
		"checks recorded (%zu agreements, %zu intended deviations, %zu disagreements),\n"
		"plus %lu randomized operations%s (not tabulated) with the kernel as\n"
		"oracle.\n\n",
		u.release, libbpf_version_string(), nb_scenarios, nb_rows, n[0],
		n[1], n[2], random_ops,
		getenv("MIM_CONF_NO_ZERO_KEYS") != NULL &&
		strcmp(getenv("MIM_CONF_NO_ZERO_KEYS"), "0") != 0 ?
		" (without all-zero keys)" : "");
	fprintf(f, "## Intended deviations\n\n");
	for (i = 0; i < nb_rows; i++) {
		bool seen = false;

		if (rows[i].kind != ROW_DEVIATION)
			continue;
		for (j = 0; j < i && !seen; j++)
			seen = rows[j].kind == ROW_DEVIATION &&
				strcmp(rows[j].reason, rows[i].reason) == 0;
		if (!seen)
			fprintf(f, "- %s.\n", rows[i].reason);
	}
	fprintf(f, "\nEach, where the suite observed it:\n\n");
	md_rows(f, ROW_DEVIATION, true);
	fprintf(f, "\n## Disagreements\n\n");
	if (n[2] == 0)
		fprintf(f, "None.\n");
	else
		md_rows(f, ROW_DISAGREE, false);
	fprintf(f, "\n## Every check\n\n");
	md_rows(f, -1, true);
	fclose(f);
	printf("  wrote the conformance table to %s\n", path);
}

void
conf_suite_teardown(void)
{
	const char *path = getenv("MIM_CONF_TABLE");
	size_t i, n[3] = { 0, 0, 0 };

	if (!kernel_ok)
		return;
	for (i = 0; i < nb_rows; i++)
		n[rows[i].kind]++;
	printf("  %u scenarios, %u comparisons (%zu distinct rows: %zu agree, %zu intended deviations, %zu disagreements), %lu random operations\n",
	       nb_scenarios, nb_checks, nb_rows, n[0], n[1], n[2], random_ops);
	if (path != NULL && path[0] != '\0')
		write_table(path);
	for (i = 0; i < nb_rows; i++) {
		free(rows[i].scenario);
		free(rows[i].op);
		free(rows[i].kres);
		free(rows[i].mres);
		free(rows[i].reason);
	}
	free(rows);
	rows = NULL;
	nb_rows = cap_rows = 0;
}
