/* A connection once both sockets are up (drbd-wire-protocol.md §10.1):
 * the connection-wide handshake, then per volume the parameters, sizes,
 * UUIDs and state both ways, the sync decision (core/uuid84.h), and then
 * the receiver loop. The meta socket has its own thread for pings and acks
 * (core/conn_meta.c).
 *
 * This release decides and reaches Connected when no resync is needed; a
 * needed resync is refused with a log line that says so (the bitmap
 * exchange and resync follow). */
#include "core/conn_int.h"
#include "core/handler.h"
#include "core/io.h"
#include "core/ops.h"
#include "core/repl.h"
#include "core/resync.h"
#include "core/size.h"
#include "core/uuid.h"
#include "md/md.h"
#include "wire/config.h"
#include "wire/data.h"
#include "wire/state.h"

#include <string.h>

#define PAYLOAD_MAX (WIRE_HEADER_MAX + 4096)
#define DATA_MAX (1u << 20)	/* DRBD_MAX_BIO_SIZE */

static uint32_t my_state_word(struct connection *c, struct peer_device *pd)
{
	struct device *d = pd->dev;
	struct wire_state s = { 0 };

	s.role = (unsigned)c->res->role;
	s.peer = (unsigned)c->peer_role;
	s.conn = wire_conn_from_engine(c->cstate, pd->repl);
	s.disk = wire_disk_from_engine(c->proto.apv, d->disk);
	s.pdsk = wire_disk_from_engine(c->proto.apv, pd->peer_disk);
	s.user_isp = pd->resync_susp_user;
	s.peer_isp = pd->resync_susp_peer;
	return wire_state_pack(&s);
}

static int send_uuids(struct connection *c, struct peer_device *pd, bool locked);

static int send_state_word(struct connection *c, struct peer_device *pd, uint32_t word)
{
	uint8_t buf[WIRE_HEADER_MAX + 4];
	int len;

	len = wire_state_encode(&c->proto, (uint16_t)pd->dev->volume, word, buf, sizeof(buf));
	return len < 0 ? len : conn_send(c, WIRE_SOCK_DATA, buf, (size_t)len);
}

int conn_send_state(struct connection *c, struct peer_device *pd)
{
	uint32_t word;

	plat_mutex_lock(&c->res->eng->lock);
	word = my_state_word(c, pd);
	plat_mutex_unlock(&c->res->eng->lock);
	return send_state_word(c, pd, word);
}

void conn_broadcast_state(struct resource *res, bool uuids)
{
	/* Caller holds eng->lock (a role change): tell every connected peer;
	 * after a new data generation the UUIDs go first (8.4 does so). */
	for (struct connection *c = res->connections; c; c = c->next)
		if (c->cstate == C_CONNECTED)
			for (struct peer_device *pd = c->peer_devices; pd; pd = pd->next)
				if ((uuids && pd->dev->md && send_uuids(c, pd, true)) ||
				    send_state_word(c, pd, my_state_word(c, pd)) ||
				    /* A kernel 8.4 peer marks "consider resync" on the
				     * first P_STATE and runs its sync handshake on the
				     * next (seen in tests/interop); it would otherwise
				     * wait for one that never comes. */
				    (uuids && send_state_word(c, pd, my_state_word(c, pd))))
					conn_abort(c);
}

/* P_UUIDS (§6.7) from the meta data; caller does not hold eng->lock
 * unless `locked`. */
