/* Golden bytes written as hex strings in the front/ unit tests. */
#ifndef UDRBD_TESTS_UNIT_FRONT_HEX_H
#define UDRBD_TESTS_UNIT_FRONT_HEX_H

#include <stdint.h>
#include <stdio.h>

/* Hex string (spaces ignored) to bytes; returns the count. */
static inline size_t hex(const char *s, uint8_t *out)
{
	size_t n = 0;

	while (*s) {
		unsigned v;

		if (*s == ' ') {
			s++;
			continue;
		}
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

#endif
