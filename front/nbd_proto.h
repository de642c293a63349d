/* NBD wire format: constants and pure encoders/decoders (no I/O).
 *
 * Written from the public NBD protocol document (NetworkBlockDevice/nbd,
 * doc/proto.md): fixed newstyle handshake, option haggling, transmission
 * phase with simple and structured replies. All integers are big-endian.
 */
#ifndef UDRBD_FRONT_NBD_PROTO_H
#define UDRBD_FRONT_NBD_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- handshake ---------------------------------------------------------- */

#define NBD_MAGIC_INIT		0x4e42444d41474943ULL	/* "NBDMAGIC" */
#define NBD_MAGIC_OPT		0x49484156454f5054ULL	/* "IHAVEOPT" */
#define NBD_MAGIC_OPT_REPLY	0x0003e889045565a9ULL

#define NBD_FLAG_FIXED_NEWSTYLE	(1u << 0)
#define NBD_FLAG_NO_ZEROES	(1u << 1)
#define NBD_FLAG_C_FIXED_NEWSTYLE NBD_FLAG_FIXED_NEWSTYLE
#define NBD_FLAG_C_NO_ZEROES	NBD_FLAG_NO_ZEROES

#define NBD_OPT_EXPORT_NAME	1
#define NBD_OPT_ABORT		2
#define NBD_OPT_LIST		3
#define NBD_OPT_STARTTLS	5
#define NBD_OPT_INFO		6
#define NBD_OPT_GO		7
#define NBD_OPT_STRUCTURED_REPLY 8
#define NBD_OPT_LIST_META_CONTEXT 9
#define NBD_OPT_SET_META_CONTEXT 10
#define NBD_OPT_EXTENDED_HEADERS 11

#define NBD_REP_ACK		1
#define NBD_REP_SERVER		2
#define NBD_REP_INFO		3
#define NBD_REP_FLAG_ERROR	(1u << 31)
#define NBD_REP_ERR_UNSUP	(NBD_REP_FLAG_ERROR | 1)
#define NBD_REP_ERR_POLICY	(NBD_REP_FLAG_ERROR | 2)
#define NBD_REP_ERR_INVALID	(NBD_REP_FLAG_ERROR | 3)
#define NBD_REP_ERR_PLATFORM	(NBD_REP_FLAG_ERROR | 4)
#define NBD_REP_ERR_TLS_REQD	(NBD_REP_FLAG_ERROR | 5)
#define NBD_REP_ERR_UNKNOWN	(NBD_REP_FLAG_ERROR | 6)
#define NBD_REP_ERR_SHUTDOWN	(NBD_REP_FLAG_ERROR | 7)
#define NBD_REP_ERR_BLOCK_SIZE_REQD (NBD_REP_FLAG_ERROR | 8)
#define NBD_REP_ERR_TOO_BIG	(NBD_REP_FLAG_ERROR | 9)

#define NBD_INFO_EXPORT		0
#define NBD_INFO_NAME		1
#define NBD_INFO_DESCRIPTION	2
#define NBD_INFO_BLOCK_SIZE	3

/* Transmission flags. */
#define NBD_FLAG_HAS_FLAGS	(1u << 0)
#define NBD_FLAG_READ_ONLY	(1u << 1)
#define NBD_FLAG_SEND_FLUSH	(1u << 2)
#define NBD_FLAG_SEND_FUA	(1u << 3)
#define NBD_FLAG_ROTATIONAL	(1u << 4)
#define NBD_FLAG_SEND_TRIM	(1u << 5)
#define NBD_FLAG_SEND_WRITE_ZEROES (1u << 6)
#define NBD_FLAG_SEND_DF	(1u << 7)
#define NBD_FLAG_CAN_MULTI_CONN	(1u << 8)

/* Sizes of the fixed parts. */
#define NBD_GREETING_LEN	18	/* magic, IHAVEOPT, handshake flags */
#define NBD_OPT_HDR_LEN		16	/* IHAVEOPT, option, length */
#define NBD_OPT_REPLY_HDR_LEN	20	/* magic, option, type, length */
#define NBD_EXPORT_NAME_REPLY_LEN 134	/* size, flags, 124 zeroes */
#define NBD_EXPORT_NAME_REPLY_SHORT 10	/* with NO_ZEROES */

