/* Attaching and detaching the backing disk of a device (volume). */
#include "core/conn.h"
#include "core/ops.h"
#include "core/size.h"
#include "md/md.h"

#include <stdlib.h>
#include <string.h>

void disk_conf_default(struct disk_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->on_io_error = EP_DETACH;
	c->al_extents = AL_EXTENTS_DEFAULT;
	c->al_updates = true;
	c->md_flushes = true;
	c->disk_flushes = true;
}

/* The kernel's answers to meta data it cannot use, with our fix hint. */
static int md_refusal(int err, const char *why, struct cmd_reply *r)
{
	switch (err) {
	case -ENOMSG:
		return cmd_reply_set(r, ERR_MD_INVALID,
				     "Meta data magic not found. Did you \"drbdadm create-md\"?\n%s",
				     why);
	case -ENOSPC:
		return cmd_reply_set(r, ERR_MD_DISK_TOO_SMALL, "%s", why);
	case -EIO:
		return cmd_reply_set(r, ERR_IO_MD_DISK, "%s", why);
	case -EUCLEAN:
		return cmd_reply_set(r, ERR_MD_UNCLEAN, "%s", why);
	default:
		return cmd_reply_set(r, ERR_MD_INVALID, "%s", why);
	}
}

static int open_disks(struct device *dev, const struct attach_args *a,
		      struct cmd_reply *r)
{
	unsigned flags = PLAT_BDEV_DIRECT | PLAT_BDEV_EXCL;
	int err;

	err = plat_bdev_open(a->backing, flags, &dev->data);
	if (err)
		return cmd_reply_set(r, CMD_OTHER_ERROR, "Can not open device '%s': %s",
				     a->backing, plat_strerror(err));
	if (md_idx_is_internal(a->meta_index) || strcmp(a->meta, a->backing) == 0) {
		dev->meta = dev->data;
		return DRBD_NO_ERROR;
	}
	err = plat_bdev_open(a->meta, flags, &dev->meta);
	if (err)
		return cmd_reply_set(r, CMD_OTHER_ERROR, "Can not open device '%s': %s",
				     a->meta, plat_strerror(err));
	return DRBD_NO_ERROR;
}

/* What file system the backing device carries (md/fshide.h): a hidden
 * one is shown to readers; a visible one is refused where the OS would
 * mount it behind our back, as WinDRBD refuses it (windrbd-facts.md
 * §1.3). */
static int check_filesystem(struct device *dev, const struct attach_args *a,
			    struct cmd_reply *r)
{
	uint8_t *sec = plat_alloc_aligned(4096);
	bool hide = dev->res->eng->hide_filesystems;
	enum fshide_found f;
	int err;

	if (!sec)
		return cmd_reply_set(r, ERR_NOMEM, NULL);
	err = plat_bdev_pread(dev->data, sec, 4096, 0);
	if (err) {
		plat_free_aligned(sec);
		return cmd_reply_set(r, ERR_OPEN_DISK, "cannot read %s: %s", a->backing,
				     plat_strerror(err));
	}
	plat_mutex_lock(&dev->io_lock);
	f = fshide_state_init(&dev->fshide, sec, hide);
	plat_mutex_unlock(&dev->io_lock);
	plat_free_aligned(sec);
	if (f == FSHIDE_SHOWN && hide)
		return cmd_reply_set(r, ERR_OPEN_DISK, "Backing device %s contains a(n) %s file "
				     "system, refusing to use it. Hide it first: udrbd "
				     "hide-filesystem %s", a->backing, dev->fshide.name, a->backing);
	if (f == FSHIDE_HIDDEN)
		plat_notice("%s/%u: %s carries a hidden %s file system: shown through the "
			    "device, kept hidden on the disk", dev->res->name, dev->volume,
			    a->backing, dev->fshide.name);
	return DRBD_NO_ERROR;
}

static void close_disks(struct device *dev)
{
	if (dev->meta && dev->meta != dev->data)
		plat_bdev_close(dev->meta);
	plat_bdev_close(dev->data);
	dev->meta = dev->data = NULL;
	free(dev->backing_path);
	free(dev->meta_path);
	dev->backing_path = dev->meta_path = NULL;
}

/* Reads the meta data. Unclean meta data (a crash while attached) gets
 * the AL replay drbdadm would run before attach ("drbdmeta apply-al",
 * drbd-metadata-resync.md §1.9, §3.6); if that fails, attach is refused
 * as the kernel refuses unclean meta data (ERR_MD_UNCLEAN). */
static int load_md(struct device *dev, const struct attach_args *a,
		   struct cmd_reply *r)
{
	struct md_apply_result res = { 0 };
	struct md_attach_opts o;
	char why[256] = "";
	int err;

	md_attach_opts_default(&o);
	o.meta_index = a->meta_index;
	o.node_id = dev->res->node_id;
	o.al_extents = a->conf.al_extents;
	o.al_updates = a->conf.al_updates;
	o.md_flushes = a->conf.md_flushes;
	err = md_attach(dev->data, dev->meta, &o, &dev->md, why, sizeof(why));
	if (err == -EUCLEAN) {
		plat_warn("%s/%u: meta data of %s is unclean (crash?): replaying the "
			  "activity log", dev->res->name, dev->volume, a->meta);
		err = md_apply_al(dev->meta, a->meta_index, 9, &res, why, sizeof(why));
		if (!err) {
			plat_notice("%s/%u: activity log of %s applied: %u hot extents, "
				    "%llu KiB marked out of sync", dev->res->name,
				    dev->volume, a->meta, res.n_extents,
				    (unsigned long long)res.bits_marked * 4);
			err = md_attach(dev->data, dev->meta, &o, &dev->md, why, sizeof(why));
		} else if (err != -EIO) {
			err = -EUCLEAN;
		}
	}
	if (err) {
		plat_err("%s/%u: attach of %s refused: %s", dev->res->name, dev->volume,
			 a->backing, why);
		return md_refusal(err, why, r);
	}
	return DRBD_NO_ERROR;
}

