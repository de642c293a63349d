/* drbdsetup's messages and exit codes for configuration replies. The texts
 * are drbd-utils' wording, which scripts and people match on; the exit
 * code rules are drbdsetup's (drbd-metadata-resync.md §8.4): 10 for a
 * kernel "Failure", 17/5/16 for three state-change refusals, 11 for other
 * refusals, 20 for local errors. */
#include "ctl/errors.h"

#include <stddef.h>

struct code_text {
	int code;
	const char *text;
};

static const struct code_text ret_texts[] = {
	{ ERR_OPEN_DISK, "Can not open backing device." },
	{ ERR_OPEN_MD_DISK, "Can not open meta device." },
	{ ERR_DISK_TOO_SMALL, "Low.dev. smaller than requested DRBD-dev. size." },
	{ ERR_MD_DISK_TOO_SMALL, "Meta device too small." },
	{ ERR_BDCLAIM_DISK, "Lower device is already claimed. This usually means it is mounted." },
	{ ERR_MD_IDX_INVALID, "Lower device / meta device / index combination invalid." },
	{ ERR_IO_MD_DISK, "IO error(s) occurred during initial access to meta-data.\n" },
	{ ERR_MD_INVALID, "No valid meta-data signature found.\n\n"
			  "\t==> Use 'drbdadm create-md res' to initialize meta-data area. <==\n" },
	{ ERR_NOMEM, "kmalloc() failed. Out of memory?" },
	{ ERR_DISK_CONFIGURED, "Device is attached to a disk (use detach first)" },
	{ ERR_NET_CONFIGURED, "Device has a net-config (use disconnect first)" },
	{ ERR_MINOR_INVALID, "Device minor not allocated" },
	{ ERR_RESIZE_RESYNC, "Resize not allowed during resync." },
	{ ERR_NO_PRIMARY, "Need one Primary node to resize." },
	{ ERR_PAUSE_IS_SET, "Sync-pause flag is already set" },
	{ ERR_PAUSE_IS_CLEAR, "Sync-pause flag is already cleared" },
	{ ERR_NO_DISK, "Device does not have a disk-config" },
	{ ERR_PIC_AFTER_DEP, "Sync-pause flag is already cleared.\n"
			     "Note: Resync pause caused by a local resync-after dependency." },
	{ ERR_PIC_PEER_DEP, "Sync-pause flag is already cleared.\n"
			    "Note: Resync pause caused by the peer node." },
	{ ERR_RES_NOT_KNOWN, "Unknown resource" },
	{ ERR_RES_IN_USE, "Resource still in use (delete all minors first)" },
	{ ERR_MINOR_CONFIGURED, "Minor still configured (down it first)" },
	{ ERR_MINOR_OR_VOLUME_EXISTS, "Minor or volume exists already (delete it first)" },
	{ ERR_INVALID_REQUEST, "Invalid configuration request" },
	{ ERR_MD_UNCLEAN, "Unclean meta-data found.\nYou need to 'drbdadm apply-al res'\n" },
};

static const struct code_text rv_texts[] = {
	{ SS_TWO_PRIMARIES, "Multiple primaries not allowed by config" },
	{ SS_NO_UP_TO_DATE_DISK, "Need access to UpToDate data" },
	{ SS_NO_LOCAL_DISK, "Can not resync without local disk" },
	{ SS_NO_REMOTE_DISK, "Can not resync without remote disk" },
	{ SS_CONNECTED_OUTDATES, "Refusing to be Outdated while Connected" },
	{ SS_PRIMARY_NOP, "Refusing to be Primary while peer is not outdated" },
	{ SS_RESYNC_RUNNING, "Can not start OV/resync since it is already active" },
	{ SS_CW_FAILED_BY_PEER, "State change was refused by peer node" },
	{ SS_IS_DISKLESS, "Device is diskless, the requested operation requires a disk" },
	{ SS_DEVICE_IN_USE, "Device is held open by someone" },
	{ SS_NO_VERIFY_ALG, "Need a verify algorithm to start online verify" },
	{ SS_NEED_CONNECTION, "State change requires a connection" },
	{ SS_LOWER_THAN_OUTDATED, "Disk state is lower than outdated" },
	{ SS_NOT_SUPPORTED, "Peer does not support protocol" },
	{ SS_IN_TRANSIENT_STATE, "In transient state, retry after next state change" },
	{ SS_CONCURRENT_ST_CHG, "Concurrent state changes detected and aborted" },
	{ SS_TIMEOUT, "Timeout in operation" },
};

static const char *lookup(const struct code_text *t, size_t n, int code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].text;
	return NULL;
}

const char *ctl_ret_code_text(int code)
{
	const char *t = lookup(ret_texts, sizeof(ret_texts) / sizeof(ret_texts[0]), code);
	return t ? t : "Unknown... maybe API_VERSION mismatch?";
}

const char *ctl_state_rv_text(int rv)
{
	const char *t = lookup(rv_texts, sizeof(rv_texts) / sizeof(rv_texts[0]), rv);
	return t ? t : "unknown error";
}

int ctl_render_reply(const struct cmd_reply *r, const char *objname, struct strbuf *err)
{
	int rc = 0;

	if (r->ret_code == DRBD_NO_ERROR || r->ret_code == SS_SUCCESS ||
	    r->ret_code == SS_NOTHING_TO_DO)
		return 0;
	if (r->ret_code == CMD_OTHER_ERROR) {
		strbuf_printf(err, "%s\n", r->info);
		return 20;
	}
	if (r->ret_code > DRBD_NO_ERROR) {
		strbuf_printf(err, "%s: Failure: (%d) %s\n", objname, r->ret_code,
			    ctl_ret_code_text(r->ret_code));
		rc = 10;
	} else {
		strbuf_printf(err, "%s: State change failed: (%d) %s\n", objname,
			    r->ret_code, ctl_state_rv_text(r->ret_code));
		switch (r->ret_code) {
		case SS_NO_UP_TO_DATE_DISK: rc = 17; break;
		case SS_LOWER_THAN_OUTDATED: rc = 5; break;
		case SS_NO_LOCAL_DISK: rc = 16; break;
		default: rc = 11; break;
		}
	}
	if (r->info[0])
		strbuf_printf(err, "additional info from kernel:\n%s\n", r->info);
	return rc;
}
