/* conf: host sections, volumes, addresses (drbd-metadata-resync.md §8.5). */
#include "conf/lex.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conf_volume *conf_volume0(struct conf_lex *lx, struct conf_volumes *vols)
{
	struct conf_volume *v = vols->head;

	if (!v) {
		v = conf_zalloc(lx->c, sizeof(*v));
		v->minor = -1;
		v->implicit = true;
		conf_volumes_insert(vols, v);
	} else if (!(v->vnr == 0 && !v->next && v->implicit)) {
		conf_lex_error(lx, "mixing explicit and implicit volumes is not allowed");
	}
	return v;
}

static bool for_this_host(struct conf_lex *lx, struct conf_names *on_hosts)
{
	return !on_hosts || conf_names_has(on_hosts, lx->c->hostname);
}

static bool is_driveletter(const char *s)
{
	return isalpha((unsigned char)s[0]) && s[1] == ':' && !s[2];
}

/* The minor in "/dev/drbdN" (-1 if the name has none). */
static int minor_of_device(const char *dev)
{
	const char *d = dev + 9;

	if (strncmp(dev, "/dev/drbd", 9) || !*d || strspn(d, "0123456789") != strlen(d))
		return -1;
	return atoi(d);
}

static void check_device_name(struct conf_lex *lx, struct conf_volume *v)
{
	const char *d = v->device;

	if (lx->c->windows) {
		if (d[0] && !is_driveletter(d))
			conf_lex_error(lx, "device name must be either empty or a drive letter");
		return;
	}
	if (strncmp(d, "/dev/drbd", 9))
		conf_lex_error(lx, "device name must start with /dev/drbd\n"
			       "\t(/dev/ is optional, but drbd is required)");
	else if (v->minor >= 0 && minor_of_device(d) >= 0 && minor_of_device(d) != v->minor)
		conf_lex_error(lx, "explicit minor number must match with device name\n"
			       "\tTry \"device /dev/drbd%d minor %d;\"", v->minor, v->minor);
	else if (v->minor >= 0 && minor_of_device(d) < 0 && d[9] != '_')
		conf_lex_error(lx, "arbitrary device name must start with /dev/drbd_");
}

static void parse_device(struct conf_lex *lx, struct conf_volume *v,
			 struct conf_names *on_hosts)
{
	struct conf_name *h;
	const char *s;

	conf_lex_next(lx);
	if (conf_is_string(lx) && !conf_is_kw(lx, "minor")) {
		if (!lx->c->windows && !strncmp(lx->text, "drbd", 4))
			v->device = conf_printf(lx->c, "/dev/%s", lx->text);
		else
			v->device = conf_strdup(lx->c, lx->text);
		conf_lex_next(lx);
		if (conf_is_char(lx, ';')) {
			v->minor = minor_of_device(v->device);
			if (v->minor < 0)
				conf_lex_error(lx, "no minor given nor device name contains "
					       "a minor number");
		} else if (!conf_is_kw(lx, "minor")) {
			conf_lex_expected(lx, "minor | ;");
			return;
		}
	}
	if (conf_is_kw(lx, "minor")) {
		if (!(s = conf_expect_int(lx, "a minor number")))
			return;
		v->minor = atoi(s);
		if (!conf_expect_char(lx, ';'))
			return;
	} else if (!conf_is_char(lx, ';')) {
		conf_lex_expected(lx, "a device name | minor");
		return;
	}
	if (v->device && for_this_host(lx, on_hosts))
		check_device_name(lx, v);
	if (!on_hosts)
		return;
	conf_for_each(h, on_hosts->head) {
		conf_uniq(lx->c, v->file, v->device_line, "device-minor",
			  conf_printf(lx->c, "device-minor:%s:%d", h->name, v->minor));
		if (v->device && v->device[0])
			conf_uniq(lx->c, v->file, v->device_line, "device",
				  conf_printf(lx->c, "device:%s:%s", h->name, v->device));
	}
}

