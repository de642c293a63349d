/* The 8.4 sync handshake, rule by rule (drbd-wire-protocol.md §11,
 * drbd-metadata-resync.md §4.5, §4.6, §5). Each case builds the UUIDs two
 * nodes would have after a story (fresh, resynced, split, crashed) and
 * checks the rule DRBD logs and the decision both sides reach. */
#include "core/uuid84.h"
#include "tests/tap.h"

#define A 0xA000000000000000ull	/* generations, bit 0 clear */
#define B 0xB000000000000000ull
#define C 0xC000000000000000ull
#define D 0xD000000000000000ull

static struct hs_context ctx(void)
{
	struct hs_context c = { 0 };

	c.apv = 101;
	c.role = c.peer_role = R_SECONDARY;
	c.disk = c.peer_disk = D_UP_TO_DATE;
	return c;
}

static int cmp(struct uuids84 s, struct uuids84 p, const struct hs_context *c, int *rule)
{
	return uuid84_compare(&s, &p, c, rule);
}

/* Both sides must agree: a sync direction mirrors (my +1 is the peer's
 * -1); split brain and unrelated data are the same verdict on both. */
static void mirror(struct uuids84 s, struct uuids84 p, int want, int want_rule)
{
	struct hs_context c = ctx(), pc = ctx();
	int rule, prule, r, pr;

	pc.resolve_conflicts = !c.resolve_conflicts;
	r = cmp(s, p, &c, &rule);
	pr = cmp(p, s, &pc, &prule);
	TAP_EQ(r, want);
	TAP_EQ(rule, want_rule);
	TAP_EQ(pr, want <= -100 || want >= 100 ? want : -want);
}

TAP_TEST(rule10_both_just_created)
{
	struct uuids84 s = { .current = 4 }, p = { .current = 4 };
	mirror(s, p, HS_NO_SYNC, 10);
}

TAP_TEST(rule20_30_fresh_against_used)
{
	struct uuids84 fresh = { .current = 4 }, used = { .current = A | 1 };
	mirror(fresh, used, HS_TARGET_FULL, 20);
	mirror(used, fresh, HS_SOURCE_FULL, 30);
}

TAP_TEST(rule40_same_generation_no_sync)
{
	struct uuids84 s = { .current = A, .history = { B } }, p = s;
	mirror(s, p, HS_NO_SYNC, 40);
}

TAP_TEST(rule70_50_bitmap_based)
{
	/* I was Primary while the peer was away: my bitmap tracks A. */
	struct uuids84 s = { .current = B | 1, .bitmap = A }, p = { .current = A };
	mirror(s, p, HS_SOURCE, 70);
	mirror(p, s, HS_TARGET, 50);
}

TAP_TEST(rule80_60_history_means_full_sync)
{
	struct uuids84 s = { .current = C, .history = { B, A } }, p = { .current = A };
	mirror(s, p, HS_SOURCE_FULL, 80);
	mirror(p, s, HS_TARGET_FULL, 60);
}

TAP_TEST(rule90_split_brain_from_common_bitmap)
{
	/* Both promoted while apart, both tracking the common generation A. */
	struct uuids84 s = { .current = B | 1, .bitmap = A }, p = { .current = C | 1, .bitmap = A };
	mirror(s, p, HS_SPLIT_BRAIN_AUTO, 90);
}

TAP_TEST(rule100_split_brain_history_only)
{
	struct uuids84 s = { .current = B, .history = { A } }, p = { .current = C, .history = { A } };
	mirror(s, p, HS_SPLIT_BRAIN, 100);
}

TAP_TEST(unrelated_data)
{
	struct uuids84 s = { .current = A }, p = { .current = B };
	mirror(s, p, HS_UNRELATED, -1);
}

TAP_TEST(rule34_35_missed_resync_finish)
{
	/* After a resync the source S (sync UUID B) kept bitmap B; the target
	 * finished: current A, bitmap 0, history {B, old}. */
	struct uuids84 src = { .current = A, .bitmap = B, .history = { C, 0 } };
	struct uuids84 tgt = { .current = A, .bitmap = 0, .history = { B, C } };
	struct hs_context c = ctx();
	int rule;

	TAP_EQ(uuid84_compare(&src, &tgt, &c, &rule), HS_SOURCE);
	TAP_EQ(rule, 34);
	/* my UUIDs now look finished too */
	TAP_EQ_U64(src.bitmap, 0);
	TAP_EQ_U64(src.history[0], B);
	src = (struct uuids84){ .current = A, .bitmap = B, .history = { C, 0 } };
	TAP_EQ(uuid84_compare(&tgt, &src, &c, &rule), HS_TARGET);
	TAP_EQ(rule, 35);
	TAP_EQ_U64(src.bitmap, 0); /* my copy of the peer was repaired */
}

TAP_TEST(rule36_37_bitmap_on_one_side_only)
{
	struct uuids84 s = { .current = A, .bitmap = D }, p = { .current = A };
	mirror(s, p, HS_SOURCE, 36);
	mirror(p, s, HS_TARGET, 37);
}

