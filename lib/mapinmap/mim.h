/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_H
#define MIM_H

/**
 * @file
 * mapinmap: nested dataplane tables for DPDK, after the Linux kernel's BPF
 * map-in-map.
 *
 * An *outer* table (#MIM_TYPE_ARRAY_OF_TABLES or #MIM_TYPE_HASH_OF_TABLES)
 * holds *inner* tables as its values, typically one per tenant. Inner tables
 * live in DPDK memory: plain arrays, and LPM and hash tables of the
 * library's own (rte_hash cannot overlap the cache misses of lookups that
 * span many tables, and takes a memzone per table). An outer table keeps a
 * *template* copied from a table named at creation, and every inner table
 * put into it is compared with that template first.
 *
 * **Handles.** Tables are named by a table ID (an int > 0), which plays the
 * part of both the kernel's map fd and map ID: mim_create() returns it with
 * one *handle reference* held by the caller; mim_close() drops it;
 * mim_get_by_id() takes another. Each outer slot holding a table holds one
 * more reference. A table lives until its last reference is dropped; at that
 * moment its ID and name stop resolving, and its memory is released after
 * every attached reader has passed a quiescent state (see mim_rcu.h).
 *
 * **Errors.** Functions returning int return 0 (or a non-negative count or
 * ID) on success and a negative errno value on failure. Functions returning
 * a pointer return NULL and set rte_errno. Every rejected call also records
 * a human-readable reason, retrievable with mim_last_error() from the same
 * thread, and logs it at INFO level under the logtype `lib.mapinmap`. The
 * errno values and the order in which they are checked follow the Linux
 * kernel (6.x) for the same operation; intended differences are listed in
 * the programmer's guide.
 *
 * **Concurrency.** Every function states its contract in a *Concurrency*
 * paragraph: which threads may call it, what RCU state it needs, what
 * ordering it provides, and when memory may be reused.
 * - Control-plane functions (this header, mim_rcu.h, mim_bpf.h) are
 *   multi-thread safe: one library-wide mutex serialises them. Their
 *   paragraph (\@cp_contract) lists only what differs from the
 *   control-plane contract below.
 * - Data-path functions (mim_datapath.h) take no lock, do not block and
 *   never wait for the writer; their contract is in that header.
 * - A control-plane call that publishes (an outer slot, a hash value) does
 *   so with one release store; data-path lookups load it with acquire (or
 *   dependency) ordering, so a reader that sees a new inner table or value
 *   sees it fully initialised.
 *
 * @par Control-plane contract
 * What a control-plane function guarantees unless its Concurrency
 * paragraph says otherwise:
 * - **Threads:** any thread, EAL lcore or not (the telemetry thread too);
 *   serialised with every other control-plane call by the library mutex, on
 *   which it may block.
 * - **RCU:** none required; never waits for readers.
 * - **Ordering:** a snapshot taken under the mutex: it reflects every
 *   control-plane call that returned before it.
 * - **Memory reuse:** what the caller passes belongs to it again on return,
 *   and what the call writes out is a copy; no reference is taken unless
 *   the function says so.
 *
 * **Multi-process.** The tables live in the primary process; in a
 * secondary, the control-plane calls are carried to the primary and
 * answered as there, and the data path reads the primary's tables
 * directly. mim_mp.h gives the contract and what a secondary may not do.
 *
 * *Retiring calls*, those that may unpublish something (mim_update_elem(),
 * mim_delete_elem(), mim_close(), and mim_bpf_import() through them), first
 * reclaim when more than reclaim_thd releases are pending, never waiting
 * for readers. In #MIM_RCU_MODE_SYNC they wait for a grace period on every
 * attached variable when they retire something, so the caller must not
 * then be online on an attached variable (such a call is refused with
 * -EDEADLK when the library recognises it). What they retire is released
 * only after every reader registered on every attached variable has passed
 * a quiescent state.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

#ifdef __cplusplus
extern "C" {
#endif

struct btf;

/**
 * A table ID, as returned by mim_create() and taken by every call that
 * names a table.
 *
 * It is an int, like the map fd it stands for: the calls that return an ID
 * return a negative errno on failure in the same type, so `mim_id_t id =
 * mim_create(...)` then `if (id < 0)` needs no cast. IDs are at most
 * #MIM_ID_MAX, so where an ID is stored as 4 bytes (an outer table's
 * values, mim_table_info::id, mim_get_next_id()) an int and a uint32_t
 * variable hold the same bytes: either may be passed as an outer table's
 * value. mim_get_by_id() and mim_create_opts::inner_id, uint32_t before
 * this type, take it now: code that passes a uint32_t still compiles, with
 * the same values. mim_table_info's IDs and mim_get_next_id() keep
 * uint32_t, as the kernel's bpf_map_info and bpf_map_get_next_id() do.
 */
typedef int mim_id_t;

