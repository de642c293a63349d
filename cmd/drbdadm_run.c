/* drbdadm: building, printing and running drbdsetup/drbdmeta calls, and
 * the staged execution of "up". */
#include "cmd/drbdadm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plat/plat.h"

void adm_arg(struct adm *a, struct adm_argv *av, const char *s)
{
	(void)a;
	if (av->n < (int)(sizeof(av->v) / sizeof(av->v[0])) - 1)
		av->v[av->n++] = s;
	av->v[av->n] = NULL;
}

void adm_argf(struct adm *a, struct adm_argv *av, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	adm_arg(a, av, conf_strdup(a->c, buf));
}

static bool takes(const struct adm_cmd *cmd, const char *opt)
{
	const char *const *t;
	size_t n = strcspn(opt + 2, "=");

	for (t = cmd->takes; t && *t; t++)
		if (strlen(*t) == n && !strncmp(*t, opt + 2, n))
			return true;
	return false;
}

void adm_backend_opts(struct adm *a, struct adm_argv *av)
{
	int i;

	for (i = 0; i < a->nbackend; i++)
		if (takes(a->cmd, a->backend[i]))
			adm_arg(a, av, a->backend[i]);
}

void adm_opts(struct adm *a, struct adm_argv *av, const struct conf_opts *o)
{
	const struct conf_opt *x;

	conf_for_each(x, o->head)
		adm_argf(a, av, "--%s=%s", x->name, x->value);
}

/* Backslash before every character outside [%+-./0-9:=@A-Z_a-z], as
 * drbd-utils prints command lines (they can be pasted into a shell). */
static void print_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (!strchr("%+-./:=@_", *s) && !(*s >= '0' && *s <= '9') &&
		    !(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z'))
			fputc('\\', f);
		fputc(*s, f);
	}
}

int adm_run(struct adm *a, struct adm_argv *av, bool quiet)
{
	int i, code = 0, ret;

	if (a->dry_run || a->verbose) {
		for (i = 0; i < av->n; i++) {
			print_escaped(stdout, av->v[i]);
			if (i + 1 < av->n)
				putchar(' ');
		}
		putchar('\n');
		if (a->dry_run)
			return 0;
	}
	fflush(stdout);
	fflush(stderr);
	ret = plat_spawn_wait((char *const *)av->v, quiet, &code);
	if (ret) {
		fprintf(stderr, "Can not exec %s: %s\n", av->v[0], plat_strerror(ret));
		return CONF_E_EXEC;
	}
	if (code >= 10 && !quiet) {
		fprintf(stderr, "Command '");
		for (i = 0; i < av->n; i++)
			fprintf(stderr, "%s%s", av->v[i], i + 1 < av->n ? " " : "");
		fprintf(stderr, "' terminated with exit code %d\n", code);
	}
	return code;
}

const char *adm_meta_dev(const struct conf_volume *v)
{
	return !strcmp(v->meta_disk, "internal") ? v->disk : v->meta_disk;
}

struct adm_argv adm_drbdmeta_argv(struct adm *a, const struct adm_ctx *x, const char *cmd,
				  const char *arg, const char *node_id)
{
	const struct conf_volume *v = x->v;
	struct adm_argv av = { 0 };
	bool internal = !strcmp(v->meta_disk, "internal");

	adm_arg(a, &av, a->drbdmeta);
	adm_argf(a, &av, "%d", v->minor);
	adm_arg(a, &av, "v09");
	adm_arg(a, &av, adm_meta_dev(v));
	if (!strcmp(v->meta_index, "flexible"))
		adm_arg(a, &av, internal ? "flex-internal" : "flex-external");
	else
		adm_arg(a, &av, v->meta_index);
	if (node_id)
		adm_argf(a, &av, "--node-id=%s", node_id);
	adm_arg(a, &av, cmd);
	if (arg)
		adm_arg(a, &av, arg);
	return av;
}

int adm_drbdmeta(struct adm *a, const struct adm_ctx *x, const char *cmd,
		 const char *arg, const char *node_id)
{
	struct adm_argv av = adm_drbdmeta_argv(a, x, cmd, arg, node_id);

	adm_backend_opts(a, &av);
	return adm_run(a, &av, false);
}

void adm_schedule(struct adm *a, enum adm_stage st, const char *name,
		  int (*fn)(struct adm *, const struct adm_ctx *), const struct adm_ctx *x)
{
	struct adm_deferred *d = conf_zalloc(a->c, sizeof(*d));

	d->fn = fn;
	d->name = name;
	d->x = *x;
	if (a->tails[st])
		a->tails[st]->next = d;
	else
		a->stages[st] = d;
	a->tails[st] = d;
}

static bool res_failed(struct adm *a, const struct conf_resource *r)
{
	int i;

	for (i = 0; i < a->nfailed; i++)
		if (a->failed[i] == r)
			return true;
	return false;
}

/* A failure while creating objects makes the rest of that resource's
 * set-up pointless; failed options or attach still let it connect. */
static bool stage_is_prereq(enum adm_stage st)
{
	return st == ADM_ST_PREREQ || st == ADM_ST_DISK_PREP_DOWN ||
	       st == ADM_ST_DISK_PREP_UP || st == ADM_ST_NET_PREP_DOWN ||
	       st == ADM_ST_NET_PREP_UP;
}

int adm_run_deferred(struct adm *a)
{
	struct adm_deferred *d;
	int st, r, worst;

	for (st = 0; st < ADM_ST_LAST; st++) {
		worst = 0;
		conf_for_each(d, a->stages[st]) {
			if (res_failed(a, d->x.r)) {
				fprintf(stderr, "drbdadm: %s %s: skipped due to earlier error\n",
					d->name, d->x.r->name);
				continue;
			}
			r = d->fn(a, &d->x);
			if (r && stage_is_prereq(st) &&
			    a->nfailed < (int)(sizeof(a->failed) / sizeof(a->failed[0])))
				a->failed[a->nfailed++] = d->x.r;
			if (r > worst)
				worst = r;
		}
		if (worst)
			return 1;
	}
	return 0;
}
