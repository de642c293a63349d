/* Handshake packets (drbd-wire-protocol.md §4). */
#include "wire/handshake.h"
#include "wire/bytes.h"

int wire_features_encode(const struct wire_features *f, uint8_t *buf,
			 size_t cap)
{
	static const struct wire_proto before = { 0, 0, 0 };
	int hs = wire_packet_start(&before, P_CONNECTION_FEATURES, 0,
				   WIRE_FEATURES_SIZE, WIRE_FEATURES_SIZE,
				   buf, cap);
	uint8_t *pl = buf + hs;

	if (hs < 0)
		return hs;
	memset(pl, 0, WIRE_FEATURES_SIZE);
	wire_put_be32(pl, f->protocol_min);
	wire_put_be32(pl + 4, f->feature_flags);
	wire_put_be32(pl + 8, f->protocol_max);
	wire_put_be32(pl + 12, f->sender_node_id);
	wire_put_be32(pl + 16, f->receiver_node_id);
	return hs + (int)WIRE_FEATURES_SIZE;
}

int wire_features_decode(const uint8_t *pl, size_t len, struct wire_features *f)
{
	if (len != WIRE_FEATURES_SIZE)
		return wire_fail(-EBADMSG, "features payload is not 72 bytes");
	f->protocol_min = wire_get_be32(pl);
	f->feature_flags = wire_get_be32(pl + 4);
	f->protocol_max = wire_get_be32(pl + 8);
	f->sender_node_id = wire_get_be32(pl + 12);
	f->receiver_node_id = wire_get_be32(pl + 16);
	if (f->protocol_max == 0)	/* very old peers send only a minimum */
		f->protocol_max = f->protocol_min;
	return 0;
}

int wire_features_agree(const struct wire_features *mine,
			const struct wire_features *peer, struct wire_proto *out)
{
	if (mine->protocol_max < peer->protocol_min ||
	    mine->protocol_min > peer->protocol_max)
		return wire_fail(-EPROTO, "incompatible dialects");
	out->apv = mine->protocol_max < peer->protocol_max ?
		   mine->protocol_max : peer->protocol_max;
	out->features = mine->feature_flags & peer->feature_flags;
	return 0;
}

static int blob_encode(const struct wire_proto *p, uint16_t cmd,
		       const uint8_t *data, size_t len, uint8_t *buf, size_t cap)
{
	int hs;

	if (len > UINT32_MAX)
		return wire_fail(-EMSGSIZE, "blob too long");
	hs = wire_packet_start(p, cmd, 0, (uint32_t)len, len, buf, cap);
	if (hs < 0)
		return hs;
	memcpy(buf + hs, data, len);
	return hs + (int)len;
}

int wire_auth_challenge_encode(const struct wire_proto *p, const uint8_t *chal,
			       size_t len, uint8_t *buf, size_t cap)
{
	if (len < CHALLENGE_LEN || len > 2 * CHALLENGE_LEN)
		return wire_fail(-EINVAL, "challenge length out of range");
	return blob_encode(p, P_AUTH_CHALLENGE, chal, len, buf, cap);
}

int wire_auth_challenge_decode(const uint8_t *pl, size_t len,
			       struct wire_blob *chal)
{
	if (len < CHALLENGE_LEN || len > 2 * CHALLENGE_LEN)
		return wire_fail(-EBADMSG, "challenge length out of range");
	chal->ptr = pl;
	chal->len = (uint32_t)len;
	return 0;
}

int wire_auth_response_encode(const struct wire_proto *p, const uint8_t *digest,
			      size_t len, uint8_t *buf, size_t cap)
{
	if (len < 1 || len > WIRE_DIGEST_MAX)
		return wire_fail(-EINVAL, "digest length out of range");
	return blob_encode(p, P_AUTH_RESPONSE, digest, len, buf, cap);
}

int wire_auth_response_decode(const uint8_t *pl, size_t len,
			      struct wire_blob *digest)
{
	if (len < 1 || len > WIRE_DIGEST_MAX)
		return wire_fail(-EBADMSG, "response length out of range");
	digest->ptr = pl;
	digest->len = (uint32_t)len;
	return 0;
}

int wire_protocol_encode(const struct wire_proto *p, uint16_t cmd,
			 uint16_t vnr, const struct wire_protocol *pr,
			 uint8_t *buf, size_t cap)
{
	size_t alg = p->apv >= 87 ?
		     strnlen(pr->integrity_alg, SHARED_SECRET_MAX) + 1 : 0;
	uint8_t *pl;
	int hs;

	if (cmd != P_PROTOCOL && cmd != P_PROTOCOL_UPDATE)
		return wire_fail(-EINVAL, "not a protocol packet");
	if (alg > SHARED_SECRET_MAX)
		return wire_fail(-EINVAL, "integrity_alg is not terminated");
	hs = wire_packet_start(p, cmd, vnr, (uint32_t)(24 + alg), 24 + alg,
			       buf, cap);
	if (hs < 0)
		return hs;
	pl = buf + hs;
	wire_put_be32(pl, pr->wire_protocol);
	wire_put_be32(pl + 4, pr->after_sb_0p);
	wire_put_be32(pl + 8, pr->after_sb_1p);
	wire_put_be32(pl + 12, pr->after_sb_2p);
	wire_put_be32(pl + 16, pr->conn_flags);
	wire_put_be32(pl + 20, pr->two_primaries);
	if (alg) {
		memcpy(pl + 24, pr->integrity_alg, alg - 1);
		pl[24 + alg - 1] = 0;
	}
	return hs + 24 + (int)alg;
}

int wire_protocol_decode(const struct wire_proto *p, const uint8_t *pl,
			 size_t len, struct wire_protocol *pr)
{
	size_t alg;

	if (len < 24 || (p->apv < 87 && len != 24))
		return wire_fail(-EBADMSG, "protocol payload length");
	alg = len - 24;
	if (alg > SHARED_SECRET_MAX)
		return wire_fail(-EBADMSG, "integrity_alg longer than 64 bytes");
	pr->wire_protocol = wire_get_be32(pl);
	pr->after_sb_0p = wire_get_be32(pl + 4);
	pr->after_sb_1p = wire_get_be32(pl + 8);
	pr->after_sb_2p = wire_get_be32(pl + 12);
	pr->conn_flags = wire_get_be32(pl + 16);
	pr->two_primaries = wire_get_be32(pl + 20);
	memset(pr->integrity_alg, 0, sizeof(pr->integrity_alg));
	memcpy(pr->integrity_alg, pl + 24, alg);
	/* 8.4 cuts an unterminated name at 63 bytes; so do we */
	pr->integrity_alg[SHARED_SECRET_MAX - 1] = 0;
	if (pr->wire_protocol < 1 || pr->wire_protocol > 3)
		return wire_fail(-EPROTO, "wire protocol is not A, B or C");
	return 0;
}
