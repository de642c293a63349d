/* The reason of the last wire/ failure, per thread: decoders stay free of
 * logging, and the caller that handles the error logs it once. */
#include "wire/proto.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local const char *wire_why;
static _Thread_local char wire_why_buf[128];

const char *wire_last_error(void)
{
	return wire_why ? wire_why : "no error";
}

int wire_fail(int err, const char *why)
{
	wire_why = why;
	return err;
}

int wire_failf(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(wire_why_buf, sizeof(wire_why_buf), fmt, ap);
	va_end(ap);
	wire_why = wire_why_buf;
	return err;
}
