/* md/fshide: hiding and showing the boot sectors of NTFS, ReFS, exFAT and
 * FAT (WinDRBD's replacements, windrbd-facts.md §1.3; udrbd's FAT swap),
 * and the read/write transforms of the data path. The sectors are built
 * here from the documented layouts. */
#include <errno.h>
#include <stdlib.h>

#include "md/endian.h"
#include "md/fsdetect.h"
#include "md/fshide.h"
#include "tests/tap.h"

#define SEC FSHIDE_SECTOR

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static void boot_end(uint8_t *b)
{
	b[0x1FE] = 0x55;
	b[0x1FF] = 0xAA;
}

/* NTFS: jump, OEM "NTFS    ", BPB (bytes per sector, sectors per
 * cluster, media), total sectors at 0x28, 0x55AA. */
static void ntfs(uint8_t *b)
{
	memset(b, 0, SEC);
	memcpy(b, "\xEB\x52\x90NTFS    ", 11);
	put_le16(b + 0x0B, 512);
	b[0x0D] = 8;
	b[0x15] = 0xF8;
	put_le64(b + 0x28, 131071);
	put_le64(b + 0x48, 0x5799D1347DE0DCEBull);
	boot_end(b);
}

/* ReFS volume header: no jump, "ReFS\0\0\0\0", "FSRS" at 0x10, header
 * size, sectors at 0x18, bytes per sector 0x20, sectors per cluster 0x24,
 * version 0x28/0x29, serial 0x38. No 0x55AA. */
static void refs(uint8_t *b)
{
	memset(b, 0, SEC);
	memcpy(b + 3, "ReFS\0\0\0\0", 8);
	memcpy(b + 0x10, "FSRS", 4);
	put_le16(b + 0x14, 0x200);
	put_le64(b + 0x18, 131072);
	put_le32(b + 0x20, 512);
	put_le32(b + 0x24, 128);
	b[0x28] = 3;
	b[0x29] = 4;
	put_le64(b + 0x38, 0x1122334455667788ull);
}

/* exFAT: jump, "EXFAT   ", zero BPB area, volume length at 0x48, bytes
 * per sector shift 0x6C, sectors per cluster shift 0x6D, FATs 0x6E. */
static void exfat(uint8_t *b)
{
	memset(b, 0, SEC);
	memcpy(b, "\xEB\x76\x90" "EXFAT   ", 11);
	put_le64(b + 0x48, 131072);
	b[0x6C] = 9;
	b[0x6D] = 3;
	b[0x6E] = 1;
	boot_end(b);
}

/* FAT12/16 (type at 0x36) or FAT32 (type at 0x52). */
static void fat(uint8_t *b, const char *oem, const char *type, uint16_t bps)
{
	bool f32 = !strcmp(type, "FAT32   ");

	memset(b, 0, SEC);
	memcpy(b, f32 ? "\xEB\x58\x90" : "\xEB\x3C\x90", 3);
	memcpy(b + 3, oem, 8);
	put_le16(b + 0x0B, bps);
	b[0x0D] = 4;
	put_le16(b + 0x0E, f32 ? 32 : 1);
	b[0x10] = 2;
	put_le16(b + 0x11, f32 ? 0 : 512);
	put_le16(b + 0x13, f32 ? 0 : 40000);
	b[0x15] = 0xF8;
	if (f32)
		put_le32(b + 0x20, 1000000);
	memcpy(b + (f32 ? 0x52 : 0x36), type, 8);
	boot_end(b);
}

/* Bytes where a and b differ, outside [off, off + len). */
static int diff_outside(const uint8_t *a, const uint8_t *b, size_t off, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < SEC; i++)
		if ((i < off || i >= off + len) && a[i] != b[i])
			n++;
	return n;
}

struct hide_case {
	const char *name;
	uint16_t off;
	uint8_t len;
	const char *hidden;
};

static void check_round_trip(const uint8_t *orig, const struct hide_case *c)
{
	uint8_t b[SEC];
	struct fshide_state st;

	memcpy(b, orig, SEC);
	TAP_EQ(fshide_detect(b, &st), FSHIDE_SHOWN);
	TAP_STREQ(st.name, c->name);
	TAP_EQ(fshide_hide(b, &st), 0);
	TAP_MEMEQ(b + c->off, c->hidden, c->len);
	TAP_EQ(diff_outside(orig, b, c->off, c->len), 0);
	TAP_EQ(fshide_detect(b, &st), FSHIDE_HIDDEN);
	TAP_EQ(fs_win_kind(b), FS_WIN_NONE);
	TAP_EQ(fshide_hide(b, &st), -EALREADY);
	TAP_EQ(fshide_show(b, &st), 0);
	TAP_MEMEQ(b, orig, SEC);
	TAP_EQ(fshide_show(b, &st), -EALREADY);
}

