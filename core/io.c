/* The request path of a device, as the NBD front end calls it.
 *
 * Life of a write (ARCHITECTURE.md): make the 4 MiB extent hot in the
 * activity log (an AL transaction first if it was cold), write the backing
 * device, then record the blocks as out of sync for every peer that is not
 * connected. With no connections yet, the last step marks nothing;
 * replication adds it.
 *
 * No engine lock here: in_flight under io_lock pins dev->data and dev->md
 * against a concurrent detach (see core/engine.h). */
#include "core/io.h"
#include "core/ops.h"
#include "core/repl.h"
#include "core/suspend.h"
#include "front/nbd.h"
#include "md/md.h"

#include <string.h>

/* Who is doing I/O: the NBD client of a Primary, a Primary peer writing
 * to this Secondary, or resync (in either role: a SyncSource may be
 * Secondary). */
enum io_origin { IO_LOCAL, IO_PEER, IO_RESYNC };

/* Whether a request may enter now; under io_lock. */
static int io_check(struct device *dev, enum io_origin who)
{
	bool primary = dev->res->role == R_PRIMARY;

	if (who == IO_LOCAL && !dev->data && dev->disk == D_DISKLESS && primary)
		return 0;	/* a diskless Primary: its peers serve */
	if (dev->io_blocked || dev->failed_pending || !dev->data ||
	    dev->disk < D_INCONSISTENT)
		return -EIO;
	if ((who == IO_LOCAL && !primary) || (who == IO_PEER && primary))
		return -EROFS;
	return 0;
}

/* How often a request held by suspend-io looks again: a detach does not
 * wake it, but waits for it, as it counts in flight meanwhile. */
#define IO_SUSPEND_RECHECK_MS 100

/* Enters the request path; fails when the disk is gone or failed, so
 * nothing ever returns stale or zeroed data as if it were good. New
 * application I/O waits while the resource is suspended (core/suspend.c);
 * a forced demotion, which waits for the export's requests, fails it. */
static int io_begin_as(struct device *dev, enum io_origin who)
{
	int err;

	plat_mutex_lock(&dev->io_lock);
	while (!(err = io_check(dev, who)) && who == IO_LOCAL &&
	       resource_io_suspended(dev->res)) {
		if (dev->exp && !nbd_export_available(dev->exp)) {
			err = -ESHUTDOWN;
			break;
		}
		dev->in_flight++;
		plat_cond_timedwait(&dev->io_idle, &dev->io_lock, IO_SUSPEND_RECHECK_MS);
		if (--dev->in_flight == 0)
			plat_cond_broadcast(&dev->io_idle);
	}
	if (!err)
		dev->in_flight++;
	plat_mutex_unlock(&dev->io_lock);
	return err;
}

static int io_begin(struct device *dev)
{
	return io_begin_as(dev, IO_LOCAL);
}

static void io_end(struct device *dev)
{
	plat_mutex_lock(&dev->io_lock);
	if (--dev->in_flight == 0)
		plat_cond_broadcast(&dev->io_idle);
	plat_mutex_unlock(&dev->io_lock);
}

/* A backing-device error, per on-io-error: detach (default) marks the disk
 * Failed and lets the worker detach it; call-local-io-error also has the
 * worker call that handler first; pass_on only reports it. */
static int io_error(struct device *dev, int err, const char *what, uint64_t off,
		    uint32_t len)
{
	plat_err("%s/%u: %s error at byte %llu (+%u) on %s: %s", dev->res->name,
		 dev->volume, what, (unsigned long long)off, len,
		 dev->backing_path ? dev->backing_path : "?", plat_strerror(err));
	/* call-local-io-error detaches too, after its handler (8.4 marks the
	 * disk Failed for both and calls the helper on that state change). */
	if (dev->conf.on_io_error != EP_PASS_ON) {
		plat_mutex_lock(&dev->io_lock);
		if (!dev->failed_pending) {
			dev->failed_pending = true;
			dev->local_io_error_due = dev->conf.on_io_error == EP_CALL_HELPER;
			dev->disk = D_FAILED;
		}
		plat_mutex_unlock(&dev->io_lock);
		engine_kick_worker(dev->res->eng);
	}
	return -EIO;
}

/* A hidden file system shows its real signature to every reader of the
 * device: NBD clients, peers resyncing or verifying (md/fshide.h). */
static void show_fs(struct device *dev, void *buf, uint32_t len, uint64_t off)
{
	if (off >= FSHIDE_SECTOR)
		return;
	plat_mutex_lock(&dev->io_lock);
	fshide_on_read(buf, off, len, &dev->fshide);
	plat_mutex_unlock(&dev->io_lock);
}

