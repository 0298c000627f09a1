/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The registry: table IDs and names, and the library mutex.
 *
 * IDs are allocated cyclically in [1, MIM_ID_MAX] like the kernel's map
 * IDR, so a stale ID does not name a new table until 2^24 tables later.
 * ID -> table is a two-level page table (O(1), pages allocated on demand
 * and freed when empty). Names are in a chained hash that doubles as it
 * fills; a bucket chain holds a name's newest holder, and the tables that
 * share the name with it hang from that one, newest first. Both live in
 * process-local memory: only the control plane, under the mutex, reads
 * them.
 */

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_string_fns.h>

#include "mim_mp_private.h"

#define PAGE_SHIFT 12
#define PAGE_SLOTS (1U << PAGE_SHIFT)
#define DIR_SLOTS ((MIM_ID_MAX >> PAGE_SHIFT) + 1)

struct reg_page {
	uint32_t used;
	struct mim_obj *tbl[PAGE_SLOTS];
};

static pthread_mutex_t mim_mutex = PTHREAD_MUTEX_INITIALIZER;

static struct reg_page *dir[DIR_SLOTS];
static uint32_t next_id = 1;
static uint32_t id_max = MIM_ID_MAX;   /* lowered by tests only */
static uint32_t nb_tables;

static struct mim_obj **name_bkt;
static uint32_t name_nb_bkt;   /* power of two, or 0 */
static uint32_t name_count;

__rte_hot void
mim_lock(void)
{
	/* The first call after rte_eal_init() starts serving secondaries. */
	mim_mp_serve_lazy();
	pthread_mutex_lock(&mim_mutex);
}

__rte_hot void
mim_unlock(void)
{
	pthread_mutex_unlock(&mim_mutex);
	/* The large frees of the tables this call released, off the
	 * mutex: other control-plane calls need not wait for them.
	 */
	if (mim_free_pending() != 0)
		mim_free_drain(MIM_FREE_STEP_BYTES);
}

bool
mim_trylock(void)
{
	return pthread_mutex_trylock(&mim_mutex) == 0;
}

bool
mim_lock_free(void)
{
	if (pthread_mutex_trylock(&mim_mutex) != 0)
		return false;
	pthread_mutex_unlock(&mim_mutex);
	return true;
}

/* FNV-1a: byte by byte (rte_jhash reads whole words past the string). */
static uint32_t
name_hash(const char *name)
{
	uint32_t h = 2166136261U;

	for (; *name != '\0'; name++)
		h = (h ^ (uint8_t)*name) * 16777619U;
	return h;
}

/* Double the name buckets (or create the first ones). */
static int
name_grow(void)
{
	uint32_t nb = name_nb_bkt ? name_nb_bkt * 2 : 64;
	struct mim_obj **nbkt = mim_calloc(nb, sizeof(*nbkt));
	uint32_t i;

	if (nbkt == NULL)
		return -ENOMEM;
	for (i = 0; i < name_nb_bkt; i++) {
		struct mim_obj *t = name_bkt[i], *next;

		for (; t != NULL; t = next) {
			uint32_t b = name_hash(t->name) & (nb - 1);

			next = t->name_next;
			t->name_next = nbkt[b];
			nbkt[b] = t;
		}
	}
	free(name_bkt);
	name_bkt = nbkt;
	name_nb_bkt = nb;
	return 0;
}

/* The rules of a table's name: mim_create(), the adopt calls. */
int
mim_name_check(const char *name)
{
	size_t i, len;

	if (name == NULL)
		return 0;
	len = strnlen(name, MIM_NAMESIZE);
	if (len == MIM_NAMESIZE)
		return mim_err(EINVAL, "name longer than %d characters",
			       MIM_NAMESIZE - 1);
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' &&
		    name[i] != '.' && name[i] != '-')
			return mim_err(EINVAL, "name '%s': character %zu is not one of [A-Za-z0-9_.-]",
				       name, i + 1);
	return 0;
}

