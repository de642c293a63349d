/* Control-channel framing (see ctl/proto.h). */
#include "ctl/proto.h"

#include <stdlib.h>
#include <string.h>

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int read_full(struct plat_chan *c, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		long n = plat_chan_read(c, p, len);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int ctl_send_request(struct plat_chan *c, int argc, char *const argv[])
{
	uint8_t hdr[8];
	int err;

	if (argc < 0 || argc > CTL_MAX_ARGS)
		return -E2BIG;
	memcpy(hdr, CTL_MAGIC, 4);
	put_u32(hdr + 4, (uint32_t)argc);
	err = plat_chan_write(c, hdr, sizeof(hdr));
	for (int i = 0; !err && i < argc; i++) {
		size_t len = strlen(argv[i]);
		if (len > CTL_MAX_ARG_LEN)
			return -E2BIG;
		put_u32(hdr, (uint32_t)len);
		err = plat_chan_write(c, hdr, 4);
		if (!err)
			err = plat_chan_write(c, argv[i], len);
	}
	return err;
}

void ctl_free_args(int argc, char **argv)
{
	if (!argv)
		return;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

int ctl_recv_request(struct plat_chan *c, int *argcp, char ***argvp)
{
	uint8_t hdr[8];
	char **argv = NULL;
	uint32_t argc, i = 0;
	int err;

	err = read_full(c, hdr, sizeof(hdr));
	if (err)
		return err;
	argc = get_u32(hdr + 4);
	if (memcmp(hdr, CTL_MAGIC, 4) != 0 || argc > CTL_MAX_ARGS)
		return -EPROTO;
	argv = calloc(argc + 1, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	for (i = 0; i < argc; i++) {
		uint32_t len;
		err = read_full(c, hdr, 4);
		if (err)
			goto out;
		len = get_u32(hdr);
		if (len > CTL_MAX_ARG_LEN) {
			err = -EPROTO;
			goto out;
		}
		argv[i] = malloc(len + 1);
		if (!argv[i]) {
			err = -ENOMEM;
			goto out;
		}
		err = read_full(c, argv[i], len);
		if (err)
			goto out;
		argv[i][len] = 0;
		/* An argument is a C string: embedded NULs would let two
		 * layers see different words. */
		if (strlen(argv[i]) != len) {
			err = -EPROTO;
			goto out;
		}
	}
	*argcp = (int)argc;
	*argvp = argv;
	return 0;
out:
	ctl_free_args((int)argc, argv);
	return err;
}

int ctl_send_frame(struct plat_chan *c, enum ctl_frame_kind kind, const void *buf,
		   uint32_t len)
{
	uint8_t hdr[5];
	int err;

	hdr[0] = (uint8_t)kind;
	put_u32(hdr + 1, len);
	err = plat_chan_write(c, hdr, sizeof(hdr));
	if (!err && len)
		err = plat_chan_write(c, buf, len);
	return err;
}

int ctl_recv_frame(struct plat_chan *c, enum ctl_frame_kind *kind, char **bufp,
		   uint32_t *lenp)
{
	uint8_t hdr[5];
	uint32_t len;
	char *buf;
	int err;

	err = read_full(c, hdr, sizeof(hdr));
	if (err)
		return err;
	len = get_u32(hdr + 1);
	if (len > (16u << 20))
		return -EPROTO;
	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	err = read_full(c, buf, len);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = 0;
	*kind = (enum ctl_frame_kind)hdr[0];
	*bufp = buf;
	*lenp = len;
	return 0;
}

const char *ctl_default_path(void)
{
	const char *p = getenv("UDRBD_CONTROL");

	return p && *p ? p : plat_chan_default_path();
}
