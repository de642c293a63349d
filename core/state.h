/* DRBD's state vocabulary (roles, disk states, connection and replication
 * states) with the spellings drbdsetup prints (drbd-metadata-resync.md §8.1).
 * The numeric order of disk states matters: comparisons like
 * "disk >= D_INCONSISTENT" follow DRBD's ordering. */
#ifndef UDRBD_CORE_STATE_H
#define UDRBD_CORE_STATE_H

enum drbd_role {
	R_UNKNOWN = 0,
	R_PRIMARY,
	R_SECONDARY,
};

enum drbd_disk_state {
	D_DISKLESS = 0,
	D_ATTACHING,
	D_DETACHING,
	D_FAILED,
	D_NEGOTIATING,
	D_INCONSISTENT,
	D_OUTDATED,
	D_UNKNOWN,
	D_CONSISTENT,
	D_UP_TO_DATE,
};

enum drbd_conn_state {
	C_STANDALONE = 0,
	C_DISCONNECTING,
	C_UNCONNECTED,
	C_TIMEOUT,
	C_BROKEN_PIPE,
	C_NETWORK_FAILURE,
	C_PROTOCOL_ERROR,
	C_TEAR_DOWN,
	C_CONNECTING,
	C_CONNECTED,
};

enum drbd_repl_state {
	L_OFF = 0,
	L_ESTABLISHED,
	L_STARTING_SYNC_S,
	L_STARTING_SYNC_T,
	L_WF_BITMAP_S,
	L_WF_BITMAP_T,
	L_WF_SYNC_UUID,
	L_SYNC_SOURCE,
	L_SYNC_TARGET,
	L_VERIFY_S,
	L_VERIFY_T,
	L_PAUSED_SYNC_S,
	L_PAUSED_SYNC_T,
	L_AHEAD,
	L_BEHIND,
};

const char *drbd_role_name(enum drbd_role r);
const char *drbd_disk_state_name(enum drbd_disk_state d);
const char *drbd_conn_state_name(enum drbd_conn_state c);
const char *drbd_repl_state_name(enum drbd_repl_state r);

#endif
