/* Paths on POSIX: the file system's own root and /etc. */
#include "plat/plat.h"

#include <stdio.h>

const char *plat_config_root(void)
{
	return "/etc";
}

const char *plat_root_dir(void)
{
	return "/";
}

int plat_root_path(const char *posix_path, char *out, size_t len)
{
	return (size_t)snprintf(out, len, "%s", posix_path) < len ? 0 : -ENAMETOOLONG;
}
