/* Spellings of DRBD's states (ctl/state_names.h, drbd-metadata-resync.md
 * §8.1). */
#include "ctl/state_names.h"

#include <stddef.h>
#include <string.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const role_names[] = {
	[CTL_R_UNKNOWN] = "Unknown",
	[CTL_R_PRIMARY] = "Primary",
	[CTL_R_SECONDARY] = "Secondary",
};

static const char *const conn_names[] = {
	[CTL_C_STANDALONE] = "StandAlone",
	[CTL_C_DISCONNECTING] = "Disconnecting",
	[CTL_C_UNCONNECTED] = "Unconnected",
	[CTL_C_TIMEOUT] = "Timeout",
	[CTL_C_BROKEN_PIPE] = "BrokenPipe",
	[CTL_C_NETWORK_FAILURE] = "NetworkFailure",
	[CTL_C_PROTOCOL_ERROR] = "ProtocolError",
	[CTL_C_TEAR_DOWN] = "TearDown",
	[CTL_C_CONNECTING] = "Connecting",
	[CTL_C_CONNECTED] = "Connected",
};

static const char *const repl_names[] = {
	[CTL_L_OFF] = "Off",
	[CTL_L_ESTABLISHED] = "Established",
	[CTL_L_STARTING_SYNC_S] = "StartingSyncS",
	[CTL_L_STARTING_SYNC_T] = "StartingSyncT",
	[CTL_L_WF_BITMAP_S] = "WFBitMapS",
	[CTL_L_WF_BITMAP_T] = "WFBitMapT",
	[CTL_L_WF_SYNC_UUID] = "WFSyncUUID",
	[CTL_L_SYNC_SOURCE] = "SyncSource",
	[CTL_L_SYNC_TARGET] = "SyncTarget",
	[CTL_L_VERIFY_S] = "VerifyS",
	[CTL_L_VERIFY_T] = "VerifyT",
	[CTL_L_PAUSED_SYNC_S] = "PausedSyncS",
	[CTL_L_PAUSED_SYNC_T] = "PausedSyncT",
	[CTL_L_AHEAD] = "Ahead",
	[CTL_L_BEHIND] = "Behind",
};

static const char *const disk_names[] = {
	[CTL_D_DISKLESS] = "Diskless",
	[CTL_D_ATTACHING] = "Attaching",
	[CTL_D_DETACHING] = "Detaching",
	[CTL_D_FAILED] = "Failed",
	[CTL_D_NEGOTIATING] = "Negotiating",
	[CTL_D_INCONSISTENT] = "Inconsistent",
	[CTL_D_OUTDATED] = "Outdated",
	[CTL_D_UNKNOWN] = "DUnknown",
	[CTL_D_CONSISTENT] = "Consistent",
	[CTL_D_UP_TO_DATE] = "UpToDate",
};

static const char *const wo_names[] = {
	[CTL_WO_NONE] = "none",
	[CTL_WO_DRAIN_IO] = "drain",
	[CTL_WO_BDEV_FLUSH] = "flush",
	[CTL_WO_BIO_BARRIER] = "barrier",
};

static const char *lookup(const char *const *tab, size_t n, unsigned i)
{
	return i < n && tab[i] ? tab[i] : "?";
}

static int rlookup(const char *const *tab, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i] && !strcmp(tab[i], s))
			return (int)i;
	return -1;
}

const char *ctl_role_name(enum ctl_role r)
{
	return lookup(role_names, N_ELEMS(role_names), r);
}

const char *ctl_conn_state_name(enum ctl_conn_state c)
{
	return lookup(conn_names, N_ELEMS(conn_names), c);
}

const char *ctl_repl_state_name(enum ctl_repl_state l)
{
	return lookup(repl_names, N_ELEMS(repl_names), l);
}

const char *ctl_disk_state_name(enum ctl_disk_state d)
{
	return lookup(disk_names, N_ELEMS(disk_names), d);
}

const char *ctl_write_ordering_name(enum ctl_write_ordering wo)
{
	return (unsigned)wo < N_ELEMS(wo_names) ? wo_names[wo] : NULL;
}

int ctl_role_from_name(const char *s)
{
	return rlookup(role_names, N_ELEMS(role_names), s);
}

int ctl_conn_state_from_name(const char *s)
{
	return rlookup(conn_names, N_ELEMS(conn_names), s);
}

int ctl_repl_state_from_name(const char *s)
{
	return rlookup(repl_names, N_ELEMS(repl_names), s);
}

int ctl_disk_state_from_name(const char *s)
{
	return rlookup(disk_names, N_ELEMS(disk_names), s);
}
