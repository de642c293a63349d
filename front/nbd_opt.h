/* NBD option haggling as a pure state machine: one option in, the reply
 * bytes and what to do next out. The server supplies the exports through
 * callbacks, so the same code runs under the fuzzer with fake exports. */
#ifndef UDRBD_FRONT_NBD_OPT_H
#define UDRBD_FRONT_NBD_OPT_H

#include "front/nbd_proto.h"

/* What a client may learn about an export before and at NBD_OPT_GO. */
struct nbd_export_info {
	char name[NBD_NAME_MAX + 1];
	char description[NBD_DESC_MAX + 1];
	/* Why the export cannot be opened, when lookup says -ESHUTDOWN. */
	char message[NBD_MSG_MAX + 1];
	uint64_t size;
	uint16_t tflags;
	uint32_t min_block, pref_block, max_block;
};

struct nbd_opt_ops {
	/* Finds the export called name (name_len bytes, not terminated; ""
	 * is the default export). open is true for NBD_OPT_GO and
	 * NBD_OPT_EXPORT_NAME: the export is then bound to the connection
	 * and stays so when this returns 0. Returns 0, -ENOENT when there is
	 * no such export, -ESHUTDOWN when it exists but is not available
	 * (info->message says why), or another negative code. */
	int (*lookup)(void *arg, const uint8_t *name, uint32_t name_len, bool open,
		      struct nbd_export_info *info);
	/* The idx-th export for NBD_OPT_LIST; -ENOENT past the last. */
	int (*list)(void *arg, unsigned idx, struct nbd_export_info *info);
};

enum nbd_opt_next {
	NBD_OPT_NEXT_CONTINUE,	/* send the reply, read the next option */
	NBD_OPT_NEXT_TRANSMIT,	/* send the reply, enter transmission */
	NBD_OPT_NEXT_CLOSE,	/* send the reply (if any), then close */
};

struct nbd_opt_state {
	const struct nbd_opt_ops *ops;
	void *arg;
	bool no_zeroes;
	bool structured;
	/* After NBD_OPT_NEXT_TRANSMIT: the export the client opened. */
	struct nbd_export_info export;
	/* After NBD_OPT_NEXT_CLOSE, or an error reply: what went wrong, for
	 * the one log line the caller writes. */
	char why[NBD_MSG_MAX + 1];
	/* The refusal is routine negotiation (an option we do not offer). */
	bool why_routine;
};

void nbd_opt_init(struct nbd_opt_state *st, const struct nbd_opt_ops *ops, void *arg,
		  bool no_zeroes);
/* Handles option opt with its len bytes of data; appends the reply to out.
 * Returns an enum nbd_opt_next, or -ENOMEM when out could not grow. */
int nbd_opt_handle(struct nbd_opt_state *st, uint32_t opt, const uint8_t *data,
		   uint32_t len, struct nbd_buf *out);
const char *nbd_opt_name(uint32_t opt);

#endif
