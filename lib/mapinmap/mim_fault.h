/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_FAULT_H
#define MIM_FAULT_H

/*
 * Fault injection, for tests; present only when the library is built with
 * -Dfault_injection=true (MIM_FAULT_INJECTION). Not installed.
 */

#include <stdint.h>

#ifdef MIM_FAULT_INJECTION
/* Make the nth allocation point from now fail (1: the next); 0: none. */
void mim_fault_arm(uint64_t nth);
/* Allocation points passed since the last mim_fault_arm(). */
uint64_t mim_fault_points(void);
/* Stall the writer for this many TSC cycles at every step of a hash table
 * key move (0: not at all), as if it were preempted there.
 */
void mim_fault_set_stall(uint64_t cycles);
#endif

#endif /* MIM_FAULT_H */
