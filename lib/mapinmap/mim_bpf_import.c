/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Tables from the `.maps` declarations of a BPF object (mim_bpf.h).
 *
 * libbpf parses the object (bpf_object__open_file(): nothing reaches the
 * kernel) and describes each map: type, sizes, flags, BTF types, and for
 * map-in-map the inner declaration. The one thing libbpf 1.1 keeps to
 * itself is an outer map's static initial slots (`.values = { ... }`);
 * they are read here as libbpf reads them: the relocations of the `.maps`
 * section, each at (slot * 8) past the start of the map definition's
 * last member, `values`, against the symbol of the inner map.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <gelf.h>
#include <libelf.h>

#include "mim_mp_private.h"
#include "mim_bpf.h"

#define BPF_PTR_SIZE 8   /* BPF objects are 64-bit whatever the host */

struct import {
	struct bpf_object *obj;
	const struct btf *btf;
	struct bpf_map **bmap;
	struct mim_bpf_map *out;
	uint32_t n;
	const char *prefix;
};

static enum mim_type
table_type(enum bpf_map_type t)
{
	switch (t) {
#define MIM_TYPE(id, name, ops, bpf) case bpf: return id;
#define MIM_TYPE_ADOPTED(id, name, ops)
#include "mim_types.h"
#undef MIM_TYPE_ADOPTED
#undef MIM_TYPE
	default: return 0;
	}
}

static void __rte_format_printf(3, 4)
skip(struct mim_bpf_map *m, int err, const char *fmt, ...)
{
	va_list ap;

	m->id = -err;
	va_start(ap, fmt);
	vsnprintf(m->reason, sizeof(m->reason), fmt, ap);
	va_end(ap);
}

static int
find_map(const struct import *imp, const char *name)
{
	uint32_t i;

	for (i = 0; i < imp->n; i++)
		if (strcmp(bpf_map__name(imp->bmap[i]), name) == 0)
			return (int)i;
	return -1;
}

/* mim_create() for a map (or an inner declaration: name NULL). */
static int
create(const struct import *imp, const struct bpf_map *map, const char *name,
       uint32_t inner_id)
{
	enum mim_type type = table_type(bpf_map__type(map));
	uint32_t vtype = inner_id != 0 ? 0 : bpf_map__btf_value_type_id(map);
	MIM_OPTS(mim_create_opts, o,
		 .map_flags = bpf_map__map_flags(map),
		 .inner_id = inner_id,
		 .btf = imp->btf,
		 .btf_key_type_id = bpf_map__btf_key_type_id(map),
		 .btf_value_type_id = vtype);

	if (imp->btf == NULL)
		o.btf_key_type_id = 0, o.btf_value_type_id = 0, o.btf = NULL;
	return mim_create(type, name, bpf_map__key_size(map),
			  bpf_map__value_size(map), bpf_map__max_entries(map),
			  &o);
}

/* The table's name: prefix + map name, when it fits. */
static int
table_name(const struct import *imp, const struct bpf_map *map, char *buf)
{
	int len = snprintf(buf, MIM_NAMESIZE, "%s%s",
			   imp->prefix != NULL ? imp->prefix : "",
			   bpf_map__name(map));

	return len < MIM_NAMESIZE ? 0 : -1;
}

static void
create_map(struct import *imp, uint32_t i, bool outers)
{
	struct bpf_map *map = imp->bmap[i], *inner;
	struct mim_bpf_map *m = &imp->out[i];
	enum mim_type type = table_type(bpf_map__type(map));
	char name[MIM_NAMESIZE];
	int tmpl;

	if (type == 0 || bpf_map__is_internal(map) ||
	    mim_ops(type)->is_outer != outers)
		return;
	if (table_name(imp, map, name) != 0) {
		skip(m, ENAMETOOLONG, "table name '%s%s' is longer than %d characters",
		     imp->prefix != NULL ? imp->prefix : "", bpf_map__name(map),
		     MIM_NAMESIZE - 1);
		return;
	}
	if (!outers) {
		m->id = create(imp, map, name, 0);
		if (m->id < 0)
			skip(m, -m->id, "%s", mim_last_error());
		return;
	}
	/* The template: an anonymous table made from the inner declaration. */
	inner = bpf_map__inner_map(map);
	if (inner == NULL || table_type(bpf_map__type(inner)) == 0 ||
	    mim_ops(table_type(bpf_map__type(inner)))->is_outer) {
		skip(m, ENOTSUP, "its inner declaration (%s) has no table equivalent",
		     inner != NULL ? libbpf_bpf_map_type_str(bpf_map__type(inner)) :
		     "none: declare values with __array()");
		return;
	}
	tmpl = create(imp, inner, NULL, 0);
	if (tmpl < 0) {
		skip(m, -tmpl, "inner declaration: %s", mim_last_error());
		return;
	}
	m->id = create(imp, map, name, (uint32_t)tmpl);
	if (m->id < 0)
		skip(m, -m->id, "%s", mim_last_error());
	mim_close(tmpl);
}

