/* drbdsetup's connection commands: new-peer, new-path, del-path, connect,
 * disconnect, del-peer, net-options, and the net option values. */
#include "core/conn.h"
#include "ctl/cmd_config.h"
#include "ctl/cmd_net.h"
#include "ctl/errors.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum net_kind { NK_U32, NK_S32, NK_BOOL, NK_STR, NK_PROTO, NK_ASB };

/* The net options the engine keeps, with drbd.conf's names and ranges. */
static const struct net_opt {
	const char *name;
	enum net_kind kind;
	size_t off;
	uint32_t min, max;
} net_opts[] = {
	{ "_name", NK_STR, offsetof(struct net_conf, name), 0, 0 },
	{ "protocol", NK_PROTO, offsetof(struct net_conf, protocol), 0, 0 },
	{ "timeout", NK_U32, offsetof(struct net_conf, timeout), 1, 600 },
	{ "connect-int", NK_U32, offsetof(struct net_conf, connect_int), 1, 120 },
	{ "ping-int", NK_U32, offsetof(struct net_conf, ping_int), 1, 120 },
	{ "ping-timeout", NK_U32, offsetof(struct net_conf, ping_timeout), 1, 300 },
	{ "socket-check-timeout", NK_U32, offsetof(struct net_conf, sock_check_timeo), 0, 300 },
	{ "ko-count", NK_U32, offsetof(struct net_conf, ko_count), 0, 200 },
	{ "max-epoch-size", NK_U32, offsetof(struct net_conf, max_epoch_size), 1, 20000 },
	{ "max-buffers", NK_U32, offsetof(struct net_conf, max_buffers), 32, 131072 },
	{ "sndbuf-size", NK_S32, offsetof(struct net_conf, sndbuf_size), 0, 10 << 20 },
	{ "rcvbuf-size", NK_S32, offsetof(struct net_conf, rcvbuf_size), 0, 10 << 20 },
	{ "cram-hmac-alg", NK_STR, offsetof(struct net_conf, cram_hmac_alg), 0, 0 },
	{ "shared-secret", NK_STR, offsetof(struct net_conf, shared_secret), 0, 0 },
	{ "data-integrity-alg", NK_STR, offsetof(struct net_conf, integrity_alg), 0, 0 },
	{ "verify-alg", NK_STR, offsetof(struct net_conf, verify_alg), 0, 0 },
	{ "csums-alg", NK_STR, offsetof(struct net_conf, csums_alg), 0, 0 },
	{ "after-sb-0pri", NK_ASB, offsetof(struct net_conf, after_sb_0p), 0, 6 },
	{ "after-sb-1pri", NK_ASB, offsetof(struct net_conf, after_sb_1p), 0, 10 },
	{ "after-sb-2pri", NK_ASB, offsetof(struct net_conf, after_sb_2p), 0, 10 },
	{ "rr-conflict", NK_ASB, offsetof(struct net_conf, rr_conflict), 0, 10 },
	{ "always-asbp", NK_BOOL, offsetof(struct net_conf, always_asbp), 0, 0 },
	{ "allow-two-primaries", NK_BOOL, offsetof(struct net_conf, two_primaries), 0, 0 },
	{ "use-rle", NK_BOOL, offsetof(struct net_conf, use_rle), 0, 0 },
	{ "tcp-cork", NK_BOOL, offsetof(struct net_conf, tcp_cork), 0, 0 },
	{ "csums-after-crash-only", NK_BOOL, offsetof(struct net_conf, csums_after_crash_only), 0, 0 },
};

/* Accepted for drbdadm's sake; not acted on yet. */
static const char *const net_ignored[] = {
	"transport", "on-congestion", "congestion-fill", "congestion-extents",
	"fencing", "allow-remote-read", "load-balance-paths", "rdma-ctrl-rcvbuf-size",
	"rdma-ctrl-sndbuf-size", "tls", "tls-keyring", "tls-privkey", "tls-certificate",
};

/* drbd.conf's after-sb/rr-conflict spellings, by wire value (§5). */
static const char *const asb_names[] = {
	"disconnect", "discard-younger-primary", "discard-older-primary",
	"discard-zero-changes", "discard-least-changes", "discard-local",
	"discard-remote", "consensus", "discard-secondary",
	"call-pri-lost-after-sb", "violently-as0p",
};

