/* conf: resource (and common / template) bodies, option sections. */
#include "conf/lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "a section appears once per resource" checks, keyed by resource. */
static void once(struct conf_lex *lx, const char *what, const char *key)
{
	conf_uniq(lx->c, lx->file, lx->tline, what,
		  conf_printf(lx->c, "%s:%s", lx->res->name, key));
}

void conf_parse_skip(struct conf_lex *lx)
{
	int level = 0;

	while (conf_lex_next(lx) != TK_EOF) {
		if (conf_is_char(lx, '{'))
			level++;
		else if (conf_is_char(lx, '}') && --level <= 0)
			return;
	}
	conf_lex_expected(lx, "the end of this skip block");
}

/* Startup's historic keywords: become-primary-on is accepted and ignored
 * as drbdadm does; stacked-timeouts is kept for the dumps (its flag is
 * taken out of the list by the caller, see conf_resource). */
static bool startup_extra(struct conf_lex *lx, struct conf_opts *out)
{
	if (conf_is_kw(lx, "become-primary-on")) {
		while (conf_lex_next(lx) != TK_EOF && !conf_is_char(lx, ';'))
			;
		return true;
	}
	if (conf_is_kw(lx, "stacked-timeouts")) {
		if (conf_expect_char(lx, ';'))
			conf_opts_tail(out, conf_opt_new(lx->c, "stacked-timeouts", "yes"));
		return true;
	}
	return false;
}

static void parse_value(struct conf_lex *lx, const struct conf_optdef *def,
			bool no_prefix, struct conf_opts *out)
{
	const char *value, *why;
	int line = lx->tline, col = lx->tcol;

	conf_lex_next(lx);
	if (conf_is_char(lx, ';')) {
		value = no_prefix ? "no" : "yes";
	} else if (conf_is_string(lx)) {
		value = conf_strdup(lx->c, lx->text);
		why = conf_opt_check(def, value);
		if (why)
			conf_error(lx->c, lx->file, line, col,
				   "Parse error: while parsing value ('%.20s%s')\n"
				   "for %s. Value is %s.", value,
				   strlen(value) > 20 ? "..." : "", def->name, why);
		if (!conf_expect_char(lx, ';'))
			return;
	} else {
		conf_lex_expected(lx, "a value or ';'");
		return;
	}
	conf_opts_tail(out, conf_opt_new(lx->c, def->name, value));
}

void conf_parse_options(struct conf_lex *lx, enum conf_section sec,
			struct conf_opts *out, struct conf_opts *pd_out)
{
	const struct conf_optdef *def;
	bool no;

	while (conf_lex_next(lx) != TK_EOF && !conf_is_char(lx, '}')) {
		if (!conf_is_string(lx)) {
			conf_lex_expected(lx, "an option keyword");
			return;
		}
		def = conf_optdef(sec, lx->text, &no);
		if (def) {
			parse_value(lx, def, no, out);
			continue;
		}
		if (pd_out && (def = conf_optdef(CONF_SEC_PEER_DEVICE, lx->text, &no))) {
			parse_value(lx, def, no, pd_out);
			continue;
		}
		if (sec == CONF_SEC_STARTUP && startup_extra(lx, out))
			continue;
		conf_lex_expected(lx, "an option keyword");
		return;
	}
}

static struct conf_opts section_body(struct conf_lex *lx, enum conf_section sec,
				     struct conf_opts *pd_out)
{
	struct conf_opts o = { 0 };

	if (conf_expect_char(lx, '{'))
		conf_parse_options(lx, sec, &o, pd_out);
	return o;
}

static void add_conn(struct conf_resource *r, struct conf_connection *k)
{
	if (!k)
		return;
	if (r->conns_tail)
		r->conns_tail->next = k;
	else
		r->conns = k;
	r->conns_tail = k;
}

static void add_mesh(struct conf_resource *r, struct conf_mesh *m)
{
	if (!m)
		return;
	if (r->meshes_tail)
		r->meshes_tail->next = m;
	else
		r->meshes = m;
	r->meshes_tail = m;
}

static void parse_protocol(struct conf_lex *lx, struct conf_resource *r)
{
	const struct conf_optdef *def = conf_optdef(CONF_SEC_NET, "protocol", NULL);

	once(lx, "protocol statement", "protocol");
	parse_value(lx, def, false, &r->net_opts);
}

