/* udrbd log-server [-o FILE] [--port N] [--bind ADDR] [--count N]
 *
 * Receives udrbdd's RFC 5424 syslog datagrams (plat/syslog.c) and prints
 * each as one line on stdout, appending it to FILE too. The defaults are
 * WinDRBD's `windrbd log-server`: UDP port 514 on the loopback address
 * (windrbd-facts.md §1.6), so a WinDRBD log service setup keeps working.
 * --count ends after N messages (scripts, tests); otherwise it runs until
 * interrupted. Lines are written and flushed one at a time, so an
 * interrupt loses nothing already received. */
#include "plat/plat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest UDP payload over IPv4. */
#define LOGSRV_DGRAM 65507

struct logsrv_opts {
	const char *out;
	const char *bind;
	uint16_t port;
	unsigned long count;	/* 0: forever */
};

static int parse_num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!s || !*s)
		return -EINVAL;
	*v = strtoul(s, &end, 10);
	return *end || *v > max ? -EINVAL : 0;
}

static int logsrv_args(int argc, char **argv, struct logsrv_opts *o)
{
	unsigned long v;

	o->out = NULL;
	o->bind = "127.0.0.1";
	o->port = 514;
	o->count = 0;
	for (int i = 2; i < argc; i += 2) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			return -EINVAL;
		if (!strcmp(a, "-o"))
			o->out = val;
		else if (!strcmp(a, "--bind"))
			o->bind = val;
		else if (!strcmp(a, "--port") && !parse_num(val, 65535, &v))
			o->port = (uint16_t)v;
		else if (!strcmp(a, "--count") && !parse_num(val, ~0ul, &v))
			o->count = v;
		else
			return -EINVAL;
	}
	return 0;
}

/* One datagram as one line: a trailing newline or NUL a sender added is
 * dropped, so every message ends in exactly one line break. */
static void emit(FILE *out, char *msg, long n)
{
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || !msg[n - 1]))
		n--;
	fwrite(msg, 1, (size_t)n, stdout);
	fputc('\n', stdout);
	fflush(stdout);
	if (out) {
		fwrite(msg, 1, (size_t)n, out);
		fputc('\n', out);
		fflush(out);
	}
}

static int logsrv_run(plat_sock s, FILE *out, unsigned long count)
{
	char *buf = malloc(LOGSRV_DGRAM + 1);
	unsigned long seen = 0;
	long n;

	if (!buf)
		return -ENOMEM;
	while (!count || seen < count) {
		n = plat_sock_recv_some(s, buf, LOGSRV_DGRAM);
		if (n < 0) {
			free(buf);
			return (int)n;
		}
		emit(out, buf, n);
		seen++;
	}
	free(buf);
	return 0;
}

int udrbd_logsrv_main(int argc, char **argv);
int udrbd_logsrv_main(int argc, char **argv)
{
	struct logsrv_opts o;
	plat_sock s = PLAT_SOCK_INVALID;
	FILE *out = NULL;
	uint16_t port;
	int err, rc = 1;

	if (logsrv_args(argc, argv, &o)) {
		fprintf(stderr, "usage: udrbd log-server [-o FILE] [--port N] [--bind ADDR] "
			"[--count N]\n");
		return 1;
	}
	if (o.out && !(out = fopen(o.out, "a"))) {
		fprintf(stderr, "udrbd: cannot open %s: %s\n", o.out, plat_strerror(-errno));
		return 1;
	}
	err = plat_udp_bind(o.bind, o.port, &s);
	if (!err)
		err = plat_sock_local_port(s, &port);
	if (err) {
		fprintf(stderr, "udrbd: cannot receive syslog on %s:%u: %s\n", o.bind, o.port,
			plat_strerror(err));
		goto out;
	}
	/* stderr, so stdout carries the messages alone. */
	fprintf(stderr, "udrbd: receiving syslog on %s:%u\n", o.bind, port);
	err = logsrv_run(s, out, o.count);
	if (err)
		fprintf(stderr, "udrbd: receiving: %s\n", plat_strerror(err));
	else
		rc = 0;
out:
	if (s != PLAT_SOCK_INVALID)
		plat_sock_close(s);
	if (out)
		fclose(out);
	return rc;
}
