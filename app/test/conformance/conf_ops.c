/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Operations on both sides of a pair: update, lookup and delete of
 * elements, and info; keys and values as text.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "conf_pair.h"
#include "conf_record.h"

/* ---- keys and values --------------------------------------------------------- */

struct conf_lpm_key
conf_lpm(uint32_t prefixlen, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct conf_lpm_key k = {
		.prefixlen = prefixlen,
		.addr = { a, b, c, d },
	};

	return k;
}

const char *
conf_key_str(const struct conf_map *m, const void *key, char *buf, size_t len)
{
	char a6[INET6_ADDRSTRLEN];
	const uint8_t *b = key;
	uint32_t i, u;
	size_t off;

	if (key == NULL) {
		snprintf(buf, len, "NULL");
	} else if (m->type == MIM_TYPE_LPM && m->key_size == 8) {
		memcpy(&u, b, 4);
		snprintf(buf, len, "%u.%u.%u.%u/%u", b[4], b[5], b[6], b[7], u);
	} else if (m->type == MIM_TYPE_LPM && m->key_size == 20) {
		memcpy(&u, b, 4);
		if (inet_ntop(AF_INET6, b + 4, a6, sizeof(a6)) == NULL)
			snprintf(a6, sizeof(a6), "?");
		snprintf(buf, len, "%s/%u", a6, u);
	} else if (m->key_size == 4) {
		memcpy(&u, b, 4);
		snprintf(buf, len, "%u", u);
	} else {
		off = snprintf(buf, len, "0x");
		for (i = 0; i < m->key_size && off + 3 < len; i++)
			off += snprintf(buf + off, len - off, "%02x", b[i]);
	}
	return buf;
}

const char *
conf_hex_str(const void *p, uint32_t n, char *buf, size_t len)
{
	const uint8_t *b = p;
	size_t off;
	uint32_t i;

	off = snprintf(buf, len, "0x");
	for (i = 0; i < n && off + 3 < len; i++)
		off += snprintf(buf + off, len - off, "%02x", b[i]);
	if (i < n && len > 4)
		snprintf(buf + len - 4, 4, "...");
	return buf;
}

void
conf_lpm_mask(void *key)
{
	conf_lpm_mask_sz(key, sizeof(struct conf_lpm_key));
}

void
conf_lpm_mask_sz(void *key, uint32_t key_size)
{
	uint8_t *a = (uint8_t *)key + 4;
	uint32_t plen, bits = 8 * (key_size - 4), i;

	memcpy(&plen, key, 4);
	if (key_size <= 4 || plen > bits)
		return;
	for (i = plen / 8; i < key_size - 4; i++)
		a[i] = i == plen / 8 && plen % 8 != 0 ?
			(uint8_t)(a[i] & (0xff << (8 - plen % 8))) : 0;
}

struct conf_lpm6_key
conf_lpm6(uint32_t prefixlen, const char *addr)
{
	struct conf_lpm6_key k = { .prefixlen = prefixlen };

	if (inet_pton(AF_INET6, addr, k.addr) != 1)
		memset(k.addr, 0xee, sizeof(k.addr));
	return k;
}

/* ---- element operations -------------------------------------------------------- */

static const char *
uflags_str(uint64_t flags)
{
	switch (flags) {
	case BPF_ANY:
		return "BPF_ANY";
	case BPF_NOEXIST:
		return "BPF_NOEXIST";
	case BPF_EXIST:
		return "BPF_EXIST";
	case BPF_F_LOCK:
		return "BPF_F_LOCK";
	case BPF_F_LOCK | BPF_NOEXIST:
		return "BPF_F_LOCK|BPF_NOEXIST";
	case BPF_F_LOCK | BPF_EXIST:
		return "BPF_F_LOCK|BPF_EXIST";
	default:
		return "unknown flags";
	}
}

