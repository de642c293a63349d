/* NBD transmission phase of one connection: the reader parses requests and
 * queues them; workers run them against the export and reply, in any
 * order, each reply whole under the send lock. */
#include "front/nbd_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- replies ------------------------------------------------------------ */

int nbd_conn_send(struct nbd_conn *c, const void *buf, size_t len)
{
	int err = -ECONNRESET;

	plat_mutex_lock(&c->send_lock);
	if (!c->dead) {
		err = plat_sock_send_all(c->sock, buf, len);
		if (err) {
			c->dead = true;
			/* Wakes the reader, which then winds the connection down. */
			plat_sock_shutdown(c->sock);
		}
	}
	plat_mutex_unlock(&c->send_lock);
	return err;
}

void nbd_conn_send_error(struct nbd_conn *c, const struct nbd_request *r,
			 uint32_t nbd_err, const char *msg)
{
	uint8_t b[NBD_ERROR_CHUNK_MAX];
	size_t len = NBD_SIMPLE_REPLY_LEN;

	/* With structured replies a READ must not get a simple reply; the
	 * error chunk also carries the reason as text. */
	if (c->lim.structured)
		len = nbd_error_chunk_encode(b, r->cookie, nbd_err, msg);
	else
		nbd_simple_reply_encode(b, r->cookie, nbd_err);
	nbd_conn_send(c, b, len);
}

static void send_ok(struct nbd_conn *c, struct nbd_req *q)
{
	const struct nbd_request *r = &q->r;
	uint8_t b[NBD_SIMPLE_REPLY_LEN];
	uint8_t *h;

	if (r->type != NBD_CMD_READ) {
		nbd_simple_reply_encode(b, r->cookie, 0);
		nbd_conn_send(c, b, sizeof(b));
		return;
	}
	/* The header goes in the room before the data: one send, no copy. */
	if (c->lim.structured) {
		h = q->data - NBD_READ_CHUNK_HDR_LEN;
		nbd_read_chunk_encode(h, r->cookie, r->offset, r->len);
	} else {
		h = q->data - NBD_SIMPLE_REPLY_LEN;
		nbd_simple_reply_encode(h, r->cookie, 0);
	}
	nbd_conn_send(c, h, (size_t)(q->data - h) + r->len);
}

static void log_bad(struct nbd_conn *c, const struct nbd_request *r, const char *what,
		    const char *why, int level)
{
	unsigned n = atomic_fetch_add(&c->bad_logged, 1);

	if (n > NBD_LOG_BAD_MAX)
		return;
	if (n == NBD_LOG_BAD_MAX) {
		plat_log(level, "nbd: %s: %s: further errors are not logged",
			 c->exp->name, c->name);
		return;
	}
	plat_log(level, "nbd: %s: %s: %s offset %llu length %u flags 0x%x: %s: %s",
		 c->exp->name, c->name, nbd_cmd_name(r->type),
		 (unsigned long long)r->offset, r->len, r->flags, what, why);
}

/* ---- running requests ---------------------------------------------------- */

static int zero_by_writing(struct nbd_conn *c, const struct nbd_request *r)
{
	const struct nbd_export_ops *o = c->exp->ops;
	uint64_t off = r->offset, end = r->offset + r->len;
	int err = 0;

	while (!err && off < end) {
		uint32_t n = end - off < NBD_ZERO_BUF ? (uint32_t)(end - off) : NBD_ZERO_BUF;
		bool last = off + n == end;

		err = o->pwrite(c->exp->ctx, c->srv->zero_buf, n, off,
				last && (r->flags & NBD_CMD_FLAG_FUA));
		off += n;
	}
	return err;
}

