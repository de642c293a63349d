/* The 32-bit state word of P_STATE and of state-change requests
 * (drbd-wire-protocol.md §8.1), and the translation between wire numbers
 * and the engine's enums in core/state.h. Only wire/ knows that the 8.4
 * dialect numbers disk states differently (§8.4) and that one "conn"
 * field carries both the connection and the replication state (§8.3). */
#ifndef UDRBD_WIRE_STATE_H
#define UDRBD_WIRE_STATE_H

#include "core/state.h"
#include "wire/packets.h"

#define WIRE_ST_ROLE_SHIFT 0
#define WIRE_ST_PEER_SHIFT 2
#define WIRE_ST_CONN_SHIFT 4
#define WIRE_ST_DISK_SHIFT 9
#define WIRE_ST_PDSK_SHIFT 13
#define WIRE_ST_ROLE_MASK 0x00000003u
#define WIRE_ST_PEER_MASK 0x0000000cu
#define WIRE_ST_CONN_MASK 0x000001f0u
#define WIRE_ST_DISK_MASK 0x00001e00u
#define WIRE_ST_PDSK_MASK 0x0001e000u
#define WIRE_ST_SUSP (1u << 17)
#define WIRE_ST_AFTR_ISP (1u << 18)
#define WIRE_ST_PEER_ISP (1u << 19)
#define WIRE_ST_USER_ISP (1u << 20)
#define WIRE_ST_SUSP_NOD (1u << 21)
#define WIRE_ST_SUSP_FEN (1u << 22)
#define WIRE_ST_QUORUM (1u << 23)	/* DRBD 9 only; pad in 8.4 */

/* Field values as they are on the wire (mask values: 3, 31, 15). */
#define WIRE_CONN_MASK_VAL 31u
#define WIRE_DISK_MASK_VAL 15u

/* 8.4 "conn" numbers (§8.3) the translation needs by name. */
enum wire_conn84 {
	WIRE_C_WF_CONNECTION = 8,	/* = DRBD 9 C_CONNECTING */
	WIRE_C_WF_REPORT_PARAMS = 9,	/* = DRBD 9 C_CONNECTED + L_OFF */
	WIRE_C_CONNECTED = 10,		/* = L_ESTABLISHED; 11.. follow L_* */
	WIRE_C_LAST = 23,		/* Behind */
};

/* 8.4 disk numbers (§8.4): no Detaching, so from Failed on one lower. */
enum wire_disk84 {
	WIRE_D84_DISKLESS,
	WIRE_D84_ATTACHING,
	WIRE_D84_FAILED,
	WIRE_D84_NEGOTIATING,
	WIRE_D84_INCONSISTENT,
	WIRE_D84_OUTDATED,
	WIRE_D84_UNKNOWN,
	WIRE_D84_CONSISTENT,
	WIRE_D84_UP_TO_DATE,
};

/* The word's fields as wire numbers (the numbering of the sender's
 * dialect; see the conversions below). */
struct wire_state {
	unsigned role, peer, conn, disk, pdsk;
	bool susp, aftr_isp, peer_isp, user_isp, susp_nod, susp_fen, quorum;
};

void wire_state_unpack(uint32_t word, struct wire_state *s);
uint32_t wire_state_pack(const struct wire_state *s);

/* Disk states, by dialect: apv < 110 uses the 8.4 numbers. to_engine
 * returns the enum drbd_disk_state value, or -EPROTO for a number the
 * dialect does not define. from_engine sends D_DETACHING as 8.4's Failed,
 * as DRBD 9 does. */
int wire_disk_to_engine(unsigned apv, unsigned wire_disk);
unsigned wire_disk_from_engine(unsigned apv, enum drbd_disk_state d);

/* Roles are numbered alike everywhere; -EPROTO for 3. */
int wire_role_to_engine(unsigned wire_role);

/* "conn": 0..8 connection states, 9 = connected and negotiating (L_OFF),
 * 10..23 = connected with replication state L_ESTABLISHED..L_BEHIND; the
 * same numbers in both dialects (DRBD 9 sends repl_state when
 * connected). -EPROTO for 24..31. */
int wire_conn_to_engine(unsigned wire_conn, enum drbd_conn_state *c,
			enum drbd_repl_state *l);
unsigned wire_conn_from_engine(enum drbd_conn_state c, enum drbd_repl_state l);

/* A whole received P_STATE word in engine terms, validated. */
struct wire_engine_state {
	enum drbd_role role, peer;
	enum drbd_conn_state conn;
	enum drbd_repl_state repl;
	enum drbd_disk_state disk, pdsk;
	struct wire_state raw;	/* the flags and the original numbers */
};

int wire_state_to_engine(unsigned apv, uint32_t word,
			 struct wire_engine_state *es);

/* §6.9: a peer's request (mask/val in its own view) in our view: role and
 * peer swapped, disk and pdsk swapped, peer_isp = aftr_isp | user_isp,
 * other flags kept, conn mapped as 8.4's convert_state() does
 * (StartingSyncS <-> StartingSyncT, VerifyS -> VerifyT, Disconnecting ->
 * TearDown; WFReportParams, Connected and the mask value to themselves)
 * plus DRBD 9's additions (WFBitMapS <-> WFBitMapT, WFConnection to
 * itself); any other conn becomes 0. */
uint32_t wire_state_req_to_local(uint32_t word);

#endif
