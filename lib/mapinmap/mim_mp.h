/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_MP_H
#define MIM_MP_H

/**
 * @file
 * mapinmap in DPDK multi-process applications.
 *
 * **One set of tables.** The tables, their IDs and names, the library
 * mutex and the release machinery live in the primary process. A
 * secondary process (rte_eal_process_type() == RTE_PROC_SECONDARY) is a
 * client: each control-plane call it makes is carried to the primary
 * with rte_mp_request_sync() (action "mim_mp"), executed there by the
 * same code under the library mutex, and answered with the primary's
 * return value, errno and reason: mim_last_error() in the secondary then
 * shows the primary's text. Keys, values and outputs travel in a bounce
 * buffer in DPDK memory that the secondary allocates (and grows, up to
 * #MIM_MP_BUF_MAX bytes) and registers with the primary.
 *
 * **The primary serves with no call of its own.** The library registers
 * the action when it is loaded (before rte_eal_init(); the EAL keeps it)
 * and the primary starts serving at its first control-plane call, at
 * mim_mp_init(), or at a secondary's first request, whichever comes
 * first. A secondary whose request finds no primary answering fails
 * with -ENOTCONN after 2 s. With --in-memory or --no-shconf there are
 * no secondaries and nothing is served. Requests are executed one at a
 * time by a control thread of the primary ("mim-mp"), not by the EAL's
 * IPC thread, which stays free for DPDK's own messages (memory hotplug).
 *
 * **Before rte_eal_cleanup(), the primary calls mim_mp_uninit().** The
 * control thread executes requests and releases what dead secondaries
 * held, in DPDK memory, which rte_eal_cleanup() unmaps: it must have
 * ended by then, as the application's own lcores must.
 *
 * **What a secondary calls** (forwarded, same results as in the
 * primary): mim_create() (its BTF goes as raw bytes and is parsed again
 * in the primary), mim_update_elem(), mim_lookup_elem(),
 * mim_delete_elem(), mim_get_next_key() and their _sz forms,
 * mim_lookup_batch() (one request per batch: prefer it to a walk by
 * mim_get_next_key() and mim_lookup_elem(), two per element),
 * mim_get_by_id(), mim_close(), mim_find(), mim_get_next_id(),
 * mim_get_info(), mim_get_btf(), mim_table(), mim_get_stats(),
 * mim_reclaim(), mim_rcu_get_stats(), mim_get_lru_stats(),
 * mim_mp_get_stats(), and the calls of this header that say so.
 * mim_last_error(), mim_type_name() and mim_percpu_nb_copies() are
 * local. Each forwarded call costs one IPC round trip (two the first
 * time a plain element call meets a table: the secondary learns its
 * sizes).
 *
 * **What a secondary may not do**, each refused with -ENOTSUP and a
 * reason: mim_rcu_configure(), mim_rcu_qsbr_add(), mim_rcu_qsbr_remove()
 * (the primary attaches the variables; a secondary gets them with
 * mim_mp_rcu_qsbr_get()), mim_adopt_rte_hash(), mim_adopt_rte_lpm()
 * (an application's tables and callbacks are the primary's),
 * mim_bpf_import() (create the tables in the primary), mim_mp_peers_check(),
 * the data-path writes of mim_dp_write.h (their writer state is the
 * primary's process memory). Per-lcore copies of the MIM_TYPE_PERCPU_*
 * types are by EAL lcore ID, which each process numbers on its own: a
 * secondary's lcores need IDs the primary does not use.
 * mim_table() is refused with -ENOTSUP for adopted rte_hash tables and
 * for outer tables whose inner tables are: their lookups call rte_hash's
 * hash function through a pointer holding the primary's code address.
 * Options structures of more than 4096 bytes give -E2BIG. Telemetry
 * commands are served by the primary only (in a secondary they answer
 * an error). In #MIM_RCU_MODE_SYNC, a secondary's thread must not be
 * online on an attached variable when it makes a retiring call: the
 * primary cannot tell (no -EDEADLK) and would wait for it. An adopted
 * rte_lpm's values are read where the application put them: for a
 * secondary's data path they must be in DPDK memory.
 *
 * **Handles.** A table ID means the same table in every process. The
 * handle references a secondary takes (mim_create(), mim_get_by_id()) are
 * held by the primary on its behalf and recorded for it: mim_close() in
 * a secondary drops one of its own, and refuses (-EBADF) a table it holds
 * none of, as a process cannot close another's file descriptor. While a
 * secondary holds a handle, the struct mim_table pointer mim_table()
 * gave it stays valid: it points to the primary's table in DPDK memory,
 * which the inline data path (mim_datapath.h) reads directly. The BTF
 * mim_get_btf() gives a secondary is a copy parsed from the primary's
 * raw BTF, valid until the secondary closes its last handle on the table.
 *
 * **Readers in a secondary.** A secondary's lcores read through the data
 * path as the primary's do, on a QSBR variable the primary attached:
 * mim_mp_rcu_qsbr_get() gives it, then each reader thread calls
 * mim_mp_reader_claim() with its thread ID and
 * rte_rcu_qsbr_thread_register() / rte_rcu_qsbr_thread_online() as
 * usual. Writes and reclamation stay in the primary.
 *
 * **When a secondary dies.** The primary watches every secondary that
 * has made a call (a pidfd, or kill(pid, 0) where there is none), every
 * 100 ms and at mim_mp_peers_check(). When one is gone, it takes the
 * reader thread IDs the secondary claimed offline and unregisters them,
 * then drops the handles it held for it, logs a WARNING and counts it
 * (mim_mp_stats). Nothing is released before that: a reader of a dead
 * process reads nothing, so letting reclamation pass it is safe, and
 * until the primary notices, what it may hold stays allocated.
 */

