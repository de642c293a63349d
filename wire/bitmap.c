/* wire/bitmap: see bitmap.h; rules in drbd-wire-protocol.md §7.3-7.5. */
#include <stdio.h>

#include "wire/bitmap.h"
#include "wire/vli.h"

int bm_xfer_init(struct bm_xfer *x, uint64_t bm_bits, unsigned int apv,
		 bool use_rle)
{
	if (apv == 0)
		return wire_fail(-EINVAL, "no agreed protocol version");
	*x = (struct bm_xfer){
		.bm_bits = bm_bits,
		.bm_words = (bm_bits + 63) / 64,
		.apv = apv,
		.header_size = (unsigned int)wire_header_size(apv),
		.use_rle = use_rle && apv >= 90,
	};
	return 0;
}

/* Bits of word idx that lie below bm_bits. */
static uint64_t valid_mask(const struct bm_xfer *x, uint64_t idx)
{
	uint64_t first = idx * 64;

	if (first >= x->bm_bits)
		return 0;
	if (x->bm_bits - first >= 64)
		return ~UINT64_C(0);
	return (UINT64_C(1) << (x->bm_bits - first)) - 1;
}

static uint64_t src_word(const struct bm_xfer *x,
			 const struct bm_xfer_source *src, uint64_t idx)
{
	return src->get_word(src->ctx, idx) & valid_mask(x, idx);
}

/* First bit >= from that is set (set) or clear (!set); bm_bits if none. */
static uint64_t find_bit(const struct bm_xfer *x,
			 const struct bm_xfer_source *src, uint64_t from,
			 bool set)
{
	while (from < x->bm_bits) {
		uint64_t idx = from / 64;
		uint64_t w = src_word(x, src, idx);

		if (!set)
			w = ~w;
		w &= ~UINT64_C(0) << (from % 64);
		if (w) {
			from = idx * 64 + (uint64_t)__builtin_ctzll(w);
			break;
		}
		from = (idx + 1) * 64;
	}
	return from < x->bm_bits ? from : x->bm_bits;
}

static void account(struct bm_xfer *x, enum bm_chunk kind, size_t len)
{
	x->stats.packets[kind]++;
	x->stats.bytes[kind] += x->header_size + (uint32_t)len;
}

/* Runs from bit_offset until the code buffer is full or the bitmap ends.
 * Returns the payload length, or 0 when this chunk should go plain: DRBD
 * keeps RLE only if it covers at least 8 plain bits per code byte. */
