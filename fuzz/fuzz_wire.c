/* libFuzzer target: wire/'s header and payload decoders fed arbitrary
 * bytes, as a hostile or broken peer would send them.
 *
 * The first byte picks the agreed context (protocol version, features,
 * integrity digest) and the socket; the rest is a stream of packets,
 * walked as a receiver walks a TCP stream. Any crash or sanitizer report
 * is a bug; so is a payload that decodes, re-encodes and decodes to
 * something else (checked for the fixed-layout packets).
 */
#include <stdlib.h>
#include <string.h>

#include "wire/payload.h"
#include "wire/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned apvs[] = { 0, 86, 88, 89, 94, 95, 100, 101 };

static void roundtrip(const struct wire_proto *p, uint16_t vnr,
		      const struct wire_payload *a)
{
	uint8_t buf[256];
	struct wire_payload b;
	struct wire_packet pkt;
	int n = -1;

	switch (a->kind) {
	case WIRE_PL_UUIDS:
		n = wire_uuids_encode(p, vnr, &a->u.uuids, buf, sizeof(buf));
		break;
	case WIRE_PL_BLOCK_ACK:
		n = wire_block_ack_encode(p, a->cmd, vnr, &a->u.block_ack, buf,
					  sizeof(buf));
		break;
	case WIRE_PL_SIZES:
		n = wire_sizes_encode(p, vnr, &a->u.sizes, buf, sizeof(buf));
		break;
	case WIRE_PL_REQ_STATE:
		n = wire_req_state_encode(p, a->cmd, vnr, &a->u.req_state, buf,
					  sizeof(buf));
		break;
	default:
		return;
	}
	if (n < 0)
		abort();
	if (wire_packet_decode(p, WIRE_SOCK_ANY, buf, (size_t)n, &pkt) < 0 ||
	    wire_payload_decode(p, a->cmd, buf + pkt.hdr.size, pkt.hdr.length,
				&b) < 0 ||
	    memcmp(&a->u, &b.u, sizeof(a->u)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_proto p;
	enum wire_sock sock;
	size_t off = 1;

	if (size < 1)
		return 0;
	p.apv = apvs[data[0] & 7];
	p.features = (data[0] >> 3) & 1 ? DRBD_FF_WSAME | DRBD_FF_TRIM : 0;
	p.digest_size = (data[0] >> 4) & 1 ? 4 : 0;
	sock = (enum wire_sock)((data[0] >> 5) % 3);
	while (off < size) {
		struct wire_packet pkt;
		struct wire_payload pl;
		struct wire_engine_state es;
		int hs = wire_packet_decode(&p, sock, data + off, size - off, &pkt);

		if (hs < 0 || pkt.hdr.length > size - off - (size_t)hs)
			break;
		if (wire_payload_decode(&p, pkt.hdr.cmd, data + off + hs,
					pkt.hdr.length, &pl) == 0) {
			if (pl.kind == WIRE_PL_STATE)
				(void)wire_state_to_engine(p.apv, pl.u.word, &es);
			roundtrip(&p, pkt.hdr.vnr, &pl);
		}
		off += (size_t)hs + pkt.hdr.length;
	}
	return 0;
}

#ifndef UDRBD_LIBFUZZER
/* Without libFuzzer: run each file named on the command line once. */
#include <stdio.h>

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];

	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (!f)
			return 1;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return 0;
}
#endif
