/* Engine state -> ctl/view.h snapshot (taken under eng->lock). */
#ifndef UDRBD_CTL_SNAPSHOT_H
#define UDRBD_CTL_SNAPSHOT_H

#include "core/engine.h"
#include "ctl/view.h"

/* Fills an array of malloc'ed snapshots of every resource, sorted by name.
 * Caller holds eng->lock; free with ctl_snapshot_free. */
int ctl_snapshot(struct engine *eng, struct ctl_resource ***out, size_t *n);
void ctl_snapshot_free(struct ctl_resource **res, size_t n);

#endif
