/* The connection worker: establishes the data and meta sockets with the
 * symmetric algorithm both DRBD peers run (drbd-wire-protocol.md §2.2),
 * then hands them to the handshake (core/conn_handshake.c).
 *
 * (wire/ knows the bytes of the first packets.)
 *
 * Sockets are published in struct connection under eng->lock, so a
 * disconnect can shut them down to wake this thread; they are closed only
 * after being unpublished. */
#include "core/conn.h"
#include "core/conn_int.h"
#include "wire/header.h"

#include <string.h>

bool conn_should_stop(struct connection *c)
{
	struct engine *eng = c->res->eng;
	bool stop;

	plat_mutex_lock(&eng->lock);
	stop = c->stop || eng->stopping;
	plat_mutex_unlock(&eng->lock);
	return stop;
}

/* Publishes (or, with PLAT_SOCK_INVALID, retracts) one of the sockets and
 * closes what it replaces. */
void conn_set_sock(struct connection *c, plat_sock *slot, plat_sock s)
{
	struct engine *eng = c->res->eng;
	plat_sock old;

	/* peers_lock too: conn_abort shuts sockets down holding only it. */
	plat_mutex_lock(&eng->lock);
	plat_mutex_lock(&c->res->peers_lock);
	old = *slot;
	*slot = s;
	plat_mutex_unlock(&c->res->peers_lock);
	plat_mutex_unlock(&eng->lock);
	if (old != PLAT_SOCK_INVALID)
		plat_sock_close(old);
}

void conn_abort(struct connection *c)
{
	/* Not eng->lock: the I/O path calls this, and a state change may hold
	 * eng->lock while it waits for that I/O. */
	plat_mutex_lock(&c->res->peers_lock);
	plat_sock_shutdown(c->data);
	plat_sock_shutdown(c->meta);
	plat_mutex_unlock(&c->res->peers_lock);
}

void conn_close_sockets(struct connection *c)
{
	conn_set_sock(c, &c->data, PLAT_SOCK_INVALID);
	conn_set_sock(c, &c->meta, PLAT_SOCK_INVALID);
}

static int try_connect(struct connection *c)
{
	struct path *p = c->paths;
	uint8_t pkt[WIRE_INITIAL_SIZE];
	plat_sock s;
	int err;

	/* DRBD bounds a connect by connect-int; we also cap it at 2 s, so a
	 * disconnect or down never waits long for an unreachable peer (the
	 * connect cannot be interrupted, and the loop retries anyway). */
	uint32_t ms = c->conf.connect_int * 1000 < 2000 ? c->conf.connect_int * 1000 : 2000;

	err = plat_sock_connect_tcp(p->peer_host, p->peer_port, ms, &s);
	if (err)
		return err;
	plat_sock_set_nodelay(s, true);
	plat_sock_set_bufsizes(s, c->conf.sndbuf_size, c->conf.rcvbuf_size);
	if (c->data == PLAT_SOCK_INVALID) {
		wire_initial_encode(pkt, sizeof(pkt), P_INITIAL_DATA);
		err = plat_sock_send_all(s, pkt, sizeof(pkt));
		if (!err)
			conn_set_sock(c, &c->data, s);
	} else {
		wire_initial_encode(pkt, sizeof(pkt), P_INITIAL_META);
		err = plat_sock_send_all(s, pkt, sizeof(pkt));
		if (!err) {
			conn_set_sock(c, &c->meta, s);
			/* §2.4: the side that connected the meta socket clears it. */
			c->resolve_conflicts = false;
		}
	}
	if (err)
		plat_sock_close(s);
	return err;
}

/* One incoming socket: its first packet says what it is. Returns 1 when a
 * socket "crossed" ours (both sides connected at once) or was garbage, so
 * the caller backs off at random. */
static int try_accept(struct connection *c, uint32_t wait_ms)
{
	uint32_t first_ms = c->conf.ping_timeout * 100 * 4;
	uint8_t pkt[WIRE_INITIAL_SIZE];
	plat_sock s;
	int cmd;

	if (plat_sock_wait_readable(c->listen, (int)wait_ms) <= 0)
		return 0;
	if (plat_sock_accept(c->listen, &s))
		return 0;
	if (plat_sock_wait_readable(s, (int)first_ms) <= 0 ||
	    plat_sock_recv_all(s, pkt, sizeof(pkt)) ||
	    (cmd = wire_initial_decode(pkt, sizeof(pkt))) < 0) {
		plat_warn("%s %s: closing an incoming connection without a valid first packet",
			  c->res->name, c->conf.name);
		plat_sock_close(s);
		return 1;
	}
	plat_sock_set_nodelay(s, true);
	plat_sock_set_bufsizes(s, c->conf.sndbuf_size, c->conf.rcvbuf_size);
	if (cmd == P_INITIAL_DATA) {
		bool crossed = c->data != PLAT_SOCK_INVALID;
		conn_set_sock(c, &c->data, s);
		return crossed;
	}
	/* §2.4: the side that accepted the meta socket resolves conflicts. */
	c->resolve_conflicts = true;
	{
		bool crossed = c->meta != PLAT_SOCK_INVALID;
		conn_set_sock(c, &c->meta, s);
		return crossed;
	}
}

