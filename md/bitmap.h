/* md/bitmap: the in-core copy of the on-disk bitmap area.
 *
 * The buffer IS the on-disk image: P slots interleaved in 32-bit
 * little-endian words (drbd-metadata-resync.md §2.3), so loading and
 * writing 4 KiB pages is a plain copy. One bit = bytes_per_bit (4 KiB) of
 * the DRBD device. Bit numbers are per slot.
 *
 * Not locked: struct md_dev serialises callers (see md.h). bm_* are
 * pure functions over the buffer, usable by drbdmeta as well.
 */
#ifndef UDRBD_MD_BITMAP_H
#define UDRBD_MD_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "md/sb.h"

#define BM_PAGE_SIZE 4096u
#define BM_NO_BIT UINT64_MAX

struct bm {
	uint32_t slots;		/* bm_max_peers */
	uint64_t bits;		/* valid bits per slot */
	size_t bytes;		/* size of the area, multiple of 4 KiB */
	uint8_t *buf;		/* on-disk image */
	uint8_t *page_dirty;	/* one byte per 4 KiB page */
	uint64_t weight[MD_MAX_PEERS];
};

/* bytes may exceed what bits need (padding pages stay as loaded). */
int bm_init(struct bm *bm, uint32_t slots, uint64_t bits, size_t bytes);
void bm_free(struct bm *bm);

/* Recomputes weights, e.g. after the buffer was filled from disk. Also
 * clears surplus bits beyond bits (§2.2) and marks those pages dirty. */
void bm_recount(struct bm *bm);

/* Inclusive bit ranges, clipped to bits. Return how many bits changed;
 * changed pages are marked dirty. */
uint64_t bm_set_bits(struct bm *bm, uint32_t slot, uint64_t first, uint64_t last);
uint64_t bm_clear_bits(struct bm *bm, uint32_t slot, uint64_t first, uint64_t last);
bool bm_test_bit(const struct bm *bm, uint32_t slot, uint64_t bit);
uint64_t bm_count_bits(const struct bm *bm, uint32_t slot, uint64_t first,
		       uint64_t last);
/* First set bit >= from, or BM_NO_BIT. */
uint64_t bm_find_next(const struct bm *bm, uint32_t slot, uint64_t from);
/* First clear bit >= from, or BM_NO_BIT. */
uint64_t bm_find_next_zero(const struct bm *bm, uint32_t slot, uint64_t from);

/* Byte offset in the area of the 32-bit word holding bit `bit` of slot. */
static inline size_t bm_word_offset(uint32_t slots, uint32_t slot, uint64_t bit)
{
	return (size_t)((bit / 32) * slots + slot) * 4;
}

/* 64 bits of one slot starting at bit 64*idx (for the bitmap exchange on
 * the wire); bits beyond `bits` read 0. */
uint64_t bm_get_word64(const struct bm *bm, uint32_t slot, uint64_t idx);
/* ORs 64 bits in (received bitmap); returns newly set bits. */
uint64_t bm_or_word64(struct bm *bm, uint32_t slot, uint64_t idx, uint64_t v);

/* Marks dirty the pages holding bits [first, last] of every slot (the
 * pages an evicted AL extent covers, §2.4). */
void bm_mark_range_dirty(struct bm *bm, uint64_t first, uint64_t last);
static inline size_t bm_pages(const struct bm *bm)
{
	return bm->bytes / BM_PAGE_SIZE;
}

#endif
