/* Option tables of `drbdsetup show` (ctl/show_opts.h): keyword order, units
 * and scales as drbd-utils 9.22 declares them, defaults from its
 * drbd_limits.h (also in ctl/view.c). */
#include "ctl/show_opts.h"
#include "ctl/view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NUM(n, T, f, sc, u, d) { n, CTL_OPT_U32, offsetof(T, f), sc, u, d, NULL, 0 }
#define SNUM(n, T, f, sc, u, d) { n, CTL_OPT_S32, offsetof(T, f), sc, u, d, NULL, 0 }
#define BOOL(n, T, f, d) { n, CTL_OPT_BOOL, offsetof(T, f), '1', NULL, d, NULL, 0 }
#define ENUM(n, T, f, m, d) { n, CTL_OPT_ENUM, offsetof(T, f), '1', NULL, d, m, N(m) }
#define STR(n, T, f) { n, CTL_OPT_STRING, offsetof(T, f), '1', NULL, 0, NULL, 0 }

static const char *const on_no_data_names[] = { "io-error", "suspend-io" };
static const char *const spo_names[] = { "disconnect", "force-secondary" };
static const char *const protocol_names[] = { NULL, "A", "B", "C" };
static const char *const after_sb_0p_names[] = {
	"disconnect", "discard-younger-primary", "discard-older-primary",
	"discard-zero-changes", "discard-least-changes", "discard-local",
	"discard-remote",
};
static const char *const after_sb_1p_names[] = {
	[CTL_ASB_DISCONNECT] = "disconnect",
	[CTL_ASB_CONSENSUS] = "consensus",
	[CTL_ASB_VIOLENTLY] = "violently-as0p",
	[CTL_ASB_DISCARD_SECONDARY] = "discard-secondary",
	[CTL_ASB_CALL_HELPER] = "call-pri-lost-after-sb",
};
static const char *const after_sb_2p_names[] = {
	[CTL_ASB_DISCONNECT] = "disconnect",
	[CTL_ASB_VIOLENTLY] = "violently-as0p",
	[CTL_ASB_CALL_HELPER] = "call-pri-lost-after-sb",
};
static const char *const rr_conflict_names[] = {
	[CTL_ASB_DISCONNECT] = "disconnect",
	[CTL_ASB_VIOLENTLY] = "violently",
	[CTL_ASB_CALL_HELPER] = "call-pri-lost",
	[CTL_ASB_RETRY_CONNECT] = "retry-connect",
	[CTL_ASB_AUTO_DISCARD] = "auto-discard",
};
static const char *const on_congestion_names[] = {
	"block", "pull-ahead", "disconnect",
};
static const char *const fencing_names[] = {
	"dont-care", "resource-only", "resource-and-stonith",
};
static const char *const on_io_error_names[] = {
	"pass_on", "call-local-io-error", "detach",
};
static const char *const read_balancing_names[] = {
	"prefer-local", "prefer-remote", "round-robin", "least-pending",
	"when-congested-remote", "32K-striping", "64K-striping",
	"128K-striping", "256K-striping", "512K-striping", "1M-striping",
};

#define R struct ctl_res_opts
static const struct ctl_opt_def res_defs[] = {
	STR("cpu-mask", R, cpu_mask),
	ENUM("on-no-data-accessible", R, on_no_data, on_no_data_names, CTL_OND_IO_ERROR),
	BOOL("auto-promote", R, auto_promote, 1),
	NUM("peer-ack-window", R, peer_ack_window, 's', "bytes", 4096),
	NUM("peer-ack-delay", R, peer_ack_delay, '1', "milliseconds", 100),
	NUM("twopc-timeout", R, twopc_timeout, '1', "1/10 seconds", 300),
	NUM("twopc-retry-timeout", R, twopc_retry_timeout, '1', "1/10 seconds", 1),
	NUM("auto-promote-timeout", R, auto_promote_timeout, '1', "1/10 seconds", 20),
	NUM("max-io-depth", R, max_io_depth, '1', NULL, 8000),
	{ "quorum", CTL_OPT_ENUM_NUM, offsetof(R, quorum), '1', NULL, CTL_QOU_OFF, NULL, 0 },
	ENUM("on-no-quorum", R, on_no_quorum, on_no_data_names, CTL_OND_SUSPEND_IO),
	{ "quorum-minimum-redundancy", CTL_OPT_ENUM_NUM,
	  offsetof(R, quorum_min_redundancy), '1', NULL, CTL_QOU_OFF, NULL, 0 },
	ENUM("on-suspended-primary-outdated", R, on_susp_primary_outdated,
	     spo_names, CTL_SPO_DISCONNECT),
};
#undef R

