/* md: the meta data of one attached volume, as the engine uses it.
 *
 * md_attach reads and validates the super block, loads the bitmap and
 * prepares the activity log; while attached, writes to cold 4 MiB extents
 * go through md_al_begin_write (which writes an AL transaction first) and
 * out-of-sync blocks are recorded in per-peer bitmap slots.
 * Reference: drbd-metadata-resync.md §1.7, §1.9, §2.4, §3.4.
 *
 * Locking: one md_dev has two internal locks.
 *  - al_lock: the active set; md_al_begin_write may block on it while an
 *    AL transaction (and the bitmap pages it depends on) is written, or
 *    until an extent becomes free. Never held while calling back.
 *  - bm_lock: the in-core bitmap; held only for memory operations, and
 *    while copying pages out for writing. Taken after al_lock, never before.
 * All md_al_* and md_bm_* functions are safe from any thread. The super
 * block (md_sb) is NOT locked: the engine changes it from one context
 * (the resource worker / under its state lock) and calls md_sb_write from
 * there; md_detach must not race with anything.
 */
#ifndef UDRBD_MD_MD_H
#define UDRBD_MD_MD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "md/al.h"
#include "md/apply_al.h"
#include "md/bitmap.h"
#include "md/sb.h"

struct plat_bdev;
struct md_dev;

struct md_attach_opts {
	int meta_index;		/* MD_IDX_INTERNAL, MD_IDX_FLEX_EXT or slot >= 0 */
	int node_id;		/* my node id, 0..31 */
	uint32_t al_extents;	/* disk option al-extents; 0 = 1237 */
	bool al_updates;	/* disk option al-updates (default yes) */
	bool md_flushes;	/* flush after meta-data writes (default yes) */
	/* TESTS ONLY (md_al_writer): accept al-extents below the minimum of
	 * 67, to exercise eviction and context wrap with a few writes. */
	bool test_only_small_al;
};

static inline void md_attach_opts_default(struct md_attach_opts *o)
{
	o->meta_index = MD_IDX_INTERNAL;
	o->node_id = 0;
	o->al_extents = AL_EXTENTS_DEFAULT;
	o->al_updates = true;
	o->md_flushes = true;
	o->test_only_small_al = false;
}

/* meta may equal data (internal). Refusals fill err with a message that
 * names the fix, e.g. "no valid meta data found on /dev/x; run drbdmeta
 * create-md", and return:
 *   -ENOMSG   no (valid) super block           (kernel: ERR_MD_INVALID 119)
 *   -EUCLEAN  MDF_AL_CLEAN not set: apply-al    (kernel: ERR_MD_UNCLEAN 165)
 *   -EINVAL   offsets/sizes/node id make no sense, al-extents < 67 (119)
 *   -ENOSPC   meta device too small             (112)
 *   -EIO      read error                        (118)
 * The bdevs stay owned by the caller and must outlive the md_dev. */
int md_attach(struct plat_bdev *data, struct plat_bdev *meta,
	      const struct md_attach_opts *opts, struct md_dev **out,
	      char *err, size_t errlen);

/* Writes every dirty bitmap page and the super block (MDF_AL_CLEAN stays
 * cleared: userspace apply-al sets it, §1.9), then frees. */
int md_detach(struct md_dev *md);

/* Data sectors available to the DRBD device on this backing device
 * (internal: up to the bitmap; external: the data device, clipped to
 * what the bitmap covers). */
uint64_t md_usable_sectors(const struct md_dev *md);
const struct md_layout *md_layout(const struct md_dev *md);

/* The decoded super block; the engine edits it in place (see Locking). */
struct md_sb *md_sb(struct md_dev *md);
/* Encodes and writes the super block (4 KiB, flushed). The first write
 * after attach clears MDF_AL_CLEAN, as the kernel does (§1.9); callers
 * need not. */
int md_sb_write(struct md_dev *md);

/* ---- activity log ------------------------------------------------------ */

/* Makes the extents of [sector, sector + bytes) hot before a data write:
 * if any is cold, writes the bitmap pages of evicted extents and then an
 * AL transaction, synchronously. Each successful call must be paired with
 * md_al_complete_write for the same range; until then the extents cannot
 * be evicted. Blocks while all slots are in use. Returns 0, -E2BIG if the
 * range spans more extents than al-extents, or an I/O error (the caller
 * must then fail the write and detach). */
int md_al_begin_write(struct md_dev *md, uint64_t sector, uint32_t bytes);
void md_al_complete_write(struct md_dev *md, uint64_t sector, uint32_t bytes);
/* Statistics: AL transactions written since attach (drbdsetup al-writes). */
uint64_t md_al_writes(const struct md_dev *md);

/* ---- bitmap ------------------------------------------------------------ */

/* Slot of a peer (peers[node].bitmap_index) or -1. */
int md_bm_slot_of_node(const struct md_dev *md, int peer_node_id);
/* Assigns the lowest free slot to a peer that has none (§2.3) and marks the
 * super block for writing; returns the slot or -ENOSPC. */
int md_bm_slot_assign(struct md_dev *md, int peer_node_id);

uint64_t md_bm_bits(const struct md_dev *md);	/* bits per slot */
/* Ranges in sectors of the DRBD device; partial 4 KiB blocks count as
 * touched for set, and only fully covered blocks are cleared (as DRBD
 * does). Return the number of bits that changed. */
uint64_t md_bm_set_range(struct md_dev *md, int slot, uint64_t sector, uint64_t nsect);
uint64_t md_bm_clear_range(struct md_dev *md, int slot, uint64_t sector, uint64_t nsect);
uint64_t md_bm_set_all(struct md_dev *md, int slot);
uint64_t md_bm_clear_all(struct md_dev *md, int slot);
bool md_bm_test_bit(struct md_dev *md, int slot, uint64_t bit);
/* Out-of-sync bits of a slot ("weight"). */
uint64_t md_bm_count(struct md_dev *md, int slot);
/* Next set bit >= from, or BM_NO_BIT (resync scan). */
uint64_t md_bm_find_next(struct md_dev *md, int slot, uint64_t from);
/* 64-bit words of a slot for the bitmap exchange (§2.4 last item). */
uint64_t md_bm_get_word64(struct md_dev *md, int slot, uint64_t idx);
uint64_t md_bm_or_word64(struct md_dev *md, int slot, uint64_t idx, uint64_t v);
/* Writes every dirty bitmap page. */
int md_bm_flush(struct md_dev *md);

#endif
