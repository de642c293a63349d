/* Activity log of an attached device: making extents hot before writes,
 * drbd-metadata-resync.md §3.1, §3.3, §3.4 (and §2.4 for the order of
 * bitmap and AL writes). */
#include <string.h>

#include "md/md_int.h"

#define AL_MAX_SPAN 64	/* extents one request may touch (discards) */

static void extent_range(uint64_t sector, uint32_t bytes, uint32_t *first,
			 uint32_t *last)
{
	uint64_t end = sector + (bytes ? (bytes - 1) / 512 : 0);

	*first = (uint32_t)(sector >> AL_EXTENT_SECT_SHIFT);
	*last = (uint32_t)(end >> AL_EXTENT_SECT_SHIFT);
}

/* Called with al_lock held and tr_busy set by us; drops the lock for the
 * I/O. Bitmap pages of evicted extents go to disk first (§2.4). */
static int md_al_write_tr(struct md_dev *md)
{
	struct al_tr tr;
	uint32_t old[AL_UPDATES_PER_TR], blk;
	uint64_t bits_per_ext = (1ull << AL_EXTENT_SHIFT) / md->sb.bm_bytes_per_bit;
	int r = 0;

	al_set_build_tr(&md->al, &tr, old);
	plat_mutex_unlock(&md->al_lock);
	for (unsigned i = 0; i < tr.n_updates && !r; i++)
		if (old[i] != AL_LC_FREE)
			r = md_bm_write_bits(md, old[i] * bits_per_ext,
					     (old[i] + 1) * bits_per_ext - 1);
	if (!r) {
		al_tr_encode(&tr, md->al_buf);
		blk = al_tr_block(tr.tr_number, md->sb.al_stripes,
				  md->sb.al_stripe_size_4k);
		r = plat_bdev_pwrite(md->meta, md->al_buf, 4096,
				     md->al_byte + (uint64_t)blk * 4096);
	}
	if (!r && md->opts.md_flushes)
		r = plat_bdev_flush(md->meta);
	plat_mutex_lock(&md->al_lock);
	if (!r) {
		al_set_committed(&md->al, &tr);
		md->al_writes++;
	}
	return r;
}

static void md_al_put(struct md_dev *md, const uint32_t *slot, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (slot[i] != AL_LC_FREE && md->al.slot[slot[i]].refcnt)
			md->al.slot[slot[i]].refcnt--;
}

/* Takes references for every extent not yet held; true when all are
 * held and committed. */
static bool md_al_grab(struct md_dev *md, uint32_t first, uint32_t *slot, uint32_t n)
{
	bool done = true;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t old, s = slot[i];

		if (s == AL_LC_FREE) {
			s = al_set_find(&md->al, first + i);
			if (s == AL_LC_FREE)
				s = al_set_place(&md->al, first + i, &old);
			if (s == AL_LC_FREE) {
				done = false;
				continue;
			}
			md->al.slot[s].refcnt++;
			slot[i] = s;
		}
		al_set_touch(&md->al, s);
		done &= md->al.slot[s].committed;
	}
	return done;
}

int md_al_begin_write(struct md_dev *md, uint64_t sector, uint32_t bytes)
{
	uint32_t first, last, n, slot[AL_MAX_SPAN];
	int r = 0;

	if (!md->opts.al_updates)
		return 0;
	extent_range(sector, bytes, &first, &last);
	n = last - first + 1;
	if (n > AL_MAX_SPAN || n > md->al.nr)
		return -E2BIG;
	memset(slot, 0xff, sizeof(slot));
	plat_mutex_lock(&md->al_lock);
	while (!(r = md->al_failed) && !md_al_grab(md, first, slot, n)) {
		if (md->tr_busy || !md->al.n_pending) {
			plat_cond_wait(&md->al_cond, &md->al_lock);
			continue;
		}
		md->tr_busy = true;
		r = md_al_write_tr(md);
		md->tr_busy = false;
		if (r)
			md->al_failed = r;
		plat_cond_broadcast(&md->al_cond);
	}
	if (r)
		md_al_put(md, slot, n);
	plat_mutex_unlock(&md->al_lock);
	return r;
}

void md_al_complete_write(struct md_dev *md, uint64_t sector, uint32_t bytes)
{
	uint32_t first, last;

	if (!md->opts.al_updates)
		return;
	extent_range(sector, bytes, &first, &last);
	plat_mutex_lock(&md->al_lock);
	for (uint32_t e = first; e <= last; e++) {
		uint32_t s = al_set_find(&md->al, e);

		if (s != AL_LC_FREE && md->al.slot[s].refcnt &&
		    !--md->al.slot[s].refcnt)
			plat_cond_broadcast(&md->al_cond);
	}
	plat_mutex_unlock(&md->al_lock);
}

uint64_t md_al_writes(const struct md_dev *md)
{
	return md->al_writes;
}
