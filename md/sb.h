/* md/sb: the DRBD super block (v08 and v09) as a struct, its byte codec,
 * its validation and the placement of the meta-data regions.
 *
 * Pure: no I/O. All sizes in 512-byte sectors unless a name says bytes.
 * Reference: drbd-metadata-resync.md §1.
 */
#ifndef UDRBD_MD_SB_H
#define UDRBD_MD_SB_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Codes mingw's errno.h may lack (values only need to be unique). */
#ifndef EUCLEAN
#define EUCLEAN 117
#endif
#ifndef ENOMSG
#define ENOMSG 42
#endif
#ifndef EBADMSG
#define EBADMSG 74
#endif

#define MD_BLOCK_SIZE 4096
#define MD_MAX_PEERS 32		/* peer records / node ids 0..31 */
#define MD_MAX_BM_SLOTS 31	/* drbdmeta create-md accepts 1..31 */
#define MD_HISTORY_UUIDS 32
#define MD_V08_HISTORY_UUIDS 2

#define MD_MAGIC_08 0x8374026Bu
#define MD_MAGIC_84_UNCLEAN 0x8374026Cu
#define MD_MAGIC_09 0x8374026Du
#define MD_MAGIC_07 0x8374026Au

#define MD_UUID_JUST_CREATED 0x4ull
#define MD_AL_NR_EXTENTS_DEFAULT 257	/* what create-md stores (§1.4) */

/* Device flags, §1.6 */
#define MDF_CONSISTENT (1u << 0)
#define MDF_PRIMARY_IND (1u << 1)
#define MDF_CONNECTED_IND (1u << 2)	/* v08 only */
#define MDF_FULL_SYNC (1u << 3)		/* v08 only */
#define MDF_WAS_UP_TO_DATE (1u << 4)
#define MDF_PEER_OUT_DATED (1u << 5)	/* v08 only */
#define MDF_CRASHED_PRIMARY (1u << 6)
#define MDF_AL_CLEAN (1u << 7)
#define MDF_AL_DISABLED (1u << 8)
#define MDF_PRIMARY_LOST_QUORUM (1u << 9)
#define MDF_HAVE_QUORUM (1u << 10)

/* Per-peer flags (v09 peer record), §1.6 */
#define MDF_PEER_CONNECTED (1u << 0)
#define MDF_PEER_OUTDATED (1u << 1)
#define MDF_PEER_FENCING (1u << 2)
#define MDF_PEER_FULL_SYNC (1u << 3)
#define MDF_PEER_DEVICE_SEEN (1u << 4)
#define MDF_NODE_EXISTS (1u << 16)
#define MDF_HAVE_BITMAP (1u << 31)	/* in-core only, never written */

/* Where the meta data lives: the kernel's meta_dev_idx codes (§1.1);
 * values >= 0 are indexed external slots. */
enum {
	MD_IDX_INTERNAL = -1,
	MD_IDX_FLEX_EXT = -2,
	MD_IDX_FLEX_INT = -3,	/* same layout as MD_IDX_INTERNAL */
};
#define MD_INDEXED_SECT 262144u	/* 128 MiB per indexed slot */

static inline bool md_idx_is_internal(int idx)
{
	return idx == MD_IDX_INTERNAL || idx == MD_IDX_FLEX_INT;
}

struct md_peer_md {
	uint64_t bitmap_uuid;
	uint64_t bitmap_dagtag;
	uint32_t flags;
	int32_t bitmap_index;	/* -1: no slot */
};

/* Decoded super block. For v08 (version 8): peers[0].bitmap_uuid holds
 * uuid[1], history_uuids[0..1] hold uuid[2..3], bm_max_peers reads 1,
 * node_id -1; members/peers[1..] are unused. */
struct md_sb {
	int version;			/* 8 or 9 */
	uint32_t magic;
	uint64_t effective_size;	/* v08: la_size_sect */
	uint64_t current_uuid;
	uint64_t members;
	uint64_t device_uuid;
	uint32_t flags;
	uint32_t md_size_sect;
	int32_t al_offset;
	uint32_t al_nr_extents;
	int32_t bm_offset;
	uint32_t bm_bytes_per_bit;
	uint32_t la_peer_max_bio_size;
	uint32_t bm_max_peers;
	int32_t node_id;
	uint32_t al_stripes;
	uint32_t al_stripe_size_4k;
	struct md_peer_md peers[MD_MAX_PEERS];
	uint64_t history_uuids[MD_HISTORY_UUIDS];
};

/* Placement of the meta-data regions on the meta device. */
struct md_layout {
	int meta_index;			/* MD_IDX_* or slot >= 0 */
	uint64_t md_offset;		/* sector of the super block */
	uint32_t md_size_sect;
	int32_t al_offset;		/* relative to md_offset */
	int32_t bm_offset;		/* relative to md_offset */
	uint32_t al_stripes;
	uint32_t al_stripe_size_4k;
	uint32_t max_peers;		/* bitmap slots */
	uint32_t bm_bytes_per_bit;
	uint64_t bm_bytes;		/* bitmap area, bytes (4 KiB multiple) */
	uint64_t bits;			/* bits per slot the area covers */
	/* Internal: sectors before the bitmap; external: max data sectors
	 * the bitmap can describe. */
	uint64_t usable_sectors;
};

/* Decodes 4096 bytes; -EINVAL if the magic is neither v08 nor v09 (the
 * caller may look at sb->magic, which is always filled in). */
int md_sb_decode(const uint8_t *blk, struct md_sb *sb);
/* Encodes into 4096 bytes (reserved bytes zero, MDF_HAVE_BITMAP masked). */
void md_sb_encode(const struct md_sb *sb, uint8_t *blk);

/* Fresh super block as create-md writes it (§1.9). */
void md_sb_init(struct md_sb *sb, int version, const struct md_layout *lo);

static inline uint64_t md_al_sectors(uint32_t stripes, uint32_t stripe_4k)
{
	return (uint64_t)stripes * stripe_4k * 8;
}

/* The layout create-md produces on a meta device of dev_bytes (§1.7).
 * al_stripes/al_stripe_size_4k 0 mean the classic 1 x 8. -EINVAL with a
 * message in err for impossible combinations, -ENOSPC if it does not fit. */
int md_layout_create(uint64_t dev_bytes, int meta_index, uint32_t max_peers,
		     uint32_t al_stripes, uint32_t al_stripe_size_4k,
		     struct md_layout *lo, char *err, size_t errlen);

/* The layout a decoded super block describes on a meta device of
 * dev_bytes; validates per §1.7 ("meta data offsets don't make sense"
 * and friends). 0, or -EINVAL with the reason in err. */
int md_layout_from_sb(const struct md_sb *sb, uint64_t dev_bytes,
		      int meta_index, struct md_layout *lo,
		      char *err, size_t errlen);

/* Bits per slot for a device of `sectors`, rounded up to 64 (§1.7 step 1). */
uint64_t md_bits_for_sectors(uint64_t sectors, uint32_t bytes_per_bit);
/* Bitmap bytes for `sectors` and `peers` slots, rounded up to 4 KiB
 * (§1.7 step 2); also what dump-md and apply-al cover for la-size-sect. */
uint64_t md_bm_bytes(uint64_t sectors, uint32_t peers, uint32_t bytes_per_bit);
/* Byte offset of the super block for internal meta data (last 4 KiB
 * aligned block) or of an external index. */
uint64_t md_sb_byte_offset(int meta_index, uint64_t dev_bytes);

#endif
