/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_DP_WRITE_H
#define MIM_DP_WRITE_H

/**
 * @file
 * mapinmap data path: inserts, updates and deletes from reader threads in
 * HASH tables created with #MIM_F_DP_WRITE.
 *
 * @par Data-path write contract
 * - **Threads:** as the lookups of mim_datapath.h: a thread registered and
 *   online on every attached QSBR variable (with none attached: any
 *   thread, while no control-plane call runs). Any number of them, with
 *   the control plane, on the same table. The table is held as for a
 *   lookup (a handle, or the outer slot it was found in since the thread's
 *   last quiescent state).
 * - **Locks:** no library mutex. A call takes the lock words of the key's
 *   two buckets (a spin lock each, held for a few hundred cycles, taken in
 *   index order), and a rare insert that must move keys between buckets
 *   takes the table's move lock too. Readers take none of them and never
 *   wait for a writer. A writer never waits for a grace period.
 * - **Ordering:** a value is copied into a fresh value object, which is
 *   published with a release store (the lookup's acquire load pairs with
 *   it): a reader sees the old value or the new one, whole. Updates of one
 *   key are linearisable (under the key's bucket locks).
 * - **Memory reuse:** a replaced value, or a deleted key's value and slot,
 *   is retired onto the table's own queue without the mutex; the control
 *   plane moves those retirements to the defer queue of mim_rcu.h (a new
 *   grace period, started then) in mim_reclaim() and at the start of every
 *   changing call, and releases them after it. The application's control
 *   plane must therefore call mim_reclaim() (or make other changes) now
 *   and then, as it must for its own retirements. Until it does, replaced
 *   values use the table's spare value objects (max_entries / 4, at least
 *   16); an insert or update that finds none fails with -EBUSY.
 * - **Capacity:** exact: an insert fails with -E2BIG when max_entries keys
 *   are present (or being deleted at that moment), never otherwise; the
 *   count is one atomic word of the table.
 * - **Errors:** negative errno, and mim_last_error() (thread-local) says
 *   why; a rejection logs at INFO, as the control plane's do. Calls on a
 *   table without #MIM_F_DP_WRITE fail with -EINVAL.
 * - **Counters:** data-path writes are not counted in mim_table_info's
 *   nb_updates (nb_entries counts them).
 * - **Processes:** the primary's threads only. In a secondary process
 *   every call of this header fails with -ENOTSUP (the writer state is
 *   the primary's process memory); its data path reads such a table as
 *   any other.
 */

#include <stdint.h>

#include <mim.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Insert or update one key, as mim_update_elem() does, from a reader.
 *
 * @param t
 *   A HASH table created with #MIM_F_DP_WRITE.
 * @param key
 *   key_size bytes.
 * @param value
 *   value_size bytes, copied.
 * @param flags
 *   #MIM_ANY, #MIM_NOEXIST or #MIM_EXIST.
 * @return
 *   0, or:
 *   - -EINVAL: t, key or value NULL, t not a HASH table with
 *     #MIM_F_DP_WRITE, or unknown flags;
 *   - -EEXIST: the key exists and flags is #MIM_NOEXIST;
 *   - -ENOENT: the key does not exist and flags is #MIM_EXIST;
 *   - -E2BIG: the key is new and max_entries keys are present;
 *   - -ENOSPC: neither bucket of the key can be freed by moving keys;
 *   - -EBUSY: every spare value object waits for readers (or deleted
 *     keys' slots fill the key's buckets): the control plane has not
 *     reclaimed, or a reader has not reported a quiescent state;
 *   - -ENOTSUP: called in a secondary process.
 * @par Concurrency
 * - **Threads:** a reader thread (registered and online on every attached
 *   QSBR variable; with none attached, any thread while no control-plane
 *   call runs), any number at once, and the control plane, on the same
 *   table. Takes the key's two bucket spin locks, never the library
 *   mutex but with a try-lock to reclaim when no value object is free;
 *   never waits for a grace period.
 * - **RCU:** online; the table is held as for a lookup.
 * - **Ordering:** the new value object is published with a release store
 *   that a lookup's acquire load pairs with: a reader sees the old value
 *   or the new one, whole. Writes of one key are linearisable.
 * - **Memory reuse:** the replaced value is retired: released after a
 *   grace period that starts when it reaches the defer queue (at the
 *   control plane's next call or mim_reclaim(), or a writer's
 *   reclamation).
 */
int mim_dp_update(const struct mim_table *t, const void *key,
		  const void *value, uint64_t flags);

/**
 * Delete one key, as mim_delete_elem() does, from a reader.
 *
 * @param t
 *   A HASH table created with #MIM_F_DP_WRITE.
 * @param key
 *   key_size bytes.
 * @return
 *   0, or -EINVAL (t or key NULL, t not a HASH table with #MIM_F_DP_WRITE),
 *   -ENOENT (no such key), -ENOTSUP (a secondary process). Never -EBUSY: the retirement's queue holds
 *   as many entries as the table has value objects.
 * @par Concurrency
 * - **Threads:** as mim_dp_update().
 * - **RCU:** online; the table is held as for a lookup.
 * - **Ordering:** the slot's value pointer is cleared with a release
 *   store: a racing lookup finds the key with its value, or not at all.
 * - **Memory reuse:** the key's value and slot are retired as
 *   mim_dp_update()'s replaced value; the slot is reused only after that
 *   grace period.
 */
int mim_dp_delete(const struct mim_table *t, const void *key);

/**
 * Insert a burst's keys (typically the misses of a bulk lookup), each as
 * mim_dp_update() with the same flags. The keys are hashed and their
 * buckets prefetched first, and their value objects taken in one step.
 *
 * @param t
 *   A HASH table created with #MIM_F_DP_WRITE.
 * @param keys
 *   n keys of key_size bytes.
 * @param values
 *   n values of value_size bytes, copied.
 * @param n
 *   Number of keys, at most #MIM_LOOKUP_BULK_MAX.
 * @param flags
 *   #MIM_ANY, #MIM_NOEXIST or #MIM_EXIST, for every key.
 * @param results
 *   Output (may be NULL): per key, 0 or what mim_dp_update() would have
 *   returned. Keys are handled in order: a key given twice is inserted,
 *   then found.
 * @return
 *   The number of keys written (results 0), or -EINVAL (as mim_dp_update(),
 *   or keys or values NULL, or n above #MIM_LOOKUP_BULK_MAX) or -ENOTSUP
 *   (a secondary process) with nothing written.
 * @par Concurrency
 * - **Threads:** as mim_dp_update().
 * - **RCU:** online; the table is held as for a lookup.
 * - **Ordering:** each key as mim_dp_update(); no order across keys.
 * - **Memory reuse:** as mim_dp_update(); keys and values are copied.
 */
int mim_dp_update_bulk(const struct mim_table *t, const void *const keys[],
		       const void *const values[], unsigned int n,
		       uint64_t flags, int results[]);

#ifdef __cplusplus
}
#endif

#endif /* MIM_DP_WRITE_H */
