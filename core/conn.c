/* Connections: configuration (new-peer, paths, net options) and the
 * StandAlone <-> Connecting transitions. The worker thread does the rest
 * (core/conn_worker.c). All under eng->lock. */
#include "core/conn.h"
#include "core/ops.h"
#include "md/md.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void net_conf_default(struct net_conf *c)
{
	/* drbd.conf defaults (DRBD 9 utils), which the show formatter omits. */
	memset(c, 0, sizeof(*c));
	c->protocol = DRBD_PROT_C;
	c->timeout = 60;
	c->connect_int = 10;
	c->ping_int = 10;
	c->ping_timeout = 5;
	c->ko_count = 7;
	c->max_epoch_size = 2048;
	c->max_buffers = 2048;
	c->after_sb_0p = c->after_sb_1p = c->after_sb_2p = ASB_DISCONNECT;
	c->rr_conflict = ASB_DISCONNECT;
	c->use_rle = true;
	c->tcp_cork = true;
}

struct connection *resource_find_connection(struct resource *res, int peer_node_id)
{
	for (struct connection *c = res->connections; c; c = c->next)
		if (c->peer_node_id == peer_node_id)
			return c;
	return NULL;
}

struct peer_device *conn_find_peer_device(struct connection *c, unsigned volume)
{
	for (struct peer_device *pd = c->peer_devices; pd; pd = pd->next)
		if (pd->dev->volume == volume)
			return pd;
	return NULL;
}

static void peer_device_free(struct peer_device *pd)
{
	plat_cond_destroy(&pd->rs_cond);
	plat_mutex_destroy(&pd->rs_mutex);
	free(pd);
}

static int add_peer_device(struct connection *c, struct device *dev)
{
	struct peer_device *pd = calloc(1, sizeof(*pd)), **pp;

	if (!pd)
		return -ENOMEM;
	pd->conn = c;
	pd->dev = dev;
	pd->repl = L_OFF;
	pd->peer_disk = D_UNKNOWN;
	rs_conf_default(&pd->rs);
	plat_mutex_init(&pd->rs_mutex);
	plat_cond_init(&pd->rs_cond);
	for (pp = &c->peer_devices; *pp && (*pp)->dev->volume < dev->volume; pp = &(*pp)->next)
		;
	pd->next = *pp;
	*pp = pd;
	return 0;
}

int peer_devices_sync(struct resource *res)
{
	for (struct connection *c = res->connections; c; c = c->next) {
		struct peer_device **pp = &c->peer_devices;
		/* drop peer devices of deleted volumes */
		while (*pp) {
			bool alive = false;
			for (struct device *d = res->devices; d; d = d->next)
				alive |= d == (*pp)->dev;
			if (alive) {
				pp = &(*pp)->next;
			} else {
				struct peer_device *gone = *pp;
				*pp = gone->next;
				peer_device_free(gone);
			}
		}
		for (struct device *d = res->devices; d; d = d->next)
			if (!conn_find_peer_device(c, d->volume) && add_peer_device(c, d))
				return -ENOMEM;
	}
	return 0;
}

void device_assign_slots(struct device *dev)
{
	bool changed = false;

	if (!dev->md)
		return;
	/* A bitmap slot per peer (lowest free first, §2.3), so writes while
	 * it is away are remembered for its resync. */
	for (struct connection *c = dev->res->connections; c; c = c->next) {
		int slot;
		if (md_bm_slot_of_node(dev->md, c->peer_node_id) >= 0)
			continue;
		slot = md_bm_slot_assign(dev->md, c->peer_node_id);
		if (slot < 0)
			continue;
		changed = true;
		/* Fresh meta data ("day 0"): nothing is known in sync with the
		 * peer yet, so every bit is set, as DRBD 8.4 and 9 do. */
		if ((md_sb(dev->md)->current_uuid & ~1ull) == MD_UUID_JUST_CREATED)
			md_bm_set_all(dev->md, slot);
	}
	if (changed && md_sb_write(dev->md))
		plat_err("%s/%u: writing the super block failed", dev->res->name, dev->volume);
}

void device_try_suspend_al(struct device *dev)
{
	uint64_t bits;
	int slots = 0;

	if (!dev->md)
		return;
	bits = md_bm_bits(dev->md);
	for (struct connection *c = dev->res->connections; c; c = c->next) {
		int slot = md_bm_slot_of_node(dev->md, c->peer_node_id);
		if (slot < 0 || md_bm_count(dev->md, slot) != bits || c->cstate == C_CONNECTED)
			return;
		slots++;
	}
	__atomic_store_n(&dev->al_suspended, slots > 0, __ATOMIC_RELAXED);
}

void resource_resume_al(struct resource *res)
{
	for (struct device *d = res->devices; d; d = d->next)
		__atomic_store_n(&d->al_suspended, false, __ATOMIC_RELAXED);
}

