/* Golden test of wire/ against real DRBD traffic: the TCP streams of the
 * drbd84-wire captures (two kernel DRBD 8.4.11 nodes) and of drbd9-wire's
 * s08 captures (DRBD 9.2.18 speaking the 8.4 dialect with 8.4.11),
 * reassembled at build time by golden_streams.py into $UDRBD_WIRE_GOLDEN.
 *
 * Every direction of every connection is walked packet by packet with
 * wire_packet_decode() and wire_payload_decode(); every packet must decode,
 * must re-encode to exactly the captured bytes, and the sequence must
 * match Wireshark's (expect.tsv): names, lengths, and sector, size,
 * block_id, seq_num, dp_flags where Wireshark shows them. */
#include "tests/tap.h"
#include "tests/unit/wire/golden.h"
#include "wire/bytes.h"
#include "wire/payload.h"

/* The agreed context of a capture, from the features packets of its first
 * complete data socket (crossed sockets carry only the first packet). */
static int agree(const struct golden *g, struct wire_proto *p)
{
	struct wire_features fa, fb;

	memset(p, 0, sizeof(*p));
	for (unsigned i = 0; i < g->ndirs; i++) {
		const struct golden_dir *a = &g->dirs[i];

		if (a->len < 88 || wire_initial_decode(a->buf, a->len) != P_INITIAL_DATA)
			continue;
		for (unsigned j = 0; j < g->ndirs; j++) {
			const struct golden_dir *b = &g->dirs[j];

			if (j == i || b->stream != a->stream || b->len < 80)
				continue;
			if (wire_features_decode(a->buf + 16, 72, &fa) < 0 ||
			    wire_features_decode(b->buf + 8, 72, &fb) < 0)
				return -1;
			return wire_features_agree(&fa, &fb, p);
		}
	}
	return -1;
}

static unsigned digest_size_of(const char *alg)
{
	static const struct { const char *name; unsigned size; } algs[] = {
		{ "", 0 }, { "crc32c", 4 }, { "md5", 16 }, { "sha1", 20 },
		{ "sha256", 32 }, { "sha512", 64 },
	};

	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (!strcmp(alg, algs[i].name))
			return algs[i].size;
	return 0;
}

/* Re-encoding what was decoded gives the captured bytes back. */
static void check_reencode(const struct wire_proto *p, const uint8_t *pkt,
			   const struct wire_packet *w,
			   const struct wire_payload *pl, const char *where)
{
	static uint8_t out[WIRE_HEADER_MAX + 4096], cap[WIRE_HEADER_MAX + 4096];
	int n = wire_payload_encode(p, w->hdr.vnr, pl, out, sizeof(out));
	size_t want = w->hdr.size + w->hdr.length;

	if (pl->kind == WIRE_PL_DATA)
		want -= pl->u.data.data_size;
	if (pl->kind == WIRE_PL_SYNC_PARAM || w->hdr.cmd == P_ENABLE_REPLICATION)
		return;	/* NUL padding after the names is not ours to keep */
	TAP_OK(n >= 0 && (size_t)n == want, "%s: %s re-encodes to %d bytes, not %zu (%s)",
	       where, wire_cmd_name(w->hdr.cmd), n, want, wire_last_error());
	if (n < 0 || (size_t)n != want)
		return;
	memcpy(cap, pkt, want);
	if (pl->kind == WIRE_PL_BLOCK_REQ)	/* 8.4.11 sends pad garbage */
		memset(cap + w->hdr.size + 20, 0, 4);
	if (memcmp(out, cap, want)) {
		size_t i = 0;

		while (out[i] == cap[i])
			i++;
		TAP_OK(0, "%s: %s re-encoded differs at byte %zu: %02x, captured %02x",
		       where, wire_cmd_name(w->hdr.cmd), i, out[i], cap[i]);
	}
}

