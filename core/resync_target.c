/* Resync, target side (drbd-wire-protocol.md §12, drbd-metadata-resync.md
 * §6.2/§6.3): a thread walks the bitmap and sends P_RS_DATA_REQUEST paced
 * by the controller (core/resync_ctrl.h); the worker writes the replies,
 * clears their bits and acks them; when nothing is left the target is
 * UpToDate and takes the source's data generation (§4.3). */
#include "core/conn_int.h"
#include "core/handler.h"
#include "core/io.h"
#include "core/resync.h"
#include "core/uuid.h"
#include "md/md.h"
#include "wire/data.h"

#include <string.h>

#define RS_MAX_REQ_SECT 2048u	/* 1 MiB, DRBD_MAX_BIO_SIZE */

static int slot_of(struct peer_device *pd)
{
	return md_bm_slot_of_node(pd->dev->md, pd->conn->peer_node_id);
}

static bool test_bit(void *ctx, uint64_t bit)
{
	struct peer_device *pd = ctx;

	return md_bm_test_bit(pd->dev->md, slot_of(pd), bit);
}

static int send_request(struct connection *c, struct peer_device *pd, uint64_t sector,
			uint32_t sect)
{
	struct wire_block_req r = { sector, ID_SYNCER, sect << 9 };
	uint8_t buf[WIRE_HEADER_MAX + 24];
	int n = wire_block_req_encode(&c->proto, P_RS_DATA_REQUEST, (uint16_t)pd->dev->volume,
				      &r, NULL, 0, buf, sizeof(buf));

	return n < 0 ? n : conn_send(c, WIRE_SOCK_DATA, buf, (size_t)n);
}

/* Checksum-based resync (§12, apv >= 89): we send the digest of our own
 * block; the source answers P_RS_IS_IN_SYNC when it has the same. A block
 * we cannot read goes as a plain request. */
static int send_csum_request(struct connection *c, struct peer_device *pd, uint64_t sector,
			     uint32_t sect, uint8_t *data)
{
	enum plat_hash_alg alg = plat_hash_by_name(c->conf.csums_alg);
	struct wire_block_req r = { sector, ID_SYNCER, sect << 9 };
	uint8_t digest[PLAT_HASH_MAX_LEN], buf[WIRE_HEADER_MAX + 24 + PLAT_HASH_MAX_LEN];
	int n;

	if (dev_peer_read(pd->dev, data, sect << 9, sector << 9) ||
	    plat_hash(alg, data, sect << 9, digest))
		return send_request(c, pd, sector, sect);
	n = wire_block_req_encode(&c->proto, P_CSUM_RS_REQUEST, (uint16_t)pd->dev->volume, &r,
				  digest, (uint32_t)plat_hash_len(alg), buf, sizeof(buf));
	return n < 0 ? n : conn_send(c, WIRE_SOCK_DATA, buf, (size_t)n);
}

/* 8.4 compares checksums when csums-alg is set, unless
 * csums-after-crash-only limits it to resyncs after a Primary crashed. */
static bool use_csums(struct connection *c, struct peer_device *pd)
{
	return c->proto.apv >= 89 && plat_hash_by_name(c->conf.csums_alg) != PLAT_HASH_NONE &&
	       (!c->conf.csums_after_crash_only || pd->dev->crashed_primary ||
		pd->peer.uuids.flags & UUID84_FLAG_CRASHED_PRIMARY);
}

/* The target is in sync: take the source's generation (§4.3 "Resync end
 * ... SyncTarget"; net result: current = source's, bitmap 0, history[0] =
 * the sync UUID) and say so with P_STATE. */
static void finish(struct connection *c, struct peer_device *pd)
{
	struct md_sb *sb;
	bool failed = pd->rs_failed != 0;

	plat_mutex_lock(&c->res->eng->lock);
	sb = md_sb(pd->dev->md);
	if (!failed) {
		uuid_push_history(sb, sb->current_uuid);
		sb->current_uuid = (pd->peer.uuids.current & ~1ull) |
				   (c->res->role == R_PRIMARY ? 1 : 0);
		sb->peers[c->peer_node_id].bitmap_uuid = 0;
		sb->flags |= MDF_CONSISTENT | MDF_WAS_UP_TO_DATE;
		pd->dev->disk = D_UP_TO_DATE;
	}
	md_bm_flush(pd->dev->md);
	md_sb_write(pd->dev->md);
	pd->repl = L_ESTABLISHED;
	engine_state_changed(c->res->eng);
	plat_mutex_unlock(&c->res->eng->lock);
	if (failed)
		plat_err("%s/%u %s: resync done, but %llu KiB could not be read on the source: "
			 "staying Inconsistent", c->res->name, pd->dev->volume, c->conf.name,
			 (unsigned long long)pd->rs_failed / 2);
	else
		plat_notice("%s/%u %s: resync done (SyncTarget): UpToDate", c->res->name,
			    pd->dev->volume, c->conf.name);
	if (pd->rs_csums && pd->rs_total)
		plat_info("%s/%u %s: %llu %% had equal checksums, eliminated: %lluK; "
			  "transferred %lluK total %lluK", c->res->name, pd->dev->volume,
			  c->conf.name, (unsigned long long)(pd->rs_same_csum * 100 / pd->rs_total),
			  (unsigned long long)pd->rs_same_csum * 4,
			  (unsigned long long)(pd->rs_total - pd->rs_same_csum) * 4,
			  (unsigned long long)pd->rs_total * 4);
	if (!failed)
		handler_run(c->res, "after-resync-target", pd->dev, c);
	if (conn_send_state(c, pd))
		conn_abort(c);
}

