/* `drbdsetup events2` lines (drbd-metadata-resync.md §8.2). drbd-utils 9.22
 * keeps its own copy of every resource and, after each update from the
 * kernel, prints the difference between the old and the new copy; the
 * functions here do the same with two ctl/view.h snapshots. */
#include "ctl/fmt_priv.h"

#include <stdlib.h>
#include <string.h>

struct ev2_ctx {
	struct ctl_out out;
	const char *prefix, *action;
	const char *res_name;
	struct ctl_stat_mode m;
};

struct promotion {
	bool may_promote;
	int score;
};

static int up_to_date_replicas(const struct ctl_resource *r,
			       const struct ctl_device *d, bool *stable)
{
	int n = d->disk == D_UP_TO_DATE;

	/* A local UpToDate disk counts as stable; a peer's only when it says
	 * so in its UUID flags. */
	*stable = n;
	for (size_t i = 0; i < r->n_conns; i++) {
		const struct ctl_peer_device *pd =
			ctl_find_peer_device(&r->conns[i], d->volume);

		if (!pd || pd->peer_disk != D_UP_TO_DATE)
			continue;
		n++;
		if (pd->stats.uuid_flags & CTL_UUID_FLAG_STABLE)
			*stable = true;
	}
	return n;
}

static bool have_primary(const struct ctl_resource *r)
{
	if (r->role == R_PRIMARY)
		return true;
	for (size_t i = 0; i < r->n_conns; i++)
		if (r->conns[i].peer_role == R_PRIMARY)
			return true;
	return false;
}

/* drbdsetup derives may_promote/promotion_score itself; the kernel does not
 * send them. Score: 10000 if every volume has a disk, 100 per UpToDate
 * local volume, plus the smallest number of UpToDate replicas. */
static struct promotion promotion_of(const struct ctl_resource *r)
{
	struct promotion p = { false, 0 };
	bool all_have_disk = true, all_stable = true;
	int up_to_date = 0, min_replicas = -1;

	if (!r->n_devices)
		return p;
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct ctl_device *d = &r->devices[i];
		bool stable;
		int n = up_to_date_replicas(r, d, &stable);

		if (!d->has_quorum)
			return p;
		if (d->disk == D_UP_TO_DATE)
			up_to_date++;
		else if (d->disk != D_CONSISTENT &&
			 d->disk != D_INCONSISTENT)
			all_have_disk = false;
		if (min_replicas == -1 || n < min_replicas)
			min_replicas = n;
		if (!stable)
			all_stable = false;
	}
	if (min_replicas <= 0)
		return p;
	p.may_promote = !have_primary(r) && all_stable;
	p.score = (all_have_disk ? 10000 : 0) +
		  (up_to_date < 99 ? up_to_date : 99) * 100 +
		  (min_replicas < 99 ? min_replicas : 99);
	return p;
}

static void line_start(struct ev2_ctx *c, bool is_new, const char *object)
{
	strbuf_printf(c->out.sb, "%s%s %s name:%s", c->prefix,
		      is_new ? c->action : "change", object, c->res_name);
}

static void resource_changes(struct ev2_ctx *c, const struct ctl_resource *old,
			     const struct ctl_resource *new)
{
	struct strbuf *sb = c->out.sb;
	struct promotion np = promotion_of(new), op = { false, 0 };
	bool role, info, fail_io, stats, promo, full = c->m.fullch;

	role = !old || old->role != new->role;
	info = !old || old->susp_user != new->susp_user ||
	       old->susp_nod != new->susp_nod ||
	       old->susp_fen != new->susp_fen ||
	       old->susp_quorum != new->susp_quorum;
	fail_io = !old || old->fail_io != new->fail_io;
	stats = c->m.statistics &&
		(!old || memcmp(&old->stats, &new->stats, sizeof(new->stats)));
	if (old)
		op = promotion_of(old);
	promo = !old || op.may_promote != np.may_promote || op.score != np.score;
	if (!role && !info && !fail_io && !stats && !promo)
		return;

	line_start(c, !old, "resource");
	if (role || full)
		strbuf_printf(sb, " role:%s", drbd_role_name(new->role));
	if (info || full)
		strbuf_printf(sb, " suspended:%s", ctl_susp_str(new));
	if (fail_io || full)
		strbuf_printf(sb, " force-io-failures:%s", ctl_yesno(new->fail_io));
	if (stats || full)
		ctl_print_res_stats(&c->out, 0, old ? &old->stats : NULL,
				    &new->stats, &c->m);
	if (promo || full)
		strbuf_printf(sb, " may_promote:%s promotion_score:%d",
			      ctl_yesno(np.may_promote), np.score);
	strbuf_putc(sb, '\n');
}

