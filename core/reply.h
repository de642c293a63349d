/* The outcome of one configuration request, shaped after DRBD's netlink
 * reply: a ret_code and an "info text". drbdsetup turns it into its message
 * and exit code (ctl/errors.c): ret_code > 101 -> "Failure: (N) text",
 * exit 10; ret_code < 0 -> "State change failed: (N) text", exit 11/17/16/5;
 * CMD_OTHER_ERROR -> the text itself, exit 20. */
#ifndef UDRBD_CORE_REPLY_H
#define UDRBD_CORE_REPLY_H

#include <stdarg.h>

/* enum drbd_ret_code values (the kernel's numbers, seen in drbdsetup's
 * "Failure: (N)" lines; drbd-metadata-resync.md §8.4). */
enum {
	DRBD_NO_ERROR = 101,
	ERR_OPEN_DISK = 104,
	ERR_OPEN_MD_DISK = 105,
	ERR_DISK_TOO_SMALL = 111,
	ERR_MD_DISK_TOO_SMALL = 112,
	ERR_BDCLAIM_DISK = 114,
	ERR_MD_IDX_INVALID = 116,
	ERR_IO_MD_DISK = 118,
	ERR_MD_INVALID = 119,
	ERR_NOMEM = 122,
	ERR_DISK_CONFIGURED = 124,
	ERR_NET_CONFIGURED = 125,
	ERR_MINOR_INVALID = 127,
	ERR_RESIZE_RESYNC = 130,
	ERR_NO_PRIMARY = 131,
	ERR_PAUSE_IS_SET = 134,
	ERR_PAUSE_IS_CLEAR = 135,
	ERR_NO_DISK = 138,
	ERR_PIC_AFTER_DEP = 156,
	ERR_PIC_PEER_DEP = 157,
	ERR_RES_NOT_KNOWN = 158,
	ERR_RES_IN_USE = 159,
	ERR_MINOR_CONFIGURED = 160,
	ERR_MINOR_OR_VOLUME_EXISTS = 161,
	ERR_INVALID_REQUEST = 162,
	ERR_MD_UNCLEAN = 165,
};

/* enum drbd_state_rv failures (negative). */
enum {
	SS_SUCCESS = 1,
	SS_NOTHING_TO_DO = 2,
	SS_UNKNOWN_ERROR = 0,
	SS_TWO_PRIMARIES = -1,
	SS_NO_UP_TO_DATE_DISK = -2,
	SS_NO_LOCAL_DISK = -4,
	SS_NO_REMOTE_DISK = -5,
	SS_CONNECTED_OUTDATES = -6,
	SS_PRIMARY_NOP = -7,
	SS_RESYNC_RUNNING = -8,
	SS_CW_FAILED_BY_PEER = -10,
	SS_IS_DISKLESS = -11,
	SS_DEVICE_IN_USE = -12,
	SS_NO_VERIFY_ALG = -14,
	SS_NEED_CONNECTION = -15,
	SS_LOWER_THAN_OUTDATED = -16,
	SS_NOT_SUPPORTED = -17,
	SS_IN_TRANSIENT_STATE = -18,
	SS_CONCURRENT_ST_CHG = -19,
	SS_TIMEOUT = -23,
};

/* Not a kernel code: drbdsetup's own error (bad argument, cannot open). */
#define CMD_OTHER_ERROR 20000

struct cmd_reply {
	int ret_code;
	char info[512];	/* "additional info from kernel", may be empty */
};

static inline void cmd_reply_init(struct cmd_reply *r)
{
	r->ret_code = DRBD_NO_ERROR;
	r->info[0] = 0;
}

/* Sets ret_code and, when fmt is not NULL, the info text. Returns code. */
int cmd_reply_set(struct cmd_reply *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
