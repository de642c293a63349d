/* drbdsetup's configuration commands: resources, minors, disks, roles.
 *
 * Each command names the object it works on, as drbdsetup's command table
 * does: a minor, a resource, or nothing. The dispatcher below checks the
 * arguments, resolves that object (refusing unknown ones with the kernel's
 * 127/158 answers) and takes the state lock; a handler then calls one core/
 * operation and either fills the reply (REPLY) or returns an exit code. */
#include "ctl/cmd_config.h"
#include "ctl/errors.h"
#include "ctl/res_opts.h"
#include "core/forget_peer.h"
#include "core/resize.h"
#include "core/suspend.h"
#include "md/sb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLY (-1)	/* handler result: render the cmd_reply */

enum cmd_ctx { CTX_NONE, CTX_MINOR, CTX_RESOURCE };

struct target {
	struct device *dev;
	struct resource *res;
	const char *obj;	/* drbdsetup's prefix of messages */
	bool grown;		/* resize: a resync follows, without the lock */
};

struct config_cmd {
	const char *name;
	const struct opt_spec *opts;
	enum cmd_ctx ctx;
	const char *args[4];	/* names of the required positional arguments */
	int (*fn)(struct ctl_req *q, const struct args *a, struct target *t,
		  struct cmd_reply *r);
};

/* new-resource's options, or resource-options' (on top of what is set). */
static int resource_options(struct ctl_req *q, const struct args *a, struct target *t,
			    struct cmd_reply *r)
{
	const char *bad = NULL;
	bool fresh = !strcmp(q->argv[1], "new-resource");
	int err = ctl_res_opts_set(a->pos[0], a, fresh, &bad);

	(void)t;
	if (err == -EINVAL) {
		const char *v = args_value(a, bad);
		return ctl_bad_opt(q, bad, v ? v : "");
	}
	if (err) {
		cmd_reply_set(r, ERR_NOMEM, NULL);
		return REPLY;
	}
	engine_state_changed(q->eng);
	return 0;
}

static int new_resource(struct ctl_req *q, const struct args *a, struct target *t,
			struct cmd_reply *r)
{
	unsigned node_id;

	(void)t;
	if (!ctl_parse_uint(a->pos[1], DRBD_NODE_ID_MAX, &node_id)) {
		strbuf_printf(&q->err, "Invalid node id '%s' (expected 0..%d)\n", a->pos[1],
			      DRBD_NODE_ID_MAX);
		return 20;
	}
	/* The options first: a wrong one creates nothing. */
	if (!engine_find_resource(q->eng, a->pos[0])) {
		int rc = resource_options(q, a, t, r);
		if (rc)
			return rc;
	}
	resource_new(q->eng, a->pos[0], (int)node_id, r);
	return REPLY;
}

static int new_minor(struct ctl_req *q, const struct args *a, struct target *t,
		     struct cmd_reply *r)
{
	unsigned minor, vol;

	if (!ctl_parse_uint(a->pos[1], DRBD_MINOR_MAX, &minor) ||
	    !ctl_parse_uint(a->pos[2], DRBD_VOLUME_MAX, &vol)) {
		strbuf_printf(&q->err, "Invalid minor or volume number\n");
		return 20;
	}
	device_new(t->res, minor, vol, r);
	return REPLY;
}

static int del_minor(struct ctl_req *q, const struct args *a, struct target *t,
		     struct cmd_reply *r)
{
	(void)q; (void)a;
	device_del(t->dev, r);
	return REPLY;
}

static int del_resource(struct ctl_req *q, const struct args *a, struct target *t,
			struct cmd_reply *r)
{
	(void)t;
	resource_del(q->eng, a->pos[0], r);
	return REPLY;
}

static int parse_meta_index(struct ctl_req *q, const char *s, int *idx)
{
	char *end;
	long v;

	if (!strcmp(s, "internal")) {
		*idx = MD_IDX_FLEX_INT;
		return 0;
	}
	if (!strcmp(s, "flexible")) {
		*idx = MD_IDX_FLEX_EXT;
		return 0;
	}
	v = strtol(s, &end, 10);
	if (*end || v < 0 || v > 255) {
		strbuf_printf(&q->err, "Invalid meta-data index '%s'\n", s);
		return 20;
	}
	*idx = (int)v;
	return 0;
}

