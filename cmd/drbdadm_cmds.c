/* drbdadm: the commands, each building the drbdsetup/drbdmeta calls that
 * drbd-utils' drbdadm makes for it (argument order and option order are
 * part of the interface: scripts and tests compare them). */
#include "cmd/drbdadm.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plat/plat.h"

struct adm_argv adm_setup(struct adm *a, const char *cmd)
{
	struct adm_argv av = { 0 };

	adm_arg(a, &av, a->drbdsetup);
	adm_arg(a, &av, cmd);
	return av;
}

static int new_resource(struct adm *a, const struct adm_ctx *x)
{
	struct adm_argv av = adm_setup(a, "new-resource");

	adm_arg(a, &av, x->r->name);
	adm_arg(a, &av, x->r->me->node_id);
	adm_opts(a, &av, &x->r->res_opts);
	return adm_run(a, &av, false);
}

int adm_new_minor(struct adm *a, const struct adm_ctx *x)
{
	struct adm_argv av = adm_setup(a, "new-minor");

	adm_arg(a, &av, x->r->name);
	adm_argf(a, &av, "%d", x->v->minor);
	adm_argf(a, &av, "%d", x->v->vnr);
	if (!x->v->disk)
		adm_arg(a, &av, "--diskless");
	return adm_run(a, &av, false);
}

int adm_new_peer(struct adm *a, const struct adm_ctx *x)
{
	struct adm_argv av = adm_setup(a, "new-peer");

	adm_arg(a, &av, x->r->name);
	adm_arg(a, &av, x->k->peer->node_id);
	adm_opts(a, &av, &x->k->net_opts);
	return adm_run(a, &av, false);
}

const char *adm_addr_arg(struct adm *a, const struct conf_addr *ad)
{
	return conf_printf(a->c, strcmp(ad->af, "ipv6") ? "%s:%s:%s" : "%s:[%s]:%s",
			   ad->af, ad->addr, ad->port);
}

int adm_new_path(struct adm *a, const struct adm_ctx *x)
{
	struct conf_path *p;
	int r, worst = 0;

	conf_for_each(p, x->k->paths) {
		struct adm_argv av = adm_setup(a, "new-path");

		if (!p->my_addr || !p->peer_addr)
			continue;
		adm_arg(a, &av, x->r->name);
		adm_arg(a, &av, x->k->peer->node_id);
		adm_arg(a, &av, adm_addr_arg(a, p->my_addr));
		adm_arg(a, &av, adm_addr_arg(a, p->peer_addr));
		r = adm_run(a, &av, false);
		if (r > worst)
			worst = r;
	}
	return worst;
}

static int pd_options(struct adm *a, const struct adm_ctx *x, bool reset)
{
	struct adm_argv av = adm_setup(a, "peer-device-options");
	struct conf_peer_device *pd = conf_peer_device(x->k, x->v->vnr);

	adm_arg(a, &av, x->r->name);
	adm_arg(a, &av, x->k->peer->node_id);
	adm_argf(a, &av, "%d", x->v->vnr);
	if (reset)
		adm_arg(a, &av, "--set-defaults");
	if (pd)
		adm_opts(a, &av, &pd->pd_opts);
	return adm_run(a, &av, false);
}

static int peer_device_options(struct adm *a, const struct adm_ctx *x)
{
	return pd_options(a, x, false);
}

/* adjust sets peer-device options from the defaults up, so options
 * removed from the configuration go back to their defaults. */
int adm_pd_defaults(struct adm *a, const struct adm_ctx *x)
{
	return pd_options(a, x, true);
}

static int apply_al(struct adm *a, const struct adm_ctx *x)
{
	return adm_drbdmeta(a, x, "apply-al", NULL, NULL);
}

/* plat/winpath.c: 1 for a Windows device name, 0 for a file. */
int plat_win32_devpath(const char *in, char *out, size_t len);

