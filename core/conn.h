/* Connections and peer devices: the engine's side of a peer.
 *
 *   resource > connection (one per peer node id) > path (address pair)
 *                                                > peer device (per volume)
 *
 * A connection carries one wire dialect, chosen by the features exchange
 * (ARCHITECTURE.md "Wire dialects"); this release speaks the 8.4 dialect
 * (agreed protocol 86..101), which DRBD 9 also accepts from a single peer.
 *
 * Locking: configuration and states under eng->lock like everything in
 * core/engine.h. The connection's threads take eng->lock for state changes
 * and never hold it while blocked on a socket.
 */
#ifndef UDRBD_CORE_CONN_H
#define UDRBD_CORE_CONN_H

#include "core/engine.h"
#include "core/reply.h"
#include "core/resync_ctrl.h"
#include "core/uuid84.h"
#include "wire/proto.h"
#include "wire/bitmap.h"

#define CONN_NAME_MAX 64
#define CONN_ALG_MAX 64		/* SHARED_SECRET_MAX and algorithm names */

enum drbd_protocol { DRBD_PROT_A = 1, DRBD_PROT_B = 2, DRBD_PROT_C = 3 };

/* net options (drbd.conf "net" section); units as drbd.conf's. */
struct net_conf {
	char name[CONN_NAME_MAX];	/* _name: the peer's host name */
	enum drbd_protocol protocol;	/* C */
	uint32_t timeout;		/* 0.1 s, 60 */
	uint32_t connect_int;		/* s, 10 */
	uint32_t ping_int;		/* s, 10 */
	uint32_t ping_timeout;		/* 0.1 s, 5 */
	uint32_t sock_check_timeo;	/* 0.1 s, 0 = ping-timeout */
	uint32_t ko_count;		/* 7 */
	uint32_t max_epoch_size;	/* 2048 */
	uint32_t max_buffers;		/* 2048 */
	int32_t sndbuf_size, rcvbuf_size;	/* bytes, 0 = auto */
	char cram_hmac_alg[CONN_ALG_MAX];
	char shared_secret[CONN_ALG_MAX];
	char integrity_alg[CONN_ALG_MAX];
	char verify_alg[CONN_ALG_MAX];
	char csums_alg[CONN_ALG_MAX];
	enum asb_policy after_sb_0p, after_sb_1p, after_sb_2p, rr_conflict;
	bool always_asbp, two_primaries, use_rle, tcp_cork, csums_after_crash_only;
	/* connect flags */
	bool discard_my_data, tentative;
};

void net_conf_default(struct net_conf *c);

struct path {
	struct path *next;
	char local_host[64], peer_host[64];	/* numeric, no brackets */
	uint16_t local_port, peer_port;
	bool ipv6;
	bool established;
};

struct peer_device_stats {
	uint64_t sent_sect, received_sect;
	uint32_t pending, unacked;
};

/* What the peer told about one volume during the handshake. */
struct peer_volume_info {
	bool have_uuids, have_sizes, have_state;
	struct uuids84 uuids;
	uint64_t d_size, u_size, c_size;	/* sectors */
	uint32_t max_bio_size;
	uint16_t dds_flags;		/* of the last P_SIZES (DDSF_*) */
	enum drbd_role role;
	enum drbd_disk_state disk;
};

struct peer_device {
	struct connection *conn;
	struct device *dev;
	struct peer_device *next;	/* in conn->peer_devices, by volume */
	enum drbd_repl_state repl;
	enum drbd_disk_state peer_disk;
	struct rs_conf rs;		/* peer-device options */
	struct peer_device_stats stats;	/* under dev->io_lock */
	bool resync_susp_user, resync_susp_peer;
	struct peer_volume_info peer;	/* worker thread only */

	/* Resync (core/resync*.c): the exchange state in the worker; the
	 * target's request thread and its counters under rs_mutex. */
	struct bm_xfer rs_x;
	bool rs_source;
	struct plat_thread *rs_thread;
	plat_mutex rs_mutex;
	plat_cond rs_cond;
	bool rs_stop;
	uint64_t rs_in_flight;		/* sectors requested, not yet written */
	uint64_t rs_sect_in;		/* sectors written since the last tick */
	uint64_t rs_failed;		/* sectors the source could not give */
	uint64_t rs_total;		/* bits out of sync when it started */
	uint64_t rs_start_ns;		/* resync or verify started (status) */
	uint64_t rs_same_csum;		/* bits found equal by csums-alg */
	bool rs_csums;			/* this resync compares checksums */

	/* Online verify (core/verify.c), under rs_mutex. Positions in
	 * sectors, counts in 4 KiB blocks as DRBD's ov_left. */
	uint64_t ov_start, ov_stop;	/* stop: UINT64_MAX = to the end */
	uint64_t ov_position;		/* VerifyS: the next request */
	uint64_t ov_left, ov_total;
	uint64_t ov_oos;		/* blocks found out of sync */
	uint64_t ov_oos_start, ov_oos_size;	/* the run being found (sectors) */
	bool ov_started;		/* VerifyT: the first request came */
};

