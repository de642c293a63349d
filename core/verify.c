/* Online verify in the 8.4 dialect (drbd-wire-protocol.md §12 "Online
 * verify", §14): the node that runs `drbdsetup verify` asks its peer
 * (P_STATE_CHG_REQ conn VerifyS; the peer takes VerifyT) and becomes
 * VerifyS. Its request thread sends P_OV_REQUEST for every 4 KiB block
 * from the start sector on, paced by the resync controller; VerifyT
 * answers each with P_OV_REPLY carrying its verify-alg digest; VerifyS
 * compares with its own block and answers P_OV_RESULT (in sync / out of
 * sync). Both sides mark the differing blocks out of sync in the peer's
 * bitmap slot and count down; no data is changed. The blocks are resynced
 * when a new data generation makes the next handshake resync (a Primary's
 * disconnect), as with DRBD.
 *
 * The ov_* counters are under pd->rs_mutex; the replies are handled by
 * the connection's worker (data socket), the results by its meta thread. */
#include "core/conn_int.h"
#include "core/handler.h"
#include "core/io.h"
#include "core/resync.h"
#include "md/md.h"
#include "wire/data.h"
#include "wire/state.h"

#include <string.h>

#define OV_BLOCK_SECT 8u	/* one bitmap bit: 8.4 verifies 4 KiB at a time */

static int slot_of(struct peer_device *pd)
{
	return md_bm_slot_of_node(pd->dev->md, pd->conn->peer_node_id);
}

static uint64_t dev_bits(struct peer_device *pd)
{
	return (pd->dev->size_sect + 7) / 8;
}

/* A run of out-of-sync blocks is logged once, as 8.4 does ("Out of sync:
 * start=S, size=N (sectors)"); rs_mutex held. */
static void oos_flush_locked(struct peer_device *pd)
{
	if (pd->ov_oos_size)
		plat_err("%s/%u %s: Out of sync: start=%llu, size=%llu (sectors)",
			 pd->conn->res->name, pd->dev->volume, pd->conn->conf.name,
			 (unsigned long long)pd->ov_oos_start,
			 (unsigned long long)pd->ov_oos_size);
	pd->ov_oos_size = 0;
}

static void record_locked(struct peer_device *pd, uint64_t sector, uint32_t size, bool same)
{
	if (same) {
		oos_flush_locked(pd);
		return;
	}
	if (pd->ov_oos_size && pd->ov_oos_start + pd->ov_oos_size == sector) {
		pd->ov_oos_size += size >> 9;
	} else {
		oos_flush_locked(pd);
		pd->ov_oos_start = sector;
		pd->ov_oos_size = size >> 9;
	}
	pd->ov_oos += (size + 4095) >> 12;
	md_bm_set_range(pd->dev->md, slot_of(pd), sector, size >> 9);
}

static void ov_reset(struct peer_device *pd, uint64_t start, uint64_t stop)
{
	uint64_t bits = dev_bits(pd);

	plat_mutex_lock(&pd->rs_mutex);
	pd->ov_start = pd->ov_position = start & ~(uint64_t)(OV_BLOCK_SECT - 1);
	pd->ov_stop = stop;
	pd->ov_left = pd->ov_total = bits - pd->ov_start / OV_BLOCK_SECT;
	pd->ov_oos = pd->ov_oos_size = 0;
	pd->ov_started = false;
	pd->rs_in_flight = pd->rs_sect_in = 0;
	pd->rs_start_ns = plat_now_ns();
	plat_mutex_unlock(&pd->rs_mutex);
}

