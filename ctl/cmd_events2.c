/* drbdsetup events2: the initial "exists" dump, then change lines for every
 * state change until the client goes away. The engine only counts changes
 * (engine.state_gen); this side diffs consecutive snapshots, so it never
 * holds the state lock while writing to a slow client. */
#include "ctl/args.h"
#include "ctl/ctl.h"
#include "ctl/fmt.h"
#include "ctl/snapshot.h"
#include "core/handler.h"

#include <stdlib.h>
#include <string.h>

struct ev2_session {
	struct ctl_req *q;
	const char *filter;		/* resource name or NULL for all */
	struct ctl_ev2_opts o;
	bool timestamps;
	struct ctl_resource **prev;	/* what was printed last, display order */
	size_t n_prev;
	uint64_t helper_seq;		/* the last helper event printed */
};

#define EV2_HELPERS_MAX 16

/* Civil date from days since 1970-01-01 (proleptic Gregorian). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void prefix_now(struct ev2_session *s, char out[CTL_EV2_TS_LEN])
{
	struct plat_walltime w;
	struct ctl_ev2_time t;
	int64_t local, days, secs;

	out[0] = 0;
	if (!s->timestamps)
		return;
	plat_walltime(&w);
	local = w.sec + (int64_t)w.utc_offset_min * 60;
	days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	secs = local - days * 86400;
	civil_from_days(days, &t.year, &t.mon, &t.mday);
	t.hour = (int)(secs / 3600);
	t.min = (int)(secs / 60 % 60);
	t.sec = (int)(secs % 60);
	t.usec = (long)w.usec;
	t.gmtoff = (long)w.utc_offset_min * 60;
	ctl_ev2_timestamp(out, &t);
}

static bool wanted(struct ev2_session *s, const struct ctl_resource *r)
{
	return !s->filter || !strcmp(s->filter, "all") || !strcmp(s->filter, r->name);
}

static struct ctl_resource *find_res(struct ctl_resource **res, size_t n,
				     const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (res[i] && !strcmp(res[i]->name, name))
			return res[i];
	return NULL;
}

/* Prints what changed between s->prev and res, then keeps res as prev. */
static void emit(struct ev2_session *s, struct ctl_resource **res, size_t n,
		 bool initial)
{
	char ts[CTL_EV2_TS_LEN];
	struct strbuf *out = &s->q->out;

	prefix_now(s, ts);
	for (size_t i = 0; i < n; i++) {
		struct ctl_resource *old;
		if (!wanted(s, res[i]))
			continue;
		old = initial ? NULL : find_res(s->prev, s->n_prev, res[i]->name);
		ctl_ev2_reorder(res[i], old);
		ctl_ev2_changes(out, ts, initial ? "exists" : "create", old, res[i], &s->o);
	}
	for (size_t i = 0; !initial && i < s->n_prev; i++)
		if (wanted(s, s->prev[i]) && !find_res(res, n, s->prev[i]->name))
			ctl_ev2_changes(out, ts, "destroy", s->prev[i], NULL, &s->o);
	if (initial)
		ctl_ev2_exists_done(out, ts);
	ctl_snapshot_free(s->prev, s->n_prev);
	s->prev = res;
	s->n_prev = n;
}

/* Helper calls and answers since the last wake-up (core/handler.h), after
 * the state changes of the same wake-up as the kernel reports them. */
static void emit_helpers(struct ev2_session *s, const struct handler_event *ev, size_t n)
{
	char ts[CTL_EV2_TS_LEN];

	prefix_now(s, ts);
	for (size_t i = 0; i < n; i++) {
		const struct handler_event *e = &ev[i];

		if (s->filter && strcmp(s->filter, "all") && strcmp(s->filter, e->resource))
			continue;
		ctl_ev2_helper(&s->q->out, ts, &(struct ctl_ev2_helper){
			.resource = e->resource, .peer_node_id = e->peer_node_id,
			.conn_name = e->conn_name, .volume = e->volume, .minor = e->minor,
			.helper = e->helper, .response = e->response, .status = e->status });
	}
}

/* The client never sends after its request: a read returns only when it
 * has gone, which ends the session. */
static void *watch_client(void *arg)
{
	struct ctl_req *q = arg;
	char c;

	while (plat_chan_read(q->chan, &c, 1) > 0)
		;
	plat_mutex_lock(&q->eng->lock);
	q->client_gone = true;
	plat_cond_broadcast(&q->eng->state_changed);
	plat_mutex_unlock(&q->eng->lock);
	return NULL;
}

static int follow(struct ev2_session *s, uint64_t gen)
{
	struct ctl_req *q = s->q;
	struct plat_thread *watcher;
	int err = plat_thread_start(&watcher, watch_client, q, "udrbd-ev2");

	if (err)
		return 20;
	for (;;) {
		struct handler_event ev[EV2_HELPERS_MAX];
		struct ctl_resource **res;
		size_t n, n_ev;

		plat_mutex_lock(&q->eng->lock);
		while (q->eng->state_gen == gen && !q->client_gone &&
		       handler_last_event() == s->helper_seq)
			plat_cond_wait(&q->eng->state_changed, &q->eng->lock);
		gen = q->eng->state_gen;
		err = q->client_gone ? -ECONNRESET : ctl_snapshot(q->eng, &res, &n);
		n_ev = handler_events_since(&s->helper_seq, ev, EV2_HELPERS_MAX);
		plat_mutex_unlock(&q->eng->lock);
		if (err)
			break;
		emit(s, res, n, false);
		emit_helpers(s, ev, n_ev);
		if (ctl_flush(q))
			break;
	}
	/* Unblock the watcher if we stopped first (write error). */
	plat_chan_shutdown(q->chan);
	plat_thread_join(watcher, NULL);
	return 0;
}

int ctl_events2(struct ctl_req *q, const struct args *a);
int ctl_events2(struct ctl_req *q, const struct args *a)
{
	struct ev2_session s = { .q = q };
	struct ctl_resource **res;
	uint64_t gen;
	size_t n;
	int rc;

	s.filter = a->npos ? a->pos[0] : NULL;
	s.o.statistics = args_flag(a, "statistics");
	s.o.full = args_flag(a, "full");
	s.timestamps = args_flag(a, "timestamps");
	plat_mutex_lock(&q->eng->lock);
	rc = ctl_snapshot(q->eng, &res, &n);
	gen = q->eng->state_gen;
	s.helper_seq = handler_last_event();
	plat_mutex_unlock(&q->eng->lock);
	if (rc)
		return 20;
	emit(&s, res, n, true);
	rc = 0;
	if (!args_flag(a, "now")) {
		if (ctl_flush(q))
			goto out;
		rc = follow(&s, gen);
	}
out:
	ctl_snapshot_free(s.prev, s.n_prev);
	return rc;
}
