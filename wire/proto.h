/* wire/: the DRBD packet codec. Pure functions over caller buffers: no I/O,
 * no allocation. Reference: drbd-wire-protocol.md (cited as "§n").
 *
 * Conventions of every wire_*_encode / wire_*_decode function:
 *  - encoders write a whole packet (header + payload) into buf[0..cap) and
 *    return its length, or -EMSGSIZE when cap is too small (data-carrying
 *    packets write everything up to the data, which the caller sends next);
 *  - decoders read a payload (the bytes after the header) and fill a struct;
 *    they return 0, or a negative errno: -EBADMSG for a length that does not
 *    fit the packet, -EPROTO for a field value the protocol forbids;
 *  - after a failure wire_last_error() names the reason (a static string,
 *    per thread), for the one log line the caller writes.
 */
#ifndef UDRBD_WIRE_PROTO_H
#define UDRBD_WIRE_PROTO_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Codes mingw's errno.h may lack (values only need to be unique). */
#ifndef EBADMSG
#define EBADMSG 74
#endif
#ifndef EPROTO
#define EPROTO 71
#endif
#ifndef EMSGSIZE
#define EMSGSIZE 90
#endif

/* What both sides agreed on for one connection (§4.1, §4.3). Before the
 * features exchange apv is 0: only h80 packets are valid then (§3.3). */
struct wire_proto {
	unsigned apv;		/* agreed protocol version, 0 = not yet */
	uint32_t features;	/* agreed DRBD_FF_* bits */
	unsigned digest_size;	/* peer's data-integrity digest, 0 = none */
};

/* A view into a caller's buffer (decoders never copy bulk data). */
struct wire_blob {
	const uint8_t *ptr;
	uint32_t len;
};

const char *wire_last_error(void);

/* Records why for wire_last_error() and returns err (internal helper,
 * public so every wire/ file uses the same one). */
int wire_fail(int err, const char *why);
/* The same with the values that were wrong in the reason (the bytes a
 * log reader needs to see). */
int wire_failf(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
