/* Control channel on Windows: the named pipe \\.\pipe\udrbd, a byte
 * stream like the Unix socket on Linux, one pipe instance per client.
 * Every wait is overlapped so plat_chan_shutdown() can end it. */
#include "plat/win32/win32.h"

#include <sddl.h>
#include <stdlib.h>

/* Protected DACL: full access for LocalSystem and the Administrators
 * group; everyone else 0x12008b = FILE_GENERIC_READ | FILE_WRITE_DATA,
 * enough to send one request and read its answer, but neither
 * FILE_CREATE_PIPE_INSTANCE (so nobody can pose as the daemon on a
 * second instance) nor WRITE_DAC/WRITE_OWNER. What such a client may run
 * is decided by the daemon from its token (plat_chan_peer_admin): the
 * read-only commands, as WinDRBD's windrbd_control_user device allows
 * (windrbd-facts.md §1.1). */
const wchar_t plat_chan_sddl[] = L"D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x12008b;;;WD)";

struct plat_chan {
	HANDLE h;
	HANDLE rd_ev, wr_ev;	/* one overlapped operation each way */
	HANDLE stop;		/* set by plat_chan_shutdown */
	wchar_t *name;		/* listener only: creates the next instance */
	bool server;		/* accepted: the client's token is checked */
	bool checked, admin;
};

static void chan_free(struct plat_chan *c)
{
	if (!c)
		return;
	if (c->h != INVALID_HANDLE_VALUE)
		CloseHandle(c->h);
	if (c->rd_ev)
		CloseHandle(c->rd_ev);
	if (c->wr_ev)
		CloseHandle(c->wr_ev);
	if (c->stop)
		CloseHandle(c->stop);
	free(c->name);
	free(c);
}

static struct plat_chan *chan_new(HANDLE h)
{
	struct plat_chan *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->h = h;
	c->rd_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	c->wr_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	c->stop = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (!c->rd_ev || !c->wr_ev || !c->stop) {
		c->h = INVALID_HANDLE_VALUE;
		chan_free(c);
		return NULL;
	}
	return c;
}

int plat_win32_chan_sd(PSECURITY_DESCRIPTOR *sd);
int plat_win32_chan_sd(PSECURITY_DESCRIPTOR *sd)
{
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
		    plat_chan_sddl, SDDL_REVISION_1, sd, NULL))
		return plat_win32_last_err();
	return 0;
}

/* Another server owns the name. FILE_FLAG_FIRST_PIPE_INSTANCE says so on
 * Windows but Wine ignores it; asking for a free instance works on both. */
static bool name_taken(const wchar_t *name)
{
	return WaitNamedPipeW(name, 1) || GetLastError() == ERROR_SEM_TIMEOUT;
}

static int new_instance(const wchar_t *name, bool first, HANDLE *h)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
	DWORD open = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED;
	int err;

	/* The first instance claims the name: a second daemon fails here
	 * instead of sharing clients with the first. */
	if (first) {
		if (name_taken(name))
			return -EADDRINUSE;
		open |= FILE_FLAG_FIRST_PIPE_INSTANCE;
	}
	err = plat_win32_chan_sd(&sa.lpSecurityDescriptor);
	if (err)
		return err;
	*h = CreateNamedPipeW(name, open,
			      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT |
			      PIPE_REJECT_REMOTE_CLIENTS,
			      PIPE_UNLIMITED_INSTANCES, 65536, 65536, 0, &sa);
	err = *h == INVALID_HANDLE_VALUE ? plat_win32_last_err() : 0;
	LocalFree(sa.lpSecurityDescriptor);
	if (err == -EACCES && first)
		return -EADDRINUSE;
	return err;
}

int plat_chan_listen(const char *path, struct plat_chan **out)
{
	struct plat_chan *c;
	HANDLE h;
	int err;

	c = chan_new(INVALID_HANDLE_VALUE);
	if (!c)
		return -ENOMEM;
	c->name = plat_win32_wide(path);
	err = c->name ? new_instance(c->name, true, &h) : -ENOMEM;
	if (err) {
		chan_free(c);
		return err;
	}
	c->h = h;
	*out = c;
	return 0;
}

/* Waits until a client opens the listener's current instance. */
static int wait_client(struct plat_chan *l)
{
	OVERLAPPED ov = { .hEvent = l->rd_ev };
	DWORD n;

	ResetEvent(l->rd_ev);
	if (ConnectNamedPipe(l->h, &ov))
		return 0;
	switch (GetLastError()) {
	case ERROR_PIPE_CONNECTED: /* it came before we asked */
		return 0;
	case ERROR_IO_PENDING:
		return plat_win32_wait_io(l->h, &ov, l->stop, &n);
	default:
		return plat_win32_last_err();
	}
}

