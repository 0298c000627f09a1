/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The mapinmap authors
 */

/*
 * Table commands: create, open, close.
 *
 *   create <type> <name|-> key <size> value <size> entries <n>
 *          [template <table>] [flags <flags>] [tbl8 <n>] [socket <id>]
 *          [btf <file> [key_type <type>] [value_type <type>]]
 *   open <table>
 *   close <table>
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cmdline_parse_string.h>

#include <mim.h>

#include "cli.h"
#include "cli_token.h"
#include "jsonw.h"
#include "parse.h"
#include "printer.h"
#include "session.h"

/* ---- create ------------------------------------------------------------ */

struct create_res {
	cmdline_fixed_string_t create;
	cmdline_fixed_string_t type;
	struct cli_word name;
	cmdline_fixed_string_t key_kw;
	struct cli_word key_size;
	cmdline_fixed_string_t value_kw;
	struct cli_word value_size;
	cmdline_fixed_string_t entries_kw;
	struct cli_word max_entries;
	struct cli_word options;
};

/* Table types by their command-line name (mim_type_name()'s). */
static const struct {
	const char *name;
	enum mim_type type;
} type_names[] = {
	{ "array", MIM_TYPE_ARRAY },
	{ "hash", MIM_TYPE_HASH },
	{ "lpm", MIM_TYPE_LPM },
	{ "array_of_tables", MIM_TYPE_ARRAY_OF_TABLES },
	{ "hash_of_tables", MIM_TYPE_HASH_OF_TABLES },
	{ "percpu_array", MIM_TYPE_PERCPU_ARRAY },
	{ "percpu_hash", MIM_TYPE_PERCPU_HASH },
	{ "lru_hash", MIM_TYPE_LRU_HASH },
};

/* Options of create, in the order usage lists them. */
enum create_opt {
	OPT_TEMPLATE,
	OPT_FLAGS,
	OPT_TBL8,
	OPT_SOCKET,
	OPT_BTF,
	OPT_KEY_TYPE,
	OPT_VALUE_TYPE,
	OPT_MAX,
};

static const char *const create_opt_names[OPT_MAX] = {
	[OPT_TEMPLATE] = "template",
	[OPT_FLAGS] = "flags",
	[OPT_TBL8] = "tbl8",
	[OPT_SOCKET] = "socket",
	[OPT_BTF] = "btf",
	[OPT_KEY_TYPE] = "key_type",
	[OPT_VALUE_TYPE] = "value_type",
};

/*
 * A BTF type of btf named by w: a type ID, or the name of a type of any
 * kind (struct, union, typedef, int, enum...). Returns 0 or -1 (reported).
 */
static int
btf_type_arg(const struct btf *btf, const char *what, const struct cli_word *w,
	     uint32_t *id)
{
	char name[128];
	__s32 ret;

	if (cli_word_copy(w, name, sizeof(name)) != 0)
		return cli_err("create: %s '%s...': no such BTF type", what, name);
	if (name[0] >= '0' && name[0] <= '9') {
		if (parse_u32(what, w, id) != 0)
			return -1;
		if (*id == 0 || btf__type_by_id(btf, *id) == NULL)
			return cli_err("create: %s %u: no such BTF type ID (the BTF has %u types)",
				       what, *id, btf__type_cnt(btf) - 1);
		return 0;
	}
	ret = btf__find_by_name(btf, name);
	if (ret <= 0)
		return cli_err("create: %s '%s': no BTF type of this name", what,
			       name);
	*id = (uint32_t)ret;
	return 0;
}

/*
 * Whether path names a regular file that can be read, before libbpf is
 * given it (libbpf says ENOENT for an object without .BTF as for a missing
 * file, and would read a device or a pipe). Returns 0 or -1 (reported).
 */
static int
btf_file_check(const char *path)
{
	struct stat st;
	int fd, err;

	fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0) {
		err = errno;
		if (fd >= 0)
			close(fd);
		return cli_err("create: btf '%s': %s", path, strerror(err));
	}
	close(fd);
	if (!S_ISREG(st.st_mode))
		return cli_err("create: btf '%s': not a regular file", path);
	return 0;
}

/*
 * The options after the sizes: pairs of keyword and value. Fills opts
 * (socket sets MIM_F_NUMA_NODE; btf loads a BTF file into *btf, which the
 * caller frees with btf__free()). Returns 0 or -1 (reported).
 */
