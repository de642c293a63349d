/* Replication, receiver side (drbd-wire-protocol.md §9, §13.3): a
 * Secondary writes what P_DATA carries and acks it as the packet's flags
 * ask; P_BARRIER closes the epoch: flush, then P_BARRIER_ACK with the
 * number of writes it held. Runs in the connection's worker thread. */
#include "core/conn_int.h"
#include "core/io.h"
#include "core/repl.h"
#include "core/resync.h"
#include "wire/data.h"

#include <string.h>

static int send_ack(struct connection *c, uint16_t cmd, uint16_t vnr, const struct wire_data *d,
		    uint32_t size)
{
	struct wire_block_ack a = { 0 };
	uint8_t buf[WIRE_HEADER_MAX + 24];
	int n;

	a.sector = d->sector;
	a.block_id = d->block_id; /* opaque: echoed as received (§3.4) */
	a.blksize = size;
	a.seq_num = ++c->ack_seq;
	n = wire_block_ack_encode(&c->proto, cmd, vnr, &a, buf, sizeof(buf));
	return n < 0 ? n : conn_send(c, WIRE_SOCK_META, buf, (size_t)n);
}

int conn_recv_data(struct connection *c, const struct wire_packet *pkt, uint8_t *data,
		   size_t cap, struct wire_data *d)
{
	uint32_t flen = wire_data_fixed_size(pkt->hdr.cmd);
	struct wire_blob digest;
	uint8_t fixed[64];
	int err;

	if (pkt->hdr.length < flen)
		return -EPROTO;
	err = conn_recv_bytes(c, WIRE_SOCK_DATA, fixed, flen, -1);
	if (err)
		return err;
	if (wire_data_decode(&c->proto, pkt->hdr.cmd, fixed, flen, pkt->hdr.length, d, &digest)) {
		plat_err("%s %s: malformed %s: %s", c->res->name, c->conf.name,
			 wire_cmd_name(pkt->hdr.cmd), wire_last_error());
		return -EPROTO;
	}
	if (d->digest_size || d->data_size > cap)
		return -EPROTO; /* no data-integrity-alg agreed; 1 MiB at most */
	/* Read it whole before anything else: the stream must stay in step. */
	return conn_recv_bytes(c, WIRE_SOCK_DATA, data, d->data_size, -1);
}

int conn_rx_data(struct connection *c, const struct wire_packet *pkt, uint8_t *data,
		 size_t cap)
{
	struct peer_device *pd;
	struct wire_data d;
	int err = conn_recv_data(c, pkt, data, cap, &d), wr;

	if (err)
		return err;
	c->rx_epoch_writes++;
	pd = conn_find_peer_device(c, pkt->hdr.vnr);
	if (d.dp_flags & DP_SEND_RECEIVE_ACK)
		send_ack(c, P_RECV_ACK, pkt->hdr.vnr, &d, d.data_size);
	if (!pd) {
		wr = -ENODEV;
	} else if (d.data_size) {
		wr = dev_peer_write(pd->dev, data, d.data_size, d.sector << 9,
				    d.dp_flags & (DP_FUA | DP_FLUSH));
	} else {
		/* A zero-length P_DATA with DP_FLUSH is a flush (§9). */
		wr = dev_peer_flush(pd->dev);
	}
	if (!wr && pd) {
		plat_mutex_lock(&pd->dev->io_lock);
		pd->stats.received_sect += d.data_size >> 9;
		plat_mutex_unlock(&pd->dev->io_lock);
	}
	if (wr)
		return send_ack(c, P_NEG_ACK, pkt->hdr.vnr, &d, d.data_size);
	if (d.dp_flags & DP_SEND_WRITE_ACK)
		return send_ack(c, (d.dp_flags & DP_MAY_SET_IN_SYNC) ? P_RS_WRITE_ACK : P_WRITE_ACK,
				pkt->hdr.vnr, &d, d.data_size);
	return 0;
}

