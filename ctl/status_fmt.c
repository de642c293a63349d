/* `drbdsetup status` in its text form (drbd-metadata-resync.md §8.1; the
 * rules of which item shows when follow drbd-utils 9.22). */
#include "ctl/fmt_priv.h"

#include <errno.h>
#include <stdlib.h>

int ctl_fmt_status_json(struct strbuf *out, const struct ctl_resource **sorted,
			size_t n, const char *name);

struct status_ctx {
	struct ctl_out out;
	const struct ctl_status_opts *o;
	struct ctl_stat_mode m;
	bool single_device;
};

static void resource_line(struct status_ctx *c, const struct ctl_resource *r)
{
	struct ctl_out *o = &c->out;
	int verbose = c->o->verbose;

	ctl_out_item(o, 0, "%s", r->name);
	if (verbose && r->node_id >= 0)
		ctl_out_item(o, 4, " node-id:%d", r->node_id);
	ctl_out_item(o, 4, " role:%s", drbd_role_name(r->role));
	if (verbose || r->susp_user || r->susp_nod || r->susp_fen ||
	    r->susp_quorum)
		ctl_out_item(o, 4, " suspended:%s", ctl_susp_str(r));
	if (verbose || r->fail_io)
		ctl_out_item(o, 4, " force-io-failures:%s", ctl_yesno(r->fail_io));
	if (c->o->statistics && verbose) {
		ctl_out_item(o, 4, "\n");
		ctl_print_res_stats(o, 4, NULL, &r->stats, &c->m);
	}
	ctl_out_item(o, 0, "\n");
}

static void device_line(struct status_ctx *c, const struct ctl_device *d)
{
	struct ctl_out *o = &c->out;
	int verbose = c->o->verbose, indent = 2;

	if (verbose || !(c->single_device && d->volume == 0)) {
		ctl_out_item(o, indent, "volume:%u", d->volume);
		indent = 6;
		if (verbose)
			ctl_out_item(o, indent, " minor:%u", d->minor);
	}
	ctl_out_item(o, indent, " disk:%s", drbd_disk_state_name(d->disk));
	if (d->disk == D_DISKLESS && (verbose || !c->o->tty))
		ctl_out_item(o, indent, " client:%s", ctl_client_str(d->client));
	if (verbose)
		ctl_out_item(o, indent, " backing_dev:%s", ctl_backing_dev_str(d));
	if (verbose || !d->has_quorum)
		ctl_out_item(o, indent, " quorum:%s", ctl_yesno(d->has_quorum));
	indent = 6;
	if (c->o->statistics)
		ctl_out_item(o, indent, "\n");
	ctl_print_dev_stats(o, indent, NULL, &d->stats, &c->m);
	ctl_out_item(o, indent, "\n");
}

static void peer_device_line(struct status_ctx *c,
			     const struct ctl_peer_device *pd)
{
	struct ctl_out *o = &c->out;
	int verbose = c->o->verbose, indent = 4;

	if (verbose || !(c->single_device && pd->volume == 0)) {
		ctl_out_item(o, indent, "volume:%u", pd->volume);
		indent = 8;
	}
	if (verbose || pd->repl > L_ESTABLISHED) {
		ctl_out_item(o, indent, " replication:%s",
			     drbd_repl_state_name(pd->repl));
		indent = 8;
	}
	if (verbose || c->o->statistics || pd->repl != L_OFF ||
	    pd->peer_disk != D_UNKNOWN) {
		ctl_out_item(o, indent, " peer-disk:%s",
			     drbd_disk_state_name(pd->peer_disk));
		if (pd->peer_disk == D_DISKLESS && (verbose || !c->o->tty))
			ctl_out_item(o, indent, " peer-client:%s",
				     ctl_client_str(pd->peer_client));
		indent = 8;
		if (ctl_pd_sync_details(&pd->stats))
			ctl_out_item(o, indent, " done:%.2f",
				     ctl_pd_done_pct(&pd->stats));
		if (verbose || pd->resync_susp_user || pd->resync_susp_peer ||
		    pd->resync_susp_dependency)
			ctl_out_item(o, indent, " resync-suspended:%s",
				     ctl_resync_susp_str(pd));
		if (c->o->statistics) {
			ctl_out_item(o, indent, "\n");
			ctl_print_pd_stats(o, indent, &pd->stats, &c->m);
		}
	}
	ctl_out_item(o, 0, "\n");
}