static int attach(struct ctl_req *q, const struct args *a, struct target *t,
		  struct cmd_reply *r)
{
	struct attach_args at;
	int rc;

	at.backing = a->pos[1];
	at.meta = a->pos[2];
	at.conf = t->dev->conf;
	rc = parse_meta_index(q, a->pos[3], &at.meta_index);
	if (!rc)
		rc = ctl_disk_options(q, a, &at.conf);
	if (rc)
		return rc;
	device_attach(t->dev, &at, r);
	return REPLY;
}

static int disk_options(struct ctl_req *q, const struct args *a, struct target *t,
			struct cmd_reply *r)
{
	struct disk_conf c = t->dev->conf;
	int rc = ctl_disk_options(q, a, &c);

	(void)r;
	if (rc)
		return rc;
	if (c.size_sect != t->dev->conf.size_sect || c.al_extents != t->dev->conf.al_extents) {
		strbuf_printf(&q->err, "%s: size and al-extents change only on attach "
			      "(detach first)\n", t->obj);
		return 20;
	}
	t->dev->conf = c;
	engine_state_changed(q->eng);
	return 0;
}

static int detach(struct ctl_req *q, const struct args *a, struct target *t,
		  struct cmd_reply *r)
{
	(void)q;
	device_detach(t->dev, args_flag(a, "force"), r);
	return REPLY;
}

static int primary(struct ctl_req *q, const struct args *a, struct target *t,
		   struct cmd_reply *r)
{
	(void)q;
	resource_primary(t->res, args_flag(a, "force") ||
			 args_flag(a, "overwrite-data-of-peer"), r);
	return REPLY;
}

static int secondary(struct ctl_req *q, const struct args *a, struct target *t,
		     struct cmd_reply *r)
{
	(void)q;
	resource_secondary(t->res, args_flag(a, "force"), r);
	return REPLY;
}

static int down(struct ctl_req *q, const struct args *a, struct target *t,
		struct cmd_reply *r)
{
	struct resource *res;

	if (!strcmp(a->pos[0], "all")) {
		t->obj = "all";
		while (q->eng->resources && r->ret_code == DRBD_NO_ERROR)
			resource_down(q->eng->resources, false, r);
		return REPLY;
	}
	res = engine_find_resource(q->eng, a->pos[0]);
	if (res) /* down of an unknown resource is not an error */
		resource_down(res, false, r);
	return REPLY;
}

static int new_current_uuid(struct ctl_req *q, const struct args *a,
			    struct target *t, struct cmd_reply *r)
{
	(void)q;
	device_new_current_uuid(t->dev, args_flag(a, "clear-bitmap"), r);
	return REPLY;
}

static int suspend_io(struct ctl_req *q, const struct args *a, struct target *t,
		      struct cmd_reply *r)
{
	(void)q; (void)a;
	resource_suspend_io(t->dev->res, r);
	return REPLY;
}

static int resume_io(struct ctl_req *q, const struct args *a, struct target *t,
		     struct cmd_reply *r)
{
	(void)q; (void)a;
	resource_resume_io(t->dev->res, r);
	return REPLY;
}

/* drbd-utils' drbdsetup keeps the size in /var/lib/drbd for drbdmeta's
 * check-resize to find moved meta data; udrbd moves none: nothing to keep. */
static int check_resize(struct ctl_req *q, const struct args *a, struct target *t,
			struct cmd_reply *r)
{
	(void)q; (void)a; (void)t; (void)r;
	return 0;
}

static int forget_peer(struct ctl_req *q, const struct args *a, struct target *t,
		       struct cmd_reply *r)
{
	unsigned node_id;

	if (!ctl_parse_uint(a->pos[1], DRBD_NODE_ID_MAX, &node_id)) {
		strbuf_printf(&q->err, "Invalid node id '%s' (expected 0..%d)\n", a->pos[1],
			      DRBD_NODE_ID_MAX);
		return 20;
	}
	resource_forget_peer(t->res, (int)node_id, r);
	return REPLY;
}

