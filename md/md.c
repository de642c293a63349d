/* Attaching meta data for the engine: drbd-metadata-resync.md §1.7, §1.9. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md/md_int.h"

static int md_read_sb(struct md_dev *md, uint64_t dev_bytes, char *err,
		      size_t errlen)
{
	const char *name = plat_bdev_path(md->meta);
	int r;

	md->sb_byte = md_sb_byte_offset(md->opts.meta_index, dev_bytes);
	if (dev_bytes < md->sb_byte + MD_BLOCK_SIZE) {
		snprintf(err, errlen, "%s is too small (%" PRIu64 " bytes) for "
			 "meta data; run drbdmeta create-md on a larger device",
			 name, dev_bytes);
		return -ENOSPC;
	}
	r = plat_bdev_pread(md->meta, md->sb_buf, MD_BLOCK_SIZE, md->sb_byte);
	if (r) {
		snprintf(err, errlen, "reading the super block of %s: %s", name,
			 plat_strerror(r));
		return -EIO;
	}
	if (md_sb_decode(md->sb_buf, &md->sb) || md->sb.version != 9) {
		snprintf(err, errlen, "no valid meta data found on %s; run "
			 "drbdmeta create-md (v09)", name);
		return -ENOMSG;
	}
	if (!(md->sb.flags & MDF_AL_CLEAN)) {
		snprintf(err, errlen, "meta data on %s is unclean; run drbdmeta "
			 "apply-al (drbdadm apply-al) first", name);
		return -EUCLEAN;
	}
	return 0;
}

static int md_check_node(struct md_dev *md, char *err, size_t errlen)
{
	int me = md->opts.node_id;

	if (me < 0 || me >= MD_MAX_PEERS) {
		snprintf(err, errlen, "node id %d out of range", me);
		return -EINVAL;
	}
	if (md->sb.node_id != -1 && md->sb.node_id != me) {
		snprintf(err, errlen, "meta data on %s belongs to node-id %d, but "
			 "this node has node-id %d; fix the configuration or "
			 "run drbdmeta create-md", plat_bdev_path(md->meta),
			 md->sb.node_id, me);
		return -EINVAL;
	}
	if (md->sb.peers[me].bitmap_index != -1) {
		snprintf(err, errlen, "meta data on %s has a bitmap slot for "
			 "this node's own id %d", plat_bdev_path(md->meta), me);
		return -EINVAL;
	}
	md->sb.node_id = me;
	return 0;
}

static int md_setup(struct md_dev *md, uint64_t dev_bytes, char *err, size_t errlen)
{
	uint64_t data_bytes, incore;
	uint32_t nblocks, nr;
	int r;

	r = md_layout_from_sb(&md->sb, dev_bytes, md->opts.meta_index, &md->lo,
			      err, errlen);
	if (r)
		return r;
	md->usable = md->lo.usable_sectors;
	if (!md_idx_is_internal(md->opts.meta_index)) {
		r = plat_bdev_size(md->data, &data_bytes);
		if (r)
			return r;
		if (data_bytes / 512 < md->usable)
			md->usable = data_bytes / 512;
	}
	md->sect_per_bit = md->sb.bm_bytes_per_bit / 512;
	md->bm_byte = md->sb_byte + (uint64_t)((int64_t)md->sb.bm_offset * 512);
	md->al_byte = md->sb_byte + (uint64_t)((int64_t)md->sb.al_offset * 512);
	incore = md_bm_bytes(md->usable, md->lo.max_peers, md->sb.bm_bytes_per_bit);
	if (incore > md->lo.bm_bytes)
		incore = md->lo.bm_bytes;
	r = bm_init(&md->bm, md->lo.max_peers,
		    (md->usable + md->sect_per_bit - 1) / md->sect_per_bit, incore);
	if (r)
		return r;
	nblocks = md->sb.al_stripes * md->sb.al_stripe_size_4k;
	nr = md->opts.al_extents ? md->opts.al_extents : AL_EXTENTS_DEFAULT;
	if (nr > al_max_extents(nblocks))
		nr = al_max_extents(nblocks);
	return al_set_init(&md->al, nr);
}

/* §1.9: a peer slot flagged for full sync gets all bits at attach. */
static void md_full_sync_slots(struct md_dev *md)
{
	for (int n = 0; n < MD_MAX_PEERS; n++) {
		struct md_peer_md *p = &md->sb.peers[n];

		if (!(p->flags & MDF_PEER_FULL_SYNC) || p->bitmap_index < 0)
			continue;
		md_bm_set_all(md, p->bitmap_index);
		p->flags &= ~MDF_PEER_FULL_SYNC;
	}
}

