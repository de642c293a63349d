/* Resource options (new-resource, resource-options): parsed with the
 * table `drbdsetup show` prints them from (ctl/show_opts.c), kept per
 * resource name for show and status. The engine acts on none of them yet
 * (quorum, auto-promote and on-no-data-accessible are later features), so
 * they live here and not in core/. All under eng->lock: every ctl command
 * and the snapshot run under it. */
#include "ctl/res_opts.h"
#include "ctl/args.h"
#include "ctl/show_opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct res_opts_entry {
	struct res_opts_entry *next;
	char name[CTL_NAME_LEN];
	struct ctl_res_opts opts;
};

static struct res_opts_entry *entries;

static struct res_opts_entry *find(const char *name, bool create)
{
	struct res_opts_entry *e;

	for (e = entries; e; e = e->next)
		if (!strcmp(e->name, name))
			return e;
	if (!create || !(e = calloc(1, sizeof(*e))))
		return NULL;
	snprintf(e->name, sizeof(e->name), "%s", name);
	ctl_res_opts_default(&e->opts);
	e->next = entries;
	entries = e;
	return e;
}

void ctl_res_opts_get(const char *name, struct ctl_res_opts *o)
{
	struct res_opts_entry *e = find(name, false);

	if (e)
		*o = e->opts;
	else
		ctl_res_opts_default(o);
}

/* quorum, quorum-minimum-redundancy: off, majority, all, or a count. */
static bool parse_enum_num(const char *v, uint32_t *out)
{
	uint64_t n;

	if (!strcmp(v, "off"))
		*out = CTL_QOU_OFF;
	else if (!strcmp(v, "majority"))
		*out = CTL_QOU_MAJORITY;
	else if (!strcmp(v, "all"))
		*out = CTL_QOU_ALL;
	else if (args_parse_num(v, 1, 1, 32, &n))
		*out = (uint32_t)n;
	else
		return false;
	return true;
}

static bool parse_one(const struct ctl_opt_def *d, const char *v, struct ctl_res_opts *o)
{
	uint32_t *u = (uint32_t *)((char *)o + d->off);
	uint64_t n;

	switch (d->kind) {
	case CTL_OPT_STRING:	/* cpu-mask, the only one */
		if (!v || strlen(v) >= sizeof(o->cpu_mask))
			return false;
		snprintf(o->cpu_mask, sizeof(o->cpu_mask), "%s", v);
		return true;
	case CTL_OPT_BOOL:
		if (v && strcmp(v, "yes") && strcmp(v, "no"))
			return false;
		*(bool *)u = !v || !strcmp(v, "yes");
		return true;
	case CTL_OPT_ENUM:
		for (size_t i = 0; v && i < d->n_names; i++)
			if (d->names[i] && !strcmp(d->names[i], v)) {
				*u = (uint32_t)i;
				return true;
			}
		return false;
	case CTL_OPT_ENUM_NUM:
		return v && parse_enum_num(v, u);
	default:
		if (!v || !args_parse_num(v, d->scale == 's' ? 512 : d->scale == 'k' ? 1024 : 1,
					  0, UINT32_MAX, &n))
			return false;
		*u = (uint32_t)n;
		return true;
	}
}

int ctl_res_opts_set(const char *name, const struct args *a, bool fresh, const char **bad)
{
	const struct ctl_opt_section *sec = &ctl_res_opt_section;
	struct ctl_res_opts o;
	struct res_opts_entry *e;

	ctl_res_opts_get(name, &o);
	if (fresh)
		ctl_res_opts_default(&o);
	for (int i = 0; i < a->nopts; i++) {
		const char *n = a->opt[i].name;
		size_t k;
		if (!strcmp(n, "set-defaults")) {
			ctl_res_opts_default(&o);
			continue;
		}
		for (k = 0; k < sec->n && strcmp(sec->defs[k].name, n); k++)
			;
		if (k == sec->n || !parse_one(&sec->defs[k], a->opt[i].value, &o)) {
			*bad = n;
			return -EINVAL;
		}
	}
	e = find(name, true);
	if (!e)
		return -ENOMEM;
	e->opts = o;
	return 0;
}
