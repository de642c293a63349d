/* The captured cluster states the ctl formatter tests rebuild, with the
 * counters of the moment's status-verbose-statistics.out; tests adjust the
 * counters that moved between the commands of a moment. */
#ifndef UDRBD_TESTS_CTL_SCENARIOS_H
#define UDRBD_TESTS_CTL_SCENARIOS_H

#include "fixture.h"

/* s01-two-node-sync, node a */
void sc_s01_a_05_connecting(struct fixture *f);
void sc_s01_a_07_standalone(struct fixture *f);
void sc_s01_a_09_both_inconsistent(struct fixture *f);
void sc_s01_a_11_syncing_source(struct fixture *f);
void sc_s01_a_13_uptodate_primary(struct fixture *f);
/* s03-diskless-client */
void sc_s03_c_03_diskless_alone(struct fixture *f);
void sc_s03_c_08_diskless_primary(struct fixture *f);
void sc_s03_a_08_peer_diskless(struct fixture *f);
/* s04-quorum, node a */
void sc_s04_a_04_no_quorum(struct fixture *f);
void sc_s04_a_11_isolated(struct fixture *f);
/* s07-split-brain */
void sc_s07_a_11_split_brain(struct fixture *f);
void sc_s07_b_09_split_brain(struct fixture *f);

/* The moments with a show.out; X(builder suffix, capture directory). */
#define SC_SHOW_MOMENTS(X)                                                   \
	X(s01_a_05_connecting, "s01-two-node-sync/a/05-up-connecting-peer-absent") \
	X(s01_a_07_standalone, "s01-two-node-sync/a/07-standalone-attached")  \
	X(s01_a_09_both_inconsistent,                                         \
	  "s01-two-node-sync/a/09-connected-both-inconsistent")               \
	X(s01_a_13_uptodate_primary,                                          \
	  "s01-two-node-sync/a/13-connected-uptodate-primary")                \
	X(s03_a_08_peer_diskless,                                             \
	  "s03-diskless-client/a/08-connected-uptodate-c-diskless")           \
	X(s03_c_03_diskless_alone, "s03-diskless-client/c/03-diskless-up-no-peers") \
	X(s03_c_08_diskless_primary, "s03-diskless-client/c/08-diskless-primary") \
	X(s04_a_04_no_quorum, "s04-quorum/a/04-up-alone-no-quorum")           \
	X(s07_a_11_split_brain, "s07-split-brain/a/11-split-brain-standalone") \
	X(s07_b_09_split_brain, "s07-split-brain/b/09-split-brain-standalone")

/* ... and those whose counters did not move between status and events2. */
#define SC_STATE_MOMENTS(X)                                                  \
	SC_SHOW_MOMENTS(X)                                                    \
	X(s04_a_11_isolated, "s04-quorum/a/11-partitioned-a-isolated")

/* One TAP test per moment, running the including file's check_moment(). */
#define SC_MOMENT_TEST(fn, dir)                                               \
	TAP_TEST(fn)                                                          \
	{                                                                     \
		if (golden_available())                                       \
			check_moment(sc_##fn, dir);                           \
	}

/* Resync progress counters of a SyncSource peer device (sectors, ms). */
void sc_resync(struct fixture *f, char peer, uint64_t oos_sectors,
	       uint64_t dt1_ms, uint64_t db1_sectors);

#endif
