/* `drbdsetup show` and `show --json`: the running configuration in drbd.conf
 * syntax, options at their default left out (drbd-utils 9.22 layout, four
 * blanks per level, its tab-aligned keywords). */
#include "ctl/show_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void ctl_show_line(struct show_ctx *c, const char *fmt, ...)
{
	va_list ap;

	strbuf_spaces(c->sb, 4 * c->indent);
	va_start(ap, fmt);
	strbuf_vprintf(c->sb, fmt, ap);
	va_end(ap);
}

void ctl_show_quoted(struct strbuf *sb, const char *s)
{
	strbuf_putc(sb, '"');
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			strbuf_putc(sb, '\\');
		strbuf_putc(sb, *s);
	}
	strbuf_putc(sb, '"');
}


static void option(struct show_ctx *c, const struct ctl_opt_def *d,
		   const char *value, bool is_default)
{
	ctl_show_line(c, "%-16s\t", d->name);
	if (d->kind == CTL_OPT_STRING)
		ctl_show_quoted(c->sb, value);
	else
		strbuf_puts(c->sb, value);
	strbuf_putc(c->sb, ';');
	if (d->unit || is_default)
		strbuf_printf(c->sb, " # %s%s%s", d->unit ? d->unit : "",
			      d->unit && is_default ? ", " : "",
			      is_default ? "default" : "");
	strbuf_putc(c->sb, '\n');
}

/* One "name { ... }" block of options; nothing when all are at default.
 * conn_name, when given, is the net section's trailing "_name". */
static void options(struct show_ctx *c, const char *sect,
		    const struct ctl_opt_section *s, const void *opts,
		    const char *conn_name)
{
	static const struct ctl_opt_def name_def = { .name = "_name",
						     .kind = CTL_OPT_STRING };
	char v[CTL_OPT_VALUE_LEN];
	bool opened = false;

	for (size_t i = 0; i <= s->n; i++) {
		const struct ctl_opt_def *d = i < s->n ? &s->defs[i] : &name_def;
		bool is_default;

		if (d == &name_def) {
			if (!conn_name)
				break;
			snprintf(v, sizeof(v), "%s", conn_name);
			is_default = !*conn_name;
		} else {
			is_default = ctl_opt_value(d, opts, v);
		}
		if (is_default && !c->show_defaults)
			continue;
		if (!opened) {
			ctl_show_line(c, "%s {\n", sect);
			c->indent++;
			opened = true;
		}
		option(c, d, v, is_default);
	}
	if (opened) {
		c->indent--;
		ctl_show_line(c, "}\n");
	}
}

static bool pd_opts_empty(const struct ctl_peer_device_opts *o)
{
	char v[CTL_OPT_VALUE_LEN];

	for (size_t i = 0; i < ctl_peer_device_opt_section.n; i++)
		if (!ctl_opt_value(&ctl_peer_device_opt_section.defs[i], o, v))
			return false;
	return true;
}

static void show_volume(struct show_ctx *c, const struct ctl_device *d)
{
	ctl_show_line(c, "volume %u {\n", d->volume);
	c->indent++;
	ctl_show_line(c, "device\t\t\tminor %u;\n", d->minor);
	if (d->backing_dev[0]) {
		ctl_show_line(c, "disk\t\t\t\"%s\";\n", d->backing_dev);
		ctl_show_line(c, "meta-disk\t\t\t");
		if (d->meta_dev_idx == CTL_MD_INDEX_INTERNAL ||
		    d->meta_dev_idx == CTL_MD_INDEX_FLEX_INT) {
			strbuf_puts(c->sb, "internal;\n");
		} else {
			ctl_show_quoted(c->sb, d->meta_dev);
			if (d->meta_dev_idx != CTL_MD_INDEX_FLEX_EXT)
				strbuf_printf(c->sb, " [ %d ]", (int)d->meta_dev_idx);
			strbuf_puts(c->sb, ";\n");
		}
		options(c, "disk", &ctl_disk_opt_section, &d->opts, NULL);
	} else if (d->client == CTL_CLIENT_YES) {
		ctl_show_line(c, "disk\t\t\tnone;\n");
	}
	c->indent--;
	ctl_show_line(c, "}\n");
}

