/* Replication, sender side (core/repl.c). */
#ifndef UDRBD_CORE_REPL_H
#define UDRBD_CORE_REPL_H

#include "core/conn.h"

/* Writes locally with `local` and to every connected peer; peers not
 * reached get the range out of sync. Returns the local result. */
int repl_write(struct device *dev, const void *buf, uint32_t len, uint64_t off, bool fua,
	       int (*local)(struct device *dev, const void *buf, uint32_t len,
			    uint64_t off, bool fua));
void repl_mark_out_of_sync(struct device *dev, uint64_t off, uint32_t len,
			   struct connection *const *reached, unsigned n_reached);
/* Closes every peer's epoch and waits for its barrier ack: the writes
 * before are stable on the peers (§13.2). 0 or the first failure. */
int repl_flush(struct resource *res);
/* A read served by a peer with UpToDate data (§13.6), for a node without
 * a usable disk of its own (a diskless Primary). -EIO when no peer can. */
int repl_read(struct device *dev, void *buf, uint32_t len, uint64_t off);
/* Worker: the peer's P_DATA_REPLY data for a read of ours (len bytes),
 * or (data NULL) its P_NEG_DREPLY. */
void repl_read_done(struct connection *c, uint64_t block_id, const void *data, uint32_t len);

/* Meta thread: acks and barrier acks. */
void repl_ack(struct connection *c, uint64_t block_id, int result);
int repl_barrier_ack(struct connection *c, uint32_t nr_raw, uint32_t set_size);

/* Connection life: writes start going to a peer when it is Connected and
 * stop (failing the waiters) before its sockets close. */
void repl_connection_up(struct connection *c);
void repl_connection_down(struct connection *c);

#endif
