/* Resync in the 8.4 dialect (drbd-wire-protocol.md §7.2, §10.1 steps 8-9,
 * §12; drbd-metadata-resync.md §4.3, §6):
 *
 *   source: WFBitMapS  -> sends its bitmap, merges the target's,
 *           sends P_SYNC_UUID, SyncSource; serves P_RS_DATA_REQUEST;
 *           clears bits on P_RS_WRITE_ACK; done on the target's P_STATE.
 *   target: WFBitMapT  -> merges the source's bitmap, sends its own,
 *           WFSyncUUID -> P_SYNC_UUID -> SyncTarget, Inconsistent;
 *           requests dirty blocks paced by the controller, writes replies,
 *           clears bits; UpToDate when the bitmap is empty.
 *
 * One volume's exchange at a time per connection (this release). The
 * receiver parts run in the connection's worker; the target's requests in
 * a resync thread of its own. */
#include "core/conn_int.h"
#include "core/handler.h"
#include "core/io.h"
#include "core/resync.h"
#include "core/uuid.h"
#include "md/md.h"
#include "wire/bitmap.h"
#include "wire/config.h"
#include "wire/data.h"

#include <stdlib.h>
#include <string.h>

static int slot_of(struct peer_device *pd)
{
	return md_bm_slot_of_node(pd->dev->md, pd->conn->peer_node_id);
}

/* Both sides must count the same bits: one per 4 KiB of the agreed size
 * (§7.1). */
static uint64_t xfer_bits(struct peer_device *pd)
{
	uint64_t sect = pd->dev->size_sect;

	if (pd->peer.c_size && pd->peer.c_size < sect)
		sect = pd->peer.c_size;
	return (sect + 7) / 8;
}

static uint64_t src_get(void *ctx, uint64_t idx)
{
	struct peer_device *pd = ctx;

	return md_bm_get_word64(pd->dev->md, slot_of(pd), idx);
}

static uint64_t sink_or(void *ctx, uint64_t idx, uint64_t bits)
{
	struct peer_device *pd = ctx;

	return md_bm_or_word64(pd->dev->md, slot_of(pd), idx, bits);
}

static int send_bitmap(struct connection *c, struct peer_device *pd)
{
	struct bm_xfer_source src = { src_get, pd };
	struct bm_xfer x;
	uint8_t buf[DRBD_SOCKET_BUFFER_SIZE];
	char stats[160];
	int err = bm_xfer_init(&x, xfer_bits(pd), c->proto.apv, c->conf.use_rle);

	while (!err && !bm_xfer_done(&x)) {
		int n = bm_xfer_encode_packet(&x, &src, (uint16_t)pd->dev->volume, buf, sizeof(buf));
		err = n < 0 ? n : conn_send(c, WIRE_SOCK_DATA, buf, (size_t)n);
	}
	if (!err && bm_xfer_stats_format(&x, "send", stats, sizeof(stats)))
		plat_info("%s/%u %s: %s", c->res->name, pd->dev->volume, c->conf.name, stats);
	return err;
}

static void set_repl_locked(struct peer_device *pd, enum drbd_repl_state l)
{
	pd->repl = resync_paused_form(pd, l);
	engine_state_changed(pd->conn->res->eng);
}

/* A running resync is paused while either side asks (8.4 sanitize_state:
 * user_isp, or the peer's as peer_isp; §8.1 bits 19-20). */
enum drbd_repl_state resync_paused_form(const struct peer_device *pd, enum drbd_repl_state l)
{
	bool paused = pd->resync_susp_user || pd->resync_susp_peer;

	if (l == L_SYNC_SOURCE || l == L_PAUSED_SYNC_S)
		return paused ? L_PAUSED_SYNC_S : L_SYNC_SOURCE;
	if (l == L_SYNC_TARGET || l == L_PAUSED_SYNC_T)
		return paused ? L_PAUSED_SYNC_T : L_SYNC_TARGET;
	return l;
}