#define T struct ctl_net_opts
static const struct ctl_opt_def net_defs[] = {
	STR("transport", T, transport),
	ENUM("protocol", T, protocol, protocol_names, CTL_PROT_C),
	NUM("timeout", T, timeout, '1', "1/10 seconds", 60),
	NUM("max-epoch-size", T, max_epoch_size, '1', NULL, 2048),
	NUM("connect-int", T, connect_int, '1', "seconds", 10),
	NUM("ping-int", T, ping_int, '1', "seconds", 10),
	NUM("sndbuf-size", T, sndbuf_size, '1', "bytes", 0),
	NUM("rcvbuf-size", T, rcvbuf_size, '1', "bytes", 0),
	NUM("ko-count", T, ko_count, '1', NULL, 7),
	BOOL("allow-two-primaries", T, two_primaries, 0),
	STR("cram-hmac-alg", T, cram_hmac_alg),
	STR("shared-secret", T, shared_secret),
	ENUM("after-sb-0pri", T, after_sb_0p, after_sb_0p_names, CTL_ASB_DISCONNECT),
	ENUM("after-sb-1pri", T, after_sb_1p, after_sb_1p_names, CTL_ASB_DISCONNECT),
	ENUM("after-sb-2pri", T, after_sb_2p, after_sb_2p_names, CTL_ASB_DISCONNECT),
	BOOL("always-asbp", T, always_asbp, 0),
	ENUM("rr-conflict", T, rr_conflict, rr_conflict_names, CTL_ASB_DISCONNECT),
	NUM("ping-timeout", T, ping_timeo, '1', "1/10 seconds", 5),
	STR("data-integrity-alg", T, integrity_alg),
	BOOL("tcp-cork", T, tcp_cork, 1),
	ENUM("on-congestion", T, on_congestion, on_congestion_names, CTL_OC_BLOCK),
	NUM("congestion-fill", T, cong_fill, 's', "bytes", 0),
	NUM("congestion-extents", T, cong_extents, '1', NULL, 1237),
	STR("csums-alg", T, csums_alg),
	BOOL("csums-after-crash-only", T, csums_after_crash_only, 0),
	STR("verify-alg", T, verify_alg),
	BOOL("use-rle", T, use_rle, 1),
	NUM("socket-check-timeout", T, sock_check_timeo, '1', NULL, 0),
	ENUM("fencing", T, fencing, fencing_names, CTL_FP_DONT_CARE),
	NUM("max-buffers", T, max_buffers, '1', NULL, 2048),
	BOOL("allow-remote-read", T, allow_remote_read, 1),
	/* "_name" is the connection's name, printed by show_fmt.c. */
};
#undef T

