/* udrbd: udrbd's own helpers, beside the DRBD-compatible tools.
 *
 *   udrbd version
 *   udrbd faults [--enable-faults=MASK] [--fault-rate=PCT] [--fault-devs=MINORMASK]
 *   udrbd exports      the NBD exports: served or not, clients holding them
 *
 * "faults" stands in for DRBD's enable_faults/fault_rate/fault_devs module
 * parameters (there is no kernel module to set them on): MASK bits are
 * DRBD's fault types, 0x10 data writes, 0x20 data reads. Later issues add
 * hide-filesystem, show-filesystem, log-server, service and map here. */
#include "ctl/client.h"
#include "plat/plat.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: udrbd version\n"
		   "       udrbd faults [--enable-faults=MASK] [--fault-rate=PCT] "
		   "[--fault-devs=MINORMASK]\n"
		   "       udrbd exports\n");
}

int main(int argc, char **argv)
{
	plat_init();
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 1 : 0;
	}
	if (!strcmp(argv[1], "version")) {
		printf("udrbd %s\n", UDRBD_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "faults") || !strcmp(argv[1], "exports"))
		return ctl_client_run("udrbd", argc, argv);
	fprintf(stderr, "udrbd: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 1;
}