static int asb_value(const struct net_opt *o, const char *v)
{
	/* rr-conflict spells two of them differently. */
	if (!strcmp(o->name, "rr-conflict")) {
		if (!strcmp(v, "violently"))
			return ASB_VIOLENTLY;
		if (!strcmp(v, "call-pri-lost"))
			return ASB_CALL_HELPER;
		if (!strcmp(v, "disconnect"))
			return ASB_DISCONNECT;
		return -1;
	}
	for (int i = 0; i < (int)(sizeof(asb_names) / sizeof(asb_names[0])); i++)
		if (!strcmp(asb_names[i], v) && (uint32_t)i <= o->max)
			return i;
	return -1;
}

static bool set_value(const struct net_opt *o, const char *v, struct net_conf *nc)
{
	char *field = (char *)nc + o->off;
	uint64_t n;
	int a;

	switch (o->kind) {
	case NK_U32:
	case NK_S32:
		if (!args_parse_num(v, 1, o->min, o->max, &n))
			return false;
		*(uint32_t *)field = (uint32_t)n;
		return true;
	case NK_BOOL:
		if (v && strcmp(v, "yes") && strcmp(v, "no"))
			return false;
		*(bool *)field = !v || !strcmp(v, "yes");
		return true;
	case NK_STR:
		if (strlen(v) >= CONN_ALG_MAX)
			return false;
		strcpy(field, v);
		return true;
	case NK_PROTO:
		if (strlen(v) != 1 || v[0] < 'A' || v[0] > 'C')
			return false;
		*(enum drbd_protocol *)field = (enum drbd_protocol)(v[0] - 'A' + 1);
		return true;
	case NK_ASB:
		a = asb_value(o, v);
		if (a < 0)
			return false;
		*(enum asb_policy *)field = (enum asb_policy)a;
		return true;
	}
	return false;
}

/* Net option specs for args_parse: every known and ignored name. */
static struct opt_spec net_specs[sizeof(net_opts) / sizeof(net_opts[0]) +
				 sizeof(net_ignored) / sizeof(net_ignored[0]) + 2];

static const struct opt_spec *net_opt_specs(void)
{
	size_t n = 0;

	if (net_specs[0].name)
		return net_specs;
	for (size_t i = 0; i < sizeof(net_opts) / sizeof(net_opts[0]); i++)
		net_specs[n++] = (struct opt_spec){ net_opts[i].name,
						    net_opts[i].kind == NK_BOOL ? ARG_OPTIONAL
										: ARG_REQUIRED };
	for (size_t i = 0; i < sizeof(net_ignored) / sizeof(net_ignored[0]); i++)
		net_specs[n++] = (struct opt_spec){ net_ignored[i], true };
	net_specs[n++] = (struct opt_spec){ "set-defaults", false };
	return net_specs;
}

static int net_options(struct ctl_req *q, const struct args *a, struct net_conf *nc)
{
	for (int i = 0; i < a->nopts; i++) {
		const char *n = a->opt[i].name, *v = a->opt[i].value;
		if (!strcmp(n, "set-defaults")) {
			char name[CONN_NAME_MAX];
			strcpy(name, nc->name);
			net_conf_default(nc);
			strcpy(nc->name, name);
			continue;
		}
		for (size_t k = 0; k < sizeof(net_opts) / sizeof(net_opts[0]); k++)
			if (!strcmp(net_opts[k].name, n) && !set_value(&net_opts[k], v, nc))
				return ctl_bad_opt(q, n, v ? v : "");
	}
	return 0;
}

/* "RES PEER_NODE_ID": the resource and its connection. */
struct connection *ctl_conn_args(struct ctl_req *q, const struct args *a, int *rc)
{
	struct resource *res = engine_find_resource(q->eng, a->pos[0]);
	struct cmd_reply r;
	struct connection *c;
	unsigned id;

	cmd_reply_init(&r);
	if (!res) {
		cmd_reply_set(&r, ERR_RES_NOT_KNOWN, "unknown resource");
	} else if (!ctl_parse_uint(a->pos[1], DRBD_NODE_ID_MAX, &id) ||
		   !(c = resource_find_connection(res, (int)id))) {
		cmd_reply_set(&r, ERR_INVALID_REQUEST, "unknown connection");
	} else {
		return c;
	}
	*rc = ctl_render_reply(&r, a->pos[0], &q->err);
	return NULL;
}

