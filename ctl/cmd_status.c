/* drbdsetup status, show and events2: snapshot under the state lock, then
 * format without it (ctl/fmt.h). */
#include "ctl/args.h"
#include "ctl/ctl.h"
#include "ctl/fmt.h"
#include "core/ops.h"
#include "ctl/snapshot.h"
#include "ctl/status_state.h"

#include <stdlib.h>

#include <string.h>
#include <time.h>

static const struct opt_spec status_opts[] = {
	{ "verbose", false }, { "statistics", false }, { "json", false },
	{ "color", true }, { NULL, false },
};
static const struct opt_spec show_opts[] = {
	{ "json", false }, { "show-defaults", false }, { NULL, false },
};
static const struct opt_spec events_opts[] = {
	{ "now", false }, { "statistics", false }, { "timestamps", false },
	{ "full", false }, { "poll", false }, { "color", true }, { NULL, false },
};

static int take_snapshot(struct ctl_req *q, struct ctl_resource ***res, size_t *n)
{
	int err;

	plat_mutex_lock(&q->eng->lock);
	err = ctl_snapshot(q->eng, res, n);
	plat_mutex_unlock(&q->eng->lock);
	if (err)
		strbuf_printf(&q->err, "out of memory\n");
	return err ? 20 : 0;
}

static int no_such(struct ctl_req *q, const char *name)
{
	strbuf_printf(&q->err, "%s: No such resource\n", name);
	return 10;
}

static int cmd_status(struct ctl_req *q, const struct args *a)
{
	struct ctl_status_opts o = { 0 };
	struct ctl_resource **res;
	const char *name = a->npos ? a->pos[0] : NULL;
	size_t n;
	int rc;

	for (int i = 0; i < a->nopts; i++)
		if (!strcmp(a->opt[i].name, "verbose"))
			o.verbose++;
	o.statistics = args_flag(a, "statistics");
	o.json = args_flag(a, "json");
	rc = take_snapshot(q, &res, &n);
	if (rc)
		return rc;
	rc = ctl_fmt_status(&q->out, (const struct ctl_resource *const *)res, n, name, &o);
	ctl_snapshot_free(res, n);
	return rc == -ENOENT ? no_such(q, name) : 0;
}

static int cmd_show(struct ctl_req *q, const struct args *a)
{
	struct ctl_show_opts o = { 0 };
	struct ctl_resource **res;
	const char *name = a->npos ? a->pos[0] : NULL;
	size_t n;
	int rc;

	o.json = args_flag(a, "json");
	o.show_defaults = args_flag(a, "show-defaults");
	rc = take_snapshot(q, &res, &n);
	if (rc)
		return rc;
	rc = ctl_fmt_show(&q->out, (const struct ctl_resource *const *)res, n, name, &o);
	ctl_snapshot_free(res, n);
	return rc == -ENOENT ? no_such(q, name) : 0;
}

/* `udrbd exports`: the NBD exports, whether they serve, and how many
 * clients hold them (drbd-utils has no field for the latter). */
static int cmd_exports(struct ctl_req *q)
{
	plat_mutex_lock(&q->eng->lock);
	for (struct resource *r = q->eng->resources; r; r = r->next)
		for (struct device *d = r->devices; d; d = d->next)
			if (d->exp)
				strbuf_printf(&q->out, "drbd%u resource:%s volume:%u size:%llu "
					      "served:%s open:%u\n", d->minor, r->name, d->volume,
					      (unsigned long long)d->size_sect << 9,
					      r->role == R_PRIMARY ? "yes" : "no",
					      device_open_count(d));
	plat_mutex_unlock(&q->eng->lock);
	return 0;
}

/* role RES, cstate RES [PEER], dstate MINOR (ctl/status_state.h). */
static int cmd_state_word(struct ctl_req *q, const char *cmd, const struct args *a)
{
	static const char *const first[] = { "resource", "resource", "minor" };
	int which = !strcmp(cmd, "role") ? 0 : !strcmp(cmd, "cstate") ? 1 : 2;
	const struct ctl_resource *const *cres;
	struct ctl_resource **res;
	size_t n;
	int rc;

	if (!a->npos) {
		strbuf_printf(&q->err, "Missing argument '%s'\n", first[which]);
		return 20;
	}
	rc = take_snapshot(q, &res, &n);
	if (rc)
		return rc;
	cres = (const struct ctl_resource *const *)res;
	if (which == 0)
		rc = ctl_fmt_role(&q->out, &q->err, cres, n, a->pos[0]);
	else if (which == 1)
		rc = ctl_fmt_cstate(&q->out, &q->err, cres, n, a->pos[0],
				    a->npos > 1 ? atoi(a->pos[1]) : -1);
	else
		rc = ctl_fmt_dstate(&q->out, &q->err, cres, n, (unsigned)strtoul(a->pos[0], NULL, 10));
	ctl_snapshot_free(res, n);
	return rc;
}

int ctl_events2(struct ctl_req *q, const struct args *a);

int ctl_cmd_status(struct ctl_req *q, const char *cmd, bool *handled)
{
	struct args a;
	int rc;

	*handled = true;
	if (!strcmp(cmd, "status")) {
		rc = args_parse(&a, q->argc, q->argv, 2, status_opts, 1, cmd, &q->err);
		return rc ? rc : cmd_status(q, &a);
	}
	if (!strcmp(cmd, "show")) {
		rc = args_parse(&a, q->argc, q->argv, 2, show_opts, 1, cmd, &q->err);
		return rc ? rc : cmd_show(q, &a);
	}
	if (!strcmp(cmd, "events2")) {
		rc = args_parse(&a, q->argc, q->argv, 2, events_opts, 1, cmd, &q->err);
		return rc ? rc : ctl_events2(q, &a);
	}
	if (!strcmp(cmd, "role") || !strcmp(cmd, "cstate") || !strcmp(cmd, "dstate")) {
		rc = args_parse(&a, q->argc, q->argv, 2, NULL, cmd[0] == 'c' ? 2 : 1, cmd, &q->err);
		return rc ? rc : cmd_state_word(q, cmd, &a);
	}
	if (!strcmp(cmd, "exports")) {
		rc = args_parse(&a, q->argc, q->argv, 2, NULL, 0, cmd, &q->err);
		return rc ? rc : cmd_exports(q);
	}
	*handled = false;
	return 0;
}
