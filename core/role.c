/* Promotion, demotion and new-current-uuid. */
#include "core/conn.h"
#include "core/ops.h"
#include "core/uuid.h"
#include "md/md.h"

/* A diskless volume can be Primary while a connected peer has its data
 * UpToDate: reads and writes go there (drbd-wire-protocol.md §13.6). */
static bool peer_has_data(struct device *dev)
{
	for (struct connection *c = dev->res->connections; c; c = c->next) {
		struct peer_device *pd = conn_find_peer_device(c, dev->volume);
		if (c->cstate == C_CONNECTED && pd && pd->repl >= L_ESTABLISHED &&
		    pd->peer_disk == D_UP_TO_DATE)
			return true;
	}
	return false;
}

/* Checks every volume before changing any: a promotion is all or nothing. */
static int may_promote(struct resource *res, bool force, struct cmd_reply *r)
{
	for (struct device *d = res->devices; d; d = d->next) {
		if (d->disk == D_UP_TO_DATE || (d->disk == D_DISKLESS && peer_has_data(d)))
			continue;
		/* --force makes an Inconsistent or Outdated disk the source of
		 * truth; without any disk there is nothing to promote. */
		if (!force || d->disk < D_INCONSISTENT || d->failed_pending)
			return cmd_reply_set(r, SS_NO_UP_TO_DATE_DISK, NULL);
	}
	return DRBD_NO_ERROR;
}

/* Is a peer's disk with us now (Connected, replicating)? */
static bool peer_connected(struct device *dev)
{
	for (struct connection *c = dev->res->connections; c; c = c->next)
		if (c->cstate == C_CONNECTED)
			return true;
	return false;
}

static int promote_device(struct device *dev)
{
	struct md_sb *sb;
	bool forced = dev->disk != D_UP_TO_DATE;

	if (!dev->md)
		return 0;	/* diskless: the generation is the peer's */
	sb = md_sb(dev->md);

	/* A new generation when forced, on fresh meta data, or when no peer
	 * follows our writes (§4.3 "Promote to Primary while not Connected"). */
	if (forced || (sb->current_uuid & ~1ull) == MD_UUID_JUST_CREATED ||
	    (!peer_connected(dev) && dev->res->connections)) {
		/* Forced promotion starts a new data generation at once (§4.7). */
		uuid_new_current(sb, true);
		plat_warn("%s/%u: %s: new current UUID %016llX", dev->res->name, dev->volume,
			  forced ? "forced promotion" : "promotion without a connected peer",
			  (unsigned long long)sb->current_uuid);
	}
	dev->disk = D_UP_TO_DATE;
	sb->flags |= MDF_CONSISTENT | MDF_WAS_UP_TO_DATE;
	/* PRIMARY_IND makes a crash replay the AL; DRBD 9 also keeps
	 * CRASHED_PRIMARY set while Primary (§1.6). */
	sb->flags |= MDF_PRIMARY_IND | MDF_CRASHED_PRIMARY;
	uuid_set_role_bit(sb, true);
	return md_sb_write(dev->md);
}

int resource_primary(struct resource *res, bool force, struct cmd_reply *r)
{
	int rc, err;

	if (res->role == R_PRIMARY)
		return DRBD_NO_ERROR;
	if (!res->devices)
		return cmd_reply_set(r, SS_NO_UP_TO_DATE_DISK, NULL);
	for (struct connection *c = res->connections; c; c = c->next)
		if (c->handshaking)
			return cmd_reply_set(r, SS_IN_TRANSIENT_STATE, NULL);
	/* One Primary at a time unless allow-two-primaries: the peer's role is
	 * known from its P_STATE (8.4 asks it with P_STATE_CHG_REQ, §14; its
	 * answer would be the same). */
	for (struct connection *c = res->connections; c; c = c->next)
		if (c->cstate == C_CONNECTED && c->peer_role == R_PRIMARY && !c->conf.two_primaries)
			return cmd_reply_set(r, SS_TWO_PRIMARIES, NULL);
	rc = may_promote(res, force, r);
	if (rc != DRBD_NO_ERROR)
		return rc;
	for (struct device *d = res->devices; d; d = d->next) {
		err = promote_device(d);
		if (err)
			return cmd_reply_set(r, ERR_IO_MD_DISK, "%s/%u: cannot write meta data: %s",
					     res->name, d->volume, plat_strerror(err));
	}
	res->role = R_PRIMARY;
	for (struct device *d = res->devices; d; d = d->next)
		device_export_set_available(d, true);
	conn_broadcast_state(res, true);
	plat_notice("%s: Primary%s", res->name, force ? " (forced)" : "");
	engine_state_changed(res->eng);
	return DRBD_NO_ERROR;
}