/* drbdsetup's booleans: --flag, --flag=yes, --flag=no. */
static bool yes_no(struct ctl_req *q, const struct args *a, const char *name, bool *out)
{
	const char *v = args_value(a, name);

	*out = args_flag(a, name) && (!v || !strcmp(v, "yes"));
	if (v && strcmp(v, "yes") && strcmp(v, "no")) {
		ctl_bad_opt(q, name, v);
		return false;
	}
	return true;
}

static int resize(struct ctl_req *q, const struct args *a, struct target *t,
		  struct cmd_reply *r)
{
	struct resize_args ra = { 0 };
	const char *v = args_value(a, "size");

	if (v && !args_parse_num(v, 512, 0, 1ull << 41, &ra.size_sect))
		return ctl_bad_opt(q, "size", v);
	if (!yes_no(q, a, "assume-peer-has-space", &ra.assume_peer_has_space) ||
	    !yes_no(q, a, "assume-clean", &ra.assume_clean))
		return 20;
	device_resize(t->dev, &ra, &t->grown, r);
	return REPLY;
}

/* `udrbd faults`: DRBD's enable_faults/fault_rate/fault_devs module
 * parameters, which have no module to live in here. */
static int faults(struct ctl_req *q, const struct args *a, struct target *t,
		  struct cmd_reply *r)
{
	static const struct { const char *name; uint64_t max; } knobs[] = {
		{ "enable-faults", 0xffff }, { "fault-rate", 100 }, { "fault-devs", UINT64_MAX },
	};
	uint64_t v[3];
	struct engine *e = q->eng;

	(void)t; (void)r;
	for (int i = 0; i < 3; i++) {
		const char *s = args_value(a, knobs[i].name);
		if (s && !args_parse_num(s, 1, 0, knobs[i].max, &v[i]))
			return ctl_bad_opt(q, knobs[i].name, s);
		if (!s)
			v[i] = i == 0 ? e->fault_mask : i == 1 ? e->fault_rate : e->fault_devs;
	}
	__atomic_store_n(&e->fault_mask, (uint32_t)v[0], __ATOMIC_RELAXED);
	__atomic_store_n(&e->fault_rate, (uint32_t)v[1], __ATOMIC_RELAXED);
	__atomic_store_n(&e->fault_devs, v[2], __ATOMIC_RELAXED);
	strbuf_printf(&q->out, "enable_faults=%u fault_rate=%u fault_devs=%llu "
		      "faults_injected=%llu\n", e->fault_mask, e->fault_rate,
		      (unsigned long long)e->fault_devs,
		      (unsigned long long)e->faults_injected);
	return 0;
}

static const struct opt_spec no_opts[] = { { NULL, false } };
static const struct opt_spec force_opts[] = {
	{ "force", false }, { "overwrite-data-of-peer", false }, { NULL, false },
};
static const struct opt_spec secondary_opts[] = { { "force", false }, { NULL, false } };
static const struct opt_spec minor_opts[] = {
	{ "diskless", false }, { "max-bio-size", true }, { "block-size", true },
	{ NULL, false },
};
static const struct opt_spec ncu_opts[] = { { "clear-bitmap", false }, { NULL, false } };
/* al-stripes/al-stripe-size-kB are drbdadm's; a new AL layout is not
 * supported (the meta data is not moved), so they are accepted and unused. */
static const struct opt_spec resize_opts[] = {
	{ "size", ARG_REQUIRED }, { "assume-peer-has-space", ARG_OPTIONAL },
	{ "assume-clean", ARG_OPTIONAL },
	{ "al-stripes", true }, { "al-stripe-size-kB", true }, { NULL, false },
};
static const struct opt_spec fault_opts[] = {
	{ "enable-faults", true }, { "fault-rate", true }, { "fault-devs", true },
	{ NULL, false },
};

