/* Suspending application I/O (drbdsetup suspend-io/resume-io): DRBD 9
 * keeps it as the resource's "user" suspend reason; status shows
 * suspended:user and the volumes' blocked:upper. Requests that arrive
 * while suspended wait in core/io.c's io_begin_as(). */
#include "core/suspend.h"

static void set_suspended(struct resource *res, bool on)
{
	__atomic_store_n(&res->susp_user, on, __ATOMIC_RELEASE);
	/* The store comes before each broadcast under io_lock, so a waiter
	 * either sees it or is already asleep when woken. */
	for (struct device *d = res->devices; d; d = d->next) {
		plat_mutex_lock(&d->io_lock);
		plat_cond_broadcast(&d->io_idle);
		plat_mutex_unlock(&d->io_lock);
	}
	engine_state_changed(res->eng);
}

int resource_suspend_io(struct resource *res, struct cmd_reply *r)
{
	if (!res->susp_user) {
		plat_notice("%s: susp-io( no -> user )", res->name);
		set_suspended(res, true);
	}
	return cmd_reply_set(r, DRBD_NO_ERROR, NULL);
}

int resource_resume_io(struct resource *res, struct cmd_reply *r)
{
	if (res->susp_user) {
		plat_notice("%s: susp-io( user -> no )", res->name);
		set_suspended(res, false);
	}
	return cmd_reply_set(r, DRBD_NO_ERROR, NULL);
}
