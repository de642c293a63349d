/* conf: "drbdadm dump-xml", byte for byte as drbd-utils 9.22 prints it.
 * The element names, attribute order and indentation were read off its
 * output over tests/conf/; they differ from "dump" in more than syntax:
 * every host lists all its volumes (resource-level ones included), the
 * endpoints of implicit connections are printed, and the global section
 * leaves out usage-count. Management tools (LCMC, older Pacemaker agents)
 * parse this, so we keep its quirks, such as the <template> element that
 * is never closed. */
#include "conf/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define INDENT 4

struct xdumper {
	struct conf *c;
	FILE *f;
	int indent;
};

static void ind(struct xdumper *d)
{
	fprintf(d->f, "%*s", INDENT * d->indent, "");
}

/* One indented line (or the start of one, without "\n"). */
static void __attribute__((format(printf, 2, 3))) line(struct xdumper *d, const char *fmt, ...)
{
	va_list ap;

	ind(d);
	va_start(ap, fmt);
	vfprintf(d->f, fmt, ap);
	va_end(ap);
}

/* The five XML specials become entities; NULL and "" print nothing. */
static const char *xesc(struct conf *c, const char *s)
{
	size_t n, i, j = 0;
	char *o;

	if (!s || !*s)
		return "";
	n = strlen(s);
	if (strcspn(s, "\"'<>&") == n)
		return s;
	o = conf_zalloc(c, 6 * n + 1);
	for (i = 0; i < n; i++) {
		const char *rep = NULL;

		switch (s[i]) {
		case '\'': rep = "&apos;"; break;
		case '"': rep = "&quot;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		default: o[j++] = s[i]; continue;
		}
		memcpy(o + j, rep, strlen(rep));
		j += strlen(rep);
	}
	return o;
}

static void opts_body(struct xdumper *d, const struct conf_opts *o)
{
	struct conf_opt *x;

	conf_for_each(x, o->head) {
		if (x->value)
			line(d, "<option name=\"%s\" value=\"%s\"/>\n", x->name,
			     xesc(d->c, x->value));
		else
			line(d, "<option name=\"%s\"/>\n", x->name);
	}
}

static void section2(struct xdumper *d, const char *name, const struct conf_opts *o,
		     const struct conf_opts *more)
{
	if (!o->head && (!more || !more->head))
		return;
	line(d, "<section name=\"%s\">\n", name);
	d->indent++;
	opts_body(d, o);
	if (more)
		opts_body(d, more);
	d->indent--;
	line(d, "</section>\n");
}

static void volume(struct xdumper *d, const struct conf_volume *v)
{
	line(d, "<volume vnr=\"%d\">\n", v->vnr);
	d->indent++;
	section2(d, "disk", &v->disk_opts, &v->pd_opts);
	line(d, "<device minor=\"%d\">%s</device>\n", v->minor, xesc(d->c, v->device));
	line(d, "<disk>%s</disk>\n", xesc(d->c, v->disk));
	if (v->meta_index) {
		const char *md = xesc(d->c, v->meta_disk);

		if (!strcmp(v->meta_index, "flexible"))
			line(d, "<meta-disk>%s</meta-disk>\n", md);
		else if (!strcmp(v->meta_index, "internal"))
			line(d, "<meta-disk>internal</meta-disk>\n");
		else
			line(d, "<meta-disk index=\"%s\">%s</meta-disk>\n", v->meta_index, md);
	}
	d->indent--;
	line(d, "</volume>\n");
}

static void addr(struct xdumper *d, const struct conf_addr *a)
{
	fprintf(d->f, "<address family=\"%s\" port=\"%s\">%s</address>",
		a->af ? a->af : "(null)", a->port ? a->port : "(null)",
		a->addr ? a->addr : "(null)");
}

static void host(struct xdumper *d, const struct conf_host *h)
{
	struct conf_volume *v;

	if (h->by_address)
		line(d, "<host floating=\"1\">\n");
	else
		line(d, "<host name=\"%s\">\n", conf_names_str(d->c, &h->on_hosts, ' '));
	d->indent++;
	section2(d, "options", &h->res_opts, NULL);
	conf_for_each(v, h->volumes.head)
		volume(d, v);
	ind(d);
	addr(d, &h->addr);
	fprintf(d->f, "\n");
	d->indent--;
	line(d, "</host>\n");
}

