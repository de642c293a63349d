/* drbdadm HANDLER RESOURCE: what udrbdd (or DRBD's kernel) calls as its
 * usermode helper. Runs the command the resource's handlers section names
 * for the event with /bin/sh -c, passing the environment it was given on
 * and adding what the configuration knows, as drbd-utils' drbdadm does:
 * DRBD_RESOURCE, DRBD_CONF, DRBD_MY_NODE_ID, DRBD_NODE_ID_<id>=<host>,
 * and for the volume named by DRBD_VOLUME (or the only one) DRBD_MINOR,
 * DRBD_VOLUME, DRBD_LL_DISK. No handler configured: exit 0. */
#include "cmd/drbdadm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_var(const char *name, const char *value)
{
#ifdef _WIN32
	_putenv_s(name, value);
#else
	setenv(name, value, 1);
#endif
}

static void set_num(const char *name, int value)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", value);
	set_var(name, buf);
}

static const struct conf_volume *handler_volume(const struct adm_ctx *x)
{
	struct conf_volumes *vols = &x->r->me->volumes;
	const char *vnr = getenv("DRBD_VOLUME");

	if (x->v)
		return x->v;
	if (vnr && *vnr)
		return conf_volume(vols, atoi(vnr));
	return vols->head && !vols->head->next ? vols->head : NULL;
}

static void set_hosts(const struct conf_resource *r)
{
	const struct conf_host *h;
	char name[32];

	conf_for_each(h, r->hosts) {
		if (!h->node_id || !h->on_hosts.head)
			continue;
		snprintf(name, sizeof(name), "DRBD_NODE_ID_%s", h->node_id);
		set_var(name, h->on_hosts.head->name);
	}
	if (r->me && r->me->node_id)
		set_var("DRBD_MY_NODE_ID", r->me->node_id);
}

int adm_khelper(struct adm *a, const struct adm_ctx *x)
{
	const struct conf_opt *o = conf_opts_find(&x->r->handlers, a->cmd->name);
	const struct conf_volume *v = handler_volume(x);
	struct adm_argv av = { 0 };

	set_var("DRBD_RESOURCE", x->r->name);
	set_var("DRBD_CONF", a->c->file);
	set_hosts(x->r);
	if (v) {
		set_num("DRBD_MINOR", v->minor);
		set_num("DRBD_VOLUME", v->vnr);
		set_var("DRBD_LL_DISK", v->disk ? v->disk : "none");
	}
	if (!o || !o->value)
		return 0;
	adm_arg(a, &av, "/bin/sh");
	adm_arg(a, &av, "-c");
	adm_arg(a, &av, o->value);
	return adm_run(a, &av, false);
}
