/* md/fshide: a Windows file system on a backing device, hidden from
 * Windows by a changed boot-sector signature, so that Windows does not
 * mount the volume behind udrbd's back (windrbd-facts.md §1.3).
 *
 * WinDRBD's replacements, kept byte for byte so disks move between the
 * two (offset 3 is the boot sector's OEM name):
 *
 *	NTFS	"NTFS" -> "DRBD"		at 3
 *	ReFS	"ReFS" -> "ReDR"		at 3
 *	exFAT	"EXFAT" -> "EDRBD"		at 3
 *	FAT	"MSDOS5.0" -> "FATDRBD\0"	at 3 (Windows' own format)
 *
 * A FAT with any other OEM name (mkfs.fat writes "mkfs.fat") WinDRBD
 * leaves alone, and blkid does not look at the OEM name at all. udrbd
 * hides those by swapping the two bytes of bytes-per-sector (BPB 0x0B):
 * 512 reads as 2, which Windows, Linux and blkid all refuse, and the swap
 * is its own inverse.
 *
 * The hiding is local to one backing device: data read through the
 * replicated device shows the real signature (fshide_on_read), a boot
 * sector written through it is hidden again on the way to the backing
 * device (fshide_on_write, on a copy: peers get the real bytes). */
#ifndef UDRBD_MD_FSHIDE_H
#define UDRBD_MD_FSHIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "md/fsdetect.h"

/* Every field hiding changes lies in the first 512 bytes; callers read
 * and pass (at least) this much of the device's start. */
#define FSHIDE_SECTOR 512
#define FSHIDE_FIELD_MAX 8

enum fshide_found {
	FSHIDE_NOTHING = 0,	/* no known file system, hidden or not */
	FSHIDE_SHOWN,		/* one Windows would mount */
	FSHIDE_HIDDEN,		/* one hidden by udrbd or WinDRBD */
};

/* What is hidden on one backing device, and how: one field of the boot
 * sector, whose bytes the device holds as hidden[] and the file system
 * has as shown[]. */
struct fshide_state {
	enum fs_win fs;		/* FS_WIN_NONE: nothing hidden, data passes as is */
	const char *name;	/* "NTFS", "ReFS", "exFAT", "FAT12", "FAT16", "FAT32" */
	bool windrbd;		/* WinDRBD's replacement (else udrbd's FAT swap) */
	uint16_t off;		/* the field's byte offset in the boot sector */
	uint8_t len;
	uint8_t shown[FSHIDE_FIELD_MAX];
	uint8_t hidden[FSHIDE_FIELD_MAX];
	/* A file system written anew is hidden too (fshide_on_write). Only
	 * where something mounts what it finds (Windows): on Linux a backing
	 * device keeps showing what is written, to be mounted directly after
	 * `drbdadm down` as DRBD users do. */
	bool hide_new;
};

/* What sec (the first FSHIDE_SECTOR bytes of a device) carries; *st
 * describes it (st->fs is FS_WIN_NONE for FSHIDE_NOTHING, hide_new false). */
enum fshide_found fshide_detect(const uint8_t *sec, struct fshide_state *st);

/* The state of a backing device at attach, from its first sector: what is
 * hidden there, if anything. Returns what fshide_detect found; the caller
 * refuses FSHIDE_SHOWN where hide_new is wanted (WinDRBD: "Backing device
 * contains filesystem, refusing to use it", windrbd-facts.md §1.3), naming
 * st->name, which is kept for that. */
enum fshide_found fshide_state_init(struct fshide_state *st, const uint8_t *sec, bool hide_new);
/* Nothing hidden; hide_new is kept. */
void fshide_state_none(struct fshide_state *st);

/* Patch sec in place: 0, -ENOENT when no known file system is there,
 * -EALREADY when it is already hidden (hide) or shown (show). *st is
 * filled in every case but -ENOENT. */
int fshide_hide(uint8_t *sec, struct fshide_state *st);
int fshide_show(uint8_t *sec, struct fshide_state *st);

/* buf holds len bytes read from the hidden backing device at byte offset
 * off: where they cover the hidden field and hold the hidden bytes, the
 * file system's own bytes are put back. */
void fshide_on_read(uint8_t *buf, uint64_t off, size_t len, const struct fshide_state *st);

/* buf (the caller's copy for the local write) holds len bytes about to be
 * written to the backing device at off. A write of the whole first sector
 * decides afresh: with hide_new a known file system in it is hidden and
 * *st follows it; anything else passes and *st becomes "nothing hidden".
 * A partial write over the field has the shown bytes hidden (block
 * devices write whole sectors, so a file system cannot appear that way).
 * True when buf was changed. */
bool fshide_on_write(uint8_t *buf, uint64_t off, size_t len, struct fshide_state *st);

/* Whether a write at [off, off + len) can need fshide_on_write, so the
 * caller copies only those. */
static inline bool fshide_write_touches(uint64_t off, size_t len)
{
	return len && off < FSHIDE_SECTOR;
}

#endif