/* The section of the ELF named name, or 0. */
static size_t
find_section(Elf *elf, size_t shstrndx, const char *name, GElf_Shdr *shdr)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		const char *n;

		if (gelf_getshdr(scn, shdr) == NULL)
			continue;
		n = elf_strptr(elf, shstrndx, shdr->sh_name);
		if (n != NULL && strcmp(n, name) == 0)
			return elf_ndxscn(scn);
	}
	return 0;
}

/* One relocation of .maps: the slot it fills of which outer map, with what. */
static int
apply_slot(struct import *imp, const struct btf_type *sec, uint64_t off,
	   const char *target)
{
	const struct btf_var_secinfo *vi = btf_var_secinfos(sec);
	uint16_t i, n = btf_vlen(sec);

	for (i = 0; i < n; i++, vi++) {
		const struct btf_type *var, *def;
		const struct btf_member *last;
		struct mim_bpf_map *m;
		uint32_t moff, slot, id;
		const char *name;
		int oi, ti, rid;

		if (off < vi->offset ||
		    off + BPF_PTR_SIZE > (uint64_t)vi->offset + vi->size)
			continue;
		/* libbpf checked none of these ids: a missing type or
		 * name makes the object unparsable, not a crash.
		 */
		var = btf__type_by_id(imp->btf, vi->type);
		if (var == NULL || !btf_is_var(var))
			return -EINVAL;
		name = btf__name_by_offset(imp->btf, var->name_off);
		oi = name != NULL ? find_map(imp, name) : -1;
		rid = btf__resolve_type(imp->btf, var->type);
		def = rid > 0 ? btf__type_by_id(imp->btf, (uint32_t)rid) : NULL;
		if (oi < 0 || def == NULL || !btf_is_composite(def) ||
		    btf_vlen(def) == 0)
			return -EINVAL;
		last = btf_members(def) + btf_vlen(def) - 1;
		name = btf__name_by_offset(imp->btf, last->name_off);
		if (name == NULL || strcmp(name, "values") != 0)
			return -EINVAL;
		moff = btf_member_bit_offset(def, btf_vlen(def) - 1) / 8;
		if (off - vi->offset < moff ||
		    (off - vi->offset - moff) % BPF_PTR_SIZE != 0)
			return -EINVAL;
		slot = (uint32_t)((off - vi->offset - moff) / BPF_PTR_SIZE);
		m = &imp->out[oi];
		if (m->id < 0)
			return 0;       /* the outer map was skipped already */
		ti = find_map(imp, target);
		if (ti < 0 || imp->out[ti].id < 0) {
			mim_close(m->id);
			skip(m, EINVAL, "initial slot %u holds map '%s', which was skipped",
			     slot, target);
			return 0;
		}
		id = (uint32_t)imp->out[ti].id;
		if (mim_update_elem(m->id, &slot, &id, MIM_ANY) != 0) {
			char why[160];

			snprintf(why, sizeof(why), "%s", mim_last_error());
			mim_close(m->id);
			skip(m, EINVAL, "initial slot %u <- '%s': %s", slot,
			     target, why);
		}
		return 0;
	}
	return -EINVAL;
}

