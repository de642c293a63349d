/* `drbdsetup status --json` (drbd-utils 9.22 layout, including its stray
 * blank after "connection-state"). Counters in KiB like the text form. */
#include "ctl/fmt_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

int ctl_fmt_status_json(struct strbuf *out, const struct ctl_resource **sorted,
			size_t n, const char *name);

static const char *jbool(bool b)
{
	return b ? "true" : "false";
}

static void pd_sync_json(struct strbuf *out, const struct ctl_peer_device_stats *s)
{
	uint64_t to_go = ctl_pd_sectors_to_go(s);
	double db, dt;

	strbuf_printf(out,
		"          \"rs-total\": %" PRIu64 ",\n"
		"          \"rs-dt-start-ms\": %" PRId64 ",\n"
		"          \"rs-paused-ms\": %" PRId64 ",\n"
		"          \"rs-dt0-ms\": %" PRId64 ",\n"
		"          \"rs-db0-sectors\": %" PRId64 ",\n"
		"          \"rs-dt1-ms\": %" PRId64 ",\n"
		"          \"rs-db1-sectors\": %" PRId64 ",\n",
		s->rs_total, (int64_t)s->rs_dt_start_ms, (int64_t)s->rs_paused_ms,
		(int64_t)s->rs_dt0_ms, (int64_t)s->rs_db0_sectors,
		(int64_t)s->rs_dt1_ms, (int64_t)s->rs_db1_sectors);
	if (s->ov_left)
		strbuf_printf(out,
			"          \"ov-start-sector\": %" PRIu64 ",\n"
			"          \"ov-stop-sector\": %" PRId64 ",\n"
			"          \"ov-position\": %" PRId64 ",\n"
			"          \"ov-left\": %" PRIu64 ",\n"
			"          \"ov-skipped\": %" PRIu64 ",\n",
			s->ov_start_sector, (int64_t)s->ov_stop_sector,
			(int64_t)s->ov_position, s->ov_left, s->ov_skipped);
	else
		strbuf_printf(out,
			"          \"rs-failed\": %" PRIu64 ",\n"
			"          \"rs-same-csum\": %" PRIu64 ",\n",
			s->resync_failed, s->rs_same_csum);
	strbuf_printf(out, "          \"want\": %.2f,\n",
		      s->rs_c_sync_rate ? s->rs_c_sync_rate / 1024.0 : 0.0);
	db = (double)(int64_t)s->rs_db0_sectors;
	dt = s->rs_dt0_ms ? (double)s->rs_dt0_ms : 1;
	strbuf_printf(out, "          \"db0/dt0 [MiB/s]\": %.2f,\n",
		      db / dt * 1000.0 / 2048.0);
	db = (double)(int64_t)s->rs_db1_sectors;
	dt = s->rs_dt1_ms ? (double)s->rs_dt1_ms : 1;
	strbuf_printf(out, "          \"db1/dt1 [MiB/s]\": %.2f,\n",
		      db / dt * 1000.0 / 2048.0);
	strbuf_printf(out, "          \"estimated-seconds-to-finish\": %.0f,\n",
		      db <= 0 ? 987654321 : dt * 1e-3 * (double)to_go / db);
	db = (double)(s->rs_total - to_go);
	dt = (double)(s->rs_dt_start_ms - s->rs_paused_ms);
	strbuf_printf(out, "          \"db/dt [MiB/s]\": %.2f,\n",
		      db / (dt ? dt : 1) * 1000.0 / 2048.0);
	strbuf_printf(out, "          \"percent-resync-done\": %.2f\n",
		      100.0 * db / (double)s->rs_total);
}

static void pd_json(struct strbuf *out, const struct ctl_resource *r,
		    const struct ctl_peer_device *pd)
{
	const struct ctl_peer_device_stats *s = &pd->stats;
	const struct ctl_device *d = ctl_find_device(r, pd->volume);
	uint64_t size = d ? d->stats.size : 0;
	bool details = ctl_pd_sync_details(s);

	strbuf_printf(out,
		"        {\n"
		"          \"volume\": %u,\n"
		"          \"replication-state\": \"%s\",\n"
		"          \"peer-disk-state\": \"%s\",\n"
		"          \"peer-client\": %s,\n"
		"          \"resync-suspended\": \"%s\",\n"
		"          \"received\": %" PRIu64 ",\n"
		"          \"sent\": %" PRIu64 ",\n"
		"          \"out-of-sync\": %" PRIu64 ",\n"
		"          \"pending\": %" PRIu64 ",\n"
		"          \"unacked\": %" PRIu64 ",\n"
		"          \"has-sync-details\": %s,\n"
		"          \"has-online-verify-details\": %s,\n"
		"          \"percent-in-sync\": %.2f%s\n",
		pd->volume, drbd_repl_state_name(pd->repl),
		drbd_disk_state_name(pd->peer_disk),
		jbool(pd->peer_client == CTL_CLIENT_YES),
		ctl_resync_susp_str(pd), s->received / 2, s->sent / 2,
		s->out_of_sync / 2, s->pending, s->unacked, jbool(details),
		jbool(details && s->ov_left),
		size ? 100 * (1 - (double)s->out_of_sync / (double)size) : 0,
		details ? "," : "");
	if (details)
		pd_sync_json(out, s);
	strbuf_puts(out, "        }");
}

