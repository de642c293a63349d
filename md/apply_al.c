/* Offline activity-log replay with the outcome of drbd-utils 9.22's
 * drbdmeta apply-al: drbd-metadata-resync.md §1.9, §3.6. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md/al.h"
#include "md/apply_al.h"
#include "plat/plat.h"

/* Bitmap bytes of one 4 MiB extent in one slot: 1024 bits of 4 KiB. */
#define EXT_SLOT_BYTES 128u
#define NO_PAGE UINT64_MAX

struct apply {
	struct plat_bdev *b;
	const char *name;
	struct md_sb sb;
	struct md_layout lo;
	uint64_t sb_byte, al_byte, bm_byte;
	uint8_t *page;		/* one bitmap page, read-modify-write */
	uint64_t page_off;	/* its offset inside the bitmap, or NO_PAGE */
	bool page_dirty;
};

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* What drbdmeta accepts as "valid meta data", adjusted as drbdmeta adjusts
 * it; the adjusted values are what gets written back. */
static int ap_check_sb(struct apply *a, uint64_t dev_bytes, int meta_index,
		       int version, struct md_apply_result *res)
{
	char why[200];

	if (md_sb_decode(a->page, &a->sb) || a->sb.version != version ||
	    md_layout_from_sb(&a->sb, dev_bytes, meta_index, &a->lo, why, sizeof(why)))
		return -ENOMSG;
	if (a->sb.version == 9 && a->sb.bm_max_peers > MD_MAX_BM_SLOTS)
		a->sb.bm_max_peers = MD_MAX_BM_SLOTS;
	if (a->sb.effective_size > a->lo.usable_sectors)
		a->sb.effective_size = a->lo.usable_sectors;
	res->bm_bytes = md_bm_bytes(a->sb.effective_size, a->sb.bm_max_peers,
				    a->sb.bm_bytes_per_bit);
	res->bm_bytes = (res->bm_bytes + 511) / 512 * 512;
	res->extent_bytes = (uint64_t)EXT_SLOT_BYTES * a->sb.bm_max_peers;
	res->needed = a->sb.flags & MDF_PRIMARY_IND;
	a->bm_byte = a->sb_byte + (uint64_t)((int64_t)a->sb.bm_offset * 512);
	a->al_byte = a->sb_byte + (uint64_t)((int64_t)a->sb.al_offset * 512);
	return 0;
}

static int ap_read_sb(struct apply *a, int meta_index, int version,
		      struct md_apply_result *res, char *err, size_t errlen)
{
	uint64_t dev_bytes;
	int r = plat_bdev_size(a->b, &dev_bytes);

	if (r) {
		snprintf(err, errlen, "getting the size of %s failed", a->name);
		return -EIO;
	}
	a->sb_byte = md_sb_byte_offset(meta_index, dev_bytes);
	if (dev_bytes < MD_BLOCK_SIZE || a->sb_byte > dev_bytes - MD_BLOCK_SIZE) {
		snprintf(err, errlen, "%s is too small for meta data", a->name);
		return -ENOSPC;
	}
	if (plat_bdev_pread(a->b, a->page, MD_BLOCK_SIZE, a->sb_byte)) {
		snprintf(err, errlen, "reading the super block of %s failed", a->name);
		return -EIO;
	}
	r = ap_check_sb(a, dev_bytes, meta_index, version, res);
	if (r)
		snprintf(err, errlen, "no valid v0%d meta data found on %s", version,
			 a->name);
	return r;
}

/* §3.6 steps 1-4. */
static int ap_replay(struct apply *a, uint32_t *ext, struct md_apply_result *res,
		     char *err, size_t errlen)
{
	uint32_t nb = a->sb.al_stripes * a->sb.al_stripe_size_4k;
	uint8_t *al = plat_alloc_aligned((size_t)nb * 4096);
	int r = -ENOMEM;

	if (!al)
		goto out;
	if (plat_bdev_pread(a->b, al, (size_t)nb * 4096, a->al_byte)) {
		snprintf(err, errlen, "reading the activity log of %s failed", a->name);
		r = -EIO;
		goto out;
	}
	res->al_blocks = nb;
	r = al_replay(al, nb, a->sb.al_stripes, a->sb.al_stripe_size_4k, ext,
		      &res->n_extents, &res->al_valid);
	if (r == -ENOMEM)
		goto out;
	res->replayed = true;
	res->replay = r;
	r = 0;
	/* extents are sorted, so the ones beyond the bitmap are a tail */
	while (res->n_beyond < res->n_extents &&
	       ext[res->n_extents - res->n_beyond - 1] * res->extent_bytes >= res->bm_bytes)
		res->n_beyond++;
	if (res->replay < 0 && res->needed) {
		snprintf(err, errlen, "%s on %s, but it was in use by a Primary",
			 res->replay == -ENOENT ? "no usable activity log found"
			 : "no valid AL update transaction found", a->name);
		r = -EBADMSG;
	}
out:
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	plat_free_aligned(al);
	return r;
}

static int ap_page_flush(struct apply *a, const struct md_apply_result *res,
			 char *err, size_t errlen)
{
	size_t len;

	if (!a->page_dirty)
		return 0;
	len = (size_t)min_u64(MD_BLOCK_SIZE, res->bm_bytes - a->page_off);
	if (plat_bdev_pwrite(a->b, a->page, len, a->bm_byte + a->page_off)) {
		snprintf(err, errlen, "writing the bitmap of %s failed", a->name);
		return -EIO;
	}
	a->page_dirty = false;
	return 0;
}

