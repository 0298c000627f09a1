/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/* Scenarios on outer tables as scripts: the fixture and the steps. */

#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include <linux/bpf.h>

#include "conf_record.h"
#include "conf_script.h"
#include "conformance.h"

bool
conf_fixture(struct conf_fixture *f, const struct conf_fx_outer *outers,
	     unsigned int n)
{
	static const struct {
		enum conf_fx_table t;
		const char *label;
		uint32_t max;
	} inner[] = {
		{ FX_TMPL, "tmpl", 2 }, { FX_A, "A", 2 }, { FX_B, "B", 2 },
		{ FX_BAD, "bad", 3 },
	};
	unsigned int i;

	f->nb_outers = 0;
	for (i = 0; i < RTE_DIM(inner); i++)
		if (!conf_create(&f->pair[inner[i].t], inner[i].label,
				 CONF_SPEC(.type = MIM_TYPE_ARRAY, .key_size = 4,
					   .value_size = 8,
					   .max_entries = inner[i].max)))
			return false;
	if (n > FX_TABLES - FX_O1) {
		conf_fail("a fixture has at most %d outer tables",
			  FX_TABLES - FX_O1);
		return false;
	}
	for (i = 0; i < n; i++) {
		if (!conf_create(&f->pair[FX_O1 + i], outers[i].label,
				 CONF_SPEC(.type = outers[i].type,
					   .key_size = outers[i].key_size,
					   .value_size = 4,
					   .max_entries = outers[i].max_entries,
					   .flags = outers[i].flags,
					   .inner = &f->pair[FX_TMPL])))
			return false;
		f->nb_outers++;
	}
	return true;
}

/* A step's table, or NULL (with a failure) if the fixture has none. */
static struct conf_map *
table(struct conf_fixture *f, enum conf_fx_table t)
{
	if (t < FX_O1 ||
	    (t < FX_TABLES && (unsigned int)(t - FX_O1) < f->nb_outers))
		return &f->pair[t];
	conf_fail("a step names table %d, which the fixture does not have", t);
	return NULL;
}

/* One step on m; key points to its key in m's form, in is its value. */
static void
run_step(const struct conf_step *s, struct conf_map *m,
	 const struct conf_map *in, const void *key)
{
	switch (s->op) {
	case CONF_PUT:
		if (in != NULL)
			conf_update_inner(m, key, in, s->flags);
		break;
	case CONF_PUT_BAD:
		conf_update_raw(m, key, CONF_BAD_FD, CONF_BAD_ID, s->flags,
				s->what);
		break;
	case CONF_SET:
		conf_update(m, key, &s->value, s->flags);
		break;
	case CONF_GET:
		conf_lookup(m, key);
		break;
	case CONF_HOLDS:
		conf_lookup_is(m, key, in);
		break;
	case CONF_DEL:
		conf_delete(m, key);
		break;
	case CONF_NEXT:
		conf_next_key(m, key);
		break;
	case CONF_FIRST:
		conf_next_key(m, NULL);
		break;
	case CONF_WALK:
		conf_walk(m);
		break;
	case CONF_CLOSE:
		conf_close(m);
		break;
	case CONF_REOPEN:
		conf_reopen(m);
		break;
	case CONF_ALIVE:
		conf_alive(m, s->what);
		break;
	case CONF_GONE:
		if (conf_alive(m, s->what))
			conf_fail("%s", s->fail);
		break;
	}
}

/* A step's key in m's form: an LPM key, a u32, or a u64. */
static const void *
step_key(const struct conf_map *m, uint64_t key, uint8_t buf[CONF_KEY_MAX])
{
	struct conf_lpm_key k;
	uint32_t u = (uint32_t)key;

	memset(buf, 0, CONF_KEY_MAX);
	if (m->type == MIM_TYPE_LPM) {
		k = conf_lpm(u, (uint8_t)(key >> 32), (uint8_t)(key >> 40),
			     (uint8_t)(key >> 48), (uint8_t)(key >> 56));
		memcpy(buf, &k, sizeof(k));
	} else if (m->key_size == 4) {
		memcpy(buf, &u, 4);
	} else {
		memcpy(buf, &key, RTE_MIN(m->key_size, (uint32_t)sizeof(key)));
	}
	return buf;
}

void
conf_run_steps(struct conf_fixture *f, const struct conf_step *steps,
	       size_t n)
{
	uint8_t key[CONF_KEY_MAX];
	size_t i;

	for (i = 0; i < n; i++) {
		struct conf_map *m = table(f, steps[i].t);
		const struct conf_map *in = steps[i].in == FX_NONE ? NULL :
			table(f, steps[i].in);

		if (m != NULL)
			run_step(&steps[i], m, in,
				 step_key(m, steps[i].key, key));
	}
}

void
conf_table_steps(struct conf_map *m, const struct conf_step *steps,
		 size_t n)
{
	uint8_t key[CONF_KEY_MAX];
	size_t i;

	for (i = 0; i < n; i++) {
		if (steps[i].in != FX_NONE) {
			conf_fail("step %zu names a second table", i);
			continue;
		}
		run_step(&steps[i], m, NULL, step_key(m, steps[i].key, key));
	}
}

int
conf_script(const char *scenario, const struct conf_fx_outer *outers,
	    unsigned int nb_outers, const struct conf_step *steps,
	    size_t nb_steps)
{
	struct conf_fixture f;

	CONF_BEGIN(scenario);
	if (conf_fixture(&f, outers, nb_outers))
		conf_run_steps(&f, steps, nb_steps);
	return conf_end();
}