static int send_uuids(struct connection *c, struct peer_device *pd, bool locked)
{
	struct device *d = pd->dev;
	struct wire_uuids u = { 0 };
	uint8_t buf[WIRE_HEADER_MAX + 48];
	struct md_sb *sb;
	int slot, len;

	if (!locked)
		plat_mutex_lock(&c->res->eng->lock);
	sb = md_sb(d->md);
	slot = md_bm_slot_of_node(d->md, c->peer_node_id);
	u.current = sb->current_uuid;
	u.bitmap = sb->peers[c->peer_node_id].bitmap_uuid;
	u.history[0] = sb->history_uuids[0];
	u.history[1] = sb->history_uuids[1];
	u.dirty_bits = slot >= 0 ? md_bm_count(d->md, slot) : 0;
	u.flags = (c->conf.discard_my_data ? UUID84_FLAG_DISCARD_MY_DATA : 0) |
		  (d->crashed_primary ? UUID84_FLAG_CRASHED_PRIMARY : 0) |
		  (d->disk <= D_INCONSISTENT ? UUID84_FLAG_INCONSISTENT : 0);
	if (!locked)
		plat_mutex_unlock(&c->res->eng->lock);
	len = wire_uuids_encode(&c->proto, (uint16_t)d->volume, &u, buf, sizeof(buf));
	return len < 0 ? len : conn_send(c, WIRE_SOCK_DATA, buf, (size_t)len);
}

int conn_send_uuids(struct connection *c, struct peer_device *pd)
{
	return send_uuids(c, pd, false);
}

/* Sync parameters, sizes, UUIDs (with a disk) and state of one volume. */
static int send_volume(struct connection *c, struct peer_device *pd)
{
	struct wire_sync_param sp = { 0 };
	struct wire_sizes sz = { 0 };
	struct device *d = pd->dev;
	uint8_t buf[PAYLOAD_MAX];
	uint16_t vnr = (uint16_t)d->volume;
	int len, err;

	sp.resync_rate = pd->rs.resync_rate;
	sp.c_plan_ahead = pd->rs.c_plan_ahead;
	sp.c_delay_target = pd->rs.c_delay_target;
	sp.c_fill_target = pd->rs.c_fill_target;
	sp.c_max_rate = pd->rs.c_max_rate;
	strcpy(sp.verify_alg, c->conf.verify_alg);
	strcpy(sp.csums_alg, c->conf.csums_alg);
	len = wire_sync_param_encode(&c->proto, vnr, &sp, buf, sizeof(buf));
	if (len < 0 || (err = conn_send(c, WIRE_SOCK_DATA, buf, (size_t)len)))
		return len < 0 ? len : err;

	plat_mutex_lock(&c->res->eng->lock);
	sz.d_size = d->md ? md_usable_sectors(d->md) : 0;
	sz.u_size = d->conf.size_sect;
	sz.c_size = d->size_sect;
	sz.max_bio_size = 1u << 20;
	plat_mutex_unlock(&c->res->eng->lock);

	len = wire_sizes_encode(&c->proto, vnr, &sz, buf, sizeof(buf));
	if (len < 0 || (err = conn_send(c, WIRE_SOCK_DATA, buf, (size_t)len)))
		return len < 0 ? len : err;
	if (d->md && (err = conn_send_uuids(c, pd)))
		return err;
	return conn_send_state(c, pd);
}

static struct peer_device *volume_of(struct connection *c, const struct wire_packet *pkt)
{
	struct peer_device *pd = conn_find_peer_device(c, pkt->hdr.vnr);

	if (!pd)
		plat_warn("%s %s: %s for volume %u, which this node does not have",
			  c->res->name, c->conf.name, wire_cmd_name(pkt->hdr.cmd), pkt->hdr.vnr);
	return pd;
}

/* While the handshake runs, role changes wait: both sides must decide on
 * the UUIDs they exchanged (DRBD refuses with SS_IN_TRANSIENT_STATE). */
static void set_handshaking(struct connection *c, bool on)
{
	plat_mutex_lock(&c->res->eng->lock);
	c->handshaking = on;
	plat_mutex_unlock(&c->res->eng->lock);
}

static void set_repl(struct connection *c, struct peer_device *pd, enum drbd_repl_state l,
		     enum drbd_disk_state peer_disk)
{
	struct engine *eng = c->res->eng;

