/* Super block codec, drbd-metadata-resync.md §1.4 (v08) and §1.5 (v09). */
#include <errno.h>
#include <string.h>

#include "md/endian.h"
#include "md/sb.h"

/* v09 peer records and history, §1.5 */
#define SB9_PEERS 0x070
#define SB9_PEER_SIZE 32
#define SB9_HISTORY 0x470

static void sb_decode_common(const uint8_t *b, struct md_sb *sb)
{
	sb->effective_size = get_be64(b + 0x00);
	sb->current_uuid = get_be64(b + 0x08);
	sb->flags = get_be32(b + 0x38);
	sb->md_size_sect = get_be32(b + 0x40);
	sb->al_offset = (int32_t)get_be32(b + 0x44);
	sb->al_nr_extents = get_be32(b + 0x48);
	sb->bm_offset = (int32_t)get_be32(b + 0x4C);
	sb->bm_bytes_per_bit = get_be32(b + 0x50);
	sb->la_peer_max_bio_size = get_be32(b + 0x54);
}

static void sb_decode_v08(const uint8_t *b, struct md_sb *sb)
{
	sb->version = 8;
	sb->peers[0].bitmap_uuid = get_be64(b + 0x10);
	sb->history_uuids[0] = get_be64(b + 0x18);
	sb->history_uuids[1] = get_be64(b + 0x20);
	sb->device_uuid = get_be64(b + 0x28);
	sb->bm_max_peers = 1;
	sb->node_id = -1;
	sb->al_stripes = get_be32(b + 0x58);
	sb->al_stripe_size_4k = get_be32(b + 0x5C);
	/* 8.3 and older left both zero: the classic 32 KiB AL (§1.4) */
	if (!sb->al_stripes && !sb->al_stripe_size_4k) {
		sb->al_stripes = 1;
		sb->al_stripe_size_4k = 8;
	}
	for (int i = 0; i < MD_MAX_PEERS; i++)
		sb->peers[i].bitmap_index = -1;
}

static void sb_decode_v09(const uint8_t *b, struct md_sb *sb)
{
	sb->version = 9;
	sb->members = get_be64(b + 0x10);
	sb->device_uuid = get_be64(b + 0x30);
	sb->bm_max_peers = get_be32(b + 0x58);
	sb->node_id = (int32_t)get_be32(b + 0x5C);
	sb->al_stripes = get_be32(b + 0x60);
	sb->al_stripe_size_4k = get_be32(b + 0x64);
	for (int i = 0; i < MD_MAX_PEERS; i++) {
		const uint8_t *p = b + SB9_PEERS + i * SB9_PEER_SIZE;

		sb->peers[i].bitmap_uuid = get_be64(p);
		sb->peers[i].bitmap_dagtag = get_be64(p + 8);
		sb->peers[i].flags = get_be32(p + 16);
		sb->peers[i].bitmap_index = (int32_t)get_be32(p + 20);
	}
	for (int i = 0; i < MD_HISTORY_UUIDS; i++)
		sb->history_uuids[i] = get_be64(b + SB9_HISTORY + 8 * i);
}

int md_sb_decode(const uint8_t *blk, struct md_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->magic = get_be32(blk + 0x3C);
	switch (sb->magic) {
	case MD_MAGIC_08:
	case MD_MAGIC_84_UNCLEAN:
		sb_decode_common(blk, sb);
		sb_decode_v08(blk, sb);
		return 0;
	case MD_MAGIC_09:
		sb_decode_common(blk, sb);
		sb_decode_v09(blk, sb);
		return 0;
	default:
		return -EINVAL;
	}
}

void md_sb_encode(const struct md_sb *sb, uint8_t *b)
{
	memset(b, 0, MD_BLOCK_SIZE);
	put_be64(b + 0x00, sb->effective_size);
	put_be64(b + 0x08, sb->current_uuid);
	put_be32(b + 0x38, sb->flags);
	put_be32(b + 0x3C, sb->magic);
	put_be32(b + 0x40, sb->md_size_sect);
	put_be32(b + 0x44, (uint32_t)sb->al_offset);
	put_be32(b + 0x48, sb->al_nr_extents);
	put_be32(b + 0x4C, (uint32_t)sb->bm_offset);
	put_be32(b + 0x50, sb->bm_bytes_per_bit);
	put_be32(b + 0x54, sb->la_peer_max_bio_size);
	if (sb->version == 8) {
		put_be64(b + 0x10, sb->peers[0].bitmap_uuid);
		put_be64(b + 0x18, sb->history_uuids[0]);
		put_be64(b + 0x20, sb->history_uuids[1]);
		put_be64(b + 0x28, sb->device_uuid);
		put_be32(b + 0x58, sb->al_stripes);
		put_be32(b + 0x5C, sb->al_stripe_size_4k);
		return;
	}
	put_be64(b + 0x10, sb->members);
	put_be64(b + 0x30, sb->device_uuid);
	put_be32(b + 0x58, sb->bm_max_peers);
	put_be32(b + 0x5C, (uint32_t)sb->node_id);
	put_be32(b + 0x60, sb->al_stripes);
	put_be32(b + 0x64, sb->al_stripe_size_4k);
	for (int i = 0; i < MD_MAX_PEERS; i++) {
		uint8_t *p = b + SB9_PEERS + i * SB9_PEER_SIZE;

		put_be64(p, sb->peers[i].bitmap_uuid);
		put_be64(p + 8, sb->peers[i].bitmap_dagtag);
		put_be32(p + 16, sb->peers[i].flags & ~MDF_HAVE_BITMAP);
		put_be32(p + 20, (uint32_t)sb->peers[i].bitmap_index);
	}
	for (int i = 0; i < MD_HISTORY_UUIDS; i++)
		put_be64(b + SB9_HISTORY + 8 * i, sb->history_uuids[i]);
}

void md_sb_init(struct md_sb *sb, int version, const struct md_layout *lo)
{
	memset(sb, 0, sizeof(*sb));
	sb->version = version;
	sb->magic = version == 8 ? MD_MAGIC_08 : MD_MAGIC_09;
	sb->current_uuid = MD_UUID_JUST_CREATED;
	sb->flags = MDF_AL_CLEAN;
	sb->md_size_sect = lo->md_size_sect;
	sb->al_offset = lo->al_offset;
	sb->al_nr_extents = MD_AL_NR_EXTENTS_DEFAULT;
	sb->bm_offset = lo->bm_offset;
	sb->bm_bytes_per_bit = lo->bm_bytes_per_bit;
	sb->bm_max_peers = version == 8 ? 1 : lo->max_peers;
	sb->node_id = -1;
	sb->al_stripes = lo->al_stripes;
	sb->al_stripe_size_4k = lo->al_stripe_size_4k;
	for (int i = 0; i < MD_MAX_PEERS; i++)
		sb->peers[i].bitmap_index = -1;
}