/* Windows mounts any file system it finds on a volume, behind udrbd's
 * back: a backing disk given by its Windows device name gets its file
 * system hidden before attach, as WinDRBD's drbdadm does in before_attach
 * (windrbd-facts.md §1.3). udrbd's exit codes 2 (already hidden) and 3
 * (no known file system) leave nothing to do (cmd/udrbd_fs.c). */
static int hide_filesystem(struct adm *a, const struct adm_ctx *x)
{
	struct adm_argv av = { 0 };
	char dev[512];
	int r;

	if (plat_win32_devpath(x->v->disk, dev, sizeof(dev)) != 1)
		return 0;
	adm_arg(a, &av, "udrbd");
	adm_arg(a, &av, "hide-filesystem");
	adm_arg(a, &av, "-q");
	adm_arg(a, &av, x->v->disk);
	r = adm_run(a, &av, false);
	return r == 2 || r == 3 ? 0 : r;
}

int adm_attach(struct adm *a, const struct adm_ctx *x)
{
	struct adm_argv av = adm_setup(a, "attach");
	const struct conf_volume *v = x->v;
	int r = hide_filesystem(a, x);

	if (!r)
		r = apply_al(a, x);
	if (r)
		return r;
	adm_argf(a, &av, "%d", v->minor);
	adm_arg(a, &av, v->disk);
	adm_arg(a, &av, strcmp(v->meta_disk, "internal") ? v->meta_disk : v->disk);
	adm_arg(a, &av, v->meta_index);
	adm_opts(a, &av, &v->disk_opts);
	adm_backend_opts(a, &av);
	return adm_run(a, &av, false);
}

int adm_connect(struct adm *a, const struct adm_ctx *x)
{
	struct adm_argv av = adm_setup(a, "connect");

	adm_arg(a, &av, x->r->name);
	adm_arg(a, &av, x->k->peer->node_id);
	adm_backend_opts(a, &av);
	return adm_run(a, &av, false);
}

/* up walks the connection's peer devices; adjust walks our volumes (the
 * order of their peer-device-options calls differs when a connection
 * names its volumes out of order). */
static void schedule_pd_options(struct adm *a, struct adm_ctx *t, bool adjust)
{
	struct conf_peer_device *pd;
	struct conf_volume *v;

	if (adjust) {
		conf_for_each(v, t->r->me->volumes.head) {
			pd = conf_peer_device(t->k, v->vnr);
			if (!pd || !pd->pd_opts.head)
				continue;
			t->v = v;
			adm_schedule(a, ADM_ST_PEER_DEVICE, "peer-device-options",
				     adm_pd_defaults, t);
		}
		return;
	}
	conf_for_each(pd, t->k->pds) {
		if (!pd->pd_opts.head)
			continue;
		t->v = conf_volume(&t->k->peer->volumes, pd->vnr);
		if (t->v)
			adm_schedule(a, ADM_ST_PEER_DEVICE, "peer-device-options",
				     peer_device_options, t);
	}
}

static int up_or_adjust(struct adm *a, const struct adm_ctx *x, bool adjust)
{
	struct adm_ctx t = *x;
	struct conf_connection *k;
	struct conf_volume *v;

	adm_schedule(a, ADM_ST_PREREQ, "new-resource", new_resource, x);
	conf_for_each(k, x->r->conns) {
		if (k->ignore || !k->peer)
			continue;
		t.k = k;
		adm_schedule(a, ADM_ST_NET_PREP_UP, "new-peer", adm_new_peer, &t);
		adm_schedule(a, ADM_ST_NET_PATH, "new-path", adm_new_path, &t);
		adm_schedule(a, ADM_ST_NET_CONNECT, "connect", adm_connect, &t);
		schedule_pd_options(a, &t, adjust);
	}
	t.k = NULL;
	conf_for_each(v, x->r->me->volumes.head) {
		t.v = v;
		adm_schedule(a, ADM_ST_DISK_PREP_UP, "new-minor", adm_new_minor, &t);
		if (v->disk)
			adm_schedule(a, ADM_ST_DISK, "attach", adm_attach, &t);
	}
	return 0;
}

