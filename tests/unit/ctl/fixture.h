/* Snapshot builders for the ctl formatter tests: a resource of the capture
 * clusters (drbd9-cli README: node a 10.99.0.1 id 0, b .2 id 1, c .3 id 2,
 * port 7789, 4 MiB /dev/vda = 4056 KiB usable, minor 0, volume 0). */
#ifndef UDRBD_TESTS_CTL_FIXTURE_H
#define UDRBD_TESTS_CTL_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "ctl/view.h"

#define FX_MAX_CONNS 3

struct fixture {
	struct ctl_resource res;
	struct ctl_device dev;
	struct ctl_connection conn[FX_MAX_CONNS];
	struct ctl_peer_device pd[FX_MAX_CONNS];
	struct ctl_path path[FX_MAX_CONNS];
};

#define FX_SIZE 8112		/* sectors: 4056 KiB */

static inline int fx_node_id(char node)
{
	return node - 'a';
}

/* r0 on `node`, attached to /dev/vda (or diskless), Secondary. */
static inline void fx_init(struct fixture *f, char node, enum drbd_disk_state disk)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->res.name, sizeof(f->res.name), "r0");
	f->res.node_id = fx_node_id(node);
	f->res.role = R_SECONDARY;
	f->res.stats.write_ordering = CTL_WO_BDEV_FLUSH;
	ctl_res_opts_default(&f->res.opts);
	f->res.devices = &f->dev;
	f->res.n_devices = 1;
	f->res.conns = f->conn;
	f->dev.disk = disk;
	f->dev.has_quorum = true;
	f->dev.meta_dev_idx = CTL_MD_INDEX_INTERNAL;
	ctl_disk_opts_default(&f->dev.opts);
	if (disk != D_DISKLESS) {
		snprintf(f->dev.backing_dev, sizeof(f->dev.backing_dev), "/dev/vda");
		snprintf(f->dev.meta_dev, sizeof(f->dev.meta_dev), "/dev/vda");
		f->dev.stats.size = FX_SIZE;
	} else {
		f->dev.client = CTL_CLIENT_YES;
		f->res.stats.write_ordering = CTL_WO_NONE;
	}
}

static inline void fx_ip(struct ctl_addr *a, char node)
{
	a->af = CTL_AF_IPV4;
	snprintf(a->host, sizeof(a->host), "10.99.0.%d", node - 'a' + 1);
	a->port = 7789;
}

/* Connections in creation order (drbdadm's config order of the peers). */
static inline struct ctl_connection *
fx_conn(struct fixture *f, char self, char peer, enum drbd_conn_state cs,
	enum drbd_repl_state repl, enum drbd_disk_state pdisk)
{
	size_t i = f->res.n_conns++;
	struct ctl_connection *c = &f->conn[i];
	struct ctl_peer_device *pd = &f->pd[i];

	c->peer_node_id = (unsigned)fx_node_id(peer);
	snprintf(c->name, sizeof(c->name), "%c", peer);
	c->cstate = cs;
	c->peer_role = cs == C_CONNECTED ? R_SECONDARY : R_UNKNOWN;
	ctl_net_opts_default(&c->opts);
	c->paths = &f->path[i];
	c->n_paths = 1;
	fx_ip(&f->path[i].local, self);
	fx_ip(&f->path[i].peer, peer);
	f->path[i].established = cs == C_CONNECTED;
	c->peer_devices = pd;
	c->n_peer_devices = 1;
	pd->repl = repl;
	pd->peer_disk = pdisk;
	/* The captures throttle resync: disk { resync-rate 1M; c-plan-ahead 0;
	 * c-max-rate 1M; } lands in the peer-device options. */
	ctl_peer_device_opts_default(&pd->opts);
	pd->opts.resync_rate = 1024;
	pd->opts.c_plan_ahead = 0;
	pd->opts.c_max_rate = 1024;
	return c;
}

static inline struct ctl_peer_device *fx_pd(struct fixture *f, char peer)
{
	for (size_t i = 0; i < f->res.n_conns; i++)
		if (f->conn[i].name[0] == peer)
			return &f->pd[i];
	return NULL;
}

/* Device counters as status prints them (KiB). */
static inline void fx_dev_stats(struct fixture *f, uint64_t read_kib,
				uint64_t written_kib, uint64_t al, uint64_t bm,
				bool al_suspended)
{
	f->dev.stats.read = 2 * read_kib;
	f->dev.stats.written = 2 * written_kib;
	f->dev.stats.al_writes = al;
	f->dev.stats.bm_writes = bm;
	f->dev.stats.al_suspended = al_suspended;
}

static inline void fx_pd_stats(struct fixture *f, char peer, uint64_t recv_kib,
			       uint64_t sent_kib, uint64_t oos_kib)
{
	struct ctl_peer_device *pd = fx_pd(f, peer);

	pd->stats.received = 2 * recv_kib;
	pd->stats.sent = 2 * sent_kib;
	pd->stats.out_of_sync = 2 * oos_kib;
}

#endif
