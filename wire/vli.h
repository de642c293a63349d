/* wire/vli: the variable-length integer code of P_COMPRESSED_BITMAP and
 * the LSB-first bitstream it lives in (drbd-wire-protocol.md §7.5).
 *
 * A run length n >= 1 is one code word: a prefix in the low bits that
 * names one of ten levels, then n minus the level's smallest value. Code
 * words are appended to a zeroed byte buffer starting at bit 0 of byte 0,
 * low bits first. Pure functions, no allocation.
 */
#ifndef UDRBD_WIRE_VLI_H
#define UDRBD_WIRE_VLI_H

#include <stddef.h>
#include <stdint.h>

#define VLI_LEVELS 10
/* Longest run one code word can carry: 2^56 + 0x400202130. */
#define VLI_MAX (UINT64_C(0x100000400202130))
#define VLI_MAX_BITS 64

/* Code word for n in *code (to be emitted as the returned number of bits,
 * 2..64). -EINVAL for n == 0, -EOVERFLOW above VLI_MAX. */
int vli_encode(uint64_t n, uint64_t *code);
/* Decodes the code word in the low bits of in (bits above the code word
 * are ignored, missing ones read 0). Every bit pattern names a level, so
 * this cannot fail: returns the code word's length in bits. */
int vli_decode(uint64_t in, uint64_t *n);

struct vli_writer {
	uint8_t *buf;
	size_t size;		/* bytes */
	uint64_t bit;		/* next bit to write */
};

/* Zeroes buf: bits are ORed in. */
void vli_writer_init(struct vli_writer *w, uint8_t *buf, size_t size);
/* Appends the low `bits` (0..64) of v. -ENOBUFS, writing nothing, when
 * they do not fit; else the number of bits written. */
int vli_put_bits(struct vli_writer *w, uint64_t v, unsigned int bits);
/* Appends the code word of n: its length, -ENOBUFS (nothing written),
 * -EINVAL or -EOVERFLOW (see vli_encode). */
int vli_put(struct vli_writer *w, uint64_t n);

static inline size_t vli_writer_bytes(const struct vli_writer *w)
{
	return (size_t)((w->bit + 7) / 8);
}

/* Unused bits at the top of the last byte (the encoding byte's pad_bits). */
static inline unsigned int vli_writer_pad_bits(const struct vli_writer *w)
{
	return (unsigned int)((8 - w->bit % 8) % 8);
}

struct vli_reader {
	const uint8_t *buf;
	uint64_t bit;		/* next bit to read */
	uint64_t end;		/* valid bits: 8 * len - pad_bits */
};

/* pad_bits > 7, or more pad than stream, is -EINVAL. */
int vli_reader_init(struct vli_reader *r, const uint8_t *buf, size_t len,
		    unsigned int pad_bits);

static inline uint64_t vli_reader_left(const struct vli_reader *r)
{
	return r->end - r->bit;
}

/* Up to `bits` (0..64) bits without consuming them; bits past the end
 * read 0. Returns how many were really there. */
unsigned int vli_peek_bits(const struct vli_reader *r, uint64_t *v,
			   unsigned int bits);
/* Consumes `bits` (0..64) bits; -EBADMSG (nothing consumed) when fewer
 * are left. */
int vli_get_bits(struct vli_reader *r, uint64_t *v, unsigned int bits);
/* Next code word: its length in bits, 0 at the clean end of the stream,
 * -EBADMSG when the remaining bits are only part of a code word. */
int vli_get(struct vli_reader *r, uint64_t *n);

#endif