int plat_chan_accept(struct plat_chan *l, struct plat_chan **out)
{
	struct plat_chan *c;
	HANDLE next;
	int err;

	if (WaitForSingleObject(l->stop, 0) == WAIT_OBJECT_0)
		return -ECANCELED;
	err = wait_client(l);
	if (err)
		return err;
	/* The connected instance goes to the client's channel; the
	 * listener waits on a fresh one. */
	err = new_instance(l->name, false, &next);
	if (err)
		return err;
	c = chan_new(l->h);
	if (!c) {
		CloseHandle(next);
		return -ENOMEM;
	}
	c->server = true;
	l->h = next;
	*out = c;
	return 0;
}

static int open_client(const wchar_t *name, HANDLE *h)
{
	for (int tries = 0; tries < 10; tries++) {
		/* Not GENERIC_WRITE: the ACL grants non-admins only what a
		 * request and its answer need. */
		*h = CreateFileW(name, GENERIC_READ | FILE_WRITE_DATA, 0, NULL,
				 OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
		if (*h != INVALID_HANDLE_VALUE)
			return 0;
		/* All instances taken until the server calls accept again. */
		if (GetLastError() != ERROR_PIPE_BUSY)
			break;
		WaitNamedPipeW(name, 1000);
	}
	return GetLastError() == ERROR_PIPE_BUSY ? -ETIMEDOUT : plat_win32_last_err();
}

int plat_chan_connect(const char *path, struct plat_chan **out)
{
	wchar_t *name = plat_win32_wide(path);
	HANDLE h;
	int err;

	if (!name)
		return -ENOMEM;
	err = open_client(name, &h);
	free(name);
	if (err)
		return err;
	*out = chan_new(h);
	if (!*out) {
		CloseHandle(h);
		return -ENOMEM;
	}
	return 0;
}

/* One ReadFile or WriteFile, ended early by shutdown. */
static int pipe_io(struct plat_chan *c, bool write, void *buf, DWORD len, DWORD *done)
{
	OVERLAPPED ov = { .hEvent = write ? c->wr_ev : c->rd_ev };
	BOOL ok;

	ResetEvent(ov.hEvent);
	ok = write ? WriteFile(c->h, buf, len, NULL, &ov)
		   : ReadFile(c->h, buf, len, NULL, &ov);
	if (!ok && GetLastError() != ERROR_IO_PENDING)
		return plat_win32_last_err();
	return plat_win32_wait_io(c->h, &ov, c->stop, done);
}

int plat_chan_write(struct plat_chan *c, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		DWORD chunk = len > 65536 ? 65536 : (DWORD)len, n;
		int err = pipe_io(c, true, (void *)p, chunk, &n);

		if (err)
			return err == -ENOTCONN ? -ECONNRESET : err;
		p += n;
		len -= n;
	}
	return 0;
}

long plat_chan_read(struct plat_chan *c, void *buf, size_t len)
{
	DWORD chunk = len > 65536 ? 65536 : (DWORD)len, n;
	int err;

	if (WaitForSingleObject(c->stop, 0) == WAIT_OBJECT_0)
		return 0;
	err = pipe_io(c, false, buf, chunk, &n);
	/* Windows lets a server impersonate its client only once it has
	 * read from the pipe (ERROR_CANNOT_IMPERSONATE before). */
	if (!err && n && c->server && !c->checked) {
		c->admin = plat_win32_pipe_client_is_admin(c->h);
		c->checked = true;
	}
	/* The other end closed (-ECONNRESET from ERROR_BROKEN_PIPE) or we
	 * shut down: both read as end of stream, as a socket would. */
	if (err == -ECONNRESET || err == -ENOTCONN || err == -ECANCELED)
		return 0;
	return err ? err : (long)n;
}

bool plat_chan_peer_admin(const struct plat_chan *c)
{
	/* Our own end of a connection we opened is trusted: only the
	 * daemon's side asks about its clients. */
	return !c->server || c->admin;
}

void plat_chan_shutdown(struct plat_chan *c)
{
	SetEvent(c->stop);
}

void plat_chan_close(struct plat_chan *c)
{
	chan_free(c);
}

const char *plat_chan_default_path(void)
{
	return "\\\\.\\pipe\\udrbd";
}