/* One controller tick: how many 4 KiB blocks, then shaped requests from
 * the cursor on. Returns false when everything was requested. */
static bool request_some(struct connection *c, struct peer_device *pd, uint64_t *cursor,
			 uint64_t bits, struct rs_ctrl *ctrl, uint8_t *csum_buf)
{
	uint64_t sect_in;
	uint32_t want, sent = 0;

	plat_mutex_lock(&pd->rs_mutex);
	sect_in = pd->rs_sect_in;
	pd->rs_sect_in = 0;
	plat_mutex_unlock(&pd->rs_mutex);
	want = rs_ctrl_tick(ctrl, &pd->rs, (uint32_t)sect_in);
	while (sent < want) {
		uint64_t bit = md_bm_find_next(pd->dev->md, slot_of(pd), *cursor);
		uint32_t sect, budget;
		if (bit == BM_NO_BIT || bit >= bits) {
			*cursor = bits;
			return false;
		}
		/* Merging stops where the tick's budget ends, as 8.4's
		 * make_resync_request does: a rate is a rate. */
		budget = (want - sent) * 8;
		sect = rs_shape_request(bit, pd->dev->size_sect,
					budget < RS_MAX_REQ_SECT ? budget : RS_MAX_REQ_SECT,
					test_bit, pd);
		plat_mutex_lock(&pd->rs_mutex);
		pd->rs_in_flight += sect;
		plat_mutex_unlock(&pd->rs_mutex);
		rs_ctrl_sent(ctrl, sect);
		if (csum_buf ? send_csum_request(c, pd, bit * 8, sect, csum_buf)
			     : send_request(c, pd, bit * 8, sect)) {
			conn_abort(c);
			return false;
		}
		*cursor = bit + (sect + 7) / 8;
		sent += (sect + 7) / 8;
	}
	return true;
}

void rs_wait_tick_locked(struct peer_device *pd, uint64_t *tick, bool more)
{
	*tick += RS_TICK_MS * 1000000ull;
	for (;;) {
		uint64_t now = plat_now_ns();
		if (pd->rs_stop || (!more && pd->rs_in_flight == 0))
			return;
		if (now >= *tick) {
			/* late (a slow send): the next tick counts from now */
			if (now - *tick > RS_TICK_MS * 1000000ull)
				*tick = now;
			return;
		}
		plat_cond_timedwait(&pd->rs_cond, &pd->rs_mutex,
				    (uint32_t)((*tick - now) / 1000000) + 1);
	}
}

static void *rs_main(void *arg)
{
	struct peer_device *pd = arg;
	struct connection *c = pd->conn;
	uint64_t bits = (pd->dev->size_sect + 7) / 8, cursor = 0;
	struct rs_ctrl ctrl;
	uint64_t tick = plat_now_ns();
	/* csums: our blocks are read here, up to 1 MiB at a time */
	uint8_t *csum_buf = pd->rs_csums ? plat_alloc_aligned(RS_MAX_REQ_SECT << 9) : NULL;

	rs_ctrl_init(&ctrl, &pd->rs);
	for (;;) {
		/* Paused: nothing new goes out; what is in flight still lands. */
		bool more = pd->repl == L_PAUSED_SYNC_T ||
			    request_some(c, pd, &cursor, bits, &ctrl, csum_buf);
		plat_mutex_lock(&pd->rs_mutex);
		rs_wait_tick_locked(pd, &tick, more);
		if (pd->rs_stop) {
			plat_mutex_unlock(&pd->rs_mutex);
			break;
		}
		if (!more && pd->rs_in_flight == 0) {
			plat_mutex_unlock(&pd->rs_mutex);
			/* Bits set again meanwhile (a failed write) get another pass. */
			if (!pd->rs_failed && md_bm_find_next(pd->dev->md, slot_of(pd), 0) < bits) {
				cursor = 0;
				continue;
			}
			finish(c, pd);
			break;
		}
		plat_mutex_unlock(&pd->rs_mutex);
	}
	plat_free_aligned(csum_buf);
	return NULL;
}

