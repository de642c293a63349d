/* md/al: activity-log transactions (codec, ring position, replay) and the
 * in-core active set.
 *
 * Pure: no I/O. Reference: drbd-metadata-resync.md §3.
 */
#ifndef UDRBD_MD_AL_H
#define UDRBD_MD_AL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AL_MAGIC 0x69CB65A2u
#define AL_EXTENT_SHIFT 22		/* 4 MiB */
#define AL_EXTENT_SECT_SHIFT 13
#define AL_UPDATES_PER_TR 64
#define AL_CONTEXT_PER_TR 919
#define AL_TR_UPDATE 0
#define AL_TR_INITIALIZED 0xFFFFu
#define AL_LC_FREE 0xFFFFFFFFu
#define AL_SLOT_UNUSED 0xFFFFu
#define AL_EXTENTS_DEFAULT 1237
#define AL_EXTENTS_MIN 67
#define AL_EXTENTS_MAX 65534

struct al_tr {
	uint32_t tr_number;
	uint16_t type;
	uint16_t n_updates;
	uint16_t context_size;
	uint16_t context_start;
	uint16_t update_slot[AL_UPDATES_PER_TR];
	uint32_t update_extent[AL_UPDATES_PER_TR];
	uint32_t context[AL_CONTEXT_PER_TR];
};

/* Encodes into 4096 bytes and stores the CRC (§3.5). */
void al_tr_encode(const struct al_tr *tr, uint8_t *blk);
/* 0 valid; -EINVAL wrong magic; -EBADMSG CRC mismatch. */
int al_tr_decode(const uint8_t *blk, struct al_tr *tr);
/* An "initialized" block as create-md and apply-al write them. */
void al_tr_init_block(uint8_t *blk);
uint32_t al_crc(const uint8_t *blk);

/* Block index inside the AL area of ring position t (§3.3). */
static inline uint32_t al_tr_block(uint32_t t, uint32_t stripes,
				   uint32_t stripe_4k)
{
	uint32_t n = stripes * stripe_4k, slot = t % n;

	return (slot % stripes) * stripe_4k + slot / stripes;
}

/* Largest al-extents a ring of nblocks can describe (§3.1). */
static inline uint32_t al_max_extents(uint32_t nblocks)
{
	uint64_t m = (uint64_t)(nblocks - 1) * AL_CONTEXT_PER_TR;

	return m > AL_EXTENTS_MAX ? AL_EXTENTS_MAX : (uint32_t)m;
}

/* Replay (§3.6) of an AL area of nblocks 4 KiB blocks (area = AL in disk
 * order), as drbdmeta apply-al does it. Fills extents[0..*n_out) with the
 * hot extents, sorted, unique; extents must hold AL_EXTENTS_MAX entries.
 * *valid gets the number of blocks with good magic and CRC.
 * Returns the number of valid update transactions (> 0: apply them),
 * 0 (only initialized blocks, or only block 0 torn: nothing to do),
 * -ENOENT (no valid block: "No usable activity log found") or -EINVAL
 * (some blocks valid, but no update transaction among them). */
int al_replay(const uint8_t *area, uint32_t nblocks, uint32_t stripes,
	      uint32_t stripe_4k, uint32_t *extents, uint32_t *n_out,
	      uint32_t *valid);

/* ---- in-core active set (LRU of al-extents slots) --------------------- */

struct al_slot {
	uint32_t extent;	/* AL_LC_FREE when empty */
	uint32_t refcnt;	/* writes in flight in this extent */
	uint32_t prev, next;	/* LRU links (circular), head = most recent */
	uint32_t hnext;		/* hash chain */
	bool committed;		/* recorded in an on-disk transaction */
};

struct al_set {
	uint32_t nr;		/* al-extents */
	struct al_slot *slot;
	uint32_t lru_head;	/* AL_LC_FREE when empty */
	uint32_t *hash;		/* chain heads: extent -> slot */
	uint32_t hash_size;	/* power of two */
	/* updates waiting for the next transaction */
	uint16_t n_pending;
	uint16_t pend_slot[AL_UPDATES_PER_TR];
	uint32_t pend_old[AL_UPDATES_PER_TR];
	uint32_t next_tr;	/* tr_number of the next transaction */
	uint32_t context_start;
};

int al_set_init(struct al_set *s, uint32_t nr);
void al_set_free(struct al_set *s);
/* Slot of extent or AL_LC_FREE. */
uint32_t al_set_find(const struct al_set *s, uint32_t extent);
/* Picks the least recently used unreferenced committed slot, puts extent
 * into it and queues the update. AL_LC_FREE if nothing can be evicted or
 * the pending list is full; *old gets the evicted extent. */
uint32_t al_set_place(struct al_set *s, uint32_t extent, uint32_t *old);
void al_set_touch(struct al_set *s, uint32_t slot);
/* Moves the pending updates into tr with the next context window and
 * advances tr number and window; old[] gets the extents they evict. */
void al_set_build_tr(struct al_set *s, struct al_tr *tr, uint32_t *old);
/* The transaction from al_set_build_tr is on disk. */
void al_set_committed(struct al_set *s, const struct al_tr *tr);

#endif
