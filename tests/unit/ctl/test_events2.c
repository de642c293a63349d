/* `drbdsetup events2` lines against the drbd9-cli captures: the --now dumps
 * of each moment, and change lines of a live session. */
#include "ctl/fmt.h"
#include "golden.h"
#include "scenarios.h"

#define NOW (&(struct ctl_ev2_opts){ 0 })
#define FULL (&(struct ctl_ev2_opts){ .full = true })
#define STATS (&(struct ctl_ev2_opts){ .statistics = true })

/* The timestamp of line `nth` (1-based, -1 = last) of a golden file,
 * re-formatted with ctl_ev2_timestamp(). */
static void golden_ts(const char *rel, int nth, char ts[CTL_EV2_TS_LEN])
{
	struct ctl_ev2_time t = { 0 };
	size_t len;
	char *buf = golden_read(rel, &len), *p = buf;
	int oh = 0, om = 0;

	ts[0] = '\0';
	if (!buf)
		return;
	if (nth < 0) {
		buf[len - 1] = '\0';
		p = strrchr(buf, '\n') + 1;
	}
	for (int i = 1; i < nth; i++)
		p = strchr(p, '\n') + 1;
	if (sscanf(p, "%d-%d-%dT%d:%d:%d.%ld%d:%d", &t.year, &t.mon, &t.mday,
		   &t.hour, &t.min, &t.sec, &t.usec, &oh, &om) == 9) {
		t.gmtoff = oh * 3600L + (oh < 0 ? -om : om) * 60L;
		ctl_ev2_timestamp(ts, &t);
	}
	free(buf);
}

static void dump(struct fixture *f, const char *dir, const char *file,
		 const struct ctl_ev2_opts *o, bool timestamps)
{
	struct strbuf sb = STRBUF_INIT;
	char rel[256], ts[CTL_EV2_TS_LEN] = "", ts_end[CTL_EV2_TS_LEN] = "";

	snprintf(rel, sizeof(rel), "%s/%s", dir, file);
	if (timestamps) {
		golden_ts(rel, 1, ts);
		golden_ts(rel, -1, ts_end);
	}
	ctl_ev2_reorder(&f->res, NULL);
	ctl_ev2_changes(&sb, ts, "exists", NULL, &f->res, o);
	ctl_ev2_exists_done(&sb, ts_end);
	TAP_OK(!strbuf_failed(&sb), "out of memory");
	GOLDEN_CHECK(&sb, rel);
	strbuf_free(&sb);
}

static void check_moment(void (*build)(struct fixture *), const char *dir)
{
	struct fixture f;

	build(&f);
	dump(&f, dir, "events2-now.out", NOW, false);
	build(&f);
	dump(&f, dir, "events2-now-full.out", FULL, false);
	build(&f);
	dump(&f, dir, "events2-now-statistics-timestamps.out", STATS, true);
}

SC_STATE_MOMENTS(SC_MOMENT_TEST)

TAP_TEST(s01_a_11_syncing_source)
{
	const char *dir = "s01-two-node-sync/a/11-syncing-source";
	struct fixture f;

	if (!golden_available())
		return;
	sc_s01_a_11_syncing_source(&f);
	sc_resync(&f, 'b', 2 * 3288, 64, 256);			/* done:18.93 */
	dump(&f, dir, "events2-now.out", NOW, false);

	sc_s01_a_11_syncing_source(&f);
	fx_dev_stats(&f, 384, 0, 0, 1, false);
	fx_pd_stats(&f, 'b', 0, 384, 3672);
	sc_resync(&f, 'b', 2 * 3672, 1000, 2520);		/* dbdt1:1.23 eta:3 */
	dump(&f, dir, "events2-now-full.out", FULL, false);
	sc_resync(&f, 'b', 2 * 3672, 100, 295);			/* dbdt1:1.44 eta:2 */
	dump(&f, dir, "events2-now-statistics-timestamps.out", STATS, true);
}

