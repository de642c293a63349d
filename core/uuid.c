/* Data-generation UUIDs of a device, DRBD 9 model (drbd-metadata-resync.md
 * §4.7): one current UUID, a bitmap UUID per peer node, 32 history UUIDs.
 * Callers hold eng->lock and write the super block afterwards. */
#include "core/uuid.h"
#include "md/md.h"

#include <string.h>

#define UUID_PRIMARY 1ull

/* History push rule (§4.7): never 0 or 4, bit 0 stripped, not the current
 * UUID, not a value some peer's bitmap UUID or the history already holds. */
void uuid_push_history(struct md_sb *sb, uint64_t uuid)
{
	uuid &= ~UUID_PRIMARY;
	if (uuid == 0 || uuid == MD_UUID_JUST_CREATED ||
	    uuid == (sb->current_uuid & ~UUID_PRIMARY))
		return;
	for (int i = 0; i < MD_MAX_PEERS; i++)
		if ((sb->peers[i].bitmap_uuid & ~UUID_PRIMARY) == uuid)
			return;
	for (int i = 0; i < MD_HISTORY_UUIDS; i++)
		if ((sb->history_uuids[i] & ~UUID_PRIMARY) == uuid)
			return;
	if (sb->history_uuids[0] == 0) {
		sb->history_uuids[0] = uuid;
		return;
	}
	memmove(&sb->history_uuids[1], &sb->history_uuids[0],
		sizeof(sb->history_uuids[0]) * (MD_HISTORY_UUIDS - 1));
	sb->history_uuids[0] = uuid;
}

static uint64_t random_uuid(bool primary)
{
	uint64_t u = 0;

	while ((u & ~UUID_PRIMARY) == 0 || (u & ~UUID_PRIMARY) == MD_UUID_JUST_CREATED)
		plat_random_bytes(&u, sizeof(u));
	return (u & ~UUID_PRIMARY) | (primary ? UUID_PRIMARY : 0);
}

/* New current UUID: peers that have a bitmap slot but are not connected
 * (none are, before replication) start tracking the old generation in
 * their bitmap UUID, so a later connect resyncs what changed since. */
void uuid_new_current(struct md_sb *sb, bool primary)
{
	uint64_t old = sb->current_uuid;

	for (int i = 0; i < MD_MAX_PEERS; i++) {
		struct md_peer_md *p = &sb->peers[i];
		if (i == sb->node_id || p->bitmap_index < 0)
			continue;
		/* The role bit stays: it tells, at the next handshake, that
		 * this node was already Primary when the generations parted
		 * (the "older primary" of the after-sb policies, §5). */
		if (p->bitmap_uuid == 0 && (old & ~UUID_PRIMARY) != MD_UUID_JUST_CREATED)
			p->bitmap_uuid = old;
	}
	uuid_push_history(sb, old);
	sb->current_uuid = random_uuid(primary);
}

void uuid_set_role_bit(struct md_sb *sb, bool primary)
{
	if (primary)
		sb->current_uuid |= UUID_PRIMARY;
	else
		sb->current_uuid &= ~UUID_PRIMARY;
}
