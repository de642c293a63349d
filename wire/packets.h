/* DRBD packet numbers, flags and constants (drbd-wire-protocol.md §5, §9,
 * §16), and the per-command facts a receiver checks before reading a
 * payload: socket, payload size rule, dialect. */
#ifndef UDRBD_WIRE_PACKETS_H
#define UDRBD_WIRE_PACKETS_H

#include "wire/proto.h"

enum drbd_packet {
	P_DATA = 0x00,
	P_DATA_REPLY = 0x01,
	P_RS_DATA_REPLY = 0x02,
	P_BARRIER = 0x03,
	P_BITMAP = 0x04,
	P_BECOME_SYNC_TARGET = 0x05,	/* obsolete: a protocol error */
	P_BECOME_SYNC_SOURCE = 0x06,	/* obsolete: a protocol error */
	P_UNPLUG_REMOTE = 0x07,
	P_DATA_REQUEST = 0x08,
	P_RS_DATA_REQUEST = 0x09,
	P_SYNC_PARAM = 0x0a,
	P_PROTOCOL = 0x0b,
	P_UUIDS = 0x0c,
	P_SIZES = 0x0d,
	P_STATE = 0x0e,
	P_SYNC_UUID = 0x0f,
	P_AUTH_CHALLENGE = 0x10,
	P_AUTH_RESPONSE = 0x11,
	P_STATE_CHG_REQ = 0x12,
	P_PING = 0x13,
	P_PING_ACK = 0x14,
	P_RECV_ACK = 0x15,
	P_WRITE_ACK = 0x16,
	P_RS_WRITE_ACK = 0x17,
	P_SUPERSEDED = 0x18,
	P_NEG_ACK = 0x19,
	P_NEG_DREPLY = 0x1a,
	P_NEG_RS_DREPLY = 0x1b,
	P_BARRIER_ACK = 0x1c,
	P_STATE_CHG_REPLY = 0x1d,
	P_OV_REQUEST = 0x1e,
	P_OV_REPLY = 0x1f,
	P_OV_RESULT = 0x20,
	P_CSUM_RS_REQUEST = 0x21,
	P_RS_IS_IN_SYNC = 0x22,
	P_SYNC_PARAM89 = 0x23,
	P_COMPRESSED_BITMAP = 0x24,
	P_DELAY_PROBE = 0x27,
	P_OUT_OF_SYNC = 0x28,
	P_RS_CANCEL = 0x29,
	P_CONN_ST_CHG_REQ = 0x2a,
	P_CONN_ST_CHG_REPLY = 0x2b,
	P_RETRY_WRITE = 0x2c,
	P_PROTOCOL_UPDATE = 0x2d,
	P_TWOPC_PREPARE = 0x2e,
	P_TWOPC_ABORT = 0x2f,
	P_DAGTAG = 0x30,
	P_TRIM = 0x31,
	P_RS_THIN_REQ = 0x32,
	P_RS_DEALLOCATED = 0x33,
	P_WSAME = 0x34,
	P_TWOPC_PREP_RSZ = 0x35,
	P_ZEROES = 0x36,
	P_PEER_ACK = 0x40,
	P_PEERS_IN_SYNC = 0x41,
	P_UUIDS110 = 0x42,
	P_PEER_DAGTAG = 0x43,
	P_CURRENT_UUID = 0x44,
	P_TWOPC_YES = 0x45,
	P_TWOPC_NO = 0x46,
	P_TWOPC_COMMIT = 0x47,
	P_TWOPC_RETRY = 0x48,
	P_CONFIRM_STABLE = 0x49,
	P_RS_CANCEL_AHEAD = 0x4a,
	P_DISCONNECT = 0x4b,
	P_RS_DAGTAG_REQ = 0x4c,
	P_RS_CSUM_DAGTAG_REQ = 0x4d,
	P_RS_THIN_DAGTAG_REQ = 0x4e,
	P_OV_DAGTAG_REQ = 0x4f,
	P_OV_DAGTAG_REPLY = 0x50,
	P_WRITE_ACK_IN_SYNC = 0x51,
	P_RS_NEG_ACK = 0x52,
	P_OV_RESULT_ID = 0x53,
	P_RS_DEALLOCATED_ID = 0x54,
	P_FLUSH_REQUESTS = 0x55,
	P_FLUSH_FORWARD = 0x56,
	P_FLUSH_REQUESTS_ACK = 0x57,
	P_ENABLE_REPLICATION_NEXT = 0x58,
	/* DRBD 9.3 sends this one without checking the agreed features
	 * (drbd_send_enable_replication() in its drbd_main.c is called when a
	 * peer's replication becomes enabled, e.g. around SyncTarget), so an
	 * 8.4-dialect peer can receive it. wire_packet_decode() reports it as
	 * known with .ignore set; it carries p_enable_replication (4 bytes). */
	P_ENABLE_REPLICATION = 0x59,

	P_INITIAL_META = 0xfff1,
	P_INITIAL_DATA = 0xfff2,
	P_CONNECTION_FEATURES = 0xfffe,
};

/* h100 volume of connection-wide packets as DRBD 9 sends them (8.4: 0) */
#define WIRE_VNR_CONN 0xffffu

/* Header magics (§3) */
#define DRBD_MAGIC 0x83740267u		/* h80 */
#define DRBD_MAGIC_BIG 0x835au		/* h95 */
#define DRBD_MAGIC_100 0x8620ec20u	/* h100 */

