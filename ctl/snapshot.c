/* Engine state -> view snapshot. The view keeps DRBD's units: sizes and
 * I/O counters in sectors. */
#include "ctl/snapshot.h"
#include "ctl/res_opts.h"
#include "core/conn.h"
#include "core/ops.h"
#include "md/md.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

static void snap_disk_opts(const struct device *d, struct ctl_disk_opts *o)
{
	ctl_disk_opts_default(o);
	o->disk_size = d->conf.size_sect;
	o->on_io_error = d->conf.on_io_error == EP_DETACH ? CTL_EP_DETACH
			 : d->conf.on_io_error == EP_PASS_ON ? CTL_EP_PASS_ON
							     : CTL_EP_CALL_HELPER;
	o->al_extents = d->conf.al_extents;
	o->al_updates = d->conf.al_updates;
	o->md_flushes = d->conf.md_flushes;
	o->disk_flushes = d->conf.disk_flushes;
}

static void snap_device(struct device *d, struct ctl_device *v)
{
	memset(v, 0, sizeof(*v));
	v->volume = d->volume;
	v->minor = d->minor;
	v->disk = d->disk;
	v->client = CTL_CLIENT_NO;
	v->has_quorum = true;
	v->open = device_open_count(d) > 0;
	if (d->backing_path) {
		snprintf(v->backing_dev, sizeof(v->backing_dev), "%s", d->backing_path);
		snprintf(v->meta_dev, sizeof(v->meta_dev), "%s", d->meta_path);
	}
	v->meta_dev_idx = d->meta_index;
	/* DRBD: blocked:upper while new I/O may not enter (drbd_suspended) */
	v->stats.upper_blocked = d->res->susp_user;
	v->stats.al_suspended = __atomic_load_n(&d->al_suspended, __ATOMIC_RELAXED);
	plat_mutex_lock(&d->io_lock);
	v->stats.read = d->stats.read_sect;
	v->stats.written = d->stats.written_sect;
	v->stats.upper_pending = d->in_flight;
	v->stats.lower_pending = d->in_flight;
	plat_mutex_unlock(&d->io_lock);
	if (d->md) {
		struct md_sb *sb = md_sb(d->md);
		v->stats.size = d->size_sect;
		v->stats.al_writes = md_al_writes(d->md);
		v->stats.current_uuid = sb->current_uuid;
		v->stats.exposed_data_uuid = sb->current_uuid;
		v->stats.disk_flags = sb->flags;
	}
	snap_disk_opts(d, &v->opts);
}

static void snap_net_opts(const struct net_conf *n, struct ctl_net_opts *o)
{
	ctl_net_opts_default(o);
	o->protocol = (uint32_t)n->protocol;
	o->timeout = n->timeout;
	o->max_epoch_size = n->max_epoch_size;
	o->connect_int = n->connect_int;
	o->ping_int = n->ping_int;
	o->sndbuf_size = (uint32_t)n->sndbuf_size;
	o->rcvbuf_size = (uint32_t)n->rcvbuf_size;
	o->ko_count = n->ko_count;
	o->two_primaries = n->two_primaries;
	snprintf(o->cram_hmac_alg, sizeof(o->cram_hmac_alg), "%s", n->cram_hmac_alg);
	snprintf(o->shared_secret, sizeof(o->shared_secret), "%s", n->shared_secret);
	o->after_sb_0p = n->after_sb_0p;
	o->after_sb_1p = n->after_sb_1p;
	o->after_sb_2p = n->after_sb_2p;
	o->always_asbp = n->always_asbp;
	o->rr_conflict = n->rr_conflict;
	o->ping_timeo = n->ping_timeout;
	snprintf(o->integrity_alg, sizeof(o->integrity_alg), "%s", n->integrity_alg);
	o->tcp_cork = n->tcp_cork;
	snprintf(o->csums_alg, sizeof(o->csums_alg), "%s", n->csums_alg);
	o->csums_after_crash_only = n->csums_after_crash_only;
	snprintf(o->verify_alg, sizeof(o->verify_alg), "%s", n->verify_alg);
	o->use_rle = n->use_rle;
	o->sock_check_timeo = n->sock_check_timeo;
	o->max_buffers = n->max_buffers;
}

static void snap_addr(struct ctl_addr *a, const char *host, uint16_t port, bool v6)
{
	a->af = v6 ? CTL_AF_IPV6 : CTL_AF_IPV4;
	snprintf(a->host, sizeof(a->host), "%s", host);
	a->port = port;
}

/* Resync and verify progress as DRBD reports it (sectors, ms); the
 * counters are the request threads', under rs_mutex. */
static void snap_progress(struct peer_device *pd, struct ctl_peer_device_stats *s)
{
	bool verify = pd->repl == L_VERIFY_S || pd->repl == L_VERIFY_T;
	bool sync = pd->repl >= L_SYNC_SOURCE && pd->repl <= L_PAUSED_SYNC_T;
	uint64_t ms;

	if (!verify && !sync)
		return;
	plat_mutex_lock(&pd->rs_mutex);
	ms = (plat_now_ns() - pd->rs_start_ns) / 1000000;
	s->rs_dt_start_ms = s->rs_dt1_ms = s->rs_dt0_ms = ms ? ms : 1;
	if (verify) {
		s->rs_total = pd->ov_total * 8;
		s->ov_left = pd->ov_left * 8;
		s->ov_start_sector = pd->ov_start;
		s->ov_stop_sector = pd->ov_stop;
		s->ov_position = pd->ov_start + (pd->ov_total - pd->ov_left) * 8;
	} else {
		s->rs_total = pd->rs_total * 8;
		s->resync_failed = pd->rs_failed;
		s->rs_same_csum = pd->rs_same_csum * 8;
	}
	plat_mutex_unlock(&pd->rs_mutex);
	if (s->rs_total) {
		uint64_t left = verify ? s->ov_left : s->out_of_sync;
		s->rs_db0_sectors = s->rs_db1_sectors = s->rs_total > left ? s->rs_total - left : 0;
	}
}

