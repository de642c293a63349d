/* A device's NBD export ("drbd<MINOR>"): created with the first attach,
 * served only while the resource is Primary (ARCHITECTURE.md: the export
 * exists only while the node is Primary, as on WinDRBD). */
#include "core/io.h"
#include "core/ops.h"
#include "front/nbd.h"

#include <stdio.h>

static const struct nbd_export_ops dev_export_ops = {
	.pread = dev_io_read,
	.pwrite = dev_io_write,
	.flush = dev_io_flush,
	.trim = dev_io_trim,
	.zero = dev_io_zero,
};

int device_export_add(struct device *dev)
{
	struct nbd_export_config cfg = { 0 };
	char name[32], msg[256];
	int err;

	if (!dev->res->eng->nbd)
		return 0;
	snprintf(name, sizeof(name), "drbd%u", dev->minor);
	snprintf(msg, sizeof(msg), "%%s (resource %s) is Secondary; "
		 "promote it with 'drbdsetup primary %s'", dev->res->name, dev->res->name);
	cfg.name = name;
	cfg.size = dev->size_sect << 9;
	cfg.multi_conn = true;
	cfg.available = dev->res->role == R_PRIMARY;
	cfg.unavailable_msg = msg;
	cfg.ops = &dev_export_ops;
	cfg.ctx = dev;
	err = nbd_export_new(&cfg, &dev->exp);
	if (err)
		goto fail;
	err = nbd_server_add_export(dev->res->eng->nbd, dev->exp);
	if (err) {
		nbd_export_free(dev->exp);
		dev->exp = NULL;
		goto fail;
	}
	return 0;
fail:
	plat_err("%s/%u: cannot create NBD export %s: %s", dev->res->name, dev->volume,
		 name, plat_strerror(err));
	return err;
}

void device_export_remove(struct device *dev)
{
	if (!dev->exp)
		return;
	nbd_server_remove_export(dev->res->eng->nbd, dev->exp);
	nbd_export_free(dev->exp);
	dev->exp = NULL;
}

void device_export_set_available(struct device *dev, bool on)
{
	if (dev->exp) {
		nbd_export_set_size(dev->exp, dev->size_sect << 9);
		nbd_export_set_available(dev->exp, on);
	}
}

unsigned device_open_count(struct device *dev)
{
	return dev->exp ? nbd_export_open_count(dev->exp) : 0;
}

int device_export_unavailable_if_idle(struct device *dev)
{
	return dev->exp ? nbd_export_set_unavailable_if_idle(dev->exp) : 0;
}
