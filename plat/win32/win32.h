/* Helpers shared by the files of plat/win32/ only; nothing above plat/
 * includes this. */
#ifndef UDRBD_PLAT_WIN32_H
#define UDRBD_PLAT_WIN32_H

#include "plat/plat.h"

#include <winsock2.h>
#include <windows.h>
#include <wchar.h>

_Static_assert(sizeof(plat_mutex) == sizeof(SRWLOCK), "plat_mutex is an SRWLOCK");
_Static_assert(sizeof(plat_cond) == sizeof(CONDITION_VARIABLE), "plat_cond");
_Static_assert(sizeof(plat_sock) == sizeof(SOCKET), "plat_sock is a SOCKET");

/* GetLastError() and WSAGetLastError() codes to negative errno codes. */
int plat_win32_err(DWORD e);
int plat_win32_last_err(void);
int plat_win32_wsa_err(void);

/* UTF-8 to a malloc'd UTF-16 string; NULL when out of memory or invalid. */
wchar_t *plat_win32_wide(const char *s);

/* Waits for an overlapped operation on h to finish, giving up early when
 * stop (may be NULL) is signalled: then the operation is cancelled and
 * -ECANCELED returned. 0 and *done on success, else a negative code. */
int plat_win32_wait_io(HANDLE h, OVERLAPPED *ov, HANDLE stop, DWORD *done);

/* The token (an impersonation token, or NULL for the caller's) is in
 * Administrators or is SYSTEM (token.c). */
bool plat_win32_token_is_admin(HANDLE tok);
/* The same for the client of a server pipe end that has read data. */
bool plat_win32_pipe_client_is_admin(HANDLE pipe);

#endif
