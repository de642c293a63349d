/* Packet I/O on a connection's two sockets: whole packets out under the
 * socket's send lock (several threads send on the data socket), whole
 * packets in with a timeout, checked by wire/ before the payload is read. */
#include "core/conn_int.h"
#include "wire/data.h"
#include "wire/header.h"

static plat_sock sock_of(struct connection *c, enum wire_sock which)
{
	return which == WIRE_SOCK_META ? c->meta : c->data;
}

int conn_send(struct connection *c, enum wire_sock which, const void *buf, size_t len)
{
	plat_mutex *l = &c->send_lock[which == WIRE_SOCK_META];
	int err;

	plat_mutex_lock(l);
	err = plat_sock_send_all(sock_of(c, which), buf, len);
	plat_mutex_unlock(l);
	return err;
}

/* timeout_ms < 0: wait as long as it takes (the socket is shut down to
 * stop us). */
static int recv_timed(plat_sock s, void *buf, size_t len, int timeout_ms)
{
	if (timeout_ms >= 0) {
		int r = plat_sock_wait_readable(s, timeout_ms);
		if (r == 0)
			return -ETIMEDOUT;
		if (r < 0)
			return r;
	}
	return plat_sock_recv_all(s, buf, len);
}

int conn_recv_bytes(struct connection *c, enum wire_sock which, void *buf, size_t len,
		    int timeout_ms)
{
	return recv_timed(sock_of(c, which), buf, len, timeout_ms);
}

int conn_recv_hdr(struct connection *c, enum wire_sock which, struct wire_packet *pkt,
		  int timeout_ms)
{
	uint8_t hdr[WIRE_HEADER_MAX];
	size_t hlen = wire_header_size(c->proto.apv);
	int err = recv_timed(sock_of(c, which), hdr, hlen, timeout_ms);

	if (err)
		return err;
	err = wire_packet_decode(&c->proto, which, hdr, hlen, pkt);
	if (err < 0) {
		plat_err("%s %s: bad packet header on the %s socket: %s", c->res->name,
			 c->conf.name, which == WIRE_SOCK_META ? "meta" : "data",
			 wire_last_error());
		return -EPROTO;
	}
	return 0;
}

int conn_recv(struct connection *c, enum wire_sock which, struct wire_packet *pkt,
	      uint8_t *payload, size_t cap, int timeout_ms)
{
	plat_sock s = sock_of(c, which);
	int err = conn_recv_hdr(c, which, pkt, timeout_ms);

	if (err)
		return err;
	if (pkt->hdr.length > cap) {
		plat_err("%s %s: %s of %u bytes is larger than expected (%zu)", c->res->name,
			 c->conf.name, wire_cmd_name(pkt->hdr.cmd), pkt->hdr.length, cap);
		return -EPROTO;
	}
	/* The payload follows at once: the sender writes packets whole. */
	return pkt->hdr.length ? recv_timed(s, payload, pkt->hdr.length, timeout_ms) : 0;
}

/* Receives the next packet and insists on its command. */
int conn_expect(struct connection *c, enum wire_sock which, uint16_t cmd,
		uint8_t *payload, size_t cap, uint32_t *len, int timeout_ms)
{
	struct wire_packet pkt;
	int err = conn_recv(c, which, &pkt, payload, cap, timeout_ms);

	if (err)
		return err;
	if (pkt.hdr.cmd != cmd) {
		plat_err("%s %s: expected %s, received %s", c->res->name, c->conf.name,
			 wire_cmd_name(cmd), wire_cmd_name(pkt.hdr.cmd));
		return -EPROTO;
	}
	*len = pkt.hdr.length;
	return 0;
}

int conn_send_block(struct connection *c, uint16_t cmd, uint16_t vnr, const struct wire_data *d,
		    const void *data, uint32_t len)
{
	uint8_t hdr[WIRE_HEADER_MAX + 32];
	int n = wire_data_encode(&c->proto, cmd, vnr, d, NULL, len, hdr, sizeof(hdr)), err;

	if (n < 0)
		return n;
	plat_mutex_lock(&c->send_lock[0]);
	err = len ? plat_sock_send_more(c->data, hdr, (size_t)n)
		  : plat_sock_send_all(c->data, hdr, (size_t)n);
	if (!err && len)
		err = plat_sock_send_all(c->data, data, len);
	plat_mutex_unlock(&c->send_lock[0]);
	return err;
}