TAP_TEST(rule51_71_unseen_sync_start)
{
	/* The source rotated to start a sync (bitmap = history[0] + 2^48) and
	 * the target never got P_SYNC_UUID. */
	struct uuids84 src = { .current = B, .bitmap = A + UUID84_SYNC_STEP, .history = { A } };
	struct uuids84 tgt = { .current = A };
	struct hs_context c = ctx();
	int rule;

	TAP_EQ(uuid84_compare(&tgt, &src, &c, &rule), HS_TARGET);
	TAP_EQ(rule, 51);
	TAP_EQ_U64(src.bitmap, A);
	src = (struct uuids84){ .current = B, .bitmap = A + UUID84_SYNC_STEP, .history = { A } };
	TAP_EQ(uuid84_compare(&src, &tgt, &c, &rule), HS_SOURCE);
	TAP_EQ(rule, 71);
}

TAP_TEST(rule40_crashed_primary)
{
	struct uuids84 s = { .current = A }, p = { .current = A };
	struct hs_context c = ctx();
	int rule;

	c.crashed_primary = true;
	TAP_EQ(cmp(s, p, &c, &rule), HS_SOURCE);
	TAP_EQ(rule, 40);
	p.flags = UUID84_FLAG_CRASHED_PRIMARY;
	c.resolve_conflicts = true;
	TAP_EQ(cmp(s, p, &c, &rule), HS_TARGET);
	c.resolve_conflicts = false;
	TAP_EQ(cmp(s, p, &c, &rule), HS_SOURCE);
	/* one side Primary now: rule 41, which needs FF_WSAME */
	c.role = R_PRIMARY;
	TAP_OK(cmp(s, p, &c, &rule) < -0x10000, "without WSAME: feature required");
	c.feature_wsame = true;
	TAP_EQ(cmp(s, p, &c, &rule), HS_SOURCE);
	TAP_EQ(rule, 41);
}

TAP_TEST(old_protocol_needs_91)
{
	struct uuids84 s = { .current = A, .bitmap = D }, p = { .current = A };
	struct hs_context c = ctx();
	int rule;

	c.apv = 90;
	TAP_EQ(cmp(s, p, &c, &rule), HS_NEED_APV_91);
}

/* ---- post-processing and policies ---------------------------------- */

static struct hs_decision decide(struct uuids84 s, struct uuids84 p, struct hs_context c)
{
	struct hs_decision d;

	uuid84_handshake(&s, &p, &c, &d);
	return d;
}

TAP_TEST(inconsistent_side_becomes_target)
{
	struct uuids84 s = { .current = A }, p = { .current = A };
	struct hs_context c = ctx();
	struct hs_decision d;

	c.peer_disk = D_INCONSISTENT;
	d = decide(s, p, c);
	TAP_EQ(d.result, HS_SOURCE);
	TAP_OK(!d.full_sync && !d.drop, "bitmap-based");
	c.peer_disk = D_UP_TO_DATE;
	c.disk = D_INCONSISTENT;
	p.current = C; /* unrelated UUIDs still abort */
	s.current = B;
	TAP_OK(decide(s, p, c).drop, "unrelated data drops even when inconsistent");
}

TAP_TEST(split_brain_default_disconnects)
{
	struct uuids84 s = { .current = B, .bitmap = A }, p = { .current = C, .bitmap = A };
	struct hs_decision d = decide(s, p, ctx());

	TAP_OK(d.drop && d.split_brain && d.split_brain_unresolved, "disconnect");
	TAP_STREQ(d.why, "Split-Brain detected but unresolved, dropping connection!");
}

TAP_TEST(split_brain_discard_zero_and_least_changes)
{
	struct uuids84 s = { .current = B, .bitmap = A }, p = { .current = C, .bitmap = A };
	struct hs_context c = ctx();
	struct hs_decision d;

	c.after_sb_0p = ASB_DISCARD_ZERO_CHG;
	c.my_bits_set = 0;
	p.bits_set = 10;
	d = decide(s, p, c);
	TAP_EQ(d.result, HS_TARGET); /* I changed nothing: I lose */
	c.my_bits_set = 5;
	TAP_OK(decide(s, p, c).drop, "both changed: zero-changes gives up");
	c.after_sb_0p = ASB_DISCARD_LEAST_CHG;
	TAP_EQ(decide(s, p, c).result, HS_TARGET);
	c.my_bits_set = 10;
	c.resolve_conflicts = true;
	TAP_EQ(decide(s, p, c).result, HS_TARGET); /* tie: the resolver loses */
	c.resolve_conflicts = false;
	TAP_EQ(decide(s, p, c).result, HS_SOURCE);
}