static void parse_res_disk(struct conf_lex *lx, struct conf_resource *r)
{
	struct conf_opts o = { 0 };
	struct conf_volume *v;

	conf_lex_next(lx);
	if (conf_is_string(lx)) {
		v = conf_volume0(lx, &r->volumes);
		v->disk = conf_strdup(lx->c, lx->text);
		v->parsed_disk = true;
		v->file = lx->file;
		v->disk_line = lx->tline;
		conf_expect_char(lx, ';');
	} else if (conf_is_char(lx, '{')) {
		once(lx, "disk section", "disk");
		conf_parse_options(lx, CONF_SEC_DISK, &o, &r->pd_opts);
		conf_opts_concat(&r->disk_opts, &o);
	} else {
		conf_lex_expected(lx, "TK_STRING | {");
	}
}

/* One statement of a resource body; false at its closing brace or EOF. */
static bool resource_stmt(struct conf_lex *lx, struct conf_resource *r, bool common)
{
	struct conf_opts o;
	struct conf_names names = { 0 };
	const char *s;

	if (conf_lex_next(lx) == TK_EOF || conf_is_char(lx, '}'))
		return false;
	if (conf_is_kw(lx, "protocol")) {
		parse_protocol(lx, r);
	} else if (conf_is_kw(lx, "on")) {
		int line = lx->tline;

		while (conf_lex_next(lx) != TK_EOF && conf_is_string(lx))
			conf_names_add(lx->c, &names, conf_strdup(lx->c, lx->text));
		if (!conf_is_char(lx, '{') || !names.head) {
			conf_lex_expected(lx, "a host name | {");
			return false;
		}
		if (common)
			conf_error(lx->c, lx->file, line, 0, "in the %s section, there are "
				   "no host sections allowed.", r->name);
		conf_parse_host(lx, r, &names, false);
	} else if (conf_is_kw(lx, "floating")) {
		conf_parse_host(lx, r, &names, true);
	} else if (conf_is_kw(lx, "disk")) {
		parse_res_disk(lx, r);
	} else if (conf_is_kw(lx, "net")) {
		once(lx, "net section", "net");
		o = section_body(lx, CONF_SEC_NET, NULL);
		conf_opts_concat(&r->net_opts, &o);
	} else if (conf_is_kw(lx, "startup")) {
		once(lx, "startup section", "startup");
		r->startup_opts = section_body(lx, CONF_SEC_STARTUP, NULL);
		r->stacked_timeouts = conf_opts_del(&r->startup_opts, "stacked-timeouts");
	} else if (conf_is_kw(lx, "handlers")) {
		once(lx, "handlers section", "handlers");
		r->handlers = section_body(lx, CONF_SEC_HANDLERS, NULL);
	} else if (conf_is_kw(lx, "options")) {
		once(lx, "resource options section", "res_options");
		o = section_body(lx, CONF_SEC_RES, NULL);
		conf_opts_concat(&r->res_opts, &o);
	} else if (conf_is_kw(lx, "device") || conf_is_kw(lx, "meta-disk") ||
		   conf_is_kw(lx, "flexible-meta-disk")) {
		if (conf_is_kw(lx, "device"))
			once(lx, "device statement", "device");
		conf_parse_volume_stmt(lx, conf_volume0(lx, &r->volumes), NULL);
	} else if (conf_is_kw(lx, "volume")) {
		if ((s = conf_expect_int(lx, "a volume number")))
			conf_volumes_insert(&r->volumes, conf_parse_volume(lx, atoi(s), NULL));
	} else if (conf_is_kw(lx, "connection")) {
		add_conn(r, conf_parse_connection(lx));
	} else if (conf_is_kw(lx, "connection-mesh")) {
		add_mesh(r, conf_parse_mesh(lx));
	} else if (conf_is_kw(lx, "template-file")) {
		if ((s = conf_expect_string(lx, "a file name")) && conf_expect_char(lx, ';'))
			r->tmpl = conf_template(lx, r->name, s);
	} else if (conf_is_kw(lx, "skip")) {
		conf_parse_skip(lx);
	} else {
		conf_lex_expected(lx, "protocol | on | disk | net | startup | handlers | "
				  "options | volume | connection | connection-mesh | skip");
		return false;
	}
	return !lx->fatal;
}

struct conf_resource *conf_parse_resource(struct conf_lex *lx, const char *name,
					  bool common)
{
	struct conf_resource *r = conf_zalloc(lx->c, sizeof(*r)), *saved = lx->res;

	r->name = name;
	r->file = lx->file;
	r->line = lx->tline;
	if (!common)
		conf_uniq(lx->c, lx->file, lx->tline, "resource section", name);
	lx->res = r;
	/* drbd-utils ends a resource at end of file as at its '}'. */
	while (resource_stmt(lx, r, common))
		;
	lx->res = saved;
	return r;
}
