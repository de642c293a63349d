/* The Windows Event Log as one more log target (WinDRBD reports there too,
 * windrbd-facts.md §1.6). Source "udrbd" in the Application log; the
 * installer registers it under
 * HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\udrbd.
 * Without a message file Event Viewer still shows the text, after its
 * "description ... cannot be found" preamble. Wine's ReportEventW only
 * traces the strings (channel "eventlog"): under Wine this is a sink
 * nobody reads. */
#include "plat/win32/win32.h"

#include <stdlib.h>

#define EVENTLOG_SOURCE L"udrbd"
/* One event id for every message: the text is the message. */
#define EVENTLOG_ID 1

static HANDLE ev_source;
static int ev_max_level = -1;

int plat_log_eventlog(int max_level)
{
	HANDLE h;

	if (max_level < 0) {
		ev_max_level = -1;
		return 0;
	}
	if (!ev_source) {
		h = RegisterEventSourceW(NULL, EVENTLOG_SOURCE);
		if (!h)
			return plat_win32_last_err();
		ev_source = h;
	}
	ev_max_level = max_level;
	return 0;
}

static WORD event_type(int level)
{
	if (level <= PLAT_LOG_ERR)
		return EVENTLOG_ERROR_TYPE;
	if (level == PLAT_LOG_WARNING)
		return EVENTLOG_WARNING_TYPE;
	return EVENTLOG_INFORMATION_TYPE;
}

/* Called by plat/log.c with its lock held. */
void plat_eventlog_send(int level, const char *msg);
void plat_eventlog_send(int level, const char *msg)
{
	const wchar_t *strings[1];
	wchar_t *w;

	if (!ev_source || level > ev_max_level)
		return;
	w = plat_win32_wide(msg);
	if (!w)
		return;
	strings[0] = w;
	ReportEventW(ev_source, event_type(level), 0, EVENTLOG_ID, NULL, 1, 0, strings, NULL);
	free(w);
}
