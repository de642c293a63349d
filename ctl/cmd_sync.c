/* drbdsetup's resync and verify commands: verify, pause-sync, resume-sync,
 * invalidate, invalidate-remote, outdate. Each resolves its object under
 * eng->lock and then calls core/ without it: verify and the
 * invalidations wait for the peer's answer to a cluster-wide request
 * (drbd-wire-protocol.md §14). */
#include "core/resync.h"
#include "ctl/cmd_config.h"
#include "ctl/cmd_net.h"
#include "ctl/errors.h"

#include <stdint.h>
#include <string.h>

/* "RES PEER_NODE_ID VOLUME"; caller holds eng->lock. */
static struct peer_device *pd_args(struct ctl_req *q, const struct args *a, int *rc)
{
	static const char *const names[] = { "resource", "peer_node_id", "volume" };
	struct peer_device *pd = NULL;
	struct connection *c;
	unsigned vol;

	if ((*rc = ctl_need_args(q, a, 3, names)) || !(c = ctl_conn_args(q, a, rc)))
		return NULL;
	if (!ctl_parse_uint(a->pos[2], DRBD_VOLUME_MAX, &vol) ||
	    !(pd = conn_find_peer_device(c, vol))) {
		struct cmd_reply r;
		cmd_reply_init(&r);
		cmd_reply_set(&r, ERR_INVALID_REQUEST, "unknown volume");
		*rc = ctl_render_reply(&r, a->pos[0], &q->err);
	}
	return pd;
}

/* "MINOR"; caller holds eng->lock. */
static struct device *minor_args(struct ctl_req *q, const struct args *a, int *rc)
{
	static const char *const names[] = { "minor" };
	struct device *dev;
	unsigned minor;

	if ((*rc = ctl_need_args(q, a, 1, names)))
		return NULL;
	if (!ctl_parse_uint(a->pos[0], DRBD_MINOR_MAX, &minor)) {
		strbuf_printf(&q->err, "Cannot determine minor device number of device '%s'\n",
			      a->pos[0]);
		*rc = 20;
		return NULL;
	}
	dev = engine_find_minor(q->eng, minor);
	if (!dev) {
		struct cmd_reply r;
		cmd_reply_init(&r);
		cmd_reply_set(&r, ERR_MINOR_INVALID, "unknown minor");
		*rc = ctl_render_reply(&r, a->pos[0], &q->err);
	}
	return dev;
}

static bool sector_opt(struct ctl_req *q, const struct args *a, const char *name,
		       uint64_t *out, int *rc)
{
	const char *v = args_value(a, name);

	if (v && !args_parse_num(v, 512, 0, UINT64_MAX >> 10, out)) {
		*rc = ctl_bad_opt(q, name, v);
		return false;
	}
	return true;
}

static int verify(struct ctl_req *q, const char *cmd, const struct args *a,
		  struct cmd_reply *r)
{
	uint64_t start = 0, stop = UINT64_MAX;
	struct peer_device *pd;
	int rc = 0;

	(void)cmd;
	plat_mutex_lock(&q->eng->lock);
	pd = pd_args(q, a, &rc);
	plat_mutex_unlock(&q->eng->lock);
	if (!pd || !sector_opt(q, a, "start", &start, &rc) || !sector_opt(q, a, "stop", &stop, &rc))
		return rc;
	verify_start(pd->conn, pd, start, stop, r);
	return ctl_render_reply(r, a->pos[0], &q->err);
}

/* --reset-bitmap={yes|no} (default yes) */
static bool reset_bitmap_opt(struct ctl_req *q, const struct args *a, bool *out, int *rc)
{
	const char *v = args_value(a, "reset-bitmap");

	*out = !v || !strcmp(v, "yes");
	if (v && strcmp(v, "yes") && strcmp(v, "no")) {
		*rc = ctl_bad_opt(q, "reset-bitmap", v);
		return false;
	}
	return true;
}

static int peer_device_cmd(struct ctl_req *q, const char *cmd, const struct args *a,
			   struct cmd_reply *r)
{
	struct peer_device *pd;
	bool reset = true;
	int rc = 0;

	plat_mutex_lock(&q->eng->lock);
	pd = pd_args(q, a, &rc);
	plat_mutex_unlock(&q->eng->lock);
	if (!pd || !reset_bitmap_opt(q, a, &reset, &rc))
		return rc;
	if (!strcmp(cmd, "pause-sync") || !strcmp(cmd, "resume-sync"))
		resync_pause(pd, cmd[0] == 'p', r);
	else
		peer_device_invalidate_remote(pd, reset, r);
	return ctl_render_reply(r, a->pos[0], &q->err);
}

static int minor_cmd(struct ctl_req *q, const char *cmd, const struct args *a,
		     struct cmd_reply *r)
{
	const char *from = args_value(a, "sync-from-peer-node-id");
	struct device *dev;
	uint64_t node = 0;
	bool reset = true;
	int rc = 0;

	plat_mutex_lock(&q->eng->lock);
	dev = minor_args(q, a, &rc);
	plat_mutex_unlock(&q->eng->lock);
	if (!dev || !reset_bitmap_opt(q, a, &reset, &rc))
		return rc;
	if (from && !args_parse_num(from, 1, 0, DRBD_NODE_ID_MAX, &node))
		return ctl_bad_opt(q, "sync-from-peer-node-id", from);
	if (!strcmp(cmd, "outdate"))
		device_outdate(dev, r);
	else
		device_invalidate(dev, reset, from ? (int)node : -1, r);
	return ctl_render_reply(r, a->pos[0], &q->err);
}

static const struct opt_spec verify_specs[] = {
	{ "start", true }, { "stop", true }, { NULL, false },
};
static const struct opt_spec invalidate_specs[] = {
	{ "sync-from-peer-node-id", true }, { "reset-bitmap", true }, { NULL, false },
};
static const struct opt_spec invalidate_remote_specs[] = {
	{ "reset-bitmap", true }, { NULL, false },
};
static const struct opt_spec no_specs[] = { { NULL, false } };

static const struct sync_cmd {
	const char *name;
	const struct opt_spec *specs;
	int max_pos;
	int (*fn)(struct ctl_req *q, const char *cmd, const struct args *a,
		  struct cmd_reply *r);
} sync_cmds[] = {
	{ "verify", verify_specs, 3, verify },
	{ "pause-sync", no_specs, 3, peer_device_cmd },
	{ "resume-sync", no_specs, 3, peer_device_cmd },
	{ "invalidate-remote", invalidate_remote_specs, 3, peer_device_cmd },
	{ "invalidate", invalidate_specs, 1, minor_cmd },
	{ "outdate", no_specs, 1, minor_cmd },
};

int ctl_cmd_sync(struct ctl_req *q, const char *cmd, bool *handled)
{
	const struct sync_cmd *sc = NULL;
	struct cmd_reply r;
	struct args a;
	int rc;

	for (size_t i = 0; i < sizeof(sync_cmds) / sizeof(sync_cmds[0]); i++)
		if (!strcmp(sync_cmds[i].name, cmd))
			sc = &sync_cmds[i];
	*handled = sc != NULL;
	if (!sc)
		return 0;
	rc = args_parse(&a, q->argc, q->argv, 2, sc->specs, sc->max_pos, cmd, &q->err);
	if (rc)
		return rc;
	cmd_reply_init(&r);
	return sc->fn(q, cmd, &a, &r);
}
