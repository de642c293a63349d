/* md/fsdetect: what lives at the start of a device create-md is about to
 * overwrite (file system super block signatures), and which Windows file
 * system a boot sector shows (md/fshide builds on that). */
#ifndef UDRBD_MD_FSDETECT_H
#define UDRBD_MD_FSDETECT_H

#include <stddef.h>
#include <stdint.h>

#define FS_PROBE_BYTES (68 * 1024)	/* reiserfs' super block ends below */

struct fs_probe {
	const char *type;	/* "ext3 filesystem", ..., "some data" */
	uint64_t blocks, block_size;	/* 0 when unknown */
	int refuse;		/* never overwrite (swap, LVM) */
};

/* 0: all zero, nothing found; 1: *p describes what was found. buf holds
 * the first FS_PROBE_BYTES bytes of the device. A Windows file system
 * hidden by udrbd or WinDRBD is reported as "<name> filesystem (hidden)"
 * with its sizes, so create-md still guards its tail. */
int fs_probe(const uint8_t *buf, struct fs_probe *p);

/* The Windows file systems WinDRBD hides (windrbd-facts.md §1.3). */
enum fs_win {
	FS_WIN_NONE = 0,
	FS_WIN_NTFS,
	FS_WIN_REFS,
	FS_WIN_EXFAT,
	FS_WIN_FAT,
};

/* Which of them the boot sector b (its first 512 bytes) shows to Windows
 * and blkid; FS_WIN_NONE for anything else, hidden ones included. */
enum fs_win fs_win_kind(const uint8_t *b);

/* "FAT12", "FAT16" or "FAT32" when b has a FAT boot sector's frame (0x55AA
 * and the type string), whatever its OEM name and bytes per sector say:
 * the two fields hiding may change. NULL otherwise. */
const char *fs_fat_type(const uint8_t *b);

/* FAT's bytes per sector (BPB offset 0x0B) as Linux and Windows both take
 * them. */
static inline int fs_fat_bps_valid(unsigned bps)
{
	return bps == 512 || bps == 1024 || bps == 2048 || bps == 4096;
}

#endif
