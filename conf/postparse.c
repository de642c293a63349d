/* conf: the checks and derivations after parsing, in drbdadm's order:
 * resource-level volumes copied into every host section, volume sets
 * equal on all hosts, connections from meshes (or the one implicit
 * connection of a two-host resource), host sections bound to every path
 * endpoint, this host's section found, peer devices completed. */
#include "conf/lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plat/plat.h"

static void inherit_volumes(struct conf *c, struct conf_resource *r, struct conf_host *h)
{
	struct conf_volume *s, *t;
	struct conf_name *n;

	conf_for_each(s, r->volumes.head) {
		t = conf_volume(&h->volumes, s->vnr);
		if (!t) {
			t = conf_zalloc(c, sizeof(*t));
			t->minor = -1;
			t->vnr = s->vnr;
			t->implicit = s->implicit;
			t->file = s->file;
			t->device_line = s->device_line;
			t->disk_line = s->disk_line;
			conf_volumes_insert(&h->volumes, t);
		}
		if (!t->disk && s->disk)
			t->disk = s->disk;
		if (!t->device && s->device)
			t->device = s->device;
		if (t->minor == -1 && s->minor != -1) {
			t->minor = s->minor;
			conf_for_each(n, h->on_hosts.head) {
				conf_uniq(c, t->file, t->device_line, "device-minor",
					  conf_printf(c, "device-minor:%s:%d", n->name, t->minor));
				if (t->device)
					conf_uniq(c, t->file, t->device_line, "device",
						  conf_printf(c, "device:%s:%s", n->name, t->device));
			}
		}
		if (!t->meta_disk && s->meta_disk) {
			t->meta_disk = s->meta_disk;
			t->meta_index = s->meta_index;
		}
	}
}

static void missing(struct conf *c, struct conf_resource *r, struct conf_host *h,
		    const char *what)
{
	conf_error(c, r->file, h->line, 0, "in resource %s, on %s { ... }: '%s' keyword missing.",
		   r->name, conf_names_str(c, &h->on_hosts, ' '), what);
}

static void check_volume_complete(struct conf *c, struct conf_resource *r,
				  struct conf_host *h, struct conf_volume *v)
{
	struct conf_name *n;

	if (!v->device && v->minor == -1)
		missing(c, r, h, "device");
	if (v->meta_disk && strcmp(v->meta_disk, "internal"))
		conf_for_each(n, h->on_hosts.head)
			conf_uniq(c, v->file, v->disk_line, "meta-disk",
				  conf_printf(c, "%s:%s[%s]", n->name, v->meta_disk, v->meta_index));
	if (!v->disk && !v->meta_disk && !v->meta_index)
		return;
	if (v->disk && !strcmp(v->disk, "none"))
		return;
	if (!v->disk)
		missing(c, r, h, "disk");
	if (!v->meta_disk && !v->meta_index) {
		/* No meta-disk statement means internal meta data. */
		v->meta_disk = "internal";
		v->meta_index = "internal";
	}
}

static void check_volume_sets(struct conf *c, struct conf_resource *r)
{
	struct conf_host *h1 = r->hosts, *h2;
	struct conf_volume *a, *b;

	if (!h1)
		return;
	conf_for_each(h2, h1->next) {
		for (a = h1->volumes.head; a; a = a->next) {
			b = conf_volume(&h2->volumes, a->vnr);
			if (!b)
				conf_error(c, r->file, h2->line, 0, "in resource %s, on %s { ... }: "
					   "volume %d missing (present on %s)", r->name,
					   conf_names_str(c, &h2->on_hosts, ' '), a->vnr,
					   conf_names_str(c, &h1->on_hosts, ' '));
			else if (a->implicit != b->implicit)
				conf_error(c, r->file, h2->line, 0, "in resource %s: volume %d must "
					   "not be implicit on one host but not the other",
					   r->name, a->vnr);
		}
		for (b = h2->volumes.head; b; b = b->next)
			if (!conf_volume(&h1->volumes, b->vnr))
				conf_error(c, r->file, h2->line, 0, "in resource %s, on %s { ... }: "
					   "volume %d not defined on %s", r->name,
					   conf_names_str(c, &h2->on_hosts, ' '), b->vnr,
					   conf_names_str(c, &h1->on_hosts, ' '));
	}
}

static void volumes_of_hosts(struct conf *c, struct conf_resource *r)
{
	bool any_implicit = false, any_nonzero = false;
	struct conf_volume *v;
	struct conf_host *h;

	conf_for_each(h, r->hosts) {
		inherit_volumes(c, r, h);
		conf_for_each(v, h->volumes.head) {
			any_implicit |= v->implicit;
			any_nonzero |= v->vnr != 0;
			check_volume_complete(c, r, h, v);
		}
	}
	check_volume_sets(c, r);
	if (any_implicit && any_nonzero)
		conf_error(c, r->file, r->line, 0, "in resource %s: you must not mix "
			   "implicit and explicit volumes", r->name);
}