bool
conf_update(struct conf_map *m, const void *key, const void *value,
	    uint64_t flags)
{
	char kb[64], vb[64];
	bool tmp;
	int fd = conf_k_handle(m, &tmp);
	int k = bpf_map_update_elem(fd, key, value, flags);
	int mm = mim_update_elem((int)m->mim_id, key, value, flags);

	conf_k_handle_put(fd, tmp);
	return conf_same(k, mm, "update %s[%s] = %s %s", m->label,
			 conf_key_str(m, key, kb, sizeof(kb)),
			 conf_hex_str(value, RTE_MIN(m->value_size, 8U), vb,
				 sizeof(vb)), uflags_str(flags));
}

bool
conf_update_inner(struct conf_map *outer, const void *key,
		  const struct conf_map *inner, uint64_t flags)
{
	char kb[64];
	bool tmp, otmp;
	int ifd = conf_k_handle(inner, &tmp), ofd = conf_k_handle(outer, &otmp);
	uint32_t kval = (uint32_t)ifd, mval = inner->mim_id;
	int k = bpf_map_update_elem(ofd, key, &kval, flags);
	int mm = mim_update_elem((int)outer->mim_id, key, &mval, flags);

	conf_k_handle_put(ifd, tmp);
	conf_k_handle_put(ofd, otmp);
	return conf_same(k, mm, "update %s[%s] = %s %s", outer->label,
			 conf_key_str(outer, key, kb, sizeof(kb)), inner->label,
			 uflags_str(flags));
}

bool
conf_update_raw(struct conf_map *outer, const void *key, uint32_t kval,
		uint32_t mval, uint64_t flags, const char *what)
{
	char kb[64];
	bool tmp;
	int fd = conf_k_handle(outer, &tmp);
	int k = bpf_map_update_elem(fd, key, &kval, flags);
	int mm = mim_update_elem((int)outer->mim_id, key, &mval, flags);

	conf_k_handle_put(fd, tmp);
	return conf_same(k, mm, "update %s[%s] = %s %s", outer->label,
			 conf_key_str(outer, key, kb, sizeof(kb)), what,
			 uflags_str(flags));
}

/* Text of a looked-up value: bytes, or the pair an inner ID belongs to. */
static const char *
value_str(const struct conf_map *m, const void *v, bool kernel, char *buf,
	  size_t len)
{
	const struct conf_map *p;
	uint32_t id;

	if (!conf_is_outer(m->type))
		return conf_hex_str(v, m->value_size, buf, len);
	memcpy(&id, v, 4);
	p = kernel ? conf_by_kid(id) : conf_by_mid(id);
	snprintf(buf, len, "%s (id %u)", p != NULL ? p->label : "?", id);
	return buf;
}

int
conf_lookup_both(struct conf_map *m, const void *key, const struct conf_map **ki,
	    const struct conf_map **mi)
{
	uint8_t kv[CONF_VALUE_MAX], mv[CONF_VALUE_MAX];
	char op[128], kb[64], kr[128], mr[128], rb[64];
	bool tmp, same;
	uint32_t id;
	int fd = conf_k_handle(m, &tmp);
	int k, mm;

	memset(kv, 0, sizeof(kv));
	memset(mv, 0, sizeof(mv));
	k = bpf_map_lookup_elem(fd, key, kv);
	mm = mim_lookup_elem((int)m->mim_id, key, mv);
	conf_k_handle_put(fd, tmp);
	*ki = NULL;
	*mi = NULL;
	snprintf(op, sizeof(op), "lookup %s[%s]", m->label,
		 conf_key_str(m, key, kb, sizeof(kb)));
	if (k != 0 || mm != 0)
		return conf_same(k, mm, "%s", op) || (k < 0 && k == mm) ?
			1 : -1;
	if (conf_is_outer(m->type)) {
		memcpy(&id, kv, 4);
		*ki = conf_by_kid(id);
		memcpy(&id, mv, 4);
		*mi = conf_by_mid(id);
		same = *ki != NULL && *ki == *mi;
	} else {
		same = memcmp(kv, mv, m->value_size) == 0;
	}
	snprintf(kr, sizeof(kr), "ok: %s",
		 value_str(m, kv, true, rb, sizeof(rb)));
	snprintf(mr, sizeof(mr), "ok: %s",
		 value_str(m, mv, false, rb, sizeof(rb)));
	if (!same) {
		conf_disagree(op, kr, mr, "%s returns different %s", op,
			      conf_is_outer(m->type) ? "inner tables" : "values");
		return -1;
	}
	/* IDs differ by design: the row shows the identity only. */
	if (conf_is_outer(m->type))
		snprintf(kr, sizeof(kr), "ok: %s", (*ki)->label);
	conf_record(CONF_ROW_AGREE, op, kr, conf_is_outer(m->type) ? kr : mr,
		    "");
	return 0;
}