static void conn_json(struct strbuf *out, const struct ctl_resource *r,
		      const struct ctl_connection *c)
{
	const struct ctl_peer_device **pds;
	bool failed;

	strbuf_printf(out,
		"    {\n"
		"      \"peer-node-id\": %u,\n"
		"      \"name\": \"%s\",\n"
		"      \"connection-state\": \"%s\", \n"
		"      \"congested\": %s,\n"
		"      \"peer-role\": \"%s\",\n"
		"      \"ap-in-flight\": %" PRIu64 ",\n"
		"      \"rs-in-flight\": %" PRIu64 ",\n"
		"      \"peer_devices\": [\n",
		c->peer_node_id, c->name, drbd_conn_state_name(c->cstate),
		jbool(c->stats.congested), drbd_role_name(c->peer_role),
		c->stats.ap_in_flight, c->stats.rs_in_flight);
	pds = ctl_sort_peer_devices(c, &failed);
	/* drbdsetup fetches peer devices only when the resource has volumes. */
	for (size_t i = 0; pds && r->n_devices && i < c->n_peer_devices; i++) {
		if (i)
			strbuf_puts(out, ",\n");
		pd_json(out, r, pds[i]);
	}
	free(pds);
	if (failed)
		out->failed = true;
	strbuf_puts(out, " ]\n    }");
}

static void dev_json(struct strbuf *out, const struct ctl_device *d)
{
	const struct ctl_dev_stats *s = &d->stats;

	strbuf_printf(out,
		"    {\n"
		"      \"volume\": %u,\n"
		"      \"minor\": %u,\n"
		"      \"disk-state\": \"%s\",\n"
		"      \"client\": %s,\n"
		"      \"quorum\": %s,\n"
		"      \"size\": %" PRIu64 ",\n"
		"      \"read\": %" PRIu64 ",\n"
		"      \"written\": %" PRIu64 ",\n"
		"      \"al-writes\": %" PRIu64 ",\n"
		"      \"bm-writes\": %" PRIu64 ",\n"
		"      \"upper-pending\": %" PRIu64 ",\n"
		"      \"lower-pending\": %" PRIu64 "\n"
		"    }",
		d->volume, d->minor, drbd_disk_state_name(d->disk),
		jbool(d->client == CTL_CLIENT_YES), jbool(d->has_quorum),
		s->size / 2, s->read / 2, s->written / 2, s->al_writes,
		s->bm_writes, s->upper_pending, s->lower_pending);
}

static void res_json(struct strbuf *out, const struct ctl_resource *r)
{
	const struct ctl_device **devs;
	const struct ctl_connection **conns;
	const char *wo = ctl_write_ordering_name(r->stats.write_ordering);
	bool failed_d, failed_c;

	strbuf_printf(out,
		"{\n"
		"  \"name\": \"%s\",\n"
		"  \"node-id\": %d,\n"
		"  \"role\": \"%s\",\n"
		"  \"suspended\": %s,\n"
		"  \"suspended-user\": %s,\n"
		"  \"suspended-no-data\": %s,\n"
		"  \"suspended-fencing\": %s,\n"
		"  \"suspended-quorum\": %s,\n"
		"  \"force-io-failures\": %s,\n"
		"  \"write-ordering\": \"%s\",\n"
		"  \"devices\": [\n",
		r->name, r->node_id, drbd_role_name(r->role),
		jbool(r->susp_user || r->susp_nod || r->susp_fen || r->susp_quorum),
		jbool(r->susp_user), jbool(r->susp_nod), jbool(r->susp_fen),
		jbool(r->susp_quorum), jbool(r->fail_io), wo ? wo : "(null)");
	devs = ctl_sort_devices(r, &failed_d);
	for (size_t i = 0; devs && i < r->n_devices; i++) {
		if (i)
			strbuf_puts(out, ",\n");
		dev_json(out, devs[i]);
	}
	strbuf_puts(out, " ],\n  \"connections\": [\n");
	conns = ctl_sort_conns(r, &failed_c);
	for (size_t i = 0; conns && i < r->n_conns; i++) {
		if (i)
			strbuf_puts(out, ",\n");
		conn_json(out, r, conns[i]);
	}
	strbuf_puts(out, " ]\n}\n");
	free(devs);
	free(conns);
	if (failed_d || failed_c)
		out->failed = true;
}

int ctl_fmt_status_json(struct strbuf *out, const struct ctl_resource **sorted,
			size_t n, const char *name)
{
	bool found = false;

	strbuf_puts(out, "[\n");
	for (size_t i = 0; i < n; i++) {
		if (!ctl_name_matches(name, sorted[i]->name))
			continue;
		if (found)
			strbuf_puts(out, ",\n");
		res_json(out, sorted[i]);
		found = true;
	}
	strbuf_puts(out, "]\n\n");
	return found || ctl_name_matches(name, "") ? 0 : -ENOENT;
}
