/* Helpers for the plat unit tests; the same code natively and under Wine. */
#ifndef UDRBD_TESTS_PLAT_TEST_H
#define UDRBD_TESTS_PLAT_TEST_H

#include "plat/plat.h"

#include <stdio.h>
#include <stdlib.h>

/* A path no other test run uses, in the temporary directory. */
static inline void test_tmp_path(char *buf, size_t len, const char *tag)
{
	static unsigned seq;
#ifdef _WIN32
	const char *dir = getenv("TEMP"), sep = '\\';
#else
	const char *dir = getenv("TMPDIR"), sep = '/';
#endif

	if (!dir || !*dir)
		dir = ".";
	snprintf(buf, len, "%s%cudrbd-%s-%u-%u", dir, sep, tag, plat_pid(), seq++);
}

#endif