static int exec(struct nbd_conn *c, struct nbd_req *q)
{
	const struct nbd_export_ops *o = c->exp->ops;
	const struct nbd_request *r = &q->r;
	void *ctx = c->exp->ctx;
	bool fua = r->flags & NBD_CMD_FLAG_FUA;
	int err = 0;

	switch (r->type) {
	case NBD_CMD_READ:
		return o->pread(ctx, q->data, r->len, r->offset);
	case NBD_CMD_WRITE:
		return o->pwrite(ctx, q->data, r->len, r->offset, fua);
	case NBD_CMD_FLUSH:
		return o->flush(ctx);
	case NBD_CMD_TRIM:
		err = o->trim(ctx, r->offset, r->len);
		/* TRIM is advisory: not deallocating is a correct answer. */
		if (err == -EOPNOTSUPP)
			err = 0;
		if (!err && fua && o->flush)
			err = o->flush(ctx);
		return err;
	case NBD_CMD_WRITE_ZEROES:
		if (o->zero)
			err = o->zero(ctx, r->offset, r->len,
				      !(r->flags & NBD_CMD_FLAG_NO_HOLE), fua);
		if (!o->zero || err == -EOPNOTSUPP)
			err = zero_by_writing(c, r);
		return err;
	}
	return -EINVAL;
}

static void run(struct nbd_conn *c, struct nbd_req *q)
{
	char msg[NBD_MSG_MAX + 1];
	int err;

	if (!nbd_export_io_begin(c->exp)) {
		nbd_export_unavailable_text(c->exp, msg, sizeof(msg));
		log_bad(c, &q->r, "refused", msg, PLAT_LOG_WARNING);
		nbd_conn_send_error(c, &q->r, NBD_ESHUTDOWN, msg);
		return;
	}
	err = exec(c, q);
	nbd_export_io_end(c->exp);
	if (err) {
		log_bad(c, &q->r, "failed", plat_strerror(err), PLAT_LOG_ERR);
		nbd_conn_send_error(c, &q->r, nbd_errno_to_wire(err), plat_strerror(err));
		return;
	}
	send_ok(c, q);
}

/* ---- request buffers ----------------------------------------------------- */

static size_t round_cap(uint32_t len)
{
	size_t cap = 4096;

	while (cap < len)
		cap *= 2;
	return cap;
}

static void req_free(struct nbd_req *q)
{
	if (q) {
		plat_free_aligned(q->mem);
		free(q);
	}
}

/* The worker's cached request if it is big enough, else a new one. */
static struct nbd_req *req_get(struct nbd_worker *w, uint32_t len)
{
	size_t cap = len ? round_cap(len) : 0;
	struct nbd_req *q = w->cache;

	if (q && q->cap >= cap) {
		w->cache = NULL;
		return q;
	}
	q = calloc(1, sizeof(*q));
	if (q && cap && !(q->mem = plat_alloc_aligned(NBD_HDR_ROOM + cap))) {
		free(q);
		return NULL;
	}
	if (q) {
		q->cap = cap;
		q->data = q->mem ? q->mem + NBD_HDR_ROOM : NULL;
	}
	return q;
}

static void req_put(struct nbd_worker *w, struct nbd_req *q)
{
	if (w->cache && w->cache->cap >= q->cap) {
		req_free(q);
		return;
	}
	req_free(w->cache);
	w->cache = q;
}

/* ---- reading requests ---------------------------------------------------- */

/* Reads and discards a refused WRITE's payload so the stream stays in step. */
static int drain(struct nbd_conn *c, uint32_t len)
{
	uint8_t *scratch;
	int err = 0;

	if (len > NBD_DRAIN_MAX)
		return -EMSGSIZE;
	scratch = malloc(64 * 1024);
	if (!scratch)
		return -ENOMEM;
	while (!err && len) {
		uint32_t n = len < 64 * 1024 ? len : 64 * 1024;

		err = nbd_conn_read(c, scratch, n, -1);
		len -= n;
	}
	free(scratch);
	return err;
}

/* A request that failed its checks: 0 to go on, negative to drop the link. */
static int refuse(struct nbd_conn *c, const struct nbd_request *r, uint32_t nbd_err,
		  const char *why)
{
	int err = 0;

	log_bad(c, r, "refused", why, PLAT_LOG_WARNING);
	if (nbd_request_has_payload(r)) {
		err = drain(c, r->len);
		if (err == -EMSGSIZE)
			plat_warn("nbd: %s: %s: %u byte WRITE payload not drained, closing",
				  c->exp->name, c->name, r->len);
		if (err)
			return err;
	}
	nbd_conn_send_error(c, r, nbd_err, why);
	return 0;
}

