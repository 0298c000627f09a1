/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * The element calls that take buffer sizes. Each buffer is allocated with
 * exactly the size given to the call, which is the table's or one byte
 * off: a call that accepted a size that is not the table's would read or
 * write past the buffer, and AddressSanitizer would say so.
 */

#include <stdlib.h>
#include <string.h>

#include <mim.h>

#include "fuzz_api.h"

/* The table's size, or one byte less or more. */
static size_t
off_by(struct fz_in *in, uint8_t mode, uint32_t size)
{
	switch (mode % 4) {
	case 1:
		return size > 0 ? size - 1 : 0;
	case 2:
		return (size_t)size + 1;
	case 3:
		return fz_u8(in);
	default:
		return size;
	}
}

/* n bytes of src (zeros past its size): an exactly sized buffer. */
static uint8_t *
sized_copy(const uint8_t *src, uint32_t src_len, size_t n)
{
	uint8_t *p = malloc(n + (n == 0));

	if (p == NULL)
		abort();
	memset(p, 0, n);
	memcpy(p, src, n < src_len ? n : src_len);
	return p;
}

int
fz_elem_sized(struct fz_in *in, const struct fz_elem *e, int which,
	      uint64_t flags)
{
	uint8_t mode = fz_u8(in);
	size_t key_sz = off_by(in, mode, e->ks);
	size_t value_sz = off_by(in, mode >> 2, e->vs);
	uint8_t *key = sized_copy(e->key, e->ks, key_sz);
	uint8_t *val = sized_copy(e->val, e->vs, value_sz);
	int ret;

	switch (which) {
	case 0:
		ret = mim_update_elem_sz(e->id, key, key_sz, val, value_sz, flags);
		break;
	case 1:
		ret = mim_lookup_elem_sz(e->id, key, key_sz, val, value_sz);
		break;
	case 2:
		ret = mim_delete_elem_sz(e->id, key, key_sz);
		break;
	default:   /* next_key's buffer has key_sz bytes as well */
		free(val);
		val = sized_copy(e->key, e->ks, key_sz);
		ret = mim_get_next_key_sz(e->id, mode & 0x10 ? NULL : key, val,
					  key_sz);
		break;
	}
	free(key);
	free(val);
	return ret;
}