static int
create_options(enum mim_type type, const struct cli_word *options,
	       struct mim_create_opts *opts, struct btf **btf)
{
	struct cli_word rest = *options, kw, val, vals[OPT_MAX];
	struct mim_table_info inner;
	unsigned int seen = 0, o;
	char path[PATH_MAX];
	uint32_t socket;
	int err;

	while (parse_next_word(&rest, &kw) == 0) {
		for (o = 0; o < OPT_MAX; o++)
			if (parse_word_is(&kw, create_opt_names[o]))
				break;
		if (o == OPT_MAX)
			return cli_err("create: unknown option '%.*s' (template, flags, tbl8, socket, btf, key_type, value_type)",
				       (int)kw.len, kw.s);
		if (seen & (1U << o))
			return cli_err("create: option '%.*s' given twice",
				       (int)kw.len, kw.s);
		seen |= 1U << o;
		if (parse_next_word(&rest, &val) != 0)
			return cli_err("create: option '%.*s' needs a value",
				       (int)kw.len, kw.s);
		vals[o] = val;
		switch (o) {
		case OPT_TEMPLATE:
			if (parse_table(&val, &inner) != 0)
				return -1;
			opts->inner_id = inner.id;
			break;
		case OPT_FLAGS:
			if (parse_flags(&val, &opts->map_flags) != 0)
				return -1;
			break;
		case OPT_TBL8:
			/* As the kernel refuses a flag that does not apply. */
			if (type != MIM_TYPE_LPM)
				return cli_err("create: tbl8 applies to lpm tables only, not to type %s",
					       table_type_name(type));
			if (parse_u32("tbl8", &val, &opts->lpm_tbl8_groups) != 0)
				return -1;
			break;
		case OPT_SOCKET:
			if (parse_u32("socket", &val, &socket) != 0)
				return -1;
			if (socket > INT32_MAX)
				return cli_err("socket %u: not a NUMA socket", socket);
			opts->socket_id = (int)socket;
			break;
		default:
			break;  /* BTF: once the whole line is read */
		}
	}
	/* The socket is used only with MIM_F_NUMA_NODE: giving one sets it. */
	if (seen & (1U << OPT_SOCKET))
		opts->map_flags |= MIM_F_NUMA_NODE;
	if (!(seen & (1U << OPT_BTF))) {
		if (seen & (1U << OPT_KEY_TYPE | 1U << OPT_VALUE_TYPE))
			return cli_err("create: key_type and value_type name types of a BTF file: give it with btf <file>");
		return 0;
	}
	if (cli_word_copy(&vals[OPT_BTF], path, sizeof(path)) != 0)
		return cli_err("create: btf: path too long");
	if (btf_file_check(path) != 0)
		return -1;
	/* An ELF object with a .BTF section, or raw BTF (/sys/kernel/btf/...). */
	*btf = btf__parse(path, NULL);
	if (*btf == NULL) {
		char why[128];

		/* libbpf's own codes (LIBBPF_ERRNO__FORMAT...) are above
		 * the errno range: strerror() does not know them.
		 */
		err = errno;
		if (err == ENOENT)  /* the file is there: its section is not */
			return cli_err("create: btf '%s': cannot load BTF: an ELF object without a .BTF section",
				       path);
		libbpf_strerror(err, why, sizeof(why));
		return cli_err("create: btf '%s': cannot load BTF: %s (an ELF object with a .BTF section, or raw BTF, expected)",
			       path, why);
	}
	opts->btf = *btf;
	if ((seen & (1U << OPT_KEY_TYPE)) &&
	    btf_type_arg(*btf, "key_type", &vals[OPT_KEY_TYPE],
			 &opts->btf_key_type_id) != 0)
		return -1;
	if ((seen & (1U << OPT_VALUE_TYPE)) &&
	    btf_type_arg(*btf, "value_type", &vals[OPT_VALUE_TYPE],
			 &opts->btf_value_type_id) != 0)
		return -1;
	return 0;
}

