/* `drbdsetup status` text and JSON against the drbd9-cli captures. */
#include <errno.h>

#include "ctl/fmt.h"
#include "golden.h"
#include "scenarios.h"

#define VS (&(struct ctl_status_opts){ .verbose = 1, .statistics = true })
#define PLAIN (&(struct ctl_status_opts){ 0 })
#define JSON (&(struct ctl_status_opts){ .json = true })

static void check(struct fixture *f, const char *dir, const char *file,
		  const char *name, const struct ctl_status_opts *o)
{
	const struct ctl_resource *res[] = { &f->res };
	struct strbuf sb = STRBUF_INIT;
	char rel[256];

	snprintf(rel, sizeof(rel), "%s/%s", dir, file);
	TAP_EQ(ctl_fmt_status(&sb, res, 1, name, o), 0);
	TAP_OK(!strbuf_failed(&sb), "out of memory");
	GOLDEN_CHECK(&sb, rel);
	strbuf_free(&sb);
}

/* A moment whose counters did not move between its status commands. */
static void check_moment(void (*build)(struct fixture *), const char *dir)
{
	struct fixture f;

	build(&f);
	check(&f, dir, "status-verbose-statistics.out", NULL, VS);
	check(&f, dir, "drbdadm-status.out", "r0", PLAIN);
	check(&f, dir, "status-json.out", NULL, JSON);
	check(&f, dir, "status-json-verbose-statistics.out", NULL, JSON);
}

SC_STATE_MOMENTS(SC_MOMENT_TEST)

TAP_TEST(s01_a_11_syncing_source)
{
	const char *dir = "s01-two-node-sync/a/11-syncing-source";
	struct ctl_peer_device_stats *s;
	struct fixture f;

	if (!golden_available())
		return;
	sc_s01_a_11_syncing_source(&f);
	check(&f, dir, "status-verbose-statistics.out", NULL, VS);

	/* ~0.5 s later: done:25.25 dbdt1:1.03 eta:3 */
	fx_dev_stats(&f, 1024, 0, 0, 1, false);
	fx_pd_stats(&f, 'b', 0, 1024, 3032);
	sc_resync(&f, 'b', 2 * 3032, 1000, 2110);
	check(&f, dir, "status-verbose-statistics-2.out", NULL, VS);

	fx_pd_stats(&f, 'b', 0, 0, 3800);
	check(&f, dir, "drbdadm-status.out", "r0", PLAIN);

	/* The JSON shows every resync counter; these are its values. */
	s = &fx_pd(&f, 'b')->stats;
	fx_dev_stats(&f, 256, 0, 0, 1, false);
	fx_pd_stats(&f, 'b', 0, 256, 3928);
	f.conn[0].stats.rs_in_flight = 256;
	s->pending = 1;
	s->rs_dt_start_ms = s->rs_dt0_ms = s->rs_dt1_ms = 120;
	s->rs_db0_sectors = s->rs_db1_sectors = 256;
	check(&f, dir, "status-json.out", NULL, JSON);

	fx_dev_stats(&f, 640, 0, 0, 1, false);
	fx_pd_stats(&f, 'b', 0, 640, 3416);
	f.conn[0].stats.rs_in_flight = 0;
	s->pending = 0;
	s->rs_dt_start_ms = s->rs_dt0_ms = s->rs_dt1_ms = 636;
	s->rs_db0_sectors = s->rs_db1_sectors = 1280;
	check(&f, dir, "status-json-verbose-statistics.out", NULL, JSON);
}

/* `drbdsetup status r9 --verbose`: a diskless minor, no connections;
 * "blocked:no" wraps at 80 columns. */
TAP_TEST(s01_a_24_tiny_verbose)
{
	struct fixture f;

	if (!golden_available())
		return;
	fx_init(&f, 'a', D_DISKLESS);
	snprintf(f.res.name, sizeof(f.res.name), "r9");
	f.dev.minor = 9;
	f.dev.client = CTL_CLIENT_NO;
	check(&f, "s01-two-node-sync/a/24-tiny64k-status", "tiny64k-status.out",
	      "r9", &(struct ctl_status_opts){ .verbose = 1 });
}

TAP_TEST(nothing_configured)
{
	struct strbuf sb = STRBUF_INIT;

	if (!golden_available())
		return;
	TAP_EQ(ctl_fmt_status(&sb, NULL, 0, NULL, PLAIN), 0);
	GOLDEN_CHECK(&sb, "s01-two-node-sync/a/01-before-create-md/drbdsetup-status.out");
	strbuf_reset(&sb);
	TAP_EQ(ctl_fmt_status(&sb, NULL, 0, NULL, JSON), 0);
	GOLDEN_CHECK(&sb, "s01-two-node-sync/a/01-before-create-md/drbdsetup-status-json.out");
	strbuf_reset(&sb);
	/* The caller prints "r0: No such resource" and exits 10. */
	TAP_EQ(ctl_fmt_status(&sb, NULL, 0, "r0", PLAIN), -ENOENT);
	GOLDEN_CHECK(&sb, "s01-two-node-sync/a/01-before-create-md/drbdsetup-status-r0.out");
	strbuf_free(&sb);
}

int main(void)
{
	return tap_run();
}
