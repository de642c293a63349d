/* drbdmeta: create, inspect and repair DRBD meta data, with the command
 * line, messages and exit codes of drbd-utils 9.22's drbdmeta
 * (drbd-metadata-resync.md §1, §3.6, §8.4). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/drbdmeta.h"
#include "md/al.h"
#include "md/fsdetect.h"
#include "plat/plat.h"

struct dm_cmd {
	const char *name, *args;
	int (*fn)(struct dm *, int, char **);
	bool node_id, hidden;
};

/* drbd-utils' order; the hidden ones are missing from its usage text */
static const struct dm_cmd cmds[] = {
	{ "get-gi", "", dm_get_gi, true, false },
	{ "show-gi", "", dm_show_gi, true, false },
	{ "dump-md", "", dm_dump_md, false, false },
	{ "restore-md", "file", dm_restore_md, false, false },
	{ "verify-dump", "file", dm_verify_dump, false, false },
	{ "apply-al", "", dm_apply_al, false, false },
	{ "wipe-md", "", dm_wipe_md, false, false },
	{ "outdate", "", dm_outdate, false, false },
	{ "invalidate", "", dm_invalidate, false, false },
	{ "dstate", "", dm_dstate, false, false },
	{ "read-dev-uuid", "", dm_read_dev_uuid, false, true },
	{ "write-dev-uuid", "VAL", dm_write_dev_uuid, false, true },
	{ "set-gi", ":::VAL:VAL:...", dm_set_gi, true, true },
	{ "check-resize", "", dm_check_resize, false, false },
	{ "create-md", "[--peer-max-bio-size {val}] [--al-stripes {val}] "
	  "[--al-stripe-size-kB {val}] {max_peers}", dm_create_md, false, false },
	{ "forget-peer", "", dm_forget_peer, true, false },
};

static void usage(const char *prog)
{
	printf("\nUSAGE: %s [--force] DEVICE FORMAT [FORMAT ARGS...] COMMAND "
	       "[CMD ARGS...]\n\nFORMATS:\n  v08 device index\n  v09 device index\n"
	       "\nCOMMANDS:\n", prog);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!cmds[i].hidden)
			printf("  %s%s %s\n", cmds[i].name,
		       cmds[i].node_id ? " --node-id {val}" : "", cmds[i].args);
	exit(20);
}

/* drbdmeta ... CMD ... --help: that command's usage, exit 0. Without a
 * command, drbd-utils' usage and exit code 20. */
static void help(int argc, char **argv)
{
	bool asked = false;
	int i;

	for (i = 1; i < argc; i++)
		asked |= !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h");
	if (!asked)
		return;
	for (i = 1; i < argc; i++)
		for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
			const struct dm_cmd *c = &cmds[k];

			if (strcmp(argv[i], c->name))
				continue;
			printf("USAGE: %s [--force] DEVICE FORMAT [FORMAT ARGS...] %s%s %s\n\n"
			       "FORMATS:\n  v08 device index\n  v09 device index\n",
			       argv[0], c->name, c->node_id ? " --node-id {val}" : "", c->args);
			exit(0);
		}
	usage(argv[0]);
}

char *dm_ppsize(char *buf, uint64_t size)
{
	static const char units[] = "KMGTPE";
	int base = 0;

	while (size >= 10000 && base < 5) {
		size = (size >> 10) + !!(size & (1 << 9));
		base++;
	}
	sprintf(buf, "%u %cB", (unsigned)size, units[base]);
	return buf;
}

void dm_extra_args(int argc, int allowed)
{
	if (argc > allowed)
		fprintf(stderr, "Ignoring additional arguments\n");
}

char *dm_required_arg(int argc, char **argv)
{
	dm_extra_args(argc, 1);
	if (argc < 1) {
		fprintf(stderr, "Required Argument missing\n");
		exit(10);
	}
	return argv[0];
}

bool dm_confirm(struct dm *d, const char *q)
{
	char line[16];
	bool ok;

	fprintf(stderr, "\n%s\n", q);
	if (d->force) {
		fprintf(stderr, "*** confirmation forced via --force option ***\n");
		return true;
	}
	fprintf(stderr, "[need to type 'yes' to confirm] ");
	ok = fgets(line, sizeof(line), stdin) && !strcmp(line, "yes\n");
	fprintf(stderr, "\n");
	return ok;
}

static long long num_arg(const char *s, int unit)
{
	char *e;
	long long v = strtoll(s, &e, 0);

	if (e == s) {
		fprintf(stderr, "Missing number argument\n");
		exit(20);
	}
	switch (*e) {
	case 'k': case 'K': v *= unit == 'k' ? 1 : 1024; e++; break;
	case 'm': case 'M': v *= unit == 'k' ? 1024 : 1 << 20; e++; break;
	case 'g': case 'G': v *= unit == 'k' ? 1 << 20 : 1 << 30; e++; break;
	}
	if (*e) {
		fprintf(stderr, "%s: unexpected trailing characters\n", s);
		exit(20);
	}
	return v;
}