/* create: checks the arguments, then mim_create(). */
static int
cmd_create(void *res)
{
	struct create_res *r = res;
	MIM_OPTS(mim_create_opts, opts);
	struct btf *btf = NULL;
	struct mim_table_info ti;
	uint32_t ksz, vsz, max;
	enum mim_type type = 0;
	char name[MIM_NAMESIZE];
	const char *n = name;
	size_t i;
	mim_id_t id;

	for (i = 0; i < RTE_DIM(type_names); i++)
		if (strcmp(r->type, type_names[i].name) == 0)
			type = type_names[i].type;
	if (cli_word_copy(&r->name, name, sizeof(name)) != 0)
		return cli_err("create: name '%s...': longer than %d characters",
			       name, MIM_NAMESIZE - 1);
	if (strcmp(name, "-") == 0)
		n = NULL;  /* anonymous */
	if (parse_u32("key size", &r->key_size, &ksz) != 0 ||
	    parse_u32("value size", &r->value_size, &vsz) != 0 ||
	    parse_u32("entries", &r->max_entries, &max) != 0)
		return -1;
	if (r->options.s != NULL &&
	    create_options(type, &r->options, &opts, &btf) != 0) {
		btf__free(btf);
		return -1;
	}
	id = mim_create(type, n, ksz, vsz, max, &opts);
	/* The table keeps its own copy of the BTF. */
	btf__free(btf);
	if (id < 0)
		return cli_lib_err(id, "create %s '%s'", r->type,
				   n != NULL ? n : "");
	if (session_hold(id) != 0) {
		mim_close(id);
		return cli_err("create: out of memory");
	}
	if (mim_get_info(id, &ti) != 0)
		return cli_lib_err(-EBADF, "create: table %d", id);
	if (cli.json) {
		jw_obj_begin();
		jw_kv_u64("id", ti.id);
		jw_kv_str("name", ti.name);
		jw_kv_str("type", table_type_name(ti.type));
		jw_obj_end();
	} else {
		char d[64];

		printf("created %s table %s\n", table_type_name(ti.type),
		       table_desc(&ti, d, sizeof(d)));
	}
	return 0;
}

static struct cli_cmd create_cmd = { .fn = cmd_create };

static cmdline_parse_token_string_t create_tok =
	TOKEN_STRING_INITIALIZER(struct create_res, create, "create");
static cmdline_parse_token_string_t create_type =
	TOKEN_STRING_INITIALIZER(struct create_res, type,
		"array#hash#lpm#array_of_tables#hash_of_tables#percpu_array#"
		"percpu_hash#lru_hash");
static struct cli_token_word create_name =
	TOKEN_WORD_INITIALIZER(struct create_res, name, CLI_WORD_ANY,
			       "name (- for none)");
static cmdline_parse_token_string_t create_key_kw =
	TOKEN_STRING_INITIALIZER(struct create_res, key_kw, "key");
static struct cli_token_word create_key_size =
	TOKEN_WORD_INITIALIZER(struct create_res, key_size, CLI_WORD_ANY,
			       "key size in bytes");
static cmdline_parse_token_string_t create_value_kw =
	TOKEN_STRING_INITIALIZER(struct create_res, value_kw, "value");
static struct cli_token_word create_value_size =
	TOKEN_WORD_INITIALIZER(struct create_res, value_size, CLI_WORD_ANY,
			       "value size in bytes");
static cmdline_parse_token_string_t create_entries_kw =
	TOKEN_STRING_INITIALIZER(struct create_res, entries_kw, "entries");
static struct cli_token_word create_max_entries =
	TOKEN_WORD_INITIALIZER(struct create_res, max_entries, CLI_WORD_ANY,
			       "max entries");
static struct cli_token_word create_options_tok =
	TOKEN_WORD_INITIALIZER(struct create_res, options, CLI_WORD_REST,
			       "options: template flags tbl8 socket btf...");

#define CREATE_HELP "create <type> <name|-> key <size> value <size> entries <n> " \
	"[template <table>] [flags <flags>] [tbl8 <n>] [socket <id>] "	\
	"[btf <file> [key_type <type>] [value_type <type>]]: "		\
	"create a table (type: array, hash, lpm, array_of_tables, hash_of_tables, percpu_array, " \
	"percpu_hash, lru_hash)"

static cmdline_parse_inst_t cmd_create_inst = {
	.f = cli_exec,
	.data = &create_cmd,
	.help_str = CREATE_HELP,
	.tokens = {
		(void *)&create_tok, (void *)&create_type, (void *)&create_name,
		(void *)&create_key_kw, (void *)&create_key_size,
		(void *)&create_value_kw, (void *)&create_value_size,
		(void *)&create_entries_kw, (void *)&create_max_entries,
		NULL,
	},
};