static int up(struct adm *a, const struct adm_ctx *x)
{
	return up_or_adjust(a, x, false);
}

/* What the running resource looks like: drbdsetup show, run even in a
 * dry run (drbdadm does so too, silently). NULL: not up. */
static char *running_show(struct adm *a, const struct adm_ctx *x)
{
	struct adm_argv av = adm_setup(a, "show");
	size_t len;
	char *out;
	int code;

	adm_arg(a, &av, x->r->name);
	if (plat_spawn_capture((char *const *)av.v, &out, &len, &code))
		return NULL;
	if (!code && strstr(out, "resource"))
		return out;
	free(out);
	return NULL;
}

/* A resource that is not up yet is brought up, with option resets; a
 * running one gets only what differs (cmd/drbdadm_adjust.c). */
static int adjust(struct adm *a, const struct adm_ctx *x)
{
	char *show = running_show(a, x);
	int r;

	if (!show)
		return up_or_adjust(a, x, true);
	r = adm_adjust_running(a, x, show);
	free(show);
	return r;
}

/* drbdsetup CMD [RES] [PEER] [MINOR|VNR] [backend options] */
static int plain(struct adm *a, const struct adm_ctx *x, bool res, bool quiet)
{
	struct adm_argv av = adm_setup(a, a->cmd->name);

	if (res)
		adm_arg(a, &av, x->r->name);
	if (x->k)
		adm_arg(a, &av, x->k->peer->node_id);
	if (x->v)
		adm_argf(a, &av, "%d", x->k ? x->v->vnr : x->v->minor);
	adm_backend_opts(a, &av);
	return adm_run(a, &av, quiet);
}

static int setup_res(struct adm *a, const struct adm_ctx *x)
{
	return plain(a, x, true, false);
}

static int setup_minor(struct adm *a, const struct adm_ctx *x)
{
	return plain(a, x, false, false);
}

static int meta_cmd(struct adm *a, const struct adm_ctx *x)
{
	return adm_drbdmeta(a, x, a->cmd->name, NULL, NULL);
}

/* Ask the running resource first; fall back to the meta data on disk
 * when it is not up (drbdsetup fails) -- and in a dry run show both. */
static int setup_then_meta(struct adm *a, const struct adm_ctx *x, bool res)
{
	int r = plain(a, x, res, true);

	if (r == 11 || r == 17 || !x->v->disk)
		return r;
	if (r || a->dry_run)
		r = adm_drbdmeta(a, x, a->cmd->name, NULL, x->k ? x->k->peer->node_id : NULL);
	return r;
}

static int gi(struct adm *a, const struct adm_ctx *x)
{
	return setup_then_meta(a, x, true);
}

static int dstate(struct adm *a, const struct adm_ctx *x)
{
	return setup_then_meta(a, x, false);
}

/* drbd-utils' create-md asks drbdmeta for the device UUID first (with the
 * same backend options, its output only parsed, failures silent), to keep
 * it across the new meta data; in a dry run nothing is run. */
static uint64_t read_dev_uuid(struct adm *a, const struct adm_ctx *x)
{
	struct adm_argv av = adm_drbdmeta_argv(a, x, "read-dev-uuid", NULL, NULL);
	uint64_t uuid = 0;
	char *out = NULL;
	size_t len;
	int code;

	if (a->dry_run)
		return 0;
	adm_backend_opts(a, &av);
	if (!plat_spawn_capture((char *const *)av.v, &out, &len, &code))
		uuid = strtoull(out, NULL, 16);
	free(out);
	return uuid;
}

/* ... and writes it back (or a random one) after a successful create-md,
 * with no backend options; its failure is reported, never returned.
 * drbd-utils exits 20 before this step when the disk is not a block device
 * (its size ioctl fails); we go on, and a regular file needs --force, which
 * create-md on it had too. */
