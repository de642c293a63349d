/* The reason of the last wire/ failure, per thread: decoders stay free of
 * logging, and the caller that handles the error logs it once. */
#include "wire/proto.h"

static _Thread_local const char *wire_why;

const char *wire_last_error(void)
{
	return wire_why ? wire_why : "no error";
}

int wire_fail(int err, const char *why)
{
	wire_why = why;
	return err;
}
