/* conf: option inheritance and peer binding, drbdadm's expansion step.
 *
 * An inherited option is put in front of the inheriting list, one after
 * the other, so a block of inherited options ends up reversed ahead of the
 * list's own options. drbdadm passes options to drbdsetup in list order,
 * so this order is part of the command lines we must reproduce. */
#include "conf/lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Two parents giving an option different values (a volume inheriting
 * from the resource and from its resource-level volume section) is an
 * error; the same value twice is fine. */
static void inherit(struct conf *c, const struct conf_resource *r,
		    const struct conf_opts *from, struct conf_opts *to)
{
	struct conf_opt *o, *n, *had;

	conf_for_each(o, from->head) {
		if ((had = conf_opts_find(to, o->name))) {
			if (had->inherited && strcmp(had->value, o->value))
				conf_error(c, r->file, r->line, 0, "in resource %s, ambiguous "
					   "inheritance for option \"%s\".\nshould be \"%s\" and "
					   "\"%s\" at the same time", r->name, o->name,
					   had->value, o->value);
			continue;
		}
		n = conf_opt_new(c, o->name, o->value);
		n->inherited = true;
		conf_opts_head(to, n);
	}
}

static void default_devices(struct conf *c, struct conf_resource *r)
{
	struct conf_volume *v;
	struct conf_host *h;

	conf_for_each(h, r->hosts)
		conf_for_each(v, h->volumes.head) {
			if (v->disk && !strcmp(v->disk, "none")) {
				v->disk = NULL;
				v->meta_disk = NULL;
				v->meta_index = NULL;
			}
			if (!v->device && !c->windows)
				v->device = conf_printf(c, "/dev/drbd%d", v->minor);
		}
}

static void expand_connections(struct conf *c, struct conf_resource *r)
{
	struct conf_peer_device *pd;
	struct conf_connection *k;
	struct conf_volume *v;
	struct conf_ha *ha;

	conf_for_each(k, r->conns)
		inherit(c, r, &r->net_opts, &k->net_opts);
	conf_for_each(k, r->conns) {
		conf_for_each(pd, k->pds)
			inherit(c, r, &k->pd_opts, &pd->pd_opts);
		if (!k->paths)
			continue;
		conf_for_each(ha, k->paths->has) {
			if (!ha->host)
				continue;
			conf_for_each(v, ha->host->volumes.head)
				if ((pd = conf_peer_device(k, v->vnr)))
					inherit(c, r, &v->pd_opts, &pd->pd_opts);
		}
	}
}

static void expand_resource(struct conf *c, struct conf_resource *r)
{
	struct conf_resource *t = r->tmpl ? r->tmpl : c->common;
	struct conf_volume *v, *hv;
	struct conf_host *h;

	default_devices(c, r);
	if (t) {
		inherit(c, r, &t->net_opts, &r->net_opts);
		inherit(c, r, &t->disk_opts, &r->disk_opts);
		inherit(c, r, &t->pd_opts, &r->pd_opts);
		inherit(c, r, &t->startup_opts, &r->startup_opts);
		r->stacked_timeouts |= t->stacked_timeouts;
		inherit(c, r, &t->handlers, &r->handlers);
		inherit(c, r, &t->res_opts, &r->res_opts);
	}
	conf_for_each(h, r->hosts)
		conf_for_each(v, h->volumes.head) {
			inherit(c, r, &r->disk_opts, &v->disk_opts);
			inherit(c, r, &r->pd_opts, &v->pd_opts);
		}
	conf_for_each(v, r->volumes.head)
		conf_for_each(h, r->hosts) {
			if (!(hv = conf_volume(&h->volumes, v->vnr)))
				continue;
			inherit(c, r, &v->disk_opts, &hv->disk_opts);
			inherit(c, r, &v->pd_opts, &hv->pd_opts);
		}
	expand_connections(c, r);
}

/* resync-after names a resource (or RES/VOLUME); the kernel takes the
 * minor of that volume on this host. */
