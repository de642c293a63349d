/* The device size two peers agree on from their P_SIZES
 * (drbd-wire-protocol.md §6.8): core/conn_run.c applies it when the
 * peer's sizes arrive. */
#ifndef UDRBD_CORE_SIZE_H
#define UDRBD_CORE_SIZE_H

#include <stdint.h>

#include "core/conn.h"

/* 8.4's rule, all in sectors: min of both backing sizes; with one side
 * diskless (0), the last agreed size capped by the other; then capped by
 * the user size (the smaller non-zero one of both sides). 0 when nothing
 * is known. */
uint64_t size_agreed(uint64_t my_d, uint64_t my_u, uint64_t last_agreed,
		     uint64_t peer_d, uint64_t peer_u);

/* After the peer's P_SIZES (pd->peer): shrinks the device to the agreed
 * size. -ENOTSUP (a final refusal, as 8.4's "The peer's disk size is too
 * small!") when that would shrink a disk with usable data. Once
 * connected, the peer's P_SIZES is its resize: we follow when it grew
 * (core/resize.c). */
int size_from_peer(struct connection *c, struct peer_device *pd);

#endif
