/* Command -> decoder dispatch (see payload.h). */
#include <string.h>

#include "wire/payload.h"

static int decode_data_path(const struct wire_proto *p, uint16_t cmd,
			    const uint8_t *pl, size_t len,
			    struct wire_payload *o)
{
	if (wire_is_data_cmd(cmd)) {	/* len <= UINT32_MAX: checked by the caller */
		o->kind = WIRE_PL_DATA;
		return wire_data_decode(p, cmd, pl, len, (uint32_t)len,
					&o->u.data, &o->digest);
	}
	if (wire_is_block_req_cmd(cmd)) {
		o->kind = WIRE_PL_BLOCK_REQ;
		return wire_block_req_decode(cmd, pl, len, &o->u.block_req,
					     &o->digest);
	}
	switch (cmd) {
	case P_BARRIER:
	case P_BARRIER_ACK:
		o->kind = WIRE_PL_BARRIER;
		return wire_barrier_decode(cmd, pl, len, &o->u.barrier);
	case P_OUT_OF_SYNC:
	case P_RS_DEALLOCATED:
		o->kind = WIRE_PL_BLOCK_DESC;
		return wire_block_desc_decode(pl, len, &o->u.block_desc);
	case P_RECV_ACK:
	case P_WRITE_ACK:
	case P_RS_WRITE_ACK:
	case P_SUPERSEDED:
	case P_NEG_ACK:
	case P_NEG_DREPLY:
	case P_NEG_RS_DREPLY:
	case P_OV_RESULT:
	case P_RS_IS_IN_SYNC:
	case P_RS_CANCEL:
	case P_RETRY_WRITE:
		o->kind = WIRE_PL_BLOCK_ACK;
		return wire_block_ack_decode(pl, len, &o->u.block_ack);
	}
	return 1;	/* not a data-path packet */
}

static int decode_control(const struct wire_proto *p, uint16_t cmd,
			  const uint8_t *pl, size_t len,
			  struct wire_payload *o)
{
	switch (cmd) {
	case P_CONNECTION_FEATURES:
		o->kind = WIRE_PL_FEATURES;
		return wire_features_decode(pl, len, &o->u.features);
	case P_PROTOCOL:
	case P_PROTOCOL_UPDATE:
		o->kind = WIRE_PL_PROTOCOL;
		return wire_protocol_decode(p, pl, len, &o->u.protocol);
	case P_SYNC_PARAM:
	case P_SYNC_PARAM89:
		o->kind = WIRE_PL_SYNC_PARAM;
		return wire_sync_param_decode(p, pl, len, &o->u.sync_param);
	case P_UUIDS:
		o->kind = WIRE_PL_UUIDS;
		return wire_uuids_decode(pl, len, &o->u.uuids);
	case P_SIZES:
		o->kind = WIRE_PL_SIZES;
		return wire_sizes_decode(p, pl, len, &o->u.sizes);
	case P_STATE:
		o->kind = WIRE_PL_STATE;
		return wire_state_decode(pl, len, &o->u.word);
	case P_STATE_CHG_REQ:
	case P_CONN_ST_CHG_REQ:
		o->kind = WIRE_PL_REQ_STATE;
		return wire_req_state_decode(pl, len, &o->u.req_state);
	case P_STATE_CHG_REPLY:
	case P_CONN_ST_CHG_REPLY:
		o->kind = WIRE_PL_RETCODE;
		return wire_req_state_reply_decode(pl, len, &o->u.retcode);
	case P_SYNC_UUID:
		o->kind = WIRE_PL_UUID;
		return wire_sync_uuid_decode(pl, len, &o->u.uuid);
	case P_DELAY_PROBE:
		o->kind = WIRE_PL_DELAY_PROBE;
		return wire_delay_probe_decode(pl, len, &o->u.delay_probe);
	case P_ENABLE_REPLICATION:
	case P_ENABLE_REPLICATION_NEXT:
		o->kind = WIRE_PL_ENABLE;
		return wire_enable_replication_decode(pl, len, &o->u.enable);
	case P_AUTH_CHALLENGE:
		o->kind = WIRE_PL_BLOB;
		return wire_auth_challenge_decode(pl, len, &o->u.blob);
	case P_AUTH_RESPONSE:
		o->kind = WIRE_PL_BLOB;
		return wire_auth_response_decode(pl, len, &o->u.blob);
	}
	return 1;
}

