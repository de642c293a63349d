/* udrbdd: the engine. One process per host, all resources; runs in the
 * foreground, or as the Windows service "udrbd" with --service (what
 * `udrbd service install` registers; started from a console it runs
 * there as usual).
 *
 *   udrbdd [--control PATH] [--nbd-listen HOST:PORT | --no-nbd-tcp]
 *          [--nbd-socket PATH | --no-nbd-socket] [--log-level LEVEL]
 *          [--syslog HOST[:PORT] | --no-syslog] [--log-file PATH]
 *          [--event-log-level LEVEL|off] [--service]
 *          [--hide-filesystems | --no-hide-filesystems]
 *          [--usermode-helper PATH|disabled]
 *
 * The control path defaults to $UDRBD_CONTROL or the platform's default
 * (/run/udrbd/udrbdd.sock, \\.\pipe\udrbd). SIGINT/SIGTERM, and a
 * service stop or shutdown, take every resource down cleanly (meta data
 * written) and exit. */
#include "core/engine.h"
#include "core/handler.h"
#include "ctl/ctl.h"
#include "ctl/proto.h"
#include "front/nbd.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct daemon_opts {
	const char *control;
	char nbd_host[256];
	uint16_t nbd_port;
	bool nbd_tcp;
	const char *nbd_unix;
	int log_level;
	const char *syslog;
	const char *log_file;
	bool service;
	bool no_syslog;
	int hide_filesystems;	/* -1: as the OS needs (plat_os_mounts_volumes) */
	int event_log_level;	/* EVENTLOG_LEVEL_UNSET, -1 (off) or a level */
};

#define EVENTLOG_LEVEL_UNSET (-2)

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: udrbdd [--control PATH] [--nbd-listen HOST:PORT | --no-nbd-tcp]\n"
		"              [--nbd-socket PATH | --no-nbd-socket] [--log-level err|warning|notice|info|debug]\n"
		"              [--syslog HOST[:PORT] | --no-syslog] [--log-file PATH]\n"
		"              [--event-log-level LEVEL|off] [--service]\n"
		"              [--hide-filesystems | --no-hide-filesystems]\n"
		"              [--usermode-helper PATH|disabled]\n");
}

static int parse_hostport(const char *s, char *host, size_t hlen, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long p;

	if (!colon || colon == s)
		return -EINVAL;
	p = strtoul(colon + 1, &end, 10);
	if (*end || p > 65535)
		return -EINVAL;
	/* [v6]:port */
	if (s[0] == '[' && colon[-1] == ']')
		snprintf(host, hlen, "%.*s", (int)(colon - s - 2), s + 1);
	else
		snprintf(host, hlen, "%.*s", (int)(colon - s), s);
	*port = (uint16_t)p;
	return 0;
}

static int parse_level(const char *s)
{
	static const char *const names[] = { "err", "warning", "notice", "info", "debug" };

	for (int i = 0; i < 5; i++)
		if (!strcmp(s, names[i]))
			return PLAT_LOG_ERR + i;
	return -1;
}

