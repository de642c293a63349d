/* md/: layouts (drbd-metadata-resync.md §1.8), super block round trip,
 * bitmap interleaving (§2.3), AL CRC (§3.5), replay (§3.6), refusals. */
#include <errno.h>

#include "md/al.h"
#include "md/bitmap.h"
#include "md/endian.h"
#include "md/sb.h"
#include "tests/tap.h"

#define GIB (1ull << 30)

TAP_TEST(layout_1gib_worked_examples)
{
	static const struct { uint32_t p; uint32_t md; int32_t bm; uint64_t usable; } ex[] = {
		{ 1, 136, -128, 2097016 }, { 2, 200, -192, 2096952 },
		{ 31, 2056, -2048, 2095096 },
	};
	struct md_layout lo;
	char err[128];

	for (unsigned i = 0; i < 3; i++) {
		TAP_EQ(md_layout_create(GIB, MD_IDX_FLEX_INT, ex[i].p, 0, 0, &lo, err, sizeof(err)), 0);
		TAP_EQ(lo.md_offset, 2097144);
		TAP_EQ(lo.md_size_sect, ex[i].md);
		TAP_EQ(lo.al_offset, -64);
		TAP_EQ(lo.bm_offset, ex[i].bm);
		TAP_EQ_U64(lo.usable_sectors, ex[i].usable);
		TAP_EQ(lo.bits, 262144);
	}
}

TAP_TEST(sb_golden_bytes_and_round_trip)
{
	struct md_layout lo;
	struct md_sb sb, back;
	uint8_t b[4096], b2[4096];
	char err[128];

	md_layout_create(GIB, MD_IDX_FLEX_INT, 31, 0, 0, &lo, err, sizeof(err));
	md_sb_init(&sb, 9, &lo);
	md_sb_encode(&sb, b);
	TAP_EQ_U64(get_be64(b + 0x08), 4);
	TAP_EQ(get_be32(b + 0x38), 0x80);
	TAP_EQ(get_be32(b + 0x3C), 0x8374026D);
	TAP_EQ(get_be32(b + 0x40), 0x808);
	TAP_EQ(get_be32(b + 0x44), 0xFFFFFFC0);
	TAP_EQ(get_be32(b + 0x48), 257);
	TAP_EQ(get_be32(b + 0x4C), 0xFFFFF800);
	TAP_EQ(get_be32(b + 0x58), 31);
	TAP_EQ(get_be32(b + 0x5C), 0xFFFFFFFF);
	TAP_EQ(get_be32(b + 0x70 + 20), 0xFFFFFFFF);
	sb.peers[3].bitmap_uuid = 0x1122334455667788ull;
	sb.peers[3].flags = MDF_NODE_EXISTS | MDF_HAVE_BITMAP;
	sb.history_uuids[31] = 42;
	sb.members = 5;
	md_sb_encode(&sb, b);
	TAP_EQ(md_sb_decode(b, &back), 0);
	TAP_EQ(back.peers[3].flags, MDF_NODE_EXISTS);	/* in-core bit dropped */
	md_sb_encode(&back, b2);
	TAP_MEMEQ(b, b2, 4096);
	TAP_EQ(md_layout_from_sb(&back, GIB, MD_IDX_FLEX_INT, &lo, err, sizeof(err)), 0);
}

TAP_TEST(sb_validation_refusals)
{
	struct md_layout lo;
	struct md_sb sb;
	uint8_t b[4096] = { 0 };
	char err[128];

	TAP_EQ(md_sb_decode(b, &sb), -EINVAL);
	md_layout_create(GIB, MD_IDX_FLEX_INT, 1, 0, 0, &lo, err, sizeof(err));
	md_sb_init(&sb, 9, &lo);
	sb.bm_offset -= 8;
	TAP_EQ(md_layout_from_sb(&sb, GIB, MD_IDX_FLEX_INT, &lo, err, sizeof(err)), -EINVAL);
	TAP_OK(strstr(err, "bm_offset") != NULL, "%s", err);
	sb.bm_offset += 8;
	sb.peers[2].bitmap_index = 1;	/* only slot 0 exists */
	TAP_EQ(md_layout_from_sb(&sb, GIB, MD_IDX_FLEX_INT, &lo, err, sizeof(err)), -EINVAL);
	sb.peers[2].bitmap_index = -1;
	sb.al_stripes = 0;
	TAP_EQ(md_layout_from_sb(&sb, GIB, MD_IDX_FLEX_INT, &lo, err, sizeof(err)), -EINVAL);
}