struct connection {
	struct resource *res;
	struct connection *next;	/* in res->connections, by node id */
	int peer_node_id;
	struct net_conf conf;
	struct path *paths;
	struct peer_device *peer_devices;

	enum drbd_conn_state cstate;
	enum drbd_role peer_role;

	/* The connection's worker: connect loop, handshake, receiver. */
	struct plat_thread *thread;
	bool stop;			/* under eng->lock: disconnect asked */
	plat_sock listen, data, meta;	/* owned by the worker */
	bool resolve_conflicts;		/* §2.4 tie-breaker */
	bool handshaking;		/* sockets up, no decision yet (eng->lock) */

	/* While connected (core/conn_run.c). */
	struct wire_proto proto;	/* agreed version and features */
	plat_mutex send_lock[2];	/* data, meta: one writer per socket */
	struct plat_thread *meta_thread;	/* ack receiver and pinger */
	bool meta_done;			/* the meta thread ended (why: meta_err) */
	int meta_err;

	/* Replication (core/repl.c). io_ready and io_ref under
	 * res->peers_lock; the rest under repl_lock. Lock order: peers_lock,
	 * then repl_lock, then send_lock. */
	bool io_ready;			/* Connected: writes go to this peer */
	uint32_t io_ref;		/* writers using the connection now */
	plat_mutex repl_lock;
	plat_cond repl_cond;
	struct repl_wait *waits;	/* writes awaiting their ack */
	uint64_t next_block_id;
	uint32_t seq;			/* our P_DATA counter (§13.4) */
	uint32_t epoch;			/* number of the open epoch */
	uint32_t epoch_writes;		/* writes sent in it (under send_lock[0]) */
	struct barrier_sent {
		uint32_t nr, writes;
		bool acked;
	} barriers[64];			/* FIFO of closed, unacked epochs */
	uint32_t barrier_head, barrier_count;

	/* A cluster-wide state change we asked for (core/conn_req.c), under
	 * repl_lock: one at a time. */
	bool sr_waiting, sr_answered;
	int sr_result;

	/* Receiver side of writes (worker thread only). */
	uint32_t rx_epoch_writes;
	uint32_t ack_seq;
};

/* A replicated write waiting for the peer (protocols B and C). */
struct repl_wait {
	struct repl_wait *next;
	uint64_t block_id;
	bool done;
	int result;			/* 0, -EIO (P_NEG_ACK), -ECONNRESET (lost) */
	void *rbuf;			/* a read from the peer: where its data goes */
	uint32_t rlen;
	/* Its own wake-up: an ack wakes the one writer it is for, not all
	 * (bench/README.md: a shared condition cost ~13 futex calls a write). */
	plat_cond cond;
};

/* drbdsetup new-peer / new-path / del-path / connect / disconnect /
 * del-peer / net-options; all under eng->lock. */
int conn_new(struct resource *res, int peer_node_id, const struct net_conf *nc,
	     struct cmd_reply *r);
int conn_del(struct connection *c, struct cmd_reply *r);
int conn_new_path(struct connection *c, const char *local, const char *peer,
		  struct cmd_reply *r);
int conn_del_path(struct connection *c, const char *local, const char *peer,
		  struct cmd_reply *r);
int conn_connect(struct connection *c, bool discard_my_data, bool tentative,
		 struct cmd_reply *r);
int conn_disconnect(struct connection *c, bool force, struct cmd_reply *r);

struct connection *resource_find_connection(struct resource *res, int peer_node_id);
/* Gives every configured peer a bitmap slot on the device (attach,
 * new-peer). */
void device_assign_slots(struct device *dev);
/* Activity-log suspension (engine.h al_suspended): tried at attach,
 * ended when a peer first connects; eng->lock held. */
void device_try_suspend_al(struct device *dev);
void resource_resume_al(struct resource *res);
/* Peer devices appear with a connection or a volume, whichever comes last. */
int peer_devices_sync(struct resource *res);
struct peer_device *conn_find_peer_device(struct connection *c, unsigned volume);

/* "ipv4:10.0.0.1:7789", "ipv6:[fd00::1]:7789", "10.0.0.1:7789". */
int conn_parse_address(const char *s, char *host, size_t hostlen, uint16_t *port,
		       bool *ipv6);

/* Asks the peer to agree to a state change of one volume (8.4's
 * cluster-wide change, drbd-wire-protocol.md §14), mask/val in our view:
 * P_STATE_CHG_REQ, then waits for P_STATE_CHG_REPLY. Returns its SS_*
 * code, SS_NEED_CONNECTION when the connection goes, SS_TIMEOUT after the
 * net timeout. Called without eng->lock. */
int conn_request_state(struct connection *c, struct peer_device *pd, uint32_t mask,
		       uint32_t val);
/* Sends our P_STATE of one volume now (any thread, without eng->lock). */
int conn_send_state(struct connection *c, struct peer_device *pd);

/* Sends P_STATE (and P_UUIDS first when uuids) to every connected peer
 * after a role change; caller holds eng->lock. */
void conn_broadcast_state(struct resource *res, bool uuids);

/* The connection's worker thread (core/conn_worker.c). */
void *conn_worker_main(void *arg);

#endif