/* Both sides: back to Established; says what was found. */
static void finish(struct connection *c, struct peer_device *pd)
{
	enum drbd_repl_state was;
	uint64_t secs, done, oos;

	plat_mutex_lock(&c->res->eng->lock);
	was = pd->repl;
	if (was == L_VERIFY_S || was == L_VERIFY_T) {
		pd->repl = L_ESTABLISHED;
		engine_state_changed(c->res->eng);
	}
	plat_mutex_unlock(&c->res->eng->lock);
	if (was != L_VERIFY_S && was != L_VERIFY_T)
		return;
	plat_mutex_lock(&pd->rs_mutex);
	oos_flush_locked(pd);
	secs = (plat_now_ns() - pd->rs_start_ns) / 1000000000ull;
	secs = secs ? secs : 1;
	done = pd->ov_total - pd->ov_left;
	oos = pd->ov_oos;
	if (pd->ov_left)
		plat_info("%s/%u %s: Online Verify reached sector %llu", c->res->name,
			  pd->dev->volume, c->conf.name,
			  (unsigned long long)(pd->ov_start + done * OV_BLOCK_SECT));
	plat_mutex_unlock(&pd->rs_mutex);
	md_bm_flush(pd->dev->md);
	plat_notice("%s/%u %s: Online verify done (total %llu sec; paused 0 sec; %llu K/sec)",
		    c->res->name, pd->dev->volume, c->conf.name, (unsigned long long)secs,
		    (unsigned long long)(done * 4 / secs));
	if (oos)
		plat_warn("%s/%u %s: Online verify found %llu 4k blocks out of sync!",
			  c->res->name, pd->dev->volume, c->conf.name, (unsigned long long)oos);
	if (oos)
		handler_run(c->res, "out-of-sync", pd->dev, c);
	/* VerifyS tells the end (its stop sector may come before the end of
	 * the device), apv >= 97 except 100 (§1). */
	if (was == L_VERIFY_S && c->proto.apv != 100 && conn_send_state(c, pd))
		conn_abort(c);
}

static int send_ov_request(struct connection *c, struct peer_device *pd, uint64_t sector,
			   uint32_t sect)
{
	struct wire_block_req r = { sector, ID_SYNCER, sect << 9 };
	uint8_t buf[WIRE_HEADER_MAX + 24];
	int n = wire_block_req_encode(&c->proto, P_OV_REQUEST, (uint16_t)pd->dev->volume, &r,
				      NULL, 0, buf, sizeof(buf));

	return n < 0 ? n : conn_send(c, WIRE_SOCK_DATA, buf, (size_t)n);
}

/* VerifyS: requests as the controller allows, until the stop sector or
 * the end; the replies finish it. */
static void *ov_main(void *arg)
{
	struct peer_device *pd = arg;
	struct connection *c = pd->conn;
	uint64_t size = pd->dev->size_sect, tick = plat_now_ns();
	struct rs_ctrl ctrl;

	rs_ctrl_init(&ctrl, &pd->rs);
	for (;;) {
		uint64_t in, pos, stop;
		uint32_t want, sent = 0;

		plat_mutex_lock(&pd->rs_mutex);
		in = pd->rs_sect_in;
		pd->rs_sect_in = 0;
		pos = pd->ov_position;
		stop = pd->ov_stop;
		plat_mutex_unlock(&pd->rs_mutex);
		want = rs_ctrl_tick(&ctrl, &pd->rs, (uint32_t)in);
		/* At least one request goes out even past the stop sector (8.4). */
		while (sent < want && pos < size && (pos < stop || pos == pd->ov_start)) {
			uint32_t sect = size - pos < OV_BLOCK_SECT ? (uint32_t)(size - pos)
								   : OV_BLOCK_SECT;
			rs_ctrl_sent(&ctrl, sect);
			plat_mutex_lock(&pd->rs_mutex);
			pd->rs_in_flight += sect;
			pd->ov_position = pos + sect;
			plat_mutex_unlock(&pd->rs_mutex);
			if (send_ov_request(c, pd, pos, sect)) {
				conn_abort(c);
				return NULL;
			}
			pos += sect;
			sent++;
		}
		if (pos >= size || pos >= stop)
			return NULL;	/* all asked; the replies end it */
		plat_mutex_lock(&pd->rs_mutex);
		rs_wait_tick_locked(pd, &tick, true);
		if (pd->rs_stop) {
			plat_mutex_unlock(&pd->rs_mutex);
			return NULL;
		}
		plat_mutex_unlock(&pd->rs_mutex);
	}
}

static int check_start(struct connection *c, struct peer_device *pd)
{
	if (c->cstate != C_CONNECTED)
		return SS_NEED_CONNECTION;
	if (!pd->dev->md || pd->dev->disk < D_UP_TO_DATE)
		return SS_NO_UP_TO_DATE_DISK;
	if (pd->repl != L_ESTABLISHED)
		return SS_RESYNC_RUNNING;
	if (plat_hash_by_name(c->conf.verify_alg) == PLAT_HASH_NONE)
		return SS_NO_VERIFY_ALG;
	return SS_SUCCESS;
}

int verify_start(struct connection *c, struct peer_device *pd, uint64_t start, uint64_t stop,
		 struct cmd_reply *r)
{
	struct wire_state mask = { 0 }, val = { 0 };
	int rv;

