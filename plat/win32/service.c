/* udrbdd as a Windows service: the dispatcher, the control handler and
 * the status reports the service control manager (SCM) expects.
 *
 * The daemon's own main loop runs on the SCM's service thread; a stop or
 * shutdown request only calls the daemon's stop hook, so a service stops
 * through the same path as SIGTERM on Linux (resources down, meta data
 * written). While that runs, a timer keeps telling the SCM that the stop
 * makes progress, since taking many resources down can outlast any fixed
 * wait hint. */
#include "plat/win32/win32.h"

#include <stdlib.h>

/* Between two progress reports while stopping; the SCM gives up on a
 * service whose checkpoint does not move within the wait hint. */
#define SVC_TICK_MS 1000
#define SVC_WAIT_HINT_MS 5000

static struct {
	wchar_t *name;
	int (*run)(void *);
	void *arg;
	void (*on_stop)(void);
	SERVICE_STATUS_HANDLE handle;
	SERVICE_STATUS st;
	SRWLOCK lock;		/* st and the tick timer */
	HANDLE tick;
	bool active;		/* inside plat_service_dispatch */
} svc = { .lock = SRWLOCK_INIT };

static void report_locked(DWORD state)
{
	svc.st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	svc.st.dwCurrentState = state;
	svc.st.dwControlsAccepted = state == SERVICE_RUNNING ?
		SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
	if (state == SERVICE_RUNNING || state == SERVICE_STOPPED) {
		svc.st.dwCheckPoint = 0;
		svc.st.dwWaitHint = 0;
	} else {
		svc.st.dwCheckPoint++;
		svc.st.dwWaitHint = SVC_WAIT_HINT_MS;
	}
	SetServiceStatus(svc.handle, &svc.st);
}

static void report(DWORD state)
{
	AcquireSRWLockExclusive(&svc.lock);
	report_locked(state);
	ReleaseSRWLockExclusive(&svc.lock);
}

static VOID CALLBACK stop_tick(PVOID ctx, BOOLEAN fired)
{
	(void)ctx;
	(void)fired;
	AcquireSRWLockExclusive(&svc.lock);
	if (svc.st.dwCurrentState == SERVICE_STOP_PENDING)
		report_locked(SERVICE_STOP_PENDING);
	ReleaseSRWLockExclusive(&svc.lock);
}

/* Runs on the dispatcher's thread, which must not block: the stop itself
 * happens on the service thread once run() sees the request. */
static DWORD WINAPI control(DWORD code, DWORD type, LPVOID data, LPVOID ctx)
{
	(void)type;
	(void)data;
	(void)ctx;
	switch (code) {
	case SERVICE_CONTROL_INTERROGATE:
		return NO_ERROR;
	case SERVICE_CONTROL_STOP:
	case SERVICE_CONTROL_SHUTDOWN:
		AcquireSRWLockExclusive(&svc.lock);
		if (svc.st.dwCurrentState != SERVICE_STOP_PENDING &&
		    svc.st.dwCurrentState != SERVICE_STOPPED) {
			report_locked(SERVICE_STOP_PENDING);
			if (!svc.tick)
				CreateTimerQueueTimer(&svc.tick, NULL, stop_tick, NULL,
						      SVC_TICK_MS, SVC_TICK_MS, 0);
		}
		ReleaseSRWLockExclusive(&svc.lock);
		svc.on_stop();
		return NO_ERROR;
	default:
		return ERROR_CALL_NOT_IMPLEMENTED;
	}
}

static VOID WINAPI service_main(DWORD argc, LPWSTR *argv)
{
	int rc;

	(void)argc;
	(void)argv;
	svc.handle = RegisterServiceCtrlHandlerExW(svc.name, control, NULL);
	if (!svc.handle) {
		plat_err("service %ls: cannot register its control handler: %s", svc.name,
			 plat_strerror(plat_win32_last_err()));
		return;
	}
	report(SERVICE_START_PENDING);
	rc = svc.run(svc.arg);
	/* Wait for a running tick to finish before the last report. */
	if (svc.tick)
		DeleteTimerQueueTimer(NULL, svc.tick, INVALID_HANDLE_VALUE);
	AcquireSRWLockExclusive(&svc.lock);
	svc.tick = NULL;
	svc.st.dwWin32ExitCode = rc ? ERROR_SERVICE_SPECIFIC_ERROR : NO_ERROR;
	svc.st.dwServiceSpecificExitCode = (DWORD)rc;
	report_locked(SERVICE_STOPPED);
	ReleaseSRWLockExclusive(&svc.lock);
}

int plat_service_dispatch(const char *name, int (*run)(void *), void *arg,
			  void (*on_stop)(void))
{
	SERVICE_TABLE_ENTRYW table[2] = { { NULL, service_main }, { NULL, NULL } };
	int err = 0;

	svc.name = plat_win32_wide(name);
	if (!svc.name)
		return -ENOMEM;
	svc.run = run;
	svc.arg = arg;
	svc.on_stop = on_stop;
	svc.active = true;
	table[0].lpServiceName = svc.name;
	/* Returns when the service has stopped. */
	if (!StartServiceCtrlDispatcherW(table))
		err = GetLastError() == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT ?
			-ENOTCONN : plat_win32_last_err();
	svc.active = false;
	free(svc.name);
	svc.name = NULL;
	return err;
}

void plat_service_running(void)
{
	if (svc.active && svc.handle)
		report(SERVICE_RUNNING);
}