/* Makes the bitmap page holding byte off current. */
static int ap_page(struct apply *a, uint64_t off, const struct md_apply_result *res,
		   char *err, size_t errlen)
{
	uint64_t pg = off / MD_BLOCK_SIZE * MD_BLOCK_SIZE;
	size_t len = (size_t)min_u64(MD_BLOCK_SIZE, res->bm_bytes - pg);
	int r;

	if (pg == a->page_off)
		return 0;
	r = ap_page_flush(a, res, err, errlen);
	if (r)
		return r;
	a->page_off = NO_PAGE;
	if (plat_bdev_pread(a->b, a->page, len, a->bm_byte + pg)) {
		snprintf(err, errlen, "reading the bitmap of %s failed", a->name);
		return -EIO;
	}
	a->page_off = pg;
	return 0;
}

/* §3.6 step 5: every bit of each hot extent, in every slot. The slots are
 * interleaved per 64-bit word (§2.3), so an extent's bits in all slots
 * are the contiguous bytes [E x 128 x P, (E + 1) x 128 x P). */
static int ap_mark(struct apply *a, const uint32_t *ext, struct md_apply_result *res,
		   char *err, size_t errlen)
{
	int r = 0;

	for (uint32_t i = 0; i < res->n_extents - res->n_beyond && !r; i++) {
		uint64_t off = ext[i] * res->extent_bytes;
		uint64_t end = min_u64(off + res->extent_bytes, res->bm_bytes);

		while (off < end && !(r = ap_page(a, off, res, err, errlen))) {
			uint64_t stop = min_u64(end, a->page_off + MD_BLOCK_SIZE);
			uint8_t *p = a->page + (off - a->page_off);

			for (uint64_t j = 0; j < stop - off; j++)
				res->bits_marked += 8 - (unsigned)__builtin_popcount(p[j]);
			memset(p, 0xff, stop - off);
			a->page_dirty = true;
			off = stop;
		}
	}
	if (!r)
		r = ap_page_flush(a, res, err, errlen);
	/* the bits must be durable before the AL that names them is erased */
	if (!r && plat_bdev_flush(a->b)) {
		snprintf(err, errlen, "writing the bitmap of %s failed", a->name);
		r = -EIO;
	}
	res->applied = !r;
	return r;
}

/* §3.6 step 6. */
static int ap_finish(struct apply *a, struct md_apply_result *res, char *err,
		     size_t errlen)
{
	if (res->replay != 0) {
		if (md_al_format(a->b, &a->lo)) {
			snprintf(err, errlen, "initializing the activity log failed");
			return -EIO;
		}
		res->al_reinit = true;
	}
	if ((a->sb.flags & MDF_AL_CLEAN) && a->sb.magic == MD_MAGIC_08)
		return 0;
	a->sb.flags |= MDF_AL_CLEAN;
	if (a->sb.version == 8)
		a->sb.magic = MD_MAGIC_08;
	/* drbd-utils 9.22 does not carry `members` through its super block */
	a->sb.members = 0;
	md_sb_encode(&a->sb, a->page);
	if (plat_bdev_pwrite(a->b, a->page, MD_BLOCK_SIZE, a->sb_byte) ||
	    plat_bdev_flush(a->b)) {
		snprintf(err, errlen, "update of super block flags failed");
		return -EIO;
	}
	res->sb_written = true;
	return 0;
}

int md_apply_al(struct plat_bdev *meta, int meta_index, int version,
		struct md_apply_result *res, char *err, size_t errlen)
{
	struct apply a = { .b = meta, .name = plat_bdev_path(meta), .page_off = NO_PAGE };
	uint32_t *out = res->extents, *ext = malloc(AL_EXTENTS_MAX * sizeof(*ext));
	int r = -ENOMEM;

	memset(res, 0, sizeof(*res));
	res->extents = out;
	a.page = plat_alloc_aligned(MD_BLOCK_SIZE);
	if (!ext || !a.page) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	r = ap_read_sb(&a, meta_index, version, res, err, errlen);
	if (!r)
		r = ap_replay(&a, ext, res, err, errlen);
	if (!r && res->needed && res->replay > 0)
		r = ap_mark(&a, ext, res, err, errlen);
	if (!r)
		r = ap_finish(&a, res, err, errlen);
	if (out && res->replayed)
		memcpy(out, ext, res->n_extents * sizeof(*ext));
out:
	free(ext);
	plat_free_aligned(a.page);
	return r;
}

int md_al_format(struct plat_bdev *meta, const struct md_layout *lo)
{
	uint32_t n = lo->al_stripes * lo->al_stripe_size_4k;
	uint8_t *buf = plat_alloc_aligned((size_t)n * 4096);
	uint64_t off = lo->md_offset * 512 + (uint64_t)((int64_t)lo->al_offset * 512);
	int r;

	if (!buf)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		al_tr_init_block(buf + (size_t)i * 4096);
	r = plat_bdev_pwrite(meta, buf, (size_t)n * 4096, off);
	/* durable before a super block that calls the AL clean */
	if (!r)
		r = plat_bdev_flush(meta);
	plat_free_aligned(buf);
	return r;
}
