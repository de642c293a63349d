/* Snapshot helpers: option defaults, deep copy, lookups (ctl/view.h). */
#include "ctl/view.h"

#include <stdlib.h>
#include <string.h>

/* Defaults: drbd_limits.h of the drbd-headers shipped with drbd-utils 9.22. */
void ctl_res_opts_default(struct ctl_res_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->on_no_data = CTL_OND_IO_ERROR;
	o->auto_promote = true;
	o->peer_ack_window = 4096;
	o->peer_ack_delay = 100;
	o->twopc_timeout = 300;
	o->twopc_retry_timeout = 1;
	o->auto_promote_timeout = 20;
	o->max_io_depth = 8000;
	o->quorum = CTL_QOU_OFF;
	o->on_no_quorum = CTL_OND_SUSPEND_IO;
	o->quorum_min_redundancy = CTL_QOU_OFF;
	o->on_susp_primary_outdated = CTL_SPO_DISCONNECT;
}

void ctl_net_opts_default(struct ctl_net_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->protocol = CTL_PROT_C;
	o->timeout = 60;
	o->max_epoch_size = 2048;
	o->connect_int = 10;
	o->ping_int = 10;
	o->ko_count = 7;
	o->after_sb_0p = CTL_ASB_DISCONNECT;
	o->after_sb_1p = CTL_ASB_DISCONNECT;
	o->after_sb_2p = CTL_ASB_DISCONNECT;
	o->rr_conflict = CTL_ASB_DISCONNECT;
	o->ping_timeo = 5;
	o->tcp_cork = true;
	o->on_congestion = CTL_OC_BLOCK;
	o->cong_extents = 1237;
	o->use_rle = true;
	o->fencing = CTL_FP_DONT_CARE;
	o->max_buffers = 2048;
	o->allow_remote_read = true;
}

void ctl_disk_opts_default(struct ctl_disk_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->on_io_error = CTL_EP_DETACH;
	o->disk_flushes = true;
	o->disk_drain = true;
	o->md_flushes = true;
	o->resync_after = -1;
	o->al_extents = 1237;
	o->al_updates = true;
	o->discard_zeroes_if_aligned = true;
	o->read_balancing = CTL_RB_PREFER_LOCAL;
}

void ctl_peer_device_opts_default(struct ctl_peer_device_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->resync_rate = 250;
	o->c_plan_ahead = 20;
	o->c_delay_target = 10;
	o->c_fill_target = 100;
	o->c_max_rate = 102400;
	o->c_min_rate = 250;
	o->bitmap = true;
}

static void *dup_array(const void *src, size_t n, size_t size, bool *ok)
{
	void *p;

	if (!n)
		return NULL;
	p = malloc(n * size);
	if (!p) {
		*ok = false;
		return NULL;
	}
	memcpy(p, src, n * size);
	return p;
}

static void free_conns(struct ctl_connection *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].paths);
		free(c[i].peer_devices);
	}
	free(c);
}

struct ctl_resource *ctl_resource_dup(const struct ctl_resource *r)
{
	struct ctl_resource *d = malloc(sizeof(*d));
	bool ok = true;

	if (!d)
		return NULL;
	*d = *r;
	d->devices = dup_array(r->devices, r->n_devices, sizeof(*r->devices), &ok);
	d->conns = dup_array(r->conns, r->n_conns, sizeof(*r->conns), &ok);
	if (!d->conns)
		d->n_conns = 0;
	for (size_t i = 0; i < d->n_conns; i++) {
		struct ctl_connection *c = &d->conns[i];

		c->paths = dup_array(r->conns[i].paths, c->n_paths,
				     sizeof(*c->paths), &ok);
		c->peer_devices = dup_array(r->conns[i].peer_devices,
					    c->n_peer_devices,
					    sizeof(*c->peer_devices), &ok);
	}
	if (!ok) {
		ctl_resource_free(d);
		return NULL;
	}
	return d;
}

void ctl_resource_free(struct ctl_resource *r)
{
	if (!r)
		return;
	free(r->devices);
	free_conns(r->conns, r->n_conns);
	free(r);
}

const struct ctl_device *ctl_find_device(const struct ctl_resource *r,
					 unsigned volume)
{
	for (size_t i = 0; i < r->n_devices; i++)
		if (r->devices[i].volume == volume)
			return &r->devices[i];
	return NULL;
}

const struct ctl_connection *ctl_find_connection(const struct ctl_resource *r,
						 const char *name)
{
	for (size_t i = 0; i < r->n_conns; i++)
		if (!strcmp(r->conns[i].name, name))
			return &r->conns[i];
	return NULL;
}

const struct ctl_peer_device *
ctl_find_peer_device(const struct ctl_connection *c, unsigned volume)
{
	for (size_t i = 0; i < c->n_peer_devices; i++)
		if (c->peer_devices[i].volume == volume)
			return &c->peer_devices[i];
	return NULL;
}

static bool addr_eq(const struct ctl_addr *a, const struct ctl_addr *b)
{
	return a->af == b->af && a->port == b->port && !strcmp(a->host, b->host);
}

const struct ctl_path *ctl_find_path(const struct ctl_connection *c,
				     const struct ctl_path *like)
{
	for (size_t i = 0; i < c->n_paths; i++)
		if (addr_eq(&c->paths[i].local, &like->local) &&
		    addr_eq(&c->paths[i].peer, &like->peer))
			return &c->paths[i];
	return NULL;
}