int wire_payload_decode(const struct wire_proto *p, uint16_t cmd,
			const uint8_t *pl, size_t len, struct wire_payload *o)
{
	const struct wire_cmd_info *ci = wire_cmd_info(cmd);
	int rc;

	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	if (!ci)
		return wire_fail(-EPROTO, "unknown command");
	if (len > UINT32_MAX || wire_payload_size(p, cmd, (uint32_t)len) < 0)
		return wire_fail(-EBADMSG, "payload length does not fit the command");
	rc = decode_data_path(p, cmd, pl, len, o);
	if (rc <= 0)
		return rc;
	rc = decode_control(p, cmd, pl, len, o);
	if (rc <= 0)
		return rc;
	/* header-only packets, bitmaps (wire/bitmap.c) and DRBD 9 packets */
	o->kind = len ? WIRE_PL_BLOB : WIRE_PL_NONE;
	o->u.blob.ptr = pl;
	o->u.blob.len = (uint32_t)len;
	return 0;
}

/* Returns false for kinds it does not encode; else the result in *rc. */
static bool encode_data_path(const struct wire_proto *p, uint16_t vnr,
			     const struct wire_payload *in, uint8_t *buf,
			     size_t cap, int *rc)
{
	switch (in->kind) {
	case WIRE_PL_DATA:
		*rc = wire_data_encode(p, in->cmd, vnr, &in->u.data,
					in->digest.ptr, in->u.data.data_size,
					buf, cap);
		return true;
	case WIRE_PL_BLOCK_REQ:
		*rc = wire_block_req_encode(p, in->cmd, vnr, &in->u.block_req,
					    in->digest.ptr, in->digest.len,
					    buf, cap);
		return true;
	case WIRE_PL_BLOCK_ACK:
		*rc = wire_block_ack_encode(p, in->cmd, vnr, &in->u.block_ack,
					    buf, cap);
		return true;
	case WIRE_PL_BARRIER:
		*rc = wire_barrier_encode(p, in->cmd, vnr, &in->u.barrier, buf,
					  cap);
		return true;
	case WIRE_PL_BLOCK_DESC:
		*rc = wire_block_desc_encode(p, in->cmd, vnr,
					     &in->u.block_desc, buf, cap);
		return true;
	}
	return false;
}

static int encode_blob(const struct wire_proto *p, uint16_t vnr,
		       const struct wire_payload *in, uint8_t *buf, size_t cap)
{
	uint32_t len = in->kind == WIRE_PL_BLOB ? in->u.blob.len : 0;
	int hs = wire_packet_start(p, in->cmd, vnr, len, len, buf, cap);

	if (hs < 0)
		return hs;
	if (len)
		memcpy(buf + hs, in->u.blob.ptr, len);
	return hs + (int)len;
}

int wire_payload_encode(const struct wire_proto *p, uint16_t vnr,
			const struct wire_payload *in, uint8_t *buf, size_t cap)
{
	int rc;

	if (encode_data_path(p, vnr, in, buf, cap, &rc))
		return rc;
	switch (in->kind) {
	case WIRE_PL_FEATURES:
		return wire_features_encode(&in->u.features, buf, cap);
	case WIRE_PL_PROTOCOL:
		return wire_protocol_encode(p, in->cmd, vnr, &in->u.protocol,
					    buf, cap);
	case WIRE_PL_SYNC_PARAM:
		return wire_sync_param_encode(p, vnr, &in->u.sync_param, buf, cap);
	case WIRE_PL_UUIDS:
		return wire_uuids_encode(p, vnr, &in->u.uuids, buf, cap);
	case WIRE_PL_SIZES:
		return wire_sizes_encode(p, vnr, &in->u.sizes, buf, cap);
	case WIRE_PL_STATE:
		return wire_state_encode(p, vnr, in->u.word, buf, cap);
	case WIRE_PL_REQ_STATE:
		return wire_req_state_encode(p, in->cmd, vnr, &in->u.req_state,
					     buf, cap);
	case WIRE_PL_RETCODE:
		return wire_req_state_reply_encode(p, in->cmd, vnr,
						   in->u.retcode, buf, cap);
	case WIRE_PL_UUID:
		return wire_sync_uuid_encode(p, vnr, in->u.uuid, buf, cap);
	case WIRE_PL_NONE:
	case WIRE_PL_BLOB:
		return encode_blob(p, vnr, in, buf, cap);
	}
	return wire_fail(-EINVAL, "no encoder for this payload kind");
}