static int go(struct connection *c, struct peer_device *pd, enum drbd_repl_state l,
	      enum drbd_disk_state peer_disk)
{
	plat_mutex_lock(&c->res->eng->lock);
	pd->peer_disk = peer_disk;
	set_repl_locked(pd, l);
	plat_mutex_unlock(&c->res->eng->lock);
	return conn_send_state(c, pd);
}

int resync_begin(struct connection *c, struct peer_device *pd, bool source, bool full)
{
	int slot = slot_of(pd), err;

	if (slot < 0) {
		plat_err("%s/%u %s: no bitmap slot for this peer", c->res->name,
			 pd->dev->volume, c->conf.name);
		return -ENOSPC;
	}
	if (full)
		md_bm_set_all(pd->dev->md, slot);
	memset(&pd->rs_x, 0, sizeof(pd->rs_x));
	err = bm_xfer_init(&pd->rs_x, xfer_bits(pd), c->proto.apv, c->conf.use_rle);
	if (err)
		return err;
	pd->rs_source = source;
	plat_notice("%s/%u %s: becoming Sync%s (%s, %llu KiB out of sync)", c->res->name,
		    pd->dev->volume, c->conf.name, source ? "Source" : "Target",
		    full ? "full sync" : "bitmap-based",
		    (unsigned long long)md_bm_count(pd->dev->md, slot) * 4);
	err = go(c, pd, source ? L_WF_BITMAP_S : L_WF_BITMAP_T, pd->peer.disk);
	/* The source sends first (§7.2). */
	if (!err && source)
		err = send_bitmap(c, pd);
	return err;
}

int resync_expect_bitmap(struct connection *c, struct peer_device *pd)
{
	int err;

	memset(&pd->rs_x, 0, sizeof(pd->rs_x));
	err = bm_xfer_init(&pd->rs_x, xfer_bits(pd), c->proto.apv, c->conf.use_rle);
	if (err)
		return err;
	pd->rs_source = false;
	plat_mutex_lock(&c->res->eng->lock);
	set_repl_locked(pd, L_WF_BITMAP_T);
	plat_mutex_unlock(&c->res->eng->lock);
	return 0;
}

/* 8.4's sync UUID (§4.3): the bitmap UUID plus 2^48, or fresh when there
 * is none; the old bitmap UUID goes to the history. */
static uint64_t new_sync_uuid(struct md_sb *sb, int peer)
{
	uint64_t old = sb->peers[peer].bitmap_uuid & ~1ull, s;

	if (old && old != MD_UUID_JUST_CREATED)
		s = old + UUID84_SYNC_STEP;
	else
		plat_random_bytes(&s, sizeof(s));
	s &= ~1ull;
	if (old)
		uuid_push_history(sb, old);
	sb->peers[peer].bitmap_uuid = s;
	return s;
}

int resync_start_source(struct connection *c, struct peer_device *pd)
{
	uint8_t buf[WIRE_HEADER_MAX + 8];
	uint64_t s;
	int n, err;

	plat_mutex_lock(&c->res->eng->lock);
	s = new_sync_uuid(md_sb(pd->dev->md), c->peer_node_id);
	err = md_sb_write(pd->dev->md);
	pd->dev->resync_source++;
	plat_mutex_unlock(&c->res->eng->lock);
	plat_mutex_lock(&pd->rs_mutex);
	pd->rs_total = md_bm_count(pd->dev->md, slot_of(pd));
	pd->rs_failed = pd->rs_same_csum = 0;
	pd->rs_start_ns = plat_now_ns();
	plat_mutex_unlock(&pd->rs_mutex);
	if (err)
		return err;
	handler_call(c->res, "before-resync-source", pd->dev, c);
	/* apv >= 96: P_SYNC_UUID after the state change (§10.1 8.1). */
	err = go(c, pd, L_SYNC_SOURCE, D_INCONSISTENT);
	n = wire_sync_uuid_encode(&c->proto, (uint16_t)pd->dev->volume, s, buf, sizeof(buf));
	if (!err)
		err = n < 0 ? n : conn_send(c, WIRE_SOCK_DATA, buf, (size_t)n);
	return err;
}