TAP_TEST(bitmap_interleaving_p2)
{
	struct bm bm;

	/* §2.3: extent 5 of every slot = bytes 1280..1535 with P = 2 */
	TAP_EQ(bm_init(&bm, 2, 262144, 65536), 0);
	TAP_EQ_U64(bm_set_bits(&bm, 0, 5 * 1024, 6 * 1024 - 1), 1024);
	TAP_EQ_U64(bm_set_bits(&bm, 1, 5 * 1024, 6 * 1024 - 1), 1024);
	for (unsigned i = 0; i < 65536; i++)
		TAP_EQ(bm.buf[i], i >= 1280 && i < 1536 ? 0xFF : 0);
	TAP_EQ_U64(bm_clear_bits(&bm, 1, 5 * 1024 + 1, 5 * 1024 + 1), 1);
	TAP_EQ(bm.buf[1284], 0xFD);
	TAP_EQ_U64(bm.weight[1], 1023);
	TAP_EQ_U64(bm_find_next(&bm, 1, 0), 5120);
	TAP_EQ_U64(bm_find_next_zero(&bm, 1, 5120), 5121);
	TAP_EQ_U64(bm_get_word64(&bm, 0, 80), ~0ull);
	bm_free(&bm);
}

TAP_TEST(al_crc_and_replay)
{
	static uint8_t area[8 * 4096];
	uint32_t ext[AL_EXTENTS_MAX], n, valid;
	struct al_tr tr = { 0 }, back;

	al_tr_init_block(area);
	TAP_EQ(get_be32(area + 8), 0x709CC651u);
	for (int i = 1; i < 8; i++)
		memcpy(area + i * 4096, area, 4096);
	TAP_EQ(al_replay(area, 8, 1, 8, ext, &n, &valid), 0);
	/* §3.6 verified case: slot 0 -> extent 5, context slot 1 = extent 7 */
	tr.tr_number = 1;
	tr.n_updates = 1;
	tr.context_size = 1237;
	memset(tr.update_slot, 0xff, sizeof(tr.update_slot));
	memset(tr.update_extent, 0xff, sizeof(tr.update_extent));
	memset(tr.context, 0xff, sizeof(tr.context));
	tr.update_slot[0] = 0;
	tr.update_extent[0] = 5;
	tr.context[1] = 7;
	al_tr_encode(&tr, area + al_tr_block(1, 1, 8) * 4096);
	TAP_EQ(al_tr_decode(area + 4096, &back), 0);
	TAP_EQ(al_replay(area, 8, 1, 8, ext, &n, &valid), 1);
	TAP_EQ(n, 2);
	TAP_EQ(ext[0], 5);
	TAP_EQ(ext[1], 7);
	area[4096 + 100] ^= 1;
	TAP_EQ(al_tr_decode(area + 4096, &back), -EBADMSG);
	memset(area, 0, sizeof(area));
	TAP_EQ(al_replay(area, 8, 1, 8, ext, &n, &valid), -ENOENT);
}

TAP_TEST(al_set_lru_and_context)
{
	struct al_set s;
	struct al_tr tr;
	uint32_t old, oldv[AL_UPDATES_PER_TR], slot;

	TAP_EQ(al_set_init(&s, 2), 0);
	TAP_EQ(al_set_place(&s, 10, &old), 0);
	TAP_EQ(al_set_place(&s, 11, &old), 1);
	TAP_EQ(al_set_place(&s, 12, &old), AL_LC_FREE);	/* nothing committed */
	al_set_build_tr(&s, &tr, oldv);
	TAP_EQ(tr.n_updates, 2);
	TAP_EQ(tr.context[0], 10);
	TAP_EQ(tr.context[1], 11);
	TAP_EQ(tr.context[2], AL_LC_FREE);
	al_set_committed(&s, &tr);
	al_set_touch(&s, 0);
	slot = al_set_place(&s, 12, &old);	/* evicts the LRU: extent 11 */
	TAP_EQ(slot, 1);
	TAP_EQ(old, 11);
	TAP_EQ(al_set_find(&s, 11), AL_LC_FREE);
	TAP_EQ(al_set_find(&s, 12), 1);
	al_set_free(&s);
}

int main(void)
{
	return tap_run();
}
