/* DRBD's state vocabulary (roles, disk states, connection and replication
 * states) in DRBD's own numeric order, with the spellings drbdsetup prints
 * (drbd-metadata-resync.md §8.1). The order matters: comparisons like
 * "disk >= D_INCONSISTENT", and "SyncSource up to PausedSyncT, except the
 * Verify states", follow DRBD's enums. */
#ifndef UDRBD_CORE_STATE_H
#define UDRBD_CORE_STATE_H

enum drbd_role {
	R_UNKNOWN,
	R_PRIMARY,
	R_SECONDARY,
};

enum drbd_conn_state {
	C_STANDALONE,
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

/* DRBD numbers these on from C_CONNECTED; only the order matters here. */
enum drbd_repl_state {
	L_OFF,
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

enum drbd_disk_state {
	D_DISKLESS,
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

/* Out-of-range values print as "?" rather than crash a formatter. */
const char *drbd_role_name(enum drbd_role r);
const char *drbd_conn_state_name(enum drbd_conn_state c);
const char *drbd_repl_state_name(enum drbd_repl_state l);
const char *drbd_disk_state_name(enum drbd_disk_state d);

/* Reverse lookups for parsers; -1 when the name is unknown. */
int drbd_role_from_name(const char *s);
int drbd_conn_state_from_name(const char *s);
int drbd_repl_state_from_name(const char *s);
int drbd_disk_state_from_name(const char *s);

#endif
