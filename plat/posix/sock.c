/* The POSIX side of plat/sock.c, Unix-domain sockets and waiting. */
#include "plat/sock_os.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int plat_sock_os_err(void)
{
	return -errno;
}

int plat_sock_os_gai_err(int rc)
{
	return rc == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
}

int plat_sock_os_new(int family, int type, plat_sock *out)
{
	*out = socket(family, type | SOCK_CLOEXEC, 0);
	return *out < 0 ? -errno : 0;
}

void plat_sock_os_reuse(plat_sock s)
{
	int one = 1;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
}

static int wait_connected(int fd, uint32_t timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t elen;
	int err = 0;

	switch (poll(&p, 1, (int)timeout_ms)) {
	case 0:
		return -ETIMEDOUT;
	case -1:
		return -errno;
	}
	elen = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		return -errno;
	return -err;
}

int plat_sock_os_connect(plat_sock fd, const struct sockaddr *sa, socklen_t len,
			 uint32_t timeout_ms)
{
	int flags = fcntl(fd, F_GETFL), err = 0;

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, sa, len) < 0)
		err = errno == EINPROGRESS ? wait_connected(fd, timeout_ms) : -errno;
	fcntl(fd, F_SETFL, flags);
	return err;
}

int plat_sock_listen_unix(const char *path, unsigned mode, plat_sock *out)
{
	struct sockaddr_un sa;
	mode_t old;
	int fd, err;

	err = plat_sock_unix_addr(path, &sa);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A socket file left by a dead daemon: refuse if someone answers. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		return -EADDRINUSE;
	}
	unlink(path);
	/* The umask makes the socket root-only from its first moment, not
	 * after a chmod race. */
	old = umask(0777 & ~mode);
	err = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	umask(old);
	if (!err && listen(fd, 16) < 0)
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	chmod(path, mode);
	*out = fd;
	return 0;
}

int plat_sock_connect_unix(const char *path, plat_sock *out)
{
	struct sockaddr_un sa;
	int fd, err;

	err = plat_sock_unix_addr(path, &sa);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

int plat_sock_accept(plat_sock l, plat_sock *out)
{
	int fd;

	do
		fd = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	*out = fd;
	return 0;
}

void plat_sock_close(plat_sock s)
{
	if (s >= 0)
		close(s);
}

void plat_sock_shutdown(plat_sock s)
{
	if (s >= 0)
		shutdown(s, SHUT_RDWR);
}

int plat_sock_wait_readable(plat_sock s, int timeout_ms)
{
	struct pollfd p = { .fd = s, .events = POLLIN };
	int rc;

	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	return rc < 0 ? -errno : rc;
}

int plat_sock_peer_uid(plat_sock s, uint32_t *uid)
{
#ifdef SO_PEERCRED
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	*uid = cred.uid;
	return 0;
#else
	(void)s; (void)uid;
	return -EOPNOTSUPP;
#endif
}