static int parse_args(int argc, char **argv, struct daemon_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->control = ctl_default_path();
	snprintf(o->nbd_host, sizeof(o->nbd_host), "%s", NBD_DEFAULT_HOST);
	o->nbd_port = NBD_DEFAULT_PORT;
	o->nbd_tcp = true;
#ifdef _WIN32
	/* WNBD, Windows' NBD client, connects over TCP; a Unix socket path
	 * under /run means nothing there (and Wine has no AF_UNIX). */
	o->nbd_unix = NULL;
#else
	o->nbd_unix = NBD_DEFAULT_UNIX_PATH;
#endif
	o->log_level = PLAT_LOG_INFO;
	o->event_log_level = EVENTLOG_LEVEL_UNSET;
	o->hide_filesystems = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--no-nbd-tcp")) {
			o->nbd_tcp = takes = false;
		} else if (!strcmp(a, "--no-syslog")) {
			o->no_syslog = true;
			takes = false;
		} else if (!strcmp(a, "--service")) {
			o->service = true;
			takes = false;
		} else if (!strcmp(a, "--no-nbd-socket")) {
			o->nbd_unix = NULL;
			takes = false;
		} else if (!strcmp(a, "--hide-filesystems") || !strcmp(a, "--no-hide-filesystems")) {
			o->hide_filesystems = a[2] == 'h';
			takes = false;
		} else if (!v) {
			fprintf(stderr, "udrbdd: unknown option or missing value: %s\n", a);
			return -EINVAL;
		} else if (!strcmp(a, "--control")) {
			o->control = v;
		} else if (!strcmp(a, "--nbd-listen")) {
			if (parse_hostport(v, o->nbd_host, sizeof(o->nbd_host), &o->nbd_port)) {
				fprintf(stderr, "udrbdd: --nbd-listen wants HOST:PORT, not '%s'\n", v);
				return -EINVAL;
			}
		} else if (!strcmp(a, "--nbd-socket")) {
			o->nbd_unix = v;
		} else if (!strcmp(a, "--log-level")) {
			o->log_level = parse_level(v);
			if (o->log_level < 0) {
				fprintf(stderr, "udrbdd: unknown log level '%s'\n", v);
				return -EINVAL;
			}
		} else if (!strcmp(a, "--syslog")) {
			o->syslog = v;
		} else if (!strcmp(a, "--usermode-helper")) {
			handler_set_program(v);
		} else if (!strcmp(a, "--log-file")) {
			o->log_file = v;
		} else if (!strcmp(a, "--event-log-level")) {
			o->event_log_level = strcmp(v, "off") ? parse_level(v) : -1;
			if (o->event_log_level == -1 && strcmp(v, "off")) {
				fprintf(stderr, "udrbdd: unknown log level '%s'\n", v);
				return -EINVAL;
			}
		} else {
			fprintf(stderr, "udrbdd: unknown option: %s\n", a);
			usage(stderr);
			return -EINVAL;
		}
		if (takes)
			i++;
	}
	return 0;
}

/* Syslog goes where --syslog says; without it, where the platform's
 * configuration says (Windows: the registry's syslog_ip, which the
 * installer sets to 127.0.0.1 as WinDRBD's does, windrbd-facts.md §1.6);
 * else nowhere: on Linux port 514 is the system logger's, and udrbdd's
 * stderr already reaches the journal. A target without a host (":PORT")
 * means 127.0.0.1, one without a port 514. */
static int setup_syslog(const struct daemon_opts *o)
{
	const char *target = o->syslog;
	char host[256], cfg[256], local[32];
	uint16_t port = 514;
	int err;

	if (o->no_syslog)
		return 0;
	if (!target && !plat_log_config_syslog(cfg, sizeof(cfg)))
		target = cfg;
	if (!target)
		return 0;
	if (target[0] == ':') {
		snprintf(local, sizeof(local), "127.0.0.1%.8s", target);
		target = local;
	}
	if (!strchr(target, ':'))
		snprintf(host, sizeof(host), "%s", target);
	else if (parse_hostport(target, host, sizeof(host), &port)) {
		fprintf(stderr, "udrbdd: syslog target '%s' is not HOST[:PORT]\n", target);
		return -EINVAL;
	}
	err = plat_log_syslog_udp(host, port);
	if (err)
		fprintf(stderr, "udrbdd: syslog to %s:%u: %s\n", host, port, plat_strerror(err));
	return err;
}

/* Windows' Event Log gets what is at least as important as
 * --event-log-level, else the registry's event_log_level, else notice
 * (WinDRBD's default threshold, KERN_NOTICE). Elsewhere there is none. */
static int setup_eventlog(const struct daemon_opts *o)
{
	int level = PLAT_LOG_NOTICE, err;

	if (o->event_log_level != EVENTLOG_LEVEL_UNSET)
		level = o->event_log_level;
	else
		plat_log_config_eventlog_level(&level);
	err = plat_log_eventlog(level);
	if (err == -EOPNOTSUPP && o->event_log_level == EVENTLOG_LEVEL_UNSET)
		return 0;
	if (err)
		fprintf(stderr, "udrbdd: Event Log: %s\n", plat_strerror(err));
	return err;
}

