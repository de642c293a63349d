/* The configuration operations of the engine, one per drbdsetup command.
 * All run with eng->lock held (see core/engine.h), fill a cmd_reply the way
 * the DRBD kernel fills its netlink reply, and return its ret_code. */
#ifndef UDRBD_CORE_OPS_H
#define UDRBD_CORE_OPS_H

#include "core/engine.h"
#include "core/reply.h"

struct attach_args {
	const char *backing;		/* lower device */
	const char *meta;		/* meta device (== backing for internal) */
	int meta_index;			/* MD_IDX_* or >= 0 */
	struct disk_conf conf;
};

void disk_conf_default(struct disk_conf *c);

int resource_new(struct engine *eng, const char *name, int node_id,
		 struct cmd_reply *r);
int resource_del(struct engine *eng, const char *name, struct cmd_reply *r);
/* Demotes, detaches and deletes every volume, then the resource. With
 * force, refusals (device open) are overridden (daemon shutdown). */
int resource_down(struct resource *res, bool force, struct cmd_reply *r);

int device_new(struct resource *res, unsigned minor, unsigned volume,
	       struct cmd_reply *r);
int device_del(struct device *dev, struct cmd_reply *r);

int device_attach(struct device *dev, const struct attach_args *a,
		  struct cmd_reply *r);
int device_detach(struct device *dev, bool force, struct cmd_reply *r);
/* Worker: finishes the detach of a disk that failed (on-io-error detach). */
void device_detach_failed(struct device *dev);

int resource_primary(struct resource *res, bool force, struct cmd_reply *r);
/* force (drbdsetup secondary --force): demote although NBD clients hold an
 * export; their further requests fail (ESHUTDOWN). */
int resource_secondary(struct resource *res, bool force, struct cmd_reply *r);
int device_new_current_uuid(struct device *dev, bool clear_bitmap,
			    struct cmd_reply *r);

/* The NBD export of a device: exists while attached, served while the
 * resource is Primary (core/export.c). */
int device_export_add(struct device *dev);
void device_export_remove(struct device *dev);
void device_export_set_available(struct device *dev, bool on);
/* NBD clients currently using the export ("open:" in status). */
unsigned device_open_count(struct device *dev);
/* Stops serving unless a client holds the export: 0 or -EBUSY (atomic in
 * the front end, so no client slips in between check and demotion). */
int device_export_unavailable_if_idle(struct device *dev);

#endif
