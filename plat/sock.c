/* TCP and UDP sockets: the BSD socket calls both platforms share. What
 * differs lives behind plat/sock_os.h in plat/<os>/sock.c. */
#include "plat/sock_os.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static int resolve(const char *host, uint16_t port, int type, bool passive,
		   struct addrinfo **res)
{
	struct addrinfo hints = { 0 };
	char svc[8];
	int rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = type;
	hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
	snprintf(svc, sizeof(svc), "%u", port);
	rc = getaddrinfo(host && *host ? host : NULL, svc, &hints, res);
	return rc ? plat_sock_os_gai_err(rc) : 0;
}

/* Binds (listening when backlog >= 0) or connects to the first address
 * of host that works. */
static int open_first(const char *host, uint16_t port, int type, int backlog,
		      bool passive, uint32_t timeout_ms, plat_sock *out)
{
	struct addrinfo *res, *ai;
	plat_sock s = PLAT_SOCK_INVALID;
	int err;

	err = resolve(host, port, type, passive, &res);
	if (err)
		return err;
	err = -EADDRNOTAVAIL;
	for (ai = res; ai; ai = ai->ai_next) {
		err = plat_sock_os_new(ai->ai_family, ai->ai_socktype, &s);
		if (err)
			continue;
		if (!passive)
			err = plat_sock_os_connect(s, ai->ai_addr, (socklen_t)ai->ai_addrlen,
						   timeout_ms);
		else {
			if (backlog >= 0)
				plat_sock_os_reuse(s);
			if (bind(s, ai->ai_addr, (socklen_t)ai->ai_addrlen) < 0 ||
			    (backlog >= 0 && listen(s, backlog) < 0))
				err = plat_sock_os_err();
		}
		if (!err)
			break;
		plat_sock_close(s);
		s = PLAT_SOCK_INVALID;
	}
	freeaddrinfo(res);
	*out = s;
	return err;
}

int plat_sock_listen_tcp(const char *host, uint16_t port, int backlog, plat_sock *out)
{
	return open_first(host, port, SOCK_STREAM, backlog, true, 0, out);
}

int plat_sock_connect_tcp(const char *host, uint16_t port, uint32_t timeout_ms,
			  plat_sock *out)
{
	return open_first(host, port, SOCK_STREAM, -1, false, timeout_ms, out);
}

int plat_udp_bind(const char *host, uint16_t port, plat_sock *out)
{
	return open_first(host, port, SOCK_DGRAM, -1, true, 0, out);
}

int plat_udp_connect(const char *host, uint16_t port, plat_sock *out)
{
	/* A UDP connect only fixes the destination; it never waits. */
	return open_first(host, port, SOCK_DGRAM, -1, false, 0, out);
}

int plat_sock_unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

int plat_udp_send(plat_sock s, const void *buf, size_t len)
{
	long n;

	if (len > INT_MAX)
		return -EMSGSIZE;
	n = send(s, buf, (plat_sock_iolen)len, PLAT_SOCK_SEND_FLAGS);
	if (n < 0)
		return plat_sock_os_err();
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

int plat_sock_local_port(plat_sock s, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(s, (struct sockaddr *)&ss, &len) < 0)
		return plat_sock_os_err();
	if (ss.ss_family == AF_INET)
		*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		*port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		return -EAFNOSUPPORT;
	return 0;
}

static int send_flags(plat_sock s, const void *buf, size_t len, int flags)
{
	const char *p = buf;

	while (len) {
		size_t chunk = len > INT_MAX ? INT_MAX : len;
		long n = send(s, p, (plat_sock_iolen)chunk, flags);
		int err;

		if (n < 0) {
			err = plat_sock_os_err();
			if (err == -EINTR)
				continue;
			return err == -EPIPE ? -ECONNRESET : err;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int plat_sock_send_all(plat_sock s, const void *buf, size_t len)
{
	return send_flags(s, buf, len, PLAT_SOCK_SEND_FLAGS);
}

/* Linux holds a MSG_MORE send back until the rest follows, so a packet's
 * header and its data leave in the same segments; elsewhere a plain send. */
int plat_sock_send_more(plat_sock s, const void *buf, size_t len)
{
#ifdef MSG_MORE
	return send_flags(s, buf, len, PLAT_SOCK_SEND_FLAGS | MSG_MORE);
#else
	return send_flags(s, buf, len, PLAT_SOCK_SEND_FLAGS);
#endif
}

bool plat_sock_peer_closed(plat_sock s)
{
	char b;

	/* Readable and a peek of 0 bytes: the peer's FIN (or RST) is in.
	 * Pending data is left where it is. */
	if (plat_sock_wait_readable(s, 0) <= 0)
		return false;
	return recv(s, &b, 1, MSG_PEEK) <= 0;
}

long plat_sock_recv_some(plat_sock s, void *buf, size_t len)
{
	size_t chunk = len > INT_MAX ? INT_MAX : len;
	long n;
	int err;

	for (;;) {
		n = recv(s, buf, (plat_sock_iolen)chunk, 0);
		if (n >= 0)
			return n;
		err = plat_sock_os_err();
		if (err != -EINTR)
			return err;
	}
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

int plat_sock_set_nodelay(plat_sock s, bool on)
{
	int v = on;

	if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const void *)&v, sizeof(v)) < 0)
		return plat_sock_os_err();
	return 0;
}

static int set_int(plat_sock s, int opt, int v)
{
	if (setsockopt(s, SOL_SOCKET, opt, (const void *)&v, sizeof(v)) < 0)
		return plat_sock_os_err();
	return 0;
}

int plat_sock_set_bufsizes(plat_sock s, int sndbuf, int rcvbuf)
{
	int err = 0;

	/* 0 keeps the kernel's auto-tuning, as DRBD's sndbuf-size 0 does. */
	if (sndbuf > 0)
		err = set_int(s, SO_SNDBUF, sndbuf);
	if (!err && rcvbuf > 0)
		err = set_int(s, SO_RCVBUF, rcvbuf);
	return err;
}
