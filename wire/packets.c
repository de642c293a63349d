/* The command table of drbd-wire-protocol.md §5, as the 8.4 receivers
 * check it (data-socket and meta-socket tables of drbd_receiver.c): a
 * fixed part read first, and whether more may follow. */
#include "wire/packets.h"
#include "wire/header.h"

#define D WIRE_SOCK_DATA
#define M WIRE_SOCK_META
#define FIX(c, s, n, apv) [c] = { c, #c, s, WIRE_SZ_FIXED, n, 0, apv, false, false, 0 }
#define VAR(c, s, n, v) [c] = { c, #c, s, WIRE_SZ_VAR, n, v, 86, false, false, 0 }
#define SPC(c, s, n) [c] = { c, #c, s, WIRE_SZ_SPECIAL, n, 0, 86, false, false, 0 }
#define FEAT(c, s, n, f) [c] = { c, #c, s, WIRE_SZ_FIXED, n, 0, 86, false, false, f }
#define NINE(c, s, n) [c] = { c, #c, s, WIRE_SZ_FIXED, n, 0, 110, true, false, 0 }
#define NINEV(c, s, n, v) [c] = { c, #c, s, WIRE_SZ_VAR, n, v, 110, true, false, 0 }

static const struct wire_cmd_info cmd_table[] = {
	SPC(P_DATA, D, 24),
	SPC(P_DATA_REPLY, D, 24),
	SPC(P_RS_DATA_REPLY, D, 24),
	FIX(P_BARRIER, D, 8, 86),
	SPC(P_BITMAP, D, 0),
	FIX(P_UNPLUG_REMOTE, D, 0, 86),
	FIX(P_DATA_REQUEST, D, 24, 86),
	FIX(P_RS_DATA_REQUEST, D, 24, 86),
	SPC(P_SYNC_PARAM, D, 4),
	SPC(P_PROTOCOL, D, 24),
	FIX(P_UUIDS, D, 48, 86),
	SPC(P_SIZES, D, 32),
	FIX(P_STATE, D, 4, 86),
	FIX(P_SYNC_UUID, D, 8, 86),
	VAR(P_AUTH_CHALLENGE, D, CHALLENGE_LEN, CHALLENGE_LEN),
	SPC(P_AUTH_RESPONSE, D, 1),
	FIX(P_STATE_CHG_REQ, D, 8, 86),
	FIX(P_PING, M, 0, 86),
	FIX(P_PING_ACK, M, 0, 86),
	FIX(P_RECV_ACK, M, 24, 86),
	FIX(P_WRITE_ACK, M, 24, 86),
	FIX(P_RS_WRITE_ACK, M, 24, 86),
	FIX(P_SUPERSEDED, M, 24, 86),
	FIX(P_NEG_ACK, M, 24, 86),
	FIX(P_NEG_DREPLY, M, 24, 86),
	FIX(P_NEG_RS_DREPLY, M, 24, 86),
	FIX(P_BARRIER_ACK, M, 8, 86),
	FIX(P_STATE_CHG_REPLY, M, 4, 86),
	FIX(P_OV_REQUEST, D, 24, 86),
	VAR(P_OV_REPLY, D, 24, WIRE_DIGEST_MAX),
	FIX(P_OV_RESULT, M, 24, 86),
	VAR(P_CSUM_RS_REQUEST, D, 24, WIRE_DIGEST_MAX),
	FIX(P_RS_IS_IN_SYNC, M, 24, 89),
	SPC(P_SYNC_PARAM89, D, 132),
	SPC(P_COMPRESSED_BITMAP, D, 2),
	[P_DELAY_PROBE] = { P_DELAY_PROBE, "P_DELAY_PROBE", WIRE_SOCK_ANY,
			    WIRE_SZ_FIXED, 8, 0, 86, false, true, 0 },
	FIX(P_OUT_OF_SYNC, D, 16, 96),
	FIX(P_RS_CANCEL, M, 24, 96),
	FIX(P_CONN_ST_CHG_REQ, D, 8, 100),
	FIX(P_CONN_ST_CHG_REPLY, M, 4, 100),
	FIX(P_RETRY_WRITE, M, 24, 100),
	SPC(P_PROTOCOL_UPDATE, D, 24),
	NINE(P_TWOPC_PREPARE, D, 36),
	NINE(P_TWOPC_ABORT, D, 36),
	NINE(P_DAGTAG, D, 8),
	FEAT(P_TRIM, D, 28, DRBD_FF_TRIM),
	FEAT(P_RS_THIN_REQ, D, 24, DRBD_FF_THIN_RESYNC),
	FEAT(P_RS_DEALLOCATED, D, 16, DRBD_FF_THIN_RESYNC),
	SPC(P_WSAME, D, 28),
	NINE(P_TWOPC_PREP_RSZ, D, 36),
	FEAT(P_ZEROES, D, 28, DRBD_FF_WZEROES),
	NINE(P_PEER_ACK, M, 16),
	NINE(P_PEERS_IN_SYNC, M, 24),
	NINEV(P_UUIDS110, D, 40, 64 * 8),
	NINE(P_PEER_DAGTAG, D, 12),
	NINE(P_CURRENT_UUID, D, 16),
	NINE(P_TWOPC_YES, M, 32),
	NINE(P_TWOPC_NO, M, 32),
	NINE(P_TWOPC_COMMIT, D, 36),
	NINE(P_TWOPC_RETRY, M, 32),
	NINE(P_CONFIRM_STABLE, M, 24),
	NINE(P_RS_CANCEL_AHEAD, M, 24),
	NINE(P_DISCONNECT, D, 0),
	NINE(P_RS_DAGTAG_REQ, D, 32),
	NINEV(P_RS_CSUM_DAGTAG_REQ, D, 32, WIRE_DIGEST_MAX),
	NINE(P_RS_THIN_DAGTAG_REQ, D, 32),
	NINE(P_OV_DAGTAG_REQ, D, 32),
	NINEV(P_OV_DAGTAG_REPLY, D, 32, WIRE_DIGEST_MAX),
	NINE(P_WRITE_ACK_IN_SYNC, M, 24),
	NINE(P_RS_NEG_ACK, M, 24),
	NINE(P_OV_RESULT_ID, M, 32),
	NINE(P_RS_DEALLOCATED_ID, D, 24),
	NINE(P_FLUSH_REQUESTS, D, 8),
	NINE(P_FLUSH_FORWARD, M, 12),
	NINE(P_FLUSH_REQUESTS_ACK, D, 12),
	NINE(P_ENABLE_REPLICATION_NEXT, D, 4),
	NINE(P_ENABLE_REPLICATION, D, 4),
};

