/* The connection-wide handshake on the data socket (drbd-wire-protocol.md
 * §10.1 steps 2-4): features, optional CRAM-HMAC authentication, and
 * P_PROTOCOL with the checks that refuse an incompatible peer. */
#include "core/conn_int.h"
#include "wire/handshake.h"

#include <string.h>

/* The 8.4 dialect: h100 headers and volumes need 100; 101 adds the
 * explicit end of an online verify (§1). No feature flags yet: TRIM,
 * THIN_RESYNC, WSAME, WZEROES are optional (§0). */
#define UDRBD_PRO_MIN 100
#define UDRBD_PRO_MAX 101
#define AUTH_CHALLENGE_LEN 64

static int features(struct connection *c)
{
	struct wire_features mine = { .protocol_min = UDRBD_PRO_MIN,
				      .protocol_max = UDRBD_PRO_MAX }, peer;
	uint8_t buf[WIRE_FEATURES_PACKET];
	uint32_t len;
	int err;

	err = wire_features_encode(&mine, buf, sizeof(buf));
	if (err < 0)
		return err;
	err = conn_send(c, WIRE_SOCK_DATA, buf, (size_t)err);
	if (!err)
		/* 8.4 bounds this read by 4 x ping-timeout (§2.3). */
		err = conn_expect(c, WIRE_SOCK_DATA, P_CONNECTION_FEATURES, buf, sizeof(buf),
				  &len, (int)c->conf.ping_timeout * 400);
	if (err)
		return err;
	if (wire_features_decode(buf, len, &peer) ||
	    wire_features_agree(&mine, &peer, &c->proto)) {
		plat_err("%s %s: incompatible DRBD dialects: I support %u-%u, peer supports %u-%u",
			 c->res->name, c->conf.name, mine.protocol_min, mine.protocol_max,
			 peer.protocol_min, peer.protocol_max);
		return -ENOTSUP;
	}
	plat_info("%s %s: Handshake successful: Agreed network protocol version %u",
		  c->res->name, c->conf.name, c->proto.apv);
	return 0;
}

static int send_blob(struct connection *c, bool challenge, const uint8_t *p, size_t n)
{
	uint8_t buf[WIRE_HEADER_MAX + 128];
	int len = challenge ? wire_auth_challenge_encode(&c->proto, p, n, buf, sizeof(buf))
			    : wire_auth_response_encode(&c->proto, p, n, buf, sizeof(buf));

	return len < 0 ? len : conn_send(c, WIRE_SOCK_DATA, buf, (size_t)len);
}

static int recv_blob(struct connection *c, bool challenge, uint8_t *out, size_t *n)
{
	uint8_t buf[128];
	struct wire_blob b;
	uint32_t len;
	int err = conn_expect(c, WIRE_SOCK_DATA, challenge ? P_AUTH_CHALLENGE : P_AUTH_RESPONSE,
			      buf, sizeof(buf), &len, (int)c->conf.ping_timeout * 400);

	if (err)
		return err;
	err = challenge ? wire_auth_challenge_decode(buf, len, &b)
			: wire_auth_response_decode(buf, len, &b);
	if (err || b.len > *n)
		return -EPROTO;
	memcpy(out, b.ptr, b.len);
	*n = b.len;
	return 0;
}

/* CRAM-HMAC (§4.2): each side proves it knows the secret by the HMAC of
 * the other's random challenge. */
static int authenticate(struct connection *c)
{
	enum plat_hash_alg alg = plat_hash_by_name(c->conf.cram_hmac_alg);
	uint8_t mine[AUTH_CHALLENGE_LEN], peer[128], resp[PLAT_HASH_MAX_LEN];
	uint8_t want[PLAT_HASH_MAX_LEN], got[128];
	size_t peer_len = sizeof(peer), got_len = sizeof(got), dlen = plat_hash_len(alg);
	const char *key = c->conf.shared_secret;
	int err;

	if (!c->conf.cram_hmac_alg[0])
		return 0;
	if (alg == PLAT_HASH_NONE || alg == PLAT_HASH_CRC32C) {
		plat_err("%s %s: cram-hmac-alg %s is not a known digest", c->res->name,
			 c->conf.name, c->conf.cram_hmac_alg);
		return -ENOTSUP;
	}
	plat_random_bytes(mine, sizeof(mine));
	err = send_blob(c, true, mine, sizeof(mine));
	if (!err)
		err = recv_blob(c, true, peer, &peer_len);
	if (err)
		return err;
	if (peer_len == sizeof(mine) && !memcmp(peer, mine, sizeof(mine))) {
		plat_err("%s %s: Peer presented the same challenge!", c->res->name, c->conf.name);
		return -EACCES;
	}
	plat_hmac(alg, key, strlen(key), peer, peer_len, resp);
	err = send_blob(c, false, resp, dlen);
	if (!err)
		err = recv_blob(c, false, got, &got_len);
	if (err)
		return err;
	plat_hmac(alg, key, strlen(key), mine, sizeof(mine), want);
	if (got_len != dlen || memcmp(got, want, dlen)) {
		plat_err("%s %s: Authentication of peer failed", c->res->name, c->conf.name);
		return -EACCES;
	}
	plat_info("%s %s: Peer authenticated using %zu bytes HMAC", c->res->name,
		  c->conf.name, dlen);
	return 0;
}

