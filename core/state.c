/* Spellings of DRBD's states, as drbdsetup prints them (§8.1). */
#include "core/state.h"

#include <stddef.h>

#define NAME(table, i) \
	((size_t)(i) < sizeof(table) / sizeof(table[0]) && table[i] ? table[i] : "Unknown")

const char *drbd_role_name(enum drbd_role r)
{
	static const char *const t[] = { "Unknown", "Primary", "Secondary" };
	return NAME(t, r);
}

const char *drbd_disk_state_name(enum drbd_disk_state d)
{
	static const char *const t[] = {
		"Diskless", "Attaching", "Detaching", "Failed", "Negotiating",
		"Inconsistent", "Outdated", "DUnknown", "Consistent", "UpToDate",
	};
	return NAME(t, d);
}

const char *drbd_conn_state_name(enum drbd_conn_state c)
{
	static const char *const t[] = {
		"StandAlone", "Disconnecting", "Unconnected", "Timeout",
		"BrokenPipe", "NetworkFailure", "ProtocolError", "TearDown",
		"Connecting", "Connected",
	};
	return NAME(t, c);
}

const char *drbd_repl_state_name(enum drbd_repl_state r)
{
	static const char *const t[] = {
		"Off", "Established", "StartingSyncS", "StartingSyncT",
		"WFBitMapS", "WFBitMapT", "WFSyncUUID", "SyncSource",
		"SyncTarget", "VerifyS", "VerifyT", "PausedSyncS",
		"PausedSyncT", "Ahead", "Behind",
	};
	return NAME(t, r);
}
