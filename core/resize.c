/* Online resize (drbdsetup resize), after DRBD 9's drbd_adm_resize: the
 * user size becomes --size (0 without it: the whole disk), the new size is
 * what every connected peer can hold (drbd-wire-protocol.md §6.8, core/
 * size.h), a grown area is out of sync for every peer unless
 * --assume-clean (DDSF_NO_RESYNC), and the peers learn it from P_SIZES.
 *
 * The meta data is not moved: internal meta data sits at the end of the
 * backing device where it was created or attached, so the usable size is
 * what md_usable_sectors() says (growing beyond needs the meta data moved
 * first, which md/ does not do yet). */
#include "core/resize.h"
#include "core/conn.h"
#include "core/conn_int.h"
#include "core/ops.h"
#include "core/resync.h"
#include "core/size.h"
#include "front/nbd.h"
#include "md/md.h"
#include "wire/config.h"
#include "wire/packets.h"

/* Times 100 ms that a resize waits for the peer's answering P_SIZES. */
#define RESIZE_ANSWER_TRIES 50

static bool pd_connected(const struct peer_device *pd)
{
	return pd->repl >= L_ESTABLISHED && pd->peer.have_sizes;
}

/* A peer met before (it has a bitmap slot) but not connected now: its
 * size is unknown, so it keeps us from growing unless told otherwise. */
static bool unconnected_known_peer(struct device *d)
{
	struct md_sb *sb = md_sb(d->md);

	for (int n = 0; n < MD_MAX_PEERS; n++) {
		struct connection *c;
		struct peer_device *pd = NULL;

		if (n == d->res->node_id || sb->peers[n].bitmap_index < 0)
			continue;
		c = resource_find_connection(d->res, n);
		if (c)
			pd = conn_find_peer_device(c, d->volume);
		if (!pd || !pd_connected(pd))
			return true;
	}
	return false;
}

static uint64_t new_size(struct device *d, const struct resize_args *a)
{
	uint64_t mine = md_usable_sectors(d->md), size;
	uint64_t last = md_sb(d->md)->effective_size;

	if (a->assume_peer_has_space || !unconnected_known_peer(d))
		last = 0;
	size = size_agreed(mine, a->size_sect, last, 0, 0);
	for (struct connection *c = d->res->connections; c; c = c->next) {
		struct peer_device *pd = conn_find_peer_device(c, d->volume);
		uint64_t s;

		if (!pd || !pd_connected(pd) || !pd->peer.d_size)
			continue;
		s = size_agreed(mine, a->size_sect, 0, pd->peer.d_size, 0);
		if (s < size)
			size = s;
	}
	return size;
}

void resize_mark_grown(struct device *dev, uint64_t from, uint64_t to)
{
	struct md_sb *sb = md_sb(dev->md);

	for (int n = 0; n < MD_MAX_PEERS; n++)
		if (n != dev->res->node_id && sb->peers[n].bitmap_index >= 0)
			md_bm_set_range(dev->md, sb->peers[n].bitmap_index, from, to - from);
}

int resize_apply(struct device *dev, uint64_t size)
{
	int err;

	dev->size_sect = size;
	md_sb(dev->md)->effective_size = size;
	err = md_bm_flush(dev->md);
	if (!err)
		err = md_sb_write(dev->md);
	if (dev->exp)
		nbd_export_set_size(dev->exp, size << 9);
	/* 8.4's and DRBD 9's words; MB rounded to the nearest */
	plat_notice("%s/%u: size = %llu MB (%llu KB)", dev->res->name, dev->volume,
		    (unsigned long long)((size >> 11) + ((size >> 10) & 1)),
		    (unsigned long long)(size >> 1));
	engine_state_changed(dev->res->eng);
	return err;
}

void resize_send_sizes(struct connection *c, struct peer_device *pd, uint16_t flags)
{
	struct device *d = pd->dev;
	struct wire_sizes sz = { 0 };
	uint8_t buf[256];
	int len;

	sz.d_size = md_usable_sectors(d->md);
	sz.u_size = d->conf.size_sect;
	sz.c_size = d->size_sect;
	sz.max_bio_size = 1u << 20;
	sz.dds_flags = flags;
	len = wire_sizes_encode(&c->proto, (uint16_t)d->volume, &sz, buf, sizeof(buf));
	if (len < 0 || conn_send(c, WIRE_SOCK_DATA, buf, (size_t)len))
		plat_warn("%s/%u %s: sending the new size failed", c->res->name, d->volume,
			  c->conf.name);
}