/** Table types. */
enum mim_type {
	/** Array indexed by a u32 key, fixed max_entries, values updated in place. */
	MIM_TYPE_ARRAY = 1,
	/**
	 * Exact match on key_size bytes: a lock-free cuckoo hash table in DPDK
	 * memory (no memzone), values preallocated unless #MIM_F_NO_PREALLOC.
	 */
	MIM_TYPE_HASH,
	/**
	 * Longest-prefix match on a compact range structure of the library's
	 * own: IPv4 (key struct mim_lpm_key) or IPv6 (struct mim_lpm6_key).
	 */
	MIM_TYPE_LPM,
	/** Outer table: array of inner tables indexed by a u32 key. */
	MIM_TYPE_ARRAY_OF_TABLES,
	/** Outer table: hash of inner tables, any key size. */
	MIM_TYPE_HASH_OF_TABLES,
	/**
	 * An application's rte_hash (lock-free readers), adopted as an inner
	 * table with mim_adopt_rte_hash() (mim_adopt.h); not created by
	 * mim_create().
	 */
	MIM_TYPE_RTE_HASH,
	/**
	 * An application's rte_lpm (IPv4) with an array of values indexed by
	 * next hop, adopted with mim_adopt_rte_lpm() (mim_adopt.h); not
	 * created by mim_create().
	 */
	MIM_TYPE_RTE_LPM,
	/**
	 * Array indexed by a u32 key holding one value per lcore, as the
	 * kernel's BPF_MAP_TYPE_PERCPU_ARRAY: the data path sees the calling
	 * lcore's copy (a thread without an lcore ID sees none), the control
	 * plane reads and writes all mim_percpu_nb_copies() copies at once.
	 */
	MIM_TYPE_PERCPU_ARRAY,
	/**
	 * Hash table holding one value per lcore, as the kernel's
	 * BPF_MAP_TYPE_PERCPU_HASH: the data path sees the calling lcore's
	 * copy of a key's value (a thread without an lcore ID sees none),
	 * the control plane reads and writes all mim_percpu_nb_copies()
	 * copies at once, as on a #MIM_TYPE_PERCPU_ARRAY.
	 */
	MIM_TYPE_PERCPU_HASH,
	/**
	 * Hash table that evicts a least recently used key when full, as the
	 * kernel's BPF_MAP_TYPE_LRU_HASH, instead of failing with -E2BIG.
	 * Data-path lookups mark the key used; one LRU list for the table,
	 * or one per lcore with #MIM_F_NO_COMMON_LRU.
	 */
	MIM_TYPE_LRU_HASH,
};

/** Number of table types plus one (types start at 1). */
#define MIM_TYPE_MAX (MIM_TYPE_LRU_HASH + 1)

/** @name Update flags (mim_update_elem), as BPF_ANY / BPF_NOEXIST / BPF_EXIST
 * @{
 */
/** Create a new element or update an existing one. */
#define MIM_ANY 0
/** Create a new element only if it does not exist. */
#define MIM_NOEXIST 1
/** Update an existing element only. */
#define MIM_EXIST 2
/** @} */

/** @name Table flags (mim_create_opts::map_flags), with the BPF_F_* values
 * @{
 */
/**
 * As BPF_F_NO_PREALLOC: a HASH table takes its value objects from pools
 * shared by all tables as they are needed, instead of preallocating
 * max_entries of them (plus spares) with the table. Accepted on
 * HASH_OF_TABLES and LPM tables (the kernel requires it on LPM tries); no
 * effect on them.
 */
#define MIM_F_NO_PREALLOC (1U << 0)
/**
 * As BPF_F_NO_COMMON_LRU: a #MIM_TYPE_LRU_HASH table keeps one LRU list per lcore
 * (and one for threads without an lcore ID) instead of one for the
 * table; each list holds max_entries divided by the number of lists, and
 * max_entries is rounded up to a multiple of that number as the kernel
 * rounds it to one of its CPUs. Valid on LRU_HASH only (-EINVAL on the
 * other hash types, as the kernel).
 */
#define MIM_F_NO_COMMON_LRU (1U << 1)
/** Use mim_create_opts::socket_id for the table's memory (else any socket). */
#define MIM_F_NUMA_NODE (1U << 2)
/**
 * On an ARRAY table used as a template: inner arrays may differ in
 * max_entries (as BPF_F_INNER_MAP). Valid on MIM_TYPE_ARRAY only.
 */
#define MIM_F_INNER_MAP (1U << 12)
/**
 * On a HASH table: reader threads may also insert, update and delete
 * (mim_dp_write.h), concurrently with each other and with the control
 * plane. Readers pay nothing for it; the table's values are preallocated
 * (incompatible with #MIM_F_NO_PREALLOC) and its control-plane writes
 * take the same bucket locks. Not a kernel flag (kernel hashes are always
 * multi-writer): the bit is outside those the kernel defines.
 */
#define MIM_F_DP_WRITE (1U << 28)
/** @} */

/** Maximum length of a table name, including the terminating NUL. */
#define MIM_NAMESIZE 32

/** Largest table ID; IDs are allocated cyclically in [1, MIM_ID_MAX]. */
#define MIM_ID_MAX ((1U << 24) - 1)

/** Largest key size of a hash table (the kernel's MAX_BPF_STACK). */
#define MIM_KEY_SIZE_MAX 512

/**
 * The kernel's KMALLOC_MAX_SIZE on x86-64: a hash table's key_size +
 * value_size must stay below it less 48 (the kernel's struct htab_elem).
 */
#define MIM_VALUE_SIZE_MAX (1U << 22)

/**
 * Key of an #MIM_TYPE_LPM table, laid out as the kernel's
 * struct bpf_lpm_trie_key for IPv4 (key_size 8).
 */
struct mim_lpm_key {
	/** Prefix length, 0 to 32. */
	uint32_t prefixlen;
	/** IPv4 address in network byte order. */
	rte_be32_t addr;
};

/**
 * Key of an IPv6 #MIM_TYPE_LPM table (key_size 20), laid out as the
 * kernel's struct bpf_lpm_trie_key with 16 data bytes.
 */
struct mim_lpm6_key {
	/** Prefix length, 0 to 128. */
	uint32_t prefixlen;
	/** IPv6 address in network byte order. */
	uint8_t addr[16];
};

/**
 * Options of mim_create(). Declare with MIM_OPTS(); fields left out are zero,
 * which is their default.
 */