static void endpoints(struct xdumper *d, const struct conf_path *p)
{
	struct conf_ha *ha;

	conf_for_each(ha, p->has) {
		line(d, "<host name=\"%s\">", ha->name);
		addr(d, ha->addr.addr || !ha->host ? &ha->addr : &ha->host->addr);
		fprintf(d->f, "</host>\n");
	}
}

static void connection(struct xdumper *d, const struct conf_connection *k)
{
	struct conf_peer_device *pd;
	struct conf_path *p;

	if (k->name)
		line(d, "<connection name=\"%s\">\n", xesc(d->c, k->name));
	else
		line(d, "<connection>\n");
	d->indent++;
	if (k->paths && k->paths->implicit) {
		endpoints(d, k->paths);
	} else {
		conf_for_each(p, k->paths) {
			line(d, "<path>\n");
			d->indent++;
			endpoints(d, p);
			d->indent--;
			line(d, "</path>\n");
		}
	}
	section2(d, "net", &k->net_opts, NULL);
	section2(d, "disk", &k->pd_opts, NULL);
	conf_for_each(pd, k->pds) {
		if (pd->implicit)
			continue;
		line(d, "<volume vnr=\"%d\">\n", pd->vnr);
		d->indent++;
		section2(d, "disk", &pd->pd_opts, NULL);
		d->indent--;
		line(d, "</volume>\n");
	}
	d->indent--;
	line(d, "</connection>\n");
}

static void res_sections(struct xdumper *d, const struct conf_resource *r)
{
	section2(d, "options", &r->res_opts, NULL);
	section2(d, "net", &r->net_opts, NULL);
	section2(d, "disk", &r->disk_opts, &r->pd_opts);
	section2(d, "startup", &r->startup_opts,
		 r->stacked_timeouts ? &conf_stacked_timeouts : NULL);
	section2(d, "handlers", &r->handlers, NULL);
}

void conf_dump_xml_header(struct conf *c, FILE *f)
{
	struct xdumper d = { c, f, 1 };
	const struct conf_global *g = &c->global;

	fprintf(f, "<config file=\"%s\">\n", c->file);
	if (g->minor_count || g->disable_ip_verification || g->dialog_refresh != 1) {
		line(&d, "<global>\n");
		d.indent++;
		if (g->disable_ip_verification)
			line(&d, "<disable-ip-verification/>\n");
		if (g->minor_count)
			line(&d, "<minor-count count=\"%i\"/>\n", g->minor_count);
		if (g->dialog_refresh != 1)
			line(&d, "<dialog-refresh refresh=\"%i\"/>\n", g->dialog_refresh);
		d.indent--;
		line(&d, "</global>\n");
	}
	if (!c->common)
		return;
	line(&d, "<common>\n");
	d.indent++;
	res_sections(&d, c->common);
	d.indent--;
	line(&d, "</common>\n");
}

void conf_dump_xml_footer(FILE *f)
{
	fprintf(f, "</config>\n");
}

/* indent: 1 inside <config> (all resources), 0 for a resource named
 * on the command line, which drbd-utils prints without the wrapper. */
void conf_dump_xml_resource(struct conf *c, const struct conf_resource *r, int indent,
			    FILE *f)
{
	struct xdumper d = { c, f, indent };
	struct conf_connection *k;
	struct conf_host *h;

	line(&d, "<resource name=\"%s\" conf-file-line=\"%s:%u\">\n", xesc(c, r->name),
	     xesc(c, r->file), r->line);
	d.indent++;
	if (r->tmpl)
		line(&d, "<template file=\"%s\">\n", xesc(c, r->tmpl->file));
	conf_for_each(h, r->hosts)
		host(&d, h);
	conf_for_each(k, r->conns)
		connection(&d, k);
	res_sections(&d, r);
	d.indent--;
	line(&d, "</resource>\n");
}
