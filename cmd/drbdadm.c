/* drbdadm: the administration tool of drbd.conf users. Reads the
 * configuration (conf/), and turns each command into the drbdsetup and
 * drbdmeta calls drbd-utils' drbdadm makes, printing them (-d) or running
 * them. Exit codes are drbdadm's (drbd-metadata-resync.md §8.4). */
#include "cmd/drbdadm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plat/plat.h"

struct args {
	const char *config, *cmd;
	const char *names[64];
	int nnames;
	const char *backend[32];
	int nbackend;
	bool help;
};

static void general_options(FILE *f)
{
	fprintf(f, "GENERAL OPTIONS:\n"
		"  --dry-run, -d           print the drbdsetup/drbdmeta calls only\n"
		"  --verbose, -v           print the calls, and run them\n"
		"  --config-file=..., -c   default %s\n"
		"  --drbdsetup=..., -s     the drbdsetup to run\n"
		"  --drbdmeta=..., -m      the drbdmeta to run\n"
		"  --version, -V\n  --help, -h\n", conf_default_path());
}

static void usage(FILE *f)
{
	const struct adm_cmd *c;

	fprintf(f, "USAGE: drbdadm COMMAND [OPTION...] {all|RESOURCE...}\n\n");
	general_options(f);
	fprintf(f, "\nCOMMANDS:\n");
	for (c = adm_cmds; c->name; c++)
		if (!c->hidden)
			fprintf(f, "  %-18s %s\n", c->name, c->help);
	fprintf(f, "\nOptions after the command that drbdsetup or drbdmeta takes "
		"(--force, --max-peers=N, ...) are passed on.\n"
		"'drbdadm COMMAND --help' describes one command.\n");
}

/* drbdadm CMD --help: what it does, what it names, what it passes on. */
static void cmd_usage(const struct adm_cmd *c)
{
	const char *const *t;

	printf("USAGE: drbdadm %s [OPTION...] %s\n\n  %s\n\n", c->name,
	       c->no_res ? "" : c->iter == ADM_RES ? "{all|RESOURCE...}" :
	       c->iter == ADM_VOLS ? "{all|RESOURCE[/VOLUME]...}" :
	       "{all|RESOURCE[:PEER][/VOLUME]...}", c->help);
	general_options(stdout);
	if (c->takes || !strcmp(c->name, "create-md")) {
		printf("\nOPTIONS FOR %s:\n", c->name);
		for (t = c->takes; t && *t; t++)
			printf("  --%s%s\n", *t, strcmp(*t, "force") && strcmp(*t, "diskless") &&
			       strcmp(*t, "tentative") && strcmp(*t, "discard-my-data") ?
			       "=..." : "");
		if (!strcmp(c->name, "create-md"))
			printf("  --max-peers=...\n");
	}
}

/* "-x VALUE", "-xVALUE", "--long VALUE", "--long=VALUE" */
static const char *opt_value(int argc, char **argv, int *i, const char *s, const char *l)
{
	const char *a = argv[*i];
	size_t ll = strlen(l);

	if (!strcmp(a, s) || !strcmp(a, l))
		return *i + 1 < argc ? argv[++*i] : NULL;
	if (!strncmp(a, l, ll) && a[ll] == '=')
		return a + ll + 1;
	if (!strncmp(a, s, 2) && strlen(a) > 2 && a[1] != '-')
		return a + 2;
	return NULL;
}

static int parse_args(struct adm *a, struct args *g, int argc, char **argv)
{
	bool dashdash = false;
	const char *v;
	int i;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (dashdash || s[0] != '-') {
			if (!dashdash && !g->cmd)
				g->cmd = s;
			else if (dashdash && s[0] == '-' && g->nbackend < 32)
				g->backend[g->nbackend++] = s;
			else if (g->nnames < 64)
				g->names[g->nnames++] = s;
		} else if (!strcmp(s, "--")) {
			dashdash = true;
		} else if (!strcmp(s, "-d") || !strcmp(s, "--dry-run")) {
			a->dry_run = true;
		} else if (!strcmp(s, "-v") || !strcmp(s, "--verbose")) {
			a->verbose = true;
		} else if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			g->help = true;
		} else if (!strcmp(s, "-V") || !strcmp(s, "--version")) {
			printf("DRBDADM_BUILDTAG=udrbd\nDRBDADM_VERSION=%s\n", UDRBD_VERSION);
			exit(0);
		} else if ((v = opt_value(argc, argv, &i, "-c", "--config-file"))) {
			g->config = v;
		} else if ((v = opt_value(argc, argv, &i, "-s", "--drbdsetup"))) {
			a->drbdsetup = v;
		} else if ((v = opt_value(argc, argv, &i, "-m", "--drbdmeta"))) {
			a->drbdmeta = v;
		} else if (!strncmp(s, "--", 2) && g->nbackend < 32) {
			g->backend[g->nbackend++] = s;
		} else {
			fprintf(stderr, "drbdadm: unrecognized option '%s'\n", s);
			return CONF_E_USAGE;
		}
	}
	return 0;
}

