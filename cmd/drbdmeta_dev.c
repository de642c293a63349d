/* drbdmeta: opening the device, reading and writing the super block,
 * create-md and wipe-md (drbd-metadata-resync.md §1.7-§1.9). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/drbdmeta.h"
#include "md/apply_al.h"
#include "md/fsdetect.h"
#include "plat/plat.h"

#define ZERO_CHUNK (1u << 20)

static void die_io(struct dm *d, int r, const char *what)
{
	fprintf(stderr, "%s of %s failed: %s\n", what, d->path, plat_strerror(r));
	exit(10);
}

uint64_t dm_max_usable(const struct dm *d, const struct md_layout *lo)
{
	(void)d;
	return lo->usable_sectors;
}

/* Reads and decodes; a super block of another version or with offsets
 * that make no sense counts as "no valid meta data" (as in drbd-utils). */
static void dm_read_sb(struct dm *d)
{
	uint8_t *blk = plat_alloc_aligned(MD_BLOCK_SIZE);
	char err[200];
	int r = plat_bdev_pread(d->b, blk, MD_BLOCK_SIZE, d->sb_byte);

	if (r)
		die_io(d, r, "reading the super block");
	d->valid = !md_sb_decode(blk, &d->sb) && d->sb.version == d->version &&
		   !md_layout_from_sb(&d->sb, d->size, d->idx, &d->lo, err, sizeof(err));
	plat_free_aligned(blk);
	if (!d->valid)
		return;
	if (d->sb.version == 9 && d->sb.bm_max_peers > MD_MAX_BM_SLOTS)
		d->sb.bm_max_peers = MD_MAX_BM_SLOTS;
	if (d->sb.effective_size > d->lo.usable_sectors) {
		printf("# la-size-sect was too big (%" PRIu64 "), truncated (%" PRIu64 ")!\n",
		       d->sb.effective_size, d->lo.usable_sectors);
		d->sb.effective_size = d->lo.usable_sectors;
	}
	d->bm_bytes = md_bm_bytes(d->sb.effective_size, d->sb.bm_max_peers,
				  d->sb.bm_bytes_per_bit);
	d->bm_byte = d->sb_byte + (uint64_t)((int64_t)d->sb.bm_offset * 512);
	d->al_byte = d->sb_byte + (uint64_t)((int64_t)d->sb.al_offset * 512);
}

void dm_open(struct dm *d)
{
	int r = plat_bdev_open(d->path, 0, &d->b);

	if (r) {
		fprintf(stderr, "open(%s) failed: %s\n", d->path, plat_strerror(r));
		exit(20);
	}
	if (!plat_bdev_is_blockdev(d->b)) {
		fprintf(stderr, "ioctl(md_fd, BLKSSZGET) returned -1, assuming "
			"hard_sect_size is 512 Byte\n");
		if (!d->force) {
			fprintf(stderr, "'%s' is not a block device!\n", d->path);
			exit(20);
		}
	}
	r = plat_bdev_size(d->b, &d->size);
	if (r)
		die_io(d, r, "getting the size");
	if (d->size < FS_PROBE_BYTES) {
		fprintf(stderr, "%s is only %" PRIu64 " bytes. That's not enough.\n",
			d->path, d->size);
		exit(10);
	}
	d->sb_byte = md_sb_byte_offset(d->idx, d->size);
	if (d->sb_byte > d->size - 4096) {
		fprintf(stderr, "Device too small: expecting meta data block at\n"
			"byte offset %" PRIu64 ", but %s is only %" PRIu64 " bytes.\n",
			d->sb_byte, d->path, d->size);
		exit(10);
	}
	dm_read_sb(d);
}

int dm_open_valid(struct dm *d)
{
	dm_open(d);
	return d->valid ? 0 : -1;
}

int dm_open_noargs(struct dm *d, int argc)
{
	dm_extra_args(argc, 0);
	return dm_open_valid(d);
}

int dm_write_sb(struct dm *d)
{
	uint8_t *blk = plat_alloc_aligned(MD_BLOCK_SIZE);
	int r;

	/* drbd-utils 9.22 does not carry `members` through its struct */
	d->sb.members = 0;
	md_sb_encode(&d->sb, blk);
	r = plat_bdev_pwrite(d->b, blk, MD_BLOCK_SIZE, d->sb_byte);
	if (!r)
		r = plat_bdev_flush(d->b);
	plat_free_aligned(blk);
	return r;
}

