/* NBD server: listening sockets, the export table and the connections. */
#include "front/nbd_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nbd_server_config_init(struct nbd_server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen_tcp = true;
	cfg->tcp_host = NBD_DEFAULT_HOST;
	cfg->tcp_port = NBD_DEFAULT_PORT;
#ifndef _WIN32
	cfg->listen_unix = true;
#endif
	cfg->unix_path = NBD_DEFAULT_UNIX_PATH;
	cfg->unix_mode = 0600;
	cfg->workers = NBD_DEFAULT_WORKERS;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int nbd_server_new(const struct nbd_server_config *cfg, struct nbd_server **out)
{
	struct nbd_server *srv = calloc(1, sizeof(*srv));

	if (!srv)
		return -ENOMEM;
	plat_mutex_init(&srv->lock);
	if (cfg)
		srv->cfg = *cfg;
	else
		nbd_server_config_init(&srv->cfg);
	if (!srv->cfg.workers)
		srv->cfg.workers = NBD_DEFAULT_WORKERS;
	if (!srv->cfg.unix_mode)
		srv->cfg.unix_mode = 0600;
	srv->tcp_host = dup_or_null(srv->cfg.tcp_host ? srv->cfg.tcp_host : NBD_DEFAULT_HOST);
	srv->unix_path = dup_or_null(srv->cfg.unix_path ? srv->cfg.unix_path
				     : NBD_DEFAULT_UNIX_PATH);
	srv->zero_buf = plat_alloc_aligned(NBD_ZERO_BUF);
	if (!srv->tcp_host || !srv->unix_path || !srv->zero_buf) {
		nbd_server_free(srv);
		return -ENOMEM;
	}
	memset(srv->zero_buf, 0, NBD_ZERO_BUF);
	*out = srv;
	return 0;
}

/* ---- exports ------------------------------------------------------------ */

/* Caller holds srv->lock. "" is the default export when there is one. */
static struct nbd_export *find_export(struct nbd_server *srv, const uint8_t *name,
				      uint32_t len)
{
	if (len == 0)
		return srv->n_exports == 1 ? srv->exports[0] : NULL;
	for (unsigned i = 0; i < srv->n_exports; i++) {
		struct nbd_export *e = srv->exports[i];

		if (strlen(e->name) == len && memcmp(e->name, name, len) == 0)
			return e;
	}
	return NULL;
}

int nbd_server_add_export(struct nbd_server *srv, struct nbd_export *exp)
{
	int err = 0;

	plat_mutex_lock(&srv->lock);
	if (exp->srv || find_export(srv, (const uint8_t *)exp->name, (uint32_t)strlen(exp->name))) {
		err = -EEXIST;
		goto out;
	}
	if (srv->n_exports == srv->cap_exports) {
		unsigned cap = srv->cap_exports ? 2 * srv->cap_exports : 8;
		struct nbd_export **e = realloc(srv->exports, cap * sizeof(*e));

		if (!e) {
			err = -ENOMEM;
			goto out;
		}
		srv->exports = e;
		srv->cap_exports = cap;
	}
	srv->exports[srv->n_exports++] = exp;
	exp->srv = srv;
out:
	plat_mutex_unlock(&srv->lock);
	if (err)
		plat_err("nbd: cannot add export %s: %s", exp->name, plat_strerror(err));
	else
		plat_info("nbd: export %s added (%llu bytes, %s)", exp->name,
			  (unsigned long long)exp->size,
			  nbd_export_available(exp) ? "available" : "unavailable");
	return err;
}

int nbd_server_remove_export(struct nbd_server *srv, struct nbd_export *exp)
{
	unsigned i;

	plat_mutex_lock(&srv->lock);
	for (i = 0; i < srv->n_exports && srv->exports[i] != exp; i++)
		;
	if (i == srv->n_exports) {
		plat_mutex_unlock(&srv->lock);
		return -ENOENT;
	}
	srv->exports[i] = srv->exports[--srv->n_exports];
	exp->srv = NULL;
	/* New lookups no longer find it; kick the clients that have it. */
	for (struct nbd_conn *c = srv->conns; c; c = c->next)
		if (c->exp == exp)
			plat_sock_shutdown(c->sock);
	plat_mutex_unlock(&srv->lock);
	nbd_export_set_available(exp, false);
	nbd_export_wait_closed(exp);
	plat_info("nbd: export %s removed", exp->name);
	return 0;
}