static void parse_meta_disk(struct conf_lex *lx, struct conf_volume *v, bool flexible)
{
	const char *md = conf_expect_string(lx, "a meta-disk");

	if (!md)
		return;
	v->meta_disk = md;
	v->parsed_meta_disk = true;
	if (!strcmp(md, "internal")) {
		v->meta_index = "internal";
		conf_expect_char(lx, ';');
		return;
	}
	conf_lex_next(lx);
	if (conf_is_char(lx, ';')) {
		v->meta_index = "flexible";
	} else if (!flexible && conf_is_char(lx, '[')) {
		v->meta_index = conf_expect_int(lx, "a meta-data index");
		if (v->meta_index && conf_expect_char(lx, ']'))
			conf_expect_char(lx, ';');
	} else {
		conf_lex_expected(lx, flexible ? ";" : "[ | ;");
	}
}

bool conf_parse_volume_stmt(struct conf_lex *lx, struct conf_volume *v,
			    struct conf_names *on_hosts)
{
	if (!v->file)
		v->file = lx->file;
	if (conf_is_kw(lx, "disk")) {
		conf_lex_next(lx);
		if (conf_is_string(lx)) {
			v->disk = conf_strdup(lx->c, lx->text);
			conf_expect_char(lx, ';');
		} else if (conf_is_char(lx, '{')) {
			conf_parse_options(lx, CONF_SEC_DISK, &v->disk_opts, &v->pd_opts);
		} else {
			conf_lex_expected(lx, "TK_STRING | {");
		}
		v->parsed_disk = true;
		v->disk_line = lx->tline;
	} else if (conf_is_kw(lx, "device")) {
		v->device_line = lx->tline;
		parse_device(lx, v, on_hosts);
		v->parsed_device = true;
	} else if (conf_is_kw(lx, "meta-disk")) {
		parse_meta_disk(lx, v, false);
	} else if (conf_is_kw(lx, "flexible-meta-disk")) {
		parse_meta_disk(lx, v, true);
	} else if (conf_is_kw(lx, "skip")) {
		conf_parse_skip(lx);
	} else {
		return false;
	}
	return true;
}

struct conf_volume *conf_parse_volume(struct conf_lex *lx, int vnr,
				      struct conf_names *on_hosts)
{
	struct conf_volume *v = conf_zalloc(lx->c, sizeof(*v));

	v->minor = -1;
	v->vnr = vnr;
	if (!conf_expect_char(lx, '{'))
		return v;
	while (conf_lex_next(lx) != TK_EOF && !conf_is_char(lx, '}')) {
		if (!conf_parse_volume_stmt(lx, v, on_hosts)) {
			conf_lex_expected(lx, "device | disk | meta-disk | flex-meta-disk | }");
			break;
		}
	}
	return v;
}

static bool is_ipv4(const char *s)
{
	unsigned a, b, c, d;
	char end;

	return sscanf(s, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &end) == 4 &&
	       strspn(s, "0123456789.") == strlen(s);
}

void conf_parse_address(struct conf_lex *lx, struct conf_addr *a)
{
	const char *port;

	conf_lex_next(lx);
	if (conf_is_kw(lx, "ipv4") || conf_is_kw(lx, "ipv6") || conf_is_kw(lx, "ssocks") ||
	    conf_is_kw(lx, "sdp") || conf_is_kw(lx, "sci")) {
		a->af = conf_is_kw(lx, "sci") ? "ssocks" : conf_strdup(lx->c, lx->text);
		if (!strcmp(a->af, "ipv6")) {
			if (!conf_expect_char(lx, '['))
				return;
			conf_lex_until(lx, ']');
		} else {
			conf_lex_next(lx);
		}
	} else {
		a->af = "ipv4";
	}
	if (lx->tok != TK_WORD || (strcmp(a->af, "ipv6") && !is_ipv4(lx->text))) {
		conf_lex_expected(lx, "ssocks | sdp | ipv4 | ipv6 | <ipv4 address> ");
		return;
	}
	a->addr = conf_strdup(lx->c, lx->text);
	if (!strcmp(a->af, "ipv6") && !conf_expect_char(lx, ']'))
		return;
	if (!conf_expect_char(lx, ':') || !(port = conf_expect_int(lx, "a port")))
		return;
	a->port = port;
	if (atoi(port) < 1 || atoi(port) > 65535 || strspn(port, "0123456789") != strlen(port))
		conf_lex_error(lx, "port %s => out of range [1..65535]", port);
}

