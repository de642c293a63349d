/* drbdmeta: the super-block edits outdate, invalidate, forget-peer and the
 * device UUID that drbdadm create-md reads and writes for its usage counter
 * (drbd-metadata-resync.md §1.4-§1.6). Each one, like drbd-utils 9.22's,
 * fails quietly with exit code 1 when there is no valid meta data. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/drbdmeta.h"

int dm_read_dev_uuid(struct dm *d, int argc, char **argv)
{
	(void)argv;
	if (dm_open_noargs(d, argc))
		return -1;
	printf("%016" PRIX64 "\n", d->sb.device_uuid);
	return 0;
}

int dm_write_dev_uuid(struct dm *d, int argc, char **argv)
{
	const char *val = dm_required_arg(argc, argv);

	if (dm_open_valid(d))
		return -1;
	/* strtoull's leniency is part of the interface: "0x" prefix, trailing
	 * junk ignored, overflow saturates, nothing parsable gives 0 */
	d->sb.device_uuid = strtoull(val, NULL, 16);
	return dm_update_sb(d);
}

int dm_outdate(struct dm *d, int argc, char **argv)
{
	(void)argv;
	if (dm_open_noargs(d, argc))
		return -1;
	if (!(d->sb.flags & MDF_CONSISTENT)) {
		fprintf(stderr, "Device is inconsistent.\n");
		exit(5);
	}
	d->sb.flags &= ~MDF_WAS_UP_TO_DATE;
	return dm_update_sb(d);
}

/* v08 asks for a full sync with its device flag; v09 has that flag per
 * peer and sets it for every node id, slot or not. */
int dm_invalidate(struct dm *d, int argc, char **argv)
{
	(void)argv;
	if (dm_open_noargs(d, argc))
		return -1;
	d->sb.flags &= ~(MDF_CONSISTENT | MDF_WAS_UP_TO_DATE);
	if (d->version == 8)
		d->sb.flags |= MDF_FULL_SYNC;
	else
		for (int i = 0; i < MD_MAX_PEERS; i++)
			d->sb.peers[i].flags |= MDF_PEER_FULL_SYNC;
	return dm_update_sb(d);
}

/* A "day-0" peer: a node id other than mine that never got a bitmap slot.
 * Its bitmap UUID is the one of a node we have not met since creation.
 * drbd-utils keeps v08's one peer record in slot 0 and node id 0, so a v08
 * device has none. */
static int day0_peer(const struct md_sb *sb)
{
	if (sb->version == 8)
		return -1;
	for (int p = 0; p < MD_MAX_PEERS; p++)
		if (p != sb->node_id && sb->peers[p].bitmap_index == -1)
			return p;
	return -1;
}

/* Releases the peer's bitmap slot; its bits are left as they are (as in
 * drbd-utils, which tells the user to edit a dump for that). */
int dm_forget_peer(struct dm *d, int argc, char **argv)
{
	struct md_peer_md *peer = &d->sb.peers[d->node_id];
	int day0, to;

	(void)argc;
	(void)argv;
	if (dm_open_valid(d))
		return -1;
	day0 = day0_peer(&d->sb);
	to = d->version == 8 ? 0 : peer->bitmap_index;
	peer->bitmap_index = -1;
	peer->flags = 0;
	if (day0 >= 0) {
		peer->bitmap_uuid = d->sb.peers[day0].bitmap_uuid;
		peer->bitmap_dagtag = d->sb.peers[day0].bitmap_dagtag;
		fprintf(stderr, "Copying bitmap slot %d to %d not implemented.\n"
			"Do it with dump-md, edit, restore-md\n",
			d->sb.peers[day0].bitmap_index, to);
	} else {
		peer->bitmap_uuid = 0;
		peer->bitmap_dagtag = 0;
		fprintf(stderr, "Setting all bits in slot %d not implemented.\n"
			"Do it with dump-md, edit, restore-md\n", to);
	}
	/* drbd-utils ignores a failed write here: exit code 0 regardless */
	dm_write_sb(d);
	return 0;
}