TAP_TEST(nothing_configured)
{
	struct strbuf sb = STRBUF_INIT;

	if (!golden_available())
		return;
	ctl_ev2_exists_done(&sb, "");
	GOLDEN_CHECK(&sb, "s01-two-node-sync/a/01-before-create-md/events2-now.out");
	strbuf_free(&sb);
}

/* ---- a live session: s01-two-node-sync/a/events2-live-timestamps*.txt ---- */

struct live {
	const char *rel;
	const struct ctl_ev2_opts *o;
	struct ctl_resource *prev;	/* what was printed last */
};

/* The golden lines of one update: those carrying timestamp `ts`. */
static char *golden_update(const char *rel, const char *ts)
{
	size_t len, tl = strlen(ts);
	char *buf = golden_read(rel, &len), *out, *w, *p;

	if (!buf)
		return NULL;
	out = w = calloc(1, len + 1);
	for (p = buf; out && *p;) {
		char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p + 1) : strlen(p);

		if (!strncmp(p, ts, tl) && p[tl] == ' ') {
			memcpy(w, p, n);
			w += n;
		}
		p += n;
	}
	free(buf);
	return out;
}

/* Prints the update from live->prev to `now` and compares it with the
 * golden lines stamped `stamp` ("12:39:00.462577"). */
static void step(struct live *l, struct fixture *now, const char *stamp)
{
	char ts[64];
	struct strbuf sb = STRBUF_INIT;
	struct ctl_resource *next;
	char *want;

	snprintf(ts, sizeof(ts), "2026-11-24T%s+00:00", stamp);
	want = golden_update(l->rel, ts);
	strcat(ts, " ");
	ctl_ev2_reorder(&now->res, l->prev);
	ctl_ev2_changes(&sb, ts, "create", l->prev, &now->res, l->o);
	TAP_OK(want && *want, "no golden lines at %s", stamp);
	if (want)
		TAP_STREQ(strbuf_str(&sb), want);
	free(want);
	strbuf_free(&sb);
	next = ctl_resource_dup(&now->res);
	ctl_resource_free(l->prev);
	l->prev = next;
}

static void live_session(const char *rel, const struct ctl_ev2_opts *o,
			 const char *const stamps[8])
{
	struct live l = { rel, o, NULL };
	struct fixture f;
	struct ctl_peer_device *pd;

	/* Connecting, attached, Inconsistent (counters as in the capture). */
	sc_s01_a_05_connecting(&f);
	fx_dev_stats(&f, 0, 0, 0, 0, true);
	f.dev.stats.lower_pending = 2;
	fx_pd_stats(&f, 'b', 0, 0, 0);
	f.res.stats.write_ordering = CTL_WO_NONE;
	l.prev = ctl_resource_dup(&f.res);

	f.path[0].established = true;
	step(&l, &f, stamps[0]);

	fx_pd_stats(&f, 'b', 0, 0, 4056);
	step(&l, &f, stamps[1]);

	f.conn[0].cstate = C_CONNECTED;
	f.conn[0].peer_role = R_SECONDARY;
	pd = fx_pd(&f, 'b');
	pd->repl = L_ESTABLISHED;
	pd->peer_disk = D_INCONSISTENT;
	/* An unprinted counter moved too (the peer's bitmap UUID arrived):
	 * with --statistics the line shows the counters. */
	pd->stats.bitmap_uuid = 0x1234;
	step(&l, &f, stamps[2]);

	f.res.role = R_PRIMARY;
	f.dev.disk = D_UP_TO_DATE;
	fx_dev_stats(&f, 0, 0, 0, 1, false);
	f.dev.stats.lower_pending = 0;
	f.res.stats.write_ordering = CTL_WO_BDEV_FLUSH;
	step(&l, &f, stamps[3]);

	pd->repl = L_WF_BITMAP_S;
	step(&l, &f, stamps[4]);

	/* Resync starts: nothing moved yet, so eta is NaN. */
	pd->repl = L_SYNC_SOURCE;
	sc_resync(&f, 'b', FX_SIZE, 0, 0);
	step(&l, &f, stamps[5]);

	/* 3 MiB later: done:75.74 dbdt1:0.99 eta:1 */
	fx_pd_stats(&f, 'b', 0, 3072, 984);
	sc_resync(&f, 'b', 2 * 984, 3000, 6080);
	step(&l, &f, stamps[6]);

	/* Finished: the peer is UpToDate, two replicas now. */
	memset(&pd->stats, 0, sizeof(pd->stats));
	fx_pd_stats(&f, 'b', 0, 4056, 0);
	pd->repl = L_ESTABLISHED;
	pd->peer_disk = D_UP_TO_DATE;
	pd->stats.uuid_flags = CTL_UUID_FLAG_STABLE;
	step(&l, &f, stamps[7]);
	ctl_resource_free(l.prev);
}