static void connection_changes(struct ev2_ctx *c, const struct ctl_connection *old,
			       const struct ctl_connection *new)
{
	struct strbuf *sb = c->out.sb;
	bool cstate, role, stats, full = c->m.fullch;

	cstate = !old || old->cstate != new->cstate;
	role = !old || old->peer_role != new->peer_role;
	stats = c->m.statistics &&
		(!old || memcmp(&old->stats, &new->stats, sizeof(new->stats)));
	if (!cstate && !role && !stats)
		return;

	line_start(c, !old, "connection");
	strbuf_printf(sb, " peer-node-id:%u conn-name:%s", new->peer_node_id,
		      new->name);
	if (cstate || full)
		strbuf_printf(sb, " connection:%s", drbd_conn_state_name(new->cstate));
	if (role || full)
		strbuf_printf(sb, " role:%s", drbd_role_name(new->peer_role));
	if (stats || full)
		ctl_print_conn_stats(&c->out, 0, old ? &old->stats : NULL,
				     &new->stats, &c->m);
	strbuf_putc(sb, '\n');
}

static void device_changes(struct ev2_ctx *c, const struct ctl_device *old,
			   const struct ctl_device *new)
{
	struct strbuf *sb = c->out.sb;
	bool info, stats, full = c->m.fullch;

	info = !old || old->disk != new->disk ||
	       old->has_quorum != new->has_quorum;
	stats = c->m.statistics &&
		(!old || memcmp(&old->stats, &new->stats, sizeof(new->stats)));
	if (!info && !stats)
		return;

	line_start(c, !old, "device");
	strbuf_printf(sb, " volume:%u minor:%u", new->volume, new->minor);
	if (info || full)
		strbuf_printf(sb, " backing_dev:%s disk:%s client:%s quorum:%s",
			      ctl_backing_dev_str(new),
			      drbd_disk_state_name(new->disk),
			      ctl_client_str(new->client),
			      ctl_yesno(new->has_quorum));
	if (stats || full)
		ctl_print_dev_stats(&c->out, 0, old ? &old->stats : NULL,
				    &new->stats, &c->m);
	strbuf_putc(sb, '\n');
}

static void peer_device_changes(struct ev2_ctx *c,
				const struct ctl_connection *conn,
				const struct ctl_peer_device *old,
				const struct ctl_peer_device *new)
{
	struct strbuf *sb = c->out.sb;
	bool repl, disk, susp, stats, full = c->m.fullch;
	bool client = new->peer_client == CTL_CLIENT_YES;
	bool old_client = old && old->peer_client == CTL_CLIENT_YES;

	repl = !old || old->repl != new->repl;
	disk = !old || old->peer_disk != new->peer_disk;
	susp = !old || old->resync_susp_user != new->resync_susp_user ||
	       old->resync_susp_peer != new->resync_susp_peer ||
	       old->resync_susp_dependency != new->resync_susp_dependency;
	/* Not tied to --statistics: a bare "change peer-device" line (or one
	 * with only "done:") is what drbdsetup prints for counter updates. */
	stats = !old || memcmp(&old->stats, &new->stats, sizeof(new->stats));
	if (!repl && !disk && !susp && !stats)
		return;

	line_start(c, !old, "peer-device");
	strbuf_printf(sb, " peer-node-id:%u conn-name:%s volume:%u",
		      conn->peer_node_id, conn->name, new->volume);
	if (repl || full)
		strbuf_printf(sb, " replication:%s", drbd_repl_state_name(new->repl));
	if (disk || full || client != old_client)
		strbuf_printf(sb, " peer-disk:%s peer-client:%s",
			      drbd_disk_state_name(new->peer_disk),
			      ctl_client_str(new->peer_client));
	if (susp || full)
		strbuf_printf(sb, " resync-suspended:%s", ctl_resync_susp_str(new));
	if (stats || full)
		ctl_print_pd_stats(&c->out, 0, &new->stats, &c->m);
	strbuf_putc(sb, '\n');
}