#include <stddef.h>
#include <stdint.h>

#include <mim.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_rcu_qsbr;

/** Largest bounce buffer a secondary process allocates, in bytes. */
#define MIM_MP_BUF_MAX (64U << 20)

/**
 * Serve the secondary processes now: register the IPC action and start
 * the control thread that executes their requests.
 *
 * Never needed: the first control-plane call, or a secondary's first
 * request, starts the service too. A primary may call it to learn that
 * secondaries can be served, or to start the service at a time of its
 * choosing. Calling it again does nothing.
 *
 * @return
 *   0; or -ENOTSUP in a secondary process, or when the EAL has no
 *   multi-process channel (--in-memory, --no-shconf); -ENOMEM (the EAL
 *   not initialised, as mim_create()); -EIO (the action or the thread
 *   cannot be created; the reason says why).
 * @par Concurrency
 * - **Threads:** any thread of the primary, after rte_eal_init().
 * - **RCU:** none.
 * - **Ordering:** requests that arrive after it returns are served.
 * - **Memory reuse:** none.
 */
int mim_mp_init(void);

/**
 * Stop serving the secondary processes, before rte_eal_cleanup(): the
 * control thread finishes the request it is executing and ends, the
 * requests still queued are refused with -ESHUTDOWN (in the secondary,
 * with a reason saying so), and what secondaries found dead held is
 * released as mim_mp_peers_check() does. Live secondaries keep their
 * handles (the tables stay); their calls fail at once from then on with
 * -ESHUTDOWN (the EAL's IPC thread answers them), and with -ENOTCONN
 * once rte_eal_cleanup() closed the primary's IPC channel. Afterwards
 * nothing starts the service again but mim_mp_init(). Calling it again,
 * or in a primary that never served, does nothing more.
 *
 * @return
 *   0, in every process (in a secondary, where nothing is served, it
 *   does nothing).
 * @par Concurrency
 * - **Threads:** any thread of the primary, after rte_eal_init() and
 *   before rte_eal_cleanup(); it waits for the request being executed
 *   (so it may wait for the library mutex).
 * - **RCU:** none; not online on an attached QSBR variable if a request
 *   being executed may wait for a grace period (#MIM_RCU_MODE_SYNC).
 * - **Ordering:** when it returns, the library's control thread has
 *   ended and no request of a secondary runs or will run.
 * - **Memory reuse:** the bounce buffers and handles of dead
 *   secondaries are released.
 */
