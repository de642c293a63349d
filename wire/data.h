/* Data-path packets (drbd-wire-protocol.md §6.1-6.5, §9, §12, §13): writes
 * and replies with their data, trims/zeroes, block requests, acks,
 * barriers, out-of-sync ranges. block_id and barrier numbers are opaque
 * (§3.4): they hold the bytes as sent, in host order, so echoing them back
 * is exact; compare them only with values we produced ourselves, or use
 * wire_ov_result_id() for P_OV_RESULT. */
#ifndef UDRBD_WIRE_DATA_H
#define UDRBD_WIRE_DATA_H

#include "wire/header.h"

/* P_DATA, P_DATA_REPLY, P_RS_DATA_REPLY (p_data, 24 bytes), and P_TRIM,
 * P_ZEROES, P_WSAME (p_trim / p_wsame, 28 bytes: + size). */
struct wire_data {
	uint64_t sector;
	uint64_t block_id;	/* opaque */
	uint32_t seq_num;
	uint32_t dp_flags;	/* DP_* */
	uint32_t size;		/* P_TRIM/P_ZEROES/P_WSAME only: bytes affected */
	/* filled by the decoder from the payload length: */
	uint32_t digest_size;	/* integrity digest after the fixed part */
	uint32_t data_size;	/* data bytes after the digest */
};

/* Commands with a struct wire_data / struct wire_block_req payload. */
bool wire_is_data_cmd(uint16_t cmd);
bool wire_is_block_req_cmd(uint16_t cmd);

/* Fixed part of cmd's payload: 24, or 28 for P_TRIM/P_ZEROES/P_WSAME. */
uint32_t wire_data_fixed_size(uint16_t cmd);

/* Writes header + fixed part + digest (p->digest_size bytes, may be NULL
 * when 0) for a packet carrying data_size data bytes, which the caller
 * sends right after. P_TRIM and P_ZEROES carry no digest and no data. */
int wire_data_encode(const struct wire_proto *p, uint16_t cmd, uint16_t vnr,
		     const struct wire_data *d, const uint8_t *digest,
		     uint32_t data_size, uint8_t *buf, size_t cap);

/* buf holds at least the fixed part (and the digest, if *digest is
 * wanted); payload_size is the header's length. Checks the sizes as
 * 8.4's read_in_block does: data (and trim/zeroes/wsame size) a multiple
 * of 512, data at most 1 MiB, size at most 128 MiB, no data after P_TRIM
 * and P_ZEROES. A zero-length P_DATA is legal (DRBD sends one with
 * DP_FLUSH). digest (may be NULL) points into buf when len covers it,
 * else its ptr is NULL. */
int wire_data_decode(const struct wire_proto *p, uint16_t cmd,
		     const uint8_t *buf, size_t len, uint32_t payload_size,
		     struct wire_data *d, struct wire_blob *digest);

/* p_block_req (24 bytes): P_DATA_REQUEST, P_RS_DATA_REQUEST,
 * P_RS_THIN_REQ, P_OV_REQUEST, and with a digest after it P_OV_REPLY,
 * P_CSUM_RS_REQUEST. */
struct wire_block_req {
	uint64_t sector;
	uint64_t block_id;	/* opaque; ID_SYNCER for resync/verify */
	uint32_t blksize;
	/* then a 4-byte pad: we send 0, and ignore it, because 8.4.11 leaves
	 * it uninitialised (non-zero in drbd84-wire s03 and s06) */
};

int wire_block_req_encode(const struct wire_proto *p, uint16_t cmd,
			  uint16_t vnr, const struct wire_block_req *r,
			  const uint8_t *digest, uint32_t digest_size,
			  uint8_t *buf, size_t cap);
/* blksize must be 0 < n <= 1 MiB and a multiple of 512 (8.4's
 * receive_DataRequest); the digest view covers the rest of pl. */
int wire_block_req_decode(uint16_t cmd, const uint8_t *pl, size_t len,
			  struct wire_block_req *r, struct wire_blob *digest);

/* p_block_ack (24 bytes): every meta-socket ack of §6.3. */
struct wire_block_ack {
	uint64_t sector;
	uint64_t block_id;	/* opaque, echoed */
	uint32_t blksize;
	uint32_t seq_num;	/* the acker's own counter */
};

int wire_block_ack_encode(const struct wire_proto *p, uint16_t cmd,
			  uint16_t vnr, const struct wire_block_ack *a,
			  uint8_t *buf, size_t cap);
int wire_block_ack_decode(const uint8_t *pl, size_t len,
			  struct wire_block_ack *a);

/* P_OV_RESULT: block_id carries ID_IN_SYNC / ID_OUT_OF_SYNC big-endian
 * (8.4's drbd_send_ack_ex converts it). These give and take that value. */
uint64_t wire_ov_result_id(const struct wire_block_ack *a);
void wire_ov_result_set_id(struct wire_block_ack *a, uint64_t id);

/* p_barrier / p_barrier_ack (8 bytes, §6.5) */
struct wire_barrier {
	uint32_t barrier;	/* opaque epoch number, echoed byte for byte */
	uint32_t set_size;	/* P_BARRIER_ACK: writes in the epoch */
};

/* Connection-wide: vnr 0 in the 8.4 dialect (DRBD 9 sends WIRE_VNR_CONN
 * even to 8.4-dialect peers, seen in drbd9-wire s08). */
int wire_barrier_encode(const struct wire_proto *p, uint16_t cmd, uint16_t vnr,
			const struct wire_barrier *b, uint8_t *buf, size_t cap);
/* P_BARRIER's pad is not checked: 8.4 ignores it too. */
int wire_barrier_decode(uint16_t cmd, const uint8_t *pl, size_t len,
			struct wire_barrier *b);

/* p_block_desc (16 bytes): P_OUT_OF_SYNC, P_RS_DEALLOCATED */
struct wire_block_desc {
	uint64_t sector;
	uint32_t blksize;
};

int wire_block_desc_encode(const struct wire_proto *p, uint16_t cmd,
			   uint16_t vnr, const struct wire_block_desc *b,
			   uint8_t *buf, size_t cap);
int wire_block_desc_decode(const uint8_t *pl, size_t len,
			   struct wire_block_desc *b);

#endif