bool
conf_lookup(struct conf_map *m, const void *key)
{
	const struct conf_map *ki, *mi;

	return conf_lookup_both(m, key, &ki, &mi) >= 0;
}

bool
conf_lookup_is(struct conf_map *outer, const void *key,
	       const struct conf_map *expect)
{
	const struct conf_map *ki, *mi;
	char kb[64];
	int ret = conf_lookup_both(outer, key, &ki, &mi);

	if (ret < 0)
		return false;
	if (ret == 0 && ki != expect) {
		conf_fail("lookup %s[%s]: both hold %s, the scenario expects %s",
			  outer->label, conf_key_str(outer, key, kb, sizeof(kb)),
			  ki->label, expect != NULL ? expect->label : "nothing");
		return false;
	}
	if (ret == 1 && expect != NULL) {
		conf_fail("lookup %s[%s]: both find nothing, the scenario expects %s",
			  outer->label, conf_key_str(outer, key, kb, sizeof(kb)),
			  expect->label);
		return false;
	}
	return true;
}

bool
conf_delete(struct conf_map *m, const void *key)
{
	char kb[64];
	bool tmp;
	int fd = conf_k_handle(m, &tmp);
	int k = bpf_map_delete_elem(fd, key);
	int mm = mim_delete_elem((int)m->mim_id, key);

	conf_k_handle_put(fd, tmp);
	return conf_same(k, mm, "delete %s[%s]", m->label,
			 conf_key_str(m, key, kb, sizeof(kb)));
}
/* ---- info ------------------------------------------------------------------------ */

bool
conf_info(struct conf_map *m)
{
	struct bpf_map_info ki;
	struct mim_table_info mi;
	uint32_t len = sizeof(ki);
	char kr[160], mr[160], f1[64], f2[64];
	size_t mlen;
	bool tmp, same;
	int fd = conf_k_handle(m, &tmp);
	int k, mm;

	memset(&ki, 0, sizeof(ki));
	k = bpf_obj_get_info_by_fd(fd, &ki, &len);
	mm = mim_get_info((int)m->mim_id, &mi);
	conf_k_handle_put(fd, tmp);
	if (!conf_same(k, mm, "info %s", m->label))
		return false;
	snprintf(kr, sizeof(kr), "type %u key %u value %u max %u flags %s name '%s'",
		 ki.type, ki.key_size, ki.value_size, ki.max_entries,
		 conf_flags_str(ki.map_flags, f1, sizeof(f1)), ki.name);
	snprintf(mr, sizeof(mr), "type %u key %u value %u max %u flags %s name '%s'",
		 conf_bpf_type(mi.type), mi.key_size, mi.value_size,
		 mi.max_entries, conf_flags_str(mi.map_flags, f2, sizeof(f2)),
		 mi.name);
	/* The kernel keeps 15 characters of a name (libbpf truncates). */
	mlen = RTE_MIN(strlen(mi.name), (size_t)BPF_OBJ_NAME_LEN - 1);
	same = ki.type == conf_bpf_type(mi.type) &&
		ki.key_size == mi.key_size && ki.value_size == mi.value_size &&
		ki.max_entries == mi.max_entries &&
		ki.map_flags == mi.map_flags && strlen(ki.name) == mlen &&
		strncmp(ki.name, mi.name, mlen) == 0;
	if (!same) {
		conf_disagree("info", kr, mr, "info %s", m->label);
		return false;
	}
	conf_record(CONF_ROW_AGREE, "info (type, sizes, max_entries, flags, name)",
		    kr, mr, "");
	return true;
}