static uint32_t jittered(uint32_t ms)
{
	uint32_t r = 0;

	/* connect-int with about +-1/7 jitter, so two peers fall out of step. */
	plat_random_bytes(&r, sizeof(r));
	return ms - ms / 7 + r % (2 * (ms / 7) + 1);
}

static bool coin(void)
{
	uint8_t b = 0;

	plat_random_bytes(&b, 1);
	return b & 1;
}

/* §2.2 step 5: after a pause (sock-check-timeo, else ping-timeout), both
 * sockets must still be alive: after crossed connects one side may have
 * kept a socket the other dropped. */
static bool sockets_alive(struct connection *c)
{
	uint32_t ds = c->conf.sock_check_timeo ? c->conf.sock_check_timeo : c->conf.ping_timeout;
	bool alive;

	plat_sleep_ms(ds * 100);
	alive = !plat_sock_peer_closed(c->data) && !plat_sock_peer_closed(c->meta);
	if (!alive) {
		if (plat_sock_peer_closed(c->data))
			conn_set_sock(c, &c->data, PLAT_SOCK_INVALID);
		if (plat_sock_peer_closed(c->meta))
			conn_set_sock(c, &c->meta, PLAT_SOCK_INVALID);
	}
	return alive;
}

/* §2.2 steps 1-5: loop until both sockets exist and survive the check, or
 * we are told to stop. */
static int establish(struct connection *c)
{
	while (!conn_should_stop(c)) {
		if (c->data == PLAT_SOCK_INVALID || c->meta == PLAT_SOCK_INVALID)
			try_connect(c);
		if (c->data == PLAT_SOCK_INVALID || c->meta == PLAT_SOCK_INVALID)
			while (try_accept(c, jittered(c->conf.connect_int * 1000)) && coin())
				;
		/* Both ours? The peer may have connected to us meanwhile: its
		 * sockets waiting in our backlog mean we crossed, and we take
		 * them as the peer does ours (§2.2 step 3). */
		while (c->data != PLAT_SOCK_INVALID && c->meta != PLAT_SOCK_INVALID &&
		       try_accept(c, 0))
			;
		if (c->data != PLAT_SOCK_INVALID && c->meta != PLAT_SOCK_INVALID &&
		    sockets_alive(c))
			return 0;
	}
	return -ESHUTDOWN;
}

static int open_listener(struct connection *c)
{
	struct path *p = c->paths;
	plat_sock l;
	int err = plat_sock_listen_tcp(p->local_host, p->local_port, 16, &l);

	if (err) {
		plat_err("%s %s: cannot listen on %s:%u: %s", c->res->name, c->conf.name,
			 p->local_host, p->local_port, plat_strerror(err));
		return err;
	}
	conn_set_sock(c, &c->listen, l);
	return 0;
}

void conn_set_cstate(struct connection *c, enum drbd_conn_state cs)
{
	struct engine *eng = c->res->eng;

	plat_mutex_lock(&eng->lock);
	if (!c->stop && c->cstate != cs) {
		c->cstate = cs;
		if (c->paths)
			c->paths->established = cs >= C_CONNECTED;
		engine_state_changed(eng);
	}
	plat_mutex_unlock(&eng->lock);
}

void *conn_worker_main(void *arg)
{
	struct connection *c = arg;
	int err;

	while (!conn_should_stop(c)) {
		if (c->listen == PLAT_SOCK_INVALID && open_listener(c)) {
			plat_sleep_ms(c->conf.connect_int * 1000);
			continue;
		}
		conn_set_cstate(c, C_CONNECTING);
		if (establish(c))
			break;
		err = conn_run(c);
		conn_close_sockets(c);
		if (err && !conn_should_stop(c)) {
			plat_warn("%s %s: connection lost: %s; reconnecting", c->res->name,
				  c->conf.name, plat_strerror(err));
			conn_set_cstate(c, err == -EPROTO ? C_PROTOCOL_ERROR : C_NETWORK_FAILURE);
			/* Jittered, so two peers that failed together do not
			 * retry in lock step. */
			plat_sleep_ms(jittered(1000));
		}
	}
	conn_close_sockets(c);
	conn_set_sock(c, &c->listen, PLAT_SOCK_INVALID);
	return NULL;
}