int dm_update_sb(struct dm *d)
{
	if (!dm_write_sb(d))
		return 0;
	fprintf(stderr, "update failed\n");
	return -1;
}

static void refuse(const char *why)
{
	printf("%s", why);
	printf("If you want me to do this, you need to zero out the first part\n"
	       "of the device (destroy the content).\n"
	       "You should be very sure that you mean it.\nOperation refused.\n\n");
	exit(40);
}

/* Our own safety net beyond drbd-utils: a file system whose size we know
 * and that would lose its tail is refused even with --force. */
void dm_check_existing_data(struct dm *d, const struct md_layout *lo)
{
	uint8_t *buf = plat_alloc_aligned(FS_PROBE_BYTES);
	struct fs_probe f;
	uint64_t fs_kb, max_kb = dm_max_usable(d, lo) / 2;
	int r = plat_bdev_pread(d->b, buf, FS_PROBE_BYTES, 0);

	if (r)
		die_io(d, r, "reading");
	r = fs_probe(buf, &f);
	plat_free_aligned(buf);
	if (!r)
		return;
	printf("md_offset %" PRIu64 "\nal_offset %" PRIu64 "\nbm_offset %" PRIu64 "\n",
	       lo->md_offset * 512, lo->md_offset * 512 + (uint64_t)((int64_t)lo->al_offset * 512),
	       lo->md_offset * 512 + (uint64_t)((int64_t)lo->bm_offset * 512));
	printf("\nFound %s\n", f.type);
	if (f.refuse)
		refuse("Device size would be truncated, which\nwould corrupt data and "
		       "result in\n'access beyond end of device' errors.\n");
	if (f.blocks) {
		if (!md_idx_is_internal(d->idx))
			refuse("\nThis would corrupt existing data.\n");
		fs_kb = (f.blocks * f.block_size + 1023) >> 10;
		printf("%12" PRIu64 " kB data area apparently used\n", fs_kb);
		printf("%12" PRIu64 " kB left usable by current configuration\n", max_kb);
		if (fs_kb > max_kb) {
			printf("\nDevice size would be truncated, which\nwould corrupt data "
			       "and result in\n'access beyond end of device' errors.\n"
			       "You need to either\n   * use external meta data (recommended)\n"
			       "   * shrink that filesystem first\n"
			       "   * zero out the device (destroy the filesystem)\n"
			       "Operation refused.\n\n");
			exit(40);
		}
		printf("\nEven though it looks like this would place the new meta data into\n"
		       "unused space, you still need to confirm, as this is only a guess.\n");
	} else {
		printf("\n ==> This might destroy existing data! <==\n");
	}
	if (!dm_confirm(d, "Do you want to proceed?")) {
		printf("Operation canceled.\n");
		exit(1);
	}
}

static void dm_zero_bitmap(struct dm *d, const struct md_layout *lo)
{
	uint64_t off = lo->md_offset * 512 + (uint64_t)((int64_t)lo->bm_offset * 512);
	uint8_t *z = plat_alloc_aligned(ZERO_CHUNK);
	char pp[16];

	memset(z, 0, ZERO_CHUNK);
	fprintf(stderr, "initializing bitmap (%s) to all zero\n",
		dm_ppsize(pp, lo->bm_bytes >> 10));
	if (!plat_bdev_is_blockdev(d->b))
		fprintf(stderr, "ioctl(%s, BLKZEROOUT, [%" PRIu64 ", %" PRIu64 "]) failed: "
			"Inappropriate ioctl for device\ninitializing bitmap (%s) to all "
			"zero using pwrite\n", d->path, off, lo->bm_bytes, pp);
	/* A file gets a hole, which reads as zeros: an external meta data
	 * file's bitmap can be most of a large file, which written as zeros
	 * would all be allocated (drbd-utils' output above stays the same). */
	if (!plat_bdev_is_blockdev(d->b) && !plat_bdev_discard(d->b, off, lo->bm_bytes)) {
		plat_free_aligned(z);
		return;
	}
	for (uint64_t done = 0; done < lo->bm_bytes;) {
		size_t n = lo->bm_bytes - done > ZERO_CHUNK ? ZERO_CHUNK
			   : (size_t)(lo->bm_bytes - done);
		int r = plat_bdev_pwrite(d->b, z, n, off + done);

		if (r)
			die_io(d, r, "initializing the bitmap");
		done += n;
	}
	plat_free_aligned(z);
}

