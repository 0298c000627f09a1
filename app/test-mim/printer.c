/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* Text and JSON output of tables, keys and values (printer.h). */

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_memory.h>

#include "jsonw.h"
#include "printer.h"

bool
table_is_outer(uint32_t type)
{
	return type == MIM_TYPE_ARRAY_OF_TABLES ||
		type == MIM_TYPE_HASH_OF_TABLES;
}

const char *
table_desc(const struct mim_table_info *ti, char *buf, size_t len)
{
	if (ti->name[0] != '\0')
		snprintf(buf, len, "'%s' (id %u)", ti->name, ti->id);
	else
		snprintf(buf, len, "(id %u)", ti->id);
	return buf;
}

const char *
table_type_name(uint32_t type)
{
	const char *n = mim_type_name((enum mim_type)type);

	return n != NULL ? n : "?";
}

const char *
table_flags_str(uint32_t flags, char *buf, size_t len)
{
	static const struct {
		uint32_t flag;
		const char *name;
	} names[] = {
		{ MIM_F_NO_PREALLOC, "no_prealloc" },
		{ MIM_F_NUMA_NODE, "numa_node" },
		{ MIM_F_INNER_MAP, "inner_map" },
		{ MIM_F_NO_COMMON_LRU, "no_common_lru" },
	};
	size_t i, n;
	char sep = '(';

	n = (size_t)snprintf(buf, len, "0x%x", flags);
	for (i = 0; i < RTE_DIM(names) && n < len; i++) {
		if (!(flags & names[i].flag))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%c%s", sep,
				      names[i].name);
		sep = '|';
	}
	if (sep == '|' && n < len)
		snprintf(buf + n, len - n, ")");
	return buf;
}

void
print_hex(FILE *f, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", b[i]);
}

/* Room for the longest LPM key text: an IPv6 address and "/128". */
#define LPM_KEY_STR_MAX (INET6_ADDRSTRLEN + 8)

/* An LPM key of key_size bytes as a.b.c.d/len or addr6/len in buf. */
static const char *
lpm_key_str(const void *key, uint32_t key_size, char *buf, size_t len)
{
	struct mim_lpm6_key k6;
	struct mim_lpm_key k;
	char a[INET6_ADDRSTRLEN];

	if (key_size == sizeof(k6)) {
		memcpy(&k6, key, sizeof(k6));
		inet_ntop(AF_INET6, k6.addr, a, sizeof(a));
		snprintf(buf, len, "%s/%u", a, k6.prefixlen);
		return buf;
	}
	memcpy(&k, key, sizeof(k));
	inet_ntop(AF_INET, &k.addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, k.prefixlen);
	return buf;
}

static uint32_t
u32_of(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The raw printer: indexes, prefixes and table IDs by type, else hex. */
static void
raw_key_text(struct elem_printer *p, FILE *f, const void *key)
{
	char buf[LPM_KEY_STR_MAX];

	switch (p->ti.type) {
	case MIM_TYPE_ARRAY:
	case MIM_TYPE_ARRAY_OF_TABLES:
	case MIM_TYPE_PERCPU_ARRAY:
		fprintf(f, "%" PRIu32, u32_of(key));
		break;
	case MIM_TYPE_LPM:
		fputs(lpm_key_str(key, p->ti.key_size, buf, sizeof(buf)), f);
		break;
	default:
		print_hex(f, key, p->ti.key_size);
	}
}

static void
raw_key_json(struct elem_printer *p, const void *key)
{
	char buf[LPM_KEY_STR_MAX];

	switch (p->ti.type) {
	case MIM_TYPE_ARRAY:
	case MIM_TYPE_ARRAY_OF_TABLES:
	case MIM_TYPE_PERCPU_ARRAY:
		jw_u64(u32_of(key));
		break;
	case MIM_TYPE_LPM:
		jw_str(lpm_key_str(key, p->ti.key_size, buf, sizeof(buf)));
		break;
	default:
		jw_hex(key, p->ti.key_size);
	}
}

static void
raw_value_text(struct elem_printer *p, FILE *f, const void *value)
{
	if (table_is_outer(p->ti.type))
		fprintf(f, "%" PRIu32, u32_of(value));
	else
		print_hex(f, value, p->ti.value_size);
}

static void
raw_value_json(struct elem_printer *p, const void *value)
{
	if (table_is_outer(p->ti.type))
		jw_u64(u32_of(value));
	else
		jw_hex(value, p->ti.value_size);
}

const struct elem_printer_ops elem_printer_raw_ops = {
	.name = "raw",
	.key_text = raw_key_text,
	.value_text = raw_value_text,
	.key_json = raw_key_json,
	.value_json = raw_value_json,
	.formatted_json = NULL,
	.close = NULL,
};

/* Used when even a printer cannot be allocated: raw, table unknown. */
static struct elem_printer fallback_printer = {
	.ops = &elem_printer_raw_ops,
};

struct elem_printer *
elem_printer_open(const struct mim_table_info *ti)
{
	struct elem_printer *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		fallback_printer.ti = *ti;
		return &fallback_printer;
	}
	p->ops = &elem_printer_raw_ops;
	p->ti = *ti;
	elem_printer_btf_init(p);
	return p;
}

void
elem_printer_close(struct elem_printer *p)
{
	if (p == NULL || p == &fallback_printer)
		return;
	if (p->ops->close != NULL)
		p->ops->close(p);
	free(p);
}

