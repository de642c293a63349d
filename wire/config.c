/* Per-volume parameter and state packets (drbd-wire-protocol.md §6.6-6.10). */
#include "wire/config.h"
#include "wire/bytes.h"

static size_t sync_param_len(const struct wire_proto *p,
			     const struct wire_sync_param *sp)
{
	if (p->apv <= 87)
		return 4;
	if (p->apv == 88)
		return 4 + strnlen(sp->verify_alg, SHARED_SECRET_MAX - 1) + 1;
	return p->apv <= 94 ? 132 : 148;
}

/* Fixed-width string fields: NUL-padded, the last byte always NUL. */
static void put_str(uint8_t *dst, const char *src, size_t width)
{
	size_t n = strnlen(src, width - 1);

	memcpy(dst, src, n);
	memset(dst + n, 0, width - n);
}

static void get_str(char *dst, const uint8_t *src, size_t n, size_t width)
{
	memset(dst, 0, width);
	memcpy(dst, src, n < width ? n : width);
	dst[width - 1] = 0;
}

int wire_sync_param_encode(const struct wire_proto *p, uint16_t vnr,
			   const struct wire_sync_param *sp, uint8_t *buf,
			   size_t cap)
{
	size_t len = sync_param_len(p, sp);
	uint16_t cmd = p->apv >= 89 ? P_SYNC_PARAM89 : P_SYNC_PARAM;
	int rc;
	uint8_t *pl = wire_fixed_start(p, cmd, vnr, (uint32_t)len, buf, cap, &rc);

	if (!pl)
		return rc;
	wire_put_be32(pl, sp->resync_rate);
	if (p->apv == 88)
		put_str(pl + 4, sp->verify_alg, len - 4);
	if (p->apv >= 89) {
		put_str(pl + 4, sp->verify_alg, SHARED_SECRET_MAX);
		put_str(pl + 68, sp->csums_alg, SHARED_SECRET_MAX);
	}
	if (p->apv >= 95) {
		wire_put_be32(pl + 132, sp->c_plan_ahead);
		wire_put_be32(pl + 136, sp->c_delay_target);
		wire_put_be32(pl + 140, sp->c_fill_target);
		wire_put_be32(pl + 144, sp->c_max_rate);
	}
	return rc;
}

int wire_sync_param_decode(const struct wire_proto *p, const uint8_t *pl,
			   size_t len, struct wire_sync_param *sp)
{
	if (len > UINT32_MAX ||
	    wire_payload_size(p, P_SYNC_PARAM89, (uint32_t)len) < 0)
		return wire_fail(-EBADMSG, "sync-param length for this apv");
	memset(sp, 0, sizeof(*sp));
	sp->resync_rate = wire_get_be32(pl);
	if (p->apv == 88)
		get_str(sp->verify_alg, pl + 4, len - 4, SHARED_SECRET_MAX);
	if (p->apv >= 89) {
		get_str(sp->verify_alg, pl + 4, SHARED_SECRET_MAX, SHARED_SECRET_MAX);
		get_str(sp->csums_alg, pl + 68, SHARED_SECRET_MAX, SHARED_SECRET_MAX);
	}
	if (p->apv >= 95) {
		sp->c_plan_ahead = wire_get_be32(pl + 132);
		sp->c_delay_target = wire_get_be32(pl + 136);
		sp->c_fill_target = wire_get_be32(pl + 140);
		sp->c_max_rate = wire_get_be32(pl + 144);
	}
	return 0;
}

int wire_uuids_encode(const struct wire_proto *p, uint16_t vnr,
		      const struct wire_uuids *u, uint8_t *buf, size_t cap)
{
	int rc;
	uint8_t *pl = wire_fixed_start(p, P_UUIDS, vnr, 48, buf, cap, &rc);

	if (!pl)
		return rc;
	wire_put_be64(pl, u->current);
	wire_put_be64(pl + 8, u->bitmap);
	wire_put_be64(pl + 16, u->history[0]);
	wire_put_be64(pl + 24, u->history[1]);
	wire_put_be64(pl + 32, u->dirty_bits);
	wire_put_be64(pl + 40, u->flags);
	return rc;
}

int wire_uuids_decode(const uint8_t *pl, size_t len, struct wire_uuids *u)
{
	if (len != 48)
		return wire_fail(-EBADMSG, "P_UUIDS is not 48 bytes");
	u->current = wire_get_be64(pl);
	u->bitmap = wire_get_be64(pl + 8);
	u->history[0] = wire_get_be64(pl + 16);
	u->history[1] = wire_get_be64(pl + 24);
	u->dirty_bits = wire_get_be64(pl + 32);
	u->flags = wire_get_be64(pl + 40);
	return 0;
}

static size_t sizes_len(const struct wire_proto *p)
{
	return p->features & DRBD_FF_WSAME ? 56 : 32;
}

int wire_sizes_encode(const struct wire_proto *p, uint16_t vnr,
		      const struct wire_sizes *s, uint8_t *buf, size_t cap)
{
	uint32_t len = (uint32_t)sizes_len(p);
	int rc;
	uint8_t *pl = wire_fixed_start(p, P_SIZES, vnr, len, buf, cap, &rc);

	if (!pl)
		return rc;
	wire_put_be64(pl, s->d_size);
	wire_put_be64(pl + 8, s->u_size);
	wire_put_be64(pl + 16, s->c_size);
	wire_put_be32(pl + 24, s->max_bio_size);
	wire_put_be16(pl + 28, s->queue_order_type);
	wire_put_be16(pl + 30, s->dds_flags);
	if (len == 56) {
		wire_put_be32(pl + 32, s->qlim.physical_block_size);
		wire_put_be32(pl + 36, s->qlim.logical_block_size);
		wire_put_be32(pl + 40, s->qlim.alignment_offset);
		wire_put_be32(pl + 44, s->qlim.io_min);
		wire_put_be32(pl + 48, s->qlim.io_opt);
		pl[52] = s->qlim.discard_enabled;
		pl[53] = s->qlim.discard_zeroes_data;
		pl[54] = s->qlim.write_same_capable;
		pl[55] = s->qlim.pad;
	}
	return rc;
}

