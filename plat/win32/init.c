/* Process set-up, error codes and strings on Windows. Every Win32 and
 * Winsock error becomes a negative errno code here, once, so the layers
 * above see the same codes as on Linux. */
#include "plat/win32/win32.h"

#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plat_log_init_lock(void);

int plat_init(void)
{
	static bool done;
	WSADATA wsa;
	int rc;

	if (done)
		return 0;
	/* No "insert a disk" dialog boxes from a service probing devices. */
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
	rc = WSAStartup(MAKEWORD(2, 2), &wsa);
	if (rc)
		return plat_win32_err((DWORD)rc);
	plat_log_init_lock();
	/* Output is byte-identical to the Linux build's (status, dump-md):
	 * text mode would turn every "\n" into "\r\n", which WinDRBD's
	 * Cygwin-built utilities do not print either. stdin stays text, so
	 * a "yes" typed at the console still ends in a plain "\n". */
	_setmode(_fileno(stdout), _O_BINARY);
	_setmode(_fileno(stderr), _O_BINARY);
	done = true;
	return 0;
}

struct err_map {
	DWORD win;
	int err;
};

static const struct err_map win_errs[] = {
	{ ERROR_FILE_NOT_FOUND, ENOENT },	{ ERROR_PATH_NOT_FOUND, ENOENT },
	{ ERROR_INVALID_NAME, ENOENT },		{ ERROR_BAD_PATHNAME, ENOENT },
	{ ERROR_INVALID_DRIVE, ENODEV },	{ ERROR_NOT_READY, ENODEV },
	{ ERROR_DEV_NOT_EXIST, ENODEV },	{ ERROR_ACCESS_DENIED, EACCES },
	{ ERROR_PRIVILEGE_NOT_HELD, EPERM },	{ ERROR_WRITE_PROTECT, EROFS },
	{ ERROR_SHARING_VIOLATION, EBUSY },	{ ERROR_LOCK_VIOLATION, EBUSY },
	{ ERROR_BUSY, EBUSY },			{ ERROR_PIPE_BUSY, EBUSY },
	{ ERROR_NOT_ENOUGH_MEMORY, ENOMEM },	{ ERROR_OUTOFMEMORY, ENOMEM },
	{ ERROR_INVALID_HANDLE, EBADF },	{ ERROR_INVALID_PARAMETER, EINVAL },
	{ ERROR_NEGATIVE_SEEK, EINVAL },	{ ERROR_HANDLE_EOF, EIO },
	{ ERROR_CRC, EIO },			{ ERROR_IO_DEVICE, EIO },
	{ ERROR_SECTOR_NOT_FOUND, EIO },	{ ERROR_DISK_FULL, ENOSPC },
	{ ERROR_HANDLE_DISK_FULL, ENOSPC },	{ ERROR_FILE_EXISTS, EEXIST },
	{ ERROR_ALREADY_EXISTS, EEXIST },	{ ERROR_NOT_SUPPORTED, EOPNOTSUPP },
	{ ERROR_INVALID_FUNCTION, EOPNOTSUPP },	{ ERROR_CALL_NOT_IMPLEMENTED, EOPNOTSUPP },
	{ ERROR_BROKEN_PIPE, ECONNRESET },	{ ERROR_NO_DATA, ECONNRESET },
	{ ERROR_PIPE_NOT_CONNECTED, ENOTCONN },	{ ERROR_OPERATION_ABORTED, ECANCELED },
	{ ERROR_TIMEOUT, ETIMEDOUT },		{ ERROR_SEM_TIMEOUT, ETIMEDOUT },
	{ ERROR_FILENAME_EXCED_RANGE, ENAMETOOLONG },
	{ ERROR_BUFFER_OVERFLOW, ENAMETOOLONG },
};

