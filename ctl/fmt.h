/* Text of `drbdsetup status`, `events2` and `show` (drbd-utils 9.22, byte
 * for byte, non-tty, no colours) from ctl/view.h snapshots.
 *
 * The formatters only append to a strbuf; they never fail except for memory
 * (strbuf_failed()). Where drbdsetup prints a message on stderr and exits
 * with a code, the function returns -ENOENT and the caller does that part
 * (status/show of an unknown resource: "<name>: No such resource", exit 10). */
#ifndef UDRBD_CTL_FMT_H
#define UDRBD_CTL_FMT_H

#include "ctl/strbuf.h"
#include "ctl/view.h"

/* ---- status ---- */

struct ctl_status_opts {
	int verbose;		/* number of --verbose */
	bool statistics;	/* --statistics */
	bool json;		/* --json (ignores verbose/statistics) */
	bool tty;		/* stdout is a terminal (hides client:) */
	int columns;		/* wrap width, 0 = 80 as for a non-tty */
};

/* All resources (name == NULL or "all") or the one named; resources print
 * sorted by name, connections by name, volumes by number. */
int ctl_fmt_status(struct strbuf *out, const struct ctl_resource *const *res,
		   size_t n, const char *name, const struct ctl_status_opts *o);

/* ---- show ---- */

struct ctl_show_opts {
	bool json;		/* --json */
	bool show_defaults;	/* --show-defaults */
};

int ctl_fmt_show(struct strbuf *out, const struct ctl_resource *const *res,
		 size_t n, const char *name, const struct ctl_show_opts *o);

/* ---- events2 ---- */

struct ctl_ev2_opts {
	bool statistics;	/* --statistics */
	bool full;		/* --full */
};

/* Broken-down local time of an event, for the --timestamps prefix. */
struct ctl_ev2_time {
	int year, mon, mday, hour, min, sec;	/* mon 1..12 */
	long usec;
	long gmtoff;		/* seconds east of UTC */
};

#define CTL_EV2_TS_LEN 48

/* "YYYY-MM-DDTHH:MM:SS.uuuuuu+HH:MM " (drbd-metadata-resync.md §8.2). */
void ctl_ev2_timestamp(char out[CTL_EV2_TS_LEN], const struct ctl_ev2_time *t);

/* The lines drbdsetup prints for one resource after one update, each
 * starting with prefix ("" or a timestamp):
 *  - old == NULL: every object, as `action` ("exists" in the initial dump,
 *    "create" afterwards);
 *  - old and new: "change" lines for what changed, "create" for new
 *    objects, "destroy" for vanished ones;
 *  - new == NULL: the resource went away ("destroy" lines).
 * Objects print in array order (see ctl_ev2_reorder()). */
void ctl_ev2_changes(struct strbuf *out, const char *prefix,
		     const char *action, const struct ctl_resource *old,
		     const struct ctl_resource *new,
		     const struct ctl_ev2_opts *o);

/* End of the initial dump: "exists -". */
void ctl_ev2_exists_done(struct strbuf *out, const char *prefix);

void ctl_ev2_rename(struct strbuf *out, const char *prefix,
		    const char *name, const char *new_name);

/* A handler invocation ("call helper ...") or its result ("response helper
 * ... status:N"). Context fields are optional: peer_node_id < 0, conn_name
 * NULL, path NULL, volume/minor < 0 leave them out. */
struct ctl_ev2_helper {
	const char *resource;
	int peer_node_id;
	const char *conn_name;
	const struct ctl_path *path;
	int volume, minor;
	const char *helper;
	bool response;
	unsigned status;
};

void ctl_ev2_helper(struct strbuf *out, const char *prefix,
		    const struct ctl_ev2_helper *h);

/* drbdsetup keeps each resource's objects in linked lists it prepends to and
 * whose order it reverses whenever it copies the resource for an update;
 * that order is the order of the lines. To reproduce it, an events2 session
 * keeps the snapshot it printed last (in display order) and passes each new
 * snapshot through this before ctl_ev2_changes(): objects known in `prev`
 * come in the reverse of their order there, new ones first, in the reverse
 * of their order in `snap`. prev == NULL is the initial dump. `snap` is
 * reordered in place. */
void ctl_ev2_reorder(struct ctl_resource *snap, const struct ctl_resource *prev);

#endif
