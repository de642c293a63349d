/* Forgetting a peer: what DRBD 9's forget-peer does to each attached
 * volume's meta data (drbd-metadata-resync.md §1.4, §2.3). A freed slot
 * must again track every write "since day 0", the promise of unassigned
 * slots: it takes the bits of a slot nobody holds, or is set all out of
 * sync when every slot is assigned. The peer's record keeps the day-0
 * bitmap UUID, as records of never-met nodes do. */
#include "core/forget_peer.h"
#include "core/conn.h"
#include "md/md.h"

/* A slot index that no peer record holds, or -1. */
static int vacant_slot(const struct md_sb *sb)
{
	for (uint32_t idx = 0; idx < sb->bm_max_peers; idx++) {
		bool used = false;
		for (int p = 0; p < MD_MAX_PEERS && !used; p++)
			used = sb->peers[p].bitmap_index == (int32_t)idx;
		if (!used)
			return (int)idx;
	}
	return -1;
}

/* The record of a node never met: no slot, no flags (not mine). */
static const struct md_peer_md *day0_record(const struct md_sb *sb, int my_id)
{
	for (int p = 0; p < MD_MAX_PEERS; p++)
		if (p != my_id && sb->peers[p].bitmap_index == -1 && !sb->peers[p].flags)
			return &sb->peers[p];
	return NULL;
}

static void copy_slot(struct md_dev *md, int from, int to)
{
	uint64_t words = (md_bm_bits(md) + 63) / 64;

	md_bm_clear_all(md, to);
	for (uint64_t i = 0; i < words; i++)
		md_bm_or_word64(md, to, i, md_bm_get_word64(md, from, i));
}

static int forget_on_volume(struct device *d, int peer_node_id)
{
	struct md_sb *sb = md_sb(d->md);
	struct md_peer_md *rec = &sb->peers[peer_node_id];
	const struct md_peer_md *day0 = day0_record(sb, d->res->node_id);
	int freed = rec->bitmap_index, from = vacant_slot(sb), err;

	if (freed >= 0) {
		if (from >= 0)
			copy_slot(d->md, from, freed);
		else
			md_bm_set_all(d->md, freed);
	}
	rec->flags = 0;
	rec->bitmap_index = -1;
	rec->bitmap_uuid = day0 ? day0->bitmap_uuid : 0;
	rec->bitmap_dagtag = day0 ? day0->bitmap_dagtag : 0;
	err = md_bm_flush(d->md);
	if (!err)
		err = md_sb_write(d->md);
	if (err)
		plat_err("%s/%u: forget-peer %d: writing meta data failed: %s", d->res->name,
			 d->volume, peer_node_id, plat_strerror(err));
	else
		plat_notice("%s/%u: forgot peer node %d (bitmap slot %d freed)", d->res->name,
			    d->volume, peer_node_id, freed);
	return err;
}

int resource_forget_peer(struct resource *res, int peer_node_id, struct cmd_reply *r)
{
	int err = 0;

	if (resource_find_connection(res, peer_node_id))
		return cmd_reply_set(r, ERR_NET_CONFIGURED, NULL);
	if (peer_node_id < 0 || peer_node_id > DRBD_NODE_ID_MAX)
		return cmd_reply_set(r, ERR_INVALID_REQUEST, "peer node id out of range");
	for (struct device *d = res->devices; d; d = d->next) {
		/* 8.4 meta data has one peer record and no node ids */
		if (!d->md || md_sb(d->md)->version != 9)
			continue;
		if (forget_on_volume(d, peer_node_id) && !err)
			err = cmd_reply_set(r, ERR_IO_MD_DISK, NULL);
	}
	engine_state_changed(res->eng);
	return err ? err : DRBD_NO_ERROR;
}
