/* conf: recursive-descent parser, top level and resource bodies
 * (drbd-metadata-resync.md §8.5). Syntax errors stop the parse (the lexer
 * then returns only EOF); configuration errors are reported and parsing
 * goes on, so one run shows them all, as drbdadm does. */
#include "conf/lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plat/plat.h"

const char *conf_default_path(void)
{
	static char path[1024];
	const char *root = plat_config_root();
	size_t n = strlen(root);
	/* <root>\etc on Windows (WinDRBD's layout, found as plat_config_root()
	 * says: UDRBD_ROOT, the registry, C:\windrbd), /etc elsewhere. */
	char sep = strchr(root, '\\') ? '\\' : '/';

	if (n && (root[n - 1] == '/' || root[n - 1] == '\\'))
		n--;
	snprintf(path, sizeof(path), "%.*s%cdrbd.conf", (int)n, root, sep);
	return path;
}

struct conf_uniq {
	const char *key, *where;
	struct conf_uniq *next;
};

void conf_uniq(struct conf *c, const char *file, int line, const char *what,
	       const char *key)
{
	struct conf_uniq *u;
	const char *where = conf_printf(c, "%s:%d", file, line);

	conf_for_each(u, c->uniq) {
		if (strcmp(u->key, key))
			continue;
		fprintf(stderr, "%s: conflicting use of %s '%s' ...\n"
			"%s: %s '%s' first used here.\n", where, what, key,
			u->where, what, key);
		c->valid = false;
		c->nr_errors++;
		return;
	}
	u = conf_zalloc(c, sizeof(*u));
	u->key = conf_strdup(c, key);
	u->where = where;
	u->next = c->uniq;
	c->uniq = u;
}

static void parse_global(struct conf_lex *lx)
{
	struct conf_global *g = &lx->c->global;
	const char *v;

	conf_uniq(lx->c, lx->file, lx->tline, "global section", "global");
	if (!conf_expect_char(lx, '{'))
		return;
	while (conf_lex_next(lx) != TK_EOF && !conf_is_char(lx, '}')) {
		if (conf_is_kw(lx, "disable-ip-verification")) {
			g->disable_ip_verification = true;
		} else if (conf_is_kw(lx, "udev-always-use-vnr")) {
			g->udev_always_use_vnr = true;
		} else if (conf_is_kw(lx, "minor-count") || conf_is_kw(lx, "dialog-refresh") ||
			   !strncmp(lx->text, "cmd-timeout-", 12)) {
			bool mc = conf_is_kw(lx, "minor-count");
			bool dr = conf_is_kw(lx, "dialog-refresh");

			if (!(v = conf_expect_int(lx, "an integer")))
				return;
			if (mc && (atoi(v) < 1 || atoi(v) > 255))
				conf_lex_error(lx, "minor-count %s out of range [1..255]", v);
			if (mc)
				g->minor_count = atoi(v);
			if (dr)
				g->dialog_refresh = atoi(v);
		} else if (conf_is_kw(lx, "usage-count")) {
			conf_lex_next(lx);
			if (conf_is_kw(lx, "yes"))
				g->usage_count = CONF_UC_YES;
			else if (conf_is_kw(lx, "no"))
				g->usage_count = CONF_UC_NO;
			else if (conf_is_kw(lx, "ask"))
				g->usage_count = CONF_UC_ASK;
			else
				conf_lex_expected(lx, "yes | no | ask");
		} else {
			conf_lex_expected(lx, "dialog-refresh | minor-count | "
					  "disable-ip-verification | usage-count");
			return;
		}
		conf_expect_char(lx, ';');
	}
}

/* The DRBD version drbd.conf's require-drbd-module-version-* compare with:
 * the override drbd-utils honours, else the DRBD 9 version we speak. */
static unsigned driver_version_code(void)
{
	const char *s = getenv("DRBD_DRIVER_VERSION_OVERRIDE");
	unsigned a = 9, b = 2, d = 0;

	if (s)
		sscanf(s, "%u.%u.%u", &a, &b, &d);
	return a << 16 | b << 8 | d;
}

static void parse_require_version(struct conf_lex *lx)
{
	char op[3];
	unsigned a, b, d, have = driver_version_code(), want;
	bool ok;

	snprintf(op, sizeof(op), "%s", lx->text + strlen(lx->text) - 2);
	conf_lex_next(lx);
	if (lx->tok != TK_WORD || sscanf(lx->text, "%u.%u.%u", &a, &b, &d) != 3) {
		conf_lex_expected(lx, "a version X.Y.Z");
		return;
	}
	want = a << 16 | b << 8 | d;
	ok = !strcmp(op, "eq") ? have == want : !strcmp(op, "ne") ? have != want :
	     !strcmp(op, "gt") ? have > want : !strcmp(op, "ge") ? have >= want :
	     !strcmp(op, "lt") ? have < want : have <= want;
	if (!ok)
		conf_lex_error(lx, "Validation error: drbd-module-version %u.%u.%u %s %s not true",
			       have >> 16, (have >> 8) & 0xff, have & 0xff, op, lx->text);
	conf_expect_char(lx, ';');
}

