/* The request path of a device (core/io.c): the functions the NBD front end
 * calls with the device as ctx. Byte offsets and lengths of the DRBD
 * device; 0 or a negative errno code (-EIO for a failed or missing disk,
 * -EROFS when the resource is not Primary). */
#ifndef UDRBD_CORE_IO_H
#define UDRBD_CORE_IO_H

#include <stdbool.h>
#include <stdint.h>

int dev_io_read(void *ctx, void *buf, uint32_t len, uint64_t off);
int dev_io_write(void *ctx, const void *buf, uint32_t len, uint64_t off, bool fua);
int dev_io_flush(void *ctx);
int dev_io_trim(void *ctx, uint64_t off, uint32_t len);
int dev_io_zero(void *ctx, uint64_t off, uint32_t len, bool may_trim, bool fua);

/* Writes received from the peer while Secondary (core/conn_rx_data.c). */
struct device;
int dev_peer_write(struct device *dev, const void *buf, uint32_t len, uint64_t off,
		   bool fua);
int dev_peer_flush(struct device *dev);
/* Resync I/O, in either role. */
int dev_peer_read(struct device *dev, void *buf, uint32_t len, uint64_t off);
int dev_resync_write(struct device *dev, const void *buf, uint32_t len, uint64_t off);

#endif
