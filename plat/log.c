/* Logging: one line per message to stderr (and, when configured, to a file,
 * a syslog server and, on Windows, the Event Log). Shared by both
 * platforms. */
#include "plat/plat.h"

#include <stdio.h>
#include <string.h>

static int log_max_level = PLAT_LOG_INFO;
static char log_ident[32] = "udrbd";
static plat_mutex log_lock;
static bool log_lock_ready;
static FILE *log_file;

void plat_log_set_level(int max_level)
{
	log_max_level = max_level;
}

void plat_log_set_ident(const char *ident)
{
	snprintf(log_ident, sizeof(log_ident), "%s", ident);
}

int plat_log_file(const char *path)
{
	FILE *f = fopen(path, "a");

	if (!f)
		return -errno;
	setvbuf(f, NULL, _IOLBF, 0);
	log_file = f;
	return 0;
}

void plat_log_init_lock(void);
void plat_log_init_lock(void)
{
	if (!log_lock_ready) {
		plat_mutex_init(&log_lock);
		log_lock_ready = true;
	}
}

/* Implemented in plat/syslog.c: forwards a formatted message when a
 * syslog target is set. */
void plat_syslog_send(int level, const char *ident, const char *msg);

#ifdef _WIN32
/* plat/win32/eventlog.c */
void plat_eventlog_send(int level, const char *msg);
#else
/* Only Windows has these settings and that sink. */
int plat_log_config_syslog(char *host, size_t len)
{
	(void)host;
	(void)len;
	return -ENOENT;
}

int plat_log_config_eventlog_level(int *level)
{
	(void)level;
	return -ENOENT;
}

int plat_log_eventlog(int max_level)
{
	return max_level < 0 ? 0 : -EOPNOTSUPP;
}
#endif

void plat_vlog(int level, const char *fmt, va_list ap)
{
	static const char *names[8] = { "emerg", "alert", "crit", "error",
					 "warning", "notice", "info", "debug" };
	char msg[1024];

	if (level > log_max_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_lock_ready)
		plat_mutex_lock(&log_lock);
	fprintf(stderr, "%s: %s: %s\n", log_ident, names[level & 7], msg);
	if (log_file)
		fprintf(log_file, "%s: %s: %s\n", log_ident, names[level & 7], msg);
	plat_syslog_send(level, log_ident, msg);
#ifdef _WIN32
	plat_eventlog_send(level, msg);
#endif
	if (log_lock_ready)
		plat_mutex_unlock(&log_lock);
}

void plat_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	plat_vlog(level, fmt, ap);
	va_end(ap);
}