static void parse_top(struct conf_lex *lx)
{
	struct conf *c = lx->c;
	const char *name;

	while (conf_lex_next(lx) != TK_EOF) {
		if (conf_is_kw(lx, "global")) {
			parse_global(lx);
		} else if (conf_is_kw(lx, "common")) {
			if (conf_expect_char(lx, '{'))
				c->common = conf_parse_resource(lx, "common", true);
		} else if (conf_is_kw(lx, "resource")) {
			struct conf_resource *r;

			if (!(name = conf_expect_string(lx, "a resource name")))
				return;
			if (!conf_expect_char(lx, '{'))
				return;
			r = conf_parse_resource(lx, name, false);
			if (c->resources_tail)
				c->resources_tail->next = r;
			else
				c->resources = r;
			c->resources_tail = r;
		} else if (conf_is_kw(lx, "skip")) {
			conf_parse_skip(lx);
		} else if (conf_is_kw(lx, "include")) {
			if (!(name = conf_expect_string(lx, "a file name or pattern")))
				return;
			if (conf_expect_char(lx, ';'))
				conf_include(lx, name);
		} else if (!strncmp(lx->text, "require-drbd-module-version-", 28) &&
			   lx->tok == TK_WORD && strlen(lx->text) == 30) {
			parse_require_version(lx);
		} else {
			conf_lex_expected(lx, "global | common | resource | skip | include |\n"
					  "\trequire-drbd-module-version-{eq,ne,gt,ge,lt,le}");
			return;
		}
	}
}

void conf_parse_buffer(struct conf *c, const char *file, const char *buf, size_t len)
{
	struct conf_lex lx;
	const char *saved = c->cur_file;

	conf_names_add(c, &c->seen, file);
	c->cur_file = file;
	conf_lex_init(&lx, c, file, buf, len);
	parse_top(&lx);
	c->cur_file = saved;
}

int conf_read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, got;
	char *b = NULL, *nb;
	int ret = 0;

	if (!f)
		return -errno;
	do {
		nb = realloc(b, cap + 1);
		if (!nb) {
			ret = -ENOMEM;
			goto out;
		}
		b = nb;
		got = fread(b + n, 1, cap - n, f);
		n += got;
		if (n == cap)
			cap *= 2;
	} while (got);
	if (ferror(f))
		ret = -EIO;
out:
	fclose(f);
	if (ret) {
		free(b);
		return ret;
	}
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}

#ifdef _WIN32
static bool windows_devices = true;
#else
static bool windows_devices = false;
#endif

void conf_set_windows(bool windows)
{
	windows_devices = windows;
}

static struct conf *conf_new(const char *hostname)
{
	struct conf *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->valid = true;
	c->global.dialog_refresh = 1;
	c->windows = windows_devices;
	c->hostname = conf_strdup(c, hostname);
	return c;
}

static int finish(struct conf *c, struct conf **out)
{
	if (c->valid)
		conf_post_parse(c);
	if (!c->valid) {
		conf_free(c);
		*out = NULL;
		return CONF_E_CONFIG_INVALID;
	}
	*out = c;
	return 0;
}

int conf_load_string(const char *text, const char *name, const char *hostname,
		     struct conf **out)
{
	struct conf *c = conf_new(hostname);

	if (!c)
		return CONF_E_NOMEM;
	c->file = conf_strdup(c, name);
	conf_parse_buffer(c, c->file, text, strlen(text));
	return finish(c, out);
}

/* Absolute path, as drbdadm names the file in dumps and messages. */
const char *conf_canonical(struct conf *c, const char *path)
{
#ifdef _WIN32
	char buf[1024];

	if (_fullpath(buf, path, sizeof(buf)))
		return conf_strdup(c, buf);
#else
	char *r = realpath(path, NULL);

	if (r) {
		const char *s = conf_strdup(c, r);

		free(r);
		return s;
	}
#endif
	return conf_strdup(c, path);
}

int conf_load(const char *path, const char *hostname, struct conf **out)
{
	struct conf *c = conf_new(hostname);
	size_t len;
	char *buf;
	int ret;

	if (!c)
		return CONF_E_NOMEM;
	if (!path)
		path = conf_default_path();
	ret = conf_read_file(path, &buf, &len);
	if (ret) {
		fprintf(stderr, "Can not open '%s': %s\n", path, plat_strerror(ret));
		conf_free(c);
		*out = NULL;
		return CONF_E_EXEC;
	}
	c->file = conf_canonical(c, path);
	conf_parse_buffer(c, c->file, buf, len);
	free(buf);
	return finish(c, out);
}
