/* Packet headers h80 / h95 / h100 (drbd-wire-protocol.md §3), the 8-byte
 * first packets of each socket (§2.2), and the "packet view" a receiver
 * gets from a header: command, volume, payload length, checked against
 * what the command may carry at the agreed version. */
#ifndef UDRBD_WIRE_HEADER_H
#define UDRBD_WIRE_HEADER_H

#include "wire/packets.h"

#define WIRE_H80_SIZE 8u
#define WIRE_H95_SIZE 8u
#define WIRE_H100_SIZE 16u
#define WIRE_HEADER_MAX 16u
#define WIRE_INITIAL_SIZE 8u

enum wire_header_kind {
	WIRE_H80,
	WIRE_H95,
	WIRE_H100,
};

struct wire_header {
	uint8_t kind;		/* enum wire_header_kind */
	uint8_t size;		/* header bytes */
	uint16_t cmd;
	uint16_t vnr;		/* volume; 0 for h80/h95 */
	uint32_t length;	/* payload bytes after the header */
};

/* Bytes a receiver reads for the next header at this apv (0 = features
 * not yet exchanged): 16 from apv 100 on, else 8. */
size_t wire_header_size(unsigned apv);

/* Writes the header the sender uses at this apv (§3.3 table): h100 from
 * 100, h95 for payloads over 32 KiB at 95..99, else h80. Returns the header
 * size, or -EMSGSIZE (cap too small, or a length h80 cannot carry). */
int wire_header_encode(uint8_t *buf, size_t cap, unsigned apv, uint16_t cmd,
		       uint16_t vnr, uint32_t length);

/* Reads the header at buf, accepting what an 8.4 receiver accepts at this
 * apv: h100 only from 100 on, h80 or h95 below, h80 only before features.
 * Returns the header size; -EAGAIN if len is shorter than that header;
 * -EPROTO for a wrong magic or a non-zero h100 pad. */
int wire_header_decode(const uint8_t *buf, size_t len, unsigned apv,
		       struct wire_header *h);

/* P_INITIAL_DATA / P_INITIAL_META: an h80 header with length 0. */
int wire_initial_encode(uint8_t *buf, size_t cap, uint16_t cmd);
/* Returns the command (P_INITIAL_DATA or P_INITIAL_META) or -EPROTO. */
int wire_initial_decode(const uint8_t *buf, size_t len);

/* What a receiver knows once it has the header. */
struct wire_packet {
	struct wire_header hdr;
	const struct wire_cmd_info *info;
	bool ignore;		/* known, no action: skip hdr.length bytes */
};

/* Decodes and validates a header received on socket sock: the command
 * must be known, belong to that socket (WIRE_SOCK_ANY: any), to the
 * agreed dialect (DRBD 9 packets are refused below apv 110, except
 * P_ENABLE_REPLICATION, which is ignored), and its payload length must
 * fit (wire_payload_size). Returns the header size, -EAGAIN for a short
 * buffer, or -EPROTO / -EBADMSG. */
int wire_packet_decode(const struct wire_proto *p, enum wire_sock sock,
		       const uint8_t *buf, size_t len, struct wire_packet *pkt);

/* Starts a packet whose header announces length payload bytes, of which
 * the first in_buf are to be written into buf too (the rest, bulk data,
 * the caller sends itself). Returns the header size (the payload goes at
 * buf + that), or -EMSGSIZE when cap cannot hold header + in_buf. Every
 * encoder starts with it. */
int wire_packet_start(const struct wire_proto *p, uint16_t cmd, uint16_t vnr,
		      uint32_t length, size_t in_buf, uint8_t *buf, size_t cap);

/* For packets without bulk data: starts one with a len-byte payload and
 * returns where the payload goes, with the whole packet's size (or the
 * error) in *rc; NULL on error. */
static inline uint8_t *wire_fixed_start(const struct wire_proto *p,
					uint16_t cmd, uint16_t vnr,
					uint32_t len, uint8_t *buf,
					size_t cap, int *rc)
{
	int hs = wire_packet_start(p, cmd, vnr, len, len, buf, cap);

	*rc = hs < 0 ? hs : hs + (int)len;
	return hs < 0 ? NULL : buf + hs;
}

/* A header-only packet: P_PING, P_PING_ACK, P_UNPLUG_REMOTE. */
int wire_empty_encode(const struct wire_proto *p, uint16_t cmd, uint16_t vnr,
		      uint8_t *buf, size_t cap);

#endif
