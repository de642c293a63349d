/* wire/bitmap: the bitmap exchange, P_BITMAP and P_COMPRESSED_BITMAP
 * (drbd-wire-protocol.md §7).
 *
 * One peer slot's bitmap travels as 64-bit little-endian words, one bit
 * per 4 KiB, in a sequence of packets of at most DRBD_SOCKET_BUFFER_SIZE
 * bytes including the header. Sender and receiver each keep a struct bm_xfer:
 * the sender calls bm_xfer_encode() for one payload at a time until
 * bm_xfer_done(); the receiver feeds every payload to bm_xfer_decode()
 * until it returns 0. Both sides move their bit and word positions by the
 * same rules, which is what keeps them in step across chunks.
 *
 * Bits come from a source and go to a sink with the semantics of
 * md/bitmap.h's bm_get_word64 / bm_or_word64 (word idx = bits 64*idx ..
 * 64*idx+63, bit 0 = LSB), so the engine adapts a slot in two lines.
 * Pure: no I/O, no allocation.
 */
#ifndef UDRBD_WIRE_BITMAP_H
#define UDRBD_WIRE_BITMAP_H

#include "wire/header.h"

/* P_COMPRESSED_BITMAP encoding byte (§7.4). */
#define BM_RLE_VLI_BITS 2u
#define BM_ENC_CODE(e) ((e) & 0x0fu)
#define BM_ENC_PAD(e) (((e) >> 4) & 0x07u)
#define BM_ENC_START_SET 0x80u

/* Index into the statistics, as in DRBD: [command == P_BITMAP]. */
enum bm_chunk {
	BM_CHUNK_RLE = 0,	/* P_COMPRESSED_BITMAP */
	BM_CHUNK_PLAIN = 1,	/* P_BITMAP */
};

struct bm_xfer_source {
	/* Bits 64*idx .. 64*idx+63; bits at or beyond bm_bits are ignored. */
	uint64_t (*get_word)(void *ctx, uint64_t idx);
	void *ctx;
};

struct bm_xfer_sink {
	/* ORs bits into word idx; returns how many were newly set (0 if
	 * the sink does not know). Never called with bits >= bm_bits. */
	uint64_t (*or_word)(void *ctx, uint64_t idx, uint64_t bits);
	void *ctx;
};

struct bm_xfer_stats {
	uint32_t packets[2];	/* by enum bm_chunk */
	uint32_t bytes[2];	/* header + payload, like DRBD's counters */
	uint64_t new_bits;	/* receiver: sum of the sink's returns */
};

struct bm_xfer {
	uint64_t bm_bits;
	uint64_t bm_words;	/* 64-bit words: ceil(bm_bits / 64) */
	uint64_t bit_offset;	/* next bit */
	uint64_t word_offset;	/* next word of a plain chunk */
	unsigned int apv;
	unsigned int header_size;	/* 8 (h80/h95) or 16 (h100) */
	bool use_rle;		/* sender: apv >= 90 and net option use-rle */
	bool done;
	struct bm_xfer_stats stats;
};

/* apv is the agreed protocol version: its header size sizes every chunk
 * on both sides, and RLE needs apv >= 90. use_rle is the net option
 * (default yes; only the sender looks at it). -EINVAL for apv 0. */
int bm_xfer_init(struct bm_xfer *x, uint64_t bm_bits, unsigned int apv,
		 bool use_rle);

static inline bool bm_xfer_done(const struct bm_xfer *x)
{
	return x->done;
}

/* Largest payload of one bitmap packet: the size of the buffer that
 * bm_xfer_encode() needs. */
static inline size_t bm_xfer_payload_max(const struct bm_xfer *x)
{
	return DRBD_SOCKET_BUFFER_SIZE - x->header_size;
}

/* Writes the next payload into buf (size >= bm_xfer_payload_max()) and
 * its command (P_BITMAP or P_COMPRESSED_BITMAP) into *cmd; returns its
 * length (0 is the plain terminator, which is sent too). -EMSGSIZE if buf
 * is too small, -EINVAL once done, -EOVERFLOW if a run is too long for
 * the VLI code (never below 2^56 bits). */
int bm_xfer_encode(struct bm_xfer *x, const struct bm_xfer_source *src,
		   uint8_t *buf, size_t size, uint16_t *cmd);
/* The same as a whole packet, header included, for volume vnr (cap >=
 * DRBD_SOCKET_BUFFER_SIZE); returns its length. */
int bm_xfer_encode_packet(struct bm_xfer *x, const struct bm_xfer_source *src,
			  uint16_t vnr, uint8_t *buf, size_t cap);

/* Applies one received P_BITMAP or P_COMPRESSED_BITMAP payload. Returns 1
 * if more packets must follow, 0 when the transfer is complete, or (with
 * wire_last_error() set):
 *   -EBADMSG  a plain length other than the one expected, a compressed
 *             payload shorter than 2 or longer than bm_xfer_payload_max
 *   -EPROTO   another command, a packet after the end, an unknown
 *             encoding, non-zero pad bits, a stream that does not split
 *             into whole code words, a run past bm_bits
 * On error the sink may already have received some of the chunk's bits
 * (harmless: the connection is dropped and the bits only mean "resync"). */
int bm_xfer_decode(struct bm_xfer *x, uint16_t cmd, const uint8_t *p,
		   size_t len, const struct bm_xfer_sink *sink);

/* The body of DRBD's "<direction> bitmap stats" log line, e.g.
 * "send bitmap stats [Bytes(packets)]: plain 0(0), RLE 89(1), total 89;
 * compression: 69.1%" (8.4 formula, 64-bit words). Returns its length, or
 * 0 and an empty buf when DRBD prints nothing (nothing sent, or no
 * smaller than a plain transfer). */
int bm_xfer_stats_format(const struct bm_xfer *x, const char *direction,
			 char *buf, size_t size);

/* Source and sink over a host-order uint64_t array (ctx), for callers
 * that hold a slot as words and for tests. */
uint64_t bm_xfer_array_get(void *ctx, uint64_t idx);
uint64_t bm_xfer_array_or(void *ctx, uint64_t idx, uint64_t bits);

#endif