/* Our own bounds (the spec caps strings at 4096 bytes; our export names are
 * short, "drbd<minor>"). Options longer than NBD_OPT_DATA_MAX end the
 * connection: no option we support needs more. */
#define NBD_NAME_MAX		255
#define NBD_DESC_MAX		255
#define NBD_MSG_MAX		255
#define NBD_OPT_DATA_MAX	(64u * 1024)

/* ---- transmission ------------------------------------------------------- */

#define NBD_MAGIC_REQUEST	0x25609513u
#define NBD_MAGIC_SIMPLE_REPLY	0x67446698u
#define NBD_MAGIC_STRUCTURED_REPLY 0x668e33efu

#define NBD_CMD_READ		0
#define NBD_CMD_WRITE		1
#define NBD_CMD_DISC		2
#define NBD_CMD_FLUSH		3
#define NBD_CMD_TRIM		4
#define NBD_CMD_CACHE		5
#define NBD_CMD_WRITE_ZEROES	6
#define NBD_CMD_BLOCK_STATUS	7

#define NBD_CMD_FLAG_FUA	(1u << 0)
#define NBD_CMD_FLAG_NO_HOLE	(1u << 1)
#define NBD_CMD_FLAG_DF		(1u << 2)
#define NBD_CMD_FLAG_REQ_ONE	(1u << 3)
#define NBD_CMD_FLAG_FAST_ZERO	(1u << 4)

#define NBD_REPLY_FLAG_DONE	(1u << 0)
#define NBD_REPLY_TYPE_NONE	0
#define NBD_REPLY_TYPE_OFFSET_DATA 1
#define NBD_REPLY_TYPE_ERROR	((1u << 15) | 1)

/* Error numbers on the wire are Linux's, whatever the host's errno says. */
#define NBD_EPERM		1
#define NBD_EIO			5
#define NBD_ENOMEM		12
#define NBD_EINVAL		22
#define NBD_ENOSPC		28
#define NBD_EOVERFLOW		75
#define NBD_ENOTSUP		95
#define NBD_ESHUTDOWN		108

#define NBD_REQUEST_LEN		28
#define NBD_SIMPLE_REPLY_LEN	16
#define NBD_CHUNK_HDR_LEN	20
/* OFFSET_DATA chunk header plus its offset field: what precedes read data. */
#define NBD_READ_CHUNK_HDR_LEN	(NBD_CHUNK_HDR_LEN + 8)
#define NBD_ERROR_CHUNK_MAX	(NBD_CHUNK_HDR_LEN + 6 + NBD_MSG_MAX)

/* ---- byte helpers -------------------------------------------------------- */

static inline void nbd_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void nbd_put32(uint8_t *p, uint32_t v)
{
	nbd_put16(p, (uint16_t)(v >> 16));
	nbd_put16(p + 2, (uint16_t)v);
}

static inline void nbd_put64(uint8_t *p, uint64_t v)
{
	nbd_put32(p, (uint32_t)(v >> 32));
	nbd_put32(p + 4, (uint32_t)v);
}

static inline uint16_t nbd_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t nbd_get32(const uint8_t *p)
{
	return (uint32_t)nbd_get16(p) << 16 | nbd_get16(p + 2);
}

static inline uint64_t nbd_get64(const uint8_t *p)
{
	return (uint64_t)nbd_get32(p) << 32 | nbd_get32(p + 4);
}

/* Growable output buffer for option replies; an allocation failure sticks
 * and is reported once by nbd_buf_failed(). */
struct nbd_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

void nbd_buf_reset(struct nbd_buf *b);
void nbd_buf_free(struct nbd_buf *b);
void nbd_buf_put(struct nbd_buf *b, const void *data, size_t len);
void nbd_buf_put16(struct nbd_buf *b, uint16_t v);
void nbd_buf_put32(struct nbd_buf *b, uint32_t v);
void nbd_buf_put64(struct nbd_buf *b, uint64_t v);
static inline bool nbd_buf_failed(const struct nbd_buf *b)
{
	return b->oom;
}

