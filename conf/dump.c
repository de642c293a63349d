/* conf: "drbdadm dump", byte for byte as drbd-utils 9.22 prints it (the
 * layout, alignment and quoting rules were read off its output; scripts
 * and LINSTOR diff these dumps). */
#include "conf/model.h"

#include <stdio.h>
#include <string.h>

#define INDENT 4

struct dumper {
	struct conf *c;
	FILE *f;
	int indent;
};

static void ind(struct dumper *d)
{
	fprintf(d->f, "%*s", INDENT * d->indent, "");
}

/* Quoted (with \" and \\) unless made of [A-Za-z0-9/._-] only, or empty,
 * or longer than 80 characters. */
static const char *esc(struct conf *c, const char *s)
{
	size_t n = strlen(s), i, j = 0;
	char *o;

	if (!n)
		return "\"\"";
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789/._-") == n && n <= 80)
		return s;
	o = conf_zalloc(c, 2 * n + 3);
	o[j++] = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			o[j++] = '\\';
		o[j++] = s[i];
	}
	o[j++] = '"';
	return o;
}

/* name left-aligned to column 24 (counted with the indent), value
 * right-aligned in 3 columns. */
static void attr(struct dumper *d, const char *name, const char *value)
{
	ind(d);
	fprintf(d->f, "%*s %3s;\n", -24 + INDENT * d->indent, name, value);
}

static struct conf_opt stacked_opt = { .name = "stacked-timeouts" };
const struct conf_opts conf_stacked_timeouts = { &stacked_opt, &stacked_opt };

static void opts_body(struct dumper *d, const struct conf_opts *o)
{
	struct conf_opt *x;

	conf_for_each(x, o->head) {
		if (x->value) {
			attr(d, x->name, esc(d->c, x->value));
		} else {
			ind(d);
			fprintf(d->f, "%s;\n", x->name);
		}
	}
}

static void section2(struct dumper *d, const char *name, const struct conf_opts *o,
		     const struct conf_opts *more)
{
	if (!o->head && (!more || !more->head))
		return;
	ind(d);
	fprintf(d->f, "%s {\n", name);
	d->indent++;
	opts_body(d, o);
	if (more)
		opts_body(d, more);
	d->indent--;
	ind(d);
	fprintf(d->f, "}\n");
}

static void section(struct dumper *d, const char *name, const struct conf_opts *o)
{
	section2(d, name, o, NULL);
}

static void address(struct dumper *d, const char *name, const struct conf_addr *a,
		    const char *post)
{
	ind(d);
	if (!strcmp(a->af, "ipv6"))
		fprintf(d->f, "%-16s %s [%s]:%s%s", name, a->af, a->addr, a->port, post);
	else
		fprintf(d->f, "%-16s %s %s:%s%s", name, a->af, a->addr, a->port, post);
}

static void volume(struct dumper *d, const struct conf_volume *v)
{
	if (!v->implicit) {
		ind(d);
		fprintf(d->f, "volume %d {\n", v->vnr);
		d->indent++;
	}
	section2(d, "disk", &v->disk_opts, &v->pd_opts);
	if (v->parsed_device) {
		ind(d);
		fprintf(d->f, "device%*s", -19 + INDENT * d->indent, "");
		if (v->device)
			fprintf(d->f, "%s ", esc(d->c, v->device));
		fprintf(d->f, "minor %d;\n", v->minor);
	}
	if (v->parsed_disk)
		attr(d, "disk", esc(d->c, v->disk ? v->disk : "none"));
	if (v->parsed_meta_disk && v->meta_disk) {
		if (!strcmp(v->meta_index, "flexible")) {
			ind(d);
			fprintf(d->f, "%-16s %s;\n", "meta-disk", esc(d->c, v->meta_disk));
		} else if (!strcmp(v->meta_index, "internal")) {
			attr(d, "meta-disk", "internal");
		} else {
			ind(d);
			fprintf(d->f, "%-16s %s [%s];\n", "meta-disk",
				esc(d->c, v->meta_disk), v->meta_index);
		}
	}
	if (!v->implicit) {
		d->indent--;
		ind(d);
		fprintf(d->f, "}\n");
	}
}

static void host(struct dumper *d, const struct conf_host *h)
{
	struct conf_volume *v;

	if (h->implicit)
		return;
	if (h->by_address) {
		address(d, "floating", &h->addr, " {\n");
	} else {
		ind(d);
		fprintf(d->f, "on %s {\n", conf_names_str(d->c, &h->on_hosts, ' '));
	}
	d->indent++;
	ind(d);
	fprintf(d->f, "node-id %s;\n", h->node_id ? h->node_id : "(null)");
	section(d, "options", &h->res_opts);
	conf_for_each(v, h->volumes.head)
		if (v->parsed_device || v->parsed_disk || v->parsed_meta_disk)
			volume(d, v);
	if (!h->by_address && h->addr.addr)
		address(d, "address", &h->addr, ";\n");
	d->indent--;
	ind(d);
	fprintf(d->f, "}\n");
}

