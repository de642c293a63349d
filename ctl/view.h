/* A plain-data snapshot of what `drbdsetup status/events2/show` report,
 * shaped like DRBD 9's objects: resource > devices (volumes), connections >
 * paths and peer devices. The engine fills it under its lock; the ctl/
 * formatters then turn it into text without any lock and without touching
 * the engine (no engine pointers in here).
 *
 * Units are the kernel's, as drbdsetup receives them over netlink: sizes and
 * I/O counters in 512-byte sectors (drbdsetup halves them to print KiB),
 * options in the unit of their drbd.conf keyword (see ctl/show_opts.c).
 *
 * Arrays are owned by whoever built the snapshot; ctl_resource_dup() makes
 * a malloc'ed deep copy that ctl_resource_free() releases. */
#ifndef UDRBD_CTL_VIEW_H
#define UDRBD_CTL_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl/state_names.h"

#define CTL_NAME_LEN 128	/* resource and connection names, with NUL */
#define CTL_PATH_LEN 128	/* backing/meta device paths (DRBD's limit) */
#define CTL_ALG_LEN 64		/* SHARED_SECRET_MAX */
#define CTL_CPU_MASK_LEN 32	/* DRBD_CPU_MASK_SIZE */

/* ---- options (what `drbdsetup show` prints when not at default) ---- */

/* Enum-valued options hold DRBD's numbers: on-io-error */
enum { CTL_EP_PASS_ON, CTL_EP_CALL_HELPER, CTL_EP_DETACH };
/* fencing */
enum { CTL_FP_DONT_CARE, CTL_FP_RESOURCE, CTL_FP_STONITH };
/* after-sb-0pri/1pri/2pri, rr-conflict */
enum {
	CTL_ASB_DISCONNECT, CTL_ASB_DISCARD_YOUNGER_PRI,
	CTL_ASB_DISCARD_OLDER_PRI, CTL_ASB_DISCARD_ZERO_CHG,
	CTL_ASB_DISCARD_LEAST_CHG, CTL_ASB_DISCARD_LOCAL,
	CTL_ASB_DISCARD_REMOTE, CTL_ASB_CONSENSUS, CTL_ASB_DISCARD_SECONDARY,
	CTL_ASB_CALL_HELPER, CTL_ASB_VIOLENTLY, CTL_ASB_RETRY_CONNECT,
	CTL_ASB_AUTO_DISCARD,
};
/* on-no-data-accessible, on-no-quorum */
enum { CTL_OND_IO_ERROR, CTL_OND_SUSPEND_IO };
/* on-suspended-primary-outdated */
enum { CTL_SPO_DISCONNECT, CTL_SPO_FORCE_SECONDARY };
/* on-congestion */
enum { CTL_OC_BLOCK, CTL_OC_PULL_AHEAD, CTL_OC_DISCONNECT };
/* read-balancing: prefer-local .. 1M-striping, DRBD's order */
enum { CTL_RB_PREFER_LOCAL, CTL_RB_PREFER_REMOTE, CTL_RB_ROUND_ROBIN };
/* quorum, quorum-minimum-redundancy: a node count or one of these */
#define CTL_QOU_OFF 0
#define CTL_QOU_MAJORITY 1024
#define CTL_QOU_ALL 1025
/* protocol */
enum { CTL_PROT_A = 1, CTL_PROT_B, CTL_PROT_C };

struct ctl_res_opts {
	char cpu_mask[CTL_CPU_MASK_LEN];
	uint32_t on_no_data;
	bool auto_promote;
	uint32_t peer_ack_window;	/* sectors */
	uint32_t peer_ack_delay;	/* ms */
	uint32_t twopc_timeout;		/* 1/10 s */
	uint32_t twopc_retry_timeout;	/* 1/10 s */
	uint32_t auto_promote_timeout;	/* 1/10 s */
	uint32_t max_io_depth;
	uint32_t quorum;
	uint32_t on_no_quorum;
	uint32_t quorum_min_redundancy;
	uint32_t on_susp_primary_outdated;
};

