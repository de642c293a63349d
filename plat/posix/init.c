/* Process set-up and error strings on POSIX. */
#include "plat/plat.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

void plat_log_init_lock(void);

int plat_init(void)
{
	/* A peer or NBD client that goes away must be an error code, not a
	 * signal that kills the engine. */
	signal(SIGPIPE, SIG_IGN);
	plat_log_init_lock();
	return 0;
}

const char *plat_strerror(int neg_err)
{
	static __thread char buf[128];
	int e = neg_err < 0 ? -neg_err : neg_err;

	/* GNU strerror_r returns a pointer that may or may not be buf. */
	return strerror_r(e, buf, sizeof(buf));
}

int plat_hostname(char *buf, size_t len)
{
	if (gethostname(buf, len) < 0)
		return -errno;
	buf[len - 1] = 0; /* POSIX leaves truncated names unterminated */
	return 0;
}

uint32_t plat_pid(void)
{
	return (uint32_t)getpid();
}

bool plat_os_mounts_volumes(void)
{
	return false;
}