/* Fill outer maps' static initial slots from the .maps relocations. */
static int
init_slots(struct import *imp, const char *path)
{
	GElf_Shdr maps_sh, sh, sym_sh;
	Elf_Scn *scn = NULL;
	Elf_Data *rel = NULL, *syms = NULL;
	size_t shstrndx, maps_idx, strtab = 0, i, nrel = 0;
	const struct btf_type *sec;
	int fd, id, ret = 0;
	Elf *elf;

	if (imp->btf == NULL)
		return 0;
	id = btf__find_by_name_kind(imp->btf, ".maps", BTF_KIND_DATASEC);
	if (id < 0)
		return 0;       /* no BTF-defined maps: no initial slots */
	sec = btf__type_by_id(imp->btf, (uint32_t)id);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf == NULL || elf_getshdrstrndx(elf, &shstrndx) != 0) {
		ret = -EINVAL;
		goto out;
	}
	maps_idx = find_section(elf, shstrndx, ".maps", &maps_sh);
	while (maps_idx != 0 && (scn = elf_nextscn(elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			continue;
		if (sh.sh_type == SHT_REL && sh.sh_info == maps_idx) {
			rel = elf_getdata(scn, NULL);
			nrel = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		} else if (sh.sh_type == SHT_SYMTAB) {
			syms = elf_getdata(scn, NULL);
			sym_sh = sh;
			strtab = sym_sh.sh_link;
		}
	}
	for (i = 0; rel != NULL && syms != NULL && i < nrel && ret == 0; i++) {
		GElf_Rel r;
		GElf_Sym sym;
		const char *target;

		if (gelf_getrel(rel, (int)i, &r) == NULL ||
		    gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym) == NULL) {
			ret = -EINVAL;
			break;
		}
		target = elf_strptr(elf, strtab, sym.st_name);
		ret = target != NULL ? apply_slot(imp, sec, r.r_offset, target) :
			-EINVAL;
	}
out:
	if (elf != NULL)
		elf_end(elf);
	close(fd);
	return ret;
}

int
mim_bpf_import(const char *path, const struct mim_bpf_import_opts *opts,
	       struct mim_bpf_map *maps, uint32_t max_maps)
{
	struct import imp = { .out = maps };
	struct bpf_map *map;
	uint32_t i;
	int ret;

	mim_err_enter(__func__);
	if (mim_mp_secondary())
		return mim_mp_refuse(__func__);
	if (path == NULL)
		return mim_err(EINVAL, "path is NULL");
	ret = MIM_OPTS_CHECK(opts, mim_bpf_import_opts);
	if (ret != 0)
		return ret;
	imp.prefix = MIM_OPTS_GET(opts, name_prefix, NULL);
	imp.obj = bpf_object__open_file(path, NULL);
	ret = libbpf_get_error(imp.obj);
	if (ret != 0) {
		char msg[128];

		/* libbpf's own codes (LIBBPF_ERRNO__*) are not errnos. */
		libbpf_strerror(ret, msg, sizeof(msg));
		return mim_err(ret == -ENOENT ? ENOENT : EINVAL,
			       "libbpf cannot open '%s': %s", path, msg);
	}
	imp.btf = bpf_object__btf(imp.obj);
	bpf_object__for_each_map(map, imp.obj)
		imp.n++;
	if (maps == NULL) {
		ret = (int)imp.n;
		goto out;
	}
	if (imp.n > max_maps) {
		ret = mim_err(E2BIG, "'%s' has %u maps, maps[] holds %u", path,
			      imp.n, max_maps);
		goto out;
	}
	imp.bmap = mim_calloc(imp.n, sizeof(*imp.bmap));
	if (imp.bmap == NULL) {
		ret = mim_err(ENOMEM, "no memory");
		goto out;
	}
	i = 0;
	bpf_object__for_each_map(map, imp.obj) {
		struct mim_bpf_map *m = &maps[i];

		memset(m, 0, sizeof(*m));
		imp.bmap[i++] = map;
		snprintf(m->name, sizeof(m->name), "%s", bpf_map__name(map));
		m->bpf_type = bpf_map__type(map);
		if (bpf_map__is_internal(map))
			skip(m, ENOTSUP, "global data map ('%s', made by libbpf for a section of globals): no table equivalent",
			     bpf_map__name(map));
		else if (table_type(bpf_map__type(map)) == 0)
			skip(m, ENOTSUP, "map type %s has no table equivalent",
			     libbpf_bpf_map_type_str(bpf_map__type(map)));
	}
	for (i = 0; i < imp.n; i++)
		create_map(&imp, i, false);
	for (i = 0; i < imp.n; i++)
		create_map(&imp, i, true);
	ret = init_slots(&imp, path);
	if (ret != 0) {
		/* Initial slots that cannot be read leave their outer tables
		 * empty: unusable as declared, so none is kept.
		 */
		for (i = 0; i < imp.n; i++)
			if (maps[i].id > 0 &&
			    mim_ops(table_type(maps[i].bpf_type))->is_outer) {
				mim_close(maps[i].id);
				skip(&maps[i], -ret, "its initial slots cannot be read from the object");
			}
	}
	ret = (int)imp.n;
out:
	free(imp.bmap);
	bpf_object__close(imp.obj);
	return ret;
}