static void host_node_id(struct conf_lex *lx, struct conf_resource *r,
			 struct conf_host *h)
{
	struct conf_name *n;
	const char *id = conf_expect_int(lx, "a node-id");

	if (!id)
		return;
	if (strspn(id, "0123456789") != strlen(id) || atoi(id) > 32)
		conf_lex_error(lx, "node-id %s => out of range [0..32]", id);
	h->node_id = id;
	conf_for_each(n, h->on_hosts.head)
		conf_uniq(lx->c, lx->file, lx->tline, "node-id statement",
			  conf_printf(lx->c, "%s:%s:node-id", r->name, n->name));
	conf_uniq(lx->c, lx->file, lx->tline, "node-id",
		  conf_printf(lx->c, "%s:%s", r->name, id));
	conf_expect_char(lx, ';');
}

static void host_once(struct conf_lex *lx, struct conf_resource *r,
		      struct conf_host *h, const char *what)
{
	struct conf_name *n;

	conf_for_each(n, h->on_hosts.head)
		conf_uniq(lx->c, lx->file, lx->tline, conf_printf(lx->c, "%s statement", what),
			  conf_printf(lx->c, "%s:%s:%s", r->name, n->name, what));
}

static bool host_stmt(struct conf_lex *lx, struct conf_resource *r, struct conf_host *h)
{
	const char *s;

	if (conf_is_kw(lx, "node-id")) {
		host_node_id(lx, r, h);
	} else if (conf_is_kw(lx, "address") && !h->by_address) {
		host_once(lx, r, h, "address");
		conf_parse_address(lx, &h->addr);
		conf_expect_char(lx, ';');
	} else if (conf_is_kw(lx, "volume")) {
		if ((s = conf_expect_int(lx, "a volume number")))
			conf_volumes_insert(&h->volumes,
					    conf_parse_volume(lx, atoi(s), &h->on_hosts));
	} else if (conf_is_kw(lx, "options")) {
		if (conf_expect_char(lx, '{'))
			conf_parse_options(lx, CONF_SEC_RES, &h->res_opts, NULL);
	} else if (conf_is_kw(lx, "skip")) {
		conf_parse_skip(lx);
	} else if (conf_is_kw(lx, "disk") || conf_is_kw(lx, "device") ||
		   conf_is_kw(lx, "meta-disk") || conf_is_kw(lx, "flexible-meta-disk")) {
		host_once(lx, r, h, strstr(lx->text, "meta-disk") ? "meta-disk" : lx->text);
		conf_parse_volume_stmt(lx, conf_volume0(lx, &h->volumes), &h->on_hosts);
	} else {
		conf_lex_expected(lx, "disk | device | address | meta-disk "
				  "| flexible-meta-disk | node-id | skip");
		return false;
	}
	return true;
}

void conf_parse_host(struct conf_lex *lx, struct conf_resource *r,
		     struct conf_names *names, bool floating)
{
	struct conf_host *h = conf_zalloc(lx->c, sizeof(*h));
	struct conf_name *n;

	h->on_hosts = *names;
	h->line = lx->tline;
	if (floating) {
		h->by_address = true;
		conf_parse_address(lx, &h->addr);
		conf_names_add(lx->c, &h->on_hosts, !h->addr.af ? "?" :
			       !strcmp(h->addr.af, "ipv6") ?
			       conf_printf(lx->c, "ipv6 [%s]:%s", h->addr.addr, h->addr.port) :
			       conf_printf(lx->c, "%s:%s", h->addr.addr, h->addr.port));
		if (!conf_expect_char(lx, '{'))
			return;
	}
	conf_for_each(n, h->on_hosts.head)
		conf_uniq(lx->c, lx->file, lx->tline, "host section",
			  conf_printf(lx->c, "%s: on %s", r->name, n->name));
	if (r->hosts_tail)
		r->hosts_tail->next = h;
	else
		r->hosts = h;
	r->hosts_tail = h;
	while (conf_lex_next(lx) != TK_EOF && !conf_is_char(lx, '}'))
		if (!host_stmt(lx, r, h))
			return;
}
