/* udrbd service install|uninstall|start|stop|status: udrbdd as the
 * Windows service "udrbd" (the MSI does the same through its tables).
 *
 *   udrbd service install [UDRBDD-OPTION...]
 *
 * registers "<dir of udrbd.exe>\udrbdd.exe" --service, started at boot as
 * LocalSystem, with the given udrbdd options; without any it logs to
 * <root>\udrbdd.log when the root directory (C:\windrbd) exists. */
#include "plat/plat.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define SVC_NAME "udrbd"
#define SVC_DISPLAY "udrbd replicated block devices"
#define SVC_START_MS 60000
/* Down of every resource, meta data written: may take a while. */
#define SVC_STOP_MS 180000

int udrbd_service_main(int argc, char **argv);

static const char *const state_names[] = {
	[PLAT_SERVICE_STOPPED] = "stopped",
	[PLAT_SERVICE_START_PENDING] = "start-pending",
	[PLAT_SERVICE_STOP_PENDING] = "stop-pending",
	[PLAT_SERVICE_RUNNING] = "running",
};

static void usage(FILE *f)
{
	fprintf(f, "usage: udrbd service install [UDRBDD-OPTION...]\n"
		   "       udrbd service uninstall|start|stop|status\n");
}

/* Appends " arg", quoted when it has a blank (Windows' command line
 * rules; a quote inside an argument is refused). */
static int append_arg(char *buf, size_t len, const char *arg)
{
	size_t at = strlen(buf);
	bool quote = !*arg || strpbrk(arg, " \t");
	int n;

	if (strchr(arg, '"'))
		return -EINVAL;
	n = snprintf(buf + at, len - at, quote ? "%s\"%s\"" : "%s%s", at ? " " : "", arg);
	return n < 0 || (size_t)n >= len - at ? -ENAMETOOLONG : 0;
}

static int build_cmdline(int argc, char **argv, char *buf, size_t len)
{
	char path[1024], log[1024];
	struct stat st;
	int err;

	buf[0] = 0;
	err = plat_exe_dir(path, sizeof(path) - 16);
	if (err)
		return err;
	strcat(path, "\\udrbdd.exe");
	err = append_arg(buf, len, path);
	if (!err)
		err = append_arg(buf, len, "--service");
	for (int i = 0; !err && i < argc; i++)
		err = append_arg(buf, len, argv[i]);
	if (err || argc || stat(plat_root_dir(), &st) || !S_ISDIR(st.st_mode))
		return err;
	snprintf(log, sizeof(log), "%s\\udrbdd.log", plat_root_dir());
	err = append_arg(buf, len, "--log-file");
	return err ? err : append_arg(buf, len, log);
}

static int install(int argc, char **argv)
{
	char cmdline[4096];
	int err = build_cmdline(argc, argv, cmdline, sizeof(cmdline));

	if (err) {
		fprintf(stderr, "udrbd service install: bad command line: %s\n",
			plat_strerror(err));
		return 1;
	}
	err = plat_service_install(SVC_NAME, SVC_DISPLAY, cmdline);
	if (err == -EEXIST) {
		fprintf(stderr, "udrbd: the service %s is already installed\n", SVC_NAME);
		return 1;
	}
	if (!err)
		printf("installed service %s: %s\n", SVC_NAME, cmdline);
	return err;
}

static int status(void)
{
	int state = 0, err = plat_service_state(SVC_NAME, &state);

	if (!err)
		printf("%s\n", state > 0 && state <= PLAT_SERVICE_RUNNING && state_names[state] ?
			       state_names[state] : "other");
	return err;
}

static int run(const char *cmd, int argc, char **argv)
{
	int err;

	if (!strcmp(cmd, "install"))
		return install(argc, argv);
	if (argc) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(cmd, "start"))
		return plat_service_start(SVC_NAME, SVC_START_MS);
	if (!strcmp(cmd, "stop"))
		return plat_service_stop(SVC_NAME, SVC_STOP_MS);
	if (!strcmp(cmd, "status"))
		return status();
	if (strcmp(cmd, "uninstall")) {
		usage(stderr);
		return 1;
	}
	/* A running service would keep its process after the deletion. */
	err = plat_service_stop(SVC_NAME, SVC_STOP_MS);
	return err ? err : plat_service_uninstall(SVC_NAME);
}

int udrbd_service_main(int argc, char **argv)
{
	int err;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	err = run(argv[1], argc - 2, argv + 2);
	/* Positive: an exit code already explained; negative: an error. */
	if (err < 0) {
		const char *why = err == -ENOENT ? "the service " SVC_NAME " is not installed" :
				  err == -EACCES ? "permission denied (run as Administrator)" :
				  err == -EOPNOTSUPP ? "Windows only (elsewhere a supervisor such "
						       "as systemd runs udrbdd)" :
				  err == -EIO && !strcmp(argv[1], "start") ?
					"it stopped again (see its log)" : plat_strerror(err);

		fprintf(stderr, "udrbd service %s: %s\n", argv[1], why);
		return 1;
	}
	return err;
}
