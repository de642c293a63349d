/* Bitmap of an attached device: locking, sector ranges, page write-out,
 * drbd-metadata-resync.md §2.3-§2.4. */
#include <stdint.h>
#include <string.h>

#include "md/md_int.h"

int md_bm_read(struct md_dev *md)
{
	for (size_t pg = 0; pg < bm_pages(&md->bm); pg++) {
		int r = plat_bdev_pread(md->meta, md->bm_buf, BM_PAGE_SIZE,
					md->bm_byte + pg * BM_PAGE_SIZE);
		if (r)
			return r;
		memcpy(md->bm.buf + pg * BM_PAGE_SIZE, md->bm_buf, BM_PAGE_SIZE);
	}
	bm_recount(&md->bm);
	return 0;
}

/* Writes dirty pages [a, b]. bm_lock is dropped around each write so I/O
 * threads keep setting bits meanwhile (a page dirtied again while being
 * written stays dirty for the next pass); bm_io_lock serialises writers
 * (they share bm_buf). */
static int md_bm_write_pages(struct md_dev *md, size_t a, size_t b)
{
	int r = 0;

	plat_mutex_lock(&md->bm_io_lock);
	plat_mutex_lock(&md->bm_lock);
	for (size_t pg = a; pg <= b && pg < bm_pages(&md->bm) && !r; pg++) {
		if (!md->bm.page_dirty[pg])
			continue;
		md->bm.page_dirty[pg] = 0;
		memcpy(md->bm_buf, md->bm.buf + pg * BM_PAGE_SIZE, BM_PAGE_SIZE);
		plat_mutex_unlock(&md->bm_lock);
		r = plat_bdev_pwrite(md->meta, md->bm_buf, BM_PAGE_SIZE,
				     md->bm_byte + pg * BM_PAGE_SIZE);
		plat_mutex_lock(&md->bm_lock);
		if (r)
			md->bm.page_dirty[pg] = 1;
	}
	plat_mutex_unlock(&md->bm_lock);
	if (!r && md->opts.md_flushes)
		r = plat_bdev_flush(md->meta);
	plat_mutex_unlock(&md->bm_io_lock);
	return r;
}

int md_bm_write_bits(struct md_dev *md, uint64_t first, uint64_t last)
{
	struct bm *bm = &md->bm;

	if (first >= bm->bits)
		return 0;
	if (last >= bm->bits)
		last = bm->bits - 1;
	return md_bm_write_pages(md,
		bm_word_offset(bm->slots, 0, first) / BM_PAGE_SIZE,
		bm_word_offset(bm->slots, bm->slots - 1, last) / BM_PAGE_SIZE);
}

int md_bm_flush(struct md_dev *md)
{
	return md_bm_write_pages(md, 0, SIZE_MAX);
}

int md_bm_slot_of_node(const struct md_dev *md, int node)
{
	if (node < 0 || node >= MD_MAX_PEERS)
		return -1;
	return md->sb.peers[node].bitmap_index;
}

int md_bm_slot_assign(struct md_dev *md, int node)
{
	uint32_t used = 0;

	if (node < 0 || node >= MD_MAX_PEERS || node == md->sb.node_id)
		return -EINVAL;
	if (md->sb.peers[node].bitmap_index >= 0)
		return md->sb.peers[node].bitmap_index;
	for (int n = 0; n < MD_MAX_PEERS; n++)
		if (md->sb.peers[n].bitmap_index >= 0)
			used |= 1u << md->sb.peers[n].bitmap_index;
	for (uint32_t s = 0; s < md->sb.bm_max_peers; s++) {
		if (used & (1u << s))
			continue;
		md->sb.peers[node].bitmap_index = (int32_t)s;
		return (int)s;
	}
	return -ENOSPC;
}

uint64_t md_bm_bits(const struct md_dev *md)
{
	return md->bm.bits;
}

#define BM_LOCKED(md, expr) ({                  \
	__typeof__(expr) v_;                    \
	plat_mutex_lock(&(md)->bm_lock);        \
	v_ = (expr);                            \
	plat_mutex_unlock(&(md)->bm_lock);      \
	v_; })

uint64_t md_bm_set_range(struct md_dev *md, int slot, uint64_t sector, uint64_t nsect)
{
	uint64_t spb = md->sect_per_bit;

	if (slot < 0 || !nsect)
		return 0;
	return BM_LOCKED(md, bm_set_bits(&md->bm, (uint32_t)slot, sector / spb,
					 (sector + nsect - 1) / spb));
}

uint64_t md_bm_clear_range(struct md_dev *md, int slot, uint64_t sector, uint64_t nsect)
{
	uint64_t spb = md->sect_per_bit;
	uint64_t first = (sector + spb - 1) / spb, end = (sector + nsect) / spb;

	/* only blocks the range covers completely are in sync */
	if (slot < 0 || end <= first)
		return 0;
	return BM_LOCKED(md, bm_clear_bits(&md->bm, (uint32_t)slot, first, end - 1));
}

uint64_t md_bm_set_all(struct md_dev *md, int slot)
{
	if (slot < 0 || !md->bm.bits)
		return 0;
	return BM_LOCKED(md, bm_set_bits(&md->bm, (uint32_t)slot, 0, md->bm.bits - 1));
}

uint64_t md_bm_clear_all(struct md_dev *md, int slot)
{
	if (slot < 0 || !md->bm.bits)
		return 0;
	return BM_LOCKED(md, bm_clear_bits(&md->bm, (uint32_t)slot, 0, md->bm.bits - 1));
}

bool md_bm_test_bit(struct md_dev *md, int slot, uint64_t bit)
{
	return slot >= 0 && BM_LOCKED(md, bm_test_bit(&md->bm, (uint32_t)slot, bit));
}

uint64_t md_bm_count(struct md_dev *md, int slot)
{
	if (slot < 0 || slot >= (int)md->bm.slots)
		return 0;
	return BM_LOCKED(md, md->bm.weight[slot]);
}

uint64_t md_bm_find_next(struct md_dev *md, int slot, uint64_t from)
{
	if (slot < 0)
		return BM_NO_BIT;
	return BM_LOCKED(md, bm_find_next(&md->bm, (uint32_t)slot, from));
}

uint64_t md_bm_get_word64(struct md_dev *md, int slot, uint64_t idx)
{
	if (slot < 0)
		return 0;
	return BM_LOCKED(md, bm_get_word64(&md->bm, (uint32_t)slot, idx));
}

uint64_t md_bm_or_word64(struct md_dev *md, int slot, uint64_t idx, uint64_t v)
{
	if (slot < 0)
		return 0;
	return BM_LOCKED(md, bm_or_word64(&md->bm, (uint32_t)slot, idx, v));
}
