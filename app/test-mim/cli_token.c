/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* The word token of test-mim's commands (cli_token.h). */

#include <stdlib.h>
#include <string.h>

#include <rte_string_fns.h>

#include <mim.h>

#include "cli_token.h"
#include "utf8.h"

/* Most table names offered by completion. */
#define CLI_COMPLETE_TABLES_MAX 256

/* End of the command: end of line, or a comment. */
static int
end_of_command(char c)
{
	return c == '\0' || c == '\n' || c == '\r' || c == '#';
}

/* End of a word: end of the command, or a blank. */
static int
end_of_word(char c)
{
	return end_of_command(c) || c == ' ' || c == '\t';
}

/*
 * cmdline parse callback: match a word (or the rest of the command) at
 * srcbuf. Returns the number of characters matched, or -1 if there is no
 * word there.
 */
static int
word_parse(cmdline_parse_token_hdr_t *tk, const char *srcbuf, void *res,
	   unsigned int ressize)
{
	const struct cli_token_word *t = (const struct cli_token_word *)tk;
	struct cli_word w;
	uint32_t len = 0;

	if (srcbuf == NULL)
		return -1;
	if (t->kind == CLI_WORD_REST) {
		while (!end_of_command(srcbuf[len]))
			len++;
		/* The token ends at the last non-blank character. */
		while (len > 0 && (srcbuf[len - 1] == ' ' ||
				   srcbuf[len - 1] == '\t'))
			len--;
	} else {
		while (!end_of_word(srcbuf[len]))
			len++;
	}
	if (len == 0)
		return -1;
	if (res != NULL) {
		if (ressize < sizeof(w))
			return -1;
		w.s = srcbuf;
		w.len = len;
		memcpy(res, &w, sizeof(w));
	}
	return (int)len;
}

/*
 * The i-th live table that has a name (in ID order), or 0 when there is
 * none. Fills name.
 */
static uint32_t
nth_named_table(int i, char *name, size_t size)
{
	struct mim_table_info info;
	uint32_t id = 0;
	int n = 0;

	while (n < CLI_COMPLETE_TABLES_MAX && mim_get_next_id(id, &id) == 0) {
		if (mim_get_info((int)id, &info) != 0 || info.name[0] == '\0')
			continue;
		if (n++ == i) {
			strlcpy(name, info.name, size);
			return id;
		}
	}
	return 0;
}

/* cmdline completion: how many choices (table names for table words). */
static int
word_complete_get_nb(cmdline_parse_token_hdr_t *tk)
{
	const struct cli_token_word *t = (const struct cli_token_word *)tk;
	char name[MIM_NAMESIZE];
	int n = 0;

	if (t->kind != CLI_WORD_TABLE)
		return 0;
	while (nth_named_table(n, name, sizeof(name)) != 0)
		n++;
	return n;
}

/* cmdline completion: the idx-th choice. */
static int
word_complete_get_elt(cmdline_parse_token_hdr_t *tk, int idx, char *dstbuf,
		      unsigned int size)
{
	const struct cli_token_word *t = (const struct cli_token_word *)tk;

	if (t->kind != CLI_WORD_TABLE || dstbuf == NULL)
		return -1;
	return nth_named_table(idx, dstbuf, size) != 0 ? 0 : -1;
}

/* cmdline help: the token's label. */
static int
word_get_help(cmdline_parse_token_hdr_t *tk, char *dstbuf, unsigned int size)
{
	const struct cli_token_word *t = (const struct cli_token_word *)tk;

	if (dstbuf == NULL || size == 0)
		return -1;
	strlcpy(dstbuf, t->help != NULL ? t->help : "word", size);
	return 0;
}

struct cmdline_token_ops cli_token_word_ops = {
	.parse = word_parse,
	.complete_get_nb = word_complete_get_nb,
	.complete_get_elt = word_complete_get_elt,
	.get_help = word_get_help,
};

int
cli_word_copy(const struct cli_word *w, char *buf, size_t size)
{
	size_t n = w->len;

	if (size == 0)
		return -1;
	if (n >= size) {
		/* Cut between characters: the copy is quoted in messages. */
		memcpy(buf, w->s, size - 1);
		buf[utf8_trim_partial(buf, size - 1)] = '\0';
		return -1;
	}
	memcpy(buf, w->s, n);
	buf[n] = '\0';
	return 0;
}

char *
cli_word_dup(const struct cli_word *w)
{
	char *s = malloc((size_t)w->len + 1);

	if (s != NULL) {
		memcpy(s, w->s, w->len);
		s[w->len] = '\0';
	}
	return s;
}
