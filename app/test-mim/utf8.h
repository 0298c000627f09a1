/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

#ifndef TEST_MIM_UTF8_H
#define TEST_MIM_UTF8_H

/*
 * UTF-8 for messages that quote what the user typed: commands, names, keys
 * and values are bytes, not necessarily text. A quote cut to fit a buffer
 * is cut between characters (utf8_trim_partial()); the JSON writer replaces
 * whatever is not valid UTF-8 (utf8_char_len() says 0) with U+FFFD.
 */

#include <stddef.h>

/*
 * Length of the UTF-8 character at s, of which n bytes are readable: 1 to
 * 4, or 0 when the bytes there are no valid UTF-8 sequence (RFC 3629: no
 * overlong form, no surrogate, nothing above U+10FFFF, nothing cut short).
 */
size_t utf8_char_len(const char *s, size_t n);

/*
 * Length of s[0..len) without the incomplete sequence it may end with (the
 * lead byte and continuation bytes of a character cut short), for a text
 * truncated to fit a buffer.
 */
size_t utf8_trim_partial(const char *s, size_t len);

/* Characters in s[0..len): each invalid byte counts as one. */
size_t utf8_count(const char *s, size_t len);

#endif /* TEST_MIM_UTF8_H */
