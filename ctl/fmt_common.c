/* Shared pieces of the drbdsetup formatters (ctl/fmt_priv.h). */
#include "ctl/fmt_priv.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ctl_out_item(struct ctl_out *o, int indent, const char *fmt, ...)
{
	char small[256], *text = small;
	const char *p;
	va_list ap;
	size_t len;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		text = malloc((size_t)n + 1);
		if (!text) {
			o->sb->failed = true;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (!o->wrap) {
		strbuf_puts(o->sb, text);
		goto out;
	}
	/* The width test counts the item's leading blank, as wrap_printf(). */
	p = text;
	if (o->col + n > o->columns) {
		strbuf_putc(o->sb, '\n');
		o->col = 0;
		if (*p == '\n')
			p++;
	}
	if (o->col == 0) {
		while (*p == ' ')
			p++;
		strbuf_spaces(o->sb, indent);
		o->col = indent;
	}
	len = strlen(p);
	strbuf_add(o->sb, p, len);
	o->col += (int)len;
	if (len && p[len - 1] == '\n')
		o->col = 0;
out:
	if (text != small)
		free(text);
}

const char *ctl_yesno(bool b)
{
	return b ? "yes" : "no";
}

void ctl_print_res_stats(struct ctl_out *o, int indent,
			 const struct ctl_res_stats *old,
			 const struct ctl_res_stats *new,
			 const struct ctl_stat_mode *m)
{
	const char *wo = ctl_write_ordering_name(new->write_ordering);

	if ((!old || old->write_ordering != new->write_ordering || m->fullch) && wo)
		ctl_out_item(o, indent, " write-ordering:%s", wo);
}

void ctl_print_dev_stats(struct ctl_out *o, int indent,
			 const struct ctl_dev_stats *old,
			 const struct ctl_dev_stats *new,
			 const struct ctl_stat_mode *m)
{
	const struct ctl_dev_stats *s = new;

	if (m->statistics) {
		if (m->verbose)
			ctl_out_item(o, indent, " size:%" PRIu64, s->size / 2);
		ctl_out_item(o, indent, " read:%" PRIu64, s->read / 2);
		ctl_out_item(o, indent, " written:%" PRIu64, s->written / 2);
		if (m->verbose) {
			ctl_out_item(o, indent, " al-writes:%" PRIu64, s->al_writes);
			ctl_out_item(o, indent, " bm-writes:%" PRIu64, s->bm_writes);
			ctl_out_item(o, indent, " upper-pending:%" PRIu64,
				     s->upper_pending);
			ctl_out_item(o, indent, " lower-pending:%" PRIu64,
				     s->lower_pending);
			if (!old || old->al_suspended != s->al_suspended ||
			    m->fullch)
				ctl_out_item(o, indent, " al-suspended:%s",
					     ctl_yesno(s->al_suspended));
		}
	}
	/* drbdsetup shows "blocked:" only when it changed, even with --full. */
	if ((!old || old->upper_blocked != s->upper_blocked ||
	     old->lower_blocked != s->lower_blocked) &&
	    (m->verbose || s->upper_blocked || s->lower_blocked)) {
		const char *v = "no";

		if (s->upper_blocked && s->lower_blocked)
			v = "upper,lower";
		else if (s->upper_blocked)
			v = "upper";
		else if (s->lower_blocked)
			v = "lower";
		ctl_out_item(o, indent, " blocked:%s", v);
	}
}

void ctl_print_conn_stats(struct ctl_out *o, int indent,
			  const struct ctl_conn_stats *old,
			  const struct ctl_conn_stats *new,
			  const struct ctl_stat_mode *m)
{
	if (!old || old->congested != new->congested || m->fullch)
		ctl_out_item(o, indent, " congested:%s", ctl_yesno(new->congested));
	ctl_out_item(o, indent, " ap-in-flight:%" PRIu64, new->ap_in_flight);
	ctl_out_item(o, indent, " rs-in-flight:%" PRIu64, new->rs_in_flight);
}

bool ctl_pd_sync_details(const struct ctl_peer_device_stats *s)
{
	return s->rs_total != 0 && s->rs_total != UINT64_MAX;
}

uint64_t ctl_pd_sectors_to_go(const struct ctl_peer_device_stats *s)
{
	return s->ov_left ? s->ov_left : s->out_of_sync - s->resync_failed;
}

double ctl_pd_done_pct(const struct ctl_peer_device_stats *s)
{
	return 100.0 * (double)(s->rs_total - ctl_pd_sectors_to_go(s)) /
	       (double)s->rs_total;
}

/* MiB/s from sectors per millisecond, drbdsetup's "dbdt" figures. */
static double mib_per_s(double sectors, double ms)
{
	return sectors / ms * 1000.0 / 2048.0;
}

static void print_pd_sync_stats(struct ctl_out *o, int indent,
				const struct ctl_peer_device_stats *s,
				const struct ctl_stat_mode *m)
{
	uint64_t to_go = ctl_pd_sectors_to_go(s);
	double db, dt;

	if (m->verbose > 1) {
		ctl_out_item(o, indent, " rs-total:%" PRIu64, s->rs_total);
		ctl_out_item(o, indent, " rs-dt-start-ms:%" PRId64, (int64_t)s->rs_dt_start_ms);
		ctl_out_item(o, indent, " rs-paused-ms:%" PRId64, (int64_t)s->rs_paused_ms);
		ctl_out_item(o, indent, " rs-dt0-ms:%" PRId64, (int64_t)s->rs_dt0_ms);
		ctl_out_item(o, indent, " rs-db0-sectors:%" PRId64, (int64_t)s->rs_db0_sectors);
		ctl_out_item(o, indent, " rs-dt1-ms:%" PRId64, (int64_t)s->rs_dt1_ms);
		ctl_out_item(o, indent, " rs-db1-sectors:%" PRId64, (int64_t)s->rs_db1_sectors);
		if (s->ov_left) {
			ctl_out_item(o, indent, " ov-start-sector:%" PRIu64, s->ov_start_sector);
			ctl_out_item(o, indent, " ov-stop-sector:%" PRIu64, s->ov_stop_sector);
			ctl_out_item(o, indent, " ov-position:%" PRId64, (int64_t)s->ov_position);
			ctl_out_item(o, indent, " ov-left:%" PRIu64, s->ov_left);
			ctl_out_item(o, indent, " ov-skipped:%" PRIu64, s->ov_skipped);
		} else {
			ctl_out_item(o, indent, " rs-failed:%" PRIu64, s->resync_failed);
			ctl_out_item(o, indent, " rs-same-csum:%" PRIu64, s->rs_same_csum);
		}
		if (s->rs_c_sync_rate)
			ctl_out_item(o, indent, " want:%.2f", s->rs_c_sync_rate / 1024.0);
		db = (double)(s->rs_total - to_go);
		dt = (double)(s->rs_dt_start_ms - s->rs_paused_ms);
		ctl_out_item(o, indent, " dbdt:%.2f", mib_per_s(db, dt ? dt : 1));
		ctl_out_item(o, indent, " dbdt0:%.2f",
			     mib_per_s((double)(int64_t)s->rs_db0_sectors,
				       s->rs_dt0_ms ? (double)s->rs_dt0_ms : 1));
	}
	db = (double)(int64_t)s->rs_db1_sectors;
	dt = s->rs_dt1_ms ? (double)s->rs_dt1_ms : 1;
	ctl_out_item(o, indent, " dbdt1:%.2f", mib_per_s(db, dt));
	/* glibc prints NAN as "nan"; spell it out so mingw's printf agrees. */
	if (db > 0)
		ctl_out_item(o, indent, " eta:%.0f", dt * 1e-3 * (double)to_go / db);
	else
		ctl_out_item(o, indent, " eta:nan");
}

void ctl_print_pd_stats(struct ctl_out *o, int indent,
			const struct ctl_peer_device_stats *s,
			const struct ctl_stat_mode *m)
{
	bool details = ctl_pd_sync_details(s);

	if (indent == 0) {
		if (details)
			ctl_out_item(o, indent, " done:%.2f", ctl_pd_done_pct(s));
		if (!m->statistics)
			return;
	}
	ctl_out_item(o, indent, " received:%" PRIu64, s->received / 2);
	ctl_out_item(o, indent, " sent:%" PRIu64, s->sent / 2);
	if (m->verbose || s->out_of_sync)
		ctl_out_item(o, indent, " out-of-sync:%" PRIu64, s->out_of_sync / 2);
	if (!m->verbose)
		return;
	ctl_out_item(o, indent, " pending:%" PRIu64, s->pending);
	ctl_out_item(o, indent, " unacked:%" PRIu64, s->unacked);
	if (details)
		print_pd_sync_stats(o, indent, s, m);
}

const char *ctl_susp_str(const struct ctl_resource *r)
{
	static const char *const strs[] = {
		"no", "user", "no-data", "user,no-data", "fencing",
		"user,fencing", "no-data,fencing", "user,no-data,fencing",
		"quorum", "user,quorum", "no-data,quorum",
		"user,no-data,quorum", "fencing,quorum", "user,fencing,quorum",
		"no-data,fencing,quorum", "user,no-data,fencing,quorum",
	};

	return strs[(r->susp_user ? 1 : 0) | (r->susp_nod ? 2 : 0) |
		    (r->susp_fen ? 4 : 0) | (r->susp_quorum ? 8 : 0)];
}

const char *ctl_resync_susp_str(const struct ctl_peer_device *pd)
{
	static const char *const strs[] = {
		"no", "user", "peer", "user,peer", "dependency",
		"user,dependency", "peer,dependency", "user,peer,dependency",
	};

	return strs[(pd->resync_susp_user ? 1 : 0) |
		    (pd->resync_susp_peer ? 2 : 0) |
		    (pd->resync_susp_dependency ? 4 : 0)];
}

const char *ctl_client_str(uint8_t client)
{
	return client == CTL_CLIENT_NO ? "no" :
	       client == CTL_CLIENT_YES ? "yes" : "unknown";
}

const char *ctl_backing_dev_str(const struct ctl_device *d)
{
	return d->backing_dev[0] ? d->backing_dev : "none";
}

void ctl_addr_str(char out[CTL_ADDR_STR_LEN], const struct ctl_addr *a)
{
	if (a->af == CTL_AF_IPV6)
		snprintf(out, CTL_ADDR_STR_LEN, "ipv6:[%s]:%u", a->host, a->port);
	else
		snprintf(out, CTL_ADDR_STR_LEN, "ipv4:%s:%u", a->host, a->port);
}