int nbd_server_lookup(struct nbd_conn *c, const uint8_t *name, uint32_t len,
		      bool open, struct nbd_export_info *info)
{
	struct nbd_server *srv = c->srv;
	struct nbd_export *e;

	plat_mutex_lock(&srv->lock);
	e = find_export(srv, name, len);
	if (e && open) {
		nbd_export_pin(e);
		c->exp = e;
	}
	plat_mutex_unlock(&srv->lock);
	if (!e)
		return -ENOENT;
	if (!open) {
		nbd_export_fill_info(e, info);
		return info->message[0] ? -ESHUTDOWN : 0;
	}
	if (nbd_export_open(e, info) == 0)
		return 0;
	plat_mutex_lock(&srv->lock);
	c->exp = NULL;
	plat_mutex_unlock(&srv->lock);
	return info->message[0] ? -ESHUTDOWN : -EIO;
}

int nbd_server_list(struct nbd_server *srv, unsigned idx, struct nbd_export_info *info)
{
	struct nbd_export *e = NULL;

	plat_mutex_lock(&srv->lock);
	if (idx < srv->n_exports) {
		e = srv->exports[idx];
		nbd_export_fill_info(e, info);
	}
	plat_mutex_unlock(&srv->lock);
	return e ? 0 : -ENOENT;
}

/* ---- connections -------------------------------------------------------- */

static void conn_free(struct nbd_conn *c)
{
	free(c->rbuf);
	plat_mutex_destroy(&c->recv_lock);
	plat_mutex_destroy(&c->send_lock);
	free(c);
}

static void *conn_main(void *arg)
{
	struct nbd_conn *c = arg;
	struct nbd_server *srv = c->srv;
	struct nbd_export *e;

	plat_dbg("nbd: %s: connected", c->name);
	if (nbd_handshake(c) == 0)
		nbd_transmit(c);
	plat_mutex_lock(&srv->lock);
	e = c->exp;
	c->exp = NULL;
	plat_mutex_unlock(&srv->lock);
	if (e) {
		nbd_export_close(e);
		plat_info("nbd: %s: %s: disconnected", e->name, c->name);
	}
	plat_mutex_lock(&srv->lock);
	plat_sock_close(c->sock);
	c->sock = PLAT_SOCK_INVALID;
	c->done = true;
	plat_mutex_unlock(&srv->lock);
	return NULL;
}

/* Joins connections whose thread has finished; all of them when stopping. */
static void reap_conns(struct nbd_server *srv, bool all)
{
	struct nbd_conn *dead = NULL, **pp, *c;

	plat_mutex_lock(&srv->lock);
	for (pp = &srv->conns; (c = *pp);) {
		if (all || c->done) {
			*pp = c->next;
			c->next = dead;
			dead = c;
		} else {
			pp = &c->next;
		}
	}
	plat_mutex_unlock(&srv->lock);
	while ((c = dead)) {
		dead = c->next;
		plat_thread_join(c->thread, NULL);
		conn_free(c);
	}
}

static void start_conn(struct nbd_listener *l, plat_sock s)
{
	struct nbd_server *srv = l->srv;
	struct nbd_conn *c = calloc(1, sizeof(*c));
	int err;

	if (!c) {
		plat_sock_close(s);
		return;
	}
	c->srv = srv;
	c->sock = s;
	plat_mutex_init(&c->send_lock);
	plat_mutex_init(&c->recv_lock);
	plat_sock_set_nodelay(s, true);	/* fails harmlessly on Unix sockets */
	plat_mutex_lock(&srv->lock);
	snprintf(c->name, sizeof(c->name), "client #%llu via %s",
		 (unsigned long long)++srv->next_id, l->where);
	if (srv->stopping) {
		plat_mutex_unlock(&srv->lock);
		plat_sock_close(s);
		conn_free(c);
		return;
	}
	/* The thread handle is set before the lock is dropped, so a reaper
	 * never sees the connection without it. */
	err = plat_thread_start(&c->thread, conn_main, c, "nbd-conn");
	if (!err) {
		c->next = srv->conns;
		srv->conns = c;
	}
	plat_mutex_unlock(&srv->lock);
	if (err) {
		plat_err("nbd: %s: cannot start a thread: %s", c->name, plat_strerror(err));
		plat_sock_close(s);
		conn_free(c);
	}
}