int ctl_need_args(struct ctl_req *q, const struct args *a, int n, const char *const *names)
{
	if (a->npos >= n)
		return 0;
	strbuf_printf(&q->err, "Missing argument '%s'\n", names[a->npos]);
	return 20;
}

static int cmd_new_peer(struct ctl_req *q, const struct args *a)
{
	static const char *const names[] = { "resource", "peer_node_id" };
	struct resource *res;
	struct net_conf nc;
	struct cmd_reply r;
	unsigned id;
	int rc = ctl_need_args(q, a, 2, names);

	if (rc)
		return rc;
	cmd_reply_init(&r);
	res = engine_find_resource(q->eng, a->pos[0]);
	if (!res) {
		cmd_reply_set(&r, ERR_RES_NOT_KNOWN, "unknown resource");
		return ctl_render_reply(&r, a->pos[0], &q->err);
	}
	if (!ctl_parse_uint(a->pos[1], DRBD_NODE_ID_MAX, &id)) {
		strbuf_printf(&q->err, "Invalid peer node id '%s'\n", a->pos[1]);
		return 20;
	}
	net_conf_default(&nc);
	snprintf(nc.name, sizeof(nc.name), "%s", a->pos[1]);
	rc = net_options(q, a, &nc);
	if (rc)
		return rc;
	conn_new(res, (int)id, &nc, &r);
	return ctl_render_reply(&r, a->pos[0], &q->err);
}

static int cmd_net_options(struct ctl_req *q, const struct args *a)
{
	static const char *const names[] = { "resource", "peer_node_id" };
	struct connection *c;
	struct net_conf nc;
	int rc = ctl_need_args(q, a, 2, names);

	if (rc || !(c = ctl_conn_args(q, a, &rc)))
		return rc;
	nc = c->conf;
	rc = net_options(q, a, &nc);
	if (rc)
		return rc;
	c->conf = nc;
	engine_state_changed(q->eng);
	return 0;
}

static int cmd_path(struct ctl_req *q, const struct args *a, bool add)
{
	static const char *const names[] = { "resource", "peer_node_id", "local-addr",
					     "remote-addr" };
	struct connection *c;
	struct cmd_reply r;
	int rc = ctl_need_args(q, a, 4, names);

	if (rc || !(c = ctl_conn_args(q, a, &rc)))
		return rc;
	cmd_reply_init(&r);
	if (add)
		conn_new_path(c, a->pos[2], a->pos[3], &r);
	else
		conn_del_path(c, a->pos[2], a->pos[3], &r);
	return ctl_render_reply(&r, a->pos[0], &q->err);
}

static int cmd_conn(struct ctl_req *q, const struct args *a, const char *cmd)
{
	static const char *const names[] = { "resource", "peer_node_id" };
	struct connection *c;
	struct cmd_reply r;
	int rc = ctl_need_args(q, a, 2, names);

	if (rc || !(c = ctl_conn_args(q, a, &rc)))
		return rc;
	cmd_reply_init(&r);
	if (!strcmp(cmd, "connect"))
		conn_connect(c, args_flag(a, "discard-my-data"),
			     args_flag(a, "tentative") || args_flag(a, "dry-run"), &r);
	else if (!strcmp(cmd, "disconnect"))
		conn_disconnect(c, args_flag(a, "force"), &r);
	else
		conn_del(c, &r);
	return ctl_render_reply(&r, a->pos[0], &q->err);
}

static const struct opt_spec connect_specs[] = {
	{ "discard-my-data", false }, { "tentative", false }, { "dry-run", false },
	{ NULL, false },
};
static const struct opt_spec disconnect_specs[] = { { "force", false }, { NULL, false } };
static const struct opt_spec no_specs[] = { { NULL, false } };

