/* libFuzzer target: the NBD option haggling and request parsing of front/
 * (nbd_opt.c, nbd_proto.c) fed arbitrary bytes, as a hostile client would.
 *
 * The first byte picks the parser; the rest is a stream of options (header,
 * then data) or of 28-byte requests. Any crash, sanitizer report, or reply
 * that breaks the protocol's own framing is a bug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/nbd_opt.h"
#include "front/nbd_proto.h"
#include "plat/plat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fake_lookup(void *arg, const uint8_t *name, uint32_t len, bool open,
		       struct nbd_export_info *info)
{
	(void)arg;
	(void)open;
	if (len != 5 || memcmp(name, "drbd", 4))
		return -ENOENT;
	snprintf(info->name, sizeof(info->name), "%.*s", (int)len, (const char *)name);
	info->size = 1 << 20;
	info->tflags = NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH;
	info->min_block = 512;
	info->pref_block = 4096;
	info->max_block = 1 << 21;
	if (name[4] == '1') {
		snprintf(info->message, sizeof(info->message), "unavailable");
		return -ESHUTDOWN;
	}
	return 0;
}

static int fake_list(void *arg, unsigned idx, struct nbd_export_info *info)
{
	(void)arg;
	if (idx > 2)
		return -ENOENT;
	snprintf(info->name, sizeof(info->name), "drbd%u", idx);
	return 0;
}

static const struct nbd_opt_ops ops = { .lookup = fake_lookup, .list = fake_list };

/* Every option reply must be a sequence of well-framed reply headers,
 * except the EXPORT_NAME answer, which has its own fixed size. */
static void check_framing(const struct nbd_buf *out, uint32_t opt, int next)
{
	size_t off = 0;

	if (opt == NBD_OPT_EXPORT_NAME) {
		if (next == NBD_OPT_NEXT_TRANSMIT && out->len != NBD_EXPORT_NAME_REPLY_SHORT &&
		    out->len != NBD_EXPORT_NAME_REPLY_LEN)
			abort();
		return;
	}
	while (off < out->len) {
		if (out->len - off < NBD_OPT_REPLY_HDR_LEN ||
		    nbd_get64(out->p + off) != NBD_MAGIC_OPT_REPLY ||
		    nbd_get32(out->p + off + 8) != opt)
			abort();
		off += NBD_OPT_REPLY_HDR_LEN + nbd_get32(out->p + off + 16);
	}
	if (off != out->len)
		abort();
}

static void fuzz_options(const uint8_t *p, size_t n)
{
	struct nbd_buf out = { 0 };
	struct nbd_opt_state st;

	nbd_opt_init(&st, &ops, NULL, n && (p[0] & 1));
	while (n >= 8) {
		uint32_t opt = nbd_get32(p) & 0xf, len = nbd_get32(p + 4);
		int next;

		p += 8;
		n -= 8;
		if (len > n)
			len = (uint32_t)n;
		nbd_buf_reset(&out);
		next = nbd_opt_handle(&st, opt, p, len, &out);
		if (next < 0)
			break;
		check_framing(&out, opt, next);
		p += len;
		n -= len;
		if (next != NBD_OPT_NEXT_CONTINUE)
			break;
	}
	nbd_buf_free(&out);
}

static void fuzz_requests(const uint8_t *p, size_t n)
{
	struct nbd_limits lim = {
		.size = 1 << 20, .min_block = 512, .max_payload = 1 << 21,
		.tflags = NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH | NBD_FLAG_SEND_TRIM,
	};
	uint8_t chunk[NBD_ERROR_CHUNK_MAX];

	if (n) {
		lim.structured = p[0] & 1;
		if (p[0] & 2)
			lim.tflags |= NBD_FLAG_READ_ONLY;
		p++;
		n--;
	}
	for (; n >= NBD_REQUEST_LEN; p += NBD_REQUEST_LEN, n -= NBD_REQUEST_LEN) {
		struct nbd_request r;
		const char *why = NULL;
		uint8_t hdr[NBD_REQUEST_LEN];
		uint32_t err;

		memcpy(hdr, p, sizeof(hdr));
		nbd_put32(hdr, NBD_MAGIC_REQUEST);	/* get past the magic check */
		if (nbd_request_decode(hdr, &r))
			abort();
		err = nbd_request_check(&r, &lim, &why);
		if (err && !why)
			abort();
		/* An accepted ranged request lies inside the device. */
		if (!err && (r.type == NBD_CMD_READ || r.type == NBD_CMD_WRITE) &&
		    (r.offset + r.len > lim.size || r.len > lim.max_payload))
			abort();
		if (nbd_error_chunk_encode(chunk, r.cookie, err, why) > sizeof(chunk))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nbd_go_req gr;
	bool fixed, nz;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_options(data + 1, size - 1);
		break;
	case 1:
		fuzz_requests(data + 1, size - 1);
		break;
	case 2:
		if (size >= 5)
			nbd_client_flags_decode(data + 1, &fixed, &nz);
		if (nbd_go_req_decode(data + 1, (uint32_t)(size - 1), &gr) == 0 &&
		    4 + gr.name_len + 2 + 2u * gr.n_info != size - 1)
			abort();
		break;
	}
	return 0;
}
