/* One entry point for every payload: picks the decoder by command. For
 * receivers that want one switch (tracing, fuzzing, golden tests); the
 * engine may as well call the specific decoders. */
#ifndef UDRBD_WIRE_PAYLOAD_H
#define UDRBD_WIRE_PAYLOAD_H

#include "wire/config.h"
#include "wire/data.h"
#include "wire/handshake.h"

enum wire_payload_kind {
	WIRE_PL_NONE,		/* header-only packet */
	WIRE_PL_BLOB,		/* opaque to this decoder: .blob (auth, bitmap,
				 * DRBD 9 packets) */
	WIRE_PL_FEATURES,
	WIRE_PL_PROTOCOL,
	WIRE_PL_SYNC_PARAM,
	WIRE_PL_UUIDS,
	WIRE_PL_SIZES,
	WIRE_PL_STATE,		/* .word */
	WIRE_PL_REQ_STATE,
	WIRE_PL_RETCODE,
	WIRE_PL_UUID,		/* P_SYNC_UUID */
	WIRE_PL_DATA,
	WIRE_PL_BLOCK_REQ,
	WIRE_PL_BLOCK_ACK,
	WIRE_PL_BARRIER,
	WIRE_PL_BLOCK_DESC,
	WIRE_PL_DELAY_PROBE,
	WIRE_PL_ENABLE,
};

struct wire_payload {
	uint16_t cmd;
	uint8_t kind;		/* enum wire_payload_kind */
	union {
		struct wire_blob blob;
		struct wire_features features;
		struct wire_protocol protocol;
		struct wire_sync_param sync_param;
		struct wire_uuids uuids;
		struct wire_sizes sizes;
		uint32_t word;
		struct wire_req_state req_state;
		int32_t retcode;
		uint64_t uuid;
		struct wire_data data;
		struct wire_block_req block_req;
		struct wire_block_ack block_ack;
		struct wire_barrier barrier;
		struct wire_block_desc block_desc;
		struct wire_delay_probe delay_probe;
		bool enable;
	} u;
	struct wire_blob digest;	/* data, OV reply, csum request */
};

/* Decodes the complete payload pl[0..len) of cmd (len = header length).
 * Returns 0 or the specific decoder's negative errno. */
int wire_payload_decode(const struct wire_proto *p, uint16_t cmd,
			const uint8_t *pl, size_t len, struct wire_payload *out);

/* The inverse: writes the packet (header + payload; for data kinds up to
 * the data, whose length comes from u.data.data_size) for out's kind and
 * cmd. Blob kinds copy u.blob. Returns the bytes written or -errno. */
int wire_payload_encode(const struct wire_proto *p, uint16_t vnr,
			const struct wire_payload *in, uint8_t *buf, size_t cap);

#endif
