/* Bitmap exchange: VLI code, bit stream, P_BITMAP / P_COMPRESSED_BITMAP
 * chunking, golden payloads from kernel DRBD 8.4.11 (drbd84-wire s01, s03;
 * drbd-wire-protocol.md §7). */
#include <errno.h>

#include "tests/tap.h"
#include "wire/bitmap.h"
#include "wire/vli.h"

/* Hex string to bytes; returns the count. */
static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned int v;

	for (; s[0] && s[1]; s += 2) {
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* ---- VLI code ------------------------------------------------------- */

/* Smallest run of each level, then one past the largest (VLI_MAX + 1). */
static const uint64_t level_min[] = {
	1, 3, 5, 9, 17, 49, 305, 8497, 2105649, UINT64_C(17181974833),
	VLI_MAX + 1,
};
static const int level_bits[] = { 2, 3, 5, 7, 10, 14, 21, 29, 42, 64 };

TAP_TEST(vli_every_level_boundary)
{
	for (int i = 0; i < VLI_LEVELS; i++) {
		uint64_t edge[2] = { level_min[i], level_min[i + 1] - 1 };

		for (int j = 0; j < 2; j++) {
			uint64_t code, back = 0;
			int bits = vli_encode(edge[j], &code);

			TAP_EQ(bits, level_bits[i]);
			if (bits < 64)
				TAP_OK(code >> bits == 0, "code wider than %d", bits);
			/* Garbage above the code word must not matter. */
			if (bits < 64)
				code |= ~UINT64_C(0) << bits;
			TAP_EQ(vli_decode(code, &back), level_bits[i]);
			TAP_EQ_U64(back, edge[j]);
		}
	}
}

TAP_TEST(vli_rejects_zero_and_too_long)
{
	uint64_t code;

	TAP_EQ(vli_encode(0, &code), -EINVAL);
	TAP_EQ(vli_encode(VLI_MAX, &code), 64);
	TAP_EQ_U64(code, ~UINT64_C(0));
	TAP_EQ(vli_encode(VLI_MAX + 1, &code), -EOVERFLOW);
	TAP_EQ(vli_encode(UINT64_MAX, &code), -EOVERFLOW);
}

TAP_TEST(vli_prefixes_of_the_sheet)
{
	uint64_t code;

	/* §7.5: 10 -> level 4, 0x17 in 7 bits; 80 -> level 6, 0x7df. */
	TAP_EQ(vli_encode(10, &code), 7);
	TAP_EQ_U64(code, 0x17);
	TAP_EQ(vli_encode(80, &code), 14);
	TAP_EQ_U64(code, 0x7df);
	TAP_EQ(vli_encode(305, &code), 21);
	TAP_EQ_U64(code, 0x3f);
	TAP_EQ(vli_encode(8497, &code), 29);
	TAP_EQ_U64(code, 0x7f);
	TAP_EQ(vli_encode(2105649, &code), 42);
	TAP_EQ_U64(code, 0xbf);
	TAP_EQ(vli_encode(UINT64_C(17181974833), &code), 64);
	TAP_EQ_U64(code, 0xff);
}

/* ---- bit stream ----------------------------------------------------- */

TAP_TEST(bitstream_every_width_at_every_offset)
{
	uint8_t buf[32];

	for (unsigned int lead = 0; lead < 8; lead++) {
		for (unsigned int bits = 1; bits <= 64; bits++) {
			uint64_t v = UINT64_C(0x9e3779b97f4a7c15) * bits, got;
			struct vli_writer w;
			struct vli_reader r;

			if (bits < 64)
				v &= (UINT64_C(1) << bits) - 1;
			vli_writer_init(&w, buf, sizeof(buf));
			TAP_EQ(vli_put_bits(&w, 0x55, lead), (int)lead);
			TAP_EQ(vli_put_bits(&w, v, bits), (int)bits);
			TAP_EQ(vli_put_bits(&w, 1, 1), 1);
			TAP_EQ(vli_reader_init(&r, buf, vli_writer_bytes(&w),
					       vli_writer_pad_bits(&w)), 0);
			TAP_EQ_U64(vli_reader_left(&r), lead + bits + 1);
			TAP_EQ(vli_get_bits(&r, &got, lead), (int)lead);
			TAP_EQ(vli_get_bits(&r, &got, bits), (int)bits);
			TAP_EQ_U64(got, v);
			TAP_EQ(vli_get_bits(&r, &got, 1), 1);
			TAP_EQ_U64(got, 1);
			TAP_EQ(vli_get_bits(&r, &got, 1), -EBADMSG);
		}
	}
}

TAP_TEST(bitstream_is_lsb_first_and_full_is_enobufs)
{
	uint8_t buf[2];
	struct vli_writer w;

	vli_writer_init(&w, buf, sizeof(buf));
	TAP_EQ(vli_put_bits(&w, 0x5, 3), 3);	 /* 101 */
	TAP_EQ(vli_put_bits(&w, 0x3ff, 10), 10); /* into byte 1 */
	TAP_EQ(buf[0], 0xfd);
	TAP_EQ(buf[1], 0x1f);
	TAP_EQ(vli_writer_pad_bits(&w), 3);
	TAP_EQ(vli_put_bits(&w, 0xf, 4), -ENOBUFS);
	TAP_EQ_U64(w.bit, 13);
	TAP_EQ(buf[1], 0x1f);
	TAP_EQ(vli_put_bits(&w, 0x7, 3), 3);
	TAP_EQ(vli_writer_pad_bits(&w), 0);
	TAP_EQ(vli_put(&w, 1), -ENOBUFS);
}

TAP_TEST(bitstream_reader_limits)
{
	const uint8_t b[2] = { 0xff, 0x01 };
	struct vli_reader r;
	uint64_t v, n;

	TAP_EQ(vli_reader_init(&r, b, 2, 8), -EINVAL);
	TAP_EQ(vli_reader_init(&r, b, 0, 1), -EINVAL);
	TAP_EQ(vli_reader_init(&r, b, 2, 7), 0);
	TAP_EQ(vli_peek_bits(&r, &v, 64), 9);
	TAP_EQ_U64(v, 0x1ff);
	/* "11111111" + "1": a level 10 prefix with 1 of its 56 data bits. */
	TAP_EQ(vli_get(&r, &n), -EBADMSG);
	TAP_EQ_U64(r.bit, 0);
}

/* ---- golden payloads from kernel DRBD 8.4.11 ------------------------- */

#define GOLDEN_BITS 2038	/* 8 MiB disk, internal meta data */

/* s03-bitmap-resync frame 6105 (a -> b) and 6108 (b -> a, the merged
 * bitmap): the P_COMPRESSED_BITMAP after 50 scattered 4 KiB writes. */
static const char s03_payload[] =
	"629b4f829be583e379e06be1753e12dee6ce57c0337c197c0f7c4c5c39f11c4f"
	"002ff10093c17b1cf970b8f0e100df00df020f70e2cc638457f92e789c97f932"
	"d83cca17c09daf8500";
/* offsets.txt: the 4 KiB blocks written while disconnected. */
static const uint16_t s03_blocks[50] = {
	1498, 580, 1871, 1587, 76, 1001, 8, 1068, 2034, 1354, 652, 1706, 402,
	942, 1021, 1749, 1129, 1544, 1514, 751, 1246, 307, 1115, 1939, 1548,
	1468, 535, 1076, 957, 816, 1824, 1833, 1486, 676, 1235, 449, 257,
	1352, 1922, 969, 89, 1050, 1660, 90, 305, 95, 1023, 1082, 1407, 597,
};
/* s01 frames 49/51 (and s03 44/45): full sync, every bit set. */
static const char s01_payload[] = "b23fc506";

static const struct bm_xfer_sink *array_sink(uint64_t *words)
{
	static struct bm_xfer_sink s = { bm_xfer_array_or, NULL };

	s.ctx = words;
	return &s;
}

static const struct bm_xfer_source *array_source(uint64_t *words)
{
	static struct bm_xfer_source s = { bm_xfer_array_get, NULL };

	s.ctx = words;
	return &s;
}

static void set_bit(uint64_t *w, uint64_t bit)
{
	w[bit / 64] |= UINT64_C(1) << (bit % 64);
}

/* One-packet transfer: decode golden, check, encode back, compare bytes
 * and the kernel's log lines. */
static void golden_one_packet(const char *hexstr, const uint64_t *want,
			      const char *stats)
{
	uint64_t got[32] = { 0 }, copy[32];
	uint8_t p[DRBD_SOCKET_BUFFER_SIZE], out[DRBD_SOCKET_BUFFER_SIZE];
	size_t len = unhex(hexstr, p);
	struct bm_xfer rx, tx;
	uint16_t cmd;
	char line[200];

	TAP_EQ(bm_xfer_init(&rx, GOLDEN_BITS, 101, true), 0);
	TAP_EQ(bm_xfer_decode(&rx, P_COMPRESSED_BITMAP, p, len, array_sink(got)), 0);
	TAP_OK(bm_xfer_done(&rx), "transfer not complete");
	TAP_MEMEQ(got, want, sizeof(got));
	bm_xfer_stats_format(&rx, "receive", line, sizeof(line));
	TAP_OK(strstr(line, stats) && !strncmp(line, "receive ", 8),
	       "stats line: %s", line);

	memcpy(copy, want, sizeof(copy));
	TAP_EQ(bm_xfer_init(&tx, GOLDEN_BITS, 101, true), 0);
	TAP_EQ(bm_xfer_encode(&tx, array_source(copy), out, sizeof(out), &cmd),
	       (int)len);
	TAP_EQ(cmd, P_COMPRESSED_BITMAP);
	TAP_MEMEQ(out, p, len);
	TAP_OK(bm_xfer_done(&tx), "sender not done after one packet");
	bm_xfer_stats_format(&tx, "send", line, sizeof(line));
	TAP_OK(strstr(line, stats) && !strncmp(line, "send ", 5),
	       "stats line: %s", line);
}

TAP_TEST(golden_s03_fifty_scattered_blocks)
{
	uint64_t want[32] = { 0 };

	for (int i = 0; i < 50; i++)
		set_bit(want, s03_blocks[i]);
	golden_one_packet(s03_payload, want,
			  "bitmap stats [Bytes(packets)]: plain 0(0), RLE 89(1), "
			  "total 89; compression: 69.1%");
}

TAP_TEST(golden_s01_full_sync)
{
	uint64_t want[32];

	memset(want, 0xff, sizeof(want));
	want[31] = (UINT64_C(1) << (GOLDEN_BITS % 64)) - 1;
	golden_one_packet(s01_payload, want,
			  "bitmap stats [Bytes(packets)]: plain 0(0), RLE 20(1), "
			  "total 20; compression: 93.1%");
}

/* Every other bitmap packet of the drbd84-wire captures (each a whole
 * transfer of 2038 bits): decoding and encoding again gives the bytes. */
TAP_TEST(golden_all_captures_reencode)
{
	static const char *const payloads[] = {
		"323fc506",		/* s05: all clear */
		"423fd8819fdd01",	/* s05: verify found one block */
		"2297377e4e0d",		/* s07: split brain, a */
		"5297cb4fac01",		/* s07: split brain, b */
		"723fcfe2fe532b00",	/* s09: re-attach */
		/* s06: csums resync of a striped area */
		("42df0c4ff0044ff0044ff0044ff0044ff0044ff0044ff0044ff063127882"
		 "2778822778822778822778822778822778822778821fd800"),
	};

	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		uint64_t w[32] = { 0 };
		uint8_t p[64], out[DRBD_SOCKET_BUFFER_SIZE];
		size_t len = unhex(payloads[i], p);
		struct bm_xfer x;
		uint16_t cmd;

		bm_xfer_init(&x, GOLDEN_BITS, 101, true);
		TAP_EQ(bm_xfer_decode(&x, P_COMPRESSED_BITMAP, p, len,
				      array_sink(w)), 0);
		bm_xfer_init(&x, GOLDEN_BITS, 101, true);
		TAP_EQ(bm_xfer_encode(&x, array_source(w), out, sizeof(out),
				      &cmd), (int)len);
		TAP_MEMEQ(out, p, len);
		TAP_OK(bm_xfer_done(&x), "payload %zu: more than one packet", i);
	}
}