TAP_TEST(windrbd_replacements)
{
	static const struct hide_case cases[] = {
		{ "NTFS", 3, 8, "DRBD    " },
		{ "ReFS", 3, 4, "ReDR" },
		{ "exFAT", 3, 8, "EDRBD   " },
		{ "FAT16", 3, 8, "FATDRBD\0" },
	};
	uint8_t b[SEC];

	ntfs(b);
	check_round_trip(b, &cases[0]);
	refs(b);
	check_round_trip(b, &cases[1]);
	exfat(b);
	check_round_trip(b, &cases[2]);
	fat(b, "MSDOS5.0", "FAT16   ", 512);
	check_round_trip(b, &cases[3]);
}

TAP_TEST(fat_other_oem_swaps_bytes_per_sector)
{
	static const struct { const char *type, *name; uint16_t bps; const char *hidden; } c[] = {
		{ "FAT12   ", "FAT12", 512, "\x02\x00" },
		{ "FAT16   ", "FAT16", 1024, "\x04\x00" },
		{ "FAT32   ", "FAT32", 4096, "\x10\x00" },
	};
	uint8_t b[SEC];

	for (size_t i = 0; i < 3; i++) {
		struct hide_case hc = { c[i].name, 0x0B, 2, c[i].hidden };

		fat(b, "mkfs.fat", c[i].type, c[i].bps);
		check_round_trip(b, &hc);
	}
}

/* A disk WinDRBD hid (its hidden FAT string is 7 letters; what follows
 * is its terminator) is shown with the name Windows wrote. */
TAP_TEST(windrbd_hidden_fat_is_recognised)
{
	uint8_t b[SEC], want[SEC];
	struct fshide_state st;

	fat(want, "MSDOS5.0", "FAT32   ", 512);
	fat(b, "FATDRBD\0", "FAT32   ", 512);
	TAP_EQ(fshide_detect(b, &st), FSHIDE_HIDDEN);
	TAP_STREQ(st.name, "FAT32");
	TAP_OK(st.windrbd, "WinDRBD's form");
	TAP_EQ(fshide_show(b, &st), 0);
	TAP_MEMEQ(b, want, SEC);
}

TAP_TEST(nothing_known_is_refused)
{
	uint8_t b[SEC];
	struct fshide_state st;

	memset(b, 0, SEC);
	TAP_EQ(fshide_detect(b, &st), FSHIDE_NOTHING);
	TAP_EQ(st.fs, FS_WIN_NONE);
	TAP_EQ(fshide_hide(b, &st), -ENOENT);
	TAP_EQ(fshide_show(b, &st), -ENOENT);
	/* "DRBD" at 3 without the rest of an NTFS boot sector */
	memcpy(b + 3, "DRBD    ", 8);
	TAP_EQ(fshide_detect(b, &st), FSHIDE_NOTHING);
	/* a FAT whose bytes per sector are neither valid nor swapped */
	fat(b, "mkfs.fat", "FAT16   ", 300);
	TAP_EQ(fshide_detect(b, &st), FSHIDE_NOTHING);
	/* a FAT that happens to be named like hidden NTFS stays a FAT */
	fat(b, "DRBD    ", "FAT12   ", 512);
	TAP_EQ(fshide_detect(b, &st), FSHIDE_SHOWN);
	TAP_EQ(st.fs, FS_WIN_FAT);
}

static void hidden_ntfs(uint8_t *b, struct fshide_state *st)
{
	ntfs(b);
	fshide_hide(b, st);
}

TAP_TEST(on_read_restores_what_overlaps)
{
	uint8_t b[2 * SEC], shown[SEC], part[4];
	struct fshide_state st;

	ntfs(shown);
	hidden_ntfs(b, &st);
	memset(b + SEC, 0xA5, SEC);
	fshide_on_read(b, 0, sizeof(b), &st);
	TAP_MEMEQ(b, shown, SEC);
	/* bytes 5..8: the field's middle, then its shown bytes */
	memcpy(part, "BD  ", 4);
	fshide_on_read(part, 5, 4, &st);
	TAP_MEMEQ(part, "FS  ", 4);
	/* elsewhere, or not holding the hidden bytes: untouched */
	memcpy(part, "BD  ", 4);
	fshide_on_read(part, 512 + 5, 4, &st);
	TAP_MEMEQ(part, "BD  ", 4);
	memcpy(part, "XY  ", 4);
	fshide_on_read(part, 5, 4, &st);
	TAP_MEMEQ(part, "XY  ", 4);
	fshide_state_none(&st);
	hidden_ntfs(b, &(struct fshide_state){ 0 });
	fshide_on_read(b, 0, SEC, &st);
	TAP_MEMEQ(b + 3, "DRBD", 4);
}