static void parse_opts(struct dm *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "ignore-sanity-checks", no_argument, NULL, 'I' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "peer-max-bio-size", required_argument, NULL, 'p' },
		{ "node-id", required_argument, NULL, 'i' },
		{ "al-stripes", required_argument, NULL, 's' },
		{ "al-stripe-size-kB", required_argument, NULL, 'z' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* options may follow the arguments (drbdadm appends "--force") */
	while ((c = getopt_long(argc, argv, "fvp:i:s:z:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': d->force = true; break;
		case 'I': case 'v': break;
		case 'p':
			d->peer_max_bio = (int)num_arg(optarg, 1);
			if (d->peer_max_bio < 0 || d->peer_max_bio > 1 << 20) {
				fprintf(stderr, "peer-max-bio-size out of range (0...1M)\n");
				exit(10);
			}
			break;
		case 'i':
			d->node_id = (int)num_arg(optarg, 1);
			if (d->node_id < 0 || d->node_id > MD_MAX_PEERS - 1) {
				fprintf(stderr, "node-id out of range (0...%d)\n",
					MD_MAX_PEERS - 1);
				exit(10);
			}
			break;
		case 's':
			d->al_stripes = (uint32_t)num_arg(optarg, 1);
			d->al_used = true;
			break;
		case 'z':
			d->al_stripe_4k = (uint32_t)(num_arg(optarg, 'k') / 4);
			d->al_used = true;
			break;
		default:
			usage(argv[0]);
		}
	}
}

static int parse_index(const char *s)
{
	char *e;
	long v;

	if (!strcmp(s, "internal") || !strcmp(s, "flex-internal"))
		return MD_IDX_FLEX_INT;
	if (!strcmp(s, "flex-external"))
		return MD_IDX_FLEX_EXT;
	v = strtol(s, &e, 0);
	if (*e || v < 0 || v > 255) {
		fprintf(stderr, "'%s' is not a valid index number.\n", s);
		exit(20);
	}
	return (int)v;
}

static const struct dm_cmd *parse_args(struct dm *d, int argc, char **argv, int *ai)
{
	int i = optind + 1;	/* skip the minor / drbd device */

	if (i >= argc)
		usage(argv[0]);
	if (!strcmp(argv[i], "v09") || !strcmp(argv[i], "v08")) {
		d->version = argv[i][2] - '0';
	} else {
		fprintf(stderr, "Unknown format '%s'.\n", argv[i]);
		exit(20);
	}
	if (i + 2 >= argc) {
		fprintf(stderr, "Too few arguments for format\n");
		exit(20);
	}
	d->path = argv[i + 1];
	d->idx = parse_index(argv[i + 2]);
	i += 3;
	if (i >= argc) {
		fprintf(stderr, "command missing\n");
		exit(20);
	}
	for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		if (!strcmp(cmds[c].name, argv[i])) {
			*ai = i + 1;
			return &cmds[c];
		}
	}
	fprintf(stderr, "Unknown command '%s'.\n", argv[i]);
	exit(20);
}

static void check_options(struct dm *d, const struct dm_cmd *c)
{
	uint64_t al = (uint64_t)d->al_stripes * d->al_stripe_4k;

	if (d->peer_max_bio && c->fn != dm_create_md) {
		fprintf(stderr, "The --peer-max-bio-size option is only allowed with create-md\n");
		exit(10);
	}
	if (d->al_used && c->fn != dm_create_md && c->fn != dm_restore_md) {
		fprintf(stderr, "The --al-stripe* options are only allowed with create-md and restore-md\n");
		exit(10);
	}
	if (al > 8192) {	/* drbd-utils' 32 MiB buffer */
		fprintf(stderr, "invalid (too large) al-stripe* settings\n");
		exit(10);
	}
	if (al < 8) {
		fprintf(stderr, "invalid (too small) al-stripe* settings\n");
		exit(10);
	}
	if (d->node_id != -1 && !c->node_id) {
		fprintf(stderr, "The %s command does not accept the --node-id option\n", c->name);
		exit(10);
	}
	if (d->version != 9 && c->node_id && d->node_id == -1)
		d->node_id = 0;
	else if (d->version != 9 && c->node_id && d->node_id != 0)
		fprintf(stderr, "Not v09, implicitly set --node-id = 0\n");
	if (d->node_id == -1 && c->node_id) {
		fprintf(stderr, "The %s command requires the --node-id option\n", c->name);
		exit(10);
	}
}

int main(int argc, char **argv)
{
	struct dm d = { .argc = argc, .argv = argv, .node_id = -1,
			.al_stripes = 1, .al_stripe_4k = 8 };
	const struct dm_cmd *c;
	const char *prog = strrchr(argv[0], '/');
	int ai = 0, rv;

	argv[0] = prog ? (char *)prog + 1 : argv[0];
	plat_init();
	help(argc, argv);
	if (argc < 4)
		usage(argv[0]);
	parse_opts(&d, argc, argv);
	c = parse_args(&d, argc, argv, &ai);
	check_options(&d, c);
	rv = c->fn(&d, argc - ai, argv + ai);
	if (d.b)
		plat_bdev_close(d.b);
	return !!rv;
}
