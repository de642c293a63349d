/* udrbd's root directory on Windows (windrbd-facts.md §1.4): the tree
 * WinDRBD installs, so its configuration works unchanged. Looked up once:
 *
 *   1. %UDRBD_ROOT%;
 *   2. HKLM\SYSTEM\CurrentControlSet\Services\udrbd, value "Root"
 *      (the installer writes it);
 *   3. a WinDRBD installation's HKLM\...\Services\WinDRBD, values
 *      "WinDRBDRootWinPath", else "WinDRBDRoot" (a Cygwin path);
 *   4. C:\windrbd. */
#include "plat/win32/win32.h"

#include <stdio.h>
#include <stdlib.h>

#define SVC_KEY L"SYSTEM\\CurrentControlSet\\Services\\"

int plat_win32_cygwin_path(const char *in, char *out, size_t len);
int plat_win32_join_root(const char *root, const char *path, char *out, size_t len);
int plat_win32_find_root(char *out, size_t len);

static char root_dir[MAX_PATH * 3], config_dir[MAX_PATH * 3];
static INIT_ONCE root_once = INIT_ONCE_STATIC_INIT;

static bool reg_string(const wchar_t *key, const wchar_t *value, char *out, size_t len)
{
	wchar_t w[MAX_PATH];
	DWORD size = sizeof(w);

	/* RRF_RT_REG_SZ takes a REG_EXPAND_SZ too, expanded
	 * ("%SystemDrive%\windrbd"); naming RRF_RT_REG_EXPAND_SZ would
	 * need RRF_NOEXPAND. */
	if (RegGetValueW(HKEY_LOCAL_MACHINE, key, value, RRF_RT_REG_SZ, NULL, w,
			 &size) != ERROR_SUCCESS || !w[0])
		return false;
	return WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)len, NULL, NULL) > 0;
}

int plat_win32_find_root(char *out, size_t len)
{
	char buf[MAX_PATH * 3];
	const char *env = getenv("UDRBD_ROOT");

	if (env && *env)
		return plat_win32_cygwin_path(env, out, len);
	if (reg_string(SVC_KEY L"udrbd", L"Root", out, len) ||
	    reg_string(SVC_KEY L"WinDRBD", L"WinDRBDRootWinPath", out, len))
		return 0;
	if (reg_string(SVC_KEY L"WinDRBD", L"WinDRBDRoot", buf, sizeof(buf)))
		return plat_win32_cygwin_path(buf, out, len);
	return snprintf(out, len, "C:\\windrbd") < (int)len ? 0 : -ENAMETOOLONG;
}

static BOOL CALLBACK find_once(PINIT_ONCE once, PVOID arg, PVOID *ctx)
{
	(void)once;
	(void)arg;
	(void)ctx;
	if (plat_win32_find_root(root_dir, sizeof(root_dir)))
		snprintf(root_dir, sizeof(root_dir), "C:\\windrbd");
	if (plat_win32_join_root(root_dir, "/etc", config_dir, sizeof(config_dir)))
		snprintf(config_dir, sizeof(config_dir), "C:\\windrbd\\etc");
	return TRUE;
}

const char *plat_root_dir(void)
{
	InitOnceExecuteOnce(&root_once, find_once, NULL, NULL);
	return root_dir;
}

const char *plat_config_root(void)
{
	InitOnceExecuteOnce(&root_once, find_once, NULL, NULL);
	return config_dir;
}

int plat_root_path(const char *posix_path, char *out, size_t len)
{
	return plat_win32_join_root(plat_root_dir(), posix_path, out, len);
}
