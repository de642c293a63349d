/* State word and enum translation (drbd-wire-protocol.md §6.9, §8). */
#include "wire/state.h"

static unsigned field(uint32_t w, uint32_t mask, unsigned shift)
{
	return (w & mask) >> shift;
}

void wire_state_unpack(uint32_t w, struct wire_state *s)
{
	s->role = field(w, WIRE_ST_ROLE_MASK, WIRE_ST_ROLE_SHIFT);
	s->peer = field(w, WIRE_ST_PEER_MASK, WIRE_ST_PEER_SHIFT);
	s->conn = field(w, WIRE_ST_CONN_MASK, WIRE_ST_CONN_SHIFT);
	s->disk = field(w, WIRE_ST_DISK_MASK, WIRE_ST_DISK_SHIFT);
	s->pdsk = field(w, WIRE_ST_PDSK_MASK, WIRE_ST_PDSK_SHIFT);
	s->susp = w & WIRE_ST_SUSP;
	s->aftr_isp = w & WIRE_ST_AFTR_ISP;
	s->peer_isp = w & WIRE_ST_PEER_ISP;
	s->user_isp = w & WIRE_ST_USER_ISP;
	s->susp_nod = w & WIRE_ST_SUSP_NOD;
	s->susp_fen = w & WIRE_ST_SUSP_FEN;
	s->quorum = w & WIRE_ST_QUORUM;
}

static uint32_t put(unsigned v, uint32_t mask, unsigned shift)
{
	return ((uint32_t)v << shift) & mask;
}

uint32_t wire_state_pack(const struct wire_state *s)
{
	return put(s->role, WIRE_ST_ROLE_MASK, WIRE_ST_ROLE_SHIFT) |
	       put(s->peer, WIRE_ST_PEER_MASK, WIRE_ST_PEER_SHIFT) |
	       put(s->conn, WIRE_ST_CONN_MASK, WIRE_ST_CONN_SHIFT) |
	       put(s->disk, WIRE_ST_DISK_MASK, WIRE_ST_DISK_SHIFT) |
	       put(s->pdsk, WIRE_ST_PDSK_MASK, WIRE_ST_PDSK_SHIFT) |
	       (s->susp ? WIRE_ST_SUSP : 0) |
	       (s->aftr_isp ? WIRE_ST_AFTR_ISP : 0) |
	       (s->peer_isp ? WIRE_ST_PEER_ISP : 0) |
	       (s->user_isp ? WIRE_ST_USER_ISP : 0) |
	       (s->susp_nod ? WIRE_ST_SUSP_NOD : 0) |
	       (s->susp_fen ? WIRE_ST_SUSP_FEN : 0) |
	       (s->quorum ? WIRE_ST_QUORUM : 0);
}

/* The engine numbers disks as DRBD 9 does (core/state.h); 8.4 lacks
 * Detaching, so its values from Failed on are one lower (§8.4). */
int wire_disk_to_engine(unsigned apv, unsigned v)
{
	if (apv >= PRO_VERSION_9_MIN)
		return v <= D_UP_TO_DATE ? (int)v :
		       wire_fail(-EPROTO, "disk state out of range");
	if (v > WIRE_D84_UP_TO_DATE)
		return wire_fail(-EPROTO, "8.4 disk state out of range");
	return v >= WIRE_D84_FAILED ? (int)v + 1 : (int)v;
}

unsigned wire_disk_from_engine(unsigned apv, enum drbd_disk_state d)
{
	if (apv >= PRO_VERSION_9_MIN)
		return (unsigned)d;
	if (d == D_DETACHING)	/* what DRBD 9 sends an 8.4 peer */
		return WIRE_D84_FAILED;
	return d > D_DETACHING ? (unsigned)d - 1 : (unsigned)d;
}

int wire_role_to_engine(unsigned v)
{
	return v <= R_SECONDARY ? (int)v : wire_fail(-EPROTO, "role out of range");
}

int wire_conn_to_engine(unsigned v, enum drbd_conn_state *c,
			enum drbd_repl_state *l)
{
	if (v > WIRE_C_LAST)
		return wire_fail(-EPROTO, "conn state out of range");
	if (v < WIRE_C_WF_REPORT_PARAMS) {
		*c = (enum drbd_conn_state)v;
		*l = L_OFF;
	} else {
		*c = C_CONNECTED;
		*l = (enum drbd_repl_state)(v - WIRE_C_WF_REPORT_PARAMS);
	}
	return 0;
}

unsigned wire_conn_from_engine(enum drbd_conn_state c, enum drbd_repl_state l)
{
	if (c != C_CONNECTED)
		return (unsigned)c;
	return WIRE_C_WF_REPORT_PARAMS + (unsigned)l;
}

int wire_state_to_engine(unsigned apv, uint32_t word,
			 struct wire_engine_state *es)
{
	int role, peer, disk, pdsk, rc;

	wire_state_unpack(word, &es->raw);
	role = wire_role_to_engine(es->raw.role);
	peer = wire_role_to_engine(es->raw.peer);
	disk = wire_disk_to_engine(apv, es->raw.disk);
	pdsk = wire_disk_to_engine(apv, es->raw.pdsk);
	rc = wire_conn_to_engine(es->raw.conn, &es->conn, &es->repl);
	if (role < 0 || peer < 0 || disk < 0 || pdsk < 0 || rc < 0)
		return -EPROTO;	/* the failing helper named the field */
	es->role = (enum drbd_role)role;
	es->peer = (enum drbd_role)peer;
	es->disk = (enum drbd_disk_state)disk;
	es->pdsk = (enum drbd_disk_state)pdsk;
	return 0;
}

/* 8.4's convert_state() table, with DRBD 9's two additions. */
static unsigned convert_conn(unsigned c)
{
	switch (c) {
	case 1:		/* Disconnecting */
		return 7;	/* TearDown */
	case 11:	/* StartingSyncS */
		return 12;
	case 12:
		return 11;
	case 13:	/* WFBitMapS */
		return 14;
	case 14:
		return 13;
	case 18:	/* VerifyS */
		return 19;
	case WIRE_C_WF_CONNECTION:
	case WIRE_C_WF_REPORT_PARAMS:
	case WIRE_C_CONNECTED:
	case WIRE_CONN_MASK_VAL:
		return c;
	}
	return 0;
}

uint32_t wire_state_req_to_local(uint32_t word)
{
	struct wire_state s;
	unsigned t;

	wire_state_unpack(word, &s);
	t = s.role;
	s.role = s.peer;
	s.peer = t;
	t = s.disk;
	s.disk = s.pdsk;
	s.pdsk = t;
	s.conn = convert_conn(s.conn);
	s.peer_isp = s.aftr_isp || s.user_isp;
	/* bits outside the known fields travel unchanged */
	return wire_state_pack(&s) | (word & 0xff000000u);
}
