/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* UTF-8 checks of quoted input (utf8.h). */

#include <stdint.h>

#include "utf8.h"

/* Whether b is a continuation byte, 10xxxxxx. */
static int
is_cont(uint8_t b)
{
	return (b & 0xc0) == 0x80;
}

/* Sequence length announced by a lead byte, or 0 if b cannot lead one. */
static size_t
lead_len(uint8_t b)
{
	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		return 2;
	if (b >= 0xe0 && b <= 0xef)
		return 3;
	if (b >= 0xf0 && b <= 0xf4)
		return 4;
	return 0;  /* a continuation byte, 0xc0, 0xc1 (overlong), 0xf5+ */
}

size_t
utf8_char_len(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t len, i;

	if (n == 0)
		return 0;
	len = lead_len(p[0]);
	if (len == 0 || len > n)
		return 0;
	for (i = 1; i < len; i++)
		if (!is_cont(p[i]))
			return 0;
	/* The second byte's range rules out overlong forms (e0 80..9f,
	 * f0 80..8f), surrogates (ed a0..bf) and code points above
	 * U+10FFFF (f4 90..bf).
	 */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return len;
}

size_t
utf8_trim_partial(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i, tail;

	/* Back over at most three continuation bytes to a lead byte. */
	for (tail = 0; tail < 3 && tail < len; tail++)
		if (!is_cont(p[len - 1 - tail]))
			break;
	if (tail == len)
		return len;
	i = len - 1 - tail;
	if (lead_len(p[i]) > tail + 1)
		return i;  /* the character starting at i is cut short */
	return len;
}

size_t
utf8_count(const char *s, size_t len)
{
	size_t i = 0, n = 0, l;

	while (i < len) {
		l = utf8_char_len(s + i, len - i);
		i += l == 0 ? 1 : l;
		n++;
	}
	return n;
}
