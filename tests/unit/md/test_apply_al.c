/* md_apply_al on a temporary 64 MiB meta device: drbd-metadata-resync.md
 * §3.6 (the verified example: slot 0 -> extent 5, context slot 1 = 7),
 * and md_attach before and after it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "md/md.h"
#include "tests/tap.h"
#include "tests/unit/plat/plat_test.h"

#define DEV_BYTES (64u << 20)

struct tdev {
	char path[512];
	struct plat_bdev *b;
	struct md_layout lo;
	struct md_sb sb;
	uint64_t sb_byte, al_byte, bm_byte;
	uint8_t blk[MD_BLOCK_SIZE];
};

static void tdev_write_sb(struct tdev *t)
{
	md_sb_encode(&t->sb, t->blk);
	TAP_EQ(plat_bdev_pwrite(t->b, t->blk, MD_BLOCK_SIZE, t->sb_byte), 0);
}

/* create-md with `peers` slots, then a crash with the given flags. */
static int tdev_create(struct tdev *t, uint32_t peers, uint32_t flags)
{
	char err[200];

	test_tmp_path(t->path, sizeof(t->path), "apply-al");
	if (plat_bdev_open(t->path, PLAT_BDEV_CREATE, &t->b) ||
	    plat_bdev_truncate(t->b, DEV_BYTES) ||
	    md_layout_create(DEV_BYTES, MD_IDX_INTERNAL, peers, 1, 8, &t->lo,
			     err, sizeof(err)))
		return -1;
	md_sb_init(&t->sb, 9, &t->lo);
	t->sb.effective_size = t->lo.usable_sectors;
	t->sb.flags = flags;
	t->sb.members = 3;
	t->sb_byte = md_sb_byte_offset(MD_IDX_INTERNAL, DEV_BYTES);
	t->al_byte = t->sb_byte + (uint64_t)((int64_t)t->sb.al_offset * 512);
	t->bm_byte = t->sb_byte + (uint64_t)((int64_t)t->sb.bm_offset * 512);
	tdev_write_sb(t);
	return md_al_format(t->b, &t->lo);
}

static void tdev_close(struct tdev *t)
{
	plat_bdev_close(t->b);
	remove(t->path);
}

/* One update transaction at ring position 1: slot 0 -> e1, context slot 1 = e2. */
static void tdev_write_tr(struct tdev *t, uint32_t e1, uint32_t e2)
{
	struct al_tr tr = { .tr_number = 1, .n_updates = 1, .context_size = 1237 };

	memset(tr.update_slot, 0xff, sizeof(tr.update_slot));
	memset(tr.update_extent, 0xff, sizeof(tr.update_extent));
	memset(tr.context, 0xff, sizeof(tr.context));
	tr.update_slot[0] = 0;
	tr.update_extent[0] = e1;
	tr.context[1] = e2;
	al_tr_encode(&tr, t->blk);
	TAP_EQ(plat_bdev_pwrite(t->b, t->blk, 4096,
				t->al_byte + al_tr_block(1, 1, 8) * 4096ull), 0);
}

static struct md_sb tdev_read_sb(struct tdev *t)
{
	struct md_sb sb;

	TAP_EQ(plat_bdev_pread(t->b, t->blk, MD_BLOCK_SIZE, t->sb_byte), 0);
	TAP_EQ(md_sb_decode(t->blk, &sb), 0);
	return sb;
}

static void check_al_initialized(struct tdev *t)
{
	uint8_t init[4096];

	al_tr_init_block(init);
	for (uint32_t i = 0; i < 8; i++) {
		TAP_EQ(plat_bdev_pread(t->b, t->blk, 4096, t->al_byte + i * 4096ull), 0);
		TAP_MEMEQ(t->blk, init, 4096);
	}
}

/* The bitmap bytes [0, 4096): 0xff inside the listed extents, else 0. */
static void check_bitmap(struct tdev *t, uint32_t peers, const uint32_t *ext,
			 int n)
{
	uint64_t per = 128ull * peers;

	TAP_EQ(plat_bdev_pread(t->b, t->blk, 4096, t->bm_byte), 0);
	for (uint64_t i = 0; i < 4096; i++) {
		int want = 0;

		for (int k = 0; k < n; k++)
			want |= i >= ext[k] * per && i < (ext[k] + 1) * per;
		if (t->blk[i] != (want ? 0xff : 0)) {
			TAP_OK(0, "bitmap byte %u is 0x%02x", (unsigned)i, t->blk[i]);
			return;
		}
	}
}

