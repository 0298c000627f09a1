/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_BPF_H
#define MIM_BPF_H

/**
 * @file
 * mapinmap: tables from the map declarations of a BPF object.
 *
 * A team porting an XDP or tc program's tables to DPDK keeps its map
 * declarations: mim_bpf_import() opens the ELF object with libbpf (nothing
 * is loaded into the kernel) and creates a table for every map in `.maps`
 * whose type has an equivalent, with the object's BTF key and value types
 * attached:
 *
 * | BPF map type                  | table type                 |
 * |-------------------------------|----------------------------|
 * | BPF_MAP_TYPE_ARRAY            | #MIM_TYPE_ARRAY            |
 * | BPF_MAP_TYPE_HASH             | #MIM_TYPE_HASH             |
 * | BPF_MAP_TYPE_LPM_TRIE         | #MIM_TYPE_LPM (IPv4)       |
 * | BPF_MAP_TYPE_ARRAY_OF_MAPS    | #MIM_TYPE_ARRAY_OF_TABLES  |
 * | BPF_MAP_TYPE_HASH_OF_MAPS     | #MIM_TYPE_HASH_OF_TABLES   |
 * | BPF_MAP_TYPE_PERCPU_ARRAY     | #MIM_TYPE_PERCPU_ARRAY     |
 * | BPF_MAP_TYPE_PERCPU_HASH      | #MIM_TYPE_PERCPU_HASH      |
 * | BPF_MAP_TYPE_LRU_HASH         | #MIM_TYPE_LRU_HASH         |
 *
 * An outer map's template is its `__array(values, struct inner)`
 * declaration, and its static initial slots (`.values = { [1] = &a }`)
 * are filled with the tables made for the maps they name. Maps of other
 * types, libbpf's global-data maps (.data, .bss, .rodata) and maps whose
 * table cannot be created are skipped, each with the reason.
 *
 * **Trusted objects only.** The object must be trusted, as loading it into
 * the kernel would require: libbpf 1.1 (bpf_object__open_file()) itself
 * crashes on some mutated `.BTF` sections before mapinmap sees them. What
 * mapinmap parses itself is checked: every BTF type a table takes is
 * validated by mim_create() (ids, typedef chains, nesting, member bounds)
 * and refused with a reason, the template comparison is bounded, and the
 * `.maps` relocations are read with every id and name checked.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Options of mim_bpf_import(); declare with MIM_OPTS(). */
struct mim_bpf_import_opts {
	/** Size of this structure, set by MIM_OPTS(). */
	size_t sz;
	/**
	 * Prepended to every map name to name its table (NULL: none), so
	 * that one object can be imported more than once.
	 */
	const char *name_prefix;
	size_t :0;
};
/** Last field of struct mim_bpf_import_opts (the library's size check). */
#define mim_bpf_import_opts__last_field name_prefix

/** What became of one map of the object. */
struct mim_bpf_map {
	/** The map's name in the object. */
	char name[64];
	/** Its BPF map type (enum bpf_map_type). */
	uint32_t bpf_type;
	/**
	 * The table made for it (> 0), on which the caller holds a handle
	 * reference; or a negative errno: the map was skipped.
	 */
	int id;
	/** Why it was skipped ("" if it was not). */
	char reason[160];
};

/**
 * Create tables for the maps of a BPF ELF object.
 *
 * Tables are created in dependency order: plain maps, then outer maps
 * (each with a template made from its inner declaration, closed once the
 * outer table holds it), then the outer maps' initial slots.
 *
 * @param path
 *   A BPF object file (clang -target bpf -g ...), with BTF-defined maps;
 *   a trusted one (see the file overview).
 * @param opts
 *   Options, or NULL.
 * @param maps
 *   Output: one entry per map of the object, in the object's order; NULL
 *   to only count them (nothing is created).
 * @param max_maps
 *   Entries in maps.
 * @return
 *   The number of maps in the object (>= 0), or:
 *   - -EINVAL: path NULL, opts malformed, or the object cannot be parsed.
 *   - -ENOENT: no such file.
 *   - -E2BIG: the object has more maps than max_maps (nothing created).
 *   - -ENOMEM: out of memory.
 *   Per-map failures are reported in maps[], not here.
 * @cp_contract
 * - **Threads:** any thread, EAL lcore or not; each table is made by its
 *   own mim_create() and mim_update_elem() calls, each serialised by the
 *   library mutex, so other threads may see the tables appear one by one.
 * - **RCU:** a retiring call: it closes the template tables it made.
 * - **Ordering:** an outer table's initial slots are published as
 *   mim_update_elem() publishes them.
 * - **Memory reuse:** the caller holds a handle on every table listed in
 *   @p maps and closes it with mim_close().
 */
int mim_bpf_import(const char *path, const struct mim_bpf_import_opts *opts,
		   struct mim_bpf_map *maps, uint32_t max_maps);

#ifdef __cplusplus
}
#endif

#endif /* MIM_BPF_H */