	plat_mutex_lock(&eng->lock);
	pd->repl = l;
	pd->peer_disk = peer_disk;
	c->handshaking = false;
	if (pd->dev->disk == D_UP_TO_DATE && peer_disk == D_UP_TO_DATE)
		pd->dev->crashed_primary = false;
	c->peer_role = pd->peer.role;
	if (c->cstate != C_CONNECTED && !c->stop) {
		c->cstate = C_CONNECTED;
		resource_resume_al(c->res);
		if (c->paths)
			c->paths->established = true;
	}
	engine_state_changed(eng);
	plat_mutex_unlock(&eng->lock);
}

/* The sync handshake of one volume, once the peer's state is in (§10.1
 * step 6). */
/* after-sb call-pri-lost-after-sb: a Primary whose data lost gives up the
 * role if nobody holds its device open (8.4: "Successfully gave up primary
 * role."); else the pri-lost-after-sb handler is due. */
static bool demote_after_sb(void *ctx)
{
	struct connection *c = ctx;
	struct cmd_reply r;
	int rc;

	cmd_reply_init(&r);
	plat_mutex_lock(&c->res->eng->lock);
	rc = resource_secondary(c->res, false, &r);
	plat_mutex_unlock(&c->res->eng->lock);
	if (rc == DRBD_NO_ERROR)
		plat_warn("%s %s: Successfully gave up primary role.", c->res->name, c->conf.name);
	return rc == DRBD_NO_ERROR;
}

static int decide(struct connection *c, struct peer_device *pd)
{
	struct device *d = pd->dev;
	struct uuids84 self = { 0 };
	struct hs_context hc = { 0 };
	struct hs_decision dec;

	if (!d->md || pd->peer.disk <= D_DISKLESS || !pd->peer.have_uuids) {
		/* A diskless side: no sync decision (§10.1 extra facts). */
		set_repl(c, pd, L_ESTABLISHED, pd->peer.disk);
		repl_connection_up(c);
		return conn_send_state(c, pd);
	}
	plat_mutex_lock(&c->res->eng->lock);
	{
		struct md_sb *sb = md_sb(d->md);
		int slot = md_bm_slot_of_node(d->md, c->peer_node_id);
		self.current = sb->current_uuid;
		self.bitmap = sb->peers[c->peer_node_id].bitmap_uuid;
		self.history[0] = sb->history_uuids[0];
		self.history[1] = sb->history_uuids[1];
		hc.crashed_primary = d->crashed_primary;
		hc.my_bits_set = slot >= 0 ? md_bm_count(d->md, slot) : 0;
	}
	hc.disk = d->disk;
	hc.role = c->res->role;
	plat_mutex_unlock(&c->res->eng->lock);
	hc.apv = (int)c->proto.apv;
	hc.feature_wsame = c->proto.features & DRBD_FF_WSAME;
	hc.resolve_conflicts = c->resolve_conflicts;
	hc.peer_role = pd->peer.role;
	hc.peer_disk = (pd->peer.uuids.flags & UUID84_FLAG_INCONSISTENT) ? D_INCONSISTENT
									   : pd->peer.disk;
	hc.after_sb_0p = c->conf.after_sb_0p;
	hc.after_sb_1p = c->conf.after_sb_1p;
	hc.after_sb_2p = c->conf.after_sb_2p;
	hc.rr_conflict = c->conf.rr_conflict;
	hc.always_asbp = c->conf.always_asbp;
	hc.discard_my_data = c->conf.discard_my_data;
	hc.try_demote = demote_after_sb;
	hc.ctx = c;
	uuid84_handshake(&self, &pd->peer.uuids, &hc, &dec);
	plat_info("%s/%u %s: uuid_compare()=%d by rule %d", c->res->name, d->volume,
		  c->conf.name, dec.uuid_result, dec.rule);
	/* 8.4's words, which people grep their logs for. */
	if (dec.sb_auto_solved)
		plat_warn("%s/%u %s: Split-Brain detected, %d primaries, automatically solved. "
			  "Sync from %s node", c->res->name, d->volume, c->conf.name,
			  dec.sb_primaries, dec.result < 0 ? "peer" : "this");
	else if (dec.sb_manually_solved)
		plat_warn("%s/%u %s: Split-Brain detected, manually solved. Sync from %s node",
			  c->res->name, d->volume, c->conf.name, dec.result < 0 ? "peer" : "this");
	handler_after_handshake(c, d, &dec);
	if (dec.drop) {
		plat_err("%s/%u %s: %s", c->res->name, d->volume, c->conf.name, dec.why);
		return dec.split_brain ? -ENOTSUP : -ECONNABORTED;
	}
	if (dec.result != HS_NO_SYNC) {
		plat_mutex_lock(&c->res->eng->lock);
		c->peer_role = pd->peer.role;
		c->cstate = C_CONNECTED;
		resource_resume_al(c->res);
		c->handshaking = false;
		if (c->paths)
			c->paths->established = true;
		plat_mutex_unlock(&c->res->eng->lock);
		repl_connection_up(c);
		return resync_begin(c, pd, dec.result > 0, dec.full_sync);
	}
	set_repl(c, pd, L_ESTABLISHED, pd->peer.disk);
	repl_connection_up(c);
	return conn_send_state(c, pd);
}

