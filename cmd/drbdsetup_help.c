/* drbdsetup's usage texts, answered by the client itself (no udrbdd
 * needed), in the layout of drbd-utils: "drbdsetup CMD - summary", then
 * "USAGE: drbdsetup CMD {arg}..." and the options wrapped in brackets.
 * Configuration options come from the drbd.conf option table (conf/), so
 * their ranges and choices are the ones drbdadm checks; the rest are
 * listed per command. tests/system/test_drbdadm_help.py holds every
 * option listed here against what udrbdd accepts. */
#include "cmd/drbdsetup.h"

#include <stdio.h>
#include <string.h>

#include "conf/model.h"

struct help_cmd {
	const char *name;
	const char *args;		/* "{minor} {lower_dev} ..." */
	const char *summary;
	int section;			/* conf_section whose options it takes, or -1 */
	const char *opts;		/* further options, "--x=... --y" */
};

#define NONE (-1)

static const struct help_cmd cmds[] = {
	{ "new-resource", "{resource} {node_id}", "Create a resource (no volumes, no peers yet).",
	  CONF_SEC_RES, NULL },
	{ "new-minor", "{resource} {minor} {volume}", "Add a volume to a resource, "
	  "as replicated device MINOR.", NONE, "--diskless --max-bio-size=... --block-size=..." },
	{ "del-minor", "{minor}", "Remove a volume (it must be detached and Secondary).",
	  NONE, NULL },
	{ "del-resource", "{resource}", "Remove a resource without volumes or peers.",
	  NONE, NULL },
	{ "resource-options", "{resource}", "Change the options of a resource.",
	  CONF_SEC_RES, "--set-defaults" },
	{ "attach", "{minor} {lower_dev} {meta_data_dev} {meta_data_index}",
	  "Give a volume its backing device and meta data.", CONF_SEC_DISK, NULL },
	{ "disk-options", "{minor}", "Change the options of an attached volume.",
	  CONF_SEC_DISK, "--set-defaults" },
	{ "detach", "{minor}", "Take the backing device away from a volume.", NONE,
	  "--force" },
	{ "primary", "{resource}", "Promote the resource (--force: even without "
	  "UpToDate data).", NONE, "--force" },
	{ "secondary", "{resource}", "Demote the resource.", NONE, "--force" },
	{ "down", "{resource}", "Disconnect, detach and remove a resource (\"all\": "
	  "every resource).", NONE, NULL },
	{ "new-current-uuid", "{minor}", "Start a new data generation on a volume.",
	  NONE, "--clear-bitmap" },
	{ "new-peer", "{resource} {peer_node_id}", "Add a connection to a peer node.",
	  CONF_SEC_NET, NULL },
	{ "net-options", "{resource} {peer_node_id}", "Change the options of a "
	  "connection.", CONF_SEC_NET, "--set-defaults" },
	{ "new-path", "{resource} {peer_node_id} {local-addr} {remote-addr}",
	  "Add a network path (ipv4:ADDR:PORT or ipv6:[ADDR]:PORT) to a connection.",
	  NONE, NULL },
	{ "del-path", "{resource} {peer_node_id} {local-addr} {remote-addr}",
	  "Remove a network path from a connection.", NONE, NULL },
	{ "connect", "{resource} {peer_node_id}", "Start connecting to a peer.", NONE,
	  "--tentative --discard-my-data" },
	{ "disconnect", "{resource} {peer_node_id}", "Close the connection to a peer "
	  "(it stays configured, StandAlone).", NONE, "--force" },
	{ "del-peer", "{resource} {peer_node_id}", "Remove a StandAlone connection.",
	  NONE, NULL },
	{ "peer-device-options", "{resource} {peer_node_id} {volume}", "Change the "
	  "resync controller settings of a peer device.", CONF_SEC_PEER_DEVICE,
	  "--set-defaults" },
	{ "verify", "{resource} {peer_node_id} {volume}", "Compare the data with a peer "
	  "(online verify).", NONE, "--start=... --stop=..." },
	{ "pause-sync", "{resource} {peer_node_id} {volume}", "Pause the resync with a "
	  "peer.", NONE, NULL },
	{ "resume-sync", "{resource} {peer_node_id} {volume}", "Resume a paused resync.",
	  NONE, NULL },
	{ "invalidate", "{minor}", "Discard the local data and resync it from a peer.",
	  NONE, "--sync-from-peer-node-id=... --reset-bitmap={yes|no}" },
	{ "invalidate-remote", "{resource} {peer_node_id} {volume}", "Resync all data "
	  "to a peer.", NONE, "--reset-bitmap={yes|no}" },
	{ "outdate", "{minor}", "Mark the local data Outdated.", NONE, NULL },
	{ "suspend-io", "{minor}", "Hold new I/O of the resource until resume-io "
	  "(I/O in flight completes).", NONE, NULL },
	{ "resume-io", "{minor}", "Let I/O held by suspend-io go on.", NONE, NULL },
	{ "resize", "{minor}", "Change the size of a volume: what its disk and the "
	  "connected peers hold, or --size.", NONE,
	  "--size=... --assume-peer-has-space --assume-clean --al-stripes=... "
	  "--al-stripe-size-kB=..." },
	{ "check-resize", "{minor}", "Remember the size for drbdmeta check-resize "
	  "(udrbd: nothing to remember).", NONE, NULL },
	{ "forget-peer", "{resource} {peer_node_id}", "Free the bitmap slot of a peer "
	  "without a connection (del-peer first) in the meta data.", NONE, NULL },
	{ "status", "[{resource}]", "Show the state of resources (all without a name).",
	  NONE, "--verbose --statistics --json --color={always|auto|never}" },
	{ "role", "{resource}", "Show the role of a resource.", NONE, NULL },
	{ "cstate", "{resource} [{peer_node_id}]", "Show the connection state to a peer "
	  "(every connection without one).", NONE, NULL },
	{ "dstate", "{minor}", "Show the disk states of a volume: local/peers.", NONE, NULL },
	{ "show", "[{resource}]", "Show the configuration of resources.", NONE,
	  "--json --show-defaults" },
	{ "events2", "[{resource}]", "Show the state, then every change of it.", NONE,
	  "--now --statistics --timestamps --full --poll --color={always|auto|never}" },
	{ "wait-connect-volume", "{resource} {peer_node_id} {volume}", "Wait until a "
	  "peer device is connected.", CONF_SEC_STARTUP, NULL },
	{ "wait-connect-connection", "{resource} {peer_node_id}", "Wait until every "
	  "volume of a connection is connected.", CONF_SEC_STARTUP, NULL },
	{ "wait-connect-resource", "{resource}", "Wait until every connection of a "
	  "resource is established.", CONF_SEC_STARTUP, NULL },
	{ "wait-sync-volume", "{resource} {peer_node_id} {volume}", "Wait until the "
	  "resync of a peer device is done.", CONF_SEC_STARTUP, NULL },
	{ "wait-sync-connection", "{resource} {peer_node_id}", "Wait until the resync "
	  "of every volume of a connection is done.", CONF_SEC_STARTUP, NULL },
	{ "wait-sync-resource", "{resource}", "Wait until every resync of a resource "
	  "is done.", CONF_SEC_STARTUP, NULL },
	{ "exports", "", "udrbd: list the NBD exports and their clients.", NONE, NULL },
	{ "faults", "", "udrbd: set or show fault injection (DRBD's enable_faults "
	  "module parameters).", NONE, "--enable-faults=... --fault-rate=... "
	  "--fault-devs=..." },
};