TAP_TEST(golden_s03_whole_packet_and_plain_terminator)
{
	uint64_t w[32] = { 0 };
	uint8_t want[100], out[DRBD_SOCKET_BUFFER_SIZE];
	size_t n = unhex("8620ec20000000240000004900000000", want);
	struct bm_xfer x;

	n += unhex(s03_payload, want + n);
	for (int i = 0; i < 50; i++)
		set_bit(w, s03_blocks[i]);
	bm_xfer_init(&x, GOLDEN_BITS, 101, true);
	TAP_EQ(bm_xfer_encode_packet(&x, array_source(w), 0, out, sizeof(out)),
	       (int)n);
	TAP_MEMEQ(out, want, n);
	TAP_EQ(bm_xfer_encode_packet(&x, array_source(w), 0, out, sizeof(out)),
	       -EINVAL);

	/* Without RLE: 32 words, then the empty P_BITMAP (volume 3). */
	bm_xfer_init(&x, GOLDEN_BITS, 101, false);
	TAP_EQ(bm_xfer_encode_packet(&x, array_source(w), 3, out, sizeof(out)),
	       16 + 256);
	unhex("8620ec20000300040000010000000000", want);
	TAP_MEMEQ(out, want, 16);
	TAP_EQ(out[16 + 1498 / 8], 1 << (1498 % 8));
	TAP_EQ(bm_xfer_encode_packet(&x, array_source(w), 3, out, sizeof(out)),
	       16);
	unhex("8620ec20000300040000000000000000", want);
	TAP_MEMEQ(out, want, 16);
	TAP_OK(bm_xfer_done(&x), "not done after the terminator");
	TAP_EQ(bm_xfer_encode_packet(&x, array_source(w), 3, out, 100),
	       -EMSGSIZE);
}

