/* drbdmeta: shared state of the meta-data tool (cmd/drbdmeta*.c). */
#ifndef UDRBD_CMD_DRBDMETA_H
#define UDRBD_CMD_DRBDMETA_H

#include <stdbool.h>
#include <stdint.h>

#include "md/sb.h"

struct plat_bdev;

struct dm {
	int argc;
	char **argv;		/* for the dump-md header */
	const char *path;
	int version;		/* 8 or 9 */
	int idx;		/* MD_IDX_* or indexed slot */
	bool force;
	int node_id;		/* --node-id, -1 if absent */
	int peer_max_bio;
	uint32_t al_stripes, al_stripe_4k;
	bool al_used;

	struct plat_bdev *b;
	uint64_t size;		/* bytes */
	uint64_t sb_byte;
	bool valid;		/* a valid super block of our version */
	struct md_sb sb;
	struct md_layout lo;
	uint64_t bm_byte, al_byte;
	uint64_t bm_bytes;	/* covers la-size-sect, as dump/apply-al use */
};

void dm_open(struct dm *d);
/* dm_open, then 0 if valid meta data of our version was found, else -1. */
int dm_open_valid(struct dm *d);
/* The same for a command without arguments (extra ones are ignored). */
int dm_open_noargs(struct dm *d, int argc);
bool dm_confirm(struct dm *d, const char *question);
int dm_write_sb(struct dm *d);
/* dm_write_sb, with drbd-utils' "update failed" message on error. */
int dm_update_sb(struct dm *d);
/* "Ignoring additional arguments" when more than `allowed` are given. */
void dm_extra_args(int argc, int allowed);
/* The one argument a command needs; exits 10 without it. */
char *dm_required_arg(int argc, char **argv);
void dm_check_existing_data(struct dm *d, const struct md_layout *lo);
char *dm_ppsize(char *buf, uint64_t kb);
uint64_t dm_max_usable(const struct dm *d, const struct md_layout *lo);

int dm_create_md(struct dm *d, int argc, char **argv);
int dm_wipe_md(struct dm *d, int argc, char **argv);
int dm_dump_md(struct dm *d, int argc, char **argv);
int dm_restore_md(struct dm *d, int argc, char **argv);
int dm_verify_dump(struct dm *d, int argc, char **argv);
int dm_apply_al(struct dm *d, int argc, char **argv);
int dm_get_gi(struct dm *d, int argc, char **argv);
int dm_show_gi(struct dm *d, int argc, char **argv);
int dm_set_gi(struct dm *d, int argc, char **argv);
int dm_read_dev_uuid(struct dm *d, int argc, char **argv);
int dm_write_dev_uuid(struct dm *d, int argc, char **argv);
int dm_outdate(struct dm *d, int argc, char **argv);
int dm_invalidate(struct dm *d, int argc, char **argv);
int dm_forget_peer(struct dm *d, int argc, char **argv);
int dm_dstate(struct dm *d, int argc, char **argv);
int dm_check_resize(struct dm *d, int argc, char **argv);

#endif
