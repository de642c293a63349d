/* Registering, removing, starting and stopping a service through the
 * service control manager, for `udrbd service ...`. */
#include "plat/win32/win32.h"

#include <stdlib.h>

/* Opens the SCM and, when name is set, that service. */
static int open_svc(const char *name, DWORD access, SC_HANDLE *scm, SC_HANDLE *svc)
{
	wchar_t *wname = plat_win32_wide(name);
	int err = 0;

	*svc = NULL;
	if (!wname)
		return -ENOMEM;
	*scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	if (!*scm) {
		err = plat_win32_last_err();
		goto out;
	}
	*svc = OpenServiceW(*scm, wname, access);
	if (!*svc) {
		err = GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST ? -ENOENT
								       : plat_win32_last_err();
		CloseServiceHandle(*scm);
	}
out:
	free(wname);
	return err;
}

static void close_svc(SC_HANDLE scm, SC_HANDLE svc)
{
	CloseServiceHandle(svc);
	CloseServiceHandle(scm);
}

int plat_service_install(const char *name, const char *display, const char *cmdline)
{
	wchar_t *wname = plat_win32_wide(name), *wdisp = plat_win32_wide(display);
	wchar_t *wcmd = plat_win32_wide(cmdline);
	SC_HANDLE scm = NULL, svc;
	int err = 0;

	if (!wname || !wdisp || !wcmd) {
		err = -ENOMEM;
		goto out;
	}
	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CREATE_SERVICE);
	if (!scm) {
		err = plat_win32_last_err();
		goto out;
	}
	/* LocalSystem: the engine opens raw volumes and disks. */
	svc = CreateServiceW(scm, wname, wdisp, SERVICE_ALL_ACCESS,
			     SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
			     SERVICE_ERROR_NORMAL, wcmd, NULL, NULL, NULL, NULL, NULL);
	if (!svc)
		err = GetLastError() == ERROR_SERVICE_EXISTS ? -EEXIST
							     : plat_win32_last_err();
	else
		CloseServiceHandle(svc);
out:
	if (scm)
		CloseServiceHandle(scm);
	free(wname);
	free(wdisp);
	free(wcmd);
	return err;
}

int plat_service_uninstall(const char *name)
{
	SC_HANDLE scm, svc;
	int err = open_svc(name, DELETE, &scm, &svc);

	if (err)
		return err;
	if (!DeleteService(svc))
		err = GetLastError() == ERROR_SERVICE_MARKED_FOR_DELETE ? 0
									: plat_win32_last_err();
	close_svc(scm, svc);
	return err;
}

int plat_service_state(const char *name, int *state)
{
	SERVICE_STATUS st;
	SC_HANDLE scm, svc;
	int err = open_svc(name, SERVICE_QUERY_STATUS, &scm, &svc);

	if (err)
		return err;
	if (QueryServiceStatus(svc, &st))
		*state = (int)st.dwCurrentState;
	else
		err = plat_win32_last_err();
	close_svc(scm, svc);
	return err;
}

/* Polls until the service reaches want, or timeout_ms passed. */
static int wait_state(SC_HANDLE svc, DWORD want, uint32_t timeout_ms)
{
	uint64_t end = plat_now_ns() + (uint64_t)timeout_ms * 1000000;
	SERVICE_STATUS st;

	for (;;) {
		if (!QueryServiceStatus(svc, &st))
			return plat_win32_last_err();
		if (st.dwCurrentState == want)
			return 0;
		/* A start that failed ends in STOPPED, not RUNNING. */
		if (want == SERVICE_RUNNING && st.dwCurrentState == SERVICE_STOPPED)
			return -EIO;
		if (plat_now_ns() >= end)
			return -ETIMEDOUT;
		plat_sleep_ms(100);
	}
}

int plat_service_start(const char *name, uint32_t timeout_ms)
{
	SC_HANDLE scm, svc;
	int err = open_svc(name, SERVICE_START | SERVICE_QUERY_STATUS, &scm, &svc);

	if (err)
		return err;
	if (!StartServiceW(svc, 0, NULL) &&
	    GetLastError() != ERROR_SERVICE_ALREADY_RUNNING)
		err = plat_win32_last_err();
	else
		err = wait_state(svc, SERVICE_RUNNING, timeout_ms);
	close_svc(scm, svc);
	return err;
}

/* The service's process, to wait for its end: a service reports STOPPED
 * before its process exits, and until then its executable cannot be
 * replaced or removed (an installer would ask for a reboot). */
static HANDLE service_process(SC_HANDLE svc)
{
	SERVICE_STATUS_PROCESS sp;
	DWORD n;

	if (!QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)&sp, sizeof(sp), &n) ||
	    !sp.dwProcessId)
		return NULL;
	return OpenProcess(SYNCHRONIZE, FALSE, sp.dwProcessId);
}

int plat_service_stop(const char *name, uint32_t timeout_ms)
{
	SERVICE_STATUS st;
	SC_HANDLE scm, svc;
	HANDLE proc;
	int err = open_svc(name, SERVICE_STOP | SERVICE_QUERY_STATUS, &scm, &svc);

	if (err)
		return err;
	proc = service_process(svc);
	if (!ControlService(svc, SERVICE_CONTROL_STOP, &st) &&
	    GetLastError() != ERROR_SERVICE_NOT_ACTIVE &&
	    GetLastError() != ERROR_SERVICE_CANNOT_ACCEPT_CTRL)
		err = plat_win32_last_err();
	else
		err = wait_state(svc, SERVICE_STOPPED, timeout_ms);
	if (!err && proc && WaitForSingleObject(proc, timeout_ms) != WAIT_OBJECT_0)
		err = -ETIMEDOUT;
	if (proc)
		CloseHandle(proc);
	close_svc(scm, svc);
	return err;
}

int plat_exe_dir(char *buf, size_t len)
{
	wchar_t path[MAX_PATH * 2], *sep;
	DWORD n = GetModuleFileNameW(NULL, path, MAX_PATH * 2);

	if (n == 0 || n >= MAX_PATH * 2)
		return -ENAMETOOLONG;
	sep = wcsrchr(path, L'\\');
	if (sep)
		*sep = 0;
	if (!WideCharToMultiByte(CP_UTF8, 0, path, -1, buf, (int)len, NULL, NULL))
		return -ENAMETOOLONG;
	return 0;
}
