/* Per-volume parameter and state packets (drbd-wire-protocol.md §6.6-6.10):
 * sync parameters, UUIDs, sizes, state and state-change requests, sync
 * UUID, delay probe, enable-replication. */
#ifndef UDRBD_WIRE_CONFIG_H
#define UDRBD_WIRE_CONFIG_H

#include "wire/header.h"

/* P_SYNC_PARAM / P_SYNC_PARAM89 (§6.6). Which fields travel depends on
 * apv: rate only (<= 87), + verify_alg (88), + csums_alg (89..94), + the
 * c_* controller values (>= 95). */
struct wire_sync_param {
	uint32_t resync_rate;
	char verify_alg[SHARED_SECRET_MAX];
	char csums_alg[SHARED_SECRET_MAX];
	uint32_t c_plan_ahead;
	uint32_t c_delay_target;
	uint32_t c_fill_target;
	uint32_t c_max_rate;
};

/* Picks P_SYNC_PARAM or P_SYNC_PARAM89 and the length from p->apv. */
int wire_sync_param_encode(const struct wire_proto *p, uint16_t vnr,
			   const struct wire_sync_param *sp, uint8_t *buf,
			   size_t cap);
/* Layout by apv, as 8.4 does, whichever of the two commands carried it;
 * fields the layout lacks come back zero. */
int wire_sync_param_decode(const struct wire_proto *p, const uint8_t *pl,
			   size_t len, struct wire_sync_param *sp);

/* P_UUIDS, 48 bytes (§6.7) */
struct wire_uuids {
	uint64_t current;	/* bit 0 = primary */
	uint64_t bitmap;
	uint64_t history[2];
	uint64_t dirty_bits;
	uint64_t flags;		/* UUID_FLAG_* */
};

int wire_uuids_encode(const struct wire_proto *p, uint16_t vnr,
		      const struct wire_uuids *u, uint8_t *buf, size_t cap);
int wire_uuids_decode(const uint8_t *pl, size_t len, struct wire_uuids *u);

/* P_SIZES (§6.8): 32 bytes, 56 with the o_qlim trailer when FF_WSAME. */
struct wire_qlim {
	uint32_t physical_block_size;
	uint32_t logical_block_size;
	uint32_t alignment_offset;
	uint32_t io_min;
	uint32_t io_opt;
	uint8_t discard_enabled;
	uint8_t discard_zeroes_data;
	uint8_t write_same_capable;	/* send 0: no P_WSAME from old peers */
	uint8_t pad;		/* DRBD 9 with FF_BM_BLOCK_SHIFT: shift - 12 */
};

struct wire_sizes {
	uint64_t d_size;	/* sectors */
	uint64_t u_size;
	uint64_t c_size;
	uint32_t max_bio_size;	/* bytes */
	uint16_t queue_order_type;
	uint16_t dds_flags;	/* DDSF_* */
	struct wire_qlim qlim;	/* on the wire only with FF_WSAME */
};

int wire_sizes_encode(const struct wire_proto *p, uint16_t vnr,
		      const struct wire_sizes *s, uint8_t *buf, size_t cap);
int wire_sizes_decode(const struct wire_proto *p, const uint8_t *pl,
		      size_t len, struct wire_sizes *s);

/* P_STATE: the state word of §8.1 (see wire/state.h). */
int wire_state_encode(const struct wire_proto *p, uint16_t vnr, uint32_t word,
		      uint8_t *buf, size_t cap);
int wire_state_decode(const uint8_t *pl, size_t len, uint32_t *word);

/* P_STATE_CHG_REQ / P_CONN_ST_CHG_REQ: new = (old & ~mask) | val, both
 * in the sender's view (§6.9, wire_state_req_to_local()). */
struct wire_req_state {
	uint32_t mask;
	uint32_t val;
};

int wire_req_state_encode(const struct wire_proto *p, uint16_t cmd,
			  uint16_t vnr, const struct wire_req_state *r,
			  uint8_t *buf, size_t cap);
int wire_req_state_decode(const uint8_t *pl, size_t len,
			  struct wire_req_state *r);

/* P_STATE_CHG_REPLY / P_CONN_ST_CHG_REPLY: an SS_* code (core/reply.h). */
int wire_req_state_reply_encode(const struct wire_proto *p, uint16_t cmd,
				uint16_t vnr, int32_t retcode, uint8_t *buf,
				size_t cap);
int wire_req_state_reply_decode(const uint8_t *pl, size_t len,
				int32_t *retcode);

/* P_SYNC_UUID (§6.10) */
int wire_sync_uuid_encode(const struct wire_proto *p, uint16_t vnr,
			  uint64_t uuid, uint8_t *buf, size_t cap);
int wire_sync_uuid_decode(const uint8_t *pl, size_t len, uint64_t *uuid);

/* P_DELAY_PROBE (8.3 era; receivers skip it) */
struct wire_delay_probe {
	uint32_t seq_num;
	uint32_t offset;	/* microseconds */
};

int wire_delay_probe_decode(const uint8_t *pl, size_t len,
			    struct wire_delay_probe *d);

/* P_ENABLE_REPLICATION[_NEXT] (DRBD 9; see packets.h) */
int wire_enable_replication_decode(const uint8_t *pl, size_t len,
				   bool *enable);

#endif