static cmdline_parse_inst_t cmd_create_opts_inst = {
	.f = cli_exec,
	.data = &create_cmd,
	.help_str = CREATE_HELP,
	.tokens = {
		(void *)&create_tok, (void *)&create_type, (void *)&create_name,
		(void *)&create_key_kw, (void *)&create_key_size,
		(void *)&create_value_kw, (void *)&create_value_size,
		(void *)&create_entries_kw, (void *)&create_max_entries,
		(void *)&create_options_tok,
		NULL,
	},
};

/* ---- open, close ------------------------------------------------------- */

struct table_res {
	cmdline_fixed_string_t cmd;
	struct cli_word table;
};

/* open: one more handle reference (mim_get_by_id()). */
static int
cmd_open(void *res)
{
	struct table_res *r = res;
	struct mim_table_info ti;
	char d[64];
	int ret;

	if (parse_table(&r->table, &ti) != 0)
		return -1;
	ret = mim_get_by_id(ti.id);
	if (ret < 0)
		return cli_lib_err(ret, "open %s", table_desc(&ti, d, sizeof(d)));
	if (session_hold(ret) != 0) {
		mim_close(ret);
		return cli_err("open: out of memory");
	}
	if (mim_get_info((int)ti.id, &ti) != 0)
		return cli_lib_err(-EBADF, "open: table %u", ti.id);
	if (cli.json) {
		jw_obj_begin();
		jw_kv_u64("id", ti.id);
		jw_kv_u64("handles", ti.handles);
		jw_kv_u64("refcnt", ti.refcnt);
		jw_obj_end();
	} else {
		printf("table %s: handles %u, references %u\n",
		       table_desc(&ti, d, sizeof(d)), ti.handles, ti.refcnt);
	}
	return 0;
}

/* close: drop one handle reference (mim_close()); say what became of it. */
static int
cmd_close(void *res)
{
	struct table_res *r = res;
	struct mim_table_info ti, after;
	bool alive;
	char d[64];
	int ret;

	if (parse_table(&r->table, &ti) != 0)
		return -1;
	table_desc(&ti, d, sizeof(d));
	/* In a secondary the library refuses (-EBADF) a table this process
	 * holds no handle on: the application's handles are not its own.
	 */
	ret = mim_close((int)ti.id);
	if (ret < 0)
		return cli_lib_err(ret, "close %s", d);
	session_release((int)ti.id);
	alive = mim_get_info((int)ti.id, &after) == 0;
	if (cli.json) {
		jw_obj_begin();
		jw_kv_u64("id", ti.id);
		jw_kv_bool("released", !alive);
		jw_kv_u64("refcnt", alive ? after.refcnt : 0);
		jw_kv_u64("handles", alive ? after.handles : 0);
		jw_obj_end();
	} else if (alive) {
		printf("closed a handle of table %s: still held by %u reference%s (%u handle%s)\n",
		       d, after.refcnt, after.refcnt == 1 ? "" : "s",
		       after.handles, after.handles == 1 ? "" : "s");
	} else {
		printf("closed table %s: released (memory freed once readers are quiescent)\n",
		       d);
	}
	return 0;
}

static struct cli_cmd open_cmd = { .fn = cmd_open };
static struct cli_cmd close_cmd = { .fn = cmd_close };

static cmdline_parse_token_string_t open_tok =
	TOKEN_STRING_INITIALIZER(struct table_res, cmd, "open");
static cmdline_parse_token_string_t close_tok =
	TOKEN_STRING_INITIALIZER(struct table_res, cmd, "close");
static struct cli_token_word table_arg =
	TOKEN_WORD_INITIALIZER(struct table_res, table, CLI_WORD_TABLE,
			       "table: id or name");

static cmdline_parse_inst_t cmd_open_inst = {
	.f = cli_exec,
	.data = &open_cmd,
	.help_str = "open <table>: take one more handle reference on a table (mim_get_by_id)",
	.tokens = { (void *)&open_tok, (void *)&table_arg, NULL },
};

static cmdline_parse_inst_t cmd_close_inst = {
	.f = cli_exec,
	.data = &close_cmd,
	.help_str = "close <table>: drop one handle reference; the table goes with its last reference",
	.tokens = { (void *)&close_tok, (void *)&table_arg, NULL },
};

cmdline_parse_inst_t *cli_table_cmds[] = {
	&cmd_create_inst,
	&cmd_create_opts_inst,
	&cmd_open_inst,
	&cmd_close_inst,
	NULL,
};