static const struct err_map wsa_errs[] = {
	{ WSAEINTR, EINTR },			{ WSAEBADF, EBADF },
	{ WSAENOTSOCK, EBADF },			{ WSAEACCES, EACCES },
	{ WSAEFAULT, EFAULT },			{ WSAEINVAL, EINVAL },
	{ WSAEMFILE, EMFILE },			{ WSAEWOULDBLOCK, EAGAIN },
	{ WSAEINPROGRESS, EINPROGRESS },	{ WSAEALREADY, EALREADY },
	{ WSAEMSGSIZE, EMSGSIZE },		{ WSAEOPNOTSUPP, EOPNOTSUPP },
	{ WSAEAFNOSUPPORT, EAFNOSUPPORT },	{ WSAEPFNOSUPPORT, EAFNOSUPPORT },
	{ WSAEADDRINUSE, EADDRINUSE },		{ WSAEADDRNOTAVAIL, EADDRNOTAVAIL },
	{ WSAENETDOWN, ENETDOWN },		{ WSAENETUNREACH, ENETUNREACH },
	{ WSAENETRESET, ECONNRESET },		{ WSAECONNABORTED, ECONNABORTED },
	{ WSAECONNRESET, ECONNRESET },		{ WSAENOBUFS, ENOMEM },
	{ WSAEISCONN, EISCONN },		{ WSAENOTCONN, ENOTCONN },
	{ WSAESHUTDOWN, ESHUTDOWN },		{ WSAETIMEDOUT, ETIMEDOUT },
	{ WSAECONNREFUSED, ECONNREFUSED },	{ WSAEHOSTUNREACH, EHOSTUNREACH },
	{ WSAEHOSTDOWN, EHOSTUNREACH },		{ WSAHOST_NOT_FOUND, EHOSTUNREACH },
	{ WSATRY_AGAIN, EAGAIN },		{ WSANO_DATA, EHOSTUNREACH },
	{ WSA_OPERATION_ABORTED, ECANCELED },	{ WSANOTINITIALISED, EPROTO },
};

static int map_err(const struct err_map *m, size_t n, DWORD e)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].win == e)
			return -m[i].err;
	return -EIO;
}

int plat_win32_err(DWORD e)
{
	if (e >= WSABASEERR && e < WSABASEERR + 2000)
		return map_err(wsa_errs, sizeof(wsa_errs) / sizeof(wsa_errs[0]), e);
	return map_err(win_errs, sizeof(win_errs) / sizeof(win_errs[0]), e);
}

int plat_win32_last_err(void)
{
	return plat_win32_err(GetLastError());
}

int plat_win32_wsa_err(void)
{
	return plat_win32_err((DWORD)WSAGetLastError());
}

wchar_t *plat_win32_wide(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	wchar_t *w;

	if (n <= 0 || !(w = malloc((size_t)n * sizeof(*w))))
		return NULL;
	MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
	return w;
}

int plat_win32_wait_io(HANDLE h, OVERLAPPED *ov, HANDLE stop, DWORD *done)
{
	HANDLE ev[2] = { ov->hEvent, stop };
	bool stopped = false;

	if (stop && WaitForMultipleObjects(2, ev, FALSE, INFINITE) != WAIT_OBJECT_0) {
		CancelIoEx(h, ov);
		stopped = true;
	}
	/* After a cancel this still waits: the OVERLAPPED must outlive the
	 * operation. */
	if (!GetOverlappedResult(h, ov, done, TRUE))
		return stopped ? -ECANCELED : plat_win32_last_err();
	return 0;
}

/* msvcrt knows only the classic codes; the POSIX supplement mingw adds
 * (EADDRINUSE, ETIMEDOUT, ...) would all read "Unknown error". */
static const struct {
	int err;
	const char *text;
} extra_strs[] = {
	{ EADDRINUSE, "Address already in use" },
	{ EADDRNOTAVAIL, "Cannot assign requested address" },
	{ EAFNOSUPPORT, "Address family not supported by protocol" },
	{ EALREADY, "Operation already in progress" },
	{ ECANCELED, "Operation canceled" },
	{ ECONNABORTED, "Software caused connection abort" },
	{ ECONNREFUSED, "Connection refused" },
	{ ECONNRESET, "Connection reset by peer" },
	{ EHOSTUNREACH, "No route to host" },
	{ EINPROGRESS, "Operation now in progress" },
	{ EISCONN, "Transport endpoint is already connected" },
	{ EMSGSIZE, "Message too long" },
	{ ENETDOWN, "Network is down" },
	{ ENETUNREACH, "Network is unreachable" },
	{ ENOTCONN, "Transport endpoint is not connected" },
	{ EOPNOTSUPP, "Operation not supported" },
	{ EPROTO, "Protocol error" },
	{ ESHUTDOWN, "Cannot send after transport endpoint shutdown" },
	{ ETIMEDOUT, "Connection timed out" },
};

const char *plat_strerror(int neg_err)
{
	int e = neg_err < 0 ? -neg_err : neg_err;

	for (size_t i = 0; i < sizeof(extra_strs) / sizeof(extra_strs[0]); i++)
		if (extra_strs[i].err == e)
			return extra_strs[i].text;
	/* msvcrt's strerror fills a per-thread buffer. */
	return strerror(e);
}

int plat_hostname(char *buf, size_t len)
{
	DWORD n = (DWORD)len;

	if (!GetComputerNameExA(ComputerNameDnsHostname, buf, &n))
		return plat_win32_last_err();
	return 0;
}

uint32_t plat_pid(void)
{
	return (uint32_t)GetCurrentProcessId();
}

bool plat_os_mounts_volumes(void)
{
	return true;
}
