/* NBD option haggling (fixed newstyle): decides the reply to each option.
 * No I/O here; nbd_handshake.c moves the bytes. */
#include "front/nbd_opt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plat/plat.h"

/* Most exports a LIST reply names; a bound on the reply size. */
#define NBD_LIST_MAX 4096

void nbd_opt_init(struct nbd_opt_state *st, const struct nbd_opt_ops *ops, void *arg,
		  bool no_zeroes)
{
	memset(st, 0, sizeof(*st));
	st->ops = ops;
	st->arg = arg;
	st->no_zeroes = no_zeroes;
}

const char *nbd_opt_name(uint32_t opt)
{
	switch (opt) {
	case NBD_OPT_EXPORT_NAME: return "EXPORT_NAME";
	case NBD_OPT_ABORT: return "ABORT";
	case NBD_OPT_LIST: return "LIST";
	case NBD_OPT_STARTTLS: return "STARTTLS";
	case NBD_OPT_INFO: return "INFO";
	case NBD_OPT_GO: return "GO";
	case NBD_OPT_STRUCTURED_REPLY: return "STRUCTURED_REPLY";
	case NBD_OPT_LIST_META_CONTEXT: return "LIST_META_CONTEXT";
	case NBD_OPT_SET_META_CONTEXT: return "SET_META_CONTEXT";
	case NBD_OPT_EXTENDED_HEADERS: return "EXTENDED_HEADERS";
	}
	return "unknown option";
}

static void set_why(struct nbd_opt_state *st, const char *fmt, ...)
	PLAT_PRINTF(2, 3);

static void set_why(struct nbd_opt_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->why, sizeof(st->why), fmt, ap);
	va_end(ap);
}

/* Export names come from the network: print them without control bytes. */
static void printable_name(char *out, size_t cap, const uint8_t *name, uint32_t len)
{
	size_t i, n = len < cap - 1 ? len : cap - 1;

	for (i = 0; i < n; i++)
		out[i] = name[i] >= 0x20 && name[i] < 0x7f ? (char)name[i] : '?';
	out[n] = 0;
}

/* Error reply with the reason as its message; the reason is also kept
 * for the caller's log line. */
static int reply_err(struct nbd_opt_state *st, struct nbd_buf *out, uint32_t opt,
		     uint32_t type)
{
	nbd_opt_reply_msg(out, opt, type, st->why);
	return NBD_OPT_NEXT_CONTINUE;
}

static int lookup(struct nbd_opt_state *st, const uint8_t *name, uint32_t len,
		  bool open, struct nbd_export_info *info)
{
	char pname[64];
	int rc;

	printable_name(pname, sizeof(pname), name, len);
	rc = len > NBD_NAME_MAX ? -ENOENT : st->ops->lookup(st->arg, name, len, open, info);
	if (rc == -ENOENT)
		set_why(st, "no export named '%s'", pname);
	else if (rc == -ESHUTDOWN && info->message[0])
		set_why(st, "%s", info->message);
	else if (rc)
		set_why(st, "export '%s' is not available: %s", pname, plat_strerror(rc));
	return rc;
}

static void put_info(struct nbd_buf *out, uint32_t opt, uint16_t type,
		     const void *data, uint32_t len)
{
	uint8_t x[2 + NBD_NAME_MAX + 1];

	if (len > sizeof(x) - 2)
		len = sizeof(x) - 2;
	nbd_put16(x, type);
	memcpy(x + 2, data, len);
	nbd_opt_reply(out, opt, NBD_REP_INFO, x, 2 + len);
}

static uint16_t tflags_of(const struct nbd_opt_state *st, const struct nbd_export_info *e)
{
	/* Reads are answered in one chunk, so DF costs nothing. */
	return e->tflags | (st->structured ? NBD_FLAG_SEND_DF : 0);
}

static void put_infos(struct nbd_opt_state *st, struct nbd_buf *out, uint32_t opt,
		      const struct nbd_go_req *r, const struct nbd_export_info *e)
{
	uint8_t x[12];

	nbd_put64(x, e->size);
	nbd_put16(x + 8, tflags_of(st, e));
	put_info(out, opt, NBD_INFO_EXPORT, x, 10);
	if (nbd_go_req_wants(r, NBD_INFO_NAME))
		put_info(out, opt, NBD_INFO_NAME, e->name, (uint32_t)strlen(e->name));
	if (nbd_go_req_wants(r, NBD_INFO_DESCRIPTION) && e->description[0])
		put_info(out, opt, NBD_INFO_DESCRIPTION, e->description,
			 (uint32_t)strlen(e->description));
	/* Sent unasked too: the spec allows it and WNBD never asks. */
	nbd_put32(x, e->min_block);
	nbd_put32(x + 4, e->pref_block);
	nbd_put32(x + 8, e->max_block);
	put_info(out, opt, NBD_INFO_BLOCK_SIZE, x, 12);
}

