/* drbdsetup's configuration commands: resources, minors, disks, roles. */
#include "ctl/args.h"
#include "ctl/ctl.h"
#include "ctl/errors.h"
#include "core/ops.h"
#include "md/al.h"
#include "md/sb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct opt_spec no_opts[] = { { NULL, false } };

/* Options drbdadm passes to new-resource (resource options). Accepted and
 * kept for show; the engine acts on them as the features arrive. */
static const struct opt_spec res_opts[] = {
	{ "cpu-mask", true }, { "on-no-data-accessible", true },
	{ "auto-promote", true }, { "peer-ack-window", true },
	{ "peer-ack-delay", true }, { "twopc-timeout", true },
	{ "twopc-retry-timeout", true }, { "auto-promote-timeout", true },
	{ "max-io-depth", true }, { "quorum", true }, { "on-no-quorum", true },
	{ "quorum-minimum-redundancy", true }, { "on-suspended-primary-outdated", true },
	{ NULL, false },
};

static const struct opt_spec disk_opts[] = {
	{ "size", true }, { "on-io-error", true }, { "disk-barrier", true },
	{ "disk-flushes", true }, { "disk-drain", true }, { "md-flushes", true },
	{ "al-extents", true }, { "al-updates", true }, { "discard-zeroes-if-aligned", true },
	{ "disable-write-same", true }, { "resync-after", true }, { "read-balancing", true },
	{ "rs-discard-granularity", true }, { "disk-timeout", true }, { "max-bio-bvecs", true },
	{ "set-defaults", false },
	{ NULL, false },
};

static int reply_exit(struct ctl_req *q, const struct cmd_reply *r, const char *obj)
{
	return ctl_render_reply(r, obj, &q->err);
}

static int missing(struct ctl_req *q, const struct args *a, int need,
		   const char *const names[])
{
	if (a->npos >= need)
		return 0;
	strbuf_printf(&q->err, "Missing argument '%s'\n", names[a->npos]);
	return 20;
}

static bool parse_uint(const char *s, unsigned long max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	if (!s || !strcmp(s, "yes")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "no")) {
		*out = false;
		return true;
	}
	return false;
}

static int bad_opt(struct ctl_req *q, const char *name, const char *value)
{
	strbuf_printf(&q->err, "Option --%s: invalid argument '%s'\n", name, value);
	return 20;
}

/* Finds the device of a minor argument, or renders drbdsetup's refusal. */
static struct device *minor_arg(struct ctl_req *q, const char *arg, int *rc)
{
	struct cmd_reply r;
	struct device *d;
	unsigned minor;

	if (!parse_uint(arg, DRBD_MINOR_MAX, &minor)) {
		strbuf_printf(&q->err, "Cannot determine minor device number of device '%s'\n",
			      arg);
		*rc = 20;
		return NULL;
	}
	d = engine_find_minor(q->eng, minor);
	if (!d) {
		cmd_reply_init(&r);
		cmd_reply_set(&r, ERR_MINOR_INVALID, "unknown minor");
		*rc = reply_exit(q, &r, arg);
	}
	return d;
}

static struct resource *res_arg(struct ctl_req *q, const char *name, int *rc)
{
	struct resource *res = engine_find_resource(q->eng, name);
	struct cmd_reply r;

	if (!res) {
		cmd_reply_init(&r);
		cmd_reply_set(&r, ERR_RES_NOT_KNOWN, "unknown resource");
		*rc = reply_exit(q, &r, name);
	}
	return res;
}

static int cmd_new_resource(struct ctl_req *q, const struct args *a)
{
	static const char *const names[] = { "resource", "node_id" };
	struct cmd_reply r;
	unsigned node_id;
	int rc = missing(q, a, 2, names);

	if (rc)
		return rc;
	if (!parse_uint(a->pos[1], DRBD_NODE_ID_MAX, &node_id)) {
		strbuf_printf(&q->err, "Invalid node id '%s' (expected 0..%d)\n", a->pos[1],
			      DRBD_NODE_ID_MAX);
		return 20;
	}
	cmd_reply_init(&r);
	resource_new(q->eng, a->pos[0], (int)node_id, &r);
	return reply_exit(q, &r, a->pos[0]);
}