/* An existing super block: drbd-utils asks before overwriting. */
static void dm_existing_md(struct dm *d)
{
	const char *v = d->version == 9 ? "v09" : "v08";

	if (!d->valid) {
		struct md_sb other;
		uint8_t *blk = plat_alloc_aligned(MD_BLOCK_SIZE);

		if (!plat_bdev_pread(d->b, blk, MD_BLOCK_SIZE, d->sb_byte) &&
		    !md_sb_decode(blk, &other)) {
			char q[160];

			snprintf(q, sizeof(q), "So you want me to replace the %s meta-data\n"
				 "with newly initialized %s meta-data?",
				 other.version == 9 ? "v09" : "v08", v);
			if (!dm_confirm(d, q)) {
				printf("Operation cancelled.\n");
				exit(1);
			}
		}
		plat_free_aligned(blk);
		return;
	}
	if (md_idx_is_internal(d->idx)) {
		fprintf(stderr, "You want me to create a %s style flexible-size internal "
			"meta data block.\nThere appears to be a %s flexible-size internal "
			"meta data block\nalready in place on %s at byte offset %" PRIu64 "\n",
			v, v, d->path, d->sb_byte);
		if (!dm_confirm(d, "Do you really want to overwrite the existing meta-data?")) {
			printf("Operation cancelled.\n");
			exit(1);
		}
	} else if (!dm_confirm(d, "Valid meta data seems to be in place.\n"
			       "Do you really want to overwrite?")) {
		printf("Operation cancelled.\n");
		exit(1);
	}
}

int dm_create_md(struct dm *d, int argc, char **argv)
{
	long long peers = 1;
	char err[200];
	int r;

	if (d->version == 9) {
		if (argc < 1) {
			fprintf(stderr, "USAGE: %s MINOR v09 ... create-md MAX_PEERS\n\n"
				"  MAX_PEERS argument missing\n", d->argv[0]);
			exit(20);
		}
		peers = strtoll(argv[0], NULL, 0);
	}
	dm_extra_args(argc, d->version == 9);
	if (peers < 1 || peers > MD_MAX_BM_SLOTS) {
		fprintf(stderr, "MAX_PEERS argument not in allowed range 1 .. %d.\n",
			MD_MAX_BM_SLOTS);
		exit(20);
	}
	dm_open(d);
	dm_existing_md(d);
	r = md_layout_create(d->size, d->idx, (uint32_t)peers, d->al_stripes,
			     d->al_stripe_4k, &d->lo, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: %s\n", d->path, err);
		exit(10);
	}
	dm_check_existing_data(d, &d->lo);
	printf("initializing activity log\n");
	if ((r = md_al_format(d->b, &d->lo)))
		die_io(d, r, "initializing the activity log");
	dm_zero_bitmap(d, &d->lo);
	md_sb_init(&d->sb, d->version, &d->lo);
	d->sb.la_peer_max_bio_size = (uint32_t)d->peer_max_bio;
	printf("Writing meta data...\n");
	if (dm_write_sb(d)) {
		fprintf(stderr, "operation failed\n");
		return -1;
	}
	printf("New drbd meta data block successfully created.\n");
	return 0;
}

int dm_wipe_md(struct dm *d, int argc, char **argv)
{
	uint8_t *z;
	int r;

	(void)argv;
	dm_extra_args(argc, 0);
	dm_open(d);
	if (!d->valid) {
		fprintf(stderr, "There appears to be no drbd meta data to wipe out?\n");
		return 0;
	}
	if (!dm_confirm(d, "Do you really want to wipe out the DRBD meta data?")) {
		printf("Operation cancelled.\n");
		exit(1);
	}
	printf("Wiping meta data...\n");
	z = plat_alloc_aligned(MD_BLOCK_SIZE);
	memset(z, 0, MD_BLOCK_SIZE);
	r = plat_bdev_pwrite(d->b, z, MD_BLOCK_SIZE, d->sb_byte);
	plat_free_aligned(z);
	if (r) {
		fprintf(stderr, "operation failed\n");
		return -1;
	}
	printf("DRBD meta data block successfully wiped out.\n");
	return 0;
}