static void write_dev_uuid(struct adm *a, const struct adm_ctx *x, uint64_t uuid)
{
	struct plat_bdev *b;
	struct adm_argv av;
	bool file = false;

	if (!uuid && plat_random_bytes(&uuid, sizeof(uuid)))
		return;
	av = adm_drbdmeta_argv(a, x, "write-dev-uuid",
			       conf_printf(a->c, "%016" PRIX64, uuid), NULL);
	if (!plat_bdev_open(adm_meta_dev(x->v), 0, &b)) {
		file = !plat_bdev_is_blockdev(b);
		plat_bdev_close(b);
	}
	if (file)
		adm_arg(a, &av, "--force");
	adm_run(a, &av, false);
}

static int create_md(struct adm *a, const struct adm_ctx *x)
{
	const char *pfx = "--max-peers=", *max = NULL;
	struct conf_connection *k;
	struct conf_volume *v;
	int i, r, peers = 0;
	uint64_t uuid;
	bool diskful;

	for (i = 0; i < a->nbackend; i++)
		if (!strncmp(a->backend[i], pfx, strlen(pfx)))
			max = a->backend[i] + strlen(pfx);
	if (!max) {
		/* One bitmap slot per peer that has a disk anywhere. */
		conf_for_each(k, x->r->conns) {
			if (k->ignore || !k->peer)
				continue;
			diskful = false;
			conf_for_each(v, k->peer->volumes.head)
				diskful |= v->disk != NULL;
			peers += diskful;
		}
		max = conf_printf(a->c, "%d", peers ? peers : 1);
	}
	uuid = read_dev_uuid(a, x);
	r = adm_drbdmeta(a, x, "create-md", max, NULL);
	if (!r && !a->dry_run)
		write_dev_uuid(a, x, uuid);
	return r;
}

static int sh_print(struct adm *a, const struct adm_ctx *x)
{
	const struct conf_volume *v = x->v;
	const char *n = a->cmd->name;

	if (!strcmp(n, "sh-dev"))
		printf("%s\n", v->device);
	else if (!strcmp(n, "sh-ll-dev"))
		printf("%s\n", v->disk ? v->disk : "none");
	else if (!strcmp(n, "sh-md-dev"))
		printf("%s\n", !v->meta_disk ? "(null)" :
		       strcmp(v->meta_disk, "internal") ? v->meta_disk : v->disk);
	else if (!strcmp(n, "sh-md-idx"))
		printf("%s\n", v->meta_index ? v->meta_index : "(null)");
	else
		printf("%d\n", v->minor);
	return 0;
}

static int sh_resources(struct adm *a, const struct adm_ctx *x)
{
	struct conf_resource *r;

	(void)x;
	conf_for_each(r, a->c->resources)
		if (!r->ignore)
			printf("%s\n", r->name);
	return 0;
}

static int sh_nop(struct adm *a, const struct adm_ctx *x)
{
	(void)a;
	(void)x;
	return 0;
}

static int dump(struct adm *a, const struct adm_ctx *x)
{
	conf_dump_resource(a->c, x->r, stdout);
	return 0;
}

/* drbdsetup wait-{connect,sync}-{resource,connection,volume}, by what the
 * argument named (RES, RES:PEER, RES:PEER/VNR), with the startup options
 * drbdsetup takes (become-primary-on and stacked-timeouts are drbdadm's). */
static int wait_cmd(struct adm *a, const struct adm_ctx *x)
{
	static const char *const passed[] = { "wfc-timeout", "degr-wfc-timeout",
		"outdated-wfc-timeout", "wait-after-sb", NULL };
	const char *kind = x->k ? x->v ? "volume" : "connection" : "resource";
	struct adm_argv av = adm_setup(a, conf_printf(a->c, "%s-%s", a->cmd->name, kind));
	const char *const *p;
	struct conf_opt *o;

	adm_arg(a, &av, x->r->name);
	if (x->k)
		adm_arg(a, &av, x->k->peer->node_id);
	if (x->k && x->v)
		adm_argf(a, &av, "%d", x->v->vnr);
	conf_for_each(o, x->r->startup_opts.head)
		for (p = passed; *p; p++)
			if (!strcmp(*p, o->name))
				adm_argf(a, &av, "--%s=%s", o->name, o->value);
	return adm_run(a, &av, false);
}

