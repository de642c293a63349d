/* File system signatures. The first six match the names drbd-utils prints
 * (so its messages stay the same); NTFS, ReFS, FAT, exFAT and Btrfs are
 * ours: drbd-utils only says "some data" for them and would let --force
 * cut them off. */
#include <string.h>

#include "md/endian.h"
#include "md/fsdetect.h"
#include "md/fshide.h"

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p + 4) << 32 | get_le32(p);
}

static int set(struct fs_probe *p, const char *type, uint64_t n, uint64_t bs)
{
	p->type = type;
	p->blocks = n;
	p->block_size = bs;
	return 1;
}

static int probe_linux(const uint8_t *b, struct fs_probe *p)
{
	if (!memcmp(b + 4086, "SWAP-SPACE", 10) || !memcmp(b + 4086, "SWAPSPACE2", 10) ||
	    !memcmp(b + 8182, "SWAP-SPACE", 10) || !memcmp(b + 8182, "SWAPSPACE2", 10)) {
		p->refuse = 1;
		return set(p, "swap space signature", 0, 0);
	}
	if (!memcmp(b + 512, "LABELONE", 8) && !memcmp(b + 536, "LVM2 001", 8)) {
		p->refuse = 1;
		return set(p, "LVM2 physical volume signature", 0, 0);
	}
	if (get_le16(b + 0x438) == 0xEF53) {
		uint32_t lg = get_le32(b + 0x418);

		return set(p, b[0x45c] & 4 ? "ext3 filesystem" : "ext2 filesystem",
			   get_le32(b + 0x404), lg <= 2 ? 1024u << lg : 4096);
	}
	if (get_be32(b) == 0x58465342)
		return set(p, "xfs filesystem", get_be64(b + 8), get_be32(b + 4));
	if (!memcmp(b + 0x8000, "JFS1", 4))
		return set(p, "JFS filesystem", le64(b + 0x8008), get_le32(b + 0x8018));
	if (!memcmp(b + 0x10034, "ReIsErFs", 8) || !memcmp(b + 0x10034, "ReIsEr2Fs", 9))
		return set(p, "reiser filesystem", get_le32(b + 0x10000),
			   get_le16(b + 0x1002c));
	return 0;
}

const char *fs_fat_type(const uint8_t *b)
{
	if (b[0x1FE] != 0x55 || b[0x1FF] != 0xAA)
		return NULL;
	if (!memcmp(b + 0x36, "FAT12", 5))
		return "FAT12";
	if (!memcmp(b + 0x36, "FAT16", 5))
		return "FAT16";
	if (!memcmp(b + 0x52, "FAT32", 5))
		return "FAT32";
	return NULL;
}

enum fs_win fs_win_kind(const uint8_t *b)
{
	if (!memcmp(b + 3, "NTFS    ", 8))
		return FS_WIN_NTFS;
	if (!memcmp(b + 3, "ReFS", 4))
		return FS_WIN_REFS;
	if (!memcmp(b + 3, "EXFAT   ", 8))
		return FS_WIN_EXFAT;
	/* "FATDRBD" is WinDRBD's hidden FAT (md/fshide.c). */
	if (fs_fat_type(b) && fs_fat_bps_valid(get_le16(b + 0x0B)) &&
	    memcmp(b + 3, "FATDRBD", 7))
		return FS_WIN_FAT;
	return FS_WIN_NONE;
}

static int probe_windows(const uint8_t *b, struct fs_probe *p, int hidden)
{
	static const char *const names[2][5] = {
		{ NULL, "NTFS filesystem", "ReFS filesystem", "exFAT filesystem",
		  "FAT filesystem" },
		{ NULL, "NTFS filesystem (hidden)", "ReFS filesystem (hidden)",
		  "exFAT filesystem (hidden)", "FAT filesystem (hidden)" },
	};
	enum fs_win k = fs_win_kind(b);
	const char *name = names[hidden][k];
	uint32_t n;

	switch (k) {
	case FS_WIN_NTFS:
		/* + 1: the backup boot sector after the volume */
		return set(p, name, le64(b + 0x28) + 1, get_le16(b + 0x0B));
	case FS_WIN_REFS:
		return set(p, name, le64(b + 0x18), get_le32(b + 0x20));
	case FS_WIN_EXFAT:
		return set(p, name, le64(b + 0x48), b[0x6C] < 13 ? 1u << b[0x6C] : 512);
	case FS_WIN_FAT:
		n = get_le16(b + 0x13);
		return set(p, name, n ? n : get_le32(b + 0x20), get_le16(b + 0x0B));
	default:
		return 0;
	}
}

static int probe_btrfs(const uint8_t *b, struct fs_probe *p)
{
	if (!memcmp(b + 0x10040, "_BHRfS_M", 8))
		return set(p, "Btrfs filesystem", le64(b + 0x10070), 1);
	return 0;
}

/* A hidden Windows file system is probed as the sector it hides. */
static int probe_hidden(const uint8_t *b, struct fs_probe *p)
{
	struct fshide_state st;
	uint8_t sec[FSHIDE_SECTOR];

	if (fshide_detect(b, &st) != FSHIDE_HIDDEN)
		return 0;
	memcpy(sec, b, sizeof(sec));
	fshide_on_read(sec, 0, sizeof(sec), &st);
	return probe_windows(sec, p, 1);
}

int fs_probe(const uint8_t *buf, struct fs_probe *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < FS_PROBE_BYTES && !buf[i]; i++)
		;
	if (i == FS_PROBE_BYTES)
		return 0;
	if (!probe_linux(buf, p) && !probe_windows(buf, p, 0) && !probe_hidden(buf, p) &&
	    !probe_btrfs(buf, p))
		set(p, "some data", 0, 0);
	return 1;
}