int conn_new(struct resource *res, int peer_node_id, const struct net_conf *nc,
	     struct cmd_reply *r)
{
	struct connection *c, **pp;

	if (peer_node_id < 0 || peer_node_id > DRBD_NODE_ID_MAX || peer_node_id == res->node_id)
		return cmd_reply_set(r, ERR_INVALID_REQUEST, "invalid peer node id %d",
				     peer_node_id);
	if (resource_find_connection(res, peer_node_id))
		return cmd_reply_set(r, ERR_INVALID_REQUEST, "peer node id %d exists already",
				     peer_node_id);
	c = calloc(1, sizeof(*c));
	if (!c)
		return cmd_reply_set(r, ERR_NOMEM, NULL);
	c->res = res;
	c->peer_node_id = peer_node_id;
	c->conf = *nc;
	c->cstate = C_STANDALONE;
	c->peer_role = R_UNKNOWN;
	c->listen = c->data = c->meta = PLAT_SOCK_INVALID;
	plat_mutex_init(&c->send_lock[0]);
	plat_mutex_init(&c->send_lock[1]);
	plat_mutex_init(&c->repl_lock);
	plat_cond_init(&c->repl_cond);
	for (pp = &res->connections; *pp && (*pp)->peer_node_id < peer_node_id; pp = &(*pp)->next)
		;
	plat_mutex_lock(&res->peers_lock);
	c->next = *pp;
	*pp = c;
	plat_mutex_unlock(&res->peers_lock);
	if (peer_devices_sync(res))
		return cmd_reply_set(r, ERR_NOMEM, NULL);
	for (struct device *d = res->devices; d; d = d->next)
		device_assign_slots(d);
	plat_notice("%s %s: new peer, node-id %d, protocol %c", res->name, nc->name,
		    peer_node_id, 'A' + nc->protocol - 1);
	engine_state_changed(res->eng);
	return DRBD_NO_ERROR;
}

int conn_del(struct connection *c, struct cmd_reply *r)
{
	struct resource *res = c->res;
	struct connection **pp;

	if (c->cstate != C_STANDALONE)
		return cmd_reply_set(r, ERR_NET_CONFIGURED, NULL);
	plat_mutex_lock(&res->peers_lock);
	for (pp = &res->connections; *pp != c; pp = &(*pp)->next)
		;
	*pp = c->next;
	plat_mutex_unlock(&res->peers_lock);
	while (c->paths) {
		struct path *p = c->paths;
		c->paths = p->next;
		free(p);
	}
	while (c->peer_devices) {
		struct peer_device *pd = c->peer_devices;
		c->peer_devices = pd->next;
		peer_device_free(pd);
	}
	plat_notice("%s %s: peer deleted", res->name, c->conf.name);
	plat_mutex_destroy(&c->send_lock[0]);
	plat_mutex_destroy(&c->send_lock[1]);
	plat_cond_destroy(&c->repl_cond);
	plat_mutex_destroy(&c->repl_lock);
	free(c);
	engine_state_changed(res->eng);
	return DRBD_NO_ERROR;
}

int conn_parse_address(const char *s, char *host, size_t hostlen, uint16_t *port,
		       bool *ipv6)
{
	const char *colon;
	char *end;
	unsigned long p;

	*ipv6 = false;
	if (!strncmp(s, "ipv4:", 5)) {
		s += 5;
	} else if (!strncmp(s, "ipv6:", 5)) {
		s += 5;
		*ipv6 = true;
	}
	colon = strrchr(s, ':');
	if (!colon || colon == s)
		return -EINVAL;
	p = strtoul(colon + 1, &end, 10);
	if (*end || p == 0 || p > 65535)
		return -EINVAL;
	if (s[0] == '[') {
		if (colon[-1] != ']')
			return -EINVAL;
		*ipv6 = true;
		snprintf(host, hostlen, "%.*s", (int)(colon - s - 2), s + 1);
	} else {
		snprintf(host, hostlen, "%.*s", (int)(colon - s), s);
	}
	*port = (uint16_t)p;
	return host[0] ? 0 : -EINVAL;
}

static struct path *find_path(struct connection *c, const struct path *like)
{
	for (struct path *p = c->paths; p; p = p->next)
		if (!strcmp(p->local_host, like->local_host) && p->local_port == like->local_port &&
		    !strcmp(p->peer_host, like->peer_host) && p->peer_port == like->peer_port)
			return p;
	return NULL;
}

static int parse_path(const char *local, const char *peer, struct path *p,
		      struct cmd_reply *r)
{
	bool v6_local, v6_peer;

