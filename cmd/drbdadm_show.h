/* drbdadm: the running configuration of a resource, read from the output
 * of `drbdsetup show RES` (cmd/drbdadm_show.c), for adjust to compare with
 * drbd.conf. Names and values are kept as drbdsetup printed them. */
#ifndef UDRBD_CMD_DRBDADM_SHOW_H
#define UDRBD_CMD_DRBDADM_SHOW_H

#include <stdbool.h>

#define RUN_MAX_OPTS 48
#define RUN_MAX_VOLS 32
#define RUN_MAX_CONNS 32	/* the struct is large: allocate it */
#define RUN_MAX_PATHS 8
#define RUN_STR 256

struct run_opt {
	char name[64];
	char value[RUN_STR];
};

struct run_opts {
	int n;
	struct run_opt o[RUN_MAX_OPTS];
};

struct run_volume {
	int vnr, minor;
	bool has_disk;
	char disk[RUN_STR];
	struct run_opts disk_opts;
};

struct run_pd {
	int vnr;
	struct run_opts opts;
};

struct run_conn {
	int peer_node_id;
	bool standalone;
	int npaths;
	char local[RUN_MAX_PATHS][RUN_STR], remote[RUN_MAX_PATHS][RUN_STR];
	struct run_opts net;
	int npds;
	struct run_pd pds[RUN_MAX_VOLS];
};

struct run_res {
	struct run_opts res_opts;
	int nvols, nconns;
	struct run_volume vols[RUN_MAX_VOLS];
	struct run_conn conns[RUN_MAX_CONNS];
};

/* Parses the show text of one resource into *r; -1 on text it does not
 * understand (then adjust does nothing rather than something wrong). */
int run_parse_show(const char *text, struct run_res *r);

struct run_volume *run_volume(struct run_res *r, int vnr);
struct run_conn *run_conn(struct run_res *r, int peer_node_id);
struct run_pd *run_pd(struct run_conn *c, int vnr);

#endif
