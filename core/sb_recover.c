/* After a UUID comparison: split-brain recovery policies and the
 * post-processing of the 8.4 sync handshake (drbd-metadata-resync.md §4.6
 * and §5, drbd-wire-protocol.md §11). Pure: handlers and demotion are
 * reported in the decision or asked through the context. */
#include "core/uuid84.h"

#include <stdlib.h>

/* after-sb-0pri: nobody is Primary now. Older/younger is bit 0 of the
 * bitmap UUIDs: set when that node was already Primary as the split
 * happened. "Changes" are the out-of-sync counts of both sides. */
static int recover_0p(const struct uuids84 *self, const struct uuids84 *peer,
		      const struct hs_context *c)
{
	bool self_old = self->bitmap & 1, peer_old = peer->bitmap & 1;
	uint64_t ch_self = c->my_bits_set, ch_peer = peer->bits_set;
	int tie = c->resolve_conflicts ? HS_TARGET : HS_SOURCE;

	switch (c->after_sb_0p) {
	case ASB_DISCARD_YOUNGER_PRI:
		if (self_old != peer_old)
			return self_old ? HS_SOURCE : HS_TARGET;
		/* no answer: falls through to the older-primary test */
		/* fall through */
	case ASB_DISCARD_OLDER_PRI:
		if (self_old != peer_old)
			return self_old ? HS_TARGET : HS_SOURCE;
		/* still none: DRBD goes on with the zero/least-changes tests */
		/* fall through */
	case ASB_DISCARD_ZERO_CHG:
		if (ch_self == 0 && ch_peer == 0)
			return tie;
		if (ch_peer == 0)
			return HS_SOURCE;
		if (ch_self == 0)
			return HS_TARGET;
		if (c->after_sb_0p == ASB_DISCARD_ZERO_CHG)
			return HS_SPLIT_BRAIN;
		/* fall through */
	case ASB_DISCARD_LEAST_CHG:
		if (ch_self != ch_peer)
			return ch_self < ch_peer ? HS_TARGET : HS_SOURCE;
		return tie;
	case ASB_DISCARD_LOCAL:
		return HS_TARGET;
	case ASB_DISCARD_REMOTE:
		return HS_SOURCE;
	default:
		return HS_SPLIT_BRAIN;
	}
}

/* The Primary that would become target: try to demote it; if that fails
 * the pri-lost-after-sb handler is due and the connection drops. */
static int demote_or_give_up(int hg, const struct hs_context *c, bool *call_pri_lost)
{
	if (hg == HS_TARGET && c->role == R_PRIMARY) {
		if (c->try_demote && c->try_demote(c->ctx))
			return hg;
		*call_pri_lost = true;
		return HS_SPLIT_BRAIN;
	}
	return hg;
}

static int recover_1p(const struct uuids84 *self, const struct uuids84 *peer,
		      const struct hs_context *c, bool *call_pri_lost)
{
	int hg;

	switch (c->after_sb_1p) {
	case ASB_CONSENSUS:
		/* Only if the 0pri answer discards the Secondary's data. */
		hg = recover_0p(self, peer, c);
		if ((hg == HS_TARGET && c->role == R_SECONDARY) ||
		    (hg == HS_SOURCE && c->role == R_PRIMARY))
			return hg;
		return HS_SPLIT_BRAIN;
	case ASB_VIOLENTLY:
		return recover_0p(self, peer, c);
	case ASB_DISCARD_SECONDARY:
		return c->role == R_PRIMARY ? HS_SOURCE : HS_TARGET;
	case ASB_CALL_HELPER:
		return demote_or_give_up(recover_0p(self, peer, c), c, call_pri_lost);
	default:
		return HS_SPLIT_BRAIN;
	}
}

static int recover_2p(const struct uuids84 *self, const struct uuids84 *peer,
		      const struct hs_context *c, bool *call_pri_lost)
{
	switch (c->after_sb_2p) {
	case ASB_VIOLENTLY:
		return recover_0p(self, peer, c);
	case ASB_CALL_HELPER:
		return demote_or_give_up(recover_0p(self, peer, c), c, call_pri_lost);
	default:
		return HS_SPLIT_BRAIN;
	}
}

