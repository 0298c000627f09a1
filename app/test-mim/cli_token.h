/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef TEST_MIM_CLI_TOKEN_H
#define TEST_MIM_CLI_TOKEN_H

/*
 * A cmdline token for arguments: it accepts any word, so that the handler
 * (not the cmdline library's "Bad arguments") says what is wrong with a
 * number, a key or a table name; it has a help label shown by completion;
 * and a table argument completes the names of live tables.
 *
 * The parsed result is a span of the command line (struct cli_word), not a
 * copy: it is valid while the command runs, and has no length limit, so a
 * key or value of any size can be given in hex.
 */

#include <stddef.h>
#include <stdint.h>

#include <cmdline_parse.h>

/* What a word token accepts and completes. */
enum cli_word_kind {
	CLI_WORD_ANY,    /* one word */
	CLI_WORD_TABLE,  /* one word; completes the names of live tables */
	CLI_WORD_REST,   /* the rest of the command, up to '#' or the end */
};

/* A parsed word: a span of the command line. */
struct cli_word {
	const char *s;
	uint32_t len;
};

struct cli_token_word {
	struct cmdline_token_hdr hdr;
	/* Completion help, e.g. "<key>: hex bytes, index or a.b.c.d/len". */
	const char *help;
	enum cli_word_kind kind;
};

extern struct cmdline_token_ops cli_token_word_ops;

/* Initialiser of a word token storing its result in structure.field. */
#define TOKEN_WORD_INITIALIZER(structure, field, word_kind, help_label) \
	{								\
		.hdr = {						\
			.ops = &cli_token_word_ops,			\
			.offset = offsetof(structure, field),		\
		},							\
		.help = (help_label),					\
		.kind = (word_kind),					\
	}

/*
 * Copy a word into buf as a C string. Returns 0, or -1 when it does not
 * fit (buf then holds a copy truncated between characters).
 */
int cli_word_copy(const struct cli_word *w, char *buf, size_t size);

/* A malloc'ed C string copy of a word (free() it), or NULL. */
char *cli_word_dup(const struct cli_word *w);

#endif /* TEST_MIM_CLI_TOKEN_H */
