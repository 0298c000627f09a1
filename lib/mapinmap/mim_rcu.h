/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_RCU_H
#define MIM_RCU_H

/**
 * @file
 * mapinmap: deferred release with rte_rcu_qsbr.
 *
 * These are control-plane functions: the contract of mim.h holds for them,
 * and each Concurrency paragraph lists only what differs.
 *
 * Whatever a control-plane call unpublishes — an inner table replaced in or
 * deleted from an outer slot, an outer table closed, a hash value
 * overwritten, a deleted hash key slot, an LPM value no route uses any more,
 * a table whose last reference went — is *retired*: it is released only
 * after every reader thread registered on every attached QSBR variable has
 * reported a quiescent state (rte_rcu_qsbr_quiescent()) or gone offline.
 * This is the kernel's bpf_map_fd_put_ptr() with need_defer.
 *
 * Readers are the application's threads: they register on its rte_rcu_qsbr
 * variable(s), go online, call the data-path functions of mim_datapath.h,
 * and report a quiescent state between bursts, holding no table or value
 * pointer at that moment.
 *
 * Two modes, chosen with mim_rcu_configure() before the first variable is
 * attached (the shape of rte_hash's and rte_lpm's RCU configuration):
 * - #MIM_RCU_MODE_DQ (default): retirements go to a defer queue
 *   (rte_rcu_qsbr_dq) per variable; the control plane never waits for
 *   readers. Releases happen in mim_reclaim() and, when more than
 *   reclaim_thd are pending, at the start of each changing call. With
 *   several variables, a retirement passes each variable's queue in turn
 *   (the analog of the kernel's free after several grace periods for
 *   sleepable programs). The queues are bounded by dq_size: when full, a
 *   changing call reclaims what it can and otherwise fails with -EBUSY,
 *   changing nothing. An optional bound on the bytes the queues hold back,
 *   pending_bytes_max, works the same way (back-pressure on the memory of
 *   replaced tables while a reader lags).
 * - #MIM_RCU_MODE_SYNC: each changing call that retires something waits for
 *   a grace period on every variable (rte_rcu_qsbr_synchronize()) and then
 *   releases it before returning, as the kernel's synchronize_rcu().
 *   A thread that is online on an attached variable must not make such a
 *   call: it would wait for itself. The library recognises the caller when
 *   it registered with its own lcore id (rte_lcore_id(), as DPDK's examples
 *   do) and refuses the call with -EDEADLK before changing anything; an
 *   application whose readers use other thread ids must not give the
 *   control-plane thread's lcore id to another reader. When a grace period
 *   lasts more than 1 s the wait logs, at WARNING and then every 5 s, the
 *   thread ids of the readers holding it back: it never hangs silently.
 *
 * With no variable attached the library assumes no concurrent readers and
 * releases at once, at the end of the call that retires.
 *
 * Releases happen in the order of their retirement.
 *
 * Memory: a release frees the blocks of 64 KiB or more of what it releases
 * (a hash table's buckets, say) after the library mutex is released, one
 * block per step, so that no other control-plane call waits for
 * rte_free()'s zeroing: all of them before mim_reclaim() or
 * mim_rcu_qsbr_remove() returns, and at most 1 MiB (or one larger block) at
 * the end of any other call, the following calls freeing the rest.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_rcu_qsbr;

/** How retired objects wait for readers. */
enum mim_rcu_mode {
	/** Defer queue: the control plane never waits (default). */
	MIM_RCU_MODE_DQ = 0,
	/** Synchronous: each retiring call waits for a grace period. */
	MIM_RCU_MODE_SYNC = 1,
};

/** Most QSBR variables that can be attached. */
#define MIM_RCU_MAX_VARS 4

/** Default defer queue capacity (retirements in flight). */
#define MIM_RCU_DQ_SIZE_DEFAULT 16384
/** Default pending count above which changing calls reclaim first. */
#define MIM_RCU_RECLAIM_THD_DEFAULT 32
/** Default most releases per automatic reclamation. */
#define MIM_RCU_RECLAIM_MAX_DEFAULT 64

/**
 * Largest dq_size: rte_rcu_qsbr_dq_create() makes a ring of
 * rte_align32pow2(dq_size + 1) entries, and an rte_ring holds at most 2^30
 * (RTE_RING_SZ_MASK is 2^31 - 1). Each entry takes 48 bytes (an 8-byte
 * token and a retirement), so the largest queue is a 48 GiB memzone per
 * attached variable: memory usually sets the practical limit lower, and
 * mim_rcu_qsbr_add() fails with -ENOMEM when it is not there.
 */
#define MIM_RCU_DQ_SIZE_MAX ((1U << 30) - 1)