int uuid84_after_sb(const struct uuids84 *self, const struct uuids84 *peer,
		    const struct hs_context *c, bool *call_pri_lost)
{
	int primaries = (c->role == R_PRIMARY) + (c->peer_role == R_PRIMARY);

	*call_pri_lost = false;
	if (primaries == 0)
		return recover_0p(self, peer, c);
	if (primaries == 1)
		return recover_1p(self, peer, c, call_pri_lost);
	return recover_2p(self, peer, c, call_pri_lost);
}

/* Exactly one Inconsistent side: the other is the source, whatever the
 * UUIDs said; a full sync if they said full or split brain. */
static int disk_override(int hg, const struct hs_context *c)
{
	bool full = hg == HS_SPLIT_BRAIN || abs(hg) == 2;
	bool mine_bad = c->disk == D_INCONSISTENT && c->peer_disk > D_INCONSISTENT;
	bool peer_bad = c->peer_disk == D_INCONSISTENT && c->disk > D_INCONSISTENT;

	if (!mine_bad && !peer_bad)
		return hg;
	hg = peer_bad ? HS_SOURCE : HS_TARGET;
	return full ? hg * 2 : hg;
}

static void split_brain(struct uuids84 *self, struct uuids84 *peer,
			const struct hs_context *c, struct hs_decision *d)
{
	bool forced = d->result == HS_SPLIT_BRAIN;

	d->split_brain = true;
	if (d->result == HS_SPLIT_BRAIN_AUTO || (forced && c->always_asbp)) {
		d->result = uuid84_after_sb(self, peer, c, &d->call_pri_lost);
		d->sb_auto_solved = abs(d->result) < 100;
		d->sb_primaries = (c->role == R_PRIMARY) + (c->peer_role == R_PRIMARY);
		/* A Primary that lost under call-pri-lost-after-sb without the
		 * handler being due was demoted by try_demote. */
		d->gave_up_primary = d->result < 0 && c->role == R_PRIMARY && !d->call_pri_lost &&
				     (d->sb_primaries == 1 ? c->after_sb_1p : c->after_sb_2p) ==
				     ASB_CALL_HELPER;
		/* A generation that shares only history has nothing to base
		 * a bitmap on: the recovery is a full sync. */
		if (abs(d->result) < 100 && forced)
			d->result *= 2;
	}
	if (d->result == HS_SPLIT_BRAIN || d->result == HS_SPLIT_BRAIN_AUTO) {
		bool peer_discards = peer->flags & UUID84_FLAG_DISCARD_MY_DATA;
		if (c->discard_my_data && !peer_discards)
			d->result = HS_TARGET;
		else if (!c->discard_my_data && peer_discards)
			d->result = HS_SOURCE;
		d->sb_manually_solved = abs(d->result) < 100;
	}
	if (abs(d->result) >= 100) {
		d->split_brain_unresolved = true;
		d->drop = true;
		d->why = "Split-Brain detected but unresolved, dropping connection!";
	}
}

void uuid84_handshake(struct uuids84 *self, struct uuids84 *peer,
		      const struct hs_context *c, struct hs_decision *d)
{
	struct uuids84 before_self = *self, before_peer = *peer;

	*d = (struct hs_decision){ 0 };
	d->uuid_result = uuid84_compare(self, peer, c, &d->rule);
	d->self_fixed = self->bitmap != before_self.bitmap;
	d->peer_copy_fixed = peer->bitmap != before_peer.bitmap;
	if (d->uuid_result == HS_UNRELATED) {
		d->drop = true;
		d->why = "Unrelated data, aborting!";
		return;
	}
	if (d->uuid_result < HS_UNRELATED) {
		d->drop = true;
		d->why = "To resolve this both sides have to support at least protocol";
		return;
	}
	d->result = disk_override(d->uuid_result, c);
	if (abs(d->result) >= 100)
		split_brain(self, peer, c, d);
	if (d->drop)
		return;
	if (d->result > 0 && c->disk <= D_INCONSISTENT) {
		d->drop = true;
		d->why = "I shall become SyncSource, but I am inconsistent!";
		return;
	}
	if (d->result < 0 && c->role == R_PRIMARY && !d->gave_up_primary &&
	    c->disk >= D_CONSISTENT && c->rr_conflict != ASB_VIOLENTLY) {
		d->call_pri_lost = c->rr_conflict == ASB_CALL_HELPER;
		d->drop = true;
		d->why = "I shall become SyncTarget, but I am primary!";
		return;
	}
	d->full_sync = abs(d->result) >= 2;
}
