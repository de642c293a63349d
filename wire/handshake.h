/* Connection handshake packets (drbd-wire-protocol.md §4): features,
 * CRAM-HMAC challenge/response, P_PROTOCOL / P_PROTOCOL_UPDATE. */
#ifndef UDRBD_WIRE_HANDSHAKE_H
#define UDRBD_WIRE_HANDSHAKE_H

#include "wire/header.h"

#define WIRE_FEATURES_SIZE 72u
#define WIRE_FEATURES_PACKET (WIRE_H80_SIZE + WIRE_FEATURES_SIZE)

/* P_CONNECTION_FEATURES (§4.1). The node ids are DRBD 9's (offsets 12
 * and 16); 8.4 sends zeros there and ignores them. */
struct wire_features {
	uint32_t protocol_min;
	uint32_t feature_flags;
	uint32_t protocol_max;
	uint32_t sender_node_id;
	uint32_t receiver_node_id;
};

/* Always with an h80 header, before any version is agreed (§4.1). */
int wire_features_encode(const struct wire_features *f, uint8_t *buf,
			 size_t cap);
/* Payload must be exactly 72 bytes. protocol_max 0 reads as protocol_min. */
int wire_features_decode(const uint8_t *pl, size_t len, struct wire_features *f);

/* The negotiation both sides run (§4.1): apv = min of the maxima, features
 * ANDed; -EPROTO when the ranges do not overlap. Fills out->apv and
 * out->features and leaves out->digest_size alone. */
int wire_features_agree(const struct wire_features *mine,
			const struct wire_features *peer, struct wire_proto *out);

/* P_AUTH_CHALLENGE: len random bytes (64, §4.2). */
int wire_auth_challenge_encode(const struct wire_proto *p, const uint8_t *chal,
			       size_t len, uint8_t *buf, size_t cap);
/* 8.4 accepts 64..128 bytes; the view points into pl. */
int wire_auth_challenge_decode(const uint8_t *pl, size_t len,
			       struct wire_blob *chal);

/* P_AUTH_RESPONSE: the HMAC digest. */
int wire_auth_response_encode(const struct wire_proto *p, const uint8_t *digest,
			      size_t len, uint8_t *buf, size_t cap);
int wire_auth_response_decode(const uint8_t *pl, size_t len,
			      struct wire_blob *digest);

/* P_PROTOCOL / P_PROTOCOL_UPDATE (§4.3) */
struct wire_protocol {
	uint32_t wire_protocol;		/* 1 = A, 2 = B, 3 = C */
	uint32_t after_sb_0p;
	uint32_t after_sb_1p;
	uint32_t after_sb_2p;
	uint32_t conn_flags;		/* CF_* */
	uint32_t two_primaries;
	char integrity_alg[SHARED_SECRET_MAX];	/* "" = none */
};

/* cmd is P_PROTOCOL or P_PROTOCOL_UPDATE; the string goes out from apv 87
 * with its NUL (1 byte for none). Connection-wide: vnr 0 in the 8.4
 * dialect (DRBD 9 sends WIRE_VNR_CONN, even to an 8.4 peer). */
int wire_protocol_encode(const struct wire_proto *p, uint16_t cmd,
			 uint16_t vnr, const struct wire_protocol *pr,
			 uint8_t *buf, size_t cap);
int wire_protocol_decode(const struct wire_proto *p, const uint8_t *pl,
			 size_t len, struct wire_protocol *pr);

#endif
