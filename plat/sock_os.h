/* What BSD sockets and Winsock do differently, for plat/sock.c; the
 * plat/<os>/sock.c files implement these and the OS-only calls. */
#ifndef UDRBD_PLAT_SOCK_OS_H
#define UDRBD_PLAT_SOCK_OS_H

#include "plat/plat.h"

#ifdef _WIN32
#include <ws2tcpip.h>
#include <afunix.h>
/* Winsock raises no SIGPIPE and counts bytes in int. */
#define PLAT_SOCK_SEND_FLAGS 0
typedef int plat_sock_iolen;
#else
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#define PLAT_SOCK_SEND_FLAGS MSG_NOSIGNAL
typedef size_t plat_sock_iolen;
#endif

/* The last socket call's error as a negative code. */
int plat_sock_os_err(void);
/* getaddrinfo's return value as a negative code. */
int plat_sock_os_gai_err(int rc);
/* A socket that child processes do not inherit. */
int plat_sock_os_new(int family, int type, plat_sock *out);
/* Lets a listener rebind its port at once after a restart. */
void plat_sock_os_reuse(plat_sock s);
/* path into a Unix-domain address; -ENAMETOOLONG when it does not fit. */
int plat_sock_unix_addr(const char *path, struct sockaddr_un *sa);
int plat_sock_os_connect(plat_sock s, const struct sockaddr *sa, socklen_t len,
			 uint32_t timeout_ms);

#endif
