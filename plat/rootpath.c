/* POSIX-style paths under a Windows root directory. Pure string code,
 * built on every platform so its unit test also runs on Linux.
 *
 * WinDRBD's tools are Cygwin programs whose "/" is its install root
 * (windrbd-facts.md §1.4: "/etc/drbd.conf", "/var/lib/drbd" under
 * C:\windrbd), and its registry value WinDRBDRoot is a Cygwin path
 * ("/cygdrive/c/windrbd"). Both become Windows paths here. */
#include "plat/plat.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Copies s to out with '/' as '\\'; -ENAMETOOLONG if it does not fit. */
static int put_win(char *out, size_t len, size_t at, const char *s)
{
	size_t n = strlen(s);

	if (at + n >= len)
		return -ENAMETOOLONG;
	for (size_t i = 0; i <= n; i++)
		out[at + i] = s[i] == '/' ? '\\' : s[i];
	return 0;
}

int plat_win32_cygwin_path(const char *in, char *out, size_t len)
{
	static const char pfx[] = "/cygdrive/";
	size_t p = sizeof(pfx) - 1;
	char drive[4];

	if (strncmp(in, pfx, p) || !isalpha((unsigned char)in[p]) ||
	    (in[p + 1] && in[p + 1] != '/'))
		return put_win(out, len, 0, in);
	snprintf(drive, sizeof(drive), "%c:", toupper((unsigned char)in[p]));
	if (put_win(out, len, 0, drive))
		return -ENAMETOOLONG;
	/* "/cygdrive/c" alone is the drive's root directory. */
	return put_win(out, len, 2, in[p + 1] ? in + p + 1 : "\\");
}

int plat_win32_join_root(const char *root, const char *path, char *out, size_t len)
{
	size_t n = strlen(root);

	if (path[0] != '/' || path[1] == '/')
		return put_win(out, len, 0, path);
	if (!strncmp(path, "/cygdrive/", 10))
		return plat_win32_cygwin_path(path, out, len);
	/* The root without its trailing separator, then the path. */
	while (n > 3 && (root[n - 1] == '\\' || root[n - 1] == '/'))
		n--;
	if (n >= len)
		return -ENAMETOOLONG;
	memcpy(out, root, n);
	out[n] = 0;
	if (n && (out[n - 1] == '\\' || out[n - 1] == '/'))
		path++;
	return put_win(out, len, n, path);
}
