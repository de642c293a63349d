/* front/nbd_opt.c: option haggling with fake exports, replies compared
 * byte for byte with golden bytes written from the NBD protocol document. */
#include "tests/tap.h"
#include "tests/unit/front/hex.h"

#include "front/nbd_opt.h"
#include "plat/plat.h"

#define TFLAGS 0x016d /* HAS_FLAGS FLUSH FUA TRIM WRITE_ZEROES MULTI_CONN */

static int opened;

static void fake(struct nbd_export_info *info, const char *name, bool up)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", name);
	snprintf(info->description, sizeof(info->description), "test %s", name);
	if (!up)
		snprintf(info->message, sizeof(info->message),
			 "%s is Secondary; promote it with drbdsetup primary", name);
	info->size = 1 << 20;
	info->tflags = TFLAGS;
	info->min_block = 512;
	info->pref_block = 4096;
	info->max_block = 2 << 20;
}

static int lookup(void *arg, const uint8_t *name, uint32_t len, bool open,
		  struct nbd_export_info *info)
{
	(void)arg;
	if (len != 5 || memcmp(name, "drbd", 4) || (name[4] != '0' && name[4] != '1'))
		return -ENOENT;
	fake(info, name[4] == '0' ? "drbd0" : "drbd1", name[4] == '0');
	if (name[4] == '1')
		return -ESHUTDOWN;
	opened += open;
	return 0;
}

static int list(void *arg, unsigned idx, struct nbd_export_info *info)
{
	(void)arg;
	if (idx > 1)
		return -ENOENT;
	fake(info, idx ? "drbd1" : "drbd0", !idx);
	return 0;
}

static const struct nbd_opt_ops ops = { .lookup = lookup, .list = list };

struct run {
	struct nbd_opt_state st;
	struct nbd_buf out;
	int next;
};

static void start(struct run *r, bool no_zeroes)
{
	memset(r, 0, sizeof(*r));
	nbd_opt_init(&r->st, &ops, NULL, no_zeroes);
	opened = 0;
}

static void opt(struct run *r, uint32_t o, const char *data_hex)
{
	uint8_t d[256];
	size_t n = hex(data_hex, d);

	nbd_buf_reset(&r->out);
	r->next = nbd_opt_handle(&r->st, o, d, (uint32_t)n, &r->out);
}

static void expect(struct run *r, const char *want_hex)
{
	uint8_t want[1024];
	size_t n = hex(want_hex, want);

	TAP_EQ(r->out.len, n);
	TAP_MEMEQ(r->out.p, want, n < r->out.len ? n : r->out.len);
}

#define REP "0003e889045565a9"

TAP_TEST(go_golden)
{
	struct run r;

	start(&r, true);
	/* GO "drbd0", asking for NAME only: EXPORT and BLOCK_SIZE come anyway */
	opt(&r, NBD_OPT_GO, "00000005 6472626430 0001 0001");
	TAP_EQ(r.next, NBD_OPT_NEXT_TRANSMIT);
	expect(&r, REP " 00000007 00000003 0000000c 0000 0000000000100000 016d"
		   REP " 00000007 00000003 00000007 0001 6472626430"
		   REP " 00000007 00000003 0000000e 0003 00000200 00001000 00200000"
		   REP " 00000007 00000001 00000000");
	TAP_EQ(opened, 1);
	TAP_STREQ(r.st.export.name, "drbd0");
	TAP_EQ(r.st.export.tflags, TFLAGS);
	nbd_buf_free(&r.out);
}

TAP_TEST(info_then_go_structured)
{
	struct run r;

	start(&r, true);
	opt(&r, NBD_OPT_STRUCTURED_REPLY, "");
	expect(&r, REP " 00000008 00000001 00000000");
	TAP_EQ(r.next, NBD_OPT_NEXT_CONTINUE);
	/* INFO with DESCRIPTION: does not open, continues */
	opt(&r, NBD_OPT_INFO, "00000005 6472626430 0001 0002");
	TAP_EQ(r.next, NBD_OPT_NEXT_CONTINUE);
	TAP_EQ(opened, 0);
	/* EXPORT now advertises DF (0x80) since replies are structured */
	expect(&r, REP " 00000006 00000003 0000000c 0000 0000000000100000 01ed"
		   REP " 00000006 00000003 0000000c 0002 74657374206472626430"
		   REP " 00000006 00000003 0000000e 0003 00000200 00001000 00200000"
		   REP " 00000006 00000001 00000000");
	opt(&r, NBD_OPT_GO, "00000005 6472626430 0000");
	TAP_EQ(r.next, NBD_OPT_NEXT_TRANSMIT);
	TAP_EQ(r.st.export.tflags, TFLAGS | NBD_FLAG_SEND_DF);
	TAP_OK(r.st.structured, "structured agreed");
	nbd_buf_free(&r.out);
}

