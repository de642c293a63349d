/* conf: the drbd.conf model (DRBD 9 grammar, drbd-metadata-resync.md §8.5).
 *
 * conf_load() reads a file (and its includes), builds this tree, checks it
 * and binds every resource to this host. Lists keep the order of the file;
 * option lists keep drbd-utils' order rules (inherited options are put in
 * front, one by one, so they come out reversed), because drbdadm passes
 * options to drbdsetup in list order and we print the same command lines.
 *
 * Everything is allocated from the conf's arena and freed by conf_free().
 */
#ifndef UDRBD_CONF_MODEL_H
#define UDRBD_CONF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* drbdadm's exit codes (drbd-metadata-resync.md §8.4). */
enum {
	CONF_E_USAGE = 1,
	CONF_E_SYNTAX = 2,
	CONF_E_CONFIG_INVALID = 10,
	CONF_E_EXEC = 20,
	CONF_E_NOMEM = 30,
	CONF_E_THINKO = 42,
};

struct conf_opt {
	const char *name;
	const char *value;	/* a bare boolean reads "yes"/"no"; NULL only in
				 * conf_stacked_timeouts */
	bool inherited;
	struct conf_opt *next;
};

struct conf_opts {
	struct conf_opt *head, *tail;
};

struct conf_name {
	const char *name;
	struct conf_name *next;
};

struct conf_names {
	struct conf_name *head, *tail;
};

struct conf_addr {
	const char *af;		/* ipv4, ipv6, ssocks, sdp; NULL: none */
	const char *addr;	/* ipv6 without brackets */
	const char *port;
};

struct conf_volume {
	int vnr;
	const char *device;	/* "/dev/drbdN", "/dev/drbd_x", Windows "K:" */
	int minor;		/* -1: not given */
	const char *disk;	/* NULL: diskless ("none") */
	const char *meta_disk;	/* "internal" or a path */
	const char *meta_index;	/* "internal", "flexible" or an index */
	bool implicit;		/* volume 0 from statements outside volume {} */
	bool parsed_device, parsed_disk, parsed_meta_disk;
	struct conf_opts disk_opts, pd_opts;
	const char *file;
	int device_line, disk_line;
	struct conf_volume *next;
};

struct conf_volumes {
	struct conf_volume *head, *tail;
};

struct conf_host {
	struct conf_names on_hosts;	/* floating: the address as a name */
	const char *node_id;
	struct conf_addr addr;
	bool by_address;		/* floating */
	bool implicit;
	bool used_as_me;
	struct conf_opts res_opts;
	struct conf_volumes volumes;
	int line;
	struct conf_host *next;
};

/* One "host NAME [address ...|port P];" of a connection or path. */
struct conf_ha {
	const char *name;
	struct conf_addr addr;
	struct conf_host *host;
	bool by_address, parsed_address, parsed_port, used_as_me;
	int line;
	struct conf_ha *next;
};

struct conf_path {
	struct conf_ha *has, *has_tail;
	bool implicit;
	const struct conf_addr *my_addr, *peer_addr;
	int line;
	struct conf_path *next;
};

struct conf_peer_device {
	int vnr;
	struct conf_opts pd_opts;
	bool implicit;
	int line;
	struct conf_peer_device *next;
};

struct conf_connection {
	const char *name;
	struct conf_path *paths, *paths_tail;
	struct conf_opts net_opts, pd_opts;
	struct conf_peer_device *pds, *pds_tail;
	struct conf_host *peer;
	bool implicit, ignore;
	int line;
	struct conf_connection *next;
};

struct conf_mesh {
	struct conf_names hosts;
	struct conf_opts net_opts;
	struct conf_mesh *next;
};

struct conf_resource {
	const char *name;
	const char *file;
	int line;
	struct conf_volumes volumes;
	struct conf_host *hosts, *hosts_tail;
	struct conf_connection *conns, *conns_tail;
	struct conf_mesh *meshes, *meshes_tail;
	struct conf_opts net_opts, disk_opts, pd_opts, res_opts;
	struct conf_opts startup_opts, handlers;
	/* startup { stacked-timeouts; }: dumped at the end of startup. */
	bool stacked_timeouts;
	struct conf_resource *tmpl;	/* template-file's common section */
	const char *tmpl_file;
	struct conf_host *me;
	bool ignore;			/* no host section for this host */
	bool peers_set;
	struct conf_resource *next;
};

enum conf_usage_count { CONF_UC_ASK, CONF_UC_YES, CONF_UC_NO };

struct conf_global {
	enum conf_usage_count usage_count;
	bool disable_ip_verification;
	bool udev_always_use_vnr;
	int minor_count;
	int dialog_refresh;		/* 1 unless set */
};

struct conf_arena;

struct conf {
	struct conf_arena *arena;
	const char *file;		/* canonical path of the main file */
	const char *hostname;
	struct conf_global global;
	struct conf_resource *common;
	struct conf_resource *resources, *resources_tail;
	/* Set by the parser: false after any configuration error. */
	bool valid;
	int nr_errors;
	/* Files already read (include loops, repeated globs). */
	struct conf_names seen;
	/* Uniqueness keys ("device-minor:HOST:N" ...) with file:line. */
	struct conf_uniq *uniq;
	/* Parser state for error messages. */
	const char *cur_file;
	bool windows;			/* device names are drive letters */
	/* Run from a script (no terminal): a dangling resync-after is
	 * dropped with a message instead of failing (drbdadm does so, so
	 * that cluster managers survive a deleted resource). */
	bool no_tty;
};

/* ---- loading (conf/parser.c) -------------------------------------------- */

/* Whether device names are Windows drive letters ("K:", WinDRBD) or
 * /dev/drbdN names; the default is this build's OS. Tests switch it to
 * check either grammar on either OS. */