/* Backend options the command does not pass on are usage errors. */
static int check_backend(const struct adm *a)
{
	const char *const *t;
	int i;

	for (i = 0; i < a->nbackend; i++) {
		const char *o = a->backend[i] + 2;
		size_t n = strcspn(o, "=");
		bool ok = !strcmp(a->cmd->name, "create-md") && !strncmp(o, "max-peers=", 10);

		for (t = a->cmd->takes; t && *t && !ok; t++)
			ok = strlen(*t) == n && !strncmp(*t, o, n);
		if (!ok) {
			fprintf(stderr, "drbdadm %s: unrecognized option '%s'\n",
				a->cmd->name, a->backend[i]);
			return CONF_E_USAGE;
		}
	}
	return 0;
}

int adm_call(struct adm *a, const struct adm_cmd *cmd, const struct adm_ctx *x)
{
	struct adm_ctx t = *x;
	struct conf_connection *k;
	struct conf_volume *v;
	bool vols = cmd->iter == ADM_VOLS || cmd->iter == ADM_VOLS_CONNS;
	bool conns = cmd->iter == ADM_CONNS || cmd->iter == ADM_VOLS_CONNS;
	int r = 0;

	if (vols && !x->v) {
		conf_for_each(v, x->r->me->volumes.head) {
			t.v = v;
			if ((r = adm_call(a, cmd, &t)))
				return r;
		}
		return 0;
	}
	if (conns && !x->k) {
		conf_for_each(k, x->r->conns) {
			if (k->ignore || !k->peer)
				continue;
			t.k = k;
			if ((r = adm_call(a, cmd, &t)))
				return r;
		}
		return 0;
	}
	if (cmd->disk_required && (!x->v->disk || !x->v->meta_disk || !x->v->meta_index)) {
		fprintf(stderr, "The %s command requires a local disk, but the configuration "
			"gives none.\n", cmd->name);
		return CONF_E_CONFIG_INVALID;
	}
	r = cmd->fn(a, x);
	if (r >= CONF_E_EXEC)
		exit(r);
	return r;
}

/* A resource whose address is not on this machine cannot come up (and
 * is most likely configured on the wrong host). drbdadm skips the check
 * for dry runs from scripts. */
static bool verify_ips(struct adm *a, const struct conf_resource *r)
{
	const struct conf_addr *ad;

	if (!a->cmd->verify_ips || a->c->global.disable_ip_verification)
		return true;
	if ((a->dry_run && a->c->no_tty) || r->ignore || !r->me->addr.addr)
		return true;
	ad = &r->me->addr;
	if (conf_have_ip(ad->addr))
		return true;
	fprintf(stderr, "%s: in resource %s, on %s:\n\tIP %s not found on this host.\n",
		r->file, r->name, conf_names_str(a->c, &r->me->on_hosts, ' '), ad->addr);
	a->c->valid = false;
	return false;
}

/* "RES", "RES/VNR" or "RES:PEER" (a peer's host name). */
static int resolve(struct adm *a, const char *id, struct adm_ctx *x)
{
	char name[256];
	const char *slash = strrchr(id, '/'), *colon;
	struct conf_connection *k;

	snprintf(name, sizeof(name), "%.*s",
		 (int)(slash ? (size_t)(slash - id) : strlen(id)), id);
	colon = strchr(name, ':');
	if (colon)
		name[colon - name] = 0;
	memset(x, 0, sizeof(*x));
	x->r = conf_resource(a->c, name);
	if (!x->r || x->r->ignore)
		goto unknown;
	conf_set_peers(a->c, x->r);
	if (slash && !(x->v = conf_volume(&x->r->me->volumes, atoi(slash + 1)))) {
		fprintf(stderr, "Resource '%s' has no volume %d\n", name, atoi(slash + 1));
		return CONF_E_USAGE;
	}
	if (colon) {
		conf_for_each(k, x->r->conns)
			if (k->peer && conf_names_has(&k->peer->on_hosts, colon + 1))
				x->k = k;
		if (!x->k) {
			fprintf(stderr, "Not a valid connection (%s) for this host\n", id);
			return CONF_E_USAGE;
		}
	}
	return 0;
unknown:
	fprintf(stderr, "'%s' not defined in your config (for this host).\n", id);
	return CONF_E_USAGE;
}

