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

int udrbd_service_main(int argc, char **argv);
int udrbd_fs_main(int argc, char **argv);
int udrbd_logsrv_main(int argc, char **argv);
int udrbd_map_main(int argc, char **argv);
int udrbd_path_main(int argc, char **argv);

static void usage(FILE *f)
{
	fprintf(f, "usage: udrbd version\n"
		   "       udrbd faults [--enable-faults=MASK] [--fault-rate=PCT] "
		   "[--fault-devs=MINORMASK]\n"
		   "       udrbd exports\n"
		   "       udrbd service install|uninstall|start|stop|status\n"
		   "       udrbd hide-filesystem|show-filesystem|filesystem-state [-q] "
		   "DRIVE:|GUID|FILE\n"
		   "       udrbd log-server [-o FILE] [--port N] [--bind ADDR]\n"
		   "       udrbd map [--nbd HOST:PORT] [-c FILE] MINOR [LETTER]\n"
		   "       udrbd unmap MINOR\n"
		   "       udrbd path add|remove [DIR]\n");
}

int main(int argc, char **argv)
{
	plat_init();
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 1 : 0;
	}
	/* "udrbd COMMAND --help": the usage lines name every command's options. */
	if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "version")) {
		printf("udrbd %s\n", UDRBD_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "service"))
		return udrbd_service_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "hide-filesystem") || !strcmp(argv[1], "show-filesystem") ||
	    !strcmp(argv[1], "filesystem-state"))
		return udrbd_fs_main(argc, argv);
	if (!strcmp(argv[1], "log-server"))
		return udrbd_logsrv_main(argc, argv);
	if (!strcmp(argv[1], "map") || !strcmp(argv[1], "unmap"))
		return udrbd_map_main(argc, argv);
	if (!strcmp(argv[1], "path"))
		return udrbd_path_main(argc, argv);
	if (!strcmp(argv[1], "faults") || !strcmp(argv[1], "exports"))
		return ctl_client_run("udrbd", argc, argv);
	fprintf(stderr, "udrbd: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 1;
}