int resync_rx_bitmap(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl)
{
	struct peer_device *pd = conn_find_peer_device(c, pkt->hdr.vnr);
	struct bm_xfer_sink sink = { sink_or, pd };
	char stats[160];
	int r;

	if (!pd || (pd->repl != L_WF_BITMAP_S && pd->repl != L_WF_BITMAP_T)) {
		plat_err("%s %s: bitmap packet outside a bitmap exchange", c->res->name,
			 c->conf.name);
		return -EPROTO;
	}
	r = bm_xfer_decode(&pd->rs_x, pkt->hdr.cmd, pl, pkt->hdr.length, &sink);
	if (r < 0) {
		plat_err("%s/%u %s: bad bitmap packet: %s", c->res->name, pd->dev->volume,
			 c->conf.name, wire_last_error());
		return -EPROTO;
	}
	if (r > 0)
		return 0;
	if (bm_xfer_stats_format(&pd->rs_x, "receive", stats, sizeof(stats)))
		plat_info("%s/%u %s: %s", c->res->name, pd->dev->volume, c->conf.name, stats);
	md_bm_flush(pd->dev->md);
	if (pd->repl == L_WF_BITMAP_S)
		return resync_start_source(c, pd);
	/* Target: now ours (§7.2), then wait for the sync UUID. */
	r = send_bitmap(c, pd);
	return r ? r : go(c, pd, L_WF_SYNC_UUID, pd->peer.disk);
}

/* The target adopts the sync UUID as its current one and starts. */
int resync_rx_sync_uuid(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl)
{
	struct peer_device *pd = conn_find_peer_device(c, pkt->hdr.vnr);
	struct md_sb *sb;
	uint64_t s;
	int err;

	if (!pd || wire_sync_uuid_decode(pl, pkt->hdr.length, &s))
		return -EPROTO;
	plat_mutex_lock(&c->res->eng->lock);
	/* An agreed invalidate: the source's P_SYNC_UUID can overtake our own
	 * preparation (core/sync_admin.c). */
	resync_invalidate_locked(pd);
	if (pd->repl != L_WF_SYNC_UUID) {
		plat_mutex_unlock(&c->res->eng->lock);
		plat_err("%s/%u %s: P_SYNC_UUID while %s", c->res->name, pd->dev->volume,
			 c->conf.name, drbd_repl_state_name(pd->repl));
		return -EPROTO;
	}
	sb = md_sb(pd->dev->md);
	sb->current_uuid = s & ~1ull;
	sb->peers[c->peer_node_id].bitmap_uuid = 0;
	sb->flags &= ~MDF_CONSISTENT;
	pd->dev->disk = D_INCONSISTENT;
	err = md_sb_write(pd->dev->md);
	plat_mutex_unlock(&c->res->eng->lock);
	if (!err)
		handler_call(c->res, "before-resync-target", pd->dev, c);
	if (!err)
		err = go(c, pd, L_SYNC_TARGET, D_UP_TO_DATE);
	return err ? err : resync_target_start(c, pd);
}

/* Checksum-based resync (§12): the target sent the csums-alg digest of
 * its block; equal means in sync on both sides, nothing to send. */
static bool same_csum(struct connection *c, const struct wire_blob *theirs, const uint8_t *data,
		      uint32_t len)
{
	enum plat_hash_alg alg = plat_hash_by_name(c->conf.csums_alg);
	uint8_t mine[PLAT_HASH_MAX_LEN];

	return alg != PLAT_HASH_NONE && theirs->len == plat_hash_len(alg) &&
	       !plat_hash(alg, data, len, mine) && !memcmp(mine, theirs->ptr, theirs->len);
}

