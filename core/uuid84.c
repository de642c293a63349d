/* The 8.4 sync handshake (core/uuid84.h). The rules are DRBD's, restated in
 * drbd-wire-protocol.md §11 and drbd-metadata-resync.md §4.5/§4.6/§5; the
 * code is ours. Every comparison masks bit 0, the role marker. */
#include "core/uuid84.h"

#include <stddef.h>

/* "Below -0x10000: needs a newer protocol plus feature" (§11): rule 41
 * needs FF_WSAME. */
#define HS_NEED_FEATURE_WSAME (-0x10000 - 101 - (4 << 8))

static uint64_t m(uint64_t u)
{
	return u & ~1ull;
}

/* Rules 34-37: equal current UUIDs, but exactly one side still has a
 * bitmap UUID: a "resync finished" that one side missed. The side that
 * still tracks a bitmap is the source. */
static int missed_finish(struct uuids84 *self, struct uuids84 *peer,
			 const struct hs_context *c, int *rule)
{
	if (peer->bitmap == 0 && self->bitmap != 0) {
		if (c->apv < 91)
			return HS_NEED_APV_91;
		*rule = 36;
		if (m(self->bitmap) == m(peer->history[0]) &&
		    m(self->history[0]) == m(peer->history[1])) {
			/* I was SyncSource and never saw the end: finish it. */
			*rule = 34;
			self->history[1] = self->history[0];
			self->history[0] = self->bitmap;
			self->bitmap = 0;
		}
		return HS_SOURCE;
	}
	if (self->bitmap == 0 && peer->bitmap != 0) {
		if (c->apv < 91)
			return HS_NEED_APV_91;
		*rule = 37;
		if (m(self->history[0]) == m(peer->bitmap) &&
		    m(self->history[1]) == m(peer->history[0])) {
			/* The peer missed the end; my copy of its UUIDs
			 * gets the rotation it will do itself. */
			*rule = 35;
			peer->history[1] = peer->history[0];
			peer->history[0] = peer->bitmap;
			peer->bitmap = 0;
		}
		return HS_TARGET;
	}
	return 0;
}

/* Rules 40/41: same data generation; only a crashed Primary can make one
 * side newer (its last writes are in its activity log, not on the peer). */
static int crashed_primaries(const struct uuids84 *peer, const struct hs_context *c,
			     int *rule)
{
	bool self_crashed = c->crashed_primary;
	bool peer_crashed = peer->flags & UUID84_FLAG_CRASHED_PRIMARY;
	bool self_pri = c->role == R_PRIMARY, peer_pri = c->peer_role == R_PRIMARY;

	*rule = 40;
	if (!self_crashed && !peer_crashed)
		return HS_NO_SYNC;
	if (self_pri || peer_pri) {
		*rule = 41;
		if (!c->feature_wsame)
			return HS_NEED_FEATURE_WSAME;
		if (self_pri && peer_pri)
			return HS_SPLIT_BRAIN;
		return self_pri ? HS_SOURCE : HS_TARGET;
	}
	if (self_crashed && peer_crashed)
		/* Tie: the node holding RESOLVE_CONFLICTS becomes target. */
		return c->resolve_conflicts ? HS_TARGET : HS_SOURCE;
	return self_crashed ? HS_SOURCE : HS_TARGET;
}

/* Rule 51 / 71: one side rotated its UUIDs to start a resync as source,
 * and the other never heard of it. */
static bool started_sync_unseen(const struct uuids84 *starter,
				const struct uuids84 *other, int apv)
{
	if (apv < 96)
		return m(other->history[0]) == m(starter->history[1]);
	return m(starter->history[0]) + UUID84_SYNC_STEP == m(starter->bitmap);
}

static void undo_sync_start(struct uuids84 *u)
{
	/* UNSURE (reference §4.5): history[1] is left as it was. */
	u->bitmap = u->history[0];
	u->history[0] = u->history[1];
}

static int differing_currents(struct uuids84 *self, struct uuids84 *peer,
			      const struct hs_context *c, int *rule)
{
	uint64_t sc = m(self->current), pc = m(peer->current);

	*rule = 50;
	if (sc == m(peer->bitmap))
		return HS_TARGET;
	*rule = 51;
	if (sc == m(peer->history[0]) && started_sync_unseen(peer, self, c->apv)) {
		if (c->apv < 91)
			return HS_NEED_APV_91;
		undo_sync_start(peer);
		return HS_TARGET;
	}
	*rule = 60;
	if (sc == m(peer->history[0]) || sc == m(peer->history[1]))
		return HS_TARGET_FULL;
	*rule = 70;
	if (m(self->bitmap) == pc)
		return HS_SOURCE;
	*rule = 71;
	if (m(self->history[0]) == pc && started_sync_unseen(self, peer, c->apv)) {
		if (c->apv < 91)
			return HS_NEED_APV_91;
		undo_sync_start(self);
		return HS_SOURCE;
	}
	*rule = 80;
	if (pc == m(self->history[0]) || pc == m(self->history[1]))
		return HS_SOURCE_FULL;
	*rule = 90;
	if (m(self->bitmap) == m(peer->bitmap) && m(self->bitmap) != 0)
		return HS_SPLIT_BRAIN_AUTO;
	*rule = 100;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			if (m(self->history[i]) != 0 &&
			    m(self->history[i]) == m(peer->history[j]))
				return HS_SPLIT_BRAIN;
	*rule = -1;
	return HS_UNRELATED;
}

int uuid84_compare(struct uuids84 *self, struct uuids84 *peer,
		   const struct hs_context *c, int *rule)
{
	uint64_t sc = m(self->current), pc = m(peer->current);
	int r;

	*rule = 10;
	if (sc == UUID84_JUST_CREATED && pc == UUID84_JUST_CREATED)
		return HS_NO_SYNC;
	*rule = 20;
	if ((sc == UUID84_JUST_CREATED || sc == 0) && pc != UUID84_JUST_CREATED)
		return HS_TARGET_FULL;
	*rule = 30;
	if (sc != UUID84_JUST_CREATED && (pc == UUID84_JUST_CREATED || pc == 0))
		return HS_SOURCE_FULL;
	if (sc != pc)
		return differing_currents(self, peer, c, rule);
	r = missed_finish(self, peer, c, rule);
	return r ? r : crashed_primaries(peer, c, rule);
}
