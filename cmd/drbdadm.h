/* drbdadm internals: the command table, the context a command runs in,
 * and the runner that prints (-d) or executes drbdsetup/drbdmeta calls
 * exactly as drbd-utils' drbdadm does (drbd-metadata-resync.md §8.5). */
#ifndef UDRBD_CMD_DRBDADM_H
#define UDRBD_CMD_DRBDADM_H

#include "conf/model.h"

struct adm;

struct adm_ctx {
	struct conf_resource *r;
	struct conf_volume *v;		/* NULL: every volume */
	struct conf_connection *k;	/* NULL: every connection */
	/* adjust: the one path (drbdsetup address form) a step is about */
	const char *path_local, *path_remote;
};

enum adm_iter {
	ADM_RES,			/* once per resource */
	ADM_VOLS,			/* once per volume */
	ADM_CONNS,			/* once per connection */
	ADM_VOLS_CONNS,			/* once per peer device */
};

struct adm_cmd {
	const char *name;
	int (*fn)(struct adm *a, const struct adm_ctx *x);
	enum adm_iter iter;
	bool no_res;			/* takes no resource (sh-resources, dump) */
	bool disk_required;
	/* Checks that this host's address is local before running. */
	bool verify_ips;
	/* Backend options ("--force") this command passes on. */
	const char *const *takes;
	const char *help;
	/* Left out of the command list (drbd-utils' hidden commands). */
	bool hidden;
};

/* The stages of "up"/"adjust", run in this order (drbdadm's). */
enum adm_stage {
	ADM_ST_PREREQ,		/* new-resource */
	ADM_ST_RESOURCE,
	ADM_ST_DISK_PREP_DOWN,
	ADM_ST_DISK_PREP_UP,	/* new-minor */
	ADM_ST_NET_DISCONNECT,
	ADM_ST_NET_PREP_DOWN,
	ADM_ST_NET_PREP_UP,	/* new-peer */
	ADM_ST_NET_PATH,	/* new-path */
	ADM_ST_NET,
	ADM_ST_PEER_DEVICE,	/* peer-device-options */
	ADM_ST_DISK,		/* attach */
	ADM_ST_NET_CONNECT,	/* connect */
	ADM_ST_LAST,
};

struct adm_deferred {
	int (*fn)(struct adm *a, const struct adm_ctx *x);
	const char *name;
	struct adm_ctx x;
	struct adm_deferred *next;
};

struct adm {
	struct conf *c;
	const char *drbdsetup, *drbdmeta;
	bool dry_run, verbose;
	const char *const *backend;	/* "--force", "--max-peers=3", ... */
	int nbackend;
	const struct adm_cmd *cmd;
	struct adm_deferred *stages[ADM_ST_LAST], *tails[ADM_ST_LAST];
	struct conf_resource *failed[64];	/* resources whose set-up failed */
	int nfailed;
};

/* An argument vector being built (arguments live in the conf arena). */
struct adm_argv {
	const char *v[64];
	int n;
};

void adm_arg(struct adm *a, struct adm_argv *av, const char *s);
void adm_argf(struct adm *a, struct adm_argv *av, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends the backend options the running command accepts. */
void adm_backend_opts(struct adm *a, struct adm_argv *av);
/* "--name=value" for each option of the list. */
void adm_opts(struct adm *a, struct adm_argv *av, const struct conf_opts *o);
/* Prints (dry run / verbose) and runs; the child's exit code, with
 * "Command '...' terminated with exit code N" on stderr from 10 up. */
int adm_run(struct adm *a, struct adm_argv *av, bool quiet);
/* The device drbdmeta works on: the backing disk for internal meta data. */
const char *adm_meta_dev(const struct conf_volume *v);
/* drbdmeta MINOR v09 DEV IDX [--node-id=N] CMD [ARG], not run. */
struct adm_argv adm_drbdmeta_argv(struct adm *a, const struct adm_ctx *x, const char *cmd,
				  const char *arg, const char *node_id);
/* The same with the backend options, run. */
int adm_drbdmeta(struct adm *a, const struct adm_ctx *x, const char *cmd,
		 const char *arg, const char *node_id);

void adm_schedule(struct adm *a, enum adm_stage st, const char *name,
		  int (*fn)(struct adm *, const struct adm_ctx *), const struct adm_ctx *x);
/* Runs the stages; 1 after a stage in which a command failed. */
int adm_run_deferred(struct adm *a);

/* drbdadm HANDLER RES: runs the handler the configuration names
 * (cmd/drbdadm_khelper.c). */
int adm_khelper(struct adm *a, const struct adm_ctx *x);

/* Steps of up/adjust (cmd/drbdadm_cmds.c): drbdsetup calls for x. */
struct adm_argv adm_setup(struct adm *a, const char *cmd);
int adm_new_minor(struct adm *a, const struct adm_ctx *x);
int adm_new_peer(struct adm *a, const struct adm_ctx *x);
int adm_new_path(struct adm *a, const struct adm_ctx *x);	/* every path of x->k */
int adm_connect(struct adm *a, const struct adm_ctx *x);
int adm_attach(struct adm *a, const struct adm_ctx *x);		/* apply-al first */
int adm_pd_defaults(struct adm *a, const struct adm_ctx *x);	/* --set-defaults ... */
/* The drbdsetup address ("ipv4:1.2.3.4:7789") of a configured address. */
const char *adm_addr_arg(struct adm *a, const struct conf_addr *ad);

/* adjust of a running resource: schedules what differs between the
 * configuration and the show text (cmd/drbdadm_adjust.c). */
int adm_adjust_running(struct adm *a, const struct adm_ctx *x, const char *show);

/* The command table (cmd/drbdadm_cmds.c), NULL-name terminated. */
extern const struct adm_cmd adm_cmds[];
const struct adm_cmd *adm_find_cmd(const char *name);
/* Runs cmd on x, iterating volumes/connections as the command wants. */
int adm_call(struct adm *a, const struct adm_cmd *cmd, const struct adm_ctx *x);

#endif
