/* front/nbd_proto.c: NBD byte layouts against golden bytes written from the
 * protocol document, and every kind of request the server must refuse. */
#include "tests/tap.h"
#include "tests/unit/front/hex.h"

#include "front/nbd_proto.h"
#include "plat/plat.h"

TAP_TEST(greeting_golden)
{
	uint8_t g[NBD_GREETING_LEN], want[32];

	nbd_greeting_encode(g);
	TAP_EQ(hex("4e42444d41474943 49484156454f5054 0003", want), NBD_GREETING_LEN);
	TAP_MEMEQ(g, want, NBD_GREETING_LEN);
}

TAP_TEST(client_flags)
{
	uint8_t f[4] = { 0, 0, 0, 3 };
	bool fixed = false, nz = false;

	TAP_EQ(nbd_client_flags_decode(f, &fixed, &nz), 0);
	TAP_OK(fixed && nz, "both flags");
	f[3] = 1;
	TAP_EQ(nbd_client_flags_decode(f, &fixed, &nz), 0);
	TAP_OK(fixed && !nz, "fixed only");
	f[3] = 4;
	TAP_EQ(nbd_client_flags_decode(f, &fixed, &nz), -EPROTO);
	f[3] = 0;
	f[0] = 0x80;
	TAP_EQ(nbd_client_flags_decode(f, &fixed, &nz), -EPROTO);
}

TAP_TEST(option_header)
{
	uint8_t b[NBD_OPT_HDR_LEN];
	struct nbd_opt_hdr h;

	hex("49484156454f5054 00000007 0000000c", b);
	TAP_EQ(nbd_opt_hdr_decode(b, &h), 0);
	TAP_EQ(h.opt, NBD_OPT_GO);
	TAP_EQ(h.len, 12);
	b[0] = 'X';
	TAP_EQ(nbd_opt_hdr_decode(b, &h), -EPROTO);
}

TAP_TEST(option_reply_golden)
{
	struct nbd_buf b = { 0 };
	uint8_t want[64];
	size_t n;

	nbd_opt_reply_msg(&b, NBD_OPT_GO, NBD_REP_ERR_UNKNOWN, "no");
	n = hex("0003e889045565a9 00000007 80000006 00000002 6e6f", want);
	TAP_EQ(b.len, n);
	TAP_MEMEQ(b.p, want, n);
	nbd_buf_free(&b);
}

TAP_TEST(go_request_decode)
{
	uint8_t b[64];
	struct nbd_go_req r;
	size_t n;

	/* name "drbd0", two info requests: NAME, BLOCK_SIZE */
	n = hex("00000005 6472626430 0002 0001 0003", b);
	TAP_EQ(nbd_go_req_decode(b, (uint32_t)n, &r), 0);
	TAP_EQ(r.name_len, 5);
	TAP_MEMEQ(r.name, "drbd0", 5);
	TAP_EQ(r.n_info, 2);
	TAP_OK(nbd_go_req_wants(&r, NBD_INFO_NAME), "NAME wanted");
	TAP_OK(nbd_go_req_wants(&r, NBD_INFO_BLOCK_SIZE), "BLOCK_SIZE wanted");
	TAP_OK(!nbd_go_req_wants(&r, NBD_INFO_DESCRIPTION), "DESCRIPTION not wanted");
	/* one byte missing, one byte extra, name longer than the option */
	TAP_EQ(nbd_go_req_decode(b, (uint32_t)n - 1, &r), -EINVAL);
	TAP_EQ(nbd_go_req_decode(b, (uint32_t)n + 1, &r), -EINVAL);
	b[3] = 0x20;
	TAP_EQ(nbd_go_req_decode(b, (uint32_t)n, &r), -EINVAL);
	b[3] = 0xff;
	b[0] = 0xff;
	TAP_EQ(nbd_go_req_decode(b, (uint32_t)n, &r), -EINVAL);
	TAP_EQ(nbd_go_req_decode(b, 5, &r), -EINVAL);
	/* empty name, no info requests: the shortest valid payload */
	n = hex("00000000 0000", b);
	TAP_EQ(nbd_go_req_decode(b, (uint32_t)n, &r), 0);
	TAP_EQ(r.name_len, 0);
}