struct mim_create_opts {
	/** Size of this structure, set by MIM_OPTS(). */
	size_t sz;
	/** MIM_F_* flags. Unknown or inapplicable flags give -EINVAL. */
	uint32_t map_flags;
	/**
	 * NUMA socket of the table's memory, or SOCKET_ID_ANY (-1); used only
	 * with #MIM_F_NUMA_NODE.
	 */
	int socket_id;
	/** Outer tables only: ID of the table to copy the template from. */
	mim_id_t inner_id;
	/**
	 * LPM tables only: accepted and checked (at most 2^24) for programs
	 * written for the rte_lpm layout; no effect on the compact one.
	 */
	uint32_t lpm_tbl8_groups;
	/**
	 * BTF (libbpf) describing the key and/or value, or NULL. The table
	 * keeps its own copy (tables given identical BTF share one), so the
	 * caller may free this one after mim_create() returns. Split BTF is
	 * not supported.
	 */
	const struct btf *btf;
	/** BTF type of the key (0: none); its size must be key_size. */
	uint32_t btf_key_type_id;
	/**
	 * BTF type of the value (0: none); its size must be value_size. Not
	 * on outer tables, whose values are table IDs.
	 */
	uint32_t btf_value_type_id;
	/**
	 * @name Described template (outer tables only)
	 * The template as the inner table's mim_create() arguments and
	 * options would give it, instead of a live table named by inner_id
	 * (as libbpf's `__array(values, ...)` declaration): nothing is
	 * allocated for it but a copy of inner_btf. inner_type 0: none.
	 * Given with inner_id, or to a table that is not outer: -EINVAL.
	 * It must pass the checks the inner type makes before allocating
	 * (sizes, flags, BTF); the capacity limits checked while allocating
	 * (2^27 hash elements, 4 GiB arrays) are not applied to it.
	 * @{
	 */
	uint32_t inner_type;        /**< enum mim_type of the inner tables. */
	uint32_t inner_key_size;    /**< Their key size. */
	uint32_t inner_value_size;  /**< Their value size. */
	uint32_t inner_max_entries; /**< Their capacity. */
	uint32_t inner_map_flags;   /**< Their MIM_F_* flags. */
	const struct btf *inner_btf; /**< Their BTF, or NULL (copied). */
	uint32_t inner_btf_key_type_id;   /**< Their BTF key type (0: none). */
	uint32_t inner_btf_value_type_id; /**< Their BTF value type (0: none). */
	/** @} */
	/**
	 * Non-zero: the name may already be held by live tables (created
	 * with or without this option). This table then shares it and is
	 * the one mim_find() returns for it; see mim_find().
	 */
	uint32_t name_shared;
	size_t :0;
};
/** Last field of struct mim_create_opts (the library's size check). */
#define mim_create_opts__last_field name_shared

/**
 * Declare and initialise an options structure, as libbpf's LIBBPF_OPTS:
 * the whole structure (padding included) is zeroed, sz is set, and the
 * named fields take the given values.
 *
 * @code
 * MIM_OPTS(mim_create_opts, o, .inner_id = tmpl_id);
 * int outer = mim_create(MIM_TYPE_ARRAY_OF_TABLES, "vrfs", 4, 4, 4096, &o);
 * @endcode
 */
#define MIM_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = ({						\
		memset(&NAME, 0, sizeof(struct TYPE));			\
		(struct TYPE){						\
			.sz = sizeof(struct TYPE),			\
			__VA_ARGS__					\
		};							\
	})

/** Shape of a table, as compared by the template check. */
struct mim_meta_info {
	uint32_t type;        /**< enum mim_type */
	uint32_t key_size;    /**< Key size in bytes. */
	uint32_t value_size;  /**< Value size in bytes. */
	uint32_t max_entries; /**< Capacity. */
	uint32_t map_flags;   /**< MIM_F_* flags. */
	uint32_t btf_key_type_id;   /**< BTF key type (0: none). */
	uint32_t btf_value_type_id; /**< BTF value type (0: none). */
};

/** Description of a table, filled by mim_get_info(). */
struct mim_table_info {
	uint32_t id;                /**< Table ID. */
	uint32_t type;              /**< enum mim_type */
	char name[MIM_NAMESIZE];    /**< Name ("" when anonymous). */
	uint32_t key_size;          /**< Key size in bytes. */
	uint32_t value_size;        /**< Value size in bytes (4 on outer tables). */
	uint32_t max_entries;       /**< Capacity. */
	uint32_t map_flags;         /**< MIM_F_* flags. */
	int socket_id;              /**< Socket requested (SOCKET_ID_ANY if none). */
	uint32_t nb_entries;        /**< Elements (outer: occupied slots). */
	uint32_t refcnt;            /**< References: handles plus outer slots. */
	uint32_t handles;           /**< Handle references (mim_create/mim_get_by_id). */
	uint32_t memzones;          /**< DPDK memzones the table's backing objects use. */
	uint64_t mem_bytes;         /**< DPDK heap bytes allocated for the table. */
	uint64_t nb_updates;        /**< Successful mim_update_elem() calls. */
	uint64_t nb_deletes;        /**< Successful mim_delete_elem() calls. */
	uint64_t nb_replacements;   /**< Outer slots (or hash values) replaced. */
	uint32_t btf_key_type_id;   /**< BTF key type (0: none); see mim_get_btf(). */
	uint32_t btf_value_type_id; /**< BTF value type (0: none). */
	/** Outer tables only: ID the template was copied from (may be gone). */
	uint32_t inner_id;
	/** Outer tables only: the template every inner table must match. */
	struct mim_meta_info inner;
};