int wire_sizes_decode(const struct wire_proto *p, const uint8_t *pl,
		      size_t len, struct wire_sizes *s)
{
	if (len != sizes_len(p))
		return wire_fail(-EBADMSG, "P_SIZES length for the agreed features");
	memset(s, 0, sizeof(*s));
	s->d_size = wire_get_be64(pl);
	s->u_size = wire_get_be64(pl + 8);
	s->c_size = wire_get_be64(pl + 16);
	s->max_bio_size = wire_get_be32(pl + 24);
	s->queue_order_type = wire_get_be16(pl + 28);
	s->dds_flags = wire_get_be16(pl + 30);
	if (len == 56) {
		s->qlim.physical_block_size = wire_get_be32(pl + 32);
		s->qlim.logical_block_size = wire_get_be32(pl + 36);
		s->qlim.alignment_offset = wire_get_be32(pl + 40);
		s->qlim.io_min = wire_get_be32(pl + 44);
		s->qlim.io_opt = wire_get_be32(pl + 48);
		s->qlim.discard_enabled = pl[52];
		s->qlim.discard_zeroes_data = pl[53];
		s->qlim.write_same_capable = pl[54];
		s->qlim.pad = pl[55];
	}
	return 0;
}

/* The small packets: one or two big-endian integers. */
static int u32_encode(const struct wire_proto *p, uint16_t cmd, uint16_t vnr,
		      uint32_t v, uint8_t *buf, size_t cap)
{
	int rc;
	uint8_t *pl = wire_fixed_start(p, cmd, vnr, 4, buf, cap, &rc);

	if (pl)
		wire_put_be32(pl, v);
	return rc;
}

int wire_state_encode(const struct wire_proto *p, uint16_t vnr, uint32_t word,
		      uint8_t *buf, size_t cap)
{
	return u32_encode(p, P_STATE, vnr, word, buf, cap);
}

int wire_state_decode(const uint8_t *pl, size_t len, uint32_t *word)
{
	if (len != 4)
		return wire_fail(-EBADMSG, "P_STATE is not 4 bytes");
	*word = wire_get_be32(pl);
	return 0;
}

int wire_req_state_encode(const struct wire_proto *p, uint16_t cmd,
			  uint16_t vnr, const struct wire_req_state *r,
			  uint8_t *buf, size_t cap)
{
	int rc;
	uint8_t *pl;

	if (cmd != P_STATE_CHG_REQ && cmd != P_CONN_ST_CHG_REQ)
		return wire_fail(-EINVAL, "not a state-change request");
	pl = wire_fixed_start(p, cmd, vnr, 8, buf, cap, &rc);
	if (pl) {
		wire_put_be32(pl, r->mask);
		wire_put_be32(pl + 4, r->val);
	}
	return rc;
}

int wire_req_state_decode(const uint8_t *pl, size_t len,
			  struct wire_req_state *r)
{
	if (len != 8)
		return wire_fail(-EBADMSG, "state request is not 8 bytes");
	r->mask = wire_get_be32(pl);
	r->val = wire_get_be32(pl + 4);
	return 0;
}

int wire_req_state_reply_encode(const struct wire_proto *p, uint16_t cmd,
				uint16_t vnr, int32_t retcode, uint8_t *buf,
				size_t cap)
{
	if (cmd != P_STATE_CHG_REPLY && cmd != P_CONN_ST_CHG_REPLY)
		return wire_fail(-EINVAL, "not a state-change reply");
	return u32_encode(p, cmd, vnr, (uint32_t)retcode, buf, cap);
}

int wire_req_state_reply_decode(const uint8_t *pl, size_t len,
				int32_t *retcode)
{
	if (len != 4)
		return wire_fail(-EBADMSG, "state reply is not 4 bytes");
	*retcode = (int32_t)wire_get_be32(pl);
	return 0;
}

int wire_sync_uuid_encode(const struct wire_proto *p, uint16_t vnr,
			  uint64_t uuid, uint8_t *buf, size_t cap)
{
	int rc;
	uint8_t *pl = wire_fixed_start(p, P_SYNC_UUID, vnr, 8, buf, cap, &rc);

	if (pl)
		wire_put_be64(pl, uuid);
	return rc;
}

int wire_sync_uuid_decode(const uint8_t *pl, size_t len, uint64_t *uuid)
{
	if (len != 8)
		return wire_fail(-EBADMSG, "P_SYNC_UUID is not 8 bytes");
	*uuid = wire_get_be64(pl);
	return 0;
}

int wire_delay_probe_decode(const uint8_t *pl, size_t len,
			    struct wire_delay_probe *d)
{
	if (len != 8)
		return wire_fail(-EBADMSG, "P_DELAY_PROBE is not 8 bytes");
	d->seq_num = wire_get_be32(pl);
	d->offset = wire_get_be32(pl + 4);
	return 0;
}

int wire_enable_replication_decode(const uint8_t *pl, size_t len,
				   bool *enable)
{
	if (len != 4)
		return wire_fail(-EBADMSG, "P_ENABLE_REPLICATION is not 4 bytes");
	if (pl[0] > 1)
		return wire_fail(-EPROTO, "enable is not 0 or 1");
	*enable = pl[0] != 0;
	return 0;
}
