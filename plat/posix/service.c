/* Services on POSIX: none here. A systemd unit (or any supervisor)
 * starts udrbdd in the foreground and stops it with SIGTERM, so only the
 * executable's directory means anything. */
#include "plat/plat.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int plat_service_dispatch(const char *name, int (*run)(void *), void *arg,
			  void (*on_stop)(void))
{
	(void)name;
	(void)run;
	(void)arg;
	(void)on_stop;
	return -ENOTCONN;
}

void plat_service_running(void)
{
}

int plat_service_install(const char *name, const char *display, const char *cmdline)
{
	(void)name;
	(void)display;
	(void)cmdline;
	return -EOPNOTSUPP;
}

int plat_service_uninstall(const char *name)
{
	(void)name;
	return -EOPNOTSUPP;
}

int plat_service_start(const char *name, uint32_t timeout_ms)
{
	(void)name;
	(void)timeout_ms;
	return -EOPNOTSUPP;
}

int plat_service_stop(const char *name, uint32_t timeout_ms)
{
	(void)name;
	(void)timeout_ms;
	return -EOPNOTSUPP;
}

int plat_service_state(const char *name, int *state)
{
	(void)name;
	(void)state;
	return -EOPNOTSUPP;
}

int plat_exe_dir(char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;

	if (n < 0)
		return -errno;
	path[n] = 0;
	slash = strrchr(path, '/');
	if (slash)
		*slash = 0;
	if ((size_t)snprintf(buf, len, "%s", path) >= len)
		return -ENAMETOOLONG;
	return 0;
}