struct ctl_net_opts {
	char transport[CTL_ALG_LEN];
	uint32_t protocol;
	uint32_t timeout;		/* 1/10 s */
	uint32_t max_epoch_size;
	uint32_t connect_int;		/* s */
	uint32_t ping_int;		/* s */
	uint32_t sndbuf_size;		/* bytes */
	uint32_t rcvbuf_size;		/* bytes */
	uint32_t ko_count;
	bool two_primaries;
	char cram_hmac_alg[CTL_ALG_LEN];
	char shared_secret[CTL_ALG_LEN];
	uint32_t after_sb_0p, after_sb_1p, after_sb_2p;
	bool always_asbp;
	uint32_t rr_conflict;
	uint32_t ping_timeo;		/* 1/10 s */
	char integrity_alg[CTL_ALG_LEN];
	bool tcp_cork;
	uint32_t on_congestion;
	uint32_t cong_fill;		/* sectors */
	uint32_t cong_extents;
	char csums_alg[CTL_ALG_LEN];
	bool csums_after_crash_only;
	char verify_alg[CTL_ALG_LEN];
	bool use_rle;
	uint32_t sock_check_timeo;	/* 1/10 s */
	uint32_t fencing;
	uint32_t max_buffers;
	bool allow_remote_read;
};

struct ctl_disk_opts {
	uint64_t disk_size;		/* sectors, 0 = whole backing device */
	uint32_t on_io_error;
	bool disk_barrier, disk_flushes, disk_drain, md_flushes;
	int32_t resync_after;		/* minor, -1 = none */
	uint32_t al_extents;
	bool al_updates;
	bool discard_zeroes_if_aligned;
	bool disable_write_same;
	uint32_t disk_timeout;		/* 1/10 s */
	uint32_t read_balancing;
	uint32_t rs_discard_granularity;	/* bytes */
};

struct ctl_peer_device_opts {
	uint32_t resync_rate;		/* KiB/s */
	uint32_t c_plan_ahead;		/* 1/10 s */
	uint32_t c_delay_target;	/* 1/10 s */
	uint32_t c_fill_target;		/* sectors */
	uint32_t c_max_rate;		/* KiB/s */
	uint32_t c_min_rate;		/* KiB/s */
	bool bitmap;
};

/* DRBD's compiled-in defaults (drbd_limits.h as shipped with drbd-utils
 * 9.22): `show` omits every option equal to them. */
void ctl_res_opts_default(struct ctl_res_opts *o);
void ctl_net_opts_default(struct ctl_net_opts *o);
void ctl_disk_opts_default(struct ctl_disk_opts *o);
void ctl_peer_device_opts_default(struct ctl_peer_device_opts *o);

/* ---- statistics: every field takes part in events2 change detection,
 * printed or not, as in drbdsetup; keep them all 64 bit (no padding, so
 * the formatter may compare them with memcmp). ---- */

struct ctl_res_stats {
	uint64_t write_ordering;	/* enum ctl_write_ordering */
};

struct ctl_dev_stats {
	uint64_t size;			/* sectors */
	uint64_t read, written;		/* sectors */
	uint64_t al_writes, bm_writes;
	uint64_t upper_pending, lower_pending;
	uint64_t upper_blocked, lower_blocked, al_suspended;	/* 0/1 */
	uint64_t exposed_data_uuid, current_uuid, disk_flags;
};

struct ctl_conn_stats {
	uint64_t congested;		/* 0/1 */
	uint64_t ap_in_flight, rs_in_flight;	/* printed as they are */
};

#define CTL_UUID_FLAG_STABLE 32	/* drbd-metadata-resync.md §4.8, bit 5 */

