/* drbdadm: reading `drbdsetup show` text (the drbd.conf-like layout DRBD 9's
 * drbdsetup prints: "_this_host", "_peer_node_id", "_remote_host",
 * "_is_standalone"), which is how drbd-utils' adjust learns the running
 * configuration too. */
#include "cmd/drbdadm_show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tok {
	const char *p;
	char word[RUN_STR];
	int err;
};

/* Next token: a word, a quoted string (unquoted), or one of { } ;.
 * Comments run to the end of the line. 0 at the end. */
static int next(struct tok *t)
{
	size_t n = 0;

	for (;;) {
		while (*t->p == ' ' || *t->p == '\t' || *t->p == '\n')
			t->p++;
		if (*t->p != '#')
			break;
		while (*t->p && *t->p != '\n')
			t->p++;
	}
	if (!*t->p)
		return 0;
	if (strchr("{};", *t->p)) {
		t->word[0] = *t->p++;
		t->word[1] = 0;
		return 1;
	}
	if (*t->p == '"') {
		for (t->p++; *t->p && *t->p != '"' && n + 1 < RUN_STR; t->p++)
			t->word[n++] = *t->p;
		if (*t->p == '"')
			t->p++;
	} else {
		while (*t->p && !strchr(" \t\n{};#", *t->p) && n + 1 < RUN_STR)
			t->word[n++] = *t->p++;
	}
	t->word[n] = 0;
	return 1;
}

static bool is(const struct tok *t, const char *w)
{
	return !strcmp(t->word, w);
}

static void expect(struct tok *t, const char *w)
{
	if (!next(t) || !is(t, w))
		t->err = -1;
}

/* The words of a statement up to ';' joined with ' ' ("ipv4 1.2.3.4:7789"). */
static void statement_rest(struct tok *t, char *out)
{
	size_t len = 0;

	out[0] = 0;
	while (!t->err && next(t) && !is(t, ";")) {
		if (is(t, "{") || is(t, "}")) {
			t->err = -1;
			return;
		}
		len += (size_t)snprintf(out + len, RUN_STR - len, "%s%s", len ? " " : "",
					t->word);
		if (len >= RUN_STR)
			len = RUN_STR - 1;
	}
}

/* "{ name value; ... }" after the section word. */
static void options(struct tok *t, struct run_opts *o)
{
	expect(t, "{");
	while (!t->err && next(t) && !is(t, "}")) {
		struct run_opt *x = &o->o[o->n];

		if (o->n == RUN_MAX_OPTS || strlen(t->word) >= sizeof(x->name)) {
			t->err = -1;
			return;
		}
		memcpy(x->name, t->word, strlen(t->word) + 1);
		statement_rest(t, x->value);
		o->n++;
	}
}

/* Skips a statement or a { } block whose first word was read. */
static void skip(struct tok *t)
{
	int depth = 0;

	while (!t->err && next(t)) {
		if (is(t, "{"))
			depth++;
		else if (is(t, "}") && --depth <= 0)
			return;
		else if (is(t, ";") && depth == 0)
			return;
	}
}

/* "disk {" (options) or "disk PATH;" */
static bool block_follows(const struct tok *t)
{
	const char *p = t->p;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return *p == '{';
}

/* "volume N {" of a new entry: its number (t->err when it is missing). */
static int volume_start(struct tok *t, int *count)
{
	int vnr;

	if (!next(t)) {
		t->err = -1;
		return -1;
	}
	vnr = atoi(t->word);
	(*count)++;
	expect(t, "{");
	return vnr;
}

static void volume(struct tok *t, struct run_res *r)
{
	char rest[RUN_STR];
	struct run_volume *v = &r->vols[r->nvols];

	if (r->nvols == RUN_MAX_VOLS) {
		t->err = -1;
		return;
	}
	memset(v, 0, sizeof(*v));
	v->vnr = volume_start(t, &r->nvols);
	v->minor = -1;
	while (!t->err && next(t) && !is(t, "}")) {
		if (is(t, "disk") && block_follows(t)) {
			options(t, &v->disk_opts);
		} else if (is(t, "disk")) {
			statement_rest(t, v->disk);
			v->has_disk = strcmp(v->disk, "none") != 0;
		} else if (is(t, "device")) {
			statement_rest(t, rest);
			if (!strncmp(rest, "minor ", 6))
				v->minor = atoi(rest + 6);
		} else {
			skip(t);
		}
	}
}

