/* Replication, sender side (drbd-wire-protocol.md §9, §13): a Primary's
 * write goes to every connected peer as P_DATA in the open epoch; protocol
 * B waits for P_RECV_ACK, C for P_WRITE_ACK; a flush closes the epoch with
 * P_BARRIER and waits for its P_BARRIER_ACK. A peer that is not connected,
 * or loses the write, gets the blocks marked out of sync in its bitmap
 * slot, so a later resync brings it up to date (ARCHITECTURE.md, "Life of
 * a write").
 *
 * Runs in the NBD worker threads: no eng->lock here (core/engine.h). */
#include "core/repl.h"
#include "core/conn_int.h"
#include "md/md.h"
#include "wire/data.h"

#include <string.h>

#define REPL_MAX_CONNS 32

/* The connections writes can go to now, pinned by io_ref. */
static unsigned grab_connections(struct resource *res, struct connection **out)
{
	unsigned n = 0;

	plat_mutex_lock(&res->peers_lock);
	for (struct connection *c = res->connections; c && n < REPL_MAX_CONNS; c = c->next)
		if (c->io_ready) {
			c->io_ref++;
			out[n++] = c;
		}
	plat_mutex_unlock(&res->peers_lock);
	return n;
}

static void release_connections(struct resource *res, struct connection **cs, unsigned n)
{
	bool idle[REPL_MAX_CONNS];

	plat_mutex_lock(&res->peers_lock);
	for (unsigned i = 0; i < n; i++)
		idle[i] = --cs[i]->io_ref == 0 && !cs[i]->io_ready;
	plat_mutex_unlock(&res->peers_lock);
	/* Only repl_connection_down waits for the last user to go. */
	for (unsigned i = 0; i < n; i++) {
		if (!idle[i])
			continue;
		plat_mutex_lock(&cs[i]->repl_lock);
		plat_cond_broadcast(&cs[i]->repl_cond);
		plat_mutex_unlock(&cs[i]->repl_lock);
	}
}

/* Blocks the write for every peer it will not reach (§13 "P_NEG_ACK makes
 * the primary mark the range out of sync"; disconnected peers too). */
void repl_mark_out_of_sync(struct device *dev, uint64_t off, uint32_t len,
			   struct connection *const *reached, unsigned n_reached)
{
	if (!dev->md)
		return;	/* diskless: no bitmap to keep */
	plat_mutex_lock(&dev->res->peers_lock);
	for (struct connection *c = dev->res->connections; c; c = c->next) {
		bool ok = false;
		int slot;
		for (unsigned i = 0; i < n_reached; i++)
			ok |= reached[i] == c;
		slot = ok ? -1 : md_bm_slot_of_node(dev->md, c->peer_node_id);
		if (slot >= 0)
			md_bm_set_range(dev->md, slot, off >> 9, len >> 9);
	}
	plat_mutex_unlock(&dev->res->peers_lock);
}

static uint32_t ack_flags(const struct connection *c)
{
	/* apv >= 100: the receiver acks by these flags (§9). */
	switch (c->conf.protocol) {
	case DRBD_PROT_B: return DP_SEND_RECEIVE_ACK;
	case DRBD_PROT_C: return DP_SEND_WRITE_ACK;
	default: return 0;
	}
}

/* Sends one P_DATA (header, fixed part, data) as one unit on the data
 * socket, counted in the open epoch. */
static int send_data(struct connection *c, struct device *dev, struct repl_wait *w,
		     const void *buf, uint32_t len, uint64_t off, uint32_t dp_flags)
{
	struct wire_data d = { 0 };
	uint8_t hdr[WIRE_HEADER_MAX + 32];
	plat_mutex *l = &c->send_lock[0];
	int n, err;

	d.sector = off >> 9;
	memcpy(&d.block_id, &w->block_id, sizeof(d.block_id));
	d.dp_flags = dp_flags | ack_flags(c);
	plat_mutex_lock(l);
	d.seq_num = ++c->seq;
	n = wire_data_encode(&c->proto, P_DATA, (uint16_t)dev->volume, &d, NULL, len, hdr,
			     sizeof(hdr));
	err = n < 0 ? n : len ? plat_sock_send_more(c->data, hdr, (size_t)n)
			      : plat_sock_send_all(c->data, hdr, (size_t)n);
	if (!err && len)
		err = plat_sock_send_all(c->data, buf, len);
	if (!err)
		c->epoch_writes++;
	plat_mutex_unlock(l);
	return err;
}

