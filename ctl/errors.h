/* drbdsetup's rendering of a configuration reply: message and exit code
 * (drbd-metadata-resync.md §8.4). */
#ifndef UDRBD_CTL_ERRORS_H
#define UDRBD_CTL_ERRORS_H

#include "core/reply.h"
#include "ctl/strbuf.h"

/* Appends drbdsetup's stderr text for reply r about object objname (a
 * resource name or a minor) to err and returns the exit code (0 on
 * success). */
int ctl_render_reply(const struct cmd_reply *r, const char *objname, struct strbuf *err);

const char *ctl_ret_code_text(int code);
const char *ctl_state_rv_text(int rv);

#endif
