/* A PATH-style list ("C:\a;C:\b") with one directory added or removed.
 * Pure string code, built on every platform so its unit test also runs on
 * Linux; plat/win32/envpath.c applies it to the machine-wide PATH. */
#include "plat/plat.h"

#include <ctype.h>
#include <string.h>

/* Windows compares file names without case, and "C:\x\" names "C:\x". */
static bool same_dir(const char *a, size_t an, const char *b, size_t bn)
{
	while (an > 1 && (a[an - 1] == '\\' || a[an - 1] == '/'))
		an--;
	while (bn > 1 && (b[bn - 1] == '\\' || b[bn - 1] == '/'))
		bn--;
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

static int put(char *out, size_t len, size_t *at, const char *s, size_t n)
{
	if (*at + n >= len)
		return -ENAMETOOLONG;
	memcpy(out + *at, s, n);
	*at += n;
	out[*at] = 0;
	return 0;
}

static bool has_dir(const char *list, const char *dir)
{
	for (const char *p = list; *p; ) {
		size_t n = strcspn(p, ";");

		if (n && same_dir(p, n, dir, strlen(dir)))
			return true;
		p += n + (p[n] == ';');
	}
	return false;
}

int plat_pathlist_edit(const char *list, const char *dir, bool add, char *out, size_t len)
{
	bool found = has_dir(list, dir);
	size_t at = 0;
	int err = 0;

	if (!len)
		return -ENAMETOOLONG;
	out[0] = 0;
	if (found == add)	/* nothing to do: the list stays as it is */
		return put(out, len, &at, list, strlen(list));
	if (add) {
		/* At the end, so nothing installed earlier is shadowed. */
		err = put(out, len, &at, list, strlen(list));
		if (!err && at && out[at - 1] != ';')
			err = put(out, len, &at, ";", 1);
		if (!err)
			err = put(out, len, &at, dir, strlen(dir));
		return err ? err : 1;
	}
	for (const char *p = list; *p && !err; ) {
		size_t n = strcspn(p, ";");

		/* Every copy goes; other entries stay, in their order. */
		if (n && !same_dir(p, n, dir, strlen(dir))) {
			if (at)
				err = put(out, len, &at, ";", 1);
			if (!err)
				err = put(out, len, &at, p, n);
		}
		p += n + (p[n] == ';');
	}
	return err ? err : 1;
}

#ifndef _WIN32
/* Only Windows has one machine-wide PATH that programs read at start. */
int plat_system_path_edit(const char *dir, bool add)
{
	(void)dir;
	(void)add;
	return -EOPNOTSUPP;
}
#endif