/**
 * Create a table.
 *
 * Checks come first and in the kernel's order for the same map type; nothing
 * is allocated until they pass (validate, then allocate).
 *
 * @param type
 *   Table type.
 * @param name
 *   Unique name (unless opts->name_shared), at most MIM_NAMESIZE - 1
 *   characters from [A-Za-z0-9_.-], or NULL / "" for an anonymous table
 *   (not found by mim_find()).
 * @param key_size
 *   ARRAY and ARRAY_OF_TABLES: 4 (a u32 index). HASH and HASH_OF_TABLES:
 *   1 to #MIM_KEY_SIZE_MAX. LPM: 8 (struct mim_lpm_key, IPv4) or 20
 *   (struct mim_lpm6_key, IPv6).
 * @param value_size
 *   Outer tables: 4 (a u32 table ID). ARRAY: 1 to INT_MAX, the array
 *   (max_entries rounded up to a power of two, values to 8 bytes) under
 *   4 GiB. HASH: key_size + value_size below #MIM_VALUE_SIZE_MAX - 48.
 *   PERCPU_ARRAY and PERCPU_HASH: also at most 32768 (each lcore's copy).
 *   LPM: 1 to 256.
 * @param max_entries
 *   Capacity, > 0. Arrays hold exactly max_entries elements (at most 2^31);
 *   hash tables accept at most max_entries elements (at most 2^27), LPM
 *   tables at most max_entries prefixes (at most 2^23).
 * @param opts
 *   Options, or NULL for defaults. Outer tables need a template:
 *   opts->inner_id, or opts->inner_type and the fields after it.
 * @return
 *   The table ID (> 0), holding one handle reference, or:
 *   - -EINVAL: unknown type; bad key_size, value_size or flags; zero
 *     max_entries; bad name; opts malformed (sz too small, or unknown
 *     trailing bytes non-zero); #MIM_F_NUMA_NODE with a socket_id this
 *     machine does not have; inner_id given to a non-outer type; the
 *     template is itself an outer table (one level of nesting); a BTF
 *     type id without a BTF, absent from it, or whose size differs from
 *     key_size / value_size; a BTF value type on an outer table; split
 *     BTF; a described template given with inner_id, to a table that is
 *     not outer, or refused by the inner type's own checks (with the
 *     reason mim_create() of such a table would give).
 *   - -ENOTSUPP (524, the kernel's): #MIM_F_NO_PREALLOC on a
 *     #MIM_TYPE_LRU_HASH.
 *   - -E2BIG: key_size, value_size or max_entries above the maximum, or an
 *     array would exceed 4 GiB. As in the kernel, the limits on
 *     max_entries of arrays and hash tables are checked after the
 *     template of an outer table.
 *   - -EBADF: outer table whose inner_id names no table.
 *   - -ENOTSUP: the template's type cannot be compared (has no meta_equal).
 *   - -EEXIST: a live table already has this name, and opts->name_shared
 *     is not set.
 *   - -ENOSPC: all table IDs are in use.
 *   - -ENOMEM: DPDK memory or memzones exhausted.
 *   - -ENOMEM also before rte_eal_init() (the reason says so), and
 *     -EINVAL also for lpm_tbl8_groups given to a type other than LPM.
 * @cp_contract
 * - **RCU:** none required; never waits for readers.
 * - **Ordering:** the table's ID and name resolve for every thread once it
 *   returns; a reader may use it after it has been published in an outer slot
 *   or passed to it by the application.
 * - **Memory reuse:** opts->btf too belongs to the caller again on return:
 *   the table keeps a copy.
 */
int mim_create(enum mim_type type, const char *name, uint32_t key_size,
	       uint32_t value_size, uint32_t max_entries,
	       const struct mim_create_opts *opts);

/**
 * Create or update an element.
 *
 * On an outer table the value is the u32 ID of an inner table; the inner
 * table is checked against the template and gains one reference, and the
 * table it replaces (if any) loses one. On a HASH table an existing key gets
 * a new value object. ARRAY values are copied in place, as with kernel
 * arrays. LPM keys are prefixes; the bits beyond prefixlen are ignored.
 *
 * @param id
 *   Table ID.
 * @param key
 *   Key (key_size bytes).
 * @param value
 *   Value (value_size bytes; a u32 table ID on outer tables; on a
 *   #MIM_TYPE_PERCPU_ARRAY or #MIM_TYPE_PERCPU_HASH,
 *   mim_percpu_nb_copies() copies of
 *   value_size rounded up to 8 bytes, lcore i's at i times that stride,
 *   each written whole, padding included, as the kernel's syscall).
 * @param flags
 *   #MIM_ANY, #MIM_NOEXIST or #MIM_EXIST.
 * @return
 *   0, or:
 *   - -EBADF: id names no table; on an outer table, the value names no
 *     table.
 *   - -EINVAL: key or value NULL; flags unknown (BPF_F_LOCK, 0x4, is refused
 *     before anything else, as the kernel does for maps without a spin
 *     lock); flags other than MIM_ANY
 *     on an ARRAY_OF_TABLES; LPM prefixlen above 32 (IPv6: 128); the inner table does
 *     not match the template (mim_last_error() names the first difference:
 *     type, key_size, value_size, map_flags, max_entries of arrays without
 *     #MIM_F_INNER_MAP, or — when the template has BTF types — the first
 *     member whose name, offset or type differs) or is itself an outer
 *     table.
 *   - -E2BIG: array index >= max_entries; a new key in a full HASH,
 *     PERCPU_HASH or HASH_OF_TABLES (a full LRU_HASH evicts a least
 *     recently used key instead).
 *   - -EEXIST: #MIM_NOEXIST and the key exists (on ARRAY: always).
 *   - -ENOENT: #MIM_EXIST and the key does not exist.
 *   - -ENOSPC: a new prefix in a full LPM table; a new key of a
 *     HASH or HASH_OF_TABLES whose two buckets cannot be freed by moving
 *     keys (rare: those tables have at least twice max_entries slots).
 *   - -EBUSY: releases are held back by readers that have not reported a
 *     quiescent state and the defer queue is full or pending_bytes_max is
 *     reached (mim_rcu.h), or a new hash key finds
 *     no free slot because deleted keys' slots wait for them, or an LPM
 *     table's spare value slots (an LRU_HASH table's spare value objects)
 *     all wait for them; nothing changed (an LRU_HASH insert may have
 *     evicted a key). Retry after readers progress.
 *   - -ENOMEM: out of DPDK memory for a new hash value object, or for
 *     an LPM table's new range array, index or value slots.
 *   - -EDEADLK: #MIM_RCU_MODE_SYNC, the call would retire something, and
 *     the calling thread is online on an attached variable (see
 *     mim_rcu.h); nothing changed.
 * @cp_contract
 * - **RCU:** none required; a retiring call (see the file overview): in
 *   #MIM_RCU_MODE_SYNC it may wait for a grace period.
 * - **Ordering:** an outer slot or a hash value is published with one release
 *   store (paired with the acquire load of the lookups): a reader that sees
 *   it sees it initialised. An LPM route's value slot is written before
 *   the range array that points to it is published (one release store per
 *   array). ARRAY values are copied in place: a racing
 *   reader of the same index may see a mix of old and new bytes;
 *   PERCPU_ARRAY copies likewise, one lcore's after another.
 * - **Memory reuse:** what the update replaces (an inner table whose last
 *   reference was the slot's, a hash value, an LPM value slot no route
 *   uses) is retired.
 */
