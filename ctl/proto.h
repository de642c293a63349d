/* Control-channel framing between drbdsetup and udrbdd.
 *
 * drbdsetup is a thin client: it sends its argv, udrbdd parses and runs the
 * command and streams back what drbdsetup would print, then the exit code.
 * This keeps one implementation of every command, option and message, in the
 * engine, where the state lives.
 *
 * Request:  "UDRB" u32le(argc) then argc times u32le(len) bytes (no NUL).
 * Response: frames of  u8 kind, u32le len, len bytes;
 *           kind 'O' stdout text, 'E' stderr text, 'X' exit code (len 4,
 *           u32le), which is the last frame. events2 streams 'O' frames until
 *           the client goes away.
 */
#ifndef UDRBD_CTL_PROTO_H
#define UDRBD_CTL_PROTO_H

#include "plat/plat.h"

#define CTL_MAGIC "UDRB"
#define CTL_MAX_ARGS 256
#define CTL_MAX_ARG_LEN 4096

enum ctl_frame_kind {
	CTL_FRAME_STDOUT = 'O',
	CTL_FRAME_STDERR = 'E',
	CTL_FRAME_EXIT = 'X',
};

/* Sends argv as one request. */
int ctl_send_request(struct plat_chan *c, int argc, char *const argv[]);
/* Reads one request; *argv is a NULL-terminated array, free with ctl_free_args. */
int ctl_recv_request(struct plat_chan *c, int *argc, char ***argv);
void ctl_free_args(int argc, char **argv);

int ctl_send_frame(struct plat_chan *c, enum ctl_frame_kind kind, const void *buf,
		   uint32_t len);
/* Reads one frame into a malloc'd buffer (NUL-terminated for convenience). */
int ctl_recv_frame(struct plat_chan *c, enum ctl_frame_kind *kind, char **buf,
		   uint32_t *len);

/* Control path: $UDRBD_CONTROL, else the platform default. */
const char *ctl_default_path(void);

#endif
