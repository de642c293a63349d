/* udrbd map [--nbd HOST:PORT] [-c FILE] MINOR [LETTER]
 * udrbd unmap MINOR
 *
 * A disk with a drive letter on Windows: the device's NBD export
 * ("drbd<MINOR>", served while the resource is Primary) is handed to
 * WNBD (cloudbase/wnbd, a StorPort miniport with an NBD client in the
 * kernel; ARCHITECTURE.md "Windows"), then the new disk is brought online
 * and its largest partition gets the letter: LETTER, or the one of
 * `device "K:" minor N;` in drbd.conf.
 *
 * WNBD's command line (its README and wnbd-client's option table):
 *   wnbd-client map INSTANCE HOST --port P --export-name NAME
 *   wnbd-client unmap INSTANCE
 * The instance name also becomes the disk's SCSI serial number, which is
 * how PowerShell finds the disk again (Get-Disk's SerialNumber).
 *
 * Exit codes: 0 done; 1 usage or configuration error; 2 WNBD is not
 * installed (wnbd-client not found); 3 wnbd-client failed; 4 mapped, but
 * the disk could not be brought online or given its letter. */
#include "conf/model.h"
#include "plat/plat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int udrbd_map_main(int argc, char **argv);
/* cmd/udrbd_online.c */
int udrbd_map_online(unsigned minor, char letter);

#define MAP_E_USAGE 1
#define MAP_E_NO_WNBD 2
#define MAP_E_WNBD 3
#define MAP_E_ONLINE 4

#define WNBD_CLIENT "wnbd-client"
#define WNBD_DEFAULT_NBD "127.0.0.1:10809"

struct map_args {
	bool unmap;
	const char *nbd;	/* HOST:PORT of udrbdd's NBD server */
	const char *config;	/* NULL: conf_default_path() */
	unsigned minor;
	char letter;		/* 0: none */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: udrbd map [--nbd HOST:PORT] [-c FILE] MINOR [LETTER]\n"
		   "       udrbd unmap MINOR\n");
}

static void no_wnbd(unsigned minor)
{
	fprintf(stderr,
		"udrbd: wnbd-client was not found: WNBD is not installed.\n"
		"  udrbd map hands the device's NBD export to WNBD, Cloudbase's\n"
		"  Windows NBD driver: https://github.com/cloudbase/wnbd\n"
		"  Install it with the Ceph for Windows MSI (a signed driver:\n"
		"  https://cloudbase.it/ceph-for-windows/), or build it and run\n"
		"  'wnbd-client install-driver wnbd.inf'; a test-signed build needs\n"
		"  'bcdedit /set testsigning yes', Secure Boot off and a reboot.\n"
		"  Then put wnbd-client.exe in PATH. Without WNBD the device is still\n"
		"  reachable over NBD: export drbd%u on udrbdd's NBD port.\n", minor);
}

/* "K", "K:" or "K:\" */
static int parse_letter(const char *s, char *out)
{
	if (!isalpha((unsigned char)s[0]) || (s[1] && (s[1] != ':' ||
	    (s[2] && (s[2] != '\\' || s[3])))))
		return -EINVAL;
	*out = (char)toupper((unsigned char)s[0]);
	return 0;
}

static int parse_args(int argc, char **argv, struct map_args *a)
{
	char *end;
	int i = 2;

	memset(a, 0, sizeof(*a));
	a->unmap = !strcmp(argv[1], "unmap");
	a->nbd = WNBD_DEFAULT_NBD;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!a->unmap && !strcmp(argv[i], "--nbd") && i + 1 < argc)
			a->nbd = argv[++i];
		else if (!a->unmap && !strcmp(argv[i], "-c") && i + 1 < argc)
			a->config = argv[++i];
		else
			return -EINVAL;
	}
	if (i >= argc || argc - i > (a->unmap ? 1 : 2))
		return -EINVAL;
	a->minor = (unsigned)strtoul(argv[i], &end, 10);
	if (!isdigit((unsigned char)argv[i][0]) || *end || a->minor > 1048575)
		return -EINVAL;
	if (i + 1 < argc && parse_letter(argv[i + 1], &a->letter)) {
		fprintf(stderr, "udrbd: '%s' is not a drive letter\n", argv[i + 1]);
		return -EINVAL;
	}
	return 0;
}

/* The letter of `device "K:" minor N;` on this host, 0 when the device
 * has no letter there (or no resource has the minor: mapped without). */
static int conf_letter(const struct map_args *a, char *letter)
{
	char host[256];
	struct conf *c;
	struct conf_resource *r;
	struct conf_volume *v;
	int rc;

	*letter = 0;
	if (plat_hostname(host, sizeof(host)))
		snprintf(host, sizeof(host), "localhost");
	rc = conf_load(a->config, host, &c);
	if (rc)
		return rc;
	conf_expand(c);
	conf_for_each(r, c->resources) {
		if (r->ignore || !r->me)
			continue;
		conf_for_each(v, r->me->volumes.head)
			if (v->minor == (int)a->minor && v->device &&
			    parse_letter(v->device, letter))
				*letter = 0;
	}
	conf_free(c);
	return 0;
}

/* Runs wnbd-client with argv; 0 or the exit code udrbd map returns. */
static int wnbd_client(unsigned minor, char *const argv[], const char *hint)
{
	int code, err = plat_spawn_wait(argv, false, &code);

	if (err == -ENOENT) {
		no_wnbd(minor);
		return MAP_E_NO_WNBD;
	}
	if (err) {
		fprintf(stderr, "udrbd: cannot run %s: %s\n", argv[0], plat_strerror(err));
		return MAP_E_WNBD;
	}
	if (code) {
		fprintf(stderr, "udrbd: %s %s %s failed (exit code %d)%s\n", argv[0], argv[1],
			argv[2], code, hint);
		return MAP_E_WNBD;
	}
	return 0;
}

static int do_map(const struct map_args *a)
{
	char inst[32], port[16], host[256], hint[320];
	const char *colon = strrchr(a->nbd, ':');
	char *argv[] = { WNBD_CLIENT, "map", inst, host, "--port", port,
			 "--export-name", inst, NULL };
	int rc;

	if (!colon || colon == a->nbd || (size_t)(colon - a->nbd) >= sizeof(host) ||
	    strlen(colon + 1) >= sizeof(port) || !isdigit((unsigned char)colon[1])) {
		fprintf(stderr, "udrbd: --nbd wants HOST:PORT, not '%s'\n", a->nbd);
		return MAP_E_USAGE;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - a->nbd), a->nbd);
	snprintf(port, sizeof(port), "%s", colon + 1);
	snprintf(inst, sizeof(inst), "drbd%u", a->minor);
	snprintf(hint, sizeof(hint), "; is the resource Primary, and udrbdd's NBD "
		 "server at %s?", a->nbd);
	rc = wnbd_client(a->minor, argv, hint);
	if (rc)
		return rc;
	return udrbd_map_online(a->minor, a->letter) ? MAP_E_ONLINE : 0;
}

static int do_unmap(const struct map_args *a)
{
	char inst[32];
	char *argv[] = { WNBD_CLIENT, "unmap", inst, NULL };

	snprintf(inst, sizeof(inst), "drbd%u", a->minor);
	return wnbd_client(a->minor, argv, "");
}

int udrbd_map_main(int argc, char **argv)
{
	struct map_args a;

	if (parse_args(argc, argv, &a)) {
		usage(stderr);
		return MAP_E_USAGE;
	}
	if (a.unmap)
		return do_unmap(&a);
	if (!a.letter && conf_letter(&a, &a.letter))
		return MAP_E_USAGE;
	return do_map(&a);
}