TAP_TEST(primary_crash_marks_hot_extents_in_every_slot)
{
	static const uint32_t hot[] = { 5, 7 };
	uint32_t ext[AL_EXTENTS_MAX];
	struct md_apply_result res = { .extents = ext };
	struct tdev t;
	struct md_sb sb;
	char err[200] = "";

	if (tdev_create(&t, 2, MDF_CONSISTENT | MDF_PRIMARY_IND | MDF_WAS_UP_TO_DATE)) {
		TAP_OK(0, "cannot create %s", t.path);
		return;
	}
	tdev_write_tr(&t, 5, 7);
	TAP_EQ(md_apply_al(t.b, MD_IDX_INTERNAL, 9, &res, err, sizeof(err)), 0);
	TAP_OK(res.needed && res.replayed && res.applied, "replayed and applied");
	TAP_EQ(res.replay, 1);
	TAP_EQ(res.al_blocks, 8);
	TAP_EQ(res.al_valid, 8);
	TAP_EQ(res.n_extents, 2);
	TAP_EQ(ext[0], 5);
	TAP_EQ(ext[1], 7);
	TAP_EQ(res.n_beyond, 0);
	TAP_EQ_U64(res.bits_marked, 2 * 2 * 1024);
	TAP_OK(res.al_reinit && res.sb_written, "AL reset, super block written");
	check_bitmap(&t, 2, hot, 2);
	check_al_initialized(&t);
	sb = tdev_read_sb(&t);
	/* §3.6 verified flags 0x93; drbd-utils drops `members` */
	TAP_EQ(sb.flags, 0x93);
	TAP_EQ_U64(sb.members, 0);
	/* a second run finds nothing and changes no bit */
	TAP_EQ(md_apply_al(t.b, MD_IDX_INTERNAL, 9, &res, err, sizeof(err)), 0);
	TAP_EQ(res.replay, 0);
	TAP_OK(!res.applied && !res.al_reinit && res.sb_written, "only the sb");
	check_bitmap(&t, 2, hot, 2);
	tdev_close(&t);
}

TAP_TEST(secondary_crash_resets_the_al_only)
{
	struct md_apply_result res = { 0 };
	struct tdev t;
	char err[200] = "";

	if (tdev_create(&t, 1, MDF_CONSISTENT)) {
		TAP_OK(0, "cannot create %s", t.path);
		return;
	}
	tdev_write_tr(&t, 3, 4);
	TAP_EQ(md_apply_al(t.b, MD_IDX_INTERNAL, 9, &res, err, sizeof(err)), 0);
	TAP_OK(!res.needed && !res.applied && res.al_reinit, "AL reset only");
	TAP_EQ(res.n_extents, 2);
	check_bitmap(&t, 1, NULL, 0);
	check_al_initialized(&t);
	TAP_EQ(tdev_read_sb(&t).flags, MDF_CONSISTENT | MDF_AL_CLEAN);
	tdev_close(&t);
}

TAP_TEST(unusable_al_of_a_primary_is_refused_untouched)
{
	struct md_apply_result res = { 0 };
	static uint8_t zero[8 * 4096];
	struct tdev t;
	char err[200] = "";

	if (tdev_create(&t, 1, MDF_PRIMARY_IND)) {
		TAP_OK(0, "cannot create %s", t.path);
		return;
	}
	TAP_EQ(plat_bdev_pwrite(t.b, zero, sizeof(zero), t.al_byte), 0);
	TAP_EQ(md_apply_al(t.b, MD_IDX_INTERNAL, 9, &res, err, sizeof(err)), -EBADMSG);
	TAP_EQ(res.replay, -ENOENT);
	TAP_OK(strstr(err, "no usable activity log") != NULL, "err: %s", err);
	TAP_OK(!res.al_reinit && !res.sb_written, "nothing written");
	TAP_EQ(tdev_read_sb(&t).flags, MDF_PRIMARY_IND);
	TAP_EQ(md_apply_al(t.b, MD_IDX_INTERNAL, 8, &res, err, sizeof(err)), -ENOMSG);
	tdev_close(&t);
}