static void count(struct device *dev, uint64_t *counter, uint32_t len)
{
	plat_mutex_lock(&dev->io_lock);
	*counter += len >> 9;
	plat_mutex_unlock(&dev->io_lock);
}

/* A peer takes at most DRBD_MAX_BIO_SIZE (1 MiB) in one P_DATA or read
 * request (§16); NBD clients send up to 2 MiB (WNBD does). */
#define IO_MAX_PIECE (1u << 20)

int dev_io_read(void *ctx, void *buf, uint32_t len, uint64_t off)
{
	struct device *dev = ctx;
	int err = io_begin(dev);

	if (err)
		return err;
	if (!dev->data) {
		for (uint32_t done = 0; !err && done < len;) {
			uint32_t n = len - done > IO_MAX_PIECE ? IO_MAX_PIECE : len - done;
			err = repl_read(dev, (uint8_t *)buf + done, n, off + done);
			done += n;
		}
		io_end(dev);
		return err;
	}
	if (engine_should_fault(dev->res->eng, dev, DRBD_FAULT_DT_RD))
		err = -EIO;
	else
		err = plat_bdev_pread(dev->data, buf, len, off);
	if (err) {
		err = io_error(dev, err, "read", off, len);
	} else {
		show_fs(dev, buf, len, off);
		count(dev, &dev->stats.read_sect, len);
	}
	io_end(dev);
	return err;
}

static int write_disk(struct device *dev, const void *buf, uint32_t len,
		      uint64_t off, bool fua)
{
	bool al = !__atomic_load_n(&dev->al_suspended, __ATOMIC_RELAXED);
	int err = al ? md_al_begin_write(dev->md, off >> 9, len) : 0;

	if (err)
		return io_error(dev, err, "activity log write", off, len);
	if (engine_should_fault(dev->res->eng, dev, DRBD_FAULT_DT_WR))
		err = -EIO;
	else
		err = plat_bdev_pwrite(dev->data, buf, len, off);
	if (!err && fua && dev->conf.disk_flushes)
		err = plat_bdev_flush(dev->data);
	if (al)
		md_al_complete_write(dev->md, off >> 9, len);
	if (err)
		return io_error(dev, err, "write", off, len);
	count(dev, &dev->stats.written_sect, len);
	return 0;
}

/* A write over the boot sector goes to the disk hidden (md/fshide.h), on
 * a copy: the caller's buffer is what peers get. *copy is NULL when the
 * buffer passes as it is. */
static int hide_fs(struct device *dev, const void *buf, uint32_t len, uint64_t off,
		   void **copy)
{
	*copy = NULL;
	if (!fshide_write_touches(off, len))
		return 0;
	*copy = plat_alloc_aligned(len);
	if (!*copy)
		return -ENOMEM;
	memcpy(*copy, buf, len);
	plat_mutex_lock(&dev->io_lock);
	fshide_on_write(*copy, off, len, &dev->fshide);
	plat_mutex_unlock(&dev->io_lock);
	return 0;
}

static int write_local(struct device *dev, const void *buf, uint32_t len,
		       uint64_t off, bool fua)
{
	void *copy;
	int err;

	if (!dev->data)
		return 0;	/* diskless: the peers' copies are the data */
	err = hide_fs(dev, buf, len, off, &copy);

	if (err)
		return io_error(dev, err, "write", off, len);
	err = write_disk(dev, copy ? copy : buf, len, off, fua);
	plat_free_aligned(copy);
	return err;
}

int dev_io_write(void *ctx, const void *buf, uint32_t len, uint64_t off, bool fua)
{
	struct device *dev = ctx;
	int err = io_begin(dev);

	if (err)
		return err;
	for (uint32_t done = 0; !err && done < len;) {
		uint32_t n = len - done > IO_MAX_PIECE ? IO_MAX_PIECE : len - done;
		err = repl_write(dev, (const uint8_t *)buf + done, n, off + done, fua,
				 write_local);
		done += n;
	}
	io_end(dev);
	return err;
}

int dev_peer_write(struct device *dev, const void *buf, uint32_t len, uint64_t off,
		   bool fua)
{
	int err = io_begin_as(dev, IO_PEER);

	if (err)
		return err;
	err = write_local(dev, buf, len, off, fua);
	io_end(dev);
	return err;
}

int dev_peer_read(struct device *dev, void *buf, uint32_t len, uint64_t off)
{
	int err = io_begin_as(dev, IO_RESYNC);

	if (err)
		return err;
	err = plat_bdev_pread(dev->data, buf, len, off);
	if (err)
		err = io_error(dev, err, "resync read", off, len);
	else
		show_fs(dev, buf, len, off);
	io_end(dev);
	return err;
}

