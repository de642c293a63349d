/* The meta socket (drbd-wire-protocol.md §2.1, §15): pings and their
 * acks now; the write and resync acks join as replication lands. */
#include "core/conn_int.h"

static int send_empty(struct connection *c, uint16_t cmd)
{
	uint8_t buf[WIRE_HEADER_MAX];
	int len = wire_empty_encode(&c->proto, cmd, 0, buf, sizeof(buf));

	return len < 0 ? len : conn_send(c, WIRE_SOCK_META, buf, (size_t)len);
}

static int meta_loop(struct connection *c)
{
	uint64_t ping_sent = 0;
	uint8_t pl[64];

	while (!conn_should_stop(c)) {
		/* Idle: ping-int; a ping outstanding: ping-timeout (§2.3). */
		int wait = ping_sent ? (int)c->conf.ping_timeout * 100
				     : (int)c->conf.ping_int * 1000;
		struct wire_packet pkt;
		int err = conn_recv(c, WIRE_SOCK_META, &pkt, pl, sizeof(pl), wait);

		if (err == -ETIMEDOUT) {
			if (ping_sent) {
				plat_err("%s %s: PingAck did not arrive in time.", c->res->name,
					 c->conf.name);
				return -ETIMEDOUT;
			}
			ping_sent = plat_now_ns();
			err = send_empty(c, P_PING);
		} else if (!err && pkt.hdr.cmd == P_PING) {
			err = send_empty(c, P_PING_ACK);
		} else if (!err && pkt.hdr.cmd == P_PING_ACK) {
			ping_sent = 0;
		} else if (!err && !pkt.ignore) {
			err = conn_rx_ack(c, &pkt, pl);
		}
		if (err == -ENOENT) {
			plat_err("%s %s: %s on the meta socket is not handled by this udrbd release",
				 c->res->name, c->conf.name, wire_cmd_name(pkt.hdr.cmd));
			err = -EPROTO;
		}
		if (err)
			return err;
	}
	return 0;
}

static void *meta_main(void *arg)
{
	struct connection *c = arg;
	int err = meta_loop(c);

	plat_mutex_lock(&c->res->eng->lock);
	c->meta_err = err;
	c->meta_done = true;
	/* Wake the data receiver: the connection is gone with either socket. */
	if (err)
		plat_sock_shutdown(c->data);
	plat_mutex_unlock(&c->res->eng->lock);
	return NULL;
}

int conn_meta_start(struct connection *c)
{
	c->meta_err = 0;
	c->meta_done = false;
	return plat_thread_start(&c->meta_thread, meta_main, c, "udrbd-meta");
}

bool conn_meta_stop(struct connection *c)
{
	bool failed;

	if (!c->meta_thread)
		return false;
	plat_mutex_lock(&c->res->eng->lock);
	failed = c->meta_done && c->meta_err;
	plat_sock_shutdown(c->meta);
	plat_mutex_unlock(&c->res->eng->lock);
	plat_thread_join(c->meta_thread, NULL);
	c->meta_thread = NULL;
	return failed;
}