static const struct config_cmd config_cmds[] = {
	{ "new-resource", ctl_res_opts, CTX_NONE, { "resource", "node_id" }, new_resource },
	{ "new-minor", minor_opts, CTX_RESOURCE, { "resource", "minor", "volume" }, new_minor },
	{ "del-minor", no_opts, CTX_MINOR, { "minor" }, del_minor },
	{ "del-resource", no_opts, CTX_NONE, { "resource" }, del_resource },
	{ "resource-options", ctl_res_opts, CTX_RESOURCE, { "resource" }, resource_options },
	{ "attach", ctl_disk_opts, CTX_MINOR,
	  { "minor", "lower_dev", "meta_data_dev", "meta_data_index" }, attach },
	{ "disk-options", ctl_disk_opts, CTX_MINOR, { "minor" }, disk_options },
	{ "detach", force_opts, CTX_MINOR, { "minor" }, detach },
	{ "primary", force_opts, CTX_RESOURCE, { "resource" }, primary },
	{ "secondary", secondary_opts, CTX_RESOURCE, { "resource" }, secondary },
	{ "down", no_opts, CTX_NONE, { "resource" }, down },
	{ "new-current-uuid", ncu_opts, CTX_MINOR, { "minor" }, new_current_uuid },
	{ "suspend-io", no_opts, CTX_MINOR, { "minor" }, suspend_io },
	{ "resume-io", no_opts, CTX_MINOR, { "minor" }, resume_io },
	{ "resize", resize_opts, CTX_MINOR, { "minor" }, resize },
	{ "check-resize", no_opts, CTX_MINOR, { "minor" }, check_resize },
	{ "forget-peer", no_opts, CTX_RESOURCE, { "resource", "peer_node_id" }, forget_peer },
	{ "faults", fault_opts, CTX_NONE, { NULL }, faults },
};

static int n_args(const struct config_cmd *c)
{
	int n = 0;

	while (n < 4 && c->args[n])
		n++;
	return n;
}

/* The object a command names: unknown ones get the kernel's refusal. */
static int resolve(struct ctl_req *q, const struct config_cmd *c, const struct args *a,
		   struct target *t, struct cmd_reply *r)
{
	unsigned minor;

	t->obj = a->npos ? a->pos[0] : "";
	if (c->ctx == CTX_RESOURCE) {
		t->res = engine_find_resource(q->eng, t->obj);
		if (!t->res)
			cmd_reply_set(r, ERR_RES_NOT_KNOWN, "unknown resource");
		return t->res ? 0 : REPLY;
	}
	if (c->ctx != CTX_MINOR)
		return 0;
	if (!ctl_parse_uint(t->obj, DRBD_MINOR_MAX, &minor)) {
		strbuf_printf(&q->err, "Cannot determine minor device number of device '%s'\n",
			      t->obj);
		return 20;
	}
	t->dev = engine_find_minor(q->eng, minor);
	if (!t->dev)
		cmd_reply_set(r, ERR_MINOR_INVALID, "unknown minor");
	return t->dev ? 0 : REPLY;
}

static int run(struct ctl_req *q, const struct config_cmd *c, const struct args *a,
	       struct target *tp)
{
	struct target t = { 0 };
	struct cmd_reply r;
	int rc;

	if (a->npos < n_args(c)) {
		strbuf_printf(&q->err, "Missing argument '%s'\n", c->args[a->npos]);
		return 20;
	}
	cmd_reply_init(&r);
	rc = resolve(q, c, a, &t, &r);
	if (!rc)
		rc = c->fn(q, a, &t, &r);
	*tp = t;
	return rc == REPLY ? ctl_render_reply(&r, t.obj, &q->err) : rc;
}

int ctl_cmd_config(struct ctl_req *q, const char *cmd, bool *handled)
{
	const struct config_cmd *c = NULL;
	struct target t = { 0 };
	struct args a;
	unsigned minor;
	int rc;

	for (size_t i = 0; i < sizeof(config_cmds) / sizeof(config_cmds[0]); i++)
		if (!strcmp(config_cmds[i].name, cmd))
			c = &config_cmds[i];
	*handled = c != NULL;
	if (!c)
		return 0;
	rc = args_parse(&a, q->argc, q->argv, 2, c->opts, n_args(c), cmd, &q->err);
	if (rc)
		return rc;
	plat_mutex_lock(&q->eng->lock);
	rc = run(q, c, &a, &t);
	plat_mutex_unlock(&q->eng->lock);
	/* by number: the device may be gone once the lock is dropped */
	if (!rc && t.grown && ctl_parse_uint(a.pos[0], DRBD_MINOR_MAX, &minor))
		resize_resync(q->eng, minor);
	return rc;
}
