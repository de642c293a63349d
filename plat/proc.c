/* The OS-independent part of plat/<os>/proc.c. */
#include "plat/plat.h"

#include <stdlib.h>

void plat_glob_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
}