#define D struct ctl_disk_opts
static const struct ctl_opt_def disk_defs[] = {
	{ "size", CTL_OPT_U64, offsetof(D, disk_size), 's', "bytes", 0, NULL, 0 },
	ENUM("on-io-error", D, on_io_error, on_io_error_names, CTL_EP_DETACH),
	BOOL("disk-barrier", D, disk_barrier, 0),
	BOOL("disk-flushes", D, disk_flushes, 1),
	BOOL("disk-drain", D, disk_drain, 1),
	BOOL("md-flushes", D, md_flushes, 1),
	SNUM("resync-after", D, resync_after, '1', NULL, -1),
	NUM("al-extents", D, al_extents, '1', NULL, 1237),
	BOOL("al-updates", D, al_updates, 1),
	BOOL("discard-zeroes-if-aligned", D, discard_zeroes_if_aligned, 1),
	BOOL("disable-write-same", D, disable_write_same, 0),
	NUM("disk-timeout", D, disk_timeout, '1', "1/10 seconds", 0),
	ENUM("read-balancing", D, read_balancing, read_balancing_names,
	     CTL_RB_PREFER_LOCAL),
	NUM("rs-discard-granularity", D, rs_discard_granularity, '1', "bytes", 0),
};
#undef D

#define P struct ctl_peer_device_opts
static const struct ctl_opt_def pd_defs[] = {
	NUM("resync-rate", P, resync_rate, 'k', "bytes/second", 250),
	NUM("c-plan-ahead", P, c_plan_ahead, '1', "1/10 seconds", 20),
	NUM("c-delay-target", P, c_delay_target, '1', "1/10 seconds", 10),
	NUM("c-fill-target", P, c_fill_target, 's', "bytes", 100),
	NUM("c-max-rate", P, c_max_rate, 'k', "bytes/second", 102400),
	NUM("c-min-rate", P, c_min_rate, 'k', "bytes/second", 250),
	BOOL("bitmap", P, bitmap, 1),
};
#undef P

const struct ctl_opt_section ctl_res_opt_section = { res_defs, N(res_defs) };
const struct ctl_opt_section ctl_net_opt_section = { net_defs, N(net_defs) };
const struct ctl_opt_section ctl_disk_opt_section = { disk_defs, N(disk_defs) };
const struct ctl_opt_section ctl_peer_device_opt_section = { pd_defs, N(pd_defs) };

static void number(char *out, int64_t v, bool is_signed, char scale)
{
	char suffix[2] = { scale == '1' ? '\0' : scale, '\0' };

	if (is_signed)
		snprintf(out, CTL_OPT_VALUE_LEN, "%" PRId64 "%s", v, suffix);
	else
		snprintf(out, CTL_OPT_VALUE_LEN, "%" PRIu64 "%s", (uint64_t)v, suffix);
}

static void enum_num(char *out, int64_t v)
{
	if (v == CTL_QOU_OFF)
		strcpy(out, "off");
	else if (v == CTL_QOU_MAJORITY)
		strcpy(out, "majority");
	else if (v == CTL_QOU_ALL)
		strcpy(out, "all");
	else
		snprintf(out, CTL_OPT_VALUE_LEN, "%" PRId64, v);
}

bool ctl_opt_value(const struct ctl_opt_def *d, const void *opts,
		   char out[CTL_OPT_VALUE_LEN])
{
	const char *p = (const char *)opts + d->off;
	int64_t v = 0;

	switch (d->kind) {
	case CTL_OPT_STRING:
		snprintf(out, CTL_OPT_VALUE_LEN, "%s", p);
		return !*p;
	case CTL_OPT_BOOL:
		v = *(const bool *)p;
		strcpy(out, v ? "yes" : "no");
		break;
	case CTL_OPT_U64:
		v = (int64_t)*(const uint64_t *)p;
		number(out, v, false, d->scale);
		break;
	case CTL_OPT_S32:
		v = *(const int32_t *)p;
		number(out, v, true, d->scale);
		break;
	case CTL_OPT_U32:
		v = *(const uint32_t *)p;
		number(out, v, false, d->scale);
		break;
	case CTL_OPT_ENUM:
		v = *(const uint32_t *)p;
		snprintf(out, CTL_OPT_VALUE_LEN, "%s",
			 (uint64_t)v < d->n_names && d->names[v] ? d->names[v] : "?");
		break;
	case CTL_OPT_ENUM_NUM:
		v = *(const uint32_t *)p;
		enum_num(out, v);
		break;
	}
	return v == d->def;
}
