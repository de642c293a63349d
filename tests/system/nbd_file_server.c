/* Test program: serves one file as an NBD export through front/, so the
 * NBD system tests and the benchmark run before (and without) the engine.
 *
 *   nbd_file_server [options] FILE
 *     --host H --port N      TCP listener (default 127.0.0.1:10809; 0 = any)
 *     --unix PATH            also listen on a Unix socket
 *     --name NAME            export name (default drbd0)
 *     --size BYTES           resize FILE first (created if missing)
 *     --unavailable          start unavailable (as a Secondary would)
 *     --direct               unbuffered write-through backing I/O
 *     --workers N            worker threads per connection
 *     --verbose              debug log
 *
 * Prints "ready port=N" once listening. Then reads commands on stdin, one
 * per line, answering each with one line: "available", "unavailable",
 * "demote" (unavailable unless a client has the export open: "ok" or
 * "busy"), "open-count", "quit". End of input quits too.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/nbd.h"
#include "plat/plat.h"

struct file_export {
	struct plat_bdev *bdev;
	bool direct;
};

static int f_pread(void *ctx, void *buf, uint32_t len, uint64_t off)
{
	struct file_export *f = ctx;

	return plat_bdev_pread(f->bdev, buf, len, off);
}

static int f_pwrite(void *ctx, const void *buf, uint32_t len, uint64_t off, bool fua)
{
	struct file_export *f = ctx;
	int err = plat_bdev_pwrite(f->bdev, buf, len, off);

	/* Direct mode writes through already (O_DSYNC). */
	if (!err && fua && !f->direct)
		err = plat_bdev_flush(f->bdev);
	return err;
}

static int f_flush(void *ctx)
{
	struct file_export *f = ctx;

	return plat_bdev_flush(f->bdev);
}

static int f_trim(void *ctx, uint64_t off, uint32_t len)
{
	struct file_export *f = ctx;

	return plat_bdev_discard(f->bdev, off, len);
}

static int f_zero(void *ctx, uint64_t off, uint32_t len, bool may_trim, bool fua)
{
	struct file_export *f = ctx;
	int err;

	/* A punched hole in a file reads back as zeroes; a discarded block
	 * device sector need not, so let front/ write zeroes there. */
	if (!may_trim || plat_bdev_is_blockdev(f->bdev))
		return -EOPNOTSUPP;
	err = plat_bdev_discard(f->bdev, off, len);
	if (!err && fua)
		err = plat_bdev_flush(f->bdev);
	return err;
}

static const struct nbd_export_ops file_ops = {
	.pread = f_pread,
	.pwrite = f_pwrite,
	.flush = f_flush,
	.trim = f_trim,
	.zero = f_zero,
};

struct args {
	struct nbd_server_config srv;
	const char *name, *file;
	uint64_t size;
	bool unavailable, direct;
};

static int usage(void)
{
	fprintf(stderr, "usage: nbd_file_server [--host H] [--port N] [--unix PATH] "
		"[--name NAME] [--size BYTES] [--unavailable] [--direct] "
		"[--workers N] [--verbose] FILE\n");
	return 2;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	nbd_server_config_init(&a->srv);
	a->srv.listen_unix = false;
	a->name = "drbd0";
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--unavailable")) {
			a->unavailable = true;
		} else if (!strcmp(o, "--direct")) {
			a->direct = true;
		} else if (!strcmp(o, "--verbose")) {
			plat_log_set_level(PLAT_LOG_DEBUG);
		} else if (o[0] == '-' && o[1] == '-' && v) {
			i++;
			if (!strcmp(o, "--host"))
				a->srv.tcp_host = v;
			else if (!strcmp(o, "--port"))
				a->srv.tcp_port = (uint16_t)strtoul(v, NULL, 0);
			else if (!strcmp(o, "--unix"))
				a->srv.unix_path = v, a->srv.listen_unix = true;
			else if (!strcmp(o, "--name"))
				a->name = v;
			else if (!strcmp(o, "--size"))
				a->size = strtoull(v, NULL, 0);
			else if (!strcmp(o, "--workers"))
				a->srv.workers = (unsigned)strtoul(v, NULL, 0);
			else
				return -EINVAL;
		} else if (o[0] != '-' && !a->file) {
			a->file = o;
		} else {
			return -EINVAL;
		}
	}
	return a->file ? 0 : -EINVAL;
}

static int open_file(const struct args *a, struct file_export *f, uint64_t *size)
{
	unsigned flags = (a->direct ? PLAT_BDEV_DIRECT : 0) | (a->size ? PLAT_BDEV_CREATE : 0);
	int err;

	f->direct = a->direct;
	err = plat_bdev_open(a->file, flags, &f->bdev);
	if (!err && a->size)
		err = plat_bdev_truncate(f->bdev, a->size);
	if (!err)
		err = plat_bdev_size(f->bdev, size);
	if (err)
		fprintf(stderr, "nbd_file_server: %s: %s\n", a->file, plat_strerror(err));
	return err;
}

static void command_loop(struct nbd_export *exp)
{
	char line[128];

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strcmp(line, "available")) {
			nbd_export_set_available(exp, true);
			puts("ok");
		} else if (!strcmp(line, "unavailable")) {
			nbd_export_set_available(exp, false);
			puts("ok");
		} else if (!strcmp(line, "demote")) {
			puts(nbd_export_set_unavailable_if_idle(exp) ? "busy" : "ok");
		} else if (!strcmp(line, "open-count")) {
			printf("%u\n", nbd_export_open_count(exp));
		} else if (!strcmp(line, "quit")) {
			puts("ok");
			break;
		} else {
			puts("unknown command");
		}
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	struct file_export f = { 0 };
	struct nbd_export_config ec = { 0 };
	struct nbd_export *exp = NULL;
	struct nbd_server *srv = NULL;
	struct args a = { 0 };
	int err;

	plat_init();
	plat_log_set_ident("nbd_file_server");
	if (parse_args(argc, argv, &a))
		return usage();
	err = open_file(&a, &f, &ec.size);
	if (err)
		return 1;
	ec.name = a.name;
	ec.description = "udrbd test file server";
	ec.size -= ec.size % 512;
	ec.multi_conn = true;
	ec.available = !a.unavailable;
	ec.unavailable_msg = "%s is Secondary; promote it with drbdsetup primary";
	ec.ops = &file_ops;
	ec.ctx = &f;
	err = nbd_export_new(&ec, &exp);
	if (!err)
		err = nbd_server_new(&a.srv, &srv);
	if (!err)
		err = nbd_server_add_export(srv, exp);
	if (!err)
		err = nbd_server_start(srv);
	if (!err) {
		printf("ready port=%u\n", nbd_server_tcp_port(srv));
		fflush(stdout);
		command_loop(exp);
	}
	nbd_server_free(srv);
	nbd_export_free(exp);
	plat_bdev_close(f.bdev);
	return err ? 1 : 0;
}