static void snap_peer_device(struct peer_device *pd, struct ctl_peer_device *v)
{
	memset(v, 0, sizeof(*v));
	v->volume = pd->dev->volume;
	v->repl = pd->repl;
	v->peer_disk = pd->peer_disk;
	v->peer_client = CTL_CLIENT_NO;
	v->resync_susp_user = pd->resync_susp_user;
	v->resync_susp_peer = pd->resync_susp_peer;
	v->stats.sent = pd->stats.sent_sect;
	v->stats.received = pd->stats.received_sect;
	v->stats.pending = pd->stats.pending;
	v->stats.unacked = pd->stats.unacked;
	if (pd->dev->md) {
		/* A bit is 4 KiB, the view counts sectors. */
		int slot = md_bm_slot_of_node(pd->dev->md, pd->conn->peer_node_id);
		if (slot >= 0)
			v->stats.out_of_sync = md_bm_count(pd->dev->md, slot) * 8;
	}
	snap_progress(pd, &v->stats);
	ctl_peer_device_opts_default(&v->opts);
	v->opts.resync_rate = pd->rs.resync_rate;
	v->opts.c_plan_ahead = pd->rs.c_plan_ahead;
	v->opts.c_delay_target = pd->rs.c_delay_target;
	v->opts.c_fill_target = pd->rs.c_fill_target;
	v->opts.c_max_rate = pd->rs.c_max_rate;
	v->opts.c_min_rate = pd->rs.c_min_rate;
}

static int snap_connection(struct connection *c, struct ctl_connection *v)
{
	size_t n = 0;

	memset(v, 0, sizeof(*v));
	v->peer_node_id = (unsigned)c->peer_node_id;
	snprintf(v->name, sizeof(v->name), "%s", c->conf.name);
	v->cstate = c->cstate;
	v->peer_role = c->peer_role;
	snap_net_opts(&c->conf, &v->opts);
	for (struct path *p = c->paths; p; p = p->next)
		n++;
	v->paths = n ? calloc(n, sizeof(*v->paths)) : NULL;
	if (n && !v->paths)
		return -ENOMEM;
	n = 0;
	for (struct path *p = c->paths; p; p = p->next, n++) {
		snap_addr(&v->paths[n].local, p->local_host, p->local_port, p->ipv6);
		snap_addr(&v->paths[n].peer, p->peer_host, p->peer_port, p->ipv6);
		v->paths[n].established = p->established;
	}
	v->n_paths = n;
	n = 0;
	for (struct peer_device *pd = c->peer_devices; pd; pd = pd->next)
		n++;
	v->peer_devices = n ? calloc(n, sizeof(*v->peer_devices)) : NULL;
	if (n && !v->peer_devices)
		return -ENOMEM;
	n = 0;
	for (struct peer_device *pd = c->peer_devices; pd; pd = pd->next)
		snap_peer_device(pd, &v->peer_devices[n++]);
	v->n_peer_devices = n;
	return 0;
}

static int snap_connections(struct resource *r, struct ctl_resource *v)
{
	size_t n = 0;

	for (struct connection *c = r->connections; c; c = c->next)
		n++;
	v->conns = n ? calloc(n, sizeof(*v->conns)) : NULL;
	if (n && !v->conns)
		return -ENOMEM;
	for (struct connection *c = r->connections; c; c = c->next) {
		/* counted as we go, so a failure frees what was filled */
		v->n_conns++;
		if (snap_connection(c, &v->conns[v->n_conns - 1]))
			return -ENOMEM;
	}
	return 0;
}

static struct ctl_resource *snap_resource(struct resource *r)
{
	struct ctl_resource *v = calloc(1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return NULL;
	snprintf(v->name, sizeof(v->name), "%s", r->name);
	v->node_id = r->node_id;
	v->role = r->role;
	v->susp_user = r->susp_user;
	v->stats.write_ordering = CTL_WO_BDEV_FLUSH;
	ctl_res_opts_get(r->name, &v->opts);
	for (struct device *d = r->devices; d; d = d->next)
		n++;
	v->devices = n ? calloc(n, sizeof(*v->devices)) : NULL;
	if (n && !v->devices) {
		free(v);
		return NULL;
	}
	n = 0;
	for (struct device *d = r->devices; d; d = d->next)
		snap_device(d, &v->devices[n++]);
	v->n_devices = n;
	if (snap_connections(r, v)) {
		ctl_resource_free(v);
		return NULL;
	}
	return v;
}

void ctl_snapshot_free(struct ctl_resource **res, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ctl_resource_free(res[i]);
	free(res);
}

static int by_name(const void *a, const void *b)
{
	const struct ctl_resource *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

int ctl_snapshot(struct engine *eng, struct ctl_resource ***out, size_t *nout)
{
	struct ctl_resource **res;
	size_t n = 0;

	for (struct resource *r = eng->resources; r; r = r->next)
		n++;
	res = calloc(n ? n : 1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	n = 0;
	for (struct resource *r = eng->resources; r; r = r->next) {
		res[n] = snap_resource(r);
		if (!res[n]) {
			ctl_snapshot_free(res, n);
			return -ENOMEM;
		}
		n++;
	}
	qsort(res, n, sizeof(*res), by_name);
	*out = res;
	*nout = n;
	return 0;
}