static struct md_dev *md_alloc(void)
{
	struct md_dev *md = calloc(1, sizeof(*md));

	if (!md)
		return NULL;
	md->sb_buf = plat_alloc_aligned(MD_BLOCK_SIZE);
	md->al_buf = plat_alloc_aligned(MD_BLOCK_SIZE);
	md->bm_buf = plat_alloc_aligned(BM_PAGE_SIZE);
	plat_mutex_init(&md->sb_lock);
	plat_mutex_init(&md->al_lock);
	plat_mutex_init(&md->bm_lock);
	plat_mutex_init(&md->bm_io_lock);
	plat_cond_init(&md->al_cond);
	return md;
}

static void md_free(struct md_dev *md)
{
	al_set_free(&md->al);
	bm_free(&md->bm);
	plat_free_aligned(md->sb_buf);
	plat_free_aligned(md->al_buf);
	plat_free_aligned(md->bm_buf);
	plat_cond_destroy(&md->al_cond);
	plat_mutex_destroy(&md->sb_lock);
	plat_mutex_destroy(&md->al_lock);
	plat_mutex_destroy(&md->bm_lock);
	plat_mutex_destroy(&md->bm_io_lock);
	free(md);
}

int md_attach(struct plat_bdev *data, struct plat_bdev *meta,
	      const struct md_attach_opts *opts, struct md_dev **out,
	      char *err, size_t errlen)
{
	struct md_dev *md = md_alloc();
	uint64_t dev_bytes;
	int r;

	*out = NULL;
	/* §3.1; checked before any I/O so a bad option leaves the disk alone */
	if (opts->al_extents && opts->al_extents < AL_EXTENTS_MIN &&
	    !opts->test_only_small_al) {
		r = -EINVAL;
		snprintf(err, errlen, "al-extents %u is below the minimum of %d",
			 opts->al_extents, AL_EXTENTS_MIN);
		goto out;
	}
	if (!md || !md->sb_buf || !md->al_buf || !md->bm_buf) {
		r = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	md->data = data;
	md->meta = meta;
	md->opts = *opts;
	r = plat_bdev_size(meta, &dev_bytes);
	if (r) {
		snprintf(err, errlen, "%s: %s", plat_bdev_path(meta), plat_strerror(r));
		goto out;
	}
	r = md_read_sb(md, dev_bytes, err, errlen);
	if (!r)
		r = md_check_node(md, err, errlen);
	if (!r)
		r = md_setup(md, dev_bytes, err, errlen);
	if (!r && (r = md_bm_read(md)))
		snprintf(err, errlen, "reading the bitmap of %s: %s",
			 plat_bdev_path(meta), plat_strerror(r));
	if (r)
		goto out;
	md_full_sync_slots(md);
	/* §1.9: clear MDF_AL_CLEAN on disk before any AL transaction */
	r = md_bm_flush(md);
	if (!r)
		r = md_sb_write(md);
	if (r) {
		snprintf(err, errlen, "writing meta data to %s: %s",
			 plat_bdev_path(meta), plat_strerror(r));
		goto out;
	}
	*out = md;
	md = NULL;
out:
	if (md)
		md_free(md);
	return r;
}

int md_sb_write(struct md_dev *md)
{
	int r;

	plat_mutex_lock(&md->sb_lock);
	md->sb.flags &= ~MDF_AL_CLEAN;
	md_sb_encode(&md->sb, md->sb_buf);
	r = plat_bdev_pwrite(md->meta, md->sb_buf, MD_BLOCK_SIZE, md->sb_byte);
	if (!r && md->opts.md_flushes)
		r = plat_bdev_flush(md->meta);
	plat_mutex_unlock(&md->sb_lock);
	return r;
}

int md_detach(struct md_dev *md)
{
	int r = md_bm_flush(md), r2 = md_sb_write(md);

	md_free(md);
	return r ? r : r2;
}

uint64_t md_usable_sectors(const struct md_dev *md)
{
	return md->usable;
}

const struct md_layout *md_layout(const struct md_dev *md)
{
	return &md->lo;
}

struct md_sb *md_sb(struct md_dev *md)
{
	return &md->sb;
}