/* One request off the wire, under recv_lock: 0 with *out set (or NULL when
 * the request was refused and answered), 1 after DISC, negative on error. */
static int read_request(struct nbd_worker *w, struct nbd_req **out)
{
	struct nbd_conn *c = w->c;
	uint8_t hdr[NBD_REQUEST_LEN];
	struct nbd_request r;
	struct nbd_req *q;
	const char *why;
	uint32_t nbd_err;
	int err;

	*out = NULL;
	err = nbd_conn_read(c, hdr, sizeof(hdr), -1);
	if (err)
		return err;
	if (nbd_request_decode(hdr, &r)) {
		plat_warn("nbd: %s: %s: bad request magic 0x%08x, dropping the connection",
			  c->exp->name, c->name, nbd_get32(hdr));
		return -EPROTO;
	}
	if (r.type == NBD_CMD_DISC)
		return 1;
	nbd_err = nbd_request_check(&r, &c->lim, &why);
	if (nbd_err)
		return refuse(c, &r, nbd_err, why);
	q = req_get(w, r.type == NBD_CMD_READ || r.type == NBD_CMD_WRITE ? r.len : 0);
	if (!q)
		return refuse(c, &r, NBD_ENOMEM, "out of memory");
	q->r = r;
	if (nbd_request_has_payload(&r)) {
		err = nbd_conn_read(c, q->data, r.len, -1);
		if (err) {
			req_put(w, q);
			return err;
		}
	}
	*out = q;
	return 0;
}

/* Every worker takes its turn at reading: the one that read a request runs
 * it and replies while the next reads, so a request never waits for a
 * hand-over between threads, and with a fast backend one or two threads
 * do all the work (measured: a reader thread feeding a queue lost a third
 * of nbdkit's 4 KiB write IOPS to context switches on two cores). */
static void *worker_main(void *arg)
{
	struct nbd_worker *w = arg;
	struct nbd_conn *c = w->c;
	struct nbd_req *q;
	int rc;

	for (;;) {
		plat_mutex_lock(&c->recv_lock);
		rc = c->quit ? 1 : read_request(w, &q);
		if (rc && !c->quit) {
			c->quit = true;
			c->end = rc;
		}
		plat_mutex_unlock(&c->recv_lock);
		if (rc)
			break;
		if (q) {
			run(c, q);
			req_put(w, q);
		}
	}
	req_free(w->cache);
	w->cache = NULL;
	return NULL;
}

void nbd_transmit(struct nbd_conn *c)
{
	unsigned n = c->srv->cfg.workers, i;

	c->workers = calloc(n, sizeof(*c->workers));
	if (!c->workers) {
		plat_err("nbd: %s: %s: out of memory", c->exp->name, c->name);
		return;
	}
	for (i = 0; i < n; i++)
		c->workers[i].c = c;
	/* This thread is worker 0. */
	for (c->nworkers = 1; c->nworkers < n; c->nworkers++)
		if (plat_thread_start(&c->workers[c->nworkers].thread, worker_main,
				      &c->workers[c->nworkers], "nbd-worker"))
			break;
	if (c->nworkers < n)
		plat_warn("nbd: %s: %s: only %u of %u worker threads started",
			  c->exp->name, c->name, c->nworkers, n);
	worker_main(&c->workers[0]);
	/* After DISC the spec wants outstanding requests answered first:
	 * each worker finishes the request it holds before it stops. */
	for (i = 1; i < c->nworkers; i++)
		plat_thread_join(c->workers[i].thread, NULL);
	free(c->workers);
	if (c->end < 0 && c->end != -ECONNRESET)
		plat_info("nbd: %s: %s: connection lost: %s", c->exp->name, c->name,
			  plat_strerror(c->end));
}