static int cmd_new_minor(struct ctl_req *q, const struct args *a)
{
	static const char *const names[] = { "resource", "minor", "volume" };
	struct resource *res;
	struct cmd_reply r;
	unsigned minor, vol;
	int rc = missing(q, a, 3, names);

	if (rc)
		return rc;
	if (!parse_uint(a->pos[1], DRBD_MINOR_MAX, &minor) ||
	    !parse_uint(a->pos[2], DRBD_VOLUME_MAX, &vol)) {
		strbuf_printf(&q->err, "Invalid minor or volume number\n");
		return 20;
	}
	res = res_arg(q, a->pos[0], &rc);
	if (!res)
		return rc;
	cmd_reply_init(&r);
	device_new(res, minor, vol, &r);
	return reply_exit(q, &r, a->pos[0]);
}

static int cmd_del_minor(struct ctl_req *q, const struct args *a)
{
	static const char *const names[] = { "minor" };
	struct device *d;
	struct cmd_reply r;
	int rc = missing(q, a, 1, names);

	if (rc || !(d = minor_arg(q, a->pos[0], &rc)))
		return rc;
	cmd_reply_init(&r);
	device_del(d, &r);
	return reply_exit(q, &r, a->pos[0]);
}

static int cmd_del_resource(struct ctl_req *q, const struct args *a)
{
	static const char *const names[] = { "resource" };
	struct cmd_reply r;
	int rc = missing(q, a, 1, names);

	if (rc)
		return rc;
	cmd_reply_init(&r);
	resource_del(q->eng, a->pos[0], &r);
	return reply_exit(q, &r, a->pos[0]);
}

/* Applies disk options over conf; returns 0 or drbdsetup's exit code. */
static int disk_options(struct ctl_req *q, const struct args *a, struct disk_conf *c)
{
	for (int i = 0; i < a->nopts; i++) {
		const char *n = a->opt[i].name, *v = a->opt[i].value;
		uint64_t num;
		bool ok = true;

		if (!strcmp(n, "set-defaults"))
			disk_conf_default(c);
		else if (!strcmp(n, "size"))
			ok = args_parse_num(v, 512, 0, 1ull << 41, &c->size_sect);
		else if (!strcmp(n, "on-io-error")) {
			if (!strcmp(v, "detach"))
				c->on_io_error = EP_DETACH;
			else if (!strcmp(v, "pass_on"))
				c->on_io_error = EP_PASS_ON;
			else if (!strcmp(v, "call-local-io-error"))
				c->on_io_error = EP_CALL_HELPER;
			else
				ok = false;
		} else if (!strcmp(n, "al-extents")) {
			ok = args_parse_num(v, 1, AL_EXTENTS_MIN, AL_EXTENTS_MAX, &num);
			c->al_extents = (uint32_t)num;
		} else if (!strcmp(n, "al-updates"))
			ok = parse_bool(v, &c->al_updates);
		else if (!strcmp(n, "md-flushes"))
			ok = parse_bool(v, &c->md_flushes);
		else if (!strcmp(n, "disk-flushes"))
			ok = parse_bool(v, &c->disk_flushes);
		/* Others are accepted for drbdadm's sake and not yet acted on. */
		if (!ok)
			return bad_opt(q, n, v ? v : "");
	}
	return 0;
}