static void endpoints(struct dumper *d, const struct conf_path *p)
{
	struct conf_ha *ha;

	conf_for_each(ha, p->has) {
		if (ha->by_address) {
			/* drbd-utils 9.22 prints the ";" twice here; we match it. */
			address(d, "address", &ha->addr,
				conf_printf(d->c, "; # on %s\n", ha->name));
		} else {
			ind(d);
			fprintf(d->f, "host %s", ha->name);
			if (ha->parsed_address)
				address(d, " address", &ha->addr, "");
			else if (ha->parsed_port)
				fprintf(d->f, " port %s", ha->addr.port);
		}
		fprintf(d->f, ";\n");
	}
}

static void connection(struct dumper *d, const struct conf_connection *k)
{
	struct conf_peer_device *pd;
	struct conf_path *p;

	if (k->implicit)
		return;
	ind(d);
	fprintf(d->f, "connection {\n");
	d->indent++;
	if (k->paths && k->paths->implicit) {
		endpoints(d, k->paths);
	} else {
		conf_for_each(p, k->paths) {
			ind(d);
			fprintf(d->f, "path {\n");
			d->indent++;
			endpoints(d, p);
			d->indent--;
			ind(d);
			fprintf(d->f, "}\n");
		}
	}
	section(d, "net", &k->net_opts);
	section(d, "disk", &k->pd_opts);
	conf_for_each(pd, k->pds) {
		if (pd->implicit)
			continue;
		ind(d);
		fprintf(d->f, "volume %d {\n", pd->vnr);
		d->indent++;
		section(d, "disk", &pd->pd_opts);
		d->indent--;
		ind(d);
		fprintf(d->f, "}\n");
	}
	d->indent--;
	ind(d);
	fprintf(d->f, "}\n");
}

static void mesh(struct dumper *d, const struct conf_mesh *m)
{
	struct conf_name *n;

	ind(d);
	fprintf(d->f, "connection-mesh {\n");
	d->indent++;
	ind(d);
	fprintf(d->f, "hosts");
	conf_for_each(n, m->hosts.head)
		fprintf(d->f, " %s", n->name);
	fprintf(d->f, ";\n");
	section(d, "net", &m->net_opts);
	d->indent--;
	ind(d);
	fprintf(d->f, "}\n");
}

/* The option sections shared by common and resource bodies. */
static void res_sections(struct dumper *d, const struct conf_resource *r)
{
	section(d, "options", &r->res_opts);
	section(d, "net", &r->net_opts);
	section2(d, "disk", &r->disk_opts, &r->pd_opts);
	section2(d, "startup", &r->startup_opts,
		 r->stacked_timeouts ? &conf_stacked_timeouts : NULL);
	section(d, "handlers", &r->handlers);
}

void conf_dump_header(struct conf *c, FILE *f)
{
	static const char *const uc[] = { "ask", "yes", "no" };
	struct dumper d = { c, f, 0 };
	const struct conf_global *g = &c->global;

	fprintf(f, "# %s\n", c->file);
	if (g->minor_count || g->disable_ip_verification || g->dialog_refresh != 1 ||
	    g->usage_count != CONF_UC_ASK) {
		fprintf(f, "global {\n");
		d.indent++;
		if (g->disable_ip_verification) {
			ind(&d);
			fprintf(f, "disable-ip-verification;\n");
		}
		if (g->minor_count) {
			ind(&d);
			fprintf(f, "minor-count %i;\n", g->minor_count);
		}
		if (g->dialog_refresh != 1) {
			ind(&d);
			fprintf(f, "dialog-refresh %i;\n", g->dialog_refresh);
		}
		if (g->usage_count != CONF_UC_ASK) {
			ind(&d);
			fprintf(f, "usage-count %s;\n", uc[g->usage_count]);
		}
		d.indent--;
		fprintf(f, "}\n\n");
	}
	if (!c->common)
		return;
	fprintf(f, "common {\n");
	d.indent++;
	res_sections(&d, c->common);
	fprintf(f, "}\n\n");
}

void conf_dump_resource(struct conf *c, const struct conf_resource *r, FILE *f)
{
	struct dumper d = { c, f, 0 };
	struct conf_connection *k;
	struct conf_volume *v;
	struct conf_host *h;
	struct conf_mesh *m;

	fprintf(f, "# resource %s on %s: %s, not stacked\n", esc(c, r->name), c->hostname,
		r->ignore ? "ignored" : "not ignored");
	fprintf(f, "# defined at %s:%u\n", r->file, r->line);
	fprintf(f, "resource %s {\n", esc(c, r->name));
	d.indent++;
	if (r->tmpl) {
		ind(&d);
		fprintf(f, "template-file %s;\n", esc(c, r->tmpl->file));
	}
	conf_for_each(v, r->volumes.head)
		if (v->parsed_device || v->parsed_disk || v->parsed_meta_disk)
			volume(&d, v);
	conf_for_each(h, r->hosts)
		host(&d, h);
	conf_for_each(k, r->conns)
		connection(&d, k);
	conf_for_each(m, r->meshes)
		mesh(&d, m);
	res_sections(&d, r);
	fprintf(f, "}\n\n");
}