/* ---- handshake codec ----------------------------------------------------- */

void nbd_greeting_encode(uint8_t out[NBD_GREETING_LEN]);
/* Client flags: 0, or -EPROTO for bits we do not know (the spec says the
 * server then closes). *no_zeroes tells whether NO_ZEROES was agreed. */
int nbd_client_flags_decode(const uint8_t in[4], bool *fixed, bool *no_zeroes);

struct nbd_opt_hdr {
	uint32_t opt;
	uint32_t len;
};
/* 0, or -EPROTO on a wrong magic. */
int nbd_opt_hdr_decode(const uint8_t in[NBD_OPT_HDR_LEN], struct nbd_opt_hdr *h);
/* One option reply: header then payload. */
void nbd_opt_reply(struct nbd_buf *b, uint32_t opt, uint32_t type,
		   const void *data, uint32_t len);
/* An error reply whose payload is a human-readable message. */
void nbd_opt_reply_msg(struct nbd_buf *b, uint32_t opt, uint32_t type,
		       const char *msg);

/* Parsed NBD_OPT_INFO / NBD_OPT_GO payload; name points into the input. */
struct nbd_go_req {
	const uint8_t *name;
	uint32_t name_len;
	uint16_t n_info;
	const uint8_t *info;	/* n_info big-endian 16-bit codes */
};
/* 0, or -EINVAL when the lengths inside disagree with the option length. */
int nbd_go_req_decode(const uint8_t *data, uint32_t len, struct nbd_go_req *r);
bool nbd_go_req_wants(const struct nbd_go_req *r, uint16_t info);

/* ---- transmission codec -------------------------------------------------- */

struct nbd_request {
	uint16_t flags;
	uint16_t type;
	uint64_t cookie;
	uint64_t offset;
	uint32_t len;
};

/* What a connection agreed on with its export; input to request checks. */
struct nbd_limits {
	uint64_t size;
	uint32_t min_block;
	uint32_t max_payload;
	uint16_t tflags;	/* transmission flags sent to the client */
	bool structured;
};

/* 0, or -EPROTO on a wrong magic (the connection cannot be resynchronised). */
int nbd_request_decode(const uint8_t in[NBD_REQUEST_LEN], struct nbd_request *r);
void nbd_request_encode(const struct nbd_request *r, uint8_t out[NBD_REQUEST_LEN]);
/* Validates a decoded request against the limits: 0 when it may run, else
 * the NBD error to reply with, and *why says what was wrong. */
uint32_t nbd_request_check(const struct nbd_request *r, const struct nbd_limits *l,
			   const char **why);
static inline bool nbd_request_has_payload(const struct nbd_request *r)
{
	return r->type == NBD_CMD_WRITE;
}
const char *nbd_cmd_name(uint16_t type);

void nbd_simple_reply_encode(uint8_t out[NBD_SIMPLE_REPLY_LEN], uint64_t cookie,
			     uint32_t nbd_err);
void nbd_chunk_hdr_encode(uint8_t out[NBD_CHUNK_HDR_LEN], uint16_t flags,
			  uint16_t type, uint64_t cookie, uint32_t len);
/* OFFSET_DATA header (with DONE) for a whole read of len bytes at offset. */
void nbd_read_chunk_encode(uint8_t out[NBD_READ_CHUNK_HDR_LEN], uint64_t cookie,
			   uint64_t offset, uint32_t len);
/* Final ERROR chunk with a message (truncated to NBD_MSG_MAX); returns the
 * number of bytes written, at most NBD_ERROR_CHUNK_MAX. */
size_t nbd_error_chunk_encode(uint8_t out[NBD_ERROR_CHUNK_MAX], uint64_t cookie,
			      uint32_t nbd_err, const char *msg);
/* Maps our negative errno-style codes to NBD wire error numbers. */
uint32_t nbd_errno_to_wire(int neg_err);

#endif