void
elem_key_text(struct elem_printer *p, FILE *f, const void *key)
{
	p->ops->key_text(p, f, key);
}

void
elem_value_text(struct elem_printer *p, FILE *f, const void *value)
{
	p->ops->value_text(p, f, value);
}

void
elem_key_json(struct elem_printer *p, const void *key)
{
	p->ops->key_json(p, key);
}

void
elem_value_json(struct elem_printer *p, const void *value)
{
	p->ops->value_json(p, value);
}

void
elem_formatted_json(struct elem_printer *p, const void *key, const void *value)
{
	if (p->ops->formatted_json != NULL)
		p->ops->formatted_json(p, key, value);
}

/* Socket as text: a number or "any". */
static const char *
socket_str(int socket_id, char *buf, size_t len)
{
	if (socket_id == SOCKET_ID_ANY)
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "%d", socket_id);
	return buf;
}

void
print_table_text(const struct mim_table_info *ti, bool verbose)
{
	struct mim_lru_stats lru = { .sz = sizeof(lru) };
	char fl[64], sock[16];

	printf("%u: %s", ti->id, table_type_name(ti->type));
	if (ti->name[0] != '\0')
		printf("  name %s", ti->name);
	printf("  flags %s\n", table_flags_str(ti->map_flags, fl, sizeof(fl)));
	printf("\tkey %uB  value %uB  max_entries %u  entries %u\n",
	       ti->key_size, ti->value_size, ti->max_entries, ti->nb_entries);
	if (ti->btf_key_type_id != 0 || ti->btf_value_type_id != 0)
		printf("\tbtf  key_type %u  value_type %u\n",
		       ti->btf_key_type_id, ti->btf_value_type_id);
	if (table_is_outer(ti->type)) {
		printf("\ttemplate %s  key %uB  value %uB  max_entries %u  flags %s  (from id %u)\n",
		       table_type_name(ti->inner.type), ti->inner.key_size,
		       ti->inner.value_size, ti->inner.max_entries,
		       table_flags_str(ti->inner.map_flags, fl, sizeof(fl)),
		       ti->inner_id);
		if (ti->inner.btf_key_type_id != 0 ||
		    ti->inner.btf_value_type_id != 0)
			printf("\ttemplate btf  key_type %u  value_type %u\n",
			       ti->inner.btf_key_type_id,
			       ti->inner.btf_value_type_id);
	}
	printf("\trefs %u (handles %u)  memory %" PRIu64 "B  memzones %u\n",
	       ti->refcnt, ti->handles, ti->mem_bytes, ti->memzones);
	if (ti->type == MIM_TYPE_LRU_HASH &&
	    mim_get_lru_stats((int)ti->id, &lru) == 0)
		printf("\tlru lists %u of %u keys  evictions %" PRIu64 "\n",
		       lru.nb_lists, lru.list_capacity, lru.nb_evictions);
	if (verbose)
		printf("\tsocket %s  updates %" PRIu64 "  deletes %" PRIu64
		       "  replacements %" PRIu64 "\n",
		       socket_str(ti->socket_id, sock, sizeof(sock)),
		       ti->nb_updates, ti->nb_deletes, ti->nb_replacements);
}

void
print_table_json(const struct mim_table_info *ti)
{
	struct mim_lru_stats lru = { .sz = sizeof(lru) };

	jw_obj_begin();
	jw_kv_u64("id", ti->id);
	jw_kv_str("type", table_type_name(ti->type));
	jw_kv_str("name", ti->name);
	jw_kv_u64("key_size", ti->key_size);
	jw_kv_u64("value_size", ti->value_size);
	jw_kv_u64("max_entries", ti->max_entries);
	jw_kv_u64("map_flags", ti->map_flags);
	jw_kv_i64("socket_id", ti->socket_id);
	jw_kv_u64("entries", ti->nb_entries);
	jw_kv_u64("refcnt", ti->refcnt);
	jw_kv_u64("handles", ti->handles);
	jw_kv_u64("memzones", ti->memzones);
	jw_kv_u64("mem_bytes", ti->mem_bytes);
	jw_kv_u64("updates", ti->nb_updates);
	jw_kv_u64("deletes", ti->nb_deletes);
	jw_kv_u64("replacements", ti->nb_replacements);
	jw_kv_u64("btf_key_type_id", ti->btf_key_type_id);
	jw_kv_u64("btf_value_type_id", ti->btf_value_type_id);
	if (ti->type == MIM_TYPE_LRU_HASH &&
	    mim_get_lru_stats((int)ti->id, &lru) == 0) {
		jw_name("lru");
		jw_obj_begin();
		jw_kv_u64("lists", lru.nb_lists);
		jw_kv_u64("list_capacity", lru.list_capacity);
		jw_kv_u64("evictions", lru.nb_evictions);
		jw_obj_end();
	}
	if (table_is_outer(ti->type)) {
		jw_kv_u64("inner_id", ti->inner_id);
		jw_name("template");
		jw_obj_begin();
		jw_kv_str("type", table_type_name(ti->inner.type));
		jw_kv_u64("key_size", ti->inner.key_size);
		jw_kv_u64("value_size", ti->inner.value_size);
		jw_kv_u64("max_entries", ti->inner.max_entries);
		jw_kv_u64("map_flags", ti->inner.map_flags);
		jw_kv_u64("btf_key_type_id", ti->inner.btf_key_type_id);
		jw_kv_u64("btf_value_type_id", ti->inner.btf_value_type_id);
		jw_obj_end();
	}
	jw_obj_end();
}