	memset(p, 0, sizeof(*p));
	if (conn_parse_address(local, p->local_host, sizeof(p->local_host), &p->local_port,
			       &v6_local) ||
	    conn_parse_address(peer, p->peer_host, sizeof(p->peer_host), &p->peer_port,
			       &v6_peer))
		return cmd_reply_set(r, CMD_OTHER_ERROR, "invalid address: %s %s", local, peer);
	if (v6_local != v6_peer)
		return cmd_reply_set(r, ERR_INVALID_REQUEST, "address families differ");
	p->ipv6 = v6_local;
	return DRBD_NO_ERROR;
}

int conn_new_path(struct connection *c, const char *local, const char *peer,
		  struct cmd_reply *r)
{
	struct path want, *p;
	int rc = parse_path(local, peer, &want, r);

	if (rc != DRBD_NO_ERROR)
		return rc;
	if (find_path(c, &want))
		return cmd_reply_set(r, ERR_INVALID_REQUEST, "path exists already");
	/* The 8.4 dialect knows one address pair per connection. */
	if (c->paths)
		return cmd_reply_set(r, ERR_INVALID_REQUEST,
				     "only one path per connection is supported");
	p = malloc(sizeof(*p));
	if (!p)
		return cmd_reply_set(r, ERR_NOMEM, NULL);
	*p = want;
	p->next = c->paths;
	c->paths = p;
	engine_state_changed(c->res->eng);
	return DRBD_NO_ERROR;
}

int conn_del_path(struct connection *c, const char *local, const char *peer,
		  struct cmd_reply *r)
{
	struct path want, *p, **pp;
	int rc = parse_path(local, peer, &want, r);

	if (rc != DRBD_NO_ERROR)
		return rc;
	p = find_path(c, &want);
	if (!p)
		return cmd_reply_set(r, ERR_INVALID_REQUEST, "no such path");
	if (c->cstate != C_STANDALONE)
		return cmd_reply_set(r, ERR_NET_CONFIGURED, "disconnect first");
	for (pp = &c->paths; *pp != p; pp = &(*pp)->next)
		;
	*pp = p->next;
	free(p);
	engine_state_changed(c->res->eng);
	return DRBD_NO_ERROR;
}

int conn_connect(struct connection *c, bool discard_my_data, bool tentative,
		 struct cmd_reply *r)
{
	int err;

	if (c->cstate != C_STANDALONE)
		return cmd_reply_set(r, ERR_NET_CONFIGURED, NULL);
	if (!c->paths)
		return cmd_reply_set(r, ERR_INVALID_REQUEST, "connection has no path");
	if (c->thread) {
		/* A worker that gave up on its own (StandAlone after a refused
		 * handshake) has ended or is ending: collect it. */
		struct plat_thread *t = c->thread;
		c->thread = NULL;
		plat_mutex_unlock(&c->res->eng->lock);
		plat_thread_join(t, NULL);
		plat_mutex_lock(&c->res->eng->lock);
	}
	c->conf.discard_my_data = discard_my_data;
	c->conf.tentative = tentative;
	c->stop = false;
	c->cstate = C_CONNECTING;
	err = plat_thread_start(&c->thread, conn_worker_main, c, "udrbd-conn");
	if (err) {
		c->cstate = C_STANDALONE;
		return cmd_reply_set(r, ERR_NOMEM, "cannot start the connection thread");
	}
	plat_notice("%s %s: connecting to %s:%u", c->res->name, c->conf.name,
		    c->paths->peer_host, c->paths->peer_port);
	engine_state_changed(c->res->eng);
	return DRBD_NO_ERROR;
}

/* Called and returning with eng->lock held; drops it while the worker
 * winds down (it needs the lock to leave). */
int conn_disconnect(struct connection *c, bool force, struct cmd_reply *r)
{
	struct engine *eng = c->res->eng;
	struct plat_thread *t = c->thread;

	(void)force;
	(void)r;
	if (c->cstate == C_STANDALONE && !t)
		return DRBD_NO_ERROR;
	c->stop = true;
	c->cstate = C_DISCONNECTING;
	engine_state_changed(eng);
	/* Wake the worker wherever it blocks: accept, connect or receive. */
	plat_sock_shutdown(c->listen);
	plat_sock_shutdown(c->data);
	plat_sock_shutdown(c->meta);
	c->thread = NULL;
	plat_mutex_unlock(&eng->lock);
	if (t)
		plat_thread_join(t, NULL);
	plat_mutex_lock(&eng->lock);
	c->cstate = C_STANDALONE;
	c->peer_role = R_UNKNOWN;
	for (struct peer_device *pd = c->peer_devices; pd; pd = pd->next) {
		pd->repl = L_OFF;
		pd->peer_disk = D_UNKNOWN;
	}
	for (struct path *p = c->paths; p; p = p->next)
		p->established = false;
	plat_notice("%s %s: disconnected (StandAlone)", c->res->name, c->conf.name);
	engine_state_changed(eng);
	return DRBD_NO_ERROR;
}