static void show_connection(struct show_ctx *c, const struct ctl_connection *conn)
{
	const struct ctl_peer_device **pds;
	bool failed;

	ctl_show_line(c, "connection {\n");
	c->indent++;
	ctl_show_line(c, "_peer_node_id %u;\n", conn->peer_node_id);
	for (size_t i = 0; i < conn->n_paths; i++) {
		char a[CTL_ADDR_STR_LEN], b[CTL_ADDR_STR_LEN];

		ctl_addr_str(a, &conn->paths[i].local);
		ctl_addr_str(b, &conn->paths[i].peer);
		/* "ipv4:host:port" becomes "ipv4 host:port" */
		a[4] = b[4] = ' ';
		ctl_show_line(c, "path {\n");
		c->indent++;
		ctl_show_line(c, "_this_host %s;\n", a);
		ctl_show_line(c, "_remote_host %s;\n", b);
		c->indent--;
		ctl_show_line(c, "}\n");
	}
	if (conn->cstate == C_STANDALONE)
		ctl_show_line(c, "_is_standalone;\n");
	options(c, "net", &ctl_net_opt_section, &conn->opts, conn->name);
	pds = ctl_sort_peer_devices(conn, &failed);
	for (size_t i = 0; pds && i < conn->n_peer_devices; i++) {
		if (pd_opts_empty(&pds[i]->opts))
			continue;
		ctl_show_line(c, "volume %u {\n", pds[i]->volume);
		c->indent++;
		options(c, "disk", &ctl_peer_device_opt_section, &pds[i]->opts, NULL);
		c->indent--;
		ctl_show_line(c, "}\n");
	}
	free(pds);
	if (failed)
		c->sb->failed = true;
	c->indent--;
	ctl_show_line(c, "}\n");
}

static void show_resource(struct show_ctx *c, const struct ctl_resource *r)
{
	const struct ctl_device **devs = ctl_sort_devices(r, &(bool){ 0 });
	const struct ctl_connection **conns = ctl_sort_conns(r, &(bool){ 0 });

	if ((r->n_devices && !devs) || (r->n_conns && !conns)) {
		c->sb->failed = true;
		goto out;
	}
	ctl_show_line(c, "resource \"%s\" {\n", r->name);
	c->indent++;
	options(c, "options", &ctl_res_opt_section, &r->opts, NULL);
	ctl_show_line(c, "_this_host {\n");
	c->indent++;
	if (r->node_id >= 0)
		ctl_show_line(c, "node-id\t\t\t%d;\n", r->node_id);
	for (size_t i = 0; i < r->n_devices; i++)
		show_volume(c, devs[i]);
	c->indent--;
	ctl_show_line(c, "}\n");
	for (size_t i = 0; i < r->n_conns; i++)
		show_connection(c, conns[i]);
	c->indent--;
	ctl_show_line(c, "}\n\n");
out:
	free(devs);
	free(conns);
}

int ctl_fmt_show(struct strbuf *out, const struct ctl_resource *const *res,
		 size_t n, const char *name, const struct ctl_show_opts *o)
{
	struct show_ctx c = { .sb = out, .show_defaults = o->show_defaults };
	const struct ctl_resource **sorted;
	bool failed, found = false;
	int rc = 0;

	sorted = ctl_sort_resources(res, n, &failed);
	if (failed) {
		out->failed = true;
		return -ENOMEM;
	}
	if (o->json) {
		rc = ctl_fmt_show_json(out, sorted, n, name, o);
		goto out;
	}
	if (!n)
		strbuf_puts(out, "# No currently configured DRBD found.\n");
	for (size_t i = 0; i < n; i++) {
		if (!ctl_name_matches(name, sorted[i]->name))
			continue;
		show_resource(&c, sorted[i]);
		found = true;
	}
	if (!found && !ctl_name_matches(name, ""))
		rc = -ENOENT;
out:
	free(sorted);
	return rc;
}