static int on_uuids(struct peer_device *pd, const uint8_t *pl, uint32_t len)
{
	struct wire_uuids u;

	if (wire_uuids_decode(pl, len, &u))
		return -EPROTO;
	pd->peer.uuids = (struct uuids84){ u.current, u.bitmap, { u.history[0], u.history[1] },
					   u.dirty_bits, u.flags };
	pd->peer.have_uuids = true;
	return 0;
}

/* The peer paused or resumed its side of a running resync (its P_STATE
 * carries aftr_isp | user_isp, our peer_isp, §8.1). */
static void on_peer_pause(struct connection *c, struct peer_device *pd, bool paused)
{
	enum drbd_repl_state was = pd->repl;

	if (paused == pd->resync_susp_peer)
		return;
	plat_mutex_lock(&c->res->eng->lock);
	pd->resync_susp_peer = paused;
	pd->repl = resync_paused_form(pd, pd->repl);
	engine_state_changed(c->res->eng);
	plat_mutex_unlock(&c->res->eng->lock);
	if (was != pd->repl)
		plat_info("%s/%u %s: %s", c->res->name, pd->dev->volume, c->conf.name,
			  paused ? "Resync suspended by peer" : "Syncer continues.");
}

static int on_state(struct connection *c, struct peer_device *pd, const uint8_t *pl,
		    uint32_t len)
{
	struct wire_engine_state es;
	uint32_t word;
	bool first = !pd->peer.have_state;

	if (wire_state_decode(pl, len, &word) || wire_state_to_engine(c->proto.apv, word, &es)) {
		plat_err("%s %s: malformed P_STATE: %s", c->res->name, c->conf.name,
			 wire_last_error());
		return -EPROTO;
	}
	enum drbd_disk_state was = pd->peer.disk;

	pd->peer.role = es.role;
	pd->peer.disk = es.disk;
	pd->peer.have_state = true;
	on_peer_pause(c, pd, es.raw.user_isp || es.raw.aftr_isp);
	if (first)
		return decide(c, pd);
	/* 8.4 considers a resync again when the peer wants one (it went
	 * WFBitMapT) or its disk became good while ours is not (a forced
	 * promotion over a connection, §10.1 "Fresh pair"). */
	if (pd->repl == L_ESTABLISHED &&
	    (es.repl == L_WF_BITMAP_T ||
	     (was <= D_INCONSISTENT && es.disk == D_UP_TO_DATE && pd->dev->disk <= D_INCONSISTENT)))
		return decide(c, pd);
	if (pd->repl == L_VERIFY_T && es.repl == L_ESTABLISHED) {
		verify_peer_done(c, pd);
		return 0;
	}
	if ((pd->repl == L_SYNC_SOURCE || pd->repl == L_PAUSED_SYNC_S) &&
	    es.repl == L_ESTABLISHED && es.disk == D_UP_TO_DATE) {
		resync_source_finished(c, pd);
		return 0;
	}
	set_repl(c, pd, pd->repl, es.disk);
	return 0;
}

