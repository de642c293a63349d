/* conf: arena allocation and the list helpers of the model. */
#include "conf/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One chunk per allocation: a configuration is a few thousand small
 * objects at most, and one free walk releases them. */
struct conf_arena {
	struct conf_arena *next;
	max_align_t data[];
};

void *conf_zalloc(struct conf *c, size_t len)
{
	struct conf_arena *a = calloc(1, sizeof(*a) + len);

	if (!a) {
		fprintf(stderr, "out of memory\n");
		exit(CONF_E_NOMEM);
	}
	a->next = c->arena;
	c->arena = a;
	return a->data;
}

const char *conf_strdup(struct conf *c, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = conf_zalloc(c, n);

	memcpy(d, s, n);
	return d;
}

const char *conf_printf(struct conf *c, const char *fmt, ...)
{
	va_list ap;
	char *d;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	d = conf_zalloc(c, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

void conf_free(struct conf *c)
{
	struct conf_arena *a, *n;

	if (!c)
		return;
	for (a = c->arena; a; a = n) {
		n = a->next;
		free(a);
	}
	free(c);
}

struct conf_opt *conf_opt_new(struct conf *c, const char *name, const char *value)
{
	struct conf_opt *o = conf_zalloc(c, sizeof(*o));

	o->name = name;
	o->value = value;
	return o;
}

void conf_opts_tail(struct conf_opts *l, struct conf_opt *o)
{
	o->next = NULL;
	if (l->tail)
		l->tail->next = o;
	else
		l->head = o;
	l->tail = o;
}

void conf_opts_head(struct conf_opts *l, struct conf_opt *o)
{
	o->next = l->head;
	l->head = o;
	if (!l->tail)
		l->tail = o;
}

void conf_opts_concat(struct conf_opts *l, struct conf_opts *more)
{
	if (!more->head)
		return;
	if (l->tail)
		l->tail->next = more->head;
	else
		l->head = more->head;
	l->tail = more->tail;
	more->head = more->tail = NULL;
}

struct conf_opt *conf_opts_find(const struct conf_opts *l, const char *name)
{
	struct conf_opt *o;

	conf_for_each(o, l->head)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

bool conf_opts_del(struct conf_opts *l, const char *name)
{
	struct conf_opt **pp, *prev = NULL;

	for (pp = &l->head; *pp; prev = *pp, pp = &(*pp)->next) {
		if (strcmp((*pp)->name, name))
			continue;
		if (l->tail == *pp)
			l->tail = prev;
		*pp = (*pp)->next;
		return true;
	}
	return false;
}

void conf_names_add(struct conf *c, struct conf_names *l, const char *name)
{
	struct conf_name *n = conf_zalloc(c, sizeof(*n));

	n->name = name;
	if (l->tail)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
}

/* Host names are DNS names: case does not matter, and a short name
 * matches a qualified one by its first label (as drbdadm matches them). */
static bool hostnames_equal(const char *a, const char *b)
{
	size_t la = strcspn(a, "."), lb = strcspn(b, ".");

	if (a[la] && b[lb])
		return !strcasecmp(a, b);
	return la == lb && !strncasecmp(a, b, la);
}

bool conf_names_has(const struct conf_names *l, const char *name)
{
	struct conf_name *n;

	conf_for_each(n, l->head)
		if (hostnames_equal(n->name, name))
			return true;
	return false;
}

const char *conf_names_str(struct conf *c, const struct conf_names *l, char sep)
{
	struct conf_name *n;
	size_t len = 1;
	char *s, *p;

	conf_for_each(n, l->head)
		len += strlen(n->name) + 1;
	p = s = conf_zalloc(c, len);
	conf_for_each(n, l->head) {
		if (p != s)
			*p++ = sep;
		strcpy(p, n->name);
		p += strlen(p);
	}
	return s;
}

/* Volumes are kept sorted by number, as drbdadm does. */
void conf_volumes_insert(struct conf_volumes *l, struct conf_volume *v)
{
	struct conf_volume **pp = &l->head;

	while (*pp && (*pp)->vnr <= v->vnr)
		pp = &(*pp)->next;
	v->next = *pp;
	*pp = v;
	if (!v->next)
		l->tail = v;
}

struct conf_volume *conf_volume(struct conf_volumes *vols, int vnr)
{
	struct conf_volume *v;

	conf_for_each(v, vols->head)
		if (v->vnr == vnr)
			return v;
	return NULL;
}

struct conf_host *conf_host_by_name(struct conf_resource *r, const char *name)
{
	struct conf_host *h;

	conf_for_each(h, r->hosts)
		if (conf_names_has(&h->on_hosts, name))
			return h;
	return NULL;
}

struct conf_peer_device *conf_peer_device(struct conf_connection *k, int vnr)
{
	struct conf_peer_device *pd;

	conf_for_each(pd, k->pds)
		if (pd->vnr == vnr)
			return pd;
	return NULL;
}

struct conf_resource *conf_resource(struct conf *c, const char *name)
{
	struct conf_resource *r;

	conf_for_each(r, c->resources)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

void conf_error(struct conf *c, const char *file, int line, int col,
		const char *fmt, ...)
{
	va_list ap;

	if (col > 0)
		fprintf(stderr, "%s:%d:%d: ", file, line, col);
	else if (line > 0)
		fprintf(stderr, "%s:%d: ", file, line);
	else
		fprintf(stderr, "%s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	c->valid = false;
	c->nr_errors++;
}
