/* drbdsetup wait-connect-{volume,connection,resource} and
 * wait-sync-{volume,connection,resource}: block until the named peer
 * devices are connected (or in sync), a connection went StandAlone, or
 * their timeouts ran out. drbdadm's wait-connect/wait-sync and init
 * scripts call these.
 *
 * drbd-utils 9.22 decides on events2 notifications; we decide on the
 * same state, read from engine snapshots taken whenever state_gen moves
 * (ctl/snapshot.h), so the engine needs no hook of its own. Its rules:
 *  - each peer device of the resource gets one timeout when the command
 *    starts: outdated-wfc-timeout if the peer's disk is Outdated,
 *    degr-wfc-timeout if this node crashed as a degraded Primary,
 *    wfc-timeout otherwise; 0 means forever;
 *  - a peer device is done when Established (wait-connect: or any later
 *    replication state, e.g. syncing), or when its timeout ran out;
 *  - all done: exit 0; every timeout ran out: exit 5;
 *  - a connection of the resource going StandAlone ends the wait with 0,
 *    unless --wait-after-sb (then it is reported and waited through);
 *  - a resource without peer devices is not waited for (exit 0).
 * Like drbdsetup, the done-test runs when the state changes, so a timeout
 * that runs out while others still run counts at the next change. */
#include "ctl/args.h"
#include "ctl/ctl.h"
#include "ctl/proto.h"
#include "ctl/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT_TIMEOUT_MAX 300000u	/* DRBD_*WFC_TIMEOUT_MAX, seconds */
#define EXIT_TIMED_OUT 5
#define MDF_CRASHED_PRIMARY 0x40	/* drbd-metadata-resync.md table 1.6 */
#define PROBE_MS 1000			/* how often a silent client is probed */

struct wait_pd {
	unsigned peer, volume;
	int64_t left_ms;		/* -1: forever */
	bool stale;			/* refreshed from each snapshot */
};

struct wait_run {
	struct ctl_req *q;
	bool sync, after_sb;
	const char *res;
	int peer, volume;		/* -1: any */
	unsigned wfc, degr, outdated;	/* seconds */
	struct wait_pd *pds;
	size_t n;
	enum drbd_conn_state *cstate;	/* last seen, per connection index */
	size_t n_conns;
};

static const struct opt_spec wait_opts[] = {
	{ "wfc-timeout", true }, { "degr-wfc-timeout", true },
	{ "outdated-wfc-timeout", true }, { "wait-after-sb", true }, { NULL, false },
};

static int parse_timeout(struct ctl_req *q, const struct args *a, const char *name,
			 const char *what, unsigned *out)
{
	const char *s = args_value(a, name);
	uint64_t v;

	if (!s)
		return 0;
	if (!args_parse_num(s, 1, 0, UINT64_MAX, &v)) {
		strbuf_printf(&q->err, "%s is not a valid number\n", s);
		return 20;
	}
	if (v > WAIT_TIMEOUT_MAX) {
		strbuf_printf(&q->err, "%s => %llu out of range [0..%u]\n", what,
			      (unsigned long long)v, WAIT_TIMEOUT_MAX);
		return 20;
	}
	*out = (unsigned)v;
	return 0;
}

/* drbd-utils' corrections, with its messages (the second one names the
 * degraded timeout but copies wfc-timeout, as drbdsetup does). */
static void fix_timeouts(struct wait_run *w)
{
	if (w->wfc && (w->wfc < w->degr || !w->degr)) {
		w->degr = w->wfc;
		strbuf_printf(&w->q->err, "degr-wfc-timeout has to be shorter than wfc-timeout\n"
			      "degr-wfc-timeout implicitly set to wfc-timeout (%us)\n", w->degr);
	}
	if (w->degr && (w->degr < w->outdated || !w->outdated)) {
		w->outdated = w->wfc;
		strbuf_printf(&w->q->err, "outdated-wfc-timeout has to be shorter than "
			      "degr-wfc-timeout\noutdated-wfc-timeout implicitly set to "
			      "degr-wfc-timeout (%us)\n", w->degr);
	}
}

static const struct ctl_resource *find(struct ctl_resource **res, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(res[i]->name, name))
			return res[i];
	return NULL;
}