/* discard-local on one side pairs with discard-remote on the other; any
 * other policy must be the same on both (§5). */
static bool after_sb_compatible(uint32_t peer, uint32_t self)
{
	if ((peer == ASB_DISCARD_REMOTE && self == ASB_DISCARD_LOCAL) ||
	    (self == ASB_DISCARD_REMOTE && peer == ASB_DISCARD_LOCAL))
		return true;
	if (peer == ASB_DISCARD_REMOTE || peer == ASB_DISCARD_LOCAL ||
	    self == ASB_DISCARD_REMOTE || self == ASB_DISCARD_LOCAL)
		return false;
	return peer == self;
}

static const char *protocol_mismatch(const struct net_conf *n, const struct wire_protocol *p)
{
	if (p->wire_protocol != (uint32_t)n->protocol)
		return "protocol";
	if (!after_sb_compatible(p->after_sb_0p, n->after_sb_0p))
		return "after-sb-0pri";
	if (!after_sb_compatible(p->after_sb_1p, n->after_sb_1p))
		return "after-sb-1pri";
	if (!after_sb_compatible(p->after_sb_2p, n->after_sb_2p))
		return "after-sb-2pri";
	if ((p->conn_flags & CF_DISCARD_MY_DATA) && n->discard_my_data)
		return "discard-my-data";
	if (!!p->two_primaries != n->two_primaries)
		return "allow-two-primaries";
	if (strcmp(p->integrity_alg, n->integrity_alg))
		return "data-integrity-alg";
	return NULL;
}

static int protocol(struct connection *c)
{
	struct wire_protocol mine = { 0 }, peer;
	uint8_t buf[WIRE_HEADER_MAX + 24 + SHARED_SECRET_MAX];
	const char *bad;
	uint32_t len;
	int err;

	mine.wire_protocol = (uint32_t)c->conf.protocol;
	mine.after_sb_0p = c->conf.after_sb_0p;
	mine.after_sb_1p = c->conf.after_sb_1p;
	mine.after_sb_2p = c->conf.after_sb_2p;
	mine.conn_flags = (c->conf.discard_my_data ? CF_DISCARD_MY_DATA : 0) |
			  (c->conf.tentative ? CF_DRY_RUN : 0);
	mine.two_primaries = c->conf.two_primaries;
	strcpy(mine.integrity_alg, c->conf.integrity_alg);
	err = wire_protocol_encode(&c->proto, P_PROTOCOL, 0, &mine, buf, sizeof(buf));
	if (err < 0)
		return err;
	err = conn_send(c, WIRE_SOCK_DATA, buf, (size_t)err);
	if (!err)
		err = conn_expect(c, WIRE_SOCK_DATA, P_PROTOCOL, buf, sizeof(buf), &len,
				  (int)c->conf.ping_timeout * 400);
	if (err)
		return err;
	if (wire_protocol_decode(&c->proto, buf, len, &peer)) {
		plat_err("%s %s: malformed P_PROTOCOL: %s", c->res->name, c->conf.name,
			 wire_last_error());
		return -EPROTO;
	}
	bad = protocol_mismatch(&c->conf, &peer);
	if (bad) {
		plat_err("%s %s: incompatible %s settings", c->res->name, c->conf.name, bad);
		return -ENOTSUP;
	}
	return 0;
}

int conn_handshake(struct connection *c)
{
	int err;

	memset(&c->proto, 0, sizeof(c->proto));
	err = features(c);
	if (!err)
		err = authenticate(c);
	if (!err)
		err = protocol(c);
	return err;
}