	plat_mutex_lock(&c->res->eng->lock);
	rv = check_start(c, pd);
	plat_mutex_unlock(&c->res->eng->lock);
	if (rv == SS_SUCCESS) {
		mask.conn = WIRE_CONN_MASK_VAL;
		val.conn = wire_conn_from_engine(C_CONNECTED, L_VERIFY_S);
		rv = conn_request_state(c, pd, wire_state_pack(&mask), wire_state_pack(&val));
	}
	if (rv < SS_SUCCESS) {
		cmd_reply_set(r, rv, NULL);
		return rv;
	}
	plat_mutex_lock(&c->res->eng->lock);
	rv = pd->repl == L_ESTABLISHED ? SS_SUCCESS : SS_NEED_CONNECTION;
	if (rv == SS_SUCCESS) {
		if (pd->rs_thread)
			plat_thread_join(pd->rs_thread, NULL);
		pd->rs_thread = NULL;
		pd->rs_stop = false;
		ov_reset(pd, start, stop);
		pd->repl = L_VERIFY_S;
		engine_state_changed(c->res->eng);
		plat_notice("%s/%u %s: Starting Online Verify from sector %llu", c->res->name,
			    pd->dev->volume, c->conf.name, (unsigned long long)pd->ov_start);
		if (plat_thread_start(&pd->rs_thread, ov_main, pd, "udrbd-verify")) {
			pd->repl = L_ESTABLISHED;
			rv = SS_UNKNOWN_ERROR;
		}
	}
	plat_mutex_unlock(&c->res->eng->lock);
	if (rv < SS_SUCCESS)
		cmd_reply_set(r, rv, NULL);
	return rv;
}

/* The peer asks to start a verify with us as VerifyT (its request, §14);
 * eng->lock not held. */
int verify_peer_request(struct connection *c, struct peer_device *pd)
{
	int rv;

	plat_mutex_lock(&c->res->eng->lock);
	rv = check_start(c, pd);
	if (rv == SS_SUCCESS) {
		ov_reset(pd, 0, UINT64_MAX);
		pd->repl = L_VERIFY_T;
		engine_state_changed(c->res->eng);
	}
	plat_mutex_unlock(&c->res->eng->lock);
	return rv;
}

/* VerifyT: P_OV_REQUEST; the first one names the start sector (apv >= 90). */
int verify_rx_request(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl,
		      uint8_t *data)
{
	struct peer_device *pd = conn_find_peer_device(c, pkt->hdr.vnr);
	enum plat_hash_alg alg = plat_hash_by_name(c->conf.verify_alg);
	uint8_t digest[PLAT_HASH_MAX_LEN] = { 0 }, buf[WIRE_HEADER_MAX + 24 + PLAT_HASH_MAX_LEN];
	struct wire_block_req r;
	struct wire_blob none;
	int n;

	if (wire_block_req_decode(pkt->hdr.cmd, pl, pkt->hdr.length, &r, &none) || !pd ||
	    r.sector + (r.blksize >> 9) > pd->dev->size_sect)
		return -EPROTO;
	if (pd->repl != L_VERIFY_T || alg == PLAT_HASH_NONE || pd->dev->disk < D_UP_TO_DATE) {
		struct wire_block_ack a = { r.sector, r.block_id, r.blksize, 0 };
		n = wire_block_ack_encode(&c->proto, P_NEG_RS_DREPLY, pkt->hdr.vnr, &a, buf,
					  sizeof(buf));
		return n < 0 ? n : conn_send(c, WIRE_SOCK_META, buf, (size_t)n);
	}
	plat_mutex_lock(&pd->rs_mutex);
	if (!pd->ov_started) {
		pd->ov_started = true;
		pd->ov_start = r.sector;
		pd->ov_left = pd->ov_total = dev_bits(pd) - r.sector / OV_BLOCK_SECT;
		plat_info("%s/%u %s: Online Verify start sector: %llu", c->res->name,
			  pd->dev->volume, c->conf.name, (unsigned long long)r.sector);
	}
	plat_mutex_unlock(&pd->rs_mutex);
	/* A block that cannot be read gets a zero digest: it will differ. */
	if (!dev_peer_read(pd->dev, data, r.blksize, r.sector << 9))
		plat_hash(alg, data, r.blksize, digest);
	n = wire_block_req_encode(&c->proto, P_OV_REPLY, pkt->hdr.vnr, &r, digest,
				  (uint32_t)plat_hash_len(alg), buf, sizeof(buf));
	pd->stats.sent_sect += r.blksize >> 9;
	return n < 0 ? n : conn_send(c, WIRE_SOCK_DATA, buf, (size_t)n);
}