void conf_set_windows(bool windows);

/* The configuration file used when -c is not given. */
const char *conf_default_path(void);

/* Reads and checks path (NULL: conf_default_path()) for host hostname.
 * Errors go to stderr as "file:line:column: text". Returns 0 with *out set,
 * or CONF_E_CONFIG_INVALID / CONF_E_NOMEM (*out is then NULL). The tree is
 * not yet expanded: conf_expand() does that (drbdadm dump skips it). */
int conf_load(const char *path, const char *hostname, struct conf **out);
/* Parses text as if it were the file named name (tests, fuzzing). */
int conf_load_string(const char *text, const char *name, const char *hostname,
		     struct conf **out);
void conf_free(struct conf *c);

/* Inheritance: common or template -> resource -> volumes/connections ->
 * peer devices, default device names (drbdadm's expansion step). */
void conf_expand(struct conf *c);
/* resync-after RES[/VNR] becomes the minor of that volume on this host
 * (an unknown resource is an error, or dropped with a message when run
 * from a script); drbdadm does it for every command but dump/dump-xml. */
void conf_resolve_resync_after(struct conf *c);
/* Peers of every connection, the implicit "_name" net option and
 * "bitmap no" towards diskless peers (what drbdadm does before it runs
 * commands that need peers). */
void conf_set_peers(struct conf *c, struct conf_resource *r);

struct conf_resource *conf_resource(struct conf *c, const char *name);
/* Whether addr is an address of this machine (it can be bound). */
bool conf_have_ip(const char *addr);
struct conf_volume *conf_volume(struct conf_volumes *vols, int vnr);

/* ---- dump (conf/dump.c) ------------------------------------------------- */

/* drbdadm dump: the header (global/common), then each resource. */
void conf_dump_header(struct conf *c, FILE *f);
void conf_dump_resource(struct conf *c, const struct conf_resource *r, FILE *f);
/* The bare "stacked-timeouts" option the dumps append to startup. */
extern const struct conf_opts conf_stacked_timeouts;

/* drbdadm dump-xml (conf/dump_xml.c): <config> with global and common,
 * the resources (indent 1 inside <config>, 0 when named alone), </config>. */
void conf_dump_xml_header(struct conf *c, FILE *f);
void conf_dump_xml_resource(struct conf *c, const struct conf_resource *r, int indent,
			    FILE *f);
void conf_dump_xml_footer(FILE *f);

/* ---- options (conf/options.c) ------------------------------------------- */

enum conf_section {
	CONF_SEC_DISK,		/* attach / disk-options */
	CONF_SEC_PEER_DEVICE,	/* peer-device-options (in disk {}) */
	CONF_SEC_NET,		/* new-peer / net-options */
	CONF_SEC_RES,		/* new-resource / resource-options */
	CONF_SEC_STARTUP,	/* drbdadm only */
	CONF_SEC_HANDLERS,	/* drbdadm only */
};

enum conf_kind { CONF_NUMERIC, CONF_BOOLEAN, CONF_ENUM, CONF_ENUM_NUM, CONF_STRING };

struct conf_optdef {
	const char *name;
	enum conf_section section;
	enum conf_kind kind;
	char scale;		/* numeric default unit: '1', 'k' (KiB), 's' (sectors) */
	long long min, max, def;
	bool clamp;		/* out of range is clamped, not refused */
	const char *unit;	/* for --help and docs */
	const char *const *enums;	/* NULL-terminated */
	unsigned max_len;	/* strings: refused at >= max_len */
	const char *cmd;	/* the drbdsetup command that takes it */
};

/* The definition of name ("no-" prefix stripped into *no_prefix) in sec. */
const struct conf_optdef *conf_optdef(enum conf_section sec, const char *name,
				      bool *no_prefix);
/* NULL if value fits def, else the reason ("too big", "not valid", ...). */
const char *conf_opt_check(const struct conf_optdef *def, const char *value);
/* Numbers with K/M/G/s suffixes, converted to def_unit ('1', 'k', 's'). */
int conf_strtoull(const char *s, char def_unit, unsigned long long *out);
/* Iterate the table (docs, --help): NULL at the end. */
const struct conf_optdef *conf_optdef_at(size_t i);

/* ---- list helpers (conf/model.c) ---------------------------------------- */

void *conf_zalloc(struct conf *c, size_t len);
const char *conf_strdup(struct conf *c, const char *s);
const char *conf_printf(struct conf *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct conf_opt *conf_opt_new(struct conf *c, const char *name, const char *value);
void conf_opts_tail(struct conf_opts *l, struct conf_opt *o);
void conf_opts_head(struct conf_opts *l, struct conf_opt *o);
void conf_opts_concat(struct conf_opts *l, struct conf_opts *more);
struct conf_opt *conf_opts_find(const struct conf_opts *l, const char *name);
bool conf_opts_del(struct conf_opts *l, const char *name);
void conf_names_add(struct conf *c, struct conf_names *l, const char *name);
bool conf_names_has(const struct conf_names *l, const char *name);
/* The names joined by sep ("a b", "a_b"). */
const char *conf_names_str(struct conf *c, const struct conf_names *l, char sep);
void conf_volumes_insert(struct conf_volumes *l, struct conf_volume *v);
struct conf_host *conf_host_by_name(struct conf_resource *r, const char *name);
struct conf_peer_device *conf_peer_device(struct conf_connection *k, int vnr);

/* Error at file:line (column 0: not known); marks the configuration invalid. */
void conf_error(struct conf *c, const char *file, int line, int col,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define conf_for_each(v, head) for ((v) = (head); (v); (v) = (v)->next)

#endif
