/* Shared by the commands that name a connection or a peer device. */
#ifndef UDRBD_CTL_CMD_NET_H
#define UDRBD_CTL_CMD_NET_H

#include "core/conn.h"
#include "ctl/args.h"
#include "ctl/ctl.h"

/* Caller holds eng->lock. NULL with *rc set (the kernel's answer
 * rendered) when the resource or connection is unknown. */
struct connection *ctl_conn_args(struct ctl_req *q, const struct args *a, int *rc);
/* "Missing argument" (exit 20) unless a has n positional arguments. */
int ctl_need_args(struct ctl_req *q, const struct args *a, int n, const char *const *names);

#endif
