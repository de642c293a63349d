/* A connection once both sockets are up: the 8.4 handshake and the
 * receivers. The packet codec (wire/) is landing; until the handshake is
 * wired up, the connection holds its sockets and reports Connecting, so a
 * peer sees a live but silent node (it times out and retries). */
#include "core/conn_int.h"

int conn_run(struct connection *c)
{
	plat_notice("%s %s: data and meta sockets established (resolve-conflicts: %s)",
		    c->res->name, c->conf.name, c->resolve_conflicts ? "yes" : "no");
	while (!conn_should_stop(c))
		if (plat_sock_wait_readable(c->meta, 1000) > 0) {
			char b;
			if (plat_sock_recv_some(c->meta, &b, 1) <= 0)
				return -ECONNRESET;
		}
	return 0;
}
