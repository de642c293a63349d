/* How a Windows backing-disk name becomes a CreateFileW path. Pure string
 * code, built on every platform so its unit test also runs on Linux.
 * Accepted names (windrbd-facts.md §1.2: "disk" is a drive letter or a
 * volume GUID): "F:", a bare GUID, "\\?\Volume{GUID}" with or without
 * the trailing backslash, "\\.\PhysicalDriveN", or a file path. */
#include "plat/plat.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool is_guid(const char *s, size_t n)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

	if (n != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool is_volume_path(const char *s)
{
	static const char pfx[] = "\\\\?\\Volume{";
	size_t n = strlen(s);

	if (strncmp(s, pfx, sizeof(pfx) - 1) != 0)
		return false;
	s += sizeof(pfx) - 1;
	n -= sizeof(pfx) - 1;
	return (n == 37 || (n == 38 && s[37] == '\\')) && s[36] == '}' && is_guid(s, 36);
}

int plat_win32_devpath(const char *in, char *out, size_t len)
{
	size_t n = strlen(in);
	int rc, dev = 1;

	if (n == 2 && isalpha((unsigned char)in[0]) && in[1] == ':')
		/* "\\.\F:" is the volume; a bare "F:" would mean the
		 * current directory on F. */
		rc = snprintf(out, len, "\\\\.\\%c:", in[0]);
	else if (is_guid(in, n))
		rc = snprintf(out, len, "\\\\?\\Volume{%s}", in);
	else if (is_volume_path(in))
		/* With the trailing backslash it names the root directory of
		 * the file system, not the volume. */
		rc = snprintf(out, len, "%.48s", in);
	else if (strncmp(in, "\\\\.\\", 4) == 0)
		rc = snprintf(out, len, "%s", in);
	else {
		rc = snprintf(out, len, "%s", in);
		dev = 0;
	}
	if (rc < 0 || (size_t)rc >= len)
		return -ENAMETOOLONG;
	return dev;
}
