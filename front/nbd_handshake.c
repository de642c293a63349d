/* NBD handshake I/O: greeting, client flags, then options until the client
 * goes to transmission or leaves. nbd_opt.c decides the replies. */
#include "front/nbd_int.h"

#include <stdlib.h>
#include <string.h>

int nbd_conn_read(struct nbd_conn *c, void *dst, size_t len, int timeout_ms)
{
	uint8_t *d = dst;
	long n;
	int rc;

	if (!c->rbuf && !(c->rbuf = malloc(NBD_RBUF_SIZE)))
		return -ENOMEM;
	while (len) {
		size_t avail = c->rtail - c->rhead;

		if (avail) {
			n = (long)(avail < len ? avail : len);
			memcpy(d, c->rbuf + c->rhead, (size_t)n);
			c->rhead += (size_t)n;
			d += n;
			len -= (size_t)n;
			continue;
		}
		if (timeout_ms >= 0) {
			rc = plat_sock_wait_readable(c->sock, timeout_ms);
			if (rc <= 0)
				return rc ? rc : -ETIMEDOUT;
		}
		/* Big payloads go straight to their buffer, no copy. */
		if (len >= NBD_RBUF_SIZE / 4)
			return plat_sock_recv_all(c->sock, d, len);
		c->rhead = c->rtail = 0;
		n = plat_sock_recv_some(c->sock, c->rbuf, NBD_RBUF_SIZE);
		if (n <= 0)
			return n ? (int)n : -ECONNRESET;
		c->rtail = (size_t)n;
	}
	return 0;
}

static int lookup_cb(void *arg, const uint8_t *name, uint32_t len, bool open,
		     struct nbd_export_info *info)
{
	return nbd_server_lookup(arg, name, len, open, info);
}

static int list_cb(void *arg, unsigned idx, struct nbd_export_info *info)
{
	struct nbd_conn *c = arg;

	return nbd_server_list(c->srv, idx, info);
}

static const struct nbd_opt_ops opt_ops = {
	.lookup = lookup_cb,
	.list = list_cb,
};

static int start(struct nbd_conn *c, bool *no_zeroes)
{
	uint8_t greet[NBD_GREETING_LEN], cf[4];
	bool fixed;
	int err;

	nbd_greeting_encode(greet);
	err = plat_sock_send_all(c->sock, greet, sizeof(greet));
	if (!err)
		err = nbd_conn_read(c, cf, sizeof(cf), NBD_HANDSHAKE_TIMEOUT_MS);
	if (err) {
		plat_info("nbd: %s: left during the handshake: %s", c->name,
			  plat_strerror(err));
		return err;
	}
	err = nbd_client_flags_decode(cf, &fixed, no_zeroes);
	if (err)
		plat_warn("nbd: %s: unknown client flags 0x%08x, closing", c->name,
			  nbd_get32(cf));
	return err;
}

/* Reads one option; its data lands in *data (reallocated as needed). */
static int read_option(struct nbd_conn *c, struct nbd_opt_hdr *h, uint8_t **data)
{
	uint8_t hdr[NBD_OPT_HDR_LEN];
	uint8_t *p;
	int err;

	err = nbd_conn_read(c, hdr, sizeof(hdr), NBD_HANDSHAKE_TIMEOUT_MS);
	if (err) {
		plat_info("nbd: %s: left during the handshake: %s", c->name,
			  plat_strerror(err));
		return err;
	}
	if (nbd_opt_hdr_decode(hdr, h)) {
		plat_warn("nbd: %s: garbage instead of an option (magic 0x%016llx), closing",
			  c->name, (unsigned long long)nbd_get64(hdr));
		return -EPROTO;
	}
	if (h->len > NBD_OPT_DATA_MAX) {
		plat_warn("nbd: %s: option %u with %u bytes of data, closing", c->name,
			  h->opt, h->len);
		return -EMSGSIZE;
	}
	p = realloc(*data, h->len + 1);
	if (!p)
		return -ENOMEM;
	*data = p;
	err = nbd_conn_read(c, p, h->len, NBD_HANDSHAKE_TIMEOUT_MS);
	if (err)
		plat_info("nbd: %s: left during option %s: %s", c->name,
			  nbd_opt_name(h->opt), plat_strerror(err));
	return err;
}

static void enter_transmission(struct nbd_conn *c, const struct nbd_opt_state *st)
{
	const struct nbd_export_info *e = &st->export;

	c->lim.size = e->size;
	c->lim.min_block = e->min_block;
	c->lim.max_payload = e->max_block;
	c->lim.tflags = e->tflags;
	c->lim.structured = st->structured;
	plat_info("nbd: %s: %s: opened (%llu bytes, %s replies)", e->name, c->name,
		  (unsigned long long)e->size, st->structured ? "structured" : "simple");
}

int nbd_handshake(struct nbd_conn *c)
{
	struct nbd_buf out = { 0 };
	struct nbd_opt_state st;
	struct nbd_opt_hdr h;
	uint8_t *data = NULL;
	bool no_zeroes;
	int err, next = NBD_OPT_NEXT_CLOSE;
	unsigned n;

	err = start(c, &no_zeroes);
	if (err)
		return err;
	nbd_opt_init(&st, &opt_ops, c, no_zeroes);
	for (n = 0; n < NBD_OPT_COUNT_MAX; n++) {
		err = read_option(c, &h, &data);
		if (err)
			goto out;
		nbd_buf_reset(&out);
		next = nbd_opt_handle(&st, h.opt, data, h.len, &out);
		if (next < 0) {
			err = next;
			goto out;
		}
		if (st.why[0])
			plat_log(st.why_routine ? PLAT_LOG_DEBUG : PLAT_LOG_INFO,
				 "nbd: %s: option %s refused: %s", c->name,
				 nbd_opt_name(h.opt), st.why);
		err = plat_sock_send_all(c->sock, out.p, out.len);
		if (err || next != NBD_OPT_NEXT_CONTINUE)
			goto out;
	}
	plat_warn("nbd: %s: more than %u options, closing", c->name, NBD_OPT_COUNT_MAX);
	err = -EPROTO;
out:
	nbd_buf_free(&out);
	free(data);
	if (!err && next == NBD_OPT_NEXT_TRANSMIT) {
		enter_transmission(c, &st);
		return 0;
	}
	/* A bound export stays with c->exp; conn_main releases it. */
	return err ? err : -ECONNRESET;
}
