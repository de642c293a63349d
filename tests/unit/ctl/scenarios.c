/* Cluster states of the drbd9-cli captures (scenarios.h). */
#include "scenarios.h"

static void stable_peer(struct fixture *f, char peer)
{
	fx_pd(f, peer)->stats.uuid_flags = CTL_UUID_FLAG_STABLE;
}

void sc_s01_a_05_connecting(struct fixture *f)
{
	fx_init(f, 'a', D_INCONSISTENT);
	fx_conn(f, 'a', 'b', C_CONNECTING, L_OFF, D_UNKNOWN);
	fx_dev_stats(f, 0, 0, 0, 0, true);
	fx_pd_stats(f, 'b', 0, 0, 4056);
}

void sc_s01_a_07_standalone(struct fixture *f)
{
	fx_init(f, 'a', D_INCONSISTENT);
	fx_conn(f, 'a', 'b', C_STANDALONE, L_OFF, D_UNKNOWN);
	fx_dev_stats(f, 0, 0, 0, 1, true);
	fx_pd_stats(f, 'b', 0, 0, 4056);
}

void sc_s01_a_09_both_inconsistent(struct fixture *f)
{
	fx_init(f, 'a', D_INCONSISTENT);
	fx_conn(f, 'a', 'b', C_CONNECTED, L_ESTABLISHED, D_INCONSISTENT);
	fx_dev_stats(f, 0, 0, 0, 1, false);
	fx_pd_stats(f, 'b', 0, 0, 4056);
}

void sc_resync(struct fixture *f, char peer, uint64_t oos_sectors,
	       uint64_t dt1_ms, uint64_t db1_sectors)
{
	struct ctl_peer_device_stats *s = &fx_pd(f, peer)->stats;

	s->rs_total = FX_SIZE;
	s->out_of_sync = oos_sectors;
	s->rs_dt1_ms = dt1_ms;
	s->rs_db1_sectors = db1_sectors;
}

void sc_s01_a_11_syncing_source(struct fixture *f)
{
	fx_init(f, 'a', D_UP_TO_DATE);
	f->res.role = R_PRIMARY;
	fx_conn(f, 'a', 'b', C_CONNECTED, L_SYNC_SOURCE, D_INCONSISTENT);
	fx_dev_stats(f, 128, 0, 0, 1, false);
	fx_pd_stats(f, 'b', 0, 128, 3928);
	/* done:3.16 dbdt1:1.95 eta:2 */
	sc_resync(f, 'b', 2 * 3928, 64, 256);
}

void sc_s01_a_13_uptodate_primary(struct fixture *f)
{
	fx_init(f, 'a', D_UP_TO_DATE);
	f->res.role = R_PRIMARY;
	fx_conn(f, 'a', 'b', C_CONNECTED, L_ESTABLISHED, D_UP_TO_DATE);
	fx_dev_stats(f, 4056, 0, 0, 3, false);
	fx_pd_stats(f, 'b', 0, 4056, 0);
	stable_peer(f, 'b');
}

void sc_s03_c_03_diskless_alone(struct fixture *f)
{
	fx_init(f, 'c', D_DISKLESS);
	fx_conn(f, 'c', 'a', C_CONNECTING, L_OFF, D_UNKNOWN);
	fx_conn(f, 'c', 'b', C_CONNECTING, L_OFF, D_UNKNOWN);
}

void sc_s03_c_08_diskless_primary(struct fixture *f)
{
	fx_init(f, 'c', D_DISKLESS);
	f->res.role = R_PRIMARY;
	f->dev.stats.size = FX_SIZE;
	fx_conn(f, 'c', 'a', C_CONNECTED, L_ESTABLISHED, D_UP_TO_DATE);
	fx_conn(f, 'c', 'b', C_CONNECTED, L_ESTABLISHED, D_UP_TO_DATE);
	stable_peer(f, 'a');
	stable_peer(f, 'b');
}

void sc_s03_a_08_peer_diskless(struct fixture *f)
{
	struct ctl_peer_device *c;

	fx_init(f, 'a', D_UP_TO_DATE);
	fx_conn(f, 'a', 'b', C_CONNECTED, L_ESTABLISHED, D_UP_TO_DATE);
	fx_conn(f, 'a', 'c', C_CONNECTED, L_ESTABLISHED, D_DISKLESS);
	c = fx_pd(f, 'c');
	c->peer_client = CTL_CLIENT_YES;
	/* drbdadm sets "bitmap no" towards a diskless client. */
	c->opts.bitmap = false;
	fx_dev_stats(f, 4056, 0, 0, 3, false);
	fx_pd_stats(f, 'b', 0, 4056, 0);
	stable_peer(f, 'b');
}

static void quorum_opts(struct fixture *f)
{
	f->res.opts.quorum = CTL_QOU_MAJORITY;
	f->res.opts.on_no_quorum = CTL_OND_IO_ERROR;
}

void sc_s04_a_04_no_quorum(struct fixture *f)
{
	fx_init(f, 'a', D_INCONSISTENT);
	quorum_opts(f);
	f->dev.has_quorum = false;
	fx_conn(f, 'a', 'b', C_CONNECTING, L_OFF, D_UNKNOWN);
	fx_conn(f, 'a', 'c', C_CONNECTING, L_OFF, D_UNKNOWN);
	fx_dev_stats(f, 0, 0, 0, 0, true);
	fx_pd_stats(f, 'b', 0, 0, 4056);
	fx_pd_stats(f, 'c', 0, 0, 4056);
}

void sc_s04_a_11_isolated(struct fixture *f)
{
	fx_init(f, 'a', D_UP_TO_DATE);
	quorum_opts(f);
	f->res.role = R_PRIMARY;
	f->dev.has_quorum = false;
	fx_conn(f, 'a', 'b', C_CONNECTING, L_OFF, D_UNKNOWN);
	fx_conn(f, 'a', 'c', C_CONNECTING, L_OFF, D_UNKNOWN);
	fx_dev_stats(f, 8120, 16, 1, 6, false);
	fx_pd_stats(f, 'b', 0, 0, 4);
	fx_pd_stats(f, 'c', 0, 0, 4);
}

/* s07's configuration has no disk { } section: peer-device options stay
 * at their defaults. */
static void split_brain(struct fixture *f, char self, char peer)
{
	fx_init(f, self, D_UP_TO_DATE);
	f->res.role = R_PRIMARY;
	fx_conn(f, self, peer, C_STANDALONE, L_OFF, D_UNKNOWN);
	ctl_peer_device_opts_default(&fx_pd(f, peer)->opts);
	fx_pd_stats(f, peer, 0, 0, 64);
}

void sc_s07_a_11_split_brain(struct fixture *f)
{
	split_brain(f, 'a', 'b');
	fx_dev_stats(f, 4056, 64, 1, 3, false);
}

void sc_s07_b_09_split_brain(struct fixture *f)
{
	split_brain(f, 'b', 'a');
	fx_dev_stats(f, 0, 4120, 1, 3, false);
}
