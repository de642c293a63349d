/* Hidden Windows file systems: the signature table of md/fshide.h and the
 * byte transforms of the data path. */
#include <errno.h>
#include <string.h>

#include "md/endian.h"
#include "md/fshide.h"

/* WinDRBD's replacements (drbd_windows.c patch_boot_sector(), read for
 * facts only): the OEM-name prefix and what WinDRBD writes over it. */
struct fshide_sig {
	enum fs_win fs;
	const char *name;
	const char *shown, *hidden;	/* len bytes each */
	uint8_t len;
	/* What else the hidden sector must carry, so random data with
	 * "DRBD" at offset 3 is not taken for a hidden NTFS. */
	uint16_t check_off;
	const char *check;
	uint8_t check_len;
};

static const struct fshide_sig sigs[] = {
	{ FS_WIN_NTFS, "NTFS", "NTFS    ", "DRBD    ", 8, 0x1FE, "\x55\xAA", 2 },
	{ FS_WIN_REFS, "ReFS", "ReFS", "ReDR", 4, 0x10, "FSRS", 4 },
	{ FS_WIN_EXFAT, "exFAT", "EXFAT   ", "EDRBD   ", 8, 0x1FE, "\x55\xAA", 2 },
};

/* WinDRBD's FAT: it writes the 8 bytes "FATDRBD\0" over "MSDOS5.0" (its
 * hidden string is 7 characters and the terminator). */
#define FAT_OEM_SHOWN "MSDOS5.0"
#define FAT_OEM_HIDDEN "FATDRBD\0"
#define FAT_BPS_OFF 0x0B

void fshide_state_none(struct fshide_state *st)
{
	bool hide_new = st->hide_new;

	memset(st, 0, sizeof(*st));
	st->hide_new = hide_new;
}

static enum fshide_found found(struct fshide_state *st, enum fs_win fs, const char *name,
			       bool windrbd, uint16_t off, uint8_t len, const void *shown,
			       const void *hidden, enum fshide_found what)
{
	st->fs = fs;
	st->name = name;
	st->windrbd = windrbd;
	st->off = off;
	st->len = len;
	memcpy(st->shown, shown, len);
	memcpy(st->hidden, hidden, len);
	return what;
}

/* NTFS, ReFS, exFAT: the OEM name tells shown from hidden; the shown
 * side is fsdetect's (fs_win_kind). A hidden one is looked for only where
 * no file system shows, so a FAT named "DRBD    " stays a FAT. */
static enum fshide_found detect_oem(const uint8_t *b, enum fs_win kind,
				    struct fshide_state *st)
{
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		const struct fshide_sig *s = &sigs[i];

		if (kind == s->fs)
			return found(st, s->fs, s->name, true, 3, s->len, s->shown,
				     s->hidden, FSHIDE_SHOWN);
		if (kind == FS_WIN_NONE && !memcmp(b + 3, s->hidden, s->len) &&
		    !memcmp(b + s->check_off, s->check, s->check_len))
			return found(st, s->fs, s->name, true, 3, s->len, s->shown,
				     s->hidden, FSHIDE_HIDDEN);
	}
	return FSHIDE_NOTHING;
}

static enum fshide_found detect_fat(const uint8_t *b, struct fshide_state *st)
{
	const char *type = fs_fat_type(b);
	const uint8_t *bps = b + FAT_BPS_OFF;
	uint8_t swapped[2] = { bps[1], bps[0] };

	if (!type)
		return FSHIDE_NOTHING;
	/* WinDRBD compares the 7 letters only. */
	if (!memcmp(b + 3, FAT_OEM_HIDDEN, 7))
		return found(st, FS_WIN_FAT, type, true, 3, 8, FAT_OEM_SHOWN, b + 3,
			     FSHIDE_HIDDEN);
	if (fs_fat_bps_valid(get_le16(bps))) {
		if (!memcmp(b + 3, FAT_OEM_SHOWN, 8))
			return found(st, FS_WIN_FAT, type, true, 3, 8, FAT_OEM_SHOWN,
				     FAT_OEM_HIDDEN, FSHIDE_SHOWN);
		return found(st, FS_WIN_FAT, type, false, FAT_BPS_OFF, 2, bps, swapped,
			     FSHIDE_SHOWN);
	}
	if (fs_fat_bps_valid(get_be16(bps)))
		return found(st, FS_WIN_FAT, type, false, FAT_BPS_OFF, 2, swapped, bps,
			     FSHIDE_HIDDEN);
	return FSHIDE_NOTHING;
}

enum fshide_found fshide_detect(const uint8_t *sec, struct fshide_state *st)
{
	enum fs_win kind = fs_win_kind(sec);

	memset(st, 0, sizeof(*st));
	/* FAT first: its hidden forms are no FS_WIN_FAT to fs_win_kind. */
	if (kind == FS_WIN_FAT || (kind == FS_WIN_NONE && fs_fat_type(sec)))
		return detect_fat(sec, st);
	return detect_oem(sec, kind, st);
}

enum fshide_found fshide_state_init(struct fshide_state *st, const uint8_t *sec, bool hide_new)
{
	enum fshide_found r = fshide_detect(sec, st);
	const char *name = st->name;

	if (r != FSHIDE_HIDDEN) {
		fshide_state_none(st);
		st->name = name;
	}
	st->hide_new = hide_new;
	return r;
}

static int patch(uint8_t *sec, struct fshide_state *st, enum fshide_found want)
{
	enum fshide_found r = fshide_detect(sec, st);

	if (r == FSHIDE_NOTHING)
		return -ENOENT;
	if (r != want)
		return -EALREADY;
	memcpy(sec + st->off, want == FSHIDE_SHOWN ? st->hidden : st->shown, st->len);
	return 0;
}

int fshide_hide(uint8_t *sec, struct fshide_state *st)
{
	return patch(sec, st, FSHIDE_SHOWN);
}

int fshide_show(uint8_t *sec, struct fshide_state *st)
{
	return patch(sec, st, FSHIDE_HIDDEN);
}

/* The part of the field that [off, off + len) covers replaced by to[],
 * when it holds the matching part of from[]: a field is changed as a
 * whole or not at all. */
static bool swap_field(uint8_t *buf, uint64_t off, size_t len, const struct fshide_state *st,
		       const uint8_t *from, const uint8_t *to)
{
	uint64_t lo, hi, end = off + len;

	if (st->fs == FS_WIN_NONE || end <= st->off || off >= (uint64_t)st->off + st->len)
		return false;
	lo = off > st->off ? off : st->off;
	hi = end < (uint64_t)st->off + st->len ? end : (uint64_t)st->off + st->len;
	if (memcmp(buf + (lo - off), from + (lo - st->off), hi - lo))
		return false;
	memcpy(buf + (lo - off), to + (lo - st->off), hi - lo);
	return true;
}

void fshide_on_read(uint8_t *buf, uint64_t off, size_t len, const struct fshide_state *st)
{
	swap_field(buf, off, len, st, st->hidden, st->shown);
}

bool fshide_on_write(uint8_t *buf, uint64_t off, size_t len, struct fshide_state *st)
{
	if (!fshide_write_touches(off, len))
		return false;
	if (off == 0 && len >= FSHIDE_SECTOR) {
		struct fshide_state now;

		/* A sector written already hidden is stored as it is and
		 * read back as it was written. */
		if (st->hide_new && fshide_hide(buf, &now) == 0) {
			*st = now;
			st->hide_new = true;
			return true;
		}
		fshide_state_none(st);
		return false;
	}
	return swap_field(buf, off, len, st, st->shown, st->hidden);
}