int mim_update_elem(int id, const void *key, const void *value,
		    uint64_t flags);

/**
 * Copy an element's value (control plane).
 *
 * On an outer table, writes the u32 ID of the inner table held in the slot
 * (as the kernel's bpf_map_fd_sys_lookup_elem). On an LPM table, finds the
 * longest stored prefix of at most key->prefixlen bits that matches
 * key->addr, as the kernel's LPM trie does.
 *
 * @param id
 *   Table ID.
 * @param key
 *   Key.
 * @param value
 *   Output buffer of value_size bytes; on a #MIM_TYPE_PERCPU_ARRAY or
 *   #MIM_TYPE_PERCPU_HASH, of
 *   mim_percpu_nb_copies() copies of value_size rounded up to 8 bytes,
 *   filled with every lcore's copy in lcore order (padding included).
 * @return
 *   0, or -EBADF (no such table), -EINVAL (key or value NULL), -ENOENT (no
 *   such element, empty outer slot, array index out of range).
 * @cp_contract
 * - **Memory reuse:** @p value is a copy: it stays valid whatever happens to
 *   the table.
 */
int mim_lookup_elem(int id, const void *key, void *value);

/**
 * Delete an element.
 *
 * @param id
 *   Table ID.
 * @param key
 *   Key.
 * @return
 *   0, or:
 *   - -EBADF: no such table.
 *   - -EINVAL: key NULL; the table is an ARRAY (elements cannot be
 *     deleted); LPM prefixlen above 32 (IPv6: 128).
 *   - -E2BIG: ARRAY_OF_TABLES index >= max_entries.
 *   - -ENOENT: no such element, or the outer slot is empty.
 *   - -EBUSY: the defer queue is full, or pending_bytes_max is reached;
 *     nothing changed.
 *   - -EDEADLK: as mim_update_elem(); nothing changed.
 *   - -ENOMEM: LPM only: no memory for the range array left without the
 *     prefix; nothing changed.
 * @cp_contract
 * - **RCU:** none required; a retiring call (see the file overview): in
 *   #MIM_RCU_MODE_SYNC it may wait for a grace period.
 * - **Ordering:** the slot or key is unpublished before return; a reader that
 *   looked it up before may keep using what it found until its next quiescent
 *   state.
 * - **Memory reuse:** the element's value and hash key slot are retired; an
 *   outer slot's reference on its inner table is dropped at once (see the
 *   file overview for when the table itself goes).
 */
int mim_delete_elem(int id, const void *key);

/**
 * Get the key following @p key, as bpf_map_get_next_key().
 *
 * Arrays iterate indexes 0 to max_entries - 1 (outer arrays included, empty
 * slots too, as the kernel does). Hash and LPM tables iterate in an
 * unspecified order; if @p key is not in the table, the first key is
 * returned. Iteration is not a snapshot: keys added or deleted meanwhile may
 * or may not be seen.
 *
 * @param id
 *   Table ID.
 * @param key
 *   Current key, or NULL for the first key.
 * @param next_key
 *   Output buffer of key_size bytes.
 * @return
 *   0, or -EBADF (no such table), -EINVAL (next_key NULL), -ENOENT (no key
 *   after @p key, or the table is empty).
 * @cp_contract
 * - **Ordering:** each call sees the table as the calls before it left it; a
 *   walk over several calls is not a snapshot.
 */
int mim_get_next_key(int id, const void *key, void *next_key);

/**
 * Take one more handle reference on a table, as bpf_map_get_fd_by_id().
 *
 * @param id
 *   Table ID.
 * @return
 *   @p id, or -ENOENT if no live table has this ID.
 * @cp_contract
 * - **Ordering:** the new handle keeps the table alive until mim_close().
 */
int mim_get_by_id(mim_id_t id);

