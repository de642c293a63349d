/* `drbdsetup show --json` (drbd-utils 9.22 layout: option values as JSON
 * strings except booleans, a connection's paths as repeated "path" keys). */
#include "ctl/show_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>


struct jopt {
	const struct ctl_opt_def *d;
	char v[CTL_OPT_VALUE_LEN];
};

/* Collects the options to print; the last gets no comma. */
static size_t collect(struct show_ctx *c, const struct ctl_opt_section *s,
		      const void *opts, const char *conn_name, struct jopt *v)
{
	static const struct ctl_opt_def name_def = { .name = "_name",
						     .kind = CTL_OPT_STRING };
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		bool is_default = ctl_opt_value(&s->defs[i], opts, v[k].v);

		if (is_default && !c->show_defaults)
			continue;
		v[k++].d = &s->defs[i];
	}
	if (conn_name && (*conn_name || c->show_defaults)) {
		snprintf(v[k].v, sizeof(v[k].v), "%s", conn_name);
		v[k++].d = &name_def;
	}
	return k;
}

static bool joptions(struct show_ctx *c, const char *sect,
		     const struct ctl_opt_section *s, const void *opts,
		     const char *conn_name, bool comma_before, bool comma_after)
{
	struct jopt v[40];
	size_t k = collect(c, s, opts, conn_name, v);

	if (!k)
		return false;
	if (comma_before)
		strbuf_puts(c->sb, ",\n");
	ctl_show_line(c, "\"%s\": {\n", sect);
	c->indent++;
	for (size_t i = 0; i < k; i++) {
		ctl_show_line(c, "\"%s\": ", v[i].d->name);
		if (v[i].d->kind == CTL_OPT_BOOL)
			strbuf_puts(c->sb, v[i].v[0] == 'y' ? "true" : "false");
		else
			strbuf_printf(c->sb, "\"%s\"", v[i].v);
		strbuf_puts(c->sb, i + 1 < k ? ",\n" : "\n");
	}
	c->indent--;
	ctl_show_line(c, comma_after ? "},\n" : "}\n");
	return true;
}

static void jvolume(struct show_ctx *c, const struct ctl_device *d, bool more)
{
	ctl_show_line(c, "{\n");
	c->indent++;
	ctl_show_line(c, "\"volume_nr\": %u,\n", d->volume);
	ctl_show_line(c, "\"device_minor\": %u", d->minor);
	if (d->backing_dev[0]) {
		strbuf_puts(c->sb, ",\n");
		ctl_show_line(c, "\"backing-disk\": ");
		ctl_show_quoted(c->sb, d->backing_dev);
		strbuf_puts(c->sb, ",\n");
		if (d->meta_dev_idx == CTL_MD_INDEX_INTERNAL ||
		    d->meta_dev_idx == CTL_MD_INDEX_FLEX_INT) {
			ctl_show_line(c, "\"meta-disk\": \"internal\"");
		} else if (d->meta_dev_idx == CTL_MD_INDEX_FLEX_EXT) {
			ctl_show_line(c, "\"meta-disk\": ");
			ctl_show_quoted(c->sb, d->meta_dev);
		} else {
			/* Not valid JSON, but what drbdsetup prints. */
			strbuf_spaces(c->sb, 4 * c->indent);
			ctl_show_quoted(c->sb, d->meta_dev);
			strbuf_printf(c->sb, " : %d", (int)d->meta_dev_idx);
		}
	} else if (d->client == CTL_CLIENT_YES) {
		strbuf_puts(c->sb, ",\n");
		ctl_show_line(c, "\"disk\": \"none\"");
	}
	if (!d->backing_dev[0] ||
	    !joptions(c, "disk", &ctl_disk_opt_section, &d->opts, NULL, true, false))
		strbuf_putc(c->sb, '\n');
	c->indent--;
	ctl_show_line(c, "}%s\n", more ? "," : "");
}

static size_t pds_with_options(const struct ctl_peer_device **pds, size_t n)
{
	struct jopt v[40];
	struct show_ctx quiet = { 0 };
	size_t k = 0;

	for (size_t i = 0; pds && i < n; i++)
		k += collect(&quiet, &ctl_peer_device_opt_section, &pds[i]->opts,
			     NULL, v) > 0;
	return k;
}