/* What a peer's request asks of one volume, in our view (§14): a verify
 * with us as VerifyT, or the other side of its invalidate(-remote), needs
 * our agreement; anything else (its forced promotion, a disconnect) a
 * Secondary without dual-primary ambitions has nothing to object to, and
 * the new state itself follows as P_UUIDS / P_STATE. *then is what to do
 * after the answer went out (L_OFF: nothing). */
static int judge_request(struct connection *c, const struct wire_packet *pkt,
			 const struct wire_req_state *req, struct peer_device **pd,
			 enum drbd_repl_state *then)
{
	struct wire_state mask, val;
	enum drbd_conn_state cs;
	enum drbd_repl_state l;

	*then = L_OFF;
	wire_state_unpack(wire_state_req_to_local(req->mask), &mask);
	wire_state_unpack(wire_state_req_to_local(req->val), &val);
	if (mask.conn != WIRE_CONN_MASK_VAL || wire_conn_to_engine(val.conn, &cs, &l))
		return SS_SUCCESS;
	if (l != L_VERIFY_T && l != L_STARTING_SYNC_S && l != L_STARTING_SYNC_T &&
	    l != L_WF_BITMAP_S && l != L_WF_BITMAP_T)
		return SS_SUCCESS;
	*pd = conn_find_peer_device(c, pkt->hdr.vnr);
	if (!*pd)
		return SS_NOT_SUPPORTED;
	if (l == L_VERIFY_T)
		return verify_peer_request(c, *pd);
	*then = l;
	return resync_peer_invalidate_check(c, *pd, l);
}

static int on_state_request(struct connection *c, const struct wire_packet *pkt,
			    const uint8_t *pl)
{
	uint16_t reply = pkt->hdr.cmd == P_STATE_CHG_REQ ? P_STATE_CHG_REPLY
							 : P_CONN_ST_CHG_REPLY;
	struct wire_req_state req;
	struct peer_device *pd = NULL;
	enum drbd_repl_state then;
	uint8_t buf[WIRE_HEADER_MAX + 4];
	int n, rv;

	if (wire_req_state_decode(pl, pkt->hdr.length, &req))
		return -EPROTO;
	rv = judge_request(c, pkt, &req, &pd, &then);
	plat_info("%s %s: peer state change request mask 0x%x val 0x%x: %s", c->res->name,
		  c->conf.name, req.mask, req.val, rv >= SS_SUCCESS ? "accepted" : "refused");
	n = wire_req_state_reply_encode(&c->proto, reply, pkt->hdr.vnr, rv, buf, sizeof(buf));
	n = n < 0 ? n : conn_send(c, WIRE_SOCK_META, buf, (size_t)n);
	if (!n && rv >= SS_SUCCESS && then != L_OFF)
		n = resync_peer_invalidate(c, pd, then);
	return n;
}

/* A diskless volume has the size of the peer's data (its P_SIZES: what
 * it exposes, else what it could), and gets its export then. */
static void diskless_size(struct connection *c, struct peer_device *pd)
{
	struct device *d = pd->dev;
	uint64_t size = pd->peer.c_size ? pd->peer.c_size : pd->peer.d_size;

	if (!size)
		return;
	plat_mutex_lock(&c->res->eng->lock);
	if (!d->md && d->size_sect != size) {
		if (d->exp && d->size_sect)
			plat_warn("%s/%u %s: the peer's size changed to %llu sectors", c->res->name,
				  d->volume, c->conf.name, (unsigned long long)size);
		d->size_sect = size;
		if (!d->exp)
			device_export_add(d);
		engine_state_changed(c->res->eng);
	}
	plat_mutex_unlock(&c->res->eng->lock);
}