TAP_TEST(split_brain_younger_older_primary)
{
	/* Bit 0 of the bitmap UUID: already Primary when the split happened. */
	struct uuids84 s = { .current = B, .bitmap = A | 1 }, p = { .current = C, .bitmap = A };
	struct hs_context c = ctx();

	c.after_sb_0p = ASB_DISCARD_YOUNGER_PRI;
	TAP_EQ(decide(s, p, c).result, HS_SOURCE);
	c.after_sb_0p = ASB_DISCARD_OLDER_PRI;
	TAP_EQ(decide(s, p, c).result, HS_TARGET);
	c.after_sb_0p = ASB_DISCARD_LOCAL;
	TAP_EQ(decide(s, p, c).result, HS_TARGET);
	c.after_sb_0p = ASB_DISCARD_REMOTE;
	TAP_EQ(decide(s, p, c).result, HS_SOURCE);
}

TAP_TEST(split_brain_one_primary)
{
	struct uuids84 s = { .current = B, .bitmap = A }, p = { .current = C, .bitmap = A };
	struct hs_context c = ctx();

	c.role = R_PRIMARY;
	c.after_sb_1p = ASB_DISCARD_SECONDARY;
	TAP_EQ(decide(s, p, c).result, HS_SOURCE);
	/* consensus: the 0pri answer must discard the Secondary */
	c.after_sb_1p = ASB_CONSENSUS;
	c.after_sb_0p = ASB_DISCARD_LOCAL; /* would discard the Primary (me) */
	TAP_OK(decide(s, p, c).drop, "consensus refuses to discard the Primary");
	c.after_sb_0p = ASB_DISCARD_REMOTE;
	TAP_EQ(decide(s, p, c).result, HS_SOURCE);
	/* call-pri-lost-after-sb without a way to demote: handler + drop */
	c.after_sb_1p = ASB_CALL_HELPER;
	c.after_sb_0p = ASB_DISCARD_LOCAL;
	TAP_OK(decide(s, p, c).call_pri_lost && decide(s, p, c).drop, "pri-lost");
}

TAP_TEST(split_brain_two_primaries_default_disconnects)
{
	struct uuids84 s = { .current = B, .bitmap = A }, p = { .current = C, .bitmap = A };
	struct hs_context c = ctx();

	c.role = c.peer_role = R_PRIMARY;
	c.after_sb_0p = ASB_DISCARD_LOCAL; /* 0pri policy does not apply */
	TAP_OK(decide(s, p, c).drop, "after-sb-2pri disconnect");
	c.after_sb_2p = ASB_VIOLENTLY;
	/* violently: the 0pri answer even against a Primary; rr-conflict
	 * then still refuses to make a Primary the target */
	TAP_OK(decide(s, p, c).drop, "rr-conflict disconnect");
	c.rr_conflict = ASB_VIOLENTLY;
	TAP_EQ(decide(s, p, c).result, HS_TARGET);
}

TAP_TEST(discard_my_data_resolves_manually)
{
	struct uuids84 s = { .current = B, .history = { A } }, p = { .current = C, .history = { A } };
	struct hs_context c = ctx();

	c.discard_my_data = true;
	TAP_EQ(decide(s, p, c).result, HS_TARGET);
	c.discard_my_data = false;
	p.flags = UUID84_FLAG_DISCARD_MY_DATA;
	TAP_EQ(decide(s, p, c).result, HS_SOURCE);
	/* both asking: still split brain */
	c.discard_my_data = true;
	TAP_OK(decide(s, p, c).drop, "both discard-my-data");
}

TAP_TEST(always_asbp_doubles_to_full_sync)
{
	struct uuids84 s = { .current = B, .history = { A } }, p = { .current = C, .history = { A } };
	struct hs_context c = ctx();
	struct hs_decision d;

	c.always_asbp = true;
	c.after_sb_0p = ASB_DISCARD_REMOTE;
	d = decide(s, p, c);
	TAP_EQ(d.result, HS_SOURCE_FULL);
	TAP_OK(d.full_sync, "full sync");
}

TAP_TEST(refusals)
{
	struct uuids84 s = { .current = B | 1, .bitmap = A }, p = { .current = A };
	struct hs_context c = ctx();
	struct hs_decision d;

	/* would be source, but my disk is inconsistent */
	c.disk = D_INCONSISTENT;
	c.peer_disk = D_INCONSISTENT;
	d = decide(s, p, c);
	TAP_OK(d.drop, "inconsistent source");
	TAP_STREQ(d.why, "I shall become SyncSource, but I am inconsistent!");
	/* would be target while Primary with good data */
	c = ctx();
	c.role = R_PRIMARY;
	d = decide(p, s, c);
	TAP_OK(d.drop, "primary target");
	TAP_STREQ(d.why, "I shall become SyncTarget, but I am primary!");
	c.rr_conflict = ASB_CALL_HELPER;
	TAP_OK(decide(p, s, c).call_pri_lost, "call-pri-lost");
	c.rr_conflict = ASB_VIOLENTLY;
	TAP_EQ(decide(p, s, c).result, HS_TARGET);
}

int main(void)
{
	return tap_run();
}
