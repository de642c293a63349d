/* Private to md/: the attached meta-data device (see md.h for locking). */
#ifndef UDRBD_MD_INT_H
#define UDRBD_MD_INT_H

#include "md/md.h"
#include "plat/plat.h"

struct md_dev {
	struct plat_bdev *data, *meta;
	struct md_attach_opts opts;
	struct md_sb sb;
	struct md_layout lo;
	uint64_t sb_byte;	/* super block position on meta */
	uint64_t bm_byte;	/* bitmap area position on meta */
	uint64_t al_byte;	/* AL area position on meta */
	uint64_t usable;	/* sectors */
	uint32_t sect_per_bit;
	plat_mutex sb_lock;	/* sb_buf */
	uint8_t *sb_buf;

	plat_mutex al_lock;	/* al, tr_busy, al_failed, al_buf */
	plat_cond al_cond;
	struct al_set al;
	bool tr_busy;
	int al_failed;
	uint64_t al_writes;
	uint8_t *al_buf;

	plat_mutex bm_io_lock;	/* bm_buf; taken before bm_lock */
	plat_mutex bm_lock;	/* bm */
	struct bm bm;
	uint8_t *bm_buf;
};

/* Writes the dirty bitmap pages holding bits [first, last] of any slot. */
int md_bm_write_bits(struct md_dev *md, uint64_t first, uint64_t last);
int md_bm_read(struct md_dev *md);

#endif