int resync_target_start(struct connection *c, struct peer_device *pd)
{
	if (pd->rs_thread) {
		/* a previous resync's thread has ended: collect it */
		plat_thread_join(pd->rs_thread, NULL);
		pd->rs_thread = NULL;
	}
	pd->rs_stop = false;
	pd->rs_in_flight = pd->rs_sect_in = pd->rs_failed = pd->rs_same_csum = 0;
	pd->rs_total = md_bm_count(pd->dev->md, slot_of(pd));
	pd->rs_start_ns = plat_now_ns();
	pd->rs_csums = use_csums(c, pd);
	plat_notice("%s/%u %s: resync started: %llu KiB to fetch%s", c->res->name,
		    pd->dev->volume, c->conf.name, (unsigned long long)pd->rs_total * 4,
		    pd->rs_csums ? " (checksum-based)" : "");
	return plat_thread_start(&pd->rs_thread, rs_main, pd, "udrbd-resync");
}

static void done_sectors(struct peer_device *pd, uint32_t sect)
{
	plat_mutex_lock(&pd->rs_mutex);
	pd->rs_in_flight -= sect <= pd->rs_in_flight ? sect : pd->rs_in_flight;
	pd->rs_sect_in += sect;
	plat_cond_broadcast(&pd->rs_cond);
	plat_mutex_unlock(&pd->rs_mutex);
}

static int send_rs_ack(struct connection *c, uint16_t vnr, const struct wire_data *d,
		       uint32_t size, bool ok)
{
	struct wire_block_ack a = { d->sector, d->block_id, size, ++c->ack_seq };
	uint8_t buf[WIRE_HEADER_MAX + 24];
	int n = wire_block_ack_encode(&c->proto, ok ? P_RS_WRITE_ACK : P_NEG_ACK, vnr, &a, buf,
				      sizeof(buf));

	return n < 0 ? n : conn_send(c, WIRE_SOCK_META, buf, (size_t)n);
}

/* P_RS_DATA_REPLY: write it, clear its bits, ack it (§12). */
int resync_rx_data(struct connection *c, const struct wire_packet *pkt, uint8_t *data,
		   size_t cap)
{
	struct peer_device *pd = conn_find_peer_device(c, pkt->hdr.vnr);
	struct wire_data d;
	int err = conn_recv_data(c, pkt, data, cap, &d), wr;

	if (err)
		return err;
	if (!pd || (pd->repl != L_SYNC_TARGET && pd->repl != L_PAUSED_SYNC_T))
		return -EPROTO;
	wr = dev_resync_write(pd->dev, data, d.data_size, d.sector << 9);
	if (!wr)
		md_bm_clear_range(pd->dev->md, slot_of(pd), d.sector, d.data_size >> 9);
	pd->stats.received_sect += d.data_size >> 9;
	done_sectors(pd, d.data_size >> 9);
	return send_rs_ack(c, pkt->hdr.vnr, &d, d.data_size, !wr);
}

/* P_NEG_RS_DREPLY: the source could not read it; the bits stay. */
int resync_rx_neg(struct connection *c, uint16_t vnr, uint64_t sector, uint32_t size)
{
	struct peer_device *pd = conn_find_peer_device(c, vnr);

	if (!pd)
		return 0;
	plat_warn("%s/%u %s: the source could not read sectors %llu+%u", c->res->name, vnr,
		  c->conf.name, (unsigned long long)sector, size >> 9);
	plat_mutex_lock(&pd->rs_mutex);
	pd->rs_failed += size >> 9;
	plat_mutex_unlock(&pd->rs_mutex);
	done_sectors(pd, size >> 9);
	return 0;
}

/* P_RS_IS_IN_SYNC: the source has the same block; nothing to write. */
int resync_rx_in_sync(struct connection *c, uint16_t vnr, uint64_t sector, uint32_t size)
{
	struct peer_device *pd = conn_find_peer_device(c, vnr);

	if (!pd || !pd->dev->md || sector + (size >> 9) > pd->dev->size_sect)
		return -EPROTO;
	md_bm_clear_range(pd->dev->md, slot_of(pd), sector, size >> 9);
	plat_mutex_lock(&pd->rs_mutex);
	pd->rs_same_csum += size >> 12;
	plat_mutex_unlock(&pd->rs_mutex);
	done_sectors(pd, size >> 9);
	return 0;
}

void resync_stop_all(struct connection *c)
{
	for (struct peer_device *pd = c->peer_devices; pd; pd = pd->next) {
		plat_mutex_lock(&c->res->eng->lock);
		if (pd->repl == L_SYNC_SOURCE || pd->repl == L_PAUSED_SYNC_S)
			pd->dev->resync_source--;
		plat_mutex_unlock(&c->res->eng->lock);
		if (!pd->rs_thread)
			continue;
		plat_mutex_lock(&pd->rs_mutex);
		pd->rs_stop = true;
		plat_cond_broadcast(&pd->rs_cond);
		plat_mutex_unlock(&pd->rs_mutex);
		plat_thread_join(pd->rs_thread, NULL);
		pd->rs_thread = NULL;
	}
}