#define WIDTH 80

struct wrap {
	FILE *f;
	int col;
};

static void word(struct wrap *w, const char *s)
{
	int n = (int)strlen(s) + 3;

	if (w->col > 4 && w->col + n > WIDTH) {
		fputc('\n', w->f);
		w->col = 0;
	}
	if (!w->col) {
		fputs("   ", w->f);
		w->col = 3;
	}
	w->col += fprintf(w->f, " [%s]", s);
}

static void opt_of(struct wrap *w, const struct conf_optdef *d)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "--%s=", d->name);

	if (d->kind == CONF_NUMERIC) {
		snprintf(buf + n, sizeof(buf) - n, "(%lld ... %lld)", d->min, d->max);
	} else if (d->kind == CONF_BOOLEAN) {
		snprintf(buf + n, sizeof(buf) - n, "{yes|no}");
	} else if (d->kind == CONF_STRING) {
		snprintf(buf + n, sizeof(buf) - n, "...");
	} else {
		for (const char *const *e = d->enums; *e; e++)
			n += snprintf(buf + n, sizeof(buf) - n, "%c%s", e == d->enums ? '{' : '|', *e);
		if (d->kind == CONF_ENUM_NUM)
			n += snprintf(buf + n, sizeof(buf) - n, "|%lld ... %lld", d->min, d->max);
		snprintf(buf + n, sizeof(buf) - n, "}");
	}
	word(w, buf);
}

static void options(FILE *f, const struct help_cmd *c)
{
	struct wrap w = { f, 0 };
	const struct conf_optdef *d;
	char buf[128];
	const char *s, *e;

	for (size_t i = 0; c->section != NONE && (d = conf_optdef_at(i)); i++)
		if ((int)d->section == c->section && d->name[0] != '_')
			opt_of(&w, d);
	for (s = c->opts; s && *s; s = *e ? e + 1 : e) {
		e = strchr(s, ' ');
		if (!e)
			e = s + strlen(s);
		snprintf(buf, sizeof(buf), "%.*s", (int)(e - s), s);
		word(&w, buf);
	}
	if (w.col)
		fputc('\n', f);
}

static const struct help_cmd *find(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

bool drbdsetup_help_known(const char *cmd)
{
	return find(cmd) != NULL;
}

int drbdsetup_help(FILE *f, const char *cmd)
{
	const struct help_cmd *c = cmd ? find(cmd) : NULL;

	if (c) {
		fprintf(f, "drbdsetup %s - %s\n\nUSAGE: drbdsetup %s%s%s\n", c->name, c->summary,
			c->name, *c->args ? " " : "", c->args);
		options(f, c);
		return 0;
	}
	if (cmd)
		fprintf(f, "drbdsetup: Unknown command '%s'\n\n", cmd);
	fprintf(f, "drbdsetup - udrbd's low-level configuration tool (talks to udrbdd).\n\n"
		"USAGE: drbdsetup command {arguments} [options]\n\nCommands:\n");
	for (size_t i = 0, n = sizeof(cmds) / sizeof(cmds[0]); i < n; i++)
		fprintf(f, i % 3 == 2 || i == n - 1 ? " %s\n" : " %-24s", cmds[i].name);
	fprintf(f, "\nUse 'drbdsetup help command' or 'drbdsetup command --help' "
		"for the arguments and options of a command.\n");
	return cmd ? 20 : 0;
}

/* The list the tests walk: one command name per line. */
void drbdsetup_help_list(FILE *f)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "%s\n", cmds[i].name);
}
