/* Logging settings from the registry, where WinDRBD keeps its own
 * (windrbd-facts.md §1.6): values under udrbd's service key, else under
 * WinDRBD's, so a host moving from WinDRBD keeps its log host.
 *
 *   syslog_ip        REG_SZ     HOST or HOST:PORT (WinDRBD: an IPv4 address)
 *   event_log_level  REG_DWORD  highest level sent to the Event Log */
#include "plat/win32/win32.h"

#define SVC_KEY L"SYSTEM\\CurrentControlSet\\Services\\"

static const wchar_t *const log_keys[] = { SVC_KEY L"udrbd", SVC_KEY L"WinDRBD" };

int plat_log_config_syslog(char *host, size_t len)
{
	wchar_t w[256];

	for (size_t i = 0; i < sizeof(log_keys) / sizeof(log_keys[0]); i++) {
		DWORD size = sizeof(w);

		if (RegGetValueW(HKEY_LOCAL_MACHINE, log_keys[i], L"syslog_ip", RRF_RT_REG_SZ,
				 NULL, w, &size) != ERROR_SUCCESS || !w[0])
			continue;
		if (WideCharToMultiByte(CP_UTF8, 0, w, -1, host, (int)len, NULL, NULL) <= 0)
			return -ENAMETOOLONG;
		return 0;
	}
	return -ENOENT;
}

int plat_log_config_eventlog_level(int *level)
{
	for (size_t i = 0; i < sizeof(log_keys) / sizeof(log_keys[0]); i++) {
		DWORD v, size = sizeof(v);

		if (RegGetValueW(HKEY_LOCAL_MACHINE, log_keys[i], L"event_log_level",
				 RRF_RT_REG_DWORD, NULL, &v, &size) != ERROR_SUCCESS)
			continue;
		*level = v > PLAT_LOG_DEBUG ? PLAT_LOG_DEBUG : (int)v;
		return 0;
	}
	return -ENOENT;
}
