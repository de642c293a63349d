/* The Winsock side of plat/sock.c, AF_UNIX sockets and waiting. */
#include "plat/sock_os.h"
#include "plat/win32/win32.h"

#include <string.h>

int plat_sock_os_err(void)
{
	return plat_win32_wsa_err();
}

int plat_sock_os_gai_err(int rc)
{
	/* Winsock's EAI_* codes are WSA error numbers. */
	return plat_win32_err((DWORD)rc);
}

int plat_sock_os_new(int family, int type, plat_sock *out)
{
	*out = WSASocketW(family, type, 0, NULL, 0,
			  WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	return *out == INVALID_SOCKET ? plat_win32_wsa_err() : 0;
}

void plat_sock_os_reuse(plat_sock s)
{
	/* SO_REUSEADDR on Windows lets another process steal a bound port;
	 * TIME_WAIT never blocks a rebind here anyway. Ask for the
	 * opposite. */
	BOOL one = TRUE;

	setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one, sizeof(one));
}

static int wait_connected(plat_sock s, uint32_t timeout_ms)
{
	struct timeval tv = { (long)(timeout_ms / 1000), (long)(timeout_ms % 1000) * 1000 };
	fd_set w, e;
	int err = 0, elen = sizeof(err);

	FD_ZERO(&w);
	FD_ZERO(&e);
	FD_SET(s, &w);
	FD_SET(s, &e);
	/* select, not WSAPoll: WSAPoll did not report failed connects
	 * before Windows 10 2004. */
	switch (select(0, NULL, &w, &e, &tv)) {
	case 0:
		return -ETIMEDOUT;
	case SOCKET_ERROR:
		return plat_win32_wsa_err();
	}
	if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &elen) < 0)
		return plat_win32_wsa_err();
	return err ? plat_win32_err((DWORD)err) : 0;
}

int plat_sock_os_connect(plat_sock s, const struct sockaddr *sa, socklen_t len,
			 uint32_t timeout_ms)
{
	u_long on = 1, off = 0;
	int err = 0;

	ioctlsocket(s, FIONBIO, &on);
	if (connect(s, sa, len) == SOCKET_ERROR) {
		err = plat_win32_wsa_err();
		if (err == -EAGAIN || err == -EINPROGRESS)
			err = wait_connected(s, timeout_ms);
	}
	ioctlsocket(s, FIONBIO, &off);
	return err;
}

static int unix_socket(const char *path, struct sockaddr_un *sa, plat_sock *s)
{
	int err = plat_sock_unix_addr(path, sa);

	if (!err)
		err = plat_sock_os_new(AF_UNIX, SOCK_STREAM, s);
	/* Windows before 10 1803, and Wine 8, have no AF_UNIX. */
	return err == -EAFNOSUPPORT ? -EOPNOTSUPP : err;
}

int plat_sock_listen_unix(const char *path, unsigned mode, plat_sock *out)
{
	struct sockaddr_un sa;
	plat_sock s;
	int err;

	/* AF_UNIX socket files take the directory's ACL; mode has no
	 * meaning here (the control channel uses a named pipe instead). */
	(void)mode;
	err = unix_socket(path, &sa, &s);
	if (err)
		return err;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		closesocket(s);
		return -EADDRINUSE;
	}
	DeleteFileA(path);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 16) < 0) {
		err = plat_win32_wsa_err();
		closesocket(s);
		return err;
	}
	*out = s;
	return 0;
}

int plat_sock_connect_unix(const char *path, plat_sock *out)
{
	struct sockaddr_un sa;
	plat_sock s;
	int err;

	err = unix_socket(path, &sa, &s);
	if (err)
		return err;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = plat_win32_wsa_err();
		closesocket(s);
		return err;
	}
	*out = s;
	return 0;
}

int plat_sock_accept(plat_sock l, plat_sock *out)
{
	plat_sock s = accept(l, NULL, NULL);

	if (s == INVALID_SOCKET)
		return plat_win32_wsa_err();
	SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
	*out = s;
	return 0;
}

void plat_sock_close(plat_sock s)
{
	if (s != INVALID_SOCKET)
		closesocket(s);
}

void plat_sock_shutdown(plat_sock s)
{
	if (s == INVALID_SOCKET)
		return;
	BOOL listening = FALSE;
	int len = sizeof(listening);
	u_long nonblock = 1;

	shutdown(s, SD_BOTH);
	/* A listener's accept() that has not started yet would block after
	 * the cancel below, where POSIX fails it: non-blocking, it returns
	 * at once (a socket's only state we can keep). */
	if (!getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, (char *)&listening, &len) && listening)
		ioctlsocket(s, FIONBIO, &nonblock);
	/* shutdown alone wakes neither a blocked accept nor, on every
	 * Windows version, a blocked recv; cancelling their I/O does. */
	CancelIoEx((HANDLE)s, NULL);
}

int plat_sock_wait_readable(plat_sock s, int timeout_ms)
{
	WSAPOLLFD p = { .fd = s, .events = POLLRDNORM };
	int rc = WSAPoll(&p, 1, timeout_ms);

	return rc == SOCKET_ERROR ? plat_win32_wsa_err() : rc;
}

int plat_sock_peer_uid(plat_sock s, uint32_t *uid)
{
	(void)s; (void)uid;
	return -EOPNOTSUPP;
}
