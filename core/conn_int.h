/* Private to the connection code (core/conn_*.c). */
#ifndef UDRBD_CORE_CONN_INT_H
#define UDRBD_CORE_CONN_INT_H

#include "core/conn.h"
#include "wire/header.h"

bool conn_should_stop(struct connection *c);
void conn_set_sock(struct connection *c, plat_sock *slot, plat_sock s);
void conn_close_sockets(struct connection *c);
void conn_set_cstate(struct connection *c, enum drbd_conn_state cs);
/* Breaks the connection from any thread (shuts its sockets down); the
 * worker notices and reconnects. */
void conn_abort(struct connection *c);

/* Packet I/O (core/conn_io.c); timeout_ms < 0 waits for ever. */
int conn_send(struct connection *c, enum wire_sock which, const void *buf, size_t len);
int conn_recv(struct connection *c, enum wire_sock which, struct wire_packet *pkt,
	      uint8_t *payload, size_t cap, int timeout_ms);
/* The header only; the caller reads the payload (bulk data into its own,
 * aligned buffer) with conn_recv_bytes. */
int conn_recv_hdr(struct connection *c, enum wire_sock which, struct wire_packet *pkt,
		  int timeout_ms);
int conn_recv_bytes(struct connection *c, enum wire_sock which, void *buf, size_t len,
		    int timeout_ms);
/* A p_data packet (P_DATA_REPLY, P_RS_DATA_REPLY) and its data as one
 * unit on the data socket. */
struct wire_data;
int conn_send_block(struct connection *c, uint16_t cmd, uint16_t vnr, const struct wire_data *d,
		    const void *data, uint32_t len);
int conn_expect(struct connection *c, enum wire_sock which, uint16_t cmd,
		uint8_t *payload, size_t cap, uint32_t *len, int timeout_ms);

/* The handshake before any volume (core/conn_handshake.c): features, auth,
 * P_PROTOCOL. 0, -EACCES (auth failed: StandAlone), -ENOTSUP (settings
 * incompatible: StandAlone), or a transport error (retry). */
int conn_handshake(struct connection *c);

/* The meta socket's thread: answers pings, pings every ping-int and
 * expects the answer within ping-timeout (§15). stop returns true when
 * the thread had failed on its own (the reason is in c->meta_err). */
int conn_meta_start(struct connection *c);
bool conn_meta_stop(struct connection *c);
int conn_send_uuids(struct connection *c, struct peer_device *pd);

/* Writes from the peer and acks of ours (core/conn_rx_data.c). */
struct wire_data;
/* Reads a p_data packet's fixed part and its data (into the aligned data
 * buffer) after its header. */
int conn_recv_data(struct connection *c, const struct wire_packet *pkt, uint8_t *data,
		   size_t cap, struct wire_data *d);
int conn_rx_data(struct connection *c, const struct wire_packet *pkt, uint8_t *data,
		 size_t cap);
int conn_rx_barrier(struct connection *c, const uint8_t *pl, uint32_t len);
/* P_STATE_CHG_REPLY / P_CONN_ST_CHG_REPLY (meta socket). */
int conn_rx_state_reply(struct connection *c, const uint8_t *pl, uint32_t len);
/* The connection is going: a waiting requester gets SS_NEED_CONNECTION. */
void conn_state_req_cancel(struct connection *c);
/* -ENOENT: not an ack. */
int conn_rx_ack(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl);

/* Both sockets are up: handshake, then serve the connection until it
 * fails or is stopped. 0 when stopped, else why it ended (-EPROTO for a
 * peer that broke the protocol: ProtocolError). */
int conn_run(struct connection *c);

#endif
