/* drbdmeta: get-gi, show-gi, set-gi, dstate, check-resize
 * (GI strings: drbd-metadata-resync.md §8.5 "Useful drbdadm facts"). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/drbdmeta.h"

static const char gi_head[] =
	"\n"
	"       +--<  Current data generation UUID  >-\n"
	"       |               +--<  Bitmap's base data generation UUID  >-\n"
	"       |               |                 +--<  younger history UUID  >-\n"
	"       |               |                 |         +-<  older history  >-\n"
	"       V               V                 V         V\n";

static const char gi_foot[] =
	"                                                                    ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^\n"
	"                                      -<  Data consistency flag  >--+ | | | | | | | | | | |\n"
	"                             -<  Data was/is currently up-to-date  >--+ | | | | | | | | | |\n"
	"                                  -<  Node was/is currently primary  >--+ | | | | | | | | |\n"
	" -<  This node was a crashed primary, and has not seen its peer since  >--+ | | | | | | | |\n"
	"             -<  The activity-log was applied, the disk can be attached  >--+ | | | | | | |\n"
	"        -<  The activity-log was disabled, peer is completely out of sync  >--+ | | | | | |\n"
	"                              -<  This node was primary when it lost quorum  >--+ | | | | |\n"
	"                                          -<  Node was/is currently connected  >--+ | | | |\n"
	"                              -<  The peer's disk was out-dated or inconsistent  >--+ | | |\n"
	"                                 -<   A fence policy other the dont-care was used  >--+ | |\n"
	"                  -<  Node was in the progress of marking all blocks as out of sync  >--+ |\n"
	"                     -<  At least once we saw this node with a backing device attached >--+\n"
	"\n";

static const char gi_foot8[] =
	"                                                                    ^ ^ ^ ^ ^ ^ ^\n"
	"                                      -<  Data consistency flag  >--+ | | | | | |\n"
	"                             -<  Data was/is currently up-to-date  >--+ | | | | |\n"
	"                                  -<  Node was/is currently primary  >--+ | | | |\n"
	"                                  -<  Node was/is currently connected  >--+ | | |\n"
	"         -<  Node was in the progress of setting all bits in the bitmap  >--+ | |\n"
	"                        -<  The peer's disk was out-dated or inconsistent  >--+ |\n"
	"      -<  This node was a crashed primary, and has not seen its peer since   >--+\n"
	"\n";

/* v08 show-gi ends with the flags in words (drbd-utils' 8.4 format). */
static void print_flags8(uint32_t f)
{
	printf("flags:%s %s, %s, %s%s%s\n", f & MDF_CRASHED_PRIMARY ? " crashed" : "",
	       f & MDF_PRIMARY_IND ? "Primary" : "Secondary",
	       f & MDF_CONNECTED_IND ? "Connected" : "StandAlone",
	       !(f & MDF_CONSISTENT) ? "Inconsistent" :
	       f & MDF_WAS_UP_TO_DATE ? "UpToDate" : "Outdated",
	       f & MDF_FULL_SYNC ? ", need full sync" : "",
	       f & MDF_PEER_OUT_DATED ? ", peer Outdated" : "");
	printf("meta-data: %s\n", f & MDF_AL_CLEAN ? "clean" : "need apply-al");
}

static void print_gi(const struct md_sb *sb, int node)
{
	uint32_t f = sb->flags, pf = sb->peers[node].flags;

	printf("%016" PRIX64 ":%016" PRIX64 ":%016" PRIX64 ":%016" PRIX64 ":",
	       sb->current_uuid, sb->peers[node].bitmap_uuid,
	       sb->history_uuids[0], sb->history_uuids[1]);
	if (sb->version == 8) {
		printf("%d:%d:%d:%d:%d:%d:%d\n", !!(f & MDF_CONSISTENT),
		       !!(f & MDF_WAS_UP_TO_DATE), !!(f & MDF_PRIMARY_IND),
		       !!(f & MDF_CONNECTED_IND), !!(f & MDF_FULL_SYNC),
		       !!(f & MDF_PEER_OUT_DATED), !!(f & MDF_CRASHED_PRIMARY));
		return;
	}
	printf("%d:%d:%d:%d:%d:%d:%d:%d:%d:%d:%d:%d\n", !!(f & MDF_CONSISTENT),
	       !!(f & MDF_WAS_UP_TO_DATE), !!(f & MDF_PRIMARY_IND),
	       !!(f & MDF_CRASHED_PRIMARY), !!(f & MDF_AL_CLEAN),
	       !!(f & MDF_AL_DISABLED), !!(f & MDF_PRIMARY_LOST_QUORUM),
	       !!(pf & MDF_PEER_CONNECTED), !!(pf & MDF_PEER_OUTDATED),
	       !!(pf & MDF_PEER_FENCING), !!(pf & MDF_PEER_FULL_SYNC),
	       !!(pf & MDF_PEER_DEVICE_SEEN));
}

int dm_get_gi(struct dm *d, int argc, char **argv)
{
	(void)argv;
	if (dm_open_noargs(d, argc))
		return -1;
	print_gi(&d->sb, d->node_id);
	return 0;
}