/**
 * Drop one handle reference, like close(2) on a map fd.
 *
 * A table still held by an outer slot (or another handle) stays alive and
 * usable through its ID. Closing an outer table drops the references its
 * slots hold.
 *
 * @param id
 *   Table ID.
 * @return
 *   0, or -EBADF (no such table, or it has no handle reference left), or
 *   -EBUSY (the table would be released but the defer queue is full, or
 *   pending_bytes_max is reached; it stays open).
 *   -EDEADLK: as mim_update_elem() (the table stays open).
 * @cp_contract
 * - **RCU:** none required; a retiring call (see the file overview): in
 *   #MIM_RCU_MODE_SYNC it may wait for a grace period.
 * - **Ordering:** when the last reference goes, the ID and name stop
 *   resolving before return; readers may still hold the table until their
 *   next quiescent state.
 * - **Memory reuse:** the table's memory (and, for an outer table, that of
 *   inner tables that lose their last reference with it) is retired. The ID
 *   is not given to another table until the ID space wraps (#MIM_ID_MAX
 *   creations later).
 */
int mim_close(int id);

/**
 * Find a table by name. Takes no reference.
 *
 * A name is held by one live table unless tables were created with
 * mim_create_opts.name_shared: then the most recently created live table of
 * that name is found, and when it goes the name resolves to the most recent
 * of those left (a table keeps its name for life, mim_get_info() and
 * telemetry show it). Replacing a tenant's table under the same name: create
 * the new one with name_shared, put it into the outer slot, close the old.
 *
 * @param name
 *   Table name.
 * @return
 *   The table ID, or -EINVAL (name NULL or empty), or -ENOENT.
 * @cp_contract
 * - **Memory reuse:** takes no reference: the ID may stop resolving as soon
 *   as another thread drops the table's last reference.
 */
int mim_find(const char *name);

/**
 * Get the smallest live table ID above @p start_id, as bpf_map_get_next_id().
 *
 * @param start_id
 *   0 for the first ID.
 * @param next_id
 *   Output.
 * @return
 *   0, or -EINVAL (next_id NULL), or -ENOENT (no live ID above start_id).
 * @cp_contract
 * - **Memory reuse:** takes no reference (as mim_find()).
 */
int mim_get_next_id(uint32_t start_id, uint32_t *next_id);

/**
 * Describe a table.
 *
 * @param id
 *   Table ID.
 * @param info
 *   Output.
 * @return
 *   0, or -EBADF (no such table), or -EINVAL (info NULL).
 * @cp_contract
 */
int mim_get_info(int id, struct mim_table_info *info);

/**
 * Why the last failed mapinmap call in the calling thread failed.
 *
 * Like errno, the text is set by a failing call and left unchanged by
 * successful ones.
 *
 * @return
 *   A NUL-terminated string owned by the library and valid until the next
 *   mapinmap call in this thread; "" if no call has failed yet.
 * @par Concurrency
 * - **Threads:** any thread; reads thread-local storage and takes no lock.
 * - **RCU:** none.
 * - **Ordering:** reports the last failed call of the calling thread only.
 * - **Memory reuse:** the string is valid until the next mapinmap call in
 *   this thread.
 */
const char *mim_last_error(void);

/**
 * Get the data-path handle of a table.
 *
 * @param id
 *   Table ID.
 * @return
 *   The table (see Memory reuse below for how long it is valid); NULL with
 *   rte_errno set to ENOENT if no live table has this ID.
 * @cp_contract
 * - **Ordering:** the table is fully initialised when its ID resolves.
 * - **Memory reuse:** takes no reference: the pointer is valid while the
 *   caller (or an outer slot it found the table in, under the reader rules of
 *   mim_datapath.h) holds a reference on the table.
 */
struct mim_table *mim_table(int id);

/**
 * Get the BTF types of a table.
 *
 * @param id
 *   Table ID.
 * @param btf
 *   Output: the table's BTF (libbpf), or NULL if it has none (see Memory
 *   reuse below); read it with e.g. btf_dump__dump_type_data().
 * @param key_type_id
 *   Output (may be NULL): BTF key type, 0 if none.
 * @param value_type_id
 *   Output (may be NULL): BTF value type, 0 if none.
 * @return
 *   0, or -EBADF (no such table), -EINVAL (btf NULL).
 * @cp_contract
 * - **Memory reuse:** @p *btf is the library's copy, valid while the caller
 *   holds a reference on the table; use it read-only.
 */
int mim_get_btf(int id, const struct btf **btf, uint32_t *key_type_id,
		uint32_t *value_type_id);

/**
 * Name of a table type ("array", "hash", "lpm", "array_of_tables",
 * "hash_of_tables"), or NULL for an unknown type.
 *
 * @param type
 *   Table type.
 * @return
 *   A static string, or NULL.
 * @par Concurrency
 * - **Threads:** any thread; takes no lock.
 * - **RCU:** none.
 * - **Ordering:** none (constant data).
 * - **Memory reuse:** a static string.
 */
const char *mim_type_name(enum mim_type type);

/**
 * Number of per-lcore copies of each value of a #MIM_TYPE_PERCPU_ARRAY
 * table, the kernel's num_possible_cpus() (libbpf_num_possible_cpus()):
 * RTE_MAX_LCORE, one copy per possible lcore ID, whatever lcores this
 * process's EAL runs, so that every thread with an lcore ID (EAL lcores,
 * threads registered with rte_thread_register()) has its copy and every
 * process of a multi-process application sees the same layout.
 *
 * mim_lookup_elem() and mim_update_elem() on such a table take a buffer
 * of this many copies, each value_size rounded up to 8 bytes, copy i
 * being lcore i's (the kernel's per-CPU layout in the bpf() syscall).
 *
 * @return
 *   The number of copies (at least 1).
 * @par Concurrency
 * - **Threads:** any thread; takes no lock.
 * - **RCU:** none.
 * - **Ordering:** none (a build-time constant).
 * - **Memory reuse:** none.
 */
