/* drbdadm adjust of a running resource: compares drbd.conf with what
 * `drbdsetup show` says is running and schedules only the calls that make
 * them equal, in the stages and with the options drbd-utils 9.22's adjust
 * uses (observed against udrbd's show: tests/system/test_drbdadm_adjust.py):
 * resource-options, disconnect (before a path goes), del-path, new-path,
 * net-options, peer-device-options, disk-options or attach, connect. An
 * options call resets to the defaults first and passes every configured
 * option, in the order up passes them.
 *
 * Options are compared by value: sizes and times in their option's unit
 * (1M equals 1024k), options at their default count as absent. */
#include "cmd/drbdadm.h"
#include "cmd/drbdadm_show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- comparing option sets ---------------------------------------------- */

static void normalize(enum conf_section sec, const char *name, const char *value,
		      char *out, size_t len)
{
	bool no_prefix = false;
	const struct conf_optdef *def = conf_optdef(sec, name, &no_prefix);
	unsigned long long v;

	if (def && def->kind == CONF_NUMERIC && !conf_strtoull(value, def->scale, &v))
		snprintf(out, len, "%llu", v);
	else
		snprintf(out, len, "%s", value);
	/* the protocol letter is the one enum that may be lower case */
	if (def && def->kind == CONF_ENUM)
		for (char *p = out; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
}

static bool is_default(enum conf_section sec, const char *name, const char *norm)
{
	bool no_prefix = false;
	const struct conf_optdef *def = conf_optdef(sec, name, &no_prefix);

	if (!def)
		return false;
	switch (def->kind) {
	case CONF_NUMERIC:
		return strtoull(norm, NULL, 10) == (unsigned long long)def->def;
	case CONF_BOOLEAN:
		return !strcmp(norm, def->def ? "yes" : "no");
	case CONF_ENUM:
		return def->enums && !strcasecmp(norm, def->enums[def->def]);
	case CONF_STRING:
		return !*norm;
	default:
		return false;
	}
}

/* name=value into a set of options, replacing an earlier value. */
static void set_put(struct run_opts *set, const char *name, const char *value)
{
	int i = 0;

	while (i < set->n && strcmp(set->o[i].name, name))
		i++;
	if (i == RUN_MAX_OPTS)
		return;
	if (i == set->n)
		set->n++;
	snprintf(set->o[i].name, sizeof(set->o[i].name), "%s", name);
	snprintf(set->o[i].value, sizeof(set->o[i].value), "%s", value);
}

/* The options that are not at their default, by value. */
static void set_normalize(enum conf_section sec, const struct run_opts *in,
			  struct run_opts *out)
{
	char v[RUN_STR];

	out->n = 0;
	for (int i = 0; i < in->n; i++) {
		normalize(sec, in->o[i].name, in->o[i].value, v, sizeof(v));
		set_put(out, in->o[i].name, v);
	}
	for (int i = 0; i < out->n;) {
		if (is_default(sec, out->o[i].name, out->o[i].value))
			out->o[i] = out->o[--out->n];
		else
			i++;
	}
}

static bool opts_differ(enum conf_section sec, const struct conf_opts *want,
			const struct run_opts *have)
{
	struct run_opts raw, w, h;
	const struct conf_opt *o;

	raw.n = 0;
	conf_for_each(o, want->head)
		set_put(&raw, o->name, o->value ? o->value : "yes");
	set_normalize(sec, &raw, &w);
	raw.n = 0;
	if (have)
		raw = *have;
	set_normalize(sec, &raw, &h);
	if (w.n != h.n)
		return true;
	for (int i = 0; i < w.n; i++) {
		int j = 0;
		while (j < h.n && strcmp(h.o[j].name, w.o[i].name))
			j++;
		if (j == h.n || strcmp(h.o[j].value, w.o[i].value))
			return true;
	}
	return false;
}

/* ---- the calls ---------------------------------------------------------- */

/* CMD OBJ... --set-defaults OPTS */
static int options_call(struct adm *a, const char *cmd, const char *const *objs,
			const struct conf_opts *opts)
{
	struct adm_argv av = adm_setup(a, cmd);

	for (; *objs; objs++)
		adm_arg(a, &av, *objs);
	adm_arg(a, &av, "--set-defaults");
	if (opts)
		adm_opts(a, &av, opts);
	return adm_run(a, &av, false);
}

static int res_options(struct adm *a, const struct adm_ctx *x)
{
	const char *objs[] = { x->r->name, NULL };

	return options_call(a, "resource-options", objs, &x->r->res_opts);
}

static int net_options(struct adm *a, const struct adm_ctx *x)
{
	const char *objs[] = { x->r->name, x->k->peer->node_id, NULL };

	return options_call(a, "net-options", objs, &x->k->net_opts);
}

static int disk_options(struct adm *a, const struct adm_ctx *x)
{
	const char *objs[] = { conf_printf(a->c, "%d", x->v->minor), NULL };

	return options_call(a, "disk-options", objs, &x->v->disk_opts);
}

/* RES PEER [LOCAL REMOTE] */
static int conn_call(struct adm *a, const struct adm_ctx *x, const char *cmd)
{
	struct adm_argv av = adm_setup(a, cmd);

	adm_arg(a, &av, x->r->name);
	adm_arg(a, &av, x->k->peer->node_id);
	if (x->path_local) {
		adm_arg(a, &av, x->path_local);
		adm_arg(a, &av, x->path_remote);
	}
	return adm_run(a, &av, false);
}

static int disconnect(struct adm *a, const struct adm_ctx *x)
{
	return conn_call(a, x, "disconnect");
}

static int del_path(struct adm *a, const struct adm_ctx *x)
{
	return conn_call(a, x, "del-path");
}

static int new_path(struct adm *a, const struct adm_ctx *x)
{
	return conn_call(a, x, "new-path");
}

/* ---- what differs ------------------------------------------------------- */

static bool run_has_path(const struct run_conn *rc, const char *local, const char *remote)
{
	for (int i = 0; i < rc->npaths; i++)
		if (!strcmp(rc->local[i], local) && !strcmp(rc->remote[i], remote))
			return true;
	return false;
}

static bool conf_has_path(struct adm *a, const struct conf_connection *k, const char *local,
			  const char *remote)
{
	const struct conf_path *p;

	conf_for_each(p, k->paths)
		if (p->my_addr && p->peer_addr &&
		    !strcmp(adm_addr_arg(a, p->my_addr), local) &&
		    !strcmp(adm_addr_arg(a, p->peer_addr), remote))
			return true;
	return false;
}

/* Paths: those that went (after a disconnect, unless StandAlone), then
 * those that came. Returns whether the connection must connect again. */
static bool adjust_paths(struct adm *a, struct adm_ctx *t, const struct run_conn *rc)
{
	const struct conf_path *p;
	bool reconnect = false;

	for (int i = 0; i < rc->npaths; i++) {
		if (conf_has_path(a, t->k, rc->local[i], rc->remote[i]))
			continue;
		if (!rc->standalone && !reconnect)
			adm_schedule(a, ADM_ST_NET_DISCONNECT, "disconnect", disconnect, t);
		reconnect = true;
		t->path_local = conf_strdup(a->c, rc->local[i]);
		t->path_remote = conf_strdup(a->c, rc->remote[i]);
		adm_schedule(a, ADM_ST_NET_PATH, "del-path", del_path, t);
	}
	conf_for_each(p, t->k->paths) {
		if (!p->my_addr || !p->peer_addr)
			continue;
		t->path_local = adm_addr_arg(a, p->my_addr);
		t->path_remote = adm_addr_arg(a, p->peer_addr);
		if (!run_has_path(rc, t->path_local, t->path_remote))
			adm_schedule(a, ADM_ST_NET_PATH, "new-path", new_path, t);
	}
	t->path_local = t->path_remote = NULL;
	return reconnect;
}

/* Peer-device options per volume of ours, as up does for adjust: where
 * they differ, or for a volume that is not running yet; a new connection
 * only where some are configured. */
static void adjust_pd_options(struct adm *a, struct adm_ctx *t, struct run_res *run,
			      struct run_conn *rc)
{
	static const struct conf_opts none;
	struct conf_volume *v;

	conf_for_each(v, t->r->me->volumes.head) {
		struct conf_peer_device *pd = conf_peer_device(t->k, v->vnr);
		struct run_pd *have = rc ? run_pd(rc, v->vnr) : NULL;

		if (!rc && (!pd || !pd->pd_opts.head))
			continue;	/* a new connection: as up */
		if (rc && run_volume(run, v->vnr) &&
		    !opts_differ(CONF_SEC_PEER_DEVICE, pd ? &pd->pd_opts : &none,
				 have ? &have->opts : NULL))
			continue;
		t->v = v;
		adm_schedule(a, ADM_ST_PEER_DEVICE, "peer-device-options", adm_pd_defaults, t);
	}
	t->v = NULL;
}

static void adjust_connection(struct adm *a, struct adm_ctx *t, struct run_res *run)
{
	struct run_conn *rc = run_conn(run, atoi(t->k->peer->node_id));
	bool reconnect;

	if (!rc) {
		adm_schedule(a, ADM_ST_NET_PREP_UP, "new-peer", adm_new_peer, t);
		adm_schedule(a, ADM_ST_NET_PATH, "new-path", adm_new_path, t);
		adjust_pd_options(a, t, run, NULL);
		adm_schedule(a, ADM_ST_NET_CONNECT, "connect", adm_connect, t);
		return;
	}
	reconnect = adjust_paths(a, t, rc) || rc->standalone;
	if (opts_differ(CONF_SEC_NET, &t->k->net_opts, &rc->net))
		adm_schedule(a, ADM_ST_NET, "net-options", net_options, t);
	adjust_pd_options(a, t, run, rc);
	if (reconnect)
		adm_schedule(a, ADM_ST_NET_CONNECT, "connect", adm_connect, t);
}

static void adjust_volume(struct adm *a, struct adm_ctx *t, struct run_res *run)
{
	struct run_volume *rv = run_volume(run, t->v->vnr);

	if (!rv) {
		adm_schedule(a, ADM_ST_DISK_PREP_UP, "new-minor", adm_new_minor, t);
		if (t->v->disk)
			adm_schedule(a, ADM_ST_DISK, "attach", adm_attach, t);
		return;
	}
	if (t->v->disk && !rv->has_disk)
		adm_schedule(a, ADM_ST_DISK, "attach", adm_attach, t);
	else if (t->v->disk && opts_differ(CONF_SEC_DISK, &t->v->disk_opts, &rv->disk_opts))
		adm_schedule(a, ADM_ST_DISK, "disk-options", disk_options, t);
}

int adm_adjust_running(struct adm *a, const struct adm_ctx *x, const char *show)
{
	struct run_res *run = calloc(1, sizeof(*run));
	struct adm_ctx t = *x;
	struct conf_connection *k;
	struct conf_volume *v;

	if (!run)
		return CONF_E_NOMEM;
	if (run_parse_show(show, run)) {
		fprintf(stderr, "drbdadm adjust %s: cannot read 'drbdsetup show'; nothing done\n",
			x->r->name);
		free(run);
		return CONF_E_EXEC;
	}
	if (opts_differ(CONF_SEC_RES, &x->r->res_opts, &run->res_opts))
		adm_schedule(a, ADM_ST_RESOURCE, "resource-options", res_options, &t);
	conf_for_each(k, x->r->conns) {
		if (k->ignore || !k->peer)
			continue;
		t.k = k;
		adjust_connection(a, &t, run);
	}
	t.k = NULL;
	conf_for_each(v, x->r->me->volumes.head) {
		t.v = v;
		adjust_volume(a, &t, run);
	}
	free(run);
	return 0;
}
