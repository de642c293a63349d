/* drbdsetup forget-peer (core/forget_peer.c). */
#ifndef UDRBD_CORE_FORGET_PEER_H
#define UDRBD_CORE_FORGET_PEER_H

#include "core/engine.h"
#include "core/reply.h"

/* Under eng->lock. Frees the bitmap slot of a peer that has no connection
 * object (del-peer first: ERR_NET_CONFIGURED otherwise) in the meta data
 * of every attached volume, and resets its UUID record, so the slot can
 * serve another node. */
int resource_forget_peer(struct resource *res, int peer_node_id, struct cmd_reply *r);

#endif
