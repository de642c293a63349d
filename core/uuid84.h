/* The sync handshake of the 8.4 dialect: which side becomes SyncSource,
 * whether the sync is full or bitmap-based, split brain, unrelated data.
 *
 * Pure functions over the two UUID sets (mine from the meta data, the peer's
 * from P_UUIDS), so both nodes of a connection reach mirror-image decisions
 * from the same facts: drbd-wire-protocol.md §11 and
 * drbd-metadata-resync.md §4.4-§4.6 (rules) and §5 (after-split-brain
 * policies). Rule numbers are DRBD's, so our log lines match the kernel's.
 */
#ifndef UDRBD_CORE_UUID84_H
#define UDRBD_CORE_UUID84_H

#include <stdbool.h>
#include <stdint.h>

#include "core/state.h"

#define UUID84_JUST_CREATED 4ull
#define UUID84_SYNC_STEP (1ull << 48)	/* sync UUID = bitmap UUID + 2^48 */

/* P_UUIDS flags (drbd-metadata-resync.md §4.4). */
#define UUID84_FLAG_DISCARD_MY_DATA 1u
#define UUID84_FLAG_CRASHED_PRIMARY 2u
#define UUID84_FLAG_INCONSISTENT 4u
#define UUID84_FLAG_SKIP_INITIAL_SYNC 8u

/* One side's UUIDs as P_UUIDS carries them. */
struct uuids84 {
	uint64_t current, bitmap, history[2];
	uint64_t bits_set;	/* the sender's out-of-sync count ("changes") */
	uint64_t flags;		/* UUID84_FLAG_* */
};

/* Results of the comparison (§11 "Result codes"). */
enum {
	HS_SOURCE_FULL = 2,
	HS_SOURCE = 1,
	HS_NO_SYNC = 0,
	HS_TARGET = -1,
	HS_TARGET_FULL = -2,
	HS_SPLIT_BRAIN_AUTO = 100,	/* both changed since a common bitmap */
	HS_SPLIT_BRAIN = -100,		/* share only history */
	HS_UNRELATED = -1000,
	HS_NEED_APV_91 = -1091,
	HS_NEED_APV_96 = -1096,
};

/* after-sb-*, rr-conflict values as P_PROTOCOL carries them (§5). */
enum asb_policy {
	ASB_DISCONNECT = 0,
	ASB_DISCARD_YOUNGER_PRI = 1,
	ASB_DISCARD_OLDER_PRI = 2,
	ASB_DISCARD_ZERO_CHG = 3,
	ASB_DISCARD_LEAST_CHG = 4,
	ASB_DISCARD_LOCAL = 5,
	ASB_DISCARD_REMOTE = 6,
	ASB_CONSENSUS = 7,
	ASB_DISCARD_SECONDARY = 8,
	ASB_CALL_HELPER = 9,
	ASB_VIOLENTLY = 10,
};

struct hs_context {
	int apv;			/* agreed protocol version */
	bool feature_wsame;		/* FF_WSAME agreed (rule 41 needs it) */
	bool resolve_conflicts;		/* I accepted the meta socket (§2.4) */
	bool crashed_primary;		/* my MDF_CRASHED_PRIMARY / in-core flag */
	enum drbd_role role, peer_role;
	enum drbd_disk_state disk, peer_disk;	/* after negotiation */
	uint64_t my_bits_set;		/* my out-of-sync count towards this peer */
	/* net options */
	enum asb_policy after_sb_0p, after_sb_1p, after_sb_2p, rr_conflict;
	bool always_asbp;
	bool discard_my_data;		/* connect --discard-my-data */
	/* Asked to demote the local Primary (call-pri-lost-after-sb); true
	 * if it worked. NULL: cannot demote. */
	bool (*try_demote)(void *ctx);
	void *ctx;
};

/* What the handshake decided; when the connection must be dropped, why. */
struct hs_decision {
	int rule;		/* the UUID rule that matched (DRBD's number) */
	int uuid_result;	/* uuid84_compare's raw result */
	int result;		/* after post-processing: HS_* or 0 */
	bool drop;		/* disconnect (StandAlone for split brain) */
	bool split_brain;	/* detected (handlers: initial-split-brain) */
	bool split_brain_unresolved;	/* handler: split-brain */
	bool sb_auto_solved;	/* by an after-sb policy ... */
	bool sb_manually_solved;	/* ... or by discard-my-data */
	int sb_primaries;	/* how many were Primary when it was solved */
	bool call_pri_lost;	/* handler: pri-lost / pri-lost-after-sb */
	bool gave_up_primary;	/* call-pri-lost-after-sb demoted us (try_demote) */
	bool full_sync;		/* set all bits before the bitmap exchange */
	bool peer_copy_fixed;	/* rule 35/51 repaired my copy of the peer's UUIDs */
	bool self_fixed;	/* rule 34/71 repaired my UUIDs (write them) */
	const char *why;	/* log text, DRBD's wording */
};

/* The UUID rules (§11 table), in DRBD's order. self and peer may be
 * repaired in place by rules 34, 35, 51 and 71 (a missed "resync
 * finished" or sync-UUID ack); *rule gets the rule number. */
int uuid84_compare(struct uuids84 *self, struct uuids84 *peer,
		   const struct hs_context *c, int *rule);

/* The whole decision: comparison, disk-state override, after-sb policies,
 * discard-my-data, refusals (§11 post-processing, §4.6). */
void uuid84_handshake(struct uuids84 *self, struct uuids84 *peer,
		      const struct hs_context *c, struct hs_decision *d);

/* The after-sb recovery for the number of current Primaries (§5): HS_SOURCE,
 * HS_TARGET, or HS_SPLIT_BRAIN when the policy finds no answer. */
int uuid84_after_sb(const struct uuids84 *self, const struct uuids84 *peer,
		    const struct hs_context *c, bool *call_pri_lost);

#endif