static int opt_info_go(struct nbd_opt_state *st, uint32_t opt, const uint8_t *data,
		       uint32_t len, struct nbd_buf *out)
{
	struct nbd_export_info info;
	struct nbd_go_req r;
	bool go = opt == NBD_OPT_GO;

	memset(&info, 0, sizeof(info));
	if (nbd_go_req_decode(data, len, &r)) {
		set_why(st, "malformed %s request", nbd_opt_name(opt));
		return reply_err(st, out, opt, NBD_REP_ERR_INVALID);
	}
	if (lookup(st, r.name, r.name_len, go, &info))
		return reply_err(st, out, opt, NBD_REP_ERR_UNKNOWN);
	put_infos(st, out, opt, &r, &info);
	nbd_opt_reply(out, opt, NBD_REP_ACK, NULL, 0);
	if (!go)
		return NBD_OPT_NEXT_CONTINUE;
	st->export = info;
	st->export.tflags = tflags_of(st, &info);
	return NBD_OPT_NEXT_TRANSMIT;
}

static int opt_export_name(struct nbd_opt_state *st, const uint8_t *data, uint32_t len,
			   struct nbd_buf *out)
{
	static const uint8_t zeroes[124];
	struct nbd_export_info info;

	memset(&info, 0, sizeof(info));
	/* No error reply exists for EXPORT_NAME: the spec says close. */
	if (lookup(st, data, len, true, &info))
		return NBD_OPT_NEXT_CLOSE;
	st->export = info;
	st->export.tflags = tflags_of(st, &info);
	nbd_buf_put64(out, info.size);
	nbd_buf_put16(out, st->export.tflags);
	if (!st->no_zeroes)
		nbd_buf_put(out, zeroes, sizeof(zeroes));
	return NBD_OPT_NEXT_TRANSMIT;
}

static int opt_list(struct nbd_opt_state *st, uint32_t len, struct nbd_buf *out)
{
	uint8_t x[4 + NBD_NAME_MAX + NBD_DESC_MAX];
	struct nbd_export_info info;
	unsigned i;

	if (len) {
		set_why(st, "LIST with data");
		return reply_err(st, out, NBD_OPT_LIST, NBD_REP_ERR_INVALID);
	}
	for (i = 0; i < NBD_LIST_MAX; i++) {
		size_t nlen, dlen;

		memset(&info, 0, sizeof(info));
		if (st->ops->list(st->arg, i, &info))
			break;
		nlen = strnlen(info.name, NBD_NAME_MAX);
		dlen = strnlen(info.description, NBD_DESC_MAX);
		nbd_put32(x, (uint32_t)nlen);
		memcpy(x + 4, info.name, nlen);
		memcpy(x + 4 + nlen, info.description, dlen);
		nbd_opt_reply(out, NBD_OPT_LIST, NBD_REP_SERVER, x, (uint32_t)(4 + nlen + dlen));
	}
	nbd_opt_reply(out, NBD_OPT_LIST, NBD_REP_ACK, NULL, 0);
	return NBD_OPT_NEXT_CONTINUE;
}

static int opt_structured(struct nbd_opt_state *st, uint32_t len, struct nbd_buf *out)
{
	if (len) {
		set_why(st, "STRUCTURED_REPLY with data");
		return reply_err(st, out, NBD_OPT_STRUCTURED_REPLY, NBD_REP_ERR_INVALID);
	}
	if (st->structured) {
		set_why(st, "structured replies already negotiated");
		return reply_err(st, out, NBD_OPT_STRUCTURED_REPLY, NBD_REP_ERR_INVALID);
	}
	st->structured = true;
	nbd_opt_reply(out, NBD_OPT_STRUCTURED_REPLY, NBD_REP_ACK, NULL, 0);
	return NBD_OPT_NEXT_CONTINUE;
}

int nbd_opt_handle(struct nbd_opt_state *st, uint32_t opt, const uint8_t *data,
		   uint32_t len, struct nbd_buf *out)
{
	int next;

	st->why[0] = 0;
	st->why_routine = false;
	switch (opt) {
	case NBD_OPT_EXPORT_NAME:
		next = opt_export_name(st, data, len, out);
		break;
	case NBD_OPT_ABORT:
		nbd_opt_reply(out, opt, NBD_REP_ACK, NULL, 0);
		next = NBD_OPT_NEXT_CLOSE;
		break;
	case NBD_OPT_LIST:
		next = opt_list(st, len, out);
		break;
	case NBD_OPT_INFO:
	case NBD_OPT_GO:
		next = opt_info_go(st, opt, data, len, out);
		break;
	case NBD_OPT_STRUCTURED_REPLY:
		next = opt_structured(st, len, out);
		break;
	default:
		set_why(st, "option %u (%s) not supported", opt, nbd_opt_name(opt));
		st->why_routine = true;
		next = reply_err(st, out, opt, NBD_REP_ERR_UNSUP);
		break;
	}
	return nbd_buf_failed(out) ? -ENOMEM : next;
}