TAP_TEST(sheet_worked_example)
{
	uint64_t w[2] = { 0 };
	uint8_t out[DRBD_SOCKET_BUFFER_SIZE];
	const uint8_t want[] = { 0x42, 0x97, 0xcb, 0xf7, 0x01 };
	struct bm_xfer x;
	uint16_t cmd;

	for (int b = 10; b < 20; b++)
		set_bit(w, b);
	bm_xfer_init(&x, 100, 101, true);
	TAP_EQ(bm_xfer_encode(&x, array_source(w), out, sizeof(out), &cmd), 5);
	TAP_MEMEQ(out, want, sizeof(want));
}

/* ---- chunking and round trips --------------------------------------- */

static uint64_t rng = 88172645463325252u;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct trip {
	int packets[2];		/* by enum bm_chunk */
	int first_len;
	uint16_t first_cmd;
};

/* Sends src through encoder and decoder, checking each chunk on the way
 * and the result at the end. */
static struct trip roundtrip(const uint64_t *src, uint64_t bits,
			     unsigned int apv, bool rle)
{
	uint64_t words = (bits + 63) / 64, *in, *out;
	uint8_t buf[DRBD_SOCKET_BUFFER_SIZE];
	struct bm_xfer tx, rx;
	struct trip t = { { 0, 0 }, -1, 0 };

	in = calloc(words + 1, 8);
	out = calloc(words + 1, 8);
	memcpy(in, src, words * 8);
	TAP_EQ(bm_xfer_init(&tx, bits, apv, rle), 0);
	TAP_EQ(bm_xfer_init(&rx, bits, apv, rle), 0);
	while (!bm_xfer_done(&tx) && t.packets[0] + t.packets[1] < 10000) {
		uint16_t cmd;
		int len = bm_xfer_encode(&tx, array_source(in), buf,
					 sizeof(buf), &cmd);

		TAP_OK(len >= 0 && len <= (int)bm_xfer_payload_max(&tx),
		       "chunk length %d", len);
		if (len < 0)
			break;
		if (t.first_len < 0) {
			t.first_len = len;
			t.first_cmd = cmd;
		}
		t.packets[cmd == P_BITMAP]++;
		TAP_OK(cmd == P_COMPRESSED_BITMAP || len % 8 == 0, "plain %d", len);
		TAP_EQ(bm_xfer_decode(&rx, cmd, buf, (size_t)len,
				      array_sink(out)), !bm_xfer_done(&tx));
		TAP_EQ_U64(rx.bit_offset, tx.bit_offset);
		TAP_EQ_U64(rx.word_offset, tx.word_offset);
	}
	TAP_OK(bm_xfer_done(&rx), "receiver not done (%" PRIu64 " bits)", bits);
	if (words && bits % 64)
		in[words - 1] &= (UINT64_C(1) << (bits % 64)) - 1;
	TAP_MEMEQ(out, in, words * 8);
	TAP_MEMEQ(&rx.stats.packets, &tx.stats.packets, sizeof(tx.stats.packets));
	TAP_MEMEQ(&rx.stats.bytes, &tx.stats.bytes, sizeof(tx.stats.bytes));
	free(in);
	free(out);
	return t;
}

