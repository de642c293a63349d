/* The administrator's resync commands (drbdsetup pause-sync, resume-sync,
 * invalidate, invalidate-remote, outdate) on the engine's side.
 *
 * Invalidations while Connected are cluster-wide in the 8.4 dialect
 * (drbd-wire-protocol.md §14): the node asks its peer with
 * P_STATE_CHG_REQ conn StartingSyncT (invalidate) or StartingSyncS
 * (invalidate-remote); the peer takes the other side. Both then mark every
 * block out of sync for each other, the target becomes Inconsistent and
 * waits for the source's P_SYNC_UUID, and the resync runs as after a
 * handshake. With --reset-bitmap=no the request is WFBitMapT/WFBitMapS
 * instead (DRBD 9's form, which an 8.4 kernel refuses): the bitmaps are
 * exchanged and only what is marked moves. */
#include "core/conn_int.h"
#include "core/resync.h"
#include "core/uuid.h"
#include "md/md.h"
#include "wire/state.h"

static int slot_of(struct peer_device *pd)
{
	return md_bm_slot_of_node(pd->dev->md, pd->conn->peer_node_id);
}

int resync_pause(struct peer_device *pd, bool pause, struct cmd_reply *r)
{
	struct connection *c = pd->conn;
	enum drbd_repl_state was;
	bool tell;

	plat_mutex_lock(&c->res->eng->lock);
	if (pd->resync_susp_user == pause) {
		plat_mutex_unlock(&c->res->eng->lock);
		return cmd_reply_set(r, pause ? ERR_PAUSE_IS_SET
					 : pd->resync_susp_peer ? ERR_PIC_PEER_DEP
								: ERR_PAUSE_IS_CLEAR, NULL);
	}
	was = pd->repl;
	pd->resync_susp_user = pause;
	pd->repl = resync_paused_form(pd, pd->repl);
	tell = c->cstate == C_CONNECTED && pd->repl >= L_ESTABLISHED;
	engine_state_changed(c->res->eng);
	plat_mutex_unlock(&c->res->eng->lock);
	if (was != pd->repl)
		plat_info("%s/%u %s: %s", c->res->name, pd->dev->volume, c->conf.name,
			  pause ? "Resync suspended" : "Syncer continues.");
	/* The peer pauses its side too: our user_isp is its peer_isp. */
	if (tell && conn_send_state(c, pd))
		conn_abort(c);
	return 0;
}

/* The target's half of an agreed invalidation: everything out of sync
 * for this peer, our data Inconsistent until the resync ends. Done once,
 * by whoever gets there first: the requesting command after the peer's
 * yes, or the worker when the peer's P_SYNC_UUID overtakes that (8.4's
 * receive_sync_uuid waits for the same). Caller holds eng->lock. */
void resync_invalidate_locked(struct peer_device *pd)
{
	struct md_sb *sb = md_sb(pd->dev->md);

	if (pd->repl != L_STARTING_SYNC_T)
		return;
	md_bm_set_all(pd->dev->md, slot_of(pd));
	sb->flags &= ~(MDF_CONSISTENT | MDF_WAS_UP_TO_DATE);
	pd->dev->disk = D_INCONSISTENT;
	if (md_bm_flush(pd->dev->md) || md_sb_write(pd->dev->md))
		plat_err("%s/%u: writing the invalidated bitmap failed", pd->conn->res->name,
			 pd->dev->volume);
	pd->repl = L_WF_SYNC_UUID;
	engine_state_changed(pd->conn->res->eng);
}

/* The source's half: the peer's slot all set, then SyncSource. */
static int become_source(struct peer_device *pd)
{
	md_bm_set_all(pd->dev->md, slot_of(pd));
	return resync_start_source(pd->conn, pd);
}

static int check_connected(struct peer_device *pd, bool target)
{
	if (pd->conn->cstate != C_CONNECTED || pd->repl < L_ESTABLISHED)
		return SS_NEED_CONNECTION;
	if (pd->repl != L_ESTABLISHED)
		return SS_RESYNC_RUNNING;
	if (!pd->dev->md)
		return SS_NO_LOCAL_DISK;
	if (target && pd->peer_disk < D_UP_TO_DATE)
		return SS_NO_UP_TO_DATE_DISK;
	if (!target && pd->dev->disk < D_UP_TO_DATE)
		return SS_NO_UP_TO_DATE_DISK;
	return SS_SUCCESS;
}