static bool stopping(struct nbd_server *srv)
{
	bool s;

	plat_mutex_lock(&srv->lock);
	s = srv->stopping;
	plat_mutex_unlock(&srv->lock);
	return s;
}

static void *listener_main(void *arg)
{
	struct nbd_listener *l = arg;
	plat_sock s;
	int err;

	for (;;) {
		err = plat_sock_accept(l->sock, &s);
		if (stopping(l->srv)) {
			if (!err)
				plat_sock_close(s);
			break;
		}
		if (err) {
			/* Out of descriptors and the like: keep serving. */
			plat_warn("nbd: accept on %s: %s", l->where, plat_strerror(err));
			plat_sleep_ms(100);
			continue;
		}
		start_conn(l, s);
		reap_conns(l->srv, false);
	}
	return NULL;
}

/* ---- life cycle --------------------------------------------------------- */

static int start_listener(struct nbd_server *srv, bool tcp)
{
	struct nbd_listener *l = &srv->lis[srv->n_lis];
	int err;

	l->srv = srv;
	if (tcp) {
		err = plat_sock_listen_tcp(srv->tcp_host, srv->cfg.tcp_port, 64, &l->sock);
		if (!err)
			err = plat_sock_local_port(l->sock, &srv->port);
		snprintf(l->where, sizeof(l->where), "%s:%u", srv->tcp_host,
			 err ? srv->cfg.tcp_port : srv->port);
	} else {
		err = plat_sock_listen_unix(srv->unix_path, srv->cfg.unix_mode, &l->sock);
		snprintf(l->where, sizeof(l->where), "%s", srv->unix_path);
	}
	if (err) {
		plat_err("nbd: cannot listen on %s: %s", l->where, plat_strerror(err));
		return err;
	}
	err = plat_thread_start(&l->thread, listener_main, l, "nbd-listen");
	if (err) {
		plat_err("nbd: cannot start the listener on %s: %s", l->where,
			 plat_strerror(err));
		plat_sock_close(l->sock);
		return err;
	}
	srv->n_lis++;
	plat_info("nbd: listening on %s", l->where);
	return 0;
}

int nbd_server_start(struct nbd_server *srv)
{
	int err = 0;

	if (srv->started)
		return -EALREADY;
	srv->started = true;
	if (srv->cfg.listen_tcp)
		err = start_listener(srv, true);
	if (!err && srv->cfg.listen_unix)
		err = start_listener(srv, false);
	if (err)
		nbd_server_stop(srv);
	return err;
}

uint16_t nbd_server_tcp_port(struct nbd_server *srv)
{
	return srv->port;
}

void nbd_server_stop(struct nbd_server *srv)
{
	unsigned i;

	plat_mutex_lock(&srv->lock);
	if (srv->stopping) {
		plat_mutex_unlock(&srv->lock);
		return;
	}
	srv->stopping = true;
	for (i = 0; i < srv->n_lis; i++)
		plat_sock_shutdown(srv->lis[i].sock);
	plat_mutex_unlock(&srv->lock);
	for (i = 0; i < srv->n_lis; i++) {
		plat_thread_join(srv->lis[i].thread, NULL);
		plat_sock_close(srv->lis[i].sock);
	}
	plat_mutex_lock(&srv->lock);
	for (struct nbd_conn *c = srv->conns; c; c = c->next)
		plat_sock_shutdown(c->sock);
	plat_mutex_unlock(&srv->lock);
	reap_conns(srv, true);
	if (srv->n_lis)
		plat_info("nbd: server stopped");
}

void nbd_server_free(struct nbd_server *srv)
{
	if (!srv)
		return;
	nbd_server_stop(srv);
	while (srv->n_exports)
		nbd_server_remove_export(srv, srv->exports[0]);
	plat_mutex_destroy(&srv->lock);
	free(srv->exports);
	free(srv->tcp_host);
	free(srv->unix_path);
	plat_free_aligned(srv->zero_buf);
	free(srv);
}