/* Initial disk state from the super block flags (§1.9): with no peer whose
 * fencing could object, a Consistent disk counts as UpToDate. */
static enum drbd_disk_state disk_state_from_md(struct md_sb *sb)
{
	if (!(sb->flags & MDF_CONSISTENT))
		return D_INCONSISTENT;
	if (!(sb->flags & MDF_WAS_UP_TO_DATE))
		return D_OUTDATED;
	return D_UP_TO_DATE;
}

int device_attach(struct device *dev, const struct attach_args *a,
		  struct cmd_reply *r)
{
	struct md_sb *sb;
	uint64_t usable;
	int rc;

	if (dev->disk != D_DISKLESS)
		return cmd_reply_set(r, ERR_DISK_CONFIGURED, NULL);
	rc = open_disks(dev, a, r);
	if (rc == DRBD_NO_ERROR)
		rc = check_filesystem(dev, a, r);
	if (rc != DRBD_NO_ERROR)
		goto fail;
	rc = load_md(dev, a, r);
	if (rc != DRBD_NO_ERROR)
		goto fail;
	usable = md_usable_sectors(dev->md);
	if (a->conf.size_sect > usable) {
		rc = cmd_reply_set(r, ERR_DISK_TOO_SMALL,
				   "max capacity %llu smaller than disk size %llu",
				   (unsigned long long)usable,
				   (unsigned long long)a->conf.size_sect);
		goto fail_md;
	}
	sb = md_sb(dev->md);
	if ((sb->flags & MDF_PRIMARY_IND) && dev->res->role != R_PRIMARY)
		sb->flags |= MDF_CRASHED_PRIMARY;
	dev->crashed_primary = sb->flags & MDF_CRASHED_PRIMARY;
	/* Alone, the size last agreed with a peer stays (8.4's attach keeps
	 * la_size_sect, capped by the disk): a larger disk attached again
	 * still fits its smaller peer (tests/interop sizes). */
	dev->size_sect = size_agreed(usable, a->conf.size_sect, sb->effective_size, 0, 0);
	sb->effective_size = dev->size_sect;
	if (md_sb_write(dev->md)) {
		rc = cmd_reply_set(r, ERR_IO_MD_DISK, "cannot write the super block");
		goto fail_md;
	}
	dev->conf = a->conf;
	dev->meta_index = a->meta_index;
	dev->backing_path = strdup(a->backing);
	dev->meta_path = strdup(a->meta);
	dev->disk = disk_state_from_md(sb);
	device_assign_slots(dev);
	device_try_suspend_al(dev);
	plat_mutex_lock(&dev->io_lock);
	dev->io_blocked = false;
	memset(&dev->stats, 0, sizeof(dev->stats));
	plat_mutex_unlock(&dev->io_lock);
	if (!dev->exp)
		device_export_add(dev);
	plat_notice("%s/%u: attached %s (%llu sectors), disk %s", dev->res->name,
		    dev->volume, a->backing, (unsigned long long)dev->size_sect,
		    drbd_disk_state_name(dev->disk));
	engine_state_changed(dev->res->eng);
	return DRBD_NO_ERROR;
fail_md:
	md_detach(dev->md);
	dev->md = NULL;
fail:
	close_disks(dev);
	return rc;
}

/* Stops new I/O and waits for the requests in flight. */
static void drain_io(struct device *dev)
{
	plat_mutex_lock(&dev->io_lock);
	dev->io_blocked = true;
	while (dev->in_flight)
		plat_cond_wait(&dev->io_idle, &dev->io_lock);
	plat_mutex_unlock(&dev->io_lock);
}

static void release_disk(struct device *dev, enum drbd_disk_state final)
{
	int err;

	/* A Primary keeps its export, so its clients get I/O errors rather
	 * than a vanished disk; a Secondary has nothing to serve. */
	if (dev->res->role != R_PRIMARY)
		device_export_remove(dev);
	drain_io(dev);
	if (dev->md) {
		err = md_detach(dev->md);
		if (err)
			plat_err("%s/%u: writing meta data on detach failed: %s",
				 dev->res->name, dev->volume, plat_strerror(err));
		dev->md = NULL;
	}
	close_disks(dev);
	dev->disk = final;
	dev->failed_pending = false;
	engine_state_changed(dev->res->eng);
}

int device_detach(struct device *dev, bool force, struct cmd_reply *r)
{
	if (dev->disk == D_DISKLESS)
		return DRBD_NO_ERROR;
	/* Without peers a Primary would lose its only data: DRBD refuses. */
	if (dev->res->role == R_PRIMARY && !force)
		return cmd_reply_set(r, SS_NO_UP_TO_DATE_DISK, NULL);
	if (device_open_count(dev) && !force)
		return cmd_reply_set(r, SS_DEVICE_IN_USE, NULL);
	dev->disk = D_DETACHING;
	engine_state_changed(dev->res->eng);
	release_disk(dev, D_DISKLESS);
	plat_notice("%s/%u: detached", dev->res->name, dev->volume);
	return DRBD_NO_ERROR;
}

void device_detach_failed(struct device *dev)
{
	plat_err("%s/%u: detaching after an I/O error on %s (on-io-error detach)",
		 dev->res->name, dev->volume,
		 dev->backing_path ? dev->backing_path : "the backing device");
	release_disk(dev, D_DISKLESS);
}
