/* md/apply_al: replaying the activity log of meta data that is not
 * attached, with the outcome of drbdmeta apply-al (drbd-metadata-resync.md
 * §1.9, §3.6). drbdmeta prints the result; the engine runs it on attach
 * when md_attach finds the meta data unclean.
 */
#ifndef UDRBD_MD_APPLY_AL_H
#define UDRBD_MD_APPLY_AL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "md/sb.h"

struct plat_bdev;

struct md_apply_result {
	/* In: an array of AL_EXTENTS_MAX entries for the hot extents, or
	 * NULL. Everything else is output. */
	uint32_t *extents;
	uint32_t n_extents;	/* hot extents, sorted ascending */
	/* The last n_beyond hot extents lie beyond the bitmap (skipped). */
	uint32_t n_beyond;
	bool needed;		/* MDF_PRIMARY_IND: hot extents go to the bitmap */
	bool replayed;		/* the AL was read; replay, al_* are valid */
	int replay;		/* al_replay(): > 0, 0, -ENOENT or -EINVAL */
	uint32_t al_blocks;	/* AL area, 4 KiB blocks */
	uint32_t al_valid;	/* blocks with good magic and CRC */
	bool applied;		/* the hot extents were written to the bitmap */
	uint64_t extent_bytes;	/* bitmap bytes of one extent, all slots */
	uint64_t bm_bytes;	/* bitmap bytes covering la-size-sect */
	uint64_t bits_marked;	/* bits newly set (4 KiB each) */
	bool al_reinit;		/* the AL was re-initialised */
	bool sb_written;	/* MDF_AL_CLEAN written */
};

/* Replays the AL of the meta data of `version` (8 or 9) at meta_index on
 * meta, re-initialises the AL and marks the super block clean. Returns
 *   0         done (res says what was done)
 *   -ENOMSG   no valid meta data of that version
 *   -ENOSPC   the device cannot hold a super block there
 *   -EBADMSG  AL unusable while MDF_PRIMARY_IND asks for it (res->replay
 *             tells which); nothing was written
 *   -EIO      read or write error (res tells how far it got)
 *   -ENOMEM
 * with a message in err. Never prints. */
int md_apply_al(struct plat_bdev *meta, int meta_index, int version,
		struct md_apply_result *res, char *err, size_t errlen);

/* Writes "initialized" transactions into every block of the AL area of a
 * layout, as create-md and apply-al do (§3.4 item 6). */
int md_al_format(struct plat_bdev *meta, const struct md_layout *lo);

#endif
