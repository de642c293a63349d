/* drbdsetup resize (core/resize.c). */
#ifndef UDRBD_CORE_RESIZE_H
#define UDRBD_CORE_RESIZE_H

#include "core/engine.h"
#include "core/reply.h"

struct resize_args {
	uint64_t size_sect;		/* --size; 0: as large as possible */
	bool assume_peer_has_space;	/* unconnected peers do not limit */
	bool assume_clean;		/* a grown area needs no resync */
};

/* Under eng->lock: agrees on the new size (ours, the connected peers',
 * --size), applies it to the device, its meta data and export, and sends
 * P_SIZES to connected peers. *grown tells whether the grown area must be
 * resynced (then call resize_resync without eng->lock). */
int device_resize(struct device *dev, const struct resize_args *a, bool *grown,
		  struct cmd_reply *r);
/* Without eng->lock: a bitmap-based resync of what the resize marked, with
 * every connected peer; the Primary side (or we) are the source. */
void resize_resync(struct engine *eng, unsigned minor);

/* Marks [from, to) sectors out of sync for every peer slot of dev. */
void resize_mark_grown(struct device *dev, uint64_t from, uint64_t to);
/* P_SIZES of our volume to one peer (flags: DDSF_*). */
struct connection;
struct peer_device;
void resize_send_sizes(struct connection *c, struct peer_device *pd, uint16_t flags);
/* The new size everywhere: device, super block, export. Under eng->lock. */
int resize_apply(struct device *dev, uint64_t size);

#endif