enum pattern { ALL_CLEAR, ALL_SET, SPARSE, DENSE, NOISE, RUNS };

static uint64_t *make(uint64_t bits, enum pattern pat)
{
	uint64_t words = (bits + 63) / 64, *w = calloc(words + 1, 8), b, run;
	bool on = false;

	for (b = 0; b < words; b++) {
		uint64_t r = rnd();

		w[b] = pat == ALL_SET ? ~UINT64_C(0) : pat == NOISE ? r :
		       pat == SPARSE ? (r % 97 ? 0 : r & -r) :
		       pat == DENSE ? ~(r % 89 ? 0 : r & -r) : 0;
	}
	for (b = 0; pat == RUNS && b < bits; b += run, on = !on) {
		run = 8 + rnd() % 9;	/* 7-bit codes: compresses, barely */
		for (uint64_t i = b; on && i < b + run && i < bits; i++)
			set_bit(w, i);
	}
	/* Junk beyond bm_bits must neither be sent nor matter. */
	if (bits % 64)
		w[words - 1] |= ~UINT64_C(0) << (bits % 64);
	return w;
}

TAP_TEST(roundtrip_patterns_sizes_headers)
{
	static const uint64_t sizes[] = { 0, 1, 2, 63, 64, 65, 2038, 32640,
					  32641, 65280 + 17, 300001 };

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int pat = ALL_CLEAR; pat <= RUNS; pat++)
			for (int h = 0; h < 4; h++) {
				uint64_t *w = make(sizes[s], pat);

				roundtrip(w, sizes[s], h & 1 ? 94 : 101, h < 2);
				free(w);
			}
}