/* One block compared (VerifyS) or its result heard (VerifyT): count down;
 * VerifyS ends at the stop sector, both at the end. */
static void count_block(struct connection *c, struct peer_device *pd, uint64_t sector,
			uint32_t size)
{
	bool done;

	plat_mutex_lock(&pd->rs_mutex);
	if (pd->ov_left)
		pd->ov_left--;
	pd->rs_in_flight -= size >> 9 <= pd->rs_in_flight ? size >> 9 : pd->rs_in_flight;
	pd->rs_sect_in += size >> 9;
	done = pd->ov_left == 0 ||
	       (pd->repl == L_VERIFY_S && sector + (size >> 9) >= pd->ov_stop &&
		pd->rs_in_flight == 0);
	plat_cond_broadcast(&pd->rs_cond);
	plat_mutex_unlock(&pd->rs_mutex);
	if (done)
		finish(c, pd);
}

/* VerifyS: the peer's digest of a block against ours. */
int verify_rx_reply(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl,
		    uint8_t *data)
{
	struct peer_device *pd = conn_find_peer_device(c, pkt->hdr.vnr);
	enum plat_hash_alg alg = plat_hash_by_name(c->conf.verify_alg);
	uint8_t mine[PLAT_HASH_MAX_LEN], buf[WIRE_HEADER_MAX + 24];
	struct wire_block_req r;
	struct wire_blob theirs;
	struct wire_block_ack a;
	bool same = false;
	int n;

	if (wire_block_req_decode(pkt->hdr.cmd, pl, pkt->hdr.length, &r, &theirs) || !pd ||
	    r.sector + (r.blksize >> 9) > pd->dev->size_sect)
		return -EPROTO;
	if (pd->repl != L_VERIFY_S)
		return 0;	/* a late reply after a stop: nothing to compare */
	if (alg != PLAT_HASH_NONE && theirs.len == plat_hash_len(alg) &&
	    !dev_peer_read(pd->dev, data, r.blksize, r.sector << 9) &&
	    !plat_hash(alg, data, r.blksize, mine))
		same = !memcmp(mine, theirs.ptr, theirs.len);
	plat_mutex_lock(&pd->rs_mutex);
	record_locked(pd, r.sector, r.blksize, same);
	plat_mutex_unlock(&pd->rs_mutex);
	a = (struct wire_block_ack){ r.sector, 0, r.blksize, ++c->ack_seq };
	wire_ov_result_set_id(&a, same ? ID_IN_SYNC : ID_OUT_OF_SYNC);
	n = wire_block_ack_encode(&c->proto, P_OV_RESULT, pkt->hdr.vnr, &a, buf, sizeof(buf));
	n = n < 0 ? n : conn_send(c, WIRE_SOCK_META, buf, (size_t)n);
	pd->stats.received_sect += r.blksize >> 9;
	count_block(c, pd, r.sector, r.blksize);
	return n;
}

/* VerifyT: what VerifyS found (meta socket). */
int verify_rx_result(struct connection *c, uint16_t vnr, const struct wire_block_ack *a)
{
	struct peer_device *pd = conn_find_peer_device(c, vnr);
	bool same = wire_ov_result_id(a) == ID_IN_SYNC;

	if (!pd || !pd->dev->md || a->sector + (a->blksize >> 9) > pd->dev->size_sect)
		return -EPROTO;
	plat_mutex_lock(&pd->rs_mutex);
	record_locked(pd, a->sector, a->blksize, same);
	plat_mutex_unlock(&pd->rs_mutex);
	if (pd->repl == L_VERIFY_T)
		count_block(c, pd, a->sector, a->blksize);
	return 0;
}

/* VerifyS: the peer could not read a block; it is skipped. */
void verify_rx_neg(struct connection *c, struct peer_device *pd, uint64_t sector, uint32_t size)
{
	plat_warn("%s/%u %s: the peer could not verify sectors %llu+%u", c->res->name,
		  pd->dev->volume, c->conf.name, (unsigned long long)sector, size >> 9);
	count_block(c, pd, sector, size);
}

/* VerifyT: the peer's P_STATE says Connected again (its stop sector, or a
 * verify it ended). */
void verify_peer_done(struct connection *c, struct peer_device *pd)
{
	finish(c, pd);
}