static void add_wait(struct connection *c, struct repl_wait *w)
{
	plat_cond_init(&w->cond);
	plat_mutex_lock(&c->repl_lock);
	w->block_id = ++c->next_block_id;
	w->done = false;
	w->result = 0;
	w->rbuf = NULL;
	w->rlen = 0;
	w->next = c->waits;
	c->waits = w;
	plat_mutex_unlock(&c->repl_lock);
}

/* Caller holds repl_lock; w is done with. */
static void drop_wait(struct connection *c, struct repl_wait *w)
{
	struct repl_wait **pp;

	for (pp = &c->waits; *pp && *pp != w; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = w->next;
	plat_cond_destroy(&w->cond);
}

/* Waits for the ack, bounded by timeout x ko-count (§15). */
static int wait_ack(struct connection *c, struct repl_wait *w)
{
	uint64_t limit_ms = (uint64_t)c->conf.timeout * 100 *
			    (c->conf.ko_count ? c->conf.ko_count : 1);
	uint64_t deadline = plat_now_ns() + limit_ms * 1000000ull;
	int err;

	plat_mutex_lock(&c->repl_lock);
	while (!w->done && plat_now_ns() < deadline)
		plat_cond_timedwait(&w->cond, &c->repl_lock, 100);
	err = w->done ? w->result : -ETIMEDOUT;
	drop_wait(c, w);
	plat_mutex_unlock(&c->repl_lock);
	if (err == -ETIMEDOUT) {
		plat_err("%s %s: no ack within %llu ms (timeout x ko-count): dropping the connection",
			 c->res->name, c->conf.name, (unsigned long long)limit_ms);
		conn_abort(c);
	}
	return err;
}

int repl_write(struct device *dev, const void *buf, uint32_t len, uint64_t off, bool fua,
	       int (*local)(struct device *dev, const void *buf, uint32_t len,
			    uint64_t off, bool fua))
{
	struct connection *cs[REPL_MAX_CONNS], *reached[REPL_MAX_CONNS];
	struct repl_wait w[REPL_MAX_CONNS];
	unsigned n = grab_connections(dev->res, cs), n_reached = 0;
	bool sent[REPL_MAX_CONNS] = { false };
	bool rs = __atomic_load_n(&dev->resync_source, __ATOMIC_RELAXED) > 0;
	int err;

	/* While resyncing as source, a resync read of this block must not
	 * fall between our write and its send (core/resync.c). */
	if (rs)
		plat_mutex_lock(&dev->rs_lock);
	/* Peers first, so their write overlaps ours. */
	for (unsigned i = 0; i < n; i++) {
		add_wait(cs[i], &w[i]);
		sent[i] = !send_data(cs[i], dev, &w[i], buf, len, off, fua ? DP_FUA : 0);
		if (!sent[i])
			conn_abort(cs[i]);
	}
	err = local(dev, buf, len, off, fua);
	if (rs)
		plat_mutex_unlock(&dev->rs_lock);
	for (unsigned i = 0; i < n; i++) {
		int r = -ECONNRESET;
		if (sent[i] && cs[i]->conf.protocol != DRBD_PROT_A) {
			r = wait_ack(cs[i], &w[i]);
		} else {
			plat_mutex_lock(&cs[i]->repl_lock);
			drop_wait(cs[i], &w[i]);
			plat_mutex_unlock(&cs[i]->repl_lock);
			r = sent[i] ? 0 : r;
		}
		if (!r)
			reached[n_reached++] = cs[i];
	}
	/* Without a disk of our own the write exists only where it arrived. */
	if (!dev->md && !n_reached)
		err = -EIO;
	if (!err)
		repl_mark_out_of_sync(dev, off, len, reached, n_reached);
	release_connections(dev->res, cs, n);
	return err;
}

/* Completes the write with this block id (meta thread: P_WRITE_ACK,
 * P_RECV_ACK -> 0, P_NEG_ACK -> -EIO). */
void repl_ack(struct connection *c, uint64_t block_id, int result)
{
	plat_mutex_lock(&c->repl_lock);
	for (struct repl_wait *w = c->waits; w; w = w->next)
		if (w->block_id == block_id) {
			w->done = true;
			w->result = result;
			plat_cond_signal(&w->cond);
			break;
		}
	plat_mutex_unlock(&c->repl_lock);
}

/* The connection is going: every waiter fails (its blocks are then marked
 * out of sync), and no new write uses it. Waits until none does. */
void repl_connection_down(struct connection *c)
{
	struct resource *res = c->res;

	plat_mutex_lock(&res->peers_lock);
	c->io_ready = false;
	plat_mutex_unlock(&res->peers_lock);
	plat_mutex_lock(&c->repl_lock);
	for (struct repl_wait *w = c->waits; w; w = w->next) {
		w->done = true;
		w->result = -ECONNRESET;
		plat_cond_signal(&w->cond);
	}
	plat_cond_broadcast(&c->repl_cond);
	plat_mutex_unlock(&c->repl_lock);
	for (;;) {
		uint32_t ref;
		plat_mutex_lock(&res->peers_lock);
		ref = c->io_ref;
		plat_mutex_unlock(&res->peers_lock);
		if (!ref)
			break;
		plat_mutex_lock(&c->repl_lock);
		plat_cond_timedwait(&c->repl_cond, &c->repl_lock, 50);
		plat_mutex_unlock(&c->repl_lock);
	}
	c->barrier_count = c->barrier_head = 0;
	c->epoch_writes = 0;
}

void repl_connection_up(struct connection *c)
{
	plat_mutex_lock(&c->res->peers_lock);
	c->seq = 0;
	c->epoch = 1;
	c->epoch_writes = 0;
	c->barrier_count = c->barrier_head = 0;
	c->rx_epoch_writes = 0;
	c->ack_seq = 0;
	c->io_ready = true;
	plat_mutex_unlock(&c->res->peers_lock);
}

/* Closes the open epoch with P_BARRIER (under the data send lock, so the
 * count is exactly the writes the peer saw before it, §13.2). Returns the
 * barrier's FIFO slot, -1 when the epoch was empty, or an error. */
static int close_epoch(struct connection *c)
{
	struct wire_barrier b = { 0 };
	uint8_t buf[WIRE_HEADER_MAX + 8];
	int n, slot = -1, err = 0;

	plat_mutex_lock(&c->send_lock[0]);
	if (c->epoch_writes == 0)
		goto out;
	plat_mutex_lock(&c->repl_lock);
	if (c->barrier_count == sizeof(c->barriers) / sizeof(c->barriers[0])) {
		plat_mutex_unlock(&c->repl_lock);
		err = -EBUSY;
		goto out;
	}
	slot = (int)((c->barrier_head + c->barrier_count) % 64);
	c->barriers[slot] = (struct barrier_sent){ c->epoch, c->epoch_writes, false };
	c->barrier_count++;
	plat_mutex_unlock(&c->repl_lock);
	memcpy(&b.barrier, &c->epoch, sizeof(b.barrier));
	n = wire_barrier_encode(&c->proto, P_BARRIER, 0, &b, buf, sizeof(buf));
	err = n < 0 ? n : plat_sock_send_all(c->data, buf, (size_t)n);
	c->epoch++;
	c->epoch_writes = 0;
out:
	plat_mutex_unlock(&c->send_lock[0]);
	return err ? err : slot;
}

static int wait_barrier(struct connection *c, int slot, uint32_t nr)
{
	uint64_t deadline = plat_now_ns() +
			    (uint64_t)c->conf.timeout * 100 * c->conf.ko_count * 1000000ull;
	int err = -ETIMEDOUT;

	plat_mutex_lock(&c->repl_lock);
	while (c->io_ready && plat_now_ns() < deadline) {
		/* acked barriers leave the FIFO; ours is gone or marked */
		bool pending = false;
		for (uint32_t i = 0; i < c->barrier_count; i++) {
			struct barrier_sent *b = &c->barriers[(c->barrier_head + i) % 64];
			pending |= (int)((c->barrier_head + i) % 64) == slot && b->nr == nr;
		}
		if (!pending) {
			err = 0;
			break;
		}
		plat_cond_timedwait(&c->repl_cond, &c->repl_lock, 100);
	}
	plat_mutex_unlock(&c->repl_lock);
	return c->io_ready ? err : -ECONNRESET;
}

/* An NBD FLUSH: every peer's copy is stable too once its P_BARRIER_ACK
 * for the writes before it is in. */
int repl_flush(struct resource *res)
{
	struct connection *cs[REPL_MAX_CONNS];
	unsigned n = grab_connections(res, cs);
	int err = 0;

	for (unsigned i = 0; i < n; i++) {
		uint32_t nr = cs[i]->epoch;
		int slot = close_epoch(cs[i]), r = slot < -1 ? slot : 0;
		if (slot >= 0 && (r = wait_barrier(cs[i], slot, nr)) == -ETIMEDOUT)
			plat_err("%s %s: no barrier ack in time: dropping the connection",
				 res->name, cs[i]->conf.name);
		if (r)
			conn_abort(cs[i]);
		err = err ? err : r;
	}
	release_connections(res, cs, n);
	return err;
}

/* P_BARRIER_ACK: must name the oldest open barrier with its write count
 * (§13.3 item 4); anything else is a protocol error. */
int repl_barrier_ack(struct connection *c, uint32_t nr_raw, uint32_t set_size)
{
	struct barrier_sent *b;
	uint32_t nr;
	int err = 0;

	memcpy(&nr, &nr_raw, sizeof(nr));
	plat_mutex_lock(&c->repl_lock);
	b = &c->barriers[c->barrier_head];
	if (!c->barrier_count || b->nr != nr || b->writes != set_size) {
		plat_err("%s %s: BarrierAck #%u (%u writes) does not match the oldest barrier "
			 "#%u (%u writes)", c->res->name, c->conf.name, nr, set_size,
			 c->barrier_count ? b->nr : 0, c->barrier_count ? b->writes : 0);
		err = -EPROTO;
	} else {
		c->barrier_head = (c->barrier_head + 1) % 64;
		c->barrier_count--;
		plat_cond_broadcast(&c->repl_cond);
	}
	plat_mutex_unlock(&c->repl_lock);
	return err;
}

/* The connection to read from: one whose peer has this volume UpToDate,
 * pinned by io_ref. */
static struct connection *grab_reader(struct device *dev)
{
	struct connection *found = NULL;

	plat_mutex_lock(&dev->res->peers_lock);
	for (struct connection *c = dev->res->connections; c && !found; c = c->next) {
		struct peer_device *pd = conn_find_peer_device(c, dev->volume);
		if (c->io_ready && pd && pd->peer_disk == D_UP_TO_DATE) {
			c->io_ref++;
			found = c;
		}
	}
	plat_mutex_unlock(&dev->res->peers_lock);
	return found;
}

int repl_read(struct device *dev, void *buf, uint32_t len, uint64_t off)
{
	struct wire_block_req r = { off >> 9, 0, len };
	struct connection *c = grab_reader(dev);
	uint8_t hdr[WIRE_HEADER_MAX + 24];
	struct repl_wait w;
	int n, err;

	if (!c)
		return -EIO;
	add_wait(c, &w);
	plat_mutex_lock(&c->repl_lock);
	w.rbuf = buf;
	w.rlen = len;
	plat_mutex_unlock(&c->repl_lock);
	memcpy(&r.block_id, &w.block_id, sizeof(r.block_id));
	/* A read closes the open epoch first (§13.6), so it is answered
	 * after the writes before it. */
	err = close_epoch(c) < -1 ? -EIO : 0;
	n = wire_block_req_encode(&c->proto, P_DATA_REQUEST, (uint16_t)dev->volume, &r, NULL, 0,
				  hdr, sizeof(hdr));
	if (!err)
		err = n < 0 ? n : conn_send(c, WIRE_SOCK_DATA, hdr, (size_t)n);
	if (err) {
		plat_mutex_lock(&c->repl_lock);
		drop_wait(c, &w);
		plat_mutex_unlock(&c->repl_lock);
		conn_abort(c);
	} else {
		err = wait_ack(c, &w);
	}
	release_connections(dev->res, &c, 1);
	return err ? -EIO : 0;
}

void repl_read_done(struct connection *c, uint64_t block_id, const void *data, uint32_t len)
{
	plat_mutex_lock(&c->repl_lock);
	for (struct repl_wait *w = c->waits; w; w = w->next) {
		if (w->block_id != block_id || !w->rbuf)
			continue;
		w->result = data && len == w->rlen ? 0 : -EIO;
		if (!w->result)
			memcpy(w->rbuf, data, len);
		w->done = true;
		plat_cond_signal(&w->cond);
		break;
	}
	plat_mutex_unlock(&c->repl_lock);
}