/* The peer devices to track and their timeouts (DRBD's timeout type). */
static int collect(struct wait_run *w, const struct ctl_resource *r)
{
	bool degraded = r->role != R_PRIMARY;
	size_t k, i, n = 0;

	for (i = 0; i < r->n_devices; i++)
		degraded = degraded && (r->devices[i].stats.disk_flags & MDF_CRASHED_PRIMARY);
	degraded = degraded && r->n_devices;
	for (k = 0; k < r->n_conns; k++)
		n += r->conns[k].n_peer_devices;
	w->pds = calloc(n ? n : 1, sizeof(*w->pds));
	w->cstate = calloc(r->n_conns ? r->n_conns : 1, sizeof(*w->cstate));
	if (!w->pds || !w->cstate)
		return -ENOMEM;
	w->n_conns = r->n_conns;
	for (k = 0; k < r->n_conns; k++) {
		const struct ctl_connection *c = &r->conns[k];

		w->cstate[k] = C_CONNECTED;
		for (i = 0; i < c->n_peer_devices; i++) {
			const struct ctl_peer_device *p = &c->peer_devices[i];
			unsigned t = p->peer_disk == D_OUTDATED ? w->outdated :
				     degraded ? w->degr : w->wfc;
			struct wait_pd *pd = &w->pds[w->n++];

			pd->peer = c->peer_node_id;
			pd->volume = p->volume;
			pd->left_ms = t ? (int64_t)t * 1000 : -1;
		}
	}
	return 0;
}

static const struct ctl_peer_device *lookup(const struct ctl_resource *r,
					    const struct wait_pd *pd)
{
	for (size_t k = 0; r && k < r->n_conns; k++) {
		const struct ctl_connection *c = &r->conns[k];

		if (c->peer_node_id != pd->peer)
			continue;
		for (size_t i = 0; i < c->n_peer_devices; i++)
			if (c->peer_devices[i].volume == pd->volume)
				return &c->peer_devices[i];
	}
	return NULL;
}

/* StandAlone connections: true when they end the wait. */
static bool standalone(struct wait_run *w, const struct ctl_resource *r)
{
	for (size_t k = 0; r && k < r->n_conns && k < w->n_conns; k++) {
		const struct ctl_connection *c = &r->conns[k];
		bool changed = c->cstate != w->cstate[k];

		w->cstate[k] = c->cstate;
		if (c->cstate >= C_UNCONNECTED || !changed)
			continue;
		if (!w->after_sb)
			return true;
		strbuf_printf(&w->q->err, "\ndrbd %s connection to peer-id %u ('%s') is %s, "
			      "but I'm configured to wait anways (--wait-after-sb)\n", r->name,
			      c->peer_node_id, c->name, drbd_conn_state_name(c->cstate));
	}
	return false;
}

static bool all_done(struct wait_run *w, const struct ctl_resource *r)
{
	size_t wanted = 0, done = 0;

	if (standalone(w, r))
		return true;
	for (size_t i = 0; i < w->n; i++) {
		struct wait_pd *pd = &w->pds[i];
		const struct ctl_peer_device *p = lookup(r, pd);

		pd->stale = !p;
		if (pd->stale)
			continue;	/* gone: drbdsetup forgets destroyed ones */
		if ((w->peer >= 0 && pd->peer != (unsigned)w->peer) ||
		    (w->volume >= 0 && pd->volume != (unsigned)w->volume))
			continue;
		wanted++;
		if (p->repl == L_ESTABLISHED || (!w->sync && p->repl > L_ESTABLISHED) ||
		    !pd->left_ms)
			done++;
	}
	return wanted == done;
}

/* The shortest running timeout, or -1 (none: wait for changes only). */
static int64_t shortest(const struct wait_run *w)
{
	int64_t t = -1;

	for (size_t i = 0; i < w->n; i++)
		if (!w->pds[i].stale && w->pds[i].left_ms > 0 &&
		    (t < 0 || w->pds[i].left_ms < t))
			t = w->pds[i].left_ms;
	return t;
}

/* Counts elapsed time down; true when every timeout has run out. */
static bool expire(struct wait_run *w, int64_t elapsed_ms)
{
	bool all = true, any = false;

	for (size_t i = 0; i < w->n; i++) {
		struct wait_pd *pd = &w->pds[i];

		if (pd->stale)
			continue;
		if (pd->left_ms > 0)
			pd->left_ms = pd->left_ms > elapsed_ms ? pd->left_ms - elapsed_ms : 0;
		all = all && !pd->left_ms;
		any = true;
	}
	return any && all;
}

/* Sends what is pending, and an empty frame as a probe: a client that
 * went away (drbdadm killed) ends the wait. Drops eng->lock meanwhile. */
static bool client_alive(struct ctl_req *q)
{
	int err;

	plat_mutex_unlock(&q->eng->lock);
	err = ctl_flush(q);
	if (!err)
		err = ctl_send_frame(q->chan, CTL_FRAME_STDOUT, "", 0);
	plat_mutex_lock(&q->eng->lock);
	return !err;
}

/* Sleeps until the state changes; EXIT_TIMED_OUT when every timeout ran
 * out, 20 when the client is gone, else 0. Called with eng->lock held. */
