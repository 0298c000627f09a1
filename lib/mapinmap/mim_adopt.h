/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_ADOPT_H
#define MIM_ADOPT_H

/**
 * @file
 * Bring your own tables: an application's rte_hash or rte_lpm adopted as a
 * mapinmap table, so that it can be an inner table of an outer one.
 *
 * An adopt call wraps the application's table in a table handle of type
 * #MIM_TYPE_RTE_HASH or #MIM_TYPE_RTE_LPM, as mim_create() returns one.
 * The application keeps writing its table with DPDK's own calls
 * (rte_hash_add_key_data(), rte_lpm_add()); mapinmap only reads it: on the
 * data path with mim_lookup(), mim_lookup_bulk() and
 * mim_lookup_nested_bulk() (one rte_hash_lookup_bulk_data() or
 * rte_lpm_lookup_bulk() per inner table of a burst, on the keys that went
 * to it), and on the control plane with mim_lookup_elem() and, for
 * rte_hash, mim_get_next_key(). mim_update_elem() and mim_delete_elem()
 * on an adopted table fail with -EOPNOTSUPP: the application owns it.
 *
 * **Templates.** An adopted table is compared with an outer table's
 * template as any other: an outer table holds adopted tables of one type
 * only (its template is an adopted table, or a described template with
 * inner_type #MIM_TYPE_RTE_HASH or #MIM_TYPE_RTE_LPM), and native and
 * adopted inner tables cannot be mixed in one outer table. The fields
 * compared, each named when it differs: the type; the key size
 * (rte_hash key_len; 8, struct mim_lpm_key, for rte_lpm); value_size (the
 * bytes a value pointer points to; for rte_lpm the stride of the next-hop
 * value array); the flags (map_flags: rte_hash extra_flag, rte_lpm config
 * flags); the BTF types if the template has them (an adopted table has
 * none). Capacity (rte_hash entries, rte_lpm max_rules) is recorded as
 * max_entries and, as for the kernel's hash and LPM maps, not compared.
 *
 * **What is checked against the table.** DPDK 22.11 keeps the parameters
 * of an rte_hash and rte_lpm private, so the application passes the ones
 * it created the table with. mapinmap checks what DPDK shows: that the
 * name given finds this very table (rte_hash_find_existing(),
 * rte_lpm_find_existing()) and, for rte_hash, that the number of key
 * slots (rte_hash_max_key_id()) agrees with entries and the
 * MULTI_WRITER_ADD flag. key_len, the hash function and the remaining
 * flags cannot be read back: they are trusted.
 *
 * **Lifetime.** The adopted table lives as any table: until its last
 * reference (handles, outer slots) is dropped, then until every reader
 * attached with mim_rcu_qsbr_add() has passed a quiescent state. Then, and
 * never earlier, the release callback is called once with the
 * application's table, which is the application's again (to free with
 * rte_hash_free() or rte_lpm_free(), or to keep). If the adopt call fails,
 * the callback is never called and the table stays the application's.
 * The callback runs in the thread that reclaims (a retiring control-plane
 * call or mim_reclaim()), with the library mutex held: it must not call
 * mapinmap functions.
 *
 * mim_get_info() on an adopted table reports nb_entries 0 (the
 * application counts its table: rte_hash_count()) and mem_bytes of the
 * wrapper only: the table's memory is the application's.
 */

#include <stdint.h>

#include <mim.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_hash;
struct rte_hash_parameters;
struct rte_lpm;
struct rte_lpm_config;

/**
 * Called once, after the grace period that follows the adopted table's
 * last reference: @p table (the application's rte_hash or rte_lpm) and
 * what it points to are no longer read by mapinmap or its readers.
 *
 * @param table
 *   The adopted rte_hash or rte_lpm.
 * @param arg
 *   The release_arg given with it.
 */
typedef void (*mim_adopt_release_t)(void *table, void *arg);

/**
 * Options of mim_adopt_rte_hash(). Declare with MIM_OPTS(); params,
 * value_size and release are required.
 */
struct mim_adopt_rte_hash_opts {
	/** Size of this structure, set by MIM_OPTS(). */
	size_t sz;
	/**
	 * The parameters the table was created with (rte_hash_create()):
	 * name, entries, key_len and extra_flag are used. extra_flag must
	 * have RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF: the data path takes
	 * no lock. Read during the call only.
	 */
	const struct rte_hash_parameters *params;
	/**
	 * Bytes of the object each key's data pointer points to (1 to
	 * #MIM_VALUE_SIZE_MAX): what a lookup returns the address of and
	 * what mim_lookup_elem() copies. A key with NULL data reads as
	 * absent.
	 */
	uint32_t value_size;
	/** Called with the table after the grace period (not NULL). */
	mim_adopt_release_t release;
	/** Passed to release. */
	void *release_arg;
	/** As mim_create_opts::name_shared. */
	uint32_t name_shared;
	size_t :0;
};
/** Last field of struct mim_adopt_rte_hash_opts (the library's size check). */
#define mim_adopt_rte_hash_opts__last_field name_shared