/* A diskless peer reads from us (§13.6): P_DATA_REPLY with its block id,
 * or P_NEG_DREPLY when our data is not UpToDate or cannot be read. */
static int serve_read(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl,
		      uint8_t *data)
{
	struct peer_device *pd = conn_find_peer_device(c, pkt->hdr.vnr);
	struct wire_data d = { 0 };
	struct wire_block_req r;
	struct wire_blob none;
	uint8_t hdr[WIRE_HEADER_MAX + 32];
	int n;

	if (wire_block_req_decode(pkt->hdr.cmd, pl, pkt->hdr.length, &r, &none) || !pd ||
	    r.sector + (r.blksize >> 9) > pd->dev->size_sect)
		return -EPROTO;
	if (pd->dev->disk != D_UP_TO_DATE || dev_peer_read(pd->dev, data, r.blksize,
							   r.sector << 9)) {
		struct wire_block_ack a = { r.sector, r.block_id, r.blksize, ++c->ack_seq };
		n = wire_block_ack_encode(&c->proto, P_NEG_DREPLY, pkt->hdr.vnr, &a, hdr,
					  sizeof(hdr));
		return n < 0 ? n : conn_send(c, WIRE_SOCK_META, hdr, (size_t)n);
	}
	d.sector = r.sector;
	d.block_id = r.block_id;
	return conn_send_block(c, P_DATA_REPLY, pkt->hdr.vnr, &d, data, r.blksize);
}

/* The answer to a read of ours. */
static int read_reply(struct connection *c, const struct wire_packet *pkt, uint8_t *data)
{
	struct wire_data d;
	int err = conn_recv_data(c, pkt, data, DATA_MAX, &d);

	if (!err)
		repl_read_done(c, d.block_id, data, d.data_size);
	return err;
}

/* The peer's resync settings matter to us only for the algorithms: both
 * sides must use the same verify-alg and csums-alg, or the first handshake
 * ends (§6.6: 8.4 disconnects on a difference in WFReportParams and adopts
 * later changes). */
static int on_sync_param(struct connection *c, const uint8_t *pl, uint32_t len)
{
	struct wire_sync_param sp = { 0 };
	const char *what = NULL, *me = NULL, *peer = NULL;

	if (wire_sync_param_decode(&c->proto, pl, len, &sp))
		return -EPROTO;
	if (!c->handshaking)
		return 0;
	if (strcmp(sp.verify_alg, c->conf.verify_alg))
		what = "verify-alg", me = c->conf.verify_alg, peer = sp.verify_alg;
	else if (c->proto.apv >= 89 && strcmp(sp.csums_alg, c->conf.csums_alg))
		what = "csums-alg", me = c->conf.csums_alg, peer = sp.csums_alg;
	if (!what)
		return 0;
	plat_err("%s %s: Different %s settings. me=\"%s\" peer=\"%s\"", c->res->name,
		 c->conf.name, what, me, peer);
	return -ENOTSUP;
}