TAP_TEST(request_golden)
{
	uint8_t b[NBD_REQUEST_LEN], out[NBD_REQUEST_LEN];
	struct nbd_request r;

	hex("25609513 0001 0001 0102030405060708 0000000000001000 00002000", b);
	TAP_EQ(nbd_request_decode(b, &r), 0);
	TAP_EQ(r.flags, NBD_CMD_FLAG_FUA);
	TAP_EQ(r.type, NBD_CMD_WRITE);
	TAP_EQ_U64(r.cookie, 0x0102030405060708ULL);
	TAP_EQ_U64(r.offset, 0x1000);
	TAP_EQ(r.len, 0x2000);
	nbd_request_encode(&r, out);
	TAP_MEMEQ(out, b, NBD_REQUEST_LEN);
	b[3] = 0x14;
	TAP_EQ(nbd_request_decode(b, &r), -EPROTO);
}

static const struct nbd_limits lim = {
	.size = 1 << 20,
	.min_block = 512,
	.max_payload = 64 * 1024,
	.tflags = NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH | NBD_FLAG_SEND_FUA |
		  NBD_FLAG_SEND_TRIM | NBD_FLAG_SEND_WRITE_ZEROES,
};

static uint32_t check(uint16_t type, uint16_t flags, uint64_t off, uint32_t len)
{
	struct nbd_request r = { .type = type, .flags = flags, .offset = off, .len = len };
	const char *why = NULL;
	uint32_t e = nbd_request_check(&r, &lim, &why);

	TAP_OK(!e || (why && *why), "an error names its reason");
	return e;
}

TAP_TEST(request_check_accepts)
{
	TAP_EQ(check(NBD_CMD_READ, 0, 0, 4096), 0);
	TAP_EQ(check(NBD_CMD_WRITE, NBD_CMD_FLAG_FUA, (1 << 20) - 512, 512), 0);
	TAP_EQ(check(NBD_CMD_READ, 0, 0, 64 * 1024), 0);
	/* WNBD's FLUSH carries the SYNCHRONIZE CACHE range */
	TAP_EQ(check(NBD_CMD_FLUSH, 0, 12345, 777), 0);
	/* payload-free commands are not bound by the maximum payload */
	TAP_EQ(check(NBD_CMD_TRIM, 0, 0, 1 << 20), 0);
	TAP_EQ(check(NBD_CMD_WRITE_ZEROES, NBD_CMD_FLAG_NO_HOLE | NBD_CMD_FLAG_FUA, 0,
		     1 << 20), 0);
	TAP_EQ(check(NBD_CMD_DISC, 0, 0, 0), 0);
}

TAP_TEST(request_check_past_end)
{
	TAP_EQ(check(NBD_CMD_READ, 0, 1 << 20, 512), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_READ, 0, (1 << 20) - 512, 1024), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_WRITE, 0, 1 << 20, 512), NBD_ENOSPC);
	TAP_EQ(check(NBD_CMD_WRITE, 0, (1 << 20) - 512, 1024), NBD_ENOSPC);
	TAP_EQ(check(NBD_CMD_WRITE_ZEROES, 0, 1 << 20, 512), NBD_ENOSPC);
	TAP_EQ(check(NBD_CMD_TRIM, 0, 1 << 20, 512), NBD_EINVAL);
	/* offset + length wrapping around 2^64 must not pass */
	TAP_EQ(check(NBD_CMD_READ, 0, 0xfffffffffffffe00ULL, 1024), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_WRITE, 0, 0xfffffffffffffe00ULL, 1024), NBD_ENOSPC);
}

