/* Control channel on POSIX: a Unix socket, mode 0600, so only root (the
 * owner of /run/udrbd) may drive the engine. */
#include "plat/plat.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct plat_chan {
	plat_sock s;
	char *unlink_path; /* listener only: removed on close */
};

static int mkparent(const char *path)
{
	char *dir = strdup(path), *slash;
	int err = 0;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			err = -errno;
	}
	free(dir);
	return err;
}

static struct plat_chan *chan_new(plat_sock s)
{
	struct plat_chan *c = calloc(1, sizeof(*c));

	if (c)
		c->s = s;
	return c;
}

int plat_chan_listen(const char *path, struct plat_chan **out)
{
	plat_sock s;
	int err;

	err = mkparent(path);
	if (err)
		return err;
	err = plat_sock_listen_unix(path, 0600, &s);
	if (err)
		return err;
	*out = chan_new(s);
	if (!*out || !((*out)->unlink_path = strdup(path))) {
		free(*out);
		plat_sock_close(s);
		return -ENOMEM;
	}
	return 0;
}

int plat_chan_accept(struct plat_chan *l, struct plat_chan **out)
{
	plat_sock s;
	int err = plat_sock_accept(l->s, &s);

	if (err)
		return err;
	*out = chan_new(s);
	if (!*out) {
		plat_sock_close(s);
		return -ENOMEM;
	}
	return 0;
}

int plat_chan_connect(const char *path, struct plat_chan **out)
{
	plat_sock s;
	int err = plat_sock_connect_unix(path, &s);

	if (err)
		return err;
	*out = chan_new(s);
	if (!*out) {
		plat_sock_close(s);
		return -ENOMEM;
	}
	return 0;
}

int plat_chan_write(struct plat_chan *c, const void *buf, size_t len)
{
	return plat_sock_send_all(c->s, buf, len);
}

long plat_chan_read(struct plat_chan *c, void *buf, size_t len)
{
	return plat_sock_recv_some(c->s, buf, len);
}

void plat_chan_shutdown(struct plat_chan *c)
{
	plat_sock_shutdown(c->s);
}

void plat_chan_close(struct plat_chan *c)
{
	if (!c)
		return;
	plat_sock_close(c->s);
	if (c->unlink_path) {
		unlink(c->unlink_path);
		free(c->unlink_path);
	}
	free(c);
}

const char *plat_chan_default_path(void)
{
	return "/run/udrbd/udrbdd.sock";
}

bool plat_chan_peer_admin(const struct plat_chan *c)
{
	uint32_t uid;

	/* root and the daemon's own user; anyone else got in only because
	 * an administrator opened the socket's mode to a group, which may
	 * read (ARCHITECTURE.md, "Control channel"). Without peer
	 * credentials the 0600 mode is all there is. */
	if (plat_sock_peer_uid(c->s, &uid) == -EOPNOTSUPP)
		return true;
	return plat_sock_peer_uid(c->s, &uid) == 0 && (uid == 0 || uid == (uint32_t)geteuid());
}