#define FIRST(c, s, n) { c, #c, s, WIRE_SZ_FIXED, n, 0, 86, false, false, 0 }
static const struct wire_cmd_info cmd_first[] = {
	FIRST(P_INITIAL_META, M, 0),
	FIRST(P_INITIAL_DATA, D, 0),
	FIRST(P_CONNECTION_FEATURES, D, 72),
};

const struct wire_cmd_info *wire_cmd_info(uint16_t cmd)
{
	const struct wire_cmd_info *ci = NULL;

	if (cmd < sizeof(cmd_table) / sizeof(cmd_table[0]))
		ci = &cmd_table[cmd];
	for (size_t i = 0; !ci && i < sizeof(cmd_first) / sizeof(cmd_first[0]); i++)
		if (cmd_first[i].cmd == cmd)
			ci = &cmd_first[i];
	return ci && ci->name ? ci : NULL;
}

const char *wire_cmd_name(uint16_t cmd)
{
	const struct wire_cmd_info *ci = wire_cmd_info(cmd);

	return ci ? ci->name : "P_UNKNOWN";
}

uint32_t wire_max_bio_size(unsigned apv)
{
	if (apv >= 100)
		return DRBD_MAX_BIO_SIZE;
	if (apv >= 95)
		return DRBD_MAX_BIO_SIZE_P95;
	return DRBD_MAX_BIO_SIZE_SAFE;
}

/* §6.6: the receiver picks the layout by apv, whichever command it came in. */
static int sync_param_size(unsigned apv, uint32_t len)
{
	if (apv <= 87)
		return len == 4 ? 0 : -1;
	if (apv == 88)
		return len > 4 && len <= 4 + SHARED_SECRET_MAX ? 0 : -1;
	if (apv <= 94)
		return len == 132 ? 0 : -1;
	return len == 148 ? 0 : -1;
}

static int special_size(const struct wire_proto *p, uint16_t cmd, uint32_t len)
{
	uint32_t hdr = (uint32_t)wire_header_size(p->apv);
	uint32_t max_bm = DRBD_SOCKET_BUFFER_SIZE - hdr;

	switch (cmd) {
	case P_DATA:
	case P_DATA_REPLY:
	case P_RS_DATA_REPLY:
		/* 8.4 accepts up to 1 MiB whatever the apv */
		return len >= 24 + p->digest_size &&
		       len - 24 - p->digest_size <= DRBD_MAX_BIO_SIZE ? 0 : -1;
	case P_WSAME:	/* one logical block of at most 4 KiB follows */
		return len >= 28 + p->digest_size &&
		       len - 28 - p->digest_size <= 4096 ? 0 : -1;
	case P_BITMAP:
		return len <= max_bm && len % 8 == 0 ? 0 : -1;
	case P_COMPRESSED_BITMAP:
		return len >= 2 && len <= max_bm ? 0 : -1;
	case P_SYNC_PARAM:
	case P_SYNC_PARAM89:
		return sync_param_size(p->apv, len);
	case P_PROTOCOL:
	case P_PROTOCOL_UPDATE:	/* integrity_alg from apv 87 (§4.3) */
		if (p->apv < 87)
			return len == 24 ? 0 : -1;
		return len >= 24 && len <= 24 + SHARED_SECRET_MAX ? 0 : -1;
	case P_SIZES:	/* o_qlim trailer exactly when FF_WSAME (§6.8) */
		return len == (p->features & DRBD_FF_WSAME ? 56u : 32u) ? 0 : -1;
	case P_AUTH_RESPONSE:
		return len >= 1 && len <= WIRE_DIGEST_MAX ? 0 : -1;
	}
	return -1;
}

int wire_payload_size(const struct wire_proto *p, uint16_t cmd, uint32_t len)
{
	const struct wire_cmd_info *ci = wire_cmd_info(cmd);
	int ok = -1;

	if (!ci)
		return wire_fail(-EPROTO, "unknown command");
	switch (ci->rule) {
	case WIRE_SZ_FIXED:
		ok = len == ci->fixed ? 0 : -1;
		break;
	case WIRE_SZ_VAR:
		ok = len >= ci->fixed && len - ci->fixed <= ci->var_max ? 0 : -1;
		break;
	default:
		ok = special_size(p, cmd, len);
		break;
	}
	return ok ? wire_fail(-EBADMSG, "payload length does not fit the command")
		  : 0;
}
