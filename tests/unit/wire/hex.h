/* Hex strings for golden bytes in the wire/ tests. */
#ifndef UDRBD_TESTS_WIRE_HEX_H
#define UDRBD_TESTS_WIRE_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline int hex_nibble(char c)
{
	return c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0';
}

/* Decodes hex (spaces allowed) into out; returns the byte count. */
static inline size_t unhex_into(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s && n < cap) {
		if (*s == ' ') {
			s++;
			continue;
		}
		out[n++] = (uint8_t)(hex_nibble(s[0]) << 4 | hex_nibble(s[1]));
		s += 2;
	}
	return n;
}

#endif