uint32_t mim_percpu_nb_copies(void);

/** Library-wide counters, filled by mim_get_stats(). */
struct mim_stats {
	uint32_t nb_tables;         /**< Live tables (with an ID). */
	uint32_t nb_dying;          /**< Released tables waiting for readers. */
	uint32_t memzones;          /**< Memzones used by live tables. */
	uint32_t value_pools;       /**< rte_mempools holding hash values. */
	uint64_t mem_bytes;         /**< DPDK heap bytes of live tables. */
	uint64_t value_pool_bytes;  /**< DPDK heap bytes of the value pools. */
	uint64_t nb_created;        /**< Tables created since start. */
	uint64_t nb_destroyed;      /**< Tables whose memory was released. */
	uint64_t nb_replacements;   /**< Outer slots and hash values replaced. */
};

/**
 * Get library-wide counters. Release counters are in mim_rcu_get_stats().
 *
 * @param stats
 *   Output.
 * @return
 *   0, or -EINVAL (stats NULL).
 * @cp_contract
 */
int mim_get_stats(struct mim_stats *stats);

/** Counters of a #MIM_TYPE_LRU_HASH table, filled by mim_get_lru_stats(). */
struct mim_lru_stats {
	/** sizeof(struct mim_lru_stats), set by the caller (as libbpf opts). */
	size_t sz;
	/** Keys evicted (least recently used) to make room since creation. */
	uint64_t nb_evictions;
	/**
	 * LRU lists: 1, or with #MIM_F_NO_COMMON_LRU one per lcore ID plus
	 * one for threads without an lcore ID (RTE_MAX_LCORE + 1).
	 */
	uint32_t nb_lists;
	/** Keys each list holds at most (max_entries / nb_lists). */
	uint32_t list_capacity;
};

/**
 * Get the eviction counters of an LRU hash table.
 *
 * @param id
 *   Table ID.
 * @param stats
 *   Output; its sz set by the caller. Fields past sz are not written
 *   (a program built against an older, shorter struct stays correct).
 * @return
 *   0, or -EBADF (no such table), -EINVAL (stats NULL, sz too small to
 *   hold nb_evictions, or the table is not a #MIM_TYPE_LRU_HASH).
 * @cp_contract
 */
int mim_get_lru_stats(int id, struct mim_lru_stats *stats);

/**
 * @name Element calls with buffer sizes
 *
 * As libbpf's bpf_map__update_elem(map, key, key_sz, value, value_sz,
 * flags) and its siblings: the same calls as mim_update_elem(),
 * mim_lookup_elem(), mim_delete_elem() and mim_get_next_key(), which first
 * check that the caller's buffers have the table's sizes, so that a 4-byte
 * key given to a table of 16-byte keys, or a 2-byte value buffer, is
 * refused instead of read or written past its end. Prefer them wherever
 * the sizes are known where the buffers are declared.
 *
 * Each returns what its plain call returns, and before it:
 * - -EBADF: id names no table.
 * - -EINVAL: key_sz is not the table's key_size, or value_sz not its
 *   value_size (4 on outer tables); mim_last_error() names both
 *   ("key_sz 4 != table 'flows' (id 3) key_size 16").
 *
 * Concurrency: as the plain call (the check takes the library mutex, then
 * the plain call takes it again; a table's sizes never change, and a table
 * closed in between gives -EBADF).
 * @{
 */

/**
 * mim_update_elem() with @p key_sz and @p value_sz checked.
 *
 * @param id
 *   Table ID.
 * @param key
 *   Key.
 * @param key_sz
 *   Size of @p key: the table's key_size.
 * @param value
 *   Value.
 * @param value_sz
 *   Size of @p value: the table's value_size.
 * @param flags
 *   As mim_update_elem().
 * @return
 *   As mim_update_elem(), and the errors of the group.
 * @cp_contract
 * - **RCU:** as mim_update_elem().
 * - **Ordering:** as mim_update_elem().
 * - **Memory reuse:** as mim_update_elem().
 */
int mim_update_elem_sz(int id, const void *key, size_t key_sz,
		       const void *value, size_t value_sz, uint64_t flags);

/**
 * mim_lookup_elem() with @p key_sz and @p value_sz checked.
 *
 * @param id
 *   Table ID.
 * @param key
 *   Key.
 * @param key_sz
 *   Size of @p key: the table's key_size.
 * @param value
 *   Output buffer.
 * @param value_sz
 *   Size of @p value: the table's value_size.
 * @return
 *   As mim_lookup_elem(), and the errors of the group.
 * @cp_contract
 * - **Memory reuse:** as mim_lookup_elem().
 */
int mim_lookup_elem_sz(int id, const void *key, size_t key_sz, void *value,
		       size_t value_sz);

/**
 * mim_delete_elem() with @p key_sz checked.
 *
 * @param id
 *   Table ID.
 * @param key
 *   Key.
 * @param key_sz
 *   Size of @p key: the table's key_size.
 * @return
 *   As mim_delete_elem(), and the errors of the group.
 * @cp_contract
 * - **RCU:** as mim_delete_elem().
 * - **Ordering:** as mim_delete_elem().
 * - **Memory reuse:** as mim_delete_elem().
 */
int mim_delete_elem_sz(int id, const void *key, size_t key_sz);