/* resize, then check-resize (drbdsetup keeps the last known size for
 * drbdmeta's check-resize; udrbd's answers without keeping one). */
static int resize(struct adm *a, const struct adm_ctx *x)
{
	struct adm_argv av = adm_setup(a, "check-resize");
	int r = setup_minor(a, x);

	if (r)
		return r;
	adm_argf(a, &av, "%d", x->v->minor);
	return adm_run(a, &av, false);
}

/* The engine forgets the peer in the meta data of every attached volume;
 * the meta data on disk when the resource is not up (and in a dry run). */
static int forget_peer(struct adm *a, const struct adm_ctx *x)
{
	struct adm_argv av = adm_setup(a, "forget-peer");
	struct adm_ctx t = *x;
	struct conf_volume *v;
	int r, worst = 0;

	adm_arg(a, &av, x->r->name);
	adm_arg(a, &av, x->k->peer->node_id);
	r = adm_run(a, &av, !a->dry_run);
	if (!r && !a->dry_run)
		return 0;
	conf_for_each(v, x->r->me->volumes.head) {
		if (!v->disk)
			continue;
		t.v = v;
		r = adm_drbdmeta(a, &t, "forget-peer", NULL, x->k->peer->node_id);
		if (r > worst)
			worst = r;
	}
	return worst;
}

static int dump_xml(struct adm *a, const struct adm_ctx *x)
{
	conf_dump_xml_resource(a->c, x->r, 0, stdout);
	return 0;
}

static const char *const t_force[] = { "force", NULL };
static const char *const t_detach[] = { "force", "diskless", NULL };
static const char *const t_connect[] = { "tentative", "discard-my-data", NULL };
static const char *const t_create_md[] = { "peer-max-bio-size", "al-stripes",
	"al-stripe-size-kB", "force", NULL };
static const char *const t_attach[] = { "size", NULL };
static const char *const t_resize[] = { "size", "assume-peer-has-space", "assume-clean",
	"al-stripes", "al-stripe-size-kB", NULL };

/* What DRBD's usermode helper is called with (core/handler.h). */
#define HANDLER(n) { n, adm_khelper, ADM_RES, .hidden = true, \
		     .help = "run the " n " handler of the configuration" }

