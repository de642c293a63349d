/* RFC 5424 syslog over UDP, facility daemon, the same on both platforms
 * (WinDRBD also logs to a UDP syslog host, windrbd-facts.md §1.6):
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID - - MSG
 * Sending is best effort: a lost datagram must never stall the engine. */
#include "plat/plat.h"

#include <stdio.h>
#include <string.h>

#define SYSLOG_FACILITY_DAEMON 3

static plat_sock syslog_sock = PLAT_SOCK_INVALID;
static char syslog_host[256];

/* Days since 1970-01-01 to a proleptic Gregorian date; era arithmetic
 * keeps it exact without a time zone database or gmtime_r. */
static void civil_date(int64_t days, int *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400) + (*m <= 2);
}

/* RFC 5424 §6.2.3: local time with its offset, microseconds. */
static int format_time(char *out, size_t len, const struct plat_walltime *t)
{
	int64_t local = t->sec + (int64_t)t->utc_offset_min * 60;
	int64_t days = local / 86400, secs = local % 86400;
	int off = t->utc_offset_min < 0 ? -t->utc_offset_min : t->utc_offset_min;
	unsigned m, d;
	int y;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_date(days, &y, &m, &d);
	return snprintf(out, len, "%04d-%02u-%02uT%02d:%02d:%02d.%06u%c%02d:%02d",
			y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
			(int)(secs % 60), t->usec, t->utc_offset_min < 0 ? '-' : '+',
			off / 60, off % 60);
}

/* HOSTNAME and APP-NAME are PRINTUSASCII without spaces (§6.2.4-5). */
static void header_token(char *out, size_t len, const char *in)
{
	size_t i;

	for (i = 0; in && in[i] && i + 1 < len; i++)
		out[i] = in[i] > ' ' && in[i] < 127 ? in[i] : '_';
	out[i] = 0;
	if (!i)
		snprintf(out, len, "-");
}

/* The datagram for one message; the length written, truncated to fit. */
size_t plat_syslog_format(char *out, size_t len, int level,
			  const struct plat_walltime *t, const char *host,
			  const char *app, uint32_t pid, const char *msg);
size_t plat_syslog_format(char *out, size_t len, int level,
			  const struct plat_walltime *t, const char *host,
			  const char *app, uint32_t pid, const char *msg)
{
	char ts[72], h[256], a[49];
	int n;

	format_time(ts, sizeof(ts), t);
	header_token(h, sizeof(h), host);
	header_token(a, sizeof(a), app);
	n = snprintf(out, len, "<%d>1 %s %s %s %u - - %s",
		     SYSLOG_FACILITY_DAEMON * 8 + (level & 7), ts, h, a, pid, msg);
	if (n < 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

int plat_log_syslog_udp(const char *host, uint16_t port)
{
	plat_sock s;
	int err;

	err = plat_udp_connect(host, port, &s);
	if (err)
		return err;
	if (plat_hostname(syslog_host, sizeof(syslog_host)) < 0)
		syslog_host[0] = 0;
	plat_sock_close(syslog_sock);
	syslog_sock = s;
	return 0;
}

/* Called by plat/log.c with its lock held. */
void plat_syslog_send(int level, const char *ident, const char *msg);
void plat_syslog_send(int level, const char *ident, const char *msg)
{
	struct plat_walltime t;
	char dgram[1400];
	size_t n;

	if (syslog_sock == PLAT_SOCK_INVALID)
		return;
	plat_walltime(&t);
	n = plat_syslog_format(dgram, sizeof(dgram), level, &t, syslog_host, ident,
			       plat_pid(), msg);
	plat_udp_send(syslog_sock, dgram, n);
}