int ctl_cmd_net(struct ctl_req *q, const char *cmd, bool *handled)
{
	const struct opt_spec *specs = NULL;
	int max_pos = 2, rc;
	struct args a;

	if (!strcmp(cmd, "new-peer") || !strcmp(cmd, "net-options"))
		specs = net_opt_specs();
	else if (!strcmp(cmd, "new-path") || !strcmp(cmd, "del-path"))
		specs = no_specs, max_pos = 4;
	else if (!strcmp(cmd, "connect"))
		specs = connect_specs;
	else if (!strcmp(cmd, "disconnect"))
		specs = disconnect_specs;
	else if (!strcmp(cmd, "del-peer"))
		specs = no_specs;
	*handled = specs != NULL;
	if (!specs)
		return 0;
	rc = args_parse(&a, q->argc, q->argv, 2, specs, max_pos, cmd, &q->err);
	if (rc)
		return rc;
	plat_mutex_lock(&q->eng->lock);
	if (!strcmp(cmd, "new-peer"))
		rc = cmd_new_peer(q, &a);
	else if (!strcmp(cmd, "net-options"))
		rc = cmd_net_options(q, &a);
	else if (!strcmp(cmd, "new-path") || !strcmp(cmd, "del-path"))
		rc = cmd_path(q, &a, cmd[0] == 'n');
	else
		rc = cmd_conn(q, &a, cmd);
	plat_mutex_unlock(&q->eng->lock);
	return rc;
}

/* peer-device-options RES PEER VOLUME: the resync controller's settings
 * (units as drbd.conf's: rates in KiB/s, times in 0.1 s, fill in sectors). */
static const struct pd_opt {
	const char *name;
	size_t off;
	uint64_t unit, max;
} pd_opts[] = {
	{ "resync-rate", offsetof(struct rs_conf, resync_rate), 1024, 4194304 },
	{ "c-plan-ahead", offsetof(struct rs_conf, c_plan_ahead), 1, 300 },
	{ "c-delay-target", offsetof(struct rs_conf, c_delay_target), 1, 100 },
	{ "c-fill-target", offsetof(struct rs_conf, c_fill_target), 512, 1000000 },
	{ "c-max-rate", offsetof(struct rs_conf, c_max_rate), 1024, 4194304 },
	{ "c-min-rate", offsetof(struct rs_conf, c_min_rate), 1024, 4194304 },
};

static int pd_options(struct ctl_req *q, const struct args *a, struct rs_conf *rs)
{
	for (int i = 0; i < a->nopts; i++) {
		const char *n = a->opt[i].name, *v = a->opt[i].value;
		uint64_t num;
		if (!strcmp(n, "set-defaults")) {
			rs_conf_default(rs);
			continue;
		}
		for (size_t k = 0; k < sizeof(pd_opts) / sizeof(pd_opts[0]); k++) {
			if (strcmp(pd_opts[k].name, n))
				continue;
			/* A suffix names bytes; a plain number is the unit itself. */
			if (!args_parse_num(v, pd_opts[k].unit, 0, pd_opts[k].max, &num))
				return ctl_bad_opt(q, n, v ? v : "");
			*(uint32_t *)((char *)rs + pd_opts[k].off) = (uint32_t)num;
		}
	}
	return 0;
}

static const struct opt_spec pd_specs[] = {
	{ "resync-rate", true }, { "c-plan-ahead", true }, { "c-delay-target", true },
	{ "c-fill-target", true }, { "c-max-rate", true }, { "c-min-rate", true },
	{ "bitmap", true }, { "set-defaults", false }, { NULL, false },
};

int ctl_cmd_peer_device(struct ctl_req *q, const char *cmd, bool *handled)
{
	static const char *const names[] = { "resource", "peer_node_id", "volume" };
	struct peer_device *pd;
	struct connection *c;
	struct rs_conf rs;
	struct args a;
	unsigned vol;
	int rc;

	*handled = !strcmp(cmd, "peer-device-options");
	if (!*handled)
		return 0;
	rc = args_parse(&a, q->argc, q->argv, 2, pd_specs, 3, cmd, &q->err);
	if (rc || (rc = ctl_need_args(q, &a, 3, names)))
		return rc;
	plat_mutex_lock(&q->eng->lock);
	c = ctl_conn_args(q, &a, &rc);
	if (c && (!ctl_parse_uint(a.pos[2], DRBD_VOLUME_MAX, &vol) ||
		  !(pd = conn_find_peer_device(c, vol)))) {
		struct cmd_reply r;
		cmd_reply_init(&r);
		cmd_reply_set(&r, ERR_INVALID_REQUEST, "unknown volume");
		rc = ctl_render_reply(&r, a.pos[0], &q->err);
		c = NULL;
	}
	if (c) {
		rs = pd->rs;
		rc = pd_options(q, &a, &rs);
		if (!rc) {
			pd->rs = rs;
			engine_state_changed(q->eng);
		}
	}
	plat_mutex_unlock(&q->eng->lock);
	return rc;
}