static void connection_lines(struct status_ctx *c,
			     const struct ctl_resource *r,
			     const struct ctl_connection *conn)
{
	struct ctl_out *o = &c->out;
	int verbose = c->o->verbose;
	const struct ctl_peer_device **pds;
	bool failed;

	if (conn->name[0])
		ctl_out_item(o, 2, "%s", conn->name);
	if (verbose || !conn->name[0])
		ctl_out_item(o, conn->name[0] ? 6 : 2, " node-id:%u",
			     conn->peer_node_id);
	if (verbose || conn->cstate != C_CONNECTED)
		ctl_out_item(o, 6, " connection:%s",
			     drbd_conn_state_name(conn->cstate));
	if (verbose || conn->cstate == C_CONNECTED)
		ctl_out_item(o, 6, " role:%s", drbd_role_name(conn->peer_role));
	if (verbose || conn->stats.congested)
		ctl_print_conn_stats(o, 6, NULL, &conn->stats, &c->m);
	ctl_out_item(o, 0, "\n");
	/* drbdsetup lists peer devices only for a resource with volumes. */
	if (!r->n_devices ||
	    !(verbose || c->o->statistics || conn->cstate == C_CONNECTED))
		return;
	pds = ctl_sort_peer_devices(conn, &failed);
	for (size_t i = 0; pds && i < conn->n_peer_devices; i++)
		peer_device_line(c, pds[i]);
	free(pds);
	if (failed)
		o->sb->failed = true;
}

static void resource_status(struct status_ctx *c, const struct ctl_resource *r)
{
	const struct ctl_device **devs = ctl_sort_devices(r, &(bool){ 0 });
	const struct ctl_connection **conns = ctl_sort_conns(r, &(bool){ 0 });

	if ((r->n_devices && !devs) || (r->n_conns && !conns)) {
		c->out.sb->failed = true;
		goto out;
	}
	c->single_device = r->n_devices == 1;
	resource_line(c, r);
	for (size_t i = 0; i < r->n_devices; i++)
		device_line(c, devs[i]);
	for (size_t i = 0; i < r->n_conns; i++)
		connection_lines(c, r, conns[i]);
	ctl_out_item(&c->out, 0, "\n");
out:
	free(devs);
	free(conns);
}

int ctl_fmt_status(struct strbuf *out, const struct ctl_resource *const *res,
		   size_t n, const char *name, const struct ctl_status_opts *o)
{
	struct status_ctx c = {
		.out = { .sb = out, .wrap = true,
			 .columns = o->columns > 0 ? o->columns : 80 },
		.o = o,
		.m = { .verbose = o->verbose, .statistics = o->statistics },
	};
	const struct ctl_resource **sorted;
	bool failed, found = false;
	int rc;

	sorted = ctl_sort_resources(res, n, &failed);
	if (failed) {
		out->failed = true;
		return -ENOMEM;
	}
	if (o->json) {
		rc = ctl_fmt_status_json(out, sorted, n, name);
		free(sorted);
		return rc;
	}
	if (!n)
		strbuf_puts(out, "# No currently configured DRBD found.\n");
	for (size_t i = 0; i < n; i++) {
		if (!ctl_name_matches(name, sorted[i]->name))
			continue;
		resource_status(&c, sorted[i]);
		found = true;
	}
	free(sorted);
	return found || ctl_name_matches(name, "") ? 0 : -ENOENT;
}
