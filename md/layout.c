/* Meta-data placement and validation, drbd-metadata-resync.md §1.2, §1.7. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "md/sb.h"

#define AL_MAX_4K_BLOCKS 4194304u	/* 16 GiB, §1.7 */
#define BPB_MIN 4096u
#define BPB_MAX (1u << 20)

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

uint64_t md_bits_for_sectors(uint64_t sectors, uint32_t bytes_per_bit)
{
	uint64_t spb = bytes_per_bit / 512;

	return align_up((sectors + spb - 1) / spb, 64);
}

uint64_t md_bm_bytes(uint64_t sectors, uint32_t peers, uint32_t bytes_per_bit)
{
	return align_up(md_bits_for_sectors(sectors, bytes_per_bit) / 8 * peers,
			4096);
}

uint64_t md_sb_byte_offset(int meta_index, uint64_t dev_bytes)
{
	if (md_idx_is_internal(meta_index))
		return dev_bytes < 4096 ? 0 : (dev_bytes - 4096) & ~4095ull;
	if (meta_index == MD_IDX_FLEX_EXT)
		return 0;
	return (uint64_t)meta_index * MD_INDEXED_SECT * 512;
}

/* Bits per slot an external bitmap area of `bytes` holds: whole 64-bit
 * words per slot (§1.7, external flexible). */
static uint64_t ext_bits(uint64_t bytes, uint32_t peers)
{
	return bytes * 8 / 64 / peers * 64;
}

static void lo_external(struct md_layout *lo, uint64_t md_size_sect)
{
	uint64_t al = md_al_sectors(lo->al_stripes, lo->al_stripe_size_4k);

	lo->md_size_sect = (uint32_t)md_size_sect;
	lo->al_offset = 8;
	lo->bm_offset = (int32_t)(8 + al);
	lo->bm_bytes = (md_size_sect - 8 - al) * 512;
	lo->bits = ext_bits(lo->bm_bytes, lo->max_peers);
	lo->usable_sectors = lo->bits * (lo->bm_bytes_per_bit / 512);
}

static int lo_internal(struct md_layout *lo, uint64_t dev_bytes,
		       char *err, size_t errlen)
{
	uint64_t al = md_al_sectors(lo->al_stripes, lo->al_stripe_size_4k);
	uint64_t dev_sect = dev_bytes / 512;
	uint64_t md_size;

	lo->bm_bytes = md_bm_bytes(dev_sect, lo->max_peers, lo->bm_bytes_per_bit);
	lo->bits = md_bits_for_sectors(dev_sect, lo->bm_bytes_per_bit);
	md_size = lo->bm_bytes / 512 + 8 + al;
	if (md_size > lo->md_offset + 8 || md_size > INT32_MAX) {
		snprintf(err, errlen, "meta data of %" PRIu64 " sectors does not "
			 "fit into a device of %" PRIu64 " bytes", md_size, dev_bytes);
		return -ENOSPC;
	}
	lo->md_size_sect = (uint32_t)md_size;
	lo->al_offset = -(int32_t)al;
	lo->bm_offset = -(int32_t)md_size + 8;
	lo->usable_sectors = lo->md_offset + (uint64_t)(int64_t)lo->bm_offset;
	return 0;
}

static int check_al(uint32_t stripes, uint32_t stripe_4k, char *err, size_t errlen)
{
	uint64_t n = (uint64_t)stripes * stripe_4k;

	if (!stripes || !stripe_4k || n < 8 || n > AL_MAX_4K_BLOCKS) {
		snprintf(err, errlen, "invalid activity log striping %u x %u "
			 "(4k blocks)", stripes, stripe_4k);
		return -EINVAL;
	}
	return 0;
}

int md_layout_create(uint64_t dev_bytes, int meta_index, uint32_t max_peers,
		     uint32_t al_stripes, uint32_t al_stripe_size_4k,
		     struct md_layout *lo, char *err, size_t errlen)
{
	int r;

	if (!al_stripes && !al_stripe_size_4k) {
		al_stripes = 1;
		al_stripe_size_4k = 8;
	}
	r = check_al(al_stripes, al_stripe_size_4k, err, errlen);
	if (r)
		return r;
	if (max_peers < 1 || max_peers > MD_MAX_PEERS) {
		snprintf(err, errlen, "max-peers %u not in 1..%d", max_peers,
			 MD_MAX_BM_SLOTS);
		return -EINVAL;
	}
	*lo = (struct md_layout){
		.meta_index = meta_index,
		.al_stripes = al_stripes,
		.al_stripe_size_4k = al_stripe_size_4k,
		.max_peers = max_peers,
		.bm_bytes_per_bit = 4096,
		.md_offset = md_sb_byte_offset(meta_index, dev_bytes) / 512,
	};
	if (md_idx_is_internal(meta_index))
		return lo_internal(lo, dev_bytes, err, errlen);
	if (meta_index >= 0) {
		/* indexed slots keep the classic AL, §1.2 */
		if (al_stripes != 1 || al_stripe_size_4k != 8) {
			snprintf(err, errlen, "indexed meta data needs the "
				 "default activity log (1 x 32 KiB)");
			return -EINVAL;
		}
		lo_external(lo, MD_INDEXED_SECT);
		return 0;
	}
	if (dev_bytes / 512 <= 8 + md_al_sectors(al_stripes, al_stripe_size_4k)) {
		snprintf(err, errlen, "meta device of %" PRIu64 " bytes is too "
			 "small", dev_bytes);
		return -ENOSPC;
	}
	lo_external(lo, dev_bytes / 512);
	return 0;
}