/* One packet on the data socket. */
static int dispatch(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl)
{
	struct peer_device *pd;
	struct wire_sizes sz;

	if (pkt->ignore)
		return 0;
	switch (pkt->hdr.cmd) {
	case P_SYNC_PARAM:
	case P_SYNC_PARAM89:
		return on_sync_param(c, pl, pkt->hdr.length);
	case P_SIZES:
		if (!(pd = volume_of(c, pkt)))
			return 0;
		if (wire_sizes_decode(&c->proto, pl, pkt->hdr.length, &sz))
			return -EPROTO;
		pd->peer.d_size = sz.d_size;
		pd->peer.u_size = sz.u_size;
		pd->peer.c_size = sz.c_size;
		pd->peer.dds_flags = sz.dds_flags;
		pd->peer.have_sizes = true;
		if (!pd->dev->md)
			diskless_size(c, pd);
		return size_from_peer(c, pd);
	case P_UUIDS:
		pd = volume_of(c, pkt);
		return pd ? on_uuids(pd, pl, pkt->hdr.length) : 0;
	case P_STATE:
		pd = volume_of(c, pkt);
		return pd ? on_state(c, pd, pl, pkt->hdr.length) : 0;
	case P_BARRIER:
		return conn_rx_barrier(c, pl, pkt->hdr.length);
	case P_STATE_CHG_REQ:
	case P_CONN_ST_CHG_REQ:
		return on_state_request(c, pkt, pl);
	case P_BITMAP:
	case P_COMPRESSED_BITMAP:
		return resync_rx_bitmap(c, pkt, pl);
	case P_SYNC_UUID:
		return resync_rx_sync_uuid(c, pkt, pl);
	case P_UNPLUG_REMOTE:
		return 0; /* a hint; we write at once */
	default:
		plat_err("%s %s: %s is not handled by this udrbd release", c->res->name,
			 c->conf.name, wire_cmd_name(pkt->hdr.cmd));
		return -EPROTO;
	}
}

static void reset_peer_info(struct connection *c)
{
	for (struct peer_device *pd = c->peer_devices; pd; pd = pd->next)
		memset(&pd->peer, 0, sizeof(pd->peer));
}

/* After refusing, read what the peer is still sending until it closes
 * (at most 2 s): a kernel peer that hits a reset while sending never reads
 * our P_PROTOCOL and retries for ever instead of seeing the refusal
 * (tests/interop, protocol-mismatch). */
static void drain(struct connection *c)
{
	uint8_t buf[4096];
	uint64_t end = plat_now_ns() + 2000000000ull;

	while (plat_now_ns() < end) {
		int r = plat_sock_wait_readable(c->data, 100);
		if (r < 0 || (r > 0 && plat_sock_recv_some(c->data, buf, sizeof(buf)) <= 0))
			break;
	}
}

/* Settings both sides must agree on make a failed handshake final
 * (StandAlone, as DRBD does); anything else is retried. */
static int handshake_failed(struct connection *c, int err)
{
	if (err != -EACCES && err != -ENOTSUP)
		return err;
	drain(c);
	plat_mutex_lock(&c->res->eng->lock);
	c->stop = true;
	c->cstate = C_STANDALONE;
	engine_state_changed(c->res->eng);
	plat_mutex_unlock(&c->res->eng->lock);
	return err;
}

/* A Primary that loses its peer starts a new data generation, so the
 * peer's copy is recognised as older at reconnect (§4.3): the bitmap UUID
 * towards it keeps the generation it has. */
static void lost_peer(struct connection *c)
{
	struct engine *eng = c->res->eng;

	plat_mutex_lock(&eng->lock);
	for (struct peer_device *pd = c->peer_devices; pd; pd = pd->next) {
		struct device *d = pd->dev;
		struct md_sb *sb;
		if (!d->md || c->res->role != R_PRIMARY || d->disk != D_UP_TO_DATE ||
		    pd->repl < L_ESTABLISHED)
			continue;
		sb = md_sb(d->md);
		if (sb->peers[c->peer_node_id].bitmap_uuid)
			continue;
		uuid_new_current(sb, true);
		if (md_sb_write(d->md))
			plat_err("%s/%u: writing the new data generation failed", c->res->name,
				 d->volume);
		plat_notice("%s/%u %s: peer lost while Primary: new current UUID %016llX",
			    c->res->name, d->volume, c->conf.name,
			    (unsigned long long)sb->current_uuid);
	}
	plat_mutex_unlock(&eng->lock);
}

/* Without a connection nothing is known about the peer (status shows
 * replication:Off peer-disk:DUnknown, role:Unknown). */