static void jconnection(struct show_ctx *c, const struct ctl_connection *conn)
{
	const struct ctl_peer_device **pds;
	size_t will_print, printed = 0;
	bool failed;

	for (size_t i = 0; i < conn->n_paths; i++) {
		char a[CTL_ADDR_STR_LEN], b[CTL_ADDR_STR_LEN];

		ctl_addr_str(a, &conn->paths[i].local);
		ctl_addr_str(b, &conn->paths[i].peer);
		a[4] = b[4] = ' ';
		ctl_show_line(c, "\"path\": {\n");
		c->indent++;
		ctl_show_line(c, "\"_this_host\": \"%s\",\n", a);
		ctl_show_line(c, "\"_remote_host\": \"%s\"\n", b);
		c->indent--;
		ctl_show_line(c, "},\n");
	}
	if (conn->cstate == C_STANDALONE)
		ctl_show_line(c, "\"_is_standalone\": true,\n");
	joptions(c, "net", &ctl_net_opt_section, &conn->opts, conn->name,
		 false, true);
	pds = ctl_sort_peer_devices(conn, &failed);
	will_print = pds_with_options(pds, conn->n_peer_devices);
	if (will_print) {
		ctl_show_line(c, "\"volumes\": [\n");
		for (size_t i = 0; i < conn->n_peer_devices; i++) {
			struct show_ctx quiet = { 0 };
			struct jopt v[40];

			if (!collect(&quiet, &ctl_peer_device_opt_section,
				     &pds[i]->opts, NULL, v))
				continue;
			c->indent++;
			ctl_show_line(c, "{\n");
			c->indent++;
			ctl_show_line(c, "\"volume_nr\": %u,\n", pds[i]->volume);
			joptions(c, "disk", &ctl_peer_device_opt_section,
				 &pds[i]->opts, NULL, false, false);
			c->indent--;
			ctl_show_line(c, "}%s\n", ++printed < will_print ? "," : "");
			c->indent--;
		}
		ctl_show_line(c, "],\n");
	}
	free(pds);
	if (failed)
		c->sb->failed = true;
	ctl_show_line(c, "\"_peer_node_id\": %u\n", conn->peer_node_id);
}

static void jresource(struct show_ctx *c, const struct ctl_resource *r, bool more)
{
	const struct ctl_device **devs = ctl_sort_devices(r, &(bool){ 0 });
	const struct ctl_connection **conns = ctl_sort_conns(r, &(bool){ 0 });

	if ((r->n_devices && !devs) || (r->n_conns && !conns)) {
		c->sb->failed = true;
		goto out;
	}
	ctl_show_line(c, "{\n");
	c->indent++;
	ctl_show_line(c, "\"resource\": \"%s\",\n", r->name);
	joptions(c, "options", &ctl_res_opt_section, &r->opts, NULL, false, true);
	ctl_show_line(c, "\"_this_host\": {\n");
	c->indent++;
	if (r->node_id >= 0)
		ctl_show_line(c, "\"node-id\": %d,\n", r->node_id);
	ctl_show_line(c, "\"volumes\": [\n");
	c->indent++;
	for (size_t i = 0; i < r->n_devices; i++)
		jvolume(c, devs[i], i + 1 < r->n_devices);
	c->indent--;
	ctl_show_line(c, "]\n");
	c->indent--;
	ctl_show_line(c, "}%s\n", r->n_conns ? "," : "");
	if (r->n_conns) {
		ctl_show_line(c, "\"connections\": [\n");
		c->indent++;
		for (size_t i = 0; i < r->n_conns; i++) {
			ctl_show_line(c, "{\n");
			c->indent++;
			jconnection(c, conns[i]);
			c->indent--;
			ctl_show_line(c, "}%s\n", i + 1 < r->n_conns ? "," : "");
		}
		c->indent--;
		ctl_show_line(c, "]\n");
	}
	c->indent--;
	ctl_show_line(c, "}%s\n", more ? "," : "");
out:
	free(devs);
	free(conns);
}

int ctl_fmt_show_json(struct strbuf *out, const struct ctl_resource **sorted,
		      size_t n, const char *name, const struct ctl_show_opts *o)
{
	struct show_ctx c = { .sb = out, .show_defaults = o->show_defaults };
	bool found = false;

	ctl_show_line(&c, "[\n");
	c.indent++;
	for (size_t i = 0; i < n; i++) {
		if (!ctl_name_matches(name, sorted[i]->name))
			continue;
		/* drbdsetup only looks at the next resource for the comma. */
		jresource(&c, sorted[i],
			  i + 1 < n && ctl_name_matches(name, sorted[i + 1]->name));
		found = true;
	}
	c.indent--;
	ctl_show_line(&c, "]\n");
	return found || ctl_name_matches(name, "") ? 0 : -ENOENT;
}