static int send_rs_ack(struct connection *c, uint16_t cmd, uint16_t vnr,
		       const struct wire_block_req *r)
{
	struct wire_block_ack a = { r->sector, r->block_id, r->blksize, ++c->ack_seq };
	uint8_t hdr[WIRE_HEADER_MAX + 24];
	int n = wire_block_ack_encode(&c->proto, cmd, vnr, &a, hdr, sizeof(hdr));

	return n < 0 ? n : conn_send(c, WIRE_SOCK_META, hdr, (size_t)n);
}

/* Source: a block the target asks for (P_RS_DATA_REQUEST, or with its
 * digest P_CSUM_RS_REQUEST). Reads and sends it under the device's resync
 * lock, so it cannot overtake an application write of the same block on
 * the wire (core/repl.c takes the lock while resyncing). */
int resync_rx_request(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl,
		      uint8_t *data)
{
	struct peer_device *pd = conn_find_peer_device(c, pkt->hdr.vnr);
	struct wire_block_req r;
	struct wire_blob digest;
	struct wire_data d = { 0 };
	int err;

	if (wire_block_req_decode(pkt->hdr.cmd, pl, pkt->hdr.length, &r, &digest) || !pd ||
	    r.blksize > (1u << 20) || r.sector + (r.blksize >> 9) > pd->dev->size_sect)
		return -EPROTO;
	d.sector = r.sector;
	d.block_id = r.block_id;
	plat_mutex_lock(&pd->dev->rs_lock);
	err = dev_peer_read(pd->dev, data, r.blksize, r.sector << 9);
	if (err) {
		plat_mutex_unlock(&pd->dev->rs_lock);
		return send_rs_ack(c, P_NEG_RS_DREPLY, pkt->hdr.vnr, &r);
	}
	if (pkt->hdr.cmd == P_CSUM_RS_REQUEST && same_csum(c, &digest, data, r.blksize)) {
		plat_mutex_unlock(&pd->dev->rs_lock);
		md_bm_clear_range(pd->dev->md, slot_of(pd), r.sector, r.blksize >> 9);
		plat_mutex_lock(&pd->rs_mutex);
		pd->rs_same_csum += r.blksize >> 12;
		plat_mutex_unlock(&pd->rs_mutex);
		return send_rs_ack(c, P_RS_IS_IN_SYNC, pkt->hdr.vnr, &r);
	}
	err = conn_send_block(c, P_RS_DATA_REPLY, pkt->hdr.vnr, &d, data, r.blksize);
	plat_mutex_unlock(&pd->dev->rs_lock);
	pd->stats.sent_sect += r.blksize >> 9;
	return err;
}

/* Source: the target wrote a block: in sync now. */
void resync_rx_write_ack(struct connection *c, uint16_t vnr, uint64_t sector, uint32_t size)
{
	struct peer_device *pd = conn_find_peer_device(c, vnr);

	if (pd && pd->dev->md)
		md_bm_clear_range(pd->dev->md, slot_of(pd), sector, size >> 9);
}

/* Source: the target says it is done (its P_STATE, §10.1 9.3). */
void resync_source_finished(struct connection *c, struct peer_device *pd)
{
	struct md_sb *sb;

	plat_mutex_lock(&c->res->eng->lock);
	sb = md_sb(pd->dev->md);
	/* set_bitmap(0): the generation tracked for the peer is history. */
	uuid_push_history(sb, sb->peers[c->peer_node_id].bitmap_uuid);
	sb->peers[c->peer_node_id].bitmap_uuid = 0;
	md_bm_flush(pd->dev->md);
	md_sb_write(pd->dev->md);
	pd->dev->resync_source--;
	pd->peer_disk = D_UP_TO_DATE;
	set_repl_locked(pd, L_ESTABLISHED);
	plat_mutex_unlock(&c->res->eng->lock);
	plat_notice("%s/%u %s: resync done (SyncSource)", c->res->name, pd->dev->volume,
		    c->conf.name);
}