static int sleep_for_change(struct wait_run *w, uint64_t gen, uint64_t *last_ns)
{
	struct engine *e = w->q->eng;

	while (e->state_gen == gen) {
		int64_t t = shortest(w);
		uint64_t now;

		plat_cond_timedwait(&e->state_changed, &e->lock,
				    t >= 0 && t < PROBE_MS ? (uint32_t)t : PROBE_MS);
		now = plat_now_ns();
		if (expire(w, (int64_t)((now - *last_ns) / 1000000)))
			return EXIT_TIMED_OUT;
		*last_ns = now;
		if (e->state_gen == gen && !client_alive(w->q))
			return 20;
	}
	return 0;
}

static int wait_loop(struct wait_run *w, struct ctl_resource **res, size_t n)
{
	struct engine *e = w->q->eng;
	uint64_t gen = e->state_gen, last_ns = plat_now_ns();
	int rc = 0;

	plat_mutex_lock(&e->lock);
	while (!all_done(w, find(res, n, w->res))) {
		ctl_snapshot_free(res, n);
		res = NULL;
		n = 0;
		if (!client_alive(w->q)) {
			rc = 20;
			break;
		}
		rc = sleep_for_change(w, gen, &last_ns);
		if (rc)
			break;
		gen = e->state_gen;
		if (ctl_snapshot(e, &res, &n)) {
			rc = 20;
			break;
		}
	}
	plat_mutex_unlock(&e->lock);
	ctl_snapshot_free(res, n);
	return rc;
}

static int run(struct wait_run *w)
{
	struct engine *e = w->q->eng;
	struct ctl_resource **res;
	const struct ctl_resource *r;
	size_t n;
	int rc;

	plat_mutex_lock(&e->lock);
	rc = ctl_snapshot(e, &res, &n);
	plat_mutex_unlock(&e->lock);
	if (rc)
		return 20;
	r = find(res, n, w->res);
	rc = r ? collect(w, r) : 0;
	if (rc || !w->n) {
		/* No peer devices: nothing to wait for. */
		ctl_snapshot_free(res, n);
		return rc ? 20 : 0;
	}
	fix_timeouts(w);
	return wait_loop(w, res, n);
}

static int parse_id(struct ctl_req *q, const char *s, const char *what, int *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v > 65535) {
		strbuf_printf(&q->err, "Invalid %s '%s'\n", what, s);
		return 20;
	}
	*out = (int)v;
	return 0;
}

int ctl_cmd_wait(struct ctl_req *q, const char *cmd, bool *handled)
{
	static const char *const names[] = { "resource", "peer_node_id", "volume" };
	struct wait_run w = { .q = q, .peer = -1, .volume = -1 };
	char *argv[64];
	const char *kind, *sb;
	struct args a;
	int npos, rc;

	*handled = false;
	if (!strncmp(cmd, "wait-connect-", 13))
		kind = cmd + 13;
	else if (!strncmp(cmd, "wait-sync-", 10))
		kind = cmd + 10;
	else
		return 0;
	npos = !strcmp(kind, "volume") ? 3 : !strcmp(kind, "connection") ? 2 :
	       !strcmp(kind, "resource") ? 1 : 0;
	if (!npos)
		return 0;
	*handled = true;
	w.sync = cmd[5] == 's';
	/* --wait-after-sb takes an optional value (getopt's optional_argument),
	 * which args_parse does not know: a bare one means "yes". */
	for (int i = 0; i < q->argc && i < 64; i++)
		argv[i] = strcmp(q->argv[i], "--wait-after-sb") ? q->argv[i] :
			  "--wait-after-sb=yes";
	rc = args_parse(&a, q->argc < 64 ? q->argc : 64, argv, 2, wait_opts, npos, cmd, &q->err);
	if (rc)
		return rc;
	if (a.npos < npos) {
		strbuf_printf(&q->err, "Missing argument '%s'\n", names[a.npos]);
		return 20;
	}
	w.res = a.pos[0];
	if ((npos > 1 && parse_id(q, a.pos[1], "peer node id", &w.peer)) ||
	    (npos > 2 && parse_id(q, a.pos[2], "volume number", &w.volume)) ||
	    parse_timeout(q, &a, "wfc-timeout", "wfc_timeout", &w.wfc) ||
	    parse_timeout(q, &a, "degr-wfc-timeout", "degr_wfc_timeout", &w.degr) ||
	    parse_timeout(q, &a, "outdated-wfc-timeout", "outdated_wfc_timeout", &w.outdated))
		return 20;
	sb = args_value(&a, "wait-after-sb");
	w.after_sb = sb && !strcmp(sb, "yes");
	rc = run(&w);
	free(w.pds);
	free(w.cstate);
	return rc;
}