/* Asks the peer for the resync with us as target (invalidate) or source
 * (invalidate-remote), then takes our side. */
static int invalidate_connected(struct peer_device *pd, bool target, bool reset_bitmap)
{
	struct connection *c = pd->conn;
	struct wire_state mask = { 0 }, val = { 0 };
	enum drbd_repl_state starting = target ? L_STARTING_SYNC_T : L_STARTING_SYNC_S;
	enum drbd_repl_state asked = reset_bitmap ? starting
						  : target ? L_WF_BITMAP_T : L_WF_BITMAP_S;
	int rv;

	plat_mutex_lock(&c->res->eng->lock);
	rv = check_connected(pd, target);
	if (rv == SS_SUCCESS)
		pd->repl = starting;	/* the peer's answer may race its packets */
	plat_mutex_unlock(&c->res->eng->lock);
	if (rv < SS_SUCCESS)
		return rv;
	/* As target without a reset, the source's bitmap follows its yes at
	 * once: be ready for it before asking. */
	if (!reset_bitmap && target && resync_expect_bitmap(c, pd))
		rv = SS_UNKNOWN_ERROR;
	mask.conn = WIRE_CONN_MASK_VAL;
	val.conn = wire_conn_from_engine(C_CONNECTED, asked);
	if (rv == SS_SUCCESS)
		rv = conn_request_state(c, pd, wire_state_pack(&mask), wire_state_pack(&val));
	plat_mutex_lock(&c->res->eng->lock);
	if (rv < SS_SUCCESS) {
		if (pd->repl == starting || pd->repl == L_WF_BITMAP_T)
			pd->repl = L_ESTABLISHED;
		plat_mutex_unlock(&c->res->eng->lock);
		return rv;
	}
	if (reset_bitmap && target)
		resync_invalidate_locked(pd);
	else if (!target)
		pd->repl = L_ESTABLISHED;	/* resync_begin / start_source go on */
	plat_mutex_unlock(&c->res->eng->lock);
	plat_notice("%s/%u %s: %s agreed by the peer", c->res->name, pd->dev->volume,
		    c->conf.name, target ? "invalidate" : "invalidate-remote");
	if (!target ? (reset_bitmap ? become_source(pd) : resync_begin(c, pd, true, false))
		    : !reset_bitmap && conn_send_state(c, pd))
		conn_abort(c);
	return SS_SUCCESS;
}

/* The peer asks to resync with us on the other side (its invalidate or
 * invalidate-remote, in our view: StartingSyncS/T, or WFBitMapS/T
 * without a reset). Returns the answer; the resync itself starts with
 * resync_peer_invalidate() once the answer went out. */
int resync_peer_invalidate_check(struct connection *c, struct peer_device *pd,
				 enum drbd_repl_state l)
{
	bool source = l == L_STARTING_SYNC_S || l == L_WF_BITMAP_S;
	int rv;

	plat_mutex_lock(&c->res->eng->lock);
	rv = check_connected(pd, !source);
	plat_mutex_unlock(&c->res->eng->lock);
	return rv;
}

int resync_peer_invalidate(struct connection *c, struct peer_device *pd, enum drbd_repl_state l)
{
	plat_notice("%s/%u %s: the peer asks for a resync: becoming %s", c->res->name,
		    pd->dev->volume, c->conf.name, drbd_repl_state_name(l));
	if (l == L_STARTING_SYNC_T) {
		plat_mutex_lock(&c->res->eng->lock);
		pd->repl = L_STARTING_SYNC_T;
		resync_invalidate_locked(pd);
		plat_mutex_unlock(&c->res->eng->lock);
		return 0;
	}
	if (l == L_STARTING_SYNC_S)
		return become_source(pd);
	return resync_begin(c, pd, l == L_WF_BITMAP_S, false);
}

/* Without a connection: every block out of sync for every peer, and our
 * data Inconsistent (8.4 "set_n_write from invalidate"). */
