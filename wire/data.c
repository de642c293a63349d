/* Data-path packets (drbd-wire-protocol.md §6.1-6.5). */
#include "wire/data.h"
#include "wire/bytes.h"

bool wire_is_data_cmd(uint16_t cmd)
{
	switch (cmd) {
	case P_DATA:
	case P_DATA_REPLY:
	case P_RS_DATA_REPLY:
	case P_TRIM:
	case P_ZEROES:
	case P_WSAME:
		return true;
	}
	return false;
}

uint32_t wire_data_fixed_size(uint16_t cmd)
{
	return cmd == P_TRIM || cmd == P_ZEROES || cmd == P_WSAME ? 28 : 24;
}

/* P_TRIM / P_ZEROES carry neither digest nor data (§6.2). */
static bool has_no_data(uint16_t cmd)
{
	return cmd == P_TRIM || cmd == P_ZEROES;
}

int wire_data_encode(const struct wire_proto *p, uint16_t cmd, uint16_t vnr,
		     const struct wire_data *d, const uint8_t *digest,
		     uint32_t data_size, uint8_t *buf, size_t cap)
{
	uint32_t fixed = wire_data_fixed_size(cmd);
	uint32_t dig = has_no_data(cmd) ? 0 : p->digest_size;
	uint8_t *pl;
	int hs;

	if (!wire_is_data_cmd(cmd) || (has_no_data(cmd) && data_size))
		return wire_fail(-EINVAL, "not a data packet");
	if (data_size > DRBD_MAX_BATCH_BIO_SIZE || (dig && !digest))
		return wire_fail(-EINVAL, "data packet arguments");
	hs = wire_packet_start(p, cmd, vnr, fixed + dig + data_size,
			       fixed + dig, buf, cap);
	if (hs < 0)
		return hs;
	pl = buf + hs;
	wire_put_be64(pl, d->sector);
	wire_put_raw64(pl + 8, d->block_id);
	wire_put_be32(pl + 16, d->seq_num);
	wire_put_be32(pl + 20, d->dp_flags);
	if (fixed == 28)
		wire_put_be32(pl + 24, d->size);
	if (dig)
		memcpy(pl + fixed, digest, dig);
	return hs + (int)(fixed + dig);
}

static int check_data_sizes(const struct wire_proto *p, uint16_t cmd,
			    const struct wire_data *d)
{
	if (has_no_data(cmd) && d->data_size)
		return wire_fail(-EBADMSG, "data after a trim/zeroes request");
	if (d->data_size % 512 || d->size % 512)
		return wire_fail(-EPROTO, "size is not a multiple of 512");
	if (d->data_size > DRBD_MAX_BIO_SIZE)
		return wire_fail(-EPROTO, "data larger than 1 MiB");
	if (d->size > DRBD_MAX_BATCH_BIO_SIZE)
		return wire_fail(-EPROTO, "trim/zeroes size over 128 MiB");
	(void)p;
	return 0;
}

int wire_data_decode(const struct wire_proto *p, uint16_t cmd,
		     const uint8_t *buf, size_t len, uint32_t payload_size,
		     struct wire_data *d, struct wire_blob *digest)
{
	uint32_t fixed = wire_data_fixed_size(cmd);

	if (!wire_is_data_cmd(cmd))
		return wire_fail(-EINVAL, "not a data packet");
	memset(d, 0, sizeof(*d));
	d->digest_size = has_no_data(cmd) ? 0 : p->digest_size;
	if (len < fixed || len > payload_size ||
	    payload_size < fixed + d->digest_size)
		return wire_fail(-EBADMSG, "data packet shorter than its header");
	d->sector = wire_get_be64(buf);
	d->block_id = wire_get_raw64(buf + 8);
	d->seq_num = wire_get_be32(buf + 16);
	d->dp_flags = wire_get_be32(buf + 20);
	if (fixed == 28)
		d->size = wire_get_be32(buf + 24);
	d->data_size = payload_size - fixed - d->digest_size;
	if (digest) {
		bool have = len >= fixed + d->digest_size && d->digest_size;

		digest->ptr = have ? buf + fixed : NULL;
		digest->len = d->digest_size;
	}
	return check_data_sizes(p, cmd, d);
}

bool wire_is_block_req_cmd(uint16_t cmd)
{
	switch (cmd) {
	case P_DATA_REQUEST:
	case P_RS_DATA_REQUEST:
	case P_RS_THIN_REQ:
	case P_OV_REQUEST:
	case P_OV_REPLY:
	case P_CSUM_RS_REQUEST:
		return true;
	}
	return false;
}

static bool req_has_digest(uint16_t cmd)
{
	return cmd == P_OV_REPLY || cmd == P_CSUM_RS_REQUEST;
}

int wire_block_req_encode(const struct wire_proto *p, uint16_t cmd,
			  uint16_t vnr, const struct wire_block_req *r,
			  const uint8_t *digest, uint32_t digest_size,
			  uint8_t *buf, size_t cap)
{
	int rc;
	uint8_t *pl;

	if (!wire_is_block_req_cmd(cmd) || (digest_size && !req_has_digest(cmd)) ||
	    digest_size > WIRE_DIGEST_MAX || (digest_size && !digest))
		return wire_fail(-EINVAL, "block request arguments");
	pl = wire_fixed_start(p, cmd, vnr, 24 + digest_size, buf, cap, &rc);
	if (!pl)
		return rc;
	wire_put_be64(pl, r->sector);
	wire_put_raw64(pl + 8, r->block_id);
	wire_put_be32(pl + 16, r->blksize);
	wire_put_be32(pl + 20, 0);
	if (digest_size)
		memcpy(pl + 24, digest, digest_size);
	return rc;
}