static void record(struct golden_dir *d, const struct wire_packet *w,
		   const struct wire_payload *pl)
{
	struct golden_pdu *r;

	if (d->npdus >= d->len / 8 + 2)	/* the room golden_load made */
		return;
	r = &d->pdus[d->npdus++];
	memset(r, 0, sizeof(*r));
	r->cmd = w->hdr.cmd;
	r->length = w->hdr.length;
	if (pl->kind == WIRE_PL_DATA) {
		r->sector = pl->u.data.sector;
		/* Wireshark counts the digest as data (drbd84-wire README) */
		r->size = pl->u.data.data_size + pl->u.data.digest_size;
		wire_put_raw64(r->block_id, pl->u.data.block_id);
		r->seq = pl->u.data.seq_num;
		r->dp_flags = pl->u.data.dp_flags;
	} else if (pl->kind == WIRE_PL_BLOCK_REQ) {
		r->sector = pl->u.block_req.sector;
		r->size = pl->u.block_req.blksize;
		wire_put_raw64(r->block_id, pl->u.block_req.block_id);
	} else if (pl->kind == WIRE_PL_BLOCK_ACK) {
		r->sector = pl->u.block_ack.sector;
		r->size = pl->u.block_ack.blksize;
		wire_put_raw64(r->block_id, pl->u.block_ack.block_id);
		r->seq = pl->u.block_ack.seq_num;
	}
}

/* The connecting side opens each socket with P_INITIAL_DATA/META; the
 * accepting side's direction starts right away with packets. */
static int socket_of(const struct golden *g, const struct golden_dir *d)
{
	int first = wire_initial_decode(d->buf, d->len);

	for (unsigned i = 0; first < 0 && i < g->ndirs; i++) {
		const struct golden_dir *r = &g->dirs[i];

		if (r != d && r->stream == d->stream)
			first = wire_initial_decode(r->buf, r->len);
	}
	return first;
}

/* Walks one direction; returns the number of bytes not consumed. */
static size_t walk(const struct golden *g, struct golden_dir *d,
		   const struct wire_proto *agreed, const char *where)
{
	struct wire_proto p = { 0, 0, 0 };
	int first = socket_of(g, d);
	enum wire_sock sock = first == P_INITIAL_DATA ? WIRE_SOCK_DATA :
			      WIRE_SOCK_META;
	size_t off = 0;

	TAP_OK(first >= 0, "%s: no first packet: %s", where, wire_last_error());
	if (first < 0)
		return d->len;
	if (wire_initial_decode(d->buf, d->len) == first) {
		d->pdus[d->npdus++] = (struct golden_pdu){ .cmd = (uint16_t)first };
		off = WIRE_INITIAL_SIZE;
	}
	if (sock == WIRE_SOCK_META)
		p = *agreed;
	while (off < d->len) {
		struct wire_packet w;
		struct wire_payload pl;
		int hs = wire_packet_decode(&p, sock, d->buf + off, d->len - off, &w);
		int rc;

		if (hs < 0 || w.hdr.length > d->len - off - (size_t)hs) {
			TAP_OK(0, "%s @%zu: %s", where, off,
			       hs < 0 ? wire_last_error() : "truncated packet");
			return d->len - off;
		}
		rc = wire_payload_decode(&p, w.hdr.cmd, d->buf + off + hs,
					 w.hdr.length, &pl);
		TAP_OK(rc == 0, "%s @%zu %s: %s", where, off,
		       wire_cmd_name(w.hdr.cmd), wire_last_error());
		if (rc == 0)
			check_reencode(&p, d->buf + off, &w, &pl, where);
		record(d, &w, &pl);
		if (w.hdr.cmd == P_CONNECTION_FEATURES)
			p = *agreed;
		if (w.hdr.cmd == P_PROTOCOL && rc == 0)
			p.digest_size = digest_size_of(pl.u.protocol.integrity_alg);
		off += (size_t)hs + w.hdr.length;
	}
	return 0;
}

static bool same_dir(const struct golden_exp *e, const struct golden_dir *d)
{
	return e->stream == d->stream && e->sport == d->sport &&
	       !strcmp(e->src, d->src);
}

/* One PDU against Wireshark's line; false at the first difference, so a
 * misaligned walk reports once, not thousands of times. */
