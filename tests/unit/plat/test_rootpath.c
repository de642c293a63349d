/* The root directory and its POSIX-style paths: pure string rules on
 * every OS; on Windows also the lookup order (environment, registry,
 * C:\windrbd). */
#include "tests/unit/plat/plat_test.h"
#include "tests/tap.h"

#include <string.h>

int plat_win32_cygwin_path(const char *in, char *out, size_t len);
int plat_win32_join_root(const char *root, const char *path, char *out, size_t len);

static void join(const char *root, const char *path, const char *want)
{
	char out[256] = "";

	TAP_EQ(plat_win32_join_root(root, path, out, sizeof(out)), 0);
	TAP_STREQ(out, want);
}

TAP_TEST(join_posix_paths_under_root)
{
	join("C:\\windrbd", "/etc/drbd.conf", "C:\\windrbd\\etc\\drbd.conf");
	join("C:\\windrbd\\", "/etc/drbd.d/*.res", "C:\\windrbd\\etc\\drbd.d\\*.res");
	join("D:\\", "/var/lib/drbd", "D:\\var\\lib\\drbd");
	join("C:\\windrbd", "/", "C:\\windrbd\\");
	/* Not under the root: Windows paths, relative paths, UNC, Cygwin drives. */
	join("C:\\windrbd", "E:\\r0.res", "E:\\r0.res");
	join("C:\\windrbd", "drbd.d/r0.res", "drbd.d\\r0.res");
	join("C:\\windrbd", "//srv/share/x", "\\\\srv\\share\\x");
	join("C:\\windrbd", "/cygdrive/e/conf/r0.res", "E:\\conf\\r0.res");
}

TAP_TEST(cygwin_paths)
{
	char out[64];

	/* WinDRBD's WinDRBDRoot registry value (windrbd-facts.md §1.4). */
	TAP_EQ(plat_win32_cygwin_path("/cygdrive/c/windrbd", out, sizeof(out)), 0);
	TAP_STREQ(out, "C:\\windrbd");
	TAP_EQ(plat_win32_cygwin_path("/cygdrive/d", out, sizeof(out)), 0);
	TAP_STREQ(out, "D:\\");
	TAP_EQ(plat_win32_cygwin_path("C:/windrbd", out, sizeof(out)), 0);
	TAP_STREQ(out, "C:\\windrbd");
	/* "/cygdrive/cd" is no drive. */
	TAP_EQ(plat_win32_cygwin_path("/cygdrive/cd", out, sizeof(out)), 0);
	TAP_STREQ(out, "\\cygdrive\\cd");
	TAP_EQ(plat_win32_cygwin_path("/cygdrive/c/windrbd", out, 8), -ENAMETOOLONG);
	TAP_EQ(plat_win32_join_root("C:\\windrbd", "/etc/drbd.conf", out, 12), -ENAMETOOLONG);
}

#ifdef _WIN32
#include <windows.h>

int plat_win32_find_root(char *out, size_t len);

#define TEST_KEY L"SYSTEM\\CurrentControlSet\\Services\\udrbd"

static void find(const char *want)
{
	char out[256] = "";

	TAP_EQ(plat_win32_find_root(out, sizeof(out)), 0);
	TAP_STREQ(out, want);
}

static bool set_reg_root(const wchar_t *value)
{
	HKEY k;
	LONG rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, TEST_KEY, 0, NULL, 0, KEY_ALL_ACCESS,
				  NULL, &k, NULL);

	if (rc != ERROR_SUCCESS)
		return false;
	if (value)
		rc = RegSetValueExW(k, L"Root", 0, REG_SZ, (const BYTE *)value,
				    (DWORD)((wcslen(value) + 1) * sizeof(wchar_t)));
	else
		rc = RegDeleteValueW(k, L"Root");
	RegCloseKey(k);
	return rc == ERROR_SUCCESS || (!value && rc == ERROR_FILE_NOT_FOUND);
}

/* Run in the test's own Wine prefix: the registry value is ours. */
TAP_TEST(lookup_order)
{
	_putenv("UDRBD_ROOT=");
	if (!set_reg_root(NULL)) {
		TAP_SKIP("HKLM not writable (not an administrator)");
		return;
	}
	find("C:\\windrbd");
	TAP_OK(set_reg_root(L"D:\\udrbd-root"), "registry value set");
	find("D:\\udrbd-root");
	_putenv("UDRBD_ROOT=/cygdrive/e/r");
	find("E:\\r");
	_putenv("UDRBD_ROOT=");
	TAP_OK(set_reg_root(NULL), "registry value removed");
	find("C:\\windrbd");
}

TAP_TEST(config_root_is_cached_under_root)
{
	char want[300];

	snprintf(want, sizeof(want), "%s\\etc", plat_root_dir());
	TAP_STREQ(plat_config_root(), want);
}
#else
TAP_TEST(posix_roots)
{
	char out[64];

	TAP_STREQ(plat_config_root(), "/etc");
	TAP_STREQ(plat_root_dir(), "/");
	TAP_EQ(plat_root_path("/etc/drbd.d", out, sizeof(out)), 0);
	TAP_STREQ(out, "/etc/drbd.d");
}
#endif

int main(void)
{
	plat_init();
	return tap_run();
}