TAP_TEST(go_unavailable_says_why)
{
	const char *msg = "drbd1 is Secondary; promote it with drbdsetup primary";
	uint8_t hdr[20];
	struct run r;

	start(&r, true);
	opt(&r, NBD_OPT_GO, "00000005 6472626431 0000");
	TAP_EQ(r.next, NBD_OPT_NEXT_CONTINUE);
	hex(REP " 00000007 80000006 00000035", hdr);
	TAP_EQ(strlen(msg), 0x35);
	TAP_EQ(r.out.len, 20 + strlen(msg));
	TAP_MEMEQ(r.out.p, hdr, 20);
	TAP_MEMEQ(r.out.p + 20, msg, strlen(msg));
	TAP_STREQ(r.st.why, msg);
	TAP_EQ(opened, 0);
	nbd_buf_free(&r.out);
}

TAP_TEST(go_unknown_and_malformed)
{
	struct run r;

	start(&r, true);
	opt(&r, NBD_OPT_GO, "00000004 6e6f7065 0000");
	TAP_EQ(r.next, NBD_OPT_NEXT_CONTINUE);
	TAP_STREQ(r.st.why, "no export named 'nope'");
	TAP_EQ(nbd_get32(r.out.p + 12), NBD_REP_ERR_UNKNOWN);
	/* name length says 9, only 5 bytes follow */
	opt(&r, NBD_OPT_GO, "00000009 6472626430 0000");
	TAP_EQ(nbd_get32(r.out.p + 12), NBD_REP_ERR_INVALID);
	opt(&r, NBD_OPT_INFO, "0000");
	TAP_EQ(nbd_get32(r.out.p + 12), NBD_REP_ERR_INVALID);
	/* control bytes in a name are not logged raw */
	opt(&r, NBD_OPT_GO, "00000002 0a1b 0000");
	TAP_STREQ(r.st.why, "no export named '?" "?'");
	TAP_EQ(opened, 0);
	nbd_buf_free(&r.out);
}

TAP_TEST(export_name)
{
	struct run r;
	uint8_t zero[124] = { 0 };

	start(&r, true);
	opt(&r, NBD_OPT_EXPORT_NAME, "6472626430");
	TAP_EQ(r.next, NBD_OPT_NEXT_TRANSMIT);
	expect(&r, "0000000000100000 016d");
	nbd_buf_free(&r.out);
	start(&r, false);
	opt(&r, NBD_OPT_EXPORT_NAME, "6472626430");
	TAP_EQ(r.out.len, NBD_EXPORT_NAME_REPLY_LEN);
	TAP_MEMEQ(r.out.p + 10, zero, sizeof(zero));
	/* unknown or unavailable: no reply exists, the server closes */
	opt(&r, NBD_OPT_EXPORT_NAME, "6472626431");
	TAP_EQ(r.next, NBD_OPT_NEXT_CLOSE);
	TAP_EQ(r.out.len, 0);
	opt(&r, NBD_OPT_EXPORT_NAME, "");
	TAP_EQ(r.next, NBD_OPT_NEXT_CLOSE);
	nbd_buf_free(&r.out);
}

TAP_TEST(list_golden)
{
	struct run r;

	start(&r, true);
	opt(&r, NBD_OPT_LIST, "");
	TAP_EQ(r.next, NBD_OPT_NEXT_CONTINUE);
	expect(&r, REP " 00000003 00000002 00000013 00000005 6472626430 74657374206472626430"
		   REP " 00000003 00000002 00000013 00000005 6472626431 74657374206472626431"
		   REP " 00000003 00000001 00000000");
	opt(&r, NBD_OPT_LIST, "00");
	TAP_EQ(nbd_get32(r.out.p + 12), NBD_REP_ERR_INVALID);
	nbd_buf_free(&r.out);
}

TAP_TEST(abort_structured_unknown)
{
	struct run r;

	start(&r, true);
	opt(&r, NBD_OPT_STRUCTURED_REPLY, "00");
	TAP_EQ(nbd_get32(r.out.p + 12), NBD_REP_ERR_INVALID);
	TAP_OK(!r.st.structured, "not agreed with data");
	opt(&r, NBD_OPT_STRUCTURED_REPLY, "");
	opt(&r, NBD_OPT_STRUCTURED_REPLY, "");
	TAP_EQ(nbd_get32(r.out.p + 12), NBD_REP_ERR_INVALID);
	opt(&r, 99, "0102");
	TAP_EQ(r.next, NBD_OPT_NEXT_CONTINUE);
	TAP_EQ(nbd_get32(r.out.p + 8), 99);
	TAP_EQ(nbd_get32(r.out.p + 12), NBD_REP_ERR_UNSUP);
	TAP_OK(r.st.why_routine, "unsupported options are routine");
	opt(&r, NBD_OPT_STARTTLS, "");
	TAP_EQ(nbd_get32(r.out.p + 12), NBD_REP_ERR_UNSUP);
	opt(&r, NBD_OPT_SET_META_CONTEXT, "");
	TAP_EQ(nbd_get32(r.out.p + 12), NBD_REP_ERR_UNSUP);
	opt(&r, NBD_OPT_ABORT, "");
	TAP_EQ(r.next, NBD_OPT_NEXT_CLOSE);
	expect(&r, REP " 00000002 00000001 00000000");
	nbd_buf_free(&r.out);
}

int main(void)
{
	return tap_run();
}