static int invalidate_alone(struct device *dev)
{
	struct md_sb *sb;

	if (dev->resync_source)
		return SS_RESYNC_RUNNING;
	if (dev->res->role == R_PRIMARY)
		return SS_NO_UP_TO_DATE_DISK;
	sb = md_sb(dev->md);
	for (int i = 0; i < MD_MAX_PEERS; i++) {
		int slot = md_bm_slot_of_node(dev->md, i);
		if (slot >= 0)
			md_bm_set_all(dev->md, slot);
	}
	sb->flags &= ~(MDF_CONSISTENT | MDF_WAS_UP_TO_DATE);
	dev->disk = D_INCONSISTENT;
	if (md_bm_flush(dev->md) || md_sb_write(dev->md))
		return SS_UNKNOWN_ERROR;
	engine_state_changed(dev->res->eng);
	return SS_SUCCESS;
}

/* The peer to take the data from: the one named, else the first
 * connected one with UpToDate data. Caller holds eng->lock. */
static struct peer_device *sync_source_for(struct device *dev, int node_id)
{
	for (struct connection *c = dev->res->connections; c; c = c->next) {
		struct peer_device *pd = conn_find_peer_device(c, dev->volume);
		if (!pd || (node_id >= 0 && c->peer_node_id != node_id))
			continue;
		if (node_id >= 0 || (c->cstate == C_CONNECTED && pd->peer_disk == D_UP_TO_DATE))
			return pd;
	}
	return NULL;
}

int device_invalidate(struct device *dev, bool reset_bitmap, int from_node,
		      struct cmd_reply *r)
{
	struct engine *eng = dev->res->eng;
	struct peer_device *pd;
	int rv;

	plat_mutex_lock(&eng->lock);
	if (!dev->md) {
		plat_mutex_unlock(&eng->lock);
		return cmd_reply_set(r, SS_NO_LOCAL_DISK, NULL);
	}
	pd = sync_source_for(dev, from_node);
	rv = pd ? SS_SUCCESS : from_node >= 0 ? SS_NEED_CONNECTION : invalidate_alone(dev);
	plat_mutex_unlock(&eng->lock);
	if (pd)
		rv = invalidate_connected(pd, true, reset_bitmap);
	if (rv < SS_SUCCESS)
		return cmd_reply_set(r, rv, NULL);
	plat_notice("%s/%u: invalidated: %s", dev->res->name, dev->volume,
		    pd ? "resyncing from the peer" : "Inconsistent until a peer resyncs it");
	return 0;
}

int peer_device_invalidate_remote(struct peer_device *pd, bool reset_bitmap,
				  struct cmd_reply *r)
{
	int rv = invalidate_connected(pd, false, reset_bitmap);

	return rv < SS_SUCCESS ? cmd_reply_set(r, rv, NULL) : 0;
}

int device_outdate(struct device *dev, struct cmd_reply *r)
{
	struct engine *eng = dev->res->eng;
	int rv = SS_SUCCESS;

	plat_mutex_lock(&eng->lock);
	if (!dev->md)
		rv = SS_IS_DISKLESS;
	else if (dev->res->role == R_PRIMARY)
		rv = SS_NO_UP_TO_DATE_DISK;	/* a Primary needs its data */
	else if (dev->disk < D_OUTDATED)
		rv = SS_LOWER_THAN_OUTDATED;
	else if (dev->disk == D_OUTDATED)
		rv = SS_NOTHING_TO_DO;
	for (struct connection *c = dev->res->connections; rv == SS_SUCCESS && c; c = c->next)
		if (c->cstate == C_CONNECTED)
			rv = SS_CONNECTED_OUTDATES;
	if (rv == SS_SUCCESS) {
		md_sb(dev->md)->flags &= ~MDF_WAS_UP_TO_DATE;
		dev->disk = D_OUTDATED;
		if (md_sb_write(dev->md))
			rv = SS_UNKNOWN_ERROR;
		engine_state_changed(eng);
	}
	plat_mutex_unlock(&eng->lock);
	return rv < SS_SUCCESS ? cmd_reply_set(r, rv, NULL) : 0;
}
