/* conf: include "glob"; and template-file "path"; (drbd-metadata-resync.md
 * §8.5). Relative names are relative to the directory of the file that
 * names them; a file is read once however often it is included; a
 * pattern that matches nothing is fine, a plain name that is missing is
 * an error. */
#include "conf/lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plat/plat.h"

static bool is_absolute(const char *p)
{
#ifdef _WIN32
	if (p[0] && p[1] == ':')
		return true;
	if (p[0] == '\\')
		return true;
#endif
	return p[0] == '/';
}

static const char *relative_to(struct conf *c, const char *file, const char *name)
{
	const char *slash = strrchr(file, '/');

#ifdef _WIN32
	const char *bs = strrchr(file, '\\');

	if (bs && (!slash || bs > slash))
		slash = bs;
#endif
	if (is_absolute(name) || !slash)
		return name;
	return conf_printf(c, "%.*s/%s", (int)(slash - file), file, name);
}

static bool has_magic(const char *s)
{
	return strpbrk(s, "?*[") != NULL;
}

static void include_one(struct conf_lex *lx, const char *path)
{
	struct conf *c = lx->c;
	const char *canon = conf_canonical(c, path);
	size_t len;
	char *buf;
	int ret;

	if (conf_names_has(&c->seen, canon))
		return;
	ret = conf_read_file(canon, &buf, &len);
	if (ret) {
		conf_lex_error(lx, "Failed to open include file '%s': %s", path,
			       plat_strerror(ret));
		return;
	}
	conf_parse_buffer(c, canon, buf, len);
	free(buf);
}

void conf_include(struct conf_lex *lx, const char *pattern)
{
	const char *full = relative_to(lx->c, lx->file, pattern);
	char **paths = NULL;
	size_t n = 0, i;
	int ret;

	ret = plat_glob(full, &paths, &n);
	if (ret) {
		conf_lex_error(lx, "include '%s': %s", pattern, plat_strerror(ret));
		return;
	}
	if (!n && !has_magic(pattern))
		conf_lex_error(lx, "Failed to open include file '%s'.", pattern);
	for (i = 0; i < n && !lx->fatal; i++)
		include_one(lx, paths[i]);
	plat_glob_free(paths, n);
}

struct conf_resource *conf_template(struct conf_lex *lx, const char *res_name,
				    const char *path)
{
	struct conf *c = lx->c;
	const char *full = conf_canonical(c, relative_to(c, lx->file, path));
	struct conf_resource *t = NULL;
	struct conf_lex tl;
	size_t len;
	char *buf;

	if (conf_read_file(full, &buf, &len)) {
		conf_lex_error(lx, "Failed to open template file '%s'.", path);
		return NULL;
	}
	conf_lex_init(&tl, c, full, buf, len);
	conf_lex_next(&tl);
	if (!conf_is_kw(&tl, "common"))
		conf_lex_expected(&tl, "common");
	else if (conf_expect_char(&tl, '{'))
		t = conf_parse_resource(&tl, conf_printf(c, "template-%s", res_name), true);
	if (tl.fatal) {
		/* The template's syntax error ends the whole parse. */
		lx->fatal = true;
		t = NULL;
	}
	free(buf);
	return t;
}
