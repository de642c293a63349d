/* In-core bitmap over the interleaved on-disk image,
 * drbd-metadata-resync.md §2.2-§2.3. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "md/bitmap.h"
#include "md/endian.h"

int bm_init(struct bm *bm, uint32_t slots, uint64_t bits, size_t bytes)
{
	memset(bm, 0, sizeof(*bm));
	if (!slots || slots > MD_MAX_PEERS || bytes % BM_PAGE_SIZE ||
	    (bits + 31) / 32 * slots * 4 > bytes)
		return -EINVAL;
	bm->slots = slots;
	bm->bits = bits;
	bm->bytes = bytes;
	bm->buf = calloc(1, bytes ? bytes : 1);
	bm->page_dirty = calloc(1, bytes / BM_PAGE_SIZE + 1);
	if (!bm->buf || !bm->page_dirty) {
		bm_free(bm);
		return -ENOMEM;
	}
	return 0;
}

void bm_free(struct bm *bm)
{
	free(bm->buf);
	free(bm->page_dirty);
	bm->buf = NULL;
	bm->page_dirty = NULL;
}

static inline uint8_t *bm_word(const struct bm *bm, uint32_t slot, uint64_t w)
{
	return bm->buf + bm_word_offset(bm->slots, slot, w * 32);
}

static inline void bm_dirty(struct bm *bm, const uint8_t *p)
{
	bm->page_dirty[(size_t)(p - bm->buf) / BM_PAGE_SIZE] = 1;
}

static uint32_t word_mask(uint64_t w, uint64_t first, uint64_t last)
{
	uint32_t lo = first > w * 32 ? (uint32_t)(first - w * 32) : 0;
	uint32_t hi = last < w * 32 + 31 ? (uint32_t)(last - w * 32) : 31;

	return (uint32_t)((0xFFFFFFFFull << lo) & (0xFFFFFFFFull >> (31 - hi)));
}

/* Applies set (or clear) to [first, last]; returns bits changed. */
static uint64_t bm_change(struct bm *bm, uint32_t slot, uint64_t first,
			  uint64_t last, bool set)
{
	uint64_t changed = 0;

	if (slot >= bm->slots || first >= bm->bits || first > last)
		return 0;
	if (last >= bm->bits)
		last = bm->bits - 1;
	for (uint64_t w = first / 32; w <= last / 32; w++) {
		uint8_t *p = bm_word(bm, slot, w);
		uint32_t m = word_mask(w, first, last), v = get_le32(p);
		uint32_t nv = set ? v | m : v & ~m;

		if (nv == v)
			continue;
		changed += (uint64_t)__builtin_popcount(nv ^ v);
		put_le32(p, nv);
		bm_dirty(bm, p);
	}
	if (set)
		bm->weight[slot] += changed;
	else
		bm->weight[slot] -= changed;
	return changed;
}

uint64_t bm_set_bits(struct bm *bm, uint32_t slot, uint64_t first, uint64_t last)
{
	return bm_change(bm, slot, first, last, true);
}

uint64_t bm_clear_bits(struct bm *bm, uint32_t slot, uint64_t first, uint64_t last)
{
	return bm_change(bm, slot, first, last, false);
}

bool bm_test_bit(const struct bm *bm, uint32_t slot, uint64_t bit)
{
	if (slot >= bm->slots || bit >= bm->bits)
		return false;
	return get_le32(bm_word(bm, slot, bit / 32)) >> (bit % 32) & 1;
}

uint64_t bm_count_bits(const struct bm *bm, uint32_t slot, uint64_t first,
		       uint64_t last)
{
	uint64_t n = 0;

	if (slot >= bm->slots || first >= bm->bits || first > last)
		return 0;
	if (last >= bm->bits)
		last = bm->bits - 1;
	for (uint64_t w = first / 32; w <= last / 32; w++)
		n += (uint64_t)__builtin_popcount(get_le32(bm_word(bm, slot, w)) &
						  word_mask(w, first, last));
	return n;
}

static uint64_t bm_find(const struct bm *bm, uint32_t slot, uint64_t from,
			bool want_set)
{
	if (slot >= bm->slots)
		return BM_NO_BIT;
	for (uint64_t w = from / 32; w * 32 < bm->bits; w++) {
		uint32_t v = get_le32(bm_word(bm, slot, w));

		if (!want_set)
			v = ~v;
		v &= word_mask(w, from, bm->bits - 1);
		if (v)
			return w * 32 + (uint64_t)__builtin_ctz(v);
	}
	return BM_NO_BIT;
}

uint64_t bm_find_next(const struct bm *bm, uint32_t slot, uint64_t from)
{
	return from >= bm->bits ? BM_NO_BIT : bm_find(bm, slot, from, true);
}

uint64_t bm_find_next_zero(const struct bm *bm, uint32_t slot, uint64_t from)
{
	return from >= bm->bits ? BM_NO_BIT : bm_find(bm, slot, from, false);
}

void bm_recount(struct bm *bm)
{
	uint64_t words = (bm->bits + 31) / 32;

	for (uint32_t s = 0; s < bm->slots; s++) {
		/* §2.2: bits past the end must read 0; apply-al may set them */
		if (bm->bits % 32) {
			uint8_t *p = bm_word(bm, s, words - 1);
			uint32_t v = get_le32(p), m = (1u << (bm->bits % 32)) - 1;

			if (v & ~m) {
				put_le32(p, v & m);
				bm_dirty(bm, p);
			}
		}
		bm->weight[s] = bm_count_bits(bm, s, 0, bm->bits ? bm->bits - 1 : 0);
	}
}

uint64_t bm_get_word64(const struct bm *bm, uint32_t slot, uint64_t idx)
{
	uint64_t lo = 0, hi = 0;

	if (slot >= bm->slots || idx * 64 >= bm->bits)
		return 0;
	lo = get_le32(bm_word(bm, slot, idx * 2)) & word_mask(idx * 2, 0, bm->bits - 1);
	if (idx * 64 + 32 < bm->bits)
		hi = get_le32(bm_word(bm, slot, idx * 2 + 1)) &
		     word_mask(idx * 2 + 1, 0, bm->bits - 1);
	return hi << 32 | lo;
}

uint64_t bm_or_word64(struct bm *bm, uint32_t slot, uint64_t idx, uint64_t v)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < 64 && v; i++, v >>= 1)
		if (v & 1)
			n += bm_change(bm, slot, idx * 64 + i, idx * 64 + i, true);
	return n;
}

void bm_mark_range_dirty(struct bm *bm, uint64_t first, uint64_t last)
{
	size_t a, b;

	if (first >= bm->bits || first > last)
		return;
	if (last >= bm->bits)
		last = bm->bits - 1;
	a = bm_word_offset(bm->slots, 0, first) / BM_PAGE_SIZE;
	b = bm_word_offset(bm->slots, bm->slots - 1, last) / BM_PAGE_SIZE;
	for (size_t i = a; i <= b && i < bm_pages(bm); i++)
		bm->page_dirty[i] = 1;
}
