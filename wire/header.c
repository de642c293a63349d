/* Headers, first packets and the packet view (drbd-wire-protocol.md §2.2,
 * §3, §5). */
#include "wire/header.h"
#include "wire/bytes.h"

size_t wire_header_size(unsigned apv)
{
	return apv >= 100 ? WIRE_H100_SIZE : WIRE_H80_SIZE;
}

int wire_header_encode(uint8_t *buf, size_t cap, unsigned apv, uint16_t cmd,
		       uint16_t vnr, uint32_t length)
{
	if (apv >= 100) {
		if (cap < WIRE_H100_SIZE)
			return wire_fail(-EMSGSIZE, "buffer too small for h100");
		wire_put_be32(buf, DRBD_MAGIC_100);
		wire_put_be16(buf + 4, vnr);
		wire_put_be16(buf + 6, cmd);
		wire_put_be32(buf + 8, length);
		wire_put_be32(buf + 12, 0);
		return WIRE_H100_SIZE;
	}
	if (cap < WIRE_H80_SIZE)
		return wire_fail(-EMSGSIZE, "buffer too small for a header");
	if (apv >= 95 && length > DRBD_MAX_SIZE_H80_PACKET) {
		wire_put_be16(buf, DRBD_MAGIC_BIG);
		wire_put_be16(buf + 2, cmd);
		wire_put_be32(buf + 4, length);
		return WIRE_H95_SIZE;
	}
	if (length > UINT16_MAX)
		return wire_fail(-EMSGSIZE, "payload too long for h80");
	wire_put_be32(buf, DRBD_MAGIC);
	wire_put_be16(buf + 4, cmd);
	wire_put_be16(buf + 6, (uint16_t)length);
	return WIRE_H80_SIZE;
}

static int decode_h100(const uint8_t *buf, size_t len, unsigned apv,
		       struct wire_header *h)
{
	if (apv < 100)
		return wire_fail(-EPROTO, "h100 header below protocol 100");
	if (len < WIRE_H100_SIZE)
		return wire_fail(-EAGAIN, "incomplete h100 header");
	if (wire_get_be32(buf + 12) != 0)
		return wire_fail(-EPROTO, "header padding is not zero");
	h->kind = WIRE_H100;
	h->size = WIRE_H100_SIZE;
	h->vnr = wire_get_be16(buf + 4);
	h->cmd = wire_get_be16(buf + 6);
	h->length = wire_get_be32(buf + 8);
	return WIRE_H100_SIZE;
}

int wire_header_decode(const uint8_t *buf, size_t len, unsigned apv,
		       struct wire_header *h)
{
	if (len < WIRE_H80_SIZE)
		return wire_fail(-EAGAIN, "incomplete header");
	if (wire_get_be32(buf) == DRBD_MAGIC_100)
		return decode_h100(buf, len, apv, h);
	if (apv >= 100)
		return wire_failf(-EPROTO, "not an h100 header (magic 0x%08x)",
				  (unsigned)wire_get_be32(buf));
	h->size = WIRE_H80_SIZE;
	h->vnr = 0;
	if (wire_get_be32(buf) == DRBD_MAGIC) {
		h->kind = WIRE_H80;
		h->cmd = wire_get_be16(buf + 4);
		h->length = wire_get_be16(buf + 6);
		return WIRE_H80_SIZE;
	}
	if (wire_get_be16(buf) == DRBD_MAGIC_BIG && apv != 0) {
		h->kind = WIRE_H95;
		h->cmd = wire_get_be16(buf + 2);
		h->length = wire_get_be32(buf + 4);
		return WIRE_H95_SIZE;
	}
	return wire_failf(-EPROTO, "bad header magic 0x%08x", (unsigned)wire_get_be32(buf));
}

int wire_initial_encode(uint8_t *buf, size_t cap, uint16_t cmd)
{
	if (cmd != P_INITIAL_DATA && cmd != P_INITIAL_META)
		return wire_fail(-EINVAL, "not a first packet");
	return wire_header_encode(buf, cap, 0, cmd, 0, 0);
}

int wire_initial_decode(const uint8_t *buf, size_t len)
{
	struct wire_header h;
	int rc = wire_header_decode(buf, len, 0, &h);

	if (rc < 0)
		return rc;
	if (h.cmd != P_INITIAL_DATA && h.cmd != P_INITIAL_META)
		return wire_fail(-EPROTO, "first packet is not P_INITIAL_*");
	if (h.length != 0)	/* its payload would be read as the next header */
		return wire_fail(-EPROTO, "first packet with a payload");
	return h.cmd;
}

static int check_dialect(const struct wire_proto *p, enum wire_sock sock,
			 struct wire_packet *pkt)
{
	const struct wire_cmd_info *ci = pkt->info;

	pkt->ignore = ci->ignore;
	if (ci->drbd9 && p->apv < PRO_VERSION_9_MIN) {
		if (ci->cmd != P_ENABLE_REPLICATION)
			return wire_fail(-EPROTO, "DRBD 9 packet in the 8.4 dialect");
		pkt->ignore = true;
	}
	if (sock != WIRE_SOCK_ANY && ci->sock != WIRE_SOCK_ANY && ci->sock != sock)
		return wire_fail(-EPROTO, sock == WIRE_SOCK_DATA ?
				 "meta-socket packet on the data socket" :
				 "data-socket packet on the meta socket");
	return 0;
}

int wire_packet_decode(const struct wire_proto *p, enum wire_sock sock,
		       const uint8_t *buf, size_t len, struct wire_packet *pkt)
{
	int hs = wire_header_decode(buf, len, p->apv, &pkt->hdr);
	int rc;

	if (hs < 0)
		return hs;
	pkt->info = wire_cmd_info(pkt->hdr.cmd);
	if (!pkt->info)
		return wire_failf(-EPROTO, "unknown command 0x%04x", pkt->hdr.cmd);
	rc = check_dialect(p, sock, pkt);
	if (rc == 0)
		rc = wire_payload_size(p, pkt->hdr.cmd, pkt->hdr.length);
	return rc < 0 ? rc : hs;
}

int wire_packet_start(const struct wire_proto *p, uint16_t cmd, uint16_t vnr,
		      uint32_t length, size_t in_buf, uint8_t *buf, size_t cap)
{
	/* the features packet always goes with h80 (§4.1) */
	unsigned apv = cmd == P_CONNECTION_FEATURES ? 0 : p->apv;
	int hs = wire_header_encode(buf, cap, apv, cmd, vnr, length);

	if (hs < 0)
		return hs;
	if (in_buf > length || cap - (size_t)hs < in_buf)
		return wire_fail(-EMSGSIZE, "buffer too small for the packet");
	return hs;
}

int wire_empty_encode(const struct wire_proto *p, uint16_t cmd, uint16_t vnr,
		      uint8_t *buf, size_t cap)
{
	return wire_packet_start(p, cmd, vnr, 0, 0, buf, cap);
}
