/* Who is on the other end of the control pipe: an administrator (or
 * SYSTEM), who may run every command, or anyone else, who may only read.
 * The pipe's ACL (chan.c) lets both in; this decides the rest. */
#include "plat/win32/win32.h"

#include <stdlib.h>

static bool token_has(HANDLE tok, WELL_KNOWN_SID_TYPE type)
{
	BYTE sid[SECURITY_MAX_SID_SIZE];
	DWORD size = sizeof(sid);
	BOOL member = FALSE;

	if (!CreateWellKnownSid(type, NULL, sid, &size))
		return false;
	/* Counts enabled groups only: a UAC-filtered administrator (the
	 * group deny-only) is not one, as for WinDRBD's admin device. */
	return CheckTokenMembership(tok, sid, &member) && member;
}

bool plat_win32_token_is_admin(HANDLE tok)
{
	return token_has(tok, WinBuiltinAdministratorsSid) ||
	       token_has(tok, WinLocalSystemSid);
}

bool plat_win32_pipe_client_is_admin(HANDLE pipe)
{
	HANDLE tok;
	bool admin = false;

	if (!ImpersonateNamedPipeClient(pipe)) {
		plat_warn("control: cannot identify the client (%s): read-only",
			  plat_strerror(plat_win32_last_err()));
		return false;
	}
	if (OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &tok)) {
		admin = plat_win32_token_is_admin(tok);
		CloseHandle(tok);
	}
	/* Going on as the client would run daemon code with its rights. */
	if (!RevertToSelf())
		abort();
	return admin;
}