static int encode_rle(struct bm_xfer *x, const struct bm_xfer_source *src,
		      uint8_t *buf, size_t size)
{
	struct vli_writer w;
	uint64_t pos = x->bit_offset;
	bool start_set, set;
	size_t len;

	if (!x->use_rle || pos >= x->bm_bits)
		return 0;
	vli_writer_init(&w, buf + 1, size - 1);
	start_set = set = find_bit(x, src, pos, true) == pos;
	while (pos < x->bm_bits) {
		uint64_t end = find_bit(x, src, pos, !set);
		int r = vli_put(&w, end - pos);

		if (r == -ENOBUFS)
			break;
		if (r < 0)
			return wire_fail(r, "bitmap run too long for the VLI code");
		pos = end;
		set = !set;
	}
	len = vli_writer_bytes(&w);
	if (len == 0 || pos - x->bit_offset < (uint64_t)len * 8)
		return 0;
	buf[0] = (uint8_t)(BM_RLE_VLI_BITS | vli_writer_pad_bits(&w) << 4 |
			   (start_set ? BM_ENC_START_SET : 0));
	x->bit_offset = pos;
	x->word_offset = pos / 64;
	return (int)(len + 1);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Words in the next plain chunk: as many as fit, the same on both sides. */
static uint64_t plain_words(const struct bm_xfer *x)
{
	uint64_t fit = bm_xfer_payload_max(x) / 8;
	uint64_t left = x->bm_words - x->word_offset;

	return left < fit ? left : fit;
}

/* After a plain chunk the bit position restarts at a word boundary; the
 * word position is NOT re-derived from it later (the last word may be
 * partial), only an RLE chunk sets both. */
static void plain_advance(struct bm_xfer *x, uint64_t n)
{
	x->word_offset += n;
	x->bit_offset = x->word_offset * 64;
	if (x->bit_offset > x->bm_bits)
		x->bit_offset = x->bm_bits;
	if (n == 0)
		x->done = true;
}

static int encode_plain(struct bm_xfer *x, const struct bm_xfer_source *src,
			uint8_t *buf)
{
	uint64_t n = plain_words(x), i;

	for (i = 0; i < n; i++)
		put_le64(buf + 8 * i, src_word(x, src, x->word_offset + i));
	plain_advance(x, n);
	return (int)(n * 8);
}

int bm_xfer_encode(struct bm_xfer *x, const struct bm_xfer_source *src,
		   uint8_t *buf, size_t size, uint16_t *cmd)
{
	enum bm_chunk kind;
	int len;

	if (x->done)
		return wire_fail(-EINVAL, "bitmap already sent");
	if (size < bm_xfer_payload_max(x))
		return wire_fail(-EMSGSIZE, "buffer too small for a bitmap packet");
	len = encode_rle(x, src, buf, bm_xfer_payload_max(x));
	if (len < 0)
		return len;
	if (len > 0) {
		kind = BM_CHUNK_RLE;
		if (x->bit_offset >= x->bm_bits)
			x->done = true;
	} else {
		/* Not worth it: plain from the word holding the chunk's
		 * first bit; word_offset already is bit_offset / 64 (both
		 * chunk kinds leave it so), and re-sending bits an RLE
		 * chunk covered is harmless, the receiver ORs. */
		kind = BM_CHUNK_PLAIN;
		len = encode_plain(x, src, buf);
	}
	account(x, kind, (size_t)len);
	*cmd = kind == BM_CHUNK_PLAIN ? P_BITMAP : P_COMPRESSED_BITMAP;
	return len;
}

int bm_xfer_encode_packet(struct bm_xfer *x, const struct bm_xfer_source *src,
			  uint16_t vnr, uint8_t *buf, size_t cap)
{
	const struct wire_proto proto = { .apv = x->apv };
	uint16_t cmd;
	int len, hs;

	if (cap < DRBD_SOCKET_BUFFER_SIZE)
		return wire_fail(-EMSGSIZE, "buffer too small for a bitmap packet");
	len = bm_xfer_encode(x, src, buf + x->header_size,
			     cap - x->header_size, &cmd);
	if (len < 0)
		return len;
	hs = wire_packet_start(&proto, cmd, vnr, (uint32_t)len, (size_t)len,
			       buf, cap);
	return hs < 0 ? hs : hs + len;
}

/* Sets bits [first, first + count) through the sink, word by word. */
static void or_run(struct bm_xfer *x, const struct bm_xfer_sink *sink,
		   uint64_t first, uint64_t count)
{
	while (count) {
		unsigned int off = first % 64;
		uint64_t n = 64 - off < count ? 64 - off : count;
		uint64_t mask = n == 64 ? ~UINT64_C(0) :
				((UINT64_C(1) << n) - 1) << off;

		x->stats.new_bits += sink->or_word(sink->ctx, first / 64, mask);
		first += n;
		count -= n;
	}
}

static int decode_plain(struct bm_xfer *x, const uint8_t *p, size_t len,
			const struct bm_xfer_sink *sink)
{
	uint64_t n = plain_words(x), i;

	if (len != n * 8)
		return wire_fail(-EBADMSG, "P_BITMAP of unexpected length");
	for (i = 0; i < n; i++) {
		uint64_t idx = x->word_offset + i;
		/* DRBD drops bits past the end of the bitmap (it clears its
		 * surplus bits) rather than failing the transfer. */
		uint64_t v = get_le64(p + 8 * i) & valid_mask(x, idx);

		if (v)
			x->stats.new_bits += sink->or_word(sink->ctx, idx, v);
	}
	plain_advance(x, n);
	return n ? 1 : 0;
}

/* DRBD zeroes its code buffer, so set pad bits mean a corrupt stream. */
static bool pad_clear(const uint8_t *p, size_t len)
{
	unsigned int pad = BM_ENC_PAD(p[0]);

	return pad == 0 || (p[len - 1] >> (8 - pad)) == 0;
}

static int decode_rle(struct bm_xfer *x, const uint8_t *p, size_t len,
		      const struct bm_xfer_sink *sink)
{
	struct vli_reader r;
	uint64_t pos = x->bit_offset, rl;
	bool set = p[0] & BM_ENC_START_SET;
	int bits;

	if (len < 2 || len > bm_xfer_payload_max(x))
		return wire_fail(-EBADMSG, "P_COMPRESSED_BITMAP of bad length");
	if (BM_ENC_CODE(p[0]) != BM_RLE_VLI_BITS)
		return wire_fail(-EPROTO, "unknown bitmap encoding");
	if (!pad_clear(p, len))
		return wire_fail(-EPROTO, "bitmap pad bits not zero");
	vli_reader_init(&r, p + 1, len - 1, BM_ENC_PAD(p[0]));
	while ((bits = vli_get(&r, &rl)) > 0) {
		if (rl > x->bm_bits - pos)
			return wire_fail(-EPROTO, "bitmap run past the end");
		if (set)
			or_run(x, sink, pos, rl);
		pos += rl;
		set = !set;
	}
	if (bits < 0)
		return wire_fail(-EPROTO, "bitmap code stream cut short");
	x->bit_offset = pos;
	x->word_offset = pos / 64;
	if (pos == x->bm_bits)
		x->done = true;
	return x->done ? 0 : 1;
}

int bm_xfer_decode(struct bm_xfer *x, uint16_t cmd, const uint8_t *p,
		   size_t len, const struct bm_xfer_sink *sink)
{
	int r;

	if (x->done)
		return wire_fail(-EPROTO, "bitmap packet after the end");
	if (cmd == P_BITMAP)
		r = decode_plain(x, p, len, sink);
	else if (cmd == P_COMPRESSED_BITMAP)
		r = decode_rle(x, p, len, sink);
	else
		return wire_fail(-EPROTO, "not a bitmap packet");
	if (r >= 0)
		account(x, cmd == P_BITMAP ? BM_CHUNK_PLAIN : BM_CHUNK_RLE, len);
	return r;
}

/* DRBD 8.4 compares against what a plain transfer would have cost, with
 * its own (odd but fixed) packet count term and in 32-bit arithmetic. */
int bm_xfer_stats_format(const struct bm_xfer *x, const char *direction,
			 char *buf, size_t size)
{
	const struct bm_xfer_stats *s = &x->stats;
	uint32_t data_size = DRBD_SOCKET_BUFFER_SIZE - x->header_size;
	uint32_t plain = (uint32_t)(x->header_size *
				    ((x->bm_words + data_size - 1) / data_size + 1) +
				    x->bm_words * 8);
	uint32_t total = s->bytes[BM_CHUNK_RLE] + s->bytes[BM_CHUNK_PLAIN];
	uint32_t r;

	if (size)
		buf[0] = 0;
	if (total == 0 || total >= plain)
		return 0;
	r = total > UINT32_MAX / 1000 ? total / (plain / 1000) :
					1000 * total / plain;
	r = 1000 - (r > 1000 ? 1000 : r);
	return snprintf(buf, size, "%s bitmap stats [Bytes(packets)]: "
			"plain %u(%u), RLE %u(%u), total %u; compression: %u.%u%%",
			direction, s->bytes[BM_CHUNK_PLAIN], s->packets[BM_CHUNK_PLAIN],
			s->bytes[BM_CHUNK_RLE], s->packets[BM_CHUNK_RLE], total,
			r / 10, r % 10);
}

uint64_t bm_xfer_array_get(void *ctx, uint64_t idx)
{
	return ((const uint64_t *)ctx)[idx];
}

uint64_t bm_xfer_array_or(void *ctx, uint64_t idx, uint64_t bits)
{
	uint64_t *w = (uint64_t *)ctx + idx;
	uint64_t fresh = bits & ~*w;

	*w |= bits;
	return (uint64_t)__builtin_popcountll(fresh);
}