struct mim_obj *
mim_registry_find(const char *name)
{
	struct mim_obj *t;

	if (name_nb_bkt == 0)
		return NULL;
	t = name_bkt[name_hash(name) & (name_nb_bkt - 1)];
	for (; t != NULL; t = t->name_next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* A free ID at or after next_id, cyclically; 0 if all are taken. */
static uint32_t
id_alloc(void)
{
	uint32_t id = next_id > id_max ? 1 : next_id, tries;

	for (tries = 0; tries < id_max; tries++) {
		struct reg_page *p = dir[id >> PAGE_SHIFT];

		if (p == NULL || p->tbl[id & (PAGE_SLOTS - 1)] == NULL)
			return id;
		id = id == id_max ? 1 : id + 1;
	}
	return 0;
}

uint32_t
mim_registry_set_id_max(uint32_t max)
{
	uint32_t old = id_max;

	id_max = max == 0 || max > MIM_ID_MAX ? MIM_ID_MAX : max;
	return old;
}

/* Where a name's chain of holders starts: the bucket chain's link to it. */
static struct mim_obj **
name_link(const char *name)
{
	struct mim_obj **pt = &name_bkt[name_hash(name) & (name_nb_bkt - 1)];

	while (*pt != NULL && strcmp((*pt)->name, name) != 0)
		pt = &(*pt)->name_next;
	return pt;
}

/* Put t's name in the registry, in front of its holders if it has some. */
static void
name_add(struct mim_obj *t, const char *name)
{
	struct mim_obj **pt = name_link(name), *newest = *pt;

	strlcpy(t->name, name, sizeof(t->name));
	if (newest != NULL) {
		t->name_next = newest->name_next;
		newest->name_next = NULL;
		t->name_older = newest;
	} else {
		t->name_next = NULL;
		name_count++;
	}
	*pt = t;
}

static void
name_del(struct mim_obj *t)
{
	struct mim_obj **pt = name_link(t->name), *newest = *pt;

	if (newest == t) {
		if (t->name_older != NULL) {
			*pt = t->name_older;
			t->name_older->name_next = t->name_next;
		} else {
			*pt = t->name_next;
			name_count--;
		}
	} else {
		pt = &newest->name_older;
		while (*pt != t)
			pt = &(*pt)->name_older;
		*pt = t->name_older;
	}
	t->name_next = NULL;
	t->name_older = NULL;
}

int
mim_registry_add(struct mim_obj *t, const char *name, bool shared)
{
	struct reg_page **pp;
	uint32_t id;
	bool named = name != NULL && name[0] != '\0';
	bool held = named && mim_registry_find(name) != NULL;

	if (held && !shared)
		return -EEXIST;
	id = id_alloc();
	if (id == 0)
		return -ENOSPC;
	pp = &dir[id >> PAGE_SHIFT];
	if (*pp == NULL) {
		*pp = mim_calloc(1, sizeof(**pp));
		if (*pp == NULL)
			return -ENOMEM;
	}
	if (named && !held && name_count >= name_nb_bkt && name_grow() != 0) {
		if ((*pp)->used == 0) {
			free(*pp);
			*pp = NULL;
		}
		return -ENOMEM;
	}

	(*pp)->tbl[id & (PAGE_SLOTS - 1)] = t;
	(*pp)->used++;
	nb_tables++;
	next_id = id == id_max ? 1 : id + 1;
	t->id = id;
	if (named)
		name_add(t, name);
	return 0;
}

__rte_hot void
mim_registry_del(struct mim_obj *t)
{
	struct reg_page **pp = &dir[t->id >> PAGE_SHIFT];

	if (t->name[0] != '\0')
		name_del(t);
	(*pp)->tbl[t->id & (PAGE_SLOTS - 1)] = NULL;
	if (--(*pp)->used == 0) {
		free(*pp);
		*pp = NULL;
	}
	nb_tables--;
	t->id = 0;
}

__rte_hot struct mim_obj *
mim_registry_lookup(int64_t id)
{
	struct reg_page *p;

	if (id <= 0 || id > MIM_ID_MAX)
		return NULL;
	p = dir[id >> PAGE_SHIFT];
	return p != NULL ? p->tbl[id & (PAGE_SLOTS - 1)] : NULL;
}

int
mim_registry_next_id(uint32_t start_id, uint32_t *next)
{
	uint64_t id;

	for (id = (uint64_t)start_id + 1; id <= MIM_ID_MAX; ) {
		struct reg_page *p = dir[id >> PAGE_SHIFT];

		if (p == NULL) {
			id = ((id >> PAGE_SHIFT) + 1) << PAGE_SHIFT;
			continue;
		}
		if (p->tbl[id & (PAGE_SLOTS - 1)] != NULL) {
			*next = (uint32_t)id;
			return 0;
		}
		id++;
	}
	return -ENOENT;
}

uint32_t
mim_registry_count(void)
{
	return nb_tables;
}

int
mim_registry_foreach(int (*fn)(struct mim_obj *t, void *arg), void *arg)
{
	uint32_t id = 0;
	int ret;

	while (mim_registry_next_id(id, &id) == 0) {
		ret = fn(mim_registry_lookup(id), arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

const char *
mim_obj_desc(const struct mim_obj *t, char *buf, size_t len)
{
	if (t->name[0] != '\0')
		snprintf(buf, len, "'%s' (id %u)", t->name, t->id);
	else
		snprintf(buf, len, "(id %u)", t->id);
	return buf;
}