static int cmd_attach(struct ctl_req *q, const struct args *a)
{
	static const char *const names[] = { "minor", "lower_dev", "meta_data_dev",
					      "meta_data_index" };
	struct attach_args at;
	struct cmd_reply r;
	struct device *d;
	char *end;
	int rc = missing(q, a, 4, names);

	if (rc || !(d = minor_arg(q, a->pos[0], &rc)))
		return rc;
	at.backing = a->pos[1];
	at.meta = a->pos[2];
	if (!strcmp(a->pos[3], "internal"))
		at.meta_index = MD_IDX_FLEX_INT;
	else if (!strcmp(a->pos[3], "flexible"))
		at.meta_index = MD_IDX_FLEX_EXT;
	else {
		long v = strtol(a->pos[3], &end, 10);
		if (*end || v < 0 || v > 255) {
			strbuf_printf(&q->err, "Invalid meta-data index '%s'\n", a->pos[3]);
			return 20;
		}
		at.meta_index = (int)v;
	}
	at.conf = d->conf;
	rc = disk_options(q, a, &at.conf);
	if (rc)
		return rc;
	cmd_reply_init(&r);
	device_attach(d, &at, &r);
	return reply_exit(q, &r, a->pos[0]);
}

static int cmd_disk_options(struct ctl_req *q, const struct args *a)
{
	static const char *const names[] = { "minor" };
	struct disk_conf c;
	struct device *d;
	int rc = missing(q, a, 1, names);

	if (rc || !(d = minor_arg(q, a->pos[0], &rc)))
		return rc;
	c = d->conf;
	rc = disk_options(q, a, &c);
	if (rc)
		return rc;
	if (c.size_sect != d->conf.size_sect || c.al_extents != d->conf.al_extents) {
		strbuf_printf(&q->err, "%s: size and al-extents change only on attach (detach first)\n",
			      a->pos[0]);
		return 20;
	}
	d->conf = c;
	engine_state_changed(q->eng);
	return 0;
}

static int cmd_detach(struct ctl_req *q, const struct args *a)
{
	static const char *const names[] = { "minor" };
	struct cmd_reply r;
	struct device *d;
	int rc = missing(q, a, 1, names);

	if (rc || !(d = minor_arg(q, a->pos[0], &rc)))
		return rc;
	cmd_reply_init(&r);
	device_detach(d, args_flag(a, "force"), &r);
	return reply_exit(q, &r, a->pos[0]);
}

static int cmd_role(struct ctl_req *q, const struct args *a, bool primary)
{
	static const char *const names[] = { "resource" };
	struct resource *res;
	struct cmd_reply r;
	int rc = missing(q, a, 1, names);

	if (rc || !(res = res_arg(q, a->pos[0], &rc)))
		return rc;
	cmd_reply_init(&r);
	if (primary)
		resource_primary(res, args_flag(a, "force") ||
				 args_flag(a, "overwrite-data-of-peer"), &r);
	else
		resource_secondary(res, &r);
	return reply_exit(q, &r, a->pos[0]);
}

static int cmd_primary(struct ctl_req *q, const struct args *a)
{
	return cmd_role(q, a, true);
}

static int cmd_secondary(struct ctl_req *q, const struct args *a)
{
	return cmd_role(q, a, false);
}

static int cmd_down(struct ctl_req *q, const struct args *a)
{
	static const char *const names[] = { "resource" };
	struct cmd_reply r;
	struct resource *res;
	int rc = missing(q, a, 1, names);

	if (rc)
		return rc;
	cmd_reply_init(&r);
	if (!strcmp(a->pos[0], "all")) {
		while (q->eng->resources && r.ret_code == DRBD_NO_ERROR)
			resource_down(q->eng->resources, false, &r);
		return reply_exit(q, &r, "all");
	}
	res = engine_find_resource(q->eng, a->pos[0]);
	if (!res)
		return 0; /* down of an unknown resource is not an error */
	resource_down(res, false, &r);
	return reply_exit(q, &r, a->pos[0]);
}

static int cmd_new_current_uuid(struct ctl_req *q, const struct args *a)
{
	static const char *const names[] = { "minor" };
	struct cmd_reply r;
	struct device *d;
	int rc = missing(q, a, 1, names);

	if (rc || !(d = minor_arg(q, a->pos[0], &rc)))
		return rc;
	cmd_reply_init(&r);
	device_new_current_uuid(d, args_flag(a, "clear-bitmap"), &r);
	return reply_exit(q, &r, a->pos[0]);
}

