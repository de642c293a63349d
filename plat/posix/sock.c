/* TCP and Unix-domain sockets on POSIX. */
#include "plat/plat.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int resolve(const char *host, uint16_t port, bool passive, struct addrinfo **res)
{
	struct addrinfo hints = { 0 };
	char svc[8];
	int rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
	snprintf(svc, sizeof(svc), "%u", port);
	rc = getaddrinfo(host && *host ? host : NULL, svc, &hints, res);
	if (rc)
		return rc == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
	return 0;
}

int plat_sock_listen_tcp(const char *host, uint16_t port, int backlog, plat_sock *out)
{
	struct addrinfo *res, *ai;
	int fd = -1, err, one = 1;

	err = resolve(host, port, true, &res);
	if (err)
		return err;
	err = -EADDRNOTAVAIL;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0) {
			err = 0;
			break;
		}
		err = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (err)
		return err;
	*out = fd;
	return 0;
}

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

int plat_sock_listen_unix(const char *path, unsigned mode, plat_sock *out)
{
	struct sockaddr_un sa;
	mode_t old;
	int fd, err;

	err = unix_addr(path, &sa);
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

static int connect_timeout(int fd, const struct sockaddr *sa, socklen_t len,
			   uint32_t timeout_ms)
{
	int flags = fcntl(fd, F_GETFL), err = 0;
	socklen_t elen = sizeof(err);
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, sa, len) == 0)
		goto done;
	if (errno != EINPROGRESS)
		return -errno;
	switch (poll(&p, 1, (int)timeout_ms)) {
	case 0:
		return -ETIMEDOUT;
	case -1:
		return -errno;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		return -errno;
	if (err)
		return -err;
done:
	fcntl(fd, F_SETFL, flags);
	return 0;
}

int plat_sock_connect_tcp(const char *host, uint16_t port, uint32_t timeout_ms,
			  plat_sock *out)
{
	struct addrinfo *res, *ai;
	int fd = -1, err;

	err = resolve(host, port, false, &res);
	if (err)
		return err;
	err = -ECONNREFUSED;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		err = connect_timeout(fd, ai->ai_addr, ai->ai_addrlen, timeout_ms);
		if (!err)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (err)
		return err;
	*out = fd;
	return 0;
}

int plat_sock_connect_unix(const char *path, plat_sock *out)
{
	struct sockaddr_un sa;
	int fd, err;

	err = unix_addr(path, &sa);
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

int plat_sock_local_port(plat_sock s, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(s, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	if (ss.ss_family == AF_INET)
		*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		*port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		return -EAFNOSUPPORT;
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

int plat_sock_send_all(plat_sock s, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(s, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EPIPE ? -ECONNRESET : -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

long plat_sock_recv_some(plat_sock s, void *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(s, buf, len, 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : (long)n;
}

int plat_sock_recv_all(plat_sock s, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		long n = plat_sock_recv_some(s, p, len);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
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

int plat_sock_set_nodelay(plat_sock s, bool on)
{
	int v = on;

	return setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)) < 0 ? -errno : 0;
}

int plat_sock_set_bufsizes(plat_sock s, int sndbuf, int rcvbuf)
{
	/* 0 keeps the kernel's auto-tuning, as DRBD's sndbuf-size 0 does. */
	if (sndbuf > 0 && setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) < 0)
		return -errno;
	if (rcvbuf > 0 && setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0)
		return -errno;
	return 0;
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