/* dump and dump-xml: without a resource they mean "all", they show
 * resources of other hosts too, and the tree is not expanded. */
static bool is_dump(const struct adm *a)
{
	return !strcmp(a->cmd->name, "dump") || !strcmp(a->cmd->name, "dump-xml");
}

static void dump_all(struct adm *a)
{
	struct conf_resource *r;
	bool xml = !strcmp(a->cmd->name, "dump-xml");

	if (xml)
		conf_dump_xml_header(a->c, stdout);
	else
		conf_dump_header(a->c, stdout);
	conf_for_each(r, a->c->resources) {
		if (xml)
			conf_dump_xml_resource(a->c, r, 1, stdout);
		else
			conf_dump_resource(a->c, r, stdout);
	}
	if (xml)
		conf_dump_xml_footer(stdout);
}

static int run_all(struct adm *a, struct args *g)
{
	struct conf_resource *r;
	struct adm_ctx x;
	int i, ret, worst = 0;
	bool all = g->nnames == 1 && !strcmp(g->names[0], "all");

	if (all || (!g->nnames && is_dump(a))) {
		conf_for_each(r, a->c->resources)
			verify_ips(a, r);
		if (!a->c->valid)
			exit(CONF_E_CONFIG_INVALID);
	}
	if (is_dump(a) && (!g->nnames || all)) {
		dump_all(a);
		return 0;
	}
	if (all) {
		conf_for_each(r, a->c->resources) {
			if (r->ignore)
				continue;
			x = (struct adm_ctx){ .r = r };
			conf_set_peers(a->c, r);
			if ((ret = adm_call(a, a->cmd, &x)) > worst)
				worst = ret;
		}
		return worst;
	}
	for (i = 0; i < g->nnames; i++) {
		if ((ret = resolve(a, g->names[i], &x)))
			exit(ret);
		verify_ips(a, x.r);
		if (!a->c->valid && !is_dump(a))
			exit(CONF_E_CONFIG_INVALID);
		if ((ret = adm_call(a, a->cmd, &x)) > worst)
			worst = ret;
	}
	return worst;
}

int main(int argc, char **argv)
{
	struct adm a = { .drbdsetup = "drbdsetup", .drbdmeta = "drbdmeta" };
	struct args g = { 0 };
	char host[256];
	int ret, r;

	plat_init();
	if ((ret = parse_args(&a, &g, argc, argv)))
		return ret;
	if (g.help) {
		if (g.cmd && (a.cmd = adm_find_cmd(g.cmd)))
			cmd_usage(a.cmd);
		else
			usage(stdout);
		return 0;
	}
	if (!g.cmd) {
		usage(stderr);
		return CONF_E_USAGE;
	}
	if (!(a.cmd = adm_find_cmd(g.cmd))) {
		fprintf(stderr, "drbdadm: Unknown command '%s'\n", g.cmd);
		return CONF_E_USAGE;
	}
	a.backend = g.backend;
	a.nbackend = g.nbackend;
	if ((ret = check_backend(&a)))
		return ret;
	if (!a.cmd->no_res && !is_dump(&a) && !g.nnames) {
		usage(stderr);
		fprintf(stderr, "\nNo resource names specified\n");
		return CONF_E_USAGE;
	}
	if (plat_hostname(host, sizeof(host)))
		snprintf(host, sizeof(host), "localhost");
	if ((ret = conf_load(g.config, host, &a.c)))
		return ret;
	a.c->no_tty = !isatty(0) || !isatty(1);
	if (!is_dump(&a) || a.dry_run || a.verbose)
		conf_expand(a.c);
	if (!is_dump(&a))
		conf_resolve_resync_after(a.c);
	if (!a.c->valid) {
		conf_free(a.c);
		return CONF_E_CONFIG_INVALID;
	}
	if (a.cmd->no_res && g.nnames)
		fprintf(stderr, "This command will ignore resource names!\n");
	ret = a.cmd->no_res ? a.cmd->fn(&a, NULL) : run_all(&a, &g);
	r = adm_run_deferred(&a);
	if (r > ret)
		ret = r;
	conf_free(a.c);
	return ret;
}