/* Stops serving every volume's export; without force, refuses (and serves
 * on) if a client holds one, as DRBD refuses while the device is open. */
static int stop_serving(struct resource *res, bool force, struct cmd_reply *r)
{
	for (struct device *d = res->devices; d; d = d->next) {
		if (force) {
			device_export_set_available(d, false);
			continue;
		}
		if (device_export_unavailable_if_idle(d) == 0)
			continue;
		for (struct device *u = res->devices; u != d; u = u->next)
			device_export_set_available(u, true);
		return cmd_reply_set(r, SS_DEVICE_IN_USE, "drbd%u opened by %u NBD client(s)",
				     d->minor, device_open_count(d));
	}
	return DRBD_NO_ERROR;
}

int resource_secondary(struct resource *res, bool force, struct cmd_reply *r)
{
	int rc;

	if (res->role != R_PRIMARY)
		return DRBD_NO_ERROR;
	rc = stop_serving(res, force, r);
	if (rc != DRBD_NO_ERROR)
		return rc;
	res->role = R_SECONDARY;
	for (struct device *d = res->devices; d; d = d->next) {
		struct md_sb *sb;
		if (!d->md)
			continue;
		sb = md_sb(d->md);
		sb->flags &= ~(MDF_PRIMARY_IND | MDF_CRASHED_PRIMARY);
		uuid_set_role_bit(sb, false);
		if (md_bm_flush(d->md) || md_sb_write(d->md))
			plat_err("%s/%u: writing meta data on demotion failed",
				 res->name, d->volume);
	}
	conn_broadcast_state(res, false);
	plat_notice("%s: Secondary%s", res->name, force ? " (forced; clients cut off)" : "");
	engine_state_changed(res->eng);
	return DRBD_NO_ERROR;
}

int device_new_current_uuid(struct device *dev, bool clear_bitmap,
			    struct cmd_reply *r)
{
	struct md_sb *sb;
	int err;

	if (!dev->md)
		return cmd_reply_set(r, ERR_NO_DISK, NULL);
	sb = md_sb(dev->md);
	uuid_new_current(sb, dev->res->role == R_PRIMARY);
	if (clear_bitmap) {
		/* Skips the initial sync: every peer is declared in sync with
		 * this new generation, and so is this disk. */
		for (int i = 0; i < MD_MAX_PEERS; i++) {
			int slot = sb->peers[i].bitmap_index;
			sb->peers[i].bitmap_uuid = 0;
			if (slot >= 0)
				md_bm_clear_all(dev->md, slot);
		}
		sb->flags |= MDF_CONSISTENT | MDF_WAS_UP_TO_DATE;
		if (dev->disk == D_INCONSISTENT || dev->disk == D_OUTDATED ||
		    dev->disk == D_CONSISTENT)
			dev->disk = D_UP_TO_DATE;
	}
	err = md_bm_flush(dev->md);
	if (!err)
		err = md_sb_write(dev->md);
	if (err)
		return cmd_reply_set(r, ERR_IO_MD_DISK, "cannot write meta data: %s",
				     plat_strerror(err));
	plat_notice("%s/%u: new current UUID %016llX%s", dev->res->name, dev->volume,
		    (unsigned long long)sb->current_uuid,
		    clear_bitmap ? " (bitmap cleared)" : "");
	engine_state_changed(dev->res->eng);
	return DRBD_NO_ERROR;
}
