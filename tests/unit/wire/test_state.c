/* The state word (drbd-wire-protocol.md §8.1) and its translation to the
 * engine's enums, with state words seen in the drbd84-wire captures. */
#include "tests/tap.h"
#include "wire/state.h"

TAP_TEST(handshake_state_s01)
{
	struct wire_engine_state es;

	/* Secondary / Unknown, WFConnection, Inconsistent / DUnknown */
	TAP_EQ(wire_state_to_engine(101, 0xc882, &es), 0);
	TAP_EQ(es.role, R_SECONDARY);
	TAP_EQ(es.peer, R_UNKNOWN);
	TAP_EQ(es.conn, C_CONNECTING);
	TAP_EQ(es.repl, L_OFF);
	TAP_EQ(es.disk, D_INCONSISTENT);
	TAP_EQ(es.pdsk, D_UNKNOWN);
	TAP_EQ(es.raw.disk, WIRE_D84_INCONSISTENT);
	/* Primary / Secondary, Connected, UpToDate / Inconsistent */
	TAP_EQ(wire_state_to_engine(101, 0x90a9, &es), 0);
	TAP_EQ(es.role, R_PRIMARY);
	TAP_EQ(es.peer, R_SECONDARY);
	TAP_EQ(es.conn, C_CONNECTED);
	TAP_EQ(es.repl, L_ESTABLISHED);
	TAP_EQ(es.disk, D_UP_TO_DATE);
	TAP_EQ(es.pdsk, D_INCONSISTENT);
	/* the same word means other disk states in DRBD 9's numbering */
	TAP_EQ(wire_state_to_engine(118, 0x90a9, &es), 0);
	TAP_EQ(es.disk, D_CONSISTENT);
}

TAP_TEST(pack_unpack)
{
	static const uint32_t words[] = { 0xc882, 0x90a9, 0x88aa, 0x1001,
					  0x7f0000, 0x1ffff };
	struct wire_state s;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		wire_state_unpack(words[i], &s);
		TAP_EQ(wire_state_pack(&s), words[i]);
	}
	wire_state_unpack(WIRE_ST_AFTR_ISP | WIRE_ST_SUSP_FEN, &s);
	TAP_OK(s.aftr_isp && s.susp_fen && !s.user_isp && !s.susp, "flags");
}

TAP_TEST(disk_numbering)
{
	/* 8.4 wire -> engine: Failed and up shift by one (no Detaching) */
	static const int want84[] = { D_DISKLESS, D_ATTACHING, D_FAILED,
		D_NEGOTIATING, D_INCONSISTENT, D_OUTDATED, D_UNKNOWN,
		D_CONSISTENT, D_UP_TO_DATE };

	for (unsigned v = 0; v < 9; v++) {
		TAP_EQ(wire_disk_to_engine(101, v), want84[v]);
		TAP_EQ(wire_disk_from_engine(101, (enum drbd_disk_state)want84[v]), v);
	}
	TAP_EQ(wire_disk_to_engine(101, 9), -EPROTO);
	TAP_EQ(wire_disk_to_engine(101, 15), -EPROTO);
	TAP_EQ(wire_disk_from_engine(101, D_DETACHING), WIRE_D84_FAILED);
	for (unsigned v = 0; v <= D_UP_TO_DATE; v++) {
		TAP_EQ(wire_disk_to_engine(118, v), (int)v);
		TAP_EQ(wire_disk_from_engine(118, (enum drbd_disk_state)v), v);
	}
	TAP_EQ(wire_disk_to_engine(118, 10), -EPROTO);
}

TAP_TEST(conn_numbering)
{
	enum drbd_conn_state c;
	enum drbd_repl_state l;

	for (unsigned v = 0; v <= WIRE_C_LAST; v++) {
		TAP_EQ(wire_conn_to_engine(v, &c, &l), 0);
		TAP_EQ(wire_conn_from_engine(c, l), v);
	}
	wire_conn_to_engine(17, &c, &l);
	TAP_EQ(c, C_CONNECTED);
	TAP_EQ(l, L_SYNC_TARGET);
	wire_conn_to_engine(7, &c, &l);
	TAP_EQ(c, C_TEAR_DOWN);
	TAP_EQ(wire_conn_to_engine(24, &c, &l), -EPROTO);
	TAP_EQ(wire_conn_to_engine(31, &c, &l), -EPROTO);
	TAP_EQ(wire_role_to_engine(3), -EPROTO);
}

TAP_TEST(peer_request_to_local_s01)
{
	/* s01 primary --force: the peer asks role Primary + disk UpToDate */
	TAP_EQ(wire_state_req_to_local(0x1e03), WIRE_ST_PEER_MASK | WIRE_ST_PDSK_MASK);
	TAP_EQ(wire_state_req_to_local(0x1001),
	       (1u << WIRE_ST_PEER_SHIFT) | (8u << WIRE_ST_PDSK_SHIFT));
	/* down: conn Disconnecting becomes TearDown, the conn mask stays */
	TAP_EQ(wire_state_req_to_local(0x1f0), 0x1f0);
	TAP_EQ(wire_state_req_to_local(0x10), 7u << WIRE_ST_CONN_SHIFT);
	/* invalidate: StartingSyncS <-> StartingSyncT, verify S -> T */
	TAP_EQ(wire_state_req_to_local(11u << 4), 12u << 4);
	TAP_EQ(wire_state_req_to_local(18u << 4), 19u << 4);
	TAP_EQ(wire_state_req_to_local(16u << 4), 0);	/* not requestable */
	TAP_EQ(wire_state_req_to_local(WIRE_ST_USER_ISP),
	       WIRE_ST_USER_ISP | WIRE_ST_PEER_ISP);
}

int main(void)
{
	return tap_run();
}