int mim_mp_uninit(void);

/**
 * Get the @p idx-th QSBR variable attached with mim_rcu_qsbr_add() in
 * the primary (0 is the first attached), for readers of a secondary
 * process. The variable is the primary's, in DPDK memory: the secondary
 * must not free it.
 *
 * @param idx
 *   Index, 0 to mim_rcu_stats::nb_vars - 1.
 * @param v
 *   Output.
 * @return
 *   0, or -EINVAL (v NULL), -ENOENT (fewer variables attached).
 * @cp_contract
 * - **Memory reuse:** takes no reference: the variable stays valid until
 *   the primary detaches it (mim_rcu_qsbr_remove()) and frees it.
 */
int mim_mp_rcu_qsbr_get(uint32_t idx, struct rte_rcu_qsbr **v);

/**
 * Tell the primary that reader thread ID @p thread_id of @p v belongs to
 * the calling process, so that when the process dies the primary takes
 * that reader offline and unregisters it. Call it before the thread
 * registers on @p v. In the primary it records nothing and returns 0
 * (the primary's own readers die with it).
 *
 * @param v
 *   An attached variable (mim_mp_rcu_qsbr_get()).
 * @param thread_id
 *   Below the variable's max_threads.
 * @return
 *   0, or:
 *   - -EINVAL: v NULL, or thread_id not below max_threads.
 *   - -ENOENT: v is not attached.
 *   - -EBUSY: another live process claimed thread_id of v.
 *   - -EEXIST: this process claimed it already.
 *   - -ENOSPC: this process claimed #MIM_MP_CLAIMS_MAX thread IDs.
 *   - -ENOMEM: no memory to record the claim.
 * @cp_contract
 */
int mim_mp_reader_claim(struct rte_rcu_qsbr *v, unsigned int thread_id);

/**
 * Withdraw a claim of mim_mp_reader_claim(), once the thread has
 * unregistered from @p v; the thread ID may then be claimed by another
 * process. In the primary: returns 0.
 *
 * @param v
 *   The variable.
 * @param thread_id
 *   The claimed thread ID.
 * @return
 *   0, or -EINVAL (v NULL), -ENOENT (not claimed by this process).
 * @cp_contract
 */
int mim_mp_reader_unclaim(struct rte_rcu_qsbr *v, unsigned int thread_id);

/** Thread IDs one process may claim at most. */
#define MIM_MP_CLAIMS_MAX 1024

/** Multi-process counters, filled by mim_mp_get_stats(). */
struct mim_mp_stats {
	/** Size of this structure, set by MIM_OPTS(). */
	size_t sz;
	uint32_t nb_peers;        /**< Secondary processes known, alive. */
	uint32_t nb_claims;       /**< Reader thread IDs they claimed. */
	uint32_t nb_handles;      /**< Handle references held for them. */
	uint64_t nb_requests;     /**< Requests executed. */
	uint64_t nb_refused;      /**< Malformed requests refused. */
	uint64_t nb_dead_peers;   /**< Secondaries found dead. */
	uint64_t nb_dead_readers; /**< Readers taken offline for them. */
	uint64_t nb_dead_handles; /**< Handles dropped for them. */
	size_t :0;
};
/** Last field of struct mim_mp_stats (the library's size check). */
#define mim_mp_stats__last_field nb_dead_handles

/**
 * Get the multi-process counters (the primary's, also from a secondary).
 *
 * @param stats
 *   Output, declared with MIM_OPTS(mim_mp_stats, s).
 * @return
 *   0, or -EINVAL (stats NULL, or stats->sz too small or naming fields
 *   this library does not know).
 * @cp_contract
 */
int mim_mp_get_stats(struct mim_mp_stats *stats);

/**
 * Check now which secondary processes have died, and release what the
 * primary holds for them (as it does by itself every 100 ms).
 *
 * @return
 *   The number of processes found dead, or -ENOTSUP in a secondary.
 * @cp_contract
 * - **Threads:** any thread of the primary.
 */
int mim_mp_peers_check(void);

#ifdef __cplusplus
}
#endif

#endif /* MIM_MP_H */