int wire_block_req_decode(uint16_t cmd, const uint8_t *pl, size_t len,
			  struct wire_block_req *r, struct wire_blob *digest)
{
	if (!wire_is_block_req_cmd(cmd))
		return wire_fail(-EINVAL, "not a block request");
	if (len < 24 || (!req_has_digest(cmd) && len != 24) ||
	    len - 24 > WIRE_DIGEST_MAX)
		return wire_fail(-EBADMSG, "block request length");
	r->sector = wire_get_be64(pl);
	r->block_id = wire_get_raw64(pl + 8);
	r->blksize = wire_get_be32(pl + 16);
	if (digest) {
		digest->ptr = len > 24 ? pl + 24 : NULL;
		digest->len = (uint32_t)(len - 24);
	}
	if (r->blksize == 0 || r->blksize % 512 || r->blksize > DRBD_MAX_BIO_SIZE)
		return wire_fail(-EPROTO, "request size out of range");
	return 0;
}

int wire_block_ack_encode(const struct wire_proto *p, uint16_t cmd,
			  uint16_t vnr, const struct wire_block_ack *a,
			  uint8_t *buf, size_t cap)
{
	const struct wire_cmd_info *ci = wire_cmd_info(cmd);
	int rc;
	uint8_t *pl;

	if (!ci || ci->sock != WIRE_SOCK_META || ci->fixed != 24)
		return wire_fail(-EINVAL, "not a block ack");
	pl = wire_fixed_start(p, cmd, vnr, 24, buf, cap, &rc);
	if (!pl)
		return rc;
	wire_put_be64(pl, a->sector);
	wire_put_raw64(pl + 8, a->block_id);
	wire_put_be32(pl + 16, a->blksize);
	wire_put_be32(pl + 20, a->seq_num);
	return rc;
}

int wire_block_ack_decode(const uint8_t *pl, size_t len,
			  struct wire_block_ack *a)
{
	if (len != 24)
		return wire_fail(-EBADMSG, "block ack is not 24 bytes");
	a->sector = wire_get_be64(pl);
	a->block_id = wire_get_raw64(pl + 8);
	a->blksize = wire_get_be32(pl + 16);
	a->seq_num = wire_get_be32(pl + 20);
	return 0;
}

uint64_t wire_ov_result_id(const struct wire_block_ack *a)
{
	uint8_t raw[8];

	wire_put_raw64(raw, a->block_id);
	return wire_get_be64(raw);
}

void wire_ov_result_set_id(struct wire_block_ack *a, uint64_t id)
{
	uint8_t raw[8];

	wire_put_be64(raw, id);
	a->block_id = wire_get_raw64(raw);
}

int wire_barrier_encode(const struct wire_proto *p, uint16_t cmd, uint16_t vnr,
			const struct wire_barrier *b, uint8_t *buf, size_t cap)
{
	int rc;
	uint8_t *pl;

	if (cmd != P_BARRIER && cmd != P_BARRIER_ACK)
		return wire_fail(-EINVAL, "not a barrier packet");
	pl = wire_fixed_start(p, cmd, vnr, 8, buf, cap, &rc);
	if (!pl)
		return rc;
	wire_put_raw32(pl, b->barrier);
	wire_put_be32(pl + 4, cmd == P_BARRIER_ACK ? b->set_size : 0);
	return rc;
}

int wire_barrier_decode(uint16_t cmd, const uint8_t *pl, size_t len,
			struct wire_barrier *b)
{
	if (cmd != P_BARRIER && cmd != P_BARRIER_ACK)
		return wire_fail(-EINVAL, "not a barrier packet");
	if (len != 8)
		return wire_fail(-EBADMSG, "barrier is not 8 bytes");
	b->barrier = wire_get_raw32(pl);
	b->set_size = cmd == P_BARRIER_ACK ? wire_get_be32(pl + 4) : 0;
	return 0;
}

int wire_block_desc_encode(const struct wire_proto *p, uint16_t cmd,
			   uint16_t vnr, const struct wire_block_desc *b,
			   uint8_t *buf, size_t cap)
{
	int rc;
	uint8_t *pl;

	if (cmd != P_OUT_OF_SYNC && cmd != P_RS_DEALLOCATED)
		return wire_fail(-EINVAL, "not a block description");
	pl = wire_fixed_start(p, cmd, vnr, 16, buf, cap, &rc);
	if (!pl)
		return rc;
	wire_put_be64(pl, b->sector);
	wire_put_be32(pl + 8, b->blksize);
	wire_put_be32(pl + 12, 0);
	return rc;
}

int wire_block_desc_decode(const uint8_t *pl, size_t len,
			   struct wire_block_desc *b)
{
	if (len != 16)
		return wire_fail(-EBADMSG, "block description is not 16 bytes");
	b->sector = wire_get_be64(pl);
	b->blksize = wire_get_be32(pl + 8);
	return 0;
}
