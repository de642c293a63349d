/* Super block sanity rules applied before meta data is used,
 * drbd-metadata-resync.md §1.7 (kernel and drbdmeta agree on these). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "md/sb.h"

#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); return -EINVAL; } while (0)

static int check_ids(const struct md_sb *sb, char *err, size_t errlen)
{
	if (sb->bm_max_peers < 1 || sb->bm_max_peers > MD_MAX_PEERS)
		BAD("max-peers value %u out of bounds", sb->bm_max_peers);
	if (sb->node_id < -1 || sb->node_id >= MD_MAX_PEERS)
		BAD("node-id value %d out of bounds", sb->node_id);
	for (int i = 0; i < MD_MAX_PEERS; i++) {
		int32_t bi = sb->peers[i].bitmap_index;

		if (bi < -1 || bi >= (int32_t)sb->bm_max_peers)
			BAD("peer %d: bitmap index %d out of bounds", i, bi);
	}
	return 0;
}

static int check_geometry(const struct md_sb *sb, char *err, size_t errlen)
{
	uint32_t bpb = sb->bm_bytes_per_bit;
	uint64_t n = (uint64_t)sb->al_stripes * sb->al_stripe_size_4k;

	if (bpb < 4096 || bpb > (1u << 20) || (bpb & (bpb - 1)) ||
	    (sb->version == 8 && bpb != 4096))
		BAD("bm_bytes_per_bit %u not supported", bpb);
	if (!sb->al_stripes || !sb->al_stripe_size_4k || n < 8 || n > 4194304)
		BAD("activity log striping %u x %u makes no sense",
		    sb->al_stripes, sb->al_stripe_size_4k);
	return 0;
}

static int check_internal(const struct md_sb *sb, uint64_t dev_bytes,
			  struct md_layout *lo, char *err, size_t errlen)
{
	int32_t al = (int32_t)md_al_sectors(sb->al_stripes, sb->al_stripe_size_4k);
	uint64_t md_size;

	if (sb->al_offset != -al)
		BAD("al_offset: expected %d, found %d", -al, sb->al_offset);
	lo->bm_bytes = md_bm_bytes(dev_bytes / 512, sb->bm_max_peers,
				   sb->bm_bytes_per_bit);
	md_size = lo->bm_bytes / 512 + 8 + (uint64_t)al;
	if ((int64_t)sb->bm_offset != -(int64_t)md_size + 8)
		BAD("bm_offset: expected %" PRId64 ", found %d",
		    -(int64_t)md_size + 8, sb->bm_offset);
	/* v09 tolerates a stale md_size_sect, as drbdmeta does */
	if (sb->version == 8 && sb->md_size_sect != md_size)
		BAD("md_size_sect: expected %" PRIu64 ", found %u", md_size,
		    sb->md_size_sect);
	if (md_size > lo->md_offset + 8)
		BAD("meta data area larger than the device");
	lo->md_size_sect = (uint32_t)md_size;
	lo->bits = md_bits_for_sectors(dev_bytes / 512, sb->bm_bytes_per_bit);
	lo->usable_sectors = lo->md_offset + (uint64_t)(int64_t)sb->bm_offset;
	return 0;
}

static int check_external(const struct md_sb *sb, int idx, uint64_t dev_bytes,
			  struct md_layout *lo, char *err, size_t errlen)
{
	int32_t al = (int32_t)md_al_sectors(sb->al_stripes, sb->al_stripe_size_4k);

	if (sb->al_offset != 8)
		BAD("al_offset: expected 8, found %d", sb->al_offset);
	if (sb->bm_offset != 8 + al)
		BAD("bm_offset: expected %d, found %d", 8 + al, sb->bm_offset);
	if (idx >= 0 && (sb->md_size_sect != MD_INDEXED_SECT || al != 64))
		BAD("indexed meta data must be 128 MiB with a 32 KiB AL");
	if (sb->md_size_sect <= (uint32_t)sb->bm_offset)
		BAD("md_size_sect %u leaves no room for a bitmap", sb->md_size_sect);
	if (idx < 0 && sb->md_size_sect > dev_bytes / 512)
		BAD("md_size_sect %u exceeds the meta device (%" PRIu64
		    " sectors)", sb->md_size_sect, dev_bytes / 512);
	lo->md_size_sect = sb->md_size_sect;
	lo->bm_bytes = (uint64_t)(sb->md_size_sect - (uint32_t)sb->bm_offset) * 512;
	lo->bits = lo->bm_bytes * 8 / 64 / sb->bm_max_peers * 64;
	lo->usable_sectors = lo->bits * (sb->bm_bytes_per_bit / 512);
	return 0;
}

int md_layout_from_sb(const struct md_sb *sb, uint64_t dev_bytes,
		      int meta_index, struct md_layout *lo,
		      char *err, size_t errlen)
{
	int r = check_ids(sb, err, errlen);

	if (!r)
		r = check_geometry(sb, err, errlen);
	if (r)
		return r;
	*lo = (struct md_layout){
		.meta_index = meta_index,
		.md_offset = md_sb_byte_offset(meta_index, dev_bytes) / 512,
		.al_offset = sb->al_offset,
		.bm_offset = sb->bm_offset,
		.al_stripes = sb->al_stripes,
		.al_stripe_size_4k = sb->al_stripe_size_4k,
		.max_peers = sb->bm_max_peers,
		.bm_bytes_per_bit = sb->bm_bytes_per_bit,
	};
	if (md_idx_is_internal(meta_index))
		return check_internal(sb, dev_bytes, lo, err, errlen);
	return check_external(sb, meta_index, dev_bytes, lo, err, errlen);
}
