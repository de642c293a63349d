/* conf: connection, path and connection-mesh sections (DRBD 9;
 * drbd-metadata-resync.md §8.5). */
#include "conf/lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "host NAME [address [AF] ADDR:PORT | port P];" or "address ...;" */
static struct conf_ha *parse_ha(struct conf_lex *lx, bool by_address)
{
	struct conf_ha *ha = conf_zalloc(lx->c, sizeof(*ha));

	ha->line = lx->tline;
	if (by_address) {
		ha->name = "UNKNOWN";
		ha->by_address = true;
		ha->parsed_address = true;
		conf_parse_address(lx, &ha->addr);
		conf_expect_char(lx, ';');
		return ha;
	}
	if (!(ha->name = conf_expect_string(lx, "a host name")))
		return ha;
	conf_lex_next(lx);
	if (conf_is_kw(lx, "address")) {
		conf_parse_address(lx, &ha->addr);
		ha->parsed_address = true;
		conf_expect_char(lx, ';');
	} else if (conf_is_kw(lx, "port")) {
		ha->addr.port = conf_expect_int(lx, "a port");
		ha->parsed_port = true;
		conf_expect_char(lx, ';');
	} else if (!conf_is_char(lx, ';')) {
		conf_lex_expected(lx, "address | port | ;");
	}
	return ha;
}

static void path_add(struct conf_lex *lx, struct conf_path *p, struct conf_ha *ha,
		     int *hosts, const char *what)
{
	if (p->has_tail)
		p->has_tail->next = ha;
	else
		p->has = ha;
	p->has_tail = ha;
	if (++*hosts >= 3)
		conf_lex_error(lx, "only two 'host' keywords per %s allowed", what);
}

static void conn_add_path(struct conf_connection *k, struct conf_path *p)
{
	if (k->paths_tail)
		k->paths_tail->next = p;
	else
		k->paths = p;
	k->paths_tail = p;
}

static struct conf_path *parse_path(struct conf_lex *lx)
{
	struct conf_path *p = conf_zalloc(lx->c, sizeof(*p));
	int hosts = 0;

	p->line = lx->tline;
	if (!conf_expect_char(lx, '{'))
		return p;
	while (conf_lex_next(lx) != TK_EOF && !conf_is_char(lx, '}')) {
		if (conf_is_kw(lx, "host") || conf_is_kw(lx, "address")) {
			path_add(lx, p, parse_ha(lx, conf_is_kw(lx, "address")), &hosts, "path");
		} else {
			conf_lex_expected(lx, "host | }");
			break;
		}
	}
	return p;
}

/* The path of "host" statements written directly in the connection. */
static struct conf_path *path0(struct conf_lex *lx, struct conf_connection *k)
{
	struct conf_path *p = k->paths;

	if (!p) {
		p = conf_zalloc(lx->c, sizeof(*p));
		p->implicit = true;
		p->line = lx->tline;
		conn_add_path(k, p);
	} else if (!p->implicit) {
		conf_lex_error(lx, "Explicit and implicit paths not allowed");
	}
	return p;
}

static void parse_peer_device(struct conf_lex *lx, struct conf_connection *k, int vnr)
{
	struct conf_peer_device *pd = conf_zalloc(lx->c, sizeof(*pd));

	pd->vnr = vnr;
	pd->line = lx->tline;
	if (!conf_expect_char(lx, '{'))
		return;
	conf_lex_next(lx);
	if (!conf_is_kw(lx, "disk")) {
		conf_lex_expected(lx, "disk");
		return;
	}
	if (conf_expect_char(lx, '{'))
		conf_parse_options(lx, CONF_SEC_PEER_DEVICE, &pd->pd_opts, NULL);
	conf_expect_char(lx, '}');
	if (k->pds_tail)
		k->pds_tail->next = pd;
	else
		k->pds = pd;
	k->pds_tail = pd;
}

static bool conn_stmt(struct conf_lex *lx, struct conf_connection *k, int *hosts)
{
	const char *s;

	if (conf_is_kw(lx, "host") || conf_is_kw(lx, "address")) {
		bool by_addr = conf_is_kw(lx, "address");

		path_add(lx, path0(lx, k), parse_ha(lx, by_addr), hosts, "connection");
	} else if (conf_is_kw(lx, "net")) {
		if (k->net_opts.head)
			conf_lex_error(lx, "only one 'net' section per connection allowed");
		if (conf_expect_char(lx, '{'))
			conf_parse_options(lx, CONF_SEC_NET, &k->net_opts, NULL);
	} else if (conf_is_kw(lx, "disk")) {
		if (conf_expect_char(lx, '{'))
			conf_parse_options(lx, CONF_SEC_PEER_DEVICE, &k->pd_opts, NULL);
	} else if (conf_is_kw(lx, "volume")) {
		if ((s = conf_expect_int(lx, "a volume number")))
			parse_peer_device(lx, k, atoi(s));
	} else if (conf_is_kw(lx, "path")) {
		conn_add_path(k, parse_path(lx));
	} else if (conf_is_kw(lx, "skip")) {
		conf_parse_skip(lx);
	} else {
		conf_lex_expected(lx, "host | net | disk | volume | path | skip | }");
		return false;
	}
	return true;
}

struct conf_connection *conf_parse_connection(struct conf_lex *lx)
{
	struct conf_connection *k = conf_zalloc(lx->c, sizeof(*k));
	int hosts = 0;

	k->line = lx->tline;
	conf_lex_next(lx);
	if (conf_is_string(lx)) {
		/* drbd-utils 9 warns and drops connection names. */
		fprintf(stderr, "%s:%d: explicitly named connections are deprecated!\n"
			"\tits name ('%s') will be ignored\n", lx->file, lx->tline, lx->text);
		conf_lex_next(lx);
	}
	if (!conf_is_char(lx, '{')) {
		conf_lex_expected(lx, "{");
		return NULL;
	}
	while (conf_lex_next(lx) != TK_EOF && !conf_is_char(lx, '}'))
		if (!conn_stmt(lx, k, &hosts))
			return NULL;
	if (!lx->fatal && !k->paths)
		conf_lex_error(lx, "connection without a single path (maybe empty?) not allowed");
	return k;
}

struct conf_mesh *conf_parse_mesh(struct conf_lex *lx)
{
	struct conf_mesh *m = conf_zalloc(lx->c, sizeof(*m));

	if (!conf_expect_char(lx, '{'))
		return NULL;
	while (conf_lex_next(lx) != TK_EOF && !conf_is_char(lx, '}')) {
		if (conf_is_kw(lx, "hosts")) {
			while (conf_lex_next(lx) != TK_EOF && conf_is_string(lx))
				conf_names_add(lx->c, &m->hosts, conf_strdup(lx->c, lx->text));
			if (!conf_is_char(lx, ';') || !m->hosts.head)
				conf_lex_expected(lx, "TK_STRING | ';'");
		} else if (conf_is_kw(lx, "net")) {
			if (m->net_opts.head)
				conf_lex_error(lx, "only one 'net' section allowed");
			if (conf_expect_char(lx, '{'))
				conf_parse_options(lx, CONF_SEC_NET, &m->net_opts, NULL);
		} else {
			conf_lex_expected(lx, "hosts | net | }");
			return NULL;
		}
	}
	return m;
}