static struct conf_ha *new_ha(struct conf *c, struct conf_path *p, struct conf_host *h)
{
	struct conf_ha *ha = conf_zalloc(c, sizeof(*ha));

	ha->host = h;
	ha->name = h->on_hosts.head->name;
	if (p->has_tail)
		p->has_tail->next = ha;
	else
		p->has = ha;
	p->has_tail = ha;
	return ha;
}

static struct conf_connection *new_implicit_conn(struct conf *c, struct conf_resource *r)
{
	struct conf_connection *k = conf_zalloc(c, sizeof(*k));

	k->implicit = true;
	k->paths = k->paths_tail = conf_zalloc(c, sizeof(*k->paths));
	k->paths->implicit = true;
	if (r->conns_tail)
		r->conns_tail->next = k;
	else
		r->conns = k;
	r->conns_tail = k;
	return k;
}

static void connections_from_mesh(struct conf *c, struct conf_resource *r,
				  struct conf_mesh *m)
{
	struct conf_name *n1, *n2;
	struct conf_host *h1, *h2;
	struct conf_connection *k;
	struct conf_opt *o;

	conf_for_each(n1, m->hosts.head) {
		if (!(h1 = conf_host_by_name(r, n1->name)))
			goto unknown;
		conf_for_each(n2, n1->next) {
			if (!(h2 = conf_host_by_name(r, n2->name))) {
				n1 = n2;
				goto unknown;
			}
			if (h1 == h2)
				continue;
			k = new_implicit_conn(c, r);
			/* Inherited options go in front one by one (reversed),
			 * and count as inherited: a resource value that differs
			 * is then ambiguous (conf/expand.c). */
			conf_for_each(o, m->net_opts.head) {
				struct conf_opt *n = conf_opt_new(c, o->name, o->value);

				n->inherited = true;
				conf_opts_head(&k->net_opts, n);
			}
			new_ha(c, k->paths, h1);
			new_ha(c, k->paths, h2);
		}
	}
	return;
unknown:
	conf_error(c, r->file, r->line, 0, "in resource %s:\n\tThere is no 'on' section "
		   "for hostname '%s' named in the connection-mesh", r->name, n1->name);
}

static void implicit_connection(struct conf *c, struct conf_resource *r)
{
	struct conf_connection *k;
	struct conf_host *h;
	int hosts = 0;

	if (r->conns)
		return;
	conf_for_each(h, r->hosts)
		hosts++;
	if (hosts > 2)
		fprintf(stderr, "Resource %s:\n\tUse explicit 'connection' sections (or a "
			"'connection-mesh' section) with more than two 'on' sections.\n",
			r->name);
	if (hosts != 2)
		return;
	k = new_implicit_conn(c, r);
	conf_for_each(h, r->hosts)
		if (h->addr.af && h->addr.addr && h->addr.port)
			new_ha(c, k->paths, h);
}

static struct conf_host *host_by_addr(struct conf_resource *r, const struct conf_addr *a)
{
	struct conf_host *h;

	conf_for_each(h, r->hosts)
		if (h->addr.addr && !strcmp(h->addr.addr, a->addr) &&
		    !strcmp(h->addr.port, a->port) && !strcmp(h->addr.af, a->af))
			return h;
	return NULL;
}

static void bind_endpoint(struct conf *c, struct conf_resource *r, struct conf_ha *ha)
{
	struct conf_host *h = ha->host;

	if (!h && ha->by_address) {
		h = host_by_addr(r, &ha->addr);
		if (h)
			ha->name = conf_names_str(c, &h->on_hosts, '_');
	} else if (!h) {
		h = conf_host_by_name(r, ha->name);
	}
	if (!h) {
		conf_error(c, r->file, ha->line, 0, "in resource %s a hostname (\"%s\") is "
			   "given\nwith a \"host\" keyword, has no \"address\" keyword, and no "
			   "matching\nhost section (\"on\" keyword)", r->name, ha->name);
		return;
	}
	ha->host = h;
	if (!ha->addr.addr || !ha->addr.af) {
		ha->addr.addr = h->addr.addr;
		ha->addr.af = h->addr.af;
	}
	if (!ha->addr.port)
		ha->addr.port = h->addr.port;
	if (!ha->addr.addr || !ha->addr.port)
		conf_error(c, r->file, ha->line, 0, "Resource %s, host %s: cannot determine "
			   "which address or port to use", r->name, ha->name);
}