static void this_host(struct tok *t, struct run_res *r)
{
	expect(t, "{");
	while (!t->err && next(t) && !is(t, "}")) {
		if (is(t, "volume"))
			volume(t, r);
		else
			skip(t);
	}
}

/* "ipv4 1.2.3.4:7789" -> "ipv4:1.2.3.4:7789", as drbdsetup takes it. */
static void addr(struct tok *t, char *out)
{
	char *sp;

	statement_rest(t, out);
	sp = strchr(out, ' ');
	if (sp)
		*sp = ':';
}

static void path(struct tok *t, struct run_conn *c)
{
	int i = c->npaths;

	if (i == RUN_MAX_PATHS) {
		t->err = -1;
		return;
	}
	c->npaths++;
	expect(t, "{");
	while (!t->err && next(t) && !is(t, "}")) {
		if (is(t, "_this_host"))
			addr(t, c->local[i]);
		else if (is(t, "_remote_host"))
			addr(t, c->remote[i]);
		else
			skip(t);
	}
}

static void conn_volume(struct tok *t, struct run_conn *c)
{
	struct run_pd *pd = &c->pds[c->npds];

	if (c->npds == RUN_MAX_VOLS) {
		t->err = -1;
		return;
	}
	memset(pd, 0, sizeof(*pd));
	pd->vnr = volume_start(t, &c->npds);
	while (!t->err && next(t) && !is(t, "}")) {
		if (is(t, "disk"))
			options(t, &pd->opts);
		else
			skip(t);
	}
}

static void connection(struct tok *t, struct run_res *r)
{
	struct run_conn *c = &r->conns[r->nconns];
	char rest[RUN_STR];

	if (r->nconns == RUN_MAX_CONNS) {
		t->err = -1;
		return;
	}
	memset(c, 0, sizeof(*c));
	c->peer_node_id = -1;
	r->nconns++;
	expect(t, "{");
	while (!t->err && next(t) && !is(t, "}")) {
		if (is(t, "_peer_node_id")) {
			statement_rest(t, rest);
			c->peer_node_id = atoi(rest);
		} else if (is(t, "_is_standalone")) {
			c->standalone = true;
			expect(t, ";");
		} else if (is(t, "path")) {
			path(t, c);
		} else if (is(t, "net")) {
			options(t, &c->net);
		} else if (is(t, "volume")) {
			conn_volume(t, c);
		} else {
			skip(t);
		}
	}
}

int run_parse_show(const char *text, struct run_res *r)
{
	struct tok t = { .p = text };

	memset(r, 0, sizeof(*r));
	if (!next(&t) || !is(&t, "resource") || !next(&t))
		return -1;
	expect(&t, "{");
	while (!t.err && next(&t) && !is(&t, "}")) {
		if (is(&t, "options"))
			options(&t, &r->res_opts);
		else if (is(&t, "_this_host"))
			this_host(&t, r);
		else if (is(&t, "connection"))
			connection(&t, r);
		else
			skip(&t);
	}
	return t.err;
}

struct run_volume *run_volume(struct run_res *r, int vnr)
{
	for (int i = 0; i < r->nvols; i++)
		if (r->vols[i].vnr == vnr)
			return &r->vols[i];
	return NULL;
}

struct run_conn *run_conn(struct run_res *r, int peer_node_id)
{
	for (int i = 0; i < r->nconns; i++)
		if (r->conns[i].peer_node_id == peer_node_id)
			return &r->conns[i];
	return NULL;
}

struct run_pd *run_pd(struct run_conn *c, int vnr)
{
	for (int i = 0; i < c->npds; i++)
		if (c->pds[i].vnr == vnr)
			return &c->pds[i];
	return NULL;
}
