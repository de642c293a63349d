/* NBD byte layouts: greeting, option headers and replies, requests and
 * replies of the transmission phase. Pure functions over buffers. */
#include "front/nbd_proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plat/plat.h"

void nbd_buf_reset(struct nbd_buf *b)
{
	b->len = 0;
	b->oom = false;
}

void nbd_buf_free(struct nbd_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void nbd_buf_put(struct nbd_buf *b, const void *data, size_t len)
{
	if (b->oom || !len)
		return;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *p;

		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

void nbd_buf_put16(struct nbd_buf *b, uint16_t v)
{
	uint8_t x[2];

	nbd_put16(x, v);
	nbd_buf_put(b, x, sizeof(x));
}

void nbd_buf_put32(struct nbd_buf *b, uint32_t v)
{
	uint8_t x[4];

	nbd_put32(x, v);
	nbd_buf_put(b, x, sizeof(x));
}

void nbd_buf_put64(struct nbd_buf *b, uint64_t v)
{
	uint8_t x[8];

	nbd_put64(x, v);
	nbd_buf_put(b, x, sizeof(x));
}

void nbd_greeting_encode(uint8_t out[NBD_GREETING_LEN])
{
	nbd_put64(out, NBD_MAGIC_INIT);
	nbd_put64(out + 8, NBD_MAGIC_OPT);
	nbd_put16(out + 16, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
}

int nbd_client_flags_decode(const uint8_t in[4], bool *fixed, bool *no_zeroes)
{
	uint32_t f = nbd_get32(in);

	if (f & ~(uint32_t)(NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES))
		return -EPROTO;
	*fixed = f & NBD_FLAG_C_FIXED_NEWSTYLE;
	*no_zeroes = f & NBD_FLAG_C_NO_ZEROES;
	return 0;
}

int nbd_opt_hdr_decode(const uint8_t in[NBD_OPT_HDR_LEN], struct nbd_opt_hdr *h)
{
	if (nbd_get64(in) != NBD_MAGIC_OPT)
		return -EPROTO;
	h->opt = nbd_get32(in + 8);
	h->len = nbd_get32(in + 12);
	return 0;
}

void nbd_opt_reply(struct nbd_buf *b, uint32_t opt, uint32_t type,
		   const void *data, uint32_t len)
{
	nbd_buf_put64(b, NBD_MAGIC_OPT_REPLY);
	nbd_buf_put32(b, opt);
	nbd_buf_put32(b, type);
	nbd_buf_put32(b, len);
	nbd_buf_put(b, data, len);
}

void nbd_opt_reply_msg(struct nbd_buf *b, uint32_t opt, uint32_t type,
		       const char *msg)
{
	size_t len = strnlen(msg, NBD_MSG_MAX);

	nbd_opt_reply(b, opt, type, msg, (uint32_t)len);
}

int nbd_go_req_decode(const uint8_t *data, uint32_t len, struct nbd_go_req *r)
{
	uint32_t rest;

	/* name length, name, count of info requests, the requests */
	if (len < 6)
		return -EINVAL;
	r->name_len = nbd_get32(data);
	if (r->name_len > len - 6)
		return -EINVAL;
	r->name = data + 4;
	rest = len - 4 - r->name_len;
	r->n_info = nbd_get16(data + 4 + r->name_len);
	if (rest - 2 != 2u * r->n_info)
		return -EINVAL;
	r->info = data + 6 + r->name_len;
	return 0;
}

bool nbd_go_req_wants(const struct nbd_go_req *r, uint16_t info)
{
	for (uint16_t i = 0; i < r->n_info; i++)
		if (nbd_get16(r->info + 2 * i) == info)
			return true;
	return false;
}

int nbd_request_decode(const uint8_t in[NBD_REQUEST_LEN], struct nbd_request *r)
{
	if (nbd_get32(in) != NBD_MAGIC_REQUEST)
		return -EPROTO;
	r->flags = nbd_get16(in + 4);
	r->type = nbd_get16(in + 6);
	r->cookie = nbd_get64(in + 8);
	r->offset = nbd_get64(in + 16);
	r->len = nbd_get32(in + 24);
	return 0;
}

void nbd_request_encode(const struct nbd_request *r, uint8_t out[NBD_REQUEST_LEN])
{
	nbd_put32(out, NBD_MAGIC_REQUEST);
	nbd_put16(out + 4, r->flags);
	nbd_put16(out + 6, r->type);
	nbd_put64(out + 8, r->cookie);
	nbd_put64(out + 16, r->offset);
	nbd_put32(out + 24, r->len);
}

const char *nbd_cmd_name(uint16_t type)
{
	switch (type) {
	case NBD_CMD_READ: return "READ";
	case NBD_CMD_WRITE: return "WRITE";
	case NBD_CMD_DISC: return "DISC";
	case NBD_CMD_FLUSH: return "FLUSH";
	case NBD_CMD_TRIM: return "TRIM";
	case NBD_CMD_CACHE: return "CACHE";
	case NBD_CMD_WRITE_ZEROES: return "WRITE_ZEROES";
	case NBD_CMD_BLOCK_STATUS: return "BLOCK_STATUS";
	}
	return "unknown command";
}

/* Per command: which flags it accepts, whether it is advertised, and how
 * its range is checked. */
struct cmd_rule {
	uint16_t flags;		/* accepted besides FUA */
	uint16_t needs;		/* transmission flag that advertises it */
	bool ranged;		/* offset/length address the device */
	bool writes;		/* modifies the device */
	bool payload;		/* length bounded by the maximum payload */
};

static bool cmd_rule(uint16_t type, bool structured, struct cmd_rule *c)
{
	memset(c, 0, sizeof(*c));
	switch (type) {
	case NBD_CMD_READ:
		c->flags = structured ? NBD_CMD_FLAG_DF : 0;
		c->ranged = c->payload = true;
		return true;
	case NBD_CMD_WRITE:
		c->ranged = c->payload = c->writes = true;
		return true;
	case NBD_CMD_DISC:
		return true;
	case NBD_CMD_FLUSH:
		/* WNBD sends SYNCHRONIZE CACHE's range in FLUSH; the spec
		 * wants zeroes there, we accept anything (ARCHITECTURE.md). */
		c->needs = NBD_FLAG_SEND_FLUSH;
		return true;
	case NBD_CMD_TRIM:
		c->needs = NBD_FLAG_SEND_TRIM;
		c->ranged = c->writes = true;
		return true;
	case NBD_CMD_WRITE_ZEROES:
		c->needs = NBD_FLAG_SEND_WRITE_ZEROES;
		c->flags = NBD_CMD_FLAG_NO_HOLE;
		c->ranged = c->writes = true;
		return true;
	}
	return false;
}

uint32_t nbd_request_check(const struct nbd_request *r, const struct nbd_limits *l,
			   const char **why)
{
	struct cmd_rule c;

	if (!cmd_rule(r->type, l->structured, &c) || (c.needs && !(l->tflags & c.needs))) {
		*why = "command not supported";
		return NBD_EINVAL;
	}
	/* FUA is harmless on any command; the spec lets servers ignore it
	 * where it means nothing. */
	if (r->flags & ~(c.flags | NBD_CMD_FLAG_FUA)) {
		*why = "unsupported command flags";
		return NBD_EINVAL;
	}
	if (!c.ranged)
		return 0;
	if (c.writes && (l->tflags & NBD_FLAG_READ_ONLY)) {
		*why = "export is read-only";
		return NBD_EPERM;
	}
	if (r->len == 0) {
		*why = "zero length";
		return NBD_EINVAL;
	}
	if (c.payload && r->len > l->max_payload) {
		*why = "longer than the maximum block size";
		return NBD_EINVAL;
	}
	if ((r->offset | r->len) & (l->min_block - 1)) {
		*why = "not aligned to the minimum block size";
		return NBD_EINVAL;
	}
	if (r->offset > l->size || r->len > l->size - r->offset) {
		*why = "beyond the end of the device";
		/* The spec asks for ENOSPC on writes past the end. */
		return c.writes && r->type != NBD_CMD_TRIM ? NBD_ENOSPC : NBD_EINVAL;
	}
	return 0;
}

void nbd_simple_reply_encode(uint8_t out[NBD_SIMPLE_REPLY_LEN], uint64_t cookie,
			     uint32_t nbd_err)
{
	nbd_put32(out, NBD_MAGIC_SIMPLE_REPLY);
	nbd_put32(out + 4, nbd_err);
	nbd_put64(out + 8, cookie);
}

void nbd_chunk_hdr_encode(uint8_t out[NBD_CHUNK_HDR_LEN], uint16_t flags,
			  uint16_t type, uint64_t cookie, uint32_t len)
{
	nbd_put32(out, NBD_MAGIC_STRUCTURED_REPLY);
	nbd_put16(out + 4, flags);
	nbd_put16(out + 6, type);
	nbd_put64(out + 8, cookie);
	nbd_put32(out + 16, len);
}

void nbd_read_chunk_encode(uint8_t out[NBD_READ_CHUNK_HDR_LEN], uint64_t cookie,
			   uint64_t offset, uint32_t len)
{
	nbd_chunk_hdr_encode(out, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_OFFSET_DATA,
			     cookie, len + 8);
	nbd_put64(out + NBD_CHUNK_HDR_LEN, offset);
}

size_t nbd_error_chunk_encode(uint8_t out[NBD_ERROR_CHUNK_MAX], uint64_t cookie,
			      uint32_t nbd_err, const char *msg)
{
	size_t mlen = msg ? strnlen(msg, NBD_MSG_MAX) : 0;

	nbd_chunk_hdr_encode(out, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_ERROR, cookie,
			     (uint32_t)(6 + mlen));
	nbd_put32(out + NBD_CHUNK_HDR_LEN, nbd_err);
	nbd_put16(out + NBD_CHUNK_HDR_LEN + 4, (uint16_t)mlen);
	if (mlen)
		memcpy(out + NBD_CHUNK_HDR_LEN + 6, msg, mlen);
	return NBD_CHUNK_HDR_LEN + 6 + mlen;
}

uint32_t nbd_errno_to_wire(int neg_err)
{
	switch (-neg_err) {
	case 0:
		return 0;
	case EPERM:
	case EROFS:
	case EACCES:
		return NBD_EPERM;
	case ENOMEM:
		return NBD_ENOMEM;
	case EINVAL:
		return NBD_EINVAL;
	case ENOSPC:
#ifdef EDQUOT
	case EDQUOT:
#endif
	case EFBIG:
		return NBD_ENOSPC;
	case EOVERFLOW:
		return NBD_EOVERFLOW;
	case EOPNOTSUPP:
		return NBD_ENOTSUP;
	case ESHUTDOWN:
		return NBD_ESHUTDOWN;
	}
	return NBD_EIO;
}