int dm_show_gi(struct dm *d, int argc, char **argv)
{
	char pp[16];

	(void)argv;
	if (dm_open_noargs(d, argc))
		return -1;
	printf("%s", gi_head);
	print_gi(&d->sb, d->node_id);
	if (d->version == 9) {
		printf("%s", gi_foot);
	} else {
		printf("%s", gi_foot8);
		print_flags8(d->sb.flags);
	}
	if (d->sb.effective_size)
		printf("last agreed size: %s (%" PRIu64 " sectors)\nlast agreed max bio "
		       "size: %u Byte\n", dm_ppsize(pp, d->sb.effective_size >> 1),
		       d->sb.effective_size, d->sb.la_peer_max_bio_size);
	else
		printf("zero size device -- never seen peer yet?\n");
	return 0;
}

/* next_field(s), which mingw-w64 lacks: empty fields count. */
static char *next_field(char **s)
{
	char *t = *s, *colon;

	if (!t)
		return NULL;
	colon = strchr(t, ':');
	if (colon) {
		*colon = 0;
		*s = colon + 1;
	} else {
		*s = NULL;
	}
	return t;
}

static int gi_field_u64(char **s, uint64_t *v)
{
	char *t = next_field(s), *e;

	if (!t)
		return 0;
	if (*t) {
		*v = strtoull(t, &e, 16);
		if (*e) {
			fprintf(stderr, "'%s' is not a number.\n", t);
			exit(10);
		}
	}
	return 1;
}

static int gi_field_bit(char **s, uint32_t *flags, uint32_t mask)
{
	char *t = next_field(s), *e;
	unsigned long v;

	if (!t)
		return 0;
	if (*t) {
		v = strtoul(t, &e, 0);
		if (*e || v > 1) {
			fprintf(stderr, "'%s' is not 0 or 1.\n", t);
			exit(10);
		}
		*flags = v ? *flags | mask : *flags & ~mask;
	}
	return 1;
}

static void parse_gi(struct md_sb *sb, int node, char *s)
{
	static const uint32_t dev9[] = { MDF_CONSISTENT, MDF_WAS_UP_TO_DATE,
		MDF_PRIMARY_IND, MDF_CRASHED_PRIMARY, MDF_AL_CLEAN,
		MDF_AL_DISABLED, MDF_PRIMARY_LOST_QUORUM };
	static const uint32_t dev8[] = { MDF_CONSISTENT, MDF_WAS_UP_TO_DATE,
		MDF_PRIMARY_IND, MDF_CONNECTED_IND, MDF_FULL_SYNC,
		MDF_PEER_OUT_DATED, MDF_CRASHED_PRIMARY };
	static const uint32_t peer[] = { MDF_PEER_CONNECTED, MDF_PEER_OUTDATED,
		MDF_PEER_FENCING, MDF_PEER_FULL_SYNC, MDF_PEER_DEVICE_SEEN };
	const uint32_t *dev = sb->version == 9 ? dev9 : dev8;

	if (!gi_field_u64(&s, &sb->current_uuid) ||
	    !gi_field_u64(&s, &sb->peers[node].bitmap_uuid) ||
	    !gi_field_u64(&s, &sb->history_uuids[0]) ||
	    !gi_field_u64(&s, &sb->history_uuids[1]))
		return;
	for (int i = 0; i < 7; i++)
		if (!gi_field_bit(&s, &sb->flags, dev[i]))
			return;
	for (int i = 0; sb->version == 9 && i < 5; i++)
		if (!gi_field_bit(&s, &sb->peers[node].flags, peer[i]))
			return;
}

int dm_set_gi(struct dm *d, int argc, char **argv)
{
	char *val = dm_required_arg(argc, argv);
	struct md_sb old;

	if (dm_open_valid(d))
		return -1;
	old = d->sb;
	parse_gi(&d->sb, d->node_id, val);
	printf("previously ");
	print_gi(&old, d->node_id);
	printf("set GI to  ");
	print_gi(&d->sb, d->node_id);
	if (!dm_confirm(d, "Write new GI to disk?")) {
		printf("Operation canceled.\n");
		exit(0);
	}
	return dm_update_sb(d);
}

int dm_dstate(struct dm *d, int argc, char **argv)
{
	uint32_t f;

	(void)argv;
	if (dm_open_noargs(d, argc)) {
		fprintf(stderr, "No valid meta data found\n");
		return -1;
	}
	f = d->sb.flags;
	if (!(f & MDF_CONSISTENT))
		printf("Inconsistent\n");
	else if (!(f & MDF_WAS_UP_TO_DATE))
		printf("Outdated\n");
	else
		printf(f & MDF_PEER_OUT_DATED ? "UpToDate\n" : "Consistent\n");
	return 0;
}

int dm_check_resize(struct dm *d, int argc, char **argv)
{
	(void)argv;
	(void)argc;
	dm_open(d);
	if (d->valid)
		return 0;
	if (!md_idx_is_internal(d->idx)) {
		fprintf(stderr, "Operation only supported for >= v8 internal meta data\n");
		return -1;
	}
	/* we keep no last-known-size files, so a moved super block is lost */
	fprintf(stderr, "no suitable meta data found :(\n");
	return -1;
}
