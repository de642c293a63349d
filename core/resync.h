/* Resync (core/resync.c, core/resync_target.c): called from the
 * connection's worker. */
#ifndef UDRBD_CORE_RESYNC_H
#define UDRBD_CORE_RESYNC_H

#include "core/conn.h"
#include "wire/header.h"

/* After the sync decision: full sets every bit, then the bitmap exchange. */
int resync_begin(struct connection *c, struct peer_device *pd, bool source, bool full);
int resync_rx_bitmap(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl);
int resync_rx_sync_uuid(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl);
/* SyncSource/Target or their paused forms, by the pause flags; caller
 * holds eng->lock. */
enum drbd_repl_state resync_paused_form(const struct peer_device *pd, enum drbd_repl_state l);
/* New sync UUID, P_SYNC_UUID, SyncSource (after the bitmap exchange, or
 * at once after an agreed invalidate); without eng->lock. */
int resync_start_source(struct connection *c, struct peer_device *pd);
/* WFBitMapT without telling the peer yet (an invalidate about to ask it
 * to be the source, whose bitmap follows its yes at once). */
int resync_expect_bitmap(struct connection *c, struct peer_device *pd);
/* Source side. */
int resync_rx_request(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl,
		      uint8_t *data);
void resync_rx_write_ack(struct connection *c, uint16_t vnr, uint64_t sector, uint32_t size);
void resync_source_finished(struct connection *c, struct peer_device *pd);
/* Target side. */
int resync_target_start(struct connection *c, struct peer_device *pd);
int resync_rx_data(struct connection *c, const struct wire_packet *pkt, uint8_t *data,
		   size_t cap);
int resync_rx_neg(struct connection *c, uint16_t vnr, uint64_t sector, uint32_t size);
/* P_RS_IS_IN_SYNC: the source found our checksum equal (csums-alg). */
int resync_rx_in_sync(struct connection *c, uint16_t vnr, uint64_t sector, uint32_t size);
/* Online verify (core/verify.c). verify_start runs for drbdsetup verify
 * without eng->lock: asks the peer, then becomes VerifyS; returns the
 * SS_* code (also set in r). */
struct cmd_reply;
struct wire_block_ack;
int verify_start(struct connection *c, struct peer_device *pd, uint64_t start, uint64_t stop,
		 struct cmd_reply *r);
int verify_peer_request(struct connection *c, struct peer_device *pd);
int verify_rx_request(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl,
		      uint8_t *data);
int verify_rx_reply(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl,
		    uint8_t *data);
int verify_rx_result(struct connection *c, uint16_t vnr, const struct wire_block_ack *a);
void verify_rx_neg(struct connection *c, struct peer_device *pd, uint64_t sector, uint32_t size);
void verify_peer_done(struct connection *c, struct peer_device *pd);

/* Administration (core/sync_admin.c); called without eng->lock; the
 * result is also in r. */
int resync_pause(struct peer_device *pd, bool pause, struct cmd_reply *r);
int device_invalidate(struct device *dev, bool reset_bitmap, int from_node,
		      struct cmd_reply *r);
int peer_device_invalidate_remote(struct peer_device *pd, bool reset_bitmap,
				  struct cmd_reply *r);
int device_outdate(struct device *dev, struct cmd_reply *r);
/* The peer's invalidate(-remote) request: the answer, then (after it went
 * out) our side; l is the repl state asked of us. */
int resync_peer_invalidate_check(struct connection *c, struct peer_device *pd,
				 enum drbd_repl_state l);
int resync_peer_invalidate(struct connection *c, struct peer_device *pd, enum drbd_repl_state l);
/* StartingSyncT -> WFSyncUUID with every bit set; eng->lock held. */
void resync_invalidate_locked(struct peer_device *pd);

/* The request threads (resync target, verify source) run the controller
 * once per RS_TICK_MS, its rates being per tick: waits for the tick's end
 * under rs_mutex, early only to stop, or when !more and nothing is in
 * flight (the end). A reply's wake-up does not start a new tick. */
void rs_wait_tick_locked(struct peer_device *pd, uint64_t *tick, bool more);

/* Ends every request thread of the connection (it is going down). */
void resync_stop_all(struct connection *c);

#endif
