/* md/fsdetect: what lives at the start of a device create-md is about to
 * overwrite (file system super block signatures). */
#ifndef UDRBD_MD_FSDETECT_H
#define UDRBD_MD_FSDETECT_H

#include <stddef.h>
#include <stdint.h>

#define FS_PROBE_BYTES (68 * 1024)	/* reiserfs' super block ends below */

struct fs_probe {
	const char *type;	/* "ext3 filesystem", ..., "some data" */
	uint64_t blocks, block_size;	/* 0 when unknown */
	int refuse;		/* never overwrite (swap, LVM) */
};

/* 0: all zero, nothing found; 1: *p describes what was found. buf holds
 * the first FS_PROBE_BYTES bytes of the device. */
int fs_probe(const uint8_t *buf, struct fs_probe *p);

#endif