/* Feature flags of P_CONNECTION_FEATURES (§4.1) */
#define DRBD_FF_TRIM 0x001u
#define DRBD_FF_THIN_RESYNC 0x002u
#define DRBD_FF_WSAME 0x004u
#define DRBD_FF_WZEROES 0x008u
#define DRBD_FF_RESYNC_DAGTAG 0x010u
#define DRBD_FF_2PC_V2 0x020u
#define DRBD_FF_RS_SKIP_UUID 0x040u
#define DRBD_FF_RESYNC_WITHOUT_REPLICATION 0x080u
#define DRBD_FF_BM_BLOCK_SHIFT 0x100u
#define DRBD_FF_RECONCILE_RECONNECT 0x200u

/* p_data.dp_flags (§9) */
#define DP_HARDBARRIER 0x001u
#define DP_RW_SYNC 0x002u
#define DP_MAY_SET_IN_SYNC 0x004u
#define DP_UNPLUG 0x008u
#define DP_FUA 0x010u
#define DP_FLUSH 0x020u
#define DP_DISCARD 0x040u
#define DP_SEND_RECEIVE_ACK 0x080u
#define DP_SEND_WRITE_ACK 0x100u
#define DP_WSAME 0x200u
#define DP_ZEROES 0x400u

/* P_PROTOCOL conn_flags (§4.3) */
#define CF_DISCARD_MY_DATA 0x1u
#define CF_DRY_RUN 0x2u

/* P_UUIDS flags (§6.7) */
#define UUID_FLAG_DISCARD_MY_DATA 0x1ull
#define UUID_FLAG_CRASHED_PRIMARY 0x2ull
#define UUID_FLAG_INCONSISTENT 0x4ull
#define UUID_FLAG_SKIP_INITIAL_SYNC 0x8ull

/* P_SIZES dds_flags (§6.8) */
#define DDSF_FORCED 0x1u
#define DDSF_NO_RESYNC 0x2u

/* Special block_ids (§3.4, §16). ID_SYNCER is all ones, so byte order does
 * not matter; P_OV_RESULT sends ID_IN_SYNC / ID_OUT_OF_SYNC big-endian
 * (seen as 00..00 12 67 in drbd84-wire s05), wire_ov_result_id() reads it. */
#define ID_SYNCER UINT64_MAX
#define ID_IN_SYNC 4711u
#define ID_OUT_OF_SYNC 4712u

/* Sizes and limits (§16) */
#define DRBD_SOCKET_BUFFER_SIZE 4096u	/* bitmap packets, header included */
#define DRBD_MAX_SIZE_H80_PACKET 32768u
#define DRBD_MAX_BIO_SIZE (1u << 20)
#define DRBD_MAX_BIO_SIZE_P95 (128u << 10)
#define DRBD_MAX_BIO_SIZE_SAFE (32u << 10)
#define DRBD_MAX_BATCH_BIO_SIZE (128u << 20)	/* P_TRIM/P_ZEROES, FF_WSAME */
#define DRBD_MAX_DISCARD_SIZE (4u << 20)	/* ... without FF_WSAME */
#define SHARED_SECRET_MAX 64u
#define CHALLENGE_LEN 64u
#define WIRE_DIGEST_MAX 64u	/* largest digest we accept anywhere */

/* Protocol versions (§1) */
#define PRO_VERSION_84_MIN 86u
#define PRO_VERSION_84_MAX 101u
#define PRO_VERSION_9_MIN 110u

enum wire_sock {
	WIRE_SOCK_ANY,		/* caller does not care (tools, fuzzing) */
	WIRE_SOCK_DATA,
	WIRE_SOCK_META,
};

/* How a command's payload length is checked (see wire_payload_size()). */
enum wire_size_rule {
	WIRE_SZ_FIXED,		/* exactly .fixed */
	WIRE_SZ_VAR,		/* .fixed .. .fixed + .var_max */
	WIRE_SZ_SPECIAL,	/* depends on apv/features: see packets.c */
};

struct wire_cmd_info {
	uint16_t cmd;
	const char *name;	/* DRBD's name, "P_DATA" */
	uint8_t sock;		/* WIRE_SOCK_DATA/META, ANY = both (P_DELAY_PROBE) */
	uint8_t rule;		/* enum wire_size_rule */
	uint16_t fixed;		/* fixed payload part (the receiver reads it first) */
	uint32_t var_max;	/* WIRE_SZ_VAR: most variable bytes */
	uint8_t min_apv;	/* first version that sends it (86 = always) */
	bool drbd9;		/* DRBD 9 dialect only (apv >= 110) */
	bool ignore;		/* known, but the receiver skips it (§17) */
	uint32_t feature;	/* DRBD_FF_* a sender needs agreed, 0 = none */
};

/* NULL for command numbers DRBD does not define (or obsoleted). */
const struct wire_cmd_info *wire_cmd_info(uint16_t cmd);

/* DRBD's name, or "P_UNKNOWN" */
const char *wire_cmd_name(uint16_t cmd);

/* Checks a payload length against what cmd carries at this apv and these
 * features: 0, or -EBADMSG with wire_last_error() set. */
int wire_payload_size(const struct wire_proto *p, uint16_t cmd, uint32_t len);

/* Largest application request for the agreed version (§6.8, §16). */
uint32_t wire_max_bio_size(unsigned apv);

#endif