static void convert_resync_after(struct conf *c, struct conf_resource *r,
				 struct conf_volume *v)
{
	struct conf_resource *dep;
	struct conf_volume *dv;
	struct conf_opt *o;
	char name[256];
	const char *slash;

	conf_for_each(o, v->disk_opts.head) {
		if (strcmp(o->name, "resync-after"))
			continue;
		slash = strrchr(o->value, '/');
		snprintf(name, sizeof(name), "%.*s",
			 (int)(slash ? (size_t)(slash - o->value) : strlen(o->value)), o->value);
		dep = conf_resource(c, name);
		dv = NULL;
		if (dep && !dep->ignore && dep->me)
			dv = slash ? conf_volume(&dep->me->volumes, atoi(slash + 1)) :
			     dep->me->volumes.head && !dep->me->volumes.head->next ?
			     dep->me->volumes.head : NULL;
		if (!dv && c->no_tty) {
			fprintf(stderr, "%s:%d: in resource %s:\n\tresource '%s' mentioned in "
				"'resync-after' option is not known%s.\n", r->file, r->line,
				r->name, o->value, dep ? " on this host" : "");
			conf_opts_del(&v->disk_opts, "resync-after");
			continue;
		}
		if (!dv) {
			conf_error(c, r->file, r->line, 0, "in resource %s:\n\tresource '%s' "
				   "mentioned in 'resync-after' option is not known%s.",
				   r->name, o->value, dep ? " on this host" : "");
			continue;
		}
		o->value = conf_printf(c, "%d", dv->minor);
	}
}

void conf_expand(struct conf *c)
{
	struct conf_resource *r;

	conf_for_each(r, c->resources)
		expand_resource(c, r);
}

void conf_resolve_resync_after(struct conf *c)
{
	struct conf_resource *r;
	struct conf_volume *v;
	struct conf_host *h;

	conf_for_each(r, c->resources)
		conf_for_each(h, r->hosts)
			conf_for_each(v, h->volumes.head)
				convert_resync_after(c, r, v);
}

static void set_peer(struct conf *c, struct conf_resource *r, struct conf_connection *k)
{
	struct conf_ha *ha, *cand;
	struct conf_path *p;
	int hosts, cands;

	conf_for_each(p, k->paths) {
		hosts = cands = 0;
		cand = NULL;
		conf_for_each(ha, p->has) {
			hosts++;
			if (!ha->used_as_me) {
				cands++;
				cand = ha;
			}
		}
		if (hosts < 2) {
			conf_error(c, r->file, k->line, 0, "in connection in resource %s:\n"
				   "\tMissing statement 'host <PEER> '.", r->name);
			return;
		}
		if (cands != 1 || hosts != 2 || !cand->host) {
			conf_error(c, r->file, k->line, 0, "in connection in resource %s:\n"
				   "\tcannot determine the peer", r->name);
			return;
		}
		if (!k->peer)
			k->peer = cand->host;
		p->peer_addr = cand->addr.addr ? &cand->addr : &k->peer->addr;
	}
}

void conf_set_peers(struct conf *c, struct conf_resource *r)
{
	struct conf_peer_device *pd;
	struct conf_connection *k;
	struct conf_volume *v;

	if (r->peers_set || r->ignore)
		return;
	r->peers_set = true;
	conf_for_each(k, r->conns) {
		if (!k->ignore)
			set_peer(c, r, k);
		if (conf_opts_find(&k->net_opts, "_name") || !k->peer)
			continue;
		conf_opts_head(&k->net_opts, conf_opt_new(c, "_name",
				conf_names_str(c, &k->peer->on_hosts, '_')));
	}
	/* Towards a diskless peer there is no bitmap to keep. */
	conf_for_each(k, r->conns) {
		if (k->ignore || !k->peer)
			continue;
		conf_for_each(pd, k->pds) {
			v = conf_volume(&k->peer->volumes, pd->vnr);
			if (v && !v->disk)
				conf_opts_tail(&pd->pd_opts, conf_opt_new(c, "bitmap", "no"));
		}
	}
}