const struct adm_cmd adm_cmds[] = {
	{ "up", up, ADM_RES, .verify_ips = true, .help = "bring the resource up: objects, disks, connections" },
	{ "adjust", adjust, ADM_RES, .verify_ips = true, .help = "make the running resource match the configuration "
	  "(a resource that is not up is brought up)" },
	{ "down", setup_res, ADM_RES, .help = "take the resource down" },
	{ "primary", setup_res, ADM_RES, .takes = t_force, .help = "promote (--force: "
	  "even with Inconsistent/Outdated data)" },
	{ "secondary", setup_res, ADM_RES, .takes = t_force, .help = "demote" },
	{ "attach", adm_attach, ADM_VOLS, .disk_required = true, .takes = t_attach,
	  .help = "attach the backing disks" },
	{ "detach", setup_minor, ADM_VOLS, .disk_required = true, .takes = t_detach, .help = "detach the backing disks" },
	{ "connect", adm_connect, ADM_CONNS, .verify_ips = true, .takes = t_connect, .help = "connect to the peers" },
	{ "disconnect", setup_res, ADM_CONNS, .takes = t_force, .help = "disconnect from the peers" },
	{ "create-md", create_md, ADM_VOLS, .disk_required = true, .takes = t_create_md,
	  .help = "initialize meta data (--max-peers=N; default: the diskful peers)" },
	{ "dump-md", meta_cmd, ADM_VOLS, .disk_required = true, .takes = t_force,
	  .help = "print the meta data" },
	{ "apply-al", meta_cmd, ADM_VOLS, .disk_required = true, .takes = t_force,
	  .help = "apply the activity log to the bitmap" },
	{ "get-gi", gi, ADM_VOLS_CONNS, .disk_required = true, .help = "data generation identifiers" },
	{ "show-gi", gi, ADM_VOLS_CONNS, .disk_required = true,
	  .help = "data generation identifiers, explained" },
	{ "dstate", dstate, ADM_VOLS, .help = "disk states" },
	{ "role", setup_res, ADM_RES, .help = "role of the resource" },
	{ "cstate", setup_res, ADM_CONNS, .help = "connection states" },
	{ "status", setup_res, ADM_RES, .help = "status of the resource" },
	{ "invalidate", setup_minor, ADM_VOLS, .help = "resync all data from a peer" },
	{ "invalidate-remote", setup_res, ADM_VOLS_CONNS, .help = "resync all data to the peer" },
	{ "outdate", setup_minor, ADM_VOLS, .help = "mark the data outdated" },
	{ "verify", setup_res, ADM_VOLS_CONNS, .help = "online verify against the peer" },
	{ "pause-sync", setup_res, ADM_VOLS_CONNS, .help = "pause resynchronization" },
	{ "resume-sync", setup_res, ADM_VOLS_CONNS, .help = "resume resynchronization" },
	{ "new-current-uuid", setup_minor, ADM_VOLS, .help = "start a new data generation" },
	{ "resize", resize, ADM_VOLS, .takes = t_resize,
	  .help = "change the size to what the disks hold (--size=...)" },
	{ "suspend-io", setup_minor, ADM_VOLS, .help = "hold new I/O until resume-io" },
	{ "resume-io", setup_minor, ADM_VOLS, .help = "let held I/O go on" },
	{ "forget-peer", forget_peer, ADM_CONNS,
	  .help = "free the bitmap slot of a removed peer (del-peer first)" },
	{ "sh-dev", sh_print, ADM_VOLS, .help = "print the DRBD device of each volume" },
	{ "sh-ll-dev", sh_print, ADM_VOLS, .help = "print the backing device" },
	{ "sh-md-dev", sh_print, ADM_VOLS, .disk_required = true, .help = "print the meta-data device" },
	{ "sh-md-idx", sh_print, ADM_VOLS, .help = "print the meta-data index" },
	{ "sh-minor", sh_print, ADM_VOLS, .help = "print the minor number" },
	{ "sh-resources", sh_resources, ADM_RES, .no_res = true,
	  .help = "print the resources of this host" },
	{ "sh-nop", sh_nop, ADM_RES, .no_res = true, .help = "parse and check the configuration" },
	{ "dump", dump, ADM_RES, .verify_ips = true, .help = "print the configuration as parsed" },
	{ "wait-connect", wait_cmd, ADM_RES, .verify_ips = true,
	  .help = "wait until the peers are connected (startup { wfc-timeout ... })" },
	{ "wait-sync", wait_cmd, ADM_RES, .verify_ips = true,
	  .help = "wait until the resync with the peers is done" },
	{ "dump-xml", dump_xml, ADM_RES, .verify_ips = true,
	  .help = "print the configuration as parsed, in XML" },
	HANDLER("pri-on-incon-degr"),
	HANDLER("pri-lost-after-sb"),
	HANDLER("pri-lost"),
	HANDLER("initial-split-brain"),
	HANDLER("split-brain"),
	HANDLER("fence-peer"),
	HANDLER("unfence-peer"),
	HANDLER("local-io-error"),
	HANDLER("before-resync-target"),
	HANDLER("after-resync-target"),
	HANDLER("before-resync-source"),
	HANDLER("out-of-sync"),
	HANDLER("quorum-lost"),
	HANDLER("disconnected"),
	{ NULL, NULL, 0, .help = NULL },
};

const struct adm_cmd *adm_find_cmd(const char *name)
{
	const struct adm_cmd *c;

	for (c = adm_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
