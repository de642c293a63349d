/* Agreeing on the device size with a peer (core/size.h). */
#include "core/size.h"

#include "core/engine.h"
#include "core/resize.h"
#include "wire/packets.h"
#include "md/md.h"

#include <errno.h>

static uint64_t min_not_zero(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

uint64_t size_agreed(uint64_t my_d, uint64_t my_u, uint64_t last_agreed,
		     uint64_t peer_d, uint64_t peer_u)
{
	uint64_t u = min_not_zero(my_u, peer_u), size;

	if (my_d && peer_d)
		size = my_d < peer_d ? my_d : peer_d;
	else if (last_agreed)
		size = min_not_zero(last_agreed, min_not_zero(my_d, peer_d));
	else
		size = my_d ? my_d : peer_d;
	/* A user size above that is refused at attach/resize, not here. */
	if (u && u < size)
		size = u;
	return size;
}

/* Once connected, a P_SIZES is the peer's resize (DRBD 9's receive_sizes):
 * its user size becomes ours ("Peer sets u_size"), and the device grows
 * (or shrinks) to what both hold, capped by the size the peer chose. The
 * grown area is out of sync unless the peer said --assume-clean
 * (DDSF_NO_RESYNC); the peer that resized starts that resync. Under
 * eng->lock. */
static void follow_peer_resize(struct connection *c, struct peer_device *pd)
{
	struct device *d = pd->dev;
	uint64_t size, old = d->size_sect;

	if (pd->peer.u_size != d->conf.size_sect) {
		plat_notice("%s/%u %s: Peer sets u_size to %llu sectors (old: %llu)",
			    c->res->name, d->volume, c->conf.name,
			    (unsigned long long)pd->peer.u_size,
			    (unsigned long long)d->conf.size_sect);
		d->conf.size_sect = pd->peer.u_size;
	}
	size = size_agreed(md_usable_sectors(d->md), d->conf.size_sect, 0,
			   pd->peer.d_size, 0);
	if (pd->peer.c_size && pd->peer.c_size < size)
		size = pd->peer.c_size;
	if (size == old || (size < old && !pd->peer.d_size))
		return;
	if (size > old && !(pd->peer.dds_flags & DDSF_NO_RESYNC))
		resize_mark_grown(d, old, size);
	if (resize_apply(d, size))
		plat_err("%s/%u: writing the new size failed", c->res->name, d->volume);
	/* answered, as DRBD does when its size changed: the peer's bitmap
	 * exchange covers the size both now have */
	resize_send_sizes(c, pd, pd->peer.dds_flags);
}

int size_from_peer(struct connection *c, struct peer_device *pd)
{
	struct device *d = pd->dev;
	struct md_sb *sb;
	uint64_t size;
	int err = 0;

	plat_mutex_lock(&c->res->eng->lock);
	if (!d->md)
		goto out;
	if (pd->repl >= L_ESTABLISHED) {
		follow_peer_resize(c, pd);
		goto out;
	}
	sb = md_sb(d->md);
	size = size_agreed(md_usable_sectors(d->md), d->conf.size_sect, sb->effective_size,
			   pd->peer.d_size, pd->peer.u_size);
	if (!size || size >= d->size_sect)
		goto out;
	/* Shrinking away data someone may rely on needs an explicit resize
	 * (8.4 refuses while not yet connected). */
	if (d->disk >= D_OUTDATED) {
		plat_err("%s/%u %s: The peer's disk size is too small! (%llu < %llu sectors)",
			 c->res->name, d->volume, c->conf.name, (unsigned long long)size,
			 (unsigned long long)d->size_sect);
		err = -ENOTSUP;
		goto out;
	}
	d->size_sect = size;
	sb->effective_size = size;
	if (md_sb_write(d->md))
		plat_err("%s/%u: writing the agreed size failed", c->res->name, d->volume);
	/* 8.4's words; its MB are rounded to the nearest. */
	plat_notice("%s/%u %s: size = %llu MB (%llu KB)", c->res->name, d->volume, c->conf.name,
		    (unsigned long long)((size >> 11) + ((size >> 10) & 1)),
		    (unsigned long long)(size >> 1));
	engine_state_changed(c->res->eng);
out:
	plat_mutex_unlock(&c->res->eng->lock);
	return err;
}