/**
 * mim_get_next_key() with @p key_sz checked: the size of @p next_key, and
 * of @p key when it is not NULL.
 *
 * @param id
 *   Table ID.
 * @param key
 *   Current key, or NULL for the first key.
 * @param next_key
 *   Output buffer.
 * @param key_sz
 *   Size of @p next_key (and @p key): the table's key_size.
 * @return
 *   As mim_get_next_key(), and the errors of the group.
 * @cp_contract
 * - **Ordering:** as mim_get_next_key().
 */
int mim_get_next_key_sz(int id, const void *key, void *next_key,
			size_t key_sz);
/** @} */

/**
 * Options of mim_lookup_batch(), as libbpf's struct bpf_map_batch_opts.
 * Declare with MIM_OPTS(); fields left out are zero, their only valid
 * value today.
 */
struct mim_batch_opts {
	/** Size of this structure, set by MIM_OPTS(). */
	size_t sz;
	/**
	 * As the kernel's batch.elem_flags: must be 0 (BPF_F_LOCK, 0x4, is
	 * refused as no table has a spin lock).
	 */
	uint64_t elem_flags;
	/** As the kernel's batch.flags: reserved, must be 0. */
	uint64_t flags;
	size_t :0;
};
/** Last field of struct mim_batch_opts (the library's size check). */
#define mim_batch_opts__last_field flags

/**
 * Copy up to *count elements, keys and values, in one call, as
 * bpf_map_lookup_batch() (BPF_MAP_LOOKUP_BATCH) on the kernel's generic
 * implementation: the walk mim_get_next_key() makes, each key found read
 * as mim_lookup_elem() reads it, under one acquisition of the library
 * mutex. In a secondary process the whole call is one request to the
 * primary, where a walk by mim_get_next_key() and mim_lookup_elem() costs
 * two requests per element.
 *
 * Start with @p in_batch NULL; pass what @p out_batch received as the next
 * call's @p in_batch (the cursor is the last key copied, key_size bytes,
 * as the kernel's generic walk's; @p out_batch may be @p in_batch). The
 * walk has ended when the call returns -ENOENT, which it may do with
 * *count > 0: the elements copied are valid. A call may copy fewer than
 * asked before the end, even none (a secondary process asks for what its
 * bounce buffer of #MIM_MP_BUF_MAX bytes holds; a call passes over at
 * most 65536 empty slots): only -ENOENT means the end.
 *
 * Empty slots of a #MIM_TYPE_ARRAY_OF_TABLES are passed over: their keys
 * are not copied, as the kernel's generic walk passes over the empty
 * slots of an array of maps (kernel 6.18, checked by the conformance
 * suite). As on the kernel's,
 * a cursor that is no longer a key of a hash table starts the walk again
 * from the first key (the kernel's hash tables have their own batch walk,
 * whose cursor is a bucket number; LPM tables, which have none in the
 * kernel, are walked here as mim_get_next_key() walks them).
 *
 * @param id
 *   Table ID.
 * @param in_batch
 *   Cursor (key_size bytes) from the previous call's @p out_batch, or
 *   NULL to start.
 * @param out_batch
 *   Output (key_size bytes): the cursor for the next call, written when
 *   the call copied an element or passed over an empty slot.
 * @param keys
 *   Output: *count keys of key_size bytes, one after the other.
 * @param values
 *   Output: *count values, one after the other, each as mim_lookup_elem()
 *   gives it (a u32 table ID on outer tables; on a #MIM_TYPE_PERCPU_ARRAY
 *   or #MIM_TYPE_PERCPU_HASH, mim_percpu_nb_copies() copies of value_size
 *   rounded up to 8 bytes).
 * @param count
 *   In: how many elements @p keys and @p values have room for (at most
 *   that many are read: the call's work is bounded by it and by the 65536
 *   empty slots). Out: how many were copied, written when the call
 *   returns 0, -ENOENT or -EINTR; left unchanged by the other errors.
 * @param opts
 *   Options, or NULL.
 * @return
 *   0 (more may follow), or:
 *   - -ENOENT: the walk reached the end (*count elements were copied
 *     before it; 0 when the table is empty or the cursor was its last
 *     key).
 *   - -EBADF: no such table.
 *   - -EINVAL: count NULL; opts malformed (sz too small, or unknown
 *     trailing bytes non-zero); elem_flags or flags not 0; and, when
 *     *count is not 0, keys, values or out_batch NULL. *count 0 returns 0
 *     at once, as the kernel (after the flags are checked).
 *   - -EINTR: a key the walk found was gone when read, four times in a
 *     row (data-path writers of a #MIM_F_DP_WRITE table deleting
 *     meanwhile; the kernel's generic walk also gave -EINTR after its
 *     retries before it passed over missing keys); the elements copied
 *     before are valid, and @p out_batch continues after them.
 *   - In a secondary process, also the errors of mim_mp.h's forwarding
 *     (-ENOTCONN, -EPROTO, -ENOMEM, -EAGAIN).
 * @cp_contract
 * - **Ordering:** the elements of one call are a snapshot under the
 *   mutex (the data-path writes of #MIM_F_DP_WRITE tables aside); a walk
 *   over several calls is not one: keys added or deleted between calls
 *   may or may not be seen.
 * - **Memory reuse:** @p keys, @p values and @p out_batch are copies.
 */
int mim_lookup_batch(int id, const void *in_batch, void *out_batch,
		     void *keys, void *values, uint32_t *count,
		     const struct mim_batch_opts *opts);

#ifdef __cplusplus
}
#endif

#include <mim_rcu.h>
#include <mim_bpf.h>
#include <mim_datapath.h>
#include <mim_dp_write.h>
#include <mim_adopt.h>
#include <mim_mp.h>

#endif /* MIM_H */
