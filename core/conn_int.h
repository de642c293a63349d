/* Private to the connection code (core/conn_*.c). */
#ifndef UDRBD_CORE_CONN_INT_H
#define UDRBD_CORE_CONN_INT_H

#include "core/conn.h"

bool conn_should_stop(struct connection *c);
void conn_set_sock(struct connection *c, plat_sock *slot, plat_sock s);
void conn_close_sockets(struct connection *c);
void conn_set_cstate(struct connection *c, enum drbd_conn_state cs);

/* Both sockets are up: handshake, then serve the connection until it
 * fails or is stopped. 0 when stopped, else why it ended (-EPROTO for a
 * peer that broke the protocol: ProtocolError). */
int conn_run(struct connection *c);

#endif