TAP_TEST(chunk_kinds_and_sizes)
{
	uint64_t *w = make(300001, NOISE);
	struct trip t = roundtrip(w, 300001, 101, true);

	/* 4688 words: 9 full chunks of 510, one of 98, the terminator. */
	TAP_EQ(t.packets[BM_CHUNK_RLE], 0);
	TAP_EQ(t.packets[BM_CHUNK_PLAIN], 11);
	TAP_EQ(t.first_len, 4080);
	t = roundtrip(w, 300001, 94, true);
	TAP_EQ(t.packets[BM_CHUNK_PLAIN], 11);
	TAP_EQ(t.first_len, 4088);
	free(w);

	w = make(300001, RUNS);
	t = roundtrip(w, 300001, 101, true);
	TAP_OK(t.packets[BM_CHUNK_RLE] > 2, "%d RLE chunks", t.packets[0]);
	TAP_EQ(t.packets[BM_CHUNK_PLAIN], 0);
	TAP_EQ(t.first_cmd, P_COMPRESSED_BITMAP);
	TAP_OK(t.first_len > 4070, "first RLE chunk %d bytes", t.first_len);
	t = roundtrip(w, 300001, 101, false);
	TAP_EQ(t.packets[BM_CHUNK_RLE], 0);
	t = roundtrip(w, 300001, 89, true);	/* RLE from protocol 90 on */
	TAP_EQ(t.packets[BM_CHUNK_RLE], 0);
	free(w);
}

/* DRBD keeps RLE when it covers at least 8 bitmap bits per code byte. */
TAP_TEST(rle_break_even_rule)
{
	uint64_t w[1] = { 0xccccu };	/* runs of 2 over 16 bits */
	uint8_t buf[DRBD_SOCKET_BUFFER_SIZE];
	struct bm_xfer x;
	uint16_t cmd;

	bm_xfer_init(&x, 16, 101, true);
	TAP_EQ(bm_xfer_encode(&x, array_source(w), buf, sizeof(buf), &cmd), 3);
	TAP_EQ(cmd, P_COMPRESSED_BITMAP);
	TAP_EQ(buf[0], 0x02);		/* 16 code bits: no pad, starts clear */
	TAP_EQ(buf[1], 0xaa);		/* four times "01": run 2 */
	TAP_EQ(buf[2], 0xaa);
	w[0] = 0x6666u;			/* runs 1,2,...,2,1: 18 code bits */
	bm_xfer_init(&x, 16, 101, true);
	TAP_EQ(bm_xfer_encode(&x, array_source(w), buf, sizeof(buf), &cmd), 8);
	TAP_EQ(cmd, P_BITMAP);
	TAP_EQ(buf[0], 0x66);
	TAP_EQ(buf[1], 0x66);
	TAP_EQ(bm_xfer_encode(&x, array_source(w), buf, sizeof(buf), &cmd), 0);
	TAP_OK(bm_xfer_done(&x), "no terminator");
}