/* udrbd's stand-in for DRBD's enable_faults/fault_rate/fault_devs module
 * parameters (there is no module to set them on). */
static int cmd_faults(struct ctl_req *q, const struct args *a)
{
	const char *v;
	uint64_t n;

	if ((v = args_value(a, "enable-faults"))) {
		if (!args_parse_num(v, 1, 0, 0xffff, &n))
			return bad_opt(q, "enable-faults", v);
		__atomic_store_n(&q->eng->fault_mask, (uint32_t)n, __ATOMIC_RELAXED);
	}
	if ((v = args_value(a, "fault-rate"))) {
		if (!args_parse_num(v, 1, 0, 100, &n))
			return bad_opt(q, "fault-rate", v);
		__atomic_store_n(&q->eng->fault_rate, (uint32_t)n, __ATOMIC_RELAXED);
	}
	if ((v = args_value(a, "fault-devs"))) {
		if (!args_parse_num(v, 1, 0, UINT64_MAX, &n))
			return bad_opt(q, "fault-devs", v);
		__atomic_store_n(&q->eng->fault_devs, n, __ATOMIC_RELAXED);
	}
	strbuf_printf(&q->out, "enable_faults=%u fault_rate=%u fault_devs=%llu faults_injected=%llu\n",
		      q->eng->fault_mask, q->eng->fault_rate,
		      (unsigned long long)q->eng->fault_devs,
		      (unsigned long long)q->eng->faults_injected);
	return 0;
}

static const struct opt_spec force_opts[] = {
	{ "force", false }, { "overwrite-data-of-peer", false }, { NULL, false },
};
static const struct opt_spec minor_opts[] = {
	{ "diskless", false }, { "max-bio-size", true }, { "block-size", true },
	{ NULL, false },
};
static const struct opt_spec ncu_opts[] = { { "clear-bitmap", false }, { NULL, false } };
static const struct opt_spec fault_opts[] = {
	{ "enable-faults", true }, { "fault-rate", true }, { "fault-devs", true },
	{ NULL, false },
};

static const struct config_cmd {
	const char *name;
	const struct opt_spec *opts;
	int max_pos;
	int (*fn)(struct ctl_req *q, const struct args *a);
} config_cmds[] = {
	{ "new-resource", res_opts, 2, cmd_new_resource },
	{ "new-minor", minor_opts, 3, cmd_new_minor },
	{ "del-minor", no_opts, 1, cmd_del_minor },
	{ "del-resource", no_opts, 1, cmd_del_resource },
	{ "attach", disk_opts, 4, cmd_attach },
	{ "disk-options", disk_opts, 1, cmd_disk_options },
	{ "detach", force_opts, 1, cmd_detach },
	{ "primary", force_opts, 1, cmd_primary },
	{ "secondary", no_opts, 1, cmd_secondary },
	{ "down", no_opts, 1, cmd_down },
	{ "new-current-uuid", ncu_opts, 1, cmd_new_current_uuid },
	{ "faults", fault_opts, 0, cmd_faults },
};

static const struct config_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(config_cmds) / sizeof(config_cmds[0]); i++)
		if (!strcmp(config_cmds[i].name, name))
			return &config_cmds[i];
	return NULL;
}

int ctl_cmd_config(struct ctl_req *q, const char *cmd, bool *handled)
{
	const struct config_cmd *c = find_cmd(cmd);
	struct args a;
	int rc;

	*handled = c != NULL;
	if (!c)
		return 0;
	rc = args_parse(&a, q->argc, q->argv, 2, c->opts, c->max_pos, cmd, &q->err);
	if (rc)
		return rc;
	plat_mutex_lock(&q->eng->lock);
	rc = c->fn(q, &a);
	plat_mutex_unlock(&q->eng->lock);
	return rc;
}