static int setup_logging(const struct daemon_opts *o)
{
	int err;

	plat_log_set_ident("udrbdd");
	plat_log_set_level(o->log_level);
	if (o->log_file && (err = plat_log_file(o->log_file))) {
		fprintf(stderr, "udrbdd: cannot open log file %s: %s\n", o->log_file,
			plat_strerror(err));
		return err;
	}
	err = setup_syslog(o);
	return err ? err : setup_eventlog(o);
}

static int start_nbd(struct engine *eng, const struct daemon_opts *o)
{
	struct nbd_server_config cfg;
	int err;

	nbd_server_config_init(&cfg);
	cfg.listen_tcp = o->nbd_tcp;
	cfg.tcp_host = o->nbd_host;
	cfg.tcp_port = o->nbd_port;
	cfg.listen_unix = o->nbd_unix != NULL;
	if (o->nbd_unix)
		cfg.unix_path = o->nbd_unix;
	err = nbd_server_new(&cfg, &eng->nbd);
	if (!err)
		err = nbd_server_start(eng->nbd);
	if (err) {
		plat_err("cannot start the NBD server (%s:%u%s%s): %s", o->nbd_host,
			 o->nbd_port, o->nbd_unix ? ", " : "", o->nbd_unix ? o->nbd_unix : "",
			 plat_strerror(err));
		return err;
	}
	if (o->nbd_tcp)
		plat_notice("NBD server listening on %s:%u", o->nbd_host,
			    nbd_server_tcp_port(eng->nbd));
	return 0;
}

/* DRBD calls /sbin/drbdadm; ours is the drbdadm installed beside udrbdd,
 * else the one PATH finds. */
static void default_usermode_helper(void)
{
	char path[HANDLER_PROGRAM_MAX];
	size_t n;
	FILE *f;

	if (plat_exe_dir(path, sizeof(path) - 16))
		return;
	n = strlen(path);
#ifdef _WIN32
	snprintf(path + n, sizeof(path) - n, "\\drbdadm.exe");
#else
	snprintf(path + n, sizeof(path) - n, "/drbdadm");
#endif
	if ((f = fopen(path, "rb"))) {
		fclose(f);
		handler_set_program(path);
	}
}

static void request_stop(void)
{
	stop_requested = 1;
}

/* The daemon proper, in the console or on the service's thread. */
static int run(void *arg)
{
	const struct daemon_opts *o = arg;
	struct engine eng;
	struct ctl_server *ctl = NULL;
	int err, rc = 1;

	err = engine_init(&eng);
	if (err) {
		plat_err("cannot start the engine: %s", plat_strerror(err));
		return 1;
	}
	eng.hide_filesystems = o->hide_filesystems < 0 ? plat_os_mounts_volumes()
						       : o->hide_filesystems;
	/* Control first: it creates the run directory (/run/udrbd) that the
	 * default NBD socket lives in too. */
	err = ctl_server_start(&eng, o->control, &ctl);
	if (err || start_nbd(&eng, o))
		goto out;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
#ifdef SIGBREAK
	/* Windows: Ctrl-Break is what a supervisor can send another process
	 * group (Ctrl-C cannot be). */
	signal(SIGBREAK, on_signal);
#endif
	plat_notice("udrbdd %s ready; control channel %s", UDRBD_VERSION, o->control);
	plat_service_running();
	while (!stop_requested)
		plat_sleep_ms(100);
	plat_notice("stopping: taking all resources down");
	rc = 0;
out:
	ctl_server_stop(ctl);
	handler_drain(&eng);
	/* Down first: exports leave a running server, and meta data is
	 * written before the process ends. */
	engine_fini(&eng);
	if (eng.nbd)
		nbd_server_free(eng.nbd);
	return rc;
}

int main(int argc, char **argv)
{
	struct daemon_opts o;
	int err;

	plat_init();
	default_usermode_helper();
	if (parse_args(argc, argv, &o) || setup_logging(&o))
		return 2;
	if (!o.service)
		return run(&o);
	err = plat_service_dispatch("udrbd", run, &o, request_stop);
	if (err == -ENOTCONN) {
		plat_notice("not started by the service manager: running in the console");
		return run(&o);
	}
	if (err) {
		plat_err("cannot run as the service udrbd: %s", plat_strerror(err));
		return 1;
	}
	return 0;
}
