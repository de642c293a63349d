/* drbdsetup suspend-io / resume-io (core/suspend.c). */
#ifndef UDRBD_CORE_SUSPEND_H
#define UDRBD_CORE_SUSPEND_H

#include "core/engine.h"
#include "core/reply.h"

/* Under eng->lock. New application I/O on every volume of res waits until
 * resume; I/O already in flight completes. Peer and resync I/O go on. */
int resource_suspend_io(struct resource *res, struct cmd_reply *r);
int resource_resume_io(struct resource *res, struct cmd_reply *r);

/* The I/O path's question, without eng->lock. */
static inline bool resource_io_suspended(const struct resource *res)
{
	return __atomic_load_n(&res->susp_user, __ATOMIC_ACQUIRE);
}

#endif
