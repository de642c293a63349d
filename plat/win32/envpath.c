/* The machine-wide PATH: the value Path of Session Manager\Environment,
 * from which Windows builds every new logon's PATH. The MSI runs
 * `udrbd path add|remove` to put its directory there (wixl has no
 * Environment element), and running programs that keep an environment
 * for their children (Explorer) are told with WM_SETTINGCHANGE. */
#include "plat/win32/win32.h"

#include <stdlib.h>

#define ENV_KEY L"SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment"
/* The list may be long (32767 characters is Windows' own limit for an
 * environment variable); UTF-8 may need three bytes per character. */
#define PATH_MAX_CHARS 32768

static int read_path(HKEY k, DWORD *type, char *out, size_t len)
{
	DWORD size = PATH_MAX_CHARS * sizeof(wchar_t);
	wchar_t *w = calloc(PATH_MAX_CHARS + 1, sizeof(wchar_t));
	LONG rc;
	int err = 0;

	if (!w)
		return -ENOMEM;
	/* RegQueryValueExW: RegGetValueW would expand %SystemRoot% in a
	 * REG_EXPAND_SZ, and the value must be written back unexpanded. */
	rc = RegQueryValueExW(k, L"Path", NULL, type, (BYTE *)w, &size);
	if (rc == ERROR_FILE_NOT_FOUND) {
		*type = REG_EXPAND_SZ;
		out[0] = 0;
	} else if (rc != ERROR_SUCCESS) {
		err = plat_win32_err((DWORD)rc);
	} else if (*type != REG_SZ && *type != REG_EXPAND_SZ) {
		err = -EINVAL;
	} else if (!WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)len, NULL, NULL)) {
		err = plat_win32_last_err();
	}
	free(w);
	return err;
}

static int write_path(HKEY k, DWORD type, const char *list)
{
	wchar_t *w = plat_win32_wide(list);
	LONG rc;

	if (!w)
		return -ENOMEM;
	rc = RegSetValueExW(k, L"Path", 0, type, (const BYTE *)w,
			    (DWORD)((wcslen(w) + 1) * sizeof(wchar_t)));
	free(w);
	return rc == ERROR_SUCCESS ? 0 : plat_win32_err((DWORD)rc);
}

int plat_system_path_edit(const char *dir, bool add)
{
	size_t len = PATH_MAX_CHARS * 3;
	char *cur = malloc(len), *next = malloc(len);
	DWORD type;
	HKEY k = NULL;
	LONG rc;
	int err = -ENOMEM;

	if (!cur || !next)
		goto out;
	rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, ENV_KEY, 0, KEY_QUERY_VALUE | KEY_SET_VALUE, &k);
	if (rc != ERROR_SUCCESS) {
		err = plat_win32_err((DWORD)rc);
		k = NULL;
		goto out;
	}
	err = read_path(k, &type, cur, len);
	if (!err)
		err = plat_pathlist_edit(cur, dir, add, next, len);
	if (err == 1)
		err = write_path(k, type, next);
	if (!err)
		/* Told even when nothing changed: harmless, and a repair run
		 * of the MSI then also refreshes Explorer's copy. The timeout
		 * keeps a hung window from holding the installer. */
		SendMessageTimeoutW(HWND_BROADCAST, WM_SETTINGCHANGE, 0,
				    (LPARAM)L"Environment", SMTO_ABORTIFHUNG, 5000, NULL);
out:
	if (k)
		RegCloseKey(k);
	free(cur);
	free(next);
	return err;
}