TAP_TEST(on_write_hides_a_new_boot_sector)
{
	uint8_t b[SEC], orig[SEC];
	struct fshide_state st;

	memset(b, 0, SEC);
	TAP_EQ(fshide_state_init(&st, b, true), FSHIDE_NOTHING);
	ntfs(orig);
	memcpy(b, orig, SEC);
	TAP_OK(fshide_on_write(b, 0, SEC, &st), "a new NTFS is hidden");
	TAP_MEMEQ(b + 3, "DRBD", 4);
	TAP_EQ(diff_outside(orig, b, 3, 4), 0);
	TAP_EQ(st.fs, FS_WIN_NTFS);
	fshide_on_read(b, 0, SEC, &st);
	TAP_MEMEQ(b, orig, SEC);

	/* mkfs.exfat over it: the state follows */
	exfat(b);
	TAP_OK(fshide_on_write(b, 0, SEC, &st), "exFAT hidden");
	TAP_EQ(st.fs, FS_WIN_EXFAT);
	TAP_MEMEQ(b + 3, "EDRBD   ", 8);

	/* zeros: nothing hidden any more, reads pass */
	memset(b, 0, SEC);
	TAP_OK(!fshide_on_write(b, 0, SEC, &st), "zeros pass");
	TAP_EQ(st.fs, FS_WIN_NONE);

	/* a sector written already hidden stays as written */
	hidden_ntfs(b, &(struct fshide_state){ 0 });
	memcpy(orig, b, SEC);
	TAP_OK(!fshide_on_write(b, 0, SEC, &st), "hidden sector passes");
	TAP_EQ(st.fs, FS_WIN_NONE);
	fshide_on_read(b, 0, SEC, &st);
	TAP_MEMEQ(b, orig, SEC);
}

/* Linux: a hidden disk (from a Windows node) still reads as its file
 * system, but what is written stays as written. */
TAP_TEST(without_hide_new_writes_pass)
{
	uint8_t b[SEC], orig[SEC];
	struct fshide_state st;

	ntfs(orig);
	hidden_ntfs(b, &st);
	TAP_EQ(fshide_state_init(&st, b, false), FSHIDE_HIDDEN);
	TAP_EQ(st.fs, FS_WIN_NTFS);
	fshide_on_read(b, 0, SEC, &st);
	TAP_MEMEQ(b, orig, SEC);
	TAP_OK(!fshide_on_write(b, 0, SEC, &st), "NTFS written as is");
	TAP_MEMEQ(b, orig, SEC);
	TAP_EQ(st.fs, FS_WIN_NONE);
	TAP_OK(!st.hide_new, "still not hiding");
	/* a shown file system at attach: reported, nothing to transform */
	TAP_EQ(fshide_state_init(&st, orig, true), FSHIDE_SHOWN);
	TAP_EQ(st.fs, FS_WIN_NONE);
	TAP_STREQ(st.name, "NTFS");
	TAP_OK(st.hide_new, "hiding new ones");
}

TAP_TEST(on_write_partial_and_elsewhere)
{
	uint8_t b[SEC], part[4];
	struct fshide_state st;

	hidden_ntfs(b, &st);
	memcpy(part, "TFS ", 4);
	TAP_OK(fshide_on_write(part, 4, 4, &st), "shown bytes hidden");
	TAP_MEMEQ(part, "RBD ", 4);
	memcpy(part, "QQQQ", 4);
	TAP_OK(!fshide_on_write(part, 4, 4, &st), "other bytes pass");
	TAP_MEMEQ(part, "QQQQ", 4);
	memcpy(b, "NTFS", 4);
	TAP_OK(!fshide_on_write(b, SEC, SEC, &st), "past the first sector");
	TAP_OK(!fshide_write_touches(SEC, 4096), "no copy needed");
	TAP_OK(fshide_write_touches(0, 4096), "copy needed");
	TAP_EQ(st.fs, FS_WIN_NTFS);
}

TAP_TEST(fs_probe_reports_hidden_with_size)
{
	uint8_t *buf = calloc(1, FS_PROBE_BYTES);
	struct fshide_state st;
	struct fs_probe p;

	ntfs(buf);
	TAP_EQ(fs_probe(buf, &p), 1);
	TAP_STREQ(p.type, "NTFS filesystem");
	fshide_hide(buf, &st);
	TAP_EQ(fs_probe(buf, &p), 1);
	TAP_STREQ(p.type, "NTFS filesystem (hidden)");
	TAP_EQ_U64(p.blocks, 131072);
	TAP_EQ_U64(p.block_size, 512);
	fat(buf, "mkfs.fat", "FAT32   ", 4096);
	fshide_hide(buf, &st);
	TAP_EQ(fs_probe(buf, &p), 1);
	TAP_STREQ(p.type, "FAT filesystem (hidden)");
	TAP_EQ_U64(p.block_size, 4096);
	free(buf);
}

int main(void)
{
	return tap_run();
}