int dev_resync_write(struct device *dev, const void *buf, uint32_t len, uint64_t off)
{
	int err = io_begin_as(dev, IO_RESYNC);

	if (err)
		return err;
	err = write_local(dev, buf, len, off, false);
	io_end(dev);
	return err;
}

int dev_peer_flush(struct device *dev)
{
	int err = io_begin_as(dev, IO_PEER);

	if (err)
		return err;
	err = dev->conf.disk_flushes ? plat_bdev_flush(dev->data) : 0;
	if (err)
		err = io_error(dev, err, "flush", 0, 0);
	io_end(dev);
	return err;
}

/* An NBD FLUSH: our disk, and the peers' through a barrier (§13.2). A
 * peer that fails it is dropped (its blocks resync); the flush fails only
 * when nothing holds the data stably: our disk, or a diskless node's
 * every peer. */
int dev_io_flush(void *ctx)
{
	struct device *dev = ctx;
	int err = io_begin(dev), rerr;

	if (err)
		return err;
	rerr = repl_flush(dev->res);
	if (dev->data) {
		err = dev->conf.disk_flushes ? plat_bdev_flush(dev->data) : 0;
		if (err)
			err = io_error(dev, err, "flush", 0, 0);
	} else {
		err = rerr ? -EIO : 0;
	}
	io_end(dev);
	return err;
}

static const uint8_t io_zeros[65536] __attribute__((aligned(4096)));

static int zero_chunks(struct device *dev, uint64_t off, uint32_t len,
		       int (*put)(struct device *dev, uint64_t off, uint32_t n))
{
	int err = 0;

	for (uint32_t done = 0; !err && done < len;) {
		uint32_t n = len - done > sizeof(io_zeros) ? sizeof(io_zeros) : len - done;
		err = put(dev, off + done, n);
		done += n;
	}
	return err;
}

static int put_local(struct device *dev, uint64_t off, uint32_t n)
{
	return plat_bdev_pwrite(dev->data, io_zeros, n, off);
}

static int write_zeroes(struct device *dev, uint64_t off, uint32_t len)
{
	return zero_chunks(dev, off, len, put_local);
}

/* Trim and write-zeroes change data like a write: the AL covers them too,
 * so a crash in the middle resyncs the range. Reads after either return
 * zeros (a punched hole in a file reads as zeros). */
static int zero_range(struct device *dev, uint64_t off, uint32_t len, bool discard)
{
	bool al = !__atomic_load_n(&dev->al_suspended, __ATOMIC_RELAXED);
	int err = al ? md_al_begin_write(dev->md, off >> 9, len) : 0;

	if (err)
		return io_error(dev, err, "activity log write", off, len);
	err = discard ? plat_bdev_discard(dev->data, off, len) : -EOPNOTSUPP;
	if (err == -EOPNOTSUPP)
		err = write_zeroes(dev, off, len);
	if (al)
		md_al_complete_write(dev->md, off >> 9, len);
	if (err)
		return io_error(dev, err, discard ? "discard" : "write-zeroes", off, len);
	if (off < FSHIDE_SECTOR) {
		/* the boot sector is gone: nothing hidden any more */
		plat_mutex_lock(&dev->io_lock);
		fshide_state_none(&dev->fshide);
		plat_mutex_unlock(&dev->io_lock);
	}
	count(dev, &dev->stats.written_sect, len);
	/* P_TRIM/P_ZEROES need features this release does not agree on: the
	 * peers get the range out of sync instead (a resync fixes it). */
	repl_mark_out_of_sync(dev, off, len, NULL, 0);
	return 0;
}

/* A diskless node has no range to punch: zeros go to the peers as writes
 * (P_TRIM/P_ZEROES are not agreed in this release). */
static int put_remote(struct device *dev, uint64_t off, uint32_t n)
{
	return repl_write(dev, io_zeros, n, off, false, write_local);
}

static int zero_remote(struct device *dev, uint64_t off, uint32_t len)
{
	return zero_chunks(dev, off, len, put_remote);
}

int dev_io_trim(void *ctx, uint64_t off, uint32_t len)
{
	struct device *dev = ctx;
	int err = io_begin(dev);

	if (err)
		return err;
	err = dev->data ? zero_range(dev, off, len, true) : zero_remote(dev, off, len);
	io_end(dev);
	return err;
}

int dev_io_zero(void *ctx, uint64_t off, uint32_t len, bool may_trim, bool fua)
{
	struct device *dev = ctx;
	int err = io_begin(dev);

	if (err)
		return err;
	if (!dev->data) {
		err = zero_remote(dev, off, len);
		io_end(dev);
		return err;
	}
	err = zero_range(dev, off, len, may_trim);
	if (!err && fua)
		err = plat_bdev_flush(dev->data);
	io_end(dev);
	return err;
}
