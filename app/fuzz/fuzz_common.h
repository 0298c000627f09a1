/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * What the libFuzzer targets share: one EAL for the process, a reader that
 * turns the fuzzer's bytes into bounded operands (an exhausted input reads
 * as zeros, so every input decodes), and the check that the library is
 * back to its baseline once an input has closed everything it made.
 */

#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The fuzzer's input, consumed front to back. */
struct fz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t
fz_u8(struct fz_in *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint16_t
fz_u16(struct fz_in *in)
{
	uint16_t lo = fz_u8(in);

	return (uint16_t)(lo | (uint16_t)fz_u8(in) << 8);
}

static inline uint32_t
fz_u32(struct fz_in *in)
{
	uint32_t lo = fz_u16(in);

	return lo | (uint32_t)fz_u16(in) << 16;
}

static inline uint64_t
fz_u64(struct fz_in *in)
{
	uint64_t lo = fz_u32(in);

	return lo | (uint64_t)fz_u32(in) << 32;
}

/*
 * With FUZZ_TRACE set in the environment, each operation is printed with
 * its result (to read what a reproducer does); else nothing.
 */
extern int fz_trace;
#define FZ_TRACE(...) do {						\
	if (fz_trace)							\
		fprintf(stderr, "fuzz: " __VA_ARGS__);			\
} while (0)

/* Copy n bytes of input into buf; zeros once the input is exhausted. */
void fz_bytes(struct fz_in *in, void *buf, size_t n);

/* One of the n values of a table of interesting values. */
#define FZ_PICK(in, tab) ((tab)[fz_u8(in) % (sizeof(tab) / sizeof((tab)[0]))])

/*
 * Initialise EAL once (no hugepages, no PCI, no telemetry, one lcore),
 * with the library's INFO log (one line per rejected call) silenced, then
 * record the baseline. Exits the process if EAL cannot start.
 */
void fz_eal_init(const char *prefix);

/*
 * Abort unless the library holds nothing: no live or dying table, no
 * pending release, no attached QSBR variable, and the DPDK heap and
 * memzones as they were at the baseline. @p what names the target in the
 * message.
 */
void fz_check_baseline(const char *what);

/* Take the DPDK heap and memzones as they are now as the baseline. */
void fz_rebase(void);

#endif /* FUZZ_COMMON_H */