TAP_TEST(request_check_unaligned)
{
	TAP_EQ(check(NBD_CMD_READ, 0, 1, 512), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_READ, 0, 0, 100), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_WRITE, 0, 256, 512), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_TRIM, 0, 0, 511), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_WRITE_ZEROES, 0, 513, 512), NBD_EINVAL);
}

TAP_TEST(request_check_too_large)
{
	TAP_EQ(check(NBD_CMD_READ, 0, 0, 64 * 1024 + 512), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_WRITE, 0, 0, 64 * 1024 + 512), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_WRITE, 0, 0, 0xffffffffu), NBD_EINVAL);
}

TAP_TEST(request_check_commands_and_flags)
{
	struct nbd_limits l = lim;
	struct nbd_request r = { .type = NBD_CMD_READ, .flags = NBD_CMD_FLAG_DF, .len = 512 };
	const char *why;

	TAP_EQ(check(9, 0, 0, 512), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_CACHE, 0, 0, 512), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_BLOCK_STATUS, 0, 0, 512), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_READ, 0, 0, 0), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_WRITE, NBD_CMD_FLAG_NO_HOLE, 0, 512), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_WRITE_ZEROES, NBD_CMD_FLAG_FAST_ZERO, 0, 512), NBD_EINVAL);
	TAP_EQ(check(NBD_CMD_WRITE, 0x8000, 0, 512), NBD_EINVAL);
	/* DF only once structured replies are on */
	TAP_EQ(nbd_request_check(&r, &l, &why), NBD_EINVAL);
	l.structured = true;
	TAP_EQ(nbd_request_check(&r, &l, &why), 0);
	/* commands the export did not advertise */
	l.tflags = NBD_FLAG_HAS_FLAGS | NBD_FLAG_READ_ONLY;
	r.flags = 0;
	r.type = NBD_CMD_FLUSH;
	TAP_EQ(nbd_request_check(&r, &l, &why), NBD_EINVAL);
	r.type = NBD_CMD_TRIM;
	TAP_EQ(nbd_request_check(&r, &l, &why), NBD_EINVAL);
	r.type = NBD_CMD_WRITE;
	TAP_EQ(nbd_request_check(&r, &l, &why), NBD_EPERM);
}

TAP_TEST(replies_golden)
{
	uint8_t b[NBD_ERROR_CHUNK_MAX], want[64];
	size_t n;

	nbd_simple_reply_encode(b, 0x1122334455667788ULL, NBD_EINVAL);
	n = hex("67446698 00000016 1122334455667788", want);
	TAP_MEMEQ(b, want, n);
	nbd_read_chunk_encode(b, 7, 0x200, 0x1000);
	n = hex("668e33ef 0001 0001 0000000000000007 00001008 0000000000000200", want);
	TAP_EQ(n, NBD_READ_CHUNK_HDR_LEN);
	TAP_MEMEQ(b, want, n);
	n = nbd_error_chunk_encode(b, 9, NBD_ESHUTDOWN, "off");
	TAP_EQ(n, hex("668e33ef 0001 8001 0000000000000009 00000009 0000006c 0003 6f6666",
		      want));
	TAP_MEMEQ(b, want, n);
}

TAP_TEST(errno_to_wire)
{
	TAP_EQ(nbd_errno_to_wire(0), 0);
	TAP_EQ(nbd_errno_to_wire(-EIO), NBD_EIO);
	TAP_EQ(nbd_errno_to_wire(-ENOSPC), NBD_ENOSPC);
	TAP_EQ(nbd_errno_to_wire(-EROFS), NBD_EPERM);
	TAP_EQ(nbd_errno_to_wire(-ESHUTDOWN), NBD_ESHUTDOWN);
	TAP_EQ(nbd_errno_to_wire(-EOPNOTSUPP), NBD_ENOTSUP);
	TAP_EQ(nbd_errno_to_wire(-ETIMEDOUT), NBD_EIO);
}

int main(void)
{
	return tap_run();
}