/* A full RLE chunk ending mid-word, then plain from that word's start. */
TAP_TEST(rle_full_then_plain_resends_partial_word)
{
	uint64_t bits = 1554 * 1001 + 100000, b;
	uint64_t *w = calloc((bits + 63) / 64, 8);
	struct trip t;

	for (b = 1001; b < 1554 * 1001; b += 2002)
		for (uint64_t i = b; i < b + 1001; i++)
			set_bit(w, i);
	for (b = 1554 * 1001 / 64 + 1; b < (bits + 63) / 64; b++)
		w[b] = rnd();
	/* 1553 codes of 21 bits fill 4077 of the 4079 code bytes. */
	t = roundtrip(w, bits, 101, true);
	TAP_EQ(t.first_cmd, P_COMPRESSED_BITMAP);
	TAP_EQ(t.first_len, 1 + 4077);
	TAP_OK(t.packets[BM_CHUNK_PLAIN] > 1, "%d plain", t.packets[1]);

	struct bm_xfer x;
	uint8_t buf[DRBD_SOCKET_BUFFER_SIZE];
	uint16_t cmd;

	bm_xfer_init(&x, bits, 101, true);
	bm_xfer_encode(&x, array_source(w), buf, sizeof(buf), &cmd);
	TAP_EQ_U64(x.bit_offset, 1553 * 1001);
	TAP_EQ_U64(x.word_offset, 1553 * 1001 / 64);
	TAP_EQ(bm_xfer_encode(&x, array_source(w), buf, sizeof(buf), &cmd),
	       4080);
	TAP_EQ(cmd, P_BITMAP);
	TAP_EQ_U64(x.word_offset, 1553 * 1001 / 64 + 510);
	free(w);
}

/* ---- malformed input ------------------------------------------------ */

static void expect(uint64_t bits, uint16_t cmd, const char *h, int want,
		   const char *why, int line)
{
	uint8_t p[DRBD_SOCKET_BUFFER_SIZE + 8];
	uint64_t out[64] = { 0 };
	struct bm_xfer x;
	int r;

	bm_xfer_init(&x, bits, 101, true);
	r = bm_xfer_decode(&x, cmd, p, unhex(h, p), array_sink(out));
	if (r != want || (r < 0 && !strstr(wire_last_error(), why)))
		tap_fail(__FILE__, line, "%s: %d (%s), want %d (%s)", h, r,
			 wire_last_error(), want, why);
}
#define EXPECT(bits, cmd, h, want, why) \
	expect(bits, cmd, h, want, why, __LINE__)
#define RLE P_COMPRESSED_BITMAP

TAP_TEST(decode_rejects_malformed)
{
	uint8_t big[DRBD_SOCKET_BUFFER_SIZE] = { 0x02 };
	uint64_t out[32];
	struct bm_xfer x;

	EXPECT(2038, RLE, "b23fc506", 0, "");
	EXPECT(2038, RLE, "b33fc506", -EPROTO, "encoding");
	EXPECT(2038, RLE, "b03fc506", -EPROTO, "encoding");
	EXPECT(2038, RLE, "b2", -EBADMSG, "length");
	EXPECT(2038, P_DATA, "b23fc506", -EPROTO, "not a bitmap");
	/* Code for 2039, set or clear: one bit too many. */
	EXPECT(2038, RLE, "b23fc606", -EPROTO, "past the end");
	EXPECT(2038, RLE, "323fc606", -EPROTO, "past the end");
	/* One pad bit too many leaves 20 of the 21 code bits. */
	EXPECT(2038, RLE, "c23fc506", -EPROTO, "cut short");
	EXPECT(2038, RLE, "b23fc586", -EPROTO, "pad bits");
	/* Trailing codes past the end of the bitmap. */
	EXPECT(2038, RLE, "b23fc50600", -EPROTO, "past the end");
	/* Two runs of 1, without and with one stray bit after them. */
	EXPECT(2, RLE, "4200", 0, "");
	EXPECT(2, RLE, "3200", -EPROTO, "cut short");
	/* Plain: exactly the expected words, or the terminator at the end. */
	EXPECT(65, P_BITMAP, "0100000000000000", -EBADMSG, "length");
	EXPECT(65, P_BITMAP, "", -EBADMSG, "length");
	EXPECT(65, P_BITMAP, "01000000000000000300000000000000", 1, "");

	bm_xfer_init(&x, 2038 * 64, 101, true);
	TAP_EQ(bm_xfer_decode(&x, RLE, big, sizeof(big) - 15, array_sink(out)),
	       -EBADMSG);
	bm_xfer_init(&x, 1, 101, true);
	TAP_EQ(bm_xfer_decode(&x, RLE, (const uint8_t *)"\xe2\x00", 2,
			      array_sink(out)), 0);
	TAP_EQ(bm_xfer_decode(&x, P_BITMAP, big, 0, array_sink(out)), -EPROTO);
	TAP_EQ(bm_xfer_init(&x, 1, 0, true), -EINVAL);
}

