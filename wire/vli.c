/* wire/vli: see vli.h; code table in drbd-wire-protocol.md §7.5. */
#include <errno.h>
#include <string.h>

#include "wire/vli.h"

struct vli_level {
	uint8_t total;		/* code word length */
	uint8_t prefix_bits;
	uint8_t prefix;		/* its value, read LSB first */
};

/* Levels 1-6 are a unary prefix; 7-10 share "111111" and tell themselves
 * apart by the next two bits, so every 8-bit pattern names a level. */
static const struct vli_level vli_levels[VLI_LEVELS] = {
	{ 2, 1, 0x00 },  { 3, 2, 0x01 },  { 5, 3, 0x03 },  { 7, 4, 0x07 },
	{ 10, 5, 0x0f }, { 14, 6, 0x1f }, { 21, 8, 0x3f }, { 29, 8, 0x7f },
	{ 42, 8, 0xbf }, { 64, 8, 0xff },
};

static uint64_t low_mask(unsigned int bits)
{
	return bits >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << bits) - 1;
}

int vli_encode(uint64_t n, uint64_t *code)
{
	uint64_t min = 1;
	int i;

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < VLI_LEVELS; i++) {
		const struct vli_level *l = &vli_levels[i];
		uint64_t span = UINT64_C(1) << (l->total - l->prefix_bits);

		if (n - min < span) {
			*code = ((n - min) << l->prefix_bits) | l->prefix;
			return l->total;
		}
		min += span;
	}
	return -EOVERFLOW;
}

int vli_decode(uint64_t in, uint64_t *n)
{
	uint64_t min = 1;
	int i;

	for (i = 0;; i++) {
		const struct vli_level *l = &vli_levels[i];
		unsigned int data_bits = l->total - l->prefix_bits;

		if ((in & low_mask(l->prefix_bits)) == l->prefix) {
			*n = ((in >> l->prefix_bits) & low_mask(data_bits)) + min;
			return l->total;
		}
		min += UINT64_C(1) << data_bits;
	}
}

void vli_writer_init(struct vli_writer *w, uint8_t *buf, size_t size)
{
	w->buf = buf;
	w->size = size;
	w->bit = 0;
	memset(buf, 0, size);
}

int vli_put_bits(struct vli_writer *w, uint64_t v, unsigned int bits)
{
	unsigned int done = 0;

	if (bits > 64 || w->bit + bits > (uint64_t)w->size * 8)
		return -ENOBUFS;
	v &= low_mask(bits);
	while (done < bits) {
		uint64_t pos = w->bit + done;
		unsigned int off = pos % 8;

		w->buf[pos / 8] |= (uint8_t)((v >> done) << off);
		done += 8 - off;
	}
	w->bit += bits;
	return (int)bits;
}

int vli_put(struct vli_writer *w, uint64_t n)
{
	uint64_t code;
	int bits = vli_encode(n, &code);

	if (bits < 0)
		return bits;
	return vli_put_bits(w, code, (unsigned int)bits);
}

int vli_reader_init(struct vli_reader *r, const uint8_t *buf, size_t len,
		    unsigned int pad_bits)
{
	if (pad_bits > 7 || pad_bits > (uint64_t)len * 8)
		return -EINVAL;
	r->buf = buf;
	r->bit = 0;
	r->end = (uint64_t)len * 8 - pad_bits;
	return 0;
}

unsigned int vli_peek_bits(const struct vli_reader *r, uint64_t *v,
			   unsigned int bits)
{
	uint64_t left = vli_reader_left(r), val = 0;
	unsigned int n = bits > 64 ? 64 : bits, got = 0;

	if (n > left)
		n = (unsigned int)left;
	while (got < n) {
		uint64_t pos = r->bit + got;
		unsigned int off = pos % 8;

		val |= (uint64_t)(r->buf[pos / 8] >> off) << got;
		got += 8 - off;
	}
	*v = val & low_mask(n);
	return n;
}

int vli_get_bits(struct vli_reader *r, uint64_t *v, unsigned int bits)
{
	if (bits > 64 || vli_reader_left(r) < bits)
		return -EBADMSG;
	vli_peek_bits(r, v, bits);
	r->bit += bits;
	return (int)bits;
}

int vli_get(struct vli_reader *r, uint64_t *n)
{
	uint64_t look;
	unsigned int have = vli_peek_bits(r, &look, 64);
	int bits;

	if (have == 0)
		return 0;
	/* A truncated code word decodes (missing bits read 0) to a level
	 * longer than what is left, so the length check catches it. */
	bits = vli_decode(look, n);
	if ((unsigned int)bits > have)
		return -EBADMSG;
	r->bit += (unsigned int)bits;
	return bits;
}
