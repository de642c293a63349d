/* front/ internals shared by the server, export and connection files.
 *
 * Locks, outermost first:
 *   nbd_server.lock  the export table, the connection list, each
 *                    connection's socket handle and bound export
 *   nbd_export.lock  availability, open and in-flight counts
 *   nbd_conn.recv_lock  a connection's read side (workers take turns)
 *   nbd_conn.send_lock  the reply stream (replies leave whole)
 */
#ifndef UDRBD_FRONT_NBD_INT_H
#define UDRBD_FRONT_NBD_INT_H

#include <stdatomic.h>

#include "front/nbd.h"
#include "front/nbd_opt.h"
#include "front/nbd_proto.h"
#include "plat/plat.h"

/* Threads per connection, which is also the most requests it has in
 * flight (nbdkit's default too). */
#define NBD_DEFAULT_WORKERS	16
/* Room before read data for the reply header, so header and data leave
 * in one send; a page keeps the data aligned for direct I/O. */
#define NBD_HDR_ROOM		4096
#define NBD_RBUF_SIZE		(128u * 1024)
/* An oversized WRITE's payload is read and discarded up to this size (the
 * connection stays usable); beyond it the connection is dropped rather
 * than reading up to 4 GiB of garbage. */
#define NBD_DRAIN_MAX		(32u << 20)
#define NBD_HANDSHAKE_TIMEOUT_MS 30000
#define NBD_OPT_COUNT_MAX	256
/* Bad requests logged per connection before going quiet. */
#define NBD_LOG_BAD_MAX		16
#define NBD_ZERO_BUF		(1u << 20)

struct nbd_export {
	char name[NBD_NAME_MAX + 1];
	char description[NBD_DESC_MAX + 1];
	uint32_t min_block, pref_block, max_block;
	bool multi_conn;
	const struct nbd_export_ops *ops;
	void *ctx;
	struct nbd_server *srv;		/* set while added (server lock) */

	plat_mutex lock;
	plat_cond idle;			/* open_count or inflight fell */
	uint64_t size;
	char msg_fmt[NBD_MSG_MAX + 1];
	unsigned open_count;
	/* Checked on every request, so lock-free: a request counts itself
	 * in inflight, then checks available; whoever clears available
	 * then waits (under lock) for inflight to drain. */
	atomic_bool available;
	atomic_uint inflight;
};

struct nbd_listener {
	struct nbd_server *srv;
	plat_sock sock;
	struct plat_thread *thread;
	char where[128];
};

struct nbd_server {
	struct nbd_server_config cfg;
	char *tcp_host, *unix_path;
	uint16_t port;
	uint8_t *zero_buf;

	plat_mutex lock;
	struct nbd_export **exports;
	unsigned n_exports, cap_exports;
	struct nbd_conn *conns;
	struct nbd_listener lis[2];
	unsigned n_lis;
	bool started, stopping;
	uint64_t next_id;
};

struct nbd_req {
	struct nbd_req *next;
	struct nbd_request r;
	size_t cap;
	uint8_t *mem;			/* NBD_HDR_ROOM + cap, aligned */
	uint8_t *data;			/* mem + NBD_HDR_ROOM */
};

struct nbd_conn {
	struct nbd_server *srv;
	struct nbd_conn *next;
	char name[160];			/* for log lines */
	struct plat_thread *thread;
	/* Under the server lock: */
	plat_sock sock;
	struct nbd_export *exp;
	bool done;

	struct nbd_limits lim;
	uint8_t *rbuf;
	size_t rhead, rtail;

	plat_mutex send_lock;
	bool dead;			/* a send failed */

	/* Workers take turns at reading: the socket's read side, the
	 * receive buffer and the end state are under recv_lock. */
	plat_mutex recv_lock;
	bool quit;
	int end;			/* 1 after DISC, or the error */
	struct nbd_worker *workers;
	unsigned nworkers;
	atomic_uint bad_logged;
};

struct nbd_worker {
	struct nbd_conn *c;
	struct plat_thread *thread;
	/* The last request buffer, reused: a worker holds one request at a
	 * time, so a connection keeps at most workers x max_block. */
	struct nbd_req *cache;
};

/* nbd_export.c */
void nbd_export_fill_info(struct nbd_export *exp, struct nbd_export_info *info);
void nbd_export_unavailable_text(struct nbd_export *exp, char *out, size_t cap);
/* Pins the export against removal; caller holds the server lock. */
void nbd_export_pin(struct nbd_export *exp);
/* After nbd_export_pin: attach hook and availability check; on failure
 * the pin is dropped and info->message says why. */
int nbd_export_open(struct nbd_export *exp, struct nbd_export_info *info);
void nbd_export_close(struct nbd_export *exp);
/* Brackets one callback; false when the export is unavailable. */
bool nbd_export_io_begin(struct nbd_export *exp);
void nbd_export_io_end(struct nbd_export *exp);
/* Waits until no client has the export open. */
void nbd_export_wait_closed(struct nbd_export *exp);

/* nbd_server.c */
int nbd_server_lookup(struct nbd_conn *c, const uint8_t *name, uint32_t len,
		      bool open, struct nbd_export_info *info);
int nbd_server_list(struct nbd_server *srv, unsigned idx, struct nbd_export_info *info);

/* nbd_handshake.c: 0 when the client entered transmission with c->exp
 * bound, else negative (the connection is then closed). */
int nbd_handshake(struct nbd_conn *c);
/* Buffered read of exactly len bytes from the client. */
int nbd_conn_read(struct nbd_conn *c, void *dst, size_t len, int timeout_ms);

/* nbd_conn.c: the transmission phase, until DISC or a broken connection;
 * the calling thread is one of the workers. */
void nbd_transmit(struct nbd_conn *c);
/* Sends one whole reply; marks the connection dead on failure. */
int nbd_conn_send(struct nbd_conn *c, const void *buf, size_t len);
void nbd_conn_send_error(struct nbd_conn *c, const struct nbd_request *r,
			 uint32_t nbd_err, const char *msg);

#endif
