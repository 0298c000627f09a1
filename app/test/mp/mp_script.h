/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef MIM_TEST_MP_SCRIPT_H
#define MIM_TEST_MP_SCRIPT_H

/*
 * Scripts of calls that print every result (return value, reason,
 * outputs) to a file: run in the primary and in a secondary, the two
 * transcripts must be the same.
 */

#include <stdio.h>

/* The tables the read script reads (the primary makes them). */
int mp_tables_make(void);
/* Every read call on every live table, and the failing forms. */
void mp_script_reads(FILE *f);
/* Creations, writes and their errors; leaves no table behind. */
void mp_script_writes(FILE *f);
/* 0 if the files hold the same text; else prints the first difference. */
int mp_same_files(const char *a, const char *b);

#endif /* MIM_TEST_MP_SCRIPT_H */