static void connections_of(struct conf *c, struct conf_resource *r)
{
	struct conf_connection *k;
	struct conf_mesh *m;
	struct conf_path *p;
	struct conf_host *h;
	struct conf_ha *ha;
	int n;

	conf_for_each(k, r->conns)
		conf_for_each(p, k->paths) {
			n = 0;
			conf_for_each(ha, p->has)
				n++;
			if (n != 2)
				conf_error(c, r->file, p->line ? p->line : k->line, 0,
					   "Resource %s: %s needs to have two endpoints",
					   r->name, p->implicit ? "connection" : "path");
		}
	if (!c->valid)
		return;
	conf_for_each(m, r->meshes)
		connections_from_mesh(c, r, m);
	implicit_connection(c, r);
	conf_for_each(k, r->conns)
		conf_for_each(p, k->paths)
			conf_for_each(ha, p->has)
				bind_endpoint(c, r, ha);
	conf_for_each(h, r->hosts)
		if (!h->node_id)
			missing(c, r, h, "node-id");
}

/* Binding a socket to an address succeeds only for local addresses,
 * on every OS, without walking interface lists. */
bool conf_have_ip(const char *addr)
{
	plat_sock s;

	if (plat_udp_bind(addr, 0, &s))
		return false;
	plat_sock_close(s);
	return true;
}

static bool is_me(struct conf *c, struct conf_host *h)
{
	/* floating: an address of this machine; the address given as the
	 * host name also counts, as drbdadm allows for testing. */
	if (h->by_address)
		return h->addr.addr && (!strcmp(c->hostname, h->addr.addr) ||
					conf_have_ip(h->addr.addr));
	return conf_names_has(&h->on_hosts, c->hostname);
}

static void set_me(struct conf *c, struct conf_resource *r)
{
	struct conf_connection *k;
	struct conf_path *p;
	struct conf_host *h;
	struct conf_ha *ha;

	conf_for_each(h, r->hosts) {
		if (!is_me(c, h))
			continue;
		if (r->me)
			conf_error(c, r->file, h->line, 0, "in resource %s, on %s { ... } ... "
				   "on %s { ... }:\n\tThere are multiple host sections for this "
				   "node.", r->name, conf_names_str(c, &r->me->on_hosts, ' '),
				   conf_names_str(c, &h->on_hosts, ' '));
		r->me = h;
		h->used_as_me = true;
	}
	if (!r->me) {
		r->ignore = true;
		return;
	}
	conf_for_each(k, r->conns)
		conf_for_each(p, k->paths) {
			conf_for_each(ha, p->has)
				if (ha->host && ha->host->used_as_me)
					break;
			if (!ha) {
				k->ignore = true;
				continue;
			}
			ha->used_as_me = true;
			if (!p->my_addr)
				p->my_addr = ha->addr.addr ? &ha->addr : &r->me->addr;
		}
}

static void fixup_peer_devices(struct conf *c, struct conf_resource *r)
{
	struct conf_peer_device *pd;
	struct conf_connection *k;
	struct conf_volume *v;
	struct conf_ha *ha;

	conf_for_each(k, r->conns) {
		if (!k->paths || !k->paths->has || !k->paths->has->host)
			continue;
		conf_for_each(pd, k->pds)
			conf_for_each(ha, k->paths->has)
				if (ha->host && !conf_volume(&ha->host->volumes, pd->vnr))
					conf_error(c, r->file, pd->line, 0, "Resource %s: There is a "
						   "reference to a volume %d that is not known in this "
						   "resource on host %s", r->name, pd->vnr, ha->name);
		conf_for_each(v, k->paths->has->host->volumes.head) {
			if (conf_peer_device(k, v->vnr))
				continue;
			pd = conf_zalloc(c, sizeof(*pd));
			pd->vnr = v->vnr;
			pd->implicit = true;
			if (k->pds_tail)
				k->pds_tail->next = pd;
			else
				k->pds = pd;
			k->pds_tail = pd;
		}
	}
}

void conf_post_parse(struct conf *c)
{
	struct conf_resource *r;

	conf_for_each(r, c->resources)
		volumes_of_hosts(c, r);
	conf_for_each(r, c->resources)
		connections_of(c, r);
	conf_for_each(r, c->resources)
		set_me(c, r);
	conf_for_each(r, c->resources)
		fixup_peer_devices(c, r);
	conf_for_each(r, c->resources)
		if (!r->hosts)
			conf_error(c, r->file, r->line, 0, "in resource %s:\n\ta host sections "
				   "('on %s { ... }') is missing.", r->name, c->hostname);
}