static void path_ident(struct ev2_ctx *c, const char *action,
		       const struct ctl_connection *conn,
		       const struct ctl_path *p)
{
	char local[CTL_ADDR_STR_LEN], peer[CTL_ADDR_STR_LEN];

	ctl_addr_str(local, &p->local);
	ctl_addr_str(peer, &p->peer);
	strbuf_printf(c->out.sb,
		      "%s%s path name:%s peer-node-id:%u conn-name:%s local:%s peer:%s",
		      c->prefix, action, c->res_name, conn->peer_node_id,
		      conn->name, local, peer);
}

static void path_changes(struct ev2_ctx *c, const struct ctl_connection *conn,
			 const struct ctl_path *old, const struct ctl_path *new)
{
	/* Unchanged paths stay silent even with --full. */
	if (old && old->established == new->established)
		return;
	path_ident(c, old ? "change" : c->action, conn, new);
	strbuf_printf(c->out.sb, " established:%s\n", ctl_yesno(new->established));
}

static void connection_children(struct ev2_ctx *c, const struct ctl_connection *old,
				const struct ctl_connection *new)
{
	struct strbuf *sb = c->out.sb;

	for (size_t i = 0; i < new->n_peer_devices; i++) {
		const struct ctl_peer_device *pd = &new->peer_devices[i];

		peer_device_changes(c, new, old ? ctl_find_peer_device(old, pd->volume) : NULL, pd);
	}
	for (size_t i = 0; i < new->n_paths; i++)
		path_changes(c, new, old ? ctl_find_path(old, &new->paths[i]) : NULL,
			     &new->paths[i]);
	if (!old)
		return;
	for (size_t i = 0; i < old->n_paths; i++) {
		if (ctl_find_path(new, &old->paths[i]))
			continue;
		path_ident(c, "destroy", old, &old->paths[i]);
		strbuf_putc(sb, '\n');
	}
	for (size_t i = 0; i < old->n_peer_devices; i++) {
		unsigned vol = old->peer_devices[i].volume;

		if (!ctl_find_peer_device(new, vol))
			strbuf_printf(sb, "%sdestroy peer-device name:%s peer-node-id:%u conn-name:%s volume:%u\n",
				      c->prefix, c->res_name, old->peer_node_id,
				      old->name, vol);
	}
}

static void gone_objects(struct ev2_ctx *c, const struct ctl_resource *old,
			 const struct ctl_resource *new)
{
	for (size_t i = 0; i < old->n_conns; i++) {
		const struct ctl_connection *oc = &old->conns[i];

		if (!new || !ctl_find_connection(new, oc->name))
			strbuf_printf(c->out.sb, "%sdestroy connection name:%s peer-node-id:%u conn-name:%s\n",
				      c->prefix, c->res_name, oc->peer_node_id,
				      oc->name);
	}
	for (size_t i = 0; i < old->n_devices; i++) {
		unsigned vol = old->devices[i].volume;

		if (!new || !ctl_find_device(new, vol))
			strbuf_printf(c->out.sb, "%sdestroy device name:%s volume:%u\n",
				      c->prefix, c->res_name, vol);
	}
}

void ctl_ev2_changes(struct strbuf *out, const char *prefix,
		     const char *action, const struct ctl_resource *old,
		     const struct ctl_resource *new,
		     const struct ctl_ev2_opts *o)
{
	struct ev2_ctx c = {
		.out = { .sb = out },
		.prefix = prefix ? prefix : "",
		.action = action,
		.res_name = new ? new->name : old ? old->name : "",
		/* --statistics and --full each add one level of verbosity. */
		.m = { .verbose = o->statistics + o->full,
		       .statistics = o->statistics || o->full,
		       .fullch = o->full },
	};

	if (!new) {
		if (old) {
			gone_objects(&c, old, NULL);
			strbuf_printf(out, "%sdestroy resource name:%s\n",
				      c.prefix, old->name);
		}
		return;
	}
	resource_changes(&c, old, new);
	for (size_t i = 0; i < new->n_conns; i++)
		connection_changes(&c, old ? ctl_find_connection(old, new->conns[i].name) : NULL,
				   &new->conns[i]);
	for (size_t i = 0; i < new->n_devices; i++)
		device_changes(&c, old ? ctl_find_device(old, new->devices[i].volume) : NULL,
			       &new->devices[i]);
	for (size_t i = 0; i < new->n_conns; i++)
		connection_children(&c, old ? ctl_find_connection(old, new->conns[i].name) : NULL,
				    &new->conns[i]);
	if (old)
		gone_objects(&c, old, new);
}
