/* drbdsetup role, cstate and dstate: one word per object, as drbdadm's
 * role/cstate/dstate and scripts read them (drbd9-cli drbdadm-role,
 * -cstate, -dstate goldens). Each appends stdout text to out and
 * drbdsetup's message to err and returns the exit code. */
#ifndef UDRBD_CTL_STATUS_STATE_H
#define UDRBD_CTL_STATUS_STATE_H

#include "ctl/strbuf.h"
#include "ctl/view.h"

/* "Primary"; unknown resource: "RES: Unknown resource", 10. */
int ctl_fmt_role(struct strbuf *out, struct strbuf *err,
		 const struct ctl_resource *const *res, size_t n, const char *name);
/* The connection state of the peer, or of every connection (one a line)
 * when peer_node_id < 0. */
int ctl_fmt_cstate(struct strbuf *out, struct strbuf *err,
		   const struct ctl_resource *const *res, size_t n, const char *name,
		   int peer_node_id);
/* "Local/Peer1/Peer2..." of the device with that minor, peers in
 * connection order. */
int ctl_fmt_dstate(struct strbuf *out, struct strbuf *err,
		   const struct ctl_resource *const *res, size_t n, unsigned minor);

#endif