/* §13.3: all writes of the epoch are done (we write synchronously); flush
 * them to stable storage, then ack with their count. */
int conn_rx_barrier(struct connection *c, const uint8_t *pl, uint32_t len)
{
	struct wire_barrier b, ack = { 0 };
	uint8_t buf[WIRE_HEADER_MAX + 8];
	int n;

	if (wire_barrier_decode(P_BARRIER, pl, len, &b))
		return -EPROTO;
	for (struct peer_device *pd = c->peer_devices; pd; pd = pd->next)
		dev_peer_flush(pd->dev);
	ack.barrier = b.barrier;
	ack.set_size = c->rx_epoch_writes;
	c->rx_epoch_writes = 0;
	n = wire_barrier_encode(&c->proto, P_BARRIER_ACK, 0, &ack, buf, sizeof(buf));
	return n < 0 ? n : conn_send(c, WIRE_SOCK_META, buf, (size_t)n);
}

/* The source could not read a block: for a resync it stays out of sync,
 * for a verify it is skipped. */
static int neg_rs_dreply(struct connection *c, uint16_t vnr, const struct wire_block_ack *a)
{
	struct peer_device *pd = conn_find_peer_device(c, vnr);

	if (pd && pd->repl == L_VERIFY_S) {
		verify_rx_neg(c, pd, a->sector, a->blksize);
		return 0;
	}
	return resync_rx_neg(c, vnr, a->sector, a->blksize);
}

/* The meta socket's acks of our writes (core/conn_meta.c). */
int conn_rx_ack(struct connection *c, const struct wire_packet *pkt, const uint8_t *pl)
{
	struct wire_block_ack a;
	struct wire_barrier b;

	switch (pkt->hdr.cmd) {
	case P_BARRIER_ACK:
		if (wire_barrier_decode(P_BARRIER_ACK, pl, pkt->hdr.length, &b))
			return -EPROTO;
		return repl_barrier_ack(c, b.barrier, b.set_size);
	case P_WRITE_ACK:
	case P_RECV_ACK:
	case P_RS_WRITE_ACK:
	case P_NEG_ACK:
	case P_NEG_RS_DREPLY:
		if (wire_block_ack_decode(pl, pkt->hdr.length, &a))
			return -EPROTO;
		if (pkt->hdr.cmd == P_NEG_RS_DREPLY)
			return neg_rs_dreply(c, pkt->hdr.vnr, &a);
		if (a.block_id == ID_SYNCER) {
			/* Resync traffic: a written block is in sync; a failed
			 * one stays out of sync for the next resync. */
			if (pkt->hdr.cmd == P_RS_WRITE_ACK)
				resync_rx_write_ack(c, pkt->hdr.vnr, a.sector, a.blksize);
			return 0;
		}
		repl_ack(c, a.block_id, pkt->hdr.cmd == P_NEG_ACK ? -EIO : 0);
		return 0;
	case P_NEG_DREPLY:
		if (wire_block_ack_decode(pl, pkt->hdr.length, &a))
			return -EPROTO;
		plat_warn("%s %s: the peer could not serve a read of sectors %llu+%u",
			  c->res->name, c->conf.name, (unsigned long long)a.sector, a.blksize >> 9);
		repl_read_done(c, a.block_id, NULL, 0);
		return 0;
	case P_RS_IS_IN_SYNC:
		if (wire_block_ack_decode(pl, pkt->hdr.length, &a))
			return -EPROTO;
		return resync_rx_in_sync(c, pkt->hdr.vnr, a.sector, a.blksize);
	case P_OV_RESULT:
		if (wire_block_ack_decode(pl, pkt->hdr.length, &a))
			return -EPROTO;
		return verify_rx_result(c, pkt->hdr.vnr, &a);
	case P_STATE_CHG_REPLY:
	case P_CONN_ST_CHG_REPLY:
		return conn_rx_state_reply(c, pl, pkt->hdr.length);
	default:
		return -ENOENT;
	}
}