static void forget_peer_state(struct connection *c)
{
	plat_mutex_lock(&c->res->eng->lock);
	c->peer_role = R_UNKNOWN;
	for (struct peer_device *pd = c->peer_devices; pd; pd = pd->next) {
		pd->repl = L_OFF;
		pd->peer_disk = D_UNKNOWN;
	}
	if (c->paths)
		c->paths->established = false;
	engine_state_changed(c->res->eng);
	plat_mutex_unlock(&c->res->eng->lock);
}

/* One packet off the data socket: bulk data straight into the aligned
 * data buffer, everything else into pl. */
static int receive_one(struct connection *c, uint8_t *pl, uint8_t *data)
{
	struct wire_packet pkt;
	int err = conn_recv_hdr(c, WIRE_SOCK_DATA, &pkt, -1);

	if (err)
		return err;
	if (pkt.hdr.cmd == P_DATA)
		return conn_rx_data(c, &pkt, data, DATA_MAX);
	if (pkt.hdr.cmd == P_RS_DATA_REPLY)
		return resync_rx_data(c, &pkt, data, DATA_MAX);
	if (pkt.hdr.cmd == P_DATA_REPLY)
		return read_reply(c, &pkt, data);
	if (pkt.hdr.length > PAYLOAD_MAX) {
		plat_err("%s %s: %s of %u bytes is not handled by this udrbd release",
			 c->res->name, c->conf.name, wire_cmd_name(pkt.hdr.cmd), pkt.hdr.length);
		return -EPROTO;
	}
	err = conn_recv_bytes(c, WIRE_SOCK_DATA, pl, pkt.hdr.length, -1);
	if (err)
		return err;
	switch (pkt.hdr.cmd) {
	case P_RS_DATA_REQUEST:
	case P_CSUM_RS_REQUEST:
		return resync_rx_request(c, &pkt, pl, data);
	case P_OV_REQUEST:
		return verify_rx_request(c, &pkt, pl, data);
	case P_DATA_REQUEST:
		return serve_read(c, &pkt, pl, data);
	case P_OV_REPLY:
		return verify_rx_reply(c, &pkt, pl, data);
	default:
		return dispatch(c, &pkt, pl);
	}
}

int conn_run(struct connection *c)
{
	uint8_t *pl = plat_alloc_aligned(PAYLOAD_MAX);
	uint8_t *data = plat_alloc_aligned(DATA_MAX);
	int err = -ENOMEM;

	if (!pl || !data)
		goto out;
	reset_peer_info(c);
	set_handshaking(c, true);
	plat_info("%s %s: data and meta sockets established (resolve-conflicts: %s)",
		  c->res->name, c->conf.name, c->resolve_conflicts ? "yes" : "no");
	err = conn_handshake(c);
	for (struct peer_device *pd = c->peer_devices; !err && pd; pd = pd->next)
		err = send_volume(c, pd);
	if (!err)
		err = conn_meta_start(c);
	while (!err && !conn_should_stop(c))
		err = receive_one(c, pl, data);
	/* A refusal of ours (split brain) reaches a kernel peer only if it
	 * can read our P_STATE before the meta socket goes: its ack receiver
	 * tears the connection down at once (tests/interop, split-brain). */
	if (err == -ENOTSUP || err == -EACCES)
		drain(c);
	/* Resync requests stop; writers' waits fail and their blocks go out
	 * of sync before the sockets close. */
	set_handshaking(c, false);
	conn_state_req_cancel(c);
	resync_stop_all(c);
	repl_connection_down(c);
	lost_peer(c);
	forget_peer_state(c);
	/* A failure of the meta socket shows here as a dead data socket: then
	 * the meta side's reason is the real one. A decision of our own (a
	 * refused handshake) stands. */
	if (conn_meta_stop(c) && !conn_should_stop(c) && err != -ENOTSUP && err != -EACCES &&
	    err != -EPROTO)
		err = c->meta_err;
out:
	plat_free_aligned(pl);
	plat_free_aligned(data);
	if (conn_should_stop(c))
		return 0;
	return handshake_failed(c, err);
}