TAP_TEST(live_changes)
{
	static const char *const stamps[8] = {
		"12:39:00.462577", "12:39:00.497350", "12:39:00.506613",
		"12:39:02.379075", "12:39:02.422785", "12:39:02.511977",
		"12:39:05.542790", "12:39:06.846081",
	};

	if (golden_available())
		live_session("s01-two-node-sync/a/events2-live-timestamps.txt",
			     NOW, stamps);
}

TAP_TEST(live_changes_statistics)
{
	static const char *const stamps[8] = {
		"12:39:00.461416", "12:39:00.496008", "12:39:00.507576",
		"12:39:02.380009", "12:39:02.423940", "12:39:02.513416",
		"12:39:05.541208", "12:39:06.846596",
	};

	if (golden_available())
		live_session("s01-two-node-sync/a/events2-live-timestamps-statistics.txt",
			     STATS, stamps);
}

/* r9 (s01 a, 12:39:18-20): created, then a minor destroyed, then gone. */
TAP_TEST(live_create_destroy)
{
	const char *rel = "s01-two-node-sync/a/events2-live-timestamps.txt";
	struct ctl_device dev = { .minor = 9, .disk = D_DISKLESS,
				  .has_quorum = true };
	struct ctl_resource r9 = { .name = "r9", .node_id = 0,
				   .role = R_SECONDARY };
	struct ctl_resource *prev;
	struct strbuf sb = STRBUF_INIT;

	if (!golden_available())
		return;
	ctl_ev2_changes(&sb, "2026-11-24T12:39:18.898825+00:00 ", "create",
			NULL, &r9, NOW);
	prev = ctl_resource_dup(&r9);
	r9.devices = &dev;
	r9.n_devices = 1;
	ctl_ev2_changes(&sb, "2026-11-24T12:39:18.993921+00:00 ", "create",
			prev, &r9, NOW);
	ctl_ev2_changes(&sb, "2026-11-24T12:39:20.086846+00:00 ", "create",
			&r9, prev, NOW);
	ctl_ev2_changes(&sb, "2026-11-24T12:39:20.088204+00:00 ", "create",
			prev, NULL, NOW);
	ctl_resource_free(prev);
	{
		static const char *const ts[] = {
			"2026-11-24T12:39:18.898825+00:00",
			"2026-11-24T12:39:18.993921+00:00",
			"2026-11-24T12:39:20.086846+00:00",
			"2026-11-24T12:39:20.088204+00:00",
		};
		struct strbuf w = STRBUF_INIT;

		for (size_t i = 0; i < 4; i++) {
			char *l = golden_update(rel, ts[i]);

			strbuf_puts(&w, l ? l : "");
			free(l);
		}
		TAP_STREQ(strbuf_str(&sb), strbuf_str(&w));
		strbuf_free(&w);
	}
	strbuf_free(&sb);
}

int main(void)
{
	return tap_run();
}