/** Options of mim_rcu_configure(); declare with MIM_OPTS(). */
struct mim_rcu_opts {
	/** Size of this structure, set by MIM_OPTS(). */
	size_t sz;
	/** Mode; default #MIM_RCU_MODE_DQ. */
	enum mim_rcu_mode mode;
	/** Retirements in flight at most; 0: #MIM_RCU_DQ_SIZE_DEFAULT. */
	uint32_t dq_size;
	/** Pending count above which changing calls reclaim first; 0: default. */
	uint32_t reclaim_thd;
	/** Most releases per automatic reclamation; 0: default. */
	uint32_t reclaim_max;
	/**
	 * #MIM_RCU_MODE_DQ: bound on pending_bytes (heap bytes held by
	 * retirements waiting for readers); 0: none (default). A call that
	 * would retire something while pending_bytes is at or above it first
	 * reclaims, then fails with -EBUSY if it still is, changing nothing.
	 * The check comes before the call changes anything, when the size of
	 * what it retires is not known yet (a closed outer table takes with
	 * it the inner tables only it held): the last retirement accepted may
	 * take pending_bytes above the bound by its own size, and one larger
	 * than the bound is accepted whenever less is pending.
	 */
	uint64_t pending_bytes_max;
	size_t :0;
};
/** Last field of struct mim_rcu_opts (the library's size check). */
#define mim_rcu_opts__last_field pending_bytes_max

/**
 * Choose the reclamation mode and defer queue sizes.
 *
 * Also resets the max_pending statistic.
 *
 * @param opts
 *   Options; NULL restores the defaults.
 * @return
 *   0, or -EINVAL (opts malformed, unknown mode, dq_size above
 *   #MIM_RCU_DQ_SIZE_MAX, reclaim_max above dq_size, pending_bytes_max in
 *   #MIM_RCU_MODE_SYNC, where nothing is ever pending), or -EBUSY (a QSBR
 *   variable is already attached).
 * @cp_contract
 * - **RCU:** call before the first mim_rcu_qsbr_add() (-EBUSY while a
 *   variable is attached); never waits for readers.
 * - **Ordering:** applies to every retirement made after the first variable
 *   is attached.
 */
int mim_rcu_configure(const struct mim_rcu_opts *opts);

/**
 * Attach a QSBR variable: releases wait for every reader registered on it.
 *
 * Attach a variable before its reader threads start to look up.
 *
 * @param v
 *   An initialised QSBR variable; it must outlive its attachment.
 * @return
 *   0, or -EINVAL (v NULL), -EEXIST (already attached), -ENOSPC
 *   (#MIM_RCU_MAX_VARS attached), -ENOMEM (defer queue allocation failed).
 * @cp_contract
 * - **RCU:** @p v initialised with rte_rcu_qsbr_init(); attach it before the
 *   threads registered on it start to look up. Never waits for readers.
 * - **Ordering:** retirements made after it returns wait for the readers of
 *   @p v too.
 * - **Memory reuse:** @p v must stay allocated until mim_rcu_qsbr_remove()
 *   has returned 0.
 */
int mim_rcu_qsbr_add(struct rte_rcu_qsbr *v);

/**
 * Detach a QSBR variable, so that the application may free it.
 *
 * @param v
 *   An attached variable.
 * @return
 *   0, or -EINVAL (v NULL), -ENOENT (not attached), -EBUSY (retirements are
 *   pending; call mim_reclaim() once readers have reported quiescent
 *   states).
 * @cp_contract
 * - **RCU:** the threads registered on @p v must have stopped looking up, or
 *   be registered on another attached variable too: releases stop waiting for
 *   them. Never waits for readers (-EBUSY while retirements are pending).
 * - **Ordering:** retirements made after it returns do not wait for the
 *   readers of @p v.
 * - **Memory reuse:** @p v may be freed once this has returned 0.
 */
int mim_rcu_qsbr_remove(struct rte_rcu_qsbr *v);

/**
 * Release every retired object that all readers have let go.
 *
 * Never waits for readers. In #MIM_RCU_MODE_SYNC and with no variable
 * attached nothing is ever pending, and this returns 0.
 *
 * @return
 *   Number of objects released (>= 0).
 * @cp_contract
 * - **RCU:** none required; never waits for readers: it releases only what
 *   every reader on every attached variable has let go.
 * - **Ordering:** releases happen in the order of their retirement.
 * - **Memory reuse:** what it releases has gone back to DPDK's heap or the
 *   value pools when it returns.
 */
int mim_reclaim(void);

/** Reclamation counters, filled by mim_rcu_get_stats(). */
struct mim_rcu_stats {
	uint32_t mode;            /**< enum mim_rcu_mode */
	uint32_t nb_vars;         /**< Attached QSBR variables. */
	uint32_t dq_size;         /**< Capacity: retirements in flight at most. */
	uint32_t pending;         /**< Retirements waiting for readers now. */
	uint32_t max_pending;     /**< Highest pending since mim_rcu_configure(). */
	uint64_t pending_bytes;   /**< DPDK heap bytes held by pending retirements. */
	uint64_t nb_retired;      /**< Retirements since start. */
	uint64_t nb_released;     /**< Releases since start. */
	uint64_t released_bytes;  /**< Bytes released since start. */
	uint64_t nb_busy;         /**< Calls refused with -EBUSY (queue full). */
	/** Calls refused with -EBUSY (pending_bytes at pending_bytes_max). */
	uint64_t nb_bytes_busy;
	uint64_t pending_bytes_max; /**< The bound; 0: none. */
};

/**
 * Get reclamation counters.
 *
 * @param stats
 *   Output.
 * @return
 *   0, or -EINVAL (stats NULL).
 * @cp_contract
 */
int mim_rcu_get_stats(struct mim_rcu_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* MIM_RCU_H */
