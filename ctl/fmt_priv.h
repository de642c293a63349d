/* Pieces shared by the status, events2 and show formatters. */
#ifndef UDRBD_CTL_FMT_PRIV_H
#define UDRBD_CTL_FMT_PRIV_H

#include "ctl/fmt.h"

/* drbdsetup's printer: items are appended one by one; in wrapping mode
 * (status) an item that would cross `columns` starts a new line indented by
 * `indent`, the way drbd-utils' wrap_printf() does. */
struct ctl_out {
	struct strbuf *sb;
	bool wrap;
	int col, columns;
};

void ctl_out_item(struct ctl_out *o, int indent, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What the statistics printers need from the command's options. */
struct ctl_stat_mode {
	int verbose;
	bool statistics;
	bool fullch;		/* events2 --full: print unchanged items too */
};

void ctl_print_res_stats(struct ctl_out *o, int indent,
			 const struct ctl_res_stats *old,
			 const struct ctl_res_stats *new,
			 const struct ctl_stat_mode *m);
void ctl_print_dev_stats(struct ctl_out *o, int indent,
			 const struct ctl_dev_stats *old,
			 const struct ctl_dev_stats *new,
			 const struct ctl_stat_mode *m);
void ctl_print_conn_stats(struct ctl_out *o, int indent,
			  const struct ctl_conn_stats *old,
			  const struct ctl_conn_stats *new,
			  const struct ctl_stat_mode *m);
/* indent 0 = events2 (prints "done:" itself), else status. */
void ctl_print_pd_stats(struct ctl_out *o, int indent,
			const struct ctl_peer_device_stats *s,
			const struct ctl_stat_mode *m);

const char *ctl_susp_str(const struct ctl_resource *r);
const char *ctl_resync_susp_str(const struct ctl_peer_device *pd);
const char *ctl_client_str(uint8_t client);
const char *ctl_backing_dev_str(const struct ctl_device *d);
const char *ctl_yesno(bool b);

#define CTL_ADDR_STR_LEN 96
/* "ipv4:10.0.0.1:7789" / "ipv6:[fe80::1]:7789" */
void ctl_addr_str(char out[CTL_ADDR_STR_LEN], const struct ctl_addr *a);

/* A resync or verify reports progress (drbdsetup's "sync_details"). */
bool ctl_pd_sync_details(const struct ctl_peer_device_stats *s);
uint64_t ctl_pd_sectors_to_go(const struct ctl_peer_device_stats *s);
/* Percent of rs_total done, as "done:" prints it. */
double ctl_pd_done_pct(const struct ctl_peer_device_stats *s);

/* Sorted views for status/show (malloc'ed arrays of pointers, NULL when
 * empty or out of memory; *failed tells the two apart). */
const struct ctl_resource **ctl_sort_resources(const struct ctl_resource *const *res,
					       size_t n, bool *failed);
const struct ctl_connection **ctl_sort_conns(const struct ctl_resource *r,
					     bool *failed);
const struct ctl_device **ctl_sort_devices(const struct ctl_resource *r,
					   bool *failed);
const struct ctl_peer_device **ctl_sort_peer_devices(const struct ctl_connection *c,
						     bool *failed);

static inline bool ctl_name_matches(const char *filter, const char *name)
{
	return !filter || !*filter || !__builtin_strcmp(filter, "all") ||
	       !__builtin_strcmp(filter, name);
}

#endif
