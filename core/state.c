/* Spellings of DRBD's states (core/state.h, drbd-metadata-resync.md §8.1). */
#include "core/state.h"

#include <stddef.h>
#include <string.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const role_names[] = {
	[R_UNKNOWN] = "Unknown",
	[R_PRIMARY] = "Primary",
	[R_SECONDARY] = "Secondary",
};

static const char *const conn_names[] = {
	[C_STANDALONE] = "StandAlone",
	[C_DISCONNECTING] = "Disconnecting",
	[C_UNCONNECTED] = "Unconnected",
	[C_TIMEOUT] = "Timeout",
	[C_BROKEN_PIPE] = "BrokenPipe",
	[C_NETWORK_FAILURE] = "NetworkFailure",
	[C_PROTOCOL_ERROR] = "ProtocolError",
	[C_TEAR_DOWN] = "TearDown",
	[C_CONNECTING] = "Connecting",
	[C_CONNECTED] = "Connected",
};

static const char *const repl_names[] = {
	[L_OFF] = "Off",
	[L_ESTABLISHED] = "Established",
	[L_STARTING_SYNC_S] = "StartingSyncS",
	[L_STARTING_SYNC_T] = "StartingSyncT",
	[L_WF_BITMAP_S] = "WFBitMapS",
	[L_WF_BITMAP_T] = "WFBitMapT",
	[L_WF_SYNC_UUID] = "WFSyncUUID",
	[L_SYNC_SOURCE] = "SyncSource",
	[L_SYNC_TARGET] = "SyncTarget",
	[L_VERIFY_S] = "VerifyS",
	[L_VERIFY_T] = "VerifyT",
	[L_PAUSED_SYNC_S] = "PausedSyncS",
	[L_PAUSED_SYNC_T] = "PausedSyncT",
	[L_AHEAD] = "Ahead",
	[L_BEHIND] = "Behind",
};

static const char *const disk_names[] = {
	[D_DISKLESS] = "Diskless",
	[D_ATTACHING] = "Attaching",
	[D_DETACHING] = "Detaching",
	[D_FAILED] = "Failed",
	[D_NEGOTIATING] = "Negotiating",
	[D_INCONSISTENT] = "Inconsistent",
	[D_OUTDATED] = "Outdated",
	[D_UNKNOWN] = "DUnknown",
	[D_CONSISTENT] = "Consistent",
	[D_UP_TO_DATE] = "UpToDate",
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

const char *drbd_role_name(enum drbd_role r)
{
	return lookup(role_names, N_ELEMS(role_names), r);
}

const char *drbd_conn_state_name(enum drbd_conn_state c)
{
	return lookup(conn_names, N_ELEMS(conn_names), c);
}

const char *drbd_repl_state_name(enum drbd_repl_state l)
{
	return lookup(repl_names, N_ELEMS(repl_names), l);
}

const char *drbd_disk_state_name(enum drbd_disk_state d)
{
	return lookup(disk_names, N_ELEMS(disk_names), d);
}

int drbd_role_from_name(const char *s)
{
	return rlookup(role_names, N_ELEMS(role_names), s);
}

int drbd_conn_state_from_name(const char *s)
{
	return rlookup(conn_names, N_ELEMS(conn_names), s);
}

int drbd_repl_state_from_name(const char *s)
{
	return rlookup(repl_names, N_ELEMS(repl_names), s);
}

int drbd_disk_state_from_name(const char *s)
{
	return rlookup(disk_names, N_ELEMS(disk_names), s);
}
