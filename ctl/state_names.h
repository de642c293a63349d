/* DRBD 9's state vocabulary as drbdsetup prints it (drbd-metadata-resync.md
 * §8.1). The numeric order follows DRBD's own enums because drbdsetup's
 * output rules compare states ("replication beyond Established", "SyncSource
 * up to PausedSyncT but not Verify"), so keep it when adding names. */
#ifndef UDRBD_CTL_STATE_NAMES_H
#define UDRBD_CTL_STATE_NAMES_H

enum ctl_role {
	CTL_R_UNKNOWN,
	CTL_R_PRIMARY,
	CTL_R_SECONDARY,
};

enum ctl_conn_state {
	CTL_C_STANDALONE,
	CTL_C_DISCONNECTING,
	CTL_C_UNCONNECTED,
	CTL_C_TIMEOUT,
	CTL_C_BROKEN_PIPE,
	CTL_C_NETWORK_FAILURE,
	CTL_C_PROTOCOL_ERROR,
	CTL_C_TEAR_DOWN,
	CTL_C_CONNECTING,
	CTL_C_CONNECTED,
};

/* DRBD numbers these on from C_CONNECTED; only the order matters here. */
enum ctl_repl_state {
	CTL_L_OFF,
	CTL_L_ESTABLISHED,
	CTL_L_STARTING_SYNC_S,
	CTL_L_STARTING_SYNC_T,
	CTL_L_WF_BITMAP_S,
	CTL_L_WF_BITMAP_T,
	CTL_L_WF_SYNC_UUID,
	CTL_L_SYNC_SOURCE,
	CTL_L_SYNC_TARGET,
	CTL_L_VERIFY_S,
	CTL_L_VERIFY_T,
	CTL_L_PAUSED_SYNC_S,
	CTL_L_PAUSED_SYNC_T,
	CTL_L_AHEAD,
	CTL_L_BEHIND,
};

enum ctl_disk_state {
	CTL_D_DISKLESS,
	CTL_D_ATTACHING,
	CTL_D_DETACHING,
	CTL_D_FAILED,
	CTL_D_NEGOTIATING,
	CTL_D_INCONSISTENT,
	CTL_D_OUTDATED,
	CTL_D_UNKNOWN,
	CTL_D_CONSISTENT,
	CTL_D_UP_TO_DATE,
};

enum ctl_write_ordering {
	CTL_WO_NONE,
	CTL_WO_DRAIN_IO,
	CTL_WO_BDEV_FLUSH,
	CTL_WO_BIO_BARRIER,
};

/* Out-of-range values print as "?" rather than crash the formatter. */
const char *ctl_role_name(enum ctl_role r);
const char *ctl_conn_state_name(enum ctl_conn_state c);
const char *ctl_repl_state_name(enum ctl_repl_state l);
const char *ctl_disk_state_name(enum ctl_disk_state d);
/* NULL for values drbdsetup does not name (it then omits the field). */
const char *ctl_write_ordering_name(enum ctl_write_ordering wo);

/* Reverse lookups for parsers; -1 when the name is unknown. */
int ctl_role_from_name(const char *s);
int ctl_conn_state_from_name(const char *s);
int ctl_repl_state_from_name(const char *s);
int ctl_disk_state_from_name(const char *s);

#endif
