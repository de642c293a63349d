/* DRBD's handlers: the engine calls its usermode helper, as the kernel
 * calls /sbin/drbdadm, with the event's name, the resource, and the
 * environment DRBD sets (drbd_nl.c's drbd_khelper); drbdadm then runs the
 * command the resource's `handlers` section names. events2 reports each
 * call and its answer ("call helper" / "response helper").
 *
 * Environment given (DRBD 9): DRBD_MINOR, DRBD_VOLUME, DRBD_BACKING_DEV
 * (attached) for a device; DRBD_MY_ADDRESS, DRBD_MY_AF, DRBD_PEER_ADDRESS,
 * DRBD_PEER_AF (first path), DRBD_PEER_NODE_ID, DRBD_CSTATE for a
 * connection; DRBD_MINOR_<vnr> and DRBD_BACKING_DEV_<vnr> of every volume
 * for a connection alone; the base environment is plat_spawn_env's. */
#ifndef UDRBD_CORE_HANDLER_H
#define UDRBD_CORE_HANDLER_H

#include "core/conn.h"

#define HANDLER_NAME_MAX 32
#define HANDLER_PROGRAM_MAX 512

/* The usermode helper (DRBD's usermode_helper module parameter, default
 * /sbin/drbdadm); "disabled" calls nothing, as in DRBD. Set before the
 * engine runs. */
void handler_set_program(const char *path);
const char *handler_program(void);

/* Runs `<helper> <name> <resource>` in the background for the device
 * and/or the connection (either may be NULL). Call without eng->lock.
 * 0, or a negative code when it could not be started (logged). */
int handler_run(struct resource *res, const char *name, struct device *dev,
		struct connection *c);
/* The same, waiting: the helper's exit code (0 when disabled or when it
 * could not run, as DRBD ignores those), for handlers whose end the
 * engine must wait for (before-resync-target). */
int handler_call(struct resource *res, const char *name, struct device *dev,
		 struct connection *c);

/* The split-brain handlers of a sync handshake's decision (8.4/9):
 * initial-split-brain when one was detected, split-brain when no policy
 * solved it, pri-lost-after-sb (or pri-lost for rr-conflict) when the
 * policy asked for it. Without eng->lock. */
struct hs_decision;
void handler_after_handshake(struct connection *c, struct device *dev,
			     const struct hs_decision *dec);

/* Waits until no helper runs any more (before engine_fini). */
void handler_drain(struct engine *eng);

/* events2's view: the calls and answers, numbered from 1. */
struct handler_event {
	uint64_t seq;
	char resource[RES_NAME_MAX];
	char conn_name[CONN_NAME_MAX];	/* "" without a connection */
	int peer_node_id;		/* -1 without a connection */
	int volume, minor;		/* -1 without a device */
	char helper[HANDLER_NAME_MAX];
	bool response;
	unsigned status;		/* the wait status: exit code << 8 */
};

/* Under eng->lock: the number of the last event, and the events after
 * *seq (at most max, oldest first; older ones than the history keeps are
 * skipped); *seq moves to the last one returned. */
uint64_t handler_last_event(void);
size_t handler_events_since(uint64_t *seq, struct handler_event *ev, size_t max);

#endif