static bool compare_pdu(const struct golden_exp *e, const struct golden_pdu *r,
			const char *where, size_t i)
{
	const uint64_t got[GX_N] = {
		r->length, r->sector, r->size, 0, r->seq, r->dp_flags,
	};

	if (strcmp(e->name, wire_cmd_name(r->cmd))) {
		TAP_OK(0, "%s pdu %zu: %s, Wireshark %s", where, i,
		       wire_cmd_name(r->cmd), e->name);
		return false;
	}
	for (int f = 0; f < GX_N; f++) {
		uint64_t want = strtoull(e->val[f], NULL, 0);
		uint8_t raw[8];

		if (!e->val[f][0])
			continue;
		if (f == GX_BLOCK_ID) {
			/* Wireshark prints the 8 bytes as a little-endian number */
			for (int b = 0; b < 8; b++)
				raw[b] = (uint8_t)(want >> (8 * b));
			if (memcmp(raw, r->block_id, 8) == 0)
				continue;
		} else if (got[f] == want) {
			continue;
		}
		TAP_OK(0, "%s pdu %zu (%s): field %d is 0x%" PRIx64 ", Wireshark %s",
		       where, i, e->name, f, got[f], e->val[f]);
		return false;
	}
	return true;
}

static void golden_compare(const struct golden *g, const struct golden_dir *d,
			   const char *where)
{
	size_t k = 0;

	for (size_t i = 0; i < g->nexp; i++) {
		const struct golden_exp *e = &g->exp[i];

		if (!same_dir(e, d))
			continue;
		if (g->names_only) {	/* a subsequence: skip what tshark missed */
			while (k < d->npdus && strcmp(e->name, wire_cmd_name(d->pdus[k].cmd)))
				k++;
			TAP_OK(k < d->npdus, "%s: Wireshark's %s not found in order",
			       where, e->name);
			if (k++ >= d->npdus)
				return;
			continue;
		}
		TAP_OK(k < d->npdus, "%s: Wireshark has more PDUs than %zu", where,
		       d->npdus);
		if (k >= d->npdus || !compare_pdu(e, &d->pdus[k], where, k))
			return;
		k++;
	}
	if (!g->names_only)
		TAP_OK(k == d->npdus, "%s: decoded %zu PDUs, Wireshark %zu", where,
		       d->npdus, k);
}

static void run(const char *name)
{
	struct golden g;
	struct wire_proto agreed;
	char where[160];
	int rc = golden_load(&g, name);

	if (rc == GOLDEN_SKIP) {
		TAP_SKIP(golden_skip_reason());
		return;
	}
	TAP_OK(rc == 0, "%s: cannot load the streams (%s)", name, golden_skip_reason());
	if (rc)
		return;
	TAP_OK(agree(&g, &agreed) == 0, "%s: no agreed features", name);
	TAP_EQ(agreed.apv, 101);
	TAP_EQ(agreed.features, DRBD_FF_TRIM | DRBD_FF_THIN_RESYNC |
			       DRBD_FF_WSAME | DRBD_FF_WZEROES);
	for (unsigned i = 0; i < g.ndirs; i++) {
		struct golden_dir *d = &g.dirs[i];

		if (!d->len)
			continue;
		snprintf(where, sizeof(where), "%s %s", name, d->file);
		TAP_EQ(walk(&g, d, &agreed, where), 0);
		golden_compare(&g, d, where);
	}
	golden_free(&g);
}

#define SCENARIO(id, name)	\
	TAP_TEST(id) { run(name); }

SCENARIO(s01, "s01-connect-initial-sync")
SCENARIO(s02a, "s02a-protocol-A")
SCENARIO(s02b, "s02b-protocol-B")
SCENARIO(s03, "s03-bitmap-resync")
SCENARIO(s04a, "s04a-auth-sha1")
SCENARIO(s04b, "s04b-auth-sha256")
SCENARIO(s04c, "s04c-auth-mismatch")
SCENARIO(s05, "s05-verify")
SCENARIO(s06, "s06-csums")
SCENARIO(s07, "s07-split-brain")
SCENARIO(s08, "s08-role-switch")
SCENARIO(s09, "s09-diskless-remote-read")
SCENARIO(s10, "s10-data-integrity")
SCENARIO(d9_s08a, "s08a-mixed-9.2.18-to-8.4")
SCENARIO(d9_s08b, "s08b-mixed-8.4-to-9.2.18")

int main(int argc, char **argv)
{
	golden_set_dir(argc > 1 ? argv[1] : NULL);
	return tap_run();
}
