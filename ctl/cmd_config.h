/* Shared pieces of drbdsetup's configuration commands (ctl/cmd_*.c). */
#ifndef UDRBD_CTL_CMD_CONFIG_H
#define UDRBD_CTL_CMD_CONFIG_H

#include "core/ops.h"
#include "ctl/args.h"
#include "ctl/ctl.h"

/* Option tables drbdadm passes (accepted; see disk_options()). */
extern const struct opt_spec ctl_res_opts[];
extern const struct opt_spec ctl_disk_opts[];

/* Applies disk options over c; 0 or drbdsetup's exit code (20) with the
 * message in q->err. */
int ctl_disk_options(struct ctl_req *q, const struct args *a, struct disk_conf *c);

bool ctl_parse_uint(const char *s, unsigned long max, unsigned *out);
int ctl_bad_opt(struct ctl_req *q, const char *name, const char *value);

#endif