/* Garbage: an error or a valid chunk, never a bit past bm_bits (the sink
 * array has no slack, so ASan builds see any stray write). */
TAP_TEST(decode_random_garbage)
{
	uint8_t p[DRBD_SOCKET_BUFFER_SIZE];
	int ok = 0;

	for (int i = 0; i < 3000; i++) {
		uint64_t bits = 1 + rnd() % 3000, words = (bits + 63) / 64;
		uint64_t *w = calloc(words, 8);
		size_t len = rnd() % (i % 3 ? 16 : sizeof(p) + 1);
		uint16_t cmd = i % 2 ? P_BITMAP : P_COMPRESSED_BITMAP;
		struct bm_xfer x;
		int r;

		for (size_t j = 0; j < len; j++)
			p[j] = (uint8_t)rnd();
		if (cmd == P_COMPRESSED_BITMAP && len)
			p[0] = (uint8_t)((p[0] & 0xf0) | BM_RLE_VLI_BITS);
		bm_xfer_init(&x, bits, 101, true);
		r = bm_xfer_decode(&x, cmd, p, len, array_sink(w));
		TAP_OK(r == 0 || r == 1 || r == -EPROTO || r == -EBADMSG,
		       "result %d", r);
		ok += r >= 0;
		if (bits % 64)
			TAP_EQ_U64(w[words - 1] >> (bits % 64), 0);
		free(w);
	}
	TAP_OK(ok > 0, "no garbage was ever accepted: test too weak");
}

TAP_TEST(plain_surplus_bits_dropped_and_terminator)
{
	uint8_t p[16];
	uint64_t out[2] = { 0 };
	struct bm_xfer x;

	memset(p, 0xff, sizeof(p));
	bm_xfer_init(&x, 65, 94, false);
	TAP_EQ(bm_xfer_decode(&x, P_BITMAP, p, 16, array_sink(out)), 1);
	TAP_EQ_U64(out[0], ~UINT64_C(0));
	TAP_EQ_U64(out[1], 1);
	TAP_EQ_U64(x.stats.new_bits, 65);
	TAP_EQ_U64(x.bit_offset, 65);
	TAP_EQ(bm_xfer_decode(&x, P_BITMAP, p, 0, array_sink(out)), 0);
	TAP_EQ(x.stats.packets[BM_CHUNK_PLAIN], 2);
	TAP_EQ(x.stats.bytes[BM_CHUNK_PLAIN], 8 + 16 + 8);
}

TAP_TEST(stats_line_only_when_compressed)
{
	uint64_t w[32] = { 0 };
	uint8_t buf[DRBD_SOCKET_BUFFER_SIZE];
	struct bm_xfer x;
	uint16_t cmd;
	char line[200] = "x";

	/* Plain 2038 bits: 272 + 16 bytes, the reference cost itself. */
	bm_xfer_init(&x, GOLDEN_BITS, 101, false);
	while (!bm_xfer_done(&x))
		bm_xfer_encode(&x, array_source(w), buf, sizeof(buf), &cmd);
	TAP_EQ(x.stats.bytes[BM_CHUNK_PLAIN], 288);
	TAP_EQ(bm_xfer_stats_format(&x, "send", line, sizeof(line)), 0);
	TAP_STREQ(line, "");

	bm_xfer_init(&x, GOLDEN_BITS, 101, true);
	bm_xfer_encode(&x, array_source(w), buf, sizeof(buf), &cmd);
	TAP_OK(bm_xfer_stats_format(&x, "send", line, sizeof(line)) > 0, "no line");
	TAP_STREQ(line, "send bitmap stats [Bytes(packets)]: plain 0(0), "
		  "RLE 20(1), total 20; compression: 93.1%");
	TAP_EQ(buf[0], 0x32);	/* all clear: same code, start bit 0 */
}

int main(void)
{
	return tap_run();
}
