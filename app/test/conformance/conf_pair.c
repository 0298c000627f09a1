/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Pairs of a kernel BPF map and a mapinmap table: creation on both sides,
 * the registry that translates IDs to pairs, handles and IDs.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <rte_common.h>

#include "conf_pair.h"
#include "conf_record.h"

/* How long a table gone in mapinmap is polled for in the kernel. */
#define CONF_POLL_MS 30000   /* a bound against a hang; normally a few ms */
#define CONF_MAX_PAIRS 1024

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
conf_pairs_reset(void)
{
	nb_pairs = 0;
}

void
conf_pairs_close_all(void)
{
	unsigned int i;

	/* Outer tables first: their slots then drop their references. */
	for (i = 0; i < nb_pairs; i++)
		if (conf_is_outer(pairs[i]->type))
			conf_close(pairs[i]);
	for (i = 0; i < nb_pairs; i++)
		conf_close(pairs[i]);
	for (i = 0; i < nb_pairs; i++)
		pairs[i]->registered = false;
	nb_pairs = 0;
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
	case MIM_TYPE_PERCPU_HASH:
		return BPF_MAP_TYPE_PERCPU_HASH;
	case MIM_TYPE_LRU_HASH:
		return BPF_MAP_TYPE_LRU_HASH;
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
	case MIM_TYPE_PERCPU_HASH:
		return "PERCPU_HASH";
	case MIM_TYPE_LRU_HASH:
		return "LRU_HASH";
	default:
		return "(no such type)";
	}
}

bool
conf_is_outer(enum mim_type type)
{
	return type == MIM_TYPE_ARRAY_OF_TABLES ||
		type == MIM_TYPE_HASH_OF_TABLES;
}

bool
conf_is_array(enum mim_type type)
{
	return type == MIM_TYPE_ARRAY || type == MIM_TYPE_ARRAY_OF_TABLES;
}

const char *
conf_flags_str(uint32_t flags, char *buf, size_t len)
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
		 s->max_entries, conf_flags_str(s->flags, fl, sizeof(fl)), in, node,
		 nm);
	return buf;
}

int
conf_k_handle(const struct conf_map *m, bool *tmp)
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

void
conf_k_handle_put(int fd, bool tmp)
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
		fd = conf_k_handle(s->inner, &tmp);
	else if (s->raw_inner)
		fd = s->kinner_fd;
	if (fd >= 0)
		o.inner_map_fd = (uint32_t)fd;
	ret = bpf_map_create(conf_bpf_type(s->type), s->kname, s->key_size,
			     s->value_size, s->max_entries, &o);
	if (s->inner != NULL)
		conf_k_handle_put(fd, tmp);
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

uint32_t
conf_k_id_of(int fd)
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
	m->kid = conf_k_id_of(k);
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
conf_create_rows(const struct conf_create_row *rows, size_t n,
		 enum mim_type type, const struct conf_map *tmpl)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct conf_spec s = rows[i].spec;

		if (type != 0)
			s.type = type;
		if (rows[i].tmpl)
			s.inner = tmpl;
		if (rows[i].reason == NULL)
			conf_create_try(&s, rows[i].what);
		else
			conf_create_dev(&s, rows[i].mexp, rows[i].reason,
					rows[i].what);
	}
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