/* 31 slots: one extent is 3968 bitmap bytes, so with a one-page bitmap
 * extent 1 is cut at byte 4096 and extent 5 lies beyond the end. */
TAP_TEST(extents_beyond_the_bitmap_are_skipped)
{
	uint32_t ext[AL_EXTENTS_MAX];
	struct md_apply_result res = { .extents = ext };
	struct tdev t;
	char err[200] = "";

	if (tdev_create(&t, 31, MDF_PRIMARY_IND)) {
		TAP_OK(0, "cannot create %s", t.path);
		return;
	}
	t.sb.effective_size = 8;
	tdev_write_sb(&t);
	tdev_write_tr(&t, 5, 1);
	TAP_EQ(md_apply_al(t.b, MD_IDX_INTERNAL, 9, &res, err, sizeof(err)), 0);
	TAP_EQ_U64(res.bm_bytes, 4096);
	TAP_EQ_U64(res.extent_bytes, 3968);
	TAP_EQ(res.n_extents, 2);
	TAP_EQ(res.n_beyond, 1);
	TAP_EQ(ext[1], 5);
	TAP_EQ_U64(res.bits_marked, (4096 - 3968) * 8);
	TAP_EQ(plat_bdev_pread(t.b, t.blk, 4096, t.bm_byte), 0);
	TAP_EQ(t.blk[3967], 0);
	TAP_EQ(t.blk[3968], 0xff);
	TAP_EQ(t.blk[4095], 0xff);
	tdev_close(&t);
}

TAP_TEST(attach_refuses_unclean_then_accepts_after_apply)
{
	struct md_apply_result res = { 0 };
	struct md_attach_opts o;
	struct md_dev *md = NULL;
	struct tdev t;
	char err[200] = "";

	if (tdev_create(&t, 2, MDF_CONSISTENT | MDF_PRIMARY_IND)) {
		TAP_OK(0, "cannot create %s", t.path);
		return;
	}
	t.sb.peers[1].bitmap_index = 0;
	tdev_write_sb(&t);
	tdev_write_tr(&t, 2, 9);
	md_attach_opts_default(&o);
	TAP_EQ(md_attach(t.b, t.b, &o, &md, err, sizeof(err)), -EUCLEAN);
	TAP_EQ(md_apply_al(t.b, MD_IDX_INTERNAL, 9, &res, err, sizeof(err)), 0);
	o.al_extents = AL_EXTENTS_MIN - 1;
	TAP_EQ(md_attach(t.b, t.b, &o, &md, err, sizeof(err)), -EINVAL);
	TAP_OK(strstr(err, "al-extents 66") != NULL, "err: %s", err);
	o.al_extents = AL_EXTENTS_MIN;
	TAP_EQ(md_attach(t.b, t.b, &o, &md, err, sizeof(err)), 0);
	if (!md)
		goto out;
	TAP_EQ_U64(md_bm_count(md, 0), 2 * 1024);
	TAP_EQ_U64(md_bm_count(md, 1), 2 * 1024);
	TAP_OK(md_bm_test_bit(md, 0, 9 * 1024 + 1023), "extent 9, last bit");
	TAP_OK(!md_bm_test_bit(md, 1, 10 * 1024), "extent 10 is clean");
	TAP_EQ(md_detach(md), 0);
out:
	tdev_close(&t);
}

TAP_TEST(small_al_extents_only_for_tests)
{
	struct md_attach_opts o;
	struct md_dev *md = NULL;
	struct tdev t;
	char err[200] = "";

	if (tdev_create(&t, 1, MDF_AL_CLEAN)) {
		TAP_OK(0, "cannot create %s", t.path);
		return;
	}
	md_attach_opts_default(&o);
	o.al_extents = 3;
	TAP_EQ(md_attach(t.b, t.b, &o, &md, err, sizeof(err)), -EINVAL);
	o.test_only_small_al = true;
	TAP_EQ(md_attach(t.b, t.b, &o, &md, err, sizeof(err)), 0);
	if (md)
		TAP_EQ(md_detach(md), 0);
	tdev_close(&t);
}

int main(void)
{
	plat_init();
	return tap_run();
}
