/* Resource options as drbdsetup sets and shows them (ctl/res_opts.c). */
#ifndef UDRBD_CTL_RES_OPTS_H
#define UDRBD_CTL_RES_OPTS_H

#include "ctl/args.h"
#include "ctl/view.h"

/* The options of resource name (defaults when none were set). */
void ctl_res_opts_get(const char *name, struct ctl_res_opts *o);
/* Applies a's options (fresh: on top of the defaults, for new-resource);
 * -EINVAL with *bad naming the option whose value is wrong. eng->lock. */
int ctl_res_opts_set(const char *name, const struct args *a, bool fresh, const char **bad);

#endif