struct ctl_peer_device_stats {
	uint64_t received, sent;	/* sectors */
	uint64_t pending, unacked;	/* requests */
	uint64_t out_of_sync;		/* sectors */
	uint64_t resync_failed;		/* sectors */
	uint64_t bitmap_uuid;
	uint64_t flags;
	uint64_t rs_total;		/* sectors; 0 = no resync/verify running */
	uint64_t ov_start_sector, ov_stop_sector, ov_position;
	uint64_t ov_left;		/* sectors; non-zero during verify */
	uint64_t ov_skipped;
	uint64_t rs_same_csum;
	uint64_t rs_dt_start_ms, rs_paused_ms;
	uint64_t rs_dt0_ms, rs_db0_sectors;
	uint64_t rs_dt1_ms, rs_db1_sectors;
	uint64_t rs_c_sync_rate;	/* KiB/s */
	uint64_t uuid_flags;		/* the peer's, CTL_UUID_FLAG_* */
};

/* ---- objects ---- */

/* Intentional-diskless ("client:") as DRBD reports it: 0 no, 1 yes, any
 * other value prints "unknown". */
enum { CTL_CLIENT_NO = 0, CTL_CLIENT_YES = 1, CTL_CLIENT_UNKNOWN = 2 };

/* meta_dev_idx values with a meaning of their own (DRBD_MD_INDEX_*). */
#define CTL_MD_INDEX_INTERNAL (-1)
#define CTL_MD_INDEX_FLEX_EXT (-2)
#define CTL_MD_INDEX_FLEX_INT (-3)

struct ctl_device {
	unsigned volume, minor;
	enum drbd_disk_state disk;
	uint8_t client;			/* CTL_CLIENT_* */
	bool has_quorum;
	bool open;			/* not printed by drbd-utils 9.22 */
	char backing_dev[CTL_PATH_LEN];	/* "" when there is none */
	char meta_dev[CTL_PATH_LEN];
	int32_t meta_dev_idx;		/* CTL_MD_INDEX_* or an index */
	struct ctl_dev_stats stats;
	struct ctl_disk_opts opts;
};

enum ctl_af { CTL_AF_IPV4, CTL_AF_IPV6 };

struct ctl_addr {
	enum ctl_af af;
	char host[64];			/* numeric, without brackets */
	uint16_t port;
};

struct ctl_path {
	struct ctl_addr local, peer;
	bool established;
};

struct ctl_peer_device {
	unsigned volume;
	enum drbd_repl_state repl;
	enum drbd_disk_state peer_disk;
	uint8_t peer_client;		/* CTL_CLIENT_* */
	bool resync_susp_user, resync_susp_peer, resync_susp_dependency;
	struct ctl_peer_device_stats stats;
	struct ctl_peer_device_opts opts;
};

struct ctl_connection {
	unsigned peer_node_id;
	char name[CTL_NAME_LEN];	/* conn-name, net { _name } */
	enum drbd_conn_state cstate;
	enum drbd_role peer_role;
	struct ctl_conn_stats stats;
	struct ctl_net_opts opts;
	struct ctl_path *paths;
	size_t n_paths;
	struct ctl_peer_device *peer_devices;
	size_t n_peer_devices;
};

struct ctl_resource {
	char name[CTL_NAME_LEN];
	int node_id;			/* -1 when not configured */
	enum drbd_role role;
	bool susp_user, susp_nod, susp_fen, susp_quorum;
	bool fail_io;			/* force-io-failures */
	struct ctl_res_stats stats;
	struct ctl_res_opts opts;
	struct ctl_device *devices;
	size_t n_devices;
	struct ctl_connection *conns;
	size_t n_conns;
};

/* Deep copy (malloc); NULL when out of memory. */
struct ctl_resource *ctl_resource_dup(const struct ctl_resource *r);
void ctl_resource_free(struct ctl_resource *r);

const struct ctl_device *ctl_find_device(const struct ctl_resource *r,
					 unsigned volume);
const struct ctl_connection *ctl_find_connection(const struct ctl_resource *r,
						 const char *name);
const struct ctl_peer_device *
ctl_find_peer_device(const struct ctl_connection *c, unsigned volume);
const struct ctl_path *ctl_find_path(const struct ctl_connection *c,
				     const struct ctl_path *like);

#endif