/**
 * Adopt an application's rte_hash as a table of type #MIM_TYPE_RTE_HASH.
 *
 * Keys are the rte_hash's keys (key_len bytes); a lookup returns the
 * key's data pointer, which must point to value_size bytes that stay valid
 * until the readers that may have found them pass a quiescent state (the
 * application defers their reuse, as it does for any lock-free rte_hash).
 * The application may add and delete keys while readers look them up, as
 * RW_CONCURRENCY_LF allows, from its own single writer (or with
 * MULTI_WRITER_ADD from EAL threads). mapinmap's readers are its readers:
 * a deleted key's position is freed (rte_hash_free_key_with_position(),
 * or rte_hash_rcu_qsbr_add() on the same QSBR variable) only after they
 * have passed a quiescent state.
 *
 * Control-plane reads: mim_lookup_elem() copies value_size bytes from the
 * data pointer; mim_get_next_key() walks the table's key positions
 * (rte_hash_get_key_with_position(), as rte_hash_iterate() cannot resume
 * from a key): O(entries) per call at worst, not a snapshot while the
 * application writes.
 *
 * @param name
 *   Table name as in mim_create(), or NULL.
 * @param hash
 *   The application's table.
 * @param opts
 *   Options (required: params, value_size, release).
 * @return
 *   The table ID (> 0) with one handle reference, or:
 *   - -EINVAL: hash, opts, params or release NULL; malformed opts; the
 *     name is invalid; value_size 0 or above #MIM_VALUE_SIZE_MAX; key_len
 *     0 or above #MIM_KEY_SIZE_MAX; extra_flag without RW_CONCURRENCY_LF;
 *     params->name does not find @p hash; the key slots of @p hash
 *     disagree with entries and extra_flag.
 *   - -EEXIST: @p hash is adopted already (its table may be waiting for
 *     its grace period), or the name is taken and not shared.
 *   - -ENOMEM: no memory for the table object, or EAL not initialised.
 *   - -ENOSPC: every table ID is in use.
 * @cp_contract
 * - **Memory reuse:** on success @p hash is mapinmap's to read until the
 *   release callback; the application keeps writing it. On failure
 *   nothing is kept and the callback is never called.
 */
int mim_adopt_rte_hash(const char *name, struct rte_hash *hash,
		       const struct mim_adopt_rte_hash_opts *opts);

/**
 * Options of mim_adopt_rte_lpm(). Declare with MIM_OPTS(); lpm_name,
 * config, values, nb_values, value_size and release are required.
 */
struct mim_adopt_rte_lpm_opts {
	/** Size of this structure, set by MIM_OPTS(). */
	size_t sz;
	/** The name the table was created with (rte_lpm_create()). */
	const char *lpm_name;
	/**
	 * Its configuration (max_rules, flags are used). Read during the
	 * call only.
	 */
	const struct rte_lpm_config *config;
	/**
	 * How a next hop becomes a value: an array of nb_values values of
	 * value_size bytes each, indexed by next hop. A route with next hop
	 * nh makes a lookup return values + nh * value_size; a next hop of
	 * nb_values or more reads as no route. The array is the
	 * application's, read until the release callback.
	 */
	void *values;
	/** Values in the array: 1 to 2^24 (rte_lpm next hops are 24 bits). */
	uint32_t nb_values;
	/** Bytes of one value, the array's stride: 1 to #MIM_VALUE_SIZE_MAX. */
	uint32_t value_size;
	/** Called with the table after the grace period (not NULL). */
	mim_adopt_release_t release;
	/** Passed to release. */
	void *release_arg;
	/** As mim_create_opts::name_shared. */
	uint32_t name_shared;
	size_t :0;
};
/** Last field of struct mim_adopt_rte_lpm_opts (the library's size check). */
#define mim_adopt_rte_lpm_opts__last_field name_shared

/**
 * Adopt an application's rte_lpm (IPv4) as a table of type
 * #MIM_TYPE_RTE_LPM.
 *
 * Keys are struct mim_lpm_key (key_size 8); the data path matches the
 * whole address, as for #MIM_TYPE_LPM. The application keeps adding and
 * deleting routes with rte_lpm_add() and rte_lpm_delete() from one writer
 * while readers look up; it defers the reuse of freed tbl8 groups as
 * rte_lpm requires (rte_lpm_rcu_qsbr_add()), and writes a value in the
 * array before it adds a route to its next hop.
 *
 * Control-plane reads: mim_lookup_elem() finds the longest route of at
 * most key->prefixlen bits (1 to 32; rte_lpm has no /0 route) with
 * rte_lpm_is_rule_present(), which reads rte_lpm's rule table: it must not
 * run while the application changes routes. mim_get_next_key() fails with
 * -EOPNOTSUPP: rte_lpm cannot list its rules.
 *
 * @param name
 *   Table name as in mim_create(), or NULL.
 * @param lpm
 *   The application's table.
 * @param opts
 *   Options (required: lpm_name, config, values, nb_values, value_size,
 *   release).
 * @return
 *   The table ID (> 0) with one handle reference, or:
 *   - -EINVAL: lpm, opts or a required field NULL or 0; malformed opts;
 *     the name is invalid; nb_values above 2^24; value_size above
 *     #MIM_VALUE_SIZE_MAX; lpm_name does not find @p lpm.
 *   - -EEXIST: @p lpm is adopted already, or the name is taken and not
 *     shared.
 *   - -ENOMEM: no memory for the table object, or EAL not initialised.
 *   - -ENOSPC: every table ID is in use.
 * @cp_contract
 * - **Memory reuse:** on success @p lpm and the value array are
 *   mapinmap's to read until the release callback. On failure nothing is
 *   kept and the callback is never called.
 */
int mim_adopt_rte_lpm(const char *name, struct rte_lpm *lpm,
		      const struct mim_adopt_rte_lpm_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* MIM_ADOPT_H */
