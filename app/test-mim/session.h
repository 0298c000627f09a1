/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef TEST_MIM_SESSION_H
#define TEST_MIM_SESSION_H

/*
 * Whose tables test-mim works on, and which handles are its own.
 *
 * As a primary process (the default) test-mim owns the library: every
 * table is its own, and at exit it drops every handle of every table.
 * As a secondary process (EAL --proc-type=secondary, --file-prefix of a
 * running application) it works on the primary's tables: it may read and
 * change them, but the handles the application holds are not its own (the
 * library refuses, with -EBADF, a secondary's mim_close() of a table it
 * holds no handle on). It then counts the handles it took itself (create,
 * open, less close) and at exit drops those only.
 */

#include <stdbool.h>

#include <mim.h>

/*
 * After rte_eal_init(): learn the process type; as a secondary, check that
 * the primary answers the library's calls. Returns 0, or -1 after printing
 * why test-mim cannot work on the primary's tables.
 */
int session_init(void);

/* True when test-mim runs as a DPDK secondary process. */
bool session_secondary(void);

/*
 * Record one handle taken by this session on table id (after mim_create()
 * or mim_get_by_id() succeeded). Returns 0, or -1 out of memory (the
 * caller then drops the handle it cannot record).
 */
int session_hold(mim_id_t id);

/*
 * After mim_close(id) by the close command succeeded: forget one handle of
 * id. Returns false if the session held none (a primary's: always true).
 */
bool session_release(mim_id_t id);

/*
 * At exit: drop the handles this session holds (a secondary's), or every
 * handle of every table (a primary's: the tables are all its own).
 */
void session_close_all(void);

#endif /* TEST_MIM_SESSION_H */