int device_resize(struct device *dev, const struct resize_args *a, bool *grown,
		  struct cmd_reply *r)
{
	uint64_t old = dev->size_sect, size;

	*grown = false;
	if (!dev->md)
		return cmd_reply_set(r, ERR_NO_DISK, NULL);
	for (struct connection *c = dev->res->connections; c; c = c->next) {
		struct peer_device *pd = conn_find_peer_device(c, dev->volume);
		if (pd && pd->repl > L_ESTABLISHED)
			return cmd_reply_set(r, ERR_RESIZE_RESYNC, NULL);
	}
	if (a->size_sect > md_usable_sectors(dev->md))
		return cmd_reply_set(r, ERR_DISK_TOO_SMALL,
				     "requested %llu sectors, backing device supports %llu",
				     (unsigned long long)a->size_sect,
				     (unsigned long long)md_usable_sectors(dev->md));
	dev->conf.size_sect = a->size_sect;
	size = new_size(dev, a);
	if (size > old && !a->assume_clean) {
		resize_mark_grown(dev, old, size);
		*grown = true;
	}
	if (size != old && resize_apply(dev, size))
		return cmd_reply_set(r, ERR_IO_MD_DISK, "cannot write meta data");
	for (struct connection *c = dev->res->connections; c; c = c->next) {
		struct peer_device *pd = conn_find_peer_device(c, dev->volume);
		if (pd && pd_connected(pd))
			resize_send_sizes(c, pd, a->assume_clean ? DDSF_NO_RESYNC : 0);
	}
	return DRBD_NO_ERROR;
}

/* The bitmap exchange covers the smaller of both sizes: wait (a while)
 * for the peer's P_SIZES that answers our resize. Under eng->lock. */
static bool peer_follows(struct engine *eng, unsigned minor, int peer_node_id)
{
	for (int tries = 0; tries < RESIZE_ANSWER_TRIES; tries++) {
		struct device *d = engine_find_minor(eng, minor);
		struct connection *c = d ? resource_find_connection(d->res, peer_node_id) : NULL;
		struct peer_device *pd = c ? conn_find_peer_device(c, d->volume) : NULL;

		if (!pd || pd->repl != L_ESTABLISHED)
			return false;
		if (pd->peer.c_size >= d->size_sect)
			return true;
		plat_cond_timedwait(&eng->state_changed, &eng->lock, 100);
	}
	return false;
}

/* The peer devices of minor's Established connections, and whether we are
 * the source: the Primary's data is the good one (DRBD's resync after
 * online grow); with no Primary, the node that resized. */
static int resync_peers(struct engine *eng, unsigned minor, int *peers, bool *source)
{
	struct device *d = engine_find_minor(eng, minor);
	int n = 0;

	*source = d && d->res->role == R_PRIMARY;
	for (struct connection *c = d ? d->res->connections : NULL; c; c = c->next) {
		struct peer_device *pd = conn_find_peer_device(c, d->volume);
		if (pd && pd->repl == L_ESTABLISHED) {
			if (c->peer_role == R_PRIMARY)
				*source = false;
			peers[n++] = c->peer_node_id;
		}
	}
	return n;
}

void resize_resync(struct engine *eng, unsigned minor)
{
	int peers[DRBD_NODE_ID_MAX + 1], n;
	bool source;

	plat_mutex_lock(&eng->lock);
	n = resync_peers(eng, minor, peers, &source);
	plat_mutex_unlock(&eng->lock);
	for (int i = 0; i < n; i++) {
		struct peer_device *pd = NULL;
		struct device *d = NULL;
		struct cmd_reply r;

		plat_mutex_lock(&eng->lock);
		if (peer_follows(eng, minor, peers[i])) {
			d = engine_find_minor(eng, minor);
			pd = conn_find_peer_device(resource_find_connection(d->res, peers[i]),
						   d->volume);
		}
		plat_mutex_unlock(&eng->lock);
		cmd_reply_init(&r);
		if (pd && source)
			peer_device_invalidate_remote(pd, false, &r);
		else if (pd)
			device_invalidate(d, false, peers[i], &r);
		else
			r.ret_code = SS_NEED_CONNECTION;
		if (r.ret_code != DRBD_NO_ERROR)
			plat_warn("minor %u: resync of the grown area with node %d not started "
				  "(%d); it follows at the next connect", minor, peers[i],
				  r.ret_code);
	}
}
