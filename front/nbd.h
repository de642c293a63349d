/* front/: the NBD server through which a replicated device reaches the
 * operating system (WNBD on Windows; nbdfuse, qemu, libnbd on Linux).
 *
 * It knows nothing about DRBD: an export is a size, block sizes and a table
 * of I/O callbacks. The engine names its exports "drbd<MINOR>" and makes
 * one available only while the device is Primary.
 *
 * Threads: one listener per socket; per client a pool of workers that take
 * turns reading a request and then run it, so requests overlap and replies
 * leave out of order. The callbacks below are therefore called
 * concurrently from several threads.
 */
#ifndef UDRBD_FRONT_NBD_H
#define UDRBD_FRONT_NBD_H

#include <stdbool.h>
#include <stdint.h>

/* Backend of an export. Return 0 or a negative errno-style code, which
 * becomes the NBD error of the reply (-ENOSPC, -EPERM, -EINVAL, else EIO).
 * Buffers are 4096-aligned; offsets and lengths are multiples of the
 * export's min_block and within its size. */
struct nbd_export_ops {
	int (*pread)(void *ctx, void *buf, uint32_t len, uint64_t off);
	/* NULL: the export is read-only. fua: stable before returning. */
	int (*pwrite)(void *ctx, const void *buf, uint32_t len, uint64_t off, bool fua);
	/* NULL: FLUSH is not advertised (WNBD then assumes no write cache). */
	int (*flush)(void *ctx);
	/* NULL: TRIM is not advertised. -EOPNOTSUPP is answered as success,
	 * TRIM being advisory. */
	int (*trim)(void *ctx, uint64_t off, uint32_t len);
	/* NULL: WRITE_ZEROES is served by writing zero buffers. */
	int (*zero)(void *ctx, uint64_t off, uint32_t len, bool may_trim, bool fua);
	/* Optional: a client selected the export (NBD_OPT_GO/EXPORT_NAME);
	 * the place for auto-promote. Called before the availability check;
	 * a negative return refuses the client. */
	int (*attach)(void *ctx);
	/* Optional: a client that attached has gone (after its last request). */
	void (*detach)(void *ctx);
};

struct nbd_export_config {
	const char *name;		/* at most 255 bytes, e.g. "drbd0" */
	const char *description;	/* optional */
	uint64_t size;			/* bytes, multiple of min_block */
	/* 0 picks the defaults 512, 4096 and 2 MiB; powers of two. */
	uint32_t min_block, pref_block, max_block;
	/* Flushes and writes of one client are visible to all (true for a
	 * single backing store): advertises CAN_MULTI_CONN. */
	bool multi_conn;
	bool available;			/* initial state */
	/* Told to clients while unavailable; "%s" is replaced by the name.
	 * NULL: "export %s is not available". */
	const char *unavailable_msg;
	const struct nbd_export_ops *ops;
	void *ctx;
};

struct nbd_export;
struct nbd_server;

int nbd_export_new(const struct nbd_export_config *cfg, struct nbd_export **out);
/* Only for an export that is not (or no longer) added to a server. */
void nbd_export_free(struct nbd_export *exp);
const char *nbd_export_name(const struct nbd_export *exp);

/* Making an export unavailable waits for requests already running in the
 * callbacks; later requests of connected clients fail with ESHUTDOWN and
 * new clients are refused with the unavailable message. */
void nbd_export_set_available(struct nbd_export *exp, bool available);
bool nbd_export_available(struct nbd_export *exp);
/* Atomically: unavailable if no client has the export open, else -EBUSY
 * (the engine's demotion check, like DRBD's "Device is held open"). */
int nbd_export_set_unavailable_if_idle(struct nbd_export *exp);
void nbd_export_set_unavailable_msg(struct nbd_export *exp, const char *fmt);
/* Clients that have the export open (past NBD_OPT_GO). */
unsigned nbd_export_open_count(struct nbd_export *exp);
/* New size for clients that connect from now on (NBD cannot tell
 * connected clients without the RESIZE extension). */
void nbd_export_set_size(struct nbd_export *exp, uint64_t size);

struct nbd_server_config {
	bool listen_tcp;
	const char *tcp_host;		/* default "127.0.0.1" */
	uint16_t tcp_port;		/* default 10809; 0 = any (tests) */
	bool listen_unix;
	const char *unix_path;		/* default "/run/udrbd/nbd.sock" */
	unsigned unix_mode;		/* default 0600 */
	/* Threads per connection = most requests in flight on it; default
	 * 16. Raise it when the backend blocks long (replication acks). */
	unsigned workers;
};

#define NBD_DEFAULT_PORT 10809
#define NBD_DEFAULT_HOST "127.0.0.1"
#define NBD_DEFAULT_UNIX_PATH "/run/udrbd/nbd.sock"

void nbd_server_config_init(struct nbd_server_config *cfg);
/* cfg NULL: the defaults. Nothing listens before nbd_server_start. */
int nbd_server_new(const struct nbd_server_config *cfg, struct nbd_server **out);
/* Binds the sockets and starts the listener threads. */
int nbd_server_start(struct nbd_server *srv);
/* The TCP port actually bound (for tcp_port 0), 0 if none. */
uint16_t nbd_server_tcp_port(struct nbd_server *srv);
/* Thread-safe at any time. -EEXIST for a name already served. */
int nbd_server_add_export(struct nbd_server *srv, struct nbd_export *exp);
/* Disconnects the export's clients and returns once none uses the export;
 * the callbacks are not called afterwards. The caller still owns exp. */
int nbd_server_remove_export(struct nbd_server *srv, struct nbd_export *exp);
/* Closes the listeners and all connections, waits for every thread. */
void nbd_server_stop(struct nbd_server *srv);
/* Stops if needed; exports still added are removed but not freed. */
void nbd_server_free(struct nbd_server *srv);

#endif
